#include "vrrp/linux/driver.h"

#include <array>
#include <utility>

#include "fmt/format.h"

namespace vrrp::os {

// What one instance runs on: its own transport and announcer, and what the driver knows of its
// interface. One socket per instance keeps unicast peers and groups per instance simple; every
// socket sees the interface's VRRP traffic and drops other VRIDs.
struct Driver::Slot {
  std::unique_ptr<RawSocketTransport> transport;
  std::unique_ptr<PacketAnnouncer> announcer;
  bool link_up = true;
  bool source_present = true;
  bool external_fault = false;  // Driver::SetExternalFault
};

Driver::Driver(DriverOptions options) : options_(std::move(options)) {}

Driver::~Driver() { Detach(); }

absl::StatusOr<std::unique_ptr<Driver>> Driver::Create(DriverOptions options) {
  std::unique_ptr<Driver> driver(new Driver(std::move(options)));
  auto manager = NetlinkAddressManager::Open();
  if (!manager.ok()) return manager.status();
  driver->address_manager_ = std::move(*manager);
  auto monitor = LinkMonitor::Open();
  if (!monitor.ok()) return monitor.status();
  driver->link_monitor_ = std::move(*monitor);
  for (const DriverInstance& spec : driver->options_.instances) {
    std::unique_ptr<Slot> slot;
    std::unique_ptr<Instance> instance;
    if (absl::Status s = driver->Open(spec, slot, instance); !s.ok()) return s;
    driver->slots_.push_back(std::move(slot));
    driver->instances_.push_back(std::move(instance));
  }
  return driver;
}

absl::Status Driver::Open(const DriverInstance& spec, std::unique_ptr<Slot>& slot,
                          std::unique_ptr<Instance>& instance) {
  const std::string& name = spec.config.name;
  auto fail = [&](const absl::Status& s) {
    return absl::Status(s.code(), fmt::format("{}: {}", name, std::string(s.message())));
  };
  slot = std::make_unique<Slot>();
  auto transport = RawSocketTransport::Open({.interface = spec.interface,
                                             .family = spec.config.router.family,
                                             .group = spec.group,
                                             .source = spec.source,
                                             .unicast_peers = spec.unicast_peers});
  if (!transport.ok()) return fail(transport.status());
  slot->transport = std::move(*transport);
  auto announcer = PacketAnnouncer::Open({.interface = spec.interface, .mac = spec.announce_mac});
  if (!announcer.ok()) return fail(announcer.status());
  slot->announcer = std::move(*announcer);
  InstanceConfig config = spec.config;
  if (config.router.primary_address.IsUnspecified()) {
    config.router.primary_address = slot->transport->source();
  }
  auto sink = [this](const InstanceEvent& e) {
    if (options_.on_event) options_.on_event(e);
  };
  auto created = Instance::Create(std::move(config), *slot->transport, *address_manager_,
                                  *slot->announcer, sink);
  if (!created.ok()) return fail(created.status());
  instance = std::move(*created);
  return absl::OkStatus();
}

bool DriverInstance::SameTransport(const DriverInstance& other) const {
  return interface == other.interface && config.router.family == other.config.router.family &&
         config.router.vrid == other.config.router.vrid && source == other.source &&
         group == other.group && unicast_peers == other.unicast_peers &&
         announce_mac == other.announce_mac;
}

std::optional<size_t> Driver::Find(std::string_view name) const {
  for (size_t i = 0; i < instances_.size(); ++i) {
    if (instances_[i]->name() == name) return i;
  }
  return std::nullopt;
}

absl::Status Driver::Update(absl::Time now, std::vector<DriverInstance> specs) {
  // 1. Check everything and open what is new, touching nothing that runs.
  std::vector<std::optional<size_t>> kept(specs.size());
  std::vector<std::unique_ptr<Slot>> new_slots(specs.size());
  std::vector<std::unique_ptr<Instance>> new_instances(specs.size());
  for (size_t i = 0; i < specs.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (specs[j].config.name == specs[i].config.name) {
        return absl::InvalidArgumentError(
            fmt::format("{}: two instances of that name", specs[i].config.name));
      }
    }
    std::optional<size_t> old = Find(specs[i].config.name);
    if (old && options_.instances[*old].SameTransport(specs[i])) {
      InstanceConfig config = specs[i].config;
      if (config.router.primary_address.IsUnspecified()) {
        config.router.primary_address = slots_[*old]->transport->source();
      }
      if (absl::Status s = ValidateInstanceConfig(config); !s.ok()) {
        return absl::Status(s.code(), fmt::format("{}: {}", config.name, std::string(s.message())));
      }
      kept[i] = old;
      continue;
    }
    if (absl::Status s = Open(specs[i], new_slots[i], new_instances[i]); !s.ok()) return s;
  }

