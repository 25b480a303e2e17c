// The VRRP packet codec: advertisement bytes (the IP payload) <-> vrrp::Advertisement.
//
// Pure functions, no allocation once `out` has capacity, no exceptions. Decoding checks, in this
// fixed order, and stops at the first failure, returning its DropReason:
//   too short, version, type, checksum, length vs address count, TTL / hop limit,
//   auth type (v2), auth data (v2 PASS).
// VRID, priority and interval are left to the state machine (RFC 5798 §7.1 puts them there too).
//
// Wire layouts: VRRPv2 RFC 3768 §5.1 (+ RFC 2338 §5.3.6.2 for PASS), VRRPv3 RFC 5798 §5.1.
//
//   vrrp::DecodeOptions opts;
//   opts.version = vrrp::Version::kV2;
//   opts.auth_type = vrrp::AuthType::kPass;
//   opts.pass_key = *vrrp::PassKey::Create("1111");
//   vrrp::Advertisement adv;
//   vrrp::ReceiveInfo info{.source = src, .destination = dst, .ttl = 255};
//   if (vrrp::DropReason r = vrrp::DecodeAdvertisement(payload, info, opts, adv);
//       r != vrrp::DropReason::kNone) { counters.Count(r); return; }
//
//   std::array<uint8_t, vrrp::kMaxAdvertisementSize> buf;
//   absl::StatusOr<size_t> n = vrrp::EncodeAdvertisement(adv, enc_opts, absl::MakeSpan(buf));
#ifndef VRRP_CODEC_H_
#define VRRP_CODEC_H_

#include <cstddef>
#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "vrrp/advertisement.h"
#include "vrrp/drop_reason.h"
#include "vrrp/ip_address.h"
#include "vrrp/pass_key.h"

namespace vrrp {

inline constexpr uint8_t kIpProtocolVrrp = 112;  // RFC 5798 §5.1.1.3
inline constexpr uint8_t kVrrpTtl = 255;         // RFC 5798 §5.1.1.3, §5.1.2.3
inline constexpr IpAddress kMulticastGroupV4 = IpAddress::V4(224, 0, 0, 18);
inline constexpr IpAddress kMulticastGroupV6 =
    IpAddress::V6({0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12});  // ff02::12
IpAddress MulticastGroup(Family family);

inline constexpr size_t kHeaderSize = 8;         // both versions
inline constexpr size_t kV2AuthDataSize = 8;     // RFC 3768 §5.3.10
inline constexpr size_t kMaxAddressCount = 255;  // one octet
// The largest advertisement: v3 IPv6 with 255 addresses.
inline constexpr size_t kMaxAdvertisementSize = kHeaderSize + kMaxAddressCount * 16;

// Receive metadata the kernel (or a capture) gives along with the payload.
struct ReceiveInfo {
  IpAddress source;        // its family is the packet's family
  IpAddress destination;   // needed for the v3 pseudo-header
  uint8_t ttl = kVrrpTtl;  // IPv4 TTL or IPv6 hop limit
  // The IP protocol that carried it: VRRP, or AH (51, keepalived's auth_type AH, ah.h), whose
  // payload starts with the AH header; then `ip_header` is the IPv4 header as received, which
  // the AH ICV covers.
  uint8_t protocol = kIpProtocolVrrp;
  absl::Span<const uint8_t> ip_header;
};

struct DecodeOptions {
  // The version this router speaks; nullopt accepts both (for tools such as vrrp-dump).
  std::optional<Version> version = Version::kV3;
  // v2 only: the authentication this router is configured with; nullopt skips the auth checks
  // (tools). With kPass, the received auth data must match pass_key.
  std::optional<AuthType> auth_type = AuthType::kNone;
  PassKey pass_key;
  // v3 over IPv4: keepalived and FRR include the pseudo-header in the checksum, as RFC 5798
  // §5.2.8 says; some implementations leave it out (the RFC's text was read both ways). Accept
  // both unless told not to.
  bool accept_v3_ipv4_without_pseudo_header = true;
};

// Decodes `payload` (the IP payload: the VRRP message alone, or for info.protocol AH the AH
// header and then the message) into `out`. Returns kNone when the advertisement is accepted;
// otherwise the first check that failed, and `out` is unspecified.
//
// AH (RFC 2338 §5.3.6.3): its header is checked first (kAhShort, kAhHeader), the message inside
// as any other, and at the authentication step, for a router configured with kAh, the ICV with
// pass_key (kAhIcv) and the SPI (kAhSpi); out.ah_sequence is the packet's sequence number, for
// the router's replay check. A router configured with kAh refuses a plain VRRP packet and one
// without it refuses an AH packet (kAuthTypeMismatch), whatever the message's auth type field.
[[nodiscard]] DropReason DecodeAdvertisement(absl::Span<const uint8_t> payload,
                                             const ReceiveInfo& info, const DecodeOptions& options,
                                             Advertisement& out);

struct EncodeOptions {
  IpAddress source;       // v3: the pseudo-header's source (the sending interface's address)
  IpAddress destination;  // v3: the pseudo-header's destination (group or unicast peer)
  PassKey pass_key;       // v2 with AuthType::kPass (its key) or kAh (the HMAC key)
  // v3 over IPv4 only: false leaves the pseudo-header out of the checksum.
  bool v3_ipv4_pseudo_header = true;
};

// Bytes EncodeAdvertisement will write for `adv`.
size_t EncodedSize(const Advertisement& adv);

// Writes `adv` into `out` and returns the number of bytes written. Refuses, with
// kInvalidArgument naming the field: v2 with IPv6; an address whose family is not adv.family;
// more than 255 addresses; a v2 interval that is not whole seconds in 1..255 s; a v3 interval
// outside 1..4095 cs; v3 with an auth type; and kResourceExhausted when `out` is too small.
// Nothing is written on failure. With AuthType::kAh this writes the VRRP message alone (auth
// type 2, zero authentication data): WrapInAh (ah.h) puts the IP and AH headers around it.
[[nodiscard]] absl::StatusOr<size_t> EncodeAdvertisement(const Advertisement& adv,
                                                         const EncodeOptions& options,
                                                         absl::Span<uint8_t> out);

}  // namespace vrrp

#endif  // VRRP_CODEC_H_
