// The Driver on an interface that is not ready (issue #16, finding 2), without root on
// vrrp::testing's FakeHost in virtual time: an interface with no IPv4 address yet (a boot before
// DHCP), with no IPv6 link-local address yet, or that does not exist yet, is no error at Create
// or Update. Its instances start in Fault with an interface_waiting event, as keepalived starts
// in FAULT ("no IPv4 address for interface"; with dynamic_interfaces "... doesn't currently
// exist - will use if created"), and run once the address or the interface appears: Backup,
// then Master sending from the address it learned. An interface deleted and re-created at run
// time (a new ifindex) gets new sockets. A genuinely bad configuration still fails Create.
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
using vrrp::testing::FakeSocket;
using vrrp::testing::kVirtualStart;
using vrrp::testing::RunDriver;

const IpAddress kSelf = IpAddress::V4(192, 0, 2, 5);
const IpAddress kVip = IpAddress::V4(198, 51, 100, 1);

// v3 at one advertisement a second: with nobody else on the link a Backup becomes Master after
// Master_Down_Interval, 3.61 s at priority 100 (RFC 5798 §6.1).
DriverInstance Spec(std::string name = "VI_1", const std::string& interface = "eth0") {
  DriverInstance spec;
  spec.interface = interface;
  InstanceConfig& c = spec.config;
  c.name = std::move(name);
  c.router.vrid = 1;
  c.router.version = Version::kV3;
  c.router.advert_interval = Centiseconds(100);
  c.router.garp_master_repeat = 1;
  c.router.garp_master_delay = absl::ZeroDuration();
  c.addresses = {{.address = kVip, .prefix_len = 32, .interface = interface}};
  return spec;
}

DriverInstance SpecV6(const std::string& interface = "eth0") {
  DriverInstance spec = Spec("VI_6", interface);
  spec.config.router.family = Family::kIPv6;
  spec.config.addresses = {
      {.address = *IpAddress::Parse("2001:db8::1"), .prefix_len = 64, .interface = interface}};
  return spec;
}

VirtualAddress OnEth0(const IpAddress& ip, uint8_t prefix_len = 24) {
  return {.address = ip, .prefix_len = prefix_len, .interface = "eth0"};
}

struct Rig {
  FakeHost host;
  std::unique_ptr<Driver> driver;
  absl::Time now = kVirtualStart;

  void Create(std::vector<DriverInstance> specs) {
    DriverOptions options;
    options.instances = std::move(specs);
    options.parts = host.Parts();
    auto created = Driver::Create(std::move(options));
    INFO(created.status().ToString());
    REQUIRE(created.ok());
    driver = std::move(*created);
    REQUIRE(driver->Start(now).ok());
  }

  void Run(absl::Duration d) { REQUIRE(RunDriver(*driver, now, now + d).ok()); }

