// Structured errors: every refusal carries a ConfigError (ConfigErrorOf) with the file and line
// of the statement at fault and its keyword, whose text is the status message.
#include <catch2/catch.hpp>
#include <string>

#include "config/config_test_helpers.h"
#include "fmt/format.h"
#include "vrrp/config/config.h"

namespace vrrp::config {
namespace {

using testing::Instance;

ConfigError DetailOf(std::string_view text, const ParseOptions& options = {}) {
  absl::StatusOr<Configuration> conf = ParseString(text, "keepalived.conf", options);
  REQUIRE_FALSE(conf.ok());
  std::optional<ConfigError> error = ConfigErrorOf(conf.status());
  REQUIRE(error.has_value());
  // The structured error and the message say the same.
  CHECK(ToString(*error) == conf.status().message());
  return *error;
}

ConfigError At(int line, std::string keyword, std::string message) {
  return ConfigError{Location{"keepalived.conf", line}, std::move(keyword), std::move(message)};
}

TEST_CASE("Values refused by the core's validator are at their keyword's line") {
  CHECK(DetailOf(Instance("  priority 0")) ==
        At(5, "priority", "priority 0 is out of range 1..255"));
  CHECK(DetailOf(Instance("\n  advert_int 256")) ==
        At(6, "advert_int", "advert_int 256 is out of range 1..255 s for VRRPv2"));
  CHECK(DetailOf(Instance("  down_timer_adverts 0")) ==
        At(5, "down_timer_adverts", "down_timer_adverts 0 is out of range 1..100"));
  CHECK(DetailOf(Instance("  garp_master_refresh_repeat 0")) ==
        At(5, "garp_master_refresh_repeat", "garp_master_refresh_repeat 0 is out of range 1..255"));
  // Several bad values: the first the validator checks, as before.
  CHECK(DetailOf(Instance("  garp_master_repeat 256\n  priority 0")) ==
        At(6, "priority", "priority 0 is out of range 1..255"));
  // The source address is the validator's primary_address; its keyword is the one written.
  CHECK(DetailOf(Instance("  unicast_src_ip 0.0.0.0")) ==
        At(5, "unicast_src_ip", "primary_address 0.0.0.0 is not a unicast address"));
  CHECK(DetailOf(Instance("  mcast_src_ip 224.0.0.1")) ==
        At(5, "mcast_src_ip", "primary_address 224.0.0.1 is not a unicast address"));
}

TEST_CASE("A bad default from global_defs is at its global_defs line, under its own keyword") {
  CHECK(DetailOf("global_defs {\n  vrrp_garp_master_delay 4000\n}\n" + Instance("")) ==
        At(2, "vrrp_garp_master_delay", "garp_master_delay 1h6m40s is out of range 0..3600 s"));
  // The instance's own value wins, and so does its line.
  CHECK(DetailOf("global_defs {\n  vrrp_garp_master_repeat 1\n}\n" +
                 Instance("  garp_master_repeat 300")) ==
        At(8, "garp_master_repeat", "garp_master_repeat 300 is out of range 0..255"));
}

TEST_CASE("Addresses: the list as a whole at its keyword, one address at its own line") {
  // No address, or one listed twice, is no error (config_compat_test.cc).
  std::string many = "  virtual_ipaddress {\n";
  for (int i = 0; i < 255; ++i) many += fmt::format("    198.51.100.{}\n", i + 1);
  many += "  }";
  CHECK(DetailOf(Instance(many)) ==
        At(5, "virtual_ipaddress", "virtual_ipaddress has 256 addresses, more than 255"));
  CHECK(DetailOf(Instance("  virtual_ipaddress {\n    192.0.2.4/33\n  }")) ==
        At(6, "virtual_ipaddress",
           "virtual_ipaddress: prefix length '33' of 192.0.2.4 is out of range 0..32"));
  CHECK(DetailOf(Instance("  virtual_ipaddress_excluded {\n    192.0.2.9 label "
                          "eth0:a-very-long-label\n  }")) ==
        At(6, "virtual_ipaddress_excluded",
           "virtual_ipaddress_excluded: virtual address 192.0.2.9/32 dev eth0: label "
           "\"eth0:a-very-long-label\" is longer than 15 characters"));
}

TEST_CASE("Values the parser refuses itself, and what a block lacks") {
  CHECK(DetailOf(Instance("  priority high")) ==
        At(5, "priority", "priority 'high' is not an integer"));
  CHECK(DetailOf(Instance("  track_interface {\n    eth1 weight 255\n  }")) ==
        At(6, "weight", "weight 255 is out of range -254..254"));
  CHECK(DetailOf("global_defs {\n  vrrp_rlimit_rtime 0\n}\n") ==
        At(2, "vrrp_rlimit_rtime", "vrrp_rlimit_rtime 0 is out of range 1..4294967295"));
  CHECK(
      DetailOf("\nvrrp_instance VI_1 {\n interface eth0\n virtual_ipaddress { 192.0.2.3 }\n}\n") ==
      At(2, "vrrp_instance", "vrrp_instance VI_1 has no virtual_router_id"));
  CHECK(DetailOf(Instance("  track_script {\n    chk\n  }")) ==
        At(6, "track_script", "track_script chk names no vrrp_script"));
  CHECK(DetailOf(Instance("") + "vrrp_sync_group G {\n  group {\n    VI_9\n  }\n}\n") ==
        At(9, "group", "vrrp_sync_group G: VI_9 names no vrrp_instance"));
  CHECK(DetailOf(Instance("") + Instance("")) ==
        At(7, "vrrp_instance", "vrrp_instance VI_1 is already defined at keepalived.conf:1"));
}

TEST_CASE("Syntax errors have no keyword, unknown keywords under strict are their own") {
  CHECK(DetailOf(Instance("") + "}\n") == At(7, "", "unexpected '}' (no block is open)"));
  CHECK(DetailOf(Instance("  notify_master \"/bin/echo")) ==
        At(5, "", "unterminated quoted string"));
  CHECK(DetailOf("vrrp_instance VI_1 {\n interface eth0\n") ==
        At(1, "vrrp_instance", "vrrp_instance VI_1 block is not closed (missing '}')"));
  ParseOptions strict;
  strict.strict = true;
  CHECK(DetailOf("global_defs {\n  frobnicate 3\n}\n", strict) ==
        At(2, "frobnicate", "unknown keyword 'frobnicate' in global_defs"));
}

TEST_CASE("Errors in an included file name that file") {
  MemoryFileSource files;
  files.Add("/etc/keepalived/keepalived.conf", "global_defs {\n}\ninclude conf.d/*.conf\n");
  files.Add("/etc/keepalived/conf.d/a.conf", "\n\nvrrp_instance A {\n  priority 0\n}\n");
  ParseOptions options;
  options.files = &files;
  absl::StatusOr<Configuration> conf = ParseFile("/etc/keepalived/keepalived.conf", options);
  REQUIRE_FALSE(conf.ok());
  const std::optional<ConfigError> error = ConfigErrorOf(conf.status());
  REQUIRE(error.has_value());
  CHECK(error->where == Location{"/etc/keepalived/conf.d/a.conf", 3});
  CHECK(error->keyword == "vrrp_instance");
  CHECK(error->message == "vrrp_instance A has no interface");

  files.Add("/etc/keepalived/keepalived.conf", "\ninclude conf.d/missing.conf extra\ninclude\n");
  conf = ParseFile("/etc/keepalived/keepalived.conf", options);
  REQUIRE_FALSE(conf.ok());
  CHECK(ConfigErrorOf(conf.status()) == ConfigError{{"/etc/keepalived/keepalived.conf", 3},
                                                    "include",
                                                    "include needs a file name"});
}

TEST_CASE("ConfigErrorOf: nothing for other statuses, any text comes back intact") {
  CHECK_FALSE(ConfigErrorOf(absl::OkStatus()).has_value());
  CHECK_FALSE(ConfigErrorOf(absl::InvalidArgumentError("keepalived.conf:1: made up")).has_value());
  absl::StatusOr<Configuration> missing = ParseFile("/nonexistent/keepalived.conf");
  REQUIRE(missing.status().code() == absl::StatusCode::kNotFound);
  CHECK_FALSE(ConfigErrorOf(missing.status()).has_value());

  // File names and messages with separators of their own.
  const std::string name = "dir:1/odd\nname 12:3.conf";
  absl::StatusOr<Configuration> conf = ParseString("\n\n}\n", name);
  REQUIRE_FALSE(conf.ok());
  const std::optional<ConfigError> error = ConfigErrorOf(conf.status());
  REQUIRE(error.has_value());
  CHECK(*error == ConfigError{{name, 3}, "", "unexpected '}' (no block is open)"});
  CHECK(ToString(*error) == name + ":3: unexpected '}' (no block is open)");
}

}  // namespace
}  // namespace vrrp::config
