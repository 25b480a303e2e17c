// Instance: one virtual router at work — a Router wired to a Transport, an AddressManager and an
// Announcer, carrying out the router's actions. keepalived calls this a vrrp_instance. Still
// core: it only calls the interfaces, so it runs the same over Linux sockets (vrrp::os::Driver),
// DPDK, or the fakes of the tests. Received packets reach its router through the interface's
// Endpoint (endpoint.h); the instance then carries out what the router decided.
//
//   vrrp::InstanceConfig config;
//   config.name = "VIP_1";
//   config.router.vrid = 50;  config.router.priority = 150;  ...
//   config.addresses = {{.address = vip, .prefix_len = 24, .interface = "eth0"}};
//   auto instance = vrrp::Instance::Create(config, transport, addresses, announcer, id);
//   (void)endpoint.Add(key, (*instance)->router(), (*instance)->config().unicast_peers,
//                      (*instance)->config().peer_check);
//   (*instance)->Start(now);
//   // on a packet:  d = endpoint.OnPacket(now, payload, info);
//   //               if (d.key == key) (*instance)->OnDelivery(now, d, info.source);
//   // at (*instance)->NextDeadline(): (*instance)->OnTimer(now);
//   // after each call: while (auto e = (*instance)->PollEvent()) Log(*e);
//
// Thread-safety: none; one thread calls an instance and drains its events. Lifetime: the
// transport, address manager, announcer and event queue outlive it.
//
// Every received packet its router refuses is counted on the router and reported as an event;
// every address change and every failure of the transport, address manager or announcer is
// reported as an event too, never thrown and never fatal.
//
// A Master that cannot add one of its addresses (no CAP_NET_ADMIN, the interface gone, IPv6
// disabled on it) does not stay Master holding nothing, as keepalived does (issue 16): after the
// failed add's event it goes to Fault (priority 0, so a Backup that can hold the address takes
// over after Skew_Time) and probes the failed addresses later, 1 s after, doubling up to 30 s
// (kAddressRetryFirst, kAddressRetryMax). A probe adds the address and removes it at once, in
// Fault, so the instance never holds an address another router has taken over; the kernel sends
// no ARP or Neighbor Advertisement for it (an IPv6 add may send an MLD report for the
// solicited-node group, and with `dad` a DAD solicitation). Once every probe succeeds the fault
// is cleared and the instance rejoins the election as a Backup (reason fault_cleared). This
// fault is ORed with the caller's own (SetFault: link down, tracking): neither clears the
// other. An address that could not be removed is removed again on the same schedule until it
// is gone (or is the Master's again), so no VIP is left behind by a transient failure.
//
// Leases (InstanceConfig::vip_lease_seconds, issue 13): each address is added with that kernel
// lifetime and a Master renews it every VipLeaseRenewal() (silently; a failed renewal counts as
// a failed add), so a Master killed with SIGKILL loses its addresses within the lease plus the
// kernel's check granularity (about a second) instead of keeping them until it starts again.
#ifndef VRRP_INSTANCE_H_
#define VRRP_INSTANCE_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "vrrp/address_claim.h"
#include "vrrp/address_manager.h"
#include "vrrp/announcer.h"
#include "vrrp/codec.h"
#include "vrrp/endpoint.h"
#include "vrrp/event.h"
#include "vrrp/router.h"
#include "vrrp/transport.h"
#include "vrrp/vip_conflict.h"

