// The Driver's announcement pacing (DriverOptions::announce_pacing: vrrp_garp_interval,
// garp_group) on vrrp::testing's FakeHost, in virtual time: the gratuitous ARPs of every instance
// on an interface are spaced, another interface is not held up, a Master that steps down sends
// none of what waited, and new intervals apply to what still waits. The same on the wire, with
// keepalived beside it, is examples/vrrpd/tests/system/vrrpd_garp_interval_test.cc.
#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "vrrp/linux/driver.h"
#include "vrrp/testing/linux/fake_host.h"
#include "vrrp/testing/linux/fake_socket.h"
#include "vrrp/testing/linux/run_drivers.h"

namespace vrrp::os {
namespace {

using vrrp::testing::FakeHost;
using vrrp::testing::kVirtualStart;
using vrrp::testing::RunDriver;

const IpAddress kSelf = IpAddress::V4(192, 0, 2, 5);
const IpAddress kPeer = IpAddress::V4(192, 0, 2, 9);
IpAddress Vip(int n) { return IpAddress::V4(198, 51, 100, static_cast<uint8_t>(n)); }

// v3 at 1 s: alone, it becomes Master 3.61 s after Start and announces its VIP `repeat` times.
DriverInstance Spec(int vrid, int repeat, const std::string& interface = "eth0") {
  DriverInstance spec;
  spec.interface = interface;
  InstanceConfig& c = spec.config;
  c.name = fmt::format("VI_{}", vrid);
  c.router.vrid = vrid;
  c.router.version = Version::kV3;
  c.router.advert_interval = Centiseconds(100);
  c.router.garp_master_repeat = repeat;
  c.router.garp_master_delay = absl::ZeroDuration();  // no second burst
  c.addresses = {{.address = Vip(vrid), .prefix_len = 32, .interface = interface}};
  return spec;
}

std::unique_ptr<Driver> Create(FakeHost& host, std::vector<DriverInstance> specs,
                               AnnouncePacing pacing) {
  DriverOptions options;
  options.instances = std::move(specs);
  options.parts = host.Parts();
  options.announce_pacing = std::move(pacing);
  auto driver = Driver::Create(std::move(options));
  INFO(driver.status().ToString());
  REQUIRE(driver.ok());
  return std::move(*driver);
}

// Runs the driver in 10 ms steps from `now` to `until`; returns, per announcement the host saw
// in that time, "interface address +ms" since the first of them (to the step).
std::vector<std::string> Watch(FakeHost& host, Driver& driver, absl::Time& now, absl::Time until) {
  std::vector<std::string> seen;
  size_t known = host.announcements().size();
  std::optional<absl::Time> first;
  while (now < until) {
    REQUIRE(RunDriver(driver, now, now + absl::Milliseconds(10)).ok());
    for (; known < host.announcements().size(); ++known) {
      const testing::Announcement& a = host.announcements()[known];
      if (!first) first = now;
      seen.push_back(fmt::format("{} {} +{}", a.interface, a.address,
                                 absl::ToInt64Milliseconds(now - *first)));
    }
  }
  return seen;
}

TEST_CASE("Driver on fakes: vrrp_garp_interval spaces every instance's ARPs on an interface") {
  FakeHost host;
  host.AddInterface("eth0", {kSelf});
  host.AddInterface("eth1", {IpAddress::V4(192, 0, 2, 6)});
  // Two instances on eth0 taking over together, two frames each; one on eth1.
  auto driver = Create(host, {Spec(1, 2), Spec(2, 2), Spec(3, 2, "eth1")},
                       {.defaults = {.arp = absl::Milliseconds(200)}});
  absl::Time now = kVirtualStart;
  REQUIRE(driver->Start(now).ok());
  const std::vector<std::string> seen = Watch(host, *driver, now, kVirtualStart + absl::Seconds(5));
  // eth0's four frames 200 ms apart, in the order they were offered; eth1's two on their own.
  CHECK(seen == std::vector<std::string>{"eth0 198.51.100.1 +0", "eth1 198.51.100.3 +0",
                                         "eth0 198.51.100.1 +200", "eth1 198.51.100.3 +200",
                                         "eth0 198.51.100.2 +400", "eth0 198.51.100.2 +600"});
  CHECK(driver->announcements_waiting() == 0);
  // Each instance's announced event counts the frames it asked for, sent or queued.
  CHECK(host.announced(Vip(1)) == 2);
  CHECK(host.announced(Vip(2)) == 2);
}

TEST_CASE("Driver on fakes: without pacing the announcements go in one burst") {
  FakeHost host;
  host.AddInterface("eth0", {kSelf});
  auto driver = Create(host, {Spec(1, 3), Spec(2, 3)}, {});
  absl::Time now = kVirtualStart;
  REQUIRE(driver->Start(now).ok());
  const std::vector<std::string> seen = Watch(host, *driver, now, kVirtualStart + absl::Seconds(5));
  CHECK(seen.size() == 6);
  for (const std::string& line : seen) CHECK(line.ends_with(" +0"));
}

TEST_CASE("Driver on fakes: a Master that steps down sends none of its waiting announcements") {
  FakeHost host;
  host.AddInterface("eth0", {kSelf});
  auto driver =
      Create(host, {Spec(1, 5), Spec(2, 2)}, {.defaults = {.arp = absl::Milliseconds(500)}});
  absl::Time now = kVirtualStart;
  REQUIRE(driver->Start(now).ok());
  // Until both are Master and the first frame went (not 500 ms later: the second would).
  while (host.announcements().empty()) {
    REQUIRE(now < kVirtualStart + absl::Seconds(5));
    REQUIRE(RunDriver(*driver, now, now + absl::Milliseconds(10)).ok());
  }
  CHECK(host.announced(Vip(1)) == 1);  // the first of VI_1's five; 4 + VI_2's 2 wait
  CHECK(driver->announcements_waiting() == 6);
  // A router with priority 200 for VRID 1: VI_1 becomes Backup (RFC 5798 §6.4.3) and its four
  // waiting frames are dropped; VI_2's keep their turns.
  testing::FakeSocket* socket = host.socket("eth0", Family::kIPv4);
  REQUIRE(socket != nullptr);
  REQUIRE(testing::InjectAdvertisement(*socket,
                                       Advertisement{.version = Version::kV3,
                                                     .family = Family::kIPv4,
                                                     .vrid = 1,
                                                     .priority = 200,
                                                     .interval = Centiseconds(100),
                                                     .addresses = {Vip(1)}},
                                       kPeer)
              .ok());
  REQUIRE(RunDriver(*driver, now, now).ok());
  REQUIRE(driver->router(*driver->Find("VI_1"))->state() == RouterState::kBackup);
  CHECK(driver->announcements_waiting() == 2);
  // Two seconds: less than Master_Down_Interval, after which the silent peer would be replaced.
  REQUIRE(RunDriver(*driver, now, now + absl::Seconds(2)).ok());
  CHECK(driver->router(*driver->Find("VI_1"))->state() == RouterState::kBackup);
  CHECK(host.announced(Vip(1)) == 1);
  CHECK(host.announced(Vip(2)) == 2);
}

TEST_CASE("Driver on fakes: new pacing applies to the announcements still waiting") {
  FakeHost host;
  host.AddInterface("eth0", {kSelf});
  auto driver = Create(host, {Spec(1, 4)}, {.defaults = {.arp = absl::Seconds(10)}});
  absl::Time now = kVirtualStart;
  REQUIRE(driver->Start(now).ok());
  REQUIRE(RunDriver(*driver, now, kVirtualStart + absl::Seconds(4)).ok());
  CHECK(host.announced(Vip(1)) == 1);
  CHECK(driver->NextDeadline() <= kVirtualStart + absl::Seconds(5));  // its advertisement
  // A reload takes the interval away: the three waiting go at the next turn.
  driver->SetAnnouncePacing({});
  REQUIRE(RunDriver(*driver, now, now).ok());
  CHECK(host.announced(Vip(1)) == 4);
  CHECK(driver->announcements_waiting() == 0);
}

}  // namespace
}  // namespace vrrp::os
