// For vrrp_driver_options.manage_addresses_externally: an address manager and an announcer that
// touch nothing, so that the Driver elects and reports ADDRESS_ADDED / ADDRESS_REMOVED events
// while the embedder (a cloud API call, a program of its own) moves the address. The address
// manager still answers as a real one would: what was "added" is listed on its interface until
// it is "removed", so the Driver's own bookkeeping (leftovers at start, idempotent retries)
// sees a consistent interface.
//
// Thread-safety: none; called from the thread that runs the Driver. Lifetime: owned by it.
#ifndef VRRP_BINDINGS_C_DRIVER_NULL_PARTS_H_
#define VRRP_BINDINGS_C_DRIVER_NULL_PARTS_H_

#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "vrrp/address_manager.h"
#include "vrrp/announcer.h"
#include "vrrp/linux/driver_parts.h"

namespace vrrp::c_abi {

class NullAddressManager final : public AddressManager {
 public:
  // kInvalidArgument for a malformed address (as the netlink manager refuses it); kNotFound
  // naming an interface that does not exist. Otherwise only recorded.
  absl::Status Add(const VirtualAddress& vip) override;
  absl::Status Remove(const VirtualAddress& vip) override;
  // What was added on `interface` and not removed since, in the order added.
  absl::StatusOr<std::vector<InterfaceAddress>> List(std::string_view interface) override;

 private:
  std::vector<VirtualAddress> present_;
};

class NullAnnouncer final : public Announcer {
 public:
  absl::Status Announce(const IpAddress&) override { return absl::OkStatus(); }
};

// `parts` with the address manager and the announcers set to the null ones above; the sockets,
// link events and interface queries stay Linux's.
os::DriverParts WithNullAddressParts(os::DriverParts parts);

}  // namespace vrrp::c_abi

#endif  // VRRP_BINDINGS_C_DRIVER_NULL_PARTS_H_