namespace vrrp {

struct InstanceConfig {
  std::string name;  // keepalived's instance name, e.g. "VIP_1": in every event and log line
  // The state machine's settings. Its virtual_addresses are filled from `addresses` below.
  RouterConfig router;
  // virtual_ipaddress: what the router advertises, and how each is put on the interface.
  std::vector<VirtualAddress> addresses;
  // virtual_ipaddress_excluded: added and removed with the virtual addresses while Master, and
  // announced with them, but never advertised (any family: keepalived users put IPv6 addresses
  // on a VRRPv2 instance this way, or more addresses than one advertisement carries).
  std::vector<VirtualAddress> excluded_addresses;
  // v2 authentication (authentication { auth_type PASS; auth_pass ... }); copied into the
  // router's configuration, which encodes and checks it.
  AuthType auth_type = AuthType::kNone;
  PassKey pass_key;
  // v3 over IPv4: include the pseudo-header in the checksum (RFC 5798 §5.2.8; keepalived, FRR).
  bool v3_ipv4_pseudo_header = true;
  // Where advertisements go: each unicast peer (keepalived's unicast_peer), or else the multicast
  // group (vrrp_mcast_group4 / 6; nullopt: the RFC's 224.0.0.18 / ff02::12).
  std::vector<IpAddress> unicast_peers;
  std::optional<IpAddress> multicast_group;
  // Whether a unicast instance takes advertisements from its peers only (the library's default,
  // keepalived's check_unicast_src) or from any source (keepalived's default, which vrrpd's
  // configuration follows). The Endpoint applies it (endpoint.h).
  PeerCheck peer_check = PeerCheck::kPeersOnly;
  // Crash-safe VIPs: the kernel lifetime in seconds every address is added with, renewed by the
  // Master (VirtualAddress::lease_seconds): kMinVipLeaseSeconds..kMaxLeaseSeconds. 0, the
  // library's default: permanent, as keepalived. VipLeaseFor(router) gives the lease vrrpd uses
  // by default (`vip_lease_time auto`).
  uint32_t vip_lease_seconds = 0;
  // VIP conflict detection and the black-hole check (vrrp/vip_conflict.h): what the instance
  // does with the claims OnAddressClaim gives it. Off by default.
  VipConflictConfig vip_conflict;

  // The destinations the settings above give: the peers, or the group.
  std::vector<IpAddress> Destinations() const;
};

// The first retry of an address that could not be added or removed, and the longest wait
// between two. 1 s catches a transient failure (ENOBUFS, an interface being renamed) at once;
// doubling keeps a lasting one (no CAP_NET_ADMIN) to a log line every 30 s; 30 s bounds how long
// an instance stays out of the election after its cause is fixed.
inline constexpr absl::Duration kAddressRetryFirst = absl::Seconds(1);
inline constexpr absl::Duration kAddressRetryMax = absl::Seconds(30);

// The shortest lease: renewals come once a second and the kernel checks lifetimes to about a
// second, so a shorter one would let a live Master's addresses lapse between two renewals.
inline constexpr uint32_t kMinVipLeaseSeconds = 3;

// How often a Master renews leased addresses: as seldom as keeps a Master that stalls for less
// than the longest Master_Down_Interval of its peers from losing one (lease − that interval −
// 1 s of margin), but at least twice per lease and at most once a second (the kernel counts
// lifetimes in whole seconds). 1.5 s for the 3 s lease of advert_int 0.1, 1 s for the 6 s of
// advert_int 1.
absl::Duration VipLeaseRenewal(const RouterConfig& router, uint32_t lease_seconds);

// The lease `vip_lease_time auto` chooses: the shortest one (whole seconds, at least 3) that a
// live Master never loses. A Master that stalls (a loaded machine, SIGSTOP) for less than a
// Backup's Master_Down_Interval keeps its mastership, so it must keep its addresses too: the
// lease covers the longest Master_Down_Interval a peer with our timers can have,
// (down_timer_adverts + 1) × advert_int (Skew_Time < advert_int), plus one renewal period
// (the stall may begin just before a renewal), plus 1 s of margin for a late timer. For
// advert_int 1 s: 3 + 1 + 1 + 1 = 6 s, so a killed Master lets go within about 7 s (the kernel
// deletes an expired address within a second), against Master_Down_Interval ~3.6 s.
uint32_t VipLeaseFor(const RouterConfig& router);

class Instance {
 public:
  // Validates the configuration (the router's, each address's, that they share one family, that
  // v2 auth is only set on v2). The interfaces must outlive the instance. Events carry `id`;
  // they go to `events` when given (a runner of many instances shares one queue and drains it
  // once), else to the instance's own queue, read with PollEvent.
  static absl::StatusOr<std::unique_ptr<Instance>> Create(
      InstanceConfig config, Transport& transport, AddressManager& addresses, Announcer& announcer,
      InstanceId id = InstanceId::kNone, EventQueue* events = nullptr);

