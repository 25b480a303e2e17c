// Router: the VRRP state machine of one virtual router (interface, VRID, family), sans-IO.
//
// RFC 5798 §6 (VRRPv3) and RFC 3768 §6 (VRRPv2), with keepalived 2.2's behaviour where the RFCs
// leave room (DESIGN.md). The router never reads a clock, a socket or a random source: every input
// carries the current time, and every effect is an Action (action.h) queued for the driver, in
// order. NextDeadline() is the one time the driver must call OnTimer(); calling it earlier is a
// no-op, so a driver may call it on every wake-up.
//
//   absl::StatusOr<vrrp::Router> r = vrrp::Router::Create(config);
//   if (!r.ok()) return r.status();
//   vrrp::Router router = *std::move(r);
//   vrrp::Endpoint endpoint(vrrp::Family::kIPv4);   // one per interface and family (endpoint.h)
//   (void)endpoint.Add(/*key=*/1, router);
//   std::vector<vrrp::Action> actions;
//   std::array<uint8_t, vrrp::kMaxAdvertisementSize> buf;
//   router.Start(Now());
//   for (;;) {
//     router.DrainActions(actions);      // swaps buffers: no allocation in steady state
//     for (const vrrp::Action& a : actions) {
//       if (auto* send = std::get_if<vrrp::SendAdvertisement>(&a)) {
//         auto n = router.WriteAdvertisement(send->priority, group, absl::MakeSpan(buf));
//         if (n.ok()) socket.Send(buf.data(), *n, group);
//       } else {
//         Perform(a);                    // add / remove addresses, announce, log
//       }
//     }
//     WaitUntil(router.NextDeadline(), socket);           // epoll timeout, simulated clock...
//     if (Packet p = socket.Receive(); p) endpoint.OnPacket(Now(), p.payload, p.info);
//     router.OnTimer(Now());
//   }
//
// Behaviour worth knowing (the rest is the RFC):
// - Start: a non-owner enters Backup and becomes Master only when its master-down timer expires,
//   even alone on the link (keepalived ignores `state MASTER`); the owner (priority 255) becomes
//   Master at once (RFC 5798 §6.4.1).
// - Timers are integer centiseconds (RFC 5798 §6.1): v3 Skew_Time = ((256 - priority) *
//   Master_Adver_Interval) / 256; v2 Skew_Time = ((256 - priority) * 100) / 256 cs, i.e. RFC 3768's
//   (256 - priority) / 256 s truncated to the centisecond; Master_Down_Interval =
//   down_timer_adverts * Master_Adver_Interval + Skew_Time. The priority is the effective one.
// - Backup (RFC 5798 §6.4.2): priority 0 sets the master-down timer to Skew_Time; an
//   advertisement with priority >= ours, or any when preempt is off, resets it (v3 learns the
//   master's interval); a lower one is discarded, so a preempting Backup takes over when its
//   timer expires (reason kPreempted) and the old master yields on our first advertisement.
// - preempt_delay D (keepalived's): a window opens at startup / fault cleared, and otherwise at the
//   first lower-priority advertisement seen while no window is open; until it closes, lower-
//   priority advertisements count as a valid master (they reset the timer). After it closes they
//   are discarded as above. An advertisement with priority >= ours closes the window for good
//   (the next lower-priority one opens a new one).
// - Master (RFC 5798 §6.4.3): priority 0 → advertise at once and restart the advertisement
//   timer; higher priority, or equal priority from a greater primary address → Backup (addresses
//   removed, v3 learns the interval); lower → advertise at once and re-announce our addresses
//   (repairs ARP caches after a split brain) without moving the advertisement timer.
// - Fault (keepalived's): no addresses, no advertisements, adverts ignored, no deadline. A Master
//   entering Fault sends priority 0 first. Clearing the fault restarts as Start does.
// - Shutdown: a Master sends priority 0 and removes its addresses; every state goes to
//   Initialize. Start may be called again afterwards.
// - Priority: effective = base + tracking delta, clamped to 1..254; an owner (base 255) stays 255.
//   A Master whose effective priority changes advertises at once; a Backup uses the new value
//   from the next timer reset. Raising the base to 255 makes a Backup Master at once.
// - Reconfigure: an identical configuration changes nothing. A new VRID, family or version is a
//   different virtual router: the old one stops (a Master removes its addresses but sends no
//   priority 0, since FillAdvertisement already describes the new one; Shutdown, drain, then
//   Reconfigure and Start if the old Backups should take over after Skew_Time) and the new one
//   starts, reason kReconfigured. Otherwise the state is kept: a Master removes dropped addresses,
//   adds and announces new ones, and advertises at once if its priority or interval changed;
//   priority changes follow the rule above; timing changes apply from the next timer reset.
#ifndef VRRP_ROUTER_H_
#define VRRP_ROUTER_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "vrrp/action.h"
#include "vrrp/advertisement.h"
#include "vrrp/centiseconds.h"
#include "vrrp/codec.h"
#include "vrrp/drop_reason.h"
#include "vrrp/ip_address.h"
#include "vrrp/router_config.h"
#include "vrrp/router_stats.h"

