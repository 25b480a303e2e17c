#include "vrrp/linux/driver.h"

#include <algorithm>
#include <array>
#include <utility>

#include "fmt/format.h"
#include "vrrp/ah.h"
#include "vrrp/linux/address_manager.h"
#include "vrrp/linux/advert_offload.h"
#include "vrrp/linux/link_monitor.h"

namespace vrrp::os {
namespace {

// How long one OnTimer may spend on deferred effects (addresses, announcements, events) before
// it returns to the loop, which takes packets first; it also stops as soon as a deadline is
// due. So a thousand takeovers at once delay an advertisement by at most one instance's effects.
constexpr absl::Duration kEffectsSlice = absl::Milliseconds(2);
// Between two slices the loop sleeps this long, so a burst of effects is never one stretch of CPU
// without blocking: under vrrp_rt_priority, RLIMIT_RTTIME counts exactly that, and a thousand
// takeovers' netlink round trips and announcements would exceed it (the kernel kills the
// process). It also leaves the CPU to others for a moment.
constexpr absl::Duration kEffectsPause = absl::Microseconds(50);
// A slice of effects also ends once this many events wait for an owner that drains them after
// each turn (Attach's after_turn), so that one turn's effects and their handling stay a short
// stretch of CPU together. An owner that polls at its own pace does not slow the effects.
constexpr size_t kEventsPerTurn = 32;
// The most leases one AddAll renews. The kernel notifies each renewal to the link monitor, whose
// queue (link_monitor.cc) holds twice this many; between two batches the Driver reads it.
constexpr size_t kRenewalsPerBatch = 512;
// A socket that wakes the loop twice within this many hold-offs is busy: it is then read on a
// timer (DriverOptions::receive_holdoff) instead of waking the loop per packet.
constexpr int kBusyWakeups = 10;

// Receive buffer per socket: room for every router on the link hearing from two peers at once,
// at the kernel's cost of a small packet (an skb of about 2 KiB), and never below 256 KiB.
constexpr int kReceiveBufferPerRouter = 4 * 1024;
constexpr int kReceiveBufferMin = 256 * 1024;

IpAddress GroupOf(const InstanceConfig& config) {
  return config.multicast_group.value_or(MulticastGroup(config.router.family));
}

bool Multicast(const InstanceConfig& config) { return config.unicast_peers.empty(); }

// auth_type AH travels as IP protocol 51 (vrrp/ah.h), on a socket of its own. (The
// InstanceConfig's auth_type: vrrp::Instance copies it into its router.)
bool UsesAh(const InstanceConfig& config) {
  return config.router.version == Version::kV2 && config.auth_type == AuthType::kAh;
}

// What an instance whose interface has no address yet holds as its primary address: the Router
// refuses an unspecified one (ValidateRouterConfig), and this one is never used. The instance
// waits in Fault, silent, until the interface has an address, which the driver then gives it
// (Instance::Reconfigure).
IpAddress StandInSource(Family family) {
  return family == Family::kIPv4 ? IpAddress::V4(127, 0, 0, 1) : *IpAddress::Parse("::1");
}

std::string_view SourceKind(Family family) {
  return family == Family::kIPv4 ? "IPv4 address" : "IPv6 link-local address";
}

// Two instances on one interface and family whose VRIDs are equal take the same packets unless
// both are unicast, check sources and have no peer in common (Endpoint::Add's rule): refuse that
// before anything opens.
absl::Status CheckRoutes(const std::vector<DriverInstance>& specs) {
  for (size_t i = 0; i < specs.size(); ++i) {
    const InstanceConfig& a = specs[i].config;
    for (size_t j = 0; j < i; ++j) {
      const InstanceConfig& b = specs[j].config;
      if (a.name == b.name) {
        return absl::InvalidArgumentError(fmt::format("{}: two instances of that name", a.name));
      }
      if (specs[i].interface != specs[j].interface || a.router.family != b.router.family ||
          a.router.vrid != b.router.vrid) {
        continue;
      }
      const bool disjoint =
          !a.unicast_peers.empty() && !b.unicast_peers.empty() &&
          a.peer_check == PeerCheck::kPeersOnly && b.peer_check == PeerCheck::kPeersOnly &&
          std::none_of(a.unicast_peers.begin(), a.unicast_peers.end(), [&](const IpAddress& p) {
            return std::find(b.unicast_peers.begin(), b.unicast_peers.end(), p) !=
                   b.unicast_peers.end();
          });
      if (!disjoint) {
        return absl::InvalidArgumentError(
            fmt::format("{}: virtual_router_id {} on {} ({}) is already used by {}{}", a.name,
                        a.router.vrid, specs[i].interface, FamilyName(a.router.family), b.name,
                        a.unicast_peers.empty() || b.unicast_peers.empty()
                            ? ""
                            : " (unicast instances may share a VRID only when both check "
                              "sources and have distinct peers)"));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

// One raw socket and its Endpoint per (interface, family), shared by the instances there. The
// instances send through the Link itself (a Transport), not the socket: the socket is closed
// while the interface does not exist (not yet at start, or deleted) and opened again when it
// appears, perhaps under a new index, while the instances keep their one reference.
struct Driver::Link final : public Transport {
  std::string interface;
  Family family;
  std::unique_ptr<VrrpSocket> transport;  // nullptr while the interface does not exist
  int fd = -1;      // transport->fd(), cached: no virtual call to find a socket by fd
  int ifindex = 0;  // transport->ifindex(); 0 while closed
  Endpoint endpoint;
  int users = 0;
  // What the instances asked of the socket, so that a reopened one gets it again: the groups
  // with their join counts, and the receive buffer.
  std::vector<std::pair<IpAddress, int>> groups;
  int receive_buffer = 0;
  bool watched = false;
  // Attached, when busy: not watched, read every receive_holdoff until a read finds nothing
  // (then watched again).
  bool polling = false;
  absl::Time last_wake = absl::InfinitePast();  // the last wake-up for this socket
  // VIP conflict detection: the claims seen on the interface, open with the socket while an
  // instance here wants them (claim_users). Claims are few (ARP, NA): watched, never polled.
  std::unique_ptr<ClaimSource> claims;
  int claims_fd = -1;
  bool claims_watched = false;
  int claim_users = 0;

  uint8_t protocol = kIpProtocolVrrp;  // or kIpProtocolAh: the auth_type AH instances' socket
  // The socket's filter of repeated advertisements (DriverOptions::advert_offload); nullptr
  // when off or unavailable. Goes with the socket.
  std::unique_ptr<AdvertOffload> offload;

  Link(std::string name, Family f, uint8_t p)
      : interface(std::move(name)), family(f), endpoint(f), protocol(p) {}

  absl::Status Send(absl::Span<const uint8_t> payload, const IpAddress& source,
                    const IpAddress& destination) override {
    // Not reached in practice: an instance on a closed link is in Fault and silent.
    if (transport == nullptr) return Missing();
    return transport->Send(payload, source, destination);
  }
  absl::StatusOr<std::optional<ReceivedPacket>> Receive(absl::Span<uint8_t> buffer) override {
    if (transport == nullptr) return std::optional<ReceivedPacket>();
    return transport->Receive(buffer);
  }
  absl::Status Missing() const {
    return absl::UnavailableError(fmt::format("interface {} does not exist", interface));
  }

  absl::Status Join(const IpAddress& group) {
    if (transport != nullptr) {
      if (absl::Status s = transport->JoinGroup(group); !s.ok()) return s;
    }
    auto it =
        std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == group; });
    if (it == groups.end()) {
      groups.emplace_back(group, 1);
    } else {
      ++it->second;
    }
    return absl::OkStatus();
  }
  void Leave(const IpAddress& group) {
    auto it =
        std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == group; });
    if (it == groups.end()) return;
    if (transport != nullptr) (void)transport->LeaveGroup(group);
    if (--it->second == 0) groups.erase(it);
  }
};

// One AF_PACKET announcer per (interface, MAC). Like a Link, an entry is what the instances
// hold: its announcer is closed while the interface does not exist and opened again (with the
// new interface's MAC) when it appears.
struct Driver::Announcers {
  struct Entry final : public Announcer {
    std::string interface;
    std::optional<MacAddress> mac;
    std::unique_ptr<Announcer> announcer;  // nullptr while the interface does not exist
    int ifindex = 0;                       // the interface's when `announcer` was opened
    int users = 0;

