// DriverParts: where the Driver gets what it is wired to — the socket of each (interface,
// family), the announcer of each (interface, MAC), the address manager, the link monitor and
// the two questions it asks the system about an interface. Each is a factory; one left empty
// means the Linux part (raw sockets, AF_PACKET, rtnetlink, ioctl), so an embedder never sets
// them, and a test sets them all to vrrp::testing's fakes (testing/linux/fake_host.h) to run
// the Driver's demultiplexing, fault and reload logic without root.
//
//   vrrp::testing::FakeHost host;              // interfaces, addresses, links, sockets in memory
//   host.AddInterface("eth0", {*vrrp::IpAddress::Parse("192.0.2.5")});
//   vrrp::os::DriverOptions options;
//   options.instances = ...;
//   options.parts = host.Parts();
//   auto driver = vrrp::os::Driver::Create(std::move(options));   // no CAP_NET_RAW needed
//
// The Driver names no Linux type but through LinuxDriverParts().
//
// Thread-safety: the factories are called from the thread that calls the Driver (Create,
// Update). Lifetime: whatever they capture must outlive the Driver.
#ifndef VRRP_LINUX_DRIVER_PARTS_H_
#define VRRP_LINUX_DRIVER_PARTS_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "vrrp/address_manager.h"
#include "vrrp/announcer.h"
#include "vrrp/ip_address.h"
#include "vrrp/linux/claim_source.h"
#include "vrrp/linux/link_events.h"
#include "vrrp/linux/vrrp_socket.h"

namespace vrrp::os {

// What the Driver asks the system about an interface when it opens or restarts an instance.
class InterfaceQueries {
 public:
  virtual ~InterfaceQueries() = default;
  // Up with carrier now; kNotFound naming the interface when it is gone.
  [[nodiscard]] virtual absl::StatusOr<bool> IsUp(const std::string& interface) = 0;
  // The interface's index now; kNotFound naming it when it is gone. After lost link
  // notifications, a different index than the socket's means the interface was re-created.
  [[nodiscard]] virtual absl::StatusOr<int> Index(const std::string& interface) = 0;
  // The addresses to send from when the configuration names none, in the kernel's order: every
  // IPv4 address, or every IPv6 link-local one (RFC 5798 §5.1.2.1); the Driver takes the first
  // that is no virtual address. Empty while it has none (before DHCP, during IPv6 DAD);
  // kNotFound naming the interface when it does not exist.
  [[nodiscard]] virtual absl::StatusOr<std::vector<IpAddress>> SourceAddresses(
      const std::string& interface, Family family) = 0;
};

struct DriverParts {
  // The socket every instance on (interface, family) shares; the Driver joins groups and sizes
  // its receive buffer. Called once per (interface, family) in use.
  std::function<absl::StatusOr<std::unique_ptr<VrrpSocket>>(const std::string& interface,
                                                            Family family)>
      open_socket;
  // The same for the instances with auth_type AH (IPv4, IP protocol 51: vrrp/ah.h), whose
  // socket sends the whole IPv4 packets their routers write. Called once per interface in use.
  std::function<absl::StatusOr<std::unique_ptr<VrrpSocket>>(const std::string& interface)>
      open_ah_socket;
  // The announcer of the instances on `interface` announcing with `mac` (nullopt: the
  // interface's own). Called once per (interface, MAC) in use.
  std::function<absl::StatusOr<std::unique_ptr<Announcer>>(const std::string& interface,
                                                           const std::optional<MacAddress>& mac)>
      open_announcer;
  // One per Driver, at Create.
  std::function<absl::StatusOr<std::unique_ptr<AddressManager>>()> open_address_manager;
  std::function<absl::StatusOr<std::unique_ptr<LinkEventSource>>()> open_link_monitor;
  std::function<std::unique_ptr<InterfaceQueries>()> open_queries;
  // The claims of `family`'s addresses seen on `interface` (ARP for IPv4, Neighbor
  // Advertisements for IPv6), for its instances with VIP conflict detection on
  // (InstanceConfig::vip_conflict): opened with its (interface, family) socket when one of them
  // is there.
  std::function<absl::StatusOr<std::unique_ptr<ClaimSource>>(const std::string& interface,
                                                             Family family)>
      open_claim_source;
};

// Every factory set to the Linux part: RawSocketTransport, PacketAnnouncer,
// NetlinkAddressManager, LinkMonitor, InterfaceIsUp / if_nametoindex /
// InterfaceSourceAddresses, and ClaimWatcher.
DriverParts LinuxDriverParts();

// `parts` with each empty factory set to LinuxDriverParts()'s.
DriverParts WithLinuxDefaults(DriverParts parts);

}  // namespace vrrp::os

#endif  // VRRP_LINUX_DRIVER_PARTS_H_
