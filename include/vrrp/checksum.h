// The Internet checksum (RFC 1071) and the IPv4 / IPv6 pseudo-header sums that VRRPv3
// (RFC 5798 §5.2.8) and ICMPv6 (RFC 4443 §2.3) include.
//
//   uint32_t sum = vrrp::PseudoHeaderSum(src, dst, vrrp::kIpProtocolVrrp, payload.size());
//   sum = vrrp::ChecksumAdd(sum, payload);
//   uint16_t checksum = vrrp::ChecksumFinish(sum);   // 0 over a packet that carries a good one
#ifndef VRRP_CHECKSUM_H_
#define VRRP_CHECKSUM_H_

#include <cstdint>

#include "absl/types/span.h"
#include "vrrp/ip_address.h"

namespace vrrp {

// Adds `bytes` as big-endian 16-bit words to a running 32-bit sum (not yet folded). An odd
// trailing byte is padded with zero, so only the last span added may have an odd length.
uint32_t ChecksumAdd(uint32_t sum, absl::Span<const uint8_t> bytes);

// Folds the carries and returns the one's complement: the value for the checksum field.
uint16_t ChecksumFinish(uint32_t sum);

// ChecksumFinish(ChecksumAdd(0, bytes)).
uint16_t InternetChecksum(absl::Span<const uint8_t> bytes);

// Sum of the pseudo-header: RFC 768-style for IPv4 (src, dst, zero, protocol, length) and
// RFC 8200 §8.1 for IPv6 (src, dst, 32-bit length, zeros, next header). src and dst must be of
// the same family.
uint32_t PseudoHeaderSum(const IpAddress& source, const IpAddress& destination, uint8_t protocol,
                         uint32_t length);

}  // namespace vrrp

#endif  // VRRP_CHECKSUM_H_