    absl::Status Announce(const IpAddress& address) override {
      if (announcer == nullptr) return Missing();
      return announcer->Announce(address);
    }
    absl::Status Probe(const IpAddress& address) override {
      if (announcer == nullptr) return Missing();
      return announcer->Probe(address);
    }
    absl::Status Missing() const {
      return absl::UnavailableError(fmt::format("interface {} does not exist", interface));
    }
  };
  std::vector<std::unique_ptr<Entry>> entries;
};

// What one instance runs on, and what the driver knows of its interface.
struct Driver::Slot {
  uint64_t key = 0;  // the instance's route on link->endpoint, its effects and paced announcements
  Link* link = nullptr;
  Announcer* announcer = nullptr;
  std::optional<IpAddress> group;  // joined on link->transport for this instance
  bool routed = false;
  bool effects_queued = false;  // in Driver::effects_
  bool link_up = true;
  // DriverInstance::track_link: false (keepalived's dont_track_primary) leaves link_up out of
  // the fault.
  bool track_link = true;
  bool source_present = true;
  // The source is the interface's first address (no unicast_src_ip / mcast_src_ip): learned
  // again when the interface gets one after having none (a boot before DHCP, a re-created link).
  bool source_from_interface = false;
  bool source_known = true;     // false: the instance holds StandInSource until it is learned
  bool external_fault = false;  // Driver::SetExternalFault
  bool claims = false;          // counted in link->claim_users
  // link->offload is armed for the instance's VRID, offload_vrid (Driver::FollowRepeats).
  bool offloaded = false;
  uint8_t offload_vrid = 0;

