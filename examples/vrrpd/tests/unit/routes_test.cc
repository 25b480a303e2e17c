// Routes (vrrpd's static_* and virtual_routes / virtual_rules) on a fake kernel, without root:
// what is added at start, on MASTER and on leaving it, what a reload changes, the order at a
// clean stop, and refusals counted and logged.
#include "routes.h"

#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "vrrp/testing/fakes.h"

namespace vrrpd {
namespace {

using Level = Logger::Level;

// The routes and rules as the kernel would hold them (their ToString), and every call in order.
class FakeRouteControl final : public vrrp::os::RouteControl {
 public:
  absl::Status Add(const vrrp::Route& r) override { return Do("add route", vrrp::ToString(r)); }
  absl::Status Remove(const vrrp::Route& r) override {
    return Do("remove route", vrrp::ToString(r));
  }
  absl::Status Add(const vrrp::Rule& r) override { return Do("add rule", vrrp::ToString(r)); }
  absl::Status Remove(const vrrp::Rule& r) override { return Do("remove rule", vrrp::ToString(r)); }
  absl::StatusOr<int> RemoveTagged(uint8_t protocol) override {
    calls.push_back(fmt::format("remove tagged {}", protocol));
    const int n = static_cast<int>(held.size());
    held.clear();
    return n;
  }

  std::set<std::string> held;
  std::vector<std::string> calls;
  std::string refuse;  // a ToString the kernel refuses

 private:
  absl::Status Do(std::string_view call, const std::string& what) {
    calls.push_back(fmt::format("{} {}", call, what));
    if (what == refuse) return absl::UnavailableError("Network is unreachable (ENETUNREACH)");
    if (call.substr(0, 3) == "add") {
      held.insert(what);
    } else {
      held.erase(what);
    }
    return absl::OkStatus();
  }
};

vrrp::config::Configuration Conf(std::string_view virtual_routes, std::string_view statics) {
  absl::StatusOr<vrrp::config::Configuration> conf = vrrp::config::ParseString(
      fmt::format("vrrp_instance VI_1 {{\n  interface eth0\n  virtual_router_id 51\n"
                  "  virtual_ipaddress {{ 192.0.2.100/24 }}\n  {}\n}}\n"
                  "vrrp_instance VI_2 {{\n  interface eth0\n  virtual_router_id 52\n"
                  "  virtual_ipaddress {{ 192.0.2.101/24 }}\n}}\n{}\n",
                  virtual_routes, statics),
      "keepalived.conf");
  INFO(conf.status().ToString());
  REQUIRE(conf.ok());
  return *std::move(conf);
}

struct Fixture {
  std::vector<std::string> errors;
  Logger log{Logger::Sink::kCallback, true, [this](Level level, std::string_view text) {
               if (level == Level::kError) errors.emplace_back(text);
             }};
  FakeRouteControl* kernel = nullptr;
  vrrp::testing::FakeAddressManager* addresses = nullptr;
  std::unique_ptr<Routes> routes;

