// The control socket's client side, for vrrpctl (and tests): one request, one answer.
//
//   absl::StatusOr<Response> r = vrrpd::control::Call("/run/vrrpd.ctl", request, absl::Seconds(5));
//   if (!r.ok()) ...   // kUnavailable: "vrrpd is not running (no control socket at PATH)";
//                      // kPermissionDenied: "permission denied: PATH (run as root)";
//                      // kDeadlineExceeded, kDataLoss: no answer, or a broken one
//
// Thread-safety: a free function; it blocks for at most `timeout`.
#ifndef VRRPD_CONTROL_CLIENT_H_
#define VRRPD_CONTROL_CLIENT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "control_protocol.h"

namespace vrrpd::control {

// An answer larger than this is refused as broken (the daemon sends at most 16 MiB).
inline constexpr size_t kMaxAnswerBytes = 32 << 20;

absl::StatusOr<Response> Call(const std::string& path, const Request& request,
                              absl::Duration timeout);

// The messages vrrpctl prints for a daemon that is not there and for a caller it refuses.
std::string NotRunningMessage(const std::string& path);
std::string DeniedMessage(const std::string& path);

}  // namespace vrrpd::control

#endif  // VRRPD_CONTROL_CLIENT_H_
