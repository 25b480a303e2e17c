#include "vrrp/timeline_svg.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <iterator>
#include <map>
#include <set>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "fmt/format.h"
#include "vrrp/enum_names.h"

namespace vrrp {
namespace {

constexpr EnumNames<LaneState, 5> kLaneStateNames{{"INIT", "BACKUP", "MASTER", "FAULT", "DOWN"}};
static_assert(kLaneStateNames.Covers(LaneState::kDown));

// The design. examples/lab/timeline_svg.py draws the same picture in Python: keep the two in
// step (sizes, colours, classes), so a lab run and a simulation look alike side by side.
constexpr double kWidth = 960;
constexpr double kLeft = 130;  // the lanes' names
constexpr double kRight = 24;
constexpr double kPlot = kWidth - kLeft - kRight;
constexpr double kPlotTop = 56;  // under the title and the legend
constexpr double kNoteRowHeight = 12;
constexpr int kNoteRows = 3;
constexpr double kLaneHeight = 74;
constexpr int kLabelRows = 3;  // transition labels that would overlap go to the next row
constexpr double kLabelRowHeight = 11;
constexpr double kBarTop = 36;  // within a lane
constexpr double kBarHeight = 20;
constexpr double kVipTop = 58;
constexpr double kVipHeight = 6;
// An estimate of the width of a 10 px sans-serif character, for placing labels only: a wrong
// guess makes two labels touch, never breaks the picture.
constexpr double kCharWidth = 5.6;

constexpr std::string_view kStyle =
    "text{font-family:sans-serif;font-size:10px;fill:#222}"
    ".title{font-size:14px;font-weight:bold}"
    ".name{font-size:12px;font-weight:bold}"
    ".detail{font-size:9px;fill:#555}"
    ".state-INIT{fill:#d9d9d9}.state-BACKUP{fill:#9ecae1}.state-MASTER{fill:#31a354}"
    ".state-FAULT{fill:#fd8d3c}.state-DOWN{fill:#404040}"
    ".vip{fill:#6a51a3}"
    ".split-brain{fill:#e31a1c;fill-opacity:0.18;stroke:#e31a1c;stroke-opacity:0.6}"
    ".split-label{fill:#a50f15;font-size:9px}"
    ".transition line{stroke:#333;stroke-opacity:0.6}"
    ".transition circle{fill:#fff;stroke:#222}"
    ".note line{stroke:#666;stroke-dasharray:4 3}"
    ".note text{fill:#444;font-style:italic}"
    ".grid line{stroke:#e4e4e4}.axis line{stroke:#333}";

// Exact seconds for data- attributes and tooltips: "13.01", "0.125", "1.000001".
std::string Seconds(absl::Duration d) {
  const int64_t us = absl::ToInt64Microseconds(d);
  const int64_t whole = us / 1'000'000;
  const int64_t frac = us % 1'000'000;
  if (frac % 10'000 == 0) return fmt::format("{}.{:02}", whole, frac / 10'000);
  if (frac % 1'000 == 0) return fmt::format("{}.{:03}", whole, frac / 1'000);
  return fmt::format("{}.{:06}", whole, frac);
}

// XML text and attribute values. Names come from configuration files and scenarios: &<>"' are
// escaped, and what XML 1.0 cannot carry at all (control characters, bytes that are not UTF-8)
// becomes '?', so the document always parses.
std::string Escape(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  size_t i = 0;
  while (i < in.size()) {
    const auto c = static_cast<unsigned char>(in[i]);
    if (c < 0x80) {
      switch (c) {
        case '&':
          out += "&amp;";
          break;
        case '<':
          out += "&lt;";
          break;
        case '>':
          out += "&gt;";
          break;
        case '"':
          out += "&quot;";
          break;
        case '\'':
          out += "&#39;";
          break;
        default:
          out += (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f ? '?' : char(c);
      }
      ++i;
      continue;
    }
    // A UTF-8 sequence: its length from the lead byte, then continuation bytes; overlong forms
    // and surrogates are refused as XML parsers refuse them.
    size_t n = 0;
    uint32_t cp = 0;
    if (c >= 0xc2 && c <= 0xdf) {
      n = 2, cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 3, cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 4, cp = c & 0x07;
    }
    bool ok = n > 0 && i + n <= in.size();
    for (size_t k = 1; ok && k < n; ++k) {
      const auto cc = static_cast<unsigned char>(in[i + k]);
      ok = (cc & 0xc0) == 0x80;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (ok) {
      ok = !(n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) &&
           !(n == 4 && (cp < 0x10000 || cp > 0x10ffff)) && cp != 0xfffe && cp != 0xffff;
    }
    if (ok) {
      out.append(in.substr(i, n));
      i += n;
    } else {
      out += '?';
      ++i;
    }
  }
  return out;
}

std::string Num(double v) { return fmt::format("{:.1f}", v); }

double X(absl::Duration at, absl::Duration end) {
  return kLeft + kPlot * absl::FDivDuration(at, end);
}

// One label per row slot: the first row whose last label ends before this one starts, or the
// row that ends soonest when all are taken.
template <size_t N>
size_t PlaceLabel(std::array<double, N>& row_ends, double begin, double end) {
  size_t row = std::min_element(row_ends.begin(), row_ends.end()) - row_ends.begin();
  for (size_t r = 0; r < N; ++r) {
    if (row_ends[r] + 4 <= begin) {
      row = r;
      break;
    }
  }
  row_ends[row] = end;
  return row;
}

// Where a label goes: right of its line, or left of it when it would leave the picture.
struct LabelSpan {
  double begin;
  double end;
  double text_x;
  bool anchor_end;
};
LabelSpan Label(double x, std::string_view text) {
  const double w = kCharWidth * static_cast<double>(text.size());
  if (x + 3 + w > kWidth - 2) return {x - 3 - w, x - 3, x - 3, true};
  return {x + 3, x + 3 + w, x + 3, false};
}

// Axis ticks: the smallest step from a 1-2-5 series (in milliseconds) that gives at most 12.
int64_t TickStepMs(absl::Duration end) {
  static constexpr std::array<int64_t, 18> kSteps = {1,     2,     5,     10,    20,     50,
                                                     100,   200,   500,   1000,  2000,   5000,
                                                     10000, 15000, 30000, 60000, 300000, 600000};
  const int64_t end_ms = absl::ToInt64Milliseconds(end);
  for (int64_t s : kSteps) {
    if (end_ms / s <= 12) return s;
  }
  // Longer than two hours: whole hours, as many as it takes to keep to twelve ticks.
  return (end_ms / 12 / 3'600'000 + 1) * 3'600'000;
}

std::string TickLabel(int64_t ms) {
  if (ms % 1000 == 0) return fmt::format("{}s", ms / 1000);
  if (ms % 100 == 0) return fmt::format("{}.{}s", ms / 1000, ms % 1000 / 100);
  return fmt::format("{}.{:03}s", ms / 1000, ms % 1000);
}

absl::Status Invalid(std::string message) { return absl::InvalidArgumentError(std::move(message)); }

absl::Status Validate(const TimelinePicture& p) {
  if (p.end <= absl::ZeroDuration()) {
    return Invalid(fmt::format("timeline: the end ({}s) must be after the start", Seconds(p.end)));
  }
  if (p.lanes.empty()) return Invalid("timeline: no lane");
  std::set<std::string_view> names;
  for (const TimelineLane& lane : p.lanes) {
    if (!names.insert(lane.name).second) {
      return Invalid(fmt::format("timeline: two lanes are named '{}'", lane.name));
    }
  }
  absl::Duration last;
  for (size_t i = 0; i < p.changes.size(); ++i) {
    const TimelineChange& c = p.changes[i];
    if (!names.contains(c.router)) {
      return Invalid(fmt::format("timeline: change {} names no lane: '{}'", i, c.router));
    }
    if (c.at < absl::ZeroDuration() || c.at > p.end) {
      return Invalid(fmt::format("timeline: change {} at {}s is outside 0..{}s", i, Seconds(c.at),
                                 Seconds(p.end)));
    }
    if (c.at < last) {
      return Invalid(fmt::format("timeline: change {} at {}s comes after one at {}s", i,
                                 Seconds(c.at), Seconds(last)));
    }
    if (c.from.has_value() != c.to.has_value()) {
      return Invalid(fmt::format("timeline: change {} has only one of from and to", i));
    }
    last = c.at;
  }
  for (const TimelineNote& n : p.notes) {
    if (n.at < absl::ZeroDuration() || n.at > p.end) {
      return Invalid(fmt::format("timeline: note '{}' at {}s is outside 0..{}s", n.text,
                                 Seconds(n.at), Seconds(p.end)));
    }
  }
  return absl::OkStatus();
}

struct Segment {
  absl::Duration begin;
  absl::Duration end;
};

// Lane names to indexes, so that many lanes and long histories cost a look-up per change.
absl::flat_hash_map<std::string_view, size_t> LaneIndexes(const TimelinePicture& p) {
  absl::flat_hash_map<std::string_view, size_t> index;
  for (size_t i = 0; i < p.lanes.size(); ++i) index.try_emplace(p.lanes[i].name, i);
  return index;
}

}  // namespace

std::string_view LaneStateName(LaneState state) { return kLaneStateNames(state); }

LaneState ToLaneState(RouterState state) {
  switch (state) {
    case RouterState::kInitialize:
      return LaneState::kInit;
    case RouterState::kBackup:
      return LaneState::kBackup;
    case RouterState::kMaster:
      return LaneState::kMaster;
    case RouterState::kFault:
      return LaneState::kFault;
  }
  return LaneState::kInit;
}

std::vector<TimelineSplitBrain> TimelineSplitBrains(const TimelinePicture& p) {
  const absl::flat_hash_map<std::string_view, size_t> index = LaneIndexes(p);
  std::vector<LaneState> state;
  // The MASTER lanes of each group, kept as changes come; an empty group is the lane's own and
  // can never have two.
  std::map<std::string_view, std::set<size_t>> masters;
  for (size_t i = 0; i < p.lanes.size(); ++i) {
    state.push_back(p.lanes[i].initial);
    if (p.lanes[i].initial == LaneState::kMaster && !p.lanes[i].group.empty()) {
      masters[p.lanes[i].group].insert(i);
    }
  }
  std::map<std::string_view, TimelineSplitBrain> open;
  std::vector<TimelineSplitBrain> done;
  // Only the groups that changed at this instant are judged again.
  auto judge = [&](absl::Duration now, std::string_view group) {
    const std::set<size_t>& lanes = masters[group];
    auto it = open.find(group);
    if (lanes.size() < 2) {
      if (it != open.end()) {
        it->second.end = now;
        done.push_back(std::move(it->second));
        open.erase(it);
      }
      return;
    }
    if (it == open.end()) it = open.emplace(group, TimelineSplitBrain{.begin = now}).first;
    // Everyone who was MASTER during the span, in lane order.
    std::vector<std::string>& r = it->second.routers;
    for (size_t i : lanes) {
      if (std::find(r.begin(), r.end(), p.lanes[i].name) == r.end()) r.push_back(p.lanes[i].name);
    }
    std::sort(r.begin(), r.end(), [&](const std::string& x, const std::string& y) {
      return index.at(x) < index.at(y);
    });
  };
  for (const auto& [group, lanes] : masters) judge(absl::ZeroDuration(), group);
  // Judged once per instant, after all of that instant's changes.
  size_t i = 0;
  std::set<std::string_view> touched;
  while (i < p.changes.size()) {
    const absl::Duration now = p.changes[i].at;
    touched.clear();
    for (; i < p.changes.size() && p.changes[i].at == now; ++i) {
      const TimelineChange& c = p.changes[i];
      auto lane = index.find(c.router);
      if (lane == index.end() || !c.to) continue;
      const size_t l = lane->second;
      const std::string_view group = p.lanes[l].group;
      state[l] = *c.to;
      if (group.empty()) continue;
      if (state[l] == LaneState::kMaster) {
        masters[group].insert(l);
      } else {
        masters[group].erase(l);
      }
      touched.insert(group);
    }
    for (std::string_view group : touched) judge(now, group);
  }
  for (auto& [group, span] : open) {
    span.end = p.end;
    done.push_back(std::move(span));
  }
  // The initial states are judged before the changes at 0 s: a span they open may end at once.
  std::erase_if(done, [](const TimelineSplitBrain& s) { return s.end <= s.begin; });
  std::stable_sort(
      done.begin(), done.end(),
      [](const TimelineSplitBrain& a, const TimelineSplitBrain& b) { return a.begin < b.begin; });
  return done;
}

absl::StatusOr<std::string> RenderTimelineSvg(const TimelinePicture& p) {
  if (absl::Status s = Validate(p); !s.ok()) return s;

  const double lanes_top = kPlotTop + (p.notes.empty() ? 0 : kNoteRows * kNoteRowHeight + 2);
  const double lanes_bottom = lanes_top + kLaneHeight * static_cast<double>(p.lanes.size());
  const double axis_y = lanes_bottom + 6;
  const double height = axis_y + 28;

  std::string out;
  auto o = std::back_inserter(out);
  fmt::format_to(o,
                 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{0}\" "
                 "height=\"{1}\" viewBox=\"0 0 {0} {1}\" class=\"vrrp-timeline\" "
                 "data-end=\"{2}\">\n",
                 Num(kWidth), Num(height), Seconds(p.end));
  fmt::format_to(o, "<title>{}</title>\n<style>{}</style>\n", Escape(p.title), kStyle);
  fmt::format_to(o, "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n");
  fmt::format_to(o, "<text class=\"title\" x=\"8\" y=\"22\">{}</text>\n", Escape(p.title));

  // The legend, left to right.
  out += "<g class=\"legend\">\n";
  double lx = 8;
  auto legend = [&](std::string_view cls, std::string_view text, bool strip) {
    fmt::format_to(o, "<rect class=\"swatch {}\" x=\"{}\" y=\"{}\" width=\"14\" height=\"{}\"/>",
                   cls, Num(lx), strip ? "37.0" : "33.0", strip ? "5" : "12");
    fmt::format_to(o, "<text x=\"{}\" y=\"43\">{}</text>\n", Num(lx + 18), text);
    lx += 18 + kCharWidth * static_cast<double>(text.size()) + 14;
  };
  for (LaneState s : {LaneState::kInit, LaneState::kBackup, LaneState::kMaster, LaneState::kFault,
                      LaneState::kDown}) {
    const std::string_view name = LaneStateName(s);
    legend(fmt::format("state-{}", name),
           s == LaneState::kDown ? "DOWN (crashed or stopped)" : name, false);
  }
  legend("vip", "holds the VIP", true);
  legend("split-brain", "split brain (two MASTERs)", false);
  out += "</g>\n";

  // Grid and axis ticks.
  const int64_t step = TickStepMs(p.end);
  const int64_t end_ms = absl::ToInt64Milliseconds(p.end);
  // Grid lines first, so the bars cover them; the axis under the lanes.
  std::vector<std::pair<double, int64_t>> ticks;
  for (int64_t ms = 0; ms <= end_ms; ms += step)
    ticks.emplace_back(X(absl::Milliseconds(ms), p.end), ms);
  out += "<g class=\"grid\">\n";
  for (const auto& [x, ms] : ticks) {
    fmt::format_to(o, "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>\n", Num(x),
                   Num(lanes_top), Num(axis_y));
  }
  out += "</g>\n<g class=\"axis\">\n";
  fmt::format_to(o, "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n", Num(kLeft), Num(axis_y),
                 Num(kLeft + kPlot), Num(axis_y));
  for (const auto& [x, ms] : ticks) {
    fmt::format_to(o,
                   "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>"
                   "<text class=\"tick\" x=\"{0}\" y=\"{3}\" text-anchor=\"middle\">{4}</text>\n",
                   Num(x), Num(axis_y), Num(axis_y + 4), Num(axis_y + 16), TickLabel(ms));
  }
  out += "</g>\n";

  // Each lane's changes, states and VIP holding (as spans between its changes).
  const absl::flat_hash_map<std::string_view, size_t> index = LaneIndexes(p);
  std::vector<std::vector<const TimelineChange*>> lane_changes(p.lanes.size());
  for (const TimelineChange& c : p.changes) lane_changes[index.at(c.router)].push_back(&c);
  std::vector<std::vector<std::pair<LaneState, Segment>>> states(p.lanes.size());
  std::vector<std::vector<Segment>> vip(p.lanes.size());
  std::vector<std::vector<std::string>> vip_text(p.lanes.size());
  {
    std::vector<LaneState> now;
    std::vector<absl::Duration> since(p.lanes.size());
    std::vector<std::optional<absl::Duration>> held(p.lanes.size());
    std::vector<std::string> held_text(p.lanes.size());
    for (const TimelineLane& lane : p.lanes) now.push_back(lane.initial);
    for (const TimelineChange& c : p.changes) {
      const size_t i = index.at(c.router);
      if (c.to && *c.to != now[i]) {
        if (c.at > since[i]) states[i].push_back({now[i], {since[i], c.at}});
        now[i] = *c.to;
        since[i] = c.at;
      }
      if (c.holds_vip) {
        if (*c.holds_vip && !held[i]) {
          held[i] = c.at;
          held_text[i] = c.vips;
        } else if (!*c.holds_vip && held[i]) {
          if (c.at > *held[i]) {
            vip[i].push_back({*held[i], c.at});
            vip_text[i].push_back(held_text[i]);
          }
          held[i].reset();
        }
      }
    }
    for (size_t i = 0; i < p.lanes.size(); ++i) {
      if (p.end > since[i]) states[i].push_back({now[i], {since[i], p.end}});
      if (held[i] && p.end > *held[i]) {
        vip[i].push_back({*held[i], p.end});
        vip_text[i].push_back(held_text[i]);
      }
    }
  }

  for (size_t i = 0; i < p.lanes.size(); ++i) {
    const TimelineLane& lane = p.lanes[i];
    const double top = lanes_top + kLaneHeight * static_cast<double>(i);
    const std::string name = Escape(lane.name);
    fmt::format_to(o, "<g class=\"lane\" id=\"lane-{}\" data-router=\"{}\" data-group=\"{}\">\n", i,
                   name, Escape(lane.group));
    fmt::format_to(o, "<text class=\"name\" x=\"8\" y=\"{}\">{}</text>\n", Num(top + kBarTop + 14),
                   name);
    if (!lane.detail.empty()) {
      fmt::format_to(o, "<text class=\"detail\" x=\"8\" y=\"{}\">{}</text>\n",
                     Num(top + kBarTop + 27), Escape(lane.detail));
    }
    for (const auto& [state, seg] : states[i]) {
      const std::string_view sn = LaneStateName(state);
      const double x0 = X(seg.begin, p.end);
      fmt::format_to(o,
                     "<rect class=\"state state-{0}\" data-state=\"{0}\" data-begin=\"{1}\" "
                     "data-end=\"{2}\" x=\"{3}\" y=\"{4}\" width=\"{5}\" height=\"{6}\">"
                     "<title>{7} {0} {1}s..{2}s</title></rect>\n",
                     sn, Seconds(seg.begin), Seconds(seg.end), Num(x0), Num(top + kBarTop),
                     Num(X(seg.end, p.end) - x0), Num(kBarHeight), name);
    }
    for (size_t k = 0; k < vip[i].size(); ++k) {
      const Segment& seg = vip[i][k];
      const double x0 = X(seg.begin, p.end);
      const std::string what = vip_text[i][k].empty() ? "the VIP" : "VIP " + vip_text[i][k];
      fmt::format_to(o,
                     "<rect class=\"vip\" data-begin=\"{0}\" data-end=\"{1}\" x=\"{2}\" y=\"{3}\" "
                     "width=\"{4}\" height=\"{5}\"><title>{6} holds {7} {0}s..{1}s</title>"
                     "</rect>\n",
                     Seconds(seg.begin), Seconds(seg.end), Num(x0), Num(top + kVipTop),
                     Num(X(seg.end, p.end) - x0), Num(kVipHeight), name, Escape(what));
    }
    // Transition markers, their labels stacked in rows where they would overlap.
    std::array<double, kLabelRows> row_ends;
    row_ends.fill(-1e9);
    for (const TimelineChange* change : lane_changes[i]) {
      const TimelineChange& c = *change;
      if (!c.to) continue;
      const std::string_view from = LaneStateName(*c.from);
      const std::string_view to = LaneStateName(*c.to);
      const std::string text = c.reason.empty() ? std::string(to) : c.reason;
      const double x = X(c.at, p.end);
      const LabelSpan span = Label(x, text);
      const size_t row = PlaceLabel(row_ends, span.begin, span.end);
      const double baseline = top + 10 + kLabelRowHeight * static_cast<double>(row);
      fmt::format_to(o,
                     "<g class=\"transition\" data-router=\"{0}\" data-t=\"{1}\" "
                     "data-from=\"{2}\" data-to=\"{3}\" data-reason=\"{4}\">"
                     "<title>{1}s {0}: {2} -&gt; {3}{5}</title>"
                     "<line x1=\"{6}\" y1=\"{7}\" x2=\"{6}\" y2=\"{8}\"/>"
                     "<circle cx=\"{6}\" cy=\"{9}\" r=\"3\"/>"
                     "<text x=\"{10}\" y=\"{11}\"{12}>{13}</text></g>\n",
                     name, Seconds(c.at), from, to, Escape(c.reason),
                     c.reason.empty() ? "" : " (" + Escape(c.reason) + ")", Num(x),
                     Num(baseline - 8), Num(top + kBarTop + kBarHeight), Num(top + kBarTop),
                     Num(span.text_x), Num(baseline), span.anchor_end ? " text-anchor=\"end\"" : "",
                     Escape(text));
    }
    out += "</g>\n";
  }

  // Split brain, shaded across every lane, over the bars.
  for (const TimelineSplitBrain& sb : TimelineSplitBrains(p)) {
    std::string routers;
    for (const std::string& r : sb.routers) routers += (routers.empty() ? "" : ",") + r;
    const double x0 = X(sb.begin, p.end);
    const double w = X(sb.end, p.end) - x0;
    const std::string length = Seconds(sb.end - sb.begin);
    fmt::format_to(o,
                   "<g class=\"split\"><rect class=\"split-brain\" data-begin=\"{0}\" "
                   "data-end=\"{1}\" data-routers=\"{2}\" x=\"{3}\" y=\"{4}\" width=\"{5}\" "
                   "height=\"{6}\"><title>split brain {7}s ({0}s..{1}s): {8} MASTER</title></rect>",
                   Seconds(sb.begin), Seconds(sb.end), Escape(routers), Num(x0), Num(lanes_top),
                   Num(w), Num(lanes_bottom - lanes_top), length,
                   Escape(sb.routers.size() == 2 ? sb.routers[0] + " and " + sb.routers[1] + " both"
                                                 : routers + " all"));
    if (w >= 80) {
      fmt::format_to(o,
                     "<text class=\"split-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">"
                     "split brain {}s</text>",
                     Num(x0 + w / 2), Num(lanes_bottom - 2), length);
    }
    out += "</g>\n";
  }

  // Outside events: a dashed line from their label down through the lanes.
  std::array<double, kNoteRows> note_ends;
  note_ends.fill(-1e9);
  for (const TimelineNote& n : p.notes) {
    const double x = X(n.at, p.end);
    const LabelSpan span = Label(x, n.text);
    const size_t row = PlaceLabel(note_ends, span.begin, span.end);
    const double baseline = kPlotTop + 10 + kNoteRowHeight * static_cast<double>(row);
    fmt::format_to(o,
                   "<g class=\"note\" data-t=\"{0}\"><title>{0}s {1}</title>"
                   "<line x1=\"{2}\" y1=\"{3}\" x2=\"{2}\" y2=\"{4}\"/>"
                   "<text x=\"{5}\" y=\"{6}\"{7}>{1}</text></g>\n",
                   Seconds(n.at), Escape(n.text), Num(x), Num(baseline - 8), Num(lanes_bottom),
                   Num(span.text_x), Num(baseline), span.anchor_end ? " text-anchor=\"end\"" : "");
  }
  out += "</svg>\n";
  return out;
}

}  // namespace vrrp
