#include "vrrp/testing/simulated_lan.h"

#include <algorithm>
#include <utility>

#include "fmt/format.h"
#include "vrrp/codec.h"

namespace vrrp {

std::string_view TimelineKindName(TimelineEntry::Kind kind) {
  using Kind = TimelineEntry::Kind;
  switch (kind) {
    case Kind::kStateChanged:
      return "state";
    case Kind::kAddressesAdded:
      return "add";
    case Kind::kAddressesRemoved:
      return "remove";
    case Kind::kAnnounce:
      return "announce";
    case Kind::kCrashed:
      return "crash";
    case Kind::kRestarted:
      return "restart";
    case Kind::kLinkDown:
      return "link_down";
    case Kind::kLinkUp:
      return "link_up";
    case Kind::kFaultRaised:
      return "fault";
    case Kind::kFaultCleared:
      return "fault_cleared";
    case Kind::kPriority:
      return "priority";
    case Kind::kReconfigured:
      return "reconfigure";
    case Kind::kNetwork:
      return "network";
  }
  return "unknown";
}

std::string DescribeTimelineEntry(const TimelineEntry& e) {
  using Kind = TimelineEntry::Kind;
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

SimulatedLan::SimulatedLan(SimulatedLanOptions options)
    : options_(options), now_(options.start), rng_state_(options.seed) {}

absl::StatusOr<NodeId> SimulatedLan::AddRouter(std::string name, RouterConfig config) {
  for (const Node& n : nodes_) {
    if (n.name == name) {
      return absl::InvalidArgumentError(fmt::format("router name {} is already used", name));
    }
  }
  absl::StatusOr<Router> router = Router::Create(config);
  if (!router.ok()) return router.status();
  nodes_.push_back(Node{std::move(name), std::move(config), *std::move(router)});
  const size_t n = nodes_.size();
  Bind(n - 1);
  for (auto& row : latency_) row.push_back(options_.latency);
  for (auto& row : loss_) row.push_back(options_.loss);
  for (auto& row : blocked_) row.push_back(false);
  latency_.emplace_back(n, options_.latency);
  loss_.emplace_back(n, options_.loss);
  blocked_.emplace_back(n, false);
  return n - 1;
}

void SimulatedLan::Bind(NodeId id) {
  Node& node = nodes_[id];
  node.endpoint = std::make_unique<Endpoint>(node.router.config().family);
  // A validated router on an empty endpoint of its own family: nothing can refuse it.
  (void)node.endpoint->Add(id, node.router);
}

void SimulatedLan::Push(Event event) {
  event.seq = seq_++;
  queue_.push(std::move(event));
}

void SimulatedLan::Record(NodeId node, TimelineEntry::Kind kind, std::string detail) {
  TimelineEntry e;
  e.time = now_;
  e.router = nodes_[node].name;
  e.kind = kind;
  e.detail = std::move(detail);
  timeline_.push_back(std::move(e));
}

void SimulatedLan::RecordNetwork(std::string detail) {
  TimelineEntry e;
  e.time = now_;
  e.router = "lan";
  e.kind = TimelineEntry::Kind::kNetwork;
  e.detail = std::move(detail);
  timeline_.push_back(std::move(e));
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

absl::Duration& SimulatedLan::LatencyOf(NodeId from, NodeId to) { return latency_[from][to]; }
double& SimulatedLan::LossOf(NodeId from, NodeId to) { return loss_[from][to]; }

void SimulatedLan::Send(NodeId from, uint8_t priority) {
  Node& sender = nodes_[from];
  sender.last_advert = now_;
  if (!sender.alive || !sender.link_up) return;
  auto packet = std::make_shared<Packet>();
  sender.router.FillAdvertisement(priority, packet->adv);
  const RouterConfig& sc = sender.router.config();
  if (options_.through_codec) {
    packet->bytes.resize(kMaxAdvertisementSize);
    absl::StatusOr<size_t> n = sender.router.WriteAdvertisement(
        priority, MulticastGroup(sc.family), absl::MakeSpan(packet->bytes));
    if (!n.ok()) {
      ++lost_;  // cannot happen with a validated configuration
      return;
    }
    packet->bytes.resize(*n);
  }
  for (NodeId to = 0; to < nodes_.size(); ++to) {
    if (to == from) continue;
    const RouterConfig& rc = nodes_[to].router.config();
    // Each VRID is as if on a segment of its own (and each family on its own endpoint), so the
    // 1,000-router benchmark does not deliver every packet to every node.
    if (rc.vrid != sc.vrid || rc.family != sc.family) continue;
    if (Blocked(from, to)) continue;
    if (double loss = LossOf(from, to); loss > 0 && NextUniform() < loss) {
      ++lost_;
      continue;
    }
    Event e;
    e.time = now_ + LatencyOf(from, to);
    e.kind = Event::Kind::kDeliver;
    e.node = to;
    e.source = sc.primary_address;
    e.packet = packet;
    Push(std::move(e));
  }
}

void SimulatedLan::Pump(NodeId id) {
  Node& node = nodes_[id];
  node.router.DrainActions(scratch_);
  // Send() may not touch scratch_, so iterating it here is safe.
  for (const Action& action : scratch_) {
    std::visit(Overloaded{
                   [&](const SendAdvertisement& a) { Send(id, a.priority); },
                   [&](const AddAddresses& a) {
                     for (const IpAddress& ip : a.addresses) {
                       if (std::find(node.held.begin(), node.held.end(), ip) == node.held.end()) {
                         node.held.push_back(ip);
                       }
                     }
                     Record(id, TimelineEntry::Kind::kAddressesAdded);
                     timeline_.back().addresses = a.addresses;
                   },
                   [&](const RemoveAddresses& a) {
                     for (const IpAddress& ip : a.addresses) {
                       node.held.erase(std::remove(node.held.begin(), node.held.end(), ip),
                                       node.held.end());
                     }
                     Record(id, TimelineEntry::Kind::kAddressesRemoved);
                     timeline_.back().addresses = a.addresses;
                   },
                   [&](const Announce& a) {
                     if (!node.link_up) return;
                     Record(id, TimelineEntry::Kind::kAnnounce);
                     timeline_.back().addresses = a.addresses;
                     timeline_.back().count = a.count;
                   },
                   [&](const StateChanged& a) {
                     Record(id, TimelineEntry::Kind::kStateChanged);
                     timeline_.back().from = a.from;
                     timeline_.back().to = a.to;
                     timeline_.back().reason = a.reason;
                   },
               },
               action);
  }
  scratch_.clear();
  // Reschedule the router's one deadline; an older timer event becomes stale.
  const absl::Time deadline = node.alive ? node.router.NextDeadline() : absl::InfiniteFuture();
  if (deadline != node.timer_at) {
    node.timer_at = deadline;
    ++node.timer_generation;
    if (deadline != absl::InfiniteFuture()) {
      Event e;
      e.time = std::max(deadline, now_);
      e.kind = Event::Kind::kTimer;
      e.node = id;
      e.generation = node.timer_generation;
      Push(std::move(e));
    }
  }
}

void SimulatedLan::Start(NodeId node) {
  if (!nodes_[node].alive) return;  // a crashed router starts again through Restart
  nodes_[node].router.Start(now_);
  Pump(node);
}

void SimulatedLan::StartAll() {
  for (NodeId i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].alive) Start(i);
  }
}

void SimulatedLan::Shutdown(NodeId node) {
  if (!nodes_[node].alive) return;
  nodes_[node].router.Shutdown(now_);
  Pump(node);
}

void SimulatedLan::Crash(NodeId id) {
  Node& node = nodes_[id];
  if (!node.alive) return;
  node.alive = false;
  node.router.ClearActions();
  Record(id, TimelineEntry::Kind::kCrashed);
  Pump(id);  // cancels the timer
}

void SimulatedLan::Restart(NodeId id) {
  Node& node = nodes_[id];
  if (node.alive) {
    node.router.Shutdown(now_);
    Pump(id);
  }
  node.config = node.router.config();
  absl::StatusOr<Router> fresh = Router::Create(node.config);
  if (!fresh.ok()) return;  // cannot happen: the configuration was validated
  node.router = *std::move(fresh);
  Bind(id);
  node.alive = true;
  Record(id, TimelineEntry::Kind::kRestarted);
  // keepalived removes addresses a previous instance left behind ("removing VIPs.").
  if (!node.held.empty()) {
    Record(id, TimelineEntry::Kind::kAddressesRemoved, "stale");
    timeline_.back().addresses = node.held;
    node.held.clear();
  }
  if (!node.link_up || node.fault) node.router.SetFault(now_, true);
  node.router.Start(now_);
  Pump(id);
}

void SimulatedLan::SetLinkUp(NodeId id, bool up) {
  Node& node = nodes_[id];
  if (node.link_up == up) return;
  node.link_up = up;
  Record(id, up ? TimelineEntry::Kind::kLinkUp : TimelineEntry::Kind::kLinkDown);
  if (!node.alive) return;
  node.router.SetFault(now_, !up || node.fault);
  Pump(id);
}

void SimulatedLan::SetFault(NodeId id, bool fault) {
  Node& node = nodes_[id];
  if (node.fault == fault) return;
  node.fault = fault;
  Record(id, fault ? TimelineEntry::Kind::kFaultRaised : TimelineEntry::Kind::kFaultCleared);
  if (!node.alive) return;
  node.router.SetFault(now_, fault || !node.link_up);
  Pump(id);
}

absl::Status SimulatedLan::SetPriority(NodeId id, int priority) {
  Node& node = nodes_[id];
  if (absl::Status s = node.router.SetPriority(now_, priority); !s.ok()) return s;
  node.config.priority = priority;
  Record(id, TimelineEntry::Kind::kPriority);
  timeline_.back().count = node.router.effective_priority();
  Pump(id);
  return absl::OkStatus();
}

void SimulatedLan::SetPriorityDelta(NodeId id, int delta) {
  Node& node = nodes_[id];
  node.router.SetPriorityDelta(now_, delta);
  Record(id, TimelineEntry::Kind::kPriority);
  timeline_.back().count = node.router.effective_priority();
  Pump(id);
}

absl::Status SimulatedLan::Reconfigure(NodeId id, RouterConfig config) {
  Node& node = nodes_[id];
  if (absl::Status s = node.router.Reconfigure(now_, config); !s.ok()) return s;
  node.config = std::move(config);
  Bind(id);  // the VRID or family may have changed
  Record(id, TimelineEntry::Kind::kReconfigured);
  Pump(id);
  return absl::OkStatus();
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
      blocked_[x][y] = true;
      blocked_[y][x] = true;
    }
  }
  RecordNetwork(std::move(detail));
}

