// The sans-IO handles of vrrp.h (vrrp_router, vrrp_endpoint), defined here because each refers
// to the other: vrrp::Endpoint holds raw Router pointers, so a router remembers the endpoints it
// was added to and an endpoint the routers it routes to, and deleting either side first unlinks
// it from the other (no order of vrrp_router_del / vrrp_endpoint_del leaves a dangling pointer).
// Thread-safety: none, as vrrp.h says of every handle.
#ifndef VRRP_BINDINGS_C_CORE_HANDLES_H_
#define VRRP_BINDINGS_C_CORE_HANDLES_H_

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "vrrp.h"
#include "vrrp/action.h"
#include "vrrp/advertisement.h"
#include "vrrp/endpoint.h"
#include "vrrp/router.h"
#include "vrrp/router_stats.h"

struct vrrp_router {
  explicit vrrp_router(vrrp::Router r) : router(std::move(r)) {}

  vrrp::Router router;
  // Actions drained from the router and not yet polled: actions[next..]. Polling drains the
  // router again only once these are all handed out, so the order stays the router's.
  std::vector<vrrp::Action> actions;
  size_t next = 0;
  // The addresses of the last polled action (vrrp_action.addresses points here).
  std::vector<vrrp_addr> action_addresses;
  // Where this router is routed to: (endpoint, key) pairs, removed by vrrp_router_del.
  std::vector<std::pair<vrrp_endpoint*, uint64_t>> routes;
  // The decoding target of vrrp_router_handle_packet, reused: no allocation per packet.
  vrrp::Advertisement scratch;
};

struct vrrp_endpoint {
  explicit vrrp_endpoint(vrrp::Family family) : endpoint(family) {}

  vrrp::Endpoint endpoint;
  // key -> the router routed under it, to unlink it when either side is deleted.
  absl::flat_hash_map<uint64_t, vrrp_router*> routers;
};

namespace vrrp::c_abi {

// Copies the counters vrrp.h exposes (drops by VRRP_DROP_*, drops[0] left 0).
void FillRouterStats(const RouterStats& stats, vrrp_router_stats* out);
// Forgets (endpoint, key) in router->routes (the endpoint side is the caller's business).
void ForgetRoute(vrrp_router* router, const vrrp_endpoint* endpoint, uint64_t key);
// ToAddress for a packet's metadata; an unset destination is the family's multicast group.
absl::StatusOr<ReceiveInfo> ToReceiveInfo(const vrrp_packet_info& info);

}  // namespace vrrp::c_abi

#endif  // VRRP_BINDINGS_C_CORE_HANDLES_H_
