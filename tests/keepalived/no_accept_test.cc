// Which addresses keepalived's no_accept filters (vrrp/keepalived/no_accept.h), from
// keepalived.conf text: as keepalived 2.2.7 does in its nftables tables (read with `nft list
// ruleset` while it was Master): `no_accept` with or without vrrp_strict, vrrp_strict alone,
// VIPs and eVIPs, never the address owner's; and global_defs' nftables settings.
#include "vrrp/keepalived/no_accept.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "fmt/format.h"

namespace vrrp::keepalived {
namespace {

std::string Instance(std::string_view name, int vrid, int priority, std::string_view extra) {
  return fmt::format(R"(vrrp_instance {0} {{
  interface eth0
  virtual_router_id {1}
  priority {2}
  virtual_ipaddress {{ 192.0.2.{1}/24 }}
{3}
}}
)",
                     name, vrid, priority, extra);
}

std::vector<std::string> Filtered(const std::string& text) {
  absl::StatusOr<config::Configuration> conf = config::ParseString(text, "keepalived.conf");
  INFO(conf.status().message());
  REQUIRE(conf.ok());
  std::vector<std::string> out;
  for (const VirtualAddress& vip : NoAcceptAddresses(*conf)) {
    out.push_back(fmt::format("{} {}", vip.address, vip.interface));
  }
  return out;
}

using Addresses = std::vector<std::string>;

TEST_CASE("no_accept: an instance that asks for it has its VIPs and eVIPs filtered") {
  CHECK(Filtered(Instance("VI_1", 10, 100,
                          "  no_accept\n"
                          "  virtual_ipaddress_excluded { 198.51.100.1/24 }")) ==
        Addresses{"192.0.2.10 eth0", "198.51.100.1 eth0"});
  CHECK(Filtered(Instance("VI_1", 10, 100, "") + Instance("VI_2", 11, 100, "  accept")).empty());
}

TEST_CASE("no_accept: vrrp_strict implies it, but not for the address owner nor with accept") {
  const std::string strict = "global_defs {\n  vrrp_strict\n}\n";
  CHECK(Filtered(strict + Instance("VI_1", 10, 100, "  version 3")) ==
        Addresses{"192.0.2.10 eth0"});
  // Priority 255 owns the addresses (RFC 5798 §6.1): never filtered, even if asked.
  CHECK(Filtered(strict + Instance("VI_1", 10, 255, "  version 3")).empty());
  CHECK(Filtered(Instance("VI_1", 10, 255, "  no_accept")).empty());
  // VRRPv3 may keep accept under vrrp_strict; VRRPv2 may not (RFC 3768 has no Accept_Mode).
  CHECK(Filtered(strict + Instance("VI_1", 10, 100, "  version 3\n  accept")).empty());
  CHECK(Filtered(strict + Instance("VI_1", 10, 100, "  version 2\n  accept")) ==
        Addresses{"192.0.2.10 eth0"});
}

TEST_CASE("no_accept: global_defs nftables names the table, with vrrpd's own default") {
  auto options = [](std::string_view global) {
    auto conf = config::ParseString(
        fmt::format("global_defs {{\n{}\n}}\n{}", global, Instance("VI_1", 10, 100, "")),
        "keepalived.conf");
    INFO(conf.status().message());
    REQUIRE(conf.ok());
    return NftOptionsOf(conf->global);
  };
  CHECK(options("") == os::NftTableOptions{.table = "vrrpd", .priority = -1, .counters = false});
  // `nftables` alone keeps our name (keepalived's default, "keepalived", is keepalived's table).
  CHECK(options("  nftables") == os::NftTableOptions{});
  CHECK(options("  nftables lb_vips\n  nftables_priority -5\n  nftables_counters\n"
                "  nftables_ifindex") ==
        os::NftTableOptions{.table = "lb_vips", .priority = -5, .counters = true});
  auto bad = config::ParseString(
      "global_defs {\n  nftables a;b\n}\n" + Instance("VI_1", 10, 100, ""), "keepalived.conf");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() ==
        "keepalived.conf:2: nftables table name 'a;b' is not an nft identifier (a letter or '_', "
        "then letters, digits, '_', '-', '.'; at most 64)");
}

}  // namespace
}  // namespace vrrp::keepalived
