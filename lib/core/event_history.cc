#include "vrrp/event_history.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <set>
#include <utility>

#include "fmt/format.h"
#include "vrrp/json.h"

namespace vrrp {
namespace {

// "2026-12-02T11:40:00.123Z": UTC with milliseconds, sortable as text.
std::string FormatWallTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
}

bool HoldsAddresses(const std::set<std::string>& held) { return !held.empty(); }

std::string JoinAddresses(const std::set<std::string>& held) {
  std::string text;
  for (const std::string& a : held) text += (text.empty() ? "" : " ") + a;
  return text;
}

}  // namespace

EventHistory::EventHistory(size_t capacity) : capacity_(std::max<size_t>(1, capacity)) {}

bool EventHistory::Keeps(InstanceEvent::Kind kind) {
  switch (kind) {
    case InstanceEvent::Kind::kTransition:
    case InstanceEvent::Kind::kAddressAdded:
    case InstanceEvent::Kind::kAddressRemoved:
    case InstanceEvent::Kind::kPriorityChanged:
    case InstanceEvent::Kind::kSyncWaiting:
    case InstanceEvent::Kind::kInterfaceWaiting:
    case InstanceEvent::Kind::kVipConflict:  // reported only when acted on: a few per interval
    case InstanceEvent::Kind::kBlackHole:
      return true;
    case InstanceEvent::Kind::kDrop:       // counted: router_stats.h
    case InstanceEvent::Kind::kAnnounced:  // follows every transition to Master
    case InstanceEvent::Kind::kSendFailed:
      return false;
  }
  return false;
}

bool EventHistory::Record(const InstanceEvent& event, absl::Time wall_time) {
  if (!Keeps(event.kind)) return false;
  if (entries_.size() == capacity_) {
    entries_.pop_front();
    ++forgotten_;
  }
  entries_.push_back({wall_time, event});
  return true;
}

std::string HistoryText(const EventHistory& history) {
  std::string out;
  for (const HistoryEntry& entry : history.entries()) {
    fmt::format_to(std::back_inserter(out), "{} {}\n", FormatWallTime(entry.wall_time),
                   DescribeEvent(entry.event));
  }
  if (history.forgotten() != 0) {
    fmt::format_to(std::back_inserter(out), "({} older events forgotten: the history keeps {})\n",
                   history.forgotten(), history.capacity());
  }
  return out;
}

std::string HistoryJson(const EventHistory& history) {
  std::string out = fmt::format("{{\"capacity\": {}, \"forgotten\": {}, \"events\": [",
                                history.capacity(), history.forgotten());
  bool first = true;
  for (const HistoryEntry& entry : history.entries()) {
    const InstanceEvent& e = entry.event;
    fmt::format_to(std::back_inserter(out), "{}{{\"time\": {}, \"instance\": {}, \"kind\": {}",
                   first ? "" : ", ", JsonString(FormatWallTime(entry.wall_time)),
                   JsonString(e.instance), JsonString(InstanceEventKindName(e.kind)));
    first = false;
    switch (e.kind) {
      case InstanceEvent::Kind::kTransition:
        fmt::format_to(std::back_inserter(out), ", \"from\": {}, \"to\": {}, \"reason\": {}",
                       JsonString(RouterStateName(e.transition.from)),
                       JsonString(RouterStateName(e.transition.to)),
                       JsonString(TransitionReasonName(e.transition.reason)));
        break;
      case InstanceEvent::Kind::kAddressAdded:
      case InstanceEvent::Kind::kAddressRemoved:
        if (e.address) {
          fmt::format_to(
              std::back_inserter(out), ", \"address\": {}, \"interface\": {}",
              JsonString(fmt::format("{}/{}", e.address->address, e.address->prefix_len)),
              JsonString(e.address->interface));
        }
        break;
      case InstanceEvent::Kind::kPriorityChanged:
        fmt::format_to(std::back_inserter(out), ", \"priority\": {}, \"previous\": {}", e.count,
                       e.previous);
        break;
      default:
        break;
    }
    if (!e.status.ok()) {
      fmt::format_to(std::back_inserter(out), ", \"error\": {}",
                     JsonString(std::string(e.status.message())));
    }
    out += "}";
  }
  out += "]}";
  return out;
}

