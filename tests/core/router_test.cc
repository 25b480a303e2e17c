// The state machine alone (RFC 5798 §6, RFC 3768 §6): every transition and the exact actions and
// deadlines it produces, on a virtual clock.
#include "vrrp/router.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "fmt/format.h"
#include "support/vectors.h"

namespace vrrp {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'000'000);
// kT0 + `cs` centiseconds.
absl::Time At(int64_t cs) { return kT0 + absl::Milliseconds(cs * 10); }

const IpAddress kVip = IpAddress::V4(192, 0, 2, 3);
const IpAddress kLow = IpAddress::V4(192, 0, 2, 4);   // a peer whose address is below ours
const IpAddress kSelf = IpAddress::V4(192, 0, 2, 5);  // our primary address
const IpAddress kHigh = IpAddress::V4(192, 0, 2, 6);  // a peer whose address is above ours

RouterConfig Config(int priority = 100, Version version = Version::kV3, int64_t interval_cs = 100) {
  RouterConfig c;
  c.vrid = 50;
  c.version = version;
  c.priority = priority;
  c.advert_interval = Centiseconds(interval_cs);
  c.virtual_addresses = {kVip};
  c.primary_address = kSelf;
  return c;
}

Router Make(const RouterConfig& c) {
  absl::StatusOr<Router> r = Router::Create(c);
  REQUIRE(r.ok());
  return *std::move(r);
}

Advertisement Adv(int priority, int64_t interval_cs = 100, Version version = Version::kV3) {
  Advertisement adv;
  adv.version = version;
  adv.vrid = 50;
  adv.priority = static_cast<uint8_t>(priority);
  adv.interval = Centiseconds(interval_cs);
  adv.addresses = {kVip};
  return adv;
}

// The queued actions as "a; b; c", then cleared.
std::string Drain(Router& r) {
  std::string out = fmt::format("{}", fmt::join(r.PendingActions(), "; "));
  r.ClearActions();
  return out;
}

constexpr const char* kBecomeMasterTail =
    "send advertisement priority 100; add 192.0.2.3; announce x5 192.0.2.3";

// A started non-owner at priority 100, v3, 1 s, that has become Master at 3.60 s.
Router MasterAt360() {
  Router r = Make(Config());
  r.Start(kT0);
  r.OnTimer(At(360));
  REQUIRE(r.state() == RouterState::kMaster);
  r.ClearActions();
  return r;
}

TEST_CASE("A non-owner starts in Backup and becomes Master when its master-down timer expires") {
  Router r = Make(Config());
  CHECK(r.state() == RouterState::kInitialize);
  CHECK(r.NextDeadline() == absl::InfiniteFuture());
  r.Start(kT0);
  CHECK(r.state() == RouterState::kBackup);
  CHECK(Drain(r) == "INIT -> BACKUP (startup)");
  // v3, priority 100, 100 cs: skew (156 * 100) / 256 = 60 cs, down interval 3 * 100 + 60.
  CHECK(r.NextDeadline() == At(360));

  // A timer call before the deadline is a no-op.
  r.OnTimer(At(359));
  r.OnTimer(kT0);
  CHECK(r.state() == RouterState::kBackup);
  CHECK(Drain(r).empty());
  CHECK(r.NextDeadline() == At(360));

  r.OnTimer(At(360));
  CHECK(r.state() == RouterState::kMaster);
  CHECK(Drain(r) == fmt::format("BACKUP -> MASTER (master_down_timer); {}", kBecomeMasterTail));
  CHECK(r.stats().become_master == 1);
  CHECK(r.stats().last_transition == At(360));
  CHECK(r.stats().last_transition_reason == TransitionReason::kMasterDownTimer);
  CHECK(r.master_address() == kSelf);
  // Master: the advertisement timer, then the second gratuitous burst 5 s after the transition.
  CHECK(r.NextDeadline() == At(460));
}

TEST_CASE("Master advertises every interval and repeats the gratuitous burst after 5 s") {
  Router r = MasterAt360();
  for (int k = 1; k <= 6; ++k) {
    const absl::Time t = At(360 + 100 * k);
    r.OnTimer(t - absl::Milliseconds(10));  // early: nothing
    CHECK(Drain(r).empty());
    CHECK(r.NextDeadline() == t);
    r.OnTimer(t);
    if (k == 5) {
      CHECK(Drain(r) == "send advertisement priority 100; announce x5 192.0.2.3");
    } else {
      CHECK(Drain(r) == "send advertisement priority 100");
    }
  }
  CHECK(r.stats().advert_sent == 7);
  CHECK(r.NextDeadline() == At(1060));
}

TEST_CASE("A late timer call sends one advertisement and rearms from now") {
  Router r = MasterAt360();
  r.OnTimer(At(720));
  CHECK(Drain(r) == "send advertisement priority 100");
  CHECK(r.NextDeadline() == At(820));
}

TEST_CASE("Optional periodic gratuitous refresh") {
  RouterConfig c = Config();
  c.garp_master_delay = absl::ZeroDuration();  // no second burst
  c.garp_master_refresh = absl::Milliseconds(2500);
  c.garp_master_refresh_repeat = 2;
  Router r = Make(c);
  r.Start(kT0);
  r.OnTimer(At(360));
  Drain(r);
  r.OnTimer(At(460));
  r.OnTimer(At(560));
  CHECK(Drain(r) == "send advertisement priority 100; send advertisement priority 100");
  CHECK(r.NextDeadline() == At(610));
  r.OnTimer(At(610));
  CHECK(Drain(r) == "announce x2 192.0.2.3");
  CHECK(r.NextDeadline() == At(660));
  r.OnTimer(At(860));
  CHECK(Drain(r) == "send advertisement priority 100; announce x2 192.0.2.3");
}

TEST_CASE("garp_master_repeat 0 announces nothing") {
  RouterConfig c = Config();
  c.garp_master_repeat = 0;
  Router r = Make(c);
  r.Start(kT0);
  Drain(r);
  r.OnTimer(At(360));
  CHECK(Drain(r) ==
        "BACKUP -> MASTER (master_down_timer); send advertisement priority 100; add 192.0.2.3");
  CHECK(r.NextDeadline() == At(460));
}

TEST_CASE("The owner (255) becomes Master at once (RFC 5798 §6.4.1)") {
  Router r = Make(Config(255));
  r.Start(kT0);
  CHECK(r.state() == RouterState::kMaster);
  CHECK(Drain(r) ==
        "INIT -> MASTER (owner_startup); send advertisement priority 255; add 192.0.2.3; "
        "announce x5 192.0.2.3");
  CHECK(r.NextDeadline() == At(100));
  CHECK(r.stats().last_new_master_reason == TransitionReason::kOwnerStartup);
  // Start again is a no-op.
  r.Start(At(1));
  CHECK(Drain(r).empty());
}

