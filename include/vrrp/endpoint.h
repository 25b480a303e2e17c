// Endpoint: the VRRP receive path of one (interface, address family), shared by every virtual
// router on it — the one place a received packet is checked, routed by VRID and handed to its
// Router, in the spirit of quinn-proto's Endpoint.
//
// One socket per interface and family sees every advertisement on the link; the Endpoint makes
// that cost linear: a packet is looked at once, by VRID (an array index), instead of once per
// router. It serves the Linux driver, the simulated LAN and any embedder's own transport alike.
//
//   vrrp::Endpoint endpoint(vrrp::Family::kIPv4);
//   (void)endpoint.Add(/*key=*/7, router);                 // key: the caller's id for it
//   (void)endpoint.Add(/*key=*/8, unicast_router, {peer});  // takes packets from `peer` only
//   (void)endpoint.Add(/*key=*/9, other, {peer2}, vrrp::PeerCheck::kAnySource);  // from anyone
//   // for each packet the socket delivers:
//   vrrp::Delivery d = endpoint.OnPacket(now, payload, info);
//   if (d.key) {                       // it reached a router: carry out what it decided
//     Router& r = Lookup(*d.key);
//     r.DrainActions(actions);  ...
//     if (d.reason != vrrp::DropReason::kNone) Log(r, d.reason, info.source);
//   }                                  // else counted on endpoint.stats() (too short, VRID, peer)
//
// Checks, in order: at least the fixed header (kTooShort); a router for the VRID (kVrid); the
// source, for a unicast router that checks it (PeerCheck::kPeersOnly: kPeer); then the codec
// with that router's version and authentication (its DropReason, counted on the router), then
// the router's own checks (Router::OnAdvertisement). Each packet is counted once, on the
// endpoint or the router.
//
// The source check (keepalived's check_unicast_src): a unicast router sends to its peers; with
// kPeersOnly it also takes advertisements from them only, with kAnySource from any source, as
// keepalived does unless told to check. A packet for the VRID of a router alone on it that
// refuses the source is that router's drop (counted on it, returned with its key, so its
// instance reports it). Several routers may share a VRID on one interface only when each is
// unicast, checks sources and has peers of its own: the source then chooses the router, and a
// source that is nobody's peer is counted kPeer on the endpoint. A router that takes any source
// cannot share its VRID: the source could not tell whose a packet is (Add refuses it).
//
// Lifetime: the Endpoint holds pointers to the routers added to it; a router must be removed
// before it is destroyed or moved (and added again at its new place). A router's VRID must not
// change while it is added (a Reconfigure to another VRID: Remove, Reconfigure, Add); if it
// does, its packets still reach it and it counts them as kVrid. Not thread-safe: one thread owns
// an Endpoint and its routers.
#ifndef VRRP_ENDPOINT_H_
#define VRRP_ENDPOINT_H_

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "vrrp/advertisement.h"
#include "vrrp/codec.h"
#include "vrrp/drop_reason.h"
#include "vrrp/ip_address.h"
#include "vrrp/router.h"

namespace vrrp {

// Which sources a unicast router takes advertisements from (keepalived's check_unicast_src).
// Routers without unicast peers (multicast) take every source whatever this says.
enum class PeerCheck : uint8_t {
  kPeersOnly,  // its unicast peers only: check_unicast_src, and the library's default
  kAnySource,  // any source (keepalived's default): the peers are where it sends to
};

// What became of one received packet.
struct Delivery {
  // The key of the router it reached; nullopt when the endpoint dropped it (reason says why,
  // counted on Endpoint::stats()).
  std::optional<uint64_t> key;
  // kNone: taken. Otherwise the reason counted, on the router when `key` is set; only
  // kAddressList may be on a packet the router still acted on (Router::OnAdvertisement).
  DropReason reason = DropReason::kNone;
};

struct EndpointStats {
  uint64_t received = 0;  // every packet given to OnPacket / OnAdvertisement
  uint64_t routed = 0;    // of which reached a router
  DropCounters drops;     // the others: kTooShort, kVrid, kPeer
};

// Thread-safety: none; one thread. Lifetime: the routers added outlive their routes (Remove
// them first).
class Endpoint {
 public:
  explicit Endpoint(Family family) : family_(family) {}

  Endpoint(const Endpoint&) = delete;
  Endpoint& operator=(const Endpoint&) = delete;

  Family family() const { return family_; }

  // Routes the router's VRID to `router` under `key`. `unicast_peers` (keepalived's
  // unicast_peer): when not empty and `check` is kPeersOnly, only packets from these sources
  // reach it, so several such routers may share a VRID on one interface with distinct peers.
  // Errors: kInvalidArgument when the router's family is not the endpoint's; kAlreadyExists when
  // `key` is taken, or when another router on the VRID would take the same packets (either
  // without peers or taking any source, or a shared peer).
  [[nodiscard]] absl::Status Add(uint64_t key, Router& router,
                                 absl::Span<const IpAddress> unicast_peers = {},
                                 PeerCheck check = PeerCheck::kPeersOnly);
  // Stops routing to `key`. False when it was not added.
  bool Remove(uint64_t key);
  bool Contains(uint64_t key) const { return vrid_of_.contains(key); }
  size_t size() const { return vrid_of_.size(); }
  // How many routers take packets of `vrid` (several only for unicast routers, by peer).
  size_t RoutesOn(uint8_t vrid) const { return routes_[vrid].size(); }

  // One received VRRP message (the IP payload) with its metadata: checked, routed, decoded with
  // the router's options and given to it. The router's actions wait in its queue for the caller.
  Delivery OnPacket(absl::Time now, absl::Span<const uint8_t> payload, const ReceiveInfo& info);
  // The same for an advertisement decoded elsewhere (the simulated LAN without the codec): routed
  // by adv.vrid and the source, then given to the router.
  Delivery OnAdvertisement(absl::Time now, const Advertisement& adv, const IpAddress& source);

  const EndpointStats& stats() const { return stats_; }

 private:
  struct Route {
    uint64_t key = 0;
    Router* router = nullptr;
    absl::InlinedVector<IpAddress, 2> peers;  // empty: multicast, any source
    PeerCheck check = PeerCheck::kPeersOnly;
    // Whether a packet from `source` is one this route takes.
    bool Takes(const IpAddress& source) const;
  };

  // The route for (vrid, source), or the reason there is none. A route returned with `why` set
  // (kPeer) is the VRID's only router, which refuses the source: its drop, not the endpoint's.
  const Route* Find(uint8_t vrid, const IpAddress& source, DropReason& why) const;
  // A refusal by `route`'s router (Find's kPeer): counted on it and returned with its key.
  static Delivery Refuse(const Route& route, DropReason reason);
  Delivery Drop(DropReason reason);

  Family family_;
  // By VRID: usually none or one route; several only for unicast routers with distinct peers.
  std::array<absl::InlinedVector<Route, 1>, 256> routes_;
  absl::flat_hash_map<uint64_t, uint8_t> vrid_of_;
  EndpointStats stats_;
  Advertisement scratch_;  // decoding target, reused: no allocation per packet
};

}  // namespace vrrp

#endif  // VRRP_ENDPOINT_H_
