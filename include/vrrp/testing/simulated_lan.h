// SimulatedLan: several vrrp::Routers on one Ethernet segment, with a virtual clock.
//
// For scenario tests, property tests and the vrrp-sim tool: the routers exchange Advertisement
// values (or, with through_codec, encoded bytes) through links that can delay, lose (from a
// seeded generator: the same seed gives the same run), block one way or partition. Routers can
// crash (like SIGKILL: silent, the addresses stay on the dead host), restart, shut down, lose
// their link (keepalived's FAULT) and change priority. Every transition and address move lands
// in a timeline with its virtual time. Like vrrp::core, which is all it uses, it reads no clock
// and no OS random source. Part of vrrp::testing (link it): a tool for tests and vrrp-sim, not
// for a product's runtime.
//
//   vrrp::SimulatedLan lan;                          // starts at FromUnixSeconds(1'000'000)
//   auto r1 = lan.AddRouter("r1", config1);          // absl::StatusOr<NodeId>
//   auto r2 = lan.AddRouter("r2", config2);
//   lan.StartAll();
//   absl::Status s = lan.RunFor(absl::Seconds(10));  // fails on a livelock
//   lan.Crash(*r1);
//   s = lan.RunFor(absl::Seconds(10));
//   for (const vrrp::TimelineEntry& e : lan.timeline()) fmt::print("{}\n", lan.Format(e));
//   // +3.41s r1 BACKUP -> MASTER (master_down_timer)
//   // +3.41s r1 add 192.0.2.3
//   // ...
//   assert(lan.Masters() == std::vector<vrrp::NodeId>{*r2});
//
// Ordering: events run in time order; events at the same time run in the order they were
// scheduled. With zero latency an advertisement is delivered at the instant it is sent, after
// whatever was already scheduled for that instant.
#ifndef VRRP_TESTING_SIMULATED_LAN_H_
#define VRRP_TESTING_SIMULATED_LAN_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <queue>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "fmt/format.h"
#include "vrrp/action.h"
#include "vrrp/advertisement.h"
#include "vrrp/endpoint.h"
#include "vrrp/router.h"
#include "vrrp/router_config.h"

namespace vrrp {

using NodeId = size_t;

struct SimulatedLanOptions {
  absl::Time start = absl::FromUnixSeconds(1'000'000);
  // Seeds the loss generator (splitmix64). The same seed and script give the same timeline.
  uint64_t seed = 1;
  // Defaults for every link; SetLatency / SetLoss override per direction.
  absl::Duration latency = absl::ZeroDuration();
  double loss = 0.0;
  // A run fails with kResourceExhausted after this many events at one virtual instant.
  int64_t max_events_per_instant = 100'000;
  // Carry bytes instead of values: each advertisement is written by the sender's router
  // (Router::WriteAdvertisement, to the multicast group, with its authentication) and goes
  // through each receiver's Endpoint, which decodes it with the receiver's version and
  // authentication, as on a real interface; a packet the codec refuses is counted on the
  // receiver. Without it, values go through the Endpoint's OnAdvertisement.
  bool through_codec = false;
};

struct TimelineEntry {
  enum class Kind : uint8_t {
    kStateChanged,      // from, to, reason
    kAddressesAdded,    // addresses
    kAddressesRemoved,  // addresses (also the stale ones a restart clears)
    kAnnounce,          // addresses, count
    kCrashed,
    kRestarted,
    kLinkDown,
    kLinkUp,
    kFaultRaised,  // tracking failure, link still up
    kFaultCleared,
    kPriority,  // count = the new effective priority
    kReconfigured,
    kNetwork,  // partition, block, heal: detail says which; router is "lan"
  };
  absl::Time time;
  std::string router;
  Kind kind = Kind::kStateChanged;
  RouterState from = RouterState::kInitialize;
  RouterState to = RouterState::kInitialize;
  TransitionReason reason = TransitionReason::kNone;
  AddressList addresses;
  int count = 0;
  std::string detail;
};

// "state", "add", "remove", "announce", "crash", "restart", "link_down", "link_up", "fault",
// "fault_cleared", "priority", "reconfigure", "network".
std::string_view TimelineKindName(TimelineEntry::Kind kind);
// What happened, without the time: "r1 BACKUP -> MASTER (master_down_timer)", "r1 add 192.0.2.3".
std::string DescribeTimelineEntry(const TimelineEntry& entry);

class SimulatedLan {
 public:
  explicit SimulatedLan(SimulatedLanOptions options = {});

  // Adds a router (not started). kInvalidArgument for a bad configuration or a duplicate name.
  absl::StatusOr<NodeId> AddRouter(std::string name, RouterConfig config);

  // --- Events, at Now(). Use At() to script them at a later time. ---
  void Start(NodeId node);
  void StartAll();
  void Shutdown(NodeId node);  // graceful: a Master resigns with priority 0
  void Crash(NodeId node);     // silent; addresses stay on the dead host (keepalived's SIGKILL)
  void Restart(NodeId node);   // fresh Router (current configuration), stale addresses removed
  void SetLinkUp(NodeId node, bool up);    // down: no traffic either way, and Fault
  void SetFault(NodeId node, bool fault);  // a tracked check: Fault, link still up
  [[nodiscard]] absl::Status SetPriority(NodeId node, int priority);
  void SetPriorityDelta(NodeId node, int delta);
  [[nodiscard]] absl::Status Reconfigure(NodeId node, RouterConfig config);

