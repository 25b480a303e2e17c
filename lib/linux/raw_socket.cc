#include "vrrp/linux/raw_socket.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <linux/if_addr.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "fmt/format.h"
#include "vrrp/ah.h"
#include "vrrp/ip_packet.h"
#include "vrrp/linux/sys_error.h"

namespace vrrp::os {
namespace {

// An error from socket(): without CAP_NET_RAW it is EPERM, and the operator needs to be told
// which capability to grant, not only the errno.
absl::Status SocketError(const std::string& interface, Family family, uint8_t protocol) {
  int error = errno;
  absl::Status status =
      SysError(fmt::format("socket({}, SOCK_RAW, {})",
                           family == Family::kIPv4 ? "AF_INET" : "AF_INET6", protocol),
               interface, error);
  if (error == EPERM || error == EACCES) {
    return absl::PermissionDeniedError(
        fmt::format("{} (VRRP needs CAP_NET_RAW for raw sockets)", std::string(status.message())));
  }
  return status;
}

// One setsockopt(2) with an int value, named for the error message.
struct IntOption {
  int level;
  int name;
  int value;
  const char* label;
};

absl::Status SetOptions(int fd, absl::Span<const IntOption> options, const std::string& interface) {
  for (const IntOption& o : options) {
    if (setsockopt(fd, o.level, o.name, &o.value, sizeof(o.value)) < 0) {
      return SysError(fmt::format("setsockopt({})", o.label), interface);
    }
  }
  return absl::OkStatus();
}

sockaddr_storage ToSockaddr(const IpAddress& ip, int ifindex, socklen_t& len) {
  sockaddr_storage ss{};
  if (ip.is_v4()) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
    sin->sin_family = AF_INET;
    std::memcpy(&sin->sin_addr, ip.bytes().data(), 4);
    len = sizeof(sockaddr_in);
  } else {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
    sin6->sin6_family = AF_INET6;
    std::memcpy(&sin6->sin6_addr, ip.bytes().data(), 16);
    // A link-local or link-scope multicast destination needs the interface.
    if (ip.IsLinkLocal() || ip.IsMulticast()) sin6->sin6_scope_id = static_cast<uint32_t>(ifindex);
    len = sizeof(sockaddr_in6);
  }
  return ss;
}

// The IPv4 header of a VRRP message to a multicast group (RFC 5798 §5.1.1), written by us on
// the multicast sender (IPPROTO_RAW: IP_HDRINCL) rather than by the kernel's own raw-socket
// path, whose corking (ip_append_data, ip_push_pending_frames) cost about 100 ns more per
// packet: a tenth of the kernel's send at 1,000 Masters. TOS from the options, TTL 255
// (§5.1.1.3), don't fragment and ID 0, which the kernel leaves for such an atomic datagram
// (RFC 6864 §4.1): what the unicast path writes too (IP_PMTUDISC_DO). Send has checked both
// addresses are IPv4 and `out` holds kIpv4HeaderSize bytes, so this cannot fail.
void WriteVrrpIpv4Header(absl::Span<uint8_t> out, uint8_t tos, size_t payload_size,
                         const IpAddress& source, const IpAddress& destination) {
  const Ipv4Header header{.tos = tos,
                          .total_length = static_cast<uint16_t>(kIpv4HeaderSize + payload_size),
                          .dont_fragment = true,
                          .ttl = kVrrpTtl,
                          .protocol = kIpProtocolVrrp,
                          .source = source,
                          .destination = destination};
  (void)WriteIpv4Header(header, out);
}

// VRRP over IPv4 to a group goes out through a second socket of protocol IPPROTO_RAW: it sends
// with our header (WriteVrrpIpv4Header) and receives nothing, so it costs the receive path
// nothing. The protocol-112 socket cannot take IP_HDRINCL for this: its unicast sends would then
// lose the kernel's cached route (it caches none for a hdrincl flow to an on-link peer: the
// flow says it knows its next hop), about 110 ns more each.
absl::StatusOr<UniqueFd> OpenMulticastSender(const RawSocketOptions& o, int ifindex) {
  UniqueFd fd(socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_RAW));
  if (!fd.valid()) return SocketError(o.interface, Family::kIPv4, IPPROTO_RAW);
  if (setsockopt(fd.get(), SOL_SOCKET, SO_BINDTODEVICE, o.interface.c_str(),
                 static_cast<socklen_t>(o.interface.size())) < 0) {
    return SysError("setsockopt(SO_BINDTODEVICE)", o.interface);
  }
  const IntOption options[] = {{IPPROTO_IP, IP_MULTICAST_LOOP, 0, "IP_MULTICAST_LOOP"}};
  if (absl::Status s = SetOptions(fd.get(), options, o.interface); !s.ok()) return s;
  ip_mreqn mreq{};
  mreq.imr_ifindex = ifindex;
  if (setsockopt(fd.get(), IPPROTO_IP, IP_MULTICAST_IF, &mreq, sizeof(mreq)) < 0) {
    return SysError("setsockopt(IP_MULTICAST_IF)", o.interface);
  }
  return fd;
}

