#include "vrrp/codec.h"

#include <array>
#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <functional>
#include <new>
#include <random>
#include <string>
#include <vector>

#include "support/vectors.h"
#include "vrrp/checksum.h"
#include "vrrp/ip_packet.h"

// Counts heap allocations so the test can show that decoding into a reused Advertisement with
// up to 4 addresses allocates nothing. Every non-aligned form is replaced, so that no pointer
// from one allocator reaches another's delete (AddressSanitizer replaces them too).
namespace {
std::atomic<long> g_allocations{0};

void* CountedAlloc(std::size_t size) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}

void* CountedAllocOrDie(std::size_t size) {
  void* p = CountedAlloc(size);
  if (p == nullptr) std::abort();
  return p;
}
}  // namespace

void* operator new(std::size_t size) { return CountedAllocOrDie(size); }
void* operator new[](std::size_t size) { return CountedAllocOrDie(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return CountedAlloc(size); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return CountedAlloc(size);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace vrrp {
namespace {

using testing::InParens;
using testing::LoadVector;
using testing::Vector;
using Bytes = std::vector<uint8_t>;

// A capture, parsed down to the VRRP message with the pcap frame and the parsers under test.
struct Capture {
  Vector v;
  Bytes payload;
  ReceiveInfo info;
  Version version = Version::kV3;
};

Capture Load(const std::string& name) {
  Capture c;
  c.v = LoadVector(name);
  const Bytes frame = c.v.frames.at(static_cast<size_t>(c.v.frame_number - 1));
  REQUIRE(frame == c.v.frame);
  auto link = ParseEthernet(frame);
  REQUIRE(link.ok());
  auto ip = ParseIpDatagram(link->payload);
  REQUIRE(ip.ok());
  REQUIRE(ip->protocol == kIpProtocolVrrp);
  c.payload.assign(ip->payload.begin(), ip->payload.end());
  REQUIRE(c.payload == c.v.payload);
  c.info = ip->info;
  c.version = c.payload[0] >> 4 == 2 ? Version::kV2 : Version::kV3;
  return c;
}

PassKey Key(const std::string& text) {
  auto key = PassKey::Create(text);
  REQUIRE(key.ok());
  return *key;
}

// What the router configured for this capture would use: its version, and for v2 the PASS key
// tshark shows.
DecodeOptions OptionsFor(const Capture& c) {
  DecodeOptions o;
  o.version = c.version;
  if (c.version == Version::kV2) {
    o.auth_type = AuthType::kPass;
    o.pass_key = Key(c.v.Field("Authentication String"));
  }
  return o;
}

// The generic checksum functions (tested on their own in checksum_test) as the oracle.
uint32_t PseudoSum(const Bytes& msg, const ReceiveInfo& info) {
  return PseudoHeaderSum(info.source, info.destination, kIpProtocolVrrp,
                         static_cast<uint32_t>(msg.size()));
}

void FixChecksum(Bytes& msg, const ReceiveInfo& info, bool pseudo_header = true) {
  msg[6] = msg[7] = 0;
  const bool v3 = msg[0] >> 4 == 3;
  const uint32_t start = v3 && pseudo_header ? PseudoSum(msg, info) : 0;
  const uint16_t c = ChecksumFinish(ChecksumAdd(start, msg));
  msg[6] = static_cast<uint8_t>(c >> 8);
  msg[7] = static_cast<uint8_t>(c);
}

bool ChecksumVerifies(const Bytes& msg, const ReceiveInfo& info) {
  if (msg[0] >> 4 == 2) return InternetChecksum(msg) == 0;
  if (ChecksumFinish(ChecksumAdd(PseudoSum(msg, info), msg)) == 0) return true;
  return info.source.is_v4() && InternetChecksum(msg) == 0;
}

EncodeOptions Endpoints(const IpAddress& source, const IpAddress& destination) {
  EncodeOptions o;
  o.source = source;
  o.destination = destination;
  return o;
}

DropReason Decode(const Bytes& msg, const ReceiveInfo& info, const DecodeOptions& o) {
  Advertisement adv;
  return DecodeAdvertisement(msg, info, o, adv);
}

const char* const kAdvertCaptures[] = {"keepalived-v2-pass", "keepalived-v2-priority0",
                                       "keepalived-v2-unicast", "keepalived-v3-ipv4",
                                       "keepalived-v3-ipv6"};

TEST_CASE("DecodeAdvertisement reads the keepalived captures as tshark does") {
  for (const char* name : kAdvertCaptures) {
    INFO(name);
    Capture c = Load(name);
    const Vector& v = c.v;
    CHECK(c.info.source.ToString() == v.Field("Source Address"));
    CHECK(c.info.destination.ToString() == v.Field("Destination Address"));
    const bool v6 = c.info.source.is_v6();
    CHECK(std::to_string(c.info.ttl) == v.Field(v6 ? "Hop Limit" : "Time to Live"));

    Advertisement adv;
    REQUIRE(DecodeAdvertisement(c.payload, c.info, OptionsFor(c), adv) == DropReason::kNone);
    CHECK(std::to_string(static_cast<int>(adv.version)) == v.Field("VRRP protocol version"));
    CHECK(InParens(RawField(v, "VRRP packet type")) == "1");
    CHECK(adv.family == (v6 ? Family::kIPv6 : Family::kIPv4));
    CHECK(std::to_string(adv.vrid) == v.Field("Virtual Rtr ID"));
    CHECK(std::to_string(adv.priority) == v.Field("Priority"));
    CHECK(std::to_string(adv.addresses.size()) == v.Field("Addr Count"));
    std::vector<std::string> addresses;
    for (const IpAddress& ip : adv.addresses) {
      CHECK(ip.family() == adv.family);
      addresses.push_back(ip.ToString());
    }
    CHECK(addresses == v.FieldAll(v6 ? "IPv6 Address" : "IP Address"));
    // The checksum is verified, not kept: tshark's value is the one on the wire.
    CHECK(std::stoul(v.Field("Checksum"), nullptr, 16) ==
          static_cast<unsigned long>(c.payload[6] << 8 | c.payload[7]));
    if (adv.version == Version::kV2) {
      // RFC 3768 §5.3.7: v2 counts seconds.
      CHECK(adv.interval == Centiseconds::FromSeconds(std::stoi(v.Field("Adver Int"))));
      CHECK(std::to_string(static_cast<int>(adv.auth_type)) == InParens(RawField(v, "Auth Type")));
      CHECK(adv.auth_type == AuthType::kPass);
      const PassKey key = Key(v.Field("Authentication String"));
      CHECK(Bytes(c.payload.end() - 8, c.payload.end()) ==
            Bytes(key.wire_bytes().begin(), key.wire_bytes().end()));
    } else {
      CHECK(adv.interval == Centiseconds(std::stoi(v.Field("Adver Int"))));
      CHECK(adv.auth_type == AuthType::kNone);
      CHECK(v.Field("Reserved") == "0");
    }

    // A tool that accepts any version and skips the auth checks decodes the same.
    DecodeOptions any;
    any.version = std::nullopt;
    any.auth_type = std::nullopt;
    Advertisement adv2;
    REQUIRE(DecodeAdvertisement(c.payload, c.info, any, adv2) == DropReason::kNone);
    CHECK(adv2 == adv);

    // And back to the same bytes.
    EncodeOptions eo;
    eo.source = c.info.source;
    eo.destination = c.info.destination;
    if (adv.version == Version::kV2) eo.pass_key = Key(v.Field("Authentication String"));
    std::array<uint8_t, kMaxAdvertisementSize> buf{};
    auto n = EncodeAdvertisement(adv, eo, absl::MakeSpan(buf));
    REQUIRE(n.ok());
    CHECK(*n == EncodedSize(adv));
    CHECK(Bytes(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*n)) == c.payload);
  }
}

TEST_CASE("The priority-0 capture decodes as a resignation") {
  Capture c = Load("keepalived-v2-priority0");
  Advertisement adv;
  REQUIRE(DecodeAdvertisement(c.payload, c.info, OptionsFor(c), adv) == DropReason::kNone);
  CHECK(adv.priority == kPriorityResign);
  CHECK(c.info.destination == MulticastGroup(Family::kIPv4));
}

TEST_CASE("Truncated advertisements: too short, then checksum or length") {
  for (const char* name : kAdvertCaptures) {
    INFO(name);
    Capture c = Load(name);
    const DecodeOptions o = OptionsFor(c);
    for (size_t n = 0; n < c.payload.size(); ++n) {
      INFO("truncated to " << n);
      Bytes cut(c.payload.begin(), c.payload.begin() + static_cast<std::ptrdiff_t>(n));
      if (n < kHeaderSize) {
        CHECK(Decode(cut, c.info, o) == DropReason::kTooShort);
        continue;
      }
      // Cutting trailing zeros (v2 auth data) leaves the checksum valid: the oracle says which.
      CHECK(Decode(cut, c.info, o) ==
            (ChecksumVerifies(cut, c.info) ? DropReason::kLength : DropReason::kChecksum));
      FixChecksum(cut, c.info);
      CHECK(Decode(cut, c.info, o) == DropReason::kLength);
    }
    // One byte too many, checksum fixed: also a length error.
    Bytes longer = c.payload;
    longer.push_back(0);
    longer.push_back(0);
    FixChecksum(longer, c.info);
    CHECK(Decode(longer, c.info, o) == DropReason::kLength);
  }
}

TEST_CASE("Every wrong version nibble is a version error") {
  for (const char* name : kAdvertCaptures) {
    INFO(name);
    Capture c = Load(name);
    const DecodeOptions o = OptionsFor(c);
    for (int nibble = 0; nibble < 16; ++nibble) {
      INFO("version " << nibble);
      Bytes msg = c.payload;
      msg[0] = static_cast<uint8_t>(nibble << 4 | (msg[0] & 0x0f));
      FixChecksum(msg, c.info);
      if (nibble == static_cast<int>(c.version)) {
        CHECK(Decode(msg, c.info, o) == DropReason::kNone);
        continue;
      }
      CHECK(Decode(msg, c.info, o) == DropReason::kVersion);
      // Accepting any version still refuses what is neither 2 nor 3; 2 and 3 pass the version
      // check and fail later (the lengths differ between the versions).
      DecodeOptions any = o;
      any.version = std::nullopt;
      const DropReason r = Decode(msg, c.info, any);
      if (nibble == 2 && c.info.source.is_v6()) {
        CHECK(r == DropReason::kVersion);
      } else if (nibble == 2 || nibble == 3) {
        CHECK(r != DropReason::kVersion);
        CHECK(r != DropReason::kNone);
      } else {
        CHECK(r == DropReason::kVersion);
      }
    }
  }
}

TEST_CASE("VRRPv2 over IPv6 is a version error") {
  Capture v2 = Load("keepalived-v2-pass");
  Capture v6 = Load("keepalived-v3-ipv6");
  DecodeOptions o = OptionsFor(v2);
  CHECK(Decode(v2.payload, v6.info, o) == DropReason::kVersion);
  o.version = std::nullopt;
  o.auth_type = std::nullopt;
  CHECK(Decode(v2.payload, v6.info, o) == DropReason::kVersion);
}

TEST_CASE("Every type but 1 (Advertisement) is a type error") {
  for (const char* name : kAdvertCaptures) {
    INFO(name);
    Capture c = Load(name);
    for (int type = 0; type < 16; ++type) {
      if (type == 1) continue;
      INFO("type " << type);
      Bytes msg = c.payload;
      msg[0] = static_cast<uint8_t>((msg[0] & 0xf0) | type);
      CHECK(Decode(msg, c.info, OptionsFor(c)) == DropReason::kType);
      FixChecksum(msg, c.info);
      CHECK(Decode(msg, c.info, OptionsFor(c)) == DropReason::kType);
    }
  }
}

TEST_CASE("One flipped bit anywhere fails the checksum") {
  for (const char* name : kAdvertCaptures) {
    INFO(name);
    Capture c = Load(name);
    const DecodeOptions o = OptionsFor(c);
    for (size_t byte = 0; byte < c.payload.size(); ++byte) {
      for (int bit = 0; bit < 8; ++bit) {
        INFO("byte " << byte << " bit " << bit);
        Bytes msg = c.payload;
        msg[byte] = static_cast<uint8_t>(msg[byte] ^ (1 << bit));
        // The first byte holds version and type, which are checked before the checksum.
        const DropReason expected = byte > 0   ? DropReason::kChecksum
                                    : bit >= 4 ? DropReason::kVersion
                                               : DropReason::kType;
        CHECK(Decode(msg, c.info, o) == expected);
      }
    }
    if (c.version == Version::kV3) {
      // v3 covers the pseudo-header: a flipped bit in either address fails too.
      for (int which = 0; which < 2; ++which) {
        ReceiveInfo info = c.info;
        IpAddress& ip = which == 0 ? info.source : info.destination;
        Bytes raw(ip.bytes().begin(), ip.bytes().end());
        raw.back() ^= 0x01;
        ip = *IpAddress::FromBytes(raw);
        CHECK(Decode(c.payload, info, o) == DropReason::kChecksum);
      }
    } else {
      // v2 does not: the same message from another address still verifies.
      ReceiveInfo info = c.info;
      info.source = IpAddress::V4(198, 51, 100, 7);
      CHECK(Decode(c.payload, info, o) == DropReason::kNone);
    }
  }
}

TEST_CASE("The address count must match the length exactly") {
  for (const char* name : kAdvertCaptures) {
    INFO(name);
    Capture c = Load(name);
    const DecodeOptions o = OptionsFor(c);
    for (int count : {0, 2, 3, 4, 16, 255}) {
      INFO("count " << count);
      Bytes msg = c.payload;
      msg[3] = static_cast<uint8_t>(count);
      CHECK(Decode(msg, c.info, o) == DropReason::kChecksum);  // not fixed up yet
      FixChecksum(msg, c.info);
      CHECK(Decode(msg, c.info, o) == DropReason::kLength);
    }
    // Count 0 with no addresses is well-formed as far as the codec goes.
    const size_t address_size = c.info.source.is_v4() ? 4 : 16;
    Bytes empty = c.payload;
    empty.erase(empty.begin() + 8, empty.begin() + 8 + static_cast<std::ptrdiff_t>(address_size));
    empty[3] = 0;
    FixChecksum(empty, c.info);
    Advertisement adv;
    adv.addresses.push_back(IpAddress::V4(192, 0, 2, 99));  // stale, must go
    REQUIRE(DecodeAdvertisement(empty, c.info, o, adv) == DropReason::kNone);
    CHECK(adv.addresses.empty());
  }
}

TEST_CASE("TTL / hop limit other than 255 is refused (RFC 5798 §7.1)") {
  for (const char* name : kAdvertCaptures) {
    INFO(name);
    Capture c = Load(name);
    for (int ttl : {254, 128, 64, 1, 0}) {
      INFO("ttl " << ttl);
      ReceiveInfo info = c.info;
      info.ttl = static_cast<uint8_t>(ttl);
      CHECK(Decode(c.payload, info, OptionsFor(c)) == DropReason::kTtl);
    }
  }
}

TEST_CASE("VRRPv2 authentication: type, mismatch, key") {
  Capture c = Load("keepalived-v2-pass");
  const DecodeOptions pass = OptionsFor(c);
  // The same advert with auth type 0 and zero auth data, as RFC 3768 §5.3.10 has it.
  Bytes none = c.payload;
  none[4] = 0;
  std::fill(none.end() - 8, none.end(), uint8_t{0});
  FixChecksum(none, c.info);
  DecodeOptions no_auth;
  no_auth.version = Version::kV2;
  no_auth.auth_type = AuthType::kNone;

  SECTION("matching configurations accept") {
    Advertisement adv;
    CHECK(DecodeAdvertisement(c.payload, c.info, pass, adv) == DropReason::kNone);
    CHECK(adv.auth_type == AuthType::kPass);
    CHECK(DecodeAdvertisement(none, c.info, no_auth, adv) == DropReason::kNone);
    CHECK(adv.auth_type == AuthType::kNone);
  }
  SECTION("a mismatch either way") {
    CHECK(Decode(c.payload, c.info, no_auth) == DropReason::kAuthTypeMismatch);
    CHECK(Decode(none, c.info, pass) == DropReason::kAuthTypeMismatch);
    DecodeOptions ah = pass;
    ah.auth_type = AuthType::kAh;
    CHECK(Decode(c.payload, c.info, ah) == DropReason::kAuthTypeMismatch);
  }
  SECTION("an auth type beyond 2 is invalid, whatever is configured") {
    for (int type : {3, 4, 0x80, 255}) {
      INFO("auth type " << type);
      Bytes msg = c.payload;
      msg[4] = static_cast<uint8_t>(type);
      CHECK(Decode(msg, c.info, pass) == DropReason::kChecksum);
      FixChecksum(msg, c.info);
      CHECK(Decode(msg, c.info, pass) == DropReason::kInvalidAuthType);
      CHECK(Decode(msg, c.info, no_auth) == DropReason::kInvalidAuthType);
      DecodeOptions tool = pass;
      tool.auth_type = std::nullopt;
      CHECK(Decode(msg, c.info, tool) == DropReason::kInvalidAuthType);
    }
  }
  SECTION("a wrong key fails") {
    for (const char* key : {"", "1112", "11111", "111", "2111", "11110000"}) {
      INFO("key '" << key << "'");
      DecodeOptions o = pass;
      o.pass_key = Key(key);
      CHECK(Decode(c.payload, c.info, o) == DropReason::kAuthFailure);
    }
    // A tool that skips auth accepts it with any key.
    DecodeOptions tool = pass;
    tool.auth_type = std::nullopt;
    tool.pass_key = Key("nope");
    CHECK(Decode(c.payload, c.info, tool) == DropReason::kNone);
  }
  SECTION("a received key that differs in the padding fails") {
    Bytes msg = c.payload;
    msg.back() = 'x';
    FixChecksum(msg, c.info);
    CHECK(Decode(msg, c.info, pass) == DropReason::kAuthFailure);
  }
  SECTION("auth data is not checked for type 0") {
    Bytes msg = none;
    msg.back() = 0x55;
    FixChecksum(msg, c.info);
    CHECK(Decode(msg, c.info, no_auth) == DropReason::kNone);
  }
}

TEST_CASE("VRRPv3 over IPv4 without the pseudo-header: accepted unless switched off") {
  Capture c = Load("keepalived-v3-ipv4");
  Bytes without = c.payload;
  FixChecksum(without, c.info, /*pseudo_header=*/false);
  REQUIRE(without != c.payload);
  CHECK(InternetChecksum(without) == 0);

  DecodeOptions o = OptionsFor(c);
  Advertisement a1, a2;
  REQUIRE(DecodeAdvertisement(without, c.info, o, a1) == DropReason::kNone);
  REQUIRE(DecodeAdvertisement(c.payload, c.info, o, a2) == DropReason::kNone);
  CHECK(a1 == a2);

  o.accept_v3_ipv4_without_pseudo_header = false;
  CHECK(Decode(without, c.info, o) == DropReason::kChecksum);
  CHECK(Decode(c.payload, c.info, o) == DropReason::kNone);

  // And the encoder writes that form when told to.
  EncodeOptions eo;
  eo.v3_ipv4_pseudo_header = false;  // source / destination then do not matter
  std::array<uint8_t, 64> buf{};
  auto n = EncodeAdvertisement(a1, eo, absl::MakeSpan(buf));
  REQUIRE(n.ok());
  CHECK(Bytes(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*n)) == without);
}

TEST_CASE("VRRPv3 over IPv6 always includes the pseudo-header") {
  Capture c = Load("keepalived-v3-ipv6");
  Bytes without = c.payload;
  FixChecksum(without, c.info, /*pseudo_header=*/false);
  DecodeOptions o = OptionsFor(c);
  CHECK(o.accept_v3_ipv4_without_pseudo_header);
  CHECK(Decode(without, c.info, o) == DropReason::kChecksum);
}

TEST_CASE("VRRPv3 interval: 12 bits, reserved bits ignored on receive and zero on send") {
  Capture c = Load("keepalived-v3-ipv4");
  Bytes msg = c.payload;
  msg[4] = static_cast<uint8_t>(0xf0 | msg[4]);
  FixChecksum(msg, c.info);
  Advertisement adv;
  REQUIRE(DecodeAdvertisement(msg, c.info, OptionsFor(c), adv) == DropReason::kNone);
  CHECK(adv.interval == Centiseconds(100));
  // The largest: 0xfff cs.
  msg[4] = 0xff;
  msg[5] = 0xff;
  FixChecksum(msg, c.info);
  REQUIRE(DecodeAdvertisement(msg, c.info, OptionsFor(c), adv) == DropReason::kNone);
  CHECK(adv.interval == Centiseconds(4095));
  const EncodeOptions eo = Endpoints(c.info.source, c.info.destination);
  std::array<uint8_t, 64> buf{};
  auto n = EncodeAdvertisement(adv, eo, absl::MakeSpan(buf));
  REQUIRE(n.ok());
  CHECK(buf[4] == 0x0f);
  CHECK(buf[5] == 0xff);
  // Zero is the state machine's business, not the codec's.
  msg[4] = msg[5] = 0;
  FixChecksum(msg, c.info);
  REQUIRE(DecodeAdvertisement(msg, c.info, OptionsFor(c), adv) == DropReason::kNone);
  CHECK(adv.interval == Centiseconds(0));
}

TEST_CASE("VRRPv2 interval: seconds, times 100") {
  Capture c = Load("keepalived-v2-pass");
  Bytes msg = c.payload;
  msg[5] = 255;
  FixChecksum(msg, c.info);
  Advertisement adv;
  REQUIRE(DecodeAdvertisement(msg, c.info, OptionsFor(c), adv) == DropReason::kNone);
  CHECK(adv.interval == Centiseconds(25500));
}

TEST_CASE("With two faults, the one checked first is reported") {
  Capture c = Load("keepalived-v2-pass");
  Capture c6 = Load("keepalived-v3-ipv6");
  const DecodeOptions pass = OptionsFor(c);
  struct Case {
    const char* what;
    std::function<void(Bytes&, ReceiveInfo&, DecodeOptions&)> mutate;
    DropReason expected;
  };
  const std::vector<Case> cases = {
      {"too short and version 3",
       [](Bytes& m, ReceiveInfo&, DecodeOptions&) {
         m.resize(7);
         m[0] = 0x31;
       },
       DropReason::kTooShort},
      {"version and type", [](Bytes& m, ReceiveInfo&, DecodeOptions&) { m[0] = 0x32; },
       DropReason::kVersion},
      {"v2 over IPv6 and bad checksum",
       [&](Bytes& m, ReceiveInfo& i, DecodeOptions&) {
         i = c6.info;
         m[1] ^= 1;
       },
       DropReason::kVersion},
      {"type and checksum", [](Bytes& m, ReceiveInfo&, DecodeOptions&) { m[0] = 0x22; },
       DropReason::kType},
      {"checksum and length", [](Bytes& m, ReceiveInfo&, DecodeOptions&) { m[3] = 2; },
       DropReason::kChecksum},
      {"checksum and TTL",
       [](Bytes& m, ReceiveInfo& i, DecodeOptions&) {
         m[1] ^= 1;
         i.ttl = 1;
       },
       DropReason::kChecksum},
      {"length and TTL",
       [&](Bytes& m, ReceiveInfo& i, DecodeOptions&) {
         m[3] = 2;
         FixChecksum(m, i);
         i.ttl = 254;
       },
       DropReason::kLength},
      {"TTL and invalid auth type",
       [&](Bytes& m, ReceiveInfo& i, DecodeOptions&) {
         m[4] = 3;
         FixChecksum(m, i);
         i.ttl = 0;
       },
       DropReason::kTtl},
      {"TTL and wrong key",
       [](Bytes&, ReceiveInfo& i, DecodeOptions& o) {
         i.ttl = 254;
         o.pass_key = Key("2222");
       },
       DropReason::kTtl},
      {"invalid auth type and wrong key",
       [&](Bytes& m, ReceiveInfo& i, DecodeOptions& o) {
         m[4] = 3;
         FixChecksum(m, i);
         o.pass_key = Key("2222");
       },
       DropReason::kInvalidAuthType},
      {"auth type mismatch and wrong key",
       [](Bytes&, ReceiveInfo&, DecodeOptions& o) {
         o.auth_type = AuthType::kNone;
         o.pass_key = Key("2222");
       },
       DropReason::kAuthTypeMismatch},
  };
  for (const Case& k : cases) {
    INFO(k.what);
    Bytes msg = c.payload;
    ReceiveInfo info = c.info;
    DecodeOptions o = pass;
    k.mutate(msg, info, o);
    CHECK(Decode(msg, info, o) == k.expected);
  }
}

// Random valid advertisements of every shape, for the round trip.
struct Generated {
  Advertisement adv;
  EncodeOptions encode;
};

IpAddress RandomAddress(std::mt19937& rng, Family family) {
  std::uniform_int_distribution<int> byte(0, 255);
  std::array<uint8_t, 16> raw{};
  for (uint8_t& b : raw) b = static_cast<uint8_t>(byte(rng));
  return family == Family::kIPv4 ? IpAddress::FromV4Bytes(raw.data())
                                 : IpAddress::FromV6Bytes(raw.data());
}

Generated RandomAdvertisement(std::mt19937& rng) {
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  Generated g;
  Advertisement& a = g.adv;
  a.version = uniform(0, 1) ? Version::kV2 : Version::kV3;
  a.family = a.version == Version::kV2 || uniform(0, 1) ? Family::kIPv4 : Family::kIPv6;
  a.vrid = static_cast<uint8_t>(uniform(0, 255));
  a.priority = static_cast<uint8_t>(uniform(0, 255));
  const int count = uniform(0, 3) ? uniform(0, 8) : uniform(0, 255);
  for (int i = 0; i < count; ++i) a.addresses.push_back(RandomAddress(rng, a.family));
  if (a.version == Version::kV2) {
    a.interval = Centiseconds::FromSeconds(uniform(1, 255));
    a.auth_type = uniform(0, 1) ? AuthType::kPass : AuthType::kNone;
    std::string key(static_cast<size_t>(uniform(0, 8)), '\0');
    for (char& ch : key) ch = static_cast<char>(uniform(0, 255));
    g.encode.pass_key = Key(key);
  } else {
    a.interval = Centiseconds(uniform(1, 4095));
    a.auth_type = AuthType::kNone;
  }
  g.encode.source = RandomAddress(rng, a.family);
  g.encode.destination = uniform(0, 1) ? MulticastGroup(a.family) : RandomAddress(rng, a.family);
  g.encode.v3_ipv4_pseudo_header = uniform(0, 3) != 0;
  return g;
}

TEST_CASE("Round trip: decode(encode(x)) == x for random valid advertisements") {
  std::mt19937 rng(5798);
  std::array<uint8_t, kMaxAdvertisementSize> buf{};
  Advertisement decoded;  // reused, as a receive loop would
  int v2 = 0, v3v4 = 0, v3v6 = 0, long_lists = 0;
  for (int iteration = 0; iteration < 4000; ++iteration) {
    const Generated g = RandomAdvertisement(rng);
    const Advertisement& a = g.adv;
    INFO("iteration " << iteration);
    auto n = EncodeAdvertisement(a, g.encode, absl::MakeSpan(buf));
    REQUIRE(n.ok());
    REQUIRE(*n == EncodedSize(a));
    const Bytes wire(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*n));

    ReceiveInfo info;
    info.source = g.encode.source;
    info.destination = g.encode.destination;
    const bool pseudo =
        a.version == Version::kV3 && (a.family == Family::kIPv6 || g.encode.v3_ipv4_pseudo_header);
    // The checksum verifies by the generic functions, independently of the decoder.
    const uint32_t start = pseudo ? PseudoSum(wire, info) : 0;
    REQUIRE(ChecksumFinish(ChecksumAdd(start, wire)) == 0);
    // The RFC layouts' fixed fields.
    REQUIRE(wire[0] == (a.version == Version::kV2 ? 0x21 : 0x31));
    REQUIRE(wire[1] == a.vrid);
    REQUIRE(wire[2] == a.priority);
    REQUIRE(wire[3] == a.addresses.size());

    DecodeOptions o;
    o.version = a.version;
    o.auth_type = a.auth_type;
    o.pass_key = g.encode.pass_key;
    REQUIRE(DecodeAdvertisement(wire, info, o, decoded) == DropReason::kNone);
    REQUIRE(decoded == a);

    if (a.version == Version::kV3 && a.family == Family::kIPv4) {
      ++v3v4;
      // Strict receivers take only the pseudo-header form (unless, by a 1-in-65535 chance, the
      // pseudo-header sums to zero and both forms are the same bytes).
      o.accept_v3_ipv4_without_pseudo_header = false;
      if (ChecksumFinish(PseudoSum(wire, info)) != 0xffff &&
          ChecksumFinish(PseudoSum(wire, info)) != 0) {
        REQUIRE(DecodeAdvertisement(wire, info, o, decoded) ==
                (pseudo ? DropReason::kNone : DropReason::kChecksum));
      }
    } else if (a.version == Version::kV3) {
      ++v3v6;
    } else {
      ++v2;
    }
    if (a.addresses.size() > 8) ++long_lists;
  }
  // The generator covered every shape.
  CHECK(v2 > 1000);
  CHECK(v3v4 > 500);
  CHECK(v3v6 > 500);
  CHECK(long_lists > 500);
}

TEST_CASE("Decoding into a reused Advertisement does not allocate for up to 4 addresses") {
  Capture c = Load("keepalived-v3-ipv6");
  // Four addresses in the capture's advert.
  Bytes msg(c.payload.begin(), c.payload.begin() + 8);
  for (int i = 0; i < 4; ++i) {
    msg.insert(msg.end(), c.payload.begin() + 8, c.payload.end());
    msg.back() = static_cast<uint8_t>(i);
  }
  msg[3] = 4;
  FixChecksum(msg, c.info);
  const DecodeOptions o = OptionsFor(c);
  Advertisement adv;
  const long before = g_allocations.load();
  for (int i = 0; i < 100; ++i) {
    REQUIRE(DecodeAdvertisement(msg, c.info, o, adv) == DropReason::kNone);
    REQUIRE(DecodeAdvertisement(c.payload, c.info, o, adv) == DropReason::kNone);
  }
  CHECK(g_allocations.load() == before);
  CHECK(adv.addresses.size() == 1);

  // Longer lists grow once, then keep their capacity when a shorter list comes.
  Bytes many(c.payload.begin(), c.payload.begin() + 8);
  for (int i = 0; i < 16; ++i) many.insert(many.end(), c.payload.begin() + 8, c.payload.end());
  many[3] = 16;
  FixChecksum(many, c.info);
  REQUIRE(DecodeAdvertisement(many, c.info, o, adv) == DropReason::kNone);
  CHECK(adv.addresses.size() == 16);
  const long grown = g_allocations.load();
  for (int i = 0; i < 100; ++i) {
    REQUIRE(DecodeAdvertisement(c.payload, c.info, o, adv) == DropReason::kNone);
    REQUIRE(DecodeAdvertisement(many, c.info, o, adv) == DropReason::kNone);
  }
  CHECK(g_allocations.load() == grown);
}

// A valid advertisement of each kind, for the refusal tests.
Advertisement ValidV3() {
  Advertisement a;
  a.version = Version::kV3;
  a.family = Family::kIPv4;
  a.vrid = 50;
  a.priority = 150;
  a.interval = Centiseconds(100);
  a.addresses.push_back(IpAddress::V4(192, 0, 2, 3));
  return a;
}

EncodeOptions V4Options() { return Endpoints(IpAddress::V4(192, 0, 2, 5), kMulticastGroupV4); }

TEST_CASE("EncodeAdvertisement refuses what the wire cannot carry, writing nothing") {
  struct Refusal {
    const char* what;
    std::function<void(Advertisement&, EncodeOptions&)> mutate;
    absl::StatusCode code;
    const char* names;  // the message names this
  };
  const IpAddress v6 = *IpAddress::Parse("2001:db8::3");
  const std::vector<Refusal> refusals = {
      {"v2 with IPv6",
       [&](Advertisement& a, EncodeOptions&) {
         a.version = Version::kV2;
         a.family = Family::kIPv6;
         a.interval = Centiseconds(100);
         a.addresses = {v6};
       },
       absl::StatusCode::kInvalidArgument, "IPv6"},
      {"an IPv6 address in an IPv4 advert",
       [&](Advertisement& a, EncodeOptions&) { a.addresses.push_back(v6); },
       absl::StatusCode::kInvalidArgument, "addresses[1]"},
      {"an IPv4 address in an IPv6 advert",
       [&](Advertisement& a, EncodeOptions& o) {
         a.family = Family::kIPv6;
         o.source = *IpAddress::Parse("fe80::1");
         o.destination = MulticastGroup(Family::kIPv6);
       },
       absl::StatusCode::kInvalidArgument, "addresses[0]"},
      {"256 addresses",
       [](Advertisement& a, EncodeOptions&) {
         a.addresses.assign(256, IpAddress::V4(192, 0, 2, 3));
       },
       absl::StatusCode::kInvalidArgument, "addresses"},
      {"v2 interval of 150 cs",
       [](Advertisement& a, EncodeOptions&) {
         a.version = Version::kV2;
         a.interval = Centiseconds(150);
       },
       absl::StatusCode::kInvalidArgument, "interval"},
      {"v2 interval of 0",
       [](Advertisement& a, EncodeOptions&) {
         a.version = Version::kV2;
         a.interval = Centiseconds(0);
       },
       absl::StatusCode::kInvalidArgument, "interval"},
      {"v2 interval of 256 s",
       [](Advertisement& a, EncodeOptions&) {
         a.version = Version::kV2;
         a.interval = Centiseconds::FromSeconds(256);
       },
       absl::StatusCode::kInvalidArgument, "interval"},
      {"v3 interval of 0", [](Advertisement& a, EncodeOptions&) { a.interval = Centiseconds(0); },
       absl::StatusCode::kInvalidArgument, "interval"},
      {"v3 interval of 4096 cs",
       [](Advertisement& a, EncodeOptions&) { a.interval = Centiseconds(4096); },
       absl::StatusCode::kInvalidArgument, "interval"},
      {"v3 interval negative",
       [](Advertisement& a, EncodeOptions&) { a.interval = Centiseconds(-100); },
       absl::StatusCode::kInvalidArgument, "interval"},
      {"v3 with PASS", [](Advertisement& a, EncodeOptions&) { a.auth_type = AuthType::kPass; },
       absl::StatusCode::kInvalidArgument, "auth_type"},
      {"v2 with an unknown auth type",
       [](Advertisement& a, EncodeOptions&) {
         a.version = Version::kV2;
         a.auth_type = static_cast<AuthType>(3);
       },
       absl::StatusCode::kInvalidArgument, "auth_type"},
      {"an unknown version",
       [](Advertisement& a, EncodeOptions&) { a.version = static_cast<Version>(4); },
       absl::StatusCode::kInvalidArgument, "version"},
      {"v3 IPv6 with an IPv4 pseudo-header source",
       [&](Advertisement& a, EncodeOptions& o) {
         a.family = Family::kIPv6;
         a.addresses = {v6};
         o.destination = MulticastGroup(Family::kIPv6);
       },
       absl::StatusCode::kInvalidArgument, "options.source"},
      {"v3 IPv4 with an IPv6 pseudo-header destination",
       [](Advertisement&, EncodeOptions& o) { o.destination = MulticastGroup(Family::kIPv6); },
       absl::StatusCode::kInvalidArgument, "options.destination"},
  };
  for (const Refusal& r : refusals) {
    INFO(r.what);
    Advertisement a = ValidV3();
    EncodeOptions o = V4Options();
    r.mutate(a, o);
    std::array<uint8_t, kMaxAdvertisementSize + 64> buf;
    buf.fill(0xaa);
    auto n = EncodeAdvertisement(a, o, absl::MakeSpan(buf));
    REQUIRE_FALSE(n.ok());
    CHECK(n.status().code() == r.code);
    CHECK_THAT(std::string(n.status().message()), Catch::Contains(r.names));
    CHECK(std::all_of(buf.begin(), buf.end(), [](uint8_t b) { return b == 0xaa; }));
  }
}

TEST_CASE("EncodeAdvertisement needs room for the whole advertisement") {
  Advertisement a = ValidV3();
  for (size_t count : {size_t{0}, size_t{1}, size_t{255}}) {
    a.addresses.assign(count, IpAddress::V4(192, 0, 2, 3));
    const size_t need = EncodedSize(a);
    CHECK(need == 8 + 4 * count);
    std::vector<uint8_t> buf(need - 1, 0xaa);
    auto n = EncodeAdvertisement(a, V4Options(), absl::MakeSpan(buf));
    REQUIRE_FALSE(n.ok());
    CHECK(n.status().code() == absl::StatusCode::kResourceExhausted);
    CHECK(std::all_of(buf.begin(), buf.end(), [](uint8_t b) { return b == 0xaa; }));
    buf.resize(need);
    n = EncodeAdvertisement(a, V4Options(), absl::MakeSpan(buf));
    REQUIRE(n.ok());
    CHECK(*n == need);
  }
  // The largest advertisement fits the documented buffer exactly.
  a.family = Family::kIPv6;
  a.addresses.assign(255, *IpAddress::Parse("2001:db8::3"));
  CHECK(EncodedSize(a) == kMaxAdvertisementSize);
  std::array<uint8_t, kMaxAdvertisementSize> buf{};
  const EncodeOptions o = Endpoints(*IpAddress::Parse("fe80::1"), MulticastGroup(Family::kIPv6));
  auto n = EncodeAdvertisement(a, o, absl::MakeSpan(buf));
  REQUIRE(n.ok());
  CHECK(*n == kMaxAdvertisementSize);
}

TEST_CASE("EncodeAdvertisement writes the RFC 3768 §5.1 layout for v2 without auth") {
  Advertisement a;
  a.version = Version::kV2;
  a.vrid = 7;
  a.priority = 200;
  a.interval = Centiseconds::FromSeconds(3);
  a.auth_type = AuthType::kNone;
  a.addresses = {IpAddress::V4(192, 0, 2, 1), IpAddress::V4(198, 51, 100, 2)};
  EncodeOptions o;
  o.pass_key = Key("ignored");  // only written with PASS
  // Version 2 | type 1, VRID, priority, count, auth type, interval (s), checksum, addresses,
  // 8 bytes of zero auth data (RFC 3768 §5.3.10).
  Bytes expected = testing::FromHex("21 07 c8 02 00 03 0000 c0000201 c6336402 0000000000000000");
  const uint16_t c = InternetChecksum(expected);
  expected[6] = static_cast<uint8_t>(c >> 8);
  expected[7] = static_cast<uint8_t>(c);
  std::array<uint8_t, 64> buf;
  buf.fill(0xaa);  // every byte must be written, the zeros too
  auto n = EncodeAdvertisement(a, o, absl::MakeSpan(buf));
  REQUIRE(n.ok());
  CHECK(Bytes(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*n)) == expected);
}

TEST_CASE("MulticastGroup and EncodedSize") {
  CHECK(MulticastGroup(Family::kIPv4).ToString() == "224.0.0.18");
  CHECK(MulticastGroup(Family::kIPv6).ToString() == "ff02::12");
  CHECK(MulticastGroup(Family::kIPv6).IsMulticast());
  Advertisement a;
  a.version = Version::kV2;
  a.addresses.resize(3);
  CHECK(EncodedSize(a) == 8 + 12 + 8);
  a.version = Version::kV3;
  CHECK(EncodedSize(a) == 8 + 12);
  a.family = Family::kIPv6;
  CHECK(EncodedSize(a) == 8 + 48);
}

}  // namespace
}  // namespace vrrp
