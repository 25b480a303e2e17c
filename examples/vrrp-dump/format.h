// How vrrp-dump shows one VRRP packet: a tcpdump-like line for people, or one JSON object per
// line for scripts. Kept apart from main.cc (libpcap, flags) so it can be tested without a
// capture.
//
//   vrrp_dump::Summary s = vrrp_dump::Summarize(time, ip->info, ip->payload, options);
//   std::string line = json ? vrrp_dump::FormatJson(s) : vrrp_dump::FormatLine(s);
//
// A refused packet is still shown with whatever its header says (read tolerantly, only as far as
// the bytes go), plus the reason the codec refused it. The PASS key is never shown: neither the
// authentication data nor the key given with --pass ever reach the output.
#ifndef VRRP_EXAMPLES_VRRP_DUMP_FORMAT_H_
#define VRRP_EXAMPLES_VRRP_DUMP_FORMAT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/types/span.h"
#include "vrrp/advertisement.h"
#include "vrrp/codec.h"
#include "vrrp/drop_reason.h"
#include "vrrp/ip_address.h"
#include "vrrp/json.h"

namespace vrrp_dump {

// A capture timestamp as libpcap gives it (struct timeval), kept as integers so the JSON time
// is exact to the microsecond.
struct Timestamp {
  int64_t seconds = 0;
  int32_t micros = 0;  // 0..999999
};

struct Summary {
  Timestamp time;
  vrrp::IpAddress source;
  vrrp::IpAddress destination;
  uint8_t ttl = 0;
  size_t length = 0;           // bytes of the VRRP message
  std::optional<int> version;  // the header's version nibble, whatever it says
  std::optional<uint8_t> vrid;
  std::optional<uint8_t> priority;
  std::optional<int64_t> interval_cs;  // v2 seconds are shown ×100, like the codec
  vrrp::AddressList addresses;         // as many as the count announces and the bytes hold
  std::optional<uint8_t> auth_type;    // v2 only: the raw field (0 none, 1 PASS, 2 AH)
  vrrp::DropReason reason = vrrp::DropReason::kNone;

  bool valid() const { return reason == vrrp::DropReason::kNone; }
};

// Decodes `payload` (the VRRP message) with `options` and gathers what to show.
Summary Summarize(Timestamp time, const vrrp::ReceiveInfo& info, absl::Span<const uint8_t> payload,
                  const vrrp::DecodeOptions& options);

// "2026-11-29T12:52:27.898184Z" (UTC).
std::string FormatTime(Timestamp time);
// "1795956747.898184": seconds since the epoch, exact to the microsecond.
std::string FormatEpoch(Timestamp time);
// "none", "PASS", "AH", or the number for a type RFC 3768 does not define.
std::string AuthTypeText(uint8_t auth_type);

// One line, no newline:
//   2026-11-29T12:52:27.898184Z 192.0.2.5 > 224.0.0.18 VRRPv2 vrid 50 prio 150 intvl 1s
//   addrs 192.0.2.3 auth PASS
// with " ttl N" when the TTL is not 255 and " REFUSED <reason>" for a refused packet.
std::string FormatLine(const Summary& s);

// One JSON object, no newline. Fields: time (number), src, dst (strings), ttl, version, vrid,
// priority, interval_cs (numbers), addresses (array of strings), auth_type (string; null for v3,
// which has no such field), valid (bool), reason (string, null when valid). A field the packet
// is too short to carry is null.
std::string FormatJson(const Summary& s);

// `text` as a JSON string literal, quotes included (RFC 8259 §7); shared with vrrp-sim.
using vrrp::JsonString;

}  // namespace vrrp_dump

#endif  // VRRP_EXAMPLES_VRRP_DUMP_FORMAT_H_
