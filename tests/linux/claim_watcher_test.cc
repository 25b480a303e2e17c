// ClaimWatcher against the real kernel, two namespaces on a veth pair: another host's gratuitous
// ARP and unsolicited NA arrive as claims with its MAC, our own announcements never do, and the
// filter keeps data traffic (a ping flood) out of the socket.
#include "vrrp/linux/claim_watcher.h"

#include <poll.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "system/netns.h"
#include "vrrp/linux/packet_announcer.h"

namespace vrrp::os {
namespace {

using vrrp::test::Netns;

struct Link {
  std::unique_ptr<Netns> a, b;
  std::unique_ptr<ClaimWatcher> watcher;  // on b0, in b
};

Link MakeLink(std::optional<Family> family = std::nullopt) {
  Link l;
  absl::StatusOr<vrrp::test::LinkedPair> pair = vrrp::test::LinkedPair::Create();
  INFO(pair.status().ToString());
  REQUIRE(pair.ok());
  l.a = std::move(pair->a);
  l.b = std::move(pair->b);
  REQUIRE(l.b->Inside([&] {
               auto opened = ClaimWatcher::Open({.interface = "b0", .family = family});
               INFO(opened.status().ToString());
               REQUIRE(opened.ok());
               l.watcher = std::move(*opened);
             })
              .ok());
  return l;
}

// Reads claims until `count` came or 3 s passed.
std::vector<AddressClaim> ReadClaims(ClaimWatcher& w, size_t count) {
  std::vector<AddressClaim> all;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (all.size() < count && std::chrono::steady_clock::now() < until) {
    pollfd p{w.fd(), POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    for (const AddressClaim& c : w.Read()) all.push_back(c);
  }
  return all;
}

std::unique_ptr<PacketAnnouncer> AnnouncerIn(Netns& ns, const std::string& interface) {
  std::unique_ptr<PacketAnnouncer> announcer;
  REQUIRE(ns.Inside([&] {
              auto opened = PacketAnnouncer::Open({.interface = interface});
              REQUIRE(opened.ok());
              announcer = std::move(*opened);
            }).ok());
  return announcer;
}

TEST_CASE("ClaimWatcher refuses an interface it cannot watch") {
  auto missing = ClaimWatcher::Open({.interface = "vrrp-nope0"});
  REQUIRE_FALSE(missing.ok());
  CHECK(std::string(missing.status().message()).find("vrrp-nope0") != std::string::npos);
  CHECK(ClaimWatcher::Open({.interface = ""}).status().code() ==
        absl::StatusCode::kInvalidArgument);
}

TEST_CASE("Another host's gratuitous ARP and NA arrive as claims with its MAC") {
  VRRP_SKIP_UNLESS_ROOT();
  Link l = MakeLink();
  std::unique_ptr<PacketAnnouncer> other = AnnouncerIn(*l.a, "a0");
  REQUIRE(other->Announce(*IpAddress::Parse("192.0.2.3")).ok());
  REQUIRE(other->Announce(*IpAddress::Parse("2001:db8::3")).ok());
  std::vector<AddressClaim> claims = ReadClaims(*l.watcher, 2);
  REQUIRE(claims.size() == 2);
  CHECK(claims[0] == AddressClaim{AddressClaim::Kind::kArpRequest, *IpAddress::Parse("192.0.2.3"),
                                  other->mac(), true});
  CHECK(claims[1] == AddressClaim{AddressClaim::Kind::kNeighborAdvertisement,
                                  *IpAddress::Parse("2001:db8::3"), other->mac(), true});
  CHECK(l.watcher->stats().malformed == 0);
}

// The driver's watchers: one per (interface, family), bound to one EtherType, so the kernel
// offers them no VRRP or data frame at all (an ETH_P_ALL socket would see each one).
TEST_CASE("A watcher of one family sees only that family's claims") {
  VRRP_SKIP_UNLESS_ROOT();
  for (Family family : {Family::kIPv4, Family::kIPv6}) {
    INFO(FamilyName(family));
    Link l = MakeLink(family);
    std::unique_ptr<PacketAnnouncer> other = AnnouncerIn(*l.a, "a0");
    REQUIRE(other->Announce(*IpAddress::Parse("192.0.2.3")).ok());
    REQUIRE(other->Announce(*IpAddress::Parse("2001:db8::3")).ok());
    REQUIRE(l.a->Check("ping -q -c 20 -i 0.002 192.0.2.6").ok());
    // The announcement, and for IPv4 a's ARP request for b (a claim of a's own address).
    const IpAddress announced =
        *IpAddress::Parse(family == Family::kIPv4 ? "192.0.2.3" : "2001:db8::3");
    std::vector<AddressClaim> claims = ReadClaims(*l.watcher, 3);  // waits 3 s for a third
    CHECK(std::count_if(claims.begin(), claims.end(), [&](const AddressClaim& c) {
            return c.address == announced && c.mac == other->mac();
          }) == 1);
    for (const AddressClaim& c : claims) CHECK(c.address.family() == family);
    // Bound to ARP's or IPv6's EtherType: no echo frame, and for IPv6 no ARP, was offered.
    INFO("frames " << l.watcher->stats().frames);
    CHECK(l.watcher->stats().frames <= 3);
    const std::string sockets = l.b->Run("cat /proc/net/packet").output;
    CHECK(sockets.find(family == Family::kIPv4 ? " 0806 " : " 86dd ") != std::string::npos);
    CHECK(sockets.find(" 0003 ") == std::string::npos);
  }
}

TEST_CASE("Our own announcements and data traffic never reach the watcher") {
  VRRP_SKIP_UNLESS_ROOT();
  Link l = MakeLink();
  std::unique_ptr<PacketAnnouncer> own = AnnouncerIn(*l.b, "b0");
  REQUIRE(own->Announce(*IpAddress::Parse("192.0.2.3")).ok());
  REQUIRE(own->Announce(*IpAddress::Parse("2001:db8::3")).ok());
  // 50 pings each way over IPv4 and IPv6: ICMP echo, plus the few ARP / NS / NA that resolve
  // the neighbours (the NAs and ARP replies are a's claims of its own addresses).
  REQUIRE(
      l.a->Check("ping -q -c 50 -i 0.002 192.0.2.6 && ping -q -c 50 -i 0.002 2001:db8::6").ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  std::vector<AddressClaim> claims = l.watcher->Read(1000);
  INFO("frames " << l.watcher->stats().frames);
  // The filter let through far fewer than the 200 echo frames on b0.
  CHECK(l.watcher->stats().frames < 10);
  for (const AddressClaim& c : claims) {
    INFO(c.address.ToString() << " " << c.mac.ToString());
    CHECK(c.mac != own->mac());  // never ours
    CHECK((c.address.ToString() == "192.0.2.5" || c.address.ToString() == "2001:db8::5"));
  }
}

// The probe of DESIGN.md's "VIP conflicts": a host holding the address answers an RFC 5227
// ARP probe and a DAD solicitation, and its answer is a claim with its MAC, even when the
// prober holds the address too (as a Master in split brain does).
TEST_CASE("A holder of the address answers our probes with a claim") {
  VRRP_SKIP_UNLESS_ROOT();
  Link l = MakeLink();
  REQUIRE(l.a->Check("ip addr add 192.0.2.3/24 dev a0 && ip addr add 2001:db8::3/64 dev a0").ok());
  REQUIRE(l.b->Check("ip addr add 192.0.2.3/24 dev b0 && ip addr add 2001:db8::3/64 dev b0").ok());
  std::unique_ptr<PacketAnnouncer> prober = AnnouncerIn(*l.b, "b0");
  const std::string holder = l.a->Run("cat /sys/class/net/a0/address").output.substr(0, 17);
  for (const char* vip : {"192.0.2.3", "2001:db8::3"}) {
    INFO(vip);
    REQUIRE(prober->Probe(*IpAddress::Parse(vip)).ok());
    std::vector<AddressClaim> claims = ReadClaims(*l.watcher, 1);
    REQUIRE(claims.size() >= 1);
    CHECK(claims[0].address.ToString() == vip);
    CHECK(claims[0].mac.ToString() == holder);
    // An ARP reply to 0.0.0.0 is not gratuitous; the NA answering a DAD probe goes to
    // all-nodes with Solicited clear (RFC 4862 §5.4.3), which reads as gratuitous.
    CHECK(claims[0].gratuitous == (vip[0] == '2'));
  }
  CHECK(prober->probes_sent() == 2);
}

}  // namespace
}  // namespace vrrp::os