  // 2. Stop the instances that are not kept (gone, or moved to other sockets).
  std::vector<bool> keep(instances_.size(), false);
  for (const auto& k : kept) {
    if (k) keep[*k] = true;
  }
  for (size_t i = 0; i < instances_.size(); ++i) {
    if (keep[i]) continue;
    instances_[i]->Shutdown(now);
    if (loop_ != nullptr) UnwatchSlot(*slots_[i]);
  }

  // 3. The new order, in place before any kept instance is touched: the events a
  // reconfiguration or a start reports reach a sink that may look instances up (Find), so
  // instances_ must never hold a moved-from entry while they run. The leavers stay alive in
  // `retired` until the end, as their sinks may still be on the stack.
  std::vector<std::unique_ptr<Slot>> slots;
  std::vector<std::unique_ptr<Instance>> instances;
  for (size_t i = 0; i < specs.size(); ++i) {
    slots.push_back(kept[i] ? std::move(slots_[*kept[i]]) : std::move(new_slots[i]));
    instances.push_back(kept[i] ? std::move(instances_[*kept[i]]) : std::move(new_instances[i]));
  }
  std::swap(slots, slots_);
  std::swap(instances, instances_);
  std::vector<std::unique_ptr<Slot>> retired_slots = std::move(slots);
  std::vector<std::unique_ptr<Instance>> retired = std::move(instances);
  options_.instances = std::move(specs);

  // 4. Reconfigure the kept ones, start the new ones.
  for (size_t i = 0; i < instances_.size(); ++i) {
    const DriverInstance& spec = options_.instances[i];
    if (kept[i]) {
      InstanceConfig config = spec.config;
      if (config.router.primary_address.IsUnspecified()) {
        config.router.primary_address = slots_[i]->transport->source();
      }
      // Validated above; Router::Reconfigure refuses nothing ValidateInstanceConfig accepts.
      (void)instances_[i]->Reconfigure(now, std::move(config));
      UpdateFault(now, i);
      continue;
    }
    auto up = InterfaceIsUp(spec.interface);
    slots_[i]->link_up = up.ok() && *up;
    if (loop_ != nullptr) {
      if (absl::Status s = WatchSlot(*slots_[i]); !s.ok() && options_.on_error) {
        options_.on_error(s);
      }
    }
    UpdateFault(now, i);
    instances_[i]->Start(now);
  }
  Reschedule();
  return absl::OkStatus();
}

void Driver::SetExternalFault(absl::Time now, size_t index, bool fault) {
  slots_[index]->external_fault = fault;
  UpdateFault(now, index);
  Reschedule();
}

void Driver::SetSyncHold(absl::Time now, size_t index, bool hold) {
  instances_[index]->SetSyncHold(now, hold);
  Reschedule();
}

void Driver::SyncStepDown(absl::Time now, size_t index) {
  instances_[index]->SyncStepDown(now);
  Reschedule();
}

bool Driver::InterfaceFault(size_t index) const {
  return !slots_[index]->link_up || !slots_[index]->source_present;
}

void Driver::SetPriorityDelta(absl::Time now, size_t index, int delta) {
  instances_[index]->SetPriorityDelta(now, delta);
  Reschedule();
}

absl::Status Driver::Start(absl::Time now) {
  if (options_.remove_leftover_addresses) {
    for (const auto& instance : instances_) {
      // The owner's addresses are the interface's own: they stay (RFC 5798 §6.4.1).
      if (instance->router().is_owner()) continue;
      std::vector<VirtualAddress> vips = instance->config().addresses;
      vips.insert(vips.end(), instance->config().excluded_addresses.begin(),
                  instance->config().excluded_addresses.end());
      for (const VirtualAddress& vip : vips) {
        auto removed =
            RemoveLeftoverAddresses(*address_manager_, vip.interface, absl::MakeConstSpan(&vip, 1));
        if (!removed.ok()) {
          return absl::Status(removed.status().code(),
                              fmt::format("{}: removing leftover addresses: {}", instance->name(),
                                          std::string(removed.status().message())));
        }
        for (const InterfaceAddress& gone : *removed) {
          if (!options_.on_event) continue;
          InstanceEvent e;
          e.kind = InstanceEvent::Kind::kAddressRemoved;
          e.instance = instance->name();
          e.time = now;
          e.address = gone.vip;
          options_.on_event(e);
        }
      }
    }
  }
  for (size_t i = 0; i < instances_.size(); ++i) {
    auto up = InterfaceIsUp(options_.instances[i].interface);
    slots_[i]->link_up = up.ok() && *up;
    UpdateFault(now, i);
    instances_[i]->Start(now);
  }
  Reschedule();
  return absl::OkStatus();
}

void Driver::Shutdown(absl::Time now) {
  for (auto& instance : instances_) instance->Shutdown(now);
  Reschedule();
}

std::vector<int> Driver::fds() const {
  std::vector<int> fds;
  fds.push_back(link_monitor_->fd());
  for (const auto& slot : slots_) fds.push_back(slot->transport->fd());
  return fds;
}

