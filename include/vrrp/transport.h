// Transport: how a virtual router's advertisements leave and arrive, as an interface the driver
// calls, so an embedder can bring its own (DPDK, a test double) while the Linux layer provides raw
// IP sockets (vrrp::os::RawSocketTransport).
//
// A transport carries VRRP messages — the IP payload the codec reads and writes — for one
// interface and one address family; it puts them in IP packets with TTL / hop limit 255
// (RFC 5798 §5.1.1.3, §5.1.2.3) to the multicast group or to unicast peers, and hands received
// ones back with the metadata the codec checks (source, destination, TTL).
//
//   std::array<uint8_t, vrrp::kMaxAdvertisementSize> buf;
//   for (const vrrp::IpAddress& dest : transport.destinations()) {
//     vrrp::EncodeOptions enc{.source = transport.source(), .destination = dest};
//     size_t n = *vrrp::EncodeAdvertisement(adv, enc, absl::MakeSpan(buf));
//     if (auto s = transport.Send(absl::MakeConstSpan(buf.data(), n), dest); !s.ok()) ...
//   }
//
// Receiving is readiness-driven: the Linux transport has a file descriptor to wait on and a
// non-blocking Receive(); see include/vrrp/linux/raw_socket.h.
//
// This header is core: no system calls, only the interface.
#ifndef VRRP_TRANSPORT_H_
#define VRRP_TRANSPORT_H_

#include <cstdint>
#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "vrrp/codec.h"
#include "vrrp/ip_address.h"

namespace vrrp {

// One VRRP message as received. `payload` points into the caller's buffer.
struct ReceivedPacket {
  absl::Span<const uint8_t> payload;
  ReceiveInfo info;  // source, destination (group or our unicast address), TTL / hop limit
  int ifindex = 0;   // the interface it arrived on
};

class Transport {
 public:
  virtual ~Transport() = default;

  // The address advertisements are sent from: the v3 checksum's pseudo-header source.
  virtual IpAddress source() const = 0;

  // Where each advertisement goes: the multicast group, or every unicast peer. The v3 checksum
  // covers the destination, so the caller encodes once per destination.
  virtual absl::Span<const IpAddress> destinations() const = 0;

  // Sends one VRRP message to `destination` (the group or a unicast peer).
  [[nodiscard]] virtual absl::Status Send(absl::Span<const uint8_t> payload,
                                          const IpAddress& destination) = 0;

  // Takes the next received message, if one is waiting, into `buffer` (which must hold
  // kMaxAdvertisementSize plus the IP header). nullopt when nothing is waiting. A packet the
  // transport cannot attribute (malformed IP header, wrong protocol, not from an accepted peer) is
  // skipped and counted by the transport, never returned as an error; errors are the socket's.
  [[nodiscard]] virtual absl::StatusOr<std::optional<ReceivedPacket>> Receive(
      absl::Span<uint8_t> buffer) = 0;
};

}  // namespace vrrp

#endif  // VRRP_TRANSPORT_H_
