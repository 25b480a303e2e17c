#include "vrrp/linux/packet_announcer.h"

#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "fmt/format.h"
#include "vrrp/frames.h"
#include "vrrp/linux/sys_error.h"

namespace vrrp::os {

absl::StatusOr<MacAddress> InterfaceMac(const std::string& interface) {
  if (interface.empty() || interface.size() >= IFNAMSIZ) {
    return absl::InvalidArgumentError(
        fmt::format("interface name '{}' must be 1..{} characters", interface, IFNAMSIZ - 1));
  }
  UniqueFd fd(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return SysError("socket(AF_INET, SOCK_DGRAM)", interface);
  ifreq req{};
  std::memcpy(req.ifr_name, interface.data(), interface.size());
  if (ioctl(fd.get(), SIOCGIFHWADDR, &req) < 0) return SysError("ioctl(SIOCGIFHWADDR)", interface);
  if (req.ifr_hwaddr.sa_family != ARPHRD_ETHER) {
    return absl::FailedPreconditionError(
        fmt::format("interface {} is not Ethernet (hardware type {}): no ARP or NA to send on it",
                    interface, req.ifr_hwaddr.sa_family));
  }
  std::array<uint8_t, 6> bytes;
  std::memcpy(bytes.data(), req.ifr_hwaddr.sa_data, 6);
  return MacAddress(bytes);
}

absl::StatusOr<std::unique_ptr<PacketAnnouncer>> PacketAnnouncer::Open(
    PacketAnnouncerOptions options) {
  MacAddress mac;
  if (options.mac) {
    mac = *options.mac;
  } else {
    absl::StatusOr<MacAddress> own = InterfaceMac(options.interface);
    if (!own.ok()) return own.status();
    mac = *own;
  }
  const unsigned ifindex = if_nametoindex(options.interface.c_str());
  if (ifindex == 0) return SysError("if_nametoindex", options.interface);
  // Protocol 0: this socket only sends, so it must not receive (and queue) every frame.
  UniqueFd fd(socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0));
  if (!fd.valid()) {
    const int error = errno;
    absl::Status status = SysError("socket(AF_PACKET, SOCK_RAW)", options.interface, error);
    if (error == EPERM || error == EACCES) {
      return absl::PermissionDeniedError(fmt::format("{} (announcing addresses needs CAP_NET_RAW)",
                                                     std::string(status.message())));
    }
    return status;
  }
  return std::unique_ptr<PacketAnnouncer>(new PacketAnnouncer(
      std::move(options.interface), std::move(fd), static_cast<int>(ifindex), mac));
}

absl::Status PacketAnnouncer::Send(absl::Span<const uint8_t> frame, std::string_view what,
                                   const IpAddress& address) {
  sockaddr_ll to{};
  to.sll_family = AF_PACKET;
  to.sll_ifindex = ifindex_;
  to.sll_halen = 6;
  // The frame has its own Ethernet header; the address only picks the interface.
  std::memcpy(to.sll_addr, frame.data(), 6);
  if (sendto(fd_.get(), frame.data(), frame.size(), 0, reinterpret_cast<const sockaddr*>(&to),
             sizeof(to)) < 0) {
    return SysError(fmt::format("sendto({} for {})", what, address), interface_);
  }
  return absl::OkStatus();
}

absl::Status PacketAnnouncer::Announce(const IpAddress& address) {
  std::array<uint8_t, kMaxAnnouncementSize> frame;
  absl::StatusOr<size_t> n = BuildAnnouncement(mac_, address, absl::MakeSpan(frame));
  if (!n.ok()) return n.status();
  absl::Status sent = Send(absl::MakeConstSpan(frame.data(), *n),
                           address.is_v4() ? "gratuitous ARP" : "NA", address);
  if (sent.ok()) ++sent_;
  return sent;
}

absl::Status PacketAnnouncer::Probe(const IpAddress& address) {
  std::array<uint8_t, kMaxProbeSize> frame;
  absl::StatusOr<size_t> n = BuildProbe(mac_, address, absl::MakeSpan(frame));
  if (!n.ok()) return n.status();
  absl::Status sent = Send(absl::MakeConstSpan(frame.data(), *n),
                           address.is_v4() ? "ARP probe" : "DAD solicitation", address);
  if (sent.ok()) ++probes_sent_;
  return sent;
}

}  // namespace vrrp::os
