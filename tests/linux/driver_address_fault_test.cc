// The Driver with an instance that cannot add its VIP (issue 16, finding 3), on vrrp::testing's
// fakes in virtual time: two drivers on a FakeNetwork, the one with the higher priority lacking
// CAP_NET_ADMIN. It must leave the VIP to the healthy one (Fault, priority 0), keep that fault
// apart from a link fault (neither clears the other), and take the VIP back once it can.
// Leased VIPs are renewed through the driver's deferred effects.
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "fmt/format.h"
#include "vrrp/linux/driver.h"
#include "vrrp/testing/linux/fake_host.h"
#include "vrrp/testing/linux/fake_network.h"
#include "vrrp/testing/linux/run_drivers.h"

namespace vrrp::os {
namespace {

using vrrp::testing::FakeHost;
using vrrp::testing::FakeNetwork;
using vrrp::testing::kVirtualStart;

const IpAddress kVip = IpAddress::V4(198, 51, 100, 1);
const absl::Status kDenied = absl::PermissionDeniedError(
    "RTM_NEWADDR on 198.51.100.1/32 dev eth0: Operation not permitted (EPERM)");

DriverInstance Spec(int priority) {
  DriverInstance spec;
  spec.interface = "eth0";
  InstanceConfig& c = spec.config;
  c.name = "VI_1";
  c.router.vrid = 1;
  c.router.version = Version::kV3;
  c.router.priority = priority;
  c.router.advert_interval = Centiseconds(100);
  c.router.garp_master_repeat = 1;
  c.router.garp_master_delay = absl::ZeroDuration();
  c.addresses = {{.address = kVip, .prefix_len = 32, .interface = "eth0"}};
  return spec;
}

std::unique_ptr<Driver> Create(FakeHost& host, DriverInstance spec) {
  DriverOptions options;
  options.instances = {std::move(spec)};
  options.parts = host.Parts();
  auto driver = Driver::Create(std::move(options));
  INFO(driver.status().ToString());
  REQUIRE(driver.ok());
  return std::move(*driver);
}

RouterState StateOf(const Driver& driver) { return driver.router(driver.ids()[0])->state(); }

struct Pair {
  FakeNetwork lan;
  FakeHost a;  // priority 150, no CAP_NET_ADMIN
  FakeHost b;  // priority 100, healthy
  std::unique_ptr<Driver> da;
  std::unique_ptr<Driver> db;
  absl::Time now = kVirtualStart;

