// Tracking arithmetic (keepalived.conf(5) track_script / track_interface): weight 0 = fault,
// ±weight, reverse, and checks that have not reported yet.
#include "vrrp/tracking.h"

#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "fmt/format.h"

namespace vrrp {
namespace {

Track Script(std::string name, int weight, bool reverse = false) {
  return Track{Track::Kind::kScript, std::move(name), weight, reverse};
}

Track Interface(std::string name, int weight, bool reverse = false) {
  return Track{Track::Kind::kInterface, std::move(name), weight, reverse};
}

// Tracks against checks and links in the states the test gives.
struct World {
  std::vector<Track> tracks;
  std::set<std::string, std::less<>> failed_scripts;
  std::set<std::string, std::less<>> pending_scripts;
  std::set<std::string, std::less<>> down_links;

  TrackEffect Compute() const {
    TrackInputs inputs;
    inputs.script_failed = [&](std::string_view s) { return failed_scripts.count(s) != 0; };
    inputs.interface_up = [&](std::string_view i) { return down_links.count(i) == 0; };
    inputs.script_pending = [&](std::string_view s) { return pending_scripts.count(s) != 0; };
    return ComputeTrackEffect(tracks, inputs);
  }
};

struct Row {
  int weight;
  bool reverse;
  bool ok;  // the script succeeds / the link is up
  int delta;
  bool fault;
};

// keepalived.conf(5): weight 0 is FAULT while failing (while succeeding with reverse);
// W > 0 is added while succeeding, W < 0 while failing; reverse flips the sign.
const std::vector<Row> kRows = {
    // weight, reverse | ok | delta, fault; in pairs: up (succeeding), then down (failing)
    {0, false, true, 0, false},       // weight 0: fault while down
    {0, false, false, 0, true},       //
    {0, true, true, 0, true},         // weight 0 reverse: fault while up
    {0, true, false, 0, false},       //
    {20, false, true, 20, false},     // W > 0: added while up
    {20, false, false, 0, false},     //
    {20, true, true, -20, false},     // reversed: subtracted while up
    {20, true, false, 0, false},      //
    {-20, false, true, 0, false},     // W < 0: added while down
    {-20, false, false, -20, false},  //
    {-20, true, true, 0, false},      // reversed: subtracted while down
    {-20, true, false, 20, false},    //
    {5, false, true, 5, false},       // any weight, not only 20
    {-7, true, false, 7, false},      //
};

TEST_CASE("Tracking: a script's weight as keepalived applies it") {
  for (const Row& row : kRows) {
    INFO(fmt::format("weight {}{}, script {}", row.weight, row.reverse ? " reverse" : "",
                     row.ok ? "succeeds" : "fails"));
    World w;
    w.tracks = {Script("chk", row.weight, row.reverse)};
    if (!row.ok) w.failed_scripts.insert("chk");
    const TrackEffect effect = w.Compute();
    CHECK(effect.priority_delta == row.delta);
    CHECK(effect.fault == row.fault);
    if (row.fault) {
      CHECK(effect.fault_reasons ==
            std::vector<std::string>{row.ok ? "script chk succeeded" : "script chk failed"});
    } else {
      CHECK(effect.fault_reasons.empty());
    }
    CHECK(effect.waiting_for.empty());
  }
}

TEST_CASE("Tracking: an interface's weight follows the same table") {
  for (const Row& row : kRows) {
    INFO(fmt::format("weight {}{}, link {}", row.weight, row.reverse ? " reverse" : "",
                     row.ok ? "up" : "down"));
    World w;
    w.tracks = {Interface("eth1", row.weight, row.reverse)};
    if (!row.ok) w.down_links.insert("eth1");
    const TrackEffect effect = w.Compute();
    CHECK(effect.priority_delta == row.delta);
    CHECK(effect.fault == row.fault);
    if (row.fault) {
      CHECK(effect.fault_reasons ==
            std::vector<std::string>{row.ok ? "interface eth1 up" : "interface eth1 down"});
    } else {
      CHECK(effect.fault_reasons.empty());
    }
  }
}

TEST_CASE("Tracking: everything adds up, and every fault is named in the order of the tracks") {
  World w;
  w.tracks = {Interface("eth0", 0),        Interface("eth1", 5),   Interface("eth2", -10),
              Script("chk_nginx", 0),      Script("chk_plus", 15), Script("chk_minus", -30),
              Script("chk_maint", 0, true)};

  TrackEffect healthy = w.Compute();
  CHECK(healthy.priority_delta == 5 + 15);
  CHECK(healthy.fault);  // chk_maint (weight 0 reverse) succeeds: maintenance mode
  CHECK(healthy.fault_reasons == std::vector<std::string>{"script chk_maint succeeded"});

  w.failed_scripts = {"chk_nginx", "chk_plus", "chk_minus", "chk_maint"};
  w.down_links = {"eth0", "eth1", "eth2"};
  TrackEffect broken = w.Compute();
  CHECK(broken.priority_delta == -30 - 10);
  CHECK(broken.fault);
  CHECK(broken.fault_reasons ==
        std::vector<std::string>{"interface eth0 down", "script chk_nginx failed"});

  // The order is the caller's: scripts before interfaces when it says so.
  w.tracks = {Script("chk_nginx", 0), Interface("eth0", 0)};
  CHECK(w.Compute().fault_reasons ==
        std::vector<std::string>{"script chk_nginx failed", "interface eth0 down"});
}

TEST_CASE("Tracking: a script with no result yet counts neither way") {
  World w;
  w.tracks = {Script("zero", 0), Script("plus", 15), Script("minus", -30),
              Script("zero_reverse", 0, true)};
  w.pending_scripts = {"zero", "plus", "minus", "zero_reverse"};
  w.failed_scripts = {"zero", "minus"};  // pending wins over failed
  TrackEffect effect = w.Compute();
  CHECK(effect.priority_delta == 0);
  CHECK_FALSE(effect.fault);
  CHECK(effect.fault_reasons.empty());
  CHECK(effect.waiting_for == std::vector<std::string>{"zero", "zero_reverse"});

  // Pending is about scripts: an interface of the same name is looked up as a link.
  w.tracks = {Interface("zero", 0)};
  w.down_links = {"zero"};
  CHECK(w.Compute().fault_reasons == std::vector<std::string>{"interface zero down"});
}

TEST_CASE("Tracking: a lookup left empty answers fine") {
  const std::vector<Track> tracks = {Script("plus", 15), Script("zero", 0), Interface("eth1", -10),
                                     Interface("eth0", 0)};
  // No pending lookup: failed() alone decides.
  TrackInputs failed_only;
  failed_only.script_failed = [](std::string_view s) { return s == "zero"; };
  const TrackEffect some = ComputeTrackEffect(tracks, failed_only);
  CHECK(some.priority_delta == 15);
  CHECK(some.fault_reasons == std::vector<std::string>{"script zero failed"});
  CHECK(some.waiting_for.empty());
  // None at all: every script succeeds, every link is up.
  const TrackEffect none = ComputeTrackEffect(tracks, TrackInputs{});
  CHECK(none.priority_delta == 15);
  CHECK_FALSE(none.fault);
}

TEST_CASE("Tracking: nothing tracked, nothing changes") {
  CHECK(World{}.Compute() == TrackEffect{});
  CHECK(ComputeTrackEffect({}, TrackInputs{}) == TrackEffect{});
}

}  // namespace
}  // namespace vrrp
