// PacketAnnouncer: sends gratuitous ARP / unsolicited NA frames (vrrp/frames.h) for one interface
// on an AF_PACKET socket, the Linux implementation of vrrp::Announcer.
//
// The frames carry the interface's MAC, as keepalived's do (tests/vectors/keepalived-garp.*), or
// a MAC given in the options (the virtual MAC of RFC 5798 §7.3 when the router uses one).
//
//   auto announcer = vrrp::os::PacketAnnouncer::Open({.interface = "eth0"});  // CAP_NET_RAW
//   if (announcer.ok()) (void)(*announcer)->Announce(vip);
#ifndef VRRP_LINUX_PACKET_ANNOUNCER_H_
#define VRRP_LINUX_PACKET_ANNOUNCER_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "vrrp/announcer.h"
#include "vrrp/linux/unique_fd.h"

namespace vrrp::os {

struct PacketAnnouncerOptions {
  std::string interface;
  // The source MAC of the frames and the MAC they announce. Default: the interface's.
  std::optional<MacAddress> mac;
};

// Thread-safety: none; one thread.
class PacketAnnouncer final : public Announcer {
 public:
  // kNotFound for an unknown interface; kPermissionDenied naming CAP_NET_RAW without it.
  static absl::StatusOr<std::unique_ptr<PacketAnnouncer>> Open(PacketAnnouncerOptions options);

  const MacAddress& mac() const { return mac_; }
  int ifindex() const { return ifindex_; }
  uint64_t sent() const { return sent_; }
  uint64_t probes_sent() const { return probes_sent_; }

  [[nodiscard]] absl::Status Announce(const IpAddress& address) override;
  // An RFC 5227 ARP probe or a DAD Neighbor Solicitation for `address` (vrrp/frames.h): a host
  // holding it answers with a claim that a ClaimWatcher sees.
  [[nodiscard]] absl::Status Probe(const IpAddress& address) override;

 private:
  PacketAnnouncer(std::string interface, UniqueFd fd, int ifindex, MacAddress mac)
      : interface_(std::move(interface)), fd_(std::move(fd)), ifindex_(ifindex), mac_(mac) {}
  absl::Status Send(absl::Span<const uint8_t> frame, std::string_view what,
                    const IpAddress& address);

  std::string interface_;
  UniqueFd fd_;
  int ifindex_;
  MacAddress mac_;
  uint64_t sent_ = 0;
  uint64_t probes_sent_ = 0;
};

// The interface's hardware address (SIOCGIFHWADDR).
absl::StatusOr<MacAddress> InterfaceMac(const std::string& interface);

}  // namespace vrrp::os

#endif  // VRRP_LINUX_PACKET_ANNOUNCER_H_
