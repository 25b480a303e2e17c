// Endpoint: one receive path per interface and family. Packets keepalived 2.2.7 sent (the
// captures in tests/vectors/) are routed by VRID to the right router among many, decoded with
// that router's version and authentication, and every packet is counted once, on the endpoint
// or on the router.
#include "vrrp/endpoint.h"

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "support/vectors.h"
#include "vrrp/ip_packet.h"

namespace vrrp {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'000'000);
const IpAddress kSelf = IpAddress::V4(192, 0, 2, 6);  // r2 of the capture lab
const IpAddress kKeepalived = IpAddress::V4(192, 0, 2, 5);

RouterConfig Config(int vrid, Version version = Version::kV2) {
  RouterConfig c;
  c.vrid = vrid;
  c.version = version;
  c.priority = 100;
  c.advert_interval = Centiseconds(100);
  c.virtual_addresses = {IpAddress::V4(192, 0, 2, 3)};
  c.primary_address = kSelf;
  if (version == Version::kV2) {
    c.auth_type = AuthType::kPass;
    c.pass_key = *PassKey::Create("1111");
  }
  return c;
}

std::unique_ptr<Router> Make(const RouterConfig& c) {
  absl::StatusOr<Router> r = Router::Create(c);
  REQUIRE(r.ok());
  return std::make_unique<Router>(*std::move(r));
}

// keepalived's v2 PASS advertisement (VRID 50, priority 150, key 1111) with its IP metadata.
struct Captured {
  std::vector<uint8_t> bytes;
  ReceiveInfo info;
};

Captured KeepalivedV2Pass() {
  testing::Vector v = testing::LoadVector("keepalived-v2-pass");
  REQUIRE(v.Field("Virtual Rtr ID") == "50");
  Captured c;
  c.bytes = v.payload;
  c.info = {.source = kKeepalived, .destination = kMulticastGroupV4, .ttl = 255};
  return c;
}

TEST_CASE("Endpoint routes keepalived's advert by VRID to the one router of 200 that runs it") {
  Endpoint endpoint(Family::kIPv4);
  std::vector<std::unique_ptr<Router>> routers;
  for (int vrid = 1; vrid <= 200; ++vrid) {
    routers.push_back(Make(Config(vrid)));
    REQUIRE(endpoint.Add(static_cast<uint64_t>(1000 + vrid), *routers.back()).ok());
    routers.back()->Start(kT0);
  }
  CHECK(endpoint.size() == 200);
  const Captured c = KeepalivedV2Pass();
  const Delivery d = endpoint.OnPacket(kT0 + absl::Milliseconds(500), c.bytes, c.info);
  REQUIRE(d.key.has_value());
  CHECK(*d.key == 1050u);
  CHECK(d.reason == DropReason::kNone);
  // VRID 50 heard a master of priority 150 and restarted its master-down timer; no other
  // router saw anything.
  const Router& r50 = *routers[49];
  CHECK(r50.master_address() == kKeepalived);
  CHECK(int(r50.master_priority()) == 150);
  CHECK(r50.stats().advert_rcvd == 1);
  uint64_t others = 0;
  for (const auto& r : routers) others += r->stats().advert_rcvd + r->stats().drops.Total();
  CHECK(others == 1);
  CHECK(endpoint.stats().received == 1);
  CHECK(endpoint.stats().routed == 1);
}

TEST_CASE("Endpoint counts what no router takes once, on itself") {
  Endpoint endpoint(Family::kIPv4);
  auto r7 = Make(Config(7));
  REQUIRE(endpoint.Add(7, *r7).ok());
  const Captured c = KeepalivedV2Pass();

  const Delivery other = endpoint.OnPacket(kT0, c.bytes, c.info);  // VRID 50: nobody here
  CHECK_FALSE(other.key.has_value());
  CHECK(other.reason == DropReason::kVrid);

  const std::vector<uint8_t> stub(c.bytes.begin(), c.bytes.begin() + 7);
  CHECK(endpoint.OnPacket(kT0, stub, c.info).reason == DropReason::kTooShort);
  CHECK(endpoint.OnPacket(kT0, {}, c.info).reason == DropReason::kTooShort);

  CHECK(endpoint.stats().received == 3);
  CHECK(endpoint.stats().routed == 0);
  CHECK(endpoint.stats().drops[DropReason::kVrid] == 1);
  CHECK(endpoint.stats().drops[DropReason::kTooShort] == 2);
  CHECK(r7->stats().drops.Total() == 0);
}

