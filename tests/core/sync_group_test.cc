// keepalived's vrrp_sync_group as PlanSyncGroup plans it, on real Routers driven by timers and
// advertisements: members become Master together or not at all, and one that loses takes the
// group's Masters to Backup with it.
#include "vrrp/sync_group.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "fmt/format.h"

namespace vrrp {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'000'000);
// kT0 + `cs` centiseconds.
absl::Time At(int64_t cs) { return kT0 + absl::Milliseconds(cs * 10); }

const IpAddress kSelf = IpAddress::V4(192, 0, 2, 5);  // our primary address
const IpAddress kPeer = IpAddress::V4(192, 0, 2, 6);  // the other router of the pair

// v3, 1 s. Priority 150: master down after 3 * 100 + (106 * 100) / 256 = 341 cs; 100: 360 cs.
RouterConfig Config(int vrid, int priority) {
  RouterConfig c;
  c.vrid = vrid;
  c.priority = priority;
  c.advert_interval = Centiseconds(100);
  c.virtual_addresses = {IpAddress::V4(192, 0, 2, static_cast<uint8_t>(vrid))};
  c.primary_address = kSelf;
  return c;
}

Router Make(const RouterConfig& c) {
  absl::StatusOr<Router> r = Router::Create(c);
  REQUIRE(r.ok());
  return *std::move(r);
}

Advertisement Adv(const Router& r, int priority) {
  Advertisement adv;
  adv.version = Version::kV3;
  adv.vrid = static_cast<uint8_t>(r.config().vrid);
  adv.priority = static_cast<uint8_t>(priority);
  adv.interval = Centiseconds(100);
  adv.addresses = r.config().virtual_addresses;
  return adv;
}

// The queued actions as "a; b", then cleared.
std::string Drain(Router& r) {
  std::string out = fmt::format("{}", fmt::join(r.PendingActions(), "; "));
  r.ClearActions();
  return out;
}

// A group of two: VRID 50 at priority 150 and VRID 51 at priority 100, as a v4 and a v6 VIP
// of one service would be.
struct Group {
  Router a = Make(Config(50, 150));
  Router b = Make(Config(51, 100));

  std::vector<const Router*> Members() const { return {&a, &b}; }
  Router& operator[](size_t i) { return i == 0 ? a : b; }

  // The plan as "hold 0; release 1".
  std::string Plan() const { return fmt::format("{}", fmt::join(PlanSyncGroup(Members()), "; ")); }
  // Plans and carries the plan out; returns it as Plan() does.
  std::string Apply(absl::Time now) {
    const std::vector<SyncCommand> plan = PlanSyncGroup(Members());
    for (const SyncCommand& c : plan) ApplySyncCommand(now, c.kind, (*this)[c.member]);
    return fmt::format("{}", fmt::join(plan, "; "));
  }
  void Start(absl::Time now) {
    a.Start(now);
    b.Start(now);
  }
  void Timer(absl::Time now) {
    a.OnTimer(now);
    b.OnTimer(now);
  }
  void Clear() {
    a.ClearActions();
    b.ClearActions();
  }
};

TEST_CASE("Sync group: every member is held once") {
  Group g;
  g.Start(kT0);
  CHECK(g.Apply(kT0) == "hold 0; hold 1");
  CHECK(g.a.sync_hold());
  CHECK(g.b.sync_hold());
  CHECK(g.Plan().empty());  // already held: not held again
  CHECK(g.a.state() == RouterState::kBackup);
  CHECK(g.b.state() == RouterState::kBackup);
}

TEST_CASE("Sync group: a member whose timer ran out waits, and all ready are released together") {
  Group g;
  g.Start(kT0);
  g.Apply(kT0);
  g.Clear();

  g.Timer(At(341));  // a's master-down timer: held, so ready instead of Master
  CHECK(g.a.state() == RouterState::kBackup);
  CHECK(g.a.sync_ready());
  CHECK_FALSE(g.b.sync_ready());
  CHECK(g.Apply(At(341)).empty());  // b is not ready: a keeps waiting
  CHECK(g.a.state() == RouterState::kBackup);
  CHECK(Drain(g.a).empty());

  g.Timer(At(360));  // b's
  CHECK(g.b.sync_ready());
  CHECK(g.Apply(At(360)) == "release 0; release 1");
  CHECK(g.a.state() == RouterState::kMaster);
  CHECK(g.b.state() == RouterState::kMaster);
  CHECK(Drain(g.a) ==
        "BACKUP -> MASTER (master_down_timer); send advertisement priority 150; add 192.0.2.50; "
        "announce x5 192.0.2.50");
  CHECK(Drain(g.b).find("BACKUP -> MASTER (master_down_timer)") == 0);
  // Released, and held again for the next time.
  CHECK(g.a.sync_hold());
  CHECK(g.b.sync_hold());
  CHECK_FALSE(g.a.sync_ready());
  CHECK(g.Plan().empty());
  CHECK(SyncGroupState(g.Members()) == RouterState::kMaster);
}

