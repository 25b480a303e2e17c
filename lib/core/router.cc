#include "vrrp/router.h"

#include <algorithm>
#include <array>
#include <utility>

#include "fmt/format.h"
#include "vrrp/ah.h"
#include "vrrp/enum_names.h"

namespace vrrp {

namespace {

constexpr EnumNames<RouterState, 4> kStateNames{{"INIT", "BACKUP", "MASTER", "FAULT"}};
static_assert(kStateNames.Covers(RouterState::kFault));

// In the enum's order (action.h).
constexpr EnumNames<TransitionReason, 14> kReasonNames{
    {"none", "startup", "owner_startup", "master_down_timer", "priority_zero_received", "preempted",
     "higher_priority_received", "fault", "fault_cleared", "shutdown", "reconfigured", "sync_group",
     "vip_conflict", "black_hole"}};
static_assert(kReasonNames.Covers(TransitionReason::kBlackHole));

}  // namespace

std::string_view RouterStateName(RouterState state) { return kStateNames(state); }

std::string_view TransitionReasonName(TransitionReason reason) { return kReasonNames(reason); }

Centiseconds SkewTime(Version version, int priority, Centiseconds master_adver_interval) {
  const int64_t weight = 256 - priority;
  if (version == Version::kV2) {
    // RFC 3768 §6.1: (256 - Priority) / 256 seconds, truncated to the centisecond.
    return Centiseconds(weight * 100 / 256);
  }
  // RFC 5798 §6.1: ((256 - priority) * Master_Adver_Interval) / 256, integer division.
  return Centiseconds(weight * master_adver_interval.count() / 256);
}

bool Outranks(int priority, const IpAddress& address, int other_priority,
              const IpAddress& other_address) {
  return priority > other_priority || (priority == other_priority && address > other_address);
}

Centiseconds MasterDownInterval(Version version, int priority, Centiseconds master_adver_interval,
                                int down_timer_adverts) {
  return master_adver_interval * down_timer_adverts +
         SkewTime(version, priority, master_adver_interval);
}

absl::StatusOr<Router> Router::Create(RouterConfig config) {
  if (absl::Status s = ValidateRouterConfig(config); !s.ok()) return s;
  return Router(std::move(config));
}

namespace {

DecodeOptions DecodeOptionsOf(const RouterConfig& config) {
  DecodeOptions options;
  options.version = config.version;
  options.auth_type = config.version == Version::kV2 ? config.auth_type : AuthType::kNone;
  options.pass_key = config.pass_key;
  return options;
}

}  // namespace

Router::Router(RouterConfig config)
    : config_(std::move(config)),
      master_adver_interval_(config_.advert_interval),
      decode_options_(DecodeOptionsOf(config_)) {
  effective_priority_ = ComputeEffectivePriority();
}

uint8_t Router::ComputeEffectivePriority() const {
  // The owner's 255 is what makes it the owner (RFC 5798 §6.1): tracking never lowers it.
  if (config_.priority == kPriorityOwner) return kPriorityOwner;
  // 0 would mean "resigning" and 255 "owner": tracking stays within 1..254.
  return static_cast<uint8_t>(std::clamp(config_.priority + priority_delta_, 1, 254));
}

Centiseconds Router::skew_time() const {
  return SkewTime(config_.version, effective_priority_, master_adver_interval_);
}

Centiseconds Router::master_down_interval() const {
  return MasterDownInterval(config_.version, effective_priority_, master_adver_interval_,
                            config_.down_timer_adverts);
}

absl::Time Router::NextDeadline() const {
  switch (state_) {
    case RouterState::kBackup:
      return down_deadline_;
    case RouterState::kMaster:
      return std::min({advert_deadline_, garp_deadline_, refresh_deadline_});
    case RouterState::kInitialize:
    case RouterState::kFault:
      break;
  }
  return absl::InfiniteFuture();
}

void Router::DrainActions(std::vector<Action>& out) {
  out.clear();
  std::swap(out, actions_);
}

std::vector<Action> Router::DrainActions() {
  std::vector<Action> out;
  std::swap(out, actions_);
  return out;
}

void Router::FillAdvertisement(uint8_t priority, Advertisement& out) const {
  out.version = config_.version;
  out.family = config_.family;
  out.vrid = static_cast<uint8_t>(config_.vrid);
  out.priority = priority;
  out.interval = config_.advert_interval;
  out.auth_type = config_.version == Version::kV2 ? config_.auth_type : AuthType::kNone;
  out.addresses = config_.virtual_addresses;
}

absl::StatusOr<size_t> Router::WriteAdvertisement(uint8_t priority, const IpAddress& destination,
                                                  absl::Span<uint8_t> out) {
  // A Master writes the same bytes every interval (RFC 5798 §5: nothing in a VRRPv3 or PASS
  // advertisement changes between two), so the last one is copied while its inputs hold.
  const bool cacheable = config_.auth_type != AuthType::kAh || config_.version != Version::kV2;
  if (cacheable && !encoded_.empty() && encoded_priority_ == priority &&
      encoded_destination_ == destination) {
    if (out.size() < encoded_.size()) {
      return absl::ResourceExhaustedError(
          fmt::format("advertisement of {} bytes does not fit in {}", encoded_.size(), out.size()));
    }
    std::copy(encoded_.begin(), encoded_.end(), out.begin());
    return encoded_.size();
  }
  FillAdvertisement(priority, outgoing_);
  EncodeOptions options;
  options.source = config_.primary_address;
  options.destination = destination;
  options.pass_key = config_.pass_key;
  options.v3_ipv4_pseudo_header = config_.v3_ipv4_pseudo_header;
  if (outgoing_.auth_type != AuthType::kAh) {
    absl::StatusOr<size_t> n = EncodeAdvertisement(outgoing_, options, out);
    if (n.ok()) {
      encoded_.assign(out.begin(), out.begin() + static_cast<ptrdiff_t>(*n));
      encoded_priority_ = priority;
      encoded_destination_ = destination;
    }
    return n;
  }

  // AH (ah.h): the message, then the IP and AH headers around it, which the ICV covers.
  std::array<uint8_t, kHeaderSize + kMaxAddressCount * 4 + kV2AuthDataSize> message;
  absl::StatusOr<size_t> n = EncodeAdvertisement(outgoing_, options, absl::MakeSpan(message));
  if (!n.ok()) return n;
  // keepalived's IP IDs start at 1 and skip 0, which would let the kernel pick one after the
  // ICV was computed. Its sequence numbers stop at 0xfffffffe rather than wrap (136 years at
  // one a second); a peer then refuses them as replays and takes over.
  if (++ah_ip_id_ == 0) ++ah_ip_id_;
  if (ah_sequence_ < 0xfffffffe) ++ah_sequence_;
  AhSend send{.source = config_.primary_address,
              .destination = destination,
              .ip_id = ah_ip_id_,
              .sequence = ah_sequence_,
              .unicast = !destination.IsMulticast()};
  return WrapInAh(absl::MakeConstSpan(message.data(), *n), send, config_.pass_key, out);
}

DropReason Router::AcceptAhSequence(uint32_t sequence) {
  // keepalived's rule (it keeps no window, RFC 2402 §3.4.3's is for one sender per SA): above
  // the counter, from any sender, or a replay.
  if (sequence <= ah_sequence_) {
    stats_.drops.Count(DropReason::kAhReplay);
    return DropReason::kAhReplay;
  }
  ah_sequence_ = sequence;
  return DropReason::kNone;
}

void Router::Transition(absl::Time now, RouterState to, TransitionReason reason) {
  const RouterState from = state_;
  if (from == to) return;
  if (from == RouterState::kMaster) ++stats_.release_master;
  if (to == RouterState::kMaster) {
    ++stats_.become_master;
    stats_.last_new_master_reason = reason;
  }
  stats_.last_transition = now;
  stats_.last_transition_reason = reason;
  state_ = to;
  // Only the new state's timers survive a transition (DESIGN.md: Backup holds only the
  // master-down timer, Master only its own).
  down_deadline_ = advert_deadline_ = garp_deadline_ = refresh_deadline_ = absl::InfiniteFuture();
  actions_.push_back(StateChanged{from, to, reason});
}

void Router::SendAdvert(uint8_t priority) {
  ++stats_.advert_sent;
  if (priority == kPriorityResign) ++stats_.pri_zero_sent;
  actions_.push_back(SendAdvertisement{priority});
}

void Router::ResetMasterDownTimer(absl::Time now) {
  down_deadline_ = now + master_down_interval().ToDuration();
  down_reason_ = TransitionReason::kMasterDownTimer;
  sync_ready_ = false;
}

void Router::BecomeMaster(absl::Time now, TransitionReason reason) {
  Transition(now, RouterState::kMaster, reason);
  sync_ready_ = false;
  master_adver_interval_ = config_.advert_interval;
  master_address_ = config_.primary_address;
  master_priority_ = effective_priority_;
  preempt_window_end_.reset();
  // RFC 5798 §6.4.1 (110)-(140), §6.4.2 (370)-(405): advertise, then announce the addresses.
  SendAdvert(effective_priority_);
  actions_.push_back(AddAddresses{config_.virtual_addresses});
  if (config_.garp_master_repeat > 0) {
    actions_.push_back(Announce{config_.virtual_addresses, config_.garp_master_repeat});
    // keepalived sends a second burst garp_master_delay later, for switches that were slow to
    // learn the first.
    if (config_.garp_master_delay > absl::ZeroDuration()) {
      garp_deadline_ = now + config_.garp_master_delay;
    }
  }
  if (config_.garp_master_refresh > absl::ZeroDuration()) {
    refresh_deadline_ = now + config_.garp_master_refresh;
  }
  advert_deadline_ = now + config_.advert_interval.ToDuration();
}

void Router::BecomeBackup(absl::Time now, TransitionReason reason) {
  const bool was_master = state_ == RouterState::kMaster;
  Transition(now, RouterState::kBackup, reason);
  if (was_master) actions_.push_back(RemoveAddresses{config_.virtual_addresses});
  ResetMasterDownTimer(now);
}

void Router::StartInternal(absl::Time now, TransitionReason backup_reason,
                           TransitionReason owner_reason) {
  distrusted_.reset();                               // a fresh start judges every router afresh
  master_adver_interval_ = config_.advert_interval;  // RFC 5798 §6.4.1 (155)
  master_address_.reset();
  master_priority_ = 0;
  preempt_window_end_.reset();
  if (is_owner()) {
    BecomeMaster(now, owner_reason);
    return;
  }
  if (config_.preempt_delay > absl::ZeroDuration()) {
    preempt_window_end_ = now + config_.preempt_delay;
  }
  BecomeBackup(now, backup_reason);
}

void Router::StopInternal(absl::Time now, RouterState to, TransitionReason reason, bool resign) {
  const bool was_master = state_ == RouterState::kMaster;
  Transition(now, to, reason);
  if (was_master) {
    // RFC 5798 §6.4.3 (665): resign with priority 0 so a Backup takes over after Skew_Time, then
    // give the addresses up (keepalived's order).
    if (resign) SendAdvert(kPriorityResign);
    actions_.push_back(RemoveAddresses{config_.virtual_addresses});
  }
  master_address_.reset();
  preempt_window_end_.reset();
  sync_ready_ = false;
}

void Router::Start(absl::Time now) {
  if (state_ != RouterState::kInitialize) return;
  if (fault_) {
    Transition(now, RouterState::kFault, TransitionReason::kFault);
    return;
  }
  StartInternal(now, TransitionReason::kStartup, TransitionReason::kOwnerStartup);
}

void Router::Shutdown(absl::Time now) {
  if (state_ == RouterState::kInitialize) return;
  StopInternal(now, RouterState::kInitialize, TransitionReason::kShutdown, /*resign=*/true);
}

void Router::SetFault(absl::Time now, bool fault, TransitionReason reason) {
  if (fault == fault_) return;
  fault_ = fault;
  if (state_ == RouterState::kInitialize) return;  // remembered for Start
  if (fault) {
    StopInternal(now, RouterState::kFault, reason, /*resign=*/true);
  } else {
    StartInternal(now, TransitionReason::kFaultCleared, TransitionReason::kFaultCleared);
  }
}

void Router::SetSyncHold(absl::Time now, bool hold) {
  if (hold == sync_hold_) return;
  sync_hold_ = hold;
  if (!hold && state_ == RouterState::kBackup && sync_ready_) BecomeMaster(now, down_reason_);
}

void Router::SyncStepDown(absl::Time now) {
  if (state_ != RouterState::kMaster) return;
  // keepalived: a member that lost its election takes the group's Masters to Backup with it.
  // No priority 0: the other router's members take over together when their timers run out.
  BecomeBackup(now, TransitionReason::kSyncGroup);
}

void Router::OnTimer(absl::Time now) {
  if (now < NextDeadline()) return;
  if (state_ == RouterState::kBackup) {
    if (sync_hold_) {
      // Held by its sync group: ready, but Master only with the other members (SetSyncHold).
      sync_ready_ = true;
      down_deadline_ = absl::InfiniteFuture();
      return;
    }
    // RFC 5798 §6.4.2 (365)-(410).
    BecomeMaster(now, down_reason_);
    return;
  }
  if (state_ != RouterState::kMaster) return;
  if (now >= advert_deadline_) {
    // RFC 5798 §6.4.3 (680)-(690). From `now`, not from the missed deadline: a late driver
    // does not get a burst of catch-up advertisements.
    SendAdvert(effective_priority_);
    advert_deadline_ = now + config_.advert_interval.ToDuration();
  }
  if (now >= garp_deadline_) {
    actions_.push_back(Announce{config_.virtual_addresses, config_.garp_master_repeat});
    garp_deadline_ = absl::InfiniteFuture();
  }
  if (now >= refresh_deadline_) {
    actions_.push_back(Announce{config_.virtual_addresses, config_.garp_master_refresh_repeat});
    refresh_deadline_ = now + config_.garp_master_refresh;
  }
}

DropReason Router::OnAdvertisement(absl::Time now, const Advertisement& adv,
                                   const IpAddress& source) {
  last_taken_ = false;
  auto drop = [this](DropReason reason) {
    stats_.drops.Count(reason);
    return reason;
  };
  // RFC 5798 §7.1: the VRID must be configured here. An Endpoint routes by VRID; a mismatch
  // reaching us is still counted, not acted on.
  if (adv.vrid != config_.vrid) return drop(DropReason::kVrid);
  if (adv.family != config_.family || source.family() != config_.family) {
    return drop(DropReason::kFamily);
  }
  ++stats_.advert_rcvd;
  if (adv.version != config_.version) return drop(DropReason::kVersion);
  if (distrusted_ && source == *distrusted_) return drop(DropReason::kDistrusted);
  if (adv.priority == kPriorityResign) ++stats_.pri_zero_rcvd;
  // RFC 3768 §7.1: v2 MUST discard an interval other than ours.
  if (config_.version == Version::kV2 && config_.v2_strict_interval &&
      adv.interval != config_.advert_interval) {
    return drop(DropReason::kInterval);
  }
  // RFC 5798 §7.1 MAY: a different address list is logged (counted); whether the advertisement
  // is then discarded is RouterConfig::discard_address_mismatch (keepalived does discard it).
  const bool check_list = !(config_.skip_address_check_from_master &&
                            state_ == RouterState::kBackup && master_address_ == source);
  DropReason remark = DropReason::kNone;
  if (check_list && !SameAddressList(adv.addresses)) {
    remark = drop(DropReason::kAddressList);
    if (config_.discard_address_mismatch) return remark;
  }
  // Remembered in every state, Fault included: a router that yielded a VIP to this one
  // (Instance's conflict rule) rejoins when it hears it again.
  if (source != config_.primary_address) {  // not our own, looped back
    last_heard_ = HeardRouter{.address = source, .priority = adv.priority, .at = now};
  }
  // RFC 5798 §7.1 also has an owner discard everything; we do not, so that an owner that is
  // Master answers a lower-priority master at once and yields to a second owner by address.
  switch (state_) {
    case RouterState::kBackup:
      OnAdvertisementBackup(now, adv, source);
      break;
    case RouterState::kMaster:
      OnAdvertisementMaster(now, adv, source);
      break;
    case RouterState::kInitialize:
    case RouterState::kFault:
      break;
  }
  return remark;
}

void Router::Distrust(absl::Time now, std::optional<IpAddress> source) {
  distrusted_ = std::move(source);
  if (distrusted_ && state_ == RouterState::kBackup && master_address_ == distrusted_) {
    // As if it had resigned (RFC 5798 §6.4.2 (425)-(430)): the Backup with the highest priority
    // goes first; a master that does hold the VIP answers the new Master's probe, and the
    // Instance trusts it again.
    down_deadline_ = now + skew_time().ToDuration();
    down_reason_ = TransitionReason::kBlackHole;
    sync_ready_ = false;
  }
}

bool Router::SameAddressList(const AddressList& addresses) const {
  // The same addresses in any order (the list has no duplicates: ValidateRouterConfig).
  if (addresses.size() != config_.virtual_addresses.size()) return false;
  for (const IpAddress& a : addresses) {
    if (std::find(config_.virtual_addresses.begin(), config_.virtual_addresses.end(), a) ==
        config_.virtual_addresses.end()) {
      return false;
    }
  }
  return true;
}

void Router::OnAdvertisementBackup(absl::Time now, const Advertisement& adv,
                                   const IpAddress& source) {
  if (adv.priority == kPriorityResign) {
    // RFC 5798 §6.4.2 (425)-(430): the master resigned; whoever has the shortest skew (the
    // highest priority) takes over first.
    down_deadline_ = now + skew_time().ToDuration();
    down_reason_ = TransitionReason::kPriorityZeroReceived;
    sync_ready_ = false;
    return;
  }
  const bool preempting = config_.preempt || is_owner();
  bool accept = !preempting || adv.priority >= effective_priority_;
  if (adv.priority >= effective_priority_) {
    preempt_window_end_.reset();
  } else if (preempting && config_.preempt_delay > absl::ZeroDuration()) {
    // keepalived's preempt_delay: a lower-priority master stays valid for a while.
    if (!preempt_window_end_) preempt_window_end_ = now + config_.preempt_delay;
    accept = now < *preempt_window_end_;
  }
  if (!accept) {
    // RFC 5798 §6.4.2 (470): discard; our master-down timer will make us Master and the lower-
    // priority master will yield to our advertisement.
    down_reason_ = TransitionReason::kPreempted;
    return;
  }
  // RFC 5798 §6.4.2 (450)-(460). v2 has no interval to learn (it matched ours, or is ignored).
  if (config_.version == Version::kV3) master_adver_interval_ = adv.interval;
  master_address_ = source;
  master_priority_ = adv.priority;
  last_accepted_ = now;
  last_taken_ = true;
  ResetMasterDownTimer(now);
}

bool Router::WouldAcceptRepeat() const {
  if (state_ != RouterState::kBackup || !master_address_ || master_priority_ == kPriorityResign) {
    return false;
  }
  // The master resigned, or is distrusted: the timer runs for Skew_Time now.
  if (down_reason_ == TransitionReason::kPriorityZeroReceived ||
      down_reason_ == TransitionReason::kBlackHole) {
    return false;
  }
  if (distrusted_ && *distrusted_ == *master_address_) return false;
  if (preempt_window_end_) return false;  // taken until the window ends, not after
  const bool preempting = config_.preempt || is_owner();
  return !preempting || master_priority_ >= effective_priority_;
}

void Router::OnRepeatedAdvertisements(absl::Time last, uint64_t count) {
  stats_.advert_rcvd += count;
  if (state_ != RouterState::kBackup || last == absl::InfinitePast()) return;
  // A resignation or a distrusted master set the timer to Skew_Time: repeats from before
  // do not undo that.
  if (down_reason_ == TransitionReason::kPriorityZeroReceived ||
      down_reason_ == TransitionReason::kBlackHole) {
    return;
  }
  if (distrusted_ && master_address_ && *distrusted_ == *master_address_) return;
  if (last <= last_accepted_) return;
  last_accepted_ = last;
  ResetMasterDownTimer(last);
}

void Router::OnAdvertisementMaster(absl::Time now, const Advertisement& adv,
                                   const IpAddress& source) {
  if (adv.priority == kPriorityResign) {
    // RFC 5798 §6.4.3 (705)-(715): another master resigned; make sure everyone hears us.
    SendAdvert(effective_priority_);
    advert_deadline_ = now + config_.advert_interval.ToDuration();
    return;
  }
  if (Outranks(adv.priority, source, effective_priority_, config_.primary_address)) {
    // RFC 5798 §6.4.3 (740)-(765).
    BecomeBackup(now, TransitionReason::kHigherPriorityReceived);
    if (config_.version == Version::kV3) master_adver_interval_ = adv.interval;
    master_address_ = source;
    master_priority_ = adv.priority;
    ResetMasterDownTimer(now);
    return;
  }
  if (source == config_.primary_address) return;  // our own, looped back
  // RFC 5798 §6.4.3 (775) discards; like keepalived we also answer at once, so the other master
  // yields without waiting for our timer, and re-announce, since hosts may have learnt its MAC.
  SendAdvert(effective_priority_);
  if (config_.garp_master_repeat > 0) {
    actions_.push_back(Announce{config_.virtual_addresses, config_.garp_master_repeat});
  }
}

void Router::ApplyEffectivePriority(absl::Time now) {
  const uint8_t old = effective_priority_;
  effective_priority_ = ComputeEffectivePriority();
  if (effective_priority_ == old) return;
  switch (state_) {
    case RouterState::kMaster:
      // Let the Backups compare against the new value now, not an interval later.
      master_priority_ = effective_priority_;
      SendAdvert(effective_priority_);
      advert_deadline_ = now + config_.advert_interval.ToDuration();
      break;
    case RouterState::kBackup:
      // RFC 5798 §6.4.1 (105): the owner does not wait for anyone.
      if (effective_priority_ == kPriorityOwner) {
        BecomeMaster(now, TransitionReason::kReconfigured);
      }
      break;
    case RouterState::kInitialize:
    case RouterState::kFault:
      break;
  }
}

absl::Status Router::SetPriority(absl::Time now, int priority) {
  if (priority < 1 || priority > 255) {
    return absl::InvalidArgumentError(fmt::format("priority {} is out of range 1..255", priority));
  }
  config_.priority = priority;
  ApplyEffectivePriority(now);
  return absl::OkStatus();
}

void Router::SetPriorityDelta(absl::Time now, int delta) {
  priority_delta_ = delta;
  ApplyEffectivePriority(now);
}

absl::Status Router::Reconfigure(absl::Time now, RouterConfig config) {
  if (absl::Status s = ValidateRouterConfig(config); !s.ok()) return s;
  if (config == config_) return absl::OkStatus();
  const bool running = state_ != RouterState::kInitialize && state_ != RouterState::kFault;
  if (config.vrid != config_.vrid || config.family != config_.family ||
      config.version != config_.version) {
    // A different virtual router: stop the old one and start the new one. No priority 0 for the
    // old one: the driver builds advertisements from the configuration in force when it drains
    // the actions, which is already the new one. A caller that wants the old VRID's Backups to
    // take over after Skew_Time rather than Master_Down_Interval calls Shutdown, drains, then
    // Reconfigure and Start.
    if (running) {
      StopInternal(now, RouterState::kInitialize, TransitionReason::kReconfigured,
                   /*resign=*/false);
    }
    config_ = std::move(config);
    encoded_.clear();
    decode_options_ = DecodeOptionsOf(config_);
    effective_priority_ = ComputeEffectivePriority();
    master_adver_interval_ = config_.advert_interval;
    if (running)
      StartInternal(now, TransitionReason::kReconfigured, TransitionReason::kReconfigured);
    return absl::OkStatus();
  }
  RouterConfig old = std::exchange(config_, std::move(config));
  encoded_.clear();
  decode_options_ = DecodeOptionsOf(config_);
  if (state_ == RouterState::kMaster) {
    AddressList removed, added;
    for (const IpAddress& ip : old.virtual_addresses) {
      if (std::find(config_.virtual_addresses.begin(), config_.virtual_addresses.end(), ip) ==
          config_.virtual_addresses.end()) {
        removed.push_back(ip);
      }
    }
    for (const IpAddress& ip : config_.virtual_addresses) {
      if (std::find(old.virtual_addresses.begin(), old.virtual_addresses.end(), ip) ==
          old.virtual_addresses.end()) {
        added.push_back(ip);
      }
    }
    if (!removed.empty()) actions_.push_back(RemoveAddresses{std::move(removed)});
    if (!added.empty()) {
      actions_.push_back(AddAddresses{added});
      if (config_.garp_master_repeat > 0) {
        actions_.push_back(Announce{std::move(added), config_.garp_master_repeat});
      }
    }
    master_adver_interval_ = config_.advert_interval;
    if (config_.garp_master_refresh != old.garp_master_refresh) {
      refresh_deadline_ = config_.garp_master_refresh > absl::ZeroDuration()
                              ? now + config_.garp_master_refresh
                              : absl::InfiniteFuture();
    }
  } else if (config_.version == Version::kV2 || state_ != RouterState::kBackup) {
    master_adver_interval_ = config_.advert_interval;
  }
  const uint8_t before = effective_priority_;
  ApplyEffectivePriority(now);
  if (state_ == RouterState::kMaster && effective_priority_ == before &&
      (config_.advert_interval != old.advert_interval ||
       config_.virtual_addresses != old.virtual_addresses)) {
    // The Backups learn a new interval (v3) or address list from the next advertisement: send it
    // now.
    SendAdvert(effective_priority_);
    advert_deadline_ = now + config_.advert_interval.ToDuration();
  }
  if (config_.preempt_delay == absl::ZeroDuration()) preempt_window_end_.reset();
  return absl::OkStatus();
}

}  // namespace vrrp
