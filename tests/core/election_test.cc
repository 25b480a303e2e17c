// Elections on the simulated LAN, with exact virtual times: the scenarios of DESIGN.md's first
// test tier (crash, priority-0 resignation, preempt on/off, preempt delay, equal priority,
// owner 255, three routers, one-way loss, split brain and heal, fault) and a property test.
// Expected times are worked by hand from RFC 5798 §6.1 / RFC 3768 §6.1 in each test.
#include <catch2/catch.hpp>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "fmt/format.h"
#include "support/lan_scenario.h"
#include "vrrp/testing/simulated_lan.h"

namespace vrrp {
namespace {

using namespace scenario;  // NOLINT: kT0, At, Cs, kVip, Config, Add, Run, WhenBecame, Ids

// "+3.41s r1 BACKUP -> MASTER (master_down_timer)" lines of the state changes, in order.
std::vector<std::string> TransitionLines(const SimulatedLan& lan) {
  std::vector<std::string> out;
  for (const TimelineEntry& e : lan.Transitions()) out.push_back(lan.Format(e));
  return out;
}

TEST_CASE("Crash takeover at exactly N x interval + skew after the last advertisement") {
  struct Case {
    Version version;
    int priority;
    int64_t interval_cs;
    int64_t down_cs;  // 3 * I + skew, by hand
  };
  const Case cases[] = {
      // v3: skew = ((256 - p) * I) / 256.
      {Version::kV3, 1, 1, 3},
      {Version::kV3, 100, 1, 3},
      {Version::kV3, 254, 1, 3},
      {Version::kV3, 1, 10, 39},
      {Version::kV3, 100, 10, 36},
      {Version::kV3, 254, 10, 30},
      {Version::kV3, 1, 100, 399},
      {Version::kV3, 100, 100, 360},
      {Version::kV3, 254, 100, 300},
      // v2: skew = ((256 - p) * 100) / 256 cs; only whole seconds exist.
      {Version::kV2, 1, 100, 399},
      {Version::kV2, 100, 100, 360},
      {Version::kV2, 254, 100, 300},
      {Version::kV2, 100, 300, 960},
  };
  for (const Case& c : cases) {
    INFO("v" << static_cast<int>(c.version) << " priority " << c.priority << " interval "
             << c.interval_cs << "cs");
    SimulatedLan lan;
    NodeId owner = Add(lan, "r1", Config(1, 255, c.version, c.interval_cs));
    NodeId backup = Add(lan, "r2", Config(2, c.priority, c.version, c.interval_cs));
    lan.StartAll();
    // The owner is Master at once and advertises at 0, I, 2I, ...; crash it 1 ms after the
    // advertisement at 10 I.
    const absl::Time last = At(10 * c.interval_cs);
    Run(lan, last + absl::Milliseconds(1));
    lan.Crash(owner);
    CHECK(lan.LastAdvertisementSent(owner) == last);
    CHECK(lan.Masters().empty());
    Run(lan, last + Cs(c.down_cs) - absl::Nanoseconds(1));
    CHECK(lan.router(backup).state() == RouterState::kBackup);
    Run(lan, last + Cs(c.down_cs));
    CHECK(lan.Masters() == Ids({backup}));
    CHECK(WhenBecame(lan, "r2", RouterState::kMaster) == last + Cs(c.down_cs));
    CHECK(lan.router(backup).stats().last_new_master_reason == TransitionReason::kMasterDownTimer);
    // SIGKILL leaves the address on the dead host too.
    CHECK(lan.Holders(kVip) == Ids({owner, backup}));
  }
}

TEST_CASE("Through the codec: the same election, and the codec's drops are counted") {
  SECTION("v2, v3 IPv4 and v3 IPv6 elect with the same times as with values") {
    for (int variant = 0; variant < 3; ++variant) {
      INFO("variant " << variant);
      SimulatedLanOptions options;
      options.through_codec = true;
      SimulatedLan lan(options);
      RouterConfig c1 = Config(1, 150, variant == 0 ? Version::kV2 : Version::kV3);
      RouterConfig c2 = Config(2, 100, variant == 0 ? Version::kV2 : Version::kV3);
      if (variant == 2) {
        for (RouterConfig* c : {&c1, &c2}) {
          c->family = Family::kIPv6;
          c->virtual_addresses = {*IpAddress::Parse("2001:db8::3")};
        }
        c1.primary_address = *IpAddress::Parse("fe80::1");
        c2.primary_address = *IpAddress::Parse("fe80::2");
      }
      NodeId r1 = Add(lan, "r1", c1);
      NodeId r2 = Add(lan, "r2", c2);
      lan.StartAll();
      Run(lan, At(1000));
      CHECK(lan.Masters() == Ids({r1}));
      CHECK(lan.router(r2).stats().advert_rcvd == 7);  // 3.41 .. 9.41 s
      CHECK(lan.router(r2).stats().drops.Total() == 0);
      lan.Crash(r1);
      Run(lan, At(2000));
      CHECK(WhenBecame(lan, "r2", RouterState::kMaster) == At(941 + 360));
    }
  }
  SECTION("v2 with AH: the same election; a restarted master is refused until it has heard") {
    SimulatedLanOptions options;
    options.through_codec = true;
    SimulatedLan lan(options);
    RouterConfig c1 = Config(1, 150, Version::kV2);
    RouterConfig c2 = Config(2, 100, Version::kV2);
    for (RouterConfig* c : {&c1, &c2}) {
      c->auth_type = AuthType::kAh;
      c->pass_key = *PassKey::Create("1111");
    }
    NodeId r1 = Add(lan, "r1", c1);
    NodeId r2 = Add(lan, "r2", c2);
    lan.StartAll();
    Run(lan, At(1000));
    CHECK(lan.Masters() == Ids({r1}));
    CHECK(lan.router(r2).stats().advert_rcvd == 7);
    CHECK(lan.router(r2).stats().drops.Total() == 0);
    CHECK(lan.router(r2).ah_sequence() == 7);  // heard r1's 1..7
    lan.Crash(r1);
    Run(lan, At(2000));
    CHECK(WhenBecame(lan, "r2", RouterState::kMaster) == At(941 + 360));
    // r1 comes back counting from 0, and r2 heard nothing from it since: it hears r2 (above 7)
    // before its own master-down timer, so its first packet is above what r2 sent, accepted,
    // and it preempts. No replay is counted on either side.
    lan.Restart(r1);
    Run(lan, At(3000));
    CHECK(lan.Masters() == Ids({r1}));
    CHECK(lan.router(r2).stats().drops[DropReason::kAhReplay] == 0);
    CHECK(lan.router(r1).stats().drops[DropReason::kAhReplay] == 0);
    CHECK(lan.router(r1).ah_sequence() > 7);
  }
  SECTION("a v2 and a v3 router with one VRID do not understand each other") {
    SimulatedLanOptions options;
    options.through_codec = true;
    SimulatedLan lan(options);
    NodeId r1 = Add(lan, "r1", Config(1, 150, Version::kV2));
    NodeId r2 = Add(lan, "r2", Config(2, 100, Version::kV3));
    lan.StartAll();
    Run(lan, At(1000));
    CHECK(lan.Masters() == Ids({r1, r2}));
    CHECK(lan.router(r1).stats().drops[DropReason::kVersion] > 0);
    CHECK(lan.router(r2).stats().drops[DropReason::kVersion] > 0);
    CHECK(lan.router(r2).stats().advert_rcvd == 0);  // refused before the state machine
  }
}

TEST_CASE("Latency delays the takeover by the one-way delay") {
  SimulatedLan lan;
  NodeId r1 = Add(lan, "r1", Config(1, 255));
  NodeId r2 = Add(lan, "r2", Config(2, 100));
  lan.SetLatency(r1, r2, absl::Milliseconds(7));
  lan.StartAll();
  Run(lan, At(1001));
  lan.Crash(r1);
  Run(lan, At(2000));
  // Last advertisement sent at 10 s, received at 10.007 s; then 3.60 s.
  CHECK(WhenBecame(lan, "r2", RouterState::kMaster) == At(1000) + absl::Milliseconds(7) + Cs(360));
}

TEST_CASE("Startup: nobody is Master before its own master-down timer, even alone") {
  SimulatedLan lan;
  NodeId r1 = Add(lan, "r1", Config(1, 150));
  NodeId r2 = Add(lan, "r2", Config(2, 100));
  lan.StartAll();
  Run(lan, At(340));
  CHECK(lan.Masters().empty());
  Run(lan, At(2000));
  // 3 * 100 + (106 * 100) / 256 = 341; r2 hears r1 at 3.41 s, before its own 3.60 s.
  CHECK(TransitionLines(lan) == std::vector<std::string>{
                                    "+0 r1 INIT -> BACKUP (startup)",
                                    "+0 r2 INIT -> BACKUP (startup)",
                                    "+3.41s r1 BACKUP -> MASTER (master_down_timer)",
                                });
  CHECK(lan.Masters() == Ids({r1}));
  CHECK(lan.Holders(kVip) == Ids({r1}));
  CHECK(lan.router(r2).master_address() == IpAddress::V4(192, 0, 2, 1));
  CHECK(lan.router(r2).stats().advert_rcvd == 17);  // 3.41, 4.41, ..., 19.41
}

TEST_CASE("Priority-0 takeover happens after the skew only") {
  for (int priority : {1, 100, 254}) {
    INFO("backup priority " << priority);
    // v3 1 s: skew (256 - p) * 100 / 256 = 99, 60, 0.
    const int64_t skew = (256 - priority) * 100 / 256;
    SimulatedLan lan;
    NodeId r1 = Add(lan, "r1", Config(1, 255));
    NodeId r2 = Add(lan, "r2", Config(2, priority));
    lan.StartAll();
    Run(lan, At(1050));
    lan.Shutdown(r1);
    CHECK(lan.Holders(kVip).empty());
    Run(lan, At(2000));
    CHECK(WhenBecame(lan, "r2", RouterState::kMaster) == At(1050 + skew));
    CHECK(lan.router(r2).stats().last_new_master_reason == TransitionReason::kPriorityZeroReceived);
    CHECK(lan.router(r1).stats().pri_zero_sent == 1);
    CHECK(lan.router(r2).stats().pri_zero_rcvd == 1);
    CHECK(lan.Holders(kVip) == Ids({r2}));
  }
}

TEST_CASE("Preempt: a higher-priority router that starts later takes over") {
  SimulatedLan lan;
  NodeId high = Add(lan, "high", Config(1, 200));
  NodeId low = Add(lan, "low", Config(2, 100));
  lan.Start(low);
  Run(lan, At(1000));
  CHECK(lan.Masters() == Ids({low}));  // at 3.60 s
  lan.Start(high);
  Run(lan, At(3000));
  // high discards low's adverts and its timer expires 3 * 100 + (56 * 100) / 256 = 321 later.
  CHECK(TransitionLines(lan) == std::vector<std::string>{
                                    "+0 low INIT -> BACKUP (startup)",
                                    "+3.6s low BACKUP -> MASTER (master_down_timer)",
                                    "+10s high INIT -> BACKUP (startup)",
                                    "+13.21s high BACKUP -> MASTER (preempted)",
                                    "+13.21s low MASTER -> BACKUP (higher_priority_received)",
                                });
  CHECK(lan.Masters() == Ids({high}));
  CHECK(lan.Holders(kVip) == Ids({high}));
}

TEST_CASE("nopreempt: a higher-priority router that starts later stays Backup") {
  SimulatedLan lan;
  RouterConfig c = Config(1, 200);
  c.preempt = false;
  NodeId high = Add(lan, "high", c);
  NodeId low = Add(lan, "low", Config(2, 100));
  lan.Start(low);
  Run(lan, At(1000));
  lan.Start(high);
  Run(lan, At(10000));
  CHECK(lan.Masters() == Ids({low}));
  CHECK(lan.router(high).state() == RouterState::kBackup);
  // ...until the master goes away: then the priority-0 skew for 200 is (56 * 100) / 256 = 21.
  lan.Shutdown(low);
  Run(lan, At(10100));
  CHECK(WhenBecame(lan, "high", RouterState::kMaster) == At(10021));
}

TEST_CASE("preempt_delay holds the takeover back") {
  SimulatedLan lan;
  RouterConfig c = Config(1, 200);
  c.preempt_delay = absl::Seconds(10);
  NodeId high = Add(lan, "high", c);
  NodeId low = Add(lan, "low", Config(2, 100));
  lan.Start(low);
  Run(lan, At(1000));  // low is Master from 3.60 s, advertising at 4.60, 5.60, ...
  lan.Start(high);     // window 10 s .. 20 s
  Run(lan, At(5000));
  // low's adverts at 10.60 .. 19.60 s still count; from 20.60 s they are discarded, so the
  // timer set at 19.60 s expires at 19.60 + 3.21 s.
  CHECK(WhenBecame(lan, "high", RouterState::kMaster) == At(1960 + 321));
  CHECK(lan.router(high).stats().last_new_master_reason == TransitionReason::kPreempted);
  CHECK(lan.Masters() == Ids({high}));
}

TEST_CASE("Equal priority: the greater primary address wins") {
  SECTION("started together: both time out at once, the lower address yields at once") {
    SimulatedLan lan;
    NodeId a = Add(lan, "a", Config(5, 100));
    NodeId b = Add(lan, "b", Config(6, 100));
    lan.StartAll();
    Run(lan, At(2000));
    CHECK(TransitionLines(lan) == std::vector<std::string>{
                                      "+0 a INIT -> BACKUP (startup)",
                                      "+0 b INIT -> BACKUP (startup)",
                                      "+3.6s a BACKUP -> MASTER (master_down_timer)",
                                      "+3.6s b BACKUP -> MASTER (master_down_timer)",
                                      "+3.6s a MASTER -> BACKUP (higher_priority_received)",
                                  });
    CHECK(lan.Masters() == Ids({b}));
    CHECK(lan.Holders(kVip) == Ids({b}));
    (void)a;
  }
  SECTION("the greater address starting later does not preempt an equal master") {
    SimulatedLan lan;
    NodeId a = Add(lan, "a", Config(5, 100));
    NodeId b = Add(lan, "b", Config(6, 100));
    lan.Start(a);
    Run(lan, At(1000));
    lan.Start(b);
    Run(lan, At(5000));
    CHECK(lan.Masters() == Ids({a}));
    (void)b;
  }
}

TEST_CASE("The owner (255) takes over at once") {
  SimulatedLan lan;
  NodeId owner = Add(lan, "owner", Config(1, 255));
  NodeId other = Add(lan, "other", Config(2, 254));
  lan.Start(other);
  Run(lan, At(1000));
  CHECK(lan.Masters() == Ids({other}));
  lan.Start(owner);
  Run(lan, At(1000));
  CHECK(lan.Masters() == Ids({owner}));
  CHECK(WhenBecame(lan, "owner", RouterState::kMaster) == At(1000));
  CHECK(WhenBecame(lan, "other", RouterState::kBackup, At(1)) == At(1000));
  CHECK(lan.Holders(kVip) == Ids({owner}));
}

TEST_CASE("Three routers: the next in priority takes over, the first preempts on return") {
  SimulatedLan lan;
  NodeId r1 = Add(lan, "r1", Config(1, 150));
  NodeId r2 = Add(lan, "r2", Config(2, 100));
  NodeId r3 = Add(lan, "r3", Config(3, 50));
  lan.StartAll();
  Run(lan, At(1000));
  CHECK(lan.Masters() == Ids({r1}));  // since 3.41 s, advertising at 9.41 s last
  lan.Crash(r1);
  Run(lan, At(2000));
  CHECK(lan.Masters() == Ids({r2}));
  // r2: 9.41 + 3.60; r3 would wait 3 * 100 + (206 * 100) / 256 = 380 but hears r2 first.
  CHECK(WhenBecame(lan, "r2", RouterState::kMaster) == At(941 + 360));
  CHECK_FALSE(WhenBecame(lan, "r3", RouterState::kMaster).has_value());
  lan.Restart(r1);
  Run(lan, At(3000));
  CHECK(WhenBecame(lan, "r1", RouterState::kMaster, At(2000)) == At(2000 + 341));
  CHECK(lan.Masters() == Ids({r1}));
  CHECK(lan.Holders(kVip) == Ids({r1}));
  CHECK(lan.router(r3).state() == RouterState::kBackup);
}

TEST_CASE("Split brain, and exactly one master within one interval of the heal") {
  SimulatedLan lan;
  NodeId r1 = Add(lan, "r1", Config(1, 150));
  NodeId r2 = Add(lan, "r2", Config(2, 100));
  lan.StartAll();
  Run(lan, At(1000));
  lan.Partition({r1}, {r2});
  Run(lan, At(2000));
  CHECK(lan.Masters() == Ids({r1, r2}));
  CHECK(WhenBecame(lan, "r2", RouterState::kMaster) == At(941 + 360));
  CHECK(lan.Holders(kVip) == Ids({r1, r2}));
  lan.Heal();
  Run(lan, At(2100));
  CHECK(lan.Masters() == Ids({r1}));
  CHECK(lan.Holders(kVip) == Ids({r1}));
  std::optional<absl::Time> yielded = WhenBecame(lan, "r2", RouterState::kBackup, At(2000));
  REQUIRE(yielded.has_value());
  CHECK(*yielded <= At(2100));
  // r1 heard r2's lower advert (or r2 heard r1's) first; if r1 heard it, it answered and
  // re-announced the address to repair the ARP caches.
  Run(lan, At(3000));
  CHECK(lan.Masters() == Ids({r1}));
}

TEST_CASE("One-way block: a backup that cannot hear the master makes two masters") {
  SimulatedLan lan;
  NodeId r1 = Add(lan, "r1", Config(1, 150));
  NodeId r2 = Add(lan, "r2", Config(2, 100));
  lan.StartAll();
  Run(lan, At(1000));
  lan.Block(r1, r2);  // r2's firewall drops VRRP from r1
  Run(lan, At(3000));
  CHECK(lan.Masters() == Ids({r1, r2}));
  // r1 hears r2's lower-priority adverts and answers each at once, plus a gratuitous burst.
  CHECK(lan.router(r1).stats().advert_sent > 26);
  size_t r1_announces = 0;
  for (const TimelineEntry& e : lan.timeline()) {
    if (e.router == "r1" && e.kind == TimelineEntry::Kind::kAnnounce && e.time > At(1400)) {
      ++r1_announces;
    }
  }
  CHECK(r1_announces >= 10);
  lan.Unblock(r1, r2);
  Run(lan, At(3100));
  CHECK(lan.Masters() == Ids({r1}));
}

TEST_CASE("A v3 backup learns the master's interval, v2 drops a mismatch") {
  SECTION("v3") {
    SimulatedLan lan;
    NodeId r1 = Add(lan, "r1", Config(1, 255, Version::kV3, 50));
    NodeId r2 = Add(lan, "r2", Config(2, 100, Version::kV3, 200));
    lan.StartAll();
    Run(lan, At(1001));
    CHECK(lan.router(r2).master_adver_interval() == Centiseconds(50));
    lan.Crash(r1);
    Run(lan, At(3000));
    // Last advertisement at 10 s; 3 * 50 + (156 * 50) / 256 = 180, not 3 * 200 + 121.
    CHECK(WhenBecame(lan, "r2", RouterState::kMaster) == At(1000 + 180));
  }
  SECTION("v2") {
    SimulatedLan lan;
    NodeId r1 = Add(lan, "r1", Config(1, 150, Version::kV2, 100));
    NodeId r2 = Add(lan, "r2", Config(2, 100, Version::kV2, 200));
    lan.StartAll();
    Run(lan, At(1000));
    // Neither accepts the other: two masters, and the drops are counted.
    CHECK(lan.Masters() == Ids({r1, r2}));
    CHECK(lan.router(r2).stats().drops[DropReason::kInterval] > 0);
    CHECK(lan.router(r1).stats().drops[DropReason::kInterval] > 0);
    // r2's own: 3 * 200 + 60.
    CHECK(WhenBecame(lan, "r2", RouterState::kMaster) == At(660));
  }
}

TEST_CASE("Link down is a fault: the backup takes over, link up and it preempts again") {
  SimulatedLan lan;
  NodeId r1 = Add(lan, "r1", Config(1, 150));
  NodeId r2 = Add(lan, "r2", Config(2, 100));
  lan.StartAll();
  Run(lan, At(1000));
  lan.SetLinkUp(r1, false);  // its priority 0 cannot leave the dead link
  CHECK(lan.router(r1).state() == RouterState::kFault);
  CHECK(lan.Holders(kVip).empty());
  Run(lan, At(2000));
  CHECK(WhenBecame(lan, "r2", RouterState::kMaster) == At(941 + 360));
  CHECK(lan.router(r2).stats().pri_zero_rcvd == 0);
  lan.SetLinkUp(r1, true);
  Run(lan, At(3000));
  CHECK(WhenBecame(lan, "r1", RouterState::kBackup, At(2000)) == At(2000));
  CHECK(WhenBecame(lan, "r1", RouterState::kMaster, At(2000)) == At(2341));
  CHECK(lan.Masters() == Ids({r1}));
}

TEST_CASE("A tracked fault resigns with priority 0: the backup takes over after its skew") {
  SimulatedLan lan;
  NodeId r1 = Add(lan, "r1", Config(1, 150));
  NodeId r2 = Add(lan, "r2", Config(2, 100));
  lan.StartAll();
  Run(lan, At(1000));
  lan.SetFault(r1, true);
  Run(lan, At(2000));
  CHECK(WhenBecame(lan, "r2", RouterState::kMaster) == At(1060));
  CHECK(lan.router(r2).stats().pri_zero_rcvd == 1);
  lan.SetFault(r1, false);
  Run(lan, At(3000));
  CHECK(WhenBecame(lan, "r1", RouterState::kMaster, At(2000)) == At(2341));
  CHECK(lan.Masters() == Ids({r1}));
}

TEST_CASE("Tracking lowers a master below the backup: the backup preempts") {
  SimulatedLan lan;
  NodeId r1 = Add(lan, "r1", Config(1, 150));
  NodeId r2 = Add(lan, "r2", Config(2, 100));
  lan.StartAll();
  Run(lan, At(1000));
  lan.SetPriorityDelta(r1, -60);  // 90: advertised at once
  Run(lan, At(2000));
  // r2 discards r1's 90s from 10 s on: its timer, last reset by the 9.41 s advert, expires at
  // 9.41 + 3.60.
  CHECK(WhenBecame(lan, "r2", RouterState::kMaster) == At(941 + 360));
  CHECK(lan.Masters() == Ids({r2}));
}

TEST_CASE("Lossy links are deterministic for a seed") {
  auto run = [](uint64_t seed) {
    SimulatedLanOptions options;
    options.seed = seed;
    options.loss = 0.3;
    SimulatedLan lan(options);
    Add(lan, "r1", Config(1, 150, Version::kV3, 10));
    Add(lan, "r2", Config(2, 100, Version::kV3, 10));
    Add(lan, "r3", Config(3, 50, Version::kV3, 10));
    lan.StartAll();
    REQUIRE(lan.RunUntil(At(6000)).ok());
    return std::make_pair(lan.TimelineText(), lan.AdvertisementsLost());
  };
  auto a = run(7);
  auto b = run(7);
  CHECK(a == b);
  CHECK(a.second > 0);
}

TEST_CASE("A livelock fails the run") {
  SimulatedLanOptions options;
  options.max_events_per_instant = 1000;
  SimulatedLan lan(options);
  std::function<void()> again = [&] { lan.At(lan.Now(), again); };
  lan.At(At(100), again);
  absl::Status s = lan.RunUntil(At(200));
  CHECK(s.code() == absl::StatusCode::kResourceExhausted);
  CHECK(s.message() == "livelock: more than 1000 events at +1s without time advancing");
}

TEST_CASE("Scripted events, stepping and the timeline format") {
  SimulatedLan lan;
  NodeId r1 = Add(lan, "r1", Config(1, 255));
  CHECK(lan.AddRouter("r1", Config(2, 100)).status().code() == absl::StatusCode::kInvalidArgument);
  RouterConfig bad = Config(2, 100);
  bad.vrid = 0;
  // The node runs an Instance, whose validation names it.
  CHECK(lan.AddRouter("r2", bad).status().message() ==
        "r2: virtual_router_id 0 is out of range 1..255");
  lan.At(At(150), [&] { lan.Shutdown(r1); });
  lan.StartAll();
  absl::StatusOr<bool> stepped = lan.Step();  // the timer at 1 s
  REQUIRE(stepped.ok());
  CHECK(*stepped);
  CHECK(lan.Now() == At(100));
  Run(lan, At(1000));
  CHECK(lan.TimelineText() ==
        "+0 r1 INIT -> MASTER (owner_startup)\n"
        "+0 r1 add 192.0.2.3\n"
        "+0 r1 announce x5 192.0.2.3\n"
        "+1.5s r1 MASTER -> INIT (shutdown)\n"
        "+1.5s r1 remove 192.0.2.3\n");
  stepped = lan.Step();
  REQUIRE(stepped.ok());
  CHECK_FALSE(*stepped);
  CHECK(fmt::format("{}", lan.timeline()[0]) == "r1 INIT -> MASTER (owner_startup)");
}

// Property: random topologies and events (fixed seeds); once the network is whole and the set
// of live routers stops changing, there is exactly one master after Master_Down_Interval — and
// when everyone preempts, it is the highest (priority, address).
TEST_CASE("Property: one master after the dust settles") {
  for (uint64_t seed = 1; seed <= 500; ++seed) {
    std::mt19937_64 rng(seed);
    auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    SimulatedLanOptions options;
    options.seed = seed;
    options.through_codec = seed % 2 == 0;
    SimulatedLan lan(options);
    const Version version = uniform(0, 1) == 0 ? Version::kV2 : Version::kV3;
    const int64_t interval = version == Version::kV2 ? 100 * uniform(1, 2) : uniform(1, 200);
    const int n = uniform(2, 5);
    bool all_preempt = true;
    for (int i = 0; i < n; ++i) {
      int priority = uniform(0, 4) == 0 ? 255 : uniform(1, 254);
      if (uniform(0, 3) == 0) priority = 100;  // make ties likely
      RouterConfig c = Config(10 + i, priority, version, interval);
      c.preempt = uniform(0, 3) != 0;
      all_preempt = all_preempt && c.preempt;
      Add(lan, fmt::format("r{}", i), c);
    }
    for (int a = 0; a < n; ++a) {
      for (int b = 0; b < n; ++b) {
        if (a != b) lan.SetLatency(a, b, absl::Microseconds(uniform(0, 3000)));
      }
    }
    lan.StartAll();
    const absl::Duration step = Cs(interval);
    for (int k = 0; k < 40; ++k) {
      const NodeId x = uniform(0, n - 1);
      const NodeId y = (x + uniform(1, n - 1)) % n;
      switch (uniform(0, 11)) {
        case 0:
          lan.Crash(x);
          break;
        case 1:
          lan.Restart(x);
          break;
        case 2:
          lan.Partition({x}, {y});
          break;
        case 3:
          lan.Block(x, y);
          break;
        case 4:
          lan.Heal();
          break;
        case 5:
          lan.SetLinkUp(x, false);
          break;
        case 6:
          lan.SetLinkUp(x, true);
          break;
        case 7:
          lan.SetPriorityDelta(x, uniform(-100, 100));
          break;
        case 8:
          lan.SetLoss(x, y, uniform(0, 100) / 100.0);
          break;
        case 9:
          lan.Shutdown(x);
          break;
        case 10:
          lan.SetFault(x, uniform(0, 1) == 0);
          break;
        default:
          break;
      }
      REQUIRE(lan.RunFor(step * uniform(0, 8) + absl::Microseconds(uniform(0, 999))).ok());
    }
    // Settle: whole network, no loss; some dead routers stay dead, the others run.
    lan.Heal();
    for (NodeId a = 0; a < static_cast<NodeId>(n); ++a) {
      for (NodeId b = 0; b < static_cast<NodeId>(n); ++b) lan.SetLoss(a, b, 0);
      const bool stays_dead = a != 0 && !lan.alive(a) && uniform(0, 1) == 0;
      if (stays_dead) continue;
      if (!lan.alive(a) || lan.router(a).state() == RouterState::kInitialize) lan.Restart(a);
      lan.SetLinkUp(a, true);
      lan.SetFault(a, false);
    }
    // The longest wait: a Backup timer reset just now, (3 + 1) intervals at most, then one
    // exchange of advertisements (latency < 3 ms), with margin.
    REQUIRE(lan.RunFor(step * 5 + absl::Seconds(1) + absl::Milliseconds(10)).ok());
    INFO("seed " << seed << "\n" << lan.TimelineText());
    std::vector<NodeId> masters = lan.Masters();
    REQUIRE(masters.size() == 1);
    // Dead routers keep their addresses (SIGKILL); among the live, only the master has it.
    std::vector<NodeId> live_holders;
    for (NodeId h : lan.Holders(kVip)) {
      if (lan.alive(h)) live_holders.push_back(h);
    }
    CHECK(live_holders == masters);
    if (all_preempt) {
      NodeId best = 0;  // node 0 is always alive
      for (NodeId i = 1; i < static_cast<NodeId>(n); ++i) {
        if (!lan.alive(i)) continue;
        const Router& r = lan.router(i);
        const Router& b = lan.router(best);
        if (std::make_pair(r.effective_priority(), r.config().primary_address) >
            std::make_pair(b.effective_priority(), b.config().primary_address)) {
          best = i;
        }
      }
      CHECK(masters[0] == best);
    }
  }
}

}  // namespace
}  // namespace vrrp
