// vip_lease_time, our keyword for crash-safe VIPs: `auto` by default (vrrp::VipLeaseFor of the
// instance's timers), a number of seconds, or 0 for keepalived's permanent VIPs; in global_defs
// for every instance, in a vrrp_instance for its own; bad values refused at their line.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "fmt/format.h"
#include "vrrp/config/config.h"

namespace vrrp::config {
namespace {

std::string Text(std::string_view global, std::string_view body) {
  return fmt::format(
      "global_defs {{\n"
      "{}\n"
      "}}\n"
      "vrrp_instance VI_1 {{\n"
      "  interface eth0\n"
      "  virtual_router_id 50\n"
      "  virtual_ipaddress {{ 192.0.2.3/24 }}\n"
      "{}\n"
      "}}\n",
      global, body);
}

InstanceConfig InstanceOf(std::string_view global, std::string_view body) {
  absl::StatusOr<Configuration> conf = ParseString(Text(global, body), "keepalived.conf");
  INFO(conf.status().ToString());
  REQUIRE(conf.ok());
  REQUIRE(conf->instances.size() == 1);
  return conf->instances[0].config;
}

uint32_t LeaseOf(std::string_view global, std::string_view body) {
  return InstanceOf(global, body).vip_lease_seconds;
}

std::string ErrorOf(std::string_view global, std::string_view body) {
  absl::StatusOr<Configuration> conf = ParseString(Text(global, body), "keepalived.conf");
  if (conf.ok()) return "(parsed)";
  return std::string(conf.status().message());
}

TEST_CASE("vip_lease_time is auto by default, following the advertisement interval") {
  CHECK(LeaseOf("", "") == 6);                               // v2, advert_int 1
  CHECK(LeaseOf("", "  advert_int 3") == 16);                // 4 × 3 + 3 + 1
  CHECK(LeaseOf("", "  version 3\n  advert_int 0.1") == 3);  // at least 3 s
  CHECK(LeaseOf("", "  down_timer_adverts 10") == 13);       // 11 × 1 + 1 + 1
  CHECK(LeaseOf("  vip_lease_time auto", "  advert_int 2") == 11);
}

TEST_CASE("vip_lease_time in global_defs is every instance's, an instance's own wins") {
  CHECK(LeaseOf("  vip_lease_time 0", "") == 0);  // keepalived's permanent VIPs
  CHECK(LeaseOf("  vip_lease_time 20", "") == 20);
  CHECK(LeaseOf("  vip_lease_time 0", "  vip_lease_time 9") == 9);
  CHECK(LeaseOf("  vip_lease_time 20", "  vip_lease_time auto") == 6);
  CHECK(LeaseOf("", "  vip_lease_time 0") == 0);
}

TEST_CASE("vip_lease_time refuses what is not auto, 0 or 3..86400 seconds, at its line") {
  CHECK(ErrorOf("  vip_lease_time 86401", "") ==
        "keepalived.conf:2: vip_lease_time '86401' is not auto, 0 or a number of seconds 3..86400");
  CHECK(ErrorOf("", "  vip_lease_time soon") ==
        "keepalived.conf:8: vip_lease_time 'soon' is not auto, 0 or a number of seconds 3..86400");
  CHECK(ErrorOf("", "  vip_lease_time -1") ==
        "keepalived.conf:8: vip_lease_time '-1' is not auto, 0 or a number of seconds 3..86400");
  CHECK(ErrorOf("", "  vip_lease_time") == "keepalived.conf:8: vip_lease_time needs a value");
  // Renewed once a second: a lease under 3 s could lapse on a live Master.
  CHECK(ErrorOf("", "  vip_lease_time 2") ==
        "keepalived.conf:8: vip_lease_time '2' is not auto, 0 or a number of seconds 3..86400");
  CHECK(LeaseOf("", "  vip_lease_time 3") == 3);
}

// vip_conflict and vip_probe_interval (issue 13) live beside vip_lease_time: same blocks, same
// rule that an instance's own wins.
TEST_CASE("vip_conflict is yield by default, vip_probe_interval off, and an instance's own wins") {
  const InstanceConfig defaults = InstanceOf("", "");
  CHECK(defaults.vip_conflict.mode == VipConflictMode::kYield);
  CHECK(defaults.vip_conflict.probe_interval == absl::ZeroDuration());
  const InstanceConfig global = InstanceOf("  vip_conflict report\n  vip_probe_interval 10", "");
  CHECK(global.vip_conflict.mode == VipConflictMode::kReport);
  CHECK(global.vip_conflict.probe_interval == absl::Seconds(10));
  const InstanceConfig own =
      InstanceOf("  vip_conflict report", "  vip_conflict off\n  vip_probe_interval 0");
  CHECK(own.vip_conflict.mode == VipConflictMode::kOff);
  CHECK(own.vip_conflict.probe_interval == absl::ZeroDuration());
}

TEST_CASE("vip_conflict and vip_probe_interval refuse bad values at their line") {
  CHECK(ErrorOf("  vip_conflict maybe", "") ==
        "keepalived.conf:2: vip_conflict 'maybe' is not yield, report or off");
  CHECK(ErrorOf("", "  vip_conflict") == "keepalived.conf:8: vip_conflict needs a value");
  CHECK(ErrorOf("", "  vip_probe_interval 0.5") ==
        "keepalived.conf:8: vip_probe_interval 0.5 is out of range: 0 (off) or 1..3600 seconds");
  CHECK(ErrorOf("  vip_probe_interval 3601", "") ==
        "keepalived.conf:2: vip_probe_interval 3601 is out of range: 0 (off) or 1..3600 seconds");
}

// vip_black_hole (issue 13): what the black-hole check does with what it finds.
TEST_CASE("vip_black_hole is report by default, takeover where set, an instance's own wins") {
  CHECK_FALSE(InstanceOf("", "").vip_conflict.take_over_black_hole);
  CHECK(InstanceOf("  vip_black_hole takeover\n  vip_probe_interval 5", "")
            .vip_conflict.take_over_black_hole);
  CHECK_FALSE(InstanceOf("  vip_black_hole takeover", "  vip_black_hole report")
                  .vip_conflict.take_over_black_hole);
  CHECK(InstanceOf("", "  vip_black_hole takeover\n  vip_probe_interval 5")
            .vip_conflict.take_over_black_hole);
  CHECK(ErrorOf("", "  vip_black_hole always") ==
        "keepalived.conf:8: vip_black_hole 'always' is not report or takeover");
  CHECK(ErrorOf("  vip_black_hole", "") == "keepalived.conf:2: vip_black_hole needs a value");
}

std::vector<std::string> WarningsOf(std::string_view global, std::string_view body) {
  absl::StatusOr<Configuration> conf = ParseString(Text(global, body), "keepalived.conf");
  REQUIRE(conf.ok());
  std::vector<std::string> out;
  for (const Warning& w : conf->warnings) out.push_back(ToString(w));
  return out;
}

TEST_CASE("A black-hole setting that can do nothing is a warning at its line") {
  CHECK(WarningsOf("", "  vip_black_hole takeover") ==
        std::vector<std::string>{"keepalived.conf:8: VI_1: vip_black_hole takeover does nothing "
                                 "without vip_probe_interval"});
  CHECK(WarningsOf("  vip_conflict off\n  vip_probe_interval 5", "") ==
        std::vector<std::string>{
            "keepalived.conf:3: VI_1: vip_probe_interval does nothing with vip_conflict off"});
  CHECK(WarningsOf("  vip_black_hole takeover", "  vip_probe_interval 5").empty());
}

}  // namespace
}  // namespace vrrp::config