void SimulatedLan::Heal() {
  for (auto& row : blocked_) std::fill(row.begin(), row.end(), false);
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
      node->timer_at = absl::InfiniteFuture();  // consumed; Pump sets the next one
      node->router.OnTimer(now_);
      Pump(event.node);
      return;
    case Event::Kind::kDeliver:
      if (!node->alive || !node->link_up) return;
      ++delivered_;
      if (options_.through_codec) {
        ReceiveInfo info;
        info.source = event.source;
        info.destination = MulticastGroup(event.source.family());
        (void)node->endpoint->OnPacket(now_, event.packet->bytes, info);
      } else {
        (void)node->endpoint->OnAdvertisement(now_, event.packet->adv, event.source);
      }
      Pump(event.node);
      return;
    case Event::Kind::kScript:
      event.fn();
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
    if (nodes_[i].alive && nodes_[i].router.state() == RouterState::kMaster) out.push_back(i);
  }
  return out;
}

std::vector<NodeId> SimulatedLan::Holders(const IpAddress& address) const {
  std::vector<NodeId> out;
  for (NodeId i = 0; i < nodes_.size(); ++i) {
    const AddressList& held = nodes_[i].held;
    if (std::find(held.begin(), held.end(), address) != held.end()) out.push_back(i);
  }
  return out;
}

std::vector<TimelineEntry> SimulatedLan::Transitions() const {
  std::vector<TimelineEntry> out;
  for (const TimelineEntry& e : timeline_) {
    if (e.kind == TimelineEntry::Kind::kStateChanged) out.push_back(e);
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

}  // namespace vrrp
