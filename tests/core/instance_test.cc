// Instance: a Router wired to a transport, an address manager and an announcer, fed through an
// Endpoint as a driver feeds it. Fakes record what the instance asked of them; the adverts it
// sends are read back with the codec.
#include "vrrp/instance.h"

#include <catch2/catch.hpp>
#include <set>

#include "vrrp/testing/fakes.h"

namespace vrrp {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'000'000);
const IpAddress kSelf = IpAddress::V4(192, 0, 2, 5);
const IpAddress kPeer = IpAddress::V4(192, 0, 2, 6);
const IpAddress kVip = IpAddress::V4(192, 0, 2, 3);

InstanceConfig V2Config() {
  InstanceConfig c;
  c.name = "VIP_1";
  c.router.vrid = 50;
  c.router.version = Version::kV2;
  c.router.priority = 150;
  c.router.advert_interval = Centiseconds(100);
  c.router.primary_address = kSelf;
  c.addresses = {{.address = kVip, .prefix_len = 24, .interface = "eth0", .label = "eth0:vip"}};
  c.auth_type = AuthType::kPass;
  c.pass_key = *PassKey::Create("1111");
  return c;
}

struct Rig {
  testing::FakeTransport transport;
  testing::FakeAddressManager addresses;
  testing::FakeAnnouncer announcer;
  std::vector<std::string> logged;
  std::vector<InstanceEvent> polled;
  std::unique_ptr<Instance> instance;
  Endpoint endpoint{Family::kIPv4};

  explicit Rig(InstanceConfig config) {
    auto created =
        Instance::Create(std::move(config), transport, addresses, announcer, InstanceId{7});
    INFO(created.status().ToString());
    REQUIRE(created.ok());
    instance = std::move(*created);
    REQUIRE(endpoint
                .Add(1, instance->router(), instance->config().unicast_peers,
                     instance->config().peer_check)
                .ok());
  }

  // The events so far, drained from the instance as an embedder does after each call.
  const std::vector<InstanceEvent>& raw() {
    while (std::optional<InstanceEvent> e = instance->PollEvent()) {
      CHECK(e->id == InstanceId{7});
      logged.push_back(fmt::format("{}", *e));
      polled.push_back(std::move(*e));
    }
    return polled;
  }
  const std::vector<std::string>& events() {
    raw();
    return logged;
  }

  // The driver's packet path: the endpoint routes and the router decides, then the instance acts.
  Delivery Receive(absl::Time now, const std::vector<uint8_t>& bytes, uint8_t ttl = 255,
                   IpAddress from = kPeer) {
    const ReceiveInfo info{.source = from, .destination = kMulticastGroupV4, .ttl = ttl};
    Delivery d = endpoint.OnPacket(now, bytes, info);
    if (d.key) instance->OnDelivery(now, d, from);
    return d;
  }

  // Start, then run the master-down timer out: the instance is Master.
  void MakeMaster() {
    instance->Start(kT0);
    instance->OnTimer(instance->NextDeadline());
    REQUIRE(instance->router().state() == RouterState::kMaster);
  }
};

// Encodes an advertisement from the peer, as it would arrive.
std::vector<uint8_t> PeerAdvert(uint8_t priority, const char* key = "1111") {
  Advertisement adv;
  adv.version = Version::kV2;
  adv.vrid = 50;
  adv.priority = priority;
  adv.interval = Centiseconds(100);
  adv.auth_type = AuthType::kPass;
  adv.addresses.push_back(kVip);
  std::array<uint8_t, kMaxAdvertisementSize> buf;
  EncodeOptions options{.source = kPeer, .destination = kMulticastGroupV4};
  options.pass_key = *PassKey::Create(key);
  auto n = EncodeAdvertisement(adv, options, absl::MakeSpan(buf));
  REQUIRE(n.ok());
  return std::vector<uint8_t>(buf.begin(), buf.begin() + static_cast<long>(*n));
}

