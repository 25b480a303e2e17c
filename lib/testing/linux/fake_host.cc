#include "vrrp/testing/linux/fake_host.h"

#include <algorithm>
#include <deque>
#include <utility>

#include "doorbell.h"
#include "fmt/format.h"
#include "vrrp/testing/linux/fake_network.h"
#include "vrrp/testing/linux/fake_socket.h"

namespace vrrp::testing {

// The Driver's AddressManager: the host's addresses, changed as the kernel changes them (with a
// notification to every link monitor, which is how the Driver learns its source came back).
class FakeHost::AddressPart final : public AddressManager {
 public:
  explicit AddressPart(FakeHost& host) : host_(host) {}

  absl::Status Add(const VirtualAddress& vip) override {
    host_.address_calls_.push_back("add " + ToString(vip));
    if (!host_.address_status_.ok()) return host_.address_status_;
    for (const auto& [address, status] : host_.add_failures_) {
      if (address == vip.address) return status;
    }
    Interface* i = host_.Find(vip.interface);
    if (i == nullptr) return host_.Missing(vip.interface);
    if (std::none_of(i->addresses.begin(), i->addresses.end(),
                     [&](const InterfaceAddress& a) { return Same(a.vip, vip); })) {
      host_.AddAddress(vip);
    }
    return absl::OkStatus();
  }

  std::vector<absl::Status> AddAll(absl::Span<const VirtualAddress> vips) override {
    host_.address_batches_.push_back(vips.size());
    return AddressManager::AddAll(vips);  // Add for each, as the kernel answers each
  }

