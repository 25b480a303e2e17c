// vrrp::ParseAddressClaim on keepalived's own announcements (tests/vectors), on ours, on the
// other ARP and NA a link carries (replies, probes, solicited NAs, NAs without the link-layer
// option), and on malformed frames, each refused with its reason rather than read as a claim.
#include "vrrp/address_claim.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "support/vectors.h"
#include "vrrp/checksum.h"
#include "vrrp/frames.h"

namespace vrrp {
namespace {

using testing::LoadVector;

const MacAddress kOther({0x02, 0x00, 0x00, 0x00, 0x00, 0x06});

std::vector<uint8_t> Arp(const MacAddress& mac, const IpAddress& vip) {
  std::vector<uint8_t> f(kGratuitousArpSize);
  REQUIRE(BuildGratuitousArp(mac, vip, absl::MakeSpan(f)).ok());
  return f;
}

std::vector<uint8_t> Na(const MacAddress& mac, const IpAddress& vip) {
  std::vector<uint8_t> f(kUnsolicitedNaSize);
  REQUIRE(BuildUnsolicitedNa(mac, vip, absl::MakeSpan(f)).ok());
  return f;
}

// Recomputes an NA's ICMPv6 checksum after the test changed it (frames.h's layout: IPv6 at 14,
// ICMPv6 at 54, checksum at 56).
void FixNaChecksum(std::vector<uint8_t>& f) {
  f[56] = f[57] = 0;
  const size_t length = static_cast<size_t>(f[18] << 8 | f[19]);
  const uint32_t sum =
      ChecksumAdd(PseudoHeaderSum(IpAddress::FromV6Bytes(&f[22]), IpAddress::FromV6Bytes(&f[38]),
                                  58, static_cast<uint32_t>(length)),
                  absl::MakeConstSpan(f).subspan(54, length));
  const uint16_t c = ChecksumFinish(sum);
  f[56] = static_cast<uint8_t>(c >> 8);
  f[57] = static_cast<uint8_t>(c & 0xff);
}

absl::StatusCode Code(const std::vector<uint8_t>& f) {
  return ParseAddressClaim(f).status().code();
}

TEST_CASE("keepalived's gratuitous ARP claims its VIP for its MAC") {
  testing::Vector v = LoadVector("keepalived-garp");
  absl::StatusOr<AddressClaim> claim = ParseAddressClaim(v.frame);
  REQUIRE(claim.ok());
  CHECK(claim->kind == AddressClaim::Kind::kArpRequest);
  CHECK(claim->address.ToString() == v.Field("Sender IP address"));
  CHECK(claim->mac.ToString() == v.Field("Sender MAC address"));
  CHECK(claim->gratuitous);
  CHECK(AddressClaimKindName(claim->kind) == "arp_request");
}

TEST_CASE("keepalived's unsolicited NA claims its VIP for the target link-layer address") {
  testing::Vector v = LoadVector("keepalived-v3-ipv6-na");
  absl::StatusOr<AddressClaim> claim = ParseAddressClaim(v.frame);
  REQUIRE(claim.ok());
  CHECK(claim->kind == AddressClaim::Kind::kNeighborAdvertisement);
  CHECK(claim->address.ToString() == v.Field("Target Address"));
  CHECK(claim->mac.ToString() == v.Field("Link-layer address"));
  CHECK(claim->gratuitous);
}

TEST_CASE("Our own announcements parse back to what was announced") {
  const IpAddress v4 = *IpAddress::Parse("192.0.2.3");
  const IpAddress v6 = *IpAddress::Parse("2001:db8::3");
  CHECK(*ParseAddressClaim(Arp(kOther, v4)) ==
        AddressClaim{AddressClaim::Kind::kArpRequest, v4, kOther, true});
  CHECK(*ParseAddressClaim(Na(kOther, v6)) ==
        AddressClaim{AddressClaim::Kind::kNeighborAdvertisement, v6, kOther, true});
  // With the RFC 5798 §7.3 virtual MAC, the claim names the virtual MAC.
  CHECK(ParseAddressClaim(Arp(VirtualMac(Family::kIPv4, 50), v4))->mac ==
        VirtualMac(Family::kIPv4, 50));
}

TEST_CASE("An ARP reply claims its sender address, not gratuitous when it answers another") {
  std::vector<uint8_t> f = Arp(kOther, *IpAddress::Parse("192.0.2.3"));
  f[21] = 2;                                      // opcode reply
  f[38] = 192, f[39] = 0, f[40] = 2, f[41] = 10;  // target protocol address: the asker
  absl::StatusOr<AddressClaim> claim = ParseAddressClaim(f);
  REQUIRE(claim.ok());
  CHECK(claim->kind == AddressClaim::Kind::kArpReply);
  CHECK(claim->address.ToString() == "192.0.2.3");
  CHECK_FALSE(claim->gratuitous);
}

TEST_CASE("An ARP probe, another hardware type or opcode claims nothing") {
  std::vector<uint8_t> probe = Arp(kOther, *IpAddress::Parse("192.0.2.3"));
  probe[28] = probe[29] = probe[30] = probe[31] = 0;  // RFC 5227 §2.1.1: sender 0.0.0.0
  CHECK(Code(probe) == absl::StatusCode::kNotFound);
  std::vector<uint8_t> rarp = Arp(kOther, *IpAddress::Parse("192.0.2.3"));
  rarp[21] = 3;
  CHECK(Code(rarp) == absl::StatusCode::kNotFound);
  std::vector<uint8_t> token_ring = Arp(kOther, *IpAddress::Parse("192.0.2.3"));
  token_ring[15] = 6;
  CHECK(Code(token_ring) == absl::StatusCode::kNotFound);
  std::vector<uint8_t> ipv4 = Arp(kOther, *IpAddress::Parse("192.0.2.3"));
  ipv4[12] = 0x08, ipv4[13] = 0x00;
  CHECK(Code(ipv4) == absl::StatusCode::kNotFound);
}

TEST_CASE("A solicited NA is a claim too, and without the option the Ethernet source claims") {
  std::vector<uint8_t> f = Na(kOther, *IpAddress::Parse("2001:db8::3"));
  f[58] |= 0x40;  // Solicited
  FixNaChecksum(f);
  absl::StatusOr<AddressClaim> solicited = ParseAddressClaim(f);
  REQUIRE(solicited.ok());
  CHECK_FALSE(solicited->gratuitous);

  // No option: the payload is 24 bytes and the Ethernet source names the claimant.
  std::vector<uint8_t> bare(f.begin(), f.begin() + 14 + 40 + 24);
  bare[18] = 0, bare[19] = 24;
  FixNaChecksum(bare);
  absl::StatusOr<AddressClaim> claim = ParseAddressClaim(bare);
  REQUIRE(claim.ok());
  CHECK(claim->mac == kOther);
}

TEST_CASE("Malformed ARP and NA frames are refused with their reason") {
  const std::vector<uint8_t> na = Na(kOther, *IpAddress::Parse("2001:db8::3"));
  const std::vector<uint8_t> arp = Arp(kOther, *IpAddress::Parse("192.0.2.3"));
  auto message = [](const std::vector<uint8_t>& f) {
    return std::string(ParseAddressClaim(f).status().message());
  };
  CHECK(message({0x00, 0x01}) == "frame of 2 bytes, shorter than an Ethernet header");
  CHECK(message(std::vector<uint8_t>(arp.begin(), arp.begin() + 30)) ==
        "ARP of 16 bytes, shorter than the 28 of IPv4 over Ethernet");

  std::vector<uint8_t> bad_sum = na;
  bad_sum[70] ^= 1;  // a bit of the target
  CHECK(message(bad_sum) == "Neighbor Advertisement with a bad checksum");
  std::vector<uint8_t> hop = na;
  hop[21] = 254;
  FixNaChecksum(hop);
  CHECK(message(hop) == "Neighbor Advertisement with hop limit 254, not 255");
  std::vector<uint8_t> option = na;
  option[79] = 0;  // the option's length
  FixNaChecksum(option);
  CHECK(message(option) == "Neighbor Advertisement option with a bad length");
  std::vector<uint8_t> long_payload = na;
  long_payload[19] = 200;
  CHECK(message(long_payload) == "IPv6 payload length 200 beyond the frame's 32 bytes");
  std::vector<uint8_t> cut(na.begin(), na.begin() + 40);
  CHECK(message(cut) == "IPv6 header cut short");
  std::vector<uint8_t> version = na;
  version[14] = 0x45;
  CHECK(message(version) == "EtherType IPv6 but not version 6");

  // Other ICMPv6 (a Neighbor Solicitation) and other next headers claim nothing.
  std::vector<uint8_t> ns = na;
  ns[54] = 135;
  CHECK(Code(ns) == absl::StatusCode::kNotFound);
  std::vector<uint8_t> udp = na;
  udp[20] = 17;
  CHECK(Code(udp) == absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace vrrp