TEST_CASE("Endpoint decodes with the receiving router's version and key, refusals count there") {
  const Captured c = KeepalivedV2Pass();
  SECTION("wrong key") {
    RouterConfig config = Config(50);
    config.pass_key = *PassKey::Create("2222");
    auto r = Make(config);
    Endpoint endpoint(Family::kIPv4);
    REQUIRE(endpoint.Add(1, *r).ok());
    const Delivery d = endpoint.OnPacket(kT0, c.bytes, c.info);
    CHECK(d.key == 1u);
    CHECK(d.reason == DropReason::kAuthFailure);
    CHECK(r->stats().drops[DropReason::kAuthFailure] == 1);
    CHECK(endpoint.stats().drops.Total() == 0);
  }
  SECTION("a v3 router on the VRID refuses a v2 advert by version") {
    auto r = Make(Config(50, Version::kV3));
    Endpoint endpoint(Family::kIPv4);
    REQUIRE(endpoint.Add(1, *r).ok());
    CHECK(endpoint.OnPacket(kT0, c.bytes, c.info).reason == DropReason::kVersion);
    CHECK(r->stats().drops[DropReason::kVersion] == 1);
  }
  SECTION("TTL 64: forwarded from another link") {
    auto r = Make(Config(50));
    Endpoint endpoint(Family::kIPv4);
    REQUIRE(endpoint.Add(1, *r).ok());
    ReceiveInfo info = c.info;
    info.ttl = 64;
    CHECK(endpoint.OnPacket(kT0, c.bytes, info).reason == DropReason::kTtl);
  }
  SECTION("the router's own refusal comes back too: a v2 interval other than ours") {
    RouterConfig config = Config(50);
    config.advert_interval = Centiseconds(200);
    auto r = Make(config);
    Endpoint endpoint(Family::kIPv4);
    REQUIRE(endpoint.Add(1, *r).ok());
    r->Start(kT0);
    CHECK(endpoint.OnPacket(kT0, c.bytes, c.info).reason == DropReason::kInterval);
    CHECK(r->stats().drops[DropReason::kInterval] == 1);
  }
}

TEST_CASE("Endpoint: unicast routers share a VRID by peer, others' packets are kPeer") {
  Endpoint endpoint(Family::kIPv4);
  const IpAddress peer_a = kKeepalived, peer_b = IpAddress::V4(192, 0, 2, 9);
  auto ra = Make(Config(50));
  auto rb = Make(Config(50));
  REQUIRE(endpoint.Add(1, *ra, {peer_a}).ok());
  REQUIRE(endpoint.Add(2, *rb, {peer_b}).ok());
  const Captured c = KeepalivedV2Pass();
  CHECK(endpoint.OnPacket(kT0, c.bytes, c.info).key == 1u);
  ReceiveInfo stranger = c.info;
  stranger.source = IpAddress::V4(192, 0, 2, 77);
  const Delivery d = endpoint.OnPacket(kT0, c.bytes, stranger);
  CHECK_FALSE(d.key.has_value());
  CHECK(d.reason == DropReason::kPeer);
  CHECK(endpoint.stats().drops[DropReason::kPeer] == 1);
}

// keepalived's check_unicast_src, both ways, on one router alone on its VRID: a stranger's
// advertisement reaches the router with kAnySource (keepalived's default) and is the router's
// own kPeer drop with kPeersOnly, so that its instance reports (and vrrpd logs) it.
TEST_CASE("Endpoint: a unicast router takes any source or its peers only, as asked") {
  const Captured c = KeepalivedV2Pass();
  ReceiveInfo stranger = c.info;
  stranger.source = IpAddress::V4(192, 0, 2, 77);
  const IpAddress peer = IpAddress::V4(192, 0, 2, 9);
  // Catch runs the case once per section: each starts with these, fresh.
  Endpoint endpoint(Family::kIPv4);
  auto r = Make(Config(50));
  auto add_and_hear_stranger = [&](PeerCheck check) {
    REQUIRE(endpoint.Add(1, *r, {peer}, check).ok());
    r->Start(kT0);
    const Delivery d = endpoint.OnPacket(kT0, c.bytes, stranger);
    CHECK(d.key == 1u);
    return d.reason;
  };
  SECTION("kAnySource: the peers are destinations only") {
    CHECK(add_and_hear_stranger(PeerCheck::kAnySource) == DropReason::kNone);
    CHECK(r->master_address() == stranger.source);  // priority 150 heard from it
    CHECK(r->stats().drops.Total() == 0);
    CHECK(endpoint.stats().drops.Total() == 0);
  }
  SECTION("kPeersOnly: a stranger is the router's kPeer drop, a peer is heard") {
    CHECK(add_and_hear_stranger(PeerCheck::kPeersOnly) == DropReason::kPeer);
    CHECK(r->stats().drops[DropReason::kPeer] == 1);
    CHECK(endpoint.stats().drops.Total() == 0);
    CHECK(endpoint.stats().routed == 1);
    CHECK_FALSE(r->master_address().has_value());
    // The same through OnAdvertisement (the simulated LAN's path).
    Advertisement adv;
    REQUIRE(DecodeAdvertisement(c.bytes, c.info, r->decode_options(), adv) == DropReason::kNone);
    CHECK(endpoint.OnAdvertisement(kT0, adv, stranger.source).reason == DropReason::kPeer);
    CHECK(r->stats().drops[DropReason::kPeer] == 2);
    ReceiveInfo from_peer = c.info;
    from_peer.source = peer;
    CHECK(endpoint.OnPacket(kT0, c.bytes, from_peer).reason == DropReason::kNone);
    CHECK(r->master_address() == peer);
  }
  SECTION("a multicast router takes every source whatever the check says") {
    REQUIRE(endpoint.Add(1, *r, {}, PeerCheck::kPeersOnly).ok());
    CHECK(endpoint.OnPacket(kT0, c.bytes, stranger).reason == DropReason::kNone);
  }
}

