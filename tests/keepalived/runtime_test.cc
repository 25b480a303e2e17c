// vrrp::keepalived's mapping of keepalived.conf to the runtime: Driver instances, tracks and
// sync groups (with keepalived's rule for tracking weights inside a group), and the reload
// comparison of scripts.
#include "vrrp/keepalived/runtime.h"

#include <catch2/catch.hpp>

namespace vrrp::keepalived {
namespace {

constexpr const char* kConfig = R"(vrrp_script chk_a {
  script /bin/true
  weight -60
}
vrrp_sync_group G1 {
  group {
    VI_1
  }
}
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 50
  priority 150
  virtual_ipaddress { 192.0.2.3/24 }
  track_script {
    chk_a
  }
  track_interface {
    eth1 weight -30
  }
}
vrrp_instance VI_2 {
  interface eth0
  virtual_router_id 51
  priority 150
  virtual_ipaddress { 192.0.2.4/24 }
  track_script {
    chk_a
  }
}
)";

TrackInputs Inputs(bool scripts_fail, bool interfaces_up) {
  return {.script_failed = [=](std::string_view) { return scripts_fail; },
          .interface_up = [=](std::string_view) { return interfaces_up; },
          .script_pending = nullptr};
}

const PolicyConfig::Instance* Find(const PolicyConfig& policy, std::string_view name) {
  for (const PolicyConfig::Instance& i : policy.instances) {
    if (i.name == name) return &i;
  }
  return nullptr;
}

TEST_CASE("keepalived runtime: sync group members' tracking weights become FAULT") {
  auto conf = config::ParseString(kConfig, "keepalived.conf");
  REQUIRE(conf.ok());
  std::vector<std::string> warnings;
  const PolicyConfig policy = PolicyConfigOf(*conf, &warnings);
  // Interfaces first, as keepalived lists its fault reasons.
  CHECK(warnings ==
        std::vector<std::string>{
            "(VI_1) track_interface eth1 weight -30 ignored: in vrrp_sync_group G1 a failure "
            "means FAULT (sync_group_tracking_weight keeps weights)",
            "(VI_1) track_script chk_a weight -60 ignored: in vrrp_sync_group G1 a failure means "
            "FAULT (sync_group_tracking_weight keeps weights)"});
  REQUIRE(policy.groups.size() == 1);
  CHECK(policy.groups[0].name == "G1");
  CHECK(policy.groups[0].members == std::vector<std::string>{"VI_1"});
  const PolicyConfig::Instance* member = Find(policy, "VI_1");
  REQUIRE(member != nullptr);
  const TrackEffect effect = ComputeTrackEffect(member->tracks, Inputs(true, false));
  CHECK(effect.fault);
  CHECK(effect.priority_delta == 0);
  CHECK(effect.fault_reasons ==
        std::vector<std::string>{"interface eth1 down", "script chk_a failed"});
  // VI_2 is in no group: its weight still moves its priority.
  const PolicyConfig::Instance* alone = Find(policy, "VI_2");
  REQUIRE(alone != nullptr);
  const TrackEffect alone_effect = ComputeTrackEffect(alone->tracks, Inputs(true, false));
  CHECK_FALSE(alone_effect.fault);
  CHECK(alone_effect.priority_delta == -60);
}

TEST_CASE("keepalived runtime: sync_group_tracking_weight keeps the weights") {
  std::string text = kConfig;
  text.replace(text.find("    VI_1\n  }\n"), 12, "    VI_1\n  }\n  sync_group_tracking_weight\n");
  auto conf = config::ParseString(text, "keepalived.conf");
  REQUIRE(conf.ok());
  std::vector<std::string> warnings;
  const PolicyConfig policy = PolicyConfigOf(*conf, &warnings);
  CHECK(warnings.empty());
  const TrackEffect effect = ComputeTrackEffect(Find(policy, "VI_1")->tracks, Inputs(true, true));
  CHECK_FALSE(effect.fault);
  CHECK(effect.priority_delta == -60);
}

TEST_CASE("keepalived runtime: driver instances carry interface, peers or group, exclusions") {
  auto conf = config::ParseString(R"(vrrp_instance U {
  interface eth0
  virtual_router_id 50
  priority 100
  unicast_src_ip 192.0.2.5
  unicast_peer {
    192.0.2.6
  }
  check_unicast_src
  virtual_ipaddress { 192.0.2.3/24 }
  virtual_ipaddress_excluded { 2001:db8::3/64 }
}
vrrp_instance M {
  interface eth1
  virtual_router_id 51
  priority 100
  dont_track_primary
  virtual_ipaddress { 198.51.100.3/24 }
}
)",
                                  "keepalived.conf");
  REQUIRE(conf.ok());
  const std::vector<os::DriverInstance> specs = DriverInstances(*conf);
  REQUIRE(specs.size() == 2);
  CHECK(specs[0].interface == "eth0");
  CHECK(specs[0].source == IpAddress::Parse("192.0.2.5").value());
  CHECK(specs[0].config.unicast_peers == std::vector<IpAddress>{*IpAddress::Parse("192.0.2.6")});
  CHECK_FALSE(specs[0].config.multicast_group.has_value());
  CHECK(specs[0].config.peer_check == PeerCheck::kPeersOnly);
  CHECK(specs[0].track_link);
  REQUIRE(specs[0].config.excluded_addresses.size() == 1);
  CHECK(specs[1].interface == "eth1");
  CHECK_FALSE(specs[1].track_link);  // dont_track_primary
  CHECK(specs[1].config.unicast_peers.empty());
  CHECK(specs[1].config.Destinations() == std::vector<IpAddress>{MulticastGroup(Family::kIPv4)});
}

TEST_CASE("keepalived runtime: scripts compare equal only when every check setting does") {
  auto conf = config::ParseString(kConfig, "keepalived.conf");
  REQUIRE(conf.ok());
  std::vector<config::VrrpScript> changed = conf->scripts;
  CHECK(SameScripts(conf->scripts, changed));
  changed[0].weight = -10;
  CHECK_FALSE(SameScripts(conf->scripts, changed));
  changed = conf->scripts;
  changed.pop_back();
  CHECK_FALSE(SameScripts(conf->scripts, changed));
}

}  // namespace
}  // namespace vrrp::keepalived
