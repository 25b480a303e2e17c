#include "tracking.h"

#include <catch2/catch.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "fmt/format.h"

namespace vrrpd {
namespace {

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

TrackedScript Track(std::string name, std::optional<int> weight = std::nullopt,
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

struct Row {
  int script_weight;
  bool script_reverse;
  std::optional<int> track_weight;
  bool track_reverse;
  bool ok;
  int delta;
  bool fault;
};

TEST_CASE("vrrpd tracking: track_script weights as keepalived applies them") {
  // keepalived.conf(5): weight 0 is FAULT while failing (while succeeding with reverse);
  // W > 0 is added while succeeding, W < 0 while failing; reverse flips the sign.
  const std::vector<Row> rows = {
      // script weight, reverse | track_script weight, reverse | ok | delta, fault
      {0, false, std::nullopt, false, true, 0, false},
      {0, false, std::nullopt, false, false, 0, true},
      {0, true, std::nullopt, false, true, 0, true},  // weight 0 reverse: down while up
      {0, true, std::nullopt, false, false, 0, false},
      {20, false, std::nullopt, false, true, 20, false},
      {20, false, std::nullopt, false, false, 0, false},
      {20, true, std::nullopt, false, true, -20, false},
      {20, true, std::nullopt, false, false, 0, false},
      {-20, false, std::nullopt, false, true, 0, false},
      {-20, false, std::nullopt, false, false, -20, false},
      {-20, true, std::nullopt, false, true, 0, false},
      {-20, true, std::nullopt, false, false, 20, false},
      // The track_script's weight overrides the script's...
      {0, false, 5, false, true, 5, false},
      {0, false, 5, false, false, 0, false},
      {-20, false, 5, false, false, 0, false},
      {20, false, 0, false, false, 0, true},
      {20, false, -7, true, false, 7, false},
      // ...and keeps the script's reverse unless it says reverse itself.
      {20, true, 7, false, true, -7, false},
      {0, false, 7, true, true, -7, false},
  };
  for (const Row& row : rows) {
    INFO(fmt::format("script weight {}{}, track_script weight {}{}, script {}", row.script_weight,
                     row.script_reverse ? " reverse" : "",
                     row.track_weight ? std::to_string(*row.track_weight) : "-",
                     row.track_reverse ? " reverse" : "", row.ok ? "succeeds" : "fails"));
    World w;
    w.conf.scripts = {Script("chk", row.script_weight, row.script_reverse)};
    w.instance.extras.track_scripts = {Track("chk", row.track_weight, row.track_reverse)};
    if (!row.ok) w.failed_scripts.insert("chk");
    const TrackEffect effect = w.Compute();
    CHECK(effect.priority_delta == row.delta);
    CHECK(effect.fault == row.fault);
    CHECK(effect.fault_reasons.size() == (row.fault ? 1u : 0u));
    CHECK(effect.waiting_for.empty());
  }
}

TEST_CASE("vrrpd tracking: track_interface weights") {
  struct IfRow {
    int weight;
    bool up;
    int delta;
    bool fault;
  };
  const std::vector<IfRow> rows = {
      {0, true, 0, false},   {0, false, 0, true},   {10, true, 10, false},
      {10, false, 0, false}, {-10, true, 0, false}, {-10, false, -10, false},
  };
  for (const IfRow& row : rows) {
    INFO(fmt::format("weight {}, link {}", row.weight, row.up ? "up" : "down"));
    World w;
    w.instance.extras.track_interfaces = {TrackedInterface{{}, "eth1", row.weight}};
    if (!row.up) w.down_links.insert("eth1");
    const TrackEffect effect = w.Compute();
    CHECK(effect.priority_delta == row.delta);
    CHECK(effect.fault == row.fault);
    if (row.fault) CHECK(effect.fault_reasons == std::vector<std::string>{"interface eth1 down"});
  }
}

TEST_CASE("vrrpd tracking: everything adds up, and every fault is named") {
  World w;
  w.conf.scripts = {Script("chk_nginx", 0), Script("chk_plus", 15), Script("chk_minus", -30),
                    Script("chk_maint", 0, true)};
  w.instance.extras.track_interfaces = {TrackedInterface{{}, "eth0", 0},
                                        TrackedInterface{{}, "eth1", 5},
                                        TrackedInterface{{}, "eth2", -10}};
  w.instance.extras.track_scripts = {Track("chk_nginx"), Track("chk_plus"), Track("chk_minus"),
                                     Track("chk_maint")};

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
}

TEST_CASE("vrrpd tracking: a script with no result yet counts neither way") {
  World w;
  w.conf.scripts = {Script("zero", 0), Script("plus", 15), Script("minus", -30)};
  w.instance.extras.track_scripts = {Track("zero"), Track("plus"), Track("minus")};
  w.pending_scripts = {"zero", "plus", "minus"};
  TrackEffect effect = w.Compute();
  CHECK(effect.priority_delta == 0);
  CHECK_FALSE(effect.fault);
  CHECK(effect.waiting_for == std::vector<std::string>{"zero"});

  // Without a pending callback, failed() alone decides.
  const TrackEffect plain = ComputeTrackEffect(
      w.instance, w.conf, [](std::string_view) { return false; },
      [](std::string_view) { return true; });
  CHECK(plain.priority_delta == 15);
  CHECK(plain.waiting_for.empty());
}

TEST_CASE("vrrpd tracking: nothing tracked, nothing changes") {
  World w;
  CHECK(w.Compute() == TrackEffect{});
}

}  // namespace
}  // namespace vrrpd
