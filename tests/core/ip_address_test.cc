#include "vrrp/ip_address.h"

#include <catch2/catch.hpp>
#include <sstream>

#include "fmt/format.h"
#include "support/vectors.h"
#include "vrrp/pass_key.h"

namespace vrrp {
namespace {

TEST_CASE("IpAddress parses and prints both families") {
  auto v4 = IpAddress::Parse("192.0.2.3");
  REQUIRE(v4.ok());
  CHECK(v4->family() == Family::kIPv4);
  CHECK(v4->ToString() == "192.0.2.3");
  CHECK(*v4 == IpAddress::V4(192, 0, 2, 3));
  auto v6 = IpAddress::Parse("2001:db8::3");
  REQUIRE(v6.ok());
  CHECK(v6->is_v6());
  CHECK(fmt::format("{}", *v6) == "2001:db8::3");
  CHECK(v6->bytes().size() == 16);
}

TEST_CASE("IpAddress refuses what is not an address") {
  for (const char* bad :
       {"", "192.0.2", "192.0.2.256", "2001:db8:::3", "192.0.2.3/24", "fe80::1%eth0",
        "not an address", "0000:0000:0000:0000:0000:0000:0000:0000:0000"}) {
    INFO(bad);
    auto ip = IpAddress::Parse(bad);
    REQUIRE_FALSE(ip.ok());
    CHECK(ip.status().code() == absl::StatusCode::kInvalidArgument);
  }
  CHECK_FALSE(IpAddress::FromBytes(std::vector<uint8_t>(5)).ok());
}

TEST_CASE("IpPrefix parses ADDRESS[/PREFIX] for both families") {
  auto v4 = IpPrefix::Parse("192.0.2.3/24");
  REQUIRE(v4.ok());
  CHECK(v4->address == IpAddress::V4(192, 0, 2, 3));
  CHECK(v4->prefix_len == 24);
  CHECK(v4->has_length);
  CHECK(v4->ToString() == "192.0.2.3/24");
  auto v6 = IpPrefix::Parse("2001:db8::3/64");
  REQUIRE(v6.ok());
  CHECK(v6->address == *IpAddress::Parse("2001:db8::3"));
  CHECK(v6->prefix_len == 64);
  CHECK(fmt::format("{}", *v6) == "2001:db8::3/64");
  // The ends of both ranges.
  CHECK(IpPrefix::Parse("192.0.2.3/0")->prefix_len == 0);
  CHECK(IpPrefix::Parse("192.0.2.3/32")->prefix_len == 32);
  CHECK(IpPrefix::Parse("2001:db8::3/128")->prefix_len == 128);
}

TEST_CASE("IpPrefix without a prefix is a host address, as `ip addr add` takes it") {
  auto v4 = IpPrefix::Parse("192.0.2.3");
  REQUIRE(v4.ok());
  CHECK(v4->prefix_len == 32);
  CHECK_FALSE(v4->has_length);
  auto v6 = IpPrefix::Parse("2001:db8::3");
  REQUIRE(v6.ok());
  CHECK(v6->prefix_len == 128);
  CHECK_FALSE(v6->has_length);
  CHECK(v6->ToString() == "2001:db8::3/128");
}

TEST_CASE("IpPrefix tells a bad prefix length (kOutOfRange) from a bad address") {
  struct Case {
    const char* text;
    const char* message;
  };
  for (const Case& c : {
           Case{"192.0.2.3/33", "prefix length '33' of 192.0.2.3 is out of range 0..32"},
           Case{"2001:db8::3/129", "prefix length '129' of 2001:db8::3 is out of range 0..128"},
           Case{"192.0.2.3/-1", "prefix length '-1' of 192.0.2.3 is out of range 0..32"},
           Case{"192.0.2.3/", "prefix length '' of 192.0.2.3 is out of range 0..32"},
           Case{"192.0.2.3/x", "prefix length 'x' of 192.0.2.3 is out of range 0..32"},
           Case{"192.0.2.3/24/8", "prefix length '24/8' of 192.0.2.3 is out of range 0..32"},
           Case{"192.0.2.3/99999999999",
                "prefix length '99999999999' of 192.0.2.3 is out of range 0..32"},
       }) {
    INFO(c.text);
    auto prefix = IpPrefix::Parse(c.text);
    REQUIRE_FALSE(prefix.ok());
    CHECK(prefix.status().code() == absl::StatusCode::kOutOfRange);
    CHECK(prefix.status().message() == c.message);
  }
}

TEST_CASE("IpPrefix refuses what is not an address, whatever its prefix") {
  for (const char* bad : {"", "/24", "192.0.2.300/24", "192.0.2", "not an address", "abc/x",
                          "fe80::1%eth0/64", "192.0.2.3 /24"}) {
    INFO(bad);
    auto prefix = IpPrefix::Parse(bad);
    REQUIRE_FALSE(prefix.ok());
    CHECK(prefix.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(prefix.status().message() == fmt::format("'{}' is not an address", bad));
  }
}

TEST_CASE("IpAddress orders as unsigned integers in network order (RFC 5798 §6.4.3)") {
  CHECK(IpAddress::V4(192, 0, 2, 5) < IpAddress::V4(192, 0, 2, 6));
  CHECK(IpAddress::V4(9, 255, 255, 255) < IpAddress::V4(10, 0, 0, 0));
  CHECK(*IpAddress::Parse("2001:db8::5") < *IpAddress::Parse("2001:db8::6"));
  CHECK(*IpAddress::Parse("fe80::1") > *IpAddress::Parse("2001:db8::ffff"));
}

TEST_CASE("IpAddress classifies multicast, link-local and unspecified") {
  CHECK(IpAddress::V4(224, 0, 0, 18).IsMulticast());
  CHECK_FALSE(IpAddress::V4(192, 0, 2, 1).IsMulticast());
  CHECK(IpAddress::Parse("ff02::12")->IsMulticast());
  CHECK(IpAddress::Parse("fe80::3002:9eff:fef0:3f93")->IsLinkLocal());
  CHECK_FALSE(IpAddress::Parse("2001:db8::3")->IsLinkLocal());
  CHECK(IpAddress().IsUnspecified());
  CHECK(IpAddress::Parse("::")->IsUnspecified());
}

TEST_CASE("MacAddress parses, prints, and builds RFC 5798 §7.3 virtual MACs") {
  auto mac = MacAddress::Parse("DA:A2:85:80:13:16");
  REQUIRE(mac.ok());
  CHECK(mac->ToString() == "da:a2:85:80:13:16");
  CHECK(MacAddress::Parse("da-a2-85-80-13-16").ok());
  CHECK_FALSE(MacAddress::Parse("da:a2:85:80:13").ok());
  CHECK_FALSE(MacAddress::Parse("da:a2:85:80:13:1g").ok());
  CHECK_FALSE(MacAddress::Parse("da:a2:85:80:13:166").ok());
  CHECK(VirtualMac(Family::kIPv4, 50).ToString() == "00:00:5e:00:01:32");
  CHECK(VirtualMac(Family::kIPv6, 255).ToString() == "00:00:5e:00:02:ff");
}

TEST_CASE("PassKey pads to 8 bytes, matches exactly and never prints") {
  // The auth data keepalived sent for "1111" (tshark's Authentication String and the payload's
  // last 8 bytes in the v2 capture).
  auto v = testing::LoadVector("keepalived-v2-pass");
  std::vector<uint8_t> wire(v.payload.end() - 8, v.payload.end());
  auto key = PassKey::Create(v.Field("Authentication String"));
  REQUIRE(key.ok());
  CHECK(key->Matches(wire));
  CHECK(std::vector<uint8_t>(key->wire_bytes().begin(), key->wire_bytes().end()) == wire);
  CHECK_FALSE(PassKey::Create("1112")->Matches(wire));
  CHECK_FALSE(PassKey::Create("11111")->Matches(wire));
  CHECK_FALSE(key->Matches(std::vector<uint8_t>(wire.begin(), wire.end() - 1)));
  CHECK(PassKey::Create("12345678").ok());
  auto too_long = PassKey::Create("123456789");
  REQUIRE_FALSE(too_long.ok());
  CHECK(too_long.status().message().find("123456789") == std::string::npos);
  CHECK(fmt::format("{}", *key) == "<redacted>");
  std::ostringstream os;
  os << *key;
  CHECK(os.str() == "<redacted>");
}

}  // namespace
}  // namespace vrrp
