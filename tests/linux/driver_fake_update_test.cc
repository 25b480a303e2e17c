// Driver::Update (a reload) without root, on vrrp::testing's FakeHost in virtual time: an
// unchanged Master keeps its state, its id and its VIP (no flap, no address churn); sockets open
// as instances come to a new (interface, family) and close when the last one leaves; an
// instance whose transport changed is replaced under the same id; a configuration that cannot
// be applied is refused before anything running is touched, with nothing left open.
#include <catch2/catch.hpp>
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
const IpAddress kSelfV6 = *IpAddress::Parse("fe80::5");

DriverInstance Spec(std::string name, int vrid, const std::string& interface = "eth0") {
  DriverInstance spec;
  spec.interface = interface;
  InstanceConfig& c = spec.config;
  c.name = std::move(name);
  c.router.vrid = vrid;
  c.router.version = Version::kV3;
  c.router.advert_interval = Centiseconds(100);
  c.router.garp_master_repeat = 1;
  c.router.garp_master_delay = absl::ZeroDuration();
  c.addresses = {{.address = IpAddress::V4(198, 51, 100, static_cast<uint8_t>(vrid)),
                  .prefix_len = 32,
                  .interface = interface}};
  return spec;
}

DriverInstance SpecV6(std::string name, int vrid) {
  DriverInstance spec = Spec(std::move(name), vrid);
  spec.config.router.family = Family::kIPv6;
  spec.config.addresses = {{.address = *IpAddress::Parse("2001:db8::" + std::to_string(vrid)),
                            .prefix_len = 64,
                            .interface = "eth0"}};
  return spec;
}

// A host with eth0 (IPv4 and IPv6 link-local) and eth1, and a driver running VI_1 on eth0 as
// Master.
struct Rig {
  FakeHost host;
  std::unique_ptr<Driver> driver;
  absl::Time now = kVirtualStart;
  std::vector<DriverInstance> running = {Spec("VI_1", 1)};
  InstanceId vi1;

  Rig() {
    host.AddInterface("eth0", {kSelf, kSelfV6});
    host.AddInterface("eth1", {IpAddress::V4(192, 0, 2, 133)});
    DriverOptions options;
    options.instances = running;
    options.parts = host.Parts();
    auto created = Driver::Create(std::move(options));
    INFO(created.status().ToString());
    REQUIRE(created.ok());
    driver = std::move(*created);
    REQUIRE(driver->Start(now).ok());
    REQUIRE(RunDriver(*driver, now, now + absl::Seconds(4)).ok());
    vi1 = *driver->Find("VI_1");
    REQUIRE(driver->router(vi1)->state() == RouterState::kMaster);
    while (driver->PollEvent()) {
    }
  }

  absl::Status Update(std::vector<DriverInstance> specs) {
    absl::Status s = driver->Update(now, specs);
    if (s.ok()) running = std::move(specs);
    return s;
  }

  RouterState State(std::string_view name) const {
    std::optional<InstanceId> id = driver->Find(name);
    REQUIRE(id);
    return driver->router(*id)->state();
  }

  std::vector<std::string> Events() {
    std::vector<std::string> lines;
    while (auto e = driver->PollEvent()) lines.push_back(DescribeEvent(*e));
    return lines;
  }
};

TEST_CASE("Driver::Update on fakes keeps an unchanged Master and opens sockets as needed") {
  Rig rig;
  const size_t calls = rig.host.address_calls().size();

  // An IPv6 instance on eth0 and one on eth1: two more sockets; VI_1 does not move.
  REQUIRE(rig.Update({Spec("VI_1", 1), SpecV6("VI_6", 1), Spec("VI_3", 3, "eth1")}).ok());
  CHECK(rig.driver->stats().sockets == 3);
  CHECK(rig.host.open_sockets() == 3);
  CHECK(rig.host.socket("eth0", Family::kIPv6) != nullptr);
  CHECK(rig.driver->Find("VI_1") == rig.vi1);
  CHECK(rig.State("VI_1") == RouterState::kMaster);
  CHECK(rig.State("VI_6") == RouterState::kBackup);
  CHECK(rig.State("VI_3") == RouterState::kBackup);
  CHECK(rig.host.Holds(IpAddress::V4(198, 51, 100, 1)));
  CHECK(rig.host.address_calls().size() == calls);  // no remove and add again
  for (const std::string& e : rig.Events()) CHECK(e.rfind("VI_1 ", 0) != 0);
  const InstanceId vi6 = *rig.driver->Find("VI_6");
  const InstanceId vi3 = *rig.driver->Find("VI_3");
  CHECK(vi6 != rig.vi1);
  CHECK(vi3 != vi6);

  // The new ones run: with nobody else on the link, they take over too.
  REQUIRE(RunDriver(*rig.driver, rig.now, rig.now + absl::Seconds(4)).ok());
  CHECK(rig.State("VI_6") == RouterState::kMaster);
  CHECK(rig.host.Holds(*IpAddress::Parse("2001:db8::1")));
  std::optional<Advertisement> v6 =
      testing::DecodeSent(rig.host.socket("eth0", Family::kIPv6)->sent().back());
  REQUIRE(v6);
  CHECK(v6->family == Family::kIPv6);
  CHECK(rig.host.socket("eth0", Family::kIPv6)->sent().back().source == kSelfV6);

  // A change of priority is a reconfiguration in place: same id, still Master.
  std::vector<DriverInstance> changed = rig.running;
  changed[0].config.router.priority = 120;
  REQUIRE(rig.Update(changed).ok());
  CHECK(rig.driver->Find("VI_1") == rig.vi1);
  CHECK(rig.State("VI_1") == RouterState::kMaster);
  CHECK(rig.driver->router(rig.vi1)->config().priority == 120);

  // The others leave: their VIPs go with them, their sockets close, their ids are no more.
  REQUIRE(rig.Update({changed[0]}).ok());
  CHECK(rig.driver->stats().sockets == 1);
  CHECK(rig.host.open_sockets() == 1);
  CHECK(rig.host.socket("eth1", Family::kIPv4) == nullptr);
  CHECK_FALSE(rig.host.Holds(*IpAddress::Parse("2001:db8::1")));
  CHECK(rig.driver->instance(vi6) == nullptr);
  CHECK(rig.driver->instance(vi3) == nullptr);
  CHECK(rig.driver->ids() == std::vector<InstanceId>{rig.vi1});
  CHECK(rig.State("VI_1") == RouterState::kMaster);
  CHECK(rig.host.Holds(IpAddress::V4(198, 51, 100, 1)));
}

