#include "format.h"

#include <algorithm>

#include "absl/time/time.h"
#include "fmt/format.h"
#include "vrrp/ah.h"

namespace vrrp_dump {
namespace {

constexpr size_t kHeaderSize = vrrp::kHeaderSize;

// What a refused packet's header says, read as far as the bytes go. The layouts are RFC 3768
// §5.1 (v2) and RFC 5798 §5.1 (v3); only display depends on this, never a decision.
void PeekHeader(absl::Span<const uint8_t> p, vrrp::Family family, Summary& s) {
  if (p.empty()) return;
  const int version = p[0] >> 4;
  s.version = version;
  if (p.size() < 3) return;
  s.vrid = p[1];
  s.priority = p[2];
  if (p.size() < kHeaderSize || (version != 2 && version != 3)) return;
  const size_t count = p[3];
  size_t end = p.size();
  if (version == 2) {
    s.auth_type = p[4];
    s.interval_cs = int64_t{p[5]} * 100;
    // The last 8 bytes are the authentication data (RFC 2338 §5.3.6.2): with a wrong count they
    // must not be shown as addresses, or a PASS key would print as one.
    end = p.size() >= kHeaderSize + vrrp::kV2AuthDataSize ? p.size() - vrrp::kV2AuthDataSize
                                                          : kHeaderSize;
  } else {
    s.interval_cs = int64_t{(p[4] & 0x0f) << 8 | p[5]};
  }
  const size_t address_size = family == vrrp::Family::kIPv4 ? 4 : 16;
  for (size_t at = kHeaderSize; s.addresses.size() < count && at + address_size <= end;
       at += address_size) {
    s.addresses.push_back(address_size == 4 ? vrrp::IpAddress::FromV4Bytes(p.data() + at)
                                            : vrrp::IpAddress::FromV6Bytes(p.data() + at));
  }
}

std::string IntervalText(int64_t cs) {
  if (cs % 100 == 0) return fmt::format("{}s", cs / 100);
  return fmt::format("{}.{:02}s", cs / 100, cs % 100);
}

template <typename T>
std::string JsonNumber(const std::optional<T>& value) {
  return value.has_value() ? fmt::format("{}", static_cast<int64_t>(*value)) : "null";
}

}  // namespace

Summary Summarize(Timestamp time, const vrrp::ReceiveInfo& info, absl::Span<const uint8_t> payload,
                  const vrrp::DecodeOptions& options) {
  Summary s;
  s.time = time;
  s.source = info.source;
  s.destination = info.destination;
  s.ttl = info.ttl;
  s.length = payload.size();
  vrrp::Advertisement adv;
  s.reason = vrrp::DecodeAdvertisement(payload, info, options, adv);
  if (s.valid()) {
    s.version = static_cast<int>(adv.version);
    s.vrid = adv.vrid;
    s.priority = adv.priority;
    s.interval_cs = adv.interval.count();
    s.addresses = adv.addresses;
    if (adv.version == vrrp::Version::kV2) s.auth_type = static_cast<uint8_t>(adv.auth_type);
  } else {
    // keepalived's AH (vrrp/ah.h): the message follows the AH header.
    const bool ah = info.protocol == vrrp::kIpProtocolAh && payload.size() >= vrrp::kAhHeaderSize;
    PeekHeader(ah ? payload.subspan(vrrp::kAhHeaderSize) : payload, info.source.family(), s);
  }
  return s;
}

std::string FormatTime(Timestamp time) {
  const absl::Time t = absl::FromUnixSeconds(time.seconds) + absl::Microseconds(time.micros);
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", t, absl::UTCTimeZone());
}

std::string FormatEpoch(Timestamp time) {
  return fmt::format("{}.{:06}", time.seconds, time.micros);
}

std::string AuthTypeText(uint8_t auth_type) {
  if (auth_type <= static_cast<uint8_t>(vrrp::AuthType::kAh)) {
    return std::string(vrrp::AuthTypeName(static_cast<vrrp::AuthType>(auth_type)));
  }
  return fmt::format("{}", auth_type);
}

std::string FormatLine(const Summary& s) {
  std::string out = fmt::format("{} {} > {}", FormatTime(s.time), s.source, s.destination);
  if (s.version.has_value()) {
    out += fmt::format(" VRRPv{}", *s.version);
  } else {
    out += " VRRP";
  }
  if (s.vrid.has_value()) out += fmt::format(" vrid {}", *s.vrid);
  if (s.priority.has_value()) out += fmt::format(" prio {}", *s.priority);
  if (s.interval_cs.has_value()) out += fmt::format(" intvl {}", IntervalText(*s.interval_cs));
  if (s.interval_cs.has_value()) {  // the whole fixed header was there
    out += " addrs ";
    if (s.addresses.empty()) out += "-";
    for (size_t i = 0; i < s.addresses.size(); ++i) {
      out += fmt::format("{}{}", i == 0 ? "" : ",", s.addresses[i]);
    }
  }
  if (s.auth_type.has_value()) out += fmt::format(" auth {}", AuthTypeText(*s.auth_type));
  if (!s.version.has_value() || s.reason == vrrp::DropReason::kTooShort) {
    out += fmt::format(" len {}", s.length);
  }
  if (s.ttl != vrrp::kVrrpTtl) out += fmt::format(" ttl {}", s.ttl);
  if (!s.valid()) out += fmt::format(" REFUSED {}", s.reason);
  return out;
}

std::string FormatJson(const Summary& s) {
  std::string addresses = "[";
  for (size_t i = 0; i < s.addresses.size(); ++i) {
    addresses += fmt::format("{}{}", i == 0 ? "" : ",", JsonString(s.addresses[i].ToString()));
  }
  addresses += "]";
  const std::string auth =
      s.auth_type.has_value() ? JsonString(AuthTypeText(*s.auth_type)) : std::string("null");
  const std::string reason =
      s.valid() ? std::string("null") : JsonString(vrrp::DropReasonName(s.reason));
  return fmt::format(
      R"({{"time":{},"src":{},"dst":{},"ttl":{},"version":{},"vrid":{},"priority":{},)"
      R"("interval_cs":{},"addresses":{},"auth_type":{},"valid":{},"reason":{}}})",
      FormatEpoch(s.time), JsonString(s.source.ToString()), JsonString(s.destination.ToString()),
      s.ttl, JsonNumber(s.version), JsonNumber(s.vrid), JsonNumber(s.priority),
      JsonNumber(s.interval_cs), addresses, auth, s.valid() ? "true" : "false", reason);
}

}  // namespace vrrp_dump
