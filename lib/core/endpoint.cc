#include "vrrp/endpoint.h"

#include <algorithm>
#include <string>

#include "fmt/format.h"
#include "vrrp/ah.h"

namespace vrrp {
namespace {

// Whether two routes on one VRID could both claim a packet. A route without peers (multicast)
// or one that takes any source claims every packet: the source cannot choose between them.
bool Overlap(absl::Span<const IpAddress> a, PeerCheck check_a, absl::Span<const IpAddress> b,
             PeerCheck check_b) {
  if (a.empty() || b.empty()) return true;
  if (check_a == PeerCheck::kAnySource || check_b == PeerCheck::kAnySource) return true;
  return std::any_of(a.begin(), a.end(), [&](const IpAddress& ip) {
    return std::find(b.begin(), b.end(), ip) != b.end();
  });
}

}  // namespace

absl::Status Endpoint::Add(uint64_t key, Router& router, absl::Span<const IpAddress> unicast_peers,
                           PeerCheck check) {
  const RouterConfig& config = router.config();
  if (config.family != family_) {
    return absl::InvalidArgumentError(fmt::format("VRID {} is {} but the endpoint is {}",
                                                  config.vrid, FamilyName(config.family),
                                                  FamilyName(family_)));
  }
  for (const IpAddress& peer : unicast_peers) {
    if (peer.family() != family_) {
      return absl::InvalidArgumentError(
          fmt::format("unicast peer {} is not {}", peer, FamilyName(family_)));
    }
  }
  if (vrid_of_.contains(key)) {
    return absl::AlreadyExistsError(fmt::format("key {} is already routed", key));
  }
  const auto vrid = static_cast<uint8_t>(config.vrid);
  for (const Route& other : routes_[vrid]) {
    if (Overlap(other.peers, other.check, unicast_peers, check)) {
      return absl::AlreadyExistsError(fmt::format(
          "VRID {} already has a router on this interface ({}) that takes the same packets "
          "(routers sharing a VRID must be unicast, each checking for peers of its own)",
          config.vrid, FamilyName(family_)));
    }
  }
  Route route{.key = key, .router = &router, .peers = {}, .check = check};
  route.peers.assign(unicast_peers.begin(), unicast_peers.end());
  routes_[vrid].push_back(std::move(route));
  vrid_of_[key] = vrid;
  return absl::OkStatus();
}

bool Endpoint::Remove(uint64_t key) {
  auto it = vrid_of_.find(key);
  if (it == vrid_of_.end()) return false;
  auto& routes = routes_[it->second];
  routes.erase(
      std::remove_if(routes.begin(), routes.end(), [&](const Route& r) { return r.key == key; }),
      routes.end());
  vrid_of_.erase(it);
  return true;
}

bool Endpoint::Route::Takes(const IpAddress& source) const {
  return peers.empty() || check == PeerCheck::kAnySource ||
         std::find(peers.begin(), peers.end(), source) != peers.end();
}

const Endpoint::Route* Endpoint::Find(uint8_t vrid, const IpAddress& source,
                                      DropReason& why) const {
  const auto& routes = routes_[vrid];
  if (routes.empty()) {
    why = DropReason::kVrid;
    return nullptr;
  }
  for (const Route& route : routes) {
    if (route.Takes(source)) return &route;
  }
  why = DropReason::kPeer;
  // Alone on its VRID, the router is who the packet was for: it refused the source, and its
  // instance reports that (keepalived logs a check_unicast_src refusal per instance). Shared,
  // the packet is nobody's.
  return routes.size() == 1 ? &routes.front() : nullptr;
}

Delivery Endpoint::Drop(DropReason reason) {
  stats_.drops.Count(reason);
  return Delivery{.key = std::nullopt, .reason = reason};
}

Delivery Endpoint::Refuse(const Route& route, DropReason reason) {
  route.router->CountDrop(reason);
  return Delivery{.key = route.key, .reason = reason};
}

Delivery Endpoint::OnPacket(absl::Time now, absl::Span<const uint8_t> payload,
                            const ReceiveInfo& info) {
  ++stats_.received;
  // The VRID is the second octet in both versions (RFC 5798 §5.1, RFC 3768 §5.1), after the AH
  // header when AH carried it (ah.h); anything shorter than the fixed header is nobody's.
  const size_t message = info.protocol == kIpProtocolAh ? kAhHeaderSize : 0;
  if (payload.size() < message + kHeaderSize) return Drop(DropReason::kTooShort);
  DropReason why = DropReason::kNone;
  const Route* route = Find(payload[message + 1], info.source, why);
  if (route == nullptr) return Drop(why);
  ++stats_.routed;
  if (why != DropReason::kNone) return Refuse(*route, why);
  Router& router = *route->router;
  const DropReason decoded = DecodeAdvertisement(payload, info, router.decode_options(), scratch_);
  if (decoded != DropReason::kNone) {
    router.CountDrop(decoded);
    return Delivery{.key = route->key, .reason = decoded};
  }
  // AH's sequence number, against the router's counter (ah.h); counted there when refused.
  if (info.protocol == kIpProtocolAh) {
    if (DropReason r = router.AcceptAhSequence(scratch_.ah_sequence); r != DropReason::kNone) {
      return Delivery{.key = route->key, .reason = r};
    }
  }
  return Delivery{.key = route->key, .reason = router.OnAdvertisement(now, scratch_, info.source)};
}

Delivery Endpoint::OnAdvertisement(absl::Time now, const Advertisement& adv,
                                   const IpAddress& source) {
  ++stats_.received;
  DropReason why = DropReason::kNone;
  const Route* route = Find(adv.vrid, source, why);
  if (route == nullptr) return Drop(why);
  ++stats_.routed;
  if (why != DropReason::kNone) return Refuse(*route, why);
  return Delivery{.key = route->key, .reason = route->router->OnAdvertisement(now, adv, source)};
}

}  // namespace vrrp
