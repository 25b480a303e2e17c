// RawSocketTransport: VRRP over a raw IP socket (protocol 112) on one interface and family, the
// Linux implementation of vrrp::Transport.
//
// What goes on the wire matches keepalived 2.2 (tests/vectors/): TTL / hop limit 255, DSCP CS6
// (traffic class 0xc0), from the interface's primary IPv4 address or its IPv6 link-local
// address, to 224.0.0.18 / ff02::12 joined on that interface only, or to each unicast peer.
// Our own multicast is not looped back. Received packets come with their source, destination
// and TTL / hop limit, which the codec checks (RFC 5798 §7.1: TTL must be 255).
//
//   vrrp::os::RawSocketOptions opts{.interface = "eth0", .family = vrrp::Family::kIPv4};
//   auto transport = vrrp::os::RawSocketTransport::Open(opts);  // needs CAP_NET_RAW
//   if (!transport.ok()) die(transport.status());   // names the call, interface and errno
//   // wait for (*transport)->fd() to be readable, then:
//   std::array<uint8_t, vrrp::os::kReceiveBufferSize> buf;
//   while (auto packet = (*transport)->Receive(absl::MakeSpan(buf))) {
//     if (!packet.ok()) { log(packet.status()); break; }
//     if (!packet->has_value()) break;   // nothing more waiting
//     Decode((*packet)->payload, (*packet)->info, ...);
//   }
#ifndef VRRP_LINUX_RAW_SOCKET_H_
#define VRRP_LINUX_RAW_SOCKET_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "vrrp/linux/unique_fd.h"
#include "vrrp/transport.h"

namespace vrrp::os {

// Enough for the largest advertisement behind an IPv4 header with options.
inline constexpr size_t kReceiveBufferSize = 60 + kMaxAdvertisementSize;

struct RawSocketOptions {
  std::string interface;
  Family family = Family::kIPv4;
  // The multicast group (keepalived's vrrp_mcast_group4 / 6). Default 224.0.0.18 / ff02::12.
  std::optional<IpAddress> group;
  // The source (keepalived's unicast_src_ip / mcast_src_ip). Default: the interface's first
  // IPv4 address, or its IPv6 link-local address (RFC 5798 §5.1.2.1 requires link-local).
  std::optional<IpAddress> source;
  // When not empty, advertisements go to each peer by unicast instead of the group, and the
  // group is not joined (keepalived's unicast_peer), for networks that drop multicast.
  std::vector<IpAddress> unicast_peers;
  // With unicast peers: accept packets only from them; others are skipped and counted.
  bool accept_only_peers = true;
  uint8_t traffic_class = 0xc0;  // DSCP CS6, as keepalived
};

struct RawSocketStats {
  uint64_t sent = 0;
  uint64_t received = 0;
  uint64_t skipped_malformed = 0;  // IPv4 header the kernel passed but we cannot parse
  uint64_t skipped_peer = 0;       // not from an accepted unicast peer
  uint64_t skipped_truncated = 0;  // larger than the buffer given to Receive
};

class RawSocketTransport final : public Transport {
 public:
  // Opens and configures the socket. Errors: kNotFound for an unknown interface or one without
  // a usable source address; kPermissionDenied naming CAP_NET_RAW when the process lacks it;
  // otherwise the failed call, the interface and errno.
  static absl::StatusOr<std::unique_ptr<RawSocketTransport>> Open(RawSocketOptions options);

  int fd() const { return fd_.get(); }
  int ifindex() const { return ifindex_; }
  const RawSocketOptions& options() const { return options_; }
  IpAddress source() const override { return source_; }
  // Where Send() is meant to go: the group, or every unicast peer.
  absl::Span<const IpAddress> destinations() const override { return destinations_; }
  const RawSocketStats& stats() const { return stats_; }

  [[nodiscard]] absl::Status Send(absl::Span<const uint8_t> payload,
                                  const IpAddress& destination) override;
  // Non-blocking: nullopt when nothing is waiting.
  [[nodiscard]] absl::StatusOr<std::optional<ReceivedPacket>> Receive(
      absl::Span<uint8_t> buffer) override;

 private:
  RawSocketTransport(RawSocketOptions options, UniqueFd fd, int ifindex, IpAddress source);
  absl::StatusOr<std::optional<ReceivedPacket>> ReceiveV4(absl::Span<uint8_t> buffer);
  absl::StatusOr<std::optional<ReceivedPacket>> ReceiveV6(absl::Span<uint8_t> buffer);
  bool Accepted(const IpAddress& from) const;

  RawSocketOptions options_;
  UniqueFd fd_;
  int ifindex_;
  IpAddress source_;
  std::vector<IpAddress> destinations_;
  RawSocketStats stats_;
};

// The address RawSocketTransport uses by default: the first IPv4 address of `interface`, or
// its first IPv6 link-local address. kNotFound naming the interface when it has none.
absl::StatusOr<IpAddress> InterfacePrimaryAddress(const std::string& interface, Family family);

}  // namespace vrrp::os

#endif  // VRRP_LINUX_RAW_SOCKET_H_