  const std::string& name() const { return config_.name; }
  InstanceId id() const { return id_; }
  // The next event of the queue this instance reports to (its own, or the one given to Create).
  std::optional<InstanceEvent> PollEvent() { return events_->Poll(); }
  const InstanceConfig& config() const { return config_; }
  const Router& router() const { return router_; }
  // For Endpoint::Add only: every input reaches the router through the instance (or its
  // endpoint, followed by OnDelivery), so that its actions are carried out.
  Router& router() { return router_; }
  uint8_t vrid() const { return static_cast<uint8_t>(config_.router.vrid); }

  void Start(absl::Time now);
  // A Master sends priority 0 and removes its addresses (RFC 5798 §6.4.3 Shutdown).
  void Shutdown(absl::Time now);
  // After the Endpoint delivered a packet from `from` to this instance's router: reports a drop
  // (kDrop event) and carries out the router's actions.
  void OnDelivery(absl::Time now, const Delivery& delivery, const IpAddress& from);
  // The router's deadlines, an address retry's and a lease renewal's.
  void OnTimer(absl::Time now);
  absl::Time NextDeadline() const;
  // A claim seen on the instance's interface (the Linux driver's ClaimWatcher): every ARP and
  // Neighbor Advertisement that claims an address, from any MAC but ours. Acted on as
  // vrrp/vip_conflict.h says; ignored while config().vip_conflict.mode is kOff.
  void OnAddressClaim(absl::Time now, const AddressClaim& claim);
  // Yielded to a router that holds our VIP (Fault, reason vip_conflict) until it rejoins.
  bool conflict_fault() const { return conflict_fault_; }
  const VipConflictStats& conflict_stats() const { return conflict_stats_; }
  const KnownRouters& known_routers() const { return known_routers_; }
  // The caller's fault (link down, tracking, an operator's). The router is in Fault while this,
  // address_fault() or conflict_fault() is raised.
  void SetFault(absl::Time now, bool fault);
  bool fault_requested() const { return fault_requested_; }
  // An address could not be added: in Fault until a probe of it succeeds (see above).
  bool address_fault() const { return address_fault_; }
  // The addresses that failed to be added (probed while address_fault()) and those that failed to
  // be removed (removed again), each retried at next_retry().
  const std::vector<VirtualAddress>& unplaced_addresses() const { return unplaced_; }
  const std::vector<VirtualAddress>& unremoved_addresses() const { return unremoved_; }
  absl::Time next_retry() const { return retry_at_; }
  void SetPriorityDelta(absl::Time now, int delta);
  // Router::SetSyncHold; reports kSyncWaiting when the held router's timer runs out.
  void SetSyncHold(absl::Time now, bool hold);
  void SyncStepDown(absl::Time now);
  // Applies a new configuration; an unchanged one changes nothing (no flap). Addresses that
  // leave the configuration while Master are removed, new ones added.
  [[nodiscard]] absl::Status Reconfigure(absl::Time now, InstanceConfig config);

  // For a driver with many instances (issue 10): on the hot paths (OnTimer, OnDelivery) only the
  // advertisements go out at once; the other effects (addresses, announcements, transition
  // events) wait, in order, until FlushDeferred, so that a thousand takeovers at one instant put
  // a thousand advertisements on the wire before the first netlink round trip. Every other
  // input flushes what waits before its own effects; a deferred announcement is dropped if the
  // router is no longer Master by then. Off by default: effects happen within each call.
  void set_defer_effects(bool defer);
  bool has_deferred() const { return !deferred_.empty() || renew_pending_; }
  void FlushDeferred(absl::Time now);

