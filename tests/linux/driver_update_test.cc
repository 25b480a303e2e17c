// Driver::Update, the reload path, on real sockets in a namespace: an unchanged instance keeps
// running as Master (no new election, no address churn), a changed one is reconfigured in
// place, one whose transport changed is replaced, one that left stops and takes its VIP with
// it, and a configuration that cannot be applied changes nothing. External faults and priority
// deltas (tracking) move the instance as the daemon needs.
#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "absl/time/time.h"
#include "fmt/format.h"
#include "system/checks.h"
#include "system/netns.h"
#include "vrrp/linux/driver.h"
#include "vrrp/linux/event_loop.h"

namespace vrrp::os {
namespace {

using vrrp::test::Netns;
using vrrp::test::RunLoopUntil;

DriverInstance Spec(std::string name, int vrid, const char* vip) {
  DriverInstance spec;
  spec.interface = "veth0";
  InstanceConfig& c = spec.config;
  c.name = std::move(name);
  c.router.vrid = vrid;
  c.router.version = Version::kV3;
  c.router.priority = 150;
  c.router.family = Family::kIPv4;
  c.router.advert_interval = Centiseconds(5);
  c.addresses = {{.address = *IpAddress::Parse(vip), .prefix_len = 24, .interface = "veth0"}};
  return spec;
}

bool HasAddress(const Netns& ns, const std::string& ip) {
  return ns.Run("ip -o addr show dev veth0").output.find(" " + ip + "/") != std::string::npos;
}

TEST_CASE("Driver::Update keeps unchanged instances, replaces changed ones, all or nothing") {
  VRRP_SKIP_UNLESS_ROOT();
  auto ns = Netns::Create();
  REQUIRE(ns.ok());
  REQUIRE((*ns)->AddVeth("veth0", "veth1").ok());
  REQUIRE((*ns)->Check("ip addr add 192.0.2.5/24 dev veth0").ok());

  REQUIRE(
      (*ns)
          ->Inside([&] {
            std::vector<std::string> events;
            DriverOptions options;
            options.instances = {Spec("VI_1", 50, "192.0.2.3"), Spec("VI_2", 51, "192.0.2.4")};
            auto driver = Driver::Create(std::move(options));
            REQUIRE(driver.ok());
            auto loop = EventLoop::Create();
            REQUIRE(loop.ok());
            Driver& d = **driver;
            // Events are polled: the ids they carry stay valid through every Update, and each
            // names a running instance or one that just left.
            std::map<std::string, InstanceId> ids;
            auto drain = [&] {
              while (std::optional<InstanceEvent> e = d.PollEvent()) {
                events.push_back(fmt::format("{}", *e));
                CHECK(e->id != InstanceId::kNone);
                auto [it, inserted] = ids.emplace(e->instance, e->id);
                CHECK(it->second == e->id);  // one id per name, for good
              }
            };
            REQUIRE(d.Start((*loop)->Now()).ok());
            drain();
            REQUIRE(d.Attach(**loop, drain).ok());
            auto master = [&](std::string_view name) {
              auto id = d.Find(name);
              return id && d.router(*id)->state() == RouterState::kMaster;
            };
            REQUIRE(RunLoopUntil(**loop, [&] { return master("VI_1") && master("VI_2"); }));
            REQUIRE(HasAddress(**ns, "192.0.2.3"));

            // Unchanged VI_1, VI_2 with a new priority and a second VIP, a new VI_3: VI_1 and
            // VI_2 stay Master, VI_2's new VIP is added at once.
            events.clear();
            DriverInstance vi2 = Spec("VI_2", 51, "192.0.2.4");
            vi2.config.router.priority = 120;
            vi2.config.addresses.push_back({.address = *IpAddress::Parse("192.0.2.9"),
                                            .prefix_len = 24,
                                            .interface = "veth0"});
            const InstanceId vi1_id = *d.Find("VI_1");
            REQUIRE(d.Update((*loop)->Now(),
                             {Spec("VI_1", 50, "192.0.2.3"), vi2, Spec("VI_3", 52, "192.0.2.7")})
                        .ok());
            drain();
            CHECK(d.Find("VI_1") == vi1_id);
            REQUIRE(d.instances().size() == 3);
            CHECK(master("VI_1"));
            CHECK(master("VI_2"));
            CHECK(d.router(*d.Find("VI_2"))->config().priority == 120);
            CHECK(d.router(*d.Find("VI_1"))->stats().become_master == 1);
            CHECK(HasAddress(**ns, "192.0.2.9"));
            REQUIRE(RunLoopUntil(**loop, [&] { return master("VI_3"); }));
            for (const std::string& e : events) {
              INFO(e);
              CHECK(e.find("VI_1") ==
                    std::string::npos);  // not a single event for the unchanged one
            }

            // A new instance that would take VI_1's packets: refused, nothing running is
            // touched. (A missing interface is no error: the instance waits for it in Fault.)
            DriverInstance bad = Spec("VI_4", 50, "192.0.2.8");
            absl::Status refused = d.Update((*loop)->Now(), {Spec("VI_1", 50, "192.0.2.3"), bad});
            CHECK_FALSE(refused.ok());
            CHECK(std::string(refused.message()).find("VI_4") != std::string::npos);
            CHECK(d.instances().size() == 3);
            CHECK(master("VI_2"));
            CHECK(HasAddress(**ns, "192.0.2.7"));

            // VI_1 moves to another VRID (new sockets), VI_2 and VI_3 leave: their VIPs go.
            const InstanceId vi2_id = *d.Find("VI_2");
            REQUIRE(d.Update((*loop)->Now(), {Spec("VI_1", 60, "192.0.2.3")}).ok());
            drain();
            REQUIRE(d.instances().size() == 1);
            // Reopened on new sockets, but the same instance to its users: the same id. The
            // ones that left are gone for good.
            CHECK(d.Find("VI_1") == vi1_id);
            CHECK(d.router(vi2_id) == nullptr);
            CHECK(d.instances()[0]->vrid() == 60);
            CHECK_FALSE(HasAddress(**ns, "192.0.2.4"));
            CHECK_FALSE(HasAddress(**ns, "192.0.2.7"));
            REQUIRE(RunLoopUntil(**loop, [&] { return master("VI_1"); }));
            CHECK(HasAddress(**ns, "192.0.2.3"));

            // Tracking: an external fault takes the VIP away, clearing it brings it back; a
            // priority delta moves the effective priority.
            d.SetExternalFault((*loop)->Now(), vi1_id, true);
            CHECK(d.router(vi1_id)->state() == RouterState::kFault);
            CHECK_FALSE(d.InterfaceFault(vi1_id));
            CHECK_FALSE(HasAddress(**ns, "192.0.2.3"));
            d.SetExternalFault((*loop)->Now(), vi1_id, false);
            REQUIRE(RunLoopUntil(**loop, [&] { return master("VI_1"); }));
            events.clear();
            d.SetPriorityDelta((*loop)->Now(), vi1_id, -20);
            drain();
            CHECK(int(d.router(vi1_id)->effective_priority()) == 130);
            CHECK(events == std::vector<std::string>{"VI_1 priority_changed 150 -> 130"});
            d.SetExternalFault((*loop)->Now(), vi2_id, true);  // gone: ignored

            d.Shutdown((*loop)->Now());
            CHECK_FALSE(HasAddress(**ns, "192.0.2.3"));
            d.Detach();
          })
          .ok());
}

}  // namespace
}  // namespace vrrp::os
