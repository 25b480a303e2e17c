#include <catch2/catch.hpp>

#include "daemon.h"
#include "tracking.h"

namespace vrrpd {
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

TEST_CASE("vrrpd sync groups: members' tracking weights become FAULT, as keepalived does") {
  auto conf = vrrp::config::ParseString(kConfig, "keepalived.conf");
  REQUIRE(conf.ok());
  const std::vector<std::string> warnings = ApplySyncGroupTracking(*conf);
  CHECK(warnings ==
        std::vector<std::string>{
            "(VI_1) track_script chk_a weight -60 ignored: in vrrp_sync_group G1 a failure means "
            "FAULT (sync_group_tracking_weight keeps weights)",
            "(VI_1) track_interface eth1 weight -30 ignored: in vrrp_sync_group G1 a failure "
            "means FAULT (sync_group_tracking_weight keeps weights)"});
  auto failed = [](std::string_view) { return true; };
  auto down = [](std::string_view) { return false; };
  const TrackEffect member = ComputeTrackEffect(conf->instances[0], *conf, failed, down);
  CHECK(member.fault);
  CHECK(member.priority_delta == 0);
  // VI_2 is in no group: its weight still moves its priority.
  const TrackEffect alone = ComputeTrackEffect(conf->instances[1], *conf, failed, down);
  CHECK_FALSE(alone.fault);
  CHECK(alone.priority_delta == -60);
}

TEST_CASE("vrrpd sync groups: sync_group_tracking_weight keeps the weights") {
  std::string text = kConfig;
  text.replace(text.find("    VI_1\n  }\n"), 12, "    VI_1\n  }\n  sync_group_tracking_weight\n");
  auto conf = vrrp::config::ParseString(text, "keepalived.conf");
  REQUIRE(conf.ok());
  CHECK(ApplySyncGroupTracking(*conf).empty());
  const TrackEffect member = ComputeTrackEffect(
      conf->instances[0], *conf, [](std::string_view) { return true; },
      [](std::string_view) { return true; });
  CHECK_FALSE(member.fault);
  CHECK(member.priority_delta == -60);
}

}  // namespace
}  // namespace vrrpd
