// RawSocketTransport against the real kernel: two namespaces joined by a veth pair, adverts sent
// by one transport and received by the other, and tshark's word on what went on the wire.
#include "vrrp/linux/raw_socket.h"

#include <linux/capability.h>
#include <poll.h>

#include <array>
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "support/vectors.h"
#include "system/netns.h"
#include "vrrp/ah.h"
#include "vrrp/codec.h"
#include "vrrp/router.h"

namespace vrrp::os {
namespace {

using vrrp::test::Netns;

bool Readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, timeout_ms) == 1;
}

// The two namespaces of vrrp::test::LinkedPair: a0 (192.0.2.5) in `a`, b0 (192.0.2.6) in `b`.
using Link = vrrp::test::LinkedPair;

Link MakeLink() {
  absl::StatusOr<Link> link = Link::Create();
  INFO(link.status().ToString());
  REQUIRE(link.ok());
  return *std::move(link);
}

std::unique_ptr<RawSocketTransport> OpenIn(const Netns& ns, RawSocketOptions options) {
  std::unique_ptr<RawSocketTransport> transport;
  REQUIRE(ns.Inside([&] {
              auto opened = RawSocketTransport::Open(options);
              INFO(opened.status().ToString());
              REQUIRE(opened.ok());
              transport = std::move(*opened);
            }).ok());
  return transport;
}

IpAddress SourceIn(const Netns& ns, const std::string& interface, Family family) {
  IpAddress source;
  REQUIRE(ns.Inside([&] {
              auto primary = InterfacePrimaryAddress(interface, family);
              INFO(primary.status().ToString());
              REQUIRE(primary.ok());
              source = *primary;
            }).ok());
  return source;
}

std::vector<uint8_t> EncodeFor(const IpAddress& source, const IpAddress& to, Family family) {
  Advertisement adv;
  adv.version = Version::kV3;
  adv.family = family;
  adv.vrid = 50;
  adv.priority = 150;
  adv.interval = Centiseconds(100);
  adv.addresses.push_back(family == Family::kIPv4 ? IpAddress::V4(192, 0, 2, 3)
                                                  : *IpAddress::Parse("2001:db8::3"));
  std::array<uint8_t, kMaxAdvertisementSize> buf;
  EncodeOptions options{.source = source, .destination = to};
  auto n = EncodeAdvertisement(adv, options, absl::MakeSpan(buf));
  REQUIRE(n.ok());
  return std::vector<uint8_t>(buf.begin(), buf.begin() + static_cast<long>(*n));
}

// Sends from `from` until `to` has something (multicast joins take a moment to settle), then
// returns what `to` received.
std::optional<std::vector<uint8_t>> SendUntilReceived(
    RawSocketTransport& from, const IpAddress& source, RawSocketTransport& to,
    const std::vector<uint8_t>& payload, const IpAddress& destination, ReceivedPacket& packet,
    std::array<uint8_t, kReceiveBufferSize>& buf) {
  for (int attempt = 0; attempt < 50; ++attempt) {
    REQUIRE(from.Send(payload, source, destination).ok());
    if (!Readable(to.fd(), 100)) continue;
    auto received = to.Receive(absl::MakeSpan(buf));
    REQUIRE(received.ok());
    if (received->has_value()) {
      packet = **received;
      return std::vector<uint8_t>(packet.payload.begin(), packet.payload.end());
    }
  }
  return std::nullopt;
}

