// AddressManager: how a virtual router's addresses get on and off an interface, as an interface
// the driver calls, so an embedder can bring its own (a DPDK load balancer, a test double) while
// the Linux layer provides the netlink one (vrrp::os::NetlinkAddressManager).
//
// RFC 5798 §6.4.2 / §6.4.3: a router that becomes Master adds the virtual addresses, one that
// leaves Master removes them. Both calls are idempotent, so the driver can repeat them after a
// partial failure: adding an address that is there, or removing one that is gone, is success.
//
//   vrrp::VirtualAddress vip{.address = *vrrp::IpAddress::Parse("192.0.2.3"),
//                            .prefix_len = 24, .interface = "eth0", .label = "eth0:vip"};
//   if (absl::Status s = manager.Add(vip); !s.ok()) { ... }   // ip addr add ... label eth0:vip
//   fmt::print("{}\n", vip);  // 192.0.2.3/24 dev eth0 scope global label eth0:vip
//   std::vector<absl::Status> each = manager.AddAll(vips);  // one status per address, in order
//
// After a crash (SIGKILL) the addresses of the earlier run stay on the interface, and two hosts
// then answer ARP for them; keepalived logs "removing VIPs." when it starts again. At start-up,
// before the state machine runs, the driver calls RemoveLeftoverAddresses() for each interface.
//
// This header is core: no system calls, only the interface and pure helpers.
#ifndef VRRP_ADDRESS_MANAGER_H_
#define VRRP_ADDRESS_MANAGER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "fmt/format.h"
#include "vrrp/ip_address.h"

namespace vrrp {

// The scope of an address, as `ip addr ... scope` and keepalived's virtual_ipaddress spell it.
enum class AddressScope : uint8_t { kGlobal, kSite, kLink, kHost };

std::string_view AddressScopeName(AddressScope scope);  // "global", "site", "link", "host"

// The longest interface name or label (Linux IFNAMSIZ is 16 with the terminating NUL).
inline constexpr size_t kMaxInterfaceNameLength = 15;

// OK when the kernel would take `name` for a new link (its dev_valid_name): 1..15 characters,
// not "." or "..", and no '/', ':', NUL or whitespace. The message names the first fault.
absl::Status ValidateLinkName(std::string_view name);

// One virtual address on one interface: a line of keepalived's virtual_ipaddress block.
struct VirtualAddress {
  IpAddress address;
  uint8_t prefix_len = 32;  // 0..32 for IPv4, 0..128 for IPv6 (set it: 32 is IPv4's host prefix)
  std::string interface;    // the interface's name, e.g. "eth0"
  // IPv4 only: an alias label such as "eth0:vip" (at most 15 characters). Empty: none.
  std::string label;
  AddressScope scope = AddressScope::kGlobal;
  std::optional<IpAddress> broadcast;  // IPv4 only
  // false: no route for the prefix is added with the address (keepalived's `noprefixroute`).
  // The default, like `ip addr add` and keepalived, lets the kernel add it.
  bool prefix_route = true;
  // IPv6 only. false (the default, as keepalived): the address is usable at once, without
  // Duplicate Address Detection; a new Master must answer for it immediately (RFC 5798 §6.4.2).
  // true: keepalived's `-nodad`, the kernel runs DAD and the address is tentative meanwhile.
  bool ipv6_dad = false;
  // Crash-safe VIPs (ours, not keepalived's): when non-zero, the kernel's valid and preferred
  // lifetime of the address in seconds (IFA_CACHEINFO, `ip addr add ... valid_lft N
  // preferred_lft N`); adding it again renews the lease. The kernel deletes an address whose
  // lease ran out, so a Master killed without cleaning up lets go of its VIPs by itself. 0 (the
  // default, as keepalived): permanent. At most kMaxLeaseSeconds.
  uint32_t lease_seconds = 0;