  Pair() {
    a.AddInterface("eth0", {IpAddress::V4(192, 0, 2, 5)});
    b.AddInterface("eth0", {IpAddress::V4(192, 0, 2, 6)});
    lan.Attach(a, "eth0");
    lan.Attach(b, "eth0");
    da = Create(a, Spec(150));
    db = Create(b, Spec(100));
    REQUIRE(da->Start(now).ok());
    REQUIRE(db->Start(now).ok());
    a.FailAddressCalls(kDenied);  // after Start's reconciliation, which lists the addresses
  }
  void Run(absl::Duration d) {
    Driver* both[] = {da.get(), db.get()};
    REQUIRE(testing::RunDrivers(both, now, now + d).ok());
  }
};

TEST_CASE("Driver: a Master that cannot add its VIP leaves it to the healthy backup") {
  Pair p;
  p.Run(absl::Seconds(10));
  CHECK(StateOf(*p.da) == RouterState::kFault);
  CHECK(StateOf(*p.db) == RouterState::kMaster);
  CHECK(p.b.Holds(kVip));
  CHECK_FALSE(p.a.Holds(kVip));
  CHECK(p.da->instance(p.da->ids()[0])->address_fault());
  CHECK_FALSE(p.da->InterfaceFault(p.da->ids()[0]));

  // CAP_NET_ADMIN back (as after a restart with it): within the longest backoff a's probe works,
  // it rejoins as Backup and, with the higher priority, preempts.
  p.a.FailAddressCalls(absl::OkStatus());
  p.Run(absl::Seconds(40));
  CHECK(StateOf(*p.da) == RouterState::kMaster);
  CHECK(StateOf(*p.db) == RouterState::kBackup);
  CHECK(p.a.Holds(kVip));
  CHECK_FALSE(p.b.Holds(kVip));
}

TEST_CASE("Driver: a link fault raised during an address fault outlives the address fault") {
  Pair p;
  p.Run(absl::Seconds(10));
  REQUIRE(StateOf(*p.da) == RouterState::kFault);
  p.a.SetLinkUp("eth0", false);
  p.Run(absl::Seconds(1));
  // The probe works now, but the link is still down: Fault it stays.
  p.a.FailAddressCalls(absl::OkStatus());
  p.Run(absl::Seconds(40));
  CHECK_FALSE(p.da->instance(p.da->ids()[0])->address_fault());
  CHECK(StateOf(*p.da) == RouterState::kFault);
  CHECK_FALSE(p.a.Holds(kVip));
  p.a.SetLinkUp("eth0", true);
  p.Run(absl::Seconds(10));
  CHECK(StateOf(*p.da) == RouterState::kMaster);
  CHECK(p.a.Holds(kVip));
}

TEST_CASE("Driver: a Master renews its leased VIP through its deferred effects") {
  FakeHost host;
  host.AddInterface("eth0", {IpAddress::V4(192, 0, 2, 5)});
  DriverInstance spec = Spec(100);
  spec.config.vip_lease_seconds = VipLeaseFor(spec.config.router);
  auto driver = Create(host, spec);
  absl::Time now = kVirtualStart;
  REQUIRE(driver->Start(now).ok());
  REQUIRE(testing::RunDriver(*driver, now, now + absl::Seconds(4)).ok());
  REQUIRE(StateOf(*driver) == RouterState::kMaster);
  const size_t before = host.address_calls().size();
  REQUIRE(testing::RunDriver(*driver, now, now + absl::Seconds(10)).ok());
  // One renewal a second (VipLeaseRenewal), each the same add with the lease.
  const std::vector<std::string>& calls = host.address_calls();
  REQUIRE(calls.size() >= before + 9);
  CHECK(calls.size() <= before + 11);
  CHECK(calls.back() == "add 198.51.100.1/32 dev eth0 scope global valid_lft 6 preferred_lft 6");
}

TEST_CASE("Driver: the leases of all Masters due at once are renewed in one batch") {
  FakeHost host;
  host.AddInterface("eth0", {IpAddress::V4(192, 0, 2, 5)});
  DriverOptions options;
  for (uint8_t vrid = 1; vrid <= 3; ++vrid) {
    DriverInstance spec = Spec(100);
    spec.config.name = fmt::format("VI_{}", vrid);
    spec.config.router.vrid = vrid;
    spec.config.addresses[0].address = IpAddress::V4(198, 51, 100, vrid);
    spec.config.vip_lease_seconds = VipLeaseFor(spec.config.router);
    options.instances.push_back(std::move(spec));
  }
  options.parts = host.Parts();
  auto driver = Driver::Create(std::move(options));
  REQUIRE(driver.ok());
  absl::Time now = kVirtualStart;
  REQUIRE((*driver)->Start(now).ok());
  REQUIRE(testing::RunDriver(**driver, now, now + absl::Seconds(4)).ok());
  auto state = [&](size_t i) { return (*driver)->router((*driver)->ids()[i])->state(); };
  for (size_t i = 0; i < 3; ++i) REQUIRE(state(i) == RouterState::kMaster);

  const size_t calls_before = host.address_calls().size();
  const size_t batches_before = host.address_batches().size();
  REQUIRE(testing::RunDriver(**driver, now, now + absl::Seconds(10)).ok());
  // Every renewal went through AddAll, and the three Masters, elected together, renew together.
  const size_t renewals = host.address_calls().size() - calls_before;
  CHECK(renewals >= 3 * 9);
  size_t batched = 0;
  for (size_t i = batches_before; i < host.address_batches().size(); ++i) {
    batched += host.address_batches()[i];
  }
  CHECK(batched == renewals);
  CHECK(host.address_batches().size() - batches_before < renewals);

  // One renewal of the batch fails: its instance alone resigns, the others renew on.
  host.FailAdd(IpAddress::V4(198, 51, 100, 2), kDenied);
  REQUIRE(testing::RunDriver(**driver, now, now + absl::Seconds(3)).ok());
  CHECK(state(0) == RouterState::kMaster);
  CHECK(state(1) == RouterState::kFault);
  CHECK((*driver)->instance((*driver)->ids()[1])->address_fault());
  CHECK(state(2) == RouterState::kMaster);
  CHECK(host.Holds(IpAddress::V4(198, 51, 100, 1)));
  CHECK_FALSE(host.Holds(IpAddress::V4(198, 51, 100, 2)));
  CHECK(host.Holds(IpAddress::V4(198, 51, 100, 3)));
  const size_t after_fault = host.address_calls().size();
  REQUIRE(testing::RunDriver(**driver, now, now + absl::Seconds(3)).ok());
  const auto& calls = host.address_calls();
  CHECK(std::count(calls.begin() + static_cast<ptrdiff_t>(after_fault), calls.end(),
                   "add 198.51.100.3/32 dev eth0 scope global valid_lft 6 preferred_lft 6") >= 2);
}

TEST_CASE("Driver: a tick's renewals go in batches of at most 512 addresses") {
  // 300 Masters with two addresses each, elected together: 600 renewals due at once, as 512 and 88
  // (the link monitor's notifications are read between the two).
  FakeHost host;
  host.AddInterface("eth0", {IpAddress::V4(192, 0, 2, 5)});
  host.AddInterface("eth1", {IpAddress::V4(192, 0, 2, 21)});
  DriverOptions options;
  for (int n = 0; n < 300; ++n) {
    DriverInstance spec = Spec(100);
    spec.interface = n < 250 ? "eth0" : "eth1";
    spec.config.name = fmt::format("VI_{}", n);
    spec.config.router.vrid = n % 250 + 1;
    // The VIP (198.51.100.1..250 on each interface) and an excluded IPv6 address.
    spec.config.addresses[0].address =
        IpAddress::V4(198, 51, 100, static_cast<uint8_t>(n % 250 + 1));
    spec.config.addresses[0].interface = spec.interface;
    spec.config.excluded_addresses = {
        {.address = *IpAddress::Parse(fmt::format("2001:db8:1::{:x}", n + 1)),
         .prefix_len = 128,
         .interface = spec.interface}};
    spec.config.vip_lease_seconds = VipLeaseFor(spec.config.router);
    options.instances.push_back(std::move(spec));
  }
  options.parts = host.Parts();
  auto driver = Driver::Create(std::move(options));
  INFO(driver.status().ToString());
  REQUIRE(driver.ok());
  absl::Time now = kVirtualStart;
  REQUIRE((*driver)->Start(now).ok());
  REQUIRE(testing::RunDriver(**driver, now, now + absl::Seconds(4)).ok());
  const size_t before = host.address_batches().size();
  REQUIRE(testing::RunDriver(**driver, now, now + absl::Seconds(3)).ok());
  const std::vector<size_t> batches(host.address_batches().begin() + before,
                                    host.address_batches().end());
  REQUIRE_FALSE(batches.empty());
  CHECK(*std::max_element(batches.begin(), batches.end()) == 512);
  CHECK(std::count(batches.begin(), batches.end(), 512) >= 2);
  size_t total = 0;
  for (size_t b : batches) total += b;
  CHECK(total % 600 == 0);  // every Master renews both VIPs each time
}

}  // namespace
}  // namespace vrrp::os