TEST_CASE("The actions are plain values that compare equal") {
  Router r = Make(Config(255));
  r.Start(kT0);
  std::vector<Action> actions;
  r.DrainActions(actions);
  REQUIRE(actions.size() == 4);
  CHECK(actions[0] == Action(StateChanged{RouterState::kInitialize, RouterState::kMaster,
                                          TransitionReason::kOwnerStartup}));
  CHECK(actions[1] == Action(SendAdvertisement{255}));
  CHECK(actions[2] == Action(AddAddresses{{kVip}}));
  CHECK(actions[3] == Action(Announce{{kVip}, 5}));
  CHECK(r.PendingActions().empty());
  r.OnTimer(At(100));
  r.DrainActions(actions);
  CHECK(actions == std::vector<Action>{SendAdvertisement{255}});
  CHECK(r.DrainActions().empty());
}

TEST_CASE("FillAdvertisement describes this router") {
  Router r = Make(Config(150, Version::kV2));
  Advertisement adv;
  r.FillAdvertisement(150, adv);
  CHECK(adv.version == Version::kV2);
  CHECK(adv.family == Family::kIPv4);
  CHECK(adv.vrid == 50);
  CHECK(adv.priority == 150);
  CHECK(adv.interval == Centiseconds(100));
  CHECK(adv.addresses == AddressList{kVip});
}

TEST_CASE("Backup resets its timer on an advertisement of equal or higher priority") {
  Router r = Make(Config());
  r.Start(kT0);
  Drain(r);
  for (int priority : {100, 101, 254, 255}) {
    INFO(priority);
    r.OnAdvertisement(At(200), Adv(priority), kHigh);
    CHECK(r.NextDeadline() == At(560));
    CHECK(r.master_priority() == priority);
    CHECK(r.master_address() == kHigh);
  }
  r.OnTimer(At(559));
  CHECK(r.state() == RouterState::kBackup);
  CHECK(r.stats().advert_rcvd == 4);
  CHECK(Drain(r).empty());
}

TEST_CASE("A distrusted master is dropped, and its Backup takes over after Skew_Time") {
  Router r = Make(Config());
  r.Start(kT0);
  r.OnAdvertisement(At(100), Adv(150), kHigh);
  Drain(r);
  r.Distrust(At(150), kHigh);
  CHECK(r.distrusted() == kHigh);
  // As if it had resigned: Skew_Time (60 cs at priority 100), not Master_Down_Interval.
  CHECK(r.NextDeadline() == At(210));
  CHECK(r.OnAdvertisement(At(200), Adv(150), kHigh) == DropReason::kDistrusted);
  CHECK(r.stats().drops[DropReason::kDistrusted] == 1);
  CHECK(r.last_heard()->at == At(100));  // a dropped advertisement is not heard
  CHECK(r.NextDeadline() == At(210));    // nor does it reset the timer
  r.OnTimer(At(210));
  CHECK(Drain(r) == fmt::format("BACKUP -> MASTER (black_hole); {}", kBecomeMasterTail));
  // As Master it ignores the higher priority it no longer trusts; another router still counts.
  CHECK(r.OnAdvertisement(At(300), Adv(150), kHigh) == DropReason::kDistrusted);
  CHECK(r.state() == RouterState::kMaster);
  r.Distrust(At(310), std::nullopt);
  r.OnAdvertisement(At(320), Adv(150), kHigh);
  CHECK(r.state() == RouterState::kBackup);
  CHECK(r.stats().last_transition_reason == TransitionReason::kHigherPriorityReceived);
}

TEST_CASE("Distrust ends with a restart, and is only for the address named") {
  Router r = Make(Config());
  r.Start(kT0);
  r.Distrust(At(10), kHigh);
  CHECK(r.NextDeadline() == At(360));  // not our master: the timer is untouched
  CHECK(r.OnAdvertisement(At(20), Adv(150), kLow) == DropReason::kNone);
  CHECK(r.master_address() == kLow);
  r.SetFault(At(30), true);
  r.SetFault(At(40), false);  // a cleared fault starts the election again
  CHECK_FALSE(r.distrusted());
  CHECK(r.OnAdvertisement(At(50), Adv(150), kHigh) == DropReason::kNone);
  CHECK(r.master_address() == kHigh);
}

TEST_CASE("A v3 Backup learns the master's interval (RFC 5798 §6.4.2 (450))") {
  Router r = Make(Config());
  r.Start(kT0);
  r.OnAdvertisement(At(10), Adv(200, 50), kHigh);
  CHECK(r.master_adver_interval() == Centiseconds(50));
  // 3 * 50 + (156 * 50) / 256 = 150 + 30.
  CHECK(r.master_down_interval() == Centiseconds(180));
  CHECK(r.NextDeadline() == At(190));
  r.OnAdvertisement(At(20), Adv(200, 400), kHigh);
  CHECK(r.master_down_interval() == Centiseconds(1200 + 243));
  CHECK(r.NextDeadline() == At(20 + 1443));
  // As Master it advertises at its own interval again.
  r.OnTimer(At(1463));
  CHECK(r.state() == RouterState::kMaster);
  CHECK(r.master_adver_interval() == Centiseconds(100));
  CHECK(r.NextDeadline() == At(1563));
}

TEST_CASE("A v2 Backup drops an advertisement with another interval (RFC 3768 §7.1)") {
  Router r = Make(Config(100, Version::kV2));
  r.Start(kT0);
  r.OnAdvertisement(At(10), Adv(200, 200, Version::kV2), kHigh);
  CHECK(r.stats().drops[DropReason::kInterval] == 1);
  CHECK(r.NextDeadline() == At(360));  // not reset
  r.OnAdvertisement(At(10), Adv(200, 100, Version::kV2), kHigh);
  CHECK(r.NextDeadline() == At(370));
  CHECK(r.stats().advert_rcvd == 2);

  RouterConfig lax = Config(100, Version::kV2);
  lax.v2_strict_interval = false;
  Router l = Make(lax);
  l.Start(kT0);
  l.OnAdvertisement(At(10), Adv(200, 200, Version::kV2), kHigh);
  CHECK(l.stats().drops[DropReason::kInterval] == 0);
  // Accepted, timed with our own interval: v2 learns nothing.
  CHECK(l.NextDeadline() == At(370));
}

