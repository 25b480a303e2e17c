// check_unicast_src and vrrp_check_unicast_src (keepalived.conf(5)): a unicast instance takes
// advertisements from any source unless asked to take them from its unicast_peer list only;
// a unicast_peer's min_ttl / max_ttl asks for it too, and is read but not enforced.
#include <catch2/catch.hpp>
#include <string>

#include "config_test_helpers.h"
#include "vrrp/config/config.h"

namespace vrrp::config {
namespace {

using testing::Instance;
using testing::MustParse;

const VrrpInstance& Only(const Configuration& conf) {
  REQUIRE(conf.instances.size() == 1);
  return conf.instances[0];
}

PeerCheck CheckOf(std::string_view text) { return Only(MustParse(text)).config.peer_check; }

constexpr std::string_view kPeers = "  unicast_peer {\n    192.0.2.9\n  }";

TEST_CASE("A unicast instance takes any source by default, as keepalived's") {
  const Configuration conf = MustParse(Instance(kPeers));
  CHECK(conf.warnings.empty());
  CHECK(Only(conf).config.peer_check == PeerCheck::kAnySource);
}

TEST_CASE("check_unicast_src makes a unicast instance take its peers only") {
  CHECK(CheckOf(Instance(std::string(kPeers) + "\n  check_unicast_src")) == PeerCheck::kPeersOnly);
  // Before the peers too: the order in the block does not matter.
  CHECK(CheckOf(Instance("  check_unicast_src\n" + std::string(kPeers))) == PeerCheck::kPeersOnly);
}

TEST_CASE("vrrp_check_unicast_src in global_defs is every instance's default") {
  const std::string global = "global_defs {\n  vrrp_check_unicast_src\n}\n";
  const Configuration conf = MustParse(global + Instance(kPeers, "VI_1") +
                                       "vrrp_instance VI_2 {\n  interface eth0\n"
                                       "  virtual_router_id 51\n  unicast_peer { 192.0.2.8 }\n"
                                       "  virtual_ipaddress { 192.0.2.4/24 }\n}\n");
  REQUIRE(conf.instances.size() == 2);
  CHECK(conf.global.check_unicast_src);
  CHECK(conf.instances[0].config.peer_check == PeerCheck::kPeersOnly);
  CHECK(conf.instances[1].config.peer_check == PeerCheck::kPeersOnly);
  CHECK_FALSE(MustParse(Instance(kPeers)).global.check_unicast_src);
}

TEST_CASE("check_unicast_src without unicast_peer is a warning at its line") {
  const Configuration conf = MustParse(Instance("  check_unicast_src"));
  REQUIRE(conf.warnings.size() == 1);
  CHECK(conf.warnings[0].where == Location{"keepalived.conf", 5});
  CHECK(conf.warnings[0].message == "VI_1: check_unicast_src has no effect without unicast_peer");
}

TEST_CASE("A unicast_peer's min_ttl / max_ttl turns the check on and warns it is not enforced") {
  const Configuration conf = MustParse(
      Instance("  unicast_peer {\n    192.0.2.9 min_ttl 250 max_ttl 255\n    192.0.2.8\n  }"));
  const VrrpInstance& vi = Only(conf);
  CHECK(vi.config.peer_check == PeerCheck::kPeersOnly);
  CHECK(vi.extras.unicast_peers ==
        std::vector<IpAddress>{IpAddress::V4(192, 0, 2, 9), IpAddress::V4(192, 0, 2, 8)});
  REQUIRE(conf.warnings.size() == 2);
  CHECK(conf.warnings[0].where == Location{"keepalived.conf", 6});
  CHECK(conf.warnings[0].message ==
        "unicast_peer 192.0.2.9: min_ttl is not enforced (vrrpd takes TTL 255 only, RFC 5798 "
        "§7.1); it turns on check_unicast_src");
  CHECK(conf.warnings[1].message.find("max_ttl is not enforced") != std::string::npos);
}

TEST_CASE("A bad min_ttl / max_ttl is an error at its line") {
  auto error = [](std::string_view peer_line) {
    absl::StatusOr<Configuration> conf = ParseString(
        Instance(fmt::format("  unicast_peer {{\n    {}\n  }}", peer_line)), "keepalived.conf");
    return conf.ok() ? std::string("(parsed)") : std::string(conf.status().message());
  };
  CHECK(error("192.0.2.9 min_ttl 256").find("keepalived.conf:6:") == 0);
  CHECK(error("192.0.2.9 min_ttl 256").find("256") != std::string::npos);
  CHECK(error("192.0.2.9 max_ttl x").find("keepalived.conf:6:") == 0);
  CHECK(error("192.0.2.9 max_ttl").find("keepalived.conf:6:") == 0);
}

}  // namespace
}  // namespace vrrp::config
