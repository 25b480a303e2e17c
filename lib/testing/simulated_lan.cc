#include "vrrp/testing/simulated_lan.h"

#include <algorithm>
#include <array>
#include <iterator>
#include <map>
#include <utility>

#include "fmt/format.h"
#include "vrrp/codec.h"
#include "vrrp/enum_names.h"
#include "vrrp/ip_packet.h"

namespace vrrp {
namespace {

using Kind = TimelineEntry::Kind;

constexpr EnumNames<TimelineEntry::Kind, 14> kKindNames{
    {"state", "add", "remove", "announce", "crash", "restart", "link_down", "link_up", "fault",
     "fault_cleared", "priority", "reconfigure", "network", "sync_waiting"}};
static_assert(kKindNames.Covers(TimelineEntry::Kind::kSyncWaiting));

// Where an instance's event goes in the timeline; nullopt: not there (drops and failed sends
// are counted on the routers, and PollEvent has them).
std::optional<Kind> TimelineKindOf(InstanceEvent::Kind kind) {
  switch (kind) {
    case InstanceEvent::Kind::kTransition:
      return Kind::kStateChanged;
    case InstanceEvent::Kind::kAddressAdded:
      return Kind::kAddressesAdded;
    case InstanceEvent::Kind::kAddressRemoved:
      return Kind::kAddressesRemoved;
    case InstanceEvent::Kind::kAnnounced:
      return Kind::kAnnounce;
    case InstanceEvent::Kind::kPriorityChanged:
      return Kind::kPriority;
    case InstanceEvent::Kind::kSyncWaiting:
      return Kind::kSyncWaiting;
    case InstanceEvent::Kind::kDrop:
    case InstanceEvent::Kind::kSendFailed:
    case InstanceEvent::Kind::kInterfaceWaiting:  // the Linux driver's: no interfaces here
    case InstanceEvent::Kind::kVipConflict:       // PollEvent has them
    case InstanceEvent::Kind::kBlackHole:
      return std::nullopt;
  }
  return std::nullopt;
}

// The effective priority `config` and the tracking weights' sum `delta` give, by the router's own
// rule (the owner keeps 255, the others stay within 1..254): for a node that is down, whose
// instance takes no input.
int EffectivePriority(const InstanceConfig& config, int delta) {
  absl::StatusOr<Router> router = Router::Create(config.router);
  if (!router.ok()) return config.router.priority;     // cannot happen: validated before
  router->SetPriorityDelta(absl::UnixEpoch(), delta);  // not started: no action
  return router->effective_priority();
}

}  // namespace

std::string_view TimelineKindName(TimelineEntry::Kind kind) { return kKindNames(kind); }

std::string DescribeTimelineEntry(const TimelineEntry& e) {
  std::string out = e.router;
  auto addresses = [&] {
    for (const IpAddress& ip : e.addresses) fmt::format_to(std::back_inserter(out), " {}", ip);
  };
  switch (e.kind) {
    case Kind::kStateChanged:
      fmt::format_to(std::back_inserter(out), " {} -> {} ({})", e.from, e.to, e.reason);
      break;
    case Kind::kAddressesAdded:
      out += " add";
      addresses();
      break;
    case Kind::kAddressesRemoved:
      out += " remove";
      addresses();
      break;
    case Kind::kAnnounce:
      fmt::format_to(std::back_inserter(out), " announce x{}", e.count);
      addresses();
      break;
    case Kind::kPriority:
      fmt::format_to(std::back_inserter(out), " priority {}", e.count);
      break;
    default:
      fmt::format_to(std::back_inserter(out), " {}", TimelineKindName(e.kind));
      break;
  }
  if (!e.detail.empty()) fmt::format_to(std::back_inserter(out), " ({})", e.detail);
  return out;
}

InstanceConfig SimulatedInstanceConfig(std::string name, const RouterConfig& config) {
  InstanceConfig c;
  c.name = std::move(name);
  c.router = config;
  for (const IpAddress& ip : config.virtual_addresses) {
    c.addresses.push_back({.address = ip,
                           .prefix_len = uint8_t(ip.family() == Family::kIPv4 ? 32 : 128),
                           .interface = "eth0"});
  }
  // The instance's own fields win over the router's (Instance::Create copies them in).
  c.auth_type = config.auth_type;
  c.pass_key = config.pass_key;
  c.v3_ipv4_pseudo_header = config.v3_ipv4_pseudo_header;
  return c;
}

absl::Status SimulatedLan::NodeTransport::Send(absl::Span<const uint8_t> payload,
                                               const IpAddress& source,
                                               const IpAddress& destination) {
  lan_->Send(node_, payload, source, destination);
  return absl::OkStatus();  // like a datagram socket: what the wire loses, the sender never knows
}

absl::StatusOr<std::optional<ReceivedPacket>> SimulatedLan::NodeTransport::Receive(
    absl::Span<uint8_t>) {
  return std::optional<ReceivedPacket>();
}

SimulatedLan::SimulatedLan(SimulatedLanOptions options)
    : options_(options), now_(options.start), rng_state_(options.seed) {}

SimulatedLan::~SimulatedLan() = default;

absl::StatusOr<NodeId> SimulatedLan::AddRouter(std::string name, RouterConfig config) {
  for (const Node& n : nodes_) {
    if (n.name == name) {
      return absl::InvalidArgumentError(fmt::format("router name {} is already used", name));
    }
  }
  InstanceConfig instance = SimulatedInstanceConfig(name, config);
  if (absl::Status s = ValidateInstanceConfig(instance); !s.ok()) return s;
  const NodeId id = nodes_.size();
  Node& node = nodes_.emplace_back();
  node.name = std::move(name);
  node.config = std::move(instance);
  node.config.vip_conflict = options_.vip_conflict;
  node.transport = std::make_unique<NodeTransport>(*this, id);
  node.announcer.OnFrame(
      [this, id](const IpAddress& address, bool probe) { Arp(id, address, probe); });
  if (absl::Status s = CreateInstance(id); !s.ok()) {
    nodes_.pop_back();
    return s;
  }
  Bind(id);
  const size_t n = nodes_.size();
  for (auto& row : latency_) row.push_back(options_.latency);
  for (auto& row : loss_) row.push_back(options_.loss);
  for (auto& row : blocked_) row.push_back(false);
  for (auto& row : arp_blocked_) row.push_back(false);
  latency_.emplace_back(n, options_.latency);
  loss_.emplace_back(n, options_.loss);
  blocked_.emplace_back(n, false);
  arp_blocked_.emplace_back(n, false);
  return id;
}

absl::Status SimulatedLan::CreateInstance(NodeId id) {
  Node& node = nodes_[id];
  absl::StatusOr<std::unique_ptr<Instance>> created = Instance::Create(
      node.config, *node.transport, node.addresses, node.announcer, IdOf(id), &events_);
  if (!created.ok()) return created.status();
  node.instance = *std::move(created);
  return absl::OkStatus();
}

void SimulatedLan::Bind(NodeId id) {
  Node& node = nodes_[id];
  node.endpoint = std::make_unique<Endpoint>(node.instance->router().config().family);
  // A validated router on an empty endpoint of its own family: nothing can refuse it.
  (void)node.endpoint->Add(id, node.instance->router());
  Place(id);
}

void SimulatedLan::Place(NodeId id) {
  Node& node = nodes_[id];
  // From the configuration, not the router: a crashed node reconfigured moves too, so that
  // senders stop drawing losses for it on its old segment.
  const Segment segment(node.config.router.vrid, node.config.router.family);
  if (node.segment == segment) return;
  if (node.segment) {
    std::vector<NodeId>& old = segments_[*node.segment];
    old.erase(std::find(old.begin(), old.end(), id));
  }
  std::vector<NodeId>& now = segments_[segment];
  now.insert(std::lower_bound(now.begin(), now.end(), id), id);
  node.segment = segment;
}

void SimulatedLan::Push(Event event) {
  event.seq = seq_++;
  queue_.push(std::move(event));
}

TimelineEntry& SimulatedLan::Record(NodeId node, TimelineEntry::Kind kind, std::string detail) {
  TimelineEntry& e = timeline_.emplace_back();
  e.time = now_;
  e.router = nodes_[node].name;
  e.kind = kind;
  e.detail = std::move(detail);
  return e;
}

void SimulatedLan::RecordNetwork(std::string detail) {
  TimelineEntry& e = timeline_.emplace_back();
  e.time = now_;
  e.router = "lan";
  e.kind = Kind::kNetwork;
  e.detail = std::move(detail);
}

void SimulatedLan::Take(InstanceEvent event) {
  if (std::optional<Kind> kind = TimelineKindOf(event.kind)) {
    TimelineEntry& e = timeline_.emplace_back();
    e.time = event.time;
    e.router = event.instance;
    e.kind = *kind;
    e.from = event.transition.from;
    e.to = event.transition.to;
    e.reason = event.transition.reason;
    if (event.address) e.addresses = {event.address->address};
    e.count = event.count;  // announced frames; the new effective priority
    if (!event.status.ok()) e.detail = event.status.ToString();
    e.event = event;
  }
  if (options_.queue_events) polled_.Push(std::move(event));
}

void SimulatedLan::Drain(NodeId id) {
  while (std::optional<InstanceEvent> e = events_.Poll()) Take(*std::move(e));
  Reschedule(id);
}

void SimulatedLan::Reschedule(NodeId id) {
  Node& node = nodes_[id];
  // The instance's one deadline; an older timer event becomes stale.
  const absl::Time deadline = node.alive ? node.instance->NextDeadline() : absl::InfiniteFuture();
  if (deadline == node.timer_at) return;
  node.timer_at = deadline;
  ++node.timer_generation;
  if (deadline == absl::InfiniteFuture()) return;
  Event e;
  e.time = std::max(deadline, now_);
  e.kind = Event::Kind::kTimer;
  e.node = id;
  e.generation = node.timer_generation;
  Push(std::move(e));
}

double SimulatedLan::NextUniform() {
  // splitmix64: small, seedable, good enough to decide which packets a lossy link drops.
  uint64_t z = (rng_state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53;
}

bool SimulatedLan::Blocked(NodeId from, NodeId to) const { return blocked_[from][to]; }

MacAddress SimulatedMac(size_t node) {
  const size_t n = node + 1;
  return MacAddress({0x02, 0, 0, 0, uint8_t(n >> 8), uint8_t(n)});
}

void SimulatedLan::Arp(NodeId from, const IpAddress& address, bool probe) {
  // Nobody listens: no events (a thousand routers announcing at one instant would otherwise be
  // a million claims nobody reads).
  if (options_.vip_conflict.mode == VipConflictMode::kOff || !nodes_[from].link_up) return;
  for (NodeId to = 0; to < nodes_.size(); ++to) {
    if (to == from || !nodes_[to].link_up || arp_blocked_[from][to] ||
        nodes_[to].config.router.family != address.family()) {
      continue;
    }
    if (probe && arp_blocked_[to][from]) continue;  // the answer would not come back
    if (!probe) {
      // RFC 5227 §3 announcement: sender and target are the address.
      DeliverClaim(from, to,
                   {.kind = AddressClaim::Kind::kArpRequest,
                    .address = address,
                    .mac = SimulatedMac(from),
                    .gratuitous = true});
      continue;
    }
    // The kernel answers, whether or not its daemon runs.
    const Node& holder = nodes_[to];
    if (holder.addresses.Holds(address) || holder.config.router.primary_address == address) {
      DeliverClaim(to, from,
                   {.kind = AddressClaim::Kind::kArpReply,
                    .address = address,
                    .mac = SimulatedMac(to),
                    .gratuitous = false});
    }
  }
}

void SimulatedLan::DeliverClaim(NodeId from, NodeId to, const AddressClaim& claim) {
  Event e;
  e.time = now_ + LatencyOf(from, to);
  e.kind = Event::Kind::kClaim;
  e.node = to;
  e.claim = claim;
  Push(std::move(e));
}

absl::Duration& SimulatedLan::LatencyOf(NodeId from, NodeId to) { return latency_[from][to]; }
double& SimulatedLan::LossOf(NodeId from, NodeId to) { return loss_[from][to]; }

void SimulatedLan::Send(NodeId from, absl::Span<const uint8_t> payload, const IpAddress& source,
                        const IpAddress& destination) {
  Node& sender = nodes_[from];
  sender.last_advert = now_;
  if (!sender.alive || !sender.link_up) return;
  const Router& router = sender.instance->router();
  auto packet = std::make_shared<Packet>();
  if (options_.through_codec) {
    packet->bytes.assign(payload.begin(), payload.end());
  } else if (payload.size() > 2) {
    // The value the bytes encode, without a decode: the priority is the third octet of both
    // versions (RFC 5798 §5.2, RFC 3768 §5.1) and the rest is the sender's configuration.
    router.FillAdvertisement(payload[2], packet->adv);
  } else {
    ++lost_;  // cannot happen: an instance writes whole advertisements
    return;
  }
  // In NodeId order, so that a lossy link draws from the generator as it always has.
  for (NodeId to : segments_[*sender.segment]) {
    if (to == from || Blocked(from, to)) continue;
    if (double loss = LossOf(from, to); loss > 0 && NextUniform() < loss) {
      ++lost_;
      continue;
    }
    Event e;
    e.time = now_ + LatencyOf(from, to);
    e.kind = Event::Kind::kDeliver;
    e.node = to;
    e.source = source;
    e.destination = destination;
    e.packet = packet;
    Push(std::move(e));
  }
}

void SimulatedLan::Start(NodeId id) {
  Node& node = nodes_[id];
  if (!node.alive) return;  // a crashed router starts again through Restart
  node.instance->Start(now_);
  Drain(id);
}

void SimulatedLan::StartAll() {
  for (NodeId i = 0; i < nodes_.size(); ++i) Start(i);
}

void SimulatedLan::Shutdown(NodeId id) {
  Node& node = nodes_[id];
  if (!node.alive) return;
  node.instance->Shutdown(now_);
  Drain(id);
}

void SimulatedLan::Crash(NodeId id) {
  Node& node = nodes_[id];
  if (!node.alive) return;
  node.alive = false;
  Record(id, Kind::kCrashed);
  Reschedule(id);  // cancels the timer
}

void SimulatedLan::Restart(NodeId id) {
  Node& node = nodes_[id];
  if (node.alive) {
    node.instance->Shutdown(now_);
    Drain(id);
  }
  // Cannot fail: the configuration was validated when it was set.
  if (!CreateInstance(id).ok()) return;
  Bind(id);
  node.alive = true;
  node.priority_delta = 0;
  Record(id, Kind::kRestarted);
  // keepalived removes addresses a previous instance left behind ("removing VIPs."). The host's
  // interface holds nothing else, so whatever is there goes.
  if (!node.addresses.held().empty()) {
    const std::vector<InterfaceAddress> held = node.addresses.held();
    AddressList stale;
    for (const InterfaceAddress& a : held) {
      stale.push_back(a.vip.address);
      (void)node.addresses.Remove(a.vip);  // the fake fails only when told to
    }
    Record(id, Kind::kAddressesRemoved, "stale").addresses = std::move(stale);
  }
  if (!node.link_up || node.fault) node.instance->SetFault(now_, true);
  node.instance->Start(now_);
  Drain(id);
}

void SimulatedLan::SetLinkUp(NodeId id, bool up) {
  Node& node = nodes_[id];
  if (node.link_up == up) return;
  node.link_up = up;
  // No frames leave a down link; advertisements are dropped in Send.
  node.announcer.Fail(up ? absl::OkStatus() : absl::UnavailableError("link down"));
  Record(id, up ? Kind::kLinkUp : Kind::kLinkDown);
  if (!node.alive) return;
  node.instance->SetFault(now_, !up || node.fault);
  Drain(id);
}

void SimulatedLan::SetFault(NodeId id, bool fault) {
  Node& node = nodes_[id];
  if (node.fault == fault) return;
  node.fault = fault;
  Record(id, fault ? Kind::kFaultRaised : Kind::kFaultCleared);
  if (!node.alive) return;
  node.instance->SetFault(now_, fault || !node.link_up);
  Drain(id);
}

void SimulatedLan::FailAddresses(NodeId id, absl::Status status) {
  Node& node = nodes_[id];
  for (const VirtualAddress& vip : node.config.addresses) node.addresses.Fail(vip.address, status);
}

absl::Status SimulatedLan::SetPriority(NodeId id, int priority) {
  Node& node = nodes_[id];
  // The Instance changes its router's priority through a reconfiguration: the same as
  // Router::SetPriority when nothing else differs, and the priority survives a restart.
  InstanceConfig next = node.config;
  next.router.priority = priority;
  absl::Status s =
      node.alive ? node.instance->Reconfigure(now_, next) : ValidateInstanceConfig(next);
  if (!s.ok()) return s;
  node.config = std::move(next);
  Record(id, Kind::kPriority).count = node.alive
                                          ? node.instance->router().effective_priority()
                                          : EffectivePriority(node.config, node.priority_delta);
  if (node.alive) Drain(id);
  return absl::OkStatus();
}

void SimulatedLan::SetPriorityDelta(NodeId id, int delta) {
  Node& node = nodes_[id];
  node.priority_delta = delta;
  if (!node.alive) {
    // A dead process takes no input: the entry says what the priority would be. A restart
    // starts without tracking weights, as a fresh keepalived does until its checks report.
    Record(id, Kind::kPriority).count = EffectivePriority(node.config, delta);
    return;
  }
  node.instance->SetPriorityDelta(now_, delta);
  // The instance reports kPriorityChanged first, and only when the effective priority moved;
  // the timeline shows every scripted change, so an unchanged one gets an entry of the LAN's.
  std::optional<InstanceEvent> first = events_.Poll();
  if (!first || first->kind != InstanceEvent::Kind::kPriorityChanged) {
    Record(id, Kind::kPriority).count = node.instance->router().effective_priority();
  }
  if (first) Take(*std::move(first));
  Drain(id);
}

absl::Status SimulatedLan::Reconfigure(NodeId id, RouterConfig config) {
  Node& node = nodes_[id];
  InstanceConfig next = SimulatedInstanceConfig(node.name, config);
  absl::Status s =
      node.alive ? node.instance->Reconfigure(now_, next) : ValidateInstanceConfig(next);
  if (!s.ok()) return s;
  node.config = std::move(next);
  // The VRID or family may have changed.
  if (node.alive) {
    Bind(id);
  } else {
    Place(id);
  }
  Record(id, Kind::kReconfigured);
  if (node.alive) Drain(id);
  return absl::OkStatus();
}

void SimulatedLan::SetSyncHold(NodeId id, bool hold) {
  Node& node = nodes_[id];
  if (!node.alive) return;
  node.instance->SetSyncHold(now_, hold);
  Drain(id);
}

void SimulatedLan::SyncStepDown(NodeId id) {
  Node& node = nodes_[id];
  if (!node.alive) return;
  node.instance->SyncStepDown(now_);
  Drain(id);
}

void SimulatedLan::SetLatency(NodeId from, NodeId to, absl::Duration latency) {
  LatencyOf(from, to) = latency;
}

void SimulatedLan::SetLoss(NodeId from, NodeId to, double probability) {
  LossOf(from, to) = std::clamp(probability, 0.0, 1.0);
}

void SimulatedLan::Block(NodeId from, NodeId to) {
  if (blocked_[from][to]) return;
  blocked_[from][to] = true;
  RecordNetwork(fmt::format("block {} -> {}", nodes_[from].name, nodes_[to].name));
}

void SimulatedLan::DeleteAddress(NodeId id, const IpAddress& address) {
  nodes_[id].addresses.Unput(address);
  RecordNetwork(fmt::format("ip addr del {} on {}", address.ToString(), nodes_[id].name));
}

void SimulatedLan::BlockArp(NodeId from, NodeId to) {
  if (arp_blocked_[from][to]) return;
  arp_blocked_[from][to] = true;
  RecordNetwork(fmt::format("block arp {} -> {}", nodes_[from].name, nodes_[to].name));
}

void SimulatedLan::Unblock(NodeId from, NodeId to) {
  if (!blocked_[from][to]) return;
  blocked_[from][to] = false;
  RecordNetwork(fmt::format("unblock {} -> {}", nodes_[from].name, nodes_[to].name));
}

void SimulatedLan::Partition(const std::vector<NodeId>& a, const std::vector<NodeId>& b) {
  std::string detail = "partition";
  for (NodeId x : a) detail += " " + nodes_[x].name;
  detail += " |";
  for (NodeId y : b) detail += " " + nodes_[y].name;
  for (NodeId x : a) {
    for (NodeId y : b) {
      if (x == y) continue;
      blocked_[x][y] = blocked_[y][x] = true;
      arp_blocked_[x][y] = arp_blocked_[y][x] = true;
    }
  }
  RecordNetwork(std::move(detail));
}

void SimulatedLan::Heal() {
  for (auto& row : blocked_) std::fill(row.begin(), row.end(), false);
  for (auto& row : arp_blocked_) std::fill(row.begin(), row.end(), false);
  RecordNetwork("heal");
}

void SimulatedLan::At(absl::Time when, std::function<void()> fn) {
  Event e;
  e.time = std::max(when, now_);
  e.kind = Event::Kind::kScript;
  e.fn = std::move(fn);
  Push(std::move(e));
}

void SimulatedLan::Run(Event& event) {
  Node* node = event.kind == Event::Kind::kScript ? nullptr : &nodes_[event.node];
  switch (event.kind) {
    case Event::Kind::kTimer:
      if (event.generation != node->timer_generation || !node->alive) return;
      node->timer_at = absl::InfiniteFuture();  // consumed; Drain sets the next one
      node->instance->OnTimer(now_);
      Drain(event.node);
      return;
    case Event::Kind::kDeliver: {
      if (!node->alive || !node->link_up) return;
      ++delivered_;
      Delivery d;
      if (options_.through_codec) {
        ReceiveInfo info;
        info.source = event.source;
        info.destination = event.destination;
        absl::Span<const uint8_t> payload = event.packet->bytes;
        // auth_type AH: the router wrote the whole IPv4 packet (vrrp/ah.h), handed over here as
        // a raw socket hands it, header and all. A VRRP message starts with its version, 2 or
        // 3, never an IPv4 header's 4.
        if (!payload.empty() && payload[0] >> 4 == 4) {
          if (absl::StatusOr<IpDatagram> ip = ParseIpDatagram(payload); ip.ok()) {
            info = ip->info;
            payload = ip->payload;
          }
        }
        d = node->endpoint->OnPacket(now_, payload, info);
      } else {
        d = node->endpoint->OnAdvertisement(now_, event.packet->adv, event.source);
      }
      // Refused by the endpoint (VRID, peer): counted there, the instance never knew.
      if (d.key) node->instance->OnDelivery(now_, d, event.source);
      Drain(event.node);
      return;
    }
    case Event::Kind::kScript:
      event.fn();
      return;
    case Event::Kind::kClaim:
      if (!node->alive || !node->link_up) return;
      node->instance->OnAddressClaim(now_, event.claim);
      Drain(event.node);
      return;
  }
}

absl::StatusOr<bool> SimulatedLan::Step() {
  if (queue_.empty()) return false;
  Event event = queue_.top();
  queue_.pop();
  if (event.time != instant_) {
    instant_ = event.time;
    events_at_instant_ = 0;
  }
  if (++events_at_instant_ > options_.max_events_per_instant) {
    return absl::ResourceExhaustedError(fmt::format(
        "livelock: more than {} events at +{} without time advancing",
        options_.max_events_per_instant, absl::FormatDuration(event.time - options_.start)));
  }
  now_ = event.time;
  Run(event);
  return true;
}

absl::Status SimulatedLan::RunUntil(absl::Time until) {
  while (!queue_.empty() && queue_.top().time <= until) {
    absl::StatusOr<bool> stepped = Step();
    if (!stepped.ok()) return stepped.status();
  }
  if (until > now_) now_ = until;
  return absl::OkStatus();
}

absl::Status SimulatedLan::RunFor(absl::Duration duration) { return RunUntil(now_ + duration); }

std::vector<NodeId> SimulatedLan::Masters() const {
  std::vector<NodeId> out;
  for (NodeId i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].alive && router(i).state() == RouterState::kMaster) out.push_back(i);
  }
  return out;
}