  RouterState State(std::string_view name = "VI_1") const {
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

bool Contains(const std::vector<std::string>& lines, std::string_view line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

std::string Joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

TEST_CASE("Driver on fakes: no IPv4 address at start waits in Fault until DHCP gives one") {
  Rig rig;
  rig.host.AddInterface("eth0");  // up, no address yet
  rig.Create({Spec()});
  std::vector<std::string> events = rig.Events();
  INFO(Joined(events));
  CHECK(Contains(events,
                 "VI_1 interface_waiting: UNAVAILABLE: interface eth0 has no IPv4 address yet: in "
                 "FAULT until it has one"));
  CHECK(Contains(events, "VI_1 transition INIT -> FAULT (fault)"));
  CHECK(rig.State() == RouterState::kFault);
  CHECK(rig.driver->InterfaceFault(*rig.driver->Find("VI_1")));
  // The socket is open, silent: a Fault sends nothing.
  FakeSocket* socket = rig.host.socket("eth0", Family::kIPv4);
  REQUIRE(socket != nullptr);
  rig.Run(absl::Seconds(10));
  CHECK(socket->sent().empty());
  CHECK(rig.State() == RouterState::kFault);

  // An address of ours (the VIP, put there by hand) is no source: still waiting.
  rig.host.AddAddress(OnEth0(kVip, 32));
  rig.Run(absl::Seconds(1));
  CHECK(rig.State() == RouterState::kFault);
  rig.host.RemoveAddress("eth0", kVip);

  rig.host.AddAddress(OnEth0(kSelf));  // DHCP answered
  rig.Run(absl::ZeroDuration());
  CHECK(rig.State() == RouterState::kBackup);
  CHECK_FALSE(rig.driver->InterfaceFault(*rig.driver->Find("VI_1")));
  CHECK(rig.driver->router(*rig.driver->Find("VI_1"))->config().primary_address == kSelf);
  rig.Run(absl::Seconds(4));
  CHECK(rig.State() == RouterState::kMaster);
  CHECK(rig.host.Holds(kVip));
  REQUIRE_FALSE(socket->sent().empty());
  CHECK(socket->sent().back().source == kSelf);
}

TEST_CASE("Driver on fakes: a configured source waits for its interface like a learned one") {
  Rig rig;
  DriverInstance pinned = Spec();
  pinned.source = IpAddress::V4(192, 0, 2, 55);  // mcast_src_ip
  rig.Create({pinned});
  CHECK(rig.State() == RouterState::kFault);
  CHECK(Contains(rig.Events(),
                 "VI_1 interface_waiting: UNAVAILABLE: interface eth0 does not exist yet: in "
                 "FAULT until it appears"));

  // The interface appears without that address: still waiting, and it says for what.
  rig.host.AddInterface("eth0", {kSelf});
  rig.Run(absl::ZeroDuration());
  CHECK(rig.State() == RouterState::kFault);
  CHECK(Contains(rig.Events(),
                 "VI_1 interface_waiting: UNAVAILABLE: interface eth0 has no address 192.0.2.55 "
                 "yet: in FAULT until it has one"));
  rig.host.AddAddress(OnEth0(IpAddress::V4(192, 0, 2, 55)));
  rig.Run(absl::Seconds(4));
  CHECK(rig.State() == RouterState::kMaster);
}

TEST_CASE("Driver on fakes: no IPv6 link-local address at start waits until there is one") {
  Rig rig;
  rig.host.AddInterface("eth0", {kSelf});
  rig.Create({SpecV6()});
  CHECK(rig.State("VI_6") == RouterState::kFault);
  CHECK(Contains(rig.Events(),
                 "VI_6 interface_waiting: UNAVAILABLE: interface eth0 has no IPv6 link-local "
                 "address yet: in FAULT until it has one"));
  // A global address is no source for VRRP over IPv6 (RFC 5798 §5.1.2.1: link-local).
  rig.host.AddAddress(OnEth0(*IpAddress::Parse("2001:db8::5"), 64));
  rig.Run(absl::Seconds(1));
  CHECK(rig.State("VI_6") == RouterState::kFault);
  // The link-local address comes while Duplicate Address Detection runs: the kernel would
  // refuse to send from it, so it is no source until DAD is done.
  const IpAddress link_local = *IpAddress::Parse("fe80::5");
  rig.host.AddTentativeAddress(OnEth0(link_local, 64));
  rig.Run(absl::Seconds(1));
  CHECK(rig.State("VI_6") == RouterState::kFault);
  rig.host.FinishDad("eth0", link_local);
  rig.Run(absl::ZeroDuration());
  CHECK(rig.State("VI_6") == RouterState::kBackup);
  rig.Run(absl::Seconds(4));
  CHECK(rig.State("VI_6") == RouterState::kMaster);
  FakeSocket* socket = rig.host.socket("eth0", Family::kIPv6);
  REQUIRE(socket != nullptr);
  REQUIRE_FALSE(socket->sent().empty());
  CHECK(socket->sent().back().source == link_local);
}

TEST_CASE("Driver on fakes: a missing interface waits, and its sockets open when it appears") {
  Rig rig;
  rig.host.AddInterface("eth1", {IpAddress::V4(192, 0, 2, 133)});
  DriverInstance other = Spec("VI_2", "eth1");
  other.config.router.vrid = 2;
  other.config.addresses = {
      {.address = IpAddress::V4(198, 51, 100, 2), .prefix_len = 32, .interface = "eth1"}};
  rig.Create({Spec(), other});
  CHECK(rig.State("VI_1") == RouterState::kFault);
  CHECK(rig.State("VI_2") == RouterState::kBackup);  // the rest runs as usual
  CHECK(rig.host.socket("eth0", Family::kIPv4) == nullptr);
  CHECK(rig.driver->stats().sockets == 1);
  CHECK(rig.driver->fds().size() == 2);  // the link monitor and eth1's socket
  rig.Run(absl::Seconds(10));
  CHECK(rig.State("VI_1") == RouterState::kFault);
  CHECK(rig.State("VI_2") == RouterState::kMaster);

  rig.host.AddInterface("eth0", {kSelf});  // RTM_NEWLINK
  rig.Run(absl::ZeroDuration());
  CHECK(rig.State("VI_1") == RouterState::kBackup);
  FakeSocket* socket = rig.host.socket("eth0", Family::kIPv4);
  REQUIRE(socket != nullptr);
  CHECK(socket->joins(kMulticastGroupV4) == 1);
  CHECK(rig.driver->stats().sockets == 2);
  CHECK(rig.driver->fds().size() == 3);
  rig.Run(absl::Seconds(4));
  CHECK(rig.State("VI_1") == RouterState::kMaster);
  CHECK(rig.host.Holds(kVip));
  CHECK(rig.host.announced(kVip) >= 1);  // the announcer opened with the socket
  REQUIRE_FALSE(socket->sent().empty());
  CHECK(socket->sent().back().source == kSelf);
}

TEST_CASE("Driver on fakes: an interface deleted and re-created runs again on new sockets") {
  Rig rig;
  const int first_index = rig.host.AddInterface("eth0", {kSelf});
  rig.Create({Spec()});
  rig.Run(absl::Seconds(4));
  REQUIRE(rig.State() == RouterState::kMaster);
  (void)rig.Events();

  rig.host.RemoveInterface("eth0");  // RTM_DELLINK
  rig.Run(absl::ZeroDuration());
  CHECK(rig.State() == RouterState::kFault);
  std::vector<std::string> events = rig.Events();
  INFO(Joined(events));
  CHECK(Contains(events, "VI_1 transition MASTER -> FAULT (fault)"));
  CHECK(Contains(events,
                 "VI_1 interface_waiting: UNAVAILABLE: interface eth0 is gone: in FAULT until it "
                 "appears"));
  CHECK(rig.host.open_sockets() == 0);  // bound to a device that no longer exists
  CHECK(rig.host.open_announcers() == 0);
  CHECK(rig.driver->fds().size() == 1);

  // Re-created under the same name, another index, a new address (DHCP again).
  const IpAddress renumbered = IpAddress::V4(192, 0, 2, 6);
  const int second_index = rig.host.AddInterface("eth0");
  REQUIRE(second_index != first_index);
  rig.Run(absl::ZeroDuration());
  CHECK(rig.State() == RouterState::kFault);  // no address yet
  FakeSocket* socket = rig.host.socket("eth0", Family::kIPv4);
  REQUIRE(socket != nullptr);
  CHECK(socket->ifindex() == second_index);
  rig.host.AddAddress(OnEth0(renumbered));
  rig.Run(absl::ZeroDuration());
  CHECK(rig.State() == RouterState::kBackup);
  rig.Run(absl::Seconds(4));
  CHECK(rig.State() == RouterState::kMaster);
  CHECK(rig.host.Holds(kVip));
  REQUIRE_FALSE(socket->sent().empty());
  CHECK(socket->sent().back().source == renumbered);

  // Its address replaced at run time (another DHCP lease): Fault while it has none, then the
  // new one is learned.
  rig.host.RemoveAddress("eth0", renumbered);
  rig.Run(absl::ZeroDuration());
  CHECK(rig.State() == RouterState::kFault);
  rig.host.AddAddress(OnEth0(kSelf));
  rig.Run(absl::ZeroDuration());
  CHECK(rig.State() == RouterState::kBackup);
  CHECK(rig.driver->router(*rig.driver->Find("VI_1"))->config().primary_address == kSelf);
}

TEST_CASE("Driver on fakes: an interface re-created while notifications were lost is found") {
  Rig rig;
  rig.host.AddInterface("eth0", {kSelf});
  std::vector<std::string> errors;
  DriverOptions options;
  options.instances = {Spec()};
  options.parts = rig.host.Parts();
  options.on_error = [&](const absl::Status& s) { errors.push_back(s.ToString()); };
  auto created = Driver::Create(std::move(options));
  REQUIRE(created.ok());
  rig.driver = std::move(*created);
  REQUIRE(rig.driver->Start(rig.now).ok());
  rig.Run(absl::Seconds(4));
  REQUIRE(rig.State() == RouterState::kMaster);

  rig.host.RemoveInterface("eth0");
  const int index = rig.host.AddInterface("eth0", {kSelf});
  rig.host.DropNotifications();  // ENOBUFS: neither the removal nor the new link is seen
  rig.Run(absl::ZeroDuration());
  REQUIRE(errors.size() == 1);
  FakeSocket* socket = rig.host.socket("eth0", Family::kIPv4);
  REQUIRE(socket != nullptr);
  CHECK(socket->ifindex() == index);
  CHECK(rig.host.open_sockets() == 1);
  // Its VIP went with the old interface: through Fault and Backup to Master, adding it again.
  rig.Run(absl::Seconds(4));
  CHECK(rig.State() == RouterState::kMaster);
  CHECK(rig.host.Holds(kVip));
  CHECK(rig.driver->router(*rig.driver->Find("VI_1"))->stats().become_master == 2);
}

TEST_CASE("Driver on fakes: Update starts a new instance on a missing interface in Fault") {
  Rig rig;
  rig.host.AddInterface("eth0", {kSelf});
  rig.Create({Spec()});
  rig.Run(absl::Seconds(4));
  REQUIRE(rig.State() == RouterState::kMaster);
  (void)rig.Events();

  DriverInstance later = Spec("VI_9", "eth9");
  later.config.router.vrid = 9;
  later.config.addresses = {
      {.address = IpAddress::V4(198, 51, 100, 9), .prefix_len = 32, .interface = "eth9"}};
  REQUIRE(rig.driver->Update(rig.now, {Spec(), later}).ok());
  CHECK(rig.State("VI_1") == RouterState::kMaster);  // untouched
  CHECK(rig.State("VI_9") == RouterState::kFault);
  CHECK(Contains(rig.Events(),
                 "VI_9 interface_waiting: UNAVAILABLE: interface eth9 does not exist yet: in "
                 "FAULT until it appears"));
  rig.host.AddInterface("eth9", {IpAddress::V4(192, 0, 2, 99)});
  rig.Run(absl::Seconds(4));
  CHECK(rig.State("VI_9") == RouterState::kMaster);
  CHECK(rig.host.Holds(IpAddress::V4(198, 51, 100, 9)));

  // Leaving again closes what it opened.
  REQUIRE(rig.driver->Update(rig.now, {Spec()}).ok());
  CHECK(rig.host.socket("eth9", Family::kIPv4) == nullptr);
  CHECK_FALSE(rig.host.Holds(IpAddress::V4(198, 51, 100, 9)));
}

TEST_CASE("Driver on fakes: a socket that cannot open on an existing interface still fails") {
  // CAP_NET_RAW missing is a configuration error, not an interface to wait for.
  Rig rig;
  rig.host.AddInterface("eth0");  // even without an address
  rig.host.FailOpen("eth0", absl::PermissionDeniedError("socket: Operation not permitted"));
  DriverOptions options;
  options.instances = {Spec()};
  options.parts = rig.host.Parts();
  auto created = Driver::Create(std::move(options));
  CHECK(created.status().code() == absl::StatusCode::kPermissionDenied);
  CHECK(created.status().message() == "VI_1: socket: Operation not permitted");
  CHECK(rig.host.open_sockets() == 0);
  CHECK(rig.host.open_announcers() == 0);
  // So does a bad configuration on a missing interface.
  DriverInstance bad = Spec("VI_1", "eth7");
  bad.config.router.vrid = 0;
  options.instances = {bad};
  options.parts = rig.host.Parts();
  CHECK(Driver::Create(std::move(options)).status().code() == absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace vrrp::os