TEST_CASE("Backup: priority 0 sets the master-down timer to Skew_Time") {
  Router r = Make(Config());
  r.Start(kT0);
  r.OnAdvertisement(At(100), Adv(200), kHigh);
  r.OnAdvertisement(At(150), Adv(0), kHigh);
  CHECK(r.stats().pri_zero_rcvd == 1);
  CHECK(r.NextDeadline() == At(210));  // skew 60 cs
  Drain(r);
  r.OnTimer(At(210));
  CHECK(Drain(r) ==
        fmt::format("BACKUP -> MASTER (priority_zero_received); {}", kBecomeMasterTail));
  CHECK(r.stats().last_new_master_reason == TransitionReason::kPriorityZeroReceived);
}

TEST_CASE("Backup with preempt ignores a lower-priority master and preempts it") {
  Router r = Make(Config(150));
  r.Start(kT0);
  Drain(r);
  // 3 * 100 + (106 * 100) / 256 = 341 cs.
  CHECK(r.NextDeadline() == At(341));
  r.OnAdvertisement(At(100), Adv(100), kHigh);
  r.OnAdvertisement(At(200), Adv(100), kHigh);
  r.OnAdvertisement(At(300), Adv(100), kHigh);
  CHECK(r.NextDeadline() == At(341));
  r.OnTimer(At(341));
  CHECK(Drain(r) ==
        "BACKUP -> MASTER (preempted); send advertisement priority 150; add 192.0.2.3; "
        "announce x5 192.0.2.3");
}

TEST_CASE("Backup without preempt follows a lower-priority master") {
  RouterConfig c = Config(150);
  c.preempt = false;
  Router r = Make(c);
  r.Start(kT0);
  r.OnAdvertisement(At(100), Adv(100), kLow);
  CHECK(r.NextDeadline() == At(441));
  CHECK(r.master_priority() == 100);
}

TEST_CASE("The owner preempts even with preempt off") {
  RouterConfig c = Config(255);
  c.preempt = false;
  Router r = Make(c);
  r.Start(kT0);
  // A second owner with a greater address wins the tie (RFC 5798 §6.4.3 (735)).
  r.OnAdvertisement(At(10), Adv(255), kHigh);
  CHECK(r.state() == RouterState::kBackup);
  Drain(r);
  // 3 * 100 + 100 / 256.
  CHECK(r.NextDeadline() == At(310));
  r.OnAdvertisement(At(20), Adv(200), kHigh);
  CHECK(r.NextDeadline() == At(310));  // lower: discarded despite preempt off
}

TEST_CASE("preempt_delay: a lower-priority master stays valid for the delay") {
  RouterConfig c = Config(150);
  c.preempt_delay = absl::Seconds(10);
  Router r = Make(c);
  r.Start(kT0);  // the window runs from startup until 10 s
  for (int k = 1; k <= 9; ++k) {
    r.OnAdvertisement(At(100 * k), Adv(100), kLow);
    CHECK(r.NextDeadline() == At(100 * k + 341));
  }
  r.OnAdvertisement(At(1000), Adv(100), kLow);  // window closed: discarded
  r.OnAdvertisement(At(1100), Adv(100), kLow);
  CHECK(r.NextDeadline() == At(900 + 341));
  Drain(r);
  r.OnTimer(At(1241));
  CHECK(Drain(r) ==
        "BACKUP -> MASTER (preempted); send advertisement priority 150; add 192.0.2.3; "
        "announce x5 192.0.2.3");
}

TEST_CASE("preempt_delay: the window opens at the first lower-priority advertisement") {
  RouterConfig c = Config(150);
  c.preempt_delay = absl::Seconds(5);
  Router r = Make(c);
  r.Start(kT0);
  r.OnAdvertisement(At(100), Adv(200), kHigh);  // higher: closes the startup window
  r.OnAdvertisement(At(200), Adv(0), kHigh);    // resigns
  r.OnAdvertisement(At(210), Adv(100), kLow);   // lower master took over: window 2.10..7.10
  CHECK(r.NextDeadline() == At(551));
  r.OnAdvertisement(At(700), Adv(100), kLow);
  CHECK(r.NextDeadline() == At(1041));
  r.OnAdvertisement(At(710), Adv(100), kLow);  // closed
  CHECK(r.NextDeadline() == At(1041));
}

TEST_CASE("Master yields to a higher priority and to an equal priority from a greater address") {
  SECTION("higher priority") {
    Router r = MasterAt360();
    r.OnAdvertisement(At(400), Adv(101, 50), kLow);
    CHECK(r.state() == RouterState::kBackup);
    CHECK(Drain(r) == "MASTER -> BACKUP (higher_priority_received); remove 192.0.2.3");
    CHECK(r.master_adver_interval() == Centiseconds(50));
    CHECK(r.NextDeadline() == At(400 + 180));
    CHECK(r.stats().release_master == 1);
    CHECK(r.master_address() == kLow);
  }
  SECTION("equal priority, greater address") {
    Router r = MasterAt360();
    r.OnAdvertisement(At(400), Adv(100), kHigh);
    CHECK(Drain(r) == "MASTER -> BACKUP (higher_priority_received); remove 192.0.2.3");
    CHECK(r.NextDeadline() == At(760));
  }
  SECTION("equal priority, lower address: we stay and answer") {
    Router r = MasterAt360();
    r.OnAdvertisement(At(400), Adv(100), kLow);
    CHECK(r.state() == RouterState::kMaster);
    CHECK(Drain(r) == "send advertisement priority 100; announce x5 192.0.2.3");
  }
}

TEST_CASE("Master answers a lower-priority master at once, keeping its advertisement timer") {
  Router r = MasterAt360();
  r.OnAdvertisement(At(400), Adv(99), kHigh);
  CHECK(r.state() == RouterState::kMaster);
  CHECK(Drain(r) == "send advertisement priority 100; announce x5 192.0.2.3");
  CHECK(r.NextDeadline() == At(460));
  // Its own advertisement looped back is ignored.
  r.OnAdvertisement(At(410), Adv(100), kSelf);
  CHECK(Drain(r).empty());
}

TEST_CASE("Master answers priority 0 at once and restarts its advertisement timer") {
  Router r = MasterAt360();
  r.OnAdvertisement(At(420), Adv(0), kHigh);
  CHECK(Drain(r) == "send advertisement priority 100");
  CHECK(r.NextDeadline() == At(520));
  CHECK(r.stats().pri_zero_rcvd == 1);
}