void Driver::OnReadable(absl::Time now, int fd) {
  if (fd == link_monitor_->fd()) {
    absl::Status s = link_monitor_->Process([&](const LinkEvent& e) { OnLinkEvent(now, e); });
    if (!s.ok()) {
      // Notifications were lost: read the link state afresh rather than trust what we had.
      for (size_t i = 0; i < slots_.size(); ++i) {
        auto up = InterfaceIsUp(options_.instances[i].interface);
        slots_[i]->link_up = up.ok() && *up;
        UpdateFault(now, i);
      }
      if (options_.on_error) options_.on_error(s);
    }
    Reschedule();
    return;
  }
  for (size_t i = 0; i < slots_.size(); ++i) {
    RawSocketTransport& transport = *slots_[i]->transport;
    if (transport.fd() != fd) continue;
    std::array<uint8_t, kReceiveBufferSize> buffer;
    for (;;) {
      auto packet = transport.Receive(absl::MakeSpan(buffer));
      if (!packet.ok()) {
        ++stats_.receive_errors;
        if (options_.on_error) options_.on_error(packet.status());
        break;
      }
      if (!packet->has_value()) break;
      const ReceivedPacket& p = **packet;
      // The VRID is the second octet in both versions (RFC 5798 §5.2.3); shorter packets go to
      // the instance so that the codec counts them as too short.
      if (p.payload.size() >= 2 && p.payload[1] != instances_[i]->vrid()) {
        ++stats_.other_vrid;
        continue;
      }
      instances_[i]->OnPacket(now, p);
    }
  }
  Reschedule();
}

void Driver::OnLinkEvent(absl::Time now, const LinkEvent& event) {
  for (size_t i = 0; i < slots_.size(); ++i) {
    Slot& slot = *slots_[i];
    if (event.ifindex != slot.transport->ifindex()) continue;
    switch (event.kind) {
      case LinkEvent::Kind::kLink:
        slot.link_up = event.up;
        break;
      case LinkEvent::Kind::kLinkRemoved:
        slot.link_up = false;
        break;
      case LinkEvent::Kind::kAddressAdded:
        if (event.address == slot.transport->source()) slot.source_present = true;
        break;
      case LinkEvent::Kind::kAddressRemoved:
        if (event.address == slot.transport->source()) slot.source_present = false;
        break;
    }
    UpdateFault(now, i);
  }
}

void Driver::UpdateFault(absl::Time now, size_t index) {
  const Slot& slot = *slots_[index];
  const bool fault = !slot.link_up || !slot.source_present || slot.external_fault;
  if (fault != instances_[index]->router().fault()) instances_[index]->SetFault(now, fault);
}

absl::Time Driver::NextDeadline() const {
  absl::Time next = absl::InfiniteFuture();
  for (const auto& instance : instances_) next = std::min(next, instance->NextDeadline());
  return next;
}

void Driver::OnTimer(absl::Time now) {
  for (auto& instance : instances_) {
    if (instance->NextDeadline() <= now) instance->OnTimer(now);
  }
  Reschedule();
}

absl::Status Driver::Attach(EventLoop& loop) {
  if (loop_ != nullptr) return absl::FailedPreconditionError("driver is already attached");
  loop_ = &loop;
  const int monitor_fd = link_monitor_->fd();
  absl::Status s = loop.Watch(
      monitor_fd, [this, monitor_fd](uint32_t) { OnReadable(loop_->Now(), monitor_fd); });
  for (size_t i = 0; s.ok() && i < slots_.size(); ++i) s = WatchSlot(*slots_[i]);
  if (!s.ok()) {
    Detach();
    return s;
  }
  Reschedule();
  return absl::OkStatus();
}

absl::Status Driver::WatchSlot(const Slot& slot) {
  const int fd = slot.transport->fd();
  return loop_->Watch(fd, [this, fd](uint32_t) { OnReadable(loop_->Now(), fd); });
}

void Driver::UnwatchSlot(const Slot& slot) { (void)loop_->Unwatch(slot.transport->fd()); }

void Driver::Detach() {
  if (loop_ == nullptr) return;
  for (int fd : fds()) (void)loop_->Unwatch(fd);
  if (timer_) loop_->CancelTimer(*timer_);
  timer_.reset();
  timer_deadline_ = absl::InfiniteFuture();
  loop_ = nullptr;
}

void Driver::Reschedule() {
  if (loop_ == nullptr) return;
  const absl::Time next = NextDeadline();
  if (timer_ && next == timer_deadline_) return;
  if (timer_) loop_->CancelTimer(*timer_);
  timer_.reset();
  timer_deadline_ = next;
  if (next == absl::InfiniteFuture()) return;
  timer_ = loop_->AddTimer(next, [this] {
    timer_.reset();
    timer_deadline_ = absl::InfiniteFuture();
    OnTimer(loop_->Now());
  });
}

}  // namespace vrrp::os
