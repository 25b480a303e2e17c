// Adding and removing keepalived's static and virtual routes and rules (vrrp/route.h) in the
// kernel. `RouteControl` is the interface the daemon calls (a test brings its own);
// NetlinkRouteControl is rtnetlink (route_messages.h) on a NETLINK_ROUTE socket.
//
//   auto routes = vrrp::os::NetlinkRouteControl::Open();
//   absl::Status s = (*routes)->Add(route);    // ip route add ... proto 118
//   absl::StatusOr<int> gone = (*routes)->RemoveTagged(vrrp::kRouteProtocol);  // at start
//
// Like AddressManager's, Add and Remove are idempotent: an equal route or rule already there is
// added, one that is gone (or whose interface is gone, taking it along) is removed.
// Thread-safety: none. The socket is bound to the network namespace it was opened in.
#ifndef VRRP_LINUX_ROUTE_CONTROL_H_
#define VRRP_LINUX_ROUTE_CONTROL_H_

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "vrrp/route.h"

struct mnl_socket;

namespace vrrp::os {

class RouteControl {
 public:
  virtual ~RouteControl() = default;
  [[nodiscard]] virtual absl::Status Add(const Route& route) = 0;
  [[nodiscard]] virtual absl::Status Remove(const Route& route) = 0;
  [[nodiscard]] virtual absl::Status Add(const Rule& rule) = 0;
  [[nodiscard]] virtual absl::Status Remove(const Rule& rule) = 0;
  // Removes every route and rule of both families tagged `protocol`, in every table; returns how
  // many. What a run killed before its clean stop left behind.
  [[nodiscard]] virtual absl::StatusOr<int> RemoveTagged(uint8_t protocol) = 0;
};

class NetlinkRouteControl final : public RouteControl {
 public:
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<NetlinkRouteControl>> Open();
  ~NetlinkRouteControl() override;
  NetlinkRouteControl(const NetlinkRouteControl&) = delete;
  NetlinkRouteControl& operator=(const NetlinkRouteControl&) = delete;

  absl::Status Add(const Route& route) override;
  absl::Status Remove(const Route& route) override;
  absl::Status Add(const Rule& rule) override;
  absl::Status Remove(const Rule& rule) override;
  absl::StatusOr<int> RemoveTagged(uint8_t protocol) override;

 private:
  explicit NetlinkRouteControl(mnl_socket* socket);
  // Sends `request` (its sequence number set here) and reads its acknowledgement; the kernel's
  // errno, 0 on success, goes to `kernel_errno`.
  absl::Status Acknowledged(absl::Span<uint8_t> request, std::string_view call,
                            std::string_view object, int* kernel_errno);
  absl::Status RouteRequest(const Route& route, bool add);
  // One dump (`request` built with sequence `seq`) read through ParseFlushDump.
  absl::Status Dump(absl::Span<const uint8_t> request, uint32_t seq, uint8_t protocol,
                    std::string_view call, std::vector<std::vector<uint8_t>>& deletions);

  mnl_socket* socket_;
  uint32_t seq_ = 0;
  std::vector<uint8_t> receive_buffer_;
};

}  // namespace vrrp::os

#endif  // VRRP_LINUX_ROUTE_CONTROL_H_
