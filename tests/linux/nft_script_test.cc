// The nftables scripts of the no_accept filter (vrrp/linux/nft_script.h) and the reading of
// nft's errors (NftError, nft_vip_filter.h), as text, without root. The expected table is
// written out whole from what keepalived 2.2.7 builds (its ip and ip6 "keepalived" tables, read
// with `nft list ruleset` while it was Master), in one inet table; nft_vip_filter_test.cc feeds
// the same scripts to the kernel.
#include "vrrp/linux/nft_script.h"

#include <catch2/catch.hpp>
#include <string>

#include "vrrp/linux/nft_vip_filter.h"

namespace vrrp::os {
namespace {

VirtualAddress Vip(std::string_view address, std::string interface = "eth0") {
  return {.address = *IpAddress::Parse(address), .prefix_len = 24, .interface = interface};
}

TEST_CASE("nft script: the table drops traffic to and from the sets, Neighbour Discovery first") {
  CHECK(CreateTableScript({}) ==
        "add table inet vrrpd\n"
        "delete table inet vrrpd\n"
        "table inet vrrpd {\n"
        "  set vips4 { type ipv4_addr; }\n"
        "  set vips6 { type ipv6_addr; }\n"
        "  set vips6_link_local { type ipv6_addr . ifname; }\n"
        "  chain in {\n"
        "    type filter hook input priority -1; policy accept;\n"
        "    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept\n"
        "    ip daddr @vips4 drop\n"
        "    ip6 daddr @vips6 drop\n"
        "    ip6 daddr . iifname @vips6_link_local drop\n"
        "  }\n"
        "  chain out {\n"
        "    type filter hook output priority -1; policy accept;\n"
        "    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept\n"
        "    ip saddr @vips4 drop\n"
        "    ip6 saddr @vips6 drop\n"
        "    ip6 saddr . oifname @vips6_link_local drop\n"
        "  }\n"
        "}\n");
}

TEST_CASE("nft script: table name, priority and counters come from the options") {
  const NftTableOptions o{.table = "lb_filter", .priority = 10, .counters = true};
  const std::string script = CreateTableScript(o);
  CHECK(
      script.starts_with("add table inet lb_filter\ndelete table inet lb_filter\n"
                         "table inet lb_filter {\n"));
  CHECK(script.find("type filter hook input priority 10; policy accept;") != std::string::npos);
  CHECK(script.find("type filter hook output priority 10; policy accept;") != std::string::npos);
  CHECK(script.find("ip daddr @vips4 counter drop\n") != std::string::npos);
  CHECK(script.find("ip6 saddr . oifname @vips6_link_local counter drop\n") != std::string::npos);
  CHECK(DeleteTableScript(o) == "add table inet lb_filter\ndelete table inet lb_filter\n");
  CHECK(CreateTableScript({.priority = -150}).find("priority -150;") != std::string::npos);
}

TEST_CASE("nft script: each address goes to its family's set, link-local with its interface") {
  CHECK(*NftElement::Of(Vip("192.0.2.3")) == NftElement{"vips4", "192.0.2.3"});
  CHECK(*NftElement::Of(Vip("2001:db8::3")) == NftElement{"vips6", "2001:db8::3"});
  CHECK(*NftElement::Of(Vip("fe80::3", "br-lan.7")) ==
        NftElement{"vips6_link_local", "fe80::3 . \"br-lan.7\""});
  // IPv4 link-local (169.254/16) needs no interface in the key: the IPv4 set takes it.
  CHECK(NftElement::Of(Vip("169.254.1.1"))->set == "vips4");

  const NftTableOptions o;
  CHECK(ElementScript(o, *NftElement::Of(Vip("192.0.2.3")), true) ==
        "add element inet vrrpd vips4 { 192.0.2.3 }\n");
  CHECK(ElementScript(o, *NftElement::Of(Vip("fe80::3")), false) ==
        "delete element inet vrrpd vips6_link_local { fe80::3 . \"eth0\" }\n");
}

TEST_CASE("nft script: an interface name nft cannot quote is refused, not spliced in") {
  absl::StatusOr<NftElement> quote = NftElement::Of(Vip("fe80::3", "a\"b"));
  REQUIRE_FALSE(quote.ok());
  CHECK(quote.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(quote.status().message() ==
        "fe80::3 on interface 'a\"b': nftables cannot name that interface");
  CHECK_FALSE(NftElement::Of(Vip("fe80::3", "a\\b")).ok());
  CHECK_FALSE(NftElement::Of(Vip("fe80::3", "")).ok());
  // Only link-local addresses carry the name.
  CHECK(NftElement::Of(Vip("2001:db8::3", "a\"b")).ok());
}

TEST_CASE("nft script: table names are nft identifiers") {
  for (const char* good : {"vrrpd", "keepalived", "_x", "a-b.c_9", "A"}) {
    INFO(good);
    CHECK(ValidateTableName(good).ok());
  }
  for (const char* bad : {"", "9lives", "-x", "a b", "a;delete", "a}", "x\"y"}) {
    INFO(bad);
    CHECK(ValidateTableName(bad).code() == absl::StatusCode::kInvalidArgument);
  }
  CHECK(ValidateTableName(std::string(64, 'a')).ok());
  CHECK_FALSE(ValidateTableName(std::string(65, 'a')).ok());
  CHECK(ValidateTableName("a;b").message() ==
        "nftables table name 'a;b' is not an nft identifier (a letter or '_', then letters, "
        "digits, '_', '-' or '.', at most 64 characters)");
}

TEST_CASE("nft script: nft's error buffer becomes one line that names the word at fault") {
  CHECK(NftError("Error: No such file or directory\n"
                 "add element inet vrrpd vips4 { 192.0.2.3 }\n"
                 "                       ^^^^^\n") ==
        "Error: No such file or directory (at 'vips4' in: add element inet vrrpd vips4 { "
        "192.0.2.3 })");
  CHECK(NftError("Error: Operation not permitted\n") == "Error: Operation not permitted");
  CHECK(NftError("") == "");
  // Carets beyond the command's end are cut to it, never read past it.
  CHECK(NftError("Error: x\nab\n ^^^^^^\n") == "Error: x (at 'b' in: ab)");
}

}  // namespace
}  // namespace vrrp::os