absl::StatusOr<TimelinePicture> HistoryTimeline(const EventHistory& history,
                                                const HistoryPictureOptions& options) {
  const std::deque<HistoryEntry>& entries = history.entries();
  absl::Time since = options.since;
  if (since == absl::InfinitePast()) {
    since = entries.empty() ? options.now - absl::Minutes(1) : entries.front().wall_time;
  }
  if (options.now <= since) {
    return absl::InvalidArgumentError(
        fmt::format("the picture's end ({}) is not after its start ({})",
                    FormatWallTime(options.now), FormatWallTime(since)));
  }
  TimelinePicture p;
  p.title = options.title;
  p.end = options.now - since;

  // Lanes: those asked for, then the instances met in the history, in order of appearance.
  std::map<std::string, size_t, std::less<>> lane_of;
  for (const TimelineLane& lane : options.lanes) {
    if (!lane_of.emplace(lane.name, p.lanes.size()).second) {
      return absl::InvalidArgumentError(fmt::format("two lanes are named '{}'", lane.name));
    }
    p.lanes.push_back(lane);
    p.lanes.back().group = lane.name;  // its own group: one daemon sees no split brain
  }
  std::map<std::string, bool, std::less<>> has_transition;
  for (const HistoryEntry& entry : entries) {
    const InstanceEvent& e = entry.event;
    if (entry.wall_time < since || entry.wall_time > options.now) continue;
    auto [it, added] = lane_of.emplace(e.instance, p.lanes.size());
    if (added) p.lanes.push_back({.name = e.instance, .group = e.instance});
    // A lane starts where its first transition came from.
    if (e.kind == InstanceEvent::Kind::kTransition && !has_transition[e.instance]) {
      has_transition[e.instance] = true;
      p.lanes[it->second].initial = ToLaneState(e.transition.from);
    }
  }

  if (history.forgotten() != 0 && options.since == absl::InfinitePast()) {
    p.notes.push_back({.at = absl::ZeroDuration(),
                       .text = fmt::format("{} older events forgotten", history.forgotten())});
  }
  // An address whose first event in the picture is a removal was held before the left edge:
  // its instance's strip starts at 0.
  std::map<std::string, std::set<std::string>, std::less<>> held;
  std::set<std::pair<std::string, std::string>> seen;  // instance, address
  for (const HistoryEntry& entry : entries) {
    const InstanceEvent& e = entry.event;
    const bool address_event = e.kind == InstanceEvent::Kind::kAddressAdded ||
                               e.kind == InstanceEvent::Kind::kAddressRemoved;
    if (entry.wall_time < since || entry.wall_time > options.now || !address_event || !e.address ||
        !e.status.ok() || !seen.emplace(e.instance, e.address->address.ToString()).second) {
      continue;
    }
    if (e.kind == InstanceEvent::Kind::kAddressRemoved) {
      held[e.instance].insert(e.address->address.ToString());
    }
  }
  for (const TimelineLane& lane : p.lanes) {
    if (auto it = held.find(lane.name); it != held.end()) {
      p.changes.push_back({.at = absl::ZeroDuration(),
                           .router = lane.name,
                           .holds_vip = true,
                           .vips = JoinAddresses(it->second)});
    }
  }
  for (const HistoryEntry& entry : entries) {
    const InstanceEvent& e = entry.event;
    if (entry.wall_time < since || entry.wall_time > options.now) continue;
    const absl::Duration at = entry.wall_time - since;
    switch (e.kind) {
      case InstanceEvent::Kind::kTransition:
        p.changes.push_back({.at = at,
                             .router = e.instance,
                             .from = ToLaneState(e.transition.from),
                             .to = ToLaneState(e.transition.to),
                             .reason = std::string(TransitionReasonName(e.transition.reason))});
        break;
      case InstanceEvent::Kind::kAddressAdded:
      case InstanceEvent::Kind::kAddressRemoved: {
        if (!e.address) break;
        const std::string address = e.address->address.ToString();
        if (!e.status.ok()) {
          p.notes.push_back(
              {.at = at,
               .text = fmt::format("{}: cannot {} {}", e.instance,
                                   e.kind == InstanceEvent::Kind::kAddressAdded ? "add" : "remove",
                                   address)});
          break;
        }
        std::set<std::string>& mine = held[e.instance];
        const bool had = HoldsAddresses(mine);
        if (e.kind == InstanceEvent::Kind::kAddressAdded) {
          mine.insert(address);
        } else {
          mine.erase(address);
        }
        if (had != HoldsAddresses(mine)) {
          p.changes.push_back({.at = at,
                               .router = e.instance,
                               .holds_vip = !had,
                               .vips = had ? address : JoinAddresses(mine)});
        }
        break;
      }
      case InstanceEvent::Kind::kPriorityChanged:
        p.notes.push_back(
            {.at = at,
             .text = fmt::format("{}: priority {} -> {}", e.instance, e.previous, e.count)});
        break;
      case InstanceEvent::Kind::kInterfaceWaiting:
        p.notes.push_back(
            {.at = at, .text = fmt::format("{}: waits for its interface", e.instance)});
        break;
      case InstanceEvent::Kind::kSyncWaiting:
        p.notes.push_back(
            {.at = at, .text = fmt::format("{}: waits for its sync group", e.instance)});
        break;
      case InstanceEvent::Kind::kVipConflict:
      case InstanceEvent::Kind::kBlackHole:
        p.notes.push_back({.at = at, .text = DescribeEvent(e)});
        break;
      default:
        break;
    }
  }
  return p;
}

absl::StatusOr<std::string> RenderHistorySvg(const EventHistory& history,
                                             const HistoryPictureOptions& options) {
  absl::StatusOr<TimelinePicture> picture = HistoryTimeline(history, options);
  if (!picture.ok()) return picture.status();
  if (picture->lanes.empty()) {
    // Nothing configured and nothing happened: one empty lane says so rather than an error.
    picture->lanes.push_back({.name = "(no instances)"});
  }
  return RenderTimelineSvg(*picture);
}

}  // namespace vrrp