TEST_CASE("Advertisements the state machine refuses are counted by reason") {
  Router r = Make(Config());
  r.Start(kT0);
  Advertisement adv = Adv(200);
  adv.vrid = 51;
  r.OnAdvertisement(At(10), adv, kHigh);
  CHECK(r.stats().drops[DropReason::kVrid] == 1);
  adv = Adv(200);
  adv.family = Family::kIPv6;
  r.OnAdvertisement(At(10), adv, kHigh);
  r.OnAdvertisement(At(10), Adv(200), *IpAddress::Parse("fe80::1"));
  CHECK(r.stats().drops[DropReason::kFamily] == 2);
  r.OnAdvertisement(At(10), Adv(200, 100, Version::kV2), kHigh);
  CHECK(r.stats().drops[DropReason::kVersion] == 1);
  CHECK(r.NextDeadline() == At(360));  // none of them counted as a master
  CHECK(r.stats().advert_rcvd == 1);   // the version mismatch was for us

  // A different address list is counted and, as keepalived, not followed.
  adv = Adv(200);
  adv.addresses = {IpAddress::V4(192, 0, 2, 9)};
  r.OnAdvertisement(At(20), adv, kHigh);
  CHECK(r.stats().drops[DropReason::kAddressList] == 1);
  CHECK(r.NextDeadline() == At(360));
  // The same addresses in another order are the same list.
  RouterConfig two = Config();
  two.virtual_addresses = {kVip, IpAddress::V4(192, 0, 2, 10)};
  Router t = Make(two);
  t.Start(kT0);
  adv = Adv(200);
  adv.addresses = {IpAddress::V4(192, 0, 2, 10), kVip};
  t.OnAdvertisement(At(20), adv, kHigh);
  CHECK(t.stats().drops[DropReason::kAddressList] == 0);

  r.CountDrop(DropReason::kChecksum);
  CHECK(r.stats().drops[DropReason::kChecksum] == 1);
  CHECK(r.stats().drops.Total() == 6);
}

TEST_CASE("Advertisements are ignored in Initialize and Fault") {
  Router r = Make(Config());
  r.OnAdvertisement(At(10), Adv(0), kHigh);
  CHECK(r.state() == RouterState::kInitialize);
  r.Start(kT0);
  r.SetFault(At(20), true);
  Drain(r);
  r.OnAdvertisement(At(30), Adv(200), kHigh);
  r.OnAdvertisement(At(30), Adv(1), kHigh);
  CHECK(Drain(r).empty());
  CHECK(r.NextDeadline() == absl::InfiniteFuture());
}

TEST_CASE("Fault from each state, and clearing it") {
  SECTION("Initialize: remembered, Start goes to Fault") {
    Router r = Make(Config());
    r.SetFault(kT0, true);
    CHECK(Drain(r).empty());
    r.Start(At(1));
    CHECK(r.state() == RouterState::kFault);
    CHECK(Drain(r) == "INIT -> FAULT (fault)");
    r.SetFault(At(2), false);
    CHECK(Drain(r) == "FAULT -> BACKUP (fault_cleared)");
    CHECK(r.NextDeadline() == At(2 + 360));
  }
  SECTION("Initialize: raised and cleared before Start") {
    Router r = Make(Config());
    r.SetFault(kT0, true);
    r.SetFault(kT0, false);
    r.Start(kT0);
    CHECK(Drain(r) == "INIT -> BACKUP (startup)");
  }
  SECTION("Backup") {
    Router r = Make(Config());
    r.Start(kT0);
    Drain(r);
    r.SetFault(At(100), true);
    CHECK(Drain(r) == "BACKUP -> FAULT (fault)");
    CHECK(r.NextDeadline() == absl::InfiniteFuture());
    r.SetFault(At(150), true);  // idempotent
    CHECK(Drain(r).empty());
    r.SetFault(At(200), false);
    CHECK(Drain(r) == "FAULT -> BACKUP (fault_cleared)");
    CHECK(r.NextDeadline() == At(560));
  }
  SECTION("Master: resigns with priority 0 and removes its addresses") {
    Router r = MasterAt360();
    r.SetFault(At(400), true);
    CHECK(Drain(r) == "MASTER -> FAULT (fault); send advertisement priority 0; remove 192.0.2.3");
    CHECK(r.stats().pri_zero_sent == 1);
    CHECK(r.stats().release_master == 1);
    CHECK(r.NextDeadline() == absl::InfiniteFuture());
    r.OnTimer(At(10000));
    CHECK(Drain(r).empty());
    r.SetFault(At(500), false);
    CHECK(Drain(r) == "FAULT -> BACKUP (fault_cleared)");
  }
  SECTION("Owner: clearing makes it Master at once") {
    Router r = Make(Config(255));
    r.Start(kT0);
    r.SetFault(At(100), true);
    Drain(r);
    r.SetFault(At(200), false);
    CHECK(Drain(r) ==
          "FAULT -> MASTER (fault_cleared); send advertisement priority 255; add 192.0.2.3; "
          "announce x5 192.0.2.3");
  }
}

TEST_CASE("Shutdown from each state") {
  SECTION("Initialize: nothing") {
    Router r = Make(Config());
    r.Shutdown(kT0);
    CHECK(Drain(r).empty());
    CHECK(r.state() == RouterState::kInitialize);
  }
  SECTION("Backup") {
    Router r = Make(Config());
    r.Start(kT0);
    Drain(r);
    r.Shutdown(At(100));
    CHECK(Drain(r) == "BACKUP -> INIT (shutdown)");
    CHECK(r.NextDeadline() == absl::InfiniteFuture());
    r.Start(At(200));  // a stopped router may start again
    CHECK(Drain(r) == "INIT -> BACKUP (startup)");
    CHECK(r.NextDeadline() == At(560));
  }
  SECTION("Master: priority 0, then the addresses go") {
    Router r = MasterAt360();
    r.Shutdown(At(400));
    CHECK(Drain(r) == "MASTER -> INIT (shutdown); send advertisement priority 0; remove 192.0.2.3");
    CHECK(r.NextDeadline() == absl::InfiniteFuture());
    CHECK(r.stats().pri_zero_sent == 1);
    CHECK(r.stats().advert_sent == 2);
  }
  SECTION("Fault: stays faulty for the next Start") {
    Router r = Make(Config());
    r.Start(kT0);
    r.SetFault(At(1), true);
    Drain(r);
    r.Shutdown(At(2));
    CHECK(Drain(r) == "FAULT -> INIT (shutdown)");
    r.Start(At(3));
    CHECK(Drain(r) == "INIT -> FAULT (fault)");
  }
}

