// SimulatedLan: several VRRP routers on one Ethernet segment, with a virtual clock.
//
// For scenario tests, property tests, the policy's tests and the vrrp-sim tool. Each node runs a
// vrrp::Instance, the code the Linux Driver runs, over parts the LAN provides: a transport that
// carries its advertisements through links that can delay, lose (from a seeded generator: the
// same seed gives the same run), block one way or partition; an address manager that is the
// host's interface (testing::FakeAddressManager); an announcer that counts. Nodes can crash
// (like SIGKILL: silent, the addresses stay on the dead host), restart, shut down, lose their
// link (keepalived's FAULT) and change priority. Like vrrp::core, which is all it uses, it reads
// no clock and no OS random source. Part of vrrp::testing (link it): a tool for tests and
// vrrp-sim, not for a product's runtime.
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
// The timeline is made of the instances' own events (InstanceEvent: transitions, address
// changes, announcements, priority changes, sync waits), each entry carrying the event it came
// from, and of the LAN's entries for what happens to the hosts and the wire (crash, restart,
// link, fault, priority, reconfigure, network). One event model serves the Instance, the Driver
// and this timeline.
//
// The LAN is an InstanceSet, so the policy (vrrp::Policy: tracking, sync groups) runs on it as on
// the Linux Driver: a node's InstanceId is its NodeId + 1 (IdOf, NodeOf), its name is the
// instance's name.
//
// Ordering: events run in time order; events at the same time run in the order they were
// scheduled. With zero latency an advertisement is delivered at the instant it is sent, after
// whatever was already scheduled for that instant.
//
// Thread-safety: none. Lifetime: the LAN owns its nodes, their instances and their parts.
#ifndef VRRP_TESTING_SIMULATED_LAN_H_
#define VRRP_TESTING_SIMULATED_LAN_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "fmt/core.h"
#include "vrrp/action.h"
#include "vrrp/advertisement.h"
#include "vrrp/endpoint.h"
#include "vrrp/event.h"
#include "vrrp/instance.h"
#include "vrrp/instance_set.h"
#include "vrrp/router.h"
#include "vrrp/router_config.h"
#include "vrrp/testing/fakes.h"
#include "vrrp/transport.h"

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
  // Carry bytes instead of values: each advertisement, as its instance wrote it, goes through
  // each receiver's Endpoint, which decodes it with the receiver's version and authentication,
  // as on a real interface; a packet the codec refuses is counted on the receiver. Without it,
  // the sender's advertisement goes as a value through the Endpoint's OnAdvertisement.
  bool through_codec = false;
  // Also keep every InstanceEvent (drops and failed sends too, which the timeline leaves out) for
  // PollEvent, as the Driver does. Off by default: a run nobody polls would keep them all.
  bool queue_events = false;
  // VIP conflict detection for every node (vrrp/vip_conflict.h). The LAN carries ARP as well:
  // a node's announcements reach the others as gratuitous claims with its MAC
  // (SimulatedMac), and a probe is answered by every node whose interface holds the address,
  // or whose primary address it is, crashed nodes included (a killed daemon's kernel still
  // answers). Block() stops VRRP only (a firewall rule); Partition() stops ARP too.
  VipConflictConfig vip_conflict;
};

// A node's MAC on the simulated LAN: 02:00:00:00:xx:xx, from its NodeId + 1.
MacAddress SimulatedMac(size_t node);

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
    kNetwork,      // partition, block, heal: detail says which; router is "lan"
    kSyncWaiting,  // held by its sync group, the master-down timer ran out: it waits
  };
  absl::Time time;
  std::string router;
  Kind kind = Kind::kStateChanged;
  RouterState from = RouterState::kInitialize;
  RouterState to = RouterState::kInitialize;
  TransitionReason reason = TransitionReason::kNone;
  AddressList addresses;
  int count = 0;
  std::string detail;  // also why an address change or announcement failed
  // The instance's event this entry was made from; nullopt for the LAN's own entries (crash,
  // restart, link, fault, reconfigure, network, the stale addresses a restart removes, and a
  // priority script that left the effective priority as it was).
  std::optional<InstanceEvent> event;
};

// "state", "add", "remove", "announce", "crash", "restart", "link_down", "link_up", "fault",
// "fault_cleared", "priority", "reconfigure", "network", "sync_waiting".
std::string_view TimelineKindName(TimelineEntry::Kind kind);
// What happened, without the time: "r1 BACKUP -> MASTER (master_down_timer)", "r1 add 192.0.2.3".
std::string DescribeTimelineEntry(const TimelineEntry& entry);

// The instance configuration a node runs for `config`: named `name`, each virtual address on
// "eth0" with a host prefix (/32, /128), the router's authentication.
InstanceConfig SimulatedInstanceConfig(std::string name, const RouterConfig& config);