TEST_CASE("Instance becoming Master adds its addresses, announces them and advertises") {
  Rig rig(V2Config());
  rig.MakeMaster();
  CHECK(rig.addresses.calls() ==
        std::vector<std::string>{"add 192.0.2.3/24 dev eth0 scope global label eth0:vip"});
  CHECK(rig.addresses.Holds(kVip));
  // keepalived's garp_master_repeat 5 at the transition.
  CHECK(rig.announcer.announced() == std::vector<IpAddress>(5, kVip));
  REQUIRE(rig.transport.sent().size() == 1);
  CHECK(rig.transport.sent()[0].source == kSelf);
  // What went out is a v2 PASS advert a keepalived peer accepts: decode it with the peer's view.
  DecodeOptions peer_view{.version = Version::kV2, .auth_type = AuthType::kPass};
  peer_view.pass_key = *PassKey::Create("1111");
  Advertisement adv;
  REQUIRE(DecodeAdvertisement(rig.transport.sent()[0].payload,
                              {.source = kSelf, .destination = kMulticastGroupV4, .ttl = 255},
                              peer_view, adv) == DropReason::kNone);
  CHECK(int(adv.priority) == 150);
  CHECK(adv.addresses == AddressList{kVip});
  CHECK(rig.events().front() == "VIP_1 transition INIT -> BACKUP (startup)");
  CHECK(std::find(rig.events().begin(), rig.events().end(),
                  "VIP_1 transition BACKUP -> MASTER (master_down_timer)") != rig.events().end());
}

TEST_CASE("Instance hands a higher-priority advert to the router and gives the address back") {
  Rig rig(V2Config());
  rig.MakeMaster();
  auto bytes = PeerAdvert(200);
  CHECK(rig.Receive(kT0 + absl::Seconds(5), bytes).reason == DropReason::kNone);
  CHECK(rig.instance->router().state() == RouterState::kBackup);
  CHECK(rig.addresses.addresses().empty());
  CHECK(rig.addresses.calls().back() == "remove 192.0.2.3/24 dev eth0 scope global label eth0:vip");
}

TEST_CASE("Instance counts and reports each refused packet with its reason") {
  Rig rig(V2Config());
  rig.instance->Start(kT0);
  SECTION("wrong password") {
    auto bytes = PeerAdvert(200, "2222");
    CHECK(rig.Receive(kT0, bytes).reason == DropReason::kAuthFailure);
    CHECK(rig.instance->router().stats().drops[DropReason::kAuthFailure] == 1);
    CHECK(rig.events().back() == "VIP_1 drop auth_failure from 192.0.2.6");
  }
  SECTION("TTL not 255") {
    auto bytes = PeerAdvert(200);
    CHECK(rig.Receive(kT0, bytes, 64).reason == DropReason::kTtl);
    CHECK(rig.instance->router().stats().drops[DropReason::kTtl] == 1);
  }
  SECTION("another VRID: the endpoint's, not the instance's") {
    auto bytes = PeerAdvert(200);
    bytes[1] = 51;
    const Delivery d = rig.Receive(kT0, bytes);
    CHECK_FALSE(d.key.has_value());
    CHECK(d.reason == DropReason::kVrid);
    CHECK(rig.endpoint.stats().drops[DropReason::kVrid] == 1);
    CHECK(rig.instance->router().stats().drops.Total() == 0);
  }
  SECTION("corrupted") {
    auto bytes = PeerAdvert(200);
    bytes[3] ^= 0x01;
    CHECK(rig.Receive(kT0, bytes).reason == DropReason::kChecksum);
    CHECK(rig.instance->router().stats().drops[DropReason::kChecksum] == 1);
    CHECK(rig.raw().back().kind == InstanceEvent::Kind::kDrop);
  }
  // A refused packet never resets the master-down timer: it is as if it never came.
  CHECK(rig.instance->NextDeadline() ==
        kT0 + MasterDownInterval(Version::kV2, 150, Centiseconds(100)).ToDuration());
}

TEST_CASE("Instance reports an address it could not add, and leaves it to a peer (Fault)") {
  Rig rig(V2Config());
  rig.addresses.Fail(kVip, absl::PermissionDeniedError("RTM_NEWADDR: Operation not permitted"));
  rig.instance->Start(kT0);
  rig.instance->OnTimer(rig.instance->NextDeadline());
  auto it = std::find_if(rig.raw().begin(), rig.raw().end(), [](const InstanceEvent& e) {
    return e.kind == InstanceEvent::Kind::kAddressAdded;
  });
  REQUIRE(it != rig.raw().end());
  CHECK(it->status.code() == absl::StatusCode::kPermissionDenied);
  // Not Master holding nothing (issue 16): the rest is instance_address_fault_test.cc's.
  CHECK(rig.instance->router().state() == RouterState::kFault);
}

