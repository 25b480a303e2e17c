// keepalived's auth_type AH (vrrp/ah.h) against keepalived 2.2.7's own packets: the capture
// tests/vectors/keepalived-v2-ah.pcap (two routers, auth_pass 1111) and tshark's decode of it.
// Expected values come from the capture and tshark, never from our encoder.
#include "vrrp/ah.h"

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fmt/format.h"
#include "support/vectors.h"
#include "vrrp/codec.h"
#include "vrrp/endpoint.h"
#include "vrrp/ip_packet.h"
#include "vrrp/router.h"

namespace vrrp {
namespace {

using Bytes = std::vector<uint8_t>;

const IpAddress kR1 = IpAddress::V4(192, 0, 2, 5);
const IpAddress kR2 = IpAddress::V4(192, 0, 2, 6);
const IpAddress kVip = IpAddress::V4(192, 0, 2, 3);
const absl::Time kT0 = absl::FromUnixSeconds(1000);

PassKey Key(const std::string& text) {
  auto key = PassKey::Create(text);
  REQUIRE(key.ok());
  return *key;
}

// One captured frame down to its IPv4 packet: the header, the payload (AH, then VRRP) and the
// metadata, as a raw socket hands them over.
struct AhPacket {
  Bytes ip;  // the whole IPv4 packet
  ReceiveInfo info;
  absl::Span<const uint8_t> payload;

