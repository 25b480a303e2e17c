// VIP conflict detection on the simulated LAN, which carries ARP beside VRRP (issue 13; DESIGN.md
// "VIP conflicts: who yields"): the one-way block that makes two masters with keepalived ends
// within two advertisement intervals with the right holder, in both directions and both ways;
// a killed master's leftover VIP never makes its successor yield; a total partition stays a
// split brain (documented); and the black-hole check. Times are virtual, in centiseconds.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "support/lan_scenario.h"
#include "vrrp/testing/fakes.h"
#include "vrrp/testing/simulated_lan.h"

namespace vrrp {
namespace {

using namespace scenario;  // NOLINT: At, Cs, kVip, Config, Add, Run, WhenBecame, Ids

SimulatedLanOptions Detection(VipConflictMode mode = VipConflictMode::kYield) {
  SimulatedLanOptions options;
  options.vip_conflict.mode = mode;
  options.queue_events = true;
  return options;
}

// r1 (150) is Master from 3.41 s; r2 (100) is its Backup.
struct Pair {
  explicit Pair(SimulatedLanOptions options = Detection()) : lan(options) {
    r1 = Add(lan, "r1", Config(1, 150));
    r2 = Add(lan, "r2", Config(2, 100));
    lan.StartAll();
    Run(lan, At(1000));
    REQUIRE(lan.Masters() == Ids({r1}));
  }
  SimulatedLan lan;
  NodeId r1 = 0;
  NodeId r2 = 0;
};

// How long `router` was Master in [from, to): the split brain it took part in.
absl::Duration MasterTime(const SimulatedLan& lan, const std::string& router, absl::Time from,
                          absl::Time to) {
  absl::Duration total;
  std::optional<absl::Time> since;
  for (const TimelineEntry& e : lan.Transitions()) {
    if (e.router != router || e.time >= to) continue;
    if (e.to == RouterState::kMaster && e.time >= from) since = e.time;
    if (e.from == RouterState::kMaster && since) {
      total += e.time - *since;
      since.reset();
    }
  }
  if (since) total += to - *since;
  return total;
}

std::vector<InstanceEvent> Conflicts(SimulatedLan& lan, const std::string& router) {
  std::vector<InstanceEvent> out;
  while (std::optional<InstanceEvent> e = lan.PollEvent()) {
    if (e->instance == router && e->kind == InstanceEvent::Kind::kVipConflict) out.push_back(*e);
  }
  return out;
}

TEST_CASE("One-way block: the deaf backup yields to the master within two intervals") {
  Pair p;
  p.lan.Block(p.r1, p.r2);  // r2's firewall drops VRRP from r1; ARP still flows
  Run(p.lan, At(3000));
  // r2 heard r1 last at 9.41 s: Master at 9.41 + 3 x 1 + 0.60 = 13.01 s.
  REQUIRE(WhenBecame(p.lan, "r2", RouterState::kMaster) == At(1301));
  const std::optional<absl::Time> yielded = WhenBecame(p.lan, "r2", RouterState::kFault);
  REQUIRE(yielded);
  CHECK(*yielded - At(1301) <= Cs(200));
  CHECK(p.lan.instance(p.r2).router().stats().last_transition_reason ==
        TransitionReason::kVipConflict);
  CHECK(p.lan.Masters() == Ids({p.r1}));
  CHECK(p.lan.Holders(kVip) == Ids({p.r1}));  // exactly one holder, the higher priority
  CHECK(p.lan.instance(p.r2).conflict_fault());
  CHECK(p.lan.instance(p.r2).conflict_stats().yields == 1);
  // r1 never left Master.
  CHECK(MasterTime(p.lan, "r1", At(341), At(3000)) == At(3000) - At(341));

  const std::vector<InstanceEvent> events = Conflicts(p.lan, "r2");
  REQUIRE(!events.empty());
  CHECK(events.back().conflict == ConflictOutcome::kYielded);
  CHECK(events.back().peer == IpAddress::V4(192, 0, 2, 1));
  CHECK(events.back().mac == SimulatedMac(p.r1));

  SECTION("the block lifts: r2 rejoins as Backup, no flap") {
    p.lan.Unblock(p.r1, p.r2);
    Run(p.lan, At(3500));
    CHECK(p.lan.router(p.r2).state() == RouterState::kBackup);
    CHECK(!p.lan.instance(p.r2).conflict_fault());
    CHECK(p.lan.instance(p.r2).conflict_stats().rejoins == 1);
    CHECK(p.lan.Masters() == Ids({p.r1}));
    CHECK(WhenBecame(p.lan, "r2", RouterState::kMaster, At(3000)) == std::nullopt);
  }

  SECTION("the block stays: short retests only, about every 34 s") {
    Run(p.lan, At(15000));
    // Each mastership of r2 is a retest that ends within two intervals.
    int masterships = 0;
    for (const TimelineEntry& e : p.lan.Transitions()) {
      if (e.router != "r2" || e.to != RouterState::kMaster) continue;
      ++masterships;
      const std::optional<absl::Time> end = WhenBecame(p.lan, "r2", RouterState::kFault, e.time);
      REQUIRE(end);
      CHECK(*end - e.time <= Cs(200));
    }
    CHECK(masterships >= 3);
    CHECK(masterships <= 6);
    CHECK(MasterTime(p.lan, "r2", At(1000), At(15000)) <= Cs(200) * masterships);
    CHECK(p.lan.Masters() == Ids({p.r1}));
  }
}

TEST_CASE("One-way block without conflict detection: two masters for the whole block") {
  Pair p(Detection(VipConflictMode::kOff));
  p.lan.Block(p.r1, p.r2);
  Run(p.lan, At(3000));
  CHECK(p.lan.Masters() == Ids({p.r1, p.r2}));
  CHECK(p.lan.Holders(kVip) == Ids({p.r1, p.r2}));
}

TEST_CASE("Report mode: the conflict is reported and re-claimed, never yielded to") {
  Pair p(Detection(VipConflictMode::kReport));
  p.lan.Block(p.r1, p.r2);
  Run(p.lan, At(3000));
  CHECK(p.lan.Masters() == Ids({p.r1, p.r2}));
  CHECK(p.lan.instance(p.r2).conflict_stats().yields == 0);
  CHECK(p.lan.instance(p.r2).conflict_stats().reclaims > 0);
  CHECK(p.lan.instance(p.r1).conflict_stats().reclaims > 0);
  // At most one re-claim per interval each.
  CHECK(p.lan.instance(p.r2).conflict_stats().reclaims <= (3000 - 1301) / 100 + 1);
}

TEST_CASE("One-way block the other way: no split arises") {
  Pair p;
  p.lan.Block(p.r2, p.r1);  // r1 cannot hear r2: r2 is a quiet Backup anyway
  Run(p.lan, At(6000));
  CHECK(p.lan.Masters() == Ids({p.r1}));
  CHECK(WhenBecame(p.lan, "r2", RouterState::kMaster) == std::nullopt);
}

TEST_CASE("Two-way VRRP block with ARP flowing: the higher priority keeps the VIP") {
  Pair p;
  p.lan.Block(p.r1, p.r2);
  p.lan.Block(p.r2, p.r1);
  Run(p.lan, At(3000));
  CHECK(p.lan.Masters() == Ids({p.r1}));
  CHECK(p.lan.Holders(kVip) == Ids({p.r1}));
  CHECK(MasterTime(p.lan, "r2", At(1000), At(3000)) <= Cs(200));
}

TEST_CASE("Total partition: ARP lost too, both stay Master (cannot be detected)") {
  Pair p;
  p.lan.Partition({p.r1}, {p.r2});
  Run(p.lan, At(3000));
  CHECK(p.lan.Masters() == Ids({p.r1, p.r2}));
  p.lan.Heal();
  Run(p.lan, At(3200));
  CHECK(p.lan.Masters() == Ids({p.r1}));
  CHECK(p.lan.Holders(kVip) == Ids({p.r1}));
}

TEST_CASE("A killed master's leftover VIP never makes its successor yield") {
  Pair p;
  p.lan.Crash(p.r1);  // like SIGKILL: its kernel keeps the VIP and answers for it
  Run(p.lan, At(9000));
  CHECK(p.lan.Masters() == Ids({p.r2}));
  CHECK(p.lan.Holders(kVip) == Ids({p.r1, p.r2}));
  CHECK(p.lan.instance(p.r2).conflict_stats().yields == 0);
  // Its new-Master probe found the leftover, which it claimed back once.
  CHECK(p.lan.instance(p.r2).conflict_stats().reclaims == 1);
  const std::vector<InstanceEvent> events = Conflicts(p.lan, "r2");
  REQUIRE(!events.empty());
  CHECK(events.back().conflict == ConflictOutcome::kReclaimed);
  CHECK(events.back().mac == SimulatedMac(p.r1));
}

TEST_CASE("Preemption: the old Master goes to Backup as the RFC says, never through Fault") {
  SimulatedLanOptions options = Detection();
  options.latency = absl::Milliseconds(1);
  Pair p(options);
  p.lan.Crash(p.r1);
  Run(p.lan, At(2000));
  REQUIRE(p.lan.Masters() == Ids({p.r2}));
  p.lan.Restart(p.r1);  // its leftover VIP removed; it preempts r2 after its timer
  Run(p.lan, At(3000));
  CHECK(p.lan.Masters() == Ids({p.r1}));
  CHECK(p.lan.Holders(kVip) == Ids({p.r1}));
  CHECK(WhenBecame(p.lan, "r2", RouterState::kFault) == std::nullopt);
  CHECK(p.lan.instance(p.r2).conflict_stats().yields == 0);
}

TEST_CASE("Yielded, then the holder dies during the block: the yielded router takes over") {
  Pair p;
  p.lan.Block(p.r1, p.r2);
  Run(p.lan, At(2000));
  REQUIRE(p.lan.instance(p.r2).conflict_fault());
  SECTION("killed, its VIP left behind: retest after 30 probes without an announcement") {
    p.lan.Crash(p.r1);
    Run(p.lan, At(9000));
    CHECK(p.lan.Masters() == Ids({p.r2}));
    const std::optional<absl::Time> took = WhenBecame(p.lan, "r2", RouterState::kMaster, At(2000));
    REQUIRE(took);
    CHECK(*took <= At(2000 + 3000 + 400));
  }
  SECTION("shut down cleanly, VIP removed: three unanswered probes") {
    p.lan.Shutdown(p.r1);
    Run(p.lan, At(3000));
    CHECK(p.lan.Masters() == Ids({p.r2}));
    const std::optional<absl::Time> took = WhenBecame(p.lan, "r2", RouterState::kMaster, At(2000));
    REQUIRE(took);
    // 3 probes at 1 s, then Backup and its Master_Down_Interval (3.60 s).
    CHECK(*took <= At(2000 + 400 + 400));
  }
}

TEST_CASE("Black-hole check: a Backup reports a Master whose VIP nobody answers for") {
  SimulatedLanOptions options = Detection();
  options.vip_conflict.probe_interval = absl::Seconds(5);
  Pair p(options);
  Run(p.lan, At(3000));
  CHECK(p.lan.instance(p.r2).conflict_stats().black_holes == 0);
  const uint64_t probes = p.lan.instance(p.r2).conflict_stats().probes;
  CHECK(probes >= 4);          // every 5 s while a Master is heard
  p.lan.BlockArp(p.r1, p.r2);  // r1 no longer answers r2 for its VIP
  Run(p.lan, At(6000));
  // Each found after 3 unanswered probes a second apart, then the 5 s period again.
  CHECK(p.lan.instance(p.r2).conflict_stats().black_holes >= 3);
  CHECK(p.lan.instance(p.r2).conflict_stats().black_holes <= 5);
  CHECK(p.lan.instance(p.r2).conflict_stats().takeovers == 0);
  CHECK(p.lan.router(p.r2).stats().drops[DropReason::kDistrusted] == 0);
  bool reported = false;
  while (std::optional<InstanceEvent> e = p.lan.PollEvent()) {
    if (e->kind != InstanceEvent::Kind::kBlackHole) continue;
    reported = true;
    CHECK(e->instance == "r2");
    CHECK(e->peer == IpAddress::V4(192, 0, 2, 1));
    REQUIRE(e->address);
    CHECK(e->address->address == kVip);
  }
  CHECK(reported);
  CHECK(p.lan.Masters() == Ids({p.r1}));  // reported, not acted on
}

TEST_CASE("Black-hole check: one lost answer is no black hole") {
  SimulatedLanOptions options = Detection();
  options.vip_conflict.probe_interval = absl::Seconds(5);
  options.vip_conflict.take_over_black_hole = true;
  Pair p(options);
  // Block r1's ARP for two seconds around one of r2's probes: it asks again once, still
  // unanswered, and the third probe is answered.
  Run(p.lan, At(2950));
  p.lan.BlockArp(p.r1, p.r2);
  const uint64_t before = p.lan.instance(p.r2).conflict_stats().probes;
  Run(p.lan, At(3150));
  CHECK(p.lan.instance(p.r2).conflict_stats().probes - before == 2);  // both unanswered
  p.lan.Heal();
  Run(p.lan, At(6000));
  CHECK(p.lan.instance(p.r2).conflict_stats().black_holes == 0);
  CHECK(p.lan.Masters() == Ids({p.r1}));
}

TEST_CASE("Black-hole takeover: a Backup takes over from a Master whose VIP was deleted") {
  SimulatedLanOptions options = Detection();
  options.vip_conflict.probe_interval = absl::Seconds(5);
  options.vip_conflict.take_over_black_hole = true;
  Pair p(options);
  Run(p.lan, At(3000));
  p.lan.DeleteAddress(p.r1, kVip);  // `ip addr del` behind r1's daemon: it goes on advertising
  Run(p.lan, At(6000));
  const std::optional<absl::Time> took = WhenBecame(p.lan, "r2", RouterState::kMaster);
  REQUIRE(took);
  // The next probe (at most 5 s), 3 unanswered a second apart, then Skew_Time (0.61 s).
  CHECK(*took <= At(3000 + 500 + 300 + 61));
  CHECK(p.lan.instance(p.r2).router().stats().last_new_master_reason ==
        TransitionReason::kBlackHole);
  CHECK(p.lan.Holders(kVip) == Ids({p.r2}));                  // the VIP answers again, from r2
  CHECK(p.lan.router(p.r2).state() == RouterState::kMaster);  // no flap back
  CHECK(p.lan.router(p.r2).distrusted() == IpAddress::V4(192, 0, 2, 1));
  CHECK(p.lan.router(p.r2).stats().drops[DropReason::kDistrusted] >= 20);
  const VipConflictStats& s = p.lan.instance(p.r2).conflict_stats();
  CHECK(s.black_holes == 1);
  CHECK(s.takeovers == 1);
}

TEST_CASE("Black-hole takeover ends when the Master's answers come through again") {
  SimulatedLanOptions options = Detection();
  options.vip_conflict.probe_interval = absl::Seconds(5);
  options.vip_conflict.take_over_black_hole = true;
  Pair p(options);
  Run(p.lan, At(3000));
  p.lan.BlockArp(p.r1, p.r2);  // r1 holds the VIP, but r2 cannot hear it say so
  Run(p.lan, At(4500));
  REQUIRE(p.lan.router(p.r2).state() == RouterState::kMaster);
  p.lan.Heal();
  Run(p.lan, At(6000));
  // r2's next probe (every 5 s while it distrusts) is answered by r1's kernel: r1's
  // advertisements count again and, outranking r2, make it Backup.
  const std::optional<absl::Time> back = WhenBecame(p.lan, "r2", RouterState::kBackup, At(4500));
  REQUIRE(back);
  CHECK(*back <= At(4500 + 500 + 100 + 1));
  CHECK(p.lan.router(p.r2).state() == RouterState::kBackup);
  CHECK_FALSE(p.lan.router(p.r2).distrusted());
  CHECK(p.lan.Masters() == Ids({p.r1}));
  CHECK(p.lan.Holders(kVip) == Ids({p.r1}));
}

// The rule without the LAN: a host that is no VRRP router claims the VIP.
TEST_CASE("A non-router claiming the VIP is re-claimed against at most once per interval") {
  testing::FakeTransport transport;
  testing::FakeAddressManager addresses;
  testing::FakeAnnouncer announcer;
  InstanceConfig config = SimulatedInstanceConfig("VI_1", Config(1, 150));
  config.vip_conflict.mode = VipConflictMode::kYield;
  auto instance = Instance::Create(config, transport, addresses, announcer);
  REQUIRE(instance.ok());
  Instance& vi = **instance;
  vi.Start(At(0));
  vi.OnTimer(At(341));
  REQUIRE(vi.router().state() == RouterState::kMaster);
  CHECK(announcer.probed() == std::vector<IpAddress>{kVip});  // the new Master's probe
  const int before = announcer.count(kVip);
  const AddressClaim stranger{.kind = AddressClaim::Kind::kArpRequest,
                              .address = kVip,
                              .mac = *MacAddress::Parse("02:aa:bb:cc:dd:ee"),
                              .gratuitous = true};
  vi.OnAddressClaim(At(400), stranger);
  vi.OnAddressClaim(At(450), stranger);  // within the interval: counted, not answered
  CHECK(announcer.count(kVip) == before + 1);
  vi.OnAddressClaim(At(501), stranger);
  CHECK(announcer.count(kVip) == before + 2);
  CHECK(vi.router().state() == RouterState::kMaster);
  CHECK(vi.conflict_stats().claims == 3);
  CHECK(vi.conflict_stats().reclaims == 2);
  int reported = 0;
  while (std::optional<InstanceEvent> e = vi.PollEvent()) {
    if (e->kind != InstanceEvent::Kind::kVipConflict) continue;
    ++reported;
    CHECK(e->conflict == ConflictOutcome::kReclaimed);
    CHECK(DescribeEvent(*e) ==
          "VI_1 vip_conflict 192.0.2.3 claimed by 02:aa:bb:cc:dd:ee: reclaimed");
  }
  CHECK(reported == 2);
  // A claim of an address that is not ours is none of our business.
  vi.OnAddressClaim(At(700), {.address = IpAddress::V4(192, 0, 2, 99),
                              .mac = *MacAddress::Parse("02:aa:bb:cc:dd:ee"),
                              .gratuitous = true});
  CHECK(vi.conflict_stats().claims == 3);
}

TEST_CASE("Conflict detection off: claims change nothing") {
  testing::FakeTransport transport;
  testing::FakeAddressManager addresses;
  testing::FakeAnnouncer announcer;
  auto instance = Instance::Create(SimulatedInstanceConfig("VI_1", Config(1, 150)), transport,
                                   addresses, announcer);
  REQUIRE(instance.ok());
  (*instance)->Start(At(0));
  (*instance)->OnTimer(At(341));
  CHECK(announcer.probed().empty());
  const int before = announcer.count(kVip);
  (*instance)->OnAddressClaim(
      At(400),
      {.address = kVip, .mac = *MacAddress::Parse("02:aa:bb:cc:dd:ee"), .gratuitous = true});
  CHECK(announcer.count(kVip) == before);
  CHECK((*instance)->conflict_stats().claims == 0);
}

TEST_CASE("KnownRouters keeps the last eight, a MAC per router, and the VMAC as the last") {
  KnownRouters known;
  const MacAddress mac = *MacAddress::Parse("02:00:00:00:00:05");
  for (uint8_t host = 1; host <= 9; ++host) {
    known.Heard({.address = IpAddress::V4(192, 0, 2, host), .priority = host, .at = At(host)});
  }
  REQUIRE(known.routers().size() == KnownRouters::kMax);
  CHECK(known.routers().front().heard.address == IpAddress::V4(192, 0, 2, 9));
  CHECK(!known.Learn(IpAddress::V4(192, 0, 2, 1), mac));  // forgotten: heard longest ago
  CHECK(known.Learn(IpAddress::V4(192, 0, 2, 5), mac));
  known.Heard({.address = IpAddress::V4(192, 0, 2, 5), .priority = 200, .at = At(100)});
  const KnownRouter* r = known.ByMac(mac, Family::kIPv4, 50);
  REQUIRE(r != nullptr);
  CHECK(r->heard.priority == 200);  // refreshed, its MAC kept
  CHECK(known.ByMac(VirtualMac(Family::kIPv4, 50), Family::kIPv4, 50) == r);  // the last heard
  CHECK(known.ByMac(VirtualMac(Family::kIPv4, 51), Family::kIPv4, 50) == nullptr);
}

}  // namespace
}  // namespace vrrp