TEST_CASE("Instance reports a failed send") {
  Rig rig(V2Config());
  rig.transport.FailSends(absl::UnavailableError("sendmsg: Network is down"));
  rig.MakeMaster();
  auto it = std::find_if(rig.raw().begin(), rig.raw().end(), [](const InstanceEvent& e) {
    return e.kind == InstanceEvent::Kind::kSendFailed;
  });
  REQUIRE(it != rig.raw().end());
  CHECK(it->peer == kMulticastGroupV4);
  CHECK(fmt::format("{}", *it) ==
        "VIP_1 send_failed to 224.0.0.18: UNAVAILABLE: sendmsg: Network is down");
}

TEST_CASE("Instance shutdown as Master sends priority 0 and removes the address") {
  Rig rig(V2Config());
  rig.MakeMaster();
  rig.transport.clear_sent();
  rig.instance->Shutdown(kT0 + absl::Seconds(10));
  REQUIRE(rig.transport.sent().size() == 1);
  CHECK(rig.transport.sent()[0].payload[2] == 0);  // the priority octet (RFC 3768 §5.1)
  CHECK(rig.addresses.addresses().empty());
}

TEST_CASE("Instance encodes one v3 advert per unicast peer, each with its own checksum") {
  InstanceConfig c = V2Config();
  c.router.version = Version::kV3;
  c.auth_type = AuthType::kNone;
  c.pass_key = PassKey();
  const IpAddress p1 = IpAddress::V4(192, 0, 2, 6), p2 = IpAddress::V4(192, 0, 2, 7);
  c.unicast_peers = {p1, p2};
  Rig rig(c);
  rig.MakeMaster();
  REQUIRE(rig.transport.sent().size() == 2);
  CHECK(rig.transport.sent()[0].destination == p1);
  CHECK(rig.transport.sent()[1].destination == p2);
  // The pseudo-header covers the destination, so the checksums differ (RFC 5798 §5.2.8).
  CHECK(rig.transport.sent()[0].payload != rig.transport.sent()[1].payload);
  for (const testing::SentPacket& sent : rig.transport.sent()) {
    Advertisement adv;
    CHECK(DecodeAdvertisement(sent.payload,
                              {.source = kSelf, .destination = sent.destination, .ttl = 255},
                              DecodeOptions{}, adv) == DropReason::kNone);
  }
  // Only the peers are heard (the library's default, PeerCheck::kPeersOnly): a higher priority
  // from elsewhere is refused before the election, as the router's own drop.
  Advertisement intruder;
  rig.instance->router().FillAdvertisement(250, intruder);
  const Delivery d =
      rig.endpoint.OnAdvertisement(kT0 + absl::Seconds(5), intruder, IpAddress::V4(192, 0, 2, 9));
  CHECK(d.reason == DropReason::kPeer);
  CHECK(d.key == 1u);
  CHECK(rig.instance->router().stats().drops[DropReason::kPeer] == 1);
  CHECK(rig.instance->router().state() == RouterState::kMaster);
  CHECK(rig.endpoint.OnAdvertisement(kT0 + absl::Seconds(5), intruder, p2).key == 1u);
}

// keepalived's default for unicast (no check_unicast_src): the peers are where it sends, and a
// higher priority heard from anywhere wins the election.
TEST_CASE("Instance with PeerCheck::kAnySource hears a unicast advert from any source") {
  InstanceConfig c = V2Config();
  c.unicast_peers = {IpAddress::V4(192, 0, 2, 7)};
  c.peer_check = PeerCheck::kAnySource;
  Rig rig(c);
  rig.MakeMaster();
  Advertisement higher;
  rig.instance->router().FillAdvertisement(250, higher);
  const IpAddress stranger = IpAddress::V4(192, 0, 2, 9);
  const Delivery d = rig.endpoint.OnAdvertisement(kT0 + absl::Seconds(5), higher, stranger);
  REQUIRE(d.key == 1u);
  CHECK(d.reason == DropReason::kNone);
  rig.instance->OnDelivery(kT0 + absl::Seconds(5), d, stranger);
  CHECK(rig.instance->router().state() == RouterState::kBackup);
  CHECK(rig.instance->router().master_address() == stranger);
}

