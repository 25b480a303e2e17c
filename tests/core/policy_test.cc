// vrrp::Policy on the simulated LAN, without root: sync groups keep their members together
// across hosts (a fault, a crash, a lost election), tracking moves priorities and raises
// faults, and a reload of the policy takes effect. Each host runs its own Policy over its own
// instances, as each host's Driver would: HostView shows a policy one host's nodes only.
#include "vrrp/policy.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "fmt/format.h"
#include "vrrp/testing/simulated_lan.h"

namespace vrrp {
namespace {

// One host's instances on a LAN that simulates several hosts.
class HostView final : public InstanceSet {
 public:
  HostView(SimulatedLan& lan, std::set<std::string> names) : lan_(lan), names_(std::move(names)) {}

  std::vector<InstanceId> ids() const override {
    std::vector<InstanceId> out;
    for (InstanceId id : lan_.ids()) {
      if (names_.contains(lan_.name(*lan_.NodeOf(id)))) out.push_back(id);
    }
    return out;
  }
  std::optional<InstanceId> Find(std::string_view name) const override {
    if (!names_.contains(std::string(name))) return std::nullopt;
    return lan_.Find(name);
  }
  const Router* router(InstanceId id) const override { return lan_.router(id); }
  void SetExternalFault(absl::Time now, InstanceId id, bool fault) override {
    lan_.SetExternalFault(now, id, fault);
  }
  bool InterfaceFault(InstanceId id) const override { return lan_.InterfaceFault(id); }
  void SetPriorityDelta(absl::Time now, InstanceId id, int delta) override {
    lan_.SetPriorityDelta(now, id, delta);
  }
  void SetSyncHold(absl::Time now, InstanceId id, bool hold) override {
    lan_.SetSyncHold(now, id, hold);
  }
  void SyncStepDown(absl::Time now, InstanceId id) override { lan_.SyncStepDown(now, id); }

 private:
  SimulatedLan& lan_;
  std::set<std::string> names_;
};

RouterConfig Config(int vrid, int host, int priority, uint8_t vip) {
  RouterConfig c;
  c.vrid = vrid;
  c.version = Version::kV3;
  c.priority = priority;
  c.advert_interval = Centiseconds(100);
  c.virtual_addresses = {IpAddress::V4(192, 0, 2, vip)};
  c.primary_address = IpAddress::V4(192, 0, 2, static_cast<uint8_t>(host));
  return c;
}

// Two hosts, each with a "4" and a "6" instance (two VIPs of one service), A preferred.
struct Pair {
  SimulatedLan lan;
  NodeId a4, a6, b4, b6;
  HostView host_a{lan, {"a4", "a6"}};
  HostView host_b{lan, {"b4", "b6"}};
  Policy policy_a;
  Policy policy_b;
  std::map<std::string, bool> failed_scripts;
  std::vector<std::string> events;  // both policies' events, in order

  explicit Pair(bool grouped) : Pair(grouped, grouped) {}
  Pair(bool group_a, bool group_b) {
    a4 = *lan.AddRouter("a4", Config(50, 5, 150, 3));
    a6 = *lan.AddRouter("a6", Config(51, 5, 150, 4));
    b4 = *lan.AddRouter("b4", Config(50, 6, 100, 3));
    b6 = *lan.AddRouter("b6", Config(51, 6, 100, 4));
    if (group_a) policy_a.Reconfigure({.groups = {{.name = "GA", .members = {"a4", "a6"}}}});
    if (group_b) policy_b.Reconfigure({.groups = {{.name = "GB", .members = {"b4", "b6"}}}});
    lan.StartAll();
  }

  TrackInputs Inputs() const {
    return {.script_failed =
                [this](std::string_view s) {
                  auto it = failed_scripts.find(std::string(s));
                  return it != failed_scripts.end() && it->second;
                },
            .interface_up = [](std::string_view) { return true; },
            .script_pending = nullptr};
  }

  // Runs the LAN in 10 ms steps; after each, every host's policy looks again, as a daemon does
  // after draining its driver's events.
  void RunFor(absl::Duration d) {
    const absl::Time until = lan.Now() + d;
    while (lan.Now() < until) {
      REQUIRE(lan.RunFor(absl::Milliseconds(10)).ok());
      for (auto [policy, view] : {std::pair{&policy_a, &host_a}, std::pair{&policy_b, &host_b}}) {
        policy->Apply(lan.Now(), *view, Inputs());
        while (std::optional<PolicyEvent> e = policy->PollEvent()) {
          events.push_back(DescribePolicyEvent(*e));
        }
      }
    }
  }

