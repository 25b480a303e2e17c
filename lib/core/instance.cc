#include "vrrp/instance.h"

#include <algorithm>
#include <array>
#include <utility>

namespace vrrp {
namespace {

// The router's address list is derived from the instance's, so the two can never disagree.
RouterConfig RouterConfigOf(const InstanceConfig& config) {
  RouterConfig router = config.router;
  router.virtual_addresses.clear();
  for (const VirtualAddress& vip : config.addresses) {
    router.virtual_addresses.push_back(vip.address);
  }
  router.auth_type = config.auth_type;
  router.pass_key = config.pass_key;
  router.v3_ipv4_pseudo_header = config.v3_ipv4_pseudo_header;
  return router;
}

bool SamePlace(const VirtualAddress& a, const VirtualAddress& b) {
  return a.address == b.address && a.interface == b.interface;
}

bool Contains(const std::vector<VirtualAddress>& list, const VirtualAddress& vip) {
  return std::any_of(list.begin(), list.end(),
                     [&](const VirtualAddress& v) { return SamePlace(v, vip); });
}

void Remember(std::vector<VirtualAddress>& list, const VirtualAddress& vip) {
  if (!Contains(list, vip)) list.push_back(vip);
}

void Forget(std::vector<VirtualAddress>& list, const VirtualAddress& vip) {
  list.erase(std::remove_if(list.begin(), list.end(),
                            [&](const VirtualAddress& v) { return SamePlace(v, vip); }),
             list.end());
}

// The longest Master_Down_Interval of a peer with these timers, in centiseconds (the unit of the
// timers, so that sums with it are exact): (down_timer_adverts + 1) × advert_int, since
// Skew_Time < advert_int.
int64_t LongestMasterDownCs(const RouterConfig& router) {
  return (router.down_timer_adverts + 1) * router.advert_interval.count();
}

// Margin for a late timer, in the lease and in its renewal period alike.
constexpr int64_t kLeaseMarginCs = 100;

}  // namespace

absl::Duration VipLeaseRenewal(const RouterConfig& router, uint32_t lease_seconds) {
  // A renewal every R keeps a Master that stalls for less than the longest Master_Down_Interval
  // (so keeps its mastership) from losing an address when lease >= R + longest down + margin.
  // No more often than that allows (at 1,000 Masters each renewal is a netlink request and its
  // notification), nor less than twice per lease (a failed renewal is retried before it ends).
  const int64_t lease_cs = int64_t{lease_seconds} * 100;
  const int64_t room_cs = lease_cs - LongestMasterDownCs(router) - kLeaseMarginCs;
  const int64_t renewal_cs = std::max<int64_t>(100, std::min(room_cs, lease_cs / 2));
  return absl::Milliseconds(renewal_cs * 10);
}

uint32_t VipLeaseFor(const RouterConfig& router) {
  const int64_t renewal = std::max<int64_t>(100, router.advert_interval.count());
  const int64_t lease = (LongestMasterDownCs(router) + renewal + kLeaseMarginCs + 99) / 100;
  return static_cast<uint32_t>(std::max<int64_t>(3, lease));
}

std::vector<IpAddress> InstanceConfig::Destinations() const {
  if (!unicast_peers.empty()) return unicast_peers;
  return {multicast_group.value_or(MulticastGroup(router.family))};
}

absl::Status ValidateInstanceConfig(const InstanceConfig& config) {
  if (config.name.empty()) {
    return absl::InvalidArgumentError("an instance needs a name");
  }
  for (const VirtualAddress& vip : config.addresses) {
    if (absl::Status s = Validate(vip); !s.ok()) {
      return absl::InvalidArgumentError(
          fmt::format("{}: virtual_ipaddress: {}", config.name, std::string(s.message())));
    }
  }
  for (const VirtualAddress& vip : config.excluded_addresses) {
    if (absl::Status s = Validate(vip); !s.ok()) {
      return absl::InvalidArgumentError(
          fmt::format("{}: virtual_ipaddress_excluded: {}", config.name, std::string(s.message())));
    }
  }
  for (const IpAddress& peer : config.unicast_peers) {
    if (peer.family() != config.router.family || peer.IsUnspecified() || peer.IsMulticast()) {
      return absl::InvalidArgumentError(
          fmt::format("{}: unicast_peer {} is not an {} unicast address", config.name, peer,
                      FamilyName(config.router.family)));
    }
  }
  if (config.vip_lease_seconds != 0 && (config.vip_lease_seconds < kMinVipLeaseSeconds ||
                                        config.vip_lease_seconds > kMaxLeaseSeconds)) {
    return absl::InvalidArgumentError(
        fmt::format("{}: vip_lease_time {} is out of range {}..{} (0: permanent)", config.name,
                    config.vip_lease_seconds, kMinVipLeaseSeconds, kMaxLeaseSeconds));
  }
  if (config.multicast_group && (config.multicast_group->family() != config.router.family ||
                                 !config.multicast_group->IsMulticast())) {
    return absl::InvalidArgumentError(
        fmt::format("{}: multicast group {} is not an {} multicast address", config.name,
                    *config.multicast_group, FamilyName(config.router.family)));
  }
  if (absl::Status s = ValidateRouterConfig(RouterConfigOf(config)); !s.ok()) {
    return absl::Status(s.code(), fmt::format("{}: {}", config.name, std::string(s.message())));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Instance>> Instance::Create(InstanceConfig config,
                                                           Transport& transport,
                                                           AddressManager& addresses,
                                                           Announcer& announcer, InstanceId id,
                                                           EventQueue* events) {
  if (absl::Status s = ValidateInstanceConfig(config); !s.ok()) return s;
  absl::StatusOr<Router> router = Router::Create(RouterConfigOf(config));
  if (!router.ok()) return router.status();
  return std::unique_ptr<Instance>(new Instance(std::move(config), *std::move(router), transport,
                                                addresses, announcer, id, events));
}

Instance::Instance(InstanceConfig config, Router router, Transport& transport,
                   AddressManager& addresses, Announcer& announcer, InstanceId id,
                   EventQueue* events)
    : config_(std::move(config)),
      router_(std::move(router)),
      transport_(transport),
      address_manager_(addresses),
      announcer_(announcer),
      id_(id),
      events_(events != nullptr ? events : &own_events_),
      destinations_(config_.Destinations()) {}

void Instance::Start(absl::Time now) {
  router_.Start(now);
  Perform(now);
}

void Instance::Shutdown(absl::Time now) {
  router_.Shutdown(now);
  Perform(now);
  // A later Start begins afresh: an address that failed is tried again when it is Master. What
  // could not be removed is still retried.
  address_fault_ = false;
  unplaced_.clear();
  // A yield ends with the run: the next one starts without it, as after any stop.
  conflict_fault_ = false;
  pending_conflict_.reset();
  conflict_probe_at_ = blackhole_probe_at_ = blackhole_check_at_ = yield_at_ =
      absl::InfiniteFuture();
  router_.SetFault(now, fault_requested_);  // in Initialize: remembered for Start
  renew_at_ = absl::InfiniteFuture();
  renew_pending_ = false;
  if (unremoved_.empty()) retry_at_ = absl::InfiniteFuture();
}

absl::Time Instance::NextDeadline() const {
  return std::min({router_.NextDeadline(), retry_at_, renew_at_, ConflictDeadline()});
}

void Instance::OnTimer(absl::Time now) {
  const bool was_ready = router_.sync_ready();
  router_.OnTimer(now);
  Perform(now, /*hot=*/true);
  if (!was_ready && router_.sync_ready()) {
    events_->Push(MakeEvent(InstanceEvent::Kind::kSyncWaiting, now));
  }
  if (now >= retry_at_) Retry(now);
  if (now >= ConflictDeadline()) OnConflictTimer(now);
  if (now >= renew_at_) {
    renew_at_ = absl::InfiniteFuture();
    if (defer_effects_) {
      // Netlink round trips, like the other effects: after every due advertisement is out.
      renew_pending_ = true;
    } else {
      Renew(now);
      ApplyAddressFault(now);
    }
  }
}

void Instance::SetSyncHold(absl::Time now, bool hold) {
  router_.SetSyncHold(now, hold);
  Perform(now);
}

void Instance::SyncStepDown(absl::Time now) {
  router_.SyncStepDown(now);
  Perform(now);
}

void Instance::SetFault(absl::Time now, bool fault) {
  // The cause of another fault is gone (a link came back): probe the addresses now rather than at
  // the end of a backoff of up to 30 s.
  if (fault_requested_ && !fault && address_fault_) retry_at_ = std::min(retry_at_, now);
  fault_requested_ = fault;
  router_.SetFault(now, AnyFault());
  Perform(now);
}

void Instance::SetPriorityDelta(absl::Time now, int delta) {
  const int before = router_.effective_priority();
  router_.SetPriorityDelta(now, delta);
  if (router_.effective_priority() != before) {
    InstanceEvent e = MakeEvent(InstanceEvent::Kind::kPriorityChanged, now);
    e.previous = before;
    e.count = router_.effective_priority();
    events_->Push(std::move(e));
  }
  Perform(now);
}

void Instance::OnDelivery(absl::Time now, const Delivery& delivery, const IpAddress& from) {
  if (delivery.reason != DropReason::kNone) {
    InstanceEvent e = MakeEvent(InstanceEvent::Kind::kDrop, now);
    e.drop = delivery.reason;
    e.peer = from;
    events_->Push(std::move(e));
  }
  Perform(now, /*hot=*/true);
  ConflictAfterDelivery(now);
}

absl::Status Instance::Reconfigure(absl::Time now, InstanceConfig config) {
  if (absl::Status s = ValidateInstanceConfig(config); !s.ok()) return s;
  // What waits was decided under the old configuration: carry it out with it.
  FlushDeferred(now);
  retiring_ = std::move(config_.addresses);
  retiring_excluded_ = config_.excluded_addresses;
  InstanceConfig previous = std::move(config_);
  config_ = std::move(config);
  const bool was_master = router_.state() == RouterState::kMaster;
  const uint32_t previous_lease = previous.vip_lease_seconds;
  if (absl::Status s = router_.Reconfigure(now, RouterConfigOf(config_)); !s.ok()) {
    config_ = std::move(previous);
    config_.addresses = std::move(retiring_);
    retiring_.clear();
    retiring_excluded_.clear();
    return s;
  }
  destinations_ = config_.Destinations();
  // A Master that stays Master swaps the excluded addresses that changed; a transition (in
  // Perform) adds or removes the whole lists itself.
  if (was_master && router_.state() == RouterState::kMaster) {
    auto missing_from = [](const std::vector<VirtualAddress>& from,
                           const std::vector<VirtualAddress>& list) {
      std::vector<VirtualAddress> out;
      for (const VirtualAddress& vip : list) {
        if (std::find(from.begin(), from.end(), vip) == from.end()) out.push_back(vip);
      }
      return out;
    };
    ChangeExcluded(now, missing_from(config_.excluded_addresses, retiring_excluded_), false);
    ChangeExcluded(now, missing_from(retiring_excluded_, config_.excluded_addresses), true);
  }
  Perform(now);
  retiring_.clear();
  retiring_excluded_.clear();
  if (router_.state() == RouterState::kMaster && config_.vip_lease_seconds != previous_lease &&
      !router_.is_owner()) {
    if (config_.vip_lease_seconds == 0) {
      // A permanent add leaves an address that is there as it is (NLM_F_EXCL, so that an
      // owner's own address is never touched): the leased one is put back without a lease.
      for (const VirtualAddress& vip : config_.addresses) ChangeOne(now, vip, false);
      for (const VirtualAddress& vip : config_.excluded_addresses) ChangeOne(now, vip, false);
      for (const VirtualAddress& vip : config_.addresses) ChangeOne(now, vip, true);
      for (const VirtualAddress& vip : config_.excluded_addresses) ChangeOne(now, vip, true);
      renew_at_ = absl::InfiniteFuture();
    } else {
      Renew(now);  // the new lease from now on
    }
  }
  // An address that failed and is no longer configured needs no probe.
  std::erase_if(unplaced_, [&](const VirtualAddress& vip) {
    return !Contains(config_.addresses, vip) && !Contains(config_.excluded_addresses, vip);
  });
  if (address_fault_ && unplaced_.empty()) {
    address_fault_ = false;
    router_.SetFault(now, AnyFault());
    Perform(now);
  }
  ApplyAddressFault(now);
  return absl::OkStatus();
}

InstanceEvent Instance::MakeEvent(InstanceEvent::Kind kind, absl::Time now) const {
  InstanceEvent e;
  e.kind = kind;
  e.id = id_;
  e.instance = config_.name;
  e.time = now;
  return e;
}

const VirtualAddress* Instance::Find(const IpAddress& ip) const {
  for (const VirtualAddress& vip : config_.addresses) {
    if (vip.address == ip) return &vip;
  }
  for (const VirtualAddress& vip : retiring_) {
    if (vip.address == ip) return &vip;
  }
  for (const VirtualAddress& vip : config_.excluded_addresses) {
    if (vip.address == ip) return &vip;
  }
  return nullptr;
}

void Instance::set_defer_effects(bool defer) { defer_effects_ = defer; }

void Instance::Perform(absl::Time now, bool hot) {
  router_.DrainActions(actions_);
  if (!hot || !defer_effects_) {
    // What waits goes first: the order of effects is the router's.
    FlushDeferredActions(now);
    for (const Action& action : actions_) Execute(now, action, /*deferred=*/false);
    ApplyAddressFault(now);  // after the loop: it drains the router into actions_ again
    return;
  }
  for (const Action& action : actions_) {
    if (const auto* send = std::get_if<SendAdvertisement>(&action)) {
      Send(now, send->priority);
    } else {
      deferred_.push_back(action);
    }
  }
}

void Instance::FlushDeferred(absl::Time now) {
  FlushDeferredActions(now);
  ApplyAddressFault(now);
}

void Instance::FlushDeferredActions(absl::Time now) {
  if (!deferred_.empty()) {
    std::vector<Action> effects;
    std::swap(effects, deferred_);
    for (const Action& action : effects) Execute(now, action, /*deferred=*/true);
  }
  if (renew_pending_) {
    renew_pending_ = false;
    Renew(now);
  }
}

void Instance::Execute(absl::Time now, const Action& action, bool deferred) {
  std::visit(Overloaded{
                 [&](const SendAdvertisement& a) { Send(now, a.priority); },
                 [&](const AddAddresses& a) { ChangeAddresses(now, a.addresses, true); },
                 [&](const RemoveAddresses& a) { ChangeAddresses(now, a.addresses, false); },
                 [&](const Announce& a) {
                   // A deferred announcement from a Master that has since stepped down would
                   // claim addresses it no longer holds.
                   if (deferred && router_.state() != RouterState::kMaster) return;
                   AnnounceAddresses(now, a.addresses, a.count);
                 },
                 [&](const StateChanged& a) {
                   if (a.to == RouterState::kMaster && a.from != RouterState::kMaster) {
                     ChangeExcluded(now, config_.excluded_addresses, true);
                   } else if (a.from == RouterState::kMaster && a.to != RouterState::kMaster) {
                     ChangeExcluded(now, config_.excluded_addresses, false);
                     renew_at_ = absl::InfiniteFuture();  // nothing held, nothing to renew
                   }
                   InstanceEvent e = MakeEvent(InstanceEvent::Kind::kTransition, now);
                   e.transition = a;
                   events_->Push(std::move(e));
                   ConflictOnTransition(now, a);
                 },
             },
             action);
}

void Instance::Send(absl::Time now, uint8_t priority) {
  std::array<uint8_t, kMaxAdvertisementSize> buffer;
  for (const IpAddress& destination : destinations_) {
    absl::StatusOr<size_t> n =
        router_.WriteAdvertisement(priority, destination, absl::MakeSpan(buffer));
    absl::Status status = n.ok() ? transport_.Send(absl::MakeConstSpan(buffer.data(), *n),
                                                   config_.router.primary_address, destination)
                                 : n.status();
    if (!status.ok()) {
      InstanceEvent e = MakeEvent(InstanceEvent::Kind::kSendFailed, now);
      e.peer = destination;
      e.status = std::move(status);
      events_->Push(std::move(e));
    }
  }
}

void Instance::ChangeAddresses(absl::Time now, const AddressList& ips, bool add) {
  for (const IpAddress& ip : ips) {
    const VirtualAddress* vip = Find(ip);
    if (vip == nullptr) {
      // The router only names addresses it was configured with; not finding one is our bug.
      InstanceEvent e = MakeEvent(
          add ? InstanceEvent::Kind::kAddressAdded : InstanceEvent::Kind::kAddressRemoved, now);
      e.status = absl::InternalError(fmt::format("no configuration for address {}", ip));
      events_->Push(std::move(e));
      continue;
    }
    ChangeOne(now, *vip, add);
  }
}

VirtualAddress Instance::Leased(const VirtualAddress& vip) const {
  VirtualAddress leased = vip;
  // An owner's addresses are the interface's own (RFC 5798 §6.4.1): a lease on them would make
  // the kernel delete the interface's address after a crash.
  leased.lease_seconds = router_.is_owner() ? 0 : config_.vip_lease_seconds;
  return leased;
}

void Instance::ChangeOne(absl::Time now, const VirtualAddress& vip, bool add) {
  InstanceEvent e = MakeEvent(
      add ? InstanceEvent::Kind::kAddressAdded : InstanceEvent::Kind::kAddressRemoved, now);
  const VirtualAddress placed = add ? Leased(vip) : vip;
  e.address = placed;
  e.status = add ? address_manager_.Add(placed) : address_manager_.Remove(placed);
  if (e.status.ok()) {
    Forget(unremoved_, vip);  // there as it should be, or gone as it should be
    if (add && placed.lease_seconds != 0 && renew_at_ == absl::InfiniteFuture()) {
      renew_at_ = now + VipLeaseRenewal(config_.router, placed.lease_seconds);
    }
  } else if (add) {
    // A Master that cannot hold its address gives the election up until it can (see the header).
    if (router_.state() == RouterState::kMaster) {
      Remember(unplaced_, vip);
      address_fault_pending_ = true;
    }
  } else {
    Remember(unremoved_, vip);
    if (retry_at_ == absl::InfiniteFuture()) retry_at_ = now + retry_backoff_;
  }
  events_->Push(std::move(e));
}

void Instance::ApplyAddressFault(absl::Time now) {
  if (!address_fault_pending_) return;
  address_fault_pending_ = false;
  // The batch that failed may also have taken the router out of Master (a deferred add carried
  // out after it stepped down): then there is no mastership to give up, and the next one tries
  // again.
  if (router_.state() != RouterState::kMaster) {
    unplaced_.clear();
    return;
  }
  address_fault_ = true;
  retry_backoff_ = kAddressRetryFirst;
  retry_at_ = std::min(retry_at_, now + retry_backoff_);
  router_.SetFault(now, true);  // priority 0, then the addresses that were added are removed
  Perform(now);
}

void Instance::Retry(absl::Time now) {
  retry_at_ = absl::InfiniteFuture();
  bool failed = false;
  const bool master = router_.state() == RouterState::kMaster;
  for (const VirtualAddress& vip : std::vector<VirtualAddress>(unremoved_)) {
    // Master again with it configured: the address is rightly there.
    if (master && (Contains(config_.addresses, vip) || Contains(config_.excluded_addresses, vip))) {
      Forget(unremoved_, vip);
      continue;
    }
    ChangeOne(now, vip, false);
    failed = failed || Contains(unremoved_, vip);
  }
  if (address_fault_) {
    for (const VirtualAddress& vip : std::vector<VirtualAddress>(unplaced_)) {
      // The probe: add it (with its lease, should we die meanwhile) and take it off again at
      // once, in Fault, so that it never stays on beside a Master that holds it. Reported like
      // any add and remove.
      InstanceEvent added = MakeEvent(InstanceEvent::Kind::kAddressAdded, now);
      added.address = Leased(vip);
      added.status = address_manager_.Add(*added.address);
      const bool placed = added.status.ok();
      events_->Push(std::move(added));
      if (!placed) {
        failed = true;
        continue;
      }
      ChangeOne(now, vip, false);
      if (Contains(unremoved_, vip)) {
        failed = true;  // retried as a removal; the probe has not shown it can be managed
        continue;
      }
      Forget(unplaced_, vip);
    }
  }
  if (failed) {
    retry_backoff_ = std::min(retry_backoff_ * 2, kAddressRetryMax);
    retry_at_ = now + retry_backoff_;
  } else {
    retry_backoff_ = kAddressRetryFirst;
  }
  if (address_fault_ && unplaced_.empty()) {
    // Every address can be added again: rejoin the election (Backup, fault_cleared) unless
    // another fault holds the router.
    address_fault_ = false;
    router_.SetFault(now, AnyFault());
    Perform(now);
  }
}

void Instance::Renew(absl::Time now) {
  std::vector<VirtualAddress> due;
  if (RenewalsDue(now, due) == 0) return;
  RecordRenewals(now, address_manager_.AddAll(due));
}

size_t Instance::RenewalsDue(absl::Time now, std::vector<VirtualAddress>& out) {
  if (router_.state() != RouterState::kMaster || config_.vip_lease_seconds == 0 ||
      router_.is_owner()) {
    return 0;
  }
  for (const VirtualAddress& vip : config_.addresses) out.push_back(Leased(vip));
  for (const VirtualAddress& vip : config_.excluded_addresses) out.push_back(Leased(vip));
  renew_at_ = now + VipLeaseRenewal(config_.router, config_.vip_lease_seconds);
  return config_.addresses.size() + config_.excluded_addresses.size();
}

void Instance::RecordRenewals(absl::Time now, absl::Span<const absl::Status> statuses) {
  // Silent when it works: one line per address and second would drown the log. A failure is
  // reported as the failed add it is, and the Master goes to Fault before the lease runs out.
  size_t next = 0;
  auto record = [&](const VirtualAddress& vip) {
    const size_t at = next++;
    if (at < statuses.size() && statuses[at].ok()) return;
    InstanceEvent e = MakeEvent(InstanceEvent::Kind::kAddressAdded, now);
    e.address = Leased(vip);
    // A caller that gave fewer statuses than addresses cannot say the lease was renewed.
    e.status = at < statuses.size()
                   ? statuses[at]
                   : absl::InternalError(fmt::format("no outcome for the renewal of {}", vip));
    events_->Push(std::move(e));
    Remember(unplaced_, vip);
    address_fault_pending_ = true;
  };
  for (const VirtualAddress& vip : config_.addresses) record(vip);
  for (const VirtualAddress& vip : config_.excluded_addresses) record(vip);
}

size_t Instance::TakeRenewals(absl::Time now, std::vector<VirtualAddress>& out) {
  if (!renew_pending_ || !deferred_.empty()) return 0;
  renew_pending_ = false;
  return RenewalsDue(now, out);
}

void Instance::OnRenewed(absl::Time now, absl::Span<const absl::Status> statuses) {
  RecordRenewals(now, statuses);
  ApplyAddressFault(now);
}

void Instance::AnnounceAddresses(absl::Time now, const AddressList& ips, int count) {
  for (const IpAddress& ip : ips) AnnounceOne(now, ip, count);
  // The excluded addresses moved with the others: their neighbours need telling as much.
  if (router_.state() == RouterState::kMaster) {
    for (const VirtualAddress& vip : config_.excluded_addresses)
      AnnounceOne(now, vip.address, count);
  }
}

void Instance::AnnounceOne(absl::Time now, const IpAddress& ip, int count) {
  InstanceEvent e = MakeEvent(InstanceEvent::Kind::kAnnounced, now);
  if (const VirtualAddress* vip = Find(ip)) e.address = *vip;
  for (int i = 0; i < count; ++i) {
    absl::Status s = announcer_.AnnounceAt(now, ip);
    if (s.ok()) {
      ++e.count;
    } else if (e.status.ok()) {
      e.status = std::move(s);
    }
  }
  events_->Push(std::move(e));
}

void Instance::ChangeExcluded(absl::Time now, const std::vector<VirtualAddress>& vips, bool add) {
  for (const VirtualAddress& vip : vips) ChangeOne(now, vip, add);
}

}  // namespace vrrp
