// PacketAnnouncer against the real kernel: a neighbour's stale cache entry for a VIP is
// corrected by our gratuitous ARP / unsolicited NA — what makes a failover reach clients.
#include "vrrp/linux/packet_announcer.h"

#include <linux/capability.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "system/netns.h"

namespace vrrp::os {
namespace {

using vrrp::test::Netns;

// Polls `ip neigh` in `ns` until the entry for `address` shows `mac`, for up to 3 s.
bool NeighbourShows(const Netns& ns, const std::string& address, const std::string& mac) {
  for (int i = 0; i < 30; ++i) {
    std::string out = ns.Run("ip neigh show " + address + " dev b0").output;
    if (out.find(mac) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

struct Pair {
  std::unique_ptr<Netns> a, b;
  std::unique_ptr<PacketAnnouncer> announcer;
};

Pair MakePair(std::optional<MacAddress> mac = std::nullopt) {
  Pair p;
  auto a = Netns::Create();
  auto b = Netns::Create();
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  p.a = std::move(*a);
  p.b = std::move(*b);
  REQUIRE(p.b->Check("sysctl -qw net.ipv6.conf.all.accept_dad=0 "
                     "net.ipv6.conf.default.accept_dad=0")
              .ok());
  REQUIRE(p.a->AddVeth("a0", "b0", p.b.get()).ok());
  REQUIRE(p.a->Check("ip addr add 192.0.2.3/24 dev a0 && ip addr add 2001:db8::3/64 dev a0 nodad")
              .ok());
  REQUIRE(p.b->Check("ip addr add 192.0.2.6/24 dev b0 && ip addr add 2001:db8::6/64 dev b0 nodad")
              .ok());
  // The client believes the VIPs are at another MAC: the old master's.
  REQUIRE(p.b->Check("ip neigh replace 192.0.2.3 lladdr 02:00:5e:10:00:01 dev b0 nud stale && "
                     "ip neigh replace 2001:db8::3 lladdr 02:00:5e:10:00:01 dev b0 nud stale")
              .ok());
  REQUIRE(p.a->Inside([&] {
               auto opened = PacketAnnouncer::Open({.interface = "a0", .mac = mac});
               INFO(opened.status().ToString());
               REQUIRE(opened.ok());
               p.announcer = std::move(*opened);
             })
              .ok());
  return p;
}

TEST_CASE("PacketAnnouncer refuses an interface it cannot use") {
  auto missing = PacketAnnouncer::Open({.interface = "vrrp-nope0"});
  REQUIRE_FALSE(missing.ok());
  CHECK(std::string(missing.status().message()).find("vrrp-nope0") != std::string::npos);
  CHECK(PacketAnnouncer::Open({.interface = ""}).status().code() ==
        absl::StatusCode::kInvalidArgument);
  // Loopback has no Ethernet address to announce.
  auto lo = InterfaceMac("lo");
  CHECK(lo.status().code() == absl::StatusCode::kFailedPrecondition);
}

TEST_CASE("A gratuitous ARP moves a neighbour's stale entry to our MAC") {
  VRRP_SKIP_UNLESS_ROOT();
  Pair p = MakePair();
  const std::string mac = p.announcer->mac().ToString();
  CHECK(p.a->Run("cat /sys/class/net/a0/address").output.find(mac) != std::string::npos);
  REQUIRE(p.announcer->Announce(IpAddress::V4(192, 0, 2, 3)).ok());
  CHECK(NeighbourShows(*p.b, "192.0.2.3", mac));
  CHECK(p.announcer->sent() == 1);
}

TEST_CASE("An unsolicited NA with Override moves a neighbour's stale IPv6 entry") {
  VRRP_SKIP_UNLESS_ROOT();
  Pair p = MakePair();
  const std::string mac = p.announcer->mac().ToString();
  REQUIRE(p.announcer->Announce(*IpAddress::Parse("2001:db8::3")).ok());
  CHECK(NeighbourShows(*p.b, "2001:db8::3", mac));
}

TEST_CASE("PacketAnnouncer announces a virtual MAC when given one (RFC 5798 §7.3)") {
  VRRP_SKIP_UNLESS_ROOT();
  const MacAddress vmac = VirtualMac(Family::kIPv4, 50);
  Pair p = MakePair(vmac);
  REQUIRE(p.announcer->Announce(IpAddress::V4(192, 0, 2, 3)).ok());
  CHECK(NeighbourShows(*p.b, "192.0.2.3", "00:00:5e:00:01:32"));
}

TEST_CASE("PacketAnnouncer without CAP_NET_RAW names the capability") {
  VRRP_SKIP_UNLESS_ROOT();
  auto ns = Netns::Create();
  REQUIRE(ns.ok());
  REQUIRE((*ns)->AddVeth("d0", "d1").ok());
  absl::Status status;
  REQUIRE((*ns)
              ->Inside([&] {
                REQUIRE(vrrp::test::DropEffectiveCapability(CAP_NET_RAW).ok());
                status = PacketAnnouncer::Open({.interface = "d0"}).status();
              })
              .ok());
  CHECK(status.code() == absl::StatusCode::kPermissionDenied);
  CHECK(std::string(status.message()).find("CAP_NET_RAW") != std::string::npos);
}

}  // namespace
}  // namespace vrrp::os
