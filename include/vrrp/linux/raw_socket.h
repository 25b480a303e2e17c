// RawSocketTransport: VRRP over a raw IP socket (protocol 112, or 51 for AH) on one interface and
// family, the
// Linux implementation of vrrp::Transport, shared by every virtual router on that interface and
// family (the driver gives each socket an Endpoint, which routes packets by VRID). The Driver
// sees it as a VrrpSocket (vrrp_socket.h), so its tests can bring a fake one.
//
// What goes on the wire matches keepalived 2.2 (tests/vectors/): TTL / hop limit 255, DSCP CS6
// (traffic class 0xc0), from the sending router's address (its interface's primary IPv4 address
// or IPv6 link-local address, or unicast_src_ip), to a multicast group joined on that interface
// only, or to a unicast peer. Our own multicast is not looped back. Received packets come with
// their source, destination and TTL / hop limit, which the codec checks (RFC 5798 §7.1: TTL must
// be 255).
//
//   vrrp::os::RawSocketOptions opts{.interface = "eth0", .family = vrrp::Family::kIPv4};
//   auto transport = vrrp::os::RawSocketTransport::Open(opts);  // needs CAP_NET_RAW
//   if (!transport.ok()) die(transport.status());   // names the call, interface and errno
//   (void)(*transport)->JoinGroup(vrrp::kMulticastGroupV4);  // unless every router is unicast
//   // wait for (*transport)->fd() to be readable, then:
//   std::array<uint8_t, vrrp::os::kReceiveBufferSize> buf;
//   while (auto packet = (*transport)->Receive(absl::MakeSpan(buf))) {
//     if (!packet.ok()) { log(packet.status()); break; }
//     if (!packet->has_value()) break;   // nothing more waiting
//     endpoint.OnPacket(now, (*packet)->payload, (*packet)->info);
//   }
#ifndef VRRP_LINUX_RAW_SOCKET_H_
#define VRRP_LINUX_RAW_SOCKET_H_

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "vrrp/linux/unique_fd.h"
#include "vrrp/linux/vrrp_socket.h"
#include "vrrp/transport.h"

namespace vrrp::os {

struct RawSocketOptions {
  std::string interface;
  Family family = Family::kIPv4;
  uint8_t traffic_class = 0xc0;  // DSCP CS6, as keepalived
  // kIpProtocolVrrp, or kIpProtocolAh (IPv4 only) for routers with auth_type AH: then Send takes
  // whole IPv4 packets (Router::WriteAdvertisement's, whose ICV covers the header) and sends
  // them as they are (IP_HDRINCL), and received packets keep their IP header (ReceiveInfo).
  uint8_t protocol = kIpProtocolVrrp;
  // SO_RCVBUF (SO_RCVBUFFORCE when allowed): room for the worst burst, every router on the link
  // hearing from every peer at once. 0 keeps the kernel's default.
  int receive_buffer_bytes = 0;
};

struct RawSocketStats {
  uint64_t sent = 0;
  uint64_t received = 0;
  uint64_t skipped_malformed = 0;  // IPv4 header the kernel passed but we cannot parse
  uint64_t skipped_truncated = 0;  // larger than the buffer given to Receive
};

// Thread-safety: none; one thread.
class RawSocketTransport final : public VrrpSocket {
 public:
  // Opens and configures the socket (no group joined yet). Errors: kNotFound for an unknown
  // interface;
  // a usable source address; kPermissionDenied naming CAP_NET_RAW when the process lacks it;
  // otherwise the failed call, the interface and errno.
  static absl::StatusOr<std::unique_ptr<RawSocketTransport>> Open(RawSocketOptions options);
  ~RawSocketTransport() override;

  int fd() const override { return fd_.get(); }
  int ifindex() const override { return ifindex_; }
  const RawSocketOptions& options() const { return options_; }
  const RawSocketStats& stats() const { return stats_; }

  // Joins `group` on the interface (IP_ADD_MEMBERSHIP / IPV6_JOIN_GROUP), counting joins: the
  // group is left when LeaveGroup has been called as often. A socket that joined nothing
  // receives only unicast VRRP to this host (keepalived's unicast_peer mode).
  [[nodiscard]] absl::Status JoinGroup(const IpAddress& group) override;
  [[nodiscard]] absl::Status LeaveGroup(const IpAddress& group) override;
  // Raises the receive buffer (RawSocketOptions::receive_buffer_bytes) as routers join the socket.
  [[nodiscard]] absl::Status SetReceiveBuffer(int bytes) override;
  int receive_buffer_bytes() const override { return options_.receive_buffer_bytes; }