std::vector<NodeId> SimulatedLan::Holders(const IpAddress& address) const {
  std::vector<NodeId> out;
  for (NodeId i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].addresses.Holds(address)) out.push_back(i);
  }
  return out;
}

std::vector<TimelineEntry> SimulatedLan::Transitions() const {
  std::vector<TimelineEntry> out;
  for (const TimelineEntry& e : timeline_) {
    if (e.kind == Kind::kStateChanged) out.push_back(e);
  }
  return out;
}

std::string SimulatedLan::Format(const TimelineEntry& entry) const {
  return fmt::format("+{} {}", absl::FormatDuration(entry.time - options_.start),
                     DescribeTimelineEntry(entry));
}

std::string SimulatedLan::TimelineText() const {
  std::string out;
  for (const TimelineEntry& e : timeline_) {
    out += Format(e);
    out += '\n';
  }
  return out;
}

// --- InstanceSet ---

std::optional<NodeId> SimulatedLan::NodeOf(InstanceId id) const {
  const uint32_t i = ToInt(id);
  if (i == 0 || i > nodes_.size()) return std::nullopt;
  return NodeId{i - 1};
}

std::vector<InstanceId> SimulatedLan::ids() const {
  std::vector<InstanceId> out;
  for (NodeId i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].alive) out.push_back(IdOf(i));
  }
  return out;
}