absl::Status ConfigureV4(int fd, const RawSocketOptions& o, int ifindex) {
  const IntOption options[] = {
      {IPPROTO_IP, IP_TTL, kVrrpTtl, "IP_TTL"},
      {IPPROTO_IP, IP_MULTICAST_TTL, kVrrpTtl, "IP_MULTICAST_TTL"},
      {IPPROTO_IP, IP_TOS, o.traffic_class, "IP_TOS"},
      {IPPROTO_IP, IP_MULTICAST_LOOP, 0, "IP_MULTICAST_LOOP"},
      // Without this a raw socket receives every group any socket on the host joined.
      {IPPROTO_IP, IP_MULTICAST_ALL, 0, "IP_MULTICAST_ALL"},
  };
  if (absl::Status s = SetOptions(fd, options, o.interface); !s.ok()) return s;
  ip_mreqn mreq{};
  mreq.imr_ifindex = ifindex;
  if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mreq, sizeof(mreq)) < 0) {
    return SysError("setsockopt(IP_MULTICAST_IF)", o.interface);
  }
  return absl::OkStatus();
}

absl::Status ConfigureV6(int fd, const RawSocketOptions& o, int ifindex) {
  const IntOption options[] = {
      {IPPROTO_IPV6, IPV6_UNICAST_HOPS, kVrrpTtl, "IPV6_UNICAST_HOPS"},
      {IPPROTO_IPV6, IPV6_MULTICAST_HOPS, kVrrpTtl, "IPV6_MULTICAST_HOPS"},
      {IPPROTO_IPV6, IPV6_TCLASS, o.traffic_class, "IPV6_TCLASS"},
      {IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0, "IPV6_MULTICAST_LOOP"},
      {IPPROTO_IPV6, IPV6_MULTICAST_ALL, 0, "IPV6_MULTICAST_ALL"},
      {IPPROTO_IPV6, IPV6_MULTICAST_IF, ifindex, "IPV6_MULTICAST_IF"},
      // The kernel gives a raw IPv6 socket the payload only: ask for the destination and the
      // hop limit alongside it.
      {IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO"},
      {IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1, "IPV6_RECVHOPLIMIT"},
  };
  return SetOptions(fd, options, o.interface);
}

absl::Status ApplyReceiveBuffer(int fd, int bytes, const std::string& interface) {
  if (bytes <= 0) return absl::OkStatus();
  // SO_RCVBUFFORCE passes net.core.rmem_max with CAP_NET_ADMIN (which a VRRP daemon has, to
  // add addresses); without it SO_RCVBUF is capped at rmem_max, which is still better than nothing.
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)) == 0) {
    return absl::OkStatus();
  }
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes)) < 0) {
    return SysError("setsockopt(SO_RCVBUF)", interface);
  }
  return absl::OkStatus();
}

