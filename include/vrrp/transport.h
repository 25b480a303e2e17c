// Transport: how advertisements leave and arrive on one interface and address family, as an
// interface the driver calls, so an embedder can bring its own (DPDK, a test double) while the
// Linux layer provides raw IP sockets (vrrp::os::RawSocketTransport).
//
// One transport serves every virtual router on its interface and family: each send names its
// source (the router's primary address) and destination (the multicast group or a unicast
// peer); received packets go to the interface's Endpoint (endpoint.h), which routes them by
// VRID. The transport puts messages in IP packets with TTL / hop limit 255 (RFC 5798 §5.1.1.3,
// §5.1.2.3) and hands received ones back with the metadata the codec checks (source,
// destination, TTL).
//
//   std::array<uint8_t, vrrp::kMaxAdvertisementSize> buf;
//   auto n = router.WriteAdvertisement(priority, group, absl::MakeSpan(buf));
//   if (n.ok()) status = transport.Send(absl::MakeConstSpan(buf.data(), *n), source, group);
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

// Thread-safety: an implementation is called from the thread that runs its instances; one
// transport serves every router of its interface and family.
class Transport {
 public:
  virtual ~Transport() = default;

  // Sends one VRRP message from `source` (the sending router's address on this interface, which
  // the v3 checksum covers) to `destination` (the group or a unicast peer).
  [[nodiscard]] virtual absl::Status Send(absl::Span<const uint8_t> payload,
                                          const IpAddress& source,
                                          const IpAddress& destination) = 0;

  // Takes the next received message, if one is waiting, into `buffer` (which must hold
  // kMaxAdvertisementSize plus the IP header). nullopt when nothing is waiting. A packet the
  // transport cannot read (malformed IP header, wrong protocol, truncated) is skipped and counted
  // by the transport, never returned as an error; errors are the socket's. Which router a packet
  // is for, and whether its source is an accepted peer, is the Endpoint's business.
  [[nodiscard]] virtual absl::StatusOr<std::optional<ReceivedPacket>> Receive(
      absl::Span<uint8_t> buffer) = 0;
};

}  // namespace vrrp

#endif  // VRRP_TRANSPORT_H_
