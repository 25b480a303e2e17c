// vrrp::OverrideSet on the simulated LAN, without root: an operator's fault and priority delta
// survive the policy's passes (which set every instance's fault and delta each time), combine
// with tracking's instead of replacing it, count as the instance's own fault for its sync group,
// and are pushed again after the runner was rebuilt (Reapply).
#include "vrrp/override_set.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "vrrp/policy.h"
#include "vrrp/testing/simulated_lan.h"

namespace vrrp {
namespace {

RouterConfig Config(int vrid, int host, int priority) {
  RouterConfig c;
  c.vrid = vrid;
  c.version = Version::kV3;
  c.priority = priority;
  c.advert_interval = Centiseconds(100);
  c.virtual_addresses = {IpAddress::V4(192, 0, 2, static_cast<uint8_t>(100 + vrid))};
  c.primary_address = IpAddress::V4(192, 0, 2, static_cast<uint8_t>(host));
  return c;
}

// "a" (priority 150) and "b" (100) for VRID 1 on one LAN; the policy and the overrides act on
// the whole LAN (only "a" has tracks), applied after every step as vrrpd applies them.
struct Lan {
  SimulatedLan lan;
  OverrideSet overrides{lan};
  Policy policy;
  std::map<std::string, bool, std::less<>> failed;
  InstanceId a, b;