// The usable IPv6 link-local addresses of `interface` from /proc/net/if_inet6 of the calling
// thread's namespace, which has what getifaddrs(3) lacks, each address's flags: one whose
// Duplicate Address Detection still runs (IFA_F_TENTATIVE) or failed is no source, the kernel
// refuses to send from it. nullopt when the file cannot be read (no IPv6 in the kernel).
std::optional<std::vector<IpAddress>> UsableLinkLocal(const std::string& interface) {
  std::ifstream in("/proc/thread-self/net/if_inet6");
  if (!in) return std::nullopt;
  std::vector<IpAddress> out;
  // "fe800000000000000000000000000001 04 40 20 80     eth0": address, index, prefix length,
  // scope and flags in hex, name.
  std::string hex, index, prefix, scope, flags, name;
  while (in >> hex >> index >> prefix >> scope >> flags >> name) {
    if (name != interface || hex.size() != 32) continue;
    const unsigned long f = std::strtoul(flags.c_str(), nullptr, 16);
    if ((f & (IFA_F_TENTATIVE | IFA_F_DADFAILED)) != 0) continue;
    std::array<uint8_t, 16> bytes{};
    for (size_t i = 0; i < bytes.size(); ++i) {
      bytes[i] = static_cast<uint8_t>(std::strtoul(hex.substr(2 * i, 2).c_str(), nullptr, 16));
    }
    const IpAddress ip = IpAddress::FromV6Bytes(bytes.data());
    if (ip.IsLinkLocal()) out.push_back(ip);
  }
  return out;
}

}  // namespace

absl::StatusOr<std::vector<IpAddress>> InterfaceSourceAddresses(const std::string& interface,
                                                                Family family) {
  if (if_nametoindex(interface.c_str()) == 0) return SysError("if_nametoindex", interface);
  if (family == Family::kIPv6) {
    if (std::optional<std::vector<IpAddress>> usable = UsableLinkLocal(interface)) {
      return *std::move(usable);
    }
  }
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) < 0) return SysError("getifaddrs", interface);
  std::vector<IpAddress> found;
  for (ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr || interface != i->ifa_name) continue;
    if (family == Family::kIPv4 && i->ifa_addr->sa_family == AF_INET) {
      found.push_back(IpAddress::FromV4Bytes(reinterpret_cast<const uint8_t*>(
          &reinterpret_cast<const sockaddr_in*>(i->ifa_addr)->sin_addr)));
    } else if (family == Family::kIPv6 && i->ifa_addr->sa_family == AF_INET6) {
      IpAddress ip = IpAddress::FromV6Bytes(reinterpret_cast<const uint8_t*>(
          &reinterpret_cast<const sockaddr_in6*>(i->ifa_addr)->sin6_addr));
      if (ip.IsLinkLocal()) found.push_back(ip);
    }
  }
  freeifaddrs(list);
  return found;
}

absl::StatusOr<IpAddress> InterfacePrimaryAddress(const std::string& interface, Family family) {
  absl::StatusOr<std::vector<IpAddress>> found = InterfaceSourceAddresses(interface, family);
  if (!found.ok()) return found.status();
  if (found->empty()) {
    return absl::NotFoundError(
        fmt::format("interface {} has no {} to send VRRP from{}", interface,
                    family == Family::kIPv4 ? "IPv4 address" : "IPv6 link-local address",
                    family == Family::kIPv4 ? "" : " (is it up, with IPv6 enabled?)"));
  }
  return found->front();
}

// One message ready for sendmsg / sendmmsg: its destination and its source in the packet info.
// The source goes in the packet info of each send: bind() on a raw socket would also filter what
// we receive by destination, and we receive multicast.
struct RawSocketTransport::Outgoing {
  sockaddr_storage to{};
  socklen_t to_len = 0;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in6_pktinfo))] = {};
  size_t control_len = 0;
  // Where the message is in batch_bytes_: our IP header first on the multicast sender.
  size_t offset = 0;
  size_t size = 0;
  int fd = -1;                    // fd_ or multicast_fd_
  IpAddress source, destination;  // for the error message
};

// Control data: IPv6 packet info and hop limit; nothing for IPv4 (its header has both).
struct RawSocketTransport::Slot {
  sockaddr_in6 from{};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in6_pktinfo)) + CMSG_SPACE(sizeof(int))];
};

RawSocketTransport::RawSocketTransport(RawSocketOptions options, UniqueFd fd, UniqueFd multicast_fd,
                                       int ifindex)
    : options_(std::move(options)),
      fd_(std::move(fd)),
      multicast_fd_(std::move(multicast_fd)),
      ifindex_(ifindex) {}

