// RouterConfig validation: every field, its range, and the message an operator will read.
#include "vrrp/router_config.h"

#include <catch2/catch.hpp>
#include <functional>
#include <string>

namespace vrrp {
namespace {

RouterConfig Valid() {
  RouterConfig c;
  c.vrid = 50;
  c.virtual_addresses = {IpAddress::V4(192, 0, 2, 3)};
  c.primary_address = IpAddress::V4(192, 0, 2, 5);
  return c;
}

std::string Error(const std::function<void(RouterConfig&)>& edit) {
  RouterConfig c = Valid();
  edit(c);
  absl::Status s = ValidateRouterConfig(c);
  if (s.ok()) return "ok";
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  return std::string(s.message());
}

TEST_CASE("A minimal configuration is valid, with RFC 5798 §6.1 and keepalived defaults") {
  RouterConfig c = Valid();
  CHECK(ValidateRouterConfig(c).ok());
  CHECK(c.priority == 100);
  CHECK(c.advert_interval == Centiseconds(100));
  CHECK(c.preempt);
  CHECK_FALSE(c.accept_mode);
  CHECK(c.down_timer_adverts == 3);
  CHECK(c.garp_master_repeat == 5);
  CHECK(c.garp_master_delay == absl::Seconds(5));
  CHECK(c.garp_master_refresh == absl::ZeroDuration());
}

TEST_CASE("virtual_router_id is 1..255") {
  CHECK(Error([](RouterConfig& c) { c.vrid = 0; }) == "virtual_router_id 0 is out of range 1..255");
  CHECK(Error([](RouterConfig& c) { c.vrid = 300; }) ==
        "virtual_router_id 300 is out of range 1..255");
  CHECK(Error([](RouterConfig& c) { c.vrid = 1; }) == "ok");
  CHECK(Error([](RouterConfig& c) { c.vrid = 255; }) == "ok");
}

TEST_CASE("priority is 1..255") {
  CHECK(Error([](RouterConfig& c) { c.priority = 0; }) == "priority 0 is out of range 1..255");
  CHECK(Error([](RouterConfig& c) { c.priority = 256; }) == "priority 256 is out of range 1..255");
  CHECK(Error([](RouterConfig& c) { c.priority = -1; }) == "priority -1 is out of range 1..255");
  CHECK(Error([](RouterConfig& c) { c.priority = 255; }) == "ok");
}

TEST_CASE("version and family") {
  CHECK(Error([](RouterConfig& c) { c.version = static_cast<Version>(4); }) ==
        "version 4 is not 2 or 3");
  CHECK(Error([](RouterConfig& c) { c.family = static_cast<Family>(5); }) ==
        "family 5 is not IPv4 or IPv6");
  CHECK(Error([](RouterConfig& c) {
          c.version = Version::kV2;
          c.family = Family::kIPv6;
        }) == "version 2 supports IPv4 only (use version 3 for IPv6)");
}

TEST_CASE("advert_int: v3 1..4095 cs, v2 whole seconds 1..255") {
  CHECK(Error([](RouterConfig& c) { c.advert_interval = Centiseconds(0); }) ==
        "advert_int 0cs is out of range 1..4095 cs for VRRPv3");
  CHECK(Error([](RouterConfig& c) { c.advert_interval = Centiseconds(4096); }) ==
        "advert_int 4096cs is out of range 1..4095 cs for VRRPv3");
  CHECK(Error([](RouterConfig& c) { c.advert_interval = Centiseconds(1); }) == "ok");
  CHECK(Error([](RouterConfig& c) { c.advert_interval = Centiseconds(4095); }) == "ok");
  CHECK(Error([](RouterConfig& c) {
          c.version = Version::kV2;
          c.advert_interval = Centiseconds(10);
        }) == "advert_int 10cs is not a whole number of seconds, which VRRPv2 requires");
  CHECK(Error([](RouterConfig& c) {
          c.version = Version::kV2;
          c.advert_interval = Centiseconds(0);
        }) == "advert_int 0 is out of range 1..255 s for VRRPv2");
  CHECK(Error([](RouterConfig& c) {
          c.version = Version::kV2;
          c.advert_interval = Centiseconds::FromSeconds(256);
        }) == "advert_int 256 is out of range 1..255 s for VRRPv2");
  CHECK(Error([](RouterConfig& c) {
          c.version = Version::kV2;
          c.advert_interval = Centiseconds::FromSeconds(255);
        }) == "ok");
}

TEST_CASE("virtual_ipaddress: 0..255 unicast addresses of the router's family, no duplicates") {
  // None: keepalived's election-only instance (its notify scripts move a cloud address).
  CHECK(Error([](RouterConfig& c) { c.virtual_addresses.clear(); }) == "ok");
  CHECK(Error([](RouterConfig& c) {
          c.virtual_addresses.push_back(*IpAddress::Parse("2001:db8::3"));
        }) == "virtual_ipaddress 2001:db8::3 is IPv6 but the router is IPv4");
  CHECK(Error([](RouterConfig& c) {
          c.virtual_addresses.push_back(IpAddress::V4(192, 0, 2, 3));
        }) == "virtual_ipaddress 192.0.2.3 is listed twice");
  CHECK(Error([](RouterConfig& c) { c.virtual_addresses = {IpAddress::V4(224, 0, 0, 18)}; }) ==
        "virtual_ipaddress 224.0.0.18 is not a unicast address");
  CHECK(Error([](RouterConfig& c) { c.virtual_addresses = {IpAddress()}; }) ==
        "virtual_ipaddress 0.0.0.0 is not a unicast address");
  CHECK(Error([](RouterConfig& c) {
          c.virtual_addresses.clear();
          for (int i = 0; i < 256; ++i) {
            c.virtual_addresses.push_back(
                IpAddress::V4(10, 0, static_cast<uint8_t>(i / 256), static_cast<uint8_t>(i)));
          }
        }) == "virtual_ipaddress has 256 addresses, more than 255");
}

TEST_CASE("primary_address: a unicast address of the router's family") {
  CHECK(Error([](RouterConfig& c) { c.primary_address = IpAddress(); }) ==
        "primary_address 0.0.0.0 is not a unicast address");
  CHECK(Error([](RouterConfig& c) { c.primary_address = *IpAddress::Parse("fe80::1"); }) ==
        "primary_address fe80::1 is IPv6 but the router is IPv4");
  CHECK(Error([](RouterConfig& c) {
          c.family = Family::kIPv6;
          c.virtual_addresses = {*IpAddress::Parse("2001:db8::3")};
          c.primary_address = *IpAddress::Parse("fe80::1");
        }) == "ok");
}

TEST_CASE("Timing and announcement knobs have keepalived's ranges") {
  CHECK(Error([](RouterConfig& c) { c.preempt_delay = absl::Seconds(1001); }) ==
        "preempt_delay 16m41s is out of range 0..1000 s");
  CHECK(Error([](RouterConfig& c) { c.preempt_delay = absl::Seconds(-1); }) ==
        "preempt_delay -1s is out of range 0..1000 s");
  CHECK(Error([](RouterConfig& c) { c.preempt_delay = absl::Seconds(1000); }) == "ok");
  CHECK(Error([](RouterConfig& c) { c.down_timer_adverts = 0; }) ==
        "down_timer_adverts 0 is out of range 1..100");
  CHECK(Error([](RouterConfig& c) { c.down_timer_adverts = 101; }) ==
        "down_timer_adverts 101 is out of range 1..100");
  CHECK(Error([](RouterConfig& c) { c.garp_master_repeat = -1; }) ==
        "garp_master_repeat -1 is out of range 0..255");
  CHECK(Error([](RouterConfig& c) { c.garp_master_repeat = 256; }) ==
        "garp_master_repeat 256 is out of range 0..255");
  CHECK(Error([](RouterConfig& c) { c.garp_master_delay = absl::Seconds(3601); }) ==
        "garp_master_delay 1h1s is out of range 0..3600 s");
  CHECK(Error([](RouterConfig& c) { c.garp_master_refresh = absl::Seconds(-5); }) ==
        "garp_master_refresh -5s is out of range 0..86400 s");
  CHECK(Error([](RouterConfig& c) { c.garp_master_refresh_repeat = 0; }) ==
        "garp_master_refresh_repeat 0 is out of range 1..255");
}

}  // namespace
}  // namespace vrrp
