// vrrp.h's Endpoint section: a vrrp_endpoint wraps one vrrp::Endpoint (endpoint.h) and keeps
// which vrrp_router each key routes to, so that deleting either side unlinks the other.
#include <new>

#include "core_handles.h"
#include "fmt/format.h"
#include "internal.h"

using vrrp::c_abi::Fail;
using vrrp::c_abi::FailNull;

extern "C" {

int vrrp_endpoint_new(vrrp_endpoint** out, int family) {
  if (out == nullptr) return FailNull("vrrp_endpoint_new", "out");
  *out = nullptr;
  if (family != VRRP_FAMILY_IPV4 && family != VRRP_FAMILY_IPV6) {
    return Fail(VRRP_ERR_INVALID_ARGUMENT,
                fmt::format("family {} is not VRRP_FAMILY_IPV4 or _IPV6", family));
  }
  try {
    *out = new vrrp_endpoint(static_cast<vrrp::Family>(family));
    return 0;
  } catch (const std::bad_alloc&) {
    return Fail(VRRP_ERR_NOMEM, "vrrp_endpoint_new: out of memory");
  }
}

void vrrp_endpoint_del(vrrp_endpoint* endpoint) {
  if (endpoint == nullptr) return;
  // The routers stay; they only forget this endpoint, so that their own del does not touch it.
  for (const auto& [key, router] : endpoint->routers) {
    vrrp::c_abi::ForgetRoute(router, endpoint, key);
  }
  delete endpoint;
}

int vrrp_endpoint_add(vrrp_endpoint* endpoint, uint64_t key, vrrp_router* router,
                      const vrrp_addr* unicast_peers, size_t n_unicast_peers) {
  if (endpoint == nullptr) return FailNull("vrrp_endpoint_add", "endpoint");
  if (router == nullptr) return FailNull("vrrp_endpoint_add", "router");
  if (unicast_peers == nullptr && n_unicast_peers > 0) {
    return FailNull("vrrp_endpoint_add", "unicast_peers");
  }
  // A key already routed is refused by Add below; on a failed allocation only a link this call
  // made may be undone.
  const bool taken = endpoint->routers.contains(key);
  try {
    std::vector<vrrp::IpAddress> peers;
    peers.reserve(n_unicast_peers);
    for (size_t i = 0; i < n_unicast_peers; ++i) {
      absl::StatusOr<vrrp::IpAddress> peer = vrrp::c_abi::ToAddress(unicast_peers[i]);
      if (!peer.ok()) {
        return Fail(VRRP_ERR_INVALID_ARGUMENT,
                    fmt::format("unicast_peers[{}]: {}", i, std::string(peer.status().message())));
      }
      peers.push_back(*peer);
    }
    // Make room on both sides first, so that a failed allocation leaves no half-made link.
    endpoint->routers.reserve(endpoint->routers.size() + 1);
    router->routes.reserve(router->routes.size() + 1);
    if (absl::Status s = endpoint->endpoint.Add(key, router->router, peers); !s.ok()) {
      return Fail(s);
    }
    endpoint->routers[key] = router;
    router->routes.emplace_back(endpoint, key);
    return 0;
  } catch (const std::bad_alloc&) {
    if (!taken) {
      endpoint->endpoint.Remove(key);
      endpoint->routers.erase(key);
      vrrp::c_abi::ForgetRoute(router, endpoint, key);
    }
    return Fail(VRRP_ERR_NOMEM, "vrrp_endpoint_add: out of memory");
  }
}

int vrrp_endpoint_remove(vrrp_endpoint* endpoint, uint64_t key) {
  if (endpoint == nullptr) return FailNull("vrrp_endpoint_remove", "endpoint");
  auto it = endpoint->routers.find(key);
  if (it == endpoint->routers.end()) {
    return Fail(VRRP_ERR_NOT_FOUND, fmt::format("vrrp_endpoint_remove: no key {}", key));
  }
  endpoint->endpoint.Remove(key);
  vrrp::c_abi::ForgetRoute(it->second, endpoint, key);
  endpoint->routers.erase(it);
  return 0;
}

int vrrp_endpoint_handle_packet(vrrp_endpoint* endpoint, vrrp_tstamp now, const uint8_t* payload,
                                size_t len, const vrrp_packet_info* info, vrrp_delivery* out) {
  if (endpoint == nullptr) return FailNull("vrrp_endpoint_handle_packet", "endpoint");
  if (payload == nullptr && len > 0) return FailNull("vrrp_endpoint_handle_packet", "payload");
  if (info == nullptr) return FailNull("vrrp_endpoint_handle_packet", "info");
  if (out == nullptr) return FailNull("vrrp_endpoint_handle_packet", "out");
  try {
    absl::StatusOr<vrrp::ReceiveInfo> receive = vrrp::c_abi::ToReceiveInfo(*info);
    if (!receive.ok()) return Fail(receive.status());
    const vrrp::Delivery d = endpoint->endpoint.OnPacket(
        vrrp::c_abi::ToTime(now), absl::MakeConstSpan(payload, len), *receive);
    *out = vrrp_delivery{};
    out->routed = d.key.has_value() ? 1 : 0;
    out->key = d.key.value_or(0);
    out->drop = static_cast<int>(d.reason);
    return 0;
  } catch (const std::bad_alloc&) {
    return Fail(VRRP_ERR_NOMEM, "vrrp_endpoint_handle_packet: out of memory");
  }
}

void vrrp_endpoint_get_stats(const vrrp_endpoint* endpoint, vrrp_endpoint_stats* out) {
  if (endpoint == nullptr || out == nullptr) return;
  const vrrp::EndpointStats& s = endpoint->endpoint.stats();
  *out = vrrp_endpoint_stats{};
  out->received = s.received;
  out->routed = s.routed;
  for (int i = 1; i < VRRP_DROP_COUNT; ++i) {
    out->drops[i] = s.drops[static_cast<vrrp::DropReason>(i)];
  }
}

}  // extern "C"
