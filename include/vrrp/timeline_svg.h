// A failover timeline as a picture: one SVG with a lane per router coloured by its state over
// time, a marker at each transition labelled with its reason, a strip under each lane while the
// router holds the virtual addresses, split brain (two or more MASTERs of one group at once)
// shaded across the lanes, notes for outside events (a crash, a firewall rule), a time axis and
// a legend. vrrp-sim writes one with --svg; the lab's report.py draws the same design in Python.
//
//   vrrp::TimelinePicture p;
//   p.title = "seed lab";
//   p.end = absl::Seconds(50);
//   p.lanes = {{.name = "lb-5", .group = "vrid 50"}, {.name = "lb-6", .group = "vrid 50"}};
//   p.changes.push_back({.at = absl::Seconds(3.41), .router = "lb-5",
//                        .from = vrrp::LaneState::kBackup, .to = vrrp::LaneState::kMaster,
//                        .reason = "master_down_timer", .holds_vip = true,
//                        .vips = "192.0.2.3"});
//   absl::StatusOr<std::string> svg = vrrp::RenderTimelineSvg(p);
//
// The input is neutral: times since the picture's start, router names, states, reasons and who
// holds the VIPs; nothing here knows where they came from (the simulated LAN, a daemon's event
// history, a log). Split brain is computed here from the lanes' states, so every producer gets
// the same judgement: a handover where one router steps up and the other steps down at the same
// instant is not one.
//
// Output: plain SVG 1.1 (no script, no external font or resource), deterministic (the same
// input gives the same bytes), every text escaped. Tests find the parts by their classes and
// data- attributes: <g class="lane" data-router>, <rect class="state" data-state data-begin
// data-end>, <rect class="vip">, <g class="transition" data-router data-t data-from data-to
// data-reason>, <rect class="split-brain" data-begin data-end data-routers>, <g class="note">.
// Times in data- attributes are seconds ("13.01"; 3 or 6 decimals when needed).
//
// Thread-safety: a pure function of its argument.
#ifndef VRRP_TIMELINE_SVG_H_
#define VRRP_TIMELINE_SVG_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "vrrp/action.h"

namespace vrrp {

// What a lane shows. kDown: nothing runs there (crashed or stopped); a crashed host may still
// hold the VIPs, which the VIP strip shows.
enum class LaneState : uint8_t { kInit = 0, kBackup, kMaster, kFault, kDown };

// "INIT", "BACKUP", "MASTER", "FAULT", "DOWN".
std::string_view LaneStateName(LaneState state);
LaneState ToLaneState(RouterState state);

struct TimelineLane {
  std::string name;    // the router (or instance) the changes name
  std::string detail;  // under the name, small: "vrid 50, priority 150"
  // Lanes with the same group elect among themselves (one VRID on one LAN): split brain is two
  // or more of them MASTER at once. An empty group is a group of its own.
  std::string group;
  LaneState initial = LaneState::kInit;
};

struct TimelineChange {
  absl::Duration at;   // since the start of the picture, within [0, end]
  std::string router;  // a lane's name
  // A transition (both set) draws a marker labelled with `reason`; a VIP change alone has none.
  std::optional<LaneState> from;
  std::optional<LaneState> to;
  std::string reason;  // "master_down_timer", "crashed", ...; empty: the marker says `to`
  // Whether the router holds the VIPs afterwards, when that changed here.
  std::optional<bool> holds_vip;
  std::string vips;  // the addresses, for the strip's tooltip: "192.0.2.3"
};

// An outside event drawn as a dashed line across the lanes: "block lb-5 -> lb-6", "heal".
struct TimelineNote {
  absl::Duration at;
  std::string text;
};

struct TimelinePicture {
  std::string title;
  absl::Duration end;  // the right edge; more than zero
  std::vector<TimelineLane> lanes;
  std::vector<TimelineChange> changes;  // in time order (equal times keep their order)
  std::vector<TimelineNote> notes;
};

// A span during which two or more lanes of one group were MASTER.
struct TimelineSplitBrain {
  absl::Duration begin;
  absl::Duration end;
  std::vector<std::string> routers;  // in lane order
};

// The split-brain spans of a picture, as RenderTimelineSvg shades them. Assumes valid input.
std::vector<TimelineSplitBrain> TimelineSplitBrains(const TimelinePicture& picture);

// The SVG document. InvalidArgument, naming the culprit, when the end is not positive, there is
// no lane or two lanes share a name, a change names no lane, a time is outside [0, end], or
// the changes go back in time.
absl::StatusOr<std::string> RenderTimelineSvg(const TimelinePicture& picture);

}  // namespace vrrp

#endif  // VRRP_TIMELINE_SVG_H_