TEST_CASE("RawSocketTransport refuses bad options before touching the system") {
  CHECK(RawSocketTransport::Open({.interface = ""}).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(RawSocketTransport::Open({.interface = "a-name-longer-than-ifnamsiz"}).status().code() ==
        absl::StatusCode::kInvalidArgument);
  auto missing = RawSocketTransport::Open({.interface = "vrrp-nope0"});
  // CAP_NET_RAW is checked first: without it the error says so even for a missing interface,
  // which the Driver would otherwise wait for.
  CHECK(missing.status().code() ==
        (vrrp::test::IsRoot() ? absl::StatusCode::kNotFound : absl::StatusCode::kPermissionDenied));
  CHECK(std::string(missing.status().message()).find("vrrp-nope0") != std::string::npos);
}

TEST_CASE("RawSocketTransport carries IPv4 multicast adverts with TTL 255 and no loop-back") {
  VRRP_SKIP_UNLESS_ROOT();
  Link link = MakeLink();
  auto a = OpenIn(*link.a, {.interface = "a0", .family = Family::kIPv4});
  auto b = OpenIn(*link.b, {.interface = "b0", .family = Family::kIPv4});
  const IpAddress a_addr = SourceIn(*link.a, "a0", Family::kIPv4);
  CHECK(a_addr == IpAddress::V4(192, 0, 2, 5));
  REQUIRE(b->JoinGroup(kMulticastGroupV4).ok());

  auto payload = EncodeFor(a_addr, kMulticastGroupV4, Family::kIPv4);
  ReceivedPacket packet;
  std::array<uint8_t, kReceiveBufferSize> buf;
  auto got = SendUntilReceived(*a, a_addr, *b, payload, kMulticastGroupV4, packet, buf);
  REQUIRE(got.has_value());
  CHECK(*got == payload);
  CHECK(packet.info.source == IpAddress::V4(192, 0, 2, 5));
  CHECK(packet.info.destination == kMulticastGroupV4);
  CHECK(int(packet.info.ttl) == 255);
  CHECK(packet.ifindex == b->ifindex());
  // What arrived passes the codec's checks, checksum with pseudo-header included.
  Advertisement adv;
  CHECK(DecodeAdvertisement(packet.payload, packet.info, DecodeOptions{}, adv) ==
        DropReason::kNone);
  CHECK(int(adv.priority) == 150);
  // Our own multicast is not looped back to us.
  CHECK_FALSE(Readable(a->fd(), 200));
  CHECK(a->stats().sent >= 1);
  CHECK(b->stats().received == 1);
}

// auth_type AH (vrrp/ah.h): the socket is IP protocol 51 and sends the IPv4 packet the router
// wrote as it is, so the IP ID and TOS the ICV covers arrive unchanged; the receiver gets the
// header with the payload, and keepalived's key verifies. Only a protocol-112 socket refuses it.
TEST_CASE("RawSocketTransport for AH sends the router's IPv4 header as written, and keeps it") {
  VRRP_SKIP_UNLESS_ROOT();
  Link link = MakeLink();
  const RawSocketOptions ah_a{
      .interface = "a0", .family = Family::kIPv4, .protocol = kIpProtocolAh};
  const RawSocketOptions ah_b{
      .interface = "b0", .family = Family::kIPv4, .protocol = kIpProtocolAh};
  auto a = OpenIn(*link.a, ah_a);
  auto b = OpenIn(*link.b, ah_b);
  auto plain_b = OpenIn(*link.b, {.interface = "b0", .family = Family::kIPv4});
  REQUIRE(b->JoinGroup(kMulticastGroupV4).ok());
  REQUIRE(plain_b->JoinGroup(kMulticastGroupV4).ok());
  const IpAddress a_addr = IpAddress::V4(192, 0, 2, 5);

  RouterConfig config;
  config.vrid = 50;
  config.version = Version::kV2;
  config.priority = 150;
  config.virtual_addresses = {IpAddress::V4(192, 0, 2, 3)};
  config.primary_address = a_addr;
  config.auth_type = AuthType::kAh;
  config.pass_key = *PassKey::Create("1111");
  auto router = Router::Create(config);
  REQUIRE(router.ok());
  std::array<uint8_t, kMaxAdvertisementSize> out;
  auto n = router->WriteAdvertisement(150, kMulticastGroupV4, absl::MakeSpan(out));
  REQUIRE(n.ok());
  const std::vector<uint8_t> sent(out.begin(), out.begin() + static_cast<long>(*n));

  ReceivedPacket packet;
  std::array<uint8_t, kReceiveBufferSize> buf;
  REQUIRE(SendUntilReceived(*a, a_addr, *b, sent, kMulticastGroupV4, packet, buf).has_value());
  CHECK(packet.info.protocol == kIpProtocolAh);
  REQUIRE(packet.info.ip_header.size() == kIpv4HeaderSize);
  std::vector<uint8_t> received(packet.info.ip_header.begin(), packet.info.ip_header.end());
  received.insert(received.end(), packet.payload.begin(), packet.payload.end());
  // Byte for byte, the IP header checksum too (the kernel's equals ours).
  CHECK(testing::ToHex(received) == testing::ToHex(sent));
  CHECK(int(packet.info.ttl) == 255);
  DecodeOptions options;
  options.version = Version::kV2;
  options.auth_type = AuthType::kAh;
  options.pass_key = *PassKey::Create("1111");
  Advertisement adv;
  CHECK(DecodeAdvertisement(packet.payload, packet.info, options, adv) == DropReason::kNone);
  CHECK(adv.ah_sequence == 1);
  // Protocol 112's socket does not see it.
  CHECK_FALSE(Readable(plain_b->fd(), 200));

  CHECK(RawSocketTransport::Open(
            {.interface = "a0", .family = Family::kIPv6, .protocol = kIpProtocolAh})
            .status()
            .code() == absl::StatusCode::kInvalidArgument);
  CHECK(RawSocketTransport::Open({.interface = "a0", .family = Family::kIPv4, .protocol = 17})
            .status()
            .code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("RawSocketTransport group membership is counted: the last LeaveGroup stops multicast") {
  VRRP_SKIP_UNLESS_ROOT();
  Link link = MakeLink();
  auto a = OpenIn(*link.a, {.interface = "a0", .family = Family::kIPv4});
  auto b = OpenIn(*link.b, {.interface = "b0", .family = Family::kIPv4});
  const IpAddress a_addr = SourceIn(*link.a, "a0", Family::kIPv4);
  auto payload = EncodeFor(a_addr, kMulticastGroupV4, Family::kIPv4);
  ReceivedPacket packet;
  std::array<uint8_t, kReceiveBufferSize> buf;
  // Two routers on b0 use the group: one leaving keeps it joined.
  REQUIRE(b->JoinGroup(kMulticastGroupV4).ok());
  REQUIRE(b->JoinGroup(kMulticastGroupV4).ok());
  REQUIRE(b->LeaveGroup(kMulticastGroupV4).ok());
  REQUIRE(SendUntilReceived(*a, a_addr, *b, payload, kMulticastGroupV4, packet, buf).has_value());
  REQUIRE(b->LeaveGroup(kMulticastGroupV4).ok());
  while (Readable(b->fd(), 100)) (void)b->Receive(absl::MakeSpan(buf));  // in flight before
  REQUIRE(a->Send(payload, a_addr, kMulticastGroupV4).ok());
  CHECK_FALSE(Readable(b->fd(), 300));
  CHECK(b->LeaveGroup(kMulticastGroupV4).code() == absl::StatusCode::kNotFound);
  CHECK(b->JoinGroup(IpAddress::V4(192, 0, 2, 1)).code() == absl::StatusCode::kInvalidArgument);
  CHECK(b->JoinGroup(MulticastGroup(Family::kIPv6)).code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("RawSocketTransport carries IPv6 adverts from the link-local address, hop limit 255") {
  VRRP_SKIP_UNLESS_ROOT();
  Link link = MakeLink();
  auto a = OpenIn(*link.a, {.interface = "a0", .family = Family::kIPv6});
  auto b = OpenIn(*link.b, {.interface = "b0", .family = Family::kIPv6});
  const IpAddress a_addr = SourceIn(*link.a, "a0", Family::kIPv6);
  CHECK(a_addr.IsLinkLocal());
  const IpAddress group = MulticastGroup(Family::kIPv6);
  REQUIRE(b->JoinGroup(group).ok());
  auto payload = EncodeFor(a_addr, group, Family::kIPv6);
  ReceivedPacket packet;
  std::array<uint8_t, kReceiveBufferSize> buf;
  auto got = SendUntilReceived(*a, a_addr, *b, payload, group, packet, buf);
  REQUIRE(got.has_value());
  CHECK(*got == payload);
  CHECK(packet.info.source == a_addr);
  CHECK(packet.info.destination == group);
  CHECK(int(packet.info.ttl) == 255);
  Advertisement adv;
  CHECK(DecodeAdvertisement(packet.payload, packet.info, DecodeOptions{}, adv) ==
        DropReason::kNone);
  CHECK(adv.addresses.front() == *IpAddress::Parse("2001:db8::3"));
  CHECK_FALSE(Readable(a->fd(), 200));
}

TEST_CASE("RawSocketTransport unicast: a socket that joined no group hears its peer only") {
  VRRP_SKIP_UNLESS_ROOT();
  Link link = MakeLink();
  const IpAddress a_addr = IpAddress::V4(192, 0, 2, 5);
  const IpAddress b_addr = IpAddress::V4(192, 0, 2, 6);
  auto a = OpenIn(*link.a, {.interface = "a0", .family = Family::kIPv4});
  auto b = OpenIn(*link.b, {.interface = "b0", .family = Family::kIPv4});
  auto payload = EncodeFor(a_addr, b_addr, Family::kIPv4);
  ReceivedPacket packet;
  std::array<uint8_t, kReceiveBufferSize> buf;
  auto got = SendUntilReceived(*a, a_addr, *b, payload, b_addr, packet, buf);
  REQUIRE(got.has_value());
  CHECK(packet.info.destination == b_addr);
  CHECK(int(packet.info.ttl) == 255);
  // Multicast does not reach a socket that joined no group (IP_MULTICAST_ALL is off).
  REQUIRE(
      a->Send(EncodeFor(a_addr, kMulticastGroupV4, Family::kIPv4), a_addr, kMulticastGroupV4).ok());
  CHECK_FALSE(Readable(b->fd(), 300));
  // A source of the other family is refused before anything is sent.
  CHECK(a->Send(payload, *IpAddress::Parse("2001:db8::5"), b_addr).code() ==
        absl::StatusCode::kInvalidArgument);
}

TEST_CASE("RawSocketTransport batches sends into one sendmmsg, a failed batch names a message") {
  VRRP_SKIP_UNLESS_ROOT();
  Link link = MakeLink();
  auto a = OpenIn(*link.a, {.interface = "a0", .family = Family::kIPv4});
  auto b = OpenIn(*link.b, {.interface = "b0", .family = Family::kIPv4});
  const IpAddress a_addr = SourceIn(*link.a, "a0", Family::kIPv4);
  REQUIRE(b->JoinGroup(kMulticastGroupV4).ok());
  auto payload = EncodeFor(a_addr, kMulticastGroupV4, Family::kIPv4);
  // The group join settles first: one message through, the usual way.
  ReceivedPacket packet;
  std::array<uint8_t, kReceiveBufferSize> buf;
  REQUIRE(SendUntilReceived(*a, a_addr, *b, payload, kMulticastGroupV4, packet, buf).has_value());
  while (Readable(b->fd(), 100)) (void)b->Receive(absl::MakeSpan(buf));
  const uint64_t sent_before = a->stats().sent;

  // More than one sendmmsg's worth: the first kMaxBatch leave before Flush.
  const int count = static_cast<int>(RawSocketTransport::kMaxBatch) + 8;
  a->BeginBatch();
  for (int i = 0; i < count; ++i) REQUIRE(a->Send(payload, a_addr, kMulticastGroupV4).ok());
  // Checks still happen at once.
  CHECK(a->Send(payload, *IpAddress::Parse("2001:db8::5"), kMulticastGroupV4).code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(a->stats().sent == sent_before + RawSocketTransport::kMaxBatch);
  REQUIRE(a->Flush().ok());
  CHECK(a->stats().sent == sent_before + static_cast<uint64_t>(count));
  int received = 0;
  while (Readable(b->fd(), 500)) {
    auto got = b->Receive(absl::MakeSpan(buf));
    REQUIRE(got.ok());
    if (!got->has_value()) continue;
    CHECK(std::vector<uint8_t>((*got)->payload.begin(), (*got)->payload.end()) == payload);
    ++received;
  }
  CHECK(received == count);

  // Groups and unicast peers mixed in one batch: the group's go out through the multicast
  // sender with our IP header, the peer's through the socket itself, in runs, none lost.
  const IpAddress b_addr = IpAddress::V4(192, 0, 2, 6);
  auto to_peer = EncodeFor(a_addr, b_addr, Family::kIPv4);
  a->BeginBatch();
  for (int i = 0; i < 6; ++i) {
    const bool group = i % 3 != 2;
    REQUIRE(a->Send(group ? payload : to_peer, a_addr, group ? kMulticastGroupV4 : b_addr).ok());
  }
  REQUIRE(a->Flush().ok());
  int to_group_received = 0, to_peer_received = 0;
  while (Readable(b->fd(), 500)) {
    auto got = b->Receive(absl::MakeSpan(buf));
    REQUIRE(got.ok());
    if (!got->has_value()) continue;
    const bool group = (*got)->info.destination == kMulticastGroupV4;
    CHECK(std::vector<uint8_t>((*got)->payload.begin(), (*got)->payload.end()) ==
          (group ? payload : to_peer));
    CHECK((*got)->info.ttl == 255);
    ++(group ? to_group_received : to_peer_received);
  }
  CHECK(to_group_received == 4);
  CHECK(to_peer_received == 2);
  const uint64_t sent_now = a->stats().sent;
  CHECK(sent_now == sent_before + static_cast<uint64_t>(count) + 6);

  // The link down: every message of the batch fails, and the status says which and how many.
  REQUIRE(link.a->Check("ip link set a0 down").ok());
  a->BeginBatch();
  for (int i = 0; i < 3; ++i) REQUIRE(a->Send(payload, a_addr, kMulticastGroupV4).ok());
  absl::Status failed = a->Flush();
  CHECK_FALSE(failed.ok());
  CHECK(std::string(failed.message()).find("sendmmsg to 224.0.0.18 from 192.0.2.5") !=
        std::string::npos);
  CHECK(std::string(failed.message()).find("(and 2 more in the batch)") != std::string::npos);
  CHECK(a->stats().sent == sent_now);
  // After a Flush, sending is immediate again.
  CHECK_FALSE(a->Send(payload, a_addr, kMulticastGroupV4).ok());
}

TEST_CASE("RawSocketTransport skips and counts a packet larger than its slot, refuses no slot") {
  VRRP_SKIP_UNLESS_ROOT();
  Link link = MakeLink();
  auto a = OpenIn(*link.a, {.interface = "a0", .family = Family::kIPv4});
  auto b = OpenIn(*link.b, {.interface = "b0", .family = Family::kIPv4});
  const IpAddress a_addr = SourceIn(*link.a, "a0", Family::kIPv4);
  const IpAddress b_addr = IpAddress::V4(192, 0, 2, 6);
  auto payload = EncodeFor(a_addr, b_addr, Family::kIPv4);
  ReceivedPacket packet;
  std::array<uint8_t, kReceiveBufferSize> buf;
  REQUIRE(SendUntilReceived(*a, a_addr, *b, payload, b_addr, packet, buf).has_value());
  // An IPv4 header and a VRRP header do not fit in 24 bytes: skipped, counted, never returned.
  REQUIRE(a->Send(payload, a_addr, b_addr).ok());
  REQUIRE(Readable(b->fd(), 2000));
  std::array<uint8_t, 24> small;
  auto got = b->Receive(absl::MakeSpan(small));
  REQUIRE(got.ok());
  CHECK_FALSE(got->has_value());
  CHECK(b->stats().skipped_truncated == 1);
  std::vector<ReceivedPacket> out;
  CHECK(b->ReceiveMany(absl::MakeSpan(small), kReceiveBufferSize, out).status().code() ==
        absl::StatusCode::kInvalidArgument);
}

// What tshark on b0 reads of the first advertisement `a` sends from 192.0.2.5 to `destination`
// (sent every 100 ms until tshark has one): the IPv4 header's fields, the checksums' status.
std::string FieldsOnTheWire(Link& link, RawSocketTransport& a, const IpAddress& destination,
                            size_t& ip_length) {
  const IpAddress a_addr = IpAddress::V4(192, 0, 2, 5);
  const std::string log = fmt::format("/tmp/vrrp-tshark-{}.txt", getpid());
  std::remove(log.c_str());
  REQUIRE(link.b
              ->Spawn("tshark -l -n -i b0 -c 1 -a duration:20 -f 'ip proto 112' -T fields "
                      "-e ip.dsfield -e ip.ttl -e ip.src -e ip.dst -e ip.flags.df -e ip.id "
                      "-e ip.len -e ip.checksum.status -e vrrp.prio -e vrrp.virt_rtr_id "
                      "-e vrrp.checksum.status -o ip.check_checksum:TRUE "
                      "2>" +
                          log + ".err",
                      log)
              .ok());
  auto payload = EncodeFor(a_addr, destination, Family::kIPv4);
  ip_length = 20 + payload.size();
  std::string fields;
  for (int i = 0; i < 150 && fields.empty(); ++i) {
    REQUIRE(a.Send(payload, a_addr, destination).ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::ifstream in(log);
    std::getline(in, fields);
  }
  INFO(vrrp::test::RunOnHost("cat " + log + ".err").output);
  std::remove(log.c_str());
  std::remove((log + ".err").c_str());
  REQUIRE_FALSE(fields.empty());
  return fields;
}

TEST_CASE("RawSocketTransport puts DSCP CS6 and TTL 255 on the wire, as tshark reads it") {
  VRRP_SKIP_UNLESS_ROOT();
  if (vrrp::test::RunOnHost("command -v tshark").exit_code != 0) {
    WARN("skipped: tshark is not installed (scripts/install-deps installs it)");
    return;
  }
  Link link = MakeLink();
  auto a = OpenIn(*link.a, {.interface = "a0", .family = Family::kIPv4});
  // To the group the header is ours (the multicast sender, IP_HDRINCL), to a unicast peer the
  // kernel's: the same either way. Don't fragment and ID 0 (RFC 6864 §4.1: an atomic
  // datagram), the length of the whole packet filled in by the kernel. tshark checks both
  // checksums itself: status 1 is "Good".
  size_t length = 0;
  const std::string to_group = FieldsOnTheWire(link, *a, kMulticastGroupV4, length);
  CHECK(to_group ==
        fmt::format("0xc0\t255\t192.0.2.5\t224.0.0.18\t1\t0x0000\t{}\t1\t150\t50\t1", length));
  const std::string to_peer = FieldsOnTheWire(link, *a, IpAddress::V4(192, 0, 2, 6), length);
  CHECK(to_peer ==
        fmt::format("0xc0\t255\t192.0.2.5\t192.0.2.6\t1\t0x0000\t{}\t1\t150\t50\t1", length));
}

TEST_CASE("RawSocketTransport without CAP_NET_RAW names the capability") {
  VRRP_SKIP_UNLESS_ROOT();
  auto ns = Netns::Create();
  REQUIRE(ns.ok());
  // A veth, not a dummy: the dummy module is not on every kernel CI runs on.
  REQUIRE((*ns)->AddVeth("d0", "d1").ok());
  REQUIRE((*ns)->Check("ip addr add 192.0.2.9/24 dev d0").ok());
  absl::Status status;
  REQUIRE((*ns)
              ->Inside([&] {
                REQUIRE(vrrp::test::DropEffectiveCapability(CAP_NET_RAW).ok());
                status = RawSocketTransport::Open({.interface = "d0"}).status();
              })
              .ok());
  CHECK(status.code() == absl::StatusCode::kPermissionDenied);
  CHECK(std::string(status.message()).find("CAP_NET_RAW") != std::string::npos);
  CHECK(std::string(status.message()).find("d0") != std::string::npos);
}

}  // namespace
}  // namespace vrrp::os
