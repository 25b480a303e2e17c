// keepalived.conf → vrrp::Track for track_file and track_process (InstanceTracks): the block's
// weight and direction unless the instance's entry gives its own, and sync groups' weights
// ignored as for scripts. The arithmetic is in tests/core/tracking_file_process_test.cc.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "vrrp/config/config.h"
#include "vrrp/keepalived/runtime.h"

namespace vrrp::keepalived {
namespace {

config::Configuration Parse(std::string_view text) {
  absl::StatusOr<config::Configuration> conf = config::ParseString(text, "k.conf");
  INFO(conf.status().ToString());
  REQUIRE(conf.ok());
  return *std::move(conf);
}

constexpr std::string_view kBlocks =
    "track_file f {\n file /run/f\n weight 5 reverse\n}\n"
    "vrrp_track_process p {\n process sleep\n weight -20\n}\n";

std::string Instance(std::string_view name, int vrid, std::string_view body) {
  return fmt::format(
      "vrrp_instance {} {{\n interface eth0\n virtual_router_id {}\n"
      " virtual_ipaddress {{ 192.0.2.{}/24 }}\n{}\n}}\n",
      name, vrid, vrid, body);
}

TEST_CASE("InstanceTracks: track_file and track_process take their block's weight and direction") {
  const config::Configuration conf =
      Parse(std::string(kBlocks) + Instance("VI_1", 1, " track_file { f }\n track_process { p }"));
  const std::vector<Track> tracks = InstanceTracks(conf.instances[0], conf);
  CHECK(tracks == std::vector<Track>{{Track::Kind::kFile, "f", 5, true},
                                     {Track::Kind::kProcess, "p", -20, false}});
}

TEST_CASE("InstanceTracks: an entry's own weight brings its own direction") {
  const config::Configuration conf = Parse(
      std::string(kBlocks) +
      Instance("VI_1", 1, " track_file { f weight 3 }\n track_process { p weight 7 reverse }"));
  const std::vector<Track> tracks = InstanceTracks(conf.instances[0], conf);
  CHECK(tracks == std::vector<Track>{{Track::Kind::kFile, "f", 3, false},
                                     {Track::Kind::kProcess, "p", 7, true}});
}

TEST_CASE("In a sync group without tracking weights, file and process weights become FAULT") {
  std::vector<std::string> warnings;
  const config::Configuration conf =
      Parse(std::string(kBlocks) + Instance("VI_1", 1, " track_file { f }\n track_process { p }") +
            "vrrp_sync_group G {\n group { VI_1 }\n}\n");
  const PolicyConfig policy = PolicyConfigOf(conf, &warnings);
  REQUIRE(policy.instances.size() == 1);
  for (const Track& t : policy.instances[0].tracks) CHECK(t.weight == 0);
  CHECK(warnings == std::vector<std::string>{
                        "(VI_1) track_file f weight 5 ignored: in vrrp_sync_group G a failure "
                        "means FAULT (sync_group_tracking_weight keeps weights)",
                        "(VI_1) track_process p weight -20 ignored: in vrrp_sync_group G a "
                        "failure means FAULT (sync_group_tracking_weight keeps weights)"});
}

TEST_CASE("TrackKeyword names every kind") {
  CHECK(TrackKeyword(Track::Kind::kScript) == "track_script");
  CHECK(TrackKeyword(Track::Kind::kInterface) == "track_interface");
  CHECK(TrackKeyword(Track::Kind::kFile) == "track_file");
  CHECK(TrackKeyword(Track::Kind::kProcess) == "track_process");
}

}  // namespace
}  // namespace vrrp::keepalived