TEST_CASE("Driver::Update on fakes replaces an instance whose transport changed, under its id") {
  Rig rig;
  std::vector<DriverInstance> moved = {Spec("VI_1", 1, "eth1")};
  REQUIRE(rig.Update(moved).ok());
  CHECK(rig.driver->Find("VI_1") == rig.vi1);
  CHECK(rig.State("VI_1") == RouterState::kBackup);  // opened afresh
  CHECK(rig.driver->stats().sockets == 1);
  CHECK(rig.host.socket("eth0", Family::kIPv4) == nullptr);
  CHECK(rig.host.socket("eth1", Family::kIPv4) != nullptr);
  CHECK_FALSE(rig.host.Holds(IpAddress::V4(198, 51, 100, 1)));  // the old one resigned
}

TEST_CASE("Driver::Update on fakes refuses what cannot run and leaves what runs untouched") {
  Rig rig;
  const size_t calls = rig.host.address_calls().size();
  testing::FakeSocket* socket = rig.host.socket("eth0", Family::kIPv4);
  REQUIRE(socket != nullptr);
  const std::vector<int> fds = rig.driver->fds();

  std::vector<DriverInstance> bad = rig.running;
  std::string message;
  absl::StatusCode code = absl::StatusCode::kOk;
  SECTION("two instances that would take the same packets") {
    DriverInstance twin = Spec("VI_1_twin", 1);
    bad.push_back(twin);
    code = absl::StatusCode::kInvalidArgument;
    message = "VI_1_twin: virtual_router_id 1 on eth0 (IPv4) is already used by VI_1";
  }
  SECTION("a socket that cannot be opened") {
    rig.host.FailOpen("eth1", absl::PermissionDeniedError("socket: Operation not permitted"));
    bad.push_back(Spec("VI_3", 3, "eth1"));
    code = absl::StatusCode::kPermissionDenied;
    message = "VI_3: socket: Operation not permitted";
  }
  SECTION("a new instance with a bad configuration, after its socket opened") {
    DriverInstance wrong = Spec("VI_3", 3, "eth1");
    wrong.config.router.priority = 0;
    bad.push_back(wrong);
    code = absl::StatusCode::kInvalidArgument;
  }
  SECTION("a bad configuration of the running one") {
    bad[0].config.router.advert_interval = Centiseconds(0);
    code = absl::StatusCode::kInvalidArgument;
  }

  absl::Status refused = rig.Update(bad);
  INFO(refused.ToString());
  CHECK(refused.code() == code);
  if (!message.empty()) CHECK(std::string(refused.message()) == message);
  // Nothing changed: the one instance, its id, state and VIP, its socket and group, no socket
  // left open, no address touched.
  CHECK(rig.driver->ids() == std::vector<InstanceId>{rig.vi1});
  CHECK(rig.State("VI_1") == RouterState::kMaster);
  CHECK(rig.driver->router(rig.vi1)->config().advert_interval == Centiseconds(100));
  CHECK(rig.driver->stats().sockets == 1);
  CHECK(rig.host.open_sockets() == 1);
  CHECK(rig.host.open_announcers() == 1);
  CHECK(rig.host.socket("eth0", Family::kIPv4) == socket);
  CHECK(socket->joins(kMulticastGroupV4) == 1);
  CHECK(rig.driver->fds() == fds);
  CHECK(rig.host.Holds(IpAddress::V4(198, 51, 100, 1)));
  CHECK(rig.host.address_calls().size() == calls);
  CHECK(rig.Events().empty());

  // And it goes on as before.
  REQUIRE(RunDriver(*rig.driver, rig.now, rig.now + absl::Seconds(10)).ok());
  CHECK(rig.State("VI_1") == RouterState::kMaster);
}

}  // namespace
}  // namespace vrrp::os
