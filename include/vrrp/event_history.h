// What happened lately, kept for a person: the last events of a daemon's instances worth
// reading afterwards (transitions with their reasons, VIPs added or removed or failing,
// priority changes, interfaces waited for), each with the wall-clock time it happened, in a
// bounded ring so that a flapping instance cannot grow it. Drops, announcements and send
// failures are not kept: they are counted in the statistics (router_stats.h), and a flood of
// them would push out the transitions that explain an outage.
//
// vrrpd keeps one and serves it as `vrrpctl history` (lines, --json, or --svg FILE: the
// timeline picture vrrp-sim draws, timeline_svg.h). An embedder gets the same in a few lines:
//
//   vrrp::EventHistory history;                  // the last kDefaultCapacity events
//   while (std::optional<vrrp::InstanceEvent> e = driver->PollEvent()) {
//     history.Record(*e, absl::Now());
//   }
//   std::string json = vrrp::HistoryJson(history);
//   absl::StatusOr<std::string> svg = vrrp::RenderHistorySvg(
//       history, {.title = "lb-5", .now = absl::Now(), .lanes = {{.name = "VI_1"}}});
//
// Thread-safety: none; one owner, as the EventQueue it is fed from.
#ifndef VRRP_EVENT_HISTORY_H_
#define VRRP_EVENT_HISTORY_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "vrrp/event.h"
#include "vrrp/timeline_svg.h"

namespace vrrp {

struct HistoryEntry {
  absl::Time wall_time;  // when it happened (absl::Now(); InstanceEvent::time is monotonic)
  InstanceEvent event;
};

class EventHistory {
 public:
  // A takeover of 1,000 instances with one VIP each brings 2,000 entries: the default keeps
  // one such takeover and what came before it, in about 1 MB at most.
  static constexpr size_t kDefaultCapacity = 4096;

  // At least one entry is kept, whatever `capacity` says.
  explicit EventHistory(size_t capacity = kDefaultCapacity);

  // Keeps `event` when it is of a kept kind (Keeps); the oldest entry goes when full.
  // Returns whether it was kept.
  bool Record(const InstanceEvent& event, absl::Time wall_time);
  static bool Keeps(InstanceEvent::Kind kind);

  const std::deque<HistoryEntry>& entries() const { return entries_; }
  size_t capacity() const { return capacity_; }
  // Entries pushed out by newer ones since the start: the history is complete when 0.
  uint64_t forgotten() const { return forgotten_; }

 private:
  size_t capacity_;
  std::deque<HistoryEntry> entries_;
  uint64_t forgotten_ = 0;
};

// One line per entry, oldest first: "2026-12-02T11:40:00.123Z VI_1 transition BACKUP -> MASTER
// (master_down_timer)" (UTC, milliseconds; the rest is DescribeEvent), then, when entries were
// forgotten, a last line saying how many.
std::string HistoryText(const EventHistory& history);

// {"capacity": 4096, "forgotten": 0, "events": [{"time": "2026-12-02T11:40:00.123Z",
// "instance": "VI_1", "kind": "transition", "from": "BACKUP", "to": "MASTER",
// "reason": "master_down_timer"}, ...]}. Per kind: transition from/to/reason; address_added /
// address_removed "address" ("192.0.2.3/24") and "interface"; priority_changed "priority" and
// "previous"; every failed one "error" (the status's message). No newline at the end.
std::string HistoryJson(const EventHistory& history);

struct HistoryPictureOptions {
  std::string title;
  absl::Time now;  // the right edge
  // The instances to draw, in order, each with its state now in `initial`: a lane starts in
  // the `from` of its first transition kept, or, with none kept, stays in that state. An
  // instance met in the history but not listed gets a lane after these.
  std::vector<TimelineLane> lanes;
  // The left edge; InfinitePast: the first entry kept (or one minute before `now` when empty).
  absl::Time since = absl::InfinitePast();
};

// The history as a timeline picture (timeline_svg.h): a lane per instance, each transition with
// its reason, the VIP strip from the addresses added and removed, priority changes, failed
// addresses and waited-for interfaces as notes, and a note when older entries were forgotten.
// Each lane is its own group: one daemon cannot see another's split brain. InvalidArgument
// when `now` is before the left edge or two lanes share a name.
absl::StatusOr<TimelinePicture> HistoryTimeline(const EventHistory& history,
                                                const HistoryPictureOptions& options);
absl::StatusOr<std::string> RenderHistorySvg(const EventHistory& history,
                                             const HistoryPictureOptions& options);

}  // namespace vrrp

#endif  // VRRP_EVENT_HISTORY_H_
