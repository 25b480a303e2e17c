// NoAcceptGate: Accept_Mode off (RFC 5798 §6.1: a Master that does not own the addresses
// "MUST NOT accept packets addressed to" them) for the addresses that ask for it, as a decorator
// of the AddressManager the Driver adds and removes VIPs with. keepalived.conf(5): `no_accept`,
// or `vrrp_strict` (which implies it), on any instance but an address owner (priority 255).
//
//   vrrp::os::NoAcceptGate gate(*filter);             // an AddressFilter, e.g. NftVipFilter
//   gate.SetNoAccept(addresses);                      // the no_accept instances' VIPs and eVIPs
//   parts.open_address_manager = [&] { ... return gate.Wrap(std::move(netlink_manager)); };
//
// The order is keepalived's: the filter first, then the address (no moment where a new Master's
// VIP takes traffic); the address removed first, then the filter. An address whose filter
// cannot be set is not added (the Add fails with the filter's error), so a Master never holds a
// no_accept VIP that accepts traffic. Renewing a lease (Add again) costs no filter call, and
// AddAll's batch reaches the wrapped manager as one batch.
//
// Thread-safety: none; the Driver's thread. Lifetime: the gate and its filter outlive every
// manager Wrap() made.
#ifndef VRRP_LINUX_NO_ACCEPT_GATE_H_
#define VRRP_LINUX_NO_ACCEPT_GATE_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "vrrp/address_manager.h"
#include "vrrp/linux/nft_vip_filter.h"

namespace vrrp::os {

class NoAcceptGate {
 public:
  explicit NoAcceptGate(AddressFilter& filter) : filter_(filter) {}
  NoAcceptGate(const NoAcceptGate&) = delete;
  NoAcceptGate& operator=(const NoAcceptGate&) = delete;

  // The addresses (address and interface) that are filtered while held. A reload calls it
  // again: an address held now is blocked or unblocked to match. Every change is tried; the
  // first failure is returned (an address that stays unblocked says so).
  [[nodiscard]] absl::Status SetNoAccept(absl::Span<const VirtualAddress> addresses);

  // `inner` with its Add and Remove gated; List is passed through.
  std::unique_ptr<AddressManager> Wrap(std::unique_ptr<AddressManager> inner);

  size_t held() const { return held_.size(); }
  size_t blocked() const { return blocked_.size(); }

 private:
  using Key = std::pair<IpAddress, std::string>;  // the address and its interface
  static Key KeyOf(const VirtualAddress& vip) { return {vip.address, vip.interface}; }
  // What a filter needs of a held address (AddressFilter: the address, and its interface for a
  // link-local one).
  static VirtualAddress AddressOf(const Key& key) {
    VirtualAddress vip;
    vip.address = key.first;
    vip.interface = key.second;
    return vip;
  }
  friend class GatedAddressManager;
  absl::Status Add(AddressManager& inner, const VirtualAddress& vip);
  // Add for each, the addresses passed on to `inner` in one AddAll (batched lease renewals).
  std::vector<absl::Status> AddAll(AddressManager& inner, absl::Span<const VirtualAddress> vips);
  // Add's two halves: the filter before the address (true: newly blocked), and after it,
  // whether it was added, its rule kept or taken back.
  absl::StatusOr<bool> BlockBefore(const VirtualAddress& vip);
  absl::Status After(const VirtualAddress& vip, bool newly_blocked, absl::Status added);
  absl::Status Remove(AddressManager& inner, const VirtualAddress& vip);

  AddressFilter& filter_;
  absl::flat_hash_set<Key> no_accept_;
  // Added through a gated manager. Keys only: at 1,000 VIPs whole VirtualAddresses were
  // 0.36 MB of a Master's heap.
  absl::flat_hash_set<Key> held_;
  absl::flat_hash_set<Key> blocked_;  // held and filtered
};

}  // namespace vrrp::os

#endif  // VRRP_LINUX_NO_ACCEPT_GATE_H_
