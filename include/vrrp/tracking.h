// ComputeTrackEffect: what tracked objects (checks, links) do to one virtual router, from their
// current state. Pure: the caller computes it again whenever a check or a link changes and
// hands the result to the Router (SetPriorityDelta, SetFault).
//
// keepalived.conf(5), vrrp_instance track_interface / track_script, and its bfd weight table:
//   weight 0      the router is in FAULT while the check fails / the link is down
//                 (`weight 0 reverse`: while the check succeeds / the link is up)
//   weight W > 0  W is added while the check succeeds / the link is up
//   weight W < 0  W is added (the priority drops) while the check fails / the link is down
//   reverse       the direction flips: W > 0 is subtracted while up, W < 0 added while down
// A check that has not reported yet (pending, see CheckState) contributes neither a weight nor
// a fault: keepalived applies nothing to a script in its INIT state. The sum is not clamped
// here: the Router keeps the effective priority in 1..254 and leaves an address owner at 255.
//
// track_process (keepalived.conf(5), "VRRP track processes") weighs like a check: "ok" is "the
// process quorum is met". track_file ("Track files") carries a number instead of a yes/no:
//   weight 0      FAULT while the file's value is not 0 (`reverse`: while it is 0)
//   weight W      value × W (× -1 with reverse) is added, capped at 253; at -254 or below the
//                 router is in FAULT instead (a weight of 254 lets a value of -1 mean FAULT)
//
// The weights are already resolved: where a keepalived track_script overrides its vrrp_script's
// weight, the caller passes the winner (vrrpd does this from keepalived.conf).
//
//   std::vector<vrrp::Track> tracks = {
//       {vrrp::Track::Kind::kInterface, "eth1", 0},
//       {vrrp::Track::Kind::kScript, "chk_nginx", -30},
//   };
//   vrrp::TrackInputs inputs;
//   inputs.script_failed = [&](std::string_view s) { return checks.failed(s); };
//   inputs.interface_up = [&](std::string_view i) { return links.IsUp(i); };
//   inputs.script_pending = [&](std::string_view s) { return checks.pending(s); };
//   vrrp::TrackEffect effect = vrrp::ComputeTrackEffect(tracks, inputs);
//   // eth1 down, chk_nginx failing: priority_delta -30, fault, {"interface eth1 down"}
//   router.SetPriorityDelta(now, effect.priority_delta);
//   router.SetFault(now, effect.fault);
#ifndef VRRP_TRACKING_H_
#define VRRP_TRACKING_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/types/span.h"

namespace vrrp {

// One tracked object of a router: a check (keepalived's track_script), a link
// (track_interface), a file's value (track_file) or a process quorum (track_process), with its
// resolved weight.
struct Track {
  enum class Kind : uint8_t { kScript, kInterface, kFile, kProcess };
  Kind kind = Kind::kScript;
  std::string name;
  int weight = 0;
  bool reverse = false;

  friend bool operator==(const Track&, const Track&) = default;
};

// The current state of the tracked objects, looked up by name. A lookup left empty answers
// "fine": no script failed, every interface up, no script pending.
struct TrackInputs {
  std::function<bool(std::string_view script)> script_failed;
  std::function<bool(std::string_view interface)> interface_up;
  // No result yet (CheckState::pending()): then neither weight nor fault applies.
  std::function<bool(std::string_view script)> script_pending;
  // A track_file's current value, -254..254 (keepalived's range: a missing file reads 0).
  std::function<int64_t(std::string_view file)> file_value;
  // Whether a track_process's quorum is met (after its fork / terminate delays).
  std::function<bool(std::string_view process)> process_up;
};

struct TrackEffect {
  int priority_delta = 0;
  bool fault = false;
  // In the order of the tracks: "interface eth1 down", "script chk_nginx failed",
  // "script chk_maint succeeded" (weight 0 reverse), "interface eth2 up" (weight 0 reverse),
  // "file maint value 1", "process haproxy down".
  std::vector<std::string> fault_reasons;
  // Weight-0 scripts with no result yet. keepalived holds such a router back (it does not
  // start, not even an address owner straight to Master) until they report, without calling it
  // a fault; the caller may wait for this to empty before starting the router.
  std::vector<std::string> waiting_for;

  friend bool operator==(const TrackEffect&, const TrackEffect&) = default;
};

TrackEffect ComputeTrackEffect(absl::Span<const Track> tracks, const TrackInputs& inputs);

}  // namespace vrrp

#endif  // VRRP_TRACKING_H_