TEST_CASE("Tracking: the effective priority is clamped to 1..254, the owner keeps 255") {
  Router r = Make(Config(100));
  r.SetPriorityDelta(kT0, -200);
  CHECK(r.effective_priority() == 1);
  r.SetPriorityDelta(kT0, 200);
  CHECK(r.effective_priority() == 254);
  r.SetPriorityDelta(kT0, -30);
  CHECK(r.effective_priority() == 70);
  CHECK(r.priority_delta() == -30);
  Router owner = Make(Config(255));
  owner.SetPriorityDelta(kT0, -50);
  CHECK(owner.effective_priority() == 255);
  owner.SetPriorityDelta(kT0, 50);
  CHECK(owner.effective_priority() == 255);

  // The Backup's skew follows the effective priority: 3 * 100 + (186 * 100) / 256 = 372.
  r.Start(kT0);
  CHECK(r.NextDeadline() == At(372));
}

TEST_CASE("A Master whose priority changes advertises at once") {
  Router r = MasterAt360();
  r.SetPriorityDelta(At(400), -20);
  CHECK(Drain(r) == "send advertisement priority 80");
  CHECK(r.NextDeadline() == At(500));
  r.SetPriorityDelta(At(410), -20);  // unchanged
  CHECK(Drain(r).empty());
  REQUIRE(r.SetPriority(At(420), 120).ok());
  CHECK(Drain(r) == "send advertisement priority 100");
  CHECK(r.config().priority == 120);
}

TEST_CASE("SetPriority refuses 0 and 256, raising a Backup to 255 makes it Master at once") {
  Router r = Make(Config());
  r.Start(kT0);
  Drain(r);
  absl::Status s = r.SetPriority(At(1), 0);
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK(s.message() == "priority 0 is out of range 1..255");
  CHECK(r.SetPriority(At(1), 256).code() == absl::StatusCode::kInvalidArgument);
  CHECK(r.config().priority == 100);
  REQUIRE(r.SetPriority(At(2), 255).ok());
  CHECK(Drain(r) ==
        "BACKUP -> MASTER (reconfigured); send advertisement priority 255; add 192.0.2.3; "
        "announce x5 192.0.2.3");
}

TEST_CASE("Reconfigure with the same configuration changes nothing") {
  SECTION("Backup") {
    Router r = Make(Config());
    r.Start(kT0);
    r.OnAdvertisement(At(50), Adv(200, 50), kHigh);
    Drain(r);
    const absl::Time deadline = r.NextDeadline();
    REQUIRE(r.Reconfigure(At(60), Config()).ok());
    CHECK(Drain(r).empty());
    CHECK(r.state() == RouterState::kBackup);
    CHECK(r.NextDeadline() == deadline);
    CHECK(r.master_adver_interval() == Centiseconds(50));
  }
  SECTION("Master") {
    Router r = MasterAt360();
    REQUIRE(r.Reconfigure(At(400), Config()).ok());
    CHECK(Drain(r).empty());
    CHECK(r.state() == RouterState::kMaster);
    CHECK(r.NextDeadline() == At(460));
  }
}

TEST_CASE("Reconfigure a Master's addresses, priority and interval without a flap") {
  Router r = MasterAt360();
  RouterConfig c = Config();
  const IpAddress extra = IpAddress::V4(192, 0, 2, 30);
  c.virtual_addresses = {extra};
  REQUIRE(r.Reconfigure(At(400), c).ok());
  CHECK(Drain(r) ==
        "remove 192.0.2.3; add 192.0.2.30; announce x5 192.0.2.30; "
        "send advertisement priority 100");
  CHECK(r.state() == RouterState::kMaster);
  CHECK(r.NextDeadline() == At(500));

  c.priority = 90;
  REQUIRE(r.Reconfigure(At(410), c).ok());
  CHECK(Drain(r) == "send advertisement priority 90");

  c.advert_interval = Centiseconds(50);
  REQUIRE(r.Reconfigure(At(420), c).ok());
  CHECK(Drain(r) == "send advertisement priority 90");
  CHECK(r.NextDeadline() == At(470));
  CHECK(r.stats().become_master == 1);
}

TEST_CASE("Reconfigure to another VRID restarts the router") {
  Router r = MasterAt360();
  RouterConfig c = Config();
  c.vrid = 51;
  REQUIRE(r.Reconfigure(At(400), c).ok());
  CHECK(Drain(r) ==
        "MASTER -> INIT (reconfigured); remove 192.0.2.3; INIT -> BACKUP (reconfigured)");
  CHECK(r.NextDeadline() == At(760));
  Advertisement adv;
  r.FillAdvertisement(100, adv);
  CHECK(adv.vrid == 51);
  CHECK(r.stats().pri_zero_sent == 0);
}

TEST_CASE("Shutdown, drain, Reconfigure, Start: the old VRID resigns with priority 0") {
  Router r = MasterAt360();
  r.Shutdown(At(400));
  Advertisement adv;
  std::vector<Action> actions;
  r.DrainActions(actions);
  REQUIRE(actions.size() == 3);
  REQUIRE(std::holds_alternative<SendAdvertisement>(actions[1]));
  r.FillAdvertisement(std::get<SendAdvertisement>(actions[1]).priority, adv);
  CHECK(adv.vrid == 50);
  CHECK(adv.priority == 0);
  RouterConfig c = Config();
  c.vrid = 51;
  REQUIRE(r.Reconfigure(At(400), c).ok());
  r.Start(At(400));
  CHECK(Drain(r) == "INIT -> BACKUP (startup)");
}

TEST_CASE("Reconfigure refuses an invalid configuration and keeps the old one") {
  Router r = MasterAt360();
  RouterConfig c = Config();
  c.vrid = 300;
  absl::Status s = r.Reconfigure(At(400), c);
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK(s.message() == "virtual_router_id 300 is out of range 1..255");
  CHECK(Drain(r).empty());
  CHECK(r.config().vrid == 50);
  CHECK(r.state() == RouterState::kMaster);
}

TEST_CASE("Reconfigure a Backup to the owner's priority makes it Master at once") {
  Router r = Make(Config());
  r.Start(kT0);
  Drain(r);
  REQUIRE(r.Reconfigure(At(10), Config(255)).ok());
  CHECK(Drain(r) ==
        "BACKUP -> MASTER (reconfigured); send advertisement priority 255; add 192.0.2.3; "
        "announce x5 192.0.2.3");
  // And back to 100: still Master (no flap), advertising the new priority at once.
  REQUIRE(r.Reconfigure(At(20), Config(100)).ok());
  CHECK(Drain(r) == "send advertisement priority 100");
  CHECK(r.state() == RouterState::kMaster);
}

