// vrrp_garp_interval, vrrp_gna_interval and garp_group (keepalived.conf(5)): the announcement
// pacing they make (Configuration::announce_pacing), and every bad input refused at its line.
#include <catch2/catch.hpp>
#include <string>

#include "config_test_helpers.h"
#include "vrrp/config/config.h"

namespace vrrp::config {
namespace {

using testing::Instance;
using testing::MustParse;

// `head` (line 1 on), then the instance on eth0 (its body on the line after).
std::string WithInstance(std::string_view head) {
  return fmt::format("{}\n{}", head, Instance(""));
}

std::string ErrorOf(std::string_view head) {
  absl::StatusOr<Configuration> conf = ParseString(WithInstance(head), "keepalived.conf");
  if (conf.ok()) return "(parsed)";
  return std::string(conf.status().message());
}

std::vector<std::string> WarningsOf(std::string_view head) {
  Configuration conf = MustParse(WithInstance(head));
  std::vector<std::string> out;
  for (const Warning& w : conf.warnings) out.push_back(ToString(w));
  return out;
}

TEST_CASE("Without the keywords nothing is paced") {
  const AnnouncePacing pacing = MustParse(Instance("")).announce_pacing();
  CHECK(pacing == AnnouncePacing{});
  CHECK_FALSE(pacing.enabled());
}

TEST_CASE("vrrp_garp_interval and vrrp_gna_interval pace every interface in no garp_group") {
  Configuration conf = MustParse(
      WithInstance("global_defs {\n  vrrp_garp_interval 0.2\n  vrrp_gna_interval 0.000001\n}"));
  CHECK(conf.warnings.empty());
  const AnnouncePacing pacing = conf.announce_pacing();
  CHECK(pacing.defaults.arp == absl::Milliseconds(200));
  CHECK(pacing.defaults.na == absl::Microseconds(1));
  CHECK(pacing.groups.empty());
  CHECK(MustParse(WithInstance("global_defs {\n  vrrp_garp_interval 0\n}"))
            .announce_pacing()
            .defaults.arp == absl::ZeroDuration());
}

TEST_CASE("garp_group takes its intervals and its interfaces, one or a list") {
  Configuration conf = MustParse(
      WithInstance("global_defs { vrrp_garp_interval 1 }\n"
                   "garp_group {\n  garp_interval 0.5\n  interface eth0\n}\n"
                   "garp_group {\n  gna_interval 0.25\n  interfaces {\n    eth1 eth2\n  }\n}") +
      "vrrp_instance VI_2 {\n interface eth1\n virtual_router_id 51\n"
      " virtual_ipaddress { 198.51.100.3/24 }\n}\n"
      "vrrp_instance VI_3 {\n interface eth2\n virtual_router_id 52\n"
      " virtual_ipaddress { 198.51.100.4/24 }\n}\n");
  CHECK(conf.warnings.empty());
  REQUIRE(conf.garp_groups.size() == 2);
  CHECK(ToString(conf.garp_groups[0].where) == "keepalived.conf:2");
  const AnnouncePacing pacing = conf.announce_pacing();
  CHECK(pacing.defaults.arp == absl::Seconds(1));
  REQUIRE(pacing.groups.size() == 2);
  CHECK(pacing.groups[0] ==
        PacingGroup{.intervals = {.arp = absl::Milliseconds(500)}, .interfaces = {"eth0"}});
  CHECK(pacing.groups[1] ==
        PacingGroup{.intervals = {.na = absl::Milliseconds(250)}, .interfaces = {"eth1", "eth2"}});
}

TEST_CASE("A bad interval is an error at its line") {
  CHECK(ErrorOf("global_defs {\n  vrrp_garp_interval -0.1\n}") ==
        "keepalived.conf:2: vrrp_garp_interval '-0.1' is not a time in seconds");
  CHECK(ErrorOf("global_defs {\n  vrrp_gna_interval fast\n}") ==
        "keepalived.conf:2: vrrp_gna_interval 'fast' is not a time in seconds");
  CHECK(ErrorOf("global_defs {\n  vrrp_garp_interval\n}") ==
        "keepalived.conf:2: vrrp_garp_interval needs a value");
  CHECK(ErrorOf("global_defs {\n  vrrp_garp_interval 4294.967296\n}") ==
        "keepalived.conf:2: vrrp_garp_interval 4294.967296 is out of range 0..4294.967295 seconds");
  CHECK(ErrorOf("garp_group {\n  interface eth0\n  garp_interval -1\n}") ==
        "keepalived.conf:3: garp_interval '-1' is not a time in seconds");
  CHECK(ErrorOf("garp_group {\n  interface eth0\n  gna_interval 1e3\n}") ==
        "keepalived.conf:3: gna_interval '1e3' is not a time in seconds");
}

TEST_CASE(
    "A garp_group without an interface, with an unknown keyword or without its brace is an error") {
  CHECK(ErrorOf("garp_group {\n  garp_interval 0.1\n}") ==
        "keepalived.conf:1: garp_group names no interface (interface NAME or interfaces { })");
  CHECK(ErrorOf("garp_group {\n  garp_intervall 0.1\n  interface eth0\n}") ==
        "keepalived.conf:2: unknown keyword 'garp_intervall' in garp_group (garp_interval, "
        "gna_interval, interface, interfaces)");
  CHECK(ErrorOf("garp_group {\n  interface\n}") == "keepalived.conf:2: interface needs a value");
  CHECK(ErrorOf("garp_group garp_interval 0.1") ==
        "keepalived.conf:1: expected '{' after garp_group");
}

TEST_CASE("An interface in two garp_groups is an error at the second") {
  CHECK(ErrorOf("garp_group {\n  garp_interval 0.1\n  interface eth0\n}\n"
                "garp_group {\n  gna_interval 0.1\n  interfaces { eth1 eth0 }\n}") ==
        "keepalived.conf:7: interface eth0 is already in the garp_group at keepalived.conf:1");
}

TEST_CASE("A garp_group with no interval, or for an interface nobody runs on, is a warning") {
  CHECK(WarningsOf("garp_group {\n  interface eth0\n}") ==
        std::vector<std::string>{"keepalived.conf:1: garp_group sets neither garp_interval nor "
                                 "gna_interval: its interfaces are not paced"});
  CHECK(WarningsOf("garp_group {\n  garp_interval 0.1\n  interfaces { eth0 eth9 }\n}") ==
        std::vector<std::string>{
            "keepalived.conf:1: garp_group interface eth9: no vrrp_instance runs on it"});
}

}  // namespace
}  // namespace vrrp::config