  explicit Fixture(const vrrp::config::Configuration& conf, std::string_view left = "") {
    auto control = std::make_unique<FakeRouteControl>();
    kernel = control.get();
    if (!left.empty()) kernel->held.insert(std::string(left));
    auto manager = std::make_unique<vrrp::testing::FakeAddressManager>();
    addresses = manager.get();
    routes = std::make_unique<Routes>(std::move(control), std::move(manager), log);
    routes->Start(conf);
  }
};

constexpr std::string_view kVirtual =
    "virtual_routes {\n    198.51.100.0/24 via 192.0.2.1 table 100\n  }\n"
    "  virtual_rules {\n    from 192.0.2.100 table 100 preference 10\n  }";
constexpr std::string_view kStatic =
    "static_ipaddress {\n  192.0.2.50/24 dev eth1\n}\n"
    "static_routes {\n  203.0.113.0/24 via 192.0.2.254 dev eth1\n}\n"
    "static_rules {\n  fwmark 7 table 7 preference 7\n}\n";

TEST_CASE("vrrpd routes: a start removes a killed run's, then adds the static ones") {
  Fixture f(Conf(kVirtual, kStatic), "10.0.0.0/8 dev eth9");
  CHECK(f.kernel->calls ==
        std::vector<std::string>{"remove tagged 118",
                                 "add route 203.0.113.0/24 via 192.0.2.254 dev eth1",
                                 "add rule fwmark 0x7 lookup 7 pref 7"});
  CHECK(f.addresses->Holds(*vrrp::IpAddress::Parse("192.0.2.50")));
  CHECK(f.kernel->held.size() == 2);  // the leftover is gone, no virtual one is there
  CHECK(f.routes->failures() == 0);
}

TEST_CASE("vrrpd routes: virtual ones follow MASTER, rules removed before routes") {
  Fixture f(Conf(kVirtual, ""));
  f.kernel->calls.clear();
  f.routes->EnterMaster("VI_2", 0);  // no routes of its own
  f.routes->EnterMaster("VI_1", 0);
  f.routes->EnterMaster("VI_1", 0);  // once only
  CHECK(f.kernel->calls ==
        std::vector<std::string>{"add route 198.51.100.0/24 via 192.0.2.1 table 100",
                                 "add rule from 192.0.2.100/32 lookup 100 pref 10"});
  f.kernel->calls.clear();
  f.routes->LeaveMaster("VI_1");
  CHECK(f.kernel->calls ==
        std::vector<std::string>{"remove rule from 192.0.2.100/32 lookup 100 pref 10",
                                 "remove route 198.51.100.0/24 via 192.0.2.1 table 100"});
  CHECK(f.kernel->held.empty());
  f.routes->EnterMaster("VI_9", 0);  // not configured: nothing
  CHECK(f.kernel->calls.size() == 2);
}

TEST_CASE("vrrpd routes: a new MASTER's routes wait for its addresses") {
  Fixture f(Conf(kVirtual, ""));
  f.kernel->calls.clear();
  f.routes->EnterMaster("VI_1", 2);
  f.routes->AddressAdded("VI_2");  // another instance's
  f.routes->AddressAdded("VI_1");
  CHECK(f.kernel->calls.empty());
  f.routes->AddressAdded("VI_1");  // the second: now
  CHECK(f.kernel->calls.size() == 2);
  f.routes->AddressAdded("VI_1");  // a lease renewal later: nothing
  CHECK(f.kernel->calls.size() == 2);

  // Leaving MASTER before its addresses are in: nothing was added, nothing is removed.
  f.routes->LeaveMaster("VI_1");
  f.kernel->calls.clear();
  f.routes->EnterMaster("VI_1", 1);
  f.routes->LeaveMaster("VI_1");
  f.routes->AddressAdded("VI_1");
  CHECK(f.kernel->calls.empty());
  CHECK(f.kernel->held.empty());
}

TEST_CASE("vrrpd routes: a reload keeps, adds and removes by difference") {
  Fixture f(Conf(kVirtual, kStatic));
  f.routes->EnterMaster("VI_1", 0);
  f.kernel->calls.clear();
  f.routes->Reconfigure(
      Conf("virtual_routes {\n    198.51.100.0/24 via 192.0.2.1 table 100\n"
           "    blackhole 203.0.113.128/25\n  }",
           "static_ipaddress {\n  192.0.2.51/24 dev eth1\n}\n"
           "static_routes {\n  203.0.113.0/24 via 192.0.2.254 dev eth1\n}\n"));
  CHECK(f.kernel->calls ==
        std::vector<std::string>{"remove rule from 192.0.2.100/32 lookup 100 pref 10",
                                 "add route blackhole 203.0.113.128/25",
                                 "remove rule fwmark 0x7 lookup 7 pref 7"});
  CHECK_FALSE(f.addresses->Holds(*vrrp::IpAddress::Parse("192.0.2.50")));
  CHECK(f.addresses->Holds(*vrrp::IpAddress::Parse("192.0.2.51")));

  // An instance that is gone while MASTER takes its routes along.
  f.kernel->calls.clear();
  absl::StatusOr<vrrp::config::Configuration> without = vrrp::config::ParseString(
      "vrrp_instance VI_2 {\n  interface eth0\n  virtual_router_id 52\n"
      "  virtual_ipaddress { 192.0.2.101/24 }\n}\n",
      "keepalived.conf");
  REQUIRE(without.ok());
  f.routes->Reconfigure(*without);
  CHECK(f.kernel->calls ==
        std::vector<std::string>{"remove route 198.51.100.0/24 via 192.0.2.1 table 100",
                                 "remove route blackhole 203.0.113.128/25",
                                 "remove route 203.0.113.0/24 via 192.0.2.254 dev eth1"});
  CHECK(f.kernel->held.empty());
}

TEST_CASE("vrrpd routes: a clean stop removes the routes, then the addresses") {
  Fixture f(Conf(kVirtual, kStatic));
  f.routes->EnterMaster("VI_1", 0);
  f.routes->StopRoutes();
  CHECK(f.kernel->held.empty());
  CHECK(f.addresses->Holds(*vrrp::IpAddress::Parse("192.0.2.50")));  // after the VIPs
  f.routes->LeaveMaster("VI_1");                                     // the stop's transition
  f.routes->StopAddresses();
  CHECK(f.addresses->held().empty());
  CHECK(f.routes->failures() == 0);
}

TEST_CASE("vrrpd routes: a refused route is counted and logged, the others still go in") {
  auto conf = Conf(kVirtual, kStatic);
  Fixture f(conf);
  f.kernel->refuse = "198.51.100.0/24 via 192.0.2.1 table 100";
  f.routes->EnterMaster("VI_1", 0);
  CHECK(f.routes->failures() == 1);
  REQUIRE(f.errors.size() == 1);
  CHECK(f.errors[0] ==
        "(VI_1) adding route 198.51.100.0/24 via 192.0.2.1 table 100: Network is unreachable "
        "(ENETUNREACH)");
  CHECK(f.kernel->held.count("from 192.0.2.100/32 lookup 100 pref 10") == 1);
}

}  // namespace
}  // namespace vrrpd
