// vrrp::EventHistory: which events it keeps, its bound, and its three renderings (lines, JSON,
// the timeline picture) of a takeover and a hand-back as vrrpd records them.
#include "vrrp/event_history.h"

#include <string>

#include "absl/time/time.h"
#include "catch2/catch.hpp"

namespace vrrp {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1'796'212'800);  // 2026-12-02T12:00:00Z

InstanceEvent Transition(const std::string& name, RouterState from, RouterState to,
                         TransitionReason reason) {
  InstanceEvent e;
  e.kind = InstanceEvent::Kind::kTransition;
  e.instance = name;
  e.transition = {from, to, reason};
  return e;
}

InstanceEvent Address(const std::string& name, InstanceEvent::Kind kind, const char* ip,
                      absl::Status status = absl::OkStatus()) {
  InstanceEvent e;
  e.kind = kind;
  e.instance = name;
  e.address =
      VirtualAddress{.address = *IpAddress::Parse(ip), .prefix_len = 24, .interface = "eth0"};
  e.status = std::move(status);
  return e;
}

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

// VI_1 starts, takes over at 3.5 s, adds its VIP, then goes back at 10 s (a higher priority);
// its priority changed at 9 s.
EventHistory Takeover() {
  EventHistory h;
  h.Record(Transition("VI_1", RouterState::kInitialize, RouterState::kBackup,
                      TransitionReason::kStartup),
           kStart);
  h.Record(Transition("VI_1", RouterState::kBackup, RouterState::kMaster,
                      TransitionReason::kMasterDownTimer),
           kStart + absl::Milliseconds(3500));
  h.Record(Address("VI_1", InstanceEvent::Kind::kAddressAdded, "192.0.2.3"),
           kStart + absl::Milliseconds(3500));
  InstanceEvent announced = Address("VI_1", InstanceEvent::Kind::kAnnounced, "192.0.2.3");
  h.Record(announced, kStart + absl::Milliseconds(3501));
  InstanceEvent priority;
  priority.kind = InstanceEvent::Kind::kPriorityChanged;
  priority.instance = "VI_1";
  priority.previous = 150;
  priority.count = 90;
  h.Record(priority, kStart + absl::Seconds(9));
  h.Record(Transition("VI_1", RouterState::kMaster, RouterState::kBackup,
                      TransitionReason::kHigherPriorityReceived),
           kStart + absl::Seconds(10));
  h.Record(Address("VI_1", InstanceEvent::Kind::kAddressRemoved, "192.0.2.3"),
           kStart + absl::Seconds(10));
  return h;
}

TEST_CASE("EventHistory keeps transitions, addresses and priorities, not drops or announcements") {
  EventHistory h = Takeover();
  CHECK(h.entries().size() == 6);  // the announcement is not kept
  InstanceEvent drop;
  drop.kind = InstanceEvent::Kind::kDrop;
  drop.instance = "VI_1";
  CHECK_FALSE(h.Record(drop, kStart + absl::Seconds(11)));
  CHECK(h.entries().size() == 6);
  CHECK(h.forgotten() == 0);
}

TEST_CASE("EventHistory forgets the oldest entries beyond its capacity and says how many") {
  EventHistory h(3);
  for (int i = 0; i < 5; ++i) {
    h.Record(Transition(fmt::format("VI_{}", i), RouterState::kInitialize, RouterState::kBackup,
                        TransitionReason::kStartup),
             kStart + absl::Seconds(i));
  }
  REQUIRE(h.entries().size() == 3);
  CHECK(h.entries().front().event.instance == "VI_2");
  CHECK(h.forgotten() == 2);
  CHECK(HistoryText(h).find("(2 older events forgotten: the history keeps 3)") !=
        std::string::npos);
  CHECK(EventHistory(0).capacity() == 1);
}

TEST_CASE("HistoryText and HistoryJson give each entry its UTC time and its fields") {
  EventHistory h = Takeover();
  h.Record(Address("VI_1", InstanceEvent::Kind::kAddressAdded, "192.0.2.4",
                   absl::PermissionDeniedError("Operation \"not\" permitted")),
           kStart + absl::Seconds(12));
  const std::string text = HistoryText(h);
  INFO(text);
  CHECK(text.find(
            "2026-12-02T12:00:03.500Z VI_1 transition BACKUP -> MASTER (master_down_timer)\n") !=
        std::string::npos);
  CHECK(text.find("2026-12-02T12:00:09.000Z VI_1 priority_changed 150 -> 90\n") !=
        std::string::npos);

  const std::string json = HistoryJson(h);
  INFO(json);
  CHECK(
      json.rfind("{\"capacity\": 4096, \"forgotten\": 0, \"events\": [{\"time\": "
                 "\"2026-12-02T12:00:00.000Z\", \"instance\": \"VI_1\", \"kind\": \"transition\", "
                 "\"from\": \"INIT\", \"to\": \"BACKUP\", \"reason\": \"startup\"}",
                 0) == 0);
  CHECK(json.find("\"kind\": \"address_added\", \"address\": \"192.0.2.3/24\", \"interface\": "
                  "\"eth0\"}") != std::string::npos);
  CHECK(json.find("\"priority\": 90, \"previous\": 150") != std::string::npos);
  // The error's quotes are escaped: the document stays valid.
  CHECK(json.find("\"error\": \"Operation \\\"not\\\" permitted\"}") != std::string::npos);
  CHECK(json.back() == '}');
}

TEST_CASE("RenderHistorySvg draws a lane per instance, its transitions, VIP strip and notes") {
  EventHistory h = Takeover();
  HistoryPictureOptions options{.title = "lb-5", .now = kStart + absl::Seconds(15)};
  options.lanes = {{.name = "VI_1", .detail = "vrid 50"},
                   {.name = "VI_2", .detail = "vrid 51", .initial = LaneState::kBackup}};
  absl::StatusOr<TimelinePicture> p = HistoryTimeline(h, options);
  REQUIRE(p.ok());
  CHECK(p->end == absl::Seconds(15));
  REQUIRE(p->lanes.size() == 2);
  CHECK(p->lanes[0].initial == LaneState::kInit);    // its first transition's `from`
  CHECK(p->lanes[1].initial == LaneState::kBackup);  // no transition: its state now
  CHECK(p->lanes[0].group != p->lanes[1].group);     // no split brain across instances

  absl::StatusOr<std::string> svg = RenderHistorySvg(h, options);
  REQUIRE(svg.ok());
  INFO(*svg);
  CHECK(Count(*svg, "<g class=\"lane\"") == 2);
  CHECK(Count(*svg, "<g class=\"transition\"") == 3);
  CHECK(svg->find("data-t=\"3.50\" data-from=\"BACKUP\" data-to=\"MASTER\" "
                  "data-reason=\"master_down_timer\"") != std::string::npos);
  CHECK(Count(*svg, "<rect class=\"vip\"") == 1);
  CHECK(svg->find("VI_1: priority 150 -&gt; 90") != std::string::npos);
  CHECK(Count(*svg, "class=\"split-brain\"") == 0);
}

TEST_CASE("HistoryTimeline starts a VIP strip at 0 when the first event removes it") {
  EventHistory full = Takeover();
  // Only the hand-back is in the window: VI_1 held the VIP before it.
  HistoryPictureOptions options{
      .title = "late", .now = kStart + absl::Seconds(15), .since = kStart + absl::Seconds(8)};
  absl::StatusOr<TimelinePicture> p = HistoryTimeline(full, options);
  REQUIRE(p.ok());
  REQUIRE(p->lanes.size() == 1);
  CHECK(p->lanes[0].initial == LaneState::kMaster);
  REQUIRE_FALSE(p->changes.empty());
  CHECK(p->changes.front().at == absl::ZeroDuration());
  CHECK(p->changes.front().holds_vip == std::optional<bool>(true));
}

TEST_CASE("HistoryTimeline refuses an end before the start and two lanes of one name") {
  EventHistory h = Takeover();
  CHECK(HistoryTimeline(h, {.now = kStart - absl::Seconds(1)}).status().code() ==
        absl::StatusCode::kInvalidArgument);
  HistoryPictureOptions twice{.now = kStart + absl::Seconds(15)};
  twice.lanes = {{.name = "VI_1"}, {.name = "VI_1"}};
  CHECK(HistoryTimeline(h, twice).status().code() == absl::StatusCode::kInvalidArgument);
  // Empty: an SVG with a placeholder lane, not an error.
  EventHistory empty;
  absl::StatusOr<std::string> svg = RenderHistorySvg(empty, {.now = kStart});
  REQUIRE(svg.ok());
  CHECK(svg->find("(no instances)") != std::string::npos);
}

}  // namespace
}  // namespace vrrp
