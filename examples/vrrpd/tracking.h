// keepalived.conf's track_interface / track_script, mapped onto vrrp::ComputeTrackEffect
// (vrrp/tracking.h holds the arithmetic: weight 0 = fault, ±weight, reverse, pending scripts).
// The daemon calls it again whenever a script or a link changes and hands the result to the
// Router (SetPriorityDelta, fault raised/cleared).
//
// What the mapping decides (keepalived.conf(5), vrrp_instance track_script): a track_script's
// own `weight W [reverse]` overrides the vrrp_script's weight; without `reverse` it keeps the
// script's. Tracked interfaces come first, then scripts, each in config order, and so do the
// fault reasons.
//
//   vrrpd::TrackEffect effect = vrrpd::ComputeTrackEffect(vi, conf,
//       [&](std::string_view s) { return checker.failed(s); },
//       [&](std::string_view i) { return links.IsUp(i); },
//       [&](std::string_view s) { return checker.pending(s); });
//   // effect.priority_delta: -30; effect.fault: true; effect.fault_reasons: {"script chk failed"}
#ifndef VRRPD_TRACKING_H_
#define VRRPD_TRACKING_H_

#include <functional>
#include <string_view>
#include <vector>

#include "vrrp/config/config.h"
#include "vrrp/tracking.h"

namespace vrrpd {

using TrackEffect = vrrp::TrackEffect;

// The instance's track_interface then track_script entries, weights resolved. A track_script
// naming no vrrp_script is left out (the parser refuses one).
std::vector<vrrp::Track> InstanceTracks(const vrrp::config::VrrpInstance& instance,
                                        const vrrp::config::Configuration& conf);

// `script_pending` may be empty: then no script is pending (failed() alone decides).
TrackEffect ComputeTrackEffect(
    const vrrp::config::VrrpInstance& instance, const vrrp::config::Configuration& conf,
    const std::function<bool(std::string_view script)>& script_failed,
    const std::function<bool(std::string_view interface)>& interface_up,
    const std::function<bool(std::string_view script)>& script_pending = nullptr);

}  // namespace vrrpd

#endif  // VRRPD_TRACKING_H_
