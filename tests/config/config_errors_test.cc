// Every refusal of the parser, with its file:line message, and every warning.
#include <catch2/catch.hpp>
#include <string>
#include <string_view>

#include "config/config_test_helpers.h"
#include "vrrp/config/config.h"

namespace vrrp::config {
namespace {

using testing::Instance;

std::string ErrorOf(std::string_view text, bool strict = false) {
  ParseOptions options;
  options.strict = strict;
  absl::StatusOr<Configuration> conf = ParseString(text, "keepalived.conf", options);
  if (conf.ok()) return "(parsed)";
  CHECK(conf.status().code() == absl::StatusCode::kInvalidArgument);
  return std::string(conf.status().message());
}

std::vector<std::string> WarningsOf(std::string_view text) {
  absl::StatusOr<Configuration> conf = ParseString(text, "keepalived.conf");
  INFO(conf.status().ToString());
  REQUIRE(conf.ok());
  std::vector<std::string> out;
  for (const Warning& w : conf->warnings) out.push_back(ToString(w));
  return out;
}

TEST_CASE("The minimal instance parses") { CHECK(ErrorOf(Instance("")) == "(parsed)"); }

TEST_CASE("skip_check_adv_addr takes on, off, true, false, yes or no, nothing else") {
  CHECK(ErrorOf(Instance("  skip_check_adv_addr yes")) == "(parsed)");
  CHECK(ErrorOf(Instance("  skip_check_adv_addr maybe")) ==
        "keepalived.conf:5: skip_check_adv_addr 'maybe' is not one of on, off, true, false, "
        "yes, no");
}

TEST_CASE("Range errors come from the core's validator, at the offending line") {
  CHECK(ErrorOf("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 300\n"
                " virtual_ipaddress { 192.0.2.3 }\n}\n") ==
        "keepalived.conf:3: virtual_router_id 300 is out of range 1..255");
  CHECK(ErrorOf(Instance("  priority 0")) ==
        "keepalived.conf:5: priority 0 is out of range 1..255");
  CHECK(ErrorOf(Instance("  priority 256")) ==
        "keepalived.conf:5: priority 256 is out of range 1..255");
  CHECK(ErrorOf(Instance("  version 3\n  advert_int 41")) ==
        "keepalived.conf:6: advert_int 4100cs is out of range 1..4095 cs for VRRPv3");
  CHECK(ErrorOf(Instance("  version 3\n  advert_int 0.001")) ==
        "keepalived.conf:6: advert_int 0cs is out of range 1..4095 cs for VRRPv3");
  CHECK(ErrorOf(Instance("  advert_int 256")) ==
        "keepalived.conf:5: advert_int 256 is out of range 1..255 s for VRRPv2");
  CHECK(ErrorOf(Instance("  preempt_delay 1001")) ==
        "keepalived.conf:5: preempt_delay 16m41s is out of range 0..1000 s");
  CHECK(ErrorOf(Instance("  down_timer_adverts 0")) ==
        "keepalived.conf:5: down_timer_adverts 0 is out of range 1..100");
  CHECK(ErrorOf(Instance("  garp_master_repeat 256")) ==
        "keepalived.conf:5: garp_master_repeat 256 is out of range 0..255");
  CHECK(ErrorOf(Instance("  garp_master_refresh_repeat 0")) ==
        "keepalived.conf:5: garp_master_refresh_repeat 0 is out of range 1..255");
  // A bad global default is reported at the global_defs line that set it.
  CHECK(ErrorOf("global_defs {\n  vrrp_garp_master_delay 4000\n}\n" + Instance("")) ==
        "keepalived.conf:2: garp_master_delay 1h6m40s is out of range 0..3600 s");
}

TEST_CASE("Values that are not what the keyword takes") {
  CHECK(ErrorOf(Instance("  priority high")) ==
        "keepalived.conf:5: priority 'high' is not an integer");
  CHECK(ErrorOf(Instance("  priority 99999999999")) ==
        "keepalived.conf:5: priority 99999999999 is far out of range");
  CHECK(ErrorOf(Instance("  priority")) == "keepalived.conf:5: priority needs a value");
  CHECK(ErrorOf(Instance("  advert_int 1s")) ==
        "keepalived.conf:5: advert_int '1s' is not a time in seconds");
  CHECK(ErrorOf(Instance("  advert_int -1")) ==
        "keepalived.conf:5: advert_int '-1' is not a time in seconds");
  CHECK(ErrorOf(Instance("  version 4")) == "keepalived.conf:5: version 4 is out of range 2..3");
  CHECK(ErrorOf(Instance("  unicast_src_ip here")) ==
        "keepalived.conf:5: unicast_src_ip 'here' is not an IP address");
  CHECK(ErrorOf(Instance("  unicast_peer {\n    192.0.2.6\n    peer-b\n  }")) ==
        "keepalived.conf:7: unicast_peer 'peer-b' is not an IP address");
  CHECK(ErrorOf(Instance("  authentication {\n    auth_type MD5\n  }")) ==
        "keepalived.conf:6: auth_type 'MD5' is not PASS or AH");
  CHECK(ErrorOf(Instance("  track_interface {\n    eth1 weight 255\n  }")) ==
        "keepalived.conf:6: weight 255 is out of range -254..254");
  CHECK(ErrorOf(Instance("  track_script {\n    chk weight -254\n  }")) ==
        "keepalived.conf:6: weight -254 is out of range -253..253");
  CHECK(ErrorOf(Instance("  interface eth0-is-a-long-name")) ==
        "keepalived.conf:5: interface name 'eth0-is-a-long-name' is not 1..15 characters");
  CHECK(ErrorOf("global_defs {\n  vrrp_mcast_group4 192.0.2.1\n}\n") ==
        "keepalived.conf:2: vrrp_mcast_group4 192.0.2.1 is not an IPv4 multicast address");
  CHECK(ErrorOf("global_defs {\n  vrrp_version 1\n}\n") ==
        "keepalived.conf:2: vrrp_version 1 is out of range 2..3");
}

TEST_CASE("virtual_ipaddress entries are checked at their own line") {
  CHECK(ErrorOf(Instance("  virtual_ipaddress {\n    192.0.2.4/33\n  }")) ==
        "keepalived.conf:6: virtual_ipaddress: prefix length '33' of 192.0.2.4 is out of range "
        "0..32");
  CHECK(ErrorOf(Instance("  virtual_ipaddress {\n    192.0.2.300\n  }")) ==
        "keepalived.conf:6: virtual_ipaddress: '192.0.2.300' is not an address");
  CHECK(ErrorOf(Instance("  virtual_ipaddress {\n    192.0.2.4 metric 5\n  }")) ==
        "keepalived.conf:6: virtual_ipaddress: 'metric' is neither an address nor an option");
  CHECK(ErrorOf(Instance("  virtual_ipaddress {\n    192.0.2.4 scope universe\n  }")) ==
        "keepalived.conf:6: virtual_ipaddress: scope 'universe' is not global, site, link or "
        "host");
  CHECK(ErrorOf(Instance("  virtual_ipaddress {\n    192.0.2.4 dev\n  }")) ==
        "keepalived.conf:6: virtual_ipaddress: dev needs a value");
  CHECK(ErrorOf(Instance("  virtual_ipaddress {\n    224.0.0.1\n  }")) ==
        "keepalived.conf:6: virtual_ipaddress: virtual address 224.0.0.1/32 dev eth0: a multicast "
        "address cannot be assigned");
  CHECK(
      ErrorOf(Instance("  virtual_ipaddress {\n    192.0.2.4 label eth0:a-very-long-label\n  }")) ==
      "keepalived.conf:6: virtual_ipaddress: virtual address 192.0.2.4/32 dev eth0: label "
      "\"eth0:a-very-long-label\" is longer than 15 characters");
  CHECK(ErrorOf(Instance("  virtual_ipaddress {\n    2001:db8::4\n  }")) ==
        "keepalived.conf:6: virtual_ipaddress 2001:db8::4 is IPv6 but vrrp_instance VI_1 is IPv4 "
        "(from its first address); use another instance");
  CHECK(ErrorOf(Instance("  unicast_src_ip 2001:db8::5")) ==
        "keepalived.conf:5: unicast_src_ip 2001:db8::5 is IPv6 but vrrp_instance VI_1 is IPv4");
  CHECK(ErrorOf(Instance("  unicast_peer {\n    224.0.0.18\n  }")) ==
        "keepalived.conf:5: unicast_peer 224.0.0.18 is not a unicast IPv4 address");
}

TEST_CASE("Missing required values, duplicates and dangling references") {
  CHECK(ErrorOf("vrrp_instance VI_1 {\n virtual_router_id 5\n virtual_ipaddress { 192.0.2.3 "
                "}\n}\n") == "keepalived.conf:1: vrrp_instance VI_1 has no interface");
  CHECK(ErrorOf("\nvrrp_instance VI_1 {\n interface eth0\n virtual_ipaddress { 192.0.2.3 }\n}\n") ==
        "keepalived.conf:2: vrrp_instance VI_1 has no virtual_router_id");
  CHECK(ErrorOf("vrrp_instance {\n}\n") == "keepalived.conf:1: vrrp_instance needs a name");
  CHECK(ErrorOf(Instance("") + Instance("")) ==
        "keepalived.conf:7: vrrp_instance VI_1 is already defined at keepalived.conf:1");
  CHECK(ErrorOf(Instance("") + Instance("", "VI_2")) ==
        "keepalived.conf:9: virtual_router_id 50 on eth0 (IPv4) is already used by vrrp_instance "
        "VI_1 at keepalived.conf:1");
  CHECK(ErrorOf(Instance("  track_script {\n    chk_nginx\n  }")) ==
        "keepalived.conf:6: track_script chk_nginx names no vrrp_script");
  CHECK(ErrorOf(Instance("") + "vrrp_sync_group G {\n  group {\n    VI_1\n    VI_9\n  }\n}\n") ==
        "keepalived.conf:10: vrrp_sync_group G: VI_9 names no vrrp_instance");
  CHECK(ErrorOf(Instance("") + "vrrp_sync_group G {\n  group { VI_1 }\n}\n" +
                "vrrp_sync_group H {\n  group { VI_1 }\n}\n") ==
        "keepalived.conf:11: vrrp_instance VI_1 is already in vrrp_sync_group G");
  CHECK(ErrorOf("vrrp_script chk {\n  interval 2\n}\n") ==
        "keepalived.conf:1: vrrp_script chk has no script");
  CHECK(ErrorOf("vrrp_script chk {\n script a\n}\nvrrp_script chk {\n script b\n}\n") ==
        "keepalived.conf:4: vrrp_script chk is already defined at keepalived.conf:1");
  CHECK(ErrorOf("vrrp_script chk {\n script a\n interval 0\n}\n") ==
        "keepalived.conf:3: interval must be more than 0 seconds");
  CHECK(ErrorOf("global_defs {\n  vrrp_strict\n}\n" +
                Instance("  unicast_peer {\n    192.0.2.6\n  }")) ==
        "keepalived.conf:8: unicast_peer cannot be used with vrrp_strict (RFC 5798 sends to the "
        "group)");
}

TEST_CASE("Syntax errors: braces and quotes") {
  CHECK(ErrorOf("vrrp_instance VI_1 {\n interface eth0\n") ==
        "keepalived.conf:1: vrrp_instance VI_1 block is not closed (missing '}')");
  // Instance()'s closing brace closes authentication: the instance is the block left open.
  CHECK(ErrorOf(Instance("  authentication {\n    auth_pass 1111\n")) ==
        "keepalived.conf:1: vrrp_instance VI_1 block is not closed (missing '}')");
  CHECK(ErrorOf("vrrp_instance VI_1 {\n  authentication {\n    auth_pass 1111\n") ==
        "keepalived.conf:2: authentication block is not closed (missing '}')");
  CHECK(ErrorOf(Instance("") + "}\n") == "keepalived.conf:7: unexpected '}' (no block is open)");
  CHECK(ErrorOf(Instance("  {")) == "keepalived.conf:5: unexpected '{'");
  CHECK(ErrorOf("vrrp_instance VI_1\ninterface eth0\n") ==
        "keepalived.conf:2: expected '{' after vrrp_instance VI_1");
  CHECK(ErrorOf("vrrp_instance VI_1") ==
        "keepalived.conf:1: expected '{' after vrrp_instance VI_1");
  CHECK(ErrorOf(Instance("  notify_master \"/bin/echo master")) ==
        "keepalived.conf:5: unterminated quoted string");
  CHECK(ErrorOf("foo {\n bar {\n}\n") ==
        "keepalived.conf:1: foo block is not closed (missing '}')");
  CHECK(ErrorOf(Instance("  notify_master \"\"")) ==
        "keepalived.conf:5: notify_master needs a command");
}

TEST_CASE("notify_fifo errors and warnings") {
  CHECK(ErrorOf("global_defs {\n  notify_fifo\n}\n") ==
        "keepalived.conf:2: notify_fifo needs a FIFO path");
  CHECK(ErrorOf("global_defs {\n  vrrp_notify_fifo \"\"\n}\n") ==
        "keepalived.conf:2: vrrp_notify_fifo needs a FIFO path");
  CHECK(ErrorOf("global_defs {\n  vrrp_notify_fifo_script\n}\n") ==
        "keepalived.conf:2: vrrp_notify_fifo_script needs a value");
  CHECK(ErrorOf("global_defs {\n  notify_fifo_script \"\"\n}\n") ==
        "keepalived.conf:2: notify_fifo_script needs a command");
  // keepalived.conf(5): "the FIFO names must all be different".
  CHECK(ErrorOf("global_defs {\n  notify_fifo /run/k.fifo\n  router_id r1\n"
                "  vrrp_notify_fifo /run/k.fifo\n}\n") ==
        "keepalived.conf:4: vrrp_notify_fifo /run/k.fifo is the same FIFO as notify_fifo at "
        "keepalived.conf:2; the FIFO names must differ");
  CHECK(WarningsOf("global_defs {\n  vrrp_notify_fifo_script /bin/reader\n}\n") ==
        std::vector<std::string>{
            "keepalived.conf:2: vrrp_notify_fifo_script without vrrp_notify_fifo is ignored"});
  CHECK(WarningsOf("global_defs {\n  notify_fifo /run/k.fifo root root extra\n}\n") ==
        std::vector<std::string>{
            "keepalived.conf:2: notify_fifo: words after the user and group are ignored"});
  // The dropped script is gone from the configuration, not only warned about.
  absl::StatusOr<Configuration> conf =
      ParseString("global_defs {\n  notify_fifo_script /bin/reader\n}\n", "keepalived.conf");
  REQUIRE(conf.ok());
  CHECK_FALSE(conf->global.notify_fifo.script.has_value());
}

TEST_CASE("Unknown keywords: a warning by default, an error when strict") {
  const std::string text = "global_defs {\n  frobnicate 3\n}\n" +
                           Instance("  wibble {\n    nested { x }\n  }\n  priority 120");
  CHECK(WarningsOf(text) ==
        std::vector<std::string>{
            "keepalived.conf:2: unknown keyword 'frobnicate' in global_defs is ignored",
            "keepalived.conf:8: unknown keyword 'wibble' in vrrp_instance is ignored"});
  absl::StatusOr<Configuration> conf = ParseString(text, "keepalived.conf");
  REQUIRE(conf.ok());
  CHECK(conf->instances[0].config.router.priority == 120);  // parsing went on after the skip
  CHECK(ErrorOf(text, /*strict=*/true) ==
        "keepalived.conf:2: unknown keyword 'frobnicate' in global_defs");
  CHECK(ErrorOf("top_level_thing\n", true) ==
        "keepalived.conf:1: unknown keyword 'top_level_thing' in the top level");
}

TEST_CASE("Warnings keepalived would log") {
  // Ignored global keywords, with their blocks.
  CHECK(WarningsOf("global_defs {\n  notification_email {\n    a@example.com\n  }\n"
                   "  smtp_server 192.0.2.1\n  router_id x\n}\n") ==
        std::vector<std::string>{
            "keepalived.conf:2: 'notification_email' is not supported and is ignored",
            "keepalived.conf:5: 'smtp_server' is not supported and is ignored"});
  // Ignored top-level blocks and instance keywords.
  CHECK(WarningsOf("virtual_server 192.0.2.1 80 {\n  real_server 192.0.2.2 80 { weight 1 }\n}\n" +
                   Instance("  use_ipvlan")) ==
        std::vector<std::string>{
            "keepalived.conf:1: 'virtual_server' is not supported and is ignored",
            "keepalived.conf:8: 'use_ipvlan' is not supported and is ignored"});
  // auth_pass truncated to 8.
  absl::StatusOr<Configuration> conf =
      ParseString(Instance("  authentication {\n    auth_type PASS\n    auth_pass 123456789\n  }"),
                  "keepalived.conf");
  REQUIRE(conf.ok());
  REQUIRE(conf->warnings.size() == 1);
  CHECK(ToString(conf->warnings[0]) ==
        "keepalived.conf:7: auth_pass is longer than 8 characters, truncated to its first 8");
  const std::array<uint8_t, 8> key{'1', '2', '3', '4', '5', '6', '7', '8'};
  CHECK(conf->instances[0].config.pass_key.wire_bytes() == key);
  // v3 ignores authentication.
  conf = ParseString(Instance("  version 3\n  authentication {\n    auth_type PASS\n"
                              "    auth_pass 1111\n  }"),
                     "keepalived.conf");
  REQUIRE(conf.ok());
  CHECK(conf->instances[0].config.auth_type == AuthType::kNone);
  REQUIRE(conf->warnings.size() == 1);
  CHECK(ToString(conf->warnings[0]) ==
        "keepalived.conf:6: VI_1: VRRP version 3 does not support authentication. Ignoring.");
  // v2 rounds a fractional advert_int.
  conf = ParseString(Instance("  advert_int 1.6"), "keepalived.conf");
  REQUIRE(conf.ok());
  CHECK(conf->instances[0].config.router.advert_interval == Centiseconds(200));
  CHECK(ToString(conf->warnings.at(0)) ==
        "keepalived.conf:5: VI_1: VRRP version 2 needs whole seconds, advert_int rounded to 2 s");
  conf = ParseString(Instance("  advert_int 0.2"), "keepalived.conf");
  REQUIRE(conf.ok());
  CHECK(conf->instances[0].config.router.advert_interval == Centiseconds(100));
  // v3 rounds to the centisecond.
  conf = ParseString(Instance("  version 3\n  advert_int 0.015"), "keepalived.conf");
  REQUIRE(conf.ok());
  CHECK(conf->instances[0].config.router.advert_interval == Centiseconds(2));
  CHECK(ToString(conf->warnings.at(0)) ==
        "keepalived.conf:6: VI_1: advert_int rounded to 2 centiseconds (RFC 5798 §5.2.7)");
  // An explicit version 2 on IPv6 becomes 3.
  conf = ParseString(
      "vrrp_instance V6 {\n interface eth0\n virtual_router_id 1\n version 2\n"
      " virtual_ipaddress { 2001:db8::3 }\n}\n",
      "keepalived.conf");
  REQUIRE(conf.ok());
  CHECK(conf->instances[0].config.router.version == Version::kV3);
  CHECK(ToString(conf->warnings.at(0)) ==
        "keepalived.conf:4: V6: VRRP version 2 does not support IPv6, using version 3");
  // Unsupported address and peer options.
  CHECK(WarningsOf(Instance("  virtual_ipaddress_excluded {\n    192.0.2.9 home\n  }")) ==
        std::vector<std::string>{
            "keepalived.conf:6: virtual_ipaddress_excluded: 'home' is not supported and is "
            "ignored"});
  // Extra words after a notify command's user and group.
  CHECK(WarningsOf(Instance("  notify_master /bin/x root root extra")) ==
        std::vector<std::string>{"keepalived.conf:5: notify_master: words after the user and "
                                 "group are ignored (quote a command that has arguments)"});
}

TEST_CASE("Process scheduling keywords: every bad value, at its line") {
  const auto global = [](std::string_view line) {
    return fmt::format("global_defs {{\n  router_id r1\n  {}\n}}\n", line) + Instance("");
  };
  CHECK(ErrorOf(global("vrrp_priority -21")) ==
        "keepalived.conf:3: vrrp_priority -21 is out of range -20..19");
  CHECK(ErrorOf(global("vrrp_priority 20")) ==
        "keepalived.conf:3: vrrp_priority 20 is out of range -20..19");
  CHECK(ErrorOf(global("vrrp_priority high")) ==
        "keepalived.conf:3: vrrp_priority 'high' is not an integer");
  CHECK(ErrorOf(global("vrrp_priority -5.5")) ==
        "keepalived.conf:3: vrrp_priority '-5.5' is not an integer");
  CHECK(ErrorOf(global("vrrp_priority")) == "keepalived.conf:3: vrrp_priority needs a value");

  CHECK(ErrorOf(global("vrrp_rt_priority 0")) ==
        "keepalived.conf:3: vrrp_rt_priority 0 is out of range 1..99");
  CHECK(ErrorOf(global("vrrp_rt_priority 100")) ==
        "keepalived.conf:3: vrrp_rt_priority 100 is out of range 1..99");
  CHECK(ErrorOf(global("vrrp_rt_priority -1")) ==
        "keepalived.conf:3: vrrp_rt_priority -1 is out of range 1..99");
  CHECK(ErrorOf(global("vrrp_rt_priority 99999999999999999999")) ==
        "keepalived.conf:3: vrrp_rt_priority '99999999999999999999' is not an integer");
  CHECK(ErrorOf(global("vrrp_rt_priority rr")) ==
        "keepalived.conf:3: vrrp_rt_priority 'rr' is not an integer");
  CHECK(ErrorOf(global("vrrp_rt_priority")) == "keepalived.conf:3: vrrp_rt_priority needs a value");
  // The value is on the keyword's line: a block brace or the next line is not it.
  CHECK(ErrorOf("global_defs {\n  vrrp_rt_priority\n  50\n}\n") ==
        "keepalived.conf:2: vrrp_rt_priority needs a value");
  CHECK(ErrorOf("global_defs {\n  vrrp_rt_priority }\n") ==
        "keepalived.conf:2: vrrp_rt_priority needs a value");

  CHECK(ErrorOf(global("vrrp_rt_priority 50\n  vrrp_rlimit_rttime 0")) ==
        "keepalived.conf:4: vrrp_rlimit_rttime 0 is out of range 1..4294967295");
  CHECK(ErrorOf(global("vrrp_rlimit_rttime 4294967296")) ==
        "keepalived.conf:3: vrrp_rlimit_rttime 4294967296 is out of range 1..4294967295");
  CHECK(ErrorOf(global("vrrp_rlimit_rttime -10000")) ==
        "keepalived.conf:3: vrrp_rlimit_rttime -10000 is out of range 1..4294967295");
  CHECK(ErrorOf(global("vrrp_rlimit_rttime 10ms")) ==
        "keepalived.conf:3: vrrp_rlimit_rttime '10ms' is not an integer");
  CHECK(ErrorOf(global("vrrp_rlimit_rttime")) ==
        "keepalived.conf:3: vrrp_rlimit_rttime needs a value");
  // The deprecated spelling is checked the same way, under its own name.
  CHECK(ErrorOf(global("vrrp_rlimit_rtime 0")) ==
        "keepalived.conf:3: vrrp_rlimit_rtime 0 is out of range 1..4294967295");

  // Strict mode refuses none of them; the checker and BFD twins stay ignored.
  CHECK(ErrorOf(global("vrrp_priority -5\n  vrrp_rt_priority 50\n  vrrp_rlimit_rttime 20000\n"
                       "  vrrp_no_swap"),
                /*strict=*/true) == "(parsed)");
  CHECK(WarningsOf("global_defs {\n  checker_priority -5\n  checker_rt_priority 50\n"
                   "  checker_rlimit_rttime 10000\n  checker_no_swap\n  bfd_rt_priority 50\n"
                   "}\n" +
                   Instance("")) ==
        std::vector<std::string>{
            "keepalived.conf:2: 'checker_priority' is not supported and is ignored",
            "keepalived.conf:3: 'checker_rt_priority' is not supported and is ignored",
            "keepalived.conf:4: 'checker_rlimit_rttime' is not supported and is ignored",
            "keepalived.conf:5: 'checker_no_swap' is not supported and is ignored",
            "keepalived.conf:6: 'bfd_rt_priority' is not supported and is ignored"});
  // A limit without realtime scheduling does nothing: said, not refused.
  CHECK(WarningsOf(global("vrrp_rlimit_rttime 20000")) ==
        std::vector<std::string>{
            "keepalived.conf:3: vrrp_rlimit_rttime has no effect without vrrp_rt_priority"});
  CHECK(WarningsOf(global("vrrp_rt_priority 50\n  vrrp_rlimit_rtime 20000")) ==
        std::vector<std::string>{
            "keepalived.conf:4: 'vrrp_rlimit_rtime' is deprecated, use 'vrrp_rlimit_rttime'"});
}

TEST_CASE("Includes: no match is a warning, an unreadable file an error") {
  MemoryFileSource files;
  ParseOptions options;
  options.files = &files;
  absl::StatusOr<Configuration> conf =
      ParseString("include /etc/keepalived/conf.d/*.conf\n", "keepalived.conf", options);
  REQUIRE(conf.ok());
  REQUIRE(conf->warnings.size() == 1);
  CHECK(ToString(conf->warnings[0]) ==
        "keepalived.conf:1: include /etc/keepalived/conf.d/*.conf matches no file");
  CHECK(ErrorOf("include\n") == "keepalived.conf:1: include needs a file name");

  // On disk: a directory matches the glob but cannot be read.
  conf = ParseString("include " VRRP_VECTORS_DIR "/../conf*\n", "keepalived.conf",
                     ParseOptions{.files = nullptr});
  REQUIRE(conf.ok());  // ParseString alone never reads the disk: no file source, no match
  DiskFileSource disk;
  options.files = &disk;
  conf = ParseString("\ninclude " VRRP_VECTORS_DIR "/../conf*\n", "keepalived.conf", options);
  REQUIRE_FALSE(conf.ok());
  CHECK(conf.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(conf.status().message()),
             Catch::StartsWith("keepalived.conf:2: include ") &&
                 Catch::EndsWith("/../config: cannot read " VRRP_VECTORS_DIR
                                 "/../config: it is a directory"));
  // A missing top-level file.
  conf = ParseFile("/nonexistent/keepalived.conf");
  REQUIRE_FALSE(conf.ok());
  CHECK(conf.status().code() == absl::StatusCode::kNotFound);
}

TEST_CASE("Nesting deeper than the limit is an error, not a stack overflow") {
  MemoryFileSource files;
  for (int i = 0; i < 40; ++i)
    files.Add(fmt::format("f{}.conf", i), fmt::format("include f{}.conf\n", i + 1));
  ParseOptions options;
  options.files = &files;
  absl::StatusOr<Configuration> conf = ParseString("include f0.conf\n", "main.conf", options);
  REQUIRE_FALSE(conf.ok());
  CHECK(conf.status().message() == "f15.conf:1: include f16.conf: more than 16 nested includes");
}

std::string Repeat(std::string_view line, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += line;
  return out;
}

// fuzz/seeds/config_include_fuzz/regression-file-reads: without a bound on reads, this 9 KB
// configuration read c.conf 90,000 times (45 s under ASan on a loaded machine), and one more
// level made it hours; an empty file costs nothing against the size bound.
TEST_CASE("A file included many times over is read at most 10000 times, then an error") {
  MemoryFileSource files;
  files.Add("b.conf", Repeat("include c.conf\n", 300));
  files.Add("c.conf", "");
  ParseOptions options;
  options.files = &files;
  absl::StatusOr<Configuration> conf =
      ParseString(Repeat("include b.conf\n", 300), "main.conf", options);
  REQUIRE_FALSE(conf.ok());
  CHECK(conf.status().code() == absl::StatusCode::kInvalidArgument);
  // Each b.conf costs 301 reads: 33 of them make 9,933, the 34th is read 9,934 and its line 67
  // would be read 10,001.
  CHECK(conf.status().message() ==
        "b.conf:67: include c.conf: more than 10000 files read (a file counts each time it is "
        "included)");
  CHECK(ConfigErrorOf(conf.status())->keyword == "include");
}

// fuzz/seeds/config_include_fuzz/regression-words: this 5 KB configuration held 32 million
// words (over 2 GB) within the 64 MiB size bound before words were bounded.
TEST_CASE("A configuration of more than a million words is an error, not gigabytes") {
  MemoryFileSource files;
  files.Add("words.conf", Repeat("x ", 1000) + "\n");
  ParseOptions options;
  options.files = &files;
  absl::StatusOr<Configuration> conf =
      ParseString(Repeat("include words.conf\n", 1001), "main.conf", options);
  REQUIRE_FALSE(conf.ok());
  CHECK(conf.status().message() ==
        "words.conf:1: the configuration with its includes has more than 1000000 words");
}

}  // namespace
}  // namespace vrrp::config