std::optional<InstanceId> SimulatedLan::Find(std::string_view name) const {
  for (NodeId i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].alive && nodes_[i].name == name) return IdOf(i);
  }
  return std::nullopt;
}

const Router* SimulatedLan::router(InstanceId id) const {
  std::optional<NodeId> node = NodeOf(id);
  if (!node || !nodes_[*node].alive) return nullptr;
  return &router(*node);
}

void SimulatedLan::SetExternalFault(absl::Time /*now*/, InstanceId id, bool fault) {
  std::optional<NodeId> node = NodeOf(id);
  if (node && nodes_[*node].alive) SetFault(*node, fault);
}

bool SimulatedLan::InterfaceFault(InstanceId id) const {
  std::optional<NodeId> node = NodeOf(id);
  return node && nodes_[*node].alive && !nodes_[*node].link_up;
}

void SimulatedLan::SetPriorityDelta(absl::Time /*now*/, InstanceId id, int delta) {
  std::optional<NodeId> node = NodeOf(id);
  if (node && nodes_[*node].alive) SetPriorityDelta(*node, delta);
}

void SimulatedLan::SetSyncHold(absl::Time /*now*/, InstanceId id, bool hold) {
  std::optional<NodeId> node = NodeOf(id);
  if (node) SetSyncHold(*node, hold);
}

void SimulatedLan::SyncStepDown(absl::Time /*now*/, InstanceId id) {
  std::optional<NodeId> node = NodeOf(id);
  if (node) SyncStepDown(*node);
}

}  // namespace vrrp
