#include "vrrp/linux/link_monitor.h"

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <iterator>

#include "netlink_framing.h"
#include "vrrp/linux/netlink_messages.h"
#include "vrrp/linux/sys_error.h"

namespace vrrp::os {
namespace {

// The monitor's receive queue, asked for: 1,024 notifications at the 2 KiB an RTM_NEWADDR costs
// at most, twice the Driver's batch of renewals (driver.cc, kRenewalsPerBatch).
constexpr int kNotificationQueue = 2 * 1024 * 1024;

absl::Status Malformed(std::string_view what) {
  return absl::DataLossError(fmt::format("malformed rtnetlink notification: {}", what));
}

// Walks the attributes after a fixed header, bounded by the message.
template <typename F>
absl::Status ForEachAttribute(absl::Span<const uint8_t> attrs, F&& f) {
  size_t offset = 0;
  while (offset + sizeof(rtattr) <= attrs.size()) {
    rtattr a;
    std::memcpy(&a, attrs.data() + offset, sizeof(a));
    if (a.rta_len < sizeof(rtattr) || offset + a.rta_len > attrs.size()) {
      return Malformed("attribute length runs past the message");
    }
    f(a.rta_type, attrs.subspan(offset + sizeof(rtattr), a.rta_len - sizeof(rtattr)));
    offset += RTA_ALIGN(a.rta_len);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::optional<LinkEvent>> ParseLinkNotification(absl::Span<const uint8_t> message) {
  if (message.size() < sizeof(nlmsghdr)) return Malformed("shorter than a netlink header");
  nlmsghdr header;
  std::memcpy(&header, message.data(), sizeof(header));
  if (header.nlmsg_len < sizeof(nlmsghdr) || header.nlmsg_len > message.size()) {
    return Malformed("nlmsg_len does not fit the datagram");
  }
  message = message.first(header.nlmsg_len);
  switch (header.nlmsg_type) {
    case RTM_NEWLINK:
    case RTM_DELLINK: {
      if (message.size() < NLMSG_LENGTH(sizeof(ifinfomsg))) return Malformed("short ifinfomsg");
      ifinfomsg info;
      std::memcpy(&info, message.data() + NLMSG_HDRLEN, sizeof(info));
      LinkEvent event;
      event.kind =
          header.nlmsg_type == RTM_NEWLINK ? LinkEvent::Kind::kLink : LinkEvent::Kind::kLinkRemoved;
      event.ifindex = info.ifi_index;
      event.up = header.nlmsg_type == RTM_NEWLINK && (info.ifi_flags & IFF_UP) != 0 &&
                 (info.ifi_flags & IFF_RUNNING) != 0;
      absl::Status walked =
          ForEachAttribute(message.subspan(NLMSG_LENGTH(sizeof(ifinfomsg))),
                           [&](uint16_t type, absl::Span<const uint8_t> value) {
                             if (type == IFLA_IFNAME && !value.empty()) {
                               const char* name = reinterpret_cast<const char*>(value.data());
                               event.interface.assign(name, strnlen(name, value.size()));
                             }
                           });
      if (!walked.ok()) return walked;
      return std::optional<LinkEvent>(std::move(event));
    }
    case RTM_NEWADDR:
    case RTM_DELADDR: {
      absl::StatusOr<AddressRecord> record = ParseAddressMessage(message);
      if (!record.ok()) return record.status();
      LinkEvent event;
      event.kind = header.nlmsg_type == RTM_NEWADDR ? LinkEvent::Kind::kAddressAdded
                                                    : LinkEvent::Kind::kAddressRemoved;
      event.ifindex = static_cast<int>(record->ifindex);
      event.address = record->entry.vip.address;
      event.tentative = record->entry.tentative || record->entry.dad_failed;
      return std::optional<LinkEvent>(std::move(event));
    }
    default:
      return std::optional<LinkEvent>();
  }
}

uint64_t ParseLinkDatagram(absl::Span<const uint8_t> datagram,
                           const std::function<void(const LinkEvent&)>& on_event) {
  uint64_t malformed = 0;
  while (datagram.size() >= sizeof(nlmsghdr)) {
    nlmsghdr header;
    std::memcpy(&header, datagram.data(), sizeof(header));
    if (header.nlmsg_len < sizeof(nlmsghdr) || header.nlmsg_len > datagram.size()) {
      ++malformed;
      break;
    }
    absl::StatusOr<std::optional<LinkEvent>> event =
        ParseLinkNotification(datagram.first(header.nlmsg_len));
    if (!event.ok()) {
      ++malformed;
    } else if (event->has_value()) {
      on_event(**event);
    }
    const size_t step = NLMSG_ALIGN(header.nlmsg_len);
    if (step >= datagram.size()) break;
    datagram.remove_prefix(step);
  }
  return malformed;
}

absl::StatusOr<bool> InterfaceIsUp(const std::string& interface) {
  if (interface.empty() || interface.size() >= IFNAMSIZ) {
    return absl::InvalidArgumentError(fmt::format("bad interface name '{}'", interface));
  }
  UniqueFd fd(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return SysError("socket(AF_INET, SOCK_DGRAM)", interface);
  ifreq req{};
  std::memcpy(req.ifr_name, interface.data(), interface.size());
  if (ioctl(fd.get(), SIOCGIFFLAGS, &req) < 0) return SysError("ioctl(SIOCGIFFLAGS)", interface);
  return (req.ifr_flags & IFF_UP) != 0 && (req.ifr_flags & IFF_RUNNING) != 0;
}

absl::StatusOr<std::unique_ptr<LinkMonitor>> LinkMonitor::Open(LinkMonitorOptions options) {
  UniqueFd fd(socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE));
  if (!fd.valid()) return SysError("socket(AF_NETLINK, NETLINK_ROUTE)", "link monitor");
  sockaddr_nl local{};
  local.nl_family = AF_NETLINK;
  local.nl_groups = RTMGRP_LINK;
  if (options.addresses) local.nl_groups |= RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR;
  if (bind(fd.get(), reinterpret_cast<const sockaddr*>(&local), sizeof(local)) < 0) {
    return SysError(options.addresses
                        ? "bind(RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR)"
                        : "bind(RTMGRP_LINK)",
                    "link monitor");
  }
  // Bursts of address notifications: a takeover of many VIPs, or the Driver's lease renewals
  // (AddressManager::AddAll, up to kRenewalsPerBatch addresses between two reads of this socket)
  // when the monitor was not told to ignore them (IgnoreAddressesAddedBy): room for a batch
  // (about 1 KiB each in the queue's accounting) and the rest, so that they never overrun the
  // monitor (an overrun makes the Driver read every interface afresh).
  if (options.addresses) (void)AskReceiveQueue(fd.get(), kNotificationQueue);
  return std::unique_ptr<LinkMonitor>(new LinkMonitor(std::move(fd)));
}

absl::Status LinkMonitor::IgnoreAddressesAddedBy(uint32_t port_id) {
  // A notification is one message per datagram: nlmsg_type at offset 4, nlmsg_pid at 12, both
  // in host order. Absolute loads read network order, hence the constants through htons/htonl.
  sock_filter code[] = {
      {BPF_LD | BPF_H | BPF_ABS, 0, 0, offsetof(nlmsghdr, nlmsg_type)},
      {BPF_JMP | BPF_JEQ | BPF_K, 0, 3, htons(RTM_NEWADDR)},  // not an addition: 5, keep
      {BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(nlmsghdr, nlmsg_pid)},
      {BPF_JMP | BPF_JEQ | BPF_K, 0, 1, htonl(port_id)},  // another sender's: 5, keep
      {BPF_RET | BPF_K, 0, 0, 0},                         // 4: drop
      {BPF_RET | BPF_K, 0, 0, 0xffffffff},                // 5: keep it whole
  };
  const sock_fprog program{static_cast<unsigned short>(std::size(code)), code};
  if (setsockopt(fd_.get(), SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof(program)) < 0) {
    return SysError("setsockopt(SO_ATTACH_FILTER)", "link monitor");
  }
  return absl::OkStatus();
}

absl::Status LinkMonitor::Process(const std::function<void(const LinkEvent&)>& on_event) {
  alignas(nlmsghdr) std::array<uint8_t, 16384> buffer;
  for (;;) {
    ssize_t n = recv(fd_.get(), buffer.data(), buffer.size(), 0);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return absl::OkStatus();
      if (errno == EINTR) continue;
      if (errno == ENOBUFS) {
        return absl::DataLossError(
            "link monitor: the kernel dropped notifications (ENOBUFS); re-read link state");
      }
      return SysError("recv", "link monitor");
    }
    malformed_ +=
        ParseLinkDatagram(absl::MakeConstSpan(buffer.data(), static_cast<size_t>(n)), on_event);
  }
}

}  // namespace vrrp::os