// Two routers on one VRID can only be told apart by the source: both must check it.
TEST_CASE("Endpoint refuses a router taking any source beside another on its VRID") {
  Endpoint endpoint(Family::kIPv4);
  const IpAddress peer_a = kKeepalived, peer_b = IpAddress::V4(192, 0, 2, 9);
  auto ra = Make(Config(50));
  auto rb = Make(Config(50));
  SECTION("the first takes any source") {
    REQUIRE(endpoint.Add(1, *ra, {peer_a}, PeerCheck::kAnySource).ok());
    const absl::Status s = endpoint.Add(2, *rb, {peer_b});
    CHECK(s.code() == absl::StatusCode::kAlreadyExists);
    CHECK(std::string(s.message()).find("each checking for peers of its own") != std::string::npos);
  }
  SECTION("the second takes any source") {
    REQUIRE(endpoint.Add(1, *ra, {peer_a}).ok());
    CHECK(endpoint.Add(2, *rb, {peer_b}, PeerCheck::kAnySource).code() ==
          absl::StatusCode::kAlreadyExists);
    // Refused, the first is alone still: a stranger is its drop.
    ReceiveInfo stranger = KeepalivedV2Pass().info;
    stranger.source = IpAddress::V4(192, 0, 2, 77);
    CHECK(endpoint.OnPacket(kT0, KeepalivedV2Pass().bytes, stranger).key == 1u);
  }
}

TEST_CASE("Endpoint refuses routes that would take the same packets, and a foreign family") {
  Endpoint endpoint(Family::kIPv4);
  auto r1 = Make(Config(50));
  auto r2 = Make(Config(50));
  REQUIRE(endpoint.Add(1, *r1).ok());
  absl::Status twice = endpoint.Add(2, *r2);
  CHECK(twice.code() == absl::StatusCode::kAlreadyExists);
  CHECK(std::string(twice.message()).find("VRID 50") != std::string::npos);
  CHECK(endpoint.Add(1, *Make(Config(51))).code() == absl::StatusCode::kAlreadyExists);
  // A unicast router beside a multicast one on the same VRID would take its packets too.
  CHECK(endpoint.Add(3, *r2, {kKeepalived}).code() == absl::StatusCode::kAlreadyExists);
  CHECK(endpoint.Add(4, *Make(Config(52)), {*IpAddress::Parse("2001:db8::5")}).code() ==
        absl::StatusCode::kInvalidArgument);

  RouterConfig v6 = Config(60, Version::kV3);
  v6.family = Family::kIPv6;
  v6.virtual_addresses = {*IpAddress::Parse("2001:db8::3")};
  v6.primary_address = *IpAddress::Parse("fe80::6");
  v6.auth_type = AuthType::kNone;
  CHECK(endpoint.Add(5, *Make(v6)).code() == absl::StatusCode::kInvalidArgument);

  // Removing the first frees the VRID for the second.
  CHECK(endpoint.Remove(1));
  CHECK_FALSE(endpoint.Remove(1));
  CHECK(endpoint.Add(2, *r2).ok());
  const Captured c = KeepalivedV2Pass();
  CHECK(endpoint.OnPacket(kT0, c.bytes, c.info).key == 2u);
}

TEST_CASE("Endpoint survives any bytes: nothing but a counted reason") {
  Endpoint endpoint(Family::kIPv4);
  auto r = Make(Config(50));
  REQUIRE(endpoint.Add(1, *r).ok());
  r->Start(kT0);
  const Captured c = KeepalivedV2Pass();
  uint64_t seed = 12345;
  for (int i = 0; i < 2000; ++i) {
    std::vector<uint8_t> bytes = c.bytes;
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    bytes[(seed >> 33) % bytes.size()] ^= static_cast<uint8_t>(1 + ((seed >> 17) % 255));
    bytes.resize((seed >> 45) % (bytes.size() + 1));
    (void)endpoint.OnPacket(kT0, bytes, c.info);
  }
  CHECK(endpoint.stats().received == 2000);
  CHECK(endpoint.stats().received == endpoint.stats().drops.Total() + endpoint.stats().routed);
}

}  // namespace
}  // namespace vrrp