TEST_CASE("Reconfigure in Initialize and Fault only stores the configuration") {
  Router r = Make(Config());
  RouterConfig c = Config(150);
  c.vrid = 60;
  REQUIRE(r.Reconfigure(kT0, c).ok());
  CHECK(Drain(r).empty());
  CHECK(r.effective_priority() == 150);
  r.Start(kT0);
  CHECK(Drain(r) == "INIT -> BACKUP (startup)");
  CHECK(r.NextDeadline() == At(341));
  r.SetFault(At(1), true);
  Drain(r);
  c.vrid = 61;
  REQUIRE(r.Reconfigure(At(2), c).ok());
  CHECK(Drain(r).empty());
  CHECK(r.state() == RouterState::kFault);
  CHECK(r.config().vrid == 61);
}

TEST_CASE("Statistics follow the transitions") {
  Router r = MasterAt360();
  r.OnAdvertisement(At(400), Adv(200), kHigh);
  r.OnAdvertisement(At(500), Adv(0), kHigh);
  r.OnTimer(At(560));
  r.Shutdown(At(600));
  const RouterStats& s = r.stats();
  CHECK(s.become_master == 2);
  CHECK(s.release_master == 2);
  CHECK(s.advert_rcvd == 2);
  CHECK(s.pri_zero_rcvd == 1);
  CHECK(s.advert_sent == 3);  // 3.60 s, 5.60 s, and priority 0 at shutdown
  CHECK(s.pri_zero_sent == 1);
  CHECK(s.last_transition == At(600));
  CHECK(s.last_transition_reason == TransitionReason::kShutdown);
  CHECK(s.last_new_master_reason == TransitionReason::kPriorityZeroReceived);
  r.CountDrop(DropReason::kChecksum);
  r.CountDrop(DropReason::kChecksum);
  r.CountDrop(DropReason::kTtl);
  CHECK(fmt::format("{}", s) ==
        "become_master=2 release_master=2 advert_rcvd=2 advert_sent=3 pri_zero_rcvd=1 "
        "pri_zero_sent=1 drops: checksum=2 ttl=1");
  CHECK(fmt::format("{}", RouterStats{}).ends_with("drops: none"));
}

TEST_CASE("Create refuses an invalid configuration") {
  RouterConfig c = Config();
  c.priority = 0;
  absl::StatusOr<Router> r = Router::Create(c);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "priority 0 is out of range 1..255");
}

TEST_CASE("IPv6 routers elect the same way") {
  RouterConfig c = Config();
  c.family = Family::kIPv6;
  c.virtual_addresses = {*IpAddress::Parse("2001:db8::3")};
  c.primary_address = *IpAddress::Parse("fe80::5");
  Router r = Make(c);
  r.Start(kT0);
  Advertisement adv = Adv(100);
  adv.family = Family::kIPv6;
  adv.addresses = c.virtual_addresses;
  r.OnAdvertisement(At(10), adv, *IpAddress::Parse("fe80::6"));
  CHECK(r.NextDeadline() == At(370));
  CHECK(Drain(r) == "INIT -> BACKUP (startup)");
  r.OnTimer(At(370));
  CHECK(Drain(r) ==
        "BACKUP -> MASTER (master_down_timer); send advertisement priority 100; "
        "add 2001:db8::3; announce x5 2001:db8::3");
  r.OnAdvertisement(At(380), adv, *IpAddress::Parse("fe80::4"));  // equal, lower address
  CHECK(r.state() == RouterState::kMaster);
  r.OnAdvertisement(At(390), adv, *IpAddress::Parse("fe80::6"));  // equal, greater address
  CHECK(r.state() == RouterState::kBackup);
}

TEST_CASE("Sync hold: a held Backup waits at its timer and becomes Master when released") {
  Router r = Make(Config());
  r.SetSyncHold(kT0, true);
  r.Start(kT0);
  Drain(r);
  r.OnTimer(At(360));
  CHECK(r.state() == RouterState::kBackup);
  CHECK(r.sync_ready());
  CHECK(Drain(r).empty());
  CHECK(r.NextDeadline() == absl::InfiniteFuture());  // nothing to do until released
  // An advertisement it accepts re-arms the timer: not ready any more.
  r.OnAdvertisement(At(400), Adv(150), kHigh);
  CHECK_FALSE(r.sync_ready());
  CHECK(r.NextDeadline() == At(400 + 300 + 60));
  r.OnTimer(At(760));
  CHECK(r.sync_ready());
  r.SetSyncHold(At(800), false);
  CHECK(r.state() == RouterState::kMaster);
  CHECK(Drain(r) == fmt::format("BACKUP -> MASTER (master_down_timer); {}", kBecomeMasterTail));
  CHECK_FALSE(r.sync_ready());
}

TEST_CASE("Sync hold: released before its timer, a Backup goes on as usual") {
  Router r = Make(Config());
  r.SetSyncHold(kT0, true);
  r.Start(kT0);
  r.SetSyncHold(At(100), false);
  CHECK(r.state() == RouterState::kBackup);
  CHECK(r.NextDeadline() == At(360));
  r.OnTimer(At(360));
  CHECK(r.state() == RouterState::kMaster);
}

TEST_CASE("Sync: a held Master stays, a step-down makes it Backup without resigning") {
  Router r = MasterAt360();
  r.SetSyncHold(At(400), true);
  CHECK(r.state() == RouterState::kMaster);
  CHECK(Drain(r).empty());
  r.SyncStepDown(At(400));
  CHECK(r.state() == RouterState::kBackup);
  CHECK(Drain(r) == "MASTER -> BACKUP (sync_group); remove 192.0.2.3");
  CHECK(r.stats().release_master == 1);
  CHECK(r.NextDeadline() == At(400 + 360));
  // A second step-down changes nothing; a priority-0 advert re-arms to Skew_Time, not ready.
  r.SyncStepDown(At(401));
  CHECK(Drain(r).empty());
  r.OnAdvertisement(At(402), Adv(0), kHigh);
  CHECK_FALSE(r.sync_ready());
  CHECK(r.NextDeadline() == At(402 + 60));
}

TEST_CASE("Names and formatting") {
  CHECK(fmt::format("{}", RouterState::kInitialize) == "INIT");
  CHECK(fmt::format("{}", RouterState::kFault) == "FAULT");
  CHECK(fmt::format("{:>7}", RouterState::kMaster) == " MASTER");
  CHECK(fmt::format("{}", TransitionReason::kHigherPriorityReceived) == "higher_priority_received");
  CHECK(fmt::format("{}", Action(RemoveAddresses{{kVip, kLow}})) == "remove 192.0.2.3 192.0.2.4");
}

TEST_CASE("A Router is small") {
  // Goal: at most 1 KiB, address lists' heap storage aside (they are inline up to 4).
  INFO("sizeof(Router) = " << sizeof(Router));
  CHECK(sizeof(Router) <= 1024);
}

}  // namespace
}  // namespace vrrp