  std::vector<std::string> Masters() const {
    std::vector<std::string> out;
    for (NodeId n : lan.Masters()) out.push_back(lan.name(n));
    return out;
  }
};

TEST_CASE("Policy: a sync group's members move together when one of them fails") {
  Pair pair(/*grouped=*/true);
  pair.RunFor(absl::Seconds(5));
  REQUIRE(pair.Masters() == std::vector<std::string>{"a4", "a6"});
  CHECK(std::find(pair.events.begin(), pair.events.end(), "GA group_state MASTER") !=
        pair.events.end());
  CHECK(std::find(pair.events.begin(), pair.events.end(), "GB group_state BACKUP") !=
        pair.events.end());

  // a4's link goes down: a6 follows it into Fault, and B takes both VIPs.
  pair.events.clear();
  pair.lan.SetLinkUp(pair.a4, false);
  pair.RunFor(absl::Seconds(5));
  CHECK(pair.Masters() == std::vector<std::string>{"b4", "b6"});
  CHECK(pair.lan.router(pair.a6).state() == RouterState::kFault);
  CHECK(pair.policy_a.fault_reasons("a6") ==
        std::vector<std::string>{"sync group GA: a4 in fault"});
  CHECK(pair.events == std::vector<std::string>{"GA group_state FAULT", "GB group_state MASTER"});
  CHECK(pair.lan.Holders(IpAddress::V4(192, 0, 2, 4)) == std::vector<NodeId>{pair.b6});

  // The link returns: A takes both back (preemption), together.
  pair.events.clear();
  pair.lan.SetLinkUp(pair.a4, true);
  pair.RunFor(absl::Seconds(6));
  CHECK(pair.Masters() == std::vector<std::string>{"a4", "a6"});
  CHECK(pair.policy_a.fault_reasons("a6").empty());
  CHECK(pair.lan.Holders(IpAddress::V4(192, 0, 2, 3)) == std::vector<NodeId>{pair.a4});
  CHECK(pair.lan.Holders(IpAddress::V4(192, 0, 2, 4)) == std::vector<NodeId>{pair.a6});
}

TEST_CASE("Policy: without a group the same failure splits the VIPs between the hosts") {
  // The control for the test above: the group is what keeps them together.
  Pair pair(/*grouped=*/false);
  pair.RunFor(absl::Seconds(5));
  pair.lan.SetLinkUp(pair.a4, false);
  pair.RunFor(absl::Seconds(5));
  CHECK(pair.Masters() == std::vector<std::string>{"a6", "b4"});
}

TEST_CASE("Policy: a member that loses an election takes its group's Masters with it") {
  Pair pair(/*group_a=*/true, /*group_b=*/false);
  pair.RunFor(absl::Seconds(5));
  REQUIRE(pair.Masters() == std::vector<std::string>{"a4", "a6"});
  // b6 is given a priority above a6's: it preempts a6, and since a6 lost its election, a4
  // steps down with it (without resigning), so b4's timer runs out and B holds both VIPs.
  REQUIRE(pair.lan.SetPriority(pair.b6, 200).ok());
  pair.events.clear();
  // b6's master-down interval (about 3.2 s at 200), then b4's (3.6 s) after a4 fell silent.
  pair.RunFor(absl::Seconds(10));
  CHECK(pair.Masters() == std::vector<std::string>{"b4", "b6"});
  CHECK(std::find(pair.events.begin(), pair.events.end(), "GA step_down a4") != pair.events.end());
  CHECK(pair.lan.Holders(IpAddress::V4(192, 0, 2, 3)) == std::vector<NodeId>{pair.b4});
}

TEST_CASE("Policy: tracking weights move the priority, a weight-0 failure is a fault") {
  Pair pair(/*grouped=*/false);
  pair.policy_a.Reconfigure(
      {.instances = {
           {.name = "a4",
            .tracks = {{.kind = Track::Kind::kScript, .name = "chk_nginx", .weight = -60}}},
           {.name = "a6",
            .tracks = {{.kind = Track::Kind::kScript, .name = "chk_maint", .weight = 0}}}}});
  pair.RunFor(absl::Seconds(5));
  REQUIRE(pair.Masters() == std::vector<std::string>{"a4", "a6"});

  pair.failed_scripts["chk_nginx"] = true;  // 150 - 60 = 90 < 100: B preempts
  pair.failed_scripts["chk_maint"] = true;  // weight 0: Fault
  pair.RunFor(absl::Seconds(5));
  CHECK(pair.lan.router(pair.a4).effective_priority() == 90);
  CHECK(pair.lan.router(pair.a6).state() == RouterState::kFault);
  CHECK(pair.policy_a.fault_reasons("a6") == std::vector<std::string>{"script chk_maint failed"});
  CHECK(pair.Masters() == std::vector<std::string>{"b4", "b6"});

  // A reload that drops the tracks clears both.
  pair.policy_a.Reconfigure({});
  pair.RunFor(absl::Seconds(6));
  CHECK(pair.lan.router(pair.a4).effective_priority() == 150);
  CHECK(pair.Masters() == std::vector<std::string>{"a4", "a6"});
}

}  // namespace
}  // namespace vrrp