TEST_CASE("Instance configuration errors name the instance and the field") {
  testing::FakeTransport t;
  testing::FakeAddressManager m;
  testing::FakeAnnouncer a;
  SECTION("auth on v3") {
    InstanceConfig c = V2Config();
    c.router.version = Version::kV3;
    auto r = Instance::Create(c, t, m, a);
    REQUIRE_FALSE(r.ok());
    CHECK(std::string(r.status().message()).find("VIP_1") != std::string::npos);
  }
  SECTION("bad address") {
    InstanceConfig c = V2Config();
    c.addresses[0].prefix_len = 33;
    auto r = Instance::Create(c, t, m, a);
    REQUIRE_FALSE(r.ok());
    CHECK(std::string(r.status().message()).find("VIP_1") != std::string::npos);
  }
  SECTION("bad VRID") {
    InstanceConfig c = V2Config();
    c.router.vrid = 300;
    auto r = Instance::Create(c, t, m, a);
    REQUIRE_FALSE(r.ok());
    CHECK(std::string(r.status().message()).find("virtual_router_id 300") != std::string::npos);
  }
  SECTION("a unicast peer of the other family") {
    InstanceConfig c = V2Config();
    c.unicast_peers = {*IpAddress::Parse("2001:db8::6")};
    auto r = Instance::Create(c, t, m, a);
    REQUIRE_FALSE(r.ok());
    CHECK(std::string(r.status().message()) ==
          "VIP_1: unicast_peer 2001:db8::6 is not an IPv4 unicast address");
  }
  SECTION("no name") {
    InstanceConfig c = V2Config();
    c.name.clear();
    CHECK_FALSE(Instance::Create(c, t, m, a).ok());
  }
}

TEST_CASE("Instance reconfigured without an address while Master removes it by its old details") {
  InstanceConfig c = V2Config();
  c.addresses.push_back(
      {.address = IpAddress::V4(192, 0, 2, 4), .prefix_len = 32, .interface = "eth0"});
  Rig rig(c);
  rig.MakeMaster();
  CHECK(rig.addresses.addresses().size() == 2);
  InstanceConfig smaller = V2Config();
  REQUIRE(rig.instance->Reconfigure(kT0 + absl::Seconds(10), smaller).ok());
  CHECK(rig.instance->router().state() == RouterState::kMaster);
  CHECK(rig.addresses.addresses() == std::set<IpAddress>{kVip});
  CHECK(rig.addresses.calls().back() == "remove 192.0.2.4/32 dev eth0 scope global");
  // An identical configuration changes nothing at all.
  const size_t calls = rig.addresses.calls().size();
  const size_t sent = rig.transport.sent().size();
  REQUIRE(rig.instance->Reconfigure(kT0 + absl::Seconds(11), smaller).ok());
  CHECK(rig.addresses.calls().size() == calls);
  CHECK(rig.transport.sent().size() == sent);
}

TEST_CASE(
    "Instance adds, announces and removes excluded addresses with the VIPs, never advertising "
    "them") {
  InstanceConfig c = V2Config();
  const IpAddress v6 = *IpAddress::Parse("2001:db8::99");
  c.excluded_addresses = {{.address = v6, .prefix_len = 64, .interface = "eth0"}};
  Rig rig(c);
  rig.instance->Start(kT0);
  CHECK(rig.addresses.addresses().empty());
  rig.instance->OnTimer(rig.instance->NextDeadline());
  REQUIRE(rig.instance->router().state() == RouterState::kMaster);
  CHECK(rig.addresses.addresses() == std::set<IpAddress>{kVip, v6});
  CHECK(rig.announcer.count(v6) == 5);
  // The advertisement carries the VIP only (a v2 advert cannot even carry an IPv6 address).
  DecodeOptions peer_view{.version = Version::kV2, .auth_type = AuthType::kPass};
  peer_view.pass_key = *PassKey::Create("1111");
  Advertisement adv;
  REQUIRE(DecodeAdvertisement(rig.transport.sent().back().payload,
                              {.source = kSelf, .destination = kMulticastGroupV4, .ttl = 255},
                              peer_view, adv) == DropReason::kNone);
  CHECK(adv.addresses == AddressList{kVip});

  SECTION("a reload that changes the excluded list while Master swaps just those") {
    InstanceConfig next = c;
    const IpAddress other = *IpAddress::Parse("2001:db8::98");
    next.excluded_addresses = {{.address = other, .prefix_len = 64, .interface = "eth0"}};
    REQUIRE(rig.instance->Reconfigure(kT0 + absl::Seconds(10), next).ok());
    CHECK(rig.instance->router().state() == RouterState::kMaster);
    CHECK(rig.addresses.addresses() == std::set<IpAddress>{kVip, other});
  }
  SECTION("leaving Master removes them") {
    rig.Receive(kT0 + absl::Seconds(5), PeerAdvert(200));
    CHECK(rig.instance->router().state() == RouterState::kBackup);
    CHECK(rig.addresses.addresses().empty());
  }
  SECTION("an invalid one is refused by name") {
    InstanceConfig bad = c;
    bad.excluded_addresses[0].prefix_len = 129;
    CHECK(std::string(ValidateInstanceConfig(bad).message()).find("virtual_ipaddress_excluded") !=
          std::string::npos);
  }
}