  // What the instance announces through: `announcer` behind the driver's pacer
  // (DriverOptions::announce_pacing). Probes are not paced: one per VIP, at most once an
  // interval, they are what conflict detection waits on.
  struct Paced final : public Announcer {
    Driver* driver = nullptr;
    Slot* slot = nullptr;
    absl::Status Announce(const IpAddress& address) override {
      return slot->announcer->Announce(address);
    }
    absl::Status AnnounceAt(absl::Time now, const IpAddress& address) override {
      return driver->Announce(now, *slot, address);
    }
    absl::Status Probe(const IpAddress& address) override {
      return slot->announcer->Probe(address);
    }
  } paced;
};

Driver::Driver(DriverOptions options)
    : options_(std::move(options)),
      announcers_(std::make_unique<Announcers>()),
      pacer_(options_.announce_pacing) {
  options_.parts = WithLinuxDefaults(std::move(options_.parts));
}

Driver::~Driver() {
  Detach();
  FlushEffects(MonotonicNow());  // no address change is left undone
  // Routes point into the instances: take them out before the instances go.
  for (auto& slot : slots_) Release(*slot);
}

absl::StatusOr<std::unique_ptr<Driver>> Driver::Create(DriverOptions options) {
  if (absl::Status s = CheckRoutes(options.instances); !s.ok()) return s;
  std::unique_ptr<Driver> driver(new Driver(std::move(options)));
  const DriverParts& parts = driver->options_.parts;
  auto manager = parts.open_address_manager();
  if (!manager.ok()) return manager.status();
  driver->address_manager_ = std::move(*manager);
  auto monitor = parts.open_link_monitor();
  if (!monitor.ok()) return monitor.status();
  driver->link_monitor_ = std::move(*monitor);
  // The Driver's AddAll calls are its lease renewals (RenewLeases): their notifications tell
  // nothing, the addresses being there already, and at 1,000 Masters they were 1,000 reads a
  // second. (A renewal that re-creates a VIP whose lease ran out, after a stall of a whole
  // lease, is not seen as an addition; a VIP is no learned source anyway: CanSendFrom.) The
  // Linux parts only: an embedder's own parts are left as they are.
  NetlinkAddressManager* netlink_manager = nullptr;
  for (AddressManager* m = driver->address_manager_.get(); m != nullptr && !netlink_manager;
       m = m->wrapped()) {
    netlink_manager = dynamic_cast<NetlinkAddressManager*>(m);
  }
  auto* linux_monitor = dynamic_cast<LinkMonitor*>(driver->link_monitor_.get());
  if (netlink_manager != nullptr && linux_monitor != nullptr) {
    if (absl::Status s = linux_monitor->IgnoreAddressesAddedBy(netlink_manager->batch_port_id());
        !s.ok()) {
      return s;
    }
  }
  driver->queries_ = parts.open_queries();
  if (driver->queries_ == nullptr) {
    return absl::InvalidArgumentError("DriverParts::open_queries gave no InterfaceQueries");
  }
  for (const DriverInstance& spec : driver->options_.instances) {
    std::unique_ptr<Slot> slot;
    std::unique_ptr<Instance> instance;
    const InstanceId id{driver->next_id_++};
    if (absl::Status s = driver->Open(spec, id, slot, instance); !s.ok()) return s;
    if (absl::Status s = driver->Route(*slot, *instance); !s.ok()) {
      driver->Release(*slot);
      return absl::Status(s.code(),
                          fmt::format("{}: {}", spec.config.name, std::string(s.message())));
    }
    driver->slots_.push_back(std::move(slot));
    driver->instances_.push_back(std::move(instance));
    driver->ids_.push_back(id);
  }
  driver->Reindex();
  return driver;
}

bool Driver::InterfaceMissing(const std::string& interface) {
  auto up = queries_->IsUp(interface);
  return !up.ok() && up.status().code() == absl::StatusCode::kNotFound;
}

bool Driver::InterfaceMissing(const absl::Status& failure, const std::string& interface) {
  // A permission error on a missing interface is still a permission error.
  return failure.code() == absl::StatusCode::kNotFound && InterfaceMissing(interface);
}

absl::StatusOr<Driver::Link*> Driver::AcquireLink(const std::string& interface, Family family,
                                                  uint8_t protocol) {
  for (auto& link : links_) {
    if (link->interface == interface && link->family == family && link->protocol == protocol) {
      ++link->users;
      return link.get();
    }
  }
  auto link = std::make_unique<Link>(interface, family, protocol);
  // Its receive buffer is sized by Driver::Open as instances join. An interface that does not
  // exist yet is waited for (keepalived's dynamic_interfaces): the link stays closed until it
  // appears; any other failure (CAP_NET_RAW) is the caller's error.
  if (absl::Status s = OpenSocket(*link); !s.ok() && !InterfaceMissing(s, interface)) return s;
  link->users = 1;
  links_.push_back(std::move(link));
  return links_.back().get();
}

absl::Status Driver::OpenSocket(Link& link) {
  auto opened = link.protocol == kIpProtocolAh
                    ? options_.parts.open_ah_socket(link.interface)
                    : options_.parts.open_socket(link.interface, link.family);
  if (!opened.ok()) return opened.status();
  std::unique_ptr<VrrpSocket> socket = std::move(*opened);
  if (link.receive_buffer > 0) (void)socket->SetReceiveBuffer(link.receive_buffer);
  for (const auto& [group, count] : link.groups) {
    for (int i = 0; i < count; ++i) {
      if (absl::Status s = socket->JoinGroup(group); !s.ok()) return s;
    }
  }
  CloseSocket(link);
  link.transport = std::move(socket);
  link.fd = link.transport->fd();
  link.ifindex = link.transport->ifindex();
  AttachOffload(link);
  if (link.claim_users > 0) {
    if (absl::Status s = OpenClaims(link); !s.ok()) return s;
  }
  if (loop_ != nullptr) return Watch(link);
  return absl::OkStatus();
}

absl::Status Driver::OpenClaims(Link& link) {
  if (link.claims != nullptr || link.transport == nullptr) return absl::OkStatus();
  auto opened = options_.parts.open_claim_source(link.interface, link.family);
  if (!opened.ok()) return opened.status();
  link.claims = std::move(*opened);
  link.claims_fd = link.claims->fd();
  if (loop_ != nullptr) return WatchClaims(link);
  return absl::OkStatus();
}

void Driver::CloseClaims(Link& link) {
  if (link.claims_watched && loop_ != nullptr) (void)loop_->Unwatch(link.claims_fd);
  link.claims_watched = false;
  link.claims.reset();
  link.claims_fd = -1;
}

void Driver::CloseSocket(Link& link) {
  if (link.watched && loop_ != nullptr) (void)loop_->Unwatch(link.fd);
  link.watched = false;
  link.polling = false;
  if (link.offload) {
    absorbed_closed_ += link.offload->absorbed_total();
    for (size_t i = 0; i < slots_.size(); ++i) {
      if (slots_[i]->link == &link) SetOffloaded(i, false);
    }
    link.offload.reset();
  }
  link.transport.reset();
  link.fd = -1;
  link.ifindex = 0;
  CloseClaims(link);
}

absl::StatusOr<Announcer*> Driver::AcquireAnnouncer(const std::string& interface,
                                                    const std::optional<MacAddress>& mac,
                                                    int ifindex) {
  for (auto& e : announcers_->entries) {
    if (e->interface == interface && e->mac == mac) {
      ++e->users;
      return e.get();
    }
  }
  auto entry = std::make_unique<Announcers::Entry>();
  entry->interface = interface;
  entry->mac = mac;
  entry->users = 1;
  auto announcer = options_.parts.open_announcer(interface, mac);
  if (announcer.ok()) {
    entry->announcer = std::move(*announcer);
    entry->ifindex = ifindex;
  } else if (!InterfaceMissing(announcer.status(), interface)) {
    return announcer.status();
  }
  announcers_->entries.push_back(std::move(entry));
  return announcers_->entries.back().get();
}

absl::Status Driver::Open(const DriverInstance& spec, InstanceId id, std::unique_ptr<Slot>& slot,
                          std::unique_ptr<Instance>& instance) {
  const std::string& name = spec.config.name;
  auto fail = [&](const absl::Status& s) {
    if (slot) Release(*slot);
    slot.reset();
    return absl::Status(s.code(), fmt::format("{}: {}", name, std::string(s.message())));
  };
  InstanceConfig config = spec.config;
  slot = std::make_unique<Slot>();
  slot->key = next_key_++;
  slot->paced.driver = this;
  slot->paced.slot = slot.get();
  slot->track_link = spec.track_link;
  const Family family = config.router.family;
  if (config.router.primary_address.IsUnspecified()) {
    if (spec.source) {
      config.router.primary_address = *spec.source;
    } else {
      slot->source_from_interface = true;
      auto candidates = queries_->SourceAddresses(spec.interface, family);
      if (!candidates.ok() && candidates.status().code() != absl::StatusCode::kNotFound) {
        return fail(candidates.status());
      }
      // Never one of its own VIPs (a killed run may have left them there), unless it owns them
      // (priority 255: they are the interface's own addresses, RFC 5798 §6.4.1).
      auto own = [&](const IpAddress& ip) {
        if (spec.config.router.priority == kPriorityOwner) return false;
        for (const auto* list : {&spec.config.addresses, &spec.config.excluded_addresses}) {
          for (const VirtualAddress& vip : *list) {
            if (vip.address == ip) return true;
          }
        }
        return false;
      };
      std::optional<IpAddress> first;
      if (candidates.ok()) {
        auto it = std::find_if_not(candidates->begin(), candidates->end(), own);
        if (it != candidates->end()) first = *it;
      }
      if (first) {
        config.router.primary_address = *first;
      } else {
        // No address yet (DHCP has not answered, IPv6 is not up) or no interface yet: the
        // instance waits in Fault for one, as keepalived does ("no IPv4 address for
        // interface"), instead of refusing to start.
        config.router.primary_address = StandInSource(family);
        slot->source_known = false;
        slot->source_present = false;
      }
    }
  }
  auto link = AcquireLink(spec.interface, family, UsesAh(config) ? kIpProtocolAh : kIpProtocolVrrp);
  if (!link.ok()) return fail(link.status());
  slot->link = *link;
  // A configured source cannot be on an interface that is not there yet: looked for when it is.
  if (slot->link->transport == nullptr) slot->source_present = false;
  const int wanted = std::max(kReceiveBufferMin, slot->link->users * kReceiveBufferPerRouter);
  if (wanted > slot->link->receive_buffer) {
    slot->link->receive_buffer = wanted;
    // Not fatal: a smaller buffer only loses packets in the worst burst, and the kernel caps it.
    if (slot->link->transport) (void)slot->link->transport->SetReceiveBuffer(wanted);
  }
  if (Multicast(config)) {
    const IpAddress group = GroupOf(config);
    if (absl::Status s = slot->link->Join(group); !s.ok()) return fail(s);
    slot->group = group;
  }
  auto announcer = AcquireAnnouncer(spec.interface, spec.announce_mac, slot->link->ifindex);
  if (!announcer.ok()) return fail(announcer.status());
  slot->announcer = *announcer;
  if (config.vip_conflict.mode != VipConflictMode::kOff) {
    slot->claims = true;
    ++slot->link->claim_users;
    if (absl::Status s = OpenClaims(*slot->link); !s.ok()) return fail(s);
  }

  auto created = Instance::Create(std::move(config), *slot->link, *address_manager_, slot->paced,
                                  id, &events_);
  if (!created.ok()) {
    Release(*slot);  // the status names the instance already
    slot.reset();
    return created.status();
  }
  instance = std::move(*created);
  instance->set_defer_effects(true);
  return absl::OkStatus();
}

absl::Status Driver::Route(Slot& slot, Instance& instance) {
  absl::Status s = slot.link->endpoint.Add(
      slot.key, instance.router(), instance.config().unicast_peers, instance.config().peer_check);
  slot.routed = s.ok();
  return s;
}

void Driver::Release(Slot& slot) {
  // Its VRID may be taken by the next instance on the link: that one starts from nothing.
  if (slot.offloaded && slot.link != nullptr && slot.link->offload) {
    slot.link->offload->Disarm(slot.offload_vrid);
  }
  slot.offloaded = false;
  // Its deadline (by index) goes with the next Reindex, which every release is followed by.
  pacer_.Withdraw(slot.key);
  Link* link = slot.link;
  if (link != nullptr) {
    if (slot.routed) link->endpoint.Remove(slot.key);
    if (slot.group) link->Leave(*slot.group);
    if (slot.claims && --link->claim_users == 0) CloseClaims(*link);
    if (--link->users == 0) {
      CloseSocket(*link);
      links_.erase(std::find_if(links_.begin(), links_.end(),
                                [&](const auto& l) { return l.get() == link; }));
    }
  }
  if (slot.announcer != nullptr) {
    auto& entries = announcers_->entries;
    auto it = std::find_if(entries.begin(), entries.end(),
                           [&](const auto& e) { return e.get() == slot.announcer; });
    if (it != entries.end() && --(*it)->users == 0) entries.erase(it);
  }
  slot.link = nullptr;
  slot.announcer = nullptr;
  slot.group.reset();
  slot.routed = false;
  slot.claims = false;
}

bool DriverInstance::SameTransport(const DriverInstance& other) const {
  return interface == other.interface && config.router.family == other.config.router.family &&
         config.router.vrid == other.config.router.vrid && source == other.source &&
         config.multicast_group == other.config.multicast_group &&
         config.unicast_peers == other.config.unicast_peers &&
         config.peer_check == other.config.peer_check && announce_mac == other.announce_mac &&
         UsesAh(config) == UsesAh(other.config);
}

std::optional<size_t> Driver::IndexOf(std::string_view name) const {
  // A map, not a scan: the policy looks every instance up by name on each pass (issue 10's
  // 1,000 instances).
  auto it = index_by_name_.find(absl::string_view(name.data(), name.size()));
  if (it == index_by_name_.end()) return std::nullopt;
  return it->second;
}

std::optional<size_t> Driver::IndexOf(InstanceId id) const {
  auto it = index_by_id_.find(id);
  if (it == index_by_id_.end()) return std::nullopt;
  return it->second;
}

std::vector<InstanceId> Driver::ids() const { return ids_; }

std::optional<InstanceId> Driver::Find(std::string_view name) const {
  std::optional<size_t> i = IndexOf(name);
  if (!i) return std::nullopt;
  return ids_[*i];
}

const Instance* Driver::instance(InstanceId id) const {
  std::optional<size_t> i = IndexOf(id);
  return i ? instances_[*i].get() : nullptr;
}

const Router* Driver::router(InstanceId id) const {
  const Instance* found = instance(id);
  return found != nullptr ? &found->router() : nullptr;
}

const DriverInstance* Driver::spec(InstanceId id) const {
  std::optional<size_t> i = IndexOf(id);
  return i ? &options_.instances[*i] : nullptr;
}

void Driver::Reindex() {
  index_of_.clear();
  index_by_id_.clear();
  index_by_name_.clear();
  for (size_t i = 0; i < ids_.size(); ++i) {
    index_by_id_[ids_[i]] = i;
    index_by_name_[instances_[i]->name()] = i;
  }
  on_ifindex_.clear();
  with_source_.clear();
  learners_.clear();
  sources_missing_ = 0;
  vips_.clear();
  for (const DriverInstance& spec : options_.instances) {
    // An owner's addresses are the interface's own (RFC 5798 §6.4.1): fine to send from.
    if (spec.config.router.priority == kPriorityOwner) continue;
    for (const VirtualAddress& vip : spec.config.addresses) vips_.insert(vip.address);
    for (const VirtualAddress& vip : spec.config.excluded_addresses) vips_.insert(vip.address);
  }
  for (size_t i = 0; i < slots_.size(); ++i) {
    const Slot& slot = *slots_[i];
    index_of_[slot.key] = i;
    if (slot.source_from_interface && !slot.source_present) ++sources_missing_;
    const int ifindex = slot.link->ifindex;
    if (ifindex == 0) continue;  // no interface yet: its link event names it (OnInterfaceAppeared)
    on_ifindex_[ifindex].push_back(i);
    if (slot.source_known) {
      with_source_[{ifindex, instances_[i]->config().router.primary_address}].push_back(i);
    }
    if (slot.source_from_interface) learners_[ifindex].push_back(i);
  }
  // The deadlines and the timer path's copy of the offload flags are by index, which a reload
  // changes.
  offloaded_.assign(slots_.size(), 0);
  for (size_t i = 0; i < slots_.size(); ++i) offloaded_[i] = slots_[i]->offloaded ? 1 : 0;
  deadlines_.Clear();
  for (size_t i = 0; i < instances_.size(); ++i) deadlines_.Set(i, instances_[i]->NextDeadline());
}

void Driver::SetSourcePresent(Slot& slot, bool present) {
  if (slot.source_present == present) return;
  slot.source_present = present;
  if (!slot.source_from_interface) return;
  if (present) {
    --sources_missing_;
  } else {
    ++sources_missing_;
  }
}

std::optional<IpAddress> Driver::InterfaceSource(const std::string& interface, Family family) {
  auto candidates = queries_->SourceAddresses(interface, family);
  if (!candidates.ok()) return std::nullopt;
  // Never a virtual address of ours: a Master elsewhere on the interface holds its VIPs there,
  // and a VIP added by hand is no source either (keepalived stays in FAULT then too).
  for (const IpAddress& ip : *candidates) {
    if (CanSendFrom(ip)) return ip;
  }
  return std::nullopt;
}

bool Driver::CanSendFrom(const IpAddress& ip) const {
  return (ip.is_v4() || ip.IsLinkLocal()) && !vips_.contains(ip);
}

bool Driver::LearnSource(absl::Time now, size_t index) {
  Slot& slot = *slots_[index];
  const DriverInstance& spec = options_.instances[index];
  std::optional<IpAddress> primary = InterfaceSource(spec.interface, spec.config.router.family);
  if (!primary) return false;  // still none (an IPv6 global address is not link-local)
  bool moved = false;
  if (instances_[index]->config().router.primary_address != *primary) {
    InstanceConfig config = spec.config;
    config.router.primary_address = *primary;
    // Only the source differs from the running configuration, which was valid: it cannot fail.
    // In Fault it changes nothing else (Router::Reconfigure keeps the state).
    (void)instances_[index]->Reconfigure(now, std::move(config));
    moved = true;
  }
  slot.source_known = true;
  SetSourcePresent(slot, true);
  return moved;
}

bool Driver::FindSource(absl::Time now, size_t index) {
  Slot& slot = *slots_[index];
  if (slot.source_from_interface) return LearnSource(now, index);
  // unicast_src_ip / mcast_src_ip on an interface that was not there: present once it is on it
  // (an IPv6 source that is not link-local is not among the candidates: taken as present).
  const IpAddress& source = instances_[index]->config().router.primary_address;
  auto candidates = queries_->SourceAddresses(options_.instances[index].interface, source.family());
  SetSourcePresent(
      slot, !candidates.ok() || (source.is_v6() && !source.IsLinkLocal()) ||
                std::find(candidates->begin(), candidates->end(), source) != candidates->end());
  return false;
}

void Driver::ReportWaiting(absl::Time now, size_t index, std::string_view what) {
  const Slot& slot = *slots_[index];
  const DriverInstance& spec = options_.instances[index];
  std::string message;
  if (slot.link->transport == nullptr) {
    message = fmt::format("interface {} {}: in FAULT until it appears", spec.interface, what);
  } else if (!slot.source_present) {
    message = fmt::format(
        "interface {} has no {} yet: in FAULT until it has one", spec.interface,
        slot.source_from_interface
            ? std::string(SourceKind(spec.config.router.family))
            : fmt::format("address {}", instances_[index]->config().router.primary_address));
  } else {
    return;
  }
  InstanceEvent e;
  e.kind = InstanceEvent::Kind::kInterfaceWaiting;
  e.id = ids_[index];
  e.instance = instances_[index]->name();
  e.time = now;
  e.status = absl::UnavailableError(message);
  events_.Push(std::move(e));
}

absl::Status Driver::Update(absl::Time now, std::vector<DriverInstance> specs) {
  FlushEffects(now);  // the effects waiting were decided under the running configuration
  // 1. Check everything and open what is new, touching nothing that runs.
  if (absl::Status s = CheckRoutes(specs); !s.ok()) return s;
  std::vector<std::optional<size_t>> kept(specs.size());
  std::vector<InstanceId> new_ids(specs.size());
  std::vector<std::unique_ptr<Slot>> new_slots(specs.size());
  std::vector<std::unique_ptr<Instance>> new_instances(specs.size());
  auto undo = [&] {
    for (auto& slot : new_slots) {
      if (slot) Release(*slot);
    }
  };
  for (size_t i = 0; i < specs.size(); ++i) {
    std::optional<size_t> old = IndexOf(specs[i].config.name);
    // The name is the instance: it keeps its id, even when its transport changed and it is
    // opened afresh.
    new_ids[i] = old ? ids_[*old] : InstanceId{next_id_++};
    if (old && options_.instances[*old].SameTransport(specs[i])) {
      InstanceConfig config = specs[i].config;
      if (config.router.primary_address.IsUnspecified()) {
        config.router.primary_address = instances_[*old]->config().router.primary_address;
      }
      if (absl::Status s = ValidateInstanceConfig(config); !s.ok()) {
        undo();
        return s;
      }
      kept[i] = old;
      continue;
    }
    if (absl::Status s = Open(specs[i], new_ids[i], new_slots[i], new_instances[i]); !s.ok()) {
      undo();
      return s;
    }
  }

  // 2. Stop the instances that are not kept (gone, or moved elsewhere) and give back their
  // routes and sockets; the new ones' routes are free from here on (CheckRoutes above).
  std::vector<bool> keep(instances_.size(), false);
  for (const auto& k : kept) {
    if (k) keep[*k] = true;
  }
  for (size_t i = 0; i < instances_.size(); ++i) {
    if (keep[i]) continue;
    instances_[i]->Shutdown(now);
    Release(*slots_[i]);
  }
  for (size_t i = 0; i < specs.size(); ++i) {
    // Cannot fail: CheckRoutes found no overlap and the leavers' routes are gone.
    if (new_slots[i]) (void)Route(*new_slots[i], *new_instances[i]);
  }

  // 3. The new order. Events are queued, never called back, so nothing can look at the
  // instances while they move.
  std::vector<std::unique_ptr<Slot>> slots;
  std::vector<std::unique_ptr<Instance>> instances;
  for (size_t i = 0; i < specs.size(); ++i) {
    slots.push_back(kept[i] ? std::move(slots_[*kept[i]]) : std::move(new_slots[i]));
    instances.push_back(kept[i] ? std::move(instances_[*kept[i]]) : std::move(new_instances[i]));
  }
  slots_ = std::move(slots);
  instances_ = std::move(instances);
  ids_ = std::move(new_ids);
  options_.instances = std::move(specs);
  Reindex();

  // 4. Reconfigure the kept ones, start the new ones.
  for (size_t i = 0; i < instances_.size(); ++i) {
    const DriverInstance& spec = options_.instances[i];
    if (kept[i]) {
      InstanceConfig config = spec.config;
      if (config.router.primary_address.IsUnspecified()) {
        config.router.primary_address = instances_[i]->config().router.primary_address;
      }
      // Validated above; Router::Reconfigure refuses nothing ValidateInstanceConfig accepts.
      (void)instances_[i]->Reconfigure(now, std::move(config));
      slots_[i]->track_link = spec.track_link;  // a reload may add or drop dont_track_primary
      UpdateFault(now, i);
      Touch(i);
      continue;
    }
    auto up = queries_->IsUp(spec.interface);
    slots_[i]->link_up = up.ok() && *up;
    if (loop_ != nullptr) {
      if (absl::Status s = Watch(*slots_[i]->link); !s.ok() && options_.on_error) {
        options_.on_error(s);
      }
    }
    ReportWaiting(now, i, "does not exist yet");
    UpdateFault(now, i);
    instances_[i]->Start(now);
    Touch(i);
  }
  Reschedule();
  return absl::OkStatus();
}

void Driver::SetExternalFault(absl::Time now, InstanceId id, bool fault) {
  std::optional<size_t> i = IndexOf(id);
  // The policy sets every instance's fault on each pass: nothing to do when it is unchanged.
  if (!i || slots_[*i]->external_fault == fault) return;
  slots_[*i]->external_fault = fault;
  UpdateFault(now, *i);
  Touch(*i);
  Reschedule();
}

void Driver::SetSyncHold(absl::Time now, InstanceId id, bool hold) {
  std::optional<size_t> i = IndexOf(id);
  if (!i) return;
  instances_[*i]->SetSyncHold(now, hold);
  Touch(*i);
  Reschedule();
}

void Driver::SyncStepDown(absl::Time now, InstanceId id) {
  std::optional<size_t> i = IndexOf(id);
  if (!i) return;
  instances_[*i]->SyncStepDown(now);
  Touch(*i);
  Reschedule();
}

bool Driver::InterfaceFault(InstanceId id) const {
  std::optional<size_t> i = IndexOf(id);
  return i && SlotFault(*slots_[*i]);
}

bool Driver::SlotFault(const Slot& slot) {
  // A link down is ignored without track_link; a missing interface or source address is not:
  // nothing can be sent (keepalived.conf(5): dont_track_primary still faults when the addresses
  // go, as IPv6's do when the interface is set down).
  return (slot.track_link && !slot.link_up) || !slot.source_present ||
         slot.link->transport == nullptr;
}

void Driver::SetPriorityDelta(absl::Time now, InstanceId id, int delta) {
  std::optional<size_t> i = IndexOf(id);
  if (!i) return;
  instances_[*i]->SetPriorityDelta(now, delta);
  Touch(*i);
  Reschedule();
}

absl::Status Driver::Start(absl::Time now) {
  if (options_.remove_leftover_addresses) {
    for (size_t i = 0; i < instances_.size(); ++i) {
      const Instance* instance = instances_[i].get();
      // The owner's addresses are the interface's own: they stay (RFC 5798 §6.4.1).
      if (instance->router().is_owner()) continue;
      std::vector<VirtualAddress> vips = instance->config().addresses;
      vips.insert(vips.end(), instance->config().excluded_addresses.begin(),
                  instance->config().excluded_addresses.end());
      for (const VirtualAddress& vip : vips) {
        // Nothing can be left on an interface that does not exist (yet).
        if (InterfaceMissing(vip.interface)) continue;
        auto removed =
            RemoveLeftoverAddresses(*address_manager_, vip.interface, absl::MakeConstSpan(&vip, 1));
        if (!removed.ok()) {
          return absl::Status(removed.status().code(),
                              fmt::format("{}: removing leftover addresses: {}", instance->name(),
                                          std::string(removed.status().message())));
        }
        for (const InterfaceAddress& gone : *removed) {
          InstanceEvent e;
          e.kind = InstanceEvent::Kind::kAddressRemoved;
          e.id = ids_[i];
          e.instance = instance->name();
          e.time = now;
          e.address = gone.vip;
          events_.Push(std::move(e));
        }
      }
    }
  }
  for (size_t i = 0; i < instances_.size(); ++i) {
    auto up = queries_->IsUp(options_.instances[i].interface);
    slots_[i]->link_up = up.ok() && *up;
    // Before the transition to Fault, so that the log says why first.
    ReportWaiting(now, i, "does not exist yet");
    UpdateFault(now, i);
    instances_[i]->Start(now);
  }
  TouchAll();
  Reschedule();
  return absl::OkStatus();
}

void Driver::Shutdown(absl::Time now) {
  // Shutdown flushes each instance's waiting effects before its own: every VIP is gone after.
  for (auto& instance : instances_) instance->Shutdown(now);
  FlushEffects(now);
  TouchAll();
  Reschedule();
}

std::vector<int> Driver::fds() const {
  std::vector<int> fds;
  fds.push_back(link_monitor_->fd());
  for (const auto& link : links_) {
    if (link->transport != nullptr) fds.push_back(link->fd);
    if (link->claims != nullptr) fds.push_back(link->claims_fd);
  }
  return fds;
}

DriverStats Driver::stats() const {
  DriverStats s;
  s.sockets = std::count_if(links_.begin(), links_.end(),
                            [](const auto& link) { return link->transport != nullptr; });
  s.receive_errors = receive_errors_;
  s.absorbed = absorbed_closed_;
  for (const auto& link : links_) {
    if (link->offload) s.absorbed += link->offload->absorbed_total();
    const EndpointStats& e = link->endpoint.stats();
    s.received += e.received;
    s.other_vrid += e.drops[DropReason::kVrid];
    s.other_peer += e.drops[DropReason::kPeer];
    s.too_short += e.drops[DropReason::kTooShort];
  }
  return s;
}

void Driver::ReadLinkEvents(absl::Time now) {
  absl::Status s = link_monitor_->Process([&](const LinkEvent& e) { OnLinkEvent(now, e); });
  if (!s.ok()) {
    // Notifications were lost: read the interfaces afresh rather than trust what we had. One
    // that appeared, disappeared or was re-created (another index) in the meantime first.
    std::vector<std::pair<std::string, int>> changed;
    for (const auto& link : links_) {
      auto index = queries_->Index(link->interface);
      const int now_index = index.ok() ? *index : 0;
      if (now_index != link->ifindex) changed.emplace_back(link->interface, now_index);
    }
    for (const auto& [name, index] : changed) {
      if (index == 0) {
        OnInterfaceGone(now, name);
      } else {
        OnInterfaceAppeared(now, name, index);
      }
    }
    for (size_t i = 0; i < slots_.size(); ++i) {
      auto up = queries_->IsUp(options_.instances[i].interface);
      slots_[i]->link_up = up.ok() && *up;
      if (slots_[i]->source_from_interface && !slots_[i]->source_present &&
          slots_[i]->link->transport != nullptr && LearnSource(now, i)) {
        Reindex();
      }
      UpdateFault(now, i);
      Touch(i);
    }
    if (options_.on_error) options_.on_error(s);
  }
}

void Driver::OnReadable(absl::Time now, int fd) {
  if (fd == link_monitor_->fd()) {
    ReadLinkEvents(now);
    Reschedule();
    return;
  }
  for (auto& link : links_) {
    if (link->fd == fd) {
      OnPackets(now, *link);
      break;
    }
    if (link->claims != nullptr && link->claims_fd == fd) {
      OnClaims(now, *link);
      break;
    }
  }
  Reschedule();
}

void Driver::OnClaims(absl::Time now, Link& link) {
  if (link.claims == nullptr) return;
  const std::vector<AddressClaim> claims = link.claims->Read();
  if (claims.empty()) return;
  auto it = on_ifindex_.find(link.ifindex);
  if (it == on_ifindex_.end()) return;
  // Each instance of this (interface, family) sees every claim: a few hundred instances times
  // the segment's ARP rate, each a comparison against its few addresses.
  for (size_t i : it->second) {
    if (slots_[i]->link != &link || !slots_[i]->claims) continue;
    for (const AddressClaim& claim : claims) instances_[i]->OnAddressClaim(now, claim);
    Touch(i);
    QueueEffects(i);
  }
}

size_t Driver::OnPackets(absl::Time now, Link& link) {
  if (link.transport == nullptr) return 0;
  receive_arena_.resize(VrrpSocket::kMaxReceiveBatch * kReceiveBufferSize);
  size_t count = 0;
  for (;;) {
    received_.clear();
    auto read =
        link.transport->ReceiveMany(absl::MakeSpan(receive_arena_), kReceiveBufferSize, received_);
    if (!read.ok()) {
      ++receive_errors_;
      if (options_.on_error) options_.on_error(read.status());
      return count;
    }
    count += *read;
    for (const ReceivedPacket& p : received_) {
      // The one packet path: the endpoint checks it, routes it by VRID and hands it to the
      // router; the instance then carries out what the router decided.
      const Delivery delivery = link.endpoint.OnPacket(now, p.payload, p.info);
      if (!delivery.key) continue;  // counted on the endpoint (stats())
      const size_t index = index_of_.at(*delivery.key);
      instances_[index]->OnDelivery(now, delivery, p.info.source);
      if (link.offload) {
        // Taken as the master's: the router took this very packet (a refusal before it, in the
        // endpoint, has a reason and leaves the router's flag as the last packet left it).
        const bool taken = delivery.reason == DropReason::kNone &&
                           instances_[index]->router().last_advertisement_taken();
        FollowRepeats(now, link, index, p, taken);
      }
      Touch(index);
      QueueEffects(index);
    }
    if (*read < VrrpSocket::kMaxReceiveBatch) return count;  // drained
  }
}

void Driver::OnLinkEvent(absl::Time now, const LinkEvent& event) {
  // Only the instances the event concerns: a takeover of 1,000 VIPs brings 1,000 address
  // notifications, none of them about an instance's source.
  auto apply = [&](const std::vector<size_t>& indices, auto&& change) {
    for (size_t i : indices) {
      change(*slots_[i]);
      UpdateFault(now, i);
      Touch(i);
    }
  };
  switch (event.kind) {
    case LinkEvent::Kind::kLink:
      // An interface we wait for appeared, or one we use was re-created (a new index).
      if (!event.interface.empty()) OnInterfaceAppeared(now, event.interface, event.ifindex);
      if (auto it = on_ifindex_.find(event.ifindex); it != on_ifindex_.end()) {
        apply(it->second, [&](Slot& slot) { slot.link_up = event.up; });
      }
      break;
    case LinkEvent::Kind::kLinkRemoved:
      for (const auto& link : links_) {
        if (link->ifindex == event.ifindex) {
          OnInterfaceGone(now, std::string(link->interface));
          break;
        }
      }
      break;
    case LinkEvent::Kind::kAddressAdded:
    case LinkEvent::Kind::kAddressRemoved:
      if (!event.address) break;
      if (auto it = with_source_.find(std::make_pair(event.ifindex, *event.address));
          it != with_source_.end()) {
        // A tentative address is no source yet: the kernel refuses to send from it.
        const bool present = event.kind == LinkEvent::Kind::kAddressAdded && !event.tentative;
        apply(it->second, [&](Slot& slot) { SetSourcePresent(slot, present); });
      }
      // An address for the instances that take theirs from the interface and have none (a
      // boot before DHCP, an address replaced): checked only while one waits, so that a
      // takeover's VIP notifications cost nothing here.
      if (event.kind == LinkEvent::Kind::kAddressAdded && !event.tentative &&
          sources_missing_ > 0 && CanSendFrom(*event.address)) {
        if (auto it = learners_.find(event.ifindex); it != learners_.end()) {
          bool moved = false;
          for (size_t i : it->second) {
            if (slots_[i]->source_present ||
                instances_[i]->config().router.family != event.address->family()) {
              continue;
            }
            moved |= LearnSource(now, i);
            UpdateFault(now, i);
            Touch(i);
          }
          if (moved) Reindex();  // with_source_ follows the new sources
        }
      }
      break;
  }
}

void Driver::OnInterfaceAppeared(absl::Time now, const std::string& name, int ifindex) {
  // Re-created without our seeing it go (lost notifications): the old one went with our VIPs
  // on it. Take the instances through Fault, as if we had seen it, so that a Master adds them
  // again on the new one.
  if (std::any_of(links_.begin(), links_.end(), [&](const auto& link) {
        return link->interface == name && link->transport != nullptr && link->ifindex != ifindex;
      })) {
    OnInterfaceGone(now, name);
  }
  bool opened = false;
  for (auto& link : links_) {
    if (link->interface != name || link->ifindex == ifindex) continue;
    // A socket bound to a deleted device never hears from the new one: open another.
    if (absl::Status s = OpenSocket(*link); !s.ok()) {
      if (options_.on_error) options_.on_error(s);
      continue;
    }
    opened = true;
  }
  for (auto& e : announcers_->entries) {
    if (e->interface != name || e->ifindex == ifindex) continue;
    auto announcer = options_.parts.open_announcer(name, e->mac);  // the new interface's MAC
    if (!announcer.ok()) {
      if (options_.on_error) options_.on_error(announcer.status());
      continue;
    }
    e->announcer = std::move(*announcer);
    e->ifindex = ifindex;
  }
  if (!opened) return;
  Reindex();
  auto it = on_ifindex_.find(ifindex);
  if (it == on_ifindex_.end()) return;
  auto up = queries_->IsUp(name);
  bool moved = false;
  for (size_t i : it->second) {
    slots_[i]->link_up = up.ok() && *up;
    moved |= FindSource(now, i);
    ReportWaiting(now, i, "does not exist");  // still without an address: says so
    UpdateFault(now, i);
    Touch(i);
  }
  if (moved) Reindex();
}

void Driver::OnInterfaceGone(absl::Time now, const std::string& name) {
  // The instances first (a Master resigns and removes its VIPs, as for a link down), then the
  // sockets and announcers: bound to a device that is gone, they would never carry anything
  // for one re-created under the name. Its addresses went with it.
  std::vector<size_t> gone;
  for (size_t i = 0; i < slots_.size(); ++i) {
    Slot& slot = *slots_[i];
    if (slot.link->interface != name || slot.link->transport == nullptr) continue;
    slot.link_up = false;
    SetSourcePresent(slot, false);
    UpdateFault(now, i);
    Touch(i);
    gone.push_back(i);
  }
  for (auto& link : links_) {
    if (link->interface == name) CloseSocket(*link);
  }
  for (auto& e : announcers_->entries) {
    if (e->interface != name) continue;
    e->announcer.reset();
    e->ifindex = 0;
  }
  Reindex();
  for (size_t i : gone) ReportWaiting(now, i, "is gone");
}

void Driver::UpdateFault(absl::Time now, size_t index) {
  const Slot& slot = *slots_[index];
  const bool fault = SlotFault(slot) || slot.external_fault;
  // Compared with what was asked, not with the router: the instance ORs in its own address
  // fault, which must neither hide a new link fault nor be cleared by this one.
  if (fault != instances_[index]->fault_requested()) instances_[index]->SetFault(now, fault);
}

void Driver::QueueEffects(size_t index) {
  // The instance first: most ticks leave nothing deferred, and the Slot is then not read.
  if (!instances_[index]->has_deferred()) return;
  Slot& slot = *slots_[index];
  if (slot.effects_queued) return;
  slot.effects_queued = true;
  effects_.push_back(slot.key);
}

void Driver::RunEffects(absl::Time now, size_t limit, bool yield_to_deadlines) {
  const absl::Time slice_end = MonotonicNow() + kEffectsSlice;
  for (size_t done = 0; done < limit && !effects_.empty(); ++done) {
    if (yield_to_deadlines && done > 0) {
      // A due advertisement (or a socket to read) goes before the next instance's effects; so
      // does the owner's drain once a turn's worth of events waits (the owner logs and notifies
      // them after the turn: under vrrp_rt_priority that work counts towards RLIMIT_RTTIME too).
      const absl::Time clock = MonotonicNow();
      if (clock >= slice_end || clock >= std::min(deadlines_.Next(), poll_deadline_) ||
          (after_turn_ && events_.size() >= kEventsPerTurn)) {
        effects_resume_ = clock + kEffectsPause;
        return;
      }
    }
    const uint64_t key = effects_.front();
    effects_.pop_front();
    auto it = index_of_.find(key);
    if (it == index_of_.end()) continue;  // left in a reload, which flushed it
    slots_[it->second]->effects_queued = false;
    instances_[it->second]->FlushDeferred(now);
    Touch(it->second);
  }
}

void Driver::RenewLeases(absl::Time now) {
  size_t next = 0;  // in due_
  while (next < due_.size()) {
    renewals_.clear();
    renewing_.clear();
    for (; next < due_.size() && renewals_.size() < kRenewalsPerBatch; ++next) {
      const size_t index = due_[next];
      if (size_t n = instances_[index]->TakeRenewals(now, renewals_); n > 0) {
        renewing_.push_back({index, n});
      }
    }
    if (renewals_.empty()) return;
    // One batch for the tick (per kRenewalsPerBatch addresses): at 1,000 Masters renewing once a
    // second, an Add each was a SIOCGIFINDEX, a send and a receive per address (and the kernel's
    // lifetime work preempting every send); the batch is one send per 64 KiB and an interface
    // lookup per interface.
    const std::vector<absl::Status> statuses = address_manager_->AddAll(renewals_);
    absl::Span<const absl::Status> rest = statuses;
    for (const auto& [index, count] : renewing_) {
      // A manager that answered fewer than it was asked leaves the rest without an outcome: the
      // instance counts them as failed renewals.
      const absl::Span<const absl::Status> mine = rest.subspan(0, count);
      rest.remove_prefix(mine.size());
      instances_[index]->OnRenewed(now, mine);
      Touch(index);
    }
    // The kernel notifies each renewal to every address listener. The Linux link monitor drops
    // them (IgnoreAddressesAddedBy, set in Create); an embedder's may not: read it before the
    // next batch adds more, so that its queue never overruns. The instances not taken yet may
    // be called meanwhile.
    if (next < due_.size()) ReadLinkEvents(now);
  }
}

void Driver::FlushEffects(absl::Time now) {
  RunEffects(now, effects_.size(), /*yield_to_deadlines=*/false);
  // Anything not queued (a key a reload renumbered) still goes.
  for (size_t i = 0; i < instances_.size(); ++i) {
    slots_[i]->effects_queued = false;
    instances_[i]->FlushDeferred(now);
  }
  effects_.clear();
}

void Driver::Touch(size_t index) {
  // Repeats are absorbed only while the router would take them as they were (a priority raised
  // above the master's with preemption, a transition, a distrusted master end that).
  if (offloaded_[index] != 0 && !instances_[index]->router().WouldAcceptRepeat()) {
    StopRepeats(index);
  }
  deadlines_.Set(index, instances_[index]->NextDeadline());
  // After every call into an instance: one that is no longer MASTER (stepped down, resigned,
  // in Fault, shut down) must not announce the addresses it gave up, as keepalived drops its
  // queued gratuitous ARPs then; the Instance drops its own deferred ones the same way.
  if (pacer_.queued() > 0 && instances_[index]->router().state() != RouterState::kMaster) {
    pacer_.Withdraw(slots_[index]->key);
  }
}

absl::Status Driver::Announce(absl::Time now, Slot& slot, const IpAddress& address) {
  auto* entry = static_cast<Announcers::Entry*>(slot.announcer);
  // Deferred effects run in slices after their turn (RunEffects), milliseconds after `now` when
  // address changes went before: the pacer counts the interval from when the frame really
  // leaves, or the next one would follow it by less than the interval on the wire (measured:
  // 194 ms at 200). Virtual time in tests is ahead of the clock, and stays as it is.
  const absl::Time sent = std::max(now, MonotonicNow());
  if (!pacer_.Submit(sent, entry->interface, slot.key, address)) return absl::OkStatus();
  return entry->Announce(address);
}

void Driver::SendPaced(absl::Time now) {
  if (pacer_.queued() == 0) return;
  for (const PacedAnnouncement& a : pacer_.PopDue(now, paced_due_)) {
    auto it = index_of_.find(a.owner);
    if (it == index_of_.end()) continue;  // withdrawn on release; kept for safety
    absl::Status s = slots_[it->second]->announcer->Announce(a.address);
    if (!s.ok() && options_.on_error) options_.on_error(s);
  }
}

void Driver::SetAnnouncePacing(AnnouncePacing pacing) {
  options_.announce_pacing = pacing;
  pacer_.Configure(std::move(pacing));
  Reschedule();
}

void Driver::AttachOffload(Link& link) {
  if (!options_.advert_offload || link.protocol != kIpProtocolVrrp) return;
  auto offload = AdvertOffload::Attach(link.fd, link.family);
  if (!offload.ok()) {
    advert_offload_status_ = offload.status();
    return;
  }
  advert_offload_status_ = absl::OkStatus();
  link.offload = std::move(*offload);
}

void Driver::FollowRepeats(absl::Time now, Link& link, size_t index, const ReceivedPacket& p,
                           bool taken) {
  Slot& slot = *slots_[index];
  Instance& instance = *instances_[index];
  const uint8_t vrid = instance.vrid();
  Router& router = instance.router();
  if (slot.offloaded) {
    // A packet that went up: the repeats absorbed before it are told first (when it was the
    // master's, taken now, it is newer than them and their time changes nothing).
    const AdvertOffload::Repeats r = link.offload->Take(vrid);
    router.OnRepeatedAdvertisements(r.last_absorbed, r.count);
  }
  // Only this very packet, taken as the master's: another one of the same batch (a lower
  // priority the router discarded, a refused one) must never be what repeats are matched with.
  if (!taken || !router.WouldAcceptRepeat() || link.endpoint.RoutesOn(vrid) != 1) {
    return;  // not the master's advertisement taken as such, or several routers on the VRID
  }
  std::optional<AdvertOffload::Image> image = AdvertOffload::ImageOf(p.payload, p.info);
  if (!image) return;
  // One repeat goes up before the timer that the last one started could run out, with a
  // quarter of an interval to spare: in steady state the timer never fires, and a lost repeat
  // is made up for by CatchUpRepeats when it does.
  const absl::Duration interval = router.master_adver_interval().ToDuration();
  const absl::Duration pass_every = router.master_down_interval().ToDuration() - interval * 5 / 4;
  if (pass_every <= interval) return;             // every repeat would go up anyway
  if (!slot.offloaded) link.offload->Take(vrid);  // what an earlier instance on the VRID left
  link.offload->Arm(vrid, *image, pass_every, now);
  SetOffloaded(index, true);
  slot.offload_vrid = vrid;
}

void Driver::CatchUpRepeats(size_t index) {
  Slot& slot = *slots_[index];
  if (!slot.offloaded || slot.link == nullptr || !slot.link->offload) return;
  Instance& instance = *instances_[index];
  const AdvertOffload::Repeats r = slot.link->offload->Take(instance.vrid());
  if (r.count > 0) instance.router().OnRepeatedAdvertisements(r.last_absorbed, r.count);
}

void Driver::StopRepeats(size_t index) {
  Slot& slot = *slots_[index];
  CatchUpRepeats(index);
  if (slot.link != nullptr && slot.link->offload) {
    slot.link->offload->Disarm(instances_[index]->vrid());
  }
  SetOffloaded(index, false);
}

void Driver::SetOffloaded(size_t index, bool offloaded) {
  slots_[index]->offloaded = offloaded;
  // Before the first Reindex (a Create still opening its instances) there is no copy yet.
  if (index < offloaded_.size()) offloaded_[index] = offloaded ? 1 : 0;
}

void Driver::TouchAll() {
  for (size_t i = 0; i < slots_.size(); ++i) Touch(i);
}

absl::Time Driver::NextDeadline() const {
  const absl::Time next = std::min({deadlines_.Next(), poll_deadline_, pacer_.NextDeadline()});
  // Effects waiting: call OnTimer again soon (after the loop looked at the sockets).
  return effects_.empty() ? next : std::min(next, effects_resume_);
}

void Driver::PollLinks(absl::Time now) {
  poll_deadline_ = absl::InfiniteFuture();
  for (auto& link : links_) {
    if (!link->polling) continue;
    if (OnPackets(now, *link) > 0) {
      poll_deadline_ = now + options_.receive_holdoff;
      continue;
    }
    // Quiet: back to waking on the first packet. Level-triggered, so one that came after the
    // read above wakes the loop at once.
    link->polling = false;
    if (absl::Status s = Watch(*link); !s.ok() && options_.on_error) options_.on_error(s);
  }
}

void Driver::OnTimer(absl::Time now) {
  // Packets waiting in a socket we are not watching go first: one may be the advertisement that
  // keeps a due master-down timer from firing.
  if (poll_deadline_ != absl::InfiniteFuture()) PollLinks(now);
  // The instances that are due, and only they: a deadline popped here is set again by Touch.
  // Their advertisements go out now, in one sendmmsg per socket; their other effects join the
  // queue behind.
  deadlines_.PopDue(now, due_);
  if (!due_.empty()) {
    for (auto& link : links_) {
      if (link->transport) link->transport->BeginBatch();
    }
    for (size_t index : due_) {
      // Repeats absorbed since the last one it was given push its master-down timer on: a
      // timer that is still due after them is the master's silence.
      if (offloaded_[index] != 0) CatchUpRepeats(index);
      instances_[index]->OnTimer(now);
      Touch(index);
    }
    for (auto& link : links_) {
      if (link->transport == nullptr) continue;
      if (absl::Status s = link->transport->Flush(); !s.ok() && options_.on_error) {
        options_.on_error(s);
      }
    }
    RenewLeases(now);
    for (size_t index : due_) QueueEffects(index);
  }
  // Paced announcements whose turn came, before new effects queue more behind them.
  SendPaced(now);
  RunEffects(now, effects_.size(), /*yield_to_deadlines=*/true);
  Reschedule();
}

absl::Status Driver::Attach(EventLoop& loop, std::function<void()> after_turn) {
  if (loop_ != nullptr) return absl::FailedPreconditionError("driver is already attached");
  loop_ = &loop;
  after_turn_ = std::move(after_turn);
  const int monitor_fd = link_monitor_->fd();
  absl::Status s = loop.Watch(monitor_fd, [this, monitor_fd](uint32_t) {
    OnReadable(loop_->Now(), monitor_fd);
    AfterTurn();
  });
  for (size_t i = 0; s.ok() && i < links_.size(); ++i) s = Watch(*links_[i]);
  if (!s.ok()) {
    Detach();
    return s;
  }
  Reschedule();
  return absl::OkStatus();
}

absl::Status Driver::Watch(Link& link) {
  if (link.watched || link.transport == nullptr) return absl::OkStatus();
  Link* target = &link;
  absl::Status s = loop_->Watch(link.fd, [this, target](uint32_t) {
    const absl::Time now = loop_->Now();
    const absl::Time previous = std::exchange(target->last_wake, now);
    // Woken again soon after the last time: busy. Stop waking per packet; read again after the
    // hold-off. A socket that wakes us rarely (a few routers) keeps waking as packets come.
    if (OnPackets(now, *target) > 0 && options_.receive_holdoff > absl::ZeroDuration() &&
        now - previous < kBusyWakeups * options_.receive_holdoff) {
      (void)loop_->Unwatch(target->fd);
      target->watched = false;
      target->polling = true;
      poll_deadline_ = std::min(poll_deadline_, now + options_.receive_holdoff);
    }
    Reschedule();
    AfterTurn();
  });
  link.watched = s.ok();
  if (!s.ok()) return s;
  return WatchClaims(link);
}

absl::Status Driver::WatchClaims(Link& link) {
  if (link.claims == nullptr || link.claims_watched) return absl::OkStatus();
  Link* target = &link;
  absl::Status s = loop_->Watch(link.claims_fd, [this, target](uint32_t) {
    OnClaims(loop_->Now(), *target);
    Reschedule();
    AfterTurn();
  });
  link.claims_watched = s.ok();
  return s;
}

void Driver::Detach() {
  if (loop_ == nullptr) return;
  (void)loop_->Unwatch(link_monitor_->fd());
  for (auto& link : links_) {
    if (link->watched) (void)loop_->Unwatch(link->fd);
    if (link->claims_watched) (void)loop_->Unwatch(link->claims_fd);
    link->watched = false;
    link->claims_watched = false;
    link->polling = false;
  }
  poll_deadline_ = absl::InfiniteFuture();
  if (timer_) loop_->CancelTimer(*timer_);
  timer_.reset();
  timer_deadline_ = absl::InfiniteFuture();
  loop_ = nullptr;
  after_turn_ = nullptr;
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
    AfterTurn();
  });
}

void Driver::AfterTurn() {
  // The owner drains events here; it may call back into the driver (a policy update), which
  // reschedules as every call does.
  if (after_turn_ && !events_.empty()) after_turn_();
}

}  // namespace vrrp::os
