#include "vrrp/linux/sys_error.h"

#include <cerrno>
#include <cstring>
#include <string>

#include "fmt/format.h"

namespace vrrp::os {

std::string_view ErrnoName(int error) {
  // The errors our system calls meet; strerror() gives the text, this the searchable name.
  switch (error) {
    case EPERM:
      return "EPERM";
    case EACCES:
      return "EACCES";
    case ENOENT:
      return "ENOENT";
    case ENODEV:
      return "ENODEV";
    case ENXIO:
      return "ENXIO";
    case EEXIST:
      return "EEXIST";
    case EINVAL:
      return "EINVAL";
    case EADDRNOTAVAIL:
      return "EADDRNOTAVAIL";
    case EADDRINUSE:
      return "EADDRINUSE";
    case ENETDOWN:
      return "ENETDOWN";
    case ENETUNREACH:
      return "ENETUNREACH";
    case ENOBUFS:
      return "ENOBUFS";
    case ENOMEM:
      return "ENOMEM";
    case EAGAIN:
      return "EAGAIN";
    case EINTR:
      return "EINTR";
    case EBADF:
      return "EBADF";
    case EMSGSIZE:
      return "EMSGSIZE";
    case EPROTONOSUPPORT:
      return "EPROTONOSUPPORT";
    case EAFNOSUPPORT:
      return "EAFNOSUPPORT";
    case EOPNOTSUPP:
      return "EOPNOTSUPP";
    case EMFILE:
      return "EMFILE";
    case ENFILE:
      return "ENFILE";
    case EBUSY:
      return "EBUSY";
    case ETIMEDOUT:
      return "ETIMEDOUT";
    case ECONNREFUSED:
      return "ECONNREFUSED";
    case EHOSTUNREACH:
      return "EHOSTUNREACH";
    default:
      return "";
  }
}

absl::Status SysError(std::string_view call, std::string_view object) {
  return SysError(call, object, errno);
}

absl::Status SysError(std::string_view call, std::string_view object, int error) {
  std::string_view name = ErrnoName(error);
  std::string message =
      fmt::format("{}{}{}: {} ({})", call, object.empty() ? "" : " on ", object,
                  std::strerror(error), name.empty() ? fmt::format("errno {}", error) : name);
  switch (error) {
    case EPERM:
    case EACCES:
      return absl::PermissionDeniedError(message);
    case ENOENT:
    case ENODEV:
    case ENXIO:
    case EADDRNOTAVAIL:
      return absl::NotFoundError(message);
    case EEXIST:
    case EADDRINUSE:
      return absl::AlreadyExistsError(message);
    case EINVAL:
    case EMSGSIZE:
      return absl::InvalidArgumentError(message);
    case ENOBUFS:
    case ENOMEM:
    case EMFILE:
    case ENFILE:
      return absl::ResourceExhaustedError(message);
    case EAGAIN:
    case EBUSY:
    case ENETDOWN:
    case ENETUNREACH:
    case EHOSTUNREACH:
      return absl::UnavailableError(message);
    case ETIMEDOUT:
      return absl::DeadlineExceededError(message);
    case EPROTONOSUPPORT:
    case EAFNOSUPPORT:
    case EOPNOTSUPP:
      return absl::UnimplementedError(message);
    default:
      return absl::InternalError(message);
  }
}

}  // namespace vrrp::os
