// vip_lease_time, our keyword (not keepalived's), in global_defs and in a vrrp_instance: the
// kernel lifetime the instance's VIPs are added with and its Master renews, so that a killed
// Master lets go of them by itself (crash-safe VIPs, docs/DESIGN.md). `auto` (the default)
// takes vrrp::VipLeaseFor of the instance's timers; 0 keeps keepalived's permanent VIPs.
#ifndef VRRP_LIB_CONFIG_VIP_LEASE_H_
#define VRRP_LIB_CONFIG_VIP_LEASE_H_

#include "absl/status/statusor.h"
#include "cursor.h"
#include "vrrp/config/config.h"

namespace vrrp::config {

// `auto`, 0 or whole seconds vrrp::kMinVipLeaseSeconds..vrrp::kMaxLeaseSeconds.
absl::StatusOr<VipLeaseTime> ReadVipLeaseTime(Cursor& in, const Token& kw);

// The seconds an instance with `router`'s timers is given.
uint32_t LeaseSeconds(const VipLeaseTime& lease, const RouterConfig& router);

}  // namespace vrrp::config

#endif  // VRRP_LIB_CONFIG_VIP_LEASE_H_
