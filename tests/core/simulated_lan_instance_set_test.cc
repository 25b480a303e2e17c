// The simulated LAN as an InstanceSet: what the policy layer (tracking, sync groups) drives, here
// driven by hand through the interface alone, so the policy can be tested on the LAN without
// root. Also: the timeline's entries carry the instance events they were made from, and
// PollEvent hands those events out as the Driver does.
#include <algorithm>
#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

#include "vrrp/instance_set.h"
#include "vrrp/testing/simulated_lan.h"

namespace vrrp {
namespace {

const IpAddress kVip = IpAddress::V4(192, 0, 2, 3);

RouterConfig Config(int host, int priority) {
  RouterConfig c;
  c.vrid = 50;
  c.priority = priority;
  c.virtual_addresses = {kVip};
  c.primary_address = IpAddress::V4(192, 0, 2, static_cast<uint8_t>(host));
  return c;
}

// r1 (priority 150) and r2 (100), VRRPv3 at 1 s, not started.
struct Pair {
  SimulatedLan lan;
  NodeId r1 = 0, r2 = 0;
  InstanceId id1, id2;

  explicit Pair(SimulatedLanOptions options = {}) : lan(options) {
    absl::StatusOr<NodeId> a = lan.AddRouter("r1", Config(1, 150));
    absl::StatusOr<NodeId> b = lan.AddRouter("r2", Config(2, 100));
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    r1 = *a;
    r2 = *b;
    id1 = *lan.Find("r1");
    id2 = *lan.Find("r2");
  }
  void Run(absl::Duration d) {
    absl::Status s = lan.RunFor(d);
    INFO(lan.TimelineText());
    REQUIRE(s.ok());
  }
  // Only through the interface the policy sees.
  InstanceSet& set() { return lan; }
};

TEST_CASE("SimulatedLan as an InstanceSet: ids are NodeId + 1, names are the routers'") {
  Pair p;
  InstanceSet& set = p.set();
  CHECK(p.id1 == InstanceId{1});
  CHECK(p.id2 == InstanceId{2});
  CHECK(SimulatedLan::IdOf(p.r2) == p.id2);
  CHECK(p.lan.NodeOf(p.id2) == p.r2);
  CHECK(set.ids() == std::vector<InstanceId>{p.id1, p.id2});
  CHECK_FALSE(set.Find("r3").has_value());
  CHECK(set.router(p.id1) == &p.lan.router(p.r1));
  CHECK(set.router(InstanceId::kNone) == nullptr);
  CHECK(set.router(InstanceId{3}) == nullptr);
  CHECK_FALSE(set.InterfaceFault(p.id1));

  p.lan.StartAll();
  p.Run(absl::Seconds(5));
  SECTION("link down is the runner's own fault reason") {
    p.lan.SetLinkUp(p.r2, false);
    CHECK(set.InterfaceFault(p.id2));
    CHECK(set.router(p.id2)->state() == RouterState::kFault);
  }
  SECTION("a crashed node is not running: no id, no router, setters ignored") {
    p.lan.Crash(p.r1);
    CHECK(set.ids() == std::vector<InstanceId>{p.id2});
    CHECK_FALSE(set.Find("r1").has_value());
    CHECK(set.router(p.id1) == nullptr);
    const size_t entries = p.lan.timeline().size();
    set.SetExternalFault(p.lan.Now(), p.id1, true);
    set.SyncStepDown(p.lan.Now(), p.id1);
    CHECK(p.lan.timeline().size() == entries);
    // Restarted, it runs again under the same id.
    p.lan.Restart(p.r1);
    CHECK(set.Find("r1") == p.id1);
    CHECK(set.router(p.id1) == &p.lan.router(p.r1));
  }
}

TEST_CASE("SimulatedLan sync hold: a held Backup waits, released it becomes Master at once") {
  Pair p;
  InstanceSet& set = p.set();
  // The sync group holds both before they start, as vrrp::Policy does.
  set.SetSyncHold(p.lan.Now(), p.id1, true);
  set.SetSyncHold(p.lan.Now(), p.id2, true);
  p.lan.StartAll();
  // Both master-down timers run out (3 s + skew); neither takes over on its own.
  p.Run(absl::Seconds(5));
  CHECK(p.lan.Masters().empty());
  CHECK(set.router(p.id1)->state() == RouterState::kBackup);
  CHECK(set.router(p.id1)->sync_ready());
  CHECK(set.router(p.id2)->sync_ready());
  CHECK(p.lan.Holders(kVip).empty());
  // Each wait is in the timeline, with the instance's own event.
  std::vector<std::string> waits;
  for (const TimelineEntry& e : p.lan.timeline()) {
    if (e.kind != TimelineEntry::Kind::kSyncWaiting) continue;
    waits.push_back(DescribeTimelineEntry(e));
    REQUIRE(e.event.has_value());
    CHECK(e.event->kind == InstanceEvent::Kind::kSyncWaiting);
    CHECK(e.event->id == *set.Find(e.router));
  }
  CHECK(waits == std::vector<std::string>{"r1 sync_waiting", "r2 sync_waiting"});

  // Released, r1 is Master now, not after another timer.
  const absl::Time released = p.lan.Now();
  set.SetSyncHold(released, p.id1, false);
  CHECK(set.router(p.id1)->state() == RouterState::kMaster);
  CHECK(p.lan.Masters() == std::vector<NodeId>{p.r1});
  CHECK(p.lan.Holders(kVip) == std::vector<NodeId>{p.r1});
  const TimelineEntry became = p.lan.Transitions().back();
  CHECK(became.time == released);
  CHECK(became.router == "r1");
  CHECK(became.to == RouterState::kMaster);
  // r2, still held, hears r1 and stays Backup.
  p.Run(absl::Seconds(10));
  CHECK(p.lan.Masters() == std::vector<NodeId>{p.r1});
  CHECK(set.router(p.id2)->state() == RouterState::kBackup);
}

TEST_CASE("SimulatedLan sync step-down takes a Master to Backup with its addresses") {
  Pair p;
  InstanceSet& set = p.set();
  p.lan.StartAll();
  p.Run(absl::Seconds(5));
  REQUIRE(p.lan.Masters() == std::vector<NodeId>{p.r1});
  const absl::Time at = p.lan.Now();
  set.SyncStepDown(at, p.id1);
  CHECK(set.router(p.id1)->state() == RouterState::kBackup);
  CHECK(p.lan.Holders(kVip).empty());
  const TimelineEntry down = p.lan.Transitions().back();
  CHECK(p.lan.Format(down) == "+5s r1 MASTER -> BACKUP (sync_group)");
  REQUIRE(down.event.has_value());
  CHECK(down.event->id == p.id1);
  CHECK(down.event->transition.reason == TransitionReason::kSyncGroup);
  // A step-down does not resign (no priority 0): r2 waits its whole master-down interval.
  CHECK(down.time == at);
  SECTION("a Backup is not moved") {
    const size_t entries = p.lan.timeline().size();
    set.SyncStepDown(p.lan.Now(), p.id2);
    CHECK(p.lan.timeline().size() == entries);
  }
}

TEST_CASE("SimulatedLan external fault moves the VIP to the other node and back") {
  Pair p;
  InstanceSet& set = p.set();
  p.lan.StartAll();
  p.Run(absl::Seconds(5));
  REQUIRE(p.lan.Holders(kVip) == std::vector<NodeId>{p.r1});

  set.SetExternalFault(p.lan.Now(), p.id1, true);
  CHECK(set.router(p.id1)->state() == RouterState::kFault);
  CHECK_FALSE(set.InterfaceFault(p.id1));  // a tracked check, not the link
  // r1 resigned (priority 0): r2 takes over after its skew time, 0.60 s at priority 100.
  p.Run(absl::Seconds(1));
  CHECK(p.lan.Masters() == std::vector<NodeId>{p.r2});
  CHECK(p.lan.Holders(kVip) == std::vector<NodeId>{p.r2});

  set.SetExternalFault(p.lan.Now(), p.id1, false);
  p.Run(absl::Seconds(5));
  CHECK(p.lan.Masters() == std::vector<NodeId>{p.r1});
  CHECK(p.lan.Holders(kVip) == std::vector<NodeId>{p.r1});
  // The LAN's own entries for the fault, between the instances' events.
  std::vector<std::string> faults;
  for (const TimelineEntry& e : p.lan.timeline()) {
    if (e.kind == TimelineEntry::Kind::kFaultRaised ||
        e.kind == TimelineEntry::Kind::kFaultCleared) {
      faults.push_back(p.lan.Format(e));
      CHECK_FALSE(e.event.has_value());
    }
  }
  CHECK(faults == std::vector<std::string>{"+5s r1 fault", "+6s r1 fault_cleared"});
}

TEST_CASE("SimulatedLan priority delta through the InstanceSet carries the instance's event") {
  Pair p;
  InstanceSet& set = p.set();
  p.lan.StartAll();
  p.Run(absl::Seconds(5));
  set.SetPriorityDelta(p.lan.Now(), p.id1, -60);  // 90 < 100: r2 preempts
  CHECK(set.router(p.id1)->priority_delta() == -60);
  // The entry is the instance's kPriorityChanged, with the old and new values.
  auto it =
      std::find_if(p.lan.timeline().begin(), p.lan.timeline().end(),
                   [](const TimelineEntry& e) { return e.kind == TimelineEntry::Kind::kPriority; });
  REQUIRE(it != p.lan.timeline().end());
  const TimelineEntry& priority = *it;
  REQUIRE(priority.kind == TimelineEntry::Kind::kPriority);
  CHECK(DescribeTimelineEntry(priority) == "r1 priority 90");
  REQUIRE(priority.event.has_value());
  CHECK(priority.event->kind == InstanceEvent::Kind::kPriorityChanged);
  CHECK(priority.event->previous == 150);
  p.Run(absl::Seconds(5));
  CHECK(p.lan.Masters() == std::vector<NodeId>{p.r2});
  // The same delta again changes nothing, but the script's call is still in the timeline.
  const size_t entries = p.lan.timeline().size();
  p.lan.SetPriorityDelta(p.r1, -60);
  REQUIRE(p.lan.timeline().size() == entries + 1);
  CHECK_FALSE(p.lan.timeline().back().event.has_value());
}

TEST_CASE("SimulatedLan entries carry their instance events, and PollEvent has them all") {
  SimulatedLanOptions options;
  options.queue_events = true;
  options.through_codec = true;
  Pair p(options);
  p.lan.StartAll();
  p.Run(absl::Seconds(5));
  // r1's takeover: the transition, the address on eth0 /32, the announcement.
  std::vector<std::string> r1;
  for (const TimelineEntry& e : p.lan.timeline()) {
    if (e.router != "r1") continue;
    REQUIRE(e.event.has_value());
    CHECK(e.event->id == p.id1);
    CHECK(e.event->time == e.time);
    r1.push_back(fmt::format("{}", *e.event));
  }
  CHECK(r1 == std::vector<std::string>{
                  "r1 transition INIT -> BACKUP (startup)",
                  "r1 transition BACKUP -> MASTER (master_down_timer)",
                  "r1 address_added 192.0.2.3/32 dev eth0 scope global",
                  "r1 announced 192.0.2.3 x5",
              });
  CHECK(p.lan.addresses(p.r1).calls() ==
        std::vector<std::string>{"add 192.0.2.3/32 dev eth0 scope global"});
  CHECK(p.lan.announcer(p.r1).count(kVip) == 5);

  // Every event so far is also in the timeline. A refused packet is not, but PollEvent has it:
  // r2 becomes a VRRPv2 router on r1's v3 segment, and r1's codec refuses its packets.
  size_t polled = 0;
  while (std::optional<InstanceEvent> e = p.lan.PollEvent()) {
    ++polled;
    CHECK(e->kind != InstanceEvent::Kind::kDrop);
  }
  CHECK(polled == p.lan.timeline().size());
  RouterConfig v2 = Config(2, 100);
  v2.version = Version::kV2;
  REQUIRE(p.lan.Reconfigure(p.r2, v2).ok());
  p.Run(absl::Seconds(5));
  bool dropped = false;
  while (std::optional<InstanceEvent> e = p.lan.PollEvent()) {
    if (e->kind == InstanceEvent::Kind::kDrop && e->id == p.id1) dropped = true;
  }
  CHECK(dropped);
  CHECK(p.lan.router(p.r1).stats().drops[DropReason::kVersion] > 0);
}

}  // namespace
}  // namespace vrrp
