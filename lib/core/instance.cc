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

}  // namespace

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
}

void Instance::OnTimer(absl::Time now) {
  const bool was_ready = router_.sync_ready();
  router_.OnTimer(now);
  Perform(now, /*hot=*/true);
  if (!was_ready && router_.sync_ready()) {
    events_->Push(MakeEvent(InstanceEvent::Kind::kSyncWaiting, now));
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
  router_.SetFault(now, fault);
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
    FlushDeferred(now);  // what waits goes first: the order of effects is the router's
    for (const Action& action : actions_) Execute(now, action, /*deferred=*/false);
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
  if (deferred_.empty()) return;
  std::vector<Action> effects;
  std::swap(effects, deferred_);
  for (const Action& action : effects) Execute(now, action, /*deferred=*/true);
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
                   }
                   InstanceEvent e = MakeEvent(InstanceEvent::Kind::kTransition, now);
                   e.transition = a;
                   events_->Push(std::move(e));
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
    InstanceEvent e = MakeEvent(
        add ? InstanceEvent::Kind::kAddressAdded : InstanceEvent::Kind::kAddressRemoved, now);
    if (vip == nullptr) {
      // The router only names addresses it was configured with; not finding one is our bug.
      e.status = absl::InternalError(fmt::format("no configuration for address {}", ip));
    } else {
      e.address = *vip;
      e.status = add ? address_manager_.Add(*vip) : address_manager_.Remove(*vip);
    }
    events_->Push(std::move(e));
  }
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
    absl::Status s = announcer_.Announce(ip);
    if (s.ok()) {
      ++e.count;
    } else if (e.status.ok()) {
      e.status = std::move(s);
    }
  }
  events_->Push(std::move(e));
}

void Instance::ChangeExcluded(absl::Time now, const std::vector<VirtualAddress>& vips, bool add) {
  for (const VirtualAddress& vip : vips) {
    InstanceEvent e = MakeEvent(
        add ? InstanceEvent::Kind::kAddressAdded : InstanceEvent::Kind::kAddressRemoved, now);
    e.address = vip;
    e.status = add ? address_manager_.Add(vip) : address_manager_.Remove(vip);
    events_->Push(std::move(e));
  }
}

}  // namespace vrrp