namespace vrrp {

// RFC 5798 §6.1 / RFC 3768 §6.1 Skew_Time, in integer centiseconds (see above for rounding).
// `priority` is 0..255; `master_adver_interval` is only used by v3.
Centiseconds SkewTime(Version version, int priority, Centiseconds master_adver_interval);
// down_timer_adverts * Master_Adver_Interval + Skew_Time.
Centiseconds MasterDownInterval(Version version, int priority, Centiseconds master_adver_interval,
                                int down_timer_adverts = 3);

// RFC 5798 §6.4.3's comparison: whether a router with (priority, primary address) wins over one
// with (other_priority, other_address): a higher priority, or an equal one and a greater address.
bool Outranks(int priority, const IpAddress& address, int other_priority,
              const IpAddress& other_address);

// A router heard advertising our VRID: its primary address, the priority it sent, and when.
struct HeardRouter {
  IpAddress address;
  uint8_t priority = 0;
  absl::Time at;
  friend bool operator==(const HeardRouter&, const HeardRouter&) = default;
};

// Thread-safety: none; a value that one thread drives (it reads no clock and holds no
// pointer, so it may be moved between threads between calls).
class Router {
 public:
  // Validates the configuration (ValidateRouterConfig) and builds a router in Initialize.
  static absl::StatusOr<Router> Create(RouterConfig config);

  Router(Router&&) = default;
  Router& operator=(Router&&) = default;
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // --- Inputs. Each takes the current time, which must not go backwards. ---

  // Startup event (RFC 5798 §6.4.1). No-op unless in Initialize. With a fault already raised,
  // goes to Fault instead.
  void Start(absl::Time now);
  // Shutdown event: Master sends priority 0 and removes its addresses; any state → Initialize.
  void Shutdown(absl::Time now);
  // An advertisement that passed the codec. `source` is the IP source (the sender's primary
  // address). Checks VRID, family, version, v2 interval and the address list, counting drops.
  // Returns the reason counted for it, kNone when it was taken without remark. Every reason
  // means it changed nothing, except kAddressList with RouterConfig::discard_address_mismatch
  // false: counted, and still acted on (RFC 5798 §7.1 MAY). Received bytes normally arrive through
  // an Endpoint (endpoint.h), which decodes them with decode_options() and calls this.
  DropReason OnAdvertisement(absl::Time now, const Advertisement& adv, const IpAddress& source);
  // Fires every deadline that is due. A no-op before NextDeadline().
  void OnTimer(absl::Time now);
  // Changes the configured (base) priority, 1..255; kInvalidArgument otherwise.
  [[nodiscard]] absl::Status SetPriority(absl::Time now, int priority);
  // The tracking layer's sum of weights; the effective priority is clamped to 1..254.
  void SetPriorityDelta(absl::Time now, int delta);
  // Raises (true) or clears (false) a fault. Idempotent. `reason` is the transition's when it
  // raises one (kFault, or kVipConflict for Instance's conflict rule).
  void SetFault(absl::Time now, bool fault, TransitionReason reason = TransitionReason::kFault);
  // Applies a new configuration (see the header comment). On error nothing changes.
  [[nodiscard]] absl::Status Reconfigure(absl::Time now, RouterConfig config);
  // keepalived's vrrp_sync_group, for the layer that groups routers: its members become Master
  // together or not at all. While held, a Backup whose master-down timer runs out does not
  // become Master: it is sync_ready() and waits; releasing the hold then makes it Master at once
  // (with the timer's reason). A Master is not affected. Idempotent; off by default.
  void SetSyncHold(absl::Time now, bool hold);
  // A Master goes to Backup (reason kSyncGroup) without resigning: another member of its group
  // lost an election. No-op in other states.
  void SyncStepDown(absl::Time now);
  // The black-hole rule (vip_conflict.h): advertisements from `source` are dropped from now on
  // (kDistrusted) and are not heard (last_heard()). A Backup whose master it is takes over
  // after Skew_Time, as when a master resigns, with reason kBlackHole. nullopt trusts every
  // router again; so does a start, a cleared fault or a reconfiguration that restarts.
  void Distrust(absl::Time now, std::optional<IpAddress> source);
  // Counts a drop decided outside the router (the codec's reasons, by the Endpoint).
  void CountDrop(DropReason reason) { stats_.drops.Count(reason); }
  // `count` advertisements byte-identical to the last one this router accepted from its master
  // arrived without being given to it (a kernel filter absorbed them: linux/advert_offload.h),
  // the last at `last` (<= now; InfinitePast when only counting). Counted as received; a Backup
  // that took the master's advertisement when it was armed resets its Master_Down_Timer from
  // `last` (RFC 5798 §6.4.2 (460)), as each of them would have, unless the timer now runs for a
  // resignation or a distrusted master, or `last` would shorten it.
  void OnRepeatedAdvertisements(absl::Time last, uint64_t count);

