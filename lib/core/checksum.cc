#include "vrrp/checksum.h"

#include "checksum_impl.h"

namespace vrrp {

using checksum_internal::FoldToNetwork;
using checksum_internal::NetworkWordToNative;
using checksum_internal::SumNative;

uint32_t ChecksumAdd(uint32_t sum, absl::Span<const uint8_t> bytes) {
  // The running sum joins the native-order one as a multiple of 256 (see NetworkWordToNative),
  // so the call folds once.
  return FoldToNetwork(SumNative(bytes.data(), bytes.size()) + NetworkWordToNative(sum));
}

uint16_t ChecksumFinish(uint32_t sum) {
  return static_cast<uint16_t>(~checksum_internal::FoldSum(sum));
}

uint16_t InternetChecksum(absl::Span<const uint8_t> bytes) {
  return ChecksumFinish(ChecksumAdd(0, bytes));
}

uint32_t PseudoHeaderSum(const IpAddress& source, const IpAddress& destination, uint8_t protocol,
                         uint32_t length) {
  // Both layouts put the addresses first; the remaining words are protocol and length, whose
  // positions differ (RFC 768 vs RFC 8200 §8.1) but whose sum does not: the IPv4 length is 16
  // bits, the IPv6 one 32 bits, and 2^16 = 1 in one's complement arithmetic.
  const uint64_t native = checksum_internal::SumAddress(source) +
                          checksum_internal::SumAddress(destination) +
                          NetworkWordToNative(protocol + (length >> 16) + (length & 0xffffu));
  return FoldToNetwork(native);
}

}  // namespace vrrp
