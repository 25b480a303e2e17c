// vrrp::RenderTimelineSvg: the lanes, transitions, VIP strips and split-brain spans it draws
// (found by their classes and data- attributes, as a reader of the SVG would), what it refuses,
// escaping, and that the same input gives the same bytes. vrrp-sim's --svg test parses a whole
// picture with an XML parser (examples/vrrp-sim/tests/svg_test.py).
#include "vrrp/timeline_svg.h"

#include <string>

#include "absl/time/time.h"
#include "catch2/catch.hpp"

namespace vrrp {
namespace {

using absl::Milliseconds;
using absl::Seconds;

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

TimelineChange Move(absl::Duration at, std::string router, LaneState from, LaneState to,
                    std::string reason) {
  return {
      .at = at, .router = std::move(router), .from = from, .to = to, .reason = std::move(reason)};
}

TimelineChange Vip(absl::Duration at, std::string router, bool holds) {
  return {.at = at, .router = std::move(router), .holds_vip = holds, .vips = "192.0.2.3"};
}

// Two routers: a takes over at 3.41 s, b steps up while a still is MASTER (split brain from
// 10 s to 12 s), then a hands over to b at one instant at 20 s (no split brain).
TimelinePicture TwoRouters() {
  TimelinePicture p;
  p.title = "two routers";
  p.end = Seconds(30);
  p.lanes = {{.name = "a", .detail = "vrid 1", .group = "1"},
             {.name = "b", .detail = "vrid 1", .group = "1"}};
  p.changes = {
      Move(absl::ZeroDuration(), "a", LaneState::kInit, LaneState::kBackup, "startup"),
      Move(absl::ZeroDuration(), "b", LaneState::kInit, LaneState::kBackup, "startup"),
      Move(Milliseconds(3410), "a", LaneState::kBackup, LaneState::kMaster, "master_down_timer"),
      Vip(Milliseconds(3410), "a", true),
      Move(Seconds(10), "b", LaneState::kBackup, LaneState::kMaster, "master_down_timer"),
      Vip(Seconds(10), "b", true),
      Move(Seconds(12), "b", LaneState::kMaster, LaneState::kBackup, "higher_priority_received"),
      Vip(Seconds(12), "b", false),
      Move(Seconds(20), "b", LaneState::kBackup, LaneState::kMaster, "priority_zero_received"),
      Move(Seconds(20), "a", LaneState::kMaster, LaneState::kInit, "shutdown"),
  };
  p.notes = {{.at = Seconds(10), .text = "block a -> b"}};
  return p;
}

TEST_CASE("timeline svg: lanes, states, transitions with reasons, VIP strips") {
  absl::StatusOr<std::string> svg = RenderTimelineSvg(TwoRouters());
  REQUIRE(svg.ok());
  const std::string& s = *svg;
  CHECK(s.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg ", 0) == 0);
  CHECK(s.find("xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\"") != std::string::npos);
  CHECK(s.ends_with("</svg>\n"));
  CHECK(Count(s, "<g class=\"lane\"") == 2);
  CHECK(s.find("<g class=\"lane\" id=\"lane-0\" data-router=\"a\"") != std::string::npos);
  CHECK(s.find("<g class=\"lane\" id=\"lane-1\" data-router=\"b\"") != std::string::npos);
  CHECK(Count(s, "<g class=\"transition\"") == 7);
  CHECK(s.find("data-router=\"a\" data-t=\"3.41\" data-from=\"BACKUP\" data-to=\"MASTER\" "
               "data-reason=\"master_down_timer\"") != std::string::npos);
  CHECK(s.find(">master_down_timer</text>") != std::string::npos);
  CHECK(s.find("<title>3.41s a: BACKUP -&gt; MASTER (master_down_timer)</title>") !=
        std::string::npos);
  // a: INIT is zero-length at 0 and left out; BACKUP 0..3.41, MASTER 3.41..20, INIT 20..30.
  CHECK(s.find("data-state=\"BACKUP\" data-begin=\"0.00\" data-end=\"3.41\"") != std::string::npos);
  CHECK(s.find("data-state=\"MASTER\" data-begin=\"3.41\" data-end=\"20.00\"") !=
        std::string::npos);
  CHECK(s.find("data-state=\"INIT\" data-begin=\"20.00\" data-end=\"30.00\"") != std::string::npos);
  CHECK(Count(s, "data-state=\"INIT\" data-begin=\"0.00\"") == 0);
  // The VIP: a from 3.41 to the end (never released), b from 10 to 12.
  CHECK(Count(s, "<rect class=\"vip\"") == 2);
  CHECK(s.find("class=\"vip\" data-begin=\"3.41\" data-end=\"30.00\"") != std::string::npos);
  CHECK(s.find("class=\"vip\" data-begin=\"10.00\" data-end=\"12.00\"") != std::string::npos);
  CHECK(s.find("holds VIP 192.0.2.3 10.00s..12.00s") != std::string::npos);
  // The note, the legend, the axis (5 s steps over 30 s: 0..30).
  CHECK(s.find("<g class=\"note\" data-t=\"10.00\"><title>10.00s block a -&gt; b</title>") !=
        std::string::npos);
  CHECK(s.find("<g class=\"legend\">") != std::string::npos);
  CHECK(Count(s, "<text class=\"tick\"") == 7);
  CHECK(s.find(">30s</text>") != std::string::npos);
  // Nothing external, nothing active.
  CHECK(s.find("<script") == std::string::npos);
  CHECK(s.find("href") == std::string::npos);
  CHECK(s.find("@import") == std::string::npos);
  CHECK(s.find("url(") == std::string::npos);
}

TEST_CASE("timeline svg: split brain is two MASTERs of one group, judged per instant") {
  const TimelinePicture p = TwoRouters();
  const std::vector<TimelineSplitBrain> spans = TimelineSplitBrains(p);
  // 10..12 only: at 20 s b steps up and a steps down at the same instant.
  REQUIRE(spans.size() == 1);
  CHECK(spans[0].begin == Seconds(10));
  CHECK(spans[0].end == Seconds(12));
  CHECK(spans[0].routers == std::vector<std::string>{"a", "b"});
  absl::StatusOr<std::string> svg = RenderTimelineSvg(p);
  REQUIRE(svg.ok());
  CHECK(Count(*svg, "<rect class=\"split-brain\"") == 1);
  CHECK(svg->find("class=\"split-brain\" data-begin=\"10.00\" data-end=\"12.00\" "
                  "data-routers=\"a,b\"") != std::string::npos);

  SECTION("lanes of different groups never split") {
    TimelinePicture q = p;
    q.lanes[1].group = "2";
    CHECK(TimelineSplitBrains(q).empty());
    q.lanes[0].group = q.lanes[1].group = "";  // each its own
    CHECK(TimelineSplitBrains(q).empty());
  }
  SECTION("a crashed MASTER (DOWN) is not a MASTER") {
    TimelinePicture q = p;
    q.changes.insert(q.changes.begin() + 4,
                     Move(Seconds(10), "a", LaneState::kMaster, LaneState::kDown, "crashed"));
    q.changes.erase(q.changes.end() - 1);  // a's shutdown at 20 s: it is already DOWN
    CHECK(TimelineSplitBrains(q).empty());
  }
  SECTION("a split brain still on at the end runs to the end") {
    TimelinePicture q = p;
    q.changes.resize(6);  // b never steps down
    q.changes.push_back(Move(Seconds(25), "c", LaneState::kInit, LaneState::kMaster, "x"));
    q.lanes.push_back({.name = "c", .group = "1", .initial = LaneState::kBackup});
    const std::vector<TimelineSplitBrain> s = TimelineSplitBrains(q);
    REQUIRE(s.size() == 1);
    CHECK(s[0].begin == Seconds(10));
    CHECK(s[0].end == Seconds(30));
    CHECK(s[0].routers == std::vector<std::string>{"a", "b", "c"});
  }
  SECTION("initial states count from the start") {
    TimelinePicture q;
    q.end = Seconds(5);
    q.lanes = {{.name = "x", .group = "g", .initial = LaneState::kMaster},
               {.name = "y", .group = "g", .initial = LaneState::kMaster}};
    q.changes = {Move(Seconds(2), "y", LaneState::kMaster, LaneState::kBackup, "")};
    const std::vector<TimelineSplitBrain> s = TimelineSplitBrains(q);
    REQUIRE(s.size() == 1);
    CHECK(s[0].begin == absl::ZeroDuration());
    CHECK(s[0].end == Seconds(2));
    absl::StatusOr<std::string> drawn = RenderTimelineSvg(q);
    REQUIRE(drawn.ok());
    // No reason: the label is the new state.
    CHECK(drawn->find("data-reason=\"\"><title>2.00s y: MASTER -&gt; BACKUP</title>") !=
          std::string::npos);
    CHECK(drawn->find(">BACKUP</text></g>") != std::string::npos);
    // Both MASTER at first but one steps down at 0 s: no span at all.
    q.changes[0].at = absl::ZeroDuration();
    CHECK(TimelineSplitBrains(q).empty());
  }
}

TEST_CASE("timeline svg: text is escaped and the output is deterministic") {
  TimelinePicture p = TwoRouters();
  p.title = "R&D <lab> \"quoted\" 'single'";
  p.lanes[0].name = "a<&>";
  p.lanes[0].detail = "vrid \x01 1";  // a control character XML cannot carry
  for (TimelineChange& c : p.changes) {
    if (c.router == "a") c.router = "a<&>";
  }
  p.changes[2].reason = "why\xff";     // not UTF-8
  p.notes[0].text = "caf\xc3\xa9 ok";  // UTF-8 passes through
  absl::StatusOr<std::string> svg = RenderTimelineSvg(p);
  REQUIRE(svg.ok());
  CHECK(svg->find("R&amp;D &lt;lab&gt; &quot;quoted&quot; &#39;single&#39;") != std::string::npos);
  CHECK(svg->find("data-router=\"a&lt;&amp;&gt;\"") != std::string::npos);
  CHECK(svg->find("vrid ? 1") != std::string::npos);
  CHECK(svg->find("data-reason=\"why?\"") != std::string::npos);
  CHECK(svg->find("caf\xc3\xa9 ok") != std::string::npos);
  CHECK(svg->find("a<&>") == std::string::npos);
  CHECK(svg->find('\x01') == std::string::npos);
  absl::StatusOr<std::string> again = RenderTimelineSvg(p);
  REQUIRE(again.ok());
  CHECK(*again == *svg);
}

TEST_CASE("timeline svg: bad input is refused with the culprit named") {
  auto error = [](const TimelinePicture& p) {
    absl::StatusOr<std::string> svg = RenderTimelineSvg(p);
    REQUIRE_FALSE(svg.ok());
    CHECK(svg.status().code() == absl::StatusCode::kInvalidArgument);
    return std::string(svg.status().message());
  };
  TimelinePicture p = TwoRouters();
  p.end = absl::ZeroDuration();
  CHECK(error(p) == "timeline: the end (0.00s) must be after the start");
  p = TwoRouters();
  p.lanes.clear();
  CHECK(error(p) == "timeline: no lane");
  p = TwoRouters();
  p.lanes[1].name = "a";
  CHECK(error(p) == "timeline: two lanes are named 'a'");
  p = TwoRouters();
  p.changes[3].router = "z";
  CHECK(error(p) == "timeline: change 3 names no lane: 'z'");
  p = TwoRouters();
  p.changes.back().at = Seconds(31);
  CHECK(error(p) == "timeline: change 9 at 31.00s is outside 0..30.00s");
  p = TwoRouters();
  p.changes[4].at = Seconds(1);
  CHECK(error(p) == "timeline: change 4 at 1.00s comes after one at 3.41s");
  p = TwoRouters();
  p.changes[0].from.reset();
  CHECK(error(p) == "timeline: change 0 has only one of from and to");
  p = TwoRouters();
  p.notes[0].at = -Seconds(1);
  CHECK(error(p) == "timeline: note 'block a -> b' at -1.00s is outside 0..30.00s");
}

TEST_CASE("timeline svg: labels that would overlap go to other rows, and ticks stay few") {
  TimelinePicture p;
  p.end = Seconds(10);
  p.lanes = {{.name = "a"}};
  // Three transitions 10 ms apart: their labels would overlap on one row.
  p.changes = {Move(Seconds(1), "a", LaneState::kInit, LaneState::kBackup, "startup"),
               Move(Milliseconds(1010), "a", LaneState::kBackup, LaneState::kMaster, "preempted"),
               Move(Milliseconds(1020), "a", LaneState::kMaster, LaneState::kFault, "fault")};
  absl::StatusOr<std::string> svg = RenderTimelineSvg(p);
  REQUIRE(svg.ok());
  // Lane 0 starts at y 56: rows' baselines 66, 77, 88.
  CHECK(svg->find("y=\"66.0\">startup</text>") != std::string::npos);
  CHECK(svg->find("y=\"77.0\">preempted</text>") != std::string::npos);
  CHECK(svg->find("y=\"88.0\">fault</text>") != std::string::npos);
  // 10 s: 1 s ticks, 11 of them; a label near the right edge is anchored at its end.
  CHECK(Count(*svg, "<text class=\"tick\"") == 11);
  p.changes.push_back(Move(Seconds(10), "a", LaneState::kFault, LaneState::kBackup, "late"));
  svg = RenderTimelineSvg(p);
  REQUIRE(svg.ok());
  CHECK(svg->find("text-anchor=\"end\">late</text>") != std::string::npos);
  // An hour: 5 minute ticks.
  p.end = absl::Hours(1);
  svg = RenderTimelineSvg(p);
  REQUIRE(svg.ok());
  CHECK(Count(*svg, "<text class=\"tick\"") == 13);
  CHECK(svg->find(">3600s</text>") != std::string::npos);
}

}  // namespace
}  // namespace vrrp