  // --- Outputs. ---

  // The one time the driver must call OnTimer(); absl::InfiniteFuture() when there is none.
  absl::Time NextDeadline() const;
  // Actions queued since the last drain, oldest first.
  absl::Span<const Action> PendingActions() const { return actions_; }
  void ClearActions() { actions_.clear(); }
  // Moves the queue into `out` (whose old content is discarded) and keeps `out`'s old buffer, so
  // a driver that reuses `out` never allocates once both buffers have grown.
  void DrainActions(std::vector<Action>& out);
  std::vector<Action> DrainActions();
  // Fills an advertisement to send for a SendAdvertisement action.
  void FillAdvertisement(uint8_t priority, Advertisement& out) const;
  // Encodes the advertisement for a SendAdvertisement action to `destination` (the group, or a
  // unicast peer: the v3 checksum covers it) into `out`, from config().primary_address, with the
  // configured authentication. Returns the bytes written; kResourceExhausted when `out` is
  // smaller than kMaxAdvertisementSize needs. No allocation once the router has sent once.
  // With auth_type AH it writes the whole IPv4 packet (header, AH, message: ah.h), numbered
  // with the next IP ID and AH sequence number, for a transport that sends it as it is.
  [[nodiscard]] absl::StatusOr<size_t> WriteAdvertisement(uint8_t priority,
                                                          const IpAddress& destination,
                                                          absl::Span<uint8_t> out);
  // How received advertisements for this router are decoded: its version and authentication.
  const DecodeOptions& decode_options() const { return decode_options_; }
  // auth_type AH (ah.h): a decoded packet's AH sequence number, before OnAdvertisement. Above
  // the router's counter it becomes the counter (kNone); otherwise it is a replay, counted and
  // returned as kAhReplay. The counter is shared with sending, as keepalived's is: an AH
  // advertisement WriteAdvertisement makes carries the counter plus one.
  DropReason AcceptAhSequence(uint32_t sequence);
  uint32_t ah_sequence() const { return ah_sequence_; }

  // --- Observation (status dumps, keepalived's JSON `data`). ---

