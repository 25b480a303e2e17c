#include "vrrp/linux/nft_script.h"

#include <string>

#include "absl/strings/ascii.h"
#include "fmt/format.h"

namespace vrrp::os {
namespace {

// nft's own limit is NFT_TABLE_MAXNAMELEN (256); a shorter one keeps log lines readable and
// is far more than any table name written by hand.
constexpr size_t kMaxTableName = 64;

// One base chain: `in` filters what reaches the host for a VIP, `out` what leaves it from one
// (keepalived filters both; a Master without Accept_Mode neither takes nor answers traffic
// for its addresses). Neighbour Discovery is accepted first (RFC 5798 §6.4.3).
std::string Chain(const NftTableOptions& o, std::string_view name, std::string_view hook,
                  std::string_view address, std::string_view interface) {
  const std::string_view counter = o.counters ? " counter" : "";
  return fmt::format(
      "  chain {0} {{\n"
      "    type filter hook {1} priority {2}; policy accept;\n"
      "    icmpv6 type {{ nd-neighbor-solicit, nd-neighbor-advert }} accept\n"
      "    ip {3} @vips4{5} drop\n"
      "    ip6 {3} @vips6{5} drop\n"
      "    ip6 {3} . {4} @vips6_link_local{5} drop\n"
      "  }}\n",
      name, hook, o.priority, address, interface, counter);
}

}  // namespace

absl::Status ValidateTableName(std::string_view name) {
  bool ok = !name.empty() && name.size() <= kMaxTableName &&
            (absl::ascii_isalpha(name[0]) || name[0] == '_');
  for (char c : name) {
    ok = ok && (absl::ascii_isalnum(c) || c == '_' || c == '-' || c == '.');
  }
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(
      fmt::format("nftables table name '{}' is not an nft identifier (a letter or '_', then "
                  "letters, digits, '_', '-' or '.', at most {} characters)",
                  name, kMaxTableName));
}

absl::StatusOr<NftElement> NftElement::Of(const VirtualAddress& vip) {
  if (vip.address.is_v4()) return NftElement{"vips4", vip.address.ToString()};
  if (!vip.address.IsLinkLocal()) return NftElement{"vips6", vip.address.ToString()};
  // A link-local address is only unique with its interface (RFC 4291 §2.5.6).
  if (vip.interface.empty() || vip.interface.find_first_of("\"\\") != std::string::npos) {
    return absl::InvalidArgumentError(fmt::format(
        "{} on interface '{}': nftables cannot name that interface", vip.address, vip.interface));
  }
  return NftElement{"vips6_link_local", fmt::format("{} . \"{}\"", vip.address, vip.interface)};
}

std::string DeleteTableScript(const NftTableOptions& o) {
  return fmt::format("add table inet {0}\ndelete table inet {0}\n", o.table);
}

std::string CreateTableScript(const NftTableOptions& o) {
  return fmt::format(
      "{0}table inet {1} {{\n"
      "  set vips4 {{ type ipv4_addr; }}\n"
      "  set vips6 {{ type ipv6_addr; }}\n"
      "  set vips6_link_local {{ type ipv6_addr . ifname; }}\n"
      "{2}{3}}}\n",
      DeleteTableScript(o), o.table, Chain(o, "in", "input", "daddr", "iifname"),
      Chain(o, "out", "output", "saddr", "oifname"));
}

std::string ElementScript(const NftTableOptions& o, const NftElement& element, bool add) {
  return fmt::format("{} element inet {} {} {{ {} }}\n", add ? "add" : "delete", o.table,
                     element.set, element.text);
}

}  // namespace vrrp::os