  absl::Status Remove(const VirtualAddress& vip) override {
    host_.address_calls_.push_back("remove " + ToString(vip));
    if (!host_.address_status_.ok()) return host_.address_status_;
    Interface* i = host_.Find(vip.interface);
    if (i == nullptr) return host_.Missing(vip.interface);
    if (std::any_of(i->addresses.begin(), i->addresses.end(),
                    [&](const InterfaceAddress& a) { return Same(a.vip, vip); })) {
      host_.RemoveAddress(vip.interface, vip.address);
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<InterfaceAddress>> List(std::string_view interface) override {
    if (!host_.address_status_.ok()) return host_.address_status_;
    if (host_.Find(interface) == nullptr) return host_.Missing(interface);
    return host_.addresses(interface);
  }

 private:
  // The kernel matches an address by its value and prefix length on the interface.
  static bool Same(const VirtualAddress& a, const VirtualAddress& b) {
    return a.address == b.address && a.prefix_len == b.prefix_len;
  }
  FakeHost& host_;
};

class FakeHost::AnnouncerPart final : public Announcer {
 public:
  AnnouncerPart(FakeHost& host, std::string interface, std::optional<MacAddress> mac)
      : host_(host), interface_(std::move(interface)), mac_(mac) {
    ++host_.announcers_;
  }
  ~AnnouncerPart() override { --host_.announcers_; }

  absl::Status Announce(const IpAddress& address) override {
    if (host_.Find(interface_) == nullptr) return host_.Missing(interface_);
    host_.announcements_.push_back(Announcement{interface_, mac_, address});
    return absl::OkStatus();
  }

 private:
  FakeHost& host_;
  std::string interface_;
  std::optional<MacAddress> mac_;
};

// The Driver's link monitor: every notification of the host, readable on its doorbell.
class FakeHost::MonitorPart final : public os::LinkEventSource {
 public:
  MonitorPart(FakeHost& host, os::UniqueFd bell) : host_(host), bell_(std::move(bell)) {
    host_.monitors_.push_back(this);
  }
  ~MonitorPart() override {
    auto& monitors = host_.monitors_;
    monitors.erase(std::remove(monitors.begin(), monitors.end(), this), monitors.end());
  }

  int fd() const override { return bell_.get(); }

  absl::Status Process(const std::function<void(const os::LinkEvent&)>& on_event) override {
    if (lost_) {
      lost_ = false;
      waiting_.clear();
      Quiet(bell_.get());
      return absl::DataLossError(
          "link monitor: notifications were dropped (fake ENOBUFS); re-read link state");
    }
    // Taken off the queue before the call: handling one may change the host (the Driver
    // removes a VIP when a link goes down), whose notification joins the queue and is read too.
    while (!waiting_.empty()) {
      const os::LinkEvent event = std::move(waiting_.front());
      waiting_.pop_front();
      on_event(event);
    }
    Quiet(bell_.get());
    return absl::OkStatus();
  }

  void Push(const os::LinkEvent& event) {
    waiting_.push_back(event);
    Ring(bell_.get());
  }
  void Lose() {
    lost_ = true;
    waiting_.clear();
    Ring(bell_.get());
  }

 private:
  FakeHost& host_;
  os::UniqueFd bell_;
  std::deque<os::LinkEvent> waiting_;
  bool lost_ = false;
};

class FakeHost::QueriesPart final : public os::InterfaceQueries {
 public:
  explicit QueriesPart(FakeHost& host) : host_(host) {}

  absl::StatusOr<bool> IsUp(const std::string& interface) override {
    const Interface* i = host_.Find(interface);
    if (i == nullptr) return host_.Missing(interface);
    return i->up;
  }

  absl::StatusOr<int> Index(const std::string& interface) override {
    const Interface* i = host_.Find(interface);
    if (i == nullptr) return host_.Missing(interface);
    return i->ifindex;
  }

  absl::StatusOr<std::vector<IpAddress>> SourceAddresses(const std::string& interface,
                                                         Family family) override {
    const Interface* i = host_.Find(interface);
    if (i == nullptr) return host_.Missing(interface);
    std::vector<IpAddress> out;
    for (const InterfaceAddress& a : i->addresses) {
      const IpAddress& ip = a.vip.address;
      if (ip.family() == family && (family == Family::kIPv4 || ip.IsLinkLocal()) && !a.tentative &&
          !a.dad_failed) {
        out.push_back(ip);
      }
    }
    return out;
  }

 private:
  FakeHost& host_;
};

FakeHost::FakeHost() = default;

FakeHost::~FakeHost() {
  for (const auto& i : interfaces_) {
    if (i->network != nullptr) i->network->Forget(*this);
  }
}

os::DriverParts FakeHost::Parts() {
  os::DriverParts parts;
  parts.open_socket = [this](const std::string& interface,
                             Family family) -> absl::StatusOr<std::unique_ptr<os::VrrpSocket>> {
    const Interface* i = Find(interface);
    if (i == nullptr) return Missing(interface);
    if (!i->open_status.ok()) return i->open_status;
    absl::StatusOr<os::UniqueFd> bell = MakeDoorbell();
    if (!bell.ok()) return bell.status();
    return std::unique_ptr<os::VrrpSocket>(
        new FakeSocket(*this, interface, family, i->ifindex, std::move(*bell)));
  };
  parts.open_announcer =
      [this](const std::string& interface,
             const std::optional<MacAddress>& mac) -> absl::StatusOr<std::unique_ptr<Announcer>> {
    const Interface* i = Find(interface);
    if (i == nullptr) return Missing(interface);
    if (!i->open_status.ok()) return i->open_status;
    return std::unique_ptr<Announcer>(std::make_unique<AnnouncerPart>(*this, interface, mac));
  };
  parts.open_address_manager = [this]() -> absl::StatusOr<std::unique_ptr<AddressManager>> {
    return std::unique_ptr<AddressManager>(std::make_unique<AddressPart>(*this));
  };
  parts.open_link_monitor = [this]() -> absl::StatusOr<std::unique_ptr<os::LinkEventSource>> {
    absl::StatusOr<os::UniqueFd> bell = MakeDoorbell();
    if (!bell.ok()) return bell.status();
    return std::unique_ptr<os::LinkEventSource>(
        std::make_unique<MonitorPart>(*this, std::move(*bell)));
  };
  parts.open_queries = [this]() -> std::unique_ptr<os::InterfaceQueries> {
    return std::make_unique<QueriesPart>(*this);
  };
  return parts;
}

FakeHost::Interface* FakeHost::Find(std::string_view name) {
  for (const auto& i : interfaces_) {
    if (i->name == name) return i.get();
  }
  return nullptr;
}

const FakeHost::Interface* FakeHost::Find(std::string_view name) const {
  return const_cast<FakeHost*>(this)->Find(name);
}

absl::Status FakeHost::Missing(std::string_view interface) const {
  return absl::NotFoundError(fmt::format("{}: No such device (ENODEV)", interface));
}

void FakeHost::Notify(const os::LinkEvent& event) {
  for (MonitorPart* monitor : monitors_) monitor->Push(event);
}

int FakeHost::AddInterface(std::string_view name, std::vector<IpAddress> addresses) {
  auto i = std::make_unique<Interface>();
  i->name = std::string(name);
  i->ifindex = next_ifindex_++;
  for (const IpAddress& ip : addresses) {
    i->addresses.push_back(InterfaceAddress{
        .vip = {.address = ip,
                .prefix_len = static_cast<uint8_t>(ip.family() == Family::kIPv4 ? 24 : 64),
                .interface = i->name,
                .scope = ip.IsLinkLocal() ? AddressScope::kLink : AddressScope::kGlobal}});
  }
  interfaces_.push_back(std::move(i));
  // RTM_NEWLINK, as the kernel announces a new interface.
  Notify(os::LinkEvent{.kind = os::LinkEvent::Kind::kLink,
                       .ifindex = interfaces_.back()->ifindex,
                       .interface = std::string(name),
                       .up = true});
  return interfaces_.back()->ifindex;
}

void FakeHost::SetLinkUp(std::string_view interface, bool up) {
  Interface* i = Find(interface);
  if (i == nullptr || i->up == up) return;
  i->up = up;
  Notify(os::LinkEvent{
      .kind = os::LinkEvent::Kind::kLink, .ifindex = i->ifindex, .interface = i->name, .up = up});
}

void FakeHost::RemoveInterface(std::string_view interface) {
  auto it = std::find_if(interfaces_.begin(), interfaces_.end(),
                         [&](const auto& i) { return i->name == interface; });
  if (it == interfaces_.end()) return;
  if ((*it)->network != nullptr) (*it)->network->Detach(*this, interface);
  const os::LinkEvent gone{.kind = os::LinkEvent::Kind::kLinkRemoved,
                           .ifindex = (*it)->ifindex,
                           .interface = (*it)->name};
  interfaces_.erase(it);
  Notify(gone);
}

bool FakeHost::link_up(std::string_view interface) const {
  const Interface* i = Find(interface);
  return i != nullptr && i->up;
}

int FakeHost::ifindex(std::string_view interface) const {
  const Interface* i = Find(interface);
  return i != nullptr ? i->ifindex : 0;
}

void FakeHost::AddAddress(const VirtualAddress& vip) {
  Interface* i = Find(vip.interface);
  if (i == nullptr) return;
  i->addresses.push_back(InterfaceAddress{.vip = vip});
  Notify(os::LinkEvent{
      .kind = os::LinkEvent::Kind::kAddressAdded, .ifindex = i->ifindex, .address = vip.address});
}

void FakeHost::AddTentativeAddress(const VirtualAddress& vip) {
  Interface* i = Find(vip.interface);
  if (i == nullptr) return;
  i->addresses.push_back(InterfaceAddress{.vip = vip, .tentative = true});
  Notify(os::LinkEvent{.kind = os::LinkEvent::Kind::kAddressAdded,
                       .ifindex = i->ifindex,
                       .address = vip.address,
                       .tentative = true});
}

void FakeHost::FinishDad(std::string_view interface, const IpAddress& address) {
  Interface* i = Find(interface);
  if (i == nullptr) return;
  for (InterfaceAddress& a : i->addresses) {
    if (a.vip.address != address || !a.tentative) continue;
    a.tentative = false;
    Notify(os::LinkEvent{
        .kind = os::LinkEvent::Kind::kAddressAdded, .ifindex = i->ifindex, .address = address});
  }
}

void FakeHost::RemoveAddress(std::string_view interface, const IpAddress& address) {
  Interface* i = Find(interface);
  if (i == nullptr) return;
  auto& list = i->addresses;
  auto it = std::find_if(list.begin(), list.end(),
                         [&](const InterfaceAddress& a) { return a.vip.address == address; });
  if (it == list.end()) return;
  list.erase(it);
  Notify(os::LinkEvent{
      .kind = os::LinkEvent::Kind::kAddressRemoved, .ifindex = i->ifindex, .address = address});
}

std::vector<InterfaceAddress> FakeHost::addresses(std::string_view interface) const {
  const Interface* i = Find(interface);
  return i != nullptr ? i->addresses : std::vector<InterfaceAddress>{};
}

bool FakeHost::Holds(const IpAddress& address) const {
  return std::any_of(interfaces_.begin(), interfaces_.end(), [&](const auto& i) {
    return std::any_of(i->addresses.begin(), i->addresses.end(),
                       [&](const InterfaceAddress& a) { return a.vip.address == address; });
  });
}

void FakeHost::FailAdd(const IpAddress& address, absl::Status status) {
  std::erase_if(add_failures_, [&](const auto& failure) { return failure.first == address; });
  if (!status.ok()) add_failures_.emplace_back(address, std::move(status));
}

int FakeHost::announced(const IpAddress& address) const {
  return static_cast<int>(
      std::count_if(announcements_.begin(), announcements_.end(),
                    [&](const Announcement& a) { return a.address == address; }));
}

void FakeHost::DropNotifications() {
  for (MonitorPart* monitor : monitors_) monitor->Lose();
}

FakeSocket* FakeHost::socket(std::string_view interface, Family family) const {
  for (FakeSocket* s : sockets_) {
    if (s->interface() == interface && s->family() == family) return s;
  }
  return nullptr;
}

void FakeHost::FailOpen(std::string_view interface, absl::Status status) {
  if (Interface* i = Find(interface)) i->open_status = std::move(status);
}

}  // namespace vrrp::testing