absl::StatusOr<std::unique_ptr<RawSocketTransport>> RawSocketTransport::Open(
    RawSocketOptions options) {
  const std::string& ifname = options.interface;
  if (ifname.empty() || ifname.size() >= IFNAMSIZ) {
    return absl::InvalidArgumentError(
        fmt::format("interface name '{}' must be 1..{} characters", ifname, IFNAMSIZ - 1));
  }
  if (options.family != Family::kIPv4 && options.family != Family::kIPv6) {
    return absl::InvalidArgumentError("family must be IPv4 or IPv6");
  }
  // The socket before the interface: a missing CAP_NET_RAW is a configuration error to report
  // at once, while a missing interface is one the Driver waits for (it may appear later), so
  // the caller must not mistake the first for the second.
  const bool ah = options.protocol == kIpProtocolAh;
  if (options.protocol != kIpProtocolVrrp && !(ah && options.family == Family::kIPv4)) {
    return absl::InvalidArgumentError(
        fmt::format("protocol {} on {}: VRRP is protocol 112, or 51 (AH) over IPv4",
                    options.protocol, FamilyName(options.family)));
  }
  const int domain = options.family == Family::kIPv4 ? AF_INET : AF_INET6;
  UniqueFd fd(socket(domain, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, options.protocol));
  if (!fd.valid()) return SocketError(ifname, options.family, options.protocol);
  const unsigned ifindex = if_nametoindex(ifname.c_str());
  if (ifindex == 0) return SysError("if_nametoindex", ifname);
  // Only this interface's packets: a raw socket otherwise sees protocol 112 from every link.
  if (setsockopt(fd.get(), SOL_SOCKET, SO_BINDTODEVICE, ifname.c_str(),
                 static_cast<socklen_t>(ifname.size())) < 0) {
    return SysError("setsockopt(SO_BINDTODEVICE)", ifname);
  }
  absl::Status configured = options.family == Family::kIPv4
                                ? ConfigureV4(fd.get(), options, static_cast<int>(ifindex))
                                : ConfigureV6(fd.get(), options, static_cast<int>(ifindex));
  if (!configured.ok()) return configured;
  // AH's ICV covers the IP header, IP ID included: the header must go out as the router wrote it
  // (the kernel fills in only the checksum), as keepalived sends it.
  if (ah) {
    const IntOption hdrincl[] = {{IPPROTO_IP, IP_HDRINCL, 1, "IP_HDRINCL"}};
    if (absl::Status s = SetOptions(fd.get(), hdrincl, ifname); !s.ok()) return s;
  }
  UniqueFd multicast_fd;
  if (options.family == Family::kIPv4 && !ah) {
    // Unicast: don't fragment, which also spares the kernel its IP ID hash per packet (a
    // datagram it may not fragment gets ID 0).
    const IntOption pmtu[] = {{IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO, "IP_MTU_DISCOVER"}};
    if (absl::Status s = SetOptions(fd.get(), pmtu, ifname); !s.ok()) return s;
    absl::StatusOr<UniqueFd> sender = OpenMulticastSender(options, static_cast<int>(ifindex));
    if (!sender.ok()) return sender.status();
    multicast_fd = *std::move(sender);
  }
  if (absl::Status s = ApplyReceiveBuffer(fd.get(), options.receive_buffer_bytes, ifname);
      !s.ok()) {
    return s;
  }
  return std::unique_ptr<RawSocketTransport>(new RawSocketTransport(
      std::move(options), std::move(fd), std::move(multicast_fd), static_cast<int>(ifindex)));
}

absl::Status RawSocketTransport::SetReceiveBuffer(int bytes) {
  if (absl::Status s = ApplyReceiveBuffer(fd_.get(), bytes, options_.interface); !s.ok()) return s;
  options_.receive_buffer_bytes = bytes;
  return absl::OkStatus();
}

absl::Status RawSocketTransport::JoinGroup(const IpAddress& group) {
  for (auto& [joined, count] : groups_) {
    if (joined == group) {
      ++count;
      return absl::OkStatus();
    }
  }
  if (absl::Status s = Membership(group, true); !s.ok()) return s;
  groups_.emplace_back(group, 1);
  return absl::OkStatus();
}

absl::Status RawSocketTransport::LeaveGroup(const IpAddress& group) {
  for (size_t i = 0; i < groups_.size(); ++i) {
    if (groups_[i].first != group) continue;
    if (--groups_[i].second > 0) return absl::OkStatus();
    groups_.erase(groups_.begin() + static_cast<std::ptrdiff_t>(i));
    return Membership(group, false);
  }
  return absl::NotFoundError(
      fmt::format("group {} was not joined on {}", group, options_.interface));
}

