// Internal: the Internet checksum accumulator shared by checksum.cc and codec.cc, inline so the
// codec's hot path does not pay a call per span.
//
// RFC 1071 §2(B): the one's complement sum is the same in either byte order, so we add the
// bytes as native-order 32-bit words (memcpy loads, no alignment or aliasing assumptions) into a
// 64-bit accumulator, fold once at the end, and swap the 16-bit result to network order on a
// little-endian host. 64 bits hold 2^32 such words, far more than any span we are given.
#ifndef VRRP_LIB_CORE_CHECKSUM_IMPL_H_
#define VRRP_LIB_CORE_CHECKSUM_IMPL_H_

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "vrrp/ip_address.h"

namespace vrrp::checksum_internal {

inline uint32_t Load32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

inline uint16_t Load16Native(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

// Sums `size` bytes starting at an even offset of the checksummed data, native order, unfolded.
inline uint64_t SumNative(const uint8_t* p, size_t size) {
  uint64_t a = 0;
  uint64_t b = 0;  // two accumulators let the adds of a long span run in parallel
  while (size >= 16) {
    a += Load32(p);
    b += Load32(p + 4);
    a += Load32(p + 8);
    b += Load32(p + 12);
    p += 16;
    size -= 16;
  }
  if (size >= 8) {
    a += Load32(p);
    b += Load32(p + 4);
    p += 8;
    size -= 8;
  }
  if (size >= 4) {
    a += Load32(p);
    p += 4;
    size -= 4;
  }
  if (size >= 2) {
    b += Load16Native(p);
    p += 2;
    size -= 2;
  }
  if (size == 1) {
    // The odd byte is the high half of a big-endian word padded with zero: where it sits in a
    // native 16-bit word depends on the host.
    b += std::endian::native == std::endian::little ? uint64_t{p[0]} : uint64_t{p[0]} << 8;
  }
  return a + b;  // each is below 2^36 for any span under 4 GiB: no overflow
}

// A sum folded to 16 bits with end-around carry is its value modulo 0xffff (2^16 = 1), except
// that a non-zero sum never folds to zero but to 0xffff (RFC 1071 §1). One division by a
// constant (a multiply) does that for any width, in fewer steps than repeated folding.
inline uint16_t FoldSum(uint64_t sum) {
  const auto r = static_cast<uint16_t>(sum % 0xffff);
  return r == 0 && sum != 0 ? uint16_t{0xffff} : r;
}

// Folds a native-order sum and puts it in network order.
inline uint32_t FoldToNetwork(uint64_t sum) {
  const uint16_t folded = FoldSum(sum);
  if constexpr (std::endian::native == std::endian::little) {
    return static_cast<uint16_t>((folded >> 8) | (folded << 8));
  } else {
    return folded;
  }
}

// A network-order 16-bit word as a term of a native-order sum. Byte-swapping a word multiplies it
// by 256 modulo 0xffff, so a shift does (the shifted value is only ever summed and folded).
inline uint64_t NetworkWordToNative(uint32_t word) {
  if constexpr (std::endian::native == std::endian::little) {
    return uint64_t{word} << 8;
  } else {
    return word;
  }
}

// True if a native-order sum over data that includes its checksum verifies: it folds to all
// ones. Byte order does not matter here: swapping is multiplying by 256, which is invertible
// modulo 0xffff, so one order is 0 modulo 0xffff exactly when the other is.
inline bool SumVerifies(uint64_t native_sum) { return FoldSum(native_sum) == 0xffff; }

// An address's bytes as a native-order sum: one or four 32-bit loads, no loop.
inline uint64_t SumAddress(const IpAddress& ip) {
  const uint8_t* b = ip.bytes().data();
  uint64_t sum = Load32(b);
  if (ip.is_v6()) sum += uint64_t{Load32(b + 4)} + Load32(b + 8) + Load32(b + 12);
  return sum;
}

// Adds two running sums without losing a carry out of 32 bits (2^32 = 1 modulo 0xffff).
inline uint32_t AddSums(uint32_t a, uint32_t b) {
  uint64_t s = uint64_t{a} + b;
  return static_cast<uint32_t>((s & 0xffffffffu) + (s >> 32));
}

}  // namespace vrrp::checksum_internal

#endif  // VRRP_LIB_CORE_CHECKSUM_IMPL_H_
