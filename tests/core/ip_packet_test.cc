#include "vrrp/ip_packet.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "support/vectors.h"
#include "vrrp/checksum.h"

namespace vrrp {
namespace {

using testing::FromHex;
using testing::InParens;
using testing::LoadVector;
using testing::Vector;
using Bytes = std::vector<uint8_t>;

Bytes ToBytes(absl::Span<const uint8_t> span) { return Bytes(span.begin(), span.end()); }

Bytes Frame(const Vector& v) { return v.frames.at(static_cast<size_t>(v.frame_number - 1)); }

void Insert(Bytes& bytes, size_t at, const Bytes& what) {
  bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(at), what.begin(), what.end());
}

void Put16(Bytes& bytes, size_t at, size_t value) {
  bytes[at] = static_cast<uint8_t>(value >> 8);
  bytes[at + 1] = static_cast<uint8_t>(value);
}

const char* const kCaptures[] = {"keepalived-v2-pass",    "keepalived-v2-priority0",
                                 "keepalived-v2-unicast", "keepalived-v3-ipv4",
                                 "keepalived-v3-ipv6",    "keepalived-v3-ipv6-na"};

TEST_CASE("ParseEthernet and ParseIpDatagram read the captures as tshark does") {
  for (const char* name : kCaptures) {
    INFO(name);
    auto v = LoadVector(name);
    const Bytes frame = Frame(v);
    REQUIRE(frame == v.frame);

    auto link = ParseEthernet(frame);
    REQUIRE(link.ok());
    CHECK(link->destination.ToString() == InParens(RawField(v, "Destination")));
    CHECK(link->source.ToString() == InParens(RawField(v, "Source")));
    CHECK(link->ether_type == std::stoul(InParens(RawField(v, "Type")), nullptr, 16));

    auto ip = ParseIpDatagram(link->payload);
    REQUIRE(ip.ok());
    CHECK(ip->info.source.ToString() == v.Field("Source Address"));
    CHECK(ip->info.destination.ToString() == v.Field("Destination Address"));
    if (link->ether_type == kEtherTypeIPv4) {
      CHECK(ip->info.source.is_v4());
      CHECK(std::to_string(ip->info.ttl) == v.Field("Time to Live"));
      CHECK(std::to_string(ip->protocol) == InParens(RawField(v, "Protocol")));
    } else {
      CHECK(link->ether_type == kEtherTypeIPv6);
      CHECK(ip->info.source.is_v6());
      CHECK(std::to_string(ip->info.ttl) == v.Field("Hop Limit"));
      CHECK(std::to_string(ip->protocol) == InParens(RawField(v, "Next Header")));
    }
    CHECK(ToBytes(ip->payload) == v.payload);
  }
}

TEST_CASE("ParseEthernet hands an ARP frame over with its EtherType") {
  auto v = LoadVector("keepalived-garp");
  const Bytes frame = Frame(v);
  REQUIRE(frame == v.frame);
  auto link = ParseEthernet(frame);
  REQUIRE(link.ok());
  CHECK(link->ether_type == kEtherTypeArp);
  CHECK(link->destination.ToString() == "ff:ff:ff:ff:ff:ff");
  CHECK(link->source.ToString() == InParens(RawField(v, "Source")));
  CHECK(ToBytes(link->payload) == v.payload);
}

TEST_CASE("ParseEthernet skips 802.1Q and 802.1ad tags") {
  auto v = LoadVector("keepalived-v3-ipv4");
  for (const Bytes& tags :
       {FromHex("81000032"), FromHex("88a8006481000032"), FromHex("9100000a81000032")}) {
    INFO(testing::ToHex(tags));
    Bytes frame = Frame(v);
    // The tags sit between the source MAC and the EtherType (IEEE 802.1Q §9).
    Insert(frame, 12, tags);
    auto link = ParseEthernet(frame);
    REQUIRE(link.ok());
    CHECK(link->ether_type == kEtherTypeIPv4);
    CHECK(link->source.ToString() == "8e:63:25:6d:49:09");
    auto ip = ParseIpDatagram(link->payload);
    REQUIRE(ip.ok());
    CHECK(ToBytes(ip->payload) == v.payload);
    // Cut inside the tags: refused, not read past the end.
    for (size_t n = 14; n < 14 + tags.size(); ++n) {
      INFO("truncated to " << n);
      auto cut = ParseEthernet(absl::MakeConstSpan(frame).subspan(0, n));
      REQUIRE_FALSE(cut.ok());
      CHECK(cut.status().code() == absl::StatusCode::kInvalidArgument);
      CHECK(cut.status().message().find("VLAN") != std::string::npos);
    }
  }
}

TEST_CASE("ParseLinuxSll reads a cooked capture of the same packet") {
  for (const char* name : {"keepalived-v2-pass", "keepalived-v3-ipv6"}) {
    INFO(name);
    auto v = LoadVector(name);
    const Bytes frame = Frame(v);
    // DLT_LINUX_SLL: packet type 2 (multicast), ARPHRD_ETHER, address length 6, the sender's
    // MAC padded to 8, then the protocol: all taken from the Ethernet frame.
    Bytes sll = FromHex("0002 0001 0006");
    sll.insert(sll.end(), frame.begin() + 6, frame.begin() + 12);
    sll.insert(sll.end(), {0, 0});
    sll.insert(sll.end(), frame.begin() + 12, frame.end());
    REQUIRE(sll.size() == frame.size() + 2);

    auto link = ParseLinuxSll(sll);
    REQUIRE(link.ok());
    CHECK(link->source.ToString() == InParens(RawField(v, "Source")));
    CHECK(link->destination == MacAddress());
    CHECK(link->ether_type == std::stoul(InParens(RawField(v, "Type")), nullptr, 16));
    auto ip = ParseIpDatagram(link->payload);
    REQUIRE(ip.ok());
    CHECK(ToBytes(ip->payload) == v.payload);

    // No link-layer address (e.g. a tunnel): the source stays zero.
    Bytes no_addr = sll;
    Put16(no_addr, 4, 0);
    auto bare = ParseLinuxSll(no_addr);
    REQUIRE(bare.ok());
    CHECK(bare->source == MacAddress());

    // A VLAN-tagged protocol in SLL carries the tag after the header.
    Bytes tagged = sll;
    Insert(tagged, 14, FromHex("81000032"));
    auto t = ParseLinuxSll(tagged);
    REQUIRE(t.ok());
    CHECK(ToBytes(t->payload) == ToBytes(link->payload));
    CHECK(t->ether_type == link->ether_type);

    for (size_t n = 0; n < 16; ++n) {
      INFO("truncated to " << n);
      auto cut = ParseLinuxSll(absl::MakeConstSpan(sll).subspan(0, n));
      REQUIRE_FALSE(cut.ok());
      CHECK(cut.status().code() == absl::StatusCode::kInvalidArgument);
    }
  }
}

TEST_CASE("Truncated Ethernet and IP headers are refused at every length") {
  for (const char* name : kCaptures) {
    INFO(name);
    auto v = LoadVector(name);
    const Bytes frame = Frame(v);
    for (size_t n = 0; n < 14; ++n) {
      INFO("Ethernet truncated to " << n);
      auto cut = ParseEthernet(absl::MakeConstSpan(frame).subspan(0, n));
      REQUIRE_FALSE(cut.ok());
      CHECK(cut.status().code() == absl::StatusCode::kInvalidArgument);
    }
    const Bytes packet(frame.begin() + 14, frame.end());
    // Every prefix shorter than the whole datagram is refused: inside the header as truncated,
    // past it because the length field claims more than was captured.
    for (size_t n = 0; n < packet.size(); ++n) {
      INFO("IP truncated to " << n);
      auto cut = ParseIpDatagram(absl::MakeConstSpan(packet).subspan(0, n));
      REQUIRE_FALSE(cut.ok());
      CHECK(cut.status().code() == absl::StatusCode::kInvalidArgument);
      CHECK_FALSE(cut.status().message().empty());
    }
    CHECK(ParseIpDatagram(packet).ok());
  }
}

TEST_CASE("ParseIpDatagram: IPv4 lengths, options and fragments") {
  auto v = LoadVector("keepalived-v3-ipv4");
  const Bytes frame = Frame(v);
  const Bytes packet(frame.begin() + 14, frame.end());
  REQUIRE(packet.size() == 32);

  SECTION("Ethernet padding after the datagram is not payload") {
    Bytes padded = packet;
    padded.resize(46, 0);  // a 60-byte minimum frame
    auto ip = ParseIpDatagram(padded);
    REQUIRE(ip.ok());
    CHECK(ToBytes(ip->payload) == v.payload);
  }
  SECTION("options (IHL > 5) are skipped") {
    Bytes with_options = packet;
    Insert(with_options, 20, FromHex("94040000"));  // Router Alert, RFC 2113
    with_options[0] = 0x46;
    Put16(with_options, 2, 36);
    auto ip = ParseIpDatagram(with_options);
    REQUIRE(ip.ok());
    CHECK(ToBytes(ip->payload) == v.payload);
    CHECK(ip->protocol == kIpProtocolVrrp);
    CHECK(ip->info.source == IpAddress::V4(192, 0, 2, 5));
    // The options cut short.
    for (size_t n = 20; n < 24; ++n) {
      CHECK_FALSE(ParseIpDatagram(absl::MakeConstSpan(with_options).subspan(0, n)).ok());
    }
    // The largest IHL, 60 bytes, longer than the packet.
    with_options[0] = 0x4f;
    auto too_long = ParseIpDatagram(with_options);
    REQUIRE_FALSE(too_long.ok());
    CHECK(too_long.status().message().find("options") != std::string::npos);
  }
  SECTION("IHL below 5 is refused") {
    for (uint8_t ihl = 0; ihl < 5; ++ihl) {
      Bytes bad = packet;
      bad[0] = static_cast<uint8_t>(0x40 | ihl);
      auto ip = ParseIpDatagram(bad);
      REQUIRE_FALSE(ip.ok());
      CHECK(ip.status().message().find("IHL") != std::string::npos);
    }
  }
  SECTION("total length beyond the capture, or inside the header, is refused") {
    Bytes bad = packet;
    Put16(bad, 2, 33);
    auto ip = ParseIpDatagram(bad);
    REQUIRE_FALSE(ip.ok());
    CHECK(ip.status().message().find("total length 33") != std::string::npos);
    Put16(bad, 2, 0xffff);
    CHECK_FALSE(ParseIpDatagram(bad).ok());
    Put16(bad, 2, 19);
    CHECK_FALSE(ParseIpDatagram(bad).ok());
    Put16(bad, 2, 20);  // a header alone: an empty payload
    auto empty = ParseIpDatagram(bad);
    REQUIRE(empty.ok());
    CHECK(empty->payload.empty());
  }
  SECTION("fragments are refused, DF is fine") {
    Bytes df = packet;
    df[6] = 0x40;
    CHECK(ParseIpDatagram(df).ok());
    for (const Bytes& flags :
         {FromHex("2000"), FromHex("0001"), FromHex("1fff"), FromHex("6001")}) {
      INFO(testing::ToHex(flags));
      Bytes frag = packet;
      frag[6] = flags[0];
      frag[7] = flags[1];
      auto ip = ParseIpDatagram(frag);
      REQUIRE_FALSE(ip.ok());
      CHECK(ip.status().message().find("fragment") != std::string::npos);
    }
  }
  SECTION("a version nibble other than 4 or 6 is refused") {
    for (int version : {0, 1, 5, 7, 15}) {
      Bytes bad = packet;
      bad[0] = static_cast<uint8_t>(version << 4 | 5);
      auto ip = ParseIpDatagram(bad);
      REQUIRE_FALSE(ip.ok());
      CHECK(ip.status().message().find("version") != std::string::npos);
    }
    CHECK_FALSE(ParseIpDatagram({}).ok());
  }
}

TEST_CASE("ParseIpDatagram: IPv6 extension headers") {
  auto v = LoadVector("keepalived-v3-ipv6");
  const Bytes frame = Frame(v);
  const Bytes packet(frame.begin() + 14, frame.end());
  REQUIRE(packet.size() == 64);

  // Puts `header` (whose first byte is set to the previous next header) right after the fixed
  // header, and makes the fixed header point at `type`.
  auto with_header = [](Bytes p, uint8_t type, Bytes header) {
    header[0] = p[6];
    p[6] = type;
    Insert(p, 40, header);
    Put16(p, 4, (static_cast<size_t>(p[4]) << 8 | p[5]) + header.size());
    return p;
  };
  // Hop-by-hop with a PadN option (RFC 8200 §4.2, §4.3), 8 bytes.
  const Bytes hop_by_hop = FromHex("0000 0104 00000000");
  // Destination options, 16 bytes (length field 1).
  const Bytes dest_opts = FromHex("0001 010c 000000000000000000000000");

  SECTION("hop-by-hop is skipped") {
    Bytes p = with_header(packet, 0, hop_by_hop);
    auto ip = ParseIpDatagram(p);
    REQUIRE(ip.ok());
    CHECK(ip->protocol == kIpProtocolVrrp);
    CHECK(ToBytes(ip->payload) == v.payload);
    CHECK(ip->info.ttl == 255);
    CHECK(ip->info.destination.ToString() == "ff02::12");
  }
  SECTION("a chain: hop-by-hop, destination options, routing") {
    Bytes p = with_header(packet, 43, FromHex("0000 0000 00000000"));  // routing, 8 bytes
    p = with_header(p, 60, dest_opts);
    p = with_header(p, 0, hop_by_hop);
    auto ip = ParseIpDatagram(p);
    REQUIRE(ip.ok());
    CHECK(ip->protocol == kIpProtocolVrrp);
    CHECK(ToBytes(ip->payload) == v.payload);
    // Cut anywhere (with the payload length kept consistent) and it is refused.
    for (size_t n = 40; n < p.size(); ++n) {
      Bytes cut(p.begin(), p.begin() + static_cast<std::ptrdiff_t>(n));
      Put16(cut, 4, n - 40);
      auto c = ParseIpDatagram(cut);
      if (n - 40 < 32) {
        INFO("cut at " << n);
        CHECK_FALSE(c.ok());
      }
    }
  }
  SECTION("an extension header longer than the payload is refused") {
    Bytes p = with_header(packet, 0, hop_by_hop);
    p[41] = 10;  // claims 88 bytes
    auto ip = ParseIpDatagram(p);
    REQUIRE_FALSE(ip.ok());
    CHECK(ip.status().message().find("extension header") != std::string::npos);
  }
  SECTION("a fragment header is refused") {
    Bytes p = with_header(packet, 44, FromHex("0000 0001 12345678"));
    auto ip = ParseIpDatagram(p);
    REQUIRE_FALSE(ip.ok());
    CHECK(ip.status().message().find("fragment") != std::string::npos);
  }
  SECTION("payload length beyond the capture is refused; trailing bytes are not payload") {
    Bytes p = packet;
    Put16(p, 4, 25);
    auto ip = ParseIpDatagram(p);
    REQUIRE_FALSE(ip.ok());
    CHECK(ip.status().message().find("payload length 25") != std::string::npos);
    Bytes padded = packet;
    padded.resize(packet.size() + 6, 0);
    auto ok = ParseIpDatagram(padded);
    REQUIRE(ok.ok());
    CHECK(ToBytes(ok->payload) == v.payload);
  }
}

TEST_CASE("WriteIpv4Header writes what ParseIpDatagram reads, with a valid checksum") {
  const IpAddress source = IpAddress::V4(192, 0, 2, 5);
  const IpAddress group = IpAddress::V4(224, 0, 0, 18);
  Bytes packet(kIpv4HeaderSize + 4, 0xab);  // the header, then a 4-byte payload
  const Ipv4Header header{.tos = 0xc0,
                          .total_length = static_cast<uint16_t>(packet.size()),
                          .id = 0x1234,
                          .dont_fragment = true,
                          .ttl = 255,
                          .protocol = kIpProtocolVrrp,
                          .source = source,
                          .destination = group};
  REQUIRE(WriteIpv4Header(header, absl::MakeSpan(packet)).ok());
  // version 4, IHL 5; TOS; length; ID; DF; TTL; protocol: RFC 791 §3.1, byte by byte.
  CHECK(Bytes(packet.begin(), packet.begin() + 10) == FromHex("45c0 0018 1234 4000 ff70"));
  // A header with its checksum in sums to zero (RFC 1071).
  CHECK(InternetChecksum(absl::MakeConstSpan(packet.data(), kIpv4HeaderSize)) == 0);
  auto ip = ParseIpDatagram(packet);
  REQUIRE(ip.ok());
  CHECK(ip->protocol == kIpProtocolVrrp);
  CHECK(ip->info.source == source);
  CHECK(ip->info.destination == group);
  CHECK(ip->info.ttl == 255);
  CHECK(ToBytes(ip->payload) == Bytes(4, 0xab));
  // No DF: the flags are all zero.
  Ipv4Header fragmentable = header;
  fragmentable.dont_fragment = false;
  REQUIRE(WriteIpv4Header(fragmentable, absl::MakeSpan(packet)).ok());
  CHECK(packet[6] == 0);
  CHECK(InternetChecksum(absl::MakeConstSpan(packet.data(), kIpv4HeaderSize)) == 0);
}

TEST_CASE("WriteIpv4Header refuses IPv6 addresses and a short buffer, writing nothing") {
  Bytes out(kIpv4HeaderSize, 0xee);
  Ipv4Header header{.source = IpAddress::V4(192, 0, 2, 5),
                    .destination = *IpAddress::Parse("2001:db8::6")};
  absl::Status s = WriteIpv4Header(header, absl::MakeSpan(out));
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK(std::string(s.message()) == "IPv4 header from 192.0.2.5 to 2001:db8::6: not IPv4");
  header.destination = IpAddress::V4(192, 0, 2, 6);
  s = WriteIpv4Header(header, absl::MakeSpan(out).subspan(1));
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK(std::string(s.message()) == "IPv4 header of 20 bytes does not fit in 19");
  CHECK(out == Bytes(kIpv4HeaderSize, 0xee));
}

}  // namespace
}  // namespace vrrp