  RouterState state() const { return state_; }
  const RouterConfig& config() const { return config_; }
  bool fault() const { return fault_; }
  int priority_delta() const { return priority_delta_; }
  uint8_t effective_priority() const { return effective_priority_; }
  bool is_owner() const { return config_.priority == kPriorityOwner; }
  // RFC 5798 §6.1 Master_Adver_Interval: ours while Master, learned (v3) while Backup.
  Centiseconds master_adver_interval() const { return master_adver_interval_; }
  Centiseconds skew_time() const;
  Centiseconds master_down_interval() const;
  // The last master heard (RFC 6527 vrrpv3OperationsMasterIpAddr; keepalived master_priority);
  // nullopt before any. Ourselves while Master.
  const std::optional<IpAddress>& master_address() const { return master_address_; }
  uint8_t master_priority() const { return master_priority_; }
  // The last advertisement for our VRID that passed the checks (VRID, family, version, v2
  // interval, address list when it is enforced), in any state, Fault included; nullopt before
  // any. Unlike master_address(), it is never ourselves.
  const std::optional<HeardRouter>& last_heard() const { return last_heard_; }
  // The router whose advertisements are dropped (Distrust), if any.
  const std::optional<IpAddress>& distrusted() const { return distrusted_; }
  const RouterStats& stats() const { return stats_; }
  // Whether a repeat of the master's last advertisement would be taken now exactly as it was:
  // in Backup behind a master that has not resigned and is not distrusted, with nothing that
  // runs out (no preempt_delay window), and not preempting it (RFC 5798 §6.4.2 (440)-(460)). A
  // filter may absorb such repeats (OnRepeatedAdvertisements); once false it must stop.
  bool WouldAcceptRepeat() const;
  // When the last advertisement taken as the master's (resetting the master-down timer) arrived;
  // InfinitePast before any.
  absl::Time last_accepted() const { return last_accepted_; }
  // Whether the last OnAdvertisement call took its advertisement as the master's (and reset the
  // master-down timer): a filter of repeats arms only with such a packet.
  bool last_advertisement_taken() const { return last_taken_; }
  bool sync_hold() const { return sync_hold_; }
  // Held, and its master-down timer has run out: it would be Master but for its group.
  bool sync_ready() const { return sync_ready_; }

 private:
  explicit Router(RouterConfig config);

  void Transition(absl::Time now, RouterState to, TransitionReason reason);
  void StartInternal(absl::Time now, TransitionReason backup_reason, TransitionReason owner_reason);
  void StopInternal(absl::Time now, RouterState to, TransitionReason reason, bool resign);
  void BecomeMaster(absl::Time now, TransitionReason reason);
  void BecomeBackup(absl::Time now, TransitionReason reason);
  void OnAdvertisementBackup(absl::Time now, const Advertisement& adv, const IpAddress& source);
  void OnAdvertisementMaster(absl::Time now, const Advertisement& adv, const IpAddress& source);
  void ResetMasterDownTimer(absl::Time now);
  void SendAdvert(uint8_t priority);
  void ApplyEffectivePriority(absl::Time now);
  uint8_t ComputeEffectivePriority() const;
  // Whether `addresses` are virtual_addresses, in any order.
  bool SameAddressList(const AddressList& addresses) const;

  RouterConfig config_;
  RouterState state_ = RouterState::kInitialize;
  bool fault_ = false;
  bool sync_hold_ = false;
  bool sync_ready_ = false;
  int priority_delta_ = 0;
  uint8_t effective_priority_ = kPriorityDefault;
  uint8_t master_priority_ = 0;
  // Why the master-down timer will fire, decided when it was last set.
  TransitionReason down_reason_ = TransitionReason::kMasterDownTimer;
  Centiseconds master_adver_interval_;
  std::optional<IpAddress> master_address_;
  std::optional<HeardRouter> last_heard_;
  std::optional<IpAddress> distrusted_;
  // Backup: the master-down timer. Master: the advertisement timer, the second gratuitous burst
  // and the periodic refresh. InfiniteFuture when unset.
  absl::Time down_deadline_ = absl::InfiniteFuture();
  absl::Time advert_deadline_ = absl::InfiniteFuture();
  absl::Time garp_deadline_ = absl::InfiniteFuture();
  absl::Time refresh_deadline_ = absl::InfiniteFuture();
  absl::Time last_accepted_ = absl::InfinitePast();
  bool last_taken_ = false;
  // preempt_delay window: lower-priority masters count as valid until this time.
  std::optional<absl::Time> preempt_window_end_;
  RouterStats stats_;
  std::vector<Action> actions_;
  DecodeOptions decode_options_;
  Advertisement outgoing_;  // reused by WriteAdvertisement
  // The last advertisement WriteAdvertisement encoded (not AH, whose IP ID and sequence number
  // change each time), for `encoded_priority_` to `encoded_destination_`; cleared when the
  // configuration changes.
  absl::InlinedVector<uint8_t, 48> encoded_;
  uint8_t encoded_priority_ = 0;
  IpAddress encoded_destination_;
  // auth_type AH: the sequence counter (sent and received) and the last IP ID sent.
  uint32_t ah_sequence_ = 0;
  uint16_t ah_ip_id_ = 0;
};

}  // namespace vrrp

#endif  // VRRP_ROUTER_H_
