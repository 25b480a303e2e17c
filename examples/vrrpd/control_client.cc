#include "control_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "fmt/format.h"
#include "vrrp/linux/event_loop.h"
#include "vrrp/linux/unique_fd.h"

namespace vrrpd::control {
namespace {

// Waits for `events` on `fd` until `deadline` (monotonic).
absl::Status Wait(int fd, short events, absl::Time deadline, const std::string& path) {
  for (;;) {
    const absl::Duration left = deadline - vrrp::os::MonotonicNow();
    if (left <= absl::ZeroDuration()) {
      return absl::DeadlineExceededError(fmt::format("vrrpd did not answer on {} in time", path));
    }
    pollfd p{fd, events, 0};
    const int n = poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
    if (n > 0) return absl::OkStatus();
    if (n < 0 && errno != EINTR) {
      return absl::UnavailableError(fmt::format("poll {}: {}", path, std::strerror(errno)));
    }
  }
}

}  // namespace

std::string NotRunningMessage(const std::string& path) {
  return fmt::format("vrrpd is not running (no control socket at {})", path);
}

std::string DeniedMessage(const std::string& path) {
  return fmt::format("permission denied: {} (run as root)", path);
}

absl::StatusOr<Response> Call(const std::string& path, const Request& request,
                              absl::Duration timeout) {
  const absl::Time deadline = vrrp::os::MonotonicNow() + timeout;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof(address.sun_path)) {
    return absl::InvalidArgumentError(fmt::format("socket path '{}' is too long", path));
  }
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  vrrp::os::UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd.valid()) return absl::InternalError(fmt::format("socket: {}", std::strerror(errno)));
  if (connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    switch (errno) {
      case ENOENT:
      case ECONNREFUSED:
      case ENOTDIR:
        return absl::UnavailableError(NotRunningMessage(path));
      case EACCES:
      case EPERM:
        return absl::PermissionDeniedError(DeniedMessage(path));
      case EAGAIN:  // the backlog is full: the daemon is there but busy
        return absl::ResourceExhaustedError(
            fmt::format("vrrpd does not accept more connections on {} now; try again", path));
      default:
        return absl::UnavailableError(fmt::format("connect {}: {}", path, std::strerror(errno)));
    }
  }
  const std::string line = FormatRequest(request);
  size_t sent = 0;
  while (sent < line.size()) {
    const ssize_t n = send(fd.get(), line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (absl::Status s = Wait(fd.get(), POLLOUT, deadline, path); !s.ok()) return s;
    } else {
      break;  // the daemon closed early (busy, or refused): its answer may still be there
    }
  }
  std::string answer;
  char buffer[8192];
  for (;;) {
    const ssize_t n = recv(fd.get(), buffer, sizeof(buffer), 0);
    if (n > 0) {
      answer.append(buffer, static_cast<size_t>(n));
      if (answer.size() > kMaxAnswerBytes) {
        return absl::DataLossError(fmt::format("vrrpd's answer on {} is too large", path));
      }
      continue;
    }
    if (n == 0) break;
    if (errno == EINTR) continue;
    if (errno == EAGAIN) {
      if (absl::Status s = Wait(fd.get(), POLLIN, deadline, path); !s.ok()) return s;
      continue;
    }
    if (answer.empty()) {
      return absl::UnavailableError(fmt::format("recv {}: {}", path, std::strerror(errno)));
    }
    break;
  }
  return ParseResponse(answer);
}

}  // namespace vrrpd::control
