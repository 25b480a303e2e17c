// vrrp-dump's packet formatting against the keepalived captures: expected values come from
// tshark's decode of each capture (tests/vectors/*.txt), never from our own encoder.
#include "format.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "support/vectors.h"
#include "vrrp/ip_packet.h"

namespace vrrp_dump {
namespace {

using Catch::Matchers::Contains;
using vrrp::testing::LoadVector;
using vrrp::testing::Vector;

// tshark's "Epoch Time: 1795956747.898184000 seconds" as a capture timestamp.
Timestamp EpochOf(const Vector& v) {
  const std::string epoch = v.Field("Epoch Time");
  const size_t dot = epoch.find('.');
  REQUIRE(dot != std::string::npos);
  return Timestamp{std::stoll(epoch.substr(0, dot)), std::stoi(epoch.substr(dot + 1, 6))};
}

// "Nov 29, 2026 12:52:27.898184000 UTC" -> "12:52:27.898184".
std::string ClockOf(const Vector& v) {
  const std::string arrival = v.Field("Arrival Time");
  const size_t colon = arrival.find(':');
  REQUIRE(colon != std::string::npos);
  return arrival.substr(colon - 2, 15);
}

// The packet of interest, through the same parsers vrrp-dump uses.
Summary SummarizeVector(const Vector& v, const vrrp::DecodeOptions& options,
                        std::vector<uint8_t>* payload_override = nullptr,
                        std::optional<uint8_t> ttl = std::nullopt) {
  const std::vector<uint8_t>& frame = v.frames[static_cast<size_t>(v.frame_number - 1)];
  auto link = vrrp::ParseEthernet(frame);
  REQUIRE(link.ok());
  auto ip = vrrp::ParseIpDatagram(link->payload);
  REQUIRE(ip.ok());
  REQUIRE(ip->protocol == vrrp::kIpProtocolVrrp);
  REQUIRE(std::vector<uint8_t>(ip->payload.begin(), ip->payload.end()) == v.payload);
  vrrp::ReceiveInfo info = ip->info;
  if (ttl.has_value()) info.ttl = *ttl;
  absl::Span<const uint8_t> payload =
      payload_override != nullptr ? absl::MakeConstSpan(*payload_override) : ip->payload;
  return Summarize(EpochOf(v), info, payload, options);
}

vrrp::DecodeOptions ToolOptions() {
  vrrp::DecodeOptions o;
  o.version = std::nullopt;
  o.auth_type = std::nullopt;
  return o;
}

// "Adver Int: 1" for v2 (seconds), "Adver Int: 100" for v3 (centiseconds).
int64_t IntervalCsOf(const Vector& v, int version) {
  const int64_t raw = std::stoll(v.Field("Adver Int"));
  return version == 2 ? raw * 100 : raw;
}

int VersionOf(const Vector& v) {
  // "Version 2, Packet type 1 (Advertisement)" is a heading, not a field: the IP version is the
  // first "Version" field, so read the VRRP one from the "Protocol Version" bit-field line.
  for (const auto& [k, value] : v.fields) {
    if (k == "VRRP protocol version") return std::stoi(value);
  }
  FAIL("no VRRP protocol version in " << v.name);
  return 0;
}

TEST_CASE("Every keepalived VRRP capture formats as tshark decodes it") {
  const std::string name =
      GENERATE(as<std::string>{}, "keepalived-v2-pass", "keepalived-v2-priority0",
               "keepalived-v2-unicast", "keepalived-v3-ipv4", "keepalived-v3-ipv6");
  INFO(name);
  Vector v = LoadVector(name);
  Summary s = SummarizeVector(v, ToolOptions());
  REQUIRE(s.valid());

  const int version = VersionOf(v);
  const std::string src = v.Field("Source Address");
  const std::string dst = v.Field("Destination Address");
  std::vector<std::string> addresses = v.FieldAll("IP Address");
  for (const auto& a : v.FieldAll("IPv6 Address")) addresses.push_back(a);
  REQUIRE(addresses.size() == std::stoul(v.Field("Addr Count")));
  const int64_t interval = IntervalCsOf(v, version);
  std::string addrs;
  std::string json_addrs;
  for (const auto& a : addresses) {
    addrs += (addrs.empty() ? "" : ",") + a;
    json_addrs += (json_addrs.empty() ? "\"" : ",\"") + a + "\"";
  }
  const std::string auth = version == 2 ? "PASS" : "";
  if (version == 2) CHECK(v.Field("Auth Type").find("Simple Text") == 0);

  CHECK(FormatTime(s.time) == "2026-11-29T" + ClockOf(v) + "Z");
  CHECK(FormatLine(s) ==
        fmt::format("2026-11-29T{}Z {} > {} VRRPv{} vrid {} prio {} intvl {}s addrs {}{}",
                    ClockOf(v), src, dst, version, v.Field("Virtual Rtr ID"), v.Field("Priority"),
                    interval / 100, addrs, version == 2 ? " auth " + auth : std::string()));
  CHECK(FormatJson(s) ==
        fmt::format(R"({{"time":{},"src":"{}","dst":"{}","ttl":{},"version":{},"vrid":{},)"
                    R"("priority":{},"interval_cs":{},"addresses":[{}],"auth_type":{},)"
                    R"("valid":true,"reason":null}})",
                    v.Field("Epoch Time").substr(0, v.Field("Epoch Time").find('.') + 7), src, dst,
                    s.source.is_v4() ? v.Field("Time to Live") : v.Field("Hop Limit"), version,
                    v.Field("Virtual Rtr ID"), v.Field("Priority"), interval, json_addrs,
                    version == 2 ? "\"" + auth + "\"" : std::string("null")));
  // The PASS key ("Authentication String" in the v2 decodes) never shows, not even disguised
  // as an address.
  if (version == 2) {
    const std::string key = v.Field("Authentication String");
    REQUIRE(!key.empty());
    CHECK_THAT(FormatLine(s), !Contains(key));
    CHECK_THAT(FormatJson(s), !Contains(key));
    CHECK_THAT(FormatLine(s), !Contains("49.49.49.49"));
  }
}

TEST_CASE("A refused packet shows its header and the codec's reason") {
  Vector v = LoadVector("keepalived-v2-pass");
  const std::string key = v.Field("Authentication String");

  SECTION("corrupted checksum") {
    std::vector<uint8_t> bad = v.payload;
    bad[6] ^= 0xff;  // RFC 3768 §5.1: checksum in octets 6-7
    Summary s = SummarizeVector(v, ToolOptions(), &bad);
    CHECK(s.reason == vrrp::DropReason::kChecksum);
    const std::string line = FormatLine(s);
    CHECK_THAT(line, Contains(" vrid " + v.Field("Virtual Rtr ID") + " "));
    CHECK_THAT(line, Contains(" prio " + v.Field("Priority") + " "));
    CHECK_THAT(line, Contains(" addrs " + v.Field("IP Address") + " "));
    CHECK(line.size() > 16);
    CHECK(line.substr(line.size() - 16) == "REFUSED checksum");
    const std::string json = FormatJson(s);
    CHECK_THAT(json, Contains(R"("valid":false,"reason":"checksum")"));
    CHECK_THAT(json, !Contains(key));
  }
  SECTION("an address count that reaches into the auth data does not print the key") {
    std::vector<uint8_t> bad = v.payload;
    bad[3] = 3;  // three addresses announced, one sent: the "others" would be the key
    Summary s = SummarizeVector(v, ToolOptions(), &bad);
    CHECK_FALSE(s.valid());
    REQUIRE(s.addresses.size() == 1);
    CHECK(s.addresses[0].ToString() == v.Field("IP Address"));
    CHECK_THAT(FormatLine(s), !Contains("49.49.49.49"));
    CHECK_THAT(FormatJson(s), !Contains("49.49.49.49"));
  }
  SECTION("TTL that is not 255 (RFC 5798 §7.1)") {
    Summary s = SummarizeVector(v, ToolOptions(), nullptr, 64);
    CHECK(s.reason == vrrp::DropReason::kTtl);
    CHECK_THAT(FormatLine(s), Contains(" ttl 64 REFUSED ttl"));
    CHECK_THAT(FormatJson(s), Contains(R"("ttl":64,)"));
    CHECK_THAT(FormatJson(s), Contains(R"("reason":"ttl")"));
  }
  SECTION("--pass with the wrong key: auth_failure, and neither key shows") {
    vrrp::DecodeOptions o = ToolOptions();
    o.auth_type = vrrp::AuthType::kPass;
    o.pass_key = *vrrp::PassKey::Create("2222");
    Summary s = SummarizeVector(v, o);
    CHECK(s.reason == vrrp::DropReason::kAuthFailure);
    CHECK_THAT(FormatLine(s), Contains("auth PASS REFUSED auth_failure"));
    for (const std::string& out : {FormatLine(s), FormatJson(s)}) {
      CHECK_THAT(out, !Contains(key));
      CHECK_THAT(out, !Contains("2222"));
    }
  }
  SECTION("--pass with the right key") {
    vrrp::DecodeOptions o = ToolOptions();
    o.auth_type = vrrp::AuthType::kPass;
    o.pass_key = *vrrp::PassKey::Create(key);
    CHECK(SummarizeVector(v, o).valid());
  }
  SECTION("too short") {
    std::vector<uint8_t> bad(v.payload.begin(), v.payload.begin() + 3);
    Summary s = SummarizeVector(v, ToolOptions(), &bad);
    CHECK(s.reason == vrrp::DropReason::kTooShort);
    CHECK_THAT(FormatLine(s), Contains("VRRPv2 vrid 50 prio 150 len 3 REFUSED too_short"));
    CHECK_THAT(FormatJson(s), Contains(R"("interval_cs":null,"addresses":[],"auth_type":null,)"));
    std::vector<uint8_t> empty;
    Summary e = SummarizeVector(v, ToolOptions(), &empty);
    CHECK_THAT(FormatLine(e), Contains("> 224.0.0.18 VRRP len 0 REFUSED too_short"));
    CHECK_THAT(FormatJson(e), Contains(R"("version":null,"vrid":null,"priority":null,)"));
  }
}

TEST_CASE("A v3 interval that is not whole seconds shows as a fraction") {
  Vector v = LoadVector("keepalived-v3-ipv4");
  std::vector<uint8_t> p = v.payload;
  p[4] = 0x00;
  p[5] = 150;  // RFC 5798 §5.2.7: 12-bit centiseconds
  Summary s = SummarizeVector(v, ToolOptions(), &p);
  CHECK(s.reason == vrrp::DropReason::kChecksum);
  CHECK(s.interval_cs == 150);
  CHECK_THAT(FormatLine(s), Contains(" intvl 1.50s "));
  CHECK_THAT(FormatJson(s), Contains(R"("interval_cs":150,)"));
}

TEST_CASE("Times are UTC and exact to the microsecond") {
  CHECK(FormatTime({0, 0}) == "1970-01-01T00:00:00.000000Z");
  CHECK(FormatTime({1795956747, 898184}) == "2026-11-29T12:52:27.898184Z");
  CHECK(FormatEpoch({1795956747, 898184}) == "1795956747.898184");
  CHECK(FormatEpoch({1795956747, 5}) == "1795956747.000005");
}

TEST_CASE("Auth types by name, unknown ones by number") {
  CHECK(AuthTypeText(0) == "none");
  CHECK(AuthTypeText(1) == "PASS");
  CHECK(AuthTypeText(2) == "AH");
  CHECK(AuthTypeText(7) == "7");
}

TEST_CASE("JSON strings are escaped (RFC 8259 §7)") {
  CHECK(JsonString("") == R"("")");
  CHECK(JsonString("192.0.2.3") == R"("192.0.2.3")");
  CHECK(JsonString("a\"b") == R"("a\"b")");
  CHECK(JsonString("a\\b") == R"("a\\b")");
  CHECK(JsonString("l1\nl2\tx\r") == R"("l1\nl2\tx\r")");
  CHECK(JsonString(std::string_view("\x01\x1f\x7f", 3)) == R"("\u0001\u001f\u007f")");
  CHECK(JsonString(std::string_view("\0", 1)) == R"("\u0000")");
  CHECK(JsonString("caf\xc3\xa9") == "\"caf\xc3\xa9\"");  // UTF-8 passes through
}

}  // namespace
}  // namespace vrrp_dump
