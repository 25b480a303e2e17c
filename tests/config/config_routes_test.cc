// static_ipaddress, static_routes / virtual_routes and static_rules / virtual_rules: the lines
// keepalived.conf(5) shows and real configurations use, read into vrrp::Route / vrrp::Rule, and
// every word vrrpd does not implement refused with its file:line.
#include <catch2/catch.hpp>
#include <string>

#include "config_test_helpers.h"
#include "vrrp/config/config.h"

namespace vrrp::config {
namespace {

using testing::Instance;
using testing::MustParse;

Route OneStaticRoute(std::string_view line) {
  const Configuration conf = MustParse(fmt::format("static_routes {{\n  {}\n}}\n", line));
  REQUIRE(conf.static_routes.size() == 1);
  CHECK(conf.static_routes[0].where == Location{"keepalived.conf", 2});
  return conf.static_routes[0].route;
}

Rule OneStaticRule(std::string_view line) {
  const Configuration conf = MustParse(fmt::format("static_rules {{\n  {}\n}}\n", line));
  REQUIRE(conf.static_rules.size() == 1);
  return conf.static_rules[0].rule;
}

// The message of the error a one-line static block (or `block` in an instance) gives.
std::string ErrorOf(std::string_view block, std::string_view line) {
  const std::string text = block.substr(0, 7) == "virtual"
                               ? Instance(fmt::format("  {} {{\n    {}\n  }}", block, line))
                               : fmt::format("{} {{\n  {}\n}}\n", block, line);
  absl::StatusOr<Configuration> conf = ParseString(text, "k.conf");
  REQUIRE_FALSE(conf.ok());
  return std::string(conf.status().message());
}

TEST_CASE("A route via a gateway on a device in a table") {
  const Route r = OneStaticRoute("192.0.2.0/24 via 198.51.100.1 dev eth0 table 100 metric 5");
  CHECK(r.destination == *IpPrefix::Parse("192.0.2.0/24"));
  CHECK(r.gateway == IpAddress::Parse("198.51.100.1").value());
  CHECK(r.interface == "eth0");
  CHECK(r.table == 100);
  CHECK(r.metric == 5u);
  CHECK(r.type == RouteType::kUnicast);
  CHECK_FALSE(r.protocol.has_value());
  CHECK(ToString(r) == "192.0.2.0/24 via 198.51.100.1 dev eth0 metric 5 table 100");
}

TEST_CASE("keepalived's route spellings: src, to, gw, default, names, types, IPv6") {
  Route r = OneStaticRoute("src 192.0.2.1 to 198.51.100.0/24 gw 192.0.2.254 dev eth1");
  CHECK(r.source == IpAddress::Parse("192.0.2.1").value());
  CHECK(r.destination == *IpPrefix::Parse("198.51.100.0/24"));
  CHECK(r.gateway == IpAddress::Parse("192.0.2.254").value());

  r = OneStaticRoute("default via 192.0.2.1 table main proto static scope global");
  CHECK(r.destination == *IpPrefix::Parse("0.0.0.0/0"));
  CHECK(r.table == 254);
  CHECK(r.protocol == uint8_t{4});
  CHECK(r.scope == uint8_t{0});

  r = OneStaticRoute("default via 2001:db8::1 dev eth0");
  CHECK(r.destination == *IpPrefix::Parse("::/0"));
  r = OneStaticRoute("inet6 default dev eth0");
  CHECK(r.destination == *IpPrefix::Parse("::/0"));

  r = OneStaticRoute("blackhole 203.0.113.0/24 table 7");
  CHECK(r.type == RouteType::kBlackhole);
  CHECK(r.destination == *IpPrefix::Parse("203.0.113.0/24"));
  CHECK(OneStaticRoute("unreachable 203.0.113.0/24").type == RouteType::kUnreachable);
  CHECK(OneStaticRoute("prohibit 203.0.113.0/24").type == RouteType::kProhibit);

  r = OneStaticRoute("2001:db8:1::/48 via 2001:db8::1 preference 1024 scope link no_track");
  CHECK(r.family() == Family::kIPv6);
  CHECK(r.metric == 1024u);
  CHECK(r.scope == uint8_t{253});

  r = OneStaticRoute("192.0.2.7 dev eth0 table 4000000 protocol 200");
  CHECK(r.destination.ToString() == "192.0.2.7/32");
  CHECK(r.table == 4000000u);
  CHECK(r.protocol == uint8_t{200});
}

TEST_CASE("Rules: from, to, table, preference, iif, oif, fwmark") {
  Rule r = OneStaticRule(
      "from 192.0.2.0/24 to 198.51.100.0/26 table 100 preference 39 iif eth0 oif eth1 "
      "fwmark 0x18/0xff");
  CHECK(r.family == Family::kIPv4);
  CHECK(r.from == IpPrefix::Parse("192.0.2.0/24").value());
  CHECK(r.to == IpPrefix::Parse("198.51.100.0/26").value());
  CHECK(r.table == 100);
  CHECK(r.priority == 39u);
  CHECK(r.iif == "eth0");
  CHECK(r.oif == "eth1");
  CHECK(r.fwmark == 0x18u);
  CHECK(r.fwmask == 0xffu);

  r = OneStaticRule("to 2001:db8::/32 lookup 6 priority 7");
  CHECK(r.family == Family::kIPv6);
  CHECK(r.table == 6);
  CHECK(r.priority == 7u);
  r = OneStaticRule("inet6 fwmark 3 table main");
  CHECK(r.family == Family::kIPv6);
  CHECK(r.table == 254);
  CHECK_FALSE(r.fwmask.has_value());
  r = OneStaticRule("from all table 5 protocol keepalived");
  CHECK_FALSE(r.from.has_value());
  CHECK(r.protocol == uint8_t{18});
}

TEST_CASE("virtual_routes and virtual_rules belong to their instance") {
  const Configuration conf = MustParse(Instance(
      "  virtual_routes {\n    198.51.100.0/24 via 192.0.2.1\n    blackhole 203.0.113.0/24\n  }\n"
      "  virtual_rules {\n    from 192.0.2.3 table 100\n  }"));
  REQUIRE(conf.instances.size() == 1);
  const InstanceExtras& x = conf.instances[0].extras;
  REQUIRE(x.virtual_routes.size() == 2);
  CHECK(x.virtual_routes[0].where == Location{"keepalived.conf", 6});
  CHECK(x.virtual_routes[1].route.type == RouteType::kBlackhole);
  REQUIRE(x.virtual_rules.size() == 1);
  CHECK(x.virtual_rules[0].rule.from->ToString() == "192.0.2.3/32");
  CHECK(conf.static_routes.empty());
  CHECK(conf.warnings.empty());
}

TEST_CASE("static_ipaddress entries are VIP lines that name their dev") {
  const Configuration conf = MustParse(
      "static_ipaddress {\n  192.0.2.10/24 dev eth0 label eth0:st\n  2001:db8::10/64 dev "
      "eth1\n}\n");
  REQUIRE(conf.static_addresses.size() == 2);
  CHECK(conf.static_addresses[0].interface == "eth0");
  CHECK(conf.static_addresses[0].label == "eth0:st");
  CHECK(conf.static_addresses[1].prefix_len == 64);
  CHECK(conf.static_address_locations[1] == Location{"keepalived.conf", 3});
  CHECK(ErrorOf("static_ipaddress", "192.0.2.10/24") ==
        "k.conf:2: static_ipaddress: 192.0.2.10/24 needs dev (vrrpd has no default_interface)");
}

TEST_CASE("What vrrpd does not implement is refused by name, at its line") {
  CHECK(ErrorOf("static_routes", "192.0.2.0/24 nexthop via 198.51.100.1 dev eth0") ==
        "k.conf:2: static_routes: 'nexthop' is not supported by vrrpd (in this route)");
  CHECK(ErrorOf("virtual_routes", "192.0.2.0/24 via 198.51.100.1 or 198.51.100.2") ==
        "k.conf:6: virtual_routes: 'or' is not supported by vrrpd (in this route)");
  CHECK(ErrorOf("static_routes", "192.0.2.0/24 dev eth0 track_group G") ==
        "k.conf:2: static_routes: 'track_group' is not supported by vrrpd (in this route)");
  CHECK(ErrorOf("static_routes", "192.0.2.0/24 dev eth0 mtu 1400") ==
        "k.conf:2: static_routes: 'mtu' is not supported by vrrpd (in this route)");
  CHECK(ErrorOf("static_rules", "from 192.0.2.0/24 goto 40") ==
        "k.conf:2: static_rules: 'goto' is not supported by vrrpd (in this rule)");
  CHECK(ErrorOf("virtual_rules", "not from 192.0.2.0/24 table 1") ==
        "k.conf:6: virtual_rules: 'not' is not supported by vrrpd (in this rule)");
  CHECK(ErrorOf("static_routes", "blackhole unreachable 192.0.2.0/24") ==
        "k.conf:2: static_routes: 'unreachable' is not a route option");
  CHECK(ErrorOf("static_routes", "192.0.2.0/24 frobnicate 1") ==
        "k.conf:2: static_routes: 'frobnicate' is not a route option");
  CHECK(ErrorOf("static_rules", "from 192.0.2.0/24 frobnicate") ==
        "k.conf:2: static_rules: 'frobnicate' is not a rule option");
}

TEST_CASE("Bad values name the word and the line") {
  CHECK(ErrorOf("static_routes", "192.0.2.0/24 table mytable") ==
        "k.conf:2: static_routes: table 'mytable' is not main, local, default or a number up to "
        "4294967295");
  CHECK(ErrorOf("static_routes", "192.0.2.0/24 via nowhere") ==
        "k.conf:2: static_routes: via 'nowhere' is not an address");
  CHECK(ErrorOf("static_routes", "192.0.2.0/24 via") ==
        "k.conf:2: static_routes: via needs a value");
  CHECK(ErrorOf("static_routes", "192.0.2.0/24 scope galaxy") ==
        "k.conf:2: static_routes: scope 'galaxy' is not global, site, link, host, nowhere or a "
        "number up to 255");
  CHECK(ErrorOf("static_routes", "via 192.0.2.1") ==
        "k.conf:2: static_routes: the route has no destination");
  CHECK(ErrorOf("static_routes", "192.0.2.0/24 198.51.100.0/24") ==
        "k.conf:2: static_routes: a second destination '198.51.100.0/24'");
  CHECK(ErrorOf("static_routes", "192.0.2.9/24 dev eth0") ==
        "k.conf:2: static_routes: destination 192.0.2.9/24 has host bits set past its length");
  CHECK(ErrorOf("static_routes", "192.0.2.0/24 via 2001:db8::1").find("is not IPv4") !=
        std::string::npos);
  CHECK(ErrorOf("static_routes", "blackhole 192.0.2.0/24 dev eth0") ==
        "k.conf:2: static_routes: route blackhole 192.0.2.0/24 dev eth0: a blackhole route takes "
        "no gateway or dev");
  CHECK(ErrorOf("static_routes", "192.0.2.0/33 dev eth0").find("k.conf:2: static_routes:") == 0);
  CHECK(ErrorOf("static_rules", "fwmark 0x1/zz table 3") ==
        "k.conf:2: static_rules: fwmark '0x1/zz' is not a number or NUMBER/MASK");
  CHECK(ErrorOf("static_rules", "from 192.0.2.0/24 to 2001:db8::/32").find("is not IPv6") !=
        std::string::npos);
  CHECK(ErrorOf("static_rules", "iif this-name-is-too-long table 1").find("k.conf:2:") == 0);
}

}  // namespace
}  // namespace vrrp::config
