// dont_track_primary (keepalived.conf(5)): the instance ignores its interface's link going
// down. Read here; the Driver applies it (DriverInstance::track_link).
#include <catch2/catch.hpp>
#include <string>

#include "config_test_helpers.h"
#include "vrrp/config/config.h"

namespace vrrp::config {
namespace {

using testing::Instance;
using testing::MustParse;

bool DontTrack(const Configuration& conf, size_t i = 0) {
  REQUIRE(conf.instances.size() > i);
  return conf.instances[i].extras.dont_track_primary;
}

TEST_CASE("An instance tracks its interface's link unless dont_track_primary") {
  CHECK_FALSE(DontTrack(MustParse(Instance(""))));
  const Configuration conf = MustParse(Instance("  dont_track_primary"));
  CHECK(conf.warnings.empty());  // acted on, not ignored
  CHECK(DontTrack(conf));
  // With use_vmac too: the tracked link is the interface, the one advertisements use.
  CHECK(DontTrack(MustParse(Instance("  use_vmac\n  dont_track_primary"))));
}

// keepalived 2.2.7 has no such global_defs keyword (its -t: "Unknown keyword
// 'vrrp_dont_track_primary'"): an unknown keyword here too, and no instance's default.
TEST_CASE("vrrp_dont_track_primary is unknown, as in keepalived 2.2.7") {
  const Configuration conf =
      MustParse("global_defs {\n  vrrp_dont_track_primary\n}\n" + Instance("", "VI_1"));
  CHECK_FALSE(DontTrack(conf));
  REQUIRE(conf.warnings.size() == 1);
  CHECK(conf.warnings[0].where == Location{"keepalived.conf", 2});
  CHECK(conf.warnings[0].message.find("vrrp_dont_track_primary") != std::string::npos);
}

}  // namespace
}  // namespace vrrp::config