absl::Status RawSocketTransport::Membership(const IpAddress& group, bool join) {
  if (group.family() != options_.family || !group.IsMulticast()) {
    return absl::InvalidArgumentError(fmt::format(
        "multicast group {} is not an {} multicast address", group, FamilyName(options_.family)));
  }
  int level = 0, name = 0;
  const char* label = nullptr;
  ip_mreqn mreq4{};
  ipv6_mreq mreq6{};
  const void* request = nullptr;
  socklen_t size = 0;
  if (options_.family == Family::kIPv4) {
    std::memcpy(&mreq4.imr_multiaddr, group.bytes().data(), 4);
    mreq4.imr_ifindex = ifindex_;
    level = IPPROTO_IP;
    name = join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP;
    label = join ? "IP_ADD_MEMBERSHIP" : "IP_DROP_MEMBERSHIP";
    request = &mreq4;
    size = sizeof(mreq4);
  } else {
    std::memcpy(&mreq6.ipv6mr_multiaddr, group.bytes().data(), 16);
    mreq6.ipv6mr_interface = static_cast<unsigned>(ifindex_);
    level = IPPROTO_IPV6;
    name = join ? IPV6_JOIN_GROUP : IPV6_LEAVE_GROUP;
    label = join ? "IPV6_JOIN_GROUP" : "IPV6_LEAVE_GROUP";
    request = &mreq6;
    size = sizeof(mreq6);
  }
  if (setsockopt(fd_.get(), level, name, request, size) < 0) {
    return SysError(fmt::format("setsockopt({} {})", label, group), options_.interface);
  }
  return absl::OkStatus();
}

void RawSocketTransport::Prepare(Outgoing& out, const IpAddress& source,
                                 const IpAddress& destination) const {
  out.to = ToSockaddr(destination, ifindex_, out.to_len);
  out.source = source;
  out.destination = destination;
  msghdr msg{};
  msg.msg_control = out.control;
  if (options_.family == Family::kIPv4) {
    msg.msg_controllen = out.control_len = CMSG_SPACE(sizeof(in_pktinfo));
    cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = IPPROTO_IP;
    cmsg->cmsg_type = IP_PKTINFO;
    cmsg->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
    in_pktinfo info{};
    info.ipi_ifindex = ifindex_;
    std::memcpy(&info.ipi_spec_dst, source.bytes().data(), 4);
    std::memcpy(CMSG_DATA(cmsg), &info, sizeof(info));
  } else {
    msg.msg_controllen = out.control_len = CMSG_SPACE(sizeof(in6_pktinfo));
    cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = IPPROTO_IPV6;
    cmsg->cmsg_type = IPV6_PKTINFO;
    cmsg->cmsg_len = CMSG_LEN(sizeof(in6_pktinfo));
    in6_pktinfo info{};
    info.ipi6_ifindex = static_cast<unsigned>(ifindex_);
    std::memcpy(&info.ipi6_addr, source.bytes().data(), 16);
    std::memcpy(CMSG_DATA(cmsg), &info, sizeof(info));
  }
}

