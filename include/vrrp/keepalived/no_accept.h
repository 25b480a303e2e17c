// keepalived's no_accept, read from a configuration: which addresses a Master filters and with
// which nftables table (keepalived.conf(5): `no_accept`, `vrrp_strict`, global_defs
// `nftables`, `nftables_priority`, `nftables_counters`). vrrpd hands them to an
// os::NoAcceptGate over an os::NftVipFilter.
//
//   vrrp::os::NftTableOptions table = vrrp::keepalived::NftOptionsOf(conf.global);
//   std::vector<vrrp::VirtualAddress> filtered = vrrp::keepalived::NoAcceptAddresses(conf);
#ifndef VRRP_KEEPALIVED_NO_ACCEPT_H_
#define VRRP_KEEPALIVED_NO_ACCEPT_H_

#include <vector>

#include "vrrp/address_manager.h"
#include "vrrp/config/config.h"
#include "vrrp/linux/nft_script.h"

namespace vrrp::keepalived {

// An instance whose addresses are filtered while it is Master: Accept_Mode off (RFC 5798 §6.1;
// `no_accept`, or `vrrp_strict` without `accept`) and not the address owner (priority 255: its
// addresses are the interface's own, and keepalived never filters them).
bool FiltersAddresses(const config::VrrpInstance& vi);

// The virtual_ipaddress and virtual_ipaddress_excluded entries of every instance that
// FiltersAddresses(), in the order written (keepalived filters both: "VIPs/eVIPs").
std::vector<VirtualAddress> NoAcceptAddresses(const config::Configuration& conf);

os::NftTableOptions NftOptionsOf(const config::GlobalDefs& global);

}  // namespace vrrp::keepalived

#endif  // VRRP_KEEPALIVED_NO_ACCEPT_H_