class SimulatedLan final : public InstanceSet {
 public:
  explicit SimulatedLan(SimulatedLanOptions options = {});
  ~SimulatedLan() override;
  SimulatedLan(const SimulatedLan&) = delete;
  SimulatedLan& operator=(const SimulatedLan&) = delete;

  // Adds a router (not started). kInvalidArgument for a bad configuration or a duplicate name.
  absl::StatusOr<NodeId> AddRouter(std::string name, RouterConfig config);

  // --- Events, at Now(). Use At() to script them at a later time. A crashed node takes no
  // input until Restart; its link, fault, priority and configuration still change what it
  // restarts with. ---
  void Start(NodeId node);
  void StartAll();
  void Shutdown(NodeId node);  // graceful: a Master resigns with priority 0
  void Crash(NodeId node);     // silent; addresses stay on the dead host (keepalived's SIGKILL)
  void Restart(NodeId node);   // fresh Instance (current configuration), stale addresses removed
  void SetLinkUp(NodeId node, bool up);    // down: no traffic either way, and Fault
  void SetFault(NodeId node, bool fault);  // a tracked check: Fault, link still up
  [[nodiscard]] absl::Status SetPriority(NodeId node, int priority);
  void SetPriorityDelta(NodeId node, int delta);
  [[nodiscard]] absl::Status Reconfigure(NodeId node, RouterConfig config);
  void SetSyncHold(NodeId node, bool hold);  // Instance::SetSyncHold
  void SyncStepDown(NodeId node);            // Instance::SyncStepDown
  // Adding and removing the node's virtual addresses fails with `status` (no CAP_NET_ADMIN...);
  // OkStatus() makes it work again. Takes effect at the node's next address call.
  void FailAddresses(NodeId node, absl::Status status);
  // An operator's `ip addr del` on the node: its interface no longer holds `address` and its
  // daemon does not know. A Master then advertises a VIP nobody answers for (a black hole).
  void DeleteAddress(NodeId node, const IpAddress& address);

  // --- Links, per direction. ---
  void SetLatency(NodeId from, NodeId to, absl::Duration latency);
  void SetLoss(NodeId from, NodeId to, double probability);  // 0..1
  void Block(NodeId from, NodeId to);  // e.g. `to`'s firewall drops VRRP from `from` (not ARP)
  void Unblock(NodeId from, NodeId to);
  // ARP and NA from `from` no longer reach `to` (VRRP still does): `from` cannot answer `to`'s
  // probes, as when `from` filters ARP (arp_ignore, an ARP firewall). Heal() ends it.
  void BlockArp(NodeId from, NodeId to);
  // Blocks everything, ARP included, both ways between every node of `a` and every node of `b`.
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
  // The node's instance; a crashed node's is the one that crashed, until Restart.
  const Instance& instance(NodeId node) const { return *nodes_[node].instance; }
  const Router& router(NodeId node) const { return nodes_[node].instance->router(); }
  // The node's receive path (one interface): what it dropped before any router.
  const EndpointStats& endpoint_stats(NodeId node) const { return nodes_[node].endpoint->stats(); }
  // The node's interface (its addresses, and every add and remove) and its announcements.
  const testing::FakeAddressManager& addresses(NodeId node) const { return nodes_[node].addresses; }
  const testing::FakeAnnouncer& announcer(NodeId node) const { return nodes_[node].announcer; }
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
  // With options.queue_events, the oldest InstanceEvent of any node not yet polled.
  std::optional<InstanceEvent> PollEvent() { return polled_.Poll(); }

  // --- InstanceSet: the policy's view. A node's id is its NodeId + 1; only live nodes are
  // running. `now` must be Now(): the LAN keeps the one clock, and acts at Now(). As with the
  // Driver, an id that is not running is ignored (setters) or answers nullptr / false. ---
  static InstanceId IdOf(NodeId node) { return InstanceId{static_cast<uint32_t>(node + 1)}; }
  std::optional<NodeId> NodeOf(InstanceId id) const;
  std::vector<InstanceId> ids() const override;
  std::optional<InstanceId> Find(std::string_view name) const override;
  const Router* router(InstanceId id) const override;
  // SetFault: the node's tracked-check fault.
  void SetExternalFault(absl::Time now, InstanceId id, bool fault) override;
  // The node's link is down.
  bool InterfaceFault(InstanceId id) const override;
  void SetPriorityDelta(absl::Time now, InstanceId id, int delta) override;
  void SetSyncHold(absl::Time now, InstanceId id, bool hold) override;
  void SyncStepDown(absl::Time now, InstanceId id) override;

