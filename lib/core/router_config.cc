#include "vrrp/router_config.h"

#include <algorithm>
#include <string>

#include "fmt/format.h"
#include "vrrp/codec.h"

namespace vrrp {
namespace {

absl::Status Invalid(std::string message) { return absl::InvalidArgumentError(message); }

std::string Seconds(absl::Duration d) { return absl::FormatDuration(d); }

absl::Status CheckDuration(std::string_view name, absl::Duration d, int64_t max_seconds) {
  if (d < absl::ZeroDuration() || d > absl::Seconds(max_seconds)) {
    return Invalid(fmt::format("{} {} is out of range 0..{} s", name, Seconds(d), max_seconds));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateRouterConfig(const RouterConfig& c) {
  if (c.vrid < 1 || c.vrid > 255) {
    return Invalid(fmt::format("virtual_router_id {} is out of range 1..255", c.vrid));
  }
  if (c.version != Version::kV2 && c.version != Version::kV3) {
    return Invalid(fmt::format("version {} is not 2 or 3", static_cast<int>(c.version)));
  }
  if (c.family != Family::kIPv4 && c.family != Family::kIPv6) {
    return Invalid(fmt::format("family {} is not IPv4 or IPv6", static_cast<int>(c.family)));
  }
  // RFC 3768 defines VRRPv2 for IPv4 only.
  if (c.version == Version::kV2 && c.family != Family::kIPv4) {
    return Invalid("version 2 supports IPv4 only (use version 3 for IPv6)");
  }
  if (c.priority < 1 || c.priority > 255) {
    return Invalid(fmt::format("priority {} is out of range 1..255", c.priority));
  }
  const int64_t cs = c.advert_interval.count();
  if (c.version == Version::kV2) {
    // RFC 3768 §5.3.7: an 8-bit count of seconds.
    if (cs % 100 != 0) {
      return Invalid(
          fmt::format("advert_int {} is not a whole number of seconds, which VRRPv2 requires",
                      c.advert_interval));
    }
    if (cs < 100 || cs > 255 * 100) {
      return Invalid(fmt::format("advert_int {} is out of range 1..255 s for VRRPv2", cs / 100));
    }
  } else if (cs < 1 || cs > 4095) {
    // RFC 5798 §5.2.7: a 12-bit count of centiseconds.
    return Invalid(
        fmt::format("advert_int {} is out of range 1..4095 cs for VRRPv3", c.advert_interval));
  }
  // No address at all is allowed, as keepalived allows it: VRRP then only elects a Master,
  // whose notify scripts move something else (a cloud provider's address). RFC 5798 §5.2.5
  // asks for at least one; a configuration that wants the RFC's rules (vrrp_strict) refuses
  // none itself.
  if (c.virtual_addresses.size() > kMaxAddressCount) {
    return Invalid(fmt::format("virtual_ipaddress has {} addresses, more than {}",
                               c.virtual_addresses.size(), kMaxAddressCount));
  }
  for (size_t i = 0; i < c.virtual_addresses.size(); ++i) {
    const IpAddress& ip = c.virtual_addresses[i];
    if (ip.family() != c.family) {
      return Invalid(fmt::format("virtual_ipaddress {} is {} but the router is {}", ip,
                                 FamilyName(ip.family()), FamilyName(c.family)));
    }
    if (ip.IsUnspecified() || ip.IsMulticast()) {
      return Invalid(fmt::format("virtual_ipaddress {} is not a unicast address", ip));
    }
    if (std::find(c.virtual_addresses.begin(), c.virtual_addresses.begin() + i, ip) !=
        c.virtual_addresses.begin() + i) {
      return Invalid(fmt::format("virtual_ipaddress {} is listed twice", ip));
    }
  }
  if (c.primary_address.family() != c.family) {
    return Invalid(fmt::format("primary_address {} is {} but the router is {}", c.primary_address,
                               FamilyName(c.primary_address.family()), FamilyName(c.family)));
  }
  if (c.primary_address.IsUnspecified() || c.primary_address.IsMulticast()) {
    return Invalid(fmt::format("primary_address {} is not a unicast address", c.primary_address));
  }
  if (absl::Status s = CheckDuration("preempt_delay", c.preempt_delay, 1000); !s.ok()) return s;
  if (c.down_timer_adverts < 1 || c.down_timer_adverts > 100) {
    return Invalid(
        fmt::format("down_timer_adverts {} is out of range 1..100", c.down_timer_adverts));
  }
  if (c.garp_master_repeat < 0 || c.garp_master_repeat > 255) {
    return Invalid(
        fmt::format("garp_master_repeat {} is out of range 0..255", c.garp_master_repeat));
  }
  if (absl::Status s = CheckDuration("garp_master_delay", c.garp_master_delay, 3600); !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckDuration("garp_master_refresh", c.garp_master_refresh, 86400);
      !s.ok()) {
    return s;
  }
  if (c.garp_master_refresh_repeat < 1 || c.garp_master_refresh_repeat > 255) {
    return Invalid(fmt::format("garp_master_refresh_repeat {} is out of range 1..255",
                               c.garp_master_refresh_repeat));
  }
  if (c.auth_type != AuthType::kNone && c.version != Version::kV2) {
    // keepalived says "VRRP version 3 does not support authentication. Ignoring."; an API caller
    // who sets both has made a mistake we should not hide.
    return Invalid("authentication is VRRPv2 only (RFC 5798 §9 removed it)");
  }
  if (c.auth_type != AuthType::kNone && c.auth_type != AuthType::kPass &&
      c.auth_type != AuthType::kAh) {
    return Invalid(
        fmt::format("auth_type {} is not NONE, PASS or AH", static_cast<int>(c.auth_type)));
  }
  return absl::OkStatus();
}

}  // namespace vrrp
