// The NETLINK_ROUTE socket every rtnetlink user of lib/linux opens, and its request / answer
// exchange (netlink_framing.h).
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "fmt/format.h"
#include "netlink_framing.h"
#include "vrrp/linux/sys_error.h"

namespace vrrp::os {

absl::StatusOr<mnl_socket*> OpenRouteSocket() {
  mnl_socket* socket = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
  if (socket == nullptr) return SysError("socket(AF_NETLINK, NETLINK_ROUTE)", "");
  int one = 1;
  (void)mnl_socket_setsockopt(socket, NETLINK_EXT_ACK, &one, sizeof(one));
  (void)mnl_socket_setsockopt(socket, NETLINK_GET_STRICT_CHK, &one, sizeof(one));
  if (mnl_socket_bind(socket, 0, MNL_SOCKET_AUTOPID) < 0) {
    absl::Status status = SysError("bind(AF_NETLINK, NETLINK_ROUTE)", "");
    mnl_socket_close(socket);
    return status;
  }
  return socket;
}

absl::Status Exchange(
    mnl_socket* socket, std::vector<uint8_t>& buffer, absl::Span<const uint8_t> request,
    std::string_view call, std::string_view object,
    const std::function<absl::StatusOr<bool>(absl::Span<const uint8_t>)>& answered) {
  for (;;) {
    if (mnl_socket_sendto(socket, request.data(), request.size()) >= 0) break;
    if (errno != EINTR) return SysError(fmt::format("send({})", call), object);
  }
  for (;;) {
    ssize_t received = mnl_socket_recvfrom(socket, buffer.data(), buffer.size());
    if (received < 0) {
      if (errno == EINTR) continue;
      return SysError(fmt::format("recv({})", call), object);
    }
    absl::StatusOr<bool> done =
        answered(absl::MakeConstSpan(buffer.data(), static_cast<size_t>(received)));
    if (!done.ok()) return done.status();
    if (*done) return absl::OkStatus();
  }
}

int AskReceiveQueue(int fd, int bytes) {
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)) < 0) {
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes));
  }
  int granted = 0;
  socklen_t length = sizeof(granted);
  if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &granted, &length) < 0) return 0;
  return granted;
}

int LookUpIndex(int fd, std::string_view name, uint32_t* index) {
  if (name.empty() || name.size() >= IFNAMSIZ || name.find('\0') != std::string_view::npos) {
    return EINVAL;
  }
  ifreq request{};
  std::memcpy(request.ifr_name, name.data(), name.size());
  if (ioctl(fd, SIOCGIFINDEX, &request) < 0) return errno;
  *index = static_cast<uint32_t>(request.ifr_ifindex);
  return 0;
}

}  // namespace vrrp::os