  friend bool operator==(const VirtualAddress&, const VirtualAddress&) = default;
};

// The longest lease: one day. The kernel's limit is 2^32 - 2 s (all ones means forever), but a
// lease longer than a day protects nothing in practice and hides a mistyped value.
inline constexpr uint32_t kMaxLeaseSeconds = 86400;

// kInvalidArgument naming the address when a field cannot be right: prefix too long for the
// family, an empty or too long interface name, a label on IPv6 or longer than 15 characters, a
// broadcast on IPv6 or of the wrong family, an unspecified or multicast address, a lease longer
// than kMaxLeaseSeconds.
[[nodiscard]] absl::Status Validate(const VirtualAddress& vip);

// "192.0.2.3/24 dev eth0 scope global label eth0:vip brd 192.0.2.255 noprefixroute", in the
// order and words of `ip addr`. Only what differs from the defaults is added after the scope; a
// lease as " valid_lft 6 preferred_lft 6".
std::string ToString(const VirtualAddress& vip);

// An address found on an interface: the virtual-address fields plus the kernel's state of it.
struct InterfaceAddress {
  VirtualAddress vip;       // `label` empty when the kernel's label is the interface name
  bool secondary = false;   // IPv4: not the first address of its subnet on the interface
  bool tentative = false;   // IPv6: Duplicate Address Detection still running
  bool dad_failed = false;  // IPv6: Duplicate Address Detection found the address in use
  bool permanent = true;    // false: it has a lifetime (DHCP, IPv6 autoconfiguration)

  friend bool operator==(const InterfaceAddress&, const InterfaceAddress&) = default;
};

// Thread-safety: an implementation is called from the thread that runs its instances.
class AddressManager {
 public:
  virtual ~AddressManager() = default;

  // Adds the address; success when it is already there (same address and prefix). With
  // vip.lease_seconds, an address that is there gets its lease renewed to that many seconds.
  [[nodiscard]] virtual absl::Status Add(const VirtualAddress& vip) = 0;
  // Add for each address of `vips`, as one batch: one status per address, in order, each what
  // Add would have returned for it (an address that is there is success, a leased one gets its
  // lease renewed, one that fails does not stop the others). For a driver that renews many
  // Masters' leases at once (issue 10): the Linux manager sends the whole batch in one netlink
  // send per 64 KiB and looks each interface up once, where Add costs a round trip per address.
  // The default calls Add for each, so an implementation that has no cheaper way needs nothing.
  [[nodiscard]] virtual std::vector<absl::Status> AddAll(absl::Span<const VirtualAddress> vips);
  // Removes the address (matched by address and prefix length); success when it is not there.
  // A missing interface is an error naming it, for both calls.
  [[nodiscard]] virtual absl::Status Remove(const VirtualAddress& vip) = 0;
  // Every address of both families on the interface, in the kernel's order.
  [[nodiscard]] virtual absl::StatusOr<std::vector<InterfaceAddress>> List(
      std::string_view interface) = 0;
  // A decorator (vrrp::os::NoAcceptGate's, say) returns the manager it passes its calls on to,
  // so that a driver can find the implementation under it; nullptr otherwise.
  virtual AddressManager* wrapped() { return nullptr; }
};

// The decision half of start-up reconciliation, pure: which of `current` (the addresses now on
// one interface) are virtual addresses left behind by an earlier run, i.e. whose address equals
// that of a VIP in `owned` configured on that interface. They are returned as found (with the
// prefix and label they have now, which is what a removal must name), in the order of `current`.
//
// `owned` lists the addresses a router adds when it becomes Master and removes when it leaves.
// A leased VIP (VirtualAddress::lease_seconds, InterfaceAddress::permanent false) is chosen as
// any other: a run that was killed less than a lease ago left it there.
// An address owner's (priority 255) addresses are the interface's own: do not pass them, they
// must stay. Addresses that are not VIPs, such as the interface's primary one, are never chosen.
std::vector<InterfaceAddress> LeftoverAddresses(absl::Span<const VirtualAddress> owned,
                                                absl::Span<const InterfaceAddress> current);

// The acting half: lists `interface`, removes LeftoverAddresses() through `manager`, and returns
// what it removed. Stops at the first failure (the status names the address).
[[nodiscard]] absl::StatusOr<std::vector<InterfaceAddress>> RemoveLeftoverAddresses(
    AddressManager& manager, std::string_view interface, absl::Span<const VirtualAddress> owned);

}  // namespace vrrp

template <>
struct fmt::formatter<vrrp::VirtualAddress> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(const vrrp::VirtualAddress& vip, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format(vrrp::ToString(vip), ctx);
  }
};

#endif  // VRRP_ADDRESS_MANAGER_H_
