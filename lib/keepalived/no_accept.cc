#include "vrrp/keepalived/no_accept.h"

namespace vrrp::keepalived {

bool FiltersAddresses(const config::VrrpInstance& vi) {
  const RouterConfig& r = vi.config.router;
  return !r.accept_mode && r.priority != kPriorityOwner;
}

std::vector<VirtualAddress> NoAcceptAddresses(const config::Configuration& conf) {
  std::vector<VirtualAddress> out;
  for (const config::VrrpInstance& vi : conf.instances) {
    if (!FiltersAddresses(vi)) continue;
    out.insert(out.end(), vi.config.addresses.begin(), vi.config.addresses.end());
    out.insert(out.end(), vi.extras.excluded_addresses.begin(), vi.extras.excluded_addresses.end());
  }
  return out;
}

os::NftTableOptions NftOptionsOf(const config::GlobalDefs& global) {
  return {.table = global.nftables_table,
          .priority = global.nftables_priority,
          .counters = global.nftables_counters};
}

}  // namespace vrrp::keepalived
