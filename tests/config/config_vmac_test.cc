// use_vmac [NAME] and vmac_xmit_base (keepalived.conf(5)): the macvlan link's name, keepalived's
// "vrrp.<VRID>" by default, and every bad name refused at its line.
#include <catch2/catch.hpp>
#include <string>

#include "config_test_helpers.h"
#include "vrrp/config/config.h"

namespace vrrp::config {
namespace {

using testing::Instance;
using testing::MustParse;

InstanceExtras ExtrasOf(std::string_view body) {
  Configuration conf = MustParse(Instance(body));
  REQUIRE(conf.instances.size() == 1);
  CHECK(conf.warnings.empty());
  return conf.instances[0].extras;
}

std::string ErrorOf(std::string_view body) {
  absl::StatusOr<Configuration> conf = ParseString(Instance(body), "keepalived.conf");
  if (conf.ok()) return "(parsed)";
  return std::string(conf.status().message());
}

TEST_CASE("Without use_vmac there is no macvlan link") {
  const InstanceExtras x = ExtrasOf("");
  CHECK(x.vmac_interface.empty());
  CHECK_FALSE(x.vmac_xmit_base);
}

TEST_CASE("use_vmac names the link vrrp.VRID unless given a name") {
  CHECK(ExtrasOf("  use_vmac").vmac_interface == "vrrp.50");
  CHECK(ExtrasOf("  use_vmac vmac50").vmac_interface == "vmac50");
  CHECK(ExtrasOf("  use_vmac 0123456789abcde").vmac_interface == "0123456789abcde");
  // The VRID may come after use_vmac: the default name is made once the block is read.
  Configuration conf = MustParse(
      "vrrp_instance VI_2 {\n  use_vmac\n  interface eth0\n  virtual_router_id 7\n"
      "  virtual_ipaddress { 192.0.2.3/24 }\n}\n");
  CHECK(conf.instances[0].extras.vmac_interface == "vrrp.7");
}

TEST_CASE("vmac_xmit_base is read") {
  const InstanceExtras x = ExtrasOf("  use_vmac\n  vmac_xmit_base");
  CHECK(x.vmac_interface == "vrrp.50");
  CHECK(x.vmac_xmit_base);
}

TEST_CASE("A use_vmac name the kernel would refuse is an error at its line") {
  CHECK(ErrorOf("  use_vmac 0123456789abcdef") ==
        "keepalived.conf:5: use_vmac: interface name '0123456789abcdef' is longer than 15 "
        "characters");
  CHECK(ErrorOf("  use_vmac vrrp/50") ==
        "keepalived.conf:5: use_vmac: interface name 'vrrp/50' holds '/'");
  CHECK(ErrorOf("  use_vmac eth0:50") ==
        "keepalived.conf:5: use_vmac: interface name 'eth0:50' holds ':'");
  CHECK(ErrorOf("  use_vmac \"vrrp 50\"") ==
        "keepalived.conf:5: use_vmac: interface name 'vrrp 50' holds whitespace or a NUL");
  CHECK(ErrorOf("  use_vmac ..") ==
        "keepalived.conf:5: use_vmac: interface name '..' is not a name the kernel takes");
  CHECK(ErrorOf("  use_vmac eth0") ==
        "keepalived.conf:5: use_vmac eth0 is the name of the instance's own interface");
}

}  // namespace
}  // namespace vrrp::config
