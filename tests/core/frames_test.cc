#include "vrrp/frames.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "support/vectors.h"

namespace vrrp {
namespace {

using testing::InParens;
using testing::LoadVector;
using testing::Vector;

// "request (1)" -> 1, "IPv4 (0x0800)" -> 0x0800, "255" -> 255.
unsigned long Number(const std::string& text) {
  size_t open = text.rfind('(');
  std::string digits =
      open == std::string::npos ? text : text.substr(open + 1, text.find(')', open) - open - 1);
  return std::stoul(digits, nullptr, 0);
}

// "Broadcast (ff:ff:ff:ff:ff:ff)" -> its bytes.
std::vector<uint8_t> MacInParens(const std::string& text) {
  auto mac = MacAddress::Parse(InParens(text));
  REQUIRE(mac.ok());
  return {mac->bytes().begin(), mac->bytes().end()};
}

uint16_t U16(const std::vector<uint8_t>& b, size_t at) {
  return static_cast<uint16_t>(b[at] << 8 | b[at + 1]);
}

std::vector<uint8_t> Slice(const std::vector<uint8_t>& b, size_t at, size_t n) {
  return std::vector<uint8_t>(b.begin() + static_cast<ptrdiff_t>(at),
                              b.begin() + static_cast<ptrdiff_t>(at + n));
}

std::vector<uint8_t> ToVector(absl::Span<const uint8_t> s) { return {s.begin(), s.end()}; }

std::vector<uint8_t> MacBytes(const MacAddress& mac) {
  return {mac.bytes().begin(), mac.bytes().end()};
}

// An RFC 1071 checksum written out here, independently of lib/core/checksum.cc, over the RFC
// 8200 §8.1 pseudo-header and the ICMPv6 message of an Ethernet + IPv6 frame: 0 when the
// message's checksum field is right.
uint16_t VerifyIcmpv6Checksum(const std::vector<uint8_t>& frame) {
  std::vector<uint8_t> data;
  data.insert(data.end(), frame.begin() + 22, frame.begin() + 54);  // source, destination
  uint32_t length = U16(frame, 18);
  for (int shift : {24, 16, 8, 0}) data.push_back(static_cast<uint8_t>(length >> shift));
  data.insert(data.end(), {0, 0, 0, frame[20]});
  data.insert(data.end(), frame.begin() + 54, frame.begin() + 54 + length);
  if (data.size() % 2) data.push_back(0);
  uint32_t sum = 0;
  for (size_t i = 0; i < data.size(); i += 2) sum += U16(data, i);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum & 0xffff);
}

std::vector<uint8_t> Build(absl::StatusOr<size_t> (*builder)(const MacAddress&, const IpAddress&,
                                                             absl::Span<uint8_t>),
                           const MacAddress& mac, const IpAddress& ip) {
  std::vector<uint8_t> buf(kMaxAnnouncementSize + 16, 0xa5);
  absl::StatusOr<size_t> n = builder(mac, ip, absl::MakeSpan(buf));
  REQUIRE(n.ok());
  REQUIRE(*n <= kMaxAnnouncementSize);
  // Nothing beyond the frame is touched.
  CHECK(std::all_of(buf.begin() + static_cast<ptrdiff_t>(*n), buf.end(),
                    [](uint8_t b) { return b == 0xa5; }));
  buf.resize(*n);
  return buf;
}

TEST_CASE("Gratuitous ARP is keepalived's frame byte for byte") {
  Vector v = LoadVector("keepalived-garp");
  auto mac = MacAddress::Parse(v.Field("Sender MAC address"));
  auto vip = IpAddress::Parse(v.Field("Sender IP address"));
  REQUIRE(mac.ok());
  REQUIRE(vip.ok());

  std::vector<uint8_t> frame = Build(&BuildGratuitousArp, *mac, *vip);
  CHECK(frame.size() == kGratuitousArpSize);
  CHECK(frame.size() == std::stoul(v.Field("Frame Length")));
  CHECK(testing::ToHex(frame) == testing::ToHex(v.frame));
  // Every burst keepalived sent is the same frame.
  for (const auto& captured : v.frames) CHECK(testing::ToHex(frame) == testing::ToHex(captured));
  // BuildAnnouncement picks ARP for IPv4.
  CHECK(Build(&BuildAnnouncement, *mac, *vip) == frame);
}

TEST_CASE("Gratuitous ARP follows the RFC 826 / RFC 5227 §3 layout field by field") {
  Vector v = LoadVector("keepalived-garp");
  auto mac = MacAddress::Parse(v.Field("Sender MAC address"));
  auto vip = IpAddress::Parse(v.Field("Target IP address"));
  REQUIRE(mac.ok());
  REQUIRE(vip.ok());
  std::vector<uint8_t> f = Build(&BuildGratuitousArp, *mac, *vip);
  REQUIRE(f.size() == 42);

  const std::vector<uint8_t> broadcast(6, 0xff);
  // Ethernet II: broadcast destination, our MAC as source, EtherType ARP.
  CHECK(Slice(f, 0, 6) == broadcast);
  CHECK(Slice(f, 0, 6) == MacInParens(RawField(v, "Destination")));
  CHECK(Slice(f, 6, 6) == MacBytes(*mac));
  CHECK(U16(f, 12) == 0x0806);
  CHECK(U16(f, 12) == Number(RawField(v, "Type")));
  // RFC 826: ar$hrd Ethernet (1), ar$pro IPv4, ar$hln 6, ar$pln 4, ar$op request (1).
  CHECK(U16(f, 14) == 1);
  CHECK(U16(f, 14) == Number(RawField(v, "Hardware type")));
  CHECK(U16(f, 16) == 0x0800);
  CHECK(U16(f, 16) == Number(RawField(v, "Protocol type")));
  CHECK(f[18] == 6);
  CHECK(f[18] == Number(RawField(v, "Hardware size")));
  CHECK(f[19] == 4);
  CHECK(f[19] == Number(RawField(v, "Protocol size")));
  CHECK(U16(f, 20) == 1);
  CHECK(U16(f, 20) == Number(RawField(v, "Opcode")));
  // RFC 5227 §3 announcement: sender hardware = ours, sender and target protocol = the VIP.
  CHECK(Slice(f, 22, 6) == MacBytes(*mac));
  CHECK(Slice(f, 28, 4) == ToVector(vip->bytes()));
  CHECK(Slice(f, 32, 6) == broadcast);  // what keepalived puts in the ignored field
  CHECK(Slice(f, 32, 6) == MacInParens(RawField(v, "Target MAC address")));
  CHECK(Slice(f, 38, 4) == ToVector(vip->bytes()));
  CHECK(v.Field("Sender IP address") == v.Field("Target IP address"));
}

TEST_CASE("Gratuitous ARP with the RFC 5798 §7.3 virtual MAC") {
  Vector v = LoadVector("keepalived-garp");
  auto vip = IpAddress::Parse(v.Field("Sender IP address"));
  REQUIRE(vip.ok());
  const MacAddress vmac = VirtualMac(Family::kIPv4, 50);
  std::vector<uint8_t> f = Build(&BuildGratuitousArp, vmac, *vip);

  // The captured frame with both places that carry the sender's MAC replaced.
  std::vector<uint8_t> expected = v.frame;
  const std::vector<uint8_t> vmac_bytes = {0x00, 0x00, 0x5e, 0x00, 0x01, 0x32};
  std::copy(vmac_bytes.begin(), vmac_bytes.end(), expected.begin() + 6);
  std::copy(vmac_bytes.begin(), vmac_bytes.end(), expected.begin() + 22);
  CHECK(testing::ToHex(f) == testing::ToHex(expected));
}

TEST_CASE("Unsolicited NA is keepalived's frame byte for byte, checksum included") {
  Vector v = LoadVector("keepalived-v3-ipv6-na");
  auto mac = MacAddress::Parse(v.Field("Link-layer address"));
  auto vip = IpAddress::Parse(v.Field("Target Address"));
  REQUIRE(mac.ok());
  REQUIRE(vip.ok());

  std::vector<uint8_t> frame = Build(&BuildUnsolicitedNa, *mac, *vip);
  CHECK(frame.size() == kUnsolicitedNaSize);
  CHECK(frame.size() == std::stoul(v.Field("Frame Length")));
  CHECK(testing::ToHex(frame) == testing::ToHex(v.frame));
  for (const auto& captured : v.frames) CHECK(testing::ToHex(frame) == testing::ToHex(captured));
  CHECK(Build(&BuildAnnouncement, *mac, *vip) == frame);
}

TEST_CASE("Unsolicited NA follows the RFC 4861 §4.4 / §7.2.6 layout field by field") {
  Vector v = LoadVector("keepalived-v3-ipv6-na");
  auto mac = MacAddress::Parse(v.Field("Link-layer address"));
  auto vip = IpAddress::Parse(v.Field("Target Address"));
  REQUIRE(mac.ok());
  REQUIRE(vip.ok());
  std::vector<uint8_t> f = Build(&BuildUnsolicitedNa, *mac, *vip);
  REQUIRE(f.size() == 86);

  // Ethernet II to the all-nodes multicast MAC (RFC 2464 §7), EtherType IPv6.
  CHECK(Slice(f, 0, 6) == std::vector<uint8_t>{0x33, 0x33, 0, 0, 0, 1});
  CHECK(Slice(f, 6, 6) == MacBytes(*mac));
  CHECK(U16(f, 12) == 0x86dd);
  CHECK(U16(f, 12) == Number(RawField(v, "Type", 0)));

  // IPv6 header: version 6, traffic class 0, flow label 0, payload 32, ICMPv6, hop limit 255
  // (RFC 4861 §7.1.2), from the VIP to ff02::1.
  CHECK(f[14] >> 4 == 6);
  CHECK(f[14] >> 4 == std::stoul(v.Field("Version")));
  CHECK((f[14] & 0x0f) == 0);
  CHECK(f[15] == 0);
  CHECK(U16(f, 16) == 0);
  CHECK(Number(v.Field("Flow Label")) == 0);
  CHECK(U16(f, 18) == 32);
  CHECK(U16(f, 18) == std::stoul(v.Field("Payload Length")));
  CHECK(f[20] == 58);
  CHECK(f[20] == Number(RawField(v, "Next Header")));
  CHECK(f[21] == 255);
  CHECK(f[21] == std::stoul(v.Field("Hop Limit")));
  CHECK(Slice(f, 22, 16) == ToVector(IpAddress::Parse(v.Field("Source Address"))->bytes()));
  CHECK(Slice(f, 22, 16) == ToVector(vip->bytes()));
  CHECK(Slice(f, 38, 16) == ToVector(IpAddress::Parse("ff02::1")->bytes()));
  CHECK(Slice(f, 38, 16) == ToVector(IpAddress::Parse(v.Field("Destination Address"))->bytes()));

  // ICMPv6 Neighbor Advertisement: type 136, code 0, R=0 S=0 O=1.
  CHECK(f[54] == 136);
  CHECK(f[54] == Number(RawField(v, "Type", 1)));
  CHECK(f[55] == 0);
  CHECK(f[55] == std::stoul(v.Field("Code")));
  CHECK(U16(f, 56) == std::stoul(v.Field("Checksum"), nullptr, 16));
  CHECK(VerifyIcmpv6Checksum(f) == 0);
  CHECK(Slice(f, 58, 4) == std::vector<uint8_t>{0x20, 0, 0, 0});
  CHECK(v.Field("Flags").substr(0, 10) == "0x20000000");
  CHECK(v.Field("Router") == "Not set");
  CHECK(v.Field("Solicited") == "Not set");
  CHECK(v.Field("Override") == "Set");
  CHECK(Slice(f, 62, 16) == ToVector(vip->bytes()));
  // RFC 4861 §4.6.1 Target Link-Layer Address option: type 2, length 1 (× 8 bytes), our MAC.
  CHECK(f[78] == 2);
  CHECK(f[78] == Number(RawField(v, "Type", 2)));
  CHECK(f[79] == 1);
  CHECK(f[79] == Number(RawField(v, "Length").substr(0, 1)));
  CHECK(Slice(f, 80, 6) == MacBytes(*mac));
}

TEST_CASE("Unsolicited NA with the RFC 5798 §7.3 virtual MAC carries a fresh, valid checksum") {
  Vector v = LoadVector("keepalived-v3-ipv6-na");
  auto vip = IpAddress::Parse(v.Field("Target Address"));
  REQUIRE(vip.ok());
  const MacAddress vmac = VirtualMac(Family::kIPv6, 50);
  std::vector<uint8_t> f = Build(&BuildUnsolicitedNa, vmac, *vip);
  REQUIRE(f.size() == v.frame.size());

  const std::vector<uint8_t> vmac_bytes = {0x00, 0x00, 0x5e, 0x00, 0x02, 0x32};
  CHECK(Slice(f, 6, 6) == vmac_bytes);
  CHECK(Slice(f, 80, 6) == vmac_bytes);
  CHECK(VerifyIcmpv6Checksum(f) == 0);
  CHECK(U16(f, 56) != U16(v.frame, 56));
  // Everything but the two MACs and the checksum is the captured frame.
  std::vector<uint8_t> expected = v.frame;
  std::copy(vmac_bytes.begin(), vmac_bytes.end(), expected.begin() + 6);
  std::copy(vmac_bytes.begin(), vmac_bytes.end(), expected.begin() + 80);
  expected[56] = f[56];
  expected[57] = f[57];
  CHECK(testing::ToHex(f) == testing::ToHex(expected));
}

TEST_CASE("A different IPv6 address changes target, source and checksum only") {
  Vector v = LoadVector("keepalived-v3-ipv6-na");
  auto mac = MacAddress::Parse(v.Field("Link-layer address"));
  REQUIRE(mac.ok());
  auto other = IpAddress::Parse("2001:db8::1:ffff");
  std::vector<uint8_t> f = Build(&BuildUnsolicitedNa, *mac, *other);
  CHECK(VerifyIcmpv6Checksum(f) == 0);
  CHECK(Slice(f, 22, 16) == ToVector(other->bytes()));
  CHECK(Slice(f, 62, 16) == ToVector(other->bytes()));
}

TEST_CASE("Frame builders refuse and write nothing") {
  const MacAddress mac = VirtualMac(Family::kIPv4, 7);
  const IpAddress v4 = IpAddress::V4(192, 0, 2, 3);
  const IpAddress v6 = *IpAddress::Parse("2001:db8::3");

  auto untouched = [](const std::vector<uint8_t>& buf) {
    return std::all_of(buf.begin(), buf.end(), [](uint8_t b) { return b == 0x5a; });
  };

  SECTION("wrong family") {
    std::vector<uint8_t> buf(kMaxAnnouncementSize, 0x5a);
    auto arp = BuildGratuitousArp(mac, v6, absl::MakeSpan(buf));
    REQUIRE_FALSE(arp.ok());
    CHECK(arp.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(std::string(arp.status().message()).find("2001:db8::3") != std::string::npos);
    auto na = BuildUnsolicitedNa(mac, v4, absl::MakeSpan(buf));
    REQUIRE_FALSE(na.ok());
    CHECK(na.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(std::string(na.status().message()).find("192.0.2.3") != std::string::npos);
    CHECK(untouched(buf));
  }
  SECTION("buffer one byte short") {
    std::vector<uint8_t> small_arp(kGratuitousArpSize - 1, 0x5a);
    auto arp = BuildGratuitousArp(mac, v4, absl::MakeSpan(small_arp));
    REQUIRE_FALSE(arp.ok());
    CHECK(arp.status().code() == absl::StatusCode::kResourceExhausted);
    CHECK(untouched(small_arp));
    auto any = BuildAnnouncement(mac, v4, absl::MakeSpan(small_arp));
    CHECK(any.status().code() == absl::StatusCode::kResourceExhausted);
    CHECK(untouched(small_arp));

    std::vector<uint8_t> small_na(kUnsolicitedNaSize - 1, 0x5a);
    auto na = BuildUnsolicitedNa(mac, v6, absl::MakeSpan(small_na));
    REQUIRE_FALSE(na.ok());
    CHECK(na.status().code() == absl::StatusCode::kResourceExhausted);
    CHECK(untouched(small_na));
    CHECK(BuildAnnouncement(mac, v6, absl::MakeSpan(small_na)).status().code() ==
          absl::StatusCode::kResourceExhausted);
    CHECK(untouched(small_na));
  }
  SECTION("empty buffer") {
    CHECK_FALSE(BuildGratuitousArp(mac, v4, {}).ok());
    CHECK_FALSE(BuildUnsolicitedNa(mac, v6, {}).ok());
  }
  SECTION("exact sizes are enough") {
    std::vector<uint8_t> arp(kGratuitousArpSize);
    CHECK(BuildGratuitousArp(mac, v4, absl::MakeSpan(arp)).value_or(0) == kGratuitousArpSize);
    std::vector<uint8_t> na(kUnsolicitedNaSize);
    CHECK(BuildUnsolicitedNa(mac, v6, absl::MakeSpan(na)).value_or(0) == kUnsolicitedNaSize);
  }
}

TEST_CASE("ARP probe follows RFC 5227 §2.1.1: sender IP zero, target the address") {
  const MacAddress mac({0x02, 0, 0, 0, 0, 0x05});
  std::vector<uint8_t> f = Build(&BuildArpProbe, mac, IpAddress::V4(192, 0, 2, 3));
  REQUIRE(f.size() == kArpProbeSize);
  CHECK(Slice(f, 0, 6) == std::vector<uint8_t>(6, 0xff));
  CHECK(Slice(f, 6, 6) == MacBytes(mac));
  CHECK(U16(f, 12) == 0x0806);
  CHECK(U16(f, 14) == 1);
  CHECK(U16(f, 16) == 0x0800);
  CHECK(U16(f, 20) == 1);  // request
  CHECK(Slice(f, 22, 6) == MacBytes(mac));
  CHECK(Slice(f, 28, 4) == std::vector<uint8_t>(4, 0));
  CHECK(Slice(f, 32, 6) == std::vector<uint8_t>(6, 0));
  CHECK(Slice(f, 38, 4) == std::vector<uint8_t>{192, 0, 2, 3});
  CHECK(Build(&BuildProbe, mac, IpAddress::V4(192, 0, 2, 3)) == f);
  std::vector<uint8_t> buf(64);
  CHECK(BuildArpProbe(mac, *IpAddress::Parse("2001:db8::3"), absl::MakeSpan(buf)).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(BuildArpProbe(mac, IpAddress::V4(192, 0, 2, 3), absl::MakeSpan(buf).first(41))
            .status()
            .code() == absl::StatusCode::kResourceExhausted);
}

TEST_CASE("DAD solicitation follows RFC 4862 §5.4.2: from ::, to the solicited-node group") {
  const MacAddress mac({0x02, 0, 0, 0, 0, 0x05});
  const IpAddress vip = *IpAddress::Parse("2001:db8::12:3456");
  std::vector<uint8_t> f = Build(&BuildDadSolicitation, mac, vip);
  REQUIRE(f.size() == kDadSolicitationSize);
  // RFC 2464 §7: 33:33 and the low 32 bits of ff02::1:ff12:3456.
  CHECK(Slice(f, 0, 6) == std::vector<uint8_t>{0x33, 0x33, 0xff, 0x12, 0x34, 0x56});
  CHECK(Slice(f, 6, 6) == MacBytes(mac));
  CHECK(U16(f, 12) == 0x86dd);
  CHECK(f[14] == 0x60);
  CHECK(U16(f, 18) == 24);  // payload: the bare NS, no option from ::
  CHECK(f[20] == 58);
  CHECK(f[21] == 255);
  CHECK(Slice(f, 22, 16) == std::vector<uint8_t>(16, 0));
  CHECK(Slice(f, 38, 16) ==
        std::vector<uint8_t>{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0x12, 0x34, 0x56});
  CHECK(f[54] == 135);
  CHECK(f[55] == 0);
  CHECK(Slice(f, 58, 4) == std::vector<uint8_t>(4, 0));
  CHECK(Slice(f, 62, 16) == ToVector(vip.bytes()));
  CHECK(VerifyIcmpv6Checksum(f) == 0);
  CHECK(Build(&BuildProbe, mac, vip) == f);
  std::vector<uint8_t> buf(96);
  CHECK(
      BuildDadSolicitation(mac, IpAddress::V4(192, 0, 2, 3), absl::MakeSpan(buf)).status().code() ==
      absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace vrrp
