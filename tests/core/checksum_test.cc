#include "vrrp/checksum.h"

#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "support/vectors.h"
#include "vrrp/codec.h"

namespace vrrp {
namespace {

using testing::FromHex;
using testing::LoadVector;

// The textbook RFC 1071 §4.1 loop, one 16-bit big-endian word at a time, as the independent
// reference for the word-at-a-time implementation.
uint16_t ReferenceChecksum(const std::vector<uint8_t>& bytes) {
  uint32_t sum = 0;
  size_t i = 0;
  for (; i + 1 < bytes.size(); i += 2) sum += static_cast<uint32_t>(bytes[i] << 8 | bytes[i + 1]);
  if (i < bytes.size()) sum += static_cast<uint32_t>(bytes[i] << 8);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

uint16_t HexField(const testing::Vector& v, const std::string& name) {
  return static_cast<uint16_t>(std::stoul(v.Field(name), nullptr, 16));
}

std::vector<uint8_t> Concat(std::vector<uint8_t> a, const std::vector<uint8_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::vector<uint8_t> Bytes(const IpAddress& ip) {
  return std::vector<uint8_t>(ip.bytes().begin(), ip.bytes().end());
}

TEST_CASE("RFC 1071 §3 numerical example") {
  // "00 01 f2 03 f4 f5 f6 f7" sums to ddf2 (one's complement, end-around carry).
  const std::vector<uint8_t> bytes = FromHex("0001f203f4f5f6f7");
  CHECK(ChecksumFinish(ChecksumAdd(0, bytes)) == static_cast<uint16_t>(~0xddf2));
  CHECK(InternetChecksum(bytes) == 0x220d);
  // §2(B): byte order independence, the swapped input sums to the swapped result.
  CHECK(InternetChecksum(FromHex("0100 03f2 f5f4 f7f6")) == 0x0d22);
  // §2(C): parallel summation: split at any even boundary gives the same sum.
  for (size_t split = 0; split <= bytes.size(); split += 2) {
    INFO("split at " << split);
    uint32_t sum = ChecksumAdd(0, absl::MakeConstSpan(bytes).subspan(0, split));
    sum = ChecksumAdd(sum, absl::MakeConstSpan(bytes).subspan(split));
    CHECK(ChecksumFinish(sum) == 0x220d);
  }
}

TEST_CASE("Checksum edge values: empty, zeros, all ones, odd length") {
  CHECK(InternetChecksum({}) == 0xffff);
  CHECK(InternetChecksum(std::vector<uint8_t>(7, 0)) == 0xffff);
  CHECK(InternetChecksum(FromHex("ffff")) == 0x0000);
  CHECK(InternetChecksum(FromHex("ffffffffffffffffff")) == 0x00ff);  // odd: ff00 padded
  CHECK(InternetChecksum(FromHex("01")) == 0xfeff);
  CHECK(InternetChecksum(FromHex("0001")) == 0xfffe);
  CHECK(InternetChecksum(FromHex("abcdef")) == static_cast<uint16_t>(~(0xabcd + 0xef00 - 0xffff)));
  CHECK(ChecksumFinish(0xffff0000u) == 0x0000);  // folds to ffff
  CHECK(ChecksumFinish(0xffffffffu) == 0x0000);
  CHECK(ChecksumFinish(0x0001fffeu) == 0x0000);
  CHECK(ChecksumFinish(0) == 0xffff);
}

TEST_CASE("Checksum matches the RFC 1071 reference for every length and split") {
  std::mt19937 rng(1071);
  std::uniform_int_distribution<int> byte(0, 255);
  for (size_t length = 0; length <= 600; ++length) {
    std::vector<uint8_t> data(length);
    for (uint8_t& b : data) b = static_cast<uint8_t>(byte(rng));
    // Mostly 0xff words too, which exercise the carries.
    if (length % 3 == 0) {
      for (size_t i = 0; i < length; i += 3) data[i] = 0xff;
    }
    INFO("length " << length);
    const uint16_t expected = ReferenceChecksum(data);
    REQUIRE(InternetChecksum(data) == expected);
    const size_t split = (length / 2) & ~size_t{1};
    uint32_t sum = ChecksumAdd(0xfffffff0u, absl::MakeConstSpan(data).subspan(0, split));
    sum = ChecksumAdd(sum, absl::MakeConstSpan(data).subspan(split));
    // A running sum of 0xfffffff0 is 0xfff0 modulo 0xffff: the same as a leading word fff0.
    std::vector<uint8_t> with_prefix = Concat({0xff, 0xf0}, data);
    REQUIRE(ChecksumFinish(sum) == ReferenceChecksum(with_prefix));
  }
  // All ones everywhere, the worst case for carries, up to the largest advertisement.
  for (size_t length : {size_t{1}, size_t{2}, size_t{15}, size_t{16}, size_t{17},
                        kMaxAdvertisementSize, kMaxAdvertisementSize + 1}) {
    std::vector<uint8_t> ones(length, 0xff);
    INFO("ones " << length);
    CHECK(InternetChecksum(ones) == ReferenceChecksum(ones));
  }
}

TEST_CASE("A message carrying a good checksum sums to zero") {
  std::mt19937 rng(768);
  std::uniform_int_distribution<int> byte(0, 255);
  for (size_t length = 8; length < 100; length += 2) {
    std::vector<uint8_t> data(length);
    for (uint8_t& b : data) b = static_cast<uint8_t>(byte(rng));
    data[6] = data[7] = 0;
    const uint16_t c = InternetChecksum(data);
    data[6] = static_cast<uint8_t>(c >> 8);
    data[7] = static_cast<uint8_t>(c);
    CHECK(InternetChecksum(data) == 0);
  }
}

TEST_CASE("PseudoHeaderSum equals the sum of the RFC 768 / RFC 8200 §8.1 layouts") {
  const IpAddress v4s = IpAddress::V4(192, 0, 2, 5);
  const IpAddress v4d = IpAddress::V4(224, 0, 0, 18);
  // RFC 768: source, destination, zero, protocol, 16-bit length.
  const std::vector<uint8_t> v4_layout =
      Concat(Concat(Bytes(v4s), Bytes(v4d)), {0x00, kIpProtocolVrrp, 0x00, 0x0c});
  CHECK(ChecksumFinish(PseudoHeaderSum(v4s, v4d, kIpProtocolVrrp, 12)) ==
        ReferenceChecksum(v4_layout));

  const IpAddress v6s = *IpAddress::Parse("fe80::3002:9eff:fef0:3f93");
  const IpAddress v6d = *IpAddress::Parse("ff02::12");
  for (uint32_t length : {0u, 24u, 4088u, 0x12345u, 0xffffffffu}) {
    INFO("length " << length);
    // RFC 8200 §8.1: source, destination, 32-bit length, three zero bytes, next header.
    const std::vector<uint8_t> v6_layout =
        Concat(Concat(Bytes(v6s), Bytes(v6d)),
               {static_cast<uint8_t>(length >> 24), static_cast<uint8_t>(length >> 16),
                static_cast<uint8_t>(length >> 8), static_cast<uint8_t>(length), 0, 0, 0, 58});
    CHECK(ChecksumFinish(PseudoHeaderSum(v6s, v6d, 58, length)) == ReferenceChecksum(v6_layout));
  }
}

// The captures' checksum fields, as tshark printed them, recomputed over the captured bytes with
// the field zeroed.
TEST_CASE("Checksum reproduces the captures' VRRP checksums") {
  SECTION("VRRPv2: the message alone (RFC 3768 §5.3.8)") {
    for (const char* name :
         {"keepalived-v2-pass", "keepalived-v2-priority0", "keepalived-v2-unicast"}) {
      INFO(name);
      auto v = LoadVector(name);
      CHECK(InternetChecksum(v.payload) == 0);
      std::vector<uint8_t> zeroed = v.payload;
      zeroed[6] = zeroed[7] = 0;
      CHECK(InternetChecksum(zeroed) == HexField(v, "Checksum"));
    }
  }
  SECTION("VRRPv3: pseudo-header + message (RFC 5798 §5.2.8), IPv4 and IPv6") {
    for (const char* name : {"keepalived-v3-ipv4", "keepalived-v3-ipv6"}) {
      INFO(name);
      auto v = LoadVector(name);
      const IpAddress src = *IpAddress::Parse(v.Field("Source Address"));
      const IpAddress dst = *IpAddress::Parse(v.Field("Destination Address"));
      const uint32_t pseudo =
          PseudoHeaderSum(src, dst, kIpProtocolVrrp, static_cast<uint32_t>(v.payload.size()));
      CHECK(ChecksumFinish(ChecksumAdd(pseudo, v.payload)) == 0);
      std::vector<uint8_t> zeroed = v.payload;
      zeroed[6] = zeroed[7] = 0;
      CHECK(ChecksumFinish(ChecksumAdd(pseudo, zeroed)) == HexField(v, "Checksum"));
      // Without the pseudo-header it would not verify: keepalived includes it.
      CHECK(InternetChecksum(v.payload) != 0);
    }
  }
  SECTION("ICMPv6 Neighbor Advertisement (RFC 4443 §2.3)") {
    auto v = LoadVector("keepalived-v3-ipv6-na");
    const IpAddress src = *IpAddress::Parse(v.Field("Source Address"));
    const IpAddress dst = *IpAddress::Parse(v.Field("Destination Address"));
    std::vector<uint8_t> zeroed = v.payload;
    zeroed[2] = zeroed[3] = 0;
    const uint32_t pseudo = PseudoHeaderSum(src, dst, 58, static_cast<uint32_t>(zeroed.size()));
    CHECK(ChecksumFinish(ChecksumAdd(pseudo, zeroed)) == HexField(v, "Checksum"));
  }
  SECTION("IPv4 header checksums of the frames") {
    for (const char* name : {"keepalived-v2-pass", "keepalived-v2-unicast", "keepalived-v3-ipv4",
                             "keepalived-v2-priority0"}) {
      INFO(name);
      auto v = LoadVector(name);
      std::vector<uint8_t> header(v.frame.begin() + 14, v.frame.begin() + 34);
      CHECK(InternetChecksum(header) == 0);
      header[10] = header[11] = 0;
      CHECK(InternetChecksum(header) == HexField(v, "Header Checksum"));
    }
  }
}

}  // namespace
}  // namespace vrrp
