// SysError: every failed system call becomes an absl::Status that names the call, the object it
// acted on (an interface, an address, a path) and errno, with the most specific status code.
//
//   if (setsockopt(fd, ...) < 0) return vrrp::os::SysError("setsockopt(IP_MULTICAST_IF)", "eth0");
//   // -> PERMISSION_DENIED: setsockopt(IP_MULTICAST_IF) on eth0: Operation not permitted (EPERM)
//
// The Linux layer's C++ namespace is vrrp::os, not vrrp::linux: `linux` is a predefined macro
// under -std=gnu++20 (GCC's default), which would break every embedder built that way.
#ifndef VRRP_LINUX_SYS_ERROR_H_
#define VRRP_LINUX_SYS_ERROR_H_

#include <string_view>

#include "absl/status/status.h"

namespace vrrp::os {

// Builds the status from `error` (default: the current errno).
absl::Status SysError(std::string_view call, std::string_view object);
absl::Status SysError(std::string_view call, std::string_view object, int error);

// The symbolic name of an errno value ("EPERM"), or its number when unknown.
std::string_view ErrnoName(int error);

}  // namespace vrrp::os

#endif  // VRRP_LINUX_SYS_ERROR_H_