  // Batched lease renewals (issue 10): a driver of many instances renews every lease that is due
  // in one tick with one AddressManager::AddAll, instead of one Add (a netlink round trip) per
  // address. When a due renewal is all this instance has waiting (nothing else deferred, so no
  // effect decided before it is overtaken), TakeRenewals appends the addresses to renew, each
  // with its lease, to `out`, schedules the next renewal, and returns how many it appended; 0
  // when there is nothing to renew now (not Master any more, an owner, no lease) or other
  // effects wait (FlushDeferred renews after them). The caller adds them and hands their
  // statuses, in the same order, to OnRenewed before any other call into the instance. A
  // failed renewal is what it is in FlushDeferred: a failed add, reported as a kAddressAdded
  // event, probed later, and the Master goes to Fault (see above).
  size_t TakeRenewals(absl::Time now, std::vector<VirtualAddress>& out);
  void OnRenewed(absl::Time now, absl::Span<const absl::Status> statuses);

 private:
  Instance(InstanceConfig config, Router router, Transport& transport, AddressManager& addresses,
           Announcer& announcer, InstanceId id, EventQueue* events);
  // Carries out the router's actions; `hot` (OnTimer, OnDelivery) defers all but the sends when
  // set_defer_effects is on.
  void Perform(absl::Time now, bool hot = false);
  void Execute(absl::Time now, const Action& action, bool deferred);
  void Send(absl::Time now, uint8_t priority);
  void ChangeAddresses(absl::Time now, const AddressList& ips, bool add);
  // Adds or removes one address (with the lease), reports it, and remembers a failure for a
  // retry; a failed add by a Master raises the address fault at the end of the current call.
  void ChangeOne(absl::Time now, const VirtualAddress& vip, bool add);
  VirtualAddress Leased(const VirtualAddress& vip) const;
  // Enters or leaves the address fault once the current batch of actions is carried out.
  void ApplyAddressFault(absl::Time now);
  void Retry(absl::Time now);
  // Renews every lease now (RenewalsDue, AddAll, RecordRenewals): the one path of renewals,
  // batched by the caller or not.
  void Renew(absl::Time now);
  // A Master's leased addresses, appended to `out` (their count returned), and the next
  // renewal scheduled; nothing when there is no lease to renew.
  size_t RenewalsDue(absl::Time now, std::vector<VirtualAddress>& out);
  // The outcome of renewing what RenewalsDue gave, in its order: each failure as a failed add.
  void RecordRenewals(absl::Time now, absl::Span<const absl::Status> statuses);
  void ScheduleRetry(absl::Time now, bool failed);
  void FlushDeferredActions(absl::Time now);
  void AnnounceAddresses(absl::Time now, const AddressList& ips, int count);
  void ChangeExcluded(absl::Time now, const std::vector<VirtualAddress>& vips, bool add);
  void AnnounceOne(absl::Time now, const IpAddress& ip, int count);
  const VirtualAddress* Find(const IpAddress& ip) const;
  InstanceEvent MakeEvent(InstanceEvent::Kind kind, absl::Time now) const;
  bool AnyFault() const { return fault_requested_ || address_fault_ || conflict_fault_; }
  // VIP conflicts (instance_conflict.cc).
  bool Holds(const IpAddress& ip) const;  // one of our VIPs or excluded addresses
  void OnConflict(absl::Time now, const AddressClaim& claim);
  // A daemon's announcement (gratuitous ARP, unsolicited NA), not an answer to our probe.
  bool IsAnnouncement(absl::Time now, const AddressClaim& claim) const;
  // Master over a black hole (router_.distrusted()): a claim of our VIP.
  void OnClaimWhileDistrusting(absl::Time now, const AddressClaim& claim);
  void OnBlackHoleCheck(absl::Time now);
  // Decides on a claim of our VIP by `mac`: yield, identify or re-claim. `announced`: a
  // gratuitous claim (a daemon's), not an answer to a probe.
  void DecideConflict(absl::Time now, const IpAddress& vip, const MacAddress& mac, bool announced);
  void ReportConflict(absl::Time now, const IpAddress& vip, const MacAddress& mac,
                      ConflictOutcome outcome, const IpAddress& router);
  void Yield(absl::Time now, const IpAddress& vip, const MacAddress& mac, const KnownRouter& to);
  void Rejoin(absl::Time now);
  void ProbeAddress(absl::Time now, const IpAddress& ip);
  const IpAddress* ProbedAddress() const;
  void OnConflictTimer(absl::Time now);
  // After a transition to Master / Backup: the probes conflict detection starts with.
  void ConflictOnTransition(absl::Time now, const StateChanged& change);
  void ConflictAfterDelivery(absl::Time now);
  absl::Duration ConflictInterval() const;