TEST_CASE("Instance with deferred effects: the advertisement at once, the rest on FlushDeferred") {
  Rig rig(V2Config());
  rig.instance->set_defer_effects(true);
  rig.instance->Start(kT0);  // not a hot path: its effects happen within the call
  CHECK(rig.events() == std::vector<std::string>{"VIP_1 transition INIT -> BACKUP (startup)"});
  rig.instance->OnTimer(rig.instance->NextDeadline());
  CHECK(rig.instance->router().state() == RouterState::kMaster);
  // On the wire already; the address, the announcement and the event wait.
  CHECK(rig.transport.sent().size() == 1);
  CHECK(rig.addresses.calls().empty());
  CHECK(rig.announcer.announced().empty());
  CHECK(rig.events().size() == 1);
  CHECK(rig.instance->has_deferred());

  SECTION("flushed, in the router's order") {
    rig.instance->FlushDeferred(kT0 + absl::Seconds(4));
    CHECK_FALSE(rig.instance->has_deferred());
    CHECK(rig.addresses.Holds(kVip));
    CHECK(rig.announcer.announced().size() == 5);
    CHECK(std::find(rig.events().begin(), rig.events().end(),
                    "VIP_1 transition BACKUP -> MASTER (master_down_timer)") != rig.events().end());
  }
  SECTION("stepped down before the flush: added and removed, never announced") {
    rig.Receive(kT0 + absl::Seconds(4), PeerAdvert(200));
    CHECK(rig.instance->router().state() == RouterState::kBackup);
    rig.instance->FlushDeferred(kT0 + absl::Seconds(4));
    CHECK(rig.addresses.calls() ==
          std::vector<std::string>{"add 192.0.2.3/24 dev eth0 scope global label eth0:vip",
                                   "remove 192.0.2.3/24 dev eth0 scope global label eth0:vip"});
    CHECK(rig.addresses.addresses().empty());
    CHECK(rig.announcer.announced().empty());
  }
  SECTION("any other input carries out what waits first") {
    rig.instance->Shutdown(kT0 + absl::Seconds(4));
    CHECK_FALSE(rig.instance->has_deferred());
    CHECK(rig.addresses.calls().size() == 2);
    CHECK(rig.addresses.addresses().empty());
    CHECK(std::find(rig.events().begin(), rig.events().end(),
                    "VIP_1 transition MASTER -> INIT (shutdown)") != rig.events().end());
  }
  SECTION("a reconfiguration too, with the old configuration") {
    InstanceConfig other = V2Config();
    other.addresses[0].address = IpAddress::V4(192, 0, 2, 4);
    REQUIRE(rig.instance->Reconfigure(kT0 + absl::Seconds(4), other).ok());
    CHECK(rig.addresses.calls() ==
          std::vector<std::string>{"add 192.0.2.3/24 dev eth0 scope global label eth0:vip",
                                   "remove 192.0.2.3/24 dev eth0 scope global label eth0:vip",
                                   "add 192.0.2.4/24 dev eth0 scope global label eth0:vip"});
    CHECK(rig.addresses.addresses() == std::set<IpAddress>{IpAddress::V4(192, 0, 2, 4)});
  }
}

}  // namespace
}  // namespace vrrp
