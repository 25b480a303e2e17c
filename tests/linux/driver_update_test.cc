// Driver::Update, the reload path, on real sockets in a namespace: an unchanged instance keeps
// running as Master (no new election, no address churn), a changed one is reconfigured in
// place, one whose transport changed is replaced, one that left stops and takes its VIP with
// it, and a configuration that cannot be applied changes nothing. External faults and priority
// deltas (tracking) move the instance as the daemon needs.
#include <catch2/catch.hpp>

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
            // The sink looks every instance up, as the daemon's does, even in the middle of an
            // Update: the driver's list must be whole whenever an event is reported.
            Driver* reporting = nullptr;
            options.on_event = [&](const InstanceEvent& e) {
              events.push_back(fmt::format("{}", e));
              if (reporting == nullptr) return;
              for (const auto& instance : reporting->instances()) {
                REQUIRE(instance != nullptr);
                CHECK(reporting->Find(instance->name()).has_value());
              }
            };
            auto driver = Driver::Create(std::move(options));
            REQUIRE(driver.ok());
            auto loop = EventLoop::Create();
            REQUIRE(loop.ok());
            Driver& d = **driver;
            reporting = &d;
            REQUIRE(d.Start((*loop)->Now()).ok());
            REQUIRE(d.Attach(**loop).ok());
            auto master = [&](std::string_view name) {
              auto i = d.Find(name);
              return i && d.instances()[*i]->router().state() == RouterState::kMaster;
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
            REQUIRE(d.Update((*loop)->Now(),
                             {Spec("VI_1", 50, "192.0.2.3"), vi2, Spec("VI_3", 52, "192.0.2.7")})
                        .ok());
            REQUIRE(d.instances().size() == 3);
            CHECK(master("VI_1"));
            CHECK(master("VI_2"));
            CHECK(d.instances()[*d.Find("VI_2")]->router().config().priority == 120);
            CHECK(d.instances()[*d.Find("VI_1")]->router().stats().become_master == 1);
            CHECK(HasAddress(**ns, "192.0.2.9"));
            REQUIRE(RunLoopUntil(**loop, [&] { return master("VI_3"); }));
            for (const std::string& e : events) {
              INFO(e);
              CHECK(e.find("VI_1") ==
                    std::string::npos);  // not a single event for the unchanged one
            }

            // A missing interface for a new instance: refused, nothing running is touched.
            DriverInstance bad = Spec("VI_4", 53, "192.0.2.8");
            bad.interface = "nosuch0";
            absl::Status refused = d.Update((*loop)->Now(), {Spec("VI_1", 50, "192.0.2.3"), bad});
            CHECK_FALSE(refused.ok());
            CHECK(std::string(refused.message()).find("VI_4") != std::string::npos);
            CHECK(d.instances().size() == 3);
            CHECK(master("VI_2"));
            CHECK(HasAddress(**ns, "192.0.2.7"));

            // VI_1 moves to another VRID (new sockets), VI_2 and VI_3 leave: their VIPs go.
            REQUIRE(d.Update((*loop)->Now(), {Spec("VI_1", 60, "192.0.2.3")}).ok());
            REQUIRE(d.instances().size() == 1);
            CHECK(d.instances()[0]->vrid() == 60);
            CHECK_FALSE(HasAddress(**ns, "192.0.2.4"));
            CHECK_FALSE(HasAddress(**ns, "192.0.2.7"));
            REQUIRE(RunLoopUntil(**loop, [&] { return master("VI_1"); }));
            CHECK(HasAddress(**ns, "192.0.2.3"));

            // Tracking: an external fault takes the VIP away, clearing it brings it back; a
            // priority delta moves the effective priority.
            d.SetExternalFault((*loop)->Now(), 0, true);
            CHECK(d.instances()[0]->router().state() == RouterState::kFault);
            CHECK_FALSE(d.InterfaceFault(0));
            CHECK_FALSE(HasAddress(**ns, "192.0.2.3"));
            d.SetExternalFault((*loop)->Now(), 0, false);
            REQUIRE(RunLoopUntil(**loop, [&] { return master("VI_1"); }));
            d.SetPriorityDelta((*loop)->Now(), 0, -20);
            CHECK(int(d.instances()[0]->router().effective_priority()) == 130);

            d.Shutdown((*loop)->Now());
            CHECK_FALSE(HasAddress(**ns, "192.0.2.3"));
            d.Detach();
          })
          .ok());
}

}  // namespace
}  // namespace vrrp::os