  InstanceConfig config_;
  // The previous configuration's addresses during Reconfigure, so removals find their details.
  std::vector<VirtualAddress> retiring_;
  std::vector<VirtualAddress> retiring_excluded_;
  Router router_;
  Transport& transport_;
  AddressManager& address_manager_;
  Announcer& announcer_;
  InstanceId id_;
  EventQueue own_events_;
  EventQueue* events_;  // &own_events_ or the runner's
  std::vector<IpAddress> destinations_;
  std::vector<Action> actions_;
  bool defer_effects_ = false;
  std::vector<Action> deferred_;  // effects waiting for FlushDeferred, oldest first
  bool fault_requested_ = false;  // SetFault's
  bool address_fault_ = false;
  bool address_fault_pending_ = false;  // an add failed while Master: enter Fault after the batch
  std::vector<VirtualAddress> unplaced_;
  std::vector<VirtualAddress> unremoved_;
  absl::Time retry_at_ = absl::InfiniteFuture();
  absl::Duration retry_backoff_ = kAddressRetryFirst;
  absl::Time renew_at_ = absl::InfiniteFuture();  // leases: the Master's next renewal
  bool renew_pending_ = false;                    // due, deferred to FlushDeferred
  // VIP conflicts (vrrp/vip_conflict.h).
  KnownRouters known_routers_;
  VipConflictStats conflict_stats_;
  bool conflict_fault_ = false;  // yielded
  // Identifying a claimer: the claim waiting for a probed router's MAC, until `until`.
  struct PendingConflict {
    IpAddress vip;
    MacAddress mac;
    bool announced = false;
    absl::Time until;
  };
  std::optional<PendingConflict> pending_conflict_;
  absl::Time reclaim_after_ = absl::InfinitePast();        // re-claims: at most one per interval
  absl::Time conflict_probe_at_ = absl::InfiniteFuture();  // yielded: the next probe of the VIP
  absl::Time last_probe_at_ = absl::InfinitePast();
  int unanswered_probes_ = 0;
  MacAddress holder_mac_;  // yielded to
  // A yield decided, carried out at yield_at_ unless the router's advertisement came first.
  absl::Time yield_at_ = absl::InfiniteFuture();
  IpAddress yield_vip_;
  MacAddress yield_mac_;
  int probes_since_announcement_ = 0;
  bool probe_answered_ = false;  // a claim of the VIP since the last probe
  // The black-hole check: the next probe, and when the outstanding one counts as unanswered.
  absl::Time blackhole_probe_at_ = absl::InfiniteFuture();
  absl::Time blackhole_check_at_ = absl::InfiniteFuture();
  bool blackhole_answered_ = false;
  int blackhole_unanswered_ = 0;  // unanswered checks in a row of blackhole_master_
  IpAddress blackhole_master_;    // the Master heard when the outstanding probe went out
  absl::Time distrust_probe_after_ = absl::InfinitePast();  // taken over: probes, one per interval
  absl::Time ConflictDeadline() const;
};

// Checks `config` as Instance::Create does, without building anything.
[[nodiscard]] absl::Status ValidateInstanceConfig(const InstanceConfig& config);

}  // namespace vrrp

#endif  // VRRP_INSTANCE_H_