TEST_CASE("Sync group: a Master outside the hold is held, and a ready member joins it") {
  Group g;
  g.Start(kT0);
  g.a.OnTimer(At(341));  // Master before the group existed (a reload made it a member)
  REQUIRE(g.a.state() == RouterState::kMaster);
  g.b.SetSyncHold(kT0, true);
  g.b.OnTimer(At(360));
  REQUIRE(g.b.sync_ready());
  CHECK(g.Apply(At(360)) == "hold 0; release 1");  // every hold first
  CHECK(g.a.state() == RouterState::kMaster);
  CHECK(g.b.state() == RouterState::kMaster);
}

TEST_CASE("Sync group: a member that loses takes the group's Masters to Backup") {
  Group g;
  g.Start(kT0);
  g.Apply(kT0);
  g.Timer(At(360));
  REQUIRE(g.Apply(At(360)) == "release 0; release 1");
  g.Clear();

  // The peer's b comes back at a higher priority: b yields (RFC 5798 §6.4.3), a must follow.
  CHECK(g.b.OnAdvertisement(At(400), Adv(g.b, 200), kPeer) == DropReason::kNone);
  CHECK(g.b.state() == RouterState::kBackup);
  CHECK(g.Apply(At(400)) == "step_down 0");
  CHECK(g.a.state() == RouterState::kBackup);
  CHECK(Drain(g.a) == "MASTER -> BACKUP (sync_group); remove 192.0.2.50");  // no priority 0
  CHECK(g.a.stats().last_transition_reason == TransitionReason::kSyncGroup);
  // a names itself as the last master: that is no loss, and nothing is left to do.
  CHECK(g.a.master_address() == kSelf);
  CHECK(g.Plan().empty());
  CHECK(SyncGroupState(g.Members()) == RouterState::kBackup);

  // The peer's b goes silent: a's timer runs out first, but waits for b's.
  g.Timer(At(400 + 341));
  CHECK(g.a.sync_ready());
  CHECK(g.Apply(At(400 + 341)).empty());  // b still accepts the peer: the group stays Backup
  CHECK(g.a.state() == RouterState::kBackup);
  g.Timer(At(400 + 360));
  CHECK(g.Apply(At(400 + 360)) == "release 0; release 1");
  CHECK(SyncGroupState(g.Members()) == RouterState::kMaster);
}

TEST_CASE("Sync group: a member that hears another master keeps the group from taking over") {
  Group g;
  g.Start(kT0);
  g.Apply(kT0);
  g.b.OnAdvertisement(At(100), Adv(g.b, 200), kPeer);  // the peer is Master of b's VRID
  g.Timer(At(341));
  CHECK(g.a.sync_ready());
  CHECK(g.Apply(At(341)).empty());  // no Master to step down, and no release either
  CHECK(g.a.state() == RouterState::kBackup);
  CHECK(g.b.state() == RouterState::kBackup);
}

TEST_CASE("Sync group: a member in Fault keeps the others waiting") {
  Group g;
  g.Start(kT0);
  g.Apply(kT0);
  g.b.SetFault(At(100), true);
  REQUIRE(g.b.state() == RouterState::kFault);
  g.Timer(At(341));
  CHECK(g.a.sync_ready());
  CHECK(g.Apply(At(341)).empty());
  CHECK(g.a.state() == RouterState::kBackup);
  CHECK_FALSE(SyncGroupState(g.Members()).has_value());
  // Cleared, b starts again as at startup and the group moves once it is ready too.
  g.b.SetFault(At(400), false);
  g.Timer(At(400 + 360));
  CHECK(g.Apply(At(400 + 360)) == "release 0; release 1");
}

TEST_CASE("Sync group: a single member, or none, is not a group") {
  Router r = Make(Config(50, 150));
  r.Start(kT0);
  const std::vector<const Router*> one = {&r};
  CHECK(PlanSyncGroup(one).empty());
  r.OnTimer(At(341));
  CHECK(r.state() == RouterState::kMaster);  // never held: Master on its own timer
  CHECK(PlanSyncGroup(one).empty());
  CHECK(SyncGroupState(one) == RouterState::kMaster);
  CHECK(PlanSyncGroup({}).empty());
  CHECK_FALSE(SyncGroupState({}).has_value());
}

TEST_CASE("Sync group: commands print for logs") {
  CHECK(fmt::format("{}", SyncCommand{SyncCommand::Kind::kHold, 0}) == "hold 0");
  CHECK(fmt::format("{}", SyncCommand{SyncCommand::Kind::kStepDown, 1}) == "step_down 1");
  CHECK(fmt::format("{}", SyncCommand{SyncCommand::Kind::kRelease, 2}) == "release 2");
  CHECK(SyncCommandKindName(static_cast<SyncCommand::Kind>(9)) == "unknown");
}

}  // namespace
}  // namespace vrrp
