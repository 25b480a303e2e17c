#include "vrrp/ah.h"

#include <nettle/hmac.h>

#include <algorithm>
#include <cstring>

#include "absl/status/status.h"
#include "fmt/format.h"
#include "vrrp/ip_packet.h"

namespace vrrp {
namespace {

constexpr uint8_t kIpProtocolVrrpNext = 112;  // AH's next header: VRRP (RFC 5798 §5.1.1.3)
constexpr uint8_t kTtl = 255;
constexpr size_t kVrrpHeaderSize = 8;
constexpr size_t kMaxIpv4HeaderSize = 60;

// IPv4 header offsets (RFC 791 §3.1) of the fields the ICV leaves out, and of the source.
constexpr size_t kTos = 1, kFlagsFragment = 6, kTtlAt = 8, kChecksum = 10, kSource = 12;
// AH offsets (RFC 2402 §2).
constexpr size_t kNextHeader = 0, kPayloadLength = 1, kSpi = 4, kSequence = 8, kIcv = 12;

void Put32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (24 - 8 * i));
}
uint32_t Get32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

// Equal in time that does not depend on where the bytes differ.
bool ConstantTimeEqual(const uint8_t* a, const uint8_t* b, size_t n) {
  uint8_t diff = 0;
  for (size_t i = 0; i < n; ++i) diff = static_cast<uint8_t>(diff | (a[i] ^ b[i]));
  return diff == 0;
}

}  // namespace

AhIcv ComputeAhIcv(absl::Span<const uint8_t> ip_header, absl::Span<const uint8_t> ip_payload,
                   const PassKey& key, bool unicast) {
  // The mutable fields of RFC 2402 §3.3.3.1.1.1 count as zero; keepalived counts the TTL only
  // for multicast (where it must be 255 anyway).
  std::array<uint8_t, kMaxIpv4HeaderSize> header{};
  const size_t header_size = std::min(ip_header.size(), header.size());
  std::memcpy(header.data(), ip_header.data(), header_size);
  header[kTos] = 0;
  header[kFlagsFragment] = 0;
  header[kFlagsFragment + 1] = 0;
  header[kChecksum] = 0;
  header[kChecksum + 1] = 0;
  if (unicast) header[kTtlAt] = 0;
  static constexpr std::array<uint8_t, kAhIcvSize> kZeroIcv{};
  // Not an AH packet (UnwrapAh refuses it before): no ICV to compute.
  if (ip_payload.size() < kAhHeaderSize) return AhIcv{};

  hmac_md5_ctx ctx;
  hmac_md5_set_key(&ctx, key.wire_bytes().size(), key.wire_bytes().data());
  hmac_md5_update(&ctx, header_size, header.data());
  hmac_md5_update(&ctx, kIcv, ip_payload.data());
  hmac_md5_update(&ctx, kZeroIcv.size(), kZeroIcv.data());
  hmac_md5_update(&ctx, ip_payload.size() - kAhHeaderSize, ip_payload.data() + kAhHeaderSize);
  AhIcv icv;
  hmac_md5_digest(&ctx, icv.size(), icv.data());  // RFC 2403 §3: the leftmost 96 bits
  // The context holds the key's inner and outer pads: do not leave them on the stack.
  std::memset(&ctx, 0, sizeof(ctx));
  return icv;
}

absl::StatusOr<size_t> WrapInAh(absl::Span<const uint8_t> vrrp_message, const AhSend& send,
                                const PassKey& key, absl::Span<uint8_t> out) {
  if (send.source.family() != Family::kIPv4 || send.destination.family() != Family::kIPv4) {
    return absl::InvalidArgumentError(fmt::format(
        "AH: {} > {}: authentication is IPv4 only (VRRPv2)", send.source, send.destination));
  }
  if (send.ip_id == 0) {
    return absl::InvalidArgumentError("AH: IP ID 0 would let the kernel change a signed field");
  }
  const size_t size = kIpv4HeaderSize + kAhHeaderSize + vrrp_message.size();
  if (size > 0xffff) {
    return absl::InvalidArgumentError(fmt::format("AH: a packet of {} bytes", size));
  }
  if (out.size() < size) {
    return absl::ResourceExhaustedError(
        fmt::format("output buffer of {} bytes is too small for {}", out.size(), size));
  }
  uint8_t* ip = out.data();
  const Ipv4Header header{.tos = kVrrpIpTos,
                          .total_length = static_cast<uint16_t>(size),
                          .id = send.ip_id,
                          .ttl = kTtl,
                          .protocol = kIpProtocolAh,
                          .source = send.source,
                          .destination = send.destination};
  // The addresses are IPv4 and the buffer is large enough: checked above.
  if (absl::Status s = WriteIpv4Header(header, out); !s.ok()) return s;

  uint8_t* ah = ip + kIpv4HeaderSize;
  std::memset(ah, 0, kAhHeaderSize);
  ah[kNextHeader] = kIpProtocolVrrpNext;
  ah[kPayloadLength] = kAhPayloadLength;
  // keepalived's SPI: the sender's address, so that no two senders share one without a key
  // exchange to agree on it.
  std::memcpy(ah + kSpi, send.source.bytes().data(), 4);
  Put32(ah + kSequence, send.sequence);
  std::memcpy(ah + kAhHeaderSize, vrrp_message.data(), vrrp_message.size());

  const AhIcv icv =
      ComputeAhIcv(absl::MakeConstSpan(ip, kIpv4HeaderSize),
                   absl::MakeConstSpan(ah, kAhHeaderSize + vrrp_message.size()), key, send.unicast);
  std::memcpy(ah + kIcv, icv.data(), icv.size());
  return size;
}

DropReason UnwrapAh(absl::Span<const uint8_t> ip_header, absl::Span<const uint8_t> ip_payload,
                    const PassKey* key, bool unicast, AhReceived& out) {
  if (ip_header.size() < kIpv4HeaderSize || ip_header.size() > kMaxIpv4HeaderSize) {
    return DropReason::kAhShort;
  }
  if (ip_payload.size() < kAhHeaderSize + kVrrpHeaderSize) return DropReason::kAhShort;
  const uint8_t* ah = ip_payload.data();
  if (ah[kNextHeader] != kIpProtocolVrrpNext || ah[kPayloadLength] != kAhPayloadLength) {
    return DropReason::kAhHeader;
  }
  if (key != nullptr) {
    // The ICV first: nothing else in the packet means anything until it verifies (RFC 2402
    // §3.4.4).
    const AhIcv icv = ComputeAhIcv(ip_header, ip_payload, *key, unicast);
    if (!ConstantTimeEqual(icv.data(), ah + kIcv, icv.size())) return DropReason::kAhIcv;
    if (std::memcmp(ah + kSpi, ip_header.data() + kSource, 4) != 0) return DropReason::kAhSpi;
  }
  out.spi = Get32(ah + kSpi);
  out.sequence = Get32(ah + kSequence);
  out.vrrp_message = ip_payload.subspan(kAhHeaderSize);
  return DropReason::kNone;
}

}  // namespace vrrp
