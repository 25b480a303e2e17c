// DropReason: why a received advertisement was refused, one reason per cause so each can be
// counted (the RFC 6527 statistics, and keepalived's `stats` names) and shown to an operator.
// kTooShort, kVrid and kPeer may also be counted by an Endpoint, before any router is known.
//
// A refused packet is not an error of ours: it is counted and logged (rate-limited), never
// returned as an absl::Status. The codec yields the first group, in the order it checks them;
// the state machine yields the second.
//
//   vrrp::DropCounters drops;
//   drops.Count(vrrp::DropReason::kChecksum);
//   fmt::print("{}: {}\n", vrrp::DropReasonName(vrrp::DropReason::kChecksum),
//              drops[vrrp::DropReason::kChecksum]);
#ifndef VRRP_DROP_REASON_H_
#define VRRP_DROP_REASON_H_

#include <array>
#include <cstdint>
#include <string_view>

#include "fmt/format.h"

namespace vrrp {

enum class DropReason : uint8_t {
  kNone = 0,  // accepted

  // The codec, checked in this order.
  kTooShort,          // shorter than the fixed header
  kVersion,           // version field is not the one configured
  kType,              // type is not 1 (Advertisement)
  kChecksum,          // checksum does not verify
  kLength,            // length does not match the address count (RFC 6527 packetLengthErrors)
  kTtl,               // IPv4 TTL / IPv6 hop limit is not 255 (RFC 5798 §7.1)
  kInvalidAuthType,   // v2 auth type unknown (not 0, 1 or 2)
  kAuthTypeMismatch,  // v2 auth type differs from the one configured
  kAuthFailure,       // v2 PASS key differs

  // The state machine.
  kVrid,         // no router for this VRID on this interface
  kInterval,     // v2: advertisement interval differs from ours (RFC 3768 §7.1)
  kAddressList,  // the address list differs from ours (RFC 5798 §7.1; discarded unless
                 // RouterConfig::discard_address_mismatch is false, then counted and acted on)
  kFamily,       // address family of the packet differs from the router's

  // The endpoint (endpoint.h), before the codec.
  kPeer,  // the unicast routers for this VRID check sources (PeerCheck::kPeersOnly) and the
          // source is none of their peers: counted on the router when it is alone on the VRID

  // The codec, for a router with auth_type AH (ah.h; RFC 2402, keepalived's IPsec AH). They come
  // last so the C ABI's numbers stay as they were (it offers no AH).
  kAhShort,   // no room for the IPv4 header, the AH header and a VRRP header (or no IP header)
  kAhHeader,  // AH's next header is not VRRP (112) or its length is not the 96-bit ICV's
  kAhIcv,     // the HMAC-MD5-96 does not verify: another key, or a changed packet
  kAhSpi,     // the SPI is not the source address (keepalived's rule)
  kAhReplay,  // the sequence number is not above the last one accepted (the router counts it)

  // The state machine, after the AH reasons for the same reason (the C ABI offers no VIP
  // conflict detection).
  kDistrusted,  // from a master found to advertise a VIP nobody holds (Router::Distrust)

  kCount,  // not a reason: the number of them
};

inline constexpr size_t kDropReasonCount = static_cast<size_t>(DropReason::kCount);

// Stable snake_case names, used as counter names and in logs and JSON:
// "too_short", "version", "type", "checksum", "length", "ttl", "invalid_auth_type",
// "auth_type_mismatch", "auth_failure", "vrid", "interval", "address_list", "family", "peer",
// "ah_short", "ah_header", "ah_icv", "ah_spi", "ah_replay", "distrusted".
std::string_view DropReasonName(DropReason reason);

class DropCounters {
 public:
  void Count(DropReason reason) { ++counts_[static_cast<size_t>(reason)]; }
  uint64_t operator[](DropReason reason) const { return counts_[static_cast<size_t>(reason)]; }
  // Sum of all reasons except kNone.
  uint64_t Total() const;

 private:
  std::array<uint64_t, kDropReasonCount> counts_{};
};

}  // namespace vrrp

template <>
struct fmt::formatter<vrrp::DropReason> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(vrrp::DropReason reason, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format(vrrp::DropReasonName(reason), ctx);
  }
};

#endif  // VRRP_DROP_REASON_H_
