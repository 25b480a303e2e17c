#include "vrrp/linux/driver_parts.h"

#include <net/if.h>

#include <utility>

#include "vrrp/ah.h"
#include "vrrp/linux/address_manager.h"
#include "vrrp/linux/claim_watcher.h"
#include "vrrp/linux/link_monitor.h"
#include "vrrp/linux/packet_announcer.h"
#include "vrrp/linux/raw_socket.h"
#include "vrrp/linux/sys_error.h"

namespace vrrp::os {
namespace {

class LinuxInterfaceQueries final : public InterfaceQueries {
 public:
  absl::StatusOr<bool> IsUp(const std::string& interface) override {
    return InterfaceIsUp(interface);
  }
  absl::StatusOr<int> Index(const std::string& interface) override {
    const unsigned index = if_nametoindex(interface.c_str());
    if (index == 0) return SysError("if_nametoindex", interface);
    return static_cast<int>(index);
  }
  absl::StatusOr<std::vector<IpAddress>> SourceAddresses(const std::string& interface,
                                                         Family family) override {
    return InterfaceSourceAddresses(interface, family);
  }
};

// The Linux parts' Open returns the concrete type; a factory returns the interface.
template <typename Base, typename Derived>
absl::StatusOr<std::unique_ptr<Base>> Up(absl::StatusOr<std::unique_ptr<Derived>> opened) {
  if (!opened.ok()) return opened.status();
  return std::unique_ptr<Base>(std::move(*opened));
}

}  // namespace

DriverParts LinuxDriverParts() {
  DriverParts parts;
  // The Driver sizes the receive buffer itself (SetReceiveBuffer) as instances join.
  parts.open_socket = [](const std::string& interface, Family family) {
    return Up<VrrpSocket>(RawSocketTransport::Open({.interface = interface, .family = family}));
  };
  parts.open_ah_socket = [](const std::string& interface) {
    return Up<VrrpSocket>(RawSocketTransport::Open(
        {.interface = interface, .family = Family::kIPv4, .protocol = kIpProtocolAh}));
  };
  parts.open_announcer = [](const std::string& interface, const std::optional<MacAddress>& mac) {
    return Up<Announcer>(PacketAnnouncer::Open({.interface = interface, .mac = mac}));
  };
  parts.open_address_manager = [] { return Up<AddressManager>(NetlinkAddressManager::Open()); };
  parts.open_link_monitor = [] { return Up<LinkEventSource>(LinkMonitor::Open()); };
  parts.open_queries = []() -> std::unique_ptr<InterfaceQueries> {
    return std::make_unique<LinuxInterfaceQueries>();
  };
  parts.open_claim_source = [](const std::string& interface, Family family) {
    return Up<ClaimSource>(ClaimWatcher::Open({.interface = interface, .family = family}));
  };
  return parts;
}

DriverParts WithLinuxDefaults(DriverParts parts) {
  DriverParts linux_parts = LinuxDriverParts();
  if (!parts.open_socket) parts.open_socket = std::move(linux_parts.open_socket);
  if (!parts.open_ah_socket) parts.open_ah_socket = std::move(linux_parts.open_ah_socket);
  if (!parts.open_announcer) parts.open_announcer = std::move(linux_parts.open_announcer);
  if (!parts.open_address_manager) {
    parts.open_address_manager = std::move(linux_parts.open_address_manager);
  }
  if (!parts.open_link_monitor) parts.open_link_monitor = std::move(linux_parts.open_link_monitor);
  if (!parts.open_queries) parts.open_queries = std::move(linux_parts.open_queries);
  if (!parts.open_claim_source) {
    parts.open_claim_source = std::move(linux_parts.open_claim_source);
  }
  return parts;
}

}  // namespace vrrp::os
