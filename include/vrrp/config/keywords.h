// The keepalived.conf keywords vrrp::config knows, block by block: those it reads, and those it
// accepts only to ignore with a warning (keepalived features that are not VRRP: LVS, SNMP,
// e-mail, BFD...). Any other keyword is unknown: a warning, or an error with
// ParseOptions::strict.
//
// The list is made from the parser's own dispatch tables, so it cannot drift from what the
// parser does; documentation and tests check themselves against it.
//
//   for (const vrrp::config::KeywordInfo& k : vrrp::config::KeywordTable()) {
//     if (k.status == vrrp::config::KeywordStatus::kIgnored) continue;
//     fmt::print("{:16} {:32} {}\n", k.block, k.keyword, k.doc);  // "vrrp_instance priority ..."
//   }
#ifndef VRRP_CONFIG_KEYWORDS_H_
#define VRRP_CONFIG_KEYWORDS_H_

#include <cstdint>
#include <string_view>
#include <vector>

namespace vrrp::config {

enum class KeywordStatus : uint8_t {
  kSupported,  // read and acted on
  kIgnored,    // accepted with a warning ("'use_vmac' is not supported and is ignored")
};

std::string_view KeywordStatusName(KeywordStatus status);  // "supported", "ignored"

struct KeywordInfo {
  // Where the keyword is read:
  //   "top"               the top level of a file
  //   "global_defs", "vrrp_script", "vrrp_instance", "vrrp_sync_group"
  //   "authentication"    inside a vrrp_instance's authentication { }
  //   "virtual_ipaddress" the options after an address, in virtual_ipaddress and
  //                       virtual_ipaddress_excluded ("192.0.2.3/24 dev eth1 label eth1:vip")
  //   "any"               a line of its own anywhere, inside a block or not (include)
  std::string_view block;
  std::string_view keyword;
  KeywordStatus status = KeywordStatus::kSupported;
  // What it takes, briefly ("N: 1..255", "{ ADDRESS[/PREFIX] [OPTIONS] ... }"); empty for an
  // ignored keyword.
  std::string_view doc;
};

// Every known keyword, grouped by block in the order above, each (block, keyword) once.
const std::vector<KeywordInfo>& KeywordTable();

}  // namespace vrrp::config

#endif  // VRRP_CONFIG_KEYWORDS_H_
