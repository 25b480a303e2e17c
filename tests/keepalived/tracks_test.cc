// keepalived.conf → vrrp::Track (vrrp::keepalived::InstanceTracks): which weight and direction
// each track_script and track_interface gets. The arithmetic itself is tested in
// tests/core/tracking_test.cc.

#include <catch2/catch.hpp>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "fmt/format.h"
#include "vrrp/keepalived/runtime.h"
#include "vrrp/tracking.h"

namespace vrrp::keepalived {
namespace {

// What the instance's tracks do, with the given lookups (`pending` may be empty).
TrackEffect ComputeTrackEffect(const config::VrrpInstance& instance,
                               const config::Configuration& conf,
                               std::function<bool(std::string_view)> failed,
                               std::function<bool(std::string_view)> up,
                               std::function<bool(std::string_view)> pending = nullptr) {
  return vrrp::ComputeTrackEffect(
      InstanceTracks(instance, conf),
      TrackInputs{std::move(failed), std::move(up), std::move(pending)});
}

using vrrp::Track;
using vrrp::config::Configuration;
using vrrp::config::TrackedInterface;
using vrrp::config::TrackedScript;
using vrrp::config::VrrpInstance;
using vrrp::config::VrrpScript;

VrrpScript Script(std::string name, int weight, bool reverse = false) {
  VrrpScript s;
  s.name = std::move(name);
  s.script.command = "/bin/true";
  s.weight = weight;
  s.reverse = reverse;
  return s;
}

TrackedScript TrackScript(std::string name, std::optional<int> weight = std::nullopt,
                          bool reverse = false) {
  return TrackedScript{{}, std::move(name), weight, reverse};
}

// One instance tracking what the test gives, against scripts and links in the given states.
struct World {
  Configuration conf;
  VrrpInstance instance;
  std::set<std::string, std::less<>> failed_scripts;
  std::set<std::string, std::less<>> pending_scripts;
  std::set<std::string, std::less<>> down_links;

  TrackEffect Compute() const {
    return ComputeTrackEffect(
        instance, conf, [&](std::string_view s) { return failed_scripts.count(s) != 0; },
        [&](std::string_view i) { return down_links.count(i) == 0; },
        [&](std::string_view s) { return pending_scripts.count(s) != 0; });
  }
};

TEST_CASE("keepalived tracks: a track_script's weight overrides its vrrp_script's") {
  struct Row {
    int script_weight;
    bool script_reverse;
    std::optional<int> track_weight;
    bool track_reverse;
    int weight;  // what the core gets
    bool reverse;
  };
  const std::vector<Row> rows = {
      // vrrp_script weight, reverse | track_script weight, reverse | resolved
      {0, false, std::nullopt, false, 0, false},
      {-20, true, std::nullopt, false, -20, true},  // the script's, with its reverse
      {0, false, 5, false, 5, false},               // the track_script's weight wins...
      {20, false, 0, false, 0, false},
      {20, false, -7, true, -7, true},
      {20, true, 7, false, 7, true},  // ...and keeps the script's reverse
      {0, false, 7, true, 7, true},   // unless it says reverse itself
  };
  for (const Row& row : rows) {
    INFO(fmt::format("vrrp_script weight {}{}, track_script weight {}{}", row.script_weight,
                     row.script_reverse ? " reverse" : "",
                     row.track_weight ? std::to_string(*row.track_weight) : "-",
                     row.track_reverse ? " reverse" : ""));
    World w;
    w.conf.scripts = {Script("chk", row.script_weight, row.script_reverse)};
    w.instance.extras.track_scripts = {TrackScript("chk", row.track_weight, row.track_reverse)};
    CHECK(InstanceTracks(w.instance, w.conf) ==
          std::vector<Track>{{Track::Kind::kScript, "chk", row.weight, row.reverse}});
  }
}

TEST_CASE("keepalived tracks: the resolved weights reach the arithmetic") {
  World w;
  w.conf.scripts = {Script("chk", 20, /*reverse=*/true)};
  w.instance.extras.track_scripts = {TrackScript("chk", -7)};  // -7 reverse: +7 while failing
  w.failed_scripts = {"chk"};
  CHECK(w.Compute().priority_delta == 7);
  w.instance.extras.track_scripts = {TrackScript("chk", 0)};  // 0 reverse: fault while succeeding
  w.failed_scripts.clear();
  CHECK(w.Compute().fault_reasons == std::vector<std::string>{"script chk succeeded"});
}

TEST_CASE("keepalived tracks: interfaces first, then scripts, each in config order") {
  World w;
  w.conf.scripts = {Script("chk_b", 0), Script("chk_a", -30)};
  w.instance.extras.track_scripts = {TrackScript("chk_b"), TrackScript("chk_a")};
  w.instance.extras.track_interfaces = {TrackedInterface{{}, "eth1", 0},
                                        TrackedInterface{{}, "eth0", -10}};
  CHECK(InstanceTracks(w.instance, w.conf) ==
        std::vector<Track>{{Track::Kind::kInterface, "eth1", 0, false},
                           {Track::Kind::kInterface, "eth0", -10, false},
                           {Track::Kind::kScript, "chk_b", 0, false},
                           {Track::Kind::kScript, "chk_a", -30, false}});
  w.failed_scripts = {"chk_a", "chk_b"};
  w.down_links = {"eth0", "eth1"};
  const TrackEffect effect = w.Compute();
  CHECK(effect.priority_delta == -40);
  CHECK(effect.fault_reasons ==
        std::vector<std::string>{"interface eth1 down", "script chk_b failed"});
}

TEST_CASE("keepalived tracks: a track_script without its vrrp_script is left out") {
  World w;
  w.instance.extras.track_scripts = {TrackScript("missing", 0)};
  CHECK(InstanceTracks(w.instance, w.conf).empty());
  w.failed_scripts = {"missing"};
  CHECK(w.Compute() == TrackEffect{});
}

TEST_CASE("keepalived tracks: pending scripts, and no pending callback") {
  World w;
  w.conf.scripts = {Script("zero", 0), Script("plus", 15)};
  w.instance.extras.track_scripts = {TrackScript("zero"), TrackScript("plus")};
  w.pending_scripts = {"zero", "plus"};
  const TrackEffect effect = w.Compute();
  CHECK(effect.priority_delta == 0);
  CHECK(effect.waiting_for == std::vector<std::string>{"zero"});

  // Without a pending callback, failed() alone decides.
  const TrackEffect plain = ComputeTrackEffect(
      w.instance, w.conf, [](std::string_view) { return false; },
      [](std::string_view) { return true; });
  CHECK(plain.priority_delta == 15);
  CHECK(plain.waiting_for.empty());
}

TEST_CASE("keepalived tracks: nothing tracked, nothing changes") {
  World w;
  CHECK(InstanceTracks(w.instance, w.conf).empty());
  CHECK(w.Compute() == TrackEffect{});
}

}  // namespace
}  // namespace vrrp::keepalived
