// LinkEvent and LinkEventSource: the link and address changes the Driver follows, so that it
// puts the routers of an interface in Fault while its link is down or the address they send
// from is gone, and takes them out when it comes back (keepalived: "Netlink reports eth0
// down"). LinkMonitor (link_monitor.h) reads them from rtnetlink; vrrp::testing's FakeHost
// raises them when a test sets a link down or removes an address.
//
//   std::unique_ptr<vrrp::os::LinkEventSource> links = ...;  // DriverParts::open_link_monitor
//   // when links->fd() is readable:
//   absl::Status s = links->Process([&](const vrrp::os::LinkEvent& e) { ... });
//   if (s.code() == absl::StatusCode::kDataLoss) { /* events were lost: re-read the state */ }
//
// Thread-safety: none; one thread uses a source.
#ifndef VRRP_LINUX_LINK_EVENTS_H_
#define VRRP_LINUX_LINK_EVENTS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "vrrp/ip_address.h"

namespace vrrp::os {

struct LinkEvent {
  enum class Kind : uint8_t {
    kLink,            // RTM_NEWLINK: `up` says whether the link is usable
    kLinkRemoved,     // RTM_DELLINK: the interface is gone
    kAddressAdded,    // RTM_NEWADDR: `address`
    kAddressRemoved,  // RTM_DELADDR: `address`
  };
  Kind kind = Kind::kLink;
  int ifindex = 0;
  std::string interface;  // IFLA_IFNAME for link events; empty for address events
  // Administratively up (IFF_UP) and with carrier (IFF_RUNNING): what VRRP needs to work.
  bool up = false;
  std::optional<IpAddress> address;
  // kAddressAdded: IPv6 Duplicate Address Detection still runs on it (IFA_F_TENTATIVE) or found
  // it in use (IFA_F_DADFAILED): nothing can be sent from it yet. The kernel notifies again
  // when DAD ends.
  bool tentative = false;
};

class LinkEventSource {
 public:
  virtual ~LinkEventSource() = default;
  // Readable while events wait: what an event loop watches.
  virtual int fd() const = 0;
  // Calls `on_event` for every event waiting (non-blocking). kDataLoss when events were lost
  // (the kernel's ENOBUFS), so the caller re-reads the state it cares about.
  [[nodiscard]] virtual absl::Status Process(
      const std::function<void(const LinkEvent&)>& on_event) = 0;
};

}  // namespace vrrp::os

#endif  // VRRP_LINUX_LINK_EVENTS_H_