  Lan() {
    REQUIRE(lan.AddRouter("a", Config(1, 1, 150)).ok());
    REQUIRE(lan.AddRouter("b", Config(1, 2, 100)).ok());
    a = *lan.Find("a");
    b = *lan.Find("b");
    lan.StartAll();
  }
  TrackInputs Inputs() {
    return {.script_failed = [this](std::string_view n) {
      auto it = failed.find(n);
      return it != failed.end() && it->second;
    }};
  }
  void RunFor(absl::Duration d) {
    const absl::Time end = lan.Now() + d;
    while (lan.Now() < end) {
      policy.Apply(lan.Now(), overrides, Inputs());
      REQUIRE(lan.RunFor(absl::Milliseconds(100)).ok());
    }
  }
  std::string Master() {
    if (lan.router(a)->state() == RouterState::kMaster) return "a";
    if (lan.router(b)->state() == RouterState::kMaster) return "b";
    return "none";
  }
};

TEST_CASE("OverrideSet: an operator fault holds through the policy's passes until cleared") {
  Lan l;
  l.RunFor(absl::Seconds(5));
  REQUIRE(l.Master() == "a");
  REQUIRE(l.overrides.SetOverrideFault(l.lan.Now(), l.a, true));
  l.RunFor(absl::Seconds(5));
  CHECK(l.lan.router(l.a)->state() == RouterState::kFault);
  CHECK(l.Master() == "b");
  CHECK(l.overrides.override_fault(l.a));
  CHECK(l.overrides.InterfaceFault(l.a));  // its own fault, for a sync group
  CHECK_FALSE(l.lan.InterfaceFault(l.a));  // not the runner's

  REQUIRE(l.overrides.SetOverrideFault(l.lan.Now(), l.a, false));
  l.RunFor(absl::Seconds(5));
  CHECK(l.Master() == "a");  // preempts back
  CHECK_FALSE(l.overrides.override_fault(l.a));
}

TEST_CASE("OverrideSet: the policy's fault and the operator's are ORed") {
  Lan l;
  l.policy.Reconfigure(
      {.instances = {
           {.name = "a", .tracks = {{.kind = Track::Kind::kScript, .name = "chk", .weight = 0}}}}});
  l.RunFor(absl::Seconds(5));
  REQUIRE(l.Master() == "a");
  l.failed["chk"] = true;
  REQUIRE(l.overrides.SetOverrideFault(l.lan.Now(), l.a, true));
  l.RunFor(absl::Seconds(2));
  CHECK(l.lan.router(l.a)->state() == RouterState::kFault);
  // The check recovers: the operator's fault still holds it.
  l.failed["chk"] = false;
  l.RunFor(absl::Seconds(2));
  CHECK(l.lan.router(l.a)->state() == RouterState::kFault);
  // The operator clears it while the check fails again: the policy's still holds it.
  l.failed["chk"] = true;
  REQUIRE(l.overrides.SetOverrideFault(l.lan.Now(), l.a, false));
  l.RunFor(absl::Seconds(2));
  CHECK(l.lan.router(l.a)->state() == RouterState::kFault);
  l.failed["chk"] = false;
  l.RunFor(absl::Seconds(5));
  CHECK(l.Master() == "a");
}

TEST_CASE("OverrideSet: the operator's delta adds to tracking's and is clamped") {
  Lan l;
  l.policy.Reconfigure(
      {.instances = {{.name = "a",
                      .tracks = {{.kind = Track::Kind::kScript, .name = "chk", .weight = -20}}}}});
  l.failed["chk"] = true;
  l.RunFor(absl::Seconds(5));
  REQUIRE(l.lan.router(l.a)->effective_priority() == 130);
  REQUIRE(l.Master() == "a");

  REQUIRE(l.overrides.SetOverrideDelta(l.lan.Now(), l.a, -40));  // 150 - 20 - 40 = 90 < 100
  l.RunFor(absl::Seconds(5));
  CHECK(l.lan.router(l.a)->effective_priority() == 90);
  CHECK(l.lan.router(l.a)->priority_delta() == -60);
  CHECK(l.overrides.override_delta(l.a) == -40);
  CHECK(l.Master() == "b");

  l.failed["chk"] = false;  // tracking's part goes, the operator's stays
  l.RunFor(absl::Seconds(5));
  CHECK(l.lan.router(l.a)->effective_priority() == 110);
  CHECK(l.Master() == "a");  // 110 > 100: preempts

  REQUIRE(l.overrides.SetOverrideDelta(l.lan.Now(), l.a, INT32_MIN));
  l.RunFor(absl::Seconds(1));
  CHECK(l.lan.router(l.a)->priority_delta() == -254);
  CHECK(l.lan.router(l.a)->effective_priority() == 1);

  REQUIRE(l.overrides.SetOverrideDelta(l.lan.Now(), l.a, 0));
  l.RunFor(absl::Seconds(5));
  CHECK(l.lan.router(l.a)->effective_priority() == 150);
  CHECK(l.Master() == "a");
}

TEST_CASE("OverrideSet: unknown ids are refused, Reapply pushes the overrides again") {
  Lan l;
  l.RunFor(absl::Seconds(5));
  CHECK_FALSE(l.overrides.SetOverrideFault(l.lan.Now(), InstanceId{99}, true));
  CHECK_FALSE(l.overrides.SetOverrideDelta(l.lan.Now(), InstanceId{99}, 5));
  CHECK_FALSE(l.overrides.override_fault(InstanceId{99}));

  REQUIRE(l.overrides.SetOverrideDelta(l.lan.Now(), l.b, 30));
  l.RunFor(absl::Seconds(1));
  REQUIRE(l.lan.router(l.b)->effective_priority() == 130);
  // The runner loses the delta (as a rebuilt instance would) behind the adapter's back; the
  // policy, which wants 0 there, sees nothing to change. Reapply restores it.
  l.lan.SetPriorityDelta(l.lan.Now(), l.b, 0);
  l.RunFor(absl::Seconds(1));
  CHECK(l.lan.router(l.b)->effective_priority() == 100);
  l.overrides.Reapply(l.lan.Now());
  CHECK(l.lan.router(l.b)->effective_priority() == 130);

  // A node that is no longer running is forgotten by Reapply.
  l.lan.Crash(*l.lan.NodeOf(l.b));
  l.overrides.Reapply(l.lan.Now());
  CHECK(l.overrides.override_delta(l.b) == 0);
}

}  // namespace
}  // namespace vrrp