  [[nodiscard]] absl::Status Send(absl::Span<const uint8_t> payload, const IpAddress& source,
                                  const IpAddress& destination) override;

  // Batching, for a driver that sends many routers' advertisements at one instant: after
  // BeginBatch, Send checks and queues a copy of the message and returns OK; the queue goes to
  // the kernel with sendmmsg(2) every kMaxBatch messages and at Flush, a system call per batch
  // instead of one per message. Flush returns the first failure since BeginBatch, naming its
  // destination and source, and how many failed; the others are sent. No allocation once the
  // queue has grown.
  void BeginBatch() override;
  [[nodiscard]] absl::Status Flush() override;
  static constexpr size_t kMaxBatch = 32;
  // Non-blocking: nullopt when nothing is waiting.
  [[nodiscard]] absl::StatusOr<std::optional<ReceivedPacket>> Receive(
      absl::Span<uint8_t> buffer) override;
  // Up to kMaxReceiveBatch waiting packets with one recvmmsg(2): `arena` holds consecutive slots
  // of `slot_size` bytes (kReceiveBufferSize each is enough for any advertisement), one packet
  // each. The readable ones are appended to `out` (their payloads point into `arena`); skipped
  // ones are counted as Receive counts them. Returns how many the kernel handed over, read or
  // skipped: fewer than the slots means the socket was drained. Non-blocking: 0 when nothing
  // waits. (kMaxReceiveBatch is VrrpSocket's.)
  [[nodiscard]] absl::StatusOr<size_t> ReceiveMany(absl::Span<uint8_t> arena, size_t slot_size,
                                                   std::vector<ReceivedPacket>& out) override;

 private:
  RawSocketTransport(RawSocketOptions options, UniqueFd fd, UniqueFd multicast_fd, int ifindex);
  struct Slot;
  std::optional<ReceivedPacket> ParseV4(absl::Span<const uint8_t> bytes) const;
  std::optional<ReceivedPacket> ParseV6(absl::Span<const uint8_t> bytes, const msghdr& msg,
                                        const sockaddr_in6& from) const;
  absl::Status Membership(const IpAddress& group, bool join);
  // VRRP over IPv4 to a group: sent through multicast_fd_ with the IPv4 header Send writes.
  // Unicast, AH (whose messages come with the header the router wrote) and IPv6 go through fd_.
  bool WritesIpHeader(const IpAddress& destination) const {
    return multicast_fd_.valid() && destination.IsMulticast();
  }
  int SocketFor(const IpAddress& destination) const {
    return WritesIpHeader(destination) ? multicast_fd_.get() : fd_.get();
  }
  struct Outgoing;
  void Prepare(Outgoing& out, const IpAddress& source, const IpAddress& destination) const;
  void SendQueued();  // sendmmsg of the queue; failures noted in batch_error_

  RawSocketOptions options_;
  UniqueFd fd_;
  UniqueFd multicast_fd_;  // VRRP over IPv4 only: a send-only IPPROTO_RAW socket (raw_socket.cc)
  int ifindex_;
  std::vector<std::pair<IpAddress, int>> groups_;  // joined groups and their join counts
  RawSocketStats stats_;
  bool batching_ = false;
  std::vector<Outgoing> batch_;
  std::vector<uint8_t> batch_bytes_;
  std::vector<mmsghdr> batch_headers_;
  std::vector<iovec> batch_iovs_;
  absl::Status batch_error_;                 // the first failure since BeginBatch
  std::vector<ReceivedPacket> receive_one_;  // Receive's one-slot ReceiveMany
  size_t batch_failures_ = 0;
};

// The address RawSocketTransport uses by default: the first IPv4 address of `interface`, or
// its first IPv6 link-local address. kNotFound naming the interface when it has none.
absl::StatusOr<IpAddress> InterfacePrimaryAddress(const std::string& interface, Family family);

// Every address of `family` on `interface` that can be sent from (IPv6: link-local ones only,
// what VRRP sends from, and none whose Duplicate Address Detection still runs or failed), in
// the kernel's order: the candidates InterfacePrimaryAddress takes the first of. Empty when it
// has none; kNotFound naming the interface when it does not exist.
absl::StatusOr<std::vector<IpAddress>> InterfaceSourceAddresses(const std::string& interface,
                                                                Family family);

}  // namespace vrrp::os

#endif  // VRRP_LINUX_RAW_SOCKET_H_
