// LinkMonitor: the kernel's link and address notifications (rtnetlink multicast groups
// RTMGRP_LINK, RTMGRP_IPV4_IFADDR, RTMGRP_IPV6_IFADDR) as events, so the driver can put the
// routers of an interface in Fault when its link goes down or the address they send from
// disappears, and take them out when it comes back (keepalived: "Netlink reports eth0 down").
//
//   auto monitor = vrrp::os::LinkMonitor::Open();
//   // when monitor->fd() is readable:
//   (*monitor)->Process([](const vrrp::os::LinkEvent& e) { ... });
//
// The parsing is pure functions (ParseLinkDatagram, ParseLinkNotification), tested and fuzzed
// (fuzz/netlink_fuzz.cc) without root or a socket. The Driver sees
// it as a LinkEventSource (link_events.h), so its tests can bring a fake one.
#ifndef VRRP_LINUX_LINK_MONITOR_H_
#define VRRP_LINUX_LINK_MONITOR_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "fmt/format.h"
#include "vrrp/ip_address.h"
#include "vrrp/linux/link_events.h"
#include "vrrp/linux/unique_fd.h"

namespace vrrp::os {

// Parses one rtnetlink message (header included). nullopt for messages of other types (the
// monitor ignores them); kDataLoss naming the fault for a truncated or malformed one.
absl::StatusOr<std::optional<LinkEvent>> ParseLinkNotification(absl::Span<const uint8_t> message);

// One received datagram, which may carry several messages (each NLMSG_ALIGNed): calls `on_event`
// for each event in order and returns how many messages were malformed and skipped. A message
// whose length does not fit the datagram ends the walk (counted once); fewer trailing bytes than
// a header are ignored.
uint64_t ParseLinkDatagram(absl::Span<const uint8_t> datagram,
                           const std::function<void(const LinkEvent&)>& on_event);

// Whether `interface` is up with carrier now (SIOCGIFFLAGS); kNotFound naming it if it is gone.
absl::StatusOr<bool> InterfaceIsUp(const std::string& interface);

struct LinkMonitorOptions {
  // Also the address groups. Off for a caller that only cares about links (vrrpd's tracking):
  // a Master renewing VIP leases makes the kernel send one address notification per VIP and
  // second, which such a socket would be woken for in vain.
  bool addresses = true;
};

// Thread-safety: none; one thread.
class LinkMonitor final : public LinkEventSource {
 public:
  // A NETLINK_ROUTE socket bound to the link (and address) groups; needs no privilege.
  static absl::StatusOr<std::unique_ptr<LinkMonitor>> Open(LinkMonitorOptions options = {});

  int fd() const override { return fd_.get(); }
  // Reads every notification waiting (non-blocking) and calls `on_event` for each. A malformed
  // message is skipped and counted; an overrun (ENOBUFS: the kernel dropped notifications) is
  // reported as kDataLoss so the caller can re-read the state it cares about.
  [[nodiscard]] absl::Status Process(
      const std::function<void(const LinkEvent&)>& on_event) override;
  uint64_t malformed() const { return malformed_; }

  // From now on the kernel drops, before queueing them, the RTM_NEWADDR notifications of
  // requests sent from netlink port `port_id` (a classic BPF filter on the socket): the Driver's
  // lease renewals (NetlinkAddressManager::batch_port_id), 1,000 a second at 1,000 Masters, of
  // addresses that are there already and no instance's source. Deletions still arrive, and
  // every other sender's additions.
  [[nodiscard]] absl::Status IgnoreAddressesAddedBy(uint32_t port_id);

 private:
  explicit LinkMonitor(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
  uint64_t malformed_ = 0;
};

}  // namespace vrrp::os

#endif  // VRRP_LINUX_LINK_MONITOR_H_