  // --- Links, per direction. ---
  void SetLatency(NodeId from, NodeId to, absl::Duration latency);
  void SetLoss(NodeId from, NodeId to, double probability);  // 0..1
  void Block(NodeId from, NodeId to);  // e.g. `to`'s firewall drops VRRP from `from`
  void Unblock(NodeId from, NodeId to);
  // Blocks both ways between every node of `a` and every node of `b`.
  void Partition(const std::vector<NodeId>& a, const std::vector<NodeId>& b);
  // Removes every block (latency and loss stay).
  void Heal();

  // Runs `fn` at `when` (>= Now()), in order with the other events.
  void At(absl::Time when, std::function<void()> fn);

  // --- Running. Each fails with kResourceExhausted on a livelock. ---
  // Runs every event up to and including `until`, then sets Now() to `until`.
  [[nodiscard]] absl::Status RunUntil(absl::Time until);
  [[nodiscard]] absl::Status RunFor(absl::Duration duration);
  // Runs the next event; false when none is left.
  [[nodiscard]] absl::StatusOr<bool> Step();

  // --- Observation. ---
  absl::Time Now() const { return now_; }
  absl::Time start() const { return options_.start; }
  size_t size() const { return nodes_.size(); }
  const Router& router(NodeId node) const { return nodes_[node].router; }
  // The node's receive path (one interface): what it dropped before any router.
  const EndpointStats& endpoint_stats(NodeId node) const { return nodes_[node].endpoint->stats(); }
  const std::string& name(NodeId node) const { return nodes_[node].name; }
  bool alive(NodeId node) const { return nodes_[node].alive; }
  bool link_up(NodeId node) const { return nodes_[node].link_up; }
  // Live routers in Master, in NodeId order.
  std::vector<NodeId> Masters() const;
  // Nodes that have `address` on their interface, crashed ones included.
  std::vector<NodeId> Holders(const IpAddress& address) const;
  // When `node` last sent an advertisement (InfinitePast if never).
  absl::Time LastAdvertisementSent(NodeId node) const { return nodes_[node].last_advert; }
  uint64_t AdvertisementsDelivered() const { return delivered_; }
  uint64_t AdvertisementsLost() const { return lost_; }
  const std::vector<TimelineEntry>& timeline() const { return timeline_; }
  // The state changes only.
  std::vector<TimelineEntry> Transitions() const;
  // "+3.41s r1 BACKUP -> MASTER (master_down_timer)"; the time is relative to start().
  std::string Format(const TimelineEntry& entry) const;
  // Every entry, one per line.
  std::string TimelineText() const;

 private:
  struct Node {
    std::string name;
    RouterConfig config;
    Router router;
    bool alive = true;
    bool link_up = true;
    bool fault = false;  // tracked-check fault, kept across restarts
    AddressList held;
    absl::Time timer_at = absl::InfiniteFuture();
    uint64_t timer_generation = 0;
    absl::Time last_advert = absl::InfinitePast();
    // The node's interface: every received advertisement goes through it to `router`.
    std::unique_ptr<Endpoint> endpoint;
  };
  struct Packet {
    Advertisement adv;
    std::vector<uint8_t> bytes;  // with options.through_codec
  };
  struct Event {
    absl::Time time;
    uint64_t seq = 0;
    enum class Kind : uint8_t { kTimer, kDeliver, kScript } kind = Kind::kTimer;
    NodeId node = 0;
    uint64_t generation = 0;               // kTimer
    IpAddress source;                      // kDeliver
    std::shared_ptr<const Packet> packet;  // kDeliver: shared by the receivers
    std::function<void()> fn;              // kScript
  };
  struct Later {
    bool operator()(const Event& a, const Event& b) const {
      return a.time != b.time ? a.time > b.time : a.seq > b.seq;
    }
  };

  void Push(Event event);
  void Run(Event& event);
  void Pump(NodeId node);  // carries out the router's actions, then reschedules its timer
  void Bind(NodeId node);  // (re)routes the node's endpoint to its router
  void Send(NodeId from, uint8_t priority);
  void Record(NodeId node, TimelineEntry::Kind kind, std::string detail = {});
  void RecordNetwork(std::string detail);
  bool Blocked(NodeId from, NodeId to) const;
  double NextUniform();
  absl::Duration& LatencyOf(NodeId from, NodeId to);
  double& LossOf(NodeId from, NodeId to);

  SimulatedLanOptions options_;
  absl::Time now_;
  uint64_t seq_ = 0;
  uint64_t rng_state_;
  std::priority_queue<Event, std::vector<Event>, Later> queue_;
  std::deque<Node> nodes_;  // a deque: routers stay in place for their endpoints
  // Per direction, [from][to]; grown with the node count.
  std::vector<std::vector<absl::Duration>> latency_;
  std::vector<std::vector<double>> loss_;
  std::vector<std::vector<bool>> blocked_;
  std::vector<TimelineEntry> timeline_;
  std::vector<Action> scratch_;
  absl::Time instant_ = absl::InfinitePast();
  int64_t events_at_instant_ = 0;
  uint64_t delivered_ = 0;
  uint64_t lost_ = 0;
};

}  // namespace vrrp

template <>
struct fmt::formatter<vrrp::TimelineEntry::Kind> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(vrrp::TimelineEntry::Kind kind, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format(vrrp::TimelineKindName(kind), ctx);
  }
};

template <>
struct fmt::formatter<vrrp::TimelineEntry> : vrrp::internal::PlainFormatter {
  template <typename FormatContext>
  auto format(const vrrp::TimelineEntry& entry, FormatContext& ctx) const {
    return fmt::format_to(ctx.out(), "{}", vrrp::DescribeTimelineEntry(entry));
  }
};

#endif  // VRRP_TESTING_SIMULATED_LAN_H_
