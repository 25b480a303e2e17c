// The IP Authentication Header around a VRRPv2 advertisement: keepalived's `auth_type AH`.
//
// RFC 2338 §5.3.6.3 let VRRPv2 use IPsec AH (RFC 2402) with HMAC-MD5-96 (RFC 2403) and no key
// exchange; RFC 3768 dropped it, keepalived still speaks it. What it puts on the wire, learnt
// from keepalived 2.2.7's packets (tests/vectors/keepalived-v2-ah.txt), is this IPv4 packet:
//
//   IPv4 header (20 bytes): TOS 0xc0, an ID of its own (1, 2, ...; never 0), no DF, TTL 255,
//                           protocol 51 (AH)
//   AH header (24 bytes):   next header 112 (VRRP), payload length 4 (32-bit words minus 2),
//                           reserved 0, SPI = the source address, sequence number, 12-byte ICV
//   VRRPv2 message:         auth type 2, the 8 authentication bytes zero, the usual checksum
//
// The ICV is HMAC-MD5 truncated to 96 bits, keyed with the 8-byte zero-padded auth_pass (a
// PassKey), over the whole packet with the ICV zeroed and the IP header's mutable fields
// (RFC 2402 §3.3.3.1.1.1) zeroed: TOS, flags and fragment offset, header checksum, and the TTL
// only for unicast (keepalived keeps the TTL in the ICV for multicast). The sender chooses the
// IP ID, because the ICV covers it: the kernel must be given the whole header (IP_HDRINCL).
//
// The sequence number is one counter per virtual router, shared by sending and receiving (as
// keepalived keeps it): a received one must be above the counter and becomes it; a sent one is
// the counter plus one. So a Backup that takes over continues above what the others have seen,
// and a restarted router, which starts from 1, is refused until it has heard the others once.
// That check needs the counter: the Router does it (DropReason::kAhReplay), these functions
// only carry the number.
//
// Pure functions, no allocation; the key is never printed. HMAC-MD5 is nettle's.
//
//   std::array<uint8_t, kIpv4HeaderSize + kAhHeaderSize + kMaxAdvertisementSize> packet;
//   vrrp::AhSend send{.source = src, .destination = group, .ip_id = ++id, .sequence = ++seq};
//   absl::StatusOr<size_t> n = vrrp::WrapInAh(vrrp_message, send, key, absl::MakeSpan(packet));
//
//   vrrp::AhReceived got;
//   vrrp::DropReason r = vrrp::UnwrapAh(ip_header, ip_payload, key, /*unicast=*/false, got);
#ifndef VRRP_AH_H_
#define VRRP_AH_H_

#include <array>
#include <cstddef>
#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "vrrp/drop_reason.h"
#include "vrrp/ip_address.h"
#include "vrrp/ip_packet.h"
#include "vrrp/pass_key.h"

namespace vrrp {

inline constexpr uint8_t kIpProtocolAh = 51;              // RFC 2402 §2
inline constexpr size_t kAhIcvSize = 12;                  // HMAC-MD5-96, RFC 2403 §3
inline constexpr size_t kAhHeaderSize = 12 + kAhIcvSize;  // RFC 2402 §2
// RFC 2402 §2.2: the AH length in 32-bit words, minus 2.
inline constexpr uint8_t kAhPayloadLength = kAhHeaderSize / 4 - 2;
// keepalived sends VRRP with TOS 0xc0 (precedence "internetwork control").
inline constexpr uint8_t kVrrpIpTos = 0xc0;

// HMAC-MD5 (RFC 2104) keyed with the 8 key bytes, truncated to 96 bits (RFC 2403 §3).
using AhIcv = std::array<uint8_t, kAhIcvSize>;

// One packet to send.
struct AhSend {
  IpAddress source;       // IPv4: the header's source and the SPI
  IpAddress destination;  // the group or a unicast peer
  uint16_t ip_id = 1;     // 0 would let the kernel choose one after the ICV was computed
  uint32_t sequence = 1;
  bool unicast = false;  // the TTL is left out of the ICV (keepalived's rule)
};

// Writes the IPv4 header, the AH header and `vrrp_message` (an encoded VRRPv2 advertisement)
// into `out`; returns the bytes written. The IP header checksum is computed too (the kernel
// recomputes it under IP_HDRINCL). kInvalidArgument for a non-IPv4 address or an ip_id of 0,
// kResourceExhausted when `out` is too small; nothing is written on failure.
[[nodiscard]] absl::StatusOr<size_t> WrapInAh(absl::Span<const uint8_t> vrrp_message,
                                              const AhSend& send, const PassKey& key,
                                              absl::Span<uint8_t> out);

struct AhReceived {
  uint32_t spi = 0;
  uint32_t sequence = 0;
  absl::Span<const uint8_t> vrrp_message;  // into the packet: what follows the AH header
};

// Checks one received AH packet: `ip_header` as received (20 bytes or more with options),
// `ip_payload` what follows it (AH, then VRRP). In order: kAhShort (no IPv4 header, or no room
// for AH and a VRRP header), kAhHeader (next header, length), then, when `key` is given,
// kAhIcv and kAhSpi (against the header's source). kNone fills `out`. The sequence number is
// the caller's to check (see above). No key (tools such as vrrp-dump) skips the last two.
[[nodiscard]] DropReason UnwrapAh(absl::Span<const uint8_t> ip_header,
                                  absl::Span<const uint8_t> ip_payload, const PassKey* key,
                                  bool unicast, AhReceived& out);

// The ICV of a packet whose header is `ip_header` and whose payload is `ip_payload` (AH with
// whatever ICV it holds, then VRRP), computed as the sender does; all zeros when `ip_payload`
// is shorter than the AH header. Exposed for tests and tools.
AhIcv ComputeAhIcv(absl::Span<const uint8_t> ip_header, absl::Span<const uint8_t> ip_payload,
                   const PassKey& key, bool unicast);

}  // namespace vrrp

#endif  // VRRP_AH_H_