  // info and payload point into `ip`: rebuilt after every change to it.
  void Parse() {
    auto parsed = ParseIpDatagram(ip);
    REQUIRE(parsed.ok());
    info = parsed->info;
    payload = parsed->payload;
  }
};

AhPacket FromFrame(const Bytes& frame) {
  auto link = ParseEthernet(frame);
  REQUIRE(link.ok());
  AhPacket p;
  p.ip.assign(link->payload.begin(), link->payload.end());
  p.Parse();
  REQUIRE(p.info.protocol == kIpProtocolAh);
  return p;
}

// The capture's "AH fields" table (tshark -T fields): frame, source, IP ID, SPI, sequence, ICV,
// priority.
struct Row {
  std::string source, ip_id, spi, icv;
  uint32_t sequence = 0;
  int priority = 0;
};

std::vector<Row> AllPackets() {
  std::ifstream in(std::string(VRRP_VECTORS_DIR) + "/keepalived-v2-ah.txt");
  REQUIRE(in);
  std::vector<Row> rows;
  std::string line;
  bool table = false;
  while (std::getline(in, line)) {
    if (line.rfind("## AH fields", 0) == 0) {
      table = true;
      continue;
    }
    if (line.rfind("## ", 0) == 0) table = false;
    if (!table || line.empty()) continue;
    std::istringstream fields(line);
    int frame = 0;
    Row r;
    fields >> frame >> r.source >> r.ip_id >> r.spi >> r.sequence >> r.icv >> r.priority;
    REQUIRE(fields);
    rows.push_back(r);
  }
  return rows;
}

std::string Hex(absl::Span<const uint8_t> bytes) {
  return testing::ToHex(Bytes(bytes.begin(), bytes.end()));
}

RouterConfig AhRouter(const IpAddress& self, int priority) {
  RouterConfig c;
  c.vrid = 50;
  c.family = Family::kIPv4;
  c.version = Version::kV2;
  c.priority = priority;
  c.advert_interval = Centiseconds(100);
  c.virtual_addresses = {kVip};
  c.primary_address = self;
  c.auth_type = AuthType::kAh;
  c.pass_key = Key("1111");
  return c;
}

DecodeOptions AhOptions(const std::string& pass = "1111") {
  DecodeOptions o;
  o.version = Version::kV2;
  o.auth_type = AuthType::kAh;
  o.pass_key = Key(pass);
  return o;
}

TEST_CASE("AH: every packet keepalived sent verifies with its key, fields as tshark shows") {
  testing::Vector v = testing::LoadVector("keepalived-v2-ah");
  const std::vector<Row> rows = AllPackets();
  REQUIRE(rows.size() == v.frames.size());
  REQUIRE(rows.size() == 18);
  const PassKey key = Key("1111");
  for (size_t i = 0; i < rows.size(); ++i) {
    INFO("frame " << i + 1);
    AhPacket p = FromFrame(v.frames[i]);
    CHECK(fmt::format("{}", p.info.source) == rows[i].source);
    AhReceived got;
    REQUIRE(UnwrapAh(p.info.ip_header, p.payload, &key, false, got) == DropReason::kNone);
    CHECK(fmt::format("0x{:08x}", got.spi) == rows[i].spi);
    CHECK(got.sequence == rows[i].sequence);
    CHECK(Hex(p.payload.subspan(12, kAhIcvSize)) == rows[i].icv);

    Advertisement adv;
    REQUIRE(DecodeAdvertisement(p.payload, p.info, AhOptions(), adv) == DropReason::kNone);
    CHECK(adv.version == Version::kV2);
    CHECK(adv.vrid == 50);
    CHECK(adv.priority == rows[i].priority);
    CHECK(adv.auth_type == AuthType::kAh);
    CHECK(adv.ah_sequence == rows[i].sequence);
    CHECK(adv.addresses == AddressList{kVip});
  }
  // The packet of interest, field by field from tshark -V.
  AhPacket p = FromFrame(v.frames[0]);
  CHECK(testing::InParens(testing::RawField(v, "Next header")) == "112");
  CHECK(v.Field("Length") == "4");
  CHECK(v.Field("AH SPI") == "0xc0000206");
  CHECK(v.Field("AH Sequence") == "1");
  CHECK(Hex(p.payload.subspan(12, kAhIcvSize)) == v.Field("AH ICV"));
  CHECK(testing::InParens(testing::RawField(v, "Auth Type")) == "2");
}

TEST_CASE("AH: WrapInAh rebuilds keepalived's packet to the octet, IP header included") {
  testing::Vector v = testing::LoadVector("keepalived-v2-ah");
  const std::vector<Row> rows = AllPackets();
  for (size_t i : {size_t{0}, size_t{6}, size_t{11}}) {
    INFO("frame " << i + 1);
    const AhPacket p = FromFrame(v.frames[i]);
    AhSend send{.source = p.info.source,
                .destination = p.info.destination,
                .ip_id = static_cast<uint16_t>(std::stoul(rows[i].ip_id, nullptr, 16)),
                .sequence = rows[i].sequence};
    std::array<uint8_t, 200> out;
    auto n = WrapInAh(p.payload.subspan(kAhHeaderSize), send, Key("1111"), absl::MakeSpan(out));
    REQUIRE(n.ok());
    // The capture's header checksum is the kernel's, so it is compared too.
    CHECK(Hex(absl::MakeConstSpan(out.data(), *n)) == Hex(p.ip));
  }
}

TEST_CASE("AH: a router numbers its packets as keepalived does, counting what it heard") {
  testing::Vector v = testing::LoadVector("keepalived-v2-ah");
  std::array<uint8_t, kMaxAdvertisementSize> buf;
  auto written = [&](Router& r, uint8_t priority) {
    auto n = r.WriteAdvertisement(priority, kMulticastGroupV4, absl::MakeSpan(buf));
    REQUIRE(n.ok());
    return Hex(absl::MakeConstSpan(buf.data(), *n));
  };

  SECTION("r2 from its start: IP ID and sequence 1, 2, ...") {
    auto r2 = Router::Create(AhRouter(kR2, 100));
    REQUIRE(r2.ok());
    for (size_t i = 0; i < 5; ++i) {
      INFO("frame " << i + 1);
      CHECK(written(*r2, 100) == Hex(FromFrame(v.frames[i]).ip));
    }
  }
  SECTION("r1 heard r2's 1..5, so its first packet is IP ID 1, sequence 6") {
    auto r1 = Router::Create(AhRouter(kR1, 150));
    REQUIRE(r1.ok());
    Endpoint endpoint(Family::kIPv4);
    REQUIRE(endpoint.Add(1, *r1).ok());
    r1->Start(kT0);
    for (size_t i = 0; i < 5; ++i) {
      AhPacket p = FromFrame(v.frames[i]);
      Delivery d =
          endpoint.OnPacket(kT0 + absl::Seconds(static_cast<int64_t>(i)), p.payload, p.info);
      CHECK(d.reason == DropReason::kNone);
    }
    CHECK(r1->ah_sequence() == 5);
    CHECK(written(*r1, 150) == Hex(FromFrame(v.frames[5]).ip));
    CHECK(r1->ah_sequence() == 6);
  }
}

TEST_CASE("AH: a replayed or old sequence number is dropped and counted") {
  testing::Vector v = testing::LoadVector("keepalived-v2-ah");
  auto r1 = Router::Create(AhRouter(kR1, 150));
  REQUIRE(r1.ok());
  Endpoint endpoint(Family::kIPv4);
  REQUIRE(endpoint.Add(1, *r1).ok());
  r1->Start(kT0);
  auto deliver = [&](size_t frame) {
    AhPacket p = FromFrame(v.frames[frame]);
    return endpoint.OnPacket(kT0, p.payload, p.info).reason;
  };
  CHECK(deliver(2) == DropReason::kNone);  // sequence 3
  CHECK(deliver(2) == DropReason::kAhReplay);
  CHECK(deliver(0) == DropReason::kAhReplay);  // 1: older
  CHECK(deliver(1) == DropReason::kAhReplay);  // 2
  CHECK(deliver(3) == DropReason::kNone);      // 4
  CHECK(r1->stats().drops[DropReason::kAhReplay] == 3);
  CHECK(r1->ah_sequence() == 4);
}

TEST_CASE("AH: each failure is its own drop reason") {
  testing::Vector v = testing::LoadVector("keepalived-v2-ah");
  const AhPacket original = FromFrame(v.frames[0]);
  auto decode = [](AhPacket& p, const DecodeOptions& o) {
    p.Parse();
    Advertisement adv;
    return DecodeAdvertisement(p.payload, p.info, o, adv);
  };
  // Re-signs a changed packet, so a check after the ICV can be reached.
  auto resign = [](AhPacket& p) {
    p.Parse();
    const AhIcv icv = ComputeAhIcv(p.info.ip_header, p.payload, Key("1111"), false);
    std::copy(icv.begin(), icv.end(), p.ip.begin() + kIpv4HeaderSize + 12);
  };

  SECTION("another key") {
    for (const char* pass : {"", "1112", "111", "11110000", "2222"}) {
      INFO("key '" << pass << "'");
      AhPacket p = original;
      CHECK(decode(p, AhOptions(pass)) == DropReason::kAhIcv);
    }
  }
  SECTION("a changed IP ID, address, sequence number or ICV") {
    for (size_t at : {size_t{4}, size_t{5}, size_t{12}, size_t{19}, size_t{20 + 8}, size_t{20 + 11},
                      size_t{20 + 12}, size_t{20 + 23}}) {
      INFO("byte " << at);
      AhPacket p = original;
      p.ip[at] ^= 0x01;
      const DropReason r = decode(p, AhOptions());
      // A changed source also changes the SPI check's other side; the ICV fails first.
      CHECK(r == DropReason::kAhIcv);
    }
  }
  SECTION("the mutable fields are not covered: TOS, flags and fragment offset, checksum") {
    for (auto [at, bit] :
         {std::pair<size_t, uint8_t>{1, 0x20}, {6, 0x40}, {10, 0x01}, {11, 0x80}}) {
      INFO("byte " << at);
      AhPacket p = original;
      p.ip[at] ^= bit;
      CHECK(decode(p, AhOptions()) == DropReason::kNone);
    }
  }
  SECTION("the TTL is covered for multicast, not for unicast") {
    AhPacket p = original;
    p.Parse();
    Bytes header(p.info.ip_header.begin(), p.info.ip_header.end());
    const PassKey key = Key("1111");
    const AhIcv multicast = ComputeAhIcv(header, p.payload, key, false);
    const AhIcv unicast = ComputeAhIcv(header, p.payload, key, true);
    header[8] = 64;
    CHECK(ComputeAhIcv(header, p.payload, key, false) != multicast);
    CHECK(ComputeAhIcv(header, p.payload, key, true) == unicast);
  }
  SECTION("an SPI that is not the source") {
    AhPacket p = original;
    p.ip[kIpv4HeaderSize + 7] ^= 0x01;
    resign(p);
    CHECK(decode(p, AhOptions()) == DropReason::kAhSpi);
  }
  SECTION("short: no room for AH and a VRRP header") {
    for (size_t keep : {size_t{0}, size_t{12}, size_t{24}, size_t{31}}) {
      INFO(keep << " bytes after the IP header");
      AhPacket p = original;
      p.Parse();
      Advertisement adv;
      CHECK(DecodeAdvertisement(p.payload.first(keep), p.info, AhOptions(), adv) ==
            DropReason::kAhShort);
    }
    AhPacket p = original;
    p.Parse();
    p.info.ip_header = {};
    Advertisement adv;
    CHECK(DecodeAdvertisement(p.payload, p.info, AhOptions(), adv) == DropReason::kAhShort);
  }
  SECTION("a next header other than VRRP, or an ICV other than 96 bits") {
    for (auto [at, value] : {std::pair<size_t, uint8_t>{0, 17}, {0, 51}, {1, 3}, {1, 5}}) {
      INFO("AH byte " << at << " = " << int{value});
      AhPacket p = original;
      p.ip[kIpv4HeaderSize + at] = value;
      CHECK(decode(p, AhOptions()) == DropReason::kAhHeader);
    }
  }
  SECTION("AH against a router without it, and plain VRRP against one with it") {
    AhPacket p = original;
    for (AuthType t : {AuthType::kNone, AuthType::kPass}) {
      DecodeOptions o = AhOptions();
      o.auth_type = t;
      CHECK(decode(p, o) == DropReason::kAuthTypeMismatch);
    }
    // The same VRRP message without AH, auth type field still 2: not authenticated, refused.
    p.Parse();
    const Bytes message(p.payload.begin() + kAhHeaderSize, p.payload.end());
    ReceiveInfo plain = p.info;
    plain.protocol = kIpProtocolVrrp;
    plain.ip_header = {};
    Advertisement adv;
    CHECK(DecodeAdvertisement(message, plain, AhOptions(), adv) == DropReason::kAuthTypeMismatch);
    // A tool (no auth configured) reads both.
    DecodeOptions tool = AhOptions();
    tool.auth_type = std::nullopt;
    CHECK(DecodeAdvertisement(message, plain, tool, adv) == DropReason::kNone);
    CHECK(adv.ah_sequence == 0);
    CHECK(DecodeAdvertisement(p.payload, p.info, tool, adv) == DropReason::kNone);
    CHECK(adv.ah_sequence == 1);
  }
  SECTION("the endpoint finds the VRID behind the AH header, and drops what is too short") {
    auto r = Router::Create(AhRouter(kR1, 150));
    REQUIRE(r.ok());
    Endpoint endpoint(Family::kIPv4);
    REQUIRE(endpoint.Add(7, *r).ok());
    AhPacket p = original;
    p.Parse();
    CHECK(endpoint.OnPacket(kT0, p.payload.first(kAhHeaderSize + 7), p.info).reason ==
          DropReason::kTooShort);
    const Delivery d = endpoint.OnPacket(kT0, p.payload, p.info);
    REQUIRE(d.key.has_value());
    CHECK(*d.key == 7u);
  }
}

TEST_CASE("AH: WrapInAh refuses what it cannot sign, writing nothing") {
  const Bytes message(20, 0x11);
  std::array<uint8_t, 100> out;
  out.fill(0xee);
  AhSend send{.source = kR1, .destination = kMulticastGroupV4};
  SECTION("IPv6") {
    send.source = IpAddress::V6({0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
    CHECK(WrapInAh(message, send, Key("k"), absl::MakeSpan(out)).status().code() ==
          absl::StatusCode::kInvalidArgument);
  }
  SECTION("IP ID 0") {
    send.ip_id = 0;
    CHECK(WrapInAh(message, send, Key("k"), absl::MakeSpan(out)).status().code() ==
          absl::StatusCode::kInvalidArgument);
  }
  SECTION("too small a buffer") {
    CHECK(WrapInAh(message, send, Key("k"), absl::MakeSpan(out.data(), 63)).status().code() ==
          absl::StatusCode::kResourceExhausted);
  }
  CHECK(std::all_of(out.begin(), out.end(), [](uint8_t b) { return b == 0xee; }));
}

}  // namespace
}  // namespace vrrp
