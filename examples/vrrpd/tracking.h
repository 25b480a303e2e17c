// ComputeTrackEffect: what track_script and track_interface do to one instance, from the
// current state of the scripts and links. Pure: the daemon calls it again whenever a script or
// a link changes and hands the result to the Router (SetPriorityDelta, fault raised/cleared).
//
// keepalived.conf(5), vrrp_instance track_interface / track_script, and its bfd weight table:
//   weight 0      the instance is in FAULT while the script fails / the link is down
//                 (`weight 0 reverse`: while the script succeeds)
//   weight W > 0  W is added while the script succeeds / the link is up
//   weight W < 0  W is added (the priority drops) while the script fails / the link is down
//   reverse       the direction flips: W > 0 is subtracted while up, W < 0 added while down
// A track_script's own `weight W [reverse]` overrides the vrrp_script's weight; without
// `reverse` it keeps the script's. A script that has not reported yet (pending, see
// ScriptState) contributes neither a weight nor a fault: keepalived applies nothing to a script
// in its INIT state. The sum is not clamped here: the Router keeps the effective priority in
// 1..254 and leaves an address owner at 255.
//
//   vrrpd::TrackEffect effect = vrrpd::ComputeTrackEffect(vi, conf,
//       [&](std::string_view s) { return checker.failed(s); },
//       [&](std::string_view i) { return links.IsUp(i); },
//       [&](std::string_view s) { return checker.pending(s); });
//   // effect.priority_delta: -30; effect.fault: true; effect.fault_reasons: {"script chk failed"}
#ifndef VRRPD_TRACKING_H_
#define VRRPD_TRACKING_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "vrrp/config/config.h"

namespace vrrpd {

struct TrackEffect {
  int priority_delta = 0;
  bool fault = false;
  // In config order, interfaces first: "interface eth1 down", "script chk_nginx failed",
  // "script chk_maint succeeded" (weight 0 reverse).
  std::vector<std::string> fault_reasons;
  // Weight-0 scripts with no result yet. keepalived holds such an instance back (it does not
  // start, not even an address owner straight to Master) until they report, without calling it
  // a fault; the daemon may wait for this to empty before starting the instance.
  std::vector<std::string> waiting_for;

  friend bool operator==(const TrackEffect&, const TrackEffect&) = default;
};

// `script_pending` may be empty: then no script is pending (failed() alone decides).
TrackEffect ComputeTrackEffect(
    const vrrp::config::VrrpInstance& instance, const vrrp::config::Configuration& conf,
    const std::function<bool(std::string_view script)>& script_failed,
    const std::function<bool(std::string_view interface)>& interface_up,
    const std::function<bool(std::string_view script)>& script_pending = nullptr);

}  // namespace vrrpd

#endif  // VRRPD_TRACKING_H_
