// The rtnetlink route and rule messages, byte for byte, without root. The expected bytes are
// written field by field from the kernel's layouts (struct rtmsg and RTA_* in
// <linux/rtnetlink.h>, struct fib_rule_hdr and FRA_* in <linux/fib_rules.h>), with the numbers
// spelled out and checked against the headers, never produced by the builders under test.
#include "vrrp/linux/route_messages.h"

#include <linux/fib_rules.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <array>
#include <catch2/catch.hpp>
#include <cerrno>
#include <cstddef>
#include <string>
#include <vector>

#include "netlink_bytes.h"
#include "vrrp/linux/netlink_messages.h"

namespace vrrp::os {
namespace {

static_assert(sizeof(rtmsg) == 12 && offsetof(rtmsg, rtm_table) == 4 &&
              offsetof(rtmsg, rtm_protocol) == 5 && offsetof(rtmsg, rtm_scope) == 6 &&
              offsetof(rtmsg, rtm_type) == 7 && offsetof(rtmsg, rtm_flags) == 8);
static_assert(sizeof(fib_rule_hdr) == 12 && offsetof(fib_rule_hdr, table) == 4 &&
              offsetof(fib_rule_hdr, action) == 7 && offsetof(fib_rule_hdr, flags) == 8);
static_assert(RTM_NEWROUTE == 24 && RTM_DELROUTE == 25 && RTM_GETROUTE == 26 && RTM_NEWRULE == 32 &&
              RTM_DELRULE == 33 && RTM_GETRULE == 34);
static_assert(RTA_DST == 1 && RTA_OIF == 4 && RTA_GATEWAY == 5 && RTA_PRIORITY == 6 &&
              RTA_PREFSRC == 7 && RTA_TABLE == 15);
static_assert(FRA_DST == 1 && FRA_SRC == 2 && FRA_IIFNAME == 3 && FRA_PRIORITY == 6 &&
              FRA_FWMARK == 10 && FRA_TABLE == 15 && FRA_FWMASK == 16 && FRA_OIFNAME == 17 &&
              FRA_PROTOCOL == 21 && FR_ACT_TO_TBL == 1);
static_assert(RTN_UNICAST == 1 && RTN_BLACKHOLE == 6 && RTN_UNREACHABLE == 7 && RTN_PROHIBIT == 8 &&
              RTN_THROW == 9 && RTM_F_CLONED == 0x200);
static_assert(RT_SCOPE_UNIVERSE == 0 && RT_SCOPE_LINK == 253 && RT_SCOPE_NOWHERE == 255);

constexpr uint16_t kAddFlags = 0x1 | 0x4 | 0x400 | 0x200;  // REQUEST ACK CREATE EXCL
constexpr uint16_t kDelFlags = 0x1 | 0x4;

std::vector<uint8_t> Built(absl::StatusOr<size_t> size, const std::array<uint8_t, 256>& buffer) {
  REQUIRE(size.ok());
  return {buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(*size)};
}

Route ViaRoute() {
  Route r;
  r.destination = *IpPrefix::Parse("198.51.100.0/24");
  r.gateway = IpAddress::V4(192, 0, 2, 1);
  r.interface = "eth0";
  r.table = 100;
  return r;
}

TEST_CASE("RTM_NEWROUTE for a route via a gateway in table 100") {
  alignas(4) std::array<uint8_t, 256> buffer{};
  const std::vector<uint8_t> got =
      Built(BuildNewRoute(absl::MakeSpan(buffer), ViaRoute(), 3, 9), buffer);
  Bytes want;
  want.Header(16 + 12 + 8 + 8 + 8 + 8, 24, kAddFlags, 9)
      // family, dst_len, src_len, tos, table, protocol 118, scope universe, type unicast, flags
      .U8(2)
      .U8(24)
      .U8(0)
      .U8(0)
      .U8(100)
      .U8(118)
      .U8(0)
      .U8(1)
      .U32(0)
      .Attr(8, 1)
      .Raw({198, 51, 100, 0})
      .Attr(8, 5)
      .Raw({192, 0, 2, 1})
      .Attr(8, 4)
      .U32(3)
      .Attr(8, 15)
      .U32(100);
  CHECK(got == want.data);
}

TEST_CASE("RTM_DELROUTE names the same route with any scope and our protocol") {
  alignas(4) std::array<uint8_t, 256> buffer{};
  const std::vector<uint8_t> got =
      Built(BuildDeleteRoute(absl::MakeSpan(buffer), ViaRoute(), 3, 10), buffer);
  Bytes want;
  want.Header(16 + 12 + 8 + 8 + 8 + 8, 25, kDelFlags, 10)
      .U8(2)
      .U8(24)
      .U8(0)
      .U8(0)
      .U8(100)
      .U8(118)
      .U8(255)
      .U8(1)
      .U32(0)
      .Attr(8, 1)
      .Raw({198, 51, 100, 0})
      .Attr(8, 5)
      .Raw({192, 0, 2, 1})
      .Attr(8, 4)
      .U32(3)
      .Attr(8, 15)
      .U32(100);
  CHECK(got == want.data);
}

TEST_CASE("A directly connected route gets scope link, src and metric attributes") {
  Route r;
  r.destination = *IpPrefix::Parse("198.51.100.0/25");
  r.interface = "eth1";
  r.source = IpAddress::V4(192, 0, 2, 5);
  r.metric = 7;
  alignas(4) std::array<uint8_t, 256> buffer{};
  const std::vector<uint8_t> got = Built(BuildNewRoute(absl::MakeSpan(buffer), r, 4, 1), buffer);
  Bytes want;
  want.Header(16 + 12 + 8 + 8 + 8 + 8 + 8, 24, kAddFlags, 1)
      .U8(2)
      .U8(25)
      .U8(0)
      .U8(0)
      .U8(254)
      .U8(118)
      .U8(253)
      .U8(1)
      .U32(0)
      .Attr(8, 1)
      .Raw({198, 51, 100, 0})
      .Attr(8, 7)
      .Raw({192, 0, 2, 5})
      .Attr(8, 4)
      .U32(4)
      .Attr(8, 6)
      .U32(7)
      .Attr(8, 15)
      .U32(254);
  CHECK(got == want.data);
}

TEST_CASE("An IPv6 default route in a table past 255 has no RTA_DST and rtm_table 0") {
  Route r;
  r.destination = *IpPrefix::Parse("::/0");
  r.gateway = *IpAddress::Parse("2001:db8::1");
  r.table = 1000;
  r.protocol = 4;  // proto static
  alignas(4) std::array<uint8_t, 256> buffer{};
  const std::vector<uint8_t> got = Built(BuildNewRoute(absl::MakeSpan(buffer), r, 0, 2), buffer);
  Bytes want;
  want.Header(16 + 12 + 20 + 8, 24, kAddFlags, 2)
      .U8(10)
      .U8(0)
      .U8(0)
      .U8(0)
      .U8(0)
      .U8(4)
      .U8(0)
      .U8(1)
      .U32(0)
      .Attr(20, 5)
      .Raw({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1})
      .Attr(8, 15)
      .U32(1000);
  CHECK(got == want.data);
}

TEST_CASE("A blackhole route has its type and universe scope") {
  Route r;
  r.destination = *IpPrefix::Parse("203.0.113.0/24");
  r.type = RouteType::kBlackhole;
  alignas(4) std::array<uint8_t, 256> buffer{};
  const std::vector<uint8_t> got = Built(BuildNewRoute(absl::MakeSpan(buffer), r, 0, 5), buffer);
  Bytes want;
  want.Header(16 + 12 + 8 + 8, 24, kAddFlags, 5)
      .U8(2)
      .U8(24)
      .U8(0)
      .U8(0)
      .U8(254)
      .U8(118)
      .U8(0)
      .U8(6)
      .U32(0)
      .Attr(8, 1)
      .Raw({203, 0, 113, 0})
      .Attr(8, 15)
      .U32(254);
  CHECK(got == want.data);
}

TEST_CASE("Route builders refuse what the kernel would") {
  alignas(4) std::array<uint8_t, 256> buffer{};
  Route host_bits = ViaRoute();
  host_bits.destination = *IpPrefix::Parse("198.51.100.7/24");
  absl::StatusOr<size_t> r = BuildNewRoute(absl::MakeSpan(buffer), host_bits, 0, 1);
  REQUIRE_FALSE(r.ok());
  CHECK(std::string(r.status().message()).find("host bits") != std::string::npos);
  Route mixed = ViaRoute();
  mixed.gateway = *IpAddress::Parse("2001:db8::1");
  CHECK_FALSE(BuildNewRoute(absl::MakeSpan(buffer), mixed, 0, 1).ok());
  Route blackhole_via = ViaRoute();
  blackhole_via.type = RouteType::kBlackhole;
  CHECK_FALSE(BuildNewRoute(absl::MakeSpan(buffer), blackhole_via, 0, 1).ok());
  CHECK_FALSE(BuildNewRoute(absl::MakeSpan(buffer.data(), 40), ViaRoute(), 0, 1).ok());
  CHECK_FALSE(BuildNewRoute(absl::MakeSpan(buffer.data() + 1, 100), ViaRoute(), 0, 1).ok());
}

TEST_CASE("RTM_NEWRULE from to iif oif fwmark table preference") {
  Rule rule;
  rule.from = *IpPrefix::Parse("192.0.2.0/24");
  rule.to = *IpPrefix::Parse("198.51.100.0/25");
  rule.iif = "eth0";
  rule.oif = "lo";
  rule.fwmark = 0x10;
  rule.fwmask = 0xff;
  rule.priority = 100;
  rule.table = 300;
  alignas(4) std::array<uint8_t, 256> buffer{};
  const std::vector<uint8_t> got = Built(BuildNewRule(absl::MakeSpan(buffer), rule, 4), buffer);
  Bytes want;
  want.Header(16 + 12 + 8 * 2 + 8 + 12 + 8 + 8 + 8 + 8 + 8, 32, kAddFlags, 4)
      // family, dst_len, src_len, tos, table (300 does not fit), res1, res2, action, flags
      .U8(2)
      .U8(25)
      .U8(24)
      .U8(0)
      .U8(0)
      .U8(0)
      .U8(0)
      .U8(1)
      .U32(0)
      .Attr(8, 2)
      .Raw({192, 0, 2, 0})
      .Attr(8, 1)
      .Raw({198, 51, 100, 0})
      .Attr(8, 6)
      .U32(100)
      .Attr(9, 3)
      .Text("eth0")
      .Zeros(4)  // "eth0\0" padded to 8
      .Attr(7, 17)
      .Text("lo")
      .Zeros(2)  // "lo\0" padded to 4
      .Attr(8, 10)
      .U32(0x10)
      .Attr(8, 16)
      .U32(0xff)
      .Attr(8, 15)
      .U32(300)
      .Attr(5, 21)
      .U8(118)
      .Zeros(3);
  CHECK(got == want.data);

  const std::vector<uint8_t> del = Built(BuildDeleteRule(absl::MakeSpan(buffer), rule, 5), buffer);
  Bytes want_del = want;
  want_del.data[4] = 33;  // RTM_DELRULE
  want_del.data[6] = kDelFlags;
  want_del.data[7] = 0;
  want_del.data[8] = 5;
  CHECK(del == want_del.data);
}

TEST_CASE("An IPv6 rule with a fixed table and another protocol") {
  Rule rule;
  rule.family = Family::kIPv6;
  rule.from = *IpPrefix::Parse("2001:db8::/32");
  rule.table = 10;
  rule.protocol = 4;
  alignas(4) std::array<uint8_t, 256> buffer{};
  const std::vector<uint8_t> got = Built(BuildNewRule(absl::MakeSpan(buffer), rule, 6), buffer);
  Bytes want;
  want.Header(16 + 12 + 20 + 8 + 8, 32, kAddFlags, 6)
      .U8(10)
      .U8(0)
      .U8(32)
      .U8(0)
      .U8(10)
      .U8(0)
      .U8(0)
      .U8(1)
      .U32(0)
      .Attr(20, 2)
      .Raw({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
      .Attr(8, 15)
      .U32(10)
      .Attr(5, 21)
      .U8(4)
      .Zeros(3);
  CHECK(got == want.data);
  Rule wrong = rule;
  wrong.family = Family::kIPv4;
  CHECK_FALSE(BuildNewRule(absl::MakeSpan(buffer), wrong, 6).ok());
}

TEST_CASE("Dump requests for routes and rules") {
  alignas(4) std::array<uint8_t, 256> buffer{};
  const std::vector<uint8_t> routes =
      Built(BuildRouteDump(absl::MakeSpan(buffer), Family::kIPv6, 118, 11), buffer);
  Bytes want;
  want.Header(28, 26, 0x1 | 0x300, 11).U8(10).U8(0).U8(0).U8(0).U8(0).U8(118).U8(0).U8(0).U32(0);
  CHECK(routes == want.data);
  const std::vector<uint8_t> rules =
      Built(BuildRuleDump(absl::MakeSpan(buffer), Family::kIPv4, 12), buffer);
  Bytes want_rules;
  want_rules.Header(28, 34, 0x1 | 0x300, 12).U8(2).Zeros(11);
  CHECK(rules == want_rules.data);
}

// A dumped route: rtmsg with `protocol` and `flags`, and its RTA_DST.
Bytes DumpedRoute(uint32_t seq, uint8_t protocol, uint32_t flags, uint8_t last_octet) {
  Bytes b;
  b.Header(16 + 12 + 8, 24, 0x2 /*NLM_F_MULTI*/, seq, 77)
      .U8(2)
      .U8(32)
      .U8(0)
      .U8(0)
      .U8(254)
      .U8(protocol)
      .U8(0)
      .U8(1)
      .U32(flags)
      .Attr(8, 1)
      .Raw({198, 51, 100, last_octet});
  return b;
}

TEST_CASE("A route dump turns our routes, and only them, into deletions") {
  Bytes datagram;
  datagram.Append(DumpedRoute(3, 118, 0, 1))
      .Append(DumpedRoute(3, 4, 0, 2))        // proto static: someone else's
      .Append(DumpedRoute(3, 118, 0x200, 3))  // a cached clone
      .Append(DumpedRoute(2, 118, 0, 4));     // an earlier request's
  std::vector<std::vector<uint8_t>> out;
  absl::StatusOr<bool> done = ParseFlushDump(datagram.data, 3, 118, "RTM_GETROUTE", out);
  REQUIRE(done.ok());
  CHECK_FALSE(*done);
  REQUIRE(out.size() == 1);
  Bytes want = DumpedRoute(0, 118, 0, 1);
  want.data[4] = 25;  // RTM_DELROUTE
  want.data[6] = kDelFlags;
  want.data[12] = 0;  // pid cleared
  CHECK(out[0] == want.data);

  Bytes end;
  end.Header(20, 3, 0x2, 3).I32(0);
  done = ParseFlushDump(end.data, 3, 118, "RTM_GETROUTE", out);
  REQUIRE(done.ok());
  CHECK(*done);
}

TEST_CASE("A rule dump matches FRA_PROTOCOL") {
  auto rule = [](uint8_t protocol) {
    Bytes b;
    b.Header(16 + 12 + 8 + 8, 32, 0x2, 8)
        .U8(2)
        .U8(0)
        .U8(0)
        .U8(0)
        .U8(100)
        .U8(0)
        .U8(0)
        .U8(1)
        .U32(0)
        .Attr(8, 15)
        .U32(100)
        .Attr(5, 21)
        .U8(protocol)
        .Zeros(3);
    return b;
  };
  Bytes datagram;
  datagram.Append(rule(118)).Append(rule(0));
  std::vector<std::vector<uint8_t>> out;
  REQUIRE(ParseFlushDump(datagram.data, 8, 118, "RTM_GETRULE", out).ok());
  REQUIRE(out.size() == 1);
  CHECK(out[0][4] == 33);  // RTM_DELRULE
  CHECK(out[0].size() == 44);
}

TEST_CASE("A refused route says which capability it needs") {
  Bytes error;
  error.Header(36, 2, 0, 4).I32(-EPERM).Header(16, 24, 0x605, 4);
  absl::StatusOr<bool> refused = ParseAck(error.data, 4, "RTM_NEWROUTE", "192.0.2.0/24 dev eth0");
  REQUIRE_FALSE(refused.ok());
  CHECK(std::string(refused.status().message()).find("(changing routes needs CAP_NET_ADMIN)") !=
        std::string::npos);
  refused = ParseAck(error.data, 4, "RTM_DELRULE", "from all lookup 100");
  CHECK(std::string(refused.status().message()).find("(changing rules needs CAP_NET_ADMIN)") !=
        std::string::npos);
}

TEST_CASE("A broken or failed dump is an error, never a crash") {
  std::vector<std::vector<uint8_t>> out;
  Bytes truncated = DumpedRoute(3, 118, 0, 1);
  truncated.data.resize(20);
  CHECK(ParseFlushDump(truncated.data, 3, 118, "RTM_GETROUTE", out).status().code() ==
        absl::StatusCode::kDataLoss);
  Bytes short_route;
  short_route.Header(20, 24, 0x2, 3).U32(0);
  CHECK(ParseFlushDump(short_route.data, 3, 118, "RTM_GETROUTE", out).status().code() ==
        absl::StatusCode::kDataLoss);
  Bytes bad_attr;
  bad_attr.Header(16 + 12 + 4, 32, 0x2, 3).Zeros(12).Attr(40, 21);
  CHECK(ParseFlushDump(bad_attr.data, 3, 118, "RTM_GETRULE", out).status().code() ==
        absl::StatusCode::kDataLoss);
  Bytes error;
  error.Header(36, 2, 0, 3).I32(-EPERM).Header(16, 26, 0x301, 3);
  absl::StatusOr<bool> failed = ParseFlushDump(error.data, 3, 118, "RTM_GETROUTE", out);
  REQUIRE_FALSE(failed.ok());
  CHECK(std::string(failed.status().message()).find("RTM_GETROUTE") != std::string::npos);
  Bytes interrupted = DumpedRoute(3, 118, 0, 1);
  interrupted.data[6] |= 0x10;  // NLM_F_DUMP_INTR
  CHECK(ParseFlushDump(interrupted.data, 3, 118, "RTM_GETROUTE", out).status().code() ==
        absl::StatusCode::kAborted);
  CHECK(out.empty());
}

}  // namespace
}  // namespace vrrp::os
