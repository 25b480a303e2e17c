// The Driver's own logic without root: wired to vrrp::testing's FakeHost (in-memory interfaces,
// addresses, link notifications and sockets with real fds) and run in virtual time. One shared
// socket routes packets to its instances by VRID and by unicast peer; a link that goes down, or
// a source address that disappears, puts the instances in Fault and takes their VIPs away; the
// addresses an earlier run left are removed at Start; Shutdown removes every VIP; two Drivers on
// a FakeNetwork elect one master. The same paths on real sockets are the root tests beside this.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "fmt/format.h"
#include "vrrp/linux/driver.h"
#include "vrrp/testing/linux/fake_host.h"
#include "vrrp/testing/linux/fake_network.h"
#include "vrrp/testing/linux/fake_socket.h"
#include "vrrp/testing/linux/run_drivers.h"

namespace vrrp::os {
namespace {

using vrrp::testing::FakeHost;
using vrrp::testing::FakeNetwork;
using vrrp::testing::FakeSocket;
using vrrp::testing::kVirtualStart;
using vrrp::testing::RunDriver;

const IpAddress kSelf = IpAddress::V4(192, 0, 2, 5);
const IpAddress kPeer = IpAddress::V4(192, 0, 2, 9);

IpAddress Vip(int n) { return IpAddress::V4(198, 51, 100, static_cast<uint8_t>(n)); }

// v3, one advertisement a second: a Backup with priority 100 that hears nothing becomes Master
// after 3.61 s (RFC 5798 §6.1 Master_Down_Interval).
DriverInstance Spec(std::string name, int vrid, int priority = 100,
                    const std::string& interface = "eth0") {
  DriverInstance spec;
  spec.interface = interface;
  InstanceConfig& c = spec.config;
  c.name = std::move(name);
  c.router.vrid = vrid;
  c.router.version = Version::kV3;
  c.router.priority = priority;
  c.router.advert_interval = Centiseconds(100);
  c.router.garp_master_repeat = 1;
  c.router.garp_master_delay = absl::ZeroDuration();
  c.addresses = {{.address = Vip(vrid), .prefix_len = 32, .interface = interface}};
  return spec;
}

Advertisement PeerAdvert(int vrid, int priority = 200) {
  return Advertisement{.version = Version::kV3,
                       .family = Family::kIPv4,
                       .vrid = static_cast<uint8_t>(vrid),
                       .priority = static_cast<uint8_t>(priority),
                       .interval = Centiseconds(100),
                       .addresses = {Vip(vrid)}};
}

std::unique_ptr<Driver> Create(FakeHost& host, std::vector<DriverInstance> specs,
                               DriverOptions options = {}) {
  options.instances = std::move(specs);
  options.parts = host.Parts();
  auto driver = Driver::Create(std::move(options));
  INFO(driver.status().ToString());
  REQUIRE(driver.ok());
  return std::move(*driver);
}

RouterState StateOf(const Driver& driver, std::string_view name) {
  std::optional<InstanceId> id = driver.Find(name);
  REQUIRE(id);
  return driver.router(*id)->state();
}

std::vector<std::string> Drain(Driver& driver) {
  std::vector<std::string> lines;
  while (std::optional<InstanceEvent> e = driver.PollEvent()) lines.push_back(DescribeEvent(*e));
  return lines;
}

bool Contains(const std::vector<std::string>& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

TEST_CASE("Driver on fakes: one socket routes packets by VRID and counts unknown VRIDs once") {
  FakeHost host;
  host.AddInterface("eth0", {kSelf});
  auto driver = Create(host, {Spec("VI_1", 1), Spec("VI_2", 2)});
  absl::Time now = kVirtualStart;
  REQUIRE(driver->Start(now).ok());

  // One socket for both, the group joined once per instance, its buffer sized by the Driver.
  CHECK(driver->stats().sockets == 1);
  REQUIRE(host.open_sockets() == 1);
  FakeSocket* socket = host.socket("eth0", Family::kIPv4);
  REQUIRE(socket != nullptr);
  CHECK(socket->joins(kMulticastGroupV4) == 2);
  CHECK(socket->receive_buffer_bytes() >= 256 * 1024);
  CHECK(driver->fds().size() == 2);  // the link monitor's and the socket's

  // A peer with priority 200 for VRIDs 1, 2 and 3: each of ours hears its own, 3 is nobody's.
  for (int vrid : {1, 2, 3}) {
    REQUIRE(testing::InjectAdvertisement(*socket, PeerAdvert(vrid), kPeer).ok());
  }
  REQUIRE(RunDriver(*driver, now, now).ok());
  for (const char* name : {"VI_1", "VI_2"}) {
    INFO(name);
    const Router& router = *driver->router(*driver->Find(name));
    CHECK(router.stats().advert_rcvd == 1);
    CHECK(router.master_address() == kPeer);
    CHECK(router.state() == RouterState::kBackup);
  }
  DriverStats stats = driver->stats();
  CHECK(stats.received == 3);
  CHECK(stats.other_vrid == 1);
  CHECK(stats.other_peer == 0);

  // The peer keeps advertising VRID 1 only: VI_1 stays Backup, VI_2 takes over.
  for (int second = 1; second <= 5; ++second) {
    REQUIRE(testing::InjectAdvertisement(*socket, PeerAdvert(1), kPeer).ok());
    REQUIRE(RunDriver(*driver, now, kVirtualStart + absl::Seconds(second)).ok());
  }
  CHECK(StateOf(*driver, "VI_1") == RouterState::kBackup);
  CHECK(StateOf(*driver, "VI_2") == RouterState::kMaster);
  CHECK_FALSE(host.Holds(Vip(1)));
  CHECK(host.Holds(Vip(2)));
  CHECK(host.announced(Vip(2)) == 1);
  CHECK(driver->router(*driver->Find("VI_1"))->stats().advert_rcvd == 6);

  // VI_2's advertisements: from our address to the group, VRID 2, on the shared socket.
  REQUIRE_FALSE(socket->sent().empty());
  for (const testing::SentPacket& sent : socket->sent()) {
    CHECK(sent.source == kSelf);
    CHECK(sent.destination == kMulticastGroupV4);
    std::optional<Advertisement> adv = testing::DecodeSent(sent);
    REQUIRE(adv);
    CHECK(adv->vrid == 2);
    CHECK(adv->priority == 100);
    CHECK(adv->addresses == AddressList{Vip(2)});
  }
  CHECK(Contains(Drain(*driver), "VI_2 transition BACKUP -> MASTER (master_down_timer)"));
}

TEST_CASE("Driver on fakes: unicast instances on one VRID take packets from their peers only") {
  FakeHost host;
  host.AddInterface("eth0", {kSelf});
  const IpAddress peer_a = IpAddress::V4(192, 0, 2, 6);
  const IpAddress peer_b = IpAddress::V4(192, 0, 2, 7);
  DriverInstance a = Spec("VI_A", 9);
  a.config.unicast_peers = {peer_a};
  DriverInstance b = Spec("VI_B", 9);
  b.config.addresses[0].address = Vip(99);
  b.config.unicast_peers = {peer_b};
  auto driver = Create(host, {a, b});
  absl::Time now = kVirtualStart;
  REQUIRE(driver->Start(now).ok());
  CHECK(driver->stats().sockets == 1);
  FakeSocket* socket = host.socket("eth0", Family::kIPv4);
  REQUIRE(socket != nullptr);
  CHECK(socket->joins(kMulticastGroupV4) == 0);  // unicast only: no group

  Advertisement adv = PeerAdvert(9);
  // Each peer advertises its own instance's address (another list would be discarded).
  Advertisement adv_b = adv;
  adv_b.addresses = {Vip(99)};
  REQUIRE(testing::InjectAdvertisement(*socket, adv, peer_a, kSelf).ok());
  REQUIRE(testing::InjectAdvertisement(*socket, adv_b, peer_b, kSelf).ok());
  REQUIRE(testing::InjectAdvertisement(*socket, adv, IpAddress::V4(192, 0, 2, 8), kSelf).ok());
  REQUIRE(RunDriver(*driver, now, now).ok());
  const Router& ra = *driver->router(*driver->Find("VI_A"));
  const Router& rb = *driver->router(*driver->Find("VI_B"));
  CHECK(ra.stats().advert_rcvd == 1);
  CHECK(ra.master_address() == peer_a);
  CHECK(rb.stats().advert_rcvd == 1);
  CHECK(rb.master_address() == peer_b);
  CHECK(driver->stats().other_peer == 1);
  CHECK(driver->stats().other_vrid == 0);

  // Only peer_a goes on: VI_B takes over and advertises to its own peer alone.
  for (int second = 1; second <= 4; ++second) {
    REQUIRE(testing::InjectAdvertisement(*socket, adv, peer_a, kSelf).ok());
    REQUIRE(RunDriver(*driver, now, kVirtualStart + absl::Seconds(second)).ok());
  }
  CHECK(ra.state() == RouterState::kBackup);
  CHECK(rb.state() == RouterState::kMaster);
  REQUIRE_FALSE(socket->sent().empty());
  for (const testing::SentPacket& sent : socket->sent()) CHECK(sent.destination == peer_b);
}

// Brings every instance of `driver` to Master: nobody else advertises.
void BecomeMaster(Driver& driver, absl::Time& now) {
  REQUIRE(driver.Start(now).ok());
  REQUIRE(RunDriver(driver, now, now + absl::Seconds(4)).ok());
  for (InstanceId id : driver.ids()) REQUIRE(driver.router(id)->state() == RouterState::kMaster);
}

// A unicast instance that takes any source (keepalived's default) claims every packet of its
// VRID: beside another instance on it, the source could not say whose a packet is.
TEST_CASE("Driver on fakes: a unicast instance taking any source cannot share its VRID") {
  FakeHost host;
  host.AddInterface("eth0", {kSelf});
  DriverInstance a = Spec("VI_A", 9);
  a.config.unicast_peers = {IpAddress::V4(192, 0, 2, 6)};
  a.config.peer_check = PeerCheck::kAnySource;
  DriverInstance b = Spec("VI_B", 9);
  b.config.addresses[0].address = Vip(99);
  b.config.unicast_peers = {IpAddress::V4(192, 0, 2, 7)};
  DriverOptions options;
  options.instances = {a, b};
  options.parts = host.Parts();
  auto driver = Driver::Create(std::move(options));
  REQUIRE_FALSE(driver.ok());
  CHECK(driver.status().message() ==
        "VI_B: virtual_router_id 9 on eth0 (IPv4) is already used by VI_A (unicast instances "
        "may share a VRID only when both check sources and have distinct peers)");
}

TEST_CASE("Driver on fakes: a link down puts its instances in Fault without their VIPs") {
  FakeHost host;
  host.AddInterface("eth0", {kSelf});
  host.AddInterface("eth1", {IpAddress::V4(192, 0, 2, 133)});
  auto driver = Create(host, {Spec("VI_1", 1), Spec("VI_2", 2), Spec("VI_3", 3, 100, "eth1")});
  absl::Time now = kVirtualStart;
  BecomeMaster(*driver, now);
  CHECK(driver->stats().sockets == 2);
  CHECK(host.Holds(Vip(1)));
  CHECK(host.Holds(Vip(2)));
  (void)Drain(*driver);

  host.SetLinkUp("eth0", false);
  REQUIRE(RunDriver(*driver, now, now).ok());
  CHECK(StateOf(*driver, "VI_1") == RouterState::kFault);
  CHECK(StateOf(*driver, "VI_2") == RouterState::kFault);
  CHECK(StateOf(*driver, "VI_3") == RouterState::kMaster);  // eth1 is another link
  CHECK(driver->InterfaceFault(*driver->Find("VI_1")));
  CHECK_FALSE(driver->InterfaceFault(*driver->Find("VI_3")));
  CHECK_FALSE(host.Holds(Vip(1)));
  CHECK_FALSE(host.Holds(Vip(2)));
  CHECK(host.Holds(Vip(3)));
  std::vector<std::string> events = Drain(*driver);
  CHECK(Contains(events, "VI_1 transition MASTER -> FAULT (fault)"));
  // Faulted instances are silent: nothing more goes out on eth0 while the link is down.
  FakeSocket* eth0 = host.socket("eth0", Family::kIPv4);
  REQUIRE(eth0 != nullptr);
  eth0->clear_sent();
  REQUIRE(RunDriver(*driver, now, now + absl::Seconds(10)).ok());
  CHECK(eth0->sent().empty());
  CHECK(StateOf(*driver, "VI_1") == RouterState::kFault);

  // Up again: Backup first, Master once nobody else answers.
  host.SetLinkUp("eth0", true);
  REQUIRE(RunDriver(*driver, now, now).ok());
  CHECK(StateOf(*driver, "VI_1") == RouterState::kBackup);
  CHECK_FALSE(driver->InterfaceFault(*driver->Find("VI_1")));
  REQUIRE(RunDriver(*driver, now, now + absl::Seconds(4)).ok());
  CHECK(StateOf(*driver, "VI_1") == RouterState::kMaster);
  CHECK(host.Holds(Vip(1)));
}

// keepalived's dont_track_primary: the link state is not the instance's business, but an
// interface that is gone still is (nothing can be sent or held there). A reload applies the
// setting in place.
TEST_CASE("Driver on fakes: an instance without track_link ignores its link going down") {
  FakeHost host;
  host.AddInterface("eth0", {kSelf});
  DriverInstance untracked = Spec("VI_1", 1);
  untracked.track_link = false;
  auto driver = Create(host, {untracked, Spec("VI_2", 2)});
  absl::Time now = kVirtualStart;
  BecomeMaster(*driver, now);
  (void)Drain(*driver);

  host.SetLinkUp("eth0", false);
  REQUIRE(RunDriver(*driver, now, now + absl::Seconds(5)).ok());
  CHECK(StateOf(*driver, "VI_1") == RouterState::kMaster);
  CHECK_FALSE(driver->InterfaceFault(*driver->Find("VI_1")));
  CHECK(host.Holds(Vip(1)));
  CHECK(StateOf(*driver, "VI_2") == RouterState::kFault);
  CHECK(driver->InterfaceFault(*driver->Find("VI_2")));

  SECTION("a reload that tracks the link again applies it at once") {
    untracked.track_link = true;
    REQUIRE(driver->Update(now, {untracked, Spec("VI_2", 2)}).ok());
    REQUIRE(RunDriver(*driver, now, now).ok());
    CHECK(StateOf(*driver, "VI_1") == RouterState::kFault);
    CHECK_FALSE(host.Holds(Vip(1)));
  }
  SECTION("an interface that is gone is a fault all the same") {
    host.RemoveInterface("eth0");
    REQUIRE(RunDriver(*driver, now, now).ok());
    CHECK(StateOf(*driver, "VI_1") == RouterState::kFault);
    CHECK(driver->InterfaceFault(*driver->Find("VI_1")));
  }
}

TEST_CASE(
    "Driver on fakes: an instance whose source address is gone is in Fault until it is back") {
  FakeHost host;
  host.AddInterface("eth0", {kSelf, IpAddress::V4(192, 0, 2, 55)});
  DriverInstance pinned = Spec("VI_2", 2);
  pinned.source = IpAddress::V4(192, 0, 2, 55);  // mcast_src_ip
  auto driver = Create(host, {Spec("VI_1", 1), pinned});
  absl::Time now = kVirtualStart;
  BecomeMaster(*driver, now);

  host.RemoveAddress("eth0", IpAddress::V4(192, 0, 2, 55));
  REQUIRE(RunDriver(*driver, now, now).ok());
  CHECK(StateOf(*driver, "VI_1") == RouterState::kMaster);  // it sends from 192.0.2.5
  CHECK(StateOf(*driver, "VI_2") == RouterState::kFault);
  CHECK(driver->InterfaceFault(*driver->Find("VI_2")));
  CHECK_FALSE(host.Holds(Vip(2)));

  host.AddAddress({.address = IpAddress::V4(192, 0, 2, 55), .prefix_len = 24, .interface = "eth0"});
  REQUIRE(RunDriver(*driver, now, now).ok());
  CHECK(StateOf(*driver, "VI_2") == RouterState::kBackup);
  REQUIRE(RunDriver(*driver, now, now + absl::Seconds(4)).ok());
  CHECK(StateOf(*driver, "VI_2") == RouterState::kMaster);
}

TEST_CASE("Driver on fakes: lost link notifications make the driver read every link afresh") {
  FakeHost host;
  host.AddInterface("eth0", {kSelf});
  std::vector<std::string> errors;
  DriverOptions options;
  options.on_error = [&](const absl::Status& s) { errors.push_back(s.ToString()); };
  auto driver = Create(host, {Spec("VI_1", 1)}, std::move(options));
  absl::Time now = kVirtualStart;
  BecomeMaster(*driver, now);

  host.SetLinkUp("eth0", false);
  host.DropNotifications();  // the kernel's ENOBUFS: the link-down notification is lost
  REQUIRE(RunDriver(*driver, now, now).ok());
  CHECK(StateOf(*driver, "VI_1") == RouterState::kFault);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].find("DATA_LOSS") != std::string::npos);
}

TEST_CASE("Driver on fakes: Start removes the VIPs an earlier run left, never an owner's") {
  FakeHost host;
  host.AddInterface("eth0", {kSelf});
  // Left behind by a run that was killed, with the prefix it had then; and an address that is
  // nobody's VIP.
  host.AddAddress({.address = Vip(1), .prefix_len = 24, .interface = "eth0"});
  host.AddAddress({.address = Vip(200), .prefix_len = 32, .interface = "eth0"});
  // The owner's VIP is the interface's own address (priority 255, RFC 5798 §6.4.1).
  DriverInstance owner = Spec("VI_OWN", 2, 255);
  owner.config.addresses[0].address = kSelf;
  owner.config.addresses[0].prefix_len = 24;

  SECTION("removed, and reported as the instance's event") {
    auto driver = Create(host, {Spec("VI_1", 1), owner});
    REQUIRE(driver->Start(kVirtualStart).ok());
    CHECK_FALSE(host.Holds(Vip(1)));
    CHECK(host.Holds(Vip(200)));
    CHECK(host.Holds(kSelf));
    // The one removal; the owner, Master at once, only adds (again) what is its own.
    CHECK(host.address_calls() ==
          std::vector<std::string>{"remove 198.51.100.1/24 dev eth0 scope global",
                                   "add 192.0.2.5/24 dev eth0 scope global"});
    CHECK(Contains(Drain(*driver), "VI_1 address_removed 198.51.100.1/24 dev eth0 scope global"));
  }
  SECTION("left alone when told so") {
    DriverOptions options;
    options.remove_leftover_addresses = false;
    auto driver = Create(host, {Spec("VI_1", 1), owner}, std::move(options));
    REQUIRE(driver->Start(kVirtualStart).ok());
    CHECK(host.Holds(Vip(1)));
    CHECK(host.address_calls() ==
          std::vector<std::string>{"add 192.0.2.5/24 dev eth0 scope global"});
  }
  SECTION("a failure to list them fails Start, naming the instance") {
    auto driver = Create(host, {Spec("VI_1", 1)});
    host.FailAddressCalls(absl::PermissionDeniedError("RTM_GETADDR: Operation not permitted"));
    absl::Status started = driver->Start(kVirtualStart);
    CHECK(started.code() == absl::StatusCode::kPermissionDenied);
    CHECK(std::string(started.message()) ==
          "VI_1: removing leftover addresses: RTM_GETADDR: Operation not permitted");
  }
}

TEST_CASE("Driver on fakes: Shutdown resigns every Master and removes every VIP") {
  FakeHost host;
  host.AddInterface("eth0", {kSelf});
  auto driver = Create(host, {Spec("VI_1", 1), Spec("VI_2", 2), Spec("VI_3", 3)});
  absl::Time now = kVirtualStart;
  BecomeMaster(*driver, now);
  for (int vrid : {1, 2, 3}) CHECK(host.Holds(Vip(vrid)));
  FakeSocket* socket = host.socket("eth0", Family::kIPv4);
  REQUIRE(socket != nullptr);
  socket->clear_sent();

  driver->Shutdown(now);
  for (int vrid : {1, 2, 3}) CHECK_FALSE(host.Holds(Vip(vrid)));
  // RFC 5798 §6.4.3: a Master that shuts down sends priority 0, so a Backup takes over at once.
  REQUIRE(socket->sent().size() == 3);
  for (const testing::SentPacket& sent : socket->sent()) {
    std::optional<Advertisement> adv = testing::DecodeSent(sent);
    REQUIRE(adv);
    CHECK(adv->priority == kPriorityResign);
  }
  for (InstanceId id : driver->ids()) {
    CHECK(driver->router(id)->state() == RouterState::kInitialize);
  }
}

TEST_CASE(
    "Driver on fakes: two drivers on a FakeNetwork elect one master, which moves on link down") {
  FakeNetwork lan;
  FakeHost a;
  FakeHost b;
  a.AddInterface("eth0", {kSelf});
  b.AddInterface("eth0", {IpAddress::V4(192, 0, 2, 6)});
  lan.Attach(a, "eth0");
  lan.Attach(b, "eth0");
  auto da = Create(a, {Spec("VI_1", 1, 150), Spec("VI_2", 2, 150)});
  auto db = Create(b, {Spec("VI_1", 1, 100), Spec("VI_2", 2, 100)});
  absl::Time now = kVirtualStart;
  REQUIRE(da->Start(now).ok());
  REQUIRE(db->Start(now).ok());
  Driver* both[] = {da.get(), db.get()};
  REQUIRE(testing::RunDrivers(both, now, now + absl::Seconds(10)).ok());
  for (const char* name : {"VI_1", "VI_2"}) {
    INFO(name);
    CHECK(StateOf(*da, name) == RouterState::kMaster);
    CHECK(StateOf(*db, name) == RouterState::kBackup);
    CHECK(db->router(*db->Find(name))->master_address() == kSelf);
  }
  CHECK(a.Holds(Vip(1)));
  CHECK_FALSE(b.Holds(Vip(1)));
  CHECK(lan.delivered() > 0);

  a.SetLinkUp("eth0", false);
  REQUIRE(testing::RunDrivers(both, now, now + absl::Seconds(4)).ok());
  for (const char* name : {"VI_1", "VI_2"}) {
    INFO(name);
    CHECK(StateOf(*da, name) == RouterState::kFault);
    CHECK(StateOf(*db, name) == RouterState::kMaster);
  }
  CHECK_FALSE(a.Holds(Vip(1)));
  CHECK(b.Holds(Vip(1)));

  // Back up with the higher priority: a preempts (RFC 5798 §6.4.3), b steps back.
  a.SetLinkUp("eth0", true);
  REQUIRE(testing::RunDrivers(both, now, now + absl::Seconds(5)).ok());
  CHECK(StateOf(*da, "VI_1") == RouterState::kMaster);
  CHECK(StateOf(*db, "VI_1") == RouterState::kBackup);
  CHECK(a.Holds(Vip(1)));
  CHECK_FALSE(b.Holds(Vip(1)));
}

}  // namespace
}  // namespace vrrp::os
