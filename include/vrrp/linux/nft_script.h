// The nftables scripts that keep a no_accept Master's virtual addresses from accepting traffic
// (RFC 5798 §6.1 Accept_Mode off; keepalived.conf(5), `no_accept` and `vrrp_strict`), as pure
// text builders. NftVipFilter (nft_vip_filter.h) hands them to libnftables; here they are only
// strings, so every rule is tested without root.
//
// One table of the inet family (both IPv4 and IPv6: one table to create and one to delete),
// named "vrrpd" unless global_defs `nftables NAME` says otherwise, so that it never clashes with
// keepalived's own "keepalived" tables in the same namespace. It holds three sets and two base
// chains, as keepalived 2.2.7 builds them in its ip and ip6 tables (seen with `nft list ruleset`
// while it is Master):
//
//   table inet vrrpd {
//     set vips4 { type ipv4_addr; }                  the IPv4 VIPs held
//     set vips6 { type ipv6_addr; }                  the IPv6 ones that are not link-local
//     set vips6_link_local { type ipv6_addr . ifname; }   fe80::/10 ones, with their interface
//     chain in  { type filter hook input priority -1; policy accept;
//                 icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept
//                 ip daddr @vips4 drop  ip6 daddr @vips6 drop
//                 ip6 daddr . iifname @vips6_link_local drop }
//     chain out { ... the same on saddr and oifname ... }
//   }
//
// Neighbour Discovery stays open so that the Master still answers for its addresses (RFC 5798
// §6.4.3 "MUST respond to ND requests"); ARP is not in the inet family, so it is never filtered.
// VRRP itself goes to 224.0.0.18 / ff02::12 from the interface's own address and is not
// touched. A link-local address is keyed by interface name where keepalived uses the index
// (its nftables_ifindex): the name survives the interface being re-created.
//
//   vrrp::os::NftTableOptions options;            // table "vrrpd", priority -1, no counters
//   std::string create = vrrp::os::CreateTableScript(options);   // replaces a leftover table
//   std::string add = vrrp::os::ElementScript(options, vrrp::os::*NftElement::Of(vip), true);
#ifndef VRRP_LINUX_NFT_SCRIPT_H_
#define VRRP_LINUX_NFT_SCRIPT_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "vrrp/address_manager.h"

namespace vrrp::os {

// global_defs nftables / nftables_priority / nftables_counters (keepalived.conf(5)).
struct NftTableOptions {
  std::string table = "vrrpd";
  int priority = -1;      // of the base chains, relative to nothing: filter is 0 (keepalived's -1)
  bool counters = false;  // a counter on each drop rule (`nft list table inet vrrpd` shows hits)

  friend bool operator==(const NftTableOptions&, const NftTableOptions&) = default;
};

// kInvalidArgument unless `name` is an nft identifier: a letter or '_' first, then letters,
// digits, '_', '-', '.', at most 64 characters. Checked before any name goes into script text.
[[nodiscard]] absl::Status ValidateTableName(std::string_view name);

// The set an address goes to and its element's text: `192.0.2.3` in vips4, `2001:db8::3` in
// vips6, `fe80::3 . "eth0"` in vips6_link_local.
struct NftElement {
  std::string set;
  std::string text;

  // kInvalidArgument for a link-local address on an interface whose name nft cannot quote (a
  // '"' or '\\' in it: Linux allows them) or an empty one.
  [[nodiscard]] static absl::StatusOr<NftElement> Of(const VirtualAddress& vip);
  friend auto operator<=>(const NftElement&, const NftElement&) = default;
};

// `add table inet T` then `delete table inet T`: deletes the table whether or not it exists, in
// one atomic batch (crash recovery: a killed run's table, and its rules, go).
std::string DeleteTableScript(const NftTableOptions& options);

// DeleteTableScript() followed by the whole table, empty sets, as one batch: whatever was there
// is replaced atomically, never half made.
std::string CreateTableScript(const NftTableOptions& options);

// `add element inet T SET { TEXT }` (add) or `delete element ...` (!add).
std::string ElementScript(const NftTableOptions& options, const NftElement& element, bool add);

}  // namespace vrrp::os

#endif  // VRRP_LINUX_NFT_SCRIPT_H_