namespace vrrp {
namespace {

// The router writes its own advertisements: for the capture lab's r1 (VRID 50, priority 150,
// PASS 1111, 1 s, VIP 192.0.2.3, from 192.0.2.5) the bytes are keepalived 2.2.7's, to the octet.
TEST_CASE("Router::WriteAdvertisement writes what keepalived put on the wire") {
  SECTION("VRRPv2 with PASS") {
    testing::Vector v = testing::LoadVector("keepalived-v2-pass");
    RouterConfig c = Config(150, Version::kV2);
    c.primary_address = IpAddress::V4(192, 0, 2, 5);
    c.auth_type = AuthType::kPass;
    c.pass_key = *PassKey::Create("1111");
    Router r = Make(c);
    std::array<uint8_t, kMaxAdvertisementSize> buf;
    auto n = r.WriteAdvertisement(150, kMulticastGroupV4, absl::MakeSpan(buf));
    REQUIRE(n.ok());
    CHECK(std::vector<uint8_t>(buf.begin(), buf.begin() + static_cast<long>(*n)) == v.payload);
  }
  SECTION("VRRPv3 over IPv4, pseudo-header in the checksum") {
    testing::Vector v = testing::LoadVector("keepalived-v3-ipv4");
    RouterConfig c = Config(std::stoi(v.Field("Priority")), Version::kV3);
    c.primary_address = IpAddress::V4(192, 0, 2, 5);
    c.advert_interval = Centiseconds(100);  // tshark: "Adver Int: 100"
    Router r = Make(c);
    std::array<uint8_t, kMaxAdvertisementSize> buf;
    auto n = r.WriteAdvertisement(static_cast<uint8_t>(c.priority), kMulticastGroupV4,
                                  absl::MakeSpan(buf));
    REQUIRE(n.ok());
    CHECK(std::vector<uint8_t>(buf.begin(), buf.begin() + static_cast<long>(*n)) == v.payload);
  }
  SECTION("a buffer too small is refused, nothing written") {
    Router r = Make(Config());
    std::array<uint8_t, 8> small;
    CHECK(r.WriteAdvertisement(100, kMulticastGroupV4, absl::MakeSpan(small)).status().code() ==
          absl::StatusCode::kResourceExhausted);
  }
}

// The Master copies its last advertisement while priority, destination and configuration are
// the same: each write must be what a router that never wrote one would write.
TEST_CASE("Router::WriteAdvertisement gives fresh bytes after any input changed") {
  RouterConfig c = Config(150, Version::kV3);
  c.primary_address = IpAddress::V4(192, 0, 2, 5);
  Router r = Make(c);
  auto write = [](Router& router, uint8_t priority, const IpAddress& to) {
    std::array<uint8_t, kMaxAdvertisementSize> buf;
    auto n = router.WriteAdvertisement(priority, to, absl::MakeSpan(buf));
    REQUIRE(n.ok());
    return std::vector<uint8_t>(buf.begin(), buf.begin() + static_cast<long>(*n));
  };
  auto fresh = [&](const RouterConfig& config, uint8_t priority, const IpAddress& to) {
    Router other = Make(config);
    return write(other, priority, to);
  };
  const IpAddress peer = IpAddress::V4(192, 0, 2, 6);
  const std::vector<uint8_t> first = write(r, 150, kMulticastGroupV4);
  CHECK(write(r, 150, kMulticastGroupV4) == first);
  CHECK(write(r, 0, kMulticastGroupV4) == fresh(c, 0, kMulticastGroupV4));  // resigning
  CHECK(write(r, 150, peer) == fresh(c, 150, peer));                        // another pseudo-header
  CHECK(write(r, 150, peer) != first);
  CHECK(write(r, 150, kMulticastGroupV4) == first);
  RouterConfig more = c;
  more.virtual_addresses.push_back(IpAddress::V4(192, 0, 2, 4));
  REQUIRE(r.Reconfigure(kT0, more).ok());
  const std::vector<uint8_t> after = write(r, 150, kMulticastGroupV4);
  CHECK(after.size() == first.size() + 4);
  CHECK(after == fresh(more, 150, kMulticastGroupV4));
  std::array<uint8_t, 8> small;
  CHECK(r.WriteAdvertisement(150, kMulticastGroupV4, absl::MakeSpan(small)).status().code() ==
        absl::StatusCode::kResourceExhausted);
}

// Issue 16: a forged priority-255 advertisement with addresses that are not ours made a Master
// step down. keepalived discards it ("one or more VIP associated with VRID mismatch actual
// MASTER advert"); so do we, and count it.
TEST_CASE("An advertisement with another address list is counted and discarded, as keepalived") {
  Advertisement forged = Adv(255);
  forged.addresses = {IpAddress::V4(198, 51, 100, 7)};
  SECTION("a Master stays Master and keeps its timer") {
    Router r = MasterAt360();
    CHECK(r.OnAdvertisement(At(380), forged, kHigh) == DropReason::kAddressList);
    CHECK(r.state() == RouterState::kMaster);
    CHECK(Drain(r).empty());
    CHECK(r.NextDeadline() == At(460));
    CHECK(r.stats().drops[DropReason::kAddressList] == 1);
    CHECK(r.stats().advert_rcvd == 1);
  }
  SECTION("a Backup does not take it for a master") {
    Router r = Make(Config());
    r.Start(kT0);
    Drain(r);
    CHECK(r.OnAdvertisement(At(100), forged, kHigh) == DropReason::kAddressList);
    CHECK(r.NextDeadline() == At(360));
    CHECK_FALSE(r.master_address().has_value());
    r.OnTimer(At(360));
    CHECK(r.state() == RouterState::kMaster);
  }
  SECTION("a missing or an extra address is another list too") {
    RouterConfig two = Config();
    two.virtual_addresses = {kVip, IpAddress::V4(192, 0, 2, 10)};
    Router r = Make(two);
    r.Start(kT0);
    Advertisement fewer = Adv(200);  // kVip only
    CHECK(r.OnAdvertisement(At(10), fewer, kHigh) == DropReason::kAddressList);
    Advertisement more = Adv(200);
    more.addresses = {kVip, IpAddress::V4(192, 0, 2, 10), IpAddress::V4(192, 0, 2, 11)};
    CHECK(r.OnAdvertisement(At(10), more, kHigh) == DropReason::kAddressList);
    CHECK(r.NextDeadline() == At(360));
  }
  SECTION("discard_address_mismatch false: counted and acted on (RFC 5798 §7.1 only logs it)") {
    RouterConfig c = Config();
    c.discard_address_mismatch = false;
    Router r = Make(c);
    r.Start(kT0);
    Drain(r);
    CHECK(r.OnAdvertisement(At(100), forged, kHigh) == DropReason::kAddressList);
    CHECK(r.master_address() == kHigh);
    CHECK(r.NextDeadline() > At(360));
    CHECK(r.stats().drops[DropReason::kAddressList] == 1);
  }
}

// keepalived's skip_check_adv_addr: the check is skipped for the master already followed only.
TEST_CASE("skip_address_check_from_master compares the list of a new master only") {
  RouterConfig c = Config();
  c.skip_address_check_from_master = true;
  Router r = Make(c);
  r.Start(kT0);
  Advertisement other = Adv(200);
  other.addresses = {IpAddress::V4(192, 0, 2, 9)};
  // Not yet a master we follow: checked, discarded.
  CHECK(r.OnAdvertisement(At(10), other, kHigh) == DropReason::kAddressList);
  CHECK_FALSE(r.master_address().has_value());
  // Followed once its list matched; then its adverts are not compared.
  CHECK(r.OnAdvertisement(At(20), Adv(200), kHigh) == DropReason::kNone);
  CHECK(r.OnAdvertisement(At(120), other, kHigh) == DropReason::kNone);
  CHECK(r.NextDeadline() == At(120 + 360));  // followed: the down timer restarted at 1.20 s
  CHECK(r.stats().drops[DropReason::kAddressList] == 1);
  // Another router with another list is still checked.
  CHECK(r.OnAdvertisement(At(130), other, kLow) == DropReason::kAddressList);
}

TEST_CASE("Router::OnAdvertisement returns the reason it counted") {
  Router r = Make(Config(100, Version::kV2));
  r.Start(kT0);
  Advertisement adv = Adv(150, 200, Version::kV2);
  CHECK(r.OnAdvertisement(At(10), adv, kHigh) == DropReason::kInterval);
  adv = Adv(150, 100, Version::kV2);
  CHECK(r.OnAdvertisement(At(10), adv, kHigh) == DropReason::kNone);
  adv.addresses.push_back(IpAddress::V4(192, 0, 2, 99));
  CHECK(r.OnAdvertisement(At(20), adv, kHigh) == DropReason::kAddressList);
  adv.vrid = 51;
  CHECK(r.OnAdvertisement(At(30), adv, kHigh) == DropReason::kVrid);
}

}  // namespace
}  // namespace vrrp