 private:
  // A node's Transport: its advertisements go onto the LAN (Send), never read back (the LAN
  // delivers to each receiver's Endpoint itself).
  class NodeTransport final : public Transport {
   public:
    NodeTransport(SimulatedLan& lan, NodeId node) : lan_(&lan), node_(node) {}
    absl::Status Send(absl::Span<const uint8_t> payload, const IpAddress& source,
                      const IpAddress& destination) override;
    absl::StatusOr<std::optional<ReceivedPacket>> Receive(absl::Span<uint8_t> buffer) override;

   private:
    SimulatedLan* lan_;
    NodeId node_;
  };
  // Each VRID and family is as if on a segment of its own: a send reaches only the nodes of its
  // segment, found without looking at the others (the 1,000-router benchmark).
  using Segment = std::pair<int, Family>;
  struct Node {
    std::string name;
    InstanceConfig config;  // what it runs, and restarts with
    std::unique_ptr<NodeTransport> transport;
    testing::FakeAddressManager addresses;
    testing::FakeAnnouncer announcer;
    std::unique_ptr<Instance> instance;
    bool alive = true;
    bool link_up = true;
    bool fault = false;  // tracked-check fault, kept across restarts
    // The tracking weights' sum it last got (its router's while alive); a restart starts at 0.
    int priority_delta = 0;
    absl::Time timer_at = absl::InfiniteFuture();
    uint64_t timer_generation = 0;
    absl::Time last_advert = absl::InfinitePast();
    // The node's interface: every received advertisement goes through it to the router.
    std::unique_ptr<Endpoint> endpoint;
    std::optional<Segment> segment;  // where Bind put it
  };
  struct Packet {
    Advertisement adv;
    std::vector<uint8_t> bytes;  // with options.through_codec
  };
  struct Event {
    absl::Time time;
    uint64_t seq = 0;
    enum class Kind : uint8_t { kTimer, kDeliver, kScript, kClaim } kind = Kind::kTimer;
    NodeId node = 0;
    uint64_t generation = 0;               // kTimer
    IpAddress source;                      // kDeliver
    IpAddress destination;                 // kDeliver
    std::shared_ptr<const Packet> packet;  // kDeliver: shared by the receivers
    std::function<void()> fn;              // kScript
    AddressClaim claim;                    // kClaim
  };
  struct Later {
    bool operator()(const Event& a, const Event& b) const {
      return a.time != b.time ? a.time > b.time : a.seq > b.seq;
    }
  };

  absl::Status CreateInstance(NodeId node);
  void Push(Event event);
  void Run(Event& event);
  // After each call into a node's instance: its events into the timeline, then its timer.
  void Drain(NodeId node);
  // An instance's event: into the timeline (if it goes there), and kept for PollEvent.
  void Take(InstanceEvent event);
  void Reschedule(NodeId node);
  // (Re)routes the node's endpoint to its router, and Places it.
  void Bind(NodeId node);
  // Puts the node on the segment of its configuration.
  void Place(NodeId node);
  void Send(NodeId from, absl::Span<const uint8_t> payload, const IpAddress& source,
            const IpAddress& destination);
  TimelineEntry& Record(NodeId node, TimelineEntry::Kind kind, std::string detail = {});
  void RecordNetwork(std::string detail);
  bool Blocked(NodeId from, NodeId to) const;
  // An ARP / NA frame `from` sent for `address`: an announcement reaches every other node as a
  // claim; a probe is answered by the nodes that hold the address.
  void Arp(NodeId from, const IpAddress& address, bool probe);
  void DeliverClaim(NodeId from, NodeId to, const AddressClaim& claim);
  double NextUniform();
  absl::Duration& LatencyOf(NodeId from, NodeId to);
  double& LossOf(NodeId from, NodeId to);

  SimulatedLanOptions options_;
  absl::Time now_;
  uint64_t seq_ = 0;
  uint64_t rng_state_;
  std::priority_queue<Event, std::vector<Event>, Later> queue_;
  std::deque<Node> nodes_;  // a deque: nodes stay in place for their instances and endpoints
  // Per direction, [from][to]; grown with the node count.
  std::vector<std::vector<absl::Duration>> latency_;
  std::vector<std::vector<double>> loss_;
  std::vector<std::vector<bool>> blocked_;
  std::vector<std::vector<bool>> arp_blocked_;       // Partition, BlockArp
  std::map<Segment, std::vector<NodeId>> segments_;  // each in NodeId order
  EventQueue events_;  // every instance reports here; drained after each call into one
  EventQueue polled_;  // with options.queue_events, for PollEvent
  std::vector<TimelineEntry> timeline_;
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
struct fmt::formatter<vrrp::TimelineEntry> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(const vrrp::TimelineEntry& entry, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format(vrrp::DescribeTimelineEntry(entry), ctx);
  }
};

#endif  // VRRP_TESTING_SIMULATED_LAN_H_
