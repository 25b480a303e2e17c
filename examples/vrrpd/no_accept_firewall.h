// NoAcceptFirewall: vrrpd's no_accept, as keepalived 2.2.7 does it (keepalived.conf(5):
// `no_accept`, `vrrp_strict`; RFC 5798 §6.1 Accept_Mode off): while an instance without accept
// mode is Master, traffic to and from its addresses is dropped by an nftables table of ours
// ("vrrpd", or global_defs `nftables NAME`), and Neighbour Discovery still passes.
//
// The table's lifetime is the daemon's: a table of that name left by a killed vrrpd is deleted
// at start, before any address is added (so its rules never outlive it for more than the time
// to restart), the table is made at start when an instance needs it, kept in step with the
// addresses held through the Driver's address manager (vrrp::os::NoAcceptGate), and deleted at
// a clean stop after the instances have removed their addresses.
//
//   auto firewall = NoAcceptFirewall::Open(conf, log);  // deletes a leftover, makes the table
//   driver_options.parts.open_address_manager = (*firewall)->AddressManagerFactory();
//   ... (*firewall)->Reconfigure(new_conf) at a reload; (*firewall)->Stop() after the Driver's.
#ifndef VRRPD_NO_ACCEPT_FIREWALL_H_
#define VRRPD_NO_ACCEPT_FIREWALL_H_

#include <functional>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "logger.h"
#include "vrrp/config/config.h"
#include "vrrp/linux/nft_vip_filter.h"
#include "vrrp/linux/no_accept_gate.h"

namespace vrrpd {

class NoAcceptFirewall final : private vrrp::os::AddressFilter {
 public:
  // Deletes a leftover table; makes the table if an instance of `conf` filters its addresses.
  // An error (no nftables in the kernel, no CAP_NET_ADMIN) stops the start only when one does:
  // otherwise it is logged as a detail, and nothing is filtered. libnftables is loaded only
  // when a table is made or a leftover one deleted (vrrp/linux/shared_library.h says why).
  static absl::StatusOr<std::unique_ptr<NoAcceptFirewall>> Open(
      const vrrp::config::Configuration& conf, Logger& log);
  ~NoAcceptFirewall() override;  // deletes the table if Stop() did not (a failed start)
  // The Linux address manager behind the gate, for DriverParts::open_address_manager. The
  // firewall outlives the Driver.
  std::function<absl::StatusOr<std::unique_ptr<vrrp::AddressManager>>()> AddressManagerFactory();
  // A reload: the addresses of `conf`'s no_accept instances from now on (an address held now is
  // blocked or unblocked to match). The table's name, priority and counters stay until a
  // restart (a warning says so when they changed). An error refuses the reload.
  [[nodiscard]] absl::Status Reconfigure(const vrrp::config::Configuration& conf);
  // After the Driver's Shutdown: deletes the table (logged; an error too).
  void Stop();
  // The nftables filter, or null while no table was needed (libnftables not loaded).
  const vrrp::os::NftVipFilter* filter() const { return filter_.get(); }

 private:
  NoAcceptFirewall(Logger& log, vrrp::os::NftTableOptions options);
  // Opens the filter (loading libnftables) unless open already.
  absl::Status OpenFilter();
  // Makes the table when `addresses` has any and it is not made yet.
  absl::Status CreateIfNeeded(const std::vector<vrrp::VirtualAddress>& addresses);
  // vrrp::os::AddressFilter, for the gate: the gate only blocks no_accept addresses, and there
  // are none before CreateIfNeeded has opened the filter.
  absl::Status Block(const vrrp::VirtualAddress& vip) override;
  absl::Status Unblock(const vrrp::VirtualAddress& vip) override;

  Logger& log_;
  vrrp::os::NftTableOptions options_;
  std::unique_ptr<vrrp::os::NftVipFilter> filter_;  // null until a table is needed
  vrrp::os::NoAcceptGate gate_;
};

}  // namespace vrrpd

#endif  // VRRPD_NO_ACCEPT_FIREWALL_H_
