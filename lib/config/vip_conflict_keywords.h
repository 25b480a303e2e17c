// vip_conflict and vip_probe_interval, our keywords (not keepalived's), in global_defs and in a
// vrrp_instance: VIP conflict detection and the black-hole check (vrrp/vip_conflict.h).
//   vip_conflict yield | report | off      (default yield: a deaf Master yields to the holder)
//   vip_probe_interval SECONDS             (default 0: no black-hole check; 1..3600)
//   vip_black_hole report | takeover       (default report: a black hole is only reported)
#ifndef VRRP_LIB_CONFIG_VIP_CONFLICT_KEYWORDS_H_
#define VRRP_LIB_CONFIG_VIP_CONFLICT_KEYWORDS_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cursor.h"
#include "vrrp/vip_conflict.h"

namespace vrrp::config {

absl::StatusOr<VipConflictMode> ReadVipConflictMode(Cursor& in, const Token& kw);
// Whole or fractional seconds, 0 (off) or 1..3600: a probe is a broadcast per instance.
absl::StatusOr<absl::Duration> ReadVipProbeInterval(Cursor& in, const Token& kw);
// true for takeover (VipConflictConfig::take_over_black_hole).
absl::StatusOr<bool> ReadVipBlackHole(Cursor& in, const Token& kw);

}  // namespace vrrp::config

#endif  // VRRP_LIB_CONFIG_VIP_CONFLICT_KEYWORDS_H_