absl::Status RawSocketTransport::Send(absl::Span<const uint8_t> payload, const IpAddress& source,
                                      const IpAddress& destination) {
  if (destination.family() != options_.family || source.family() != options_.family) {
    return absl::InvalidArgumentError(fmt::format("cannot send from {} to {} on an {} transport",
                                                  source, destination,
                                                  FamilyName(options_.family)));
  }
  if (batching_) {
    // Queued: Flush() hands the batch to the kernel in one sendmmsg.
    Outgoing& out = batch_.emplace_back();
    Prepare(out, source, destination);
    out.offset = batch_bytes_.size();
    out.fd = SocketFor(destination);
    if (WritesIpHeader(destination)) {
      batch_bytes_.resize(batch_bytes_.size() + kIpv4HeaderSize);
      WriteVrrpIpv4Header(absl::MakeSpan(batch_bytes_).subspan(out.offset),
                          static_cast<uint8_t>(options_.traffic_class), payload.size(), source,
                          destination);
    }
    batch_bytes_.insert(batch_bytes_.end(), payload.begin(), payload.end());
    out.size = batch_bytes_.size() - out.offset;
    // A few dozen at a time: the first of a thousand takeovers does not wait for the last.
    if (batch_.size() >= kMaxBatch) SendQueued();
    return absl::OkStatus();
  }
  Outgoing out;
  Prepare(out, source, destination);
  std::array<uint8_t, kIpv4HeaderSize> header;
  std::array<iovec, 2> iov{iovec{header.data(), header.size()},
                           iovec{const_cast<uint8_t*>(payload.data()), payload.size()}};
  const bool with_header = WritesIpHeader(destination);
  if (with_header) {
    WriteVrrpIpv4Header(absl::MakeSpan(header), static_cast<uint8_t>(options_.traffic_class),
                        payload.size(), source, destination);
  }
  msghdr msg{};
  msg.msg_name = &out.to;
  msg.msg_namelen = out.to_len;
  msg.msg_iov = with_header ? &iov[0] : &iov[1];
  msg.msg_iovlen = with_header ? 2 : 1;
  msg.msg_control = out.control;
  msg.msg_controllen = out.control_len;
  if (sendmsg(SocketFor(destination), &msg, 0) < 0) {
    return SysError(fmt::format("sendmsg to {} from {}", destination, source), options_.interface);
  }
  ++stats_.sent;
  return absl::OkStatus();
}

RawSocketTransport::~RawSocketTransport() = default;

void RawSocketTransport::BeginBatch() { batching_ = true; }

absl::Status RawSocketTransport::Flush() {
  batching_ = false;
  SendQueued();
  absl::Status status = std::move(batch_error_);
  batch_error_ = absl::OkStatus();
  if (batch_failures_ > 1) {
    status = absl::Status(
        status.code(), fmt::format("{} (and {} more in the batch)", std::string(status.message()),
                                   batch_failures_ - 1));
  }
  batch_failures_ = 0;
  return status;
}

void RawSocketTransport::SendQueued() {
  std::vector<mmsghdr>& headers = batch_headers_;
  std::vector<iovec>& iovs = batch_iovs_;
  headers.assign(batch_.size(), mmsghdr{});
  iovs.assign(batch_.size(), iovec{});
  for (size_t i = 0; i < batch_.size(); ++i) {
    Outgoing& out = batch_[i];
    iovs[i] = iovec{batch_bytes_.data() + out.offset, out.size};
    msghdr& msg = headers[i].msg_hdr;
    msg.msg_name = &out.to;
    msg.msg_namelen = out.to_len;
    msg.msg_iov = &iovs[i];
    msg.msg_iovlen = 1;
    msg.msg_control = out.control;
    msg.msg_controllen = out.control_len;
  }
  for (size_t next = 0; next < headers.size();) {
    // One sendmmsg per run of messages on the same socket (multicast and unicast ones alternate
    // only when routers on the interface mix both).
    size_t end = next + 1;
    while (end < headers.size() && batch_[end].fd == batch_[next].fd) ++end;
    const int sent =
        sendmmsg(batch_[next].fd, headers.data() + next, static_cast<unsigned>(end - next), 0);
    if (sent > 0) {
      stats_.sent += static_cast<uint64_t>(sent);
      next += static_cast<size_t>(sent);
      continue;
    }
    if (errno == EINTR) continue;
    // The message at `next` failed: note it and go on with the rest, as one sendmsg each would.
    const Outgoing& out = batch_[next];
    if (batch_error_.ok()) {
      batch_error_ = SysError(fmt::format("sendmmsg to {} from {}", out.destination, out.source),
                              options_.interface);
    }
    ++batch_failures_;
    ++next;
  }
  batch_.clear();
  batch_bytes_.clear();
}

absl::StatusOr<std::optional<ReceivedPacket>> RawSocketTransport::Receive(
    absl::Span<uint8_t> buffer) {
  std::vector<ReceivedPacket>& one = receive_one_;  // reused: no allocation per call
  for (;;) {
    one.clear();
    absl::StatusOr<size_t> read = ReceiveMany(buffer, buffer.size(), one);
    if (!read.ok()) return read.status();
    if (!one.empty()) return one.front();
    if (*read == 0) return std::nullopt;  // nothing was waiting
    // Something was read and skipped (counted): look again.
  }
}