// What a kernel filter absorbed (linux/advert_offload.h): counted, and the master-down timer
// runs from the last of them, as if each had been given; never for a resignation, a distrusted
// master or a Backup that would not take them as they were.
namespace vrrp {
namespace {

TEST_CASE("Repeated advertisements absorbed elsewhere push the master-down timer on") {
  Router r = Make(Config(100));
  r.Start(At(0));
  Drain(r);
  CHECK_FALSE(r.WouldAcceptRepeat());  // no master yet
  REQUIRE(r.OnAdvertisement(At(10), Adv(150), kHigh) == DropReason::kNone);
  CHECK(r.last_accepted() == At(10));
  CHECK(r.last_advertisement_taken());
  CHECK(r.WouldAcceptRepeat());
  CHECK(r.NextDeadline() == At(10 + 360));
  // A lower priority from another router, discarded (we preempt it): not taken as the master's.
  REQUIRE(r.OnAdvertisement(At(10), Adv(50), kLow) == DropReason::kNone);
  CHECK_FALSE(r.last_advertisement_taken());
  CHECK(r.last_accepted() == At(10));
  const uint64_t before = r.stats().advert_rcvd;
  r.OnRepeatedAdvertisements(At(310), 3);
  CHECK(r.stats().advert_rcvd == before + 3);
  CHECK(r.NextDeadline() == At(310 + 360));
  CHECK(r.last_accepted() == At(310));
  // Older than what it has: counted only.
  r.OnRepeatedAdvertisements(At(200), 1);
  CHECK(r.NextDeadline() == At(310 + 360));
  CHECK(r.stats().advert_rcvd == before + 4);
  // The master resigns: repeats from before it do not undo the Skew_Time timer.
  REQUIRE(r.OnAdvertisement(At(400), Adv(0), kHigh) == DropReason::kNone);
  CHECK_FALSE(r.WouldAcceptRepeat());
  r.OnRepeatedAdvertisements(At(399), 1);
  CHECK(r.NextDeadline() == At(400 + 60));
  r.OnTimer(At(460));
  CHECK(r.state() == RouterState::kMaster);
  r.OnRepeatedAdvertisements(At(455), 1);  // Master: counted, nothing else
  CHECK(r.state() == RouterState::kMaster);
}

TEST_CASE("A Backup takes repeats as they were only while nothing it decides on changed") {
  Router r = Make(Config(100));
  r.Start(At(0));
  REQUIRE(r.OnAdvertisement(At(10), Adv(150), kHigh) == DropReason::kNone);
  REQUIRE(r.WouldAcceptRepeat());
  // Our priority above the master's, preempting (the default): its adverts are discarded now.
  r.SetPriorityDelta(At(20), 100);
  CHECK_FALSE(r.WouldAcceptRepeat());
  // Repeats absorbed before the change still count for the timer (they were taken then).
  r.OnRepeatedAdvertisements(At(15), 1);
  CHECK(r.NextDeadline() == At(15) + r.master_down_interval().ToDuration());
  r.SetPriorityDelta(At(30), 0);
  CHECK(r.WouldAcceptRepeat());
  // A distrusted master: never.
  r.Distrust(At(40), kHigh);
  CHECK_FALSE(r.WouldAcceptRepeat());
  r.OnRepeatedAdvertisements(At(45), 1);
  CHECK(r.NextDeadline() == At(40 + 60));

  // preempt_delay: a lower-priority master is taken only until the window ends.
  RouterConfig delayed = Config(100);
  delayed.preempt_delay = absl::Seconds(5);
  Router d = Make(delayed);
  d.Start(At(0));
  REQUIRE(d.OnAdvertisement(At(10), Adv(50), kHigh) == DropReason::kNone);
  CHECK(d.last_accepted() == At(10));
  CHECK_FALSE(d.WouldAcceptRepeat());
  // Without preemption any master's repeats are taken.
  RouterConfig meek = Config(100);
  meek.preempt = false;
  Router m = Make(meek);
  m.Start(At(0));
  REQUIRE(m.OnAdvertisement(At(10), Adv(50), kHigh) == DropReason::kNone);
  CHECK(m.WouldAcceptRepeat());
}

}  // namespace
}  // namespace vrrp