absl::StatusOr<size_t> RawSocketTransport::ReceiveMany(absl::Span<uint8_t> arena, size_t slot_size,
                                                       std::vector<ReceivedPacket>& out) {
  const size_t count = std::min(arena.size() / slot_size, kMaxReceiveBatch);
  if (count == 0) {
    return absl::InvalidArgumentError(fmt::format(
        "receive buffer of {} bytes is smaller than one slot of {}", arena.size(), slot_size));
  }
  std::array<mmsghdr, kMaxReceiveBatch> headers{};
  std::array<iovec, kMaxReceiveBatch> iovs{};
  std::array<Slot, kMaxReceiveBatch> slots;
  const bool v6 = options_.family == Family::kIPv6;
  for (size_t i = 0; i < count; ++i) {
    iovs[i] = iovec{arena.data() + i * slot_size, slot_size};
    msghdr& msg = headers[i].msg_hdr;
    msg.msg_iov = &iovs[i];
    msg.msg_iovlen = 1;
    if (v6) {
      // A raw IPv6 socket gives the payload only: the source, destination and hop limit come
      // alongside it.
      msg.msg_name = &slots[i].from;
      msg.msg_namelen = sizeof(slots[i].from);
      msg.msg_control = slots[i].control;
      msg.msg_controllen = sizeof(slots[i].control);
    }
  }
  int n = 0;
  do {
    n = recvmmsg(fd_.get(), headers.data(), static_cast<unsigned>(count), MSG_TRUNC, nullptr);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
    return SysError("recvmmsg", options_.interface);
  }
  for (size_t i = 0; i < static_cast<size_t>(n); ++i) {
    const size_t size = headers[i].msg_len;
    const msghdr& msg = headers[i].msg_hdr;
    if (size > slot_size || (msg.msg_flags & MSG_TRUNC) != 0) {
      ++stats_.skipped_truncated;
      continue;
    }
    const absl::Span<const uint8_t> bytes(arena.data() + i * slot_size, size);
    std::optional<ReceivedPacket> packet = v6 ? ParseV6(bytes, msg, slots[i].from) : ParseV4(bytes);
    if (!packet) {
      ++stats_.skipped_malformed;
      continue;
    }
    ++stats_.received;
    out.push_back(*packet);
  }
  return static_cast<size_t>(n);
}

std::optional<ReceivedPacket> RawSocketTransport::ParseV4(absl::Span<const uint8_t> bytes) const {
  // An IPv4 raw socket hands over the whole IP packet: TTL and destination come from its header.
  absl::StatusOr<IpDatagram> ip = ParseIpDatagram(bytes);
  if (!ip.ok() || ip->protocol != options_.protocol) return std::nullopt;
  return ReceivedPacket{.payload = ip->payload, .info = ip->info, .ifindex = ifindex_};
}

std::optional<ReceivedPacket> RawSocketTransport::ParseV6(absl::Span<const uint8_t> bytes,
                                                          const msghdr& msg,
                                                          const sockaddr_in6& from) const {
  ReceiveInfo info;
  info.source = IpAddress::FromV6Bytes(reinterpret_cast<const uint8_t*>(&from.sin6_addr));
  bool have_destination = false;
  bool have_hop_limit = false;
  for (const cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr;
       c = CMSG_NXTHDR(const_cast<msghdr*>(&msg), const_cast<cmsghdr*>(c))) {
    if (c->cmsg_level != IPPROTO_IPV6) continue;
    if (c->cmsg_type == IPV6_PKTINFO) {
      in6_pktinfo pi;
      std::memcpy(&pi, CMSG_DATA(c), sizeof(pi));
      info.destination = IpAddress::FromV6Bytes(reinterpret_cast<const uint8_t*>(&pi.ipi6_addr));
      have_destination = true;
    } else if (c->cmsg_type == IPV6_HOPLIMIT) {
      int hops = 0;
      std::memcpy(&hops, CMSG_DATA(c), sizeof(hops));
      info.ttl = static_cast<uint8_t>(hops);
      have_hop_limit = true;
    }
  }
  // Without both, the checksum and hop-limit checks cannot be made: never guess them.
  if (!have_destination || !have_hop_limit) return std::nullopt;
  return ReceivedPacket{.payload = bytes, .info = info, .ifindex = ifindex_};
}

}  // namespace vrrp::os
