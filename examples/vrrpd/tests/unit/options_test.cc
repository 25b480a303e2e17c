#include "options.h"

#include <catch2/catch.hpp>

#include "fmt/format.h"

namespace vrrpd {
namespace {

Options Parse(std::vector<std::string> args) {
  auto options = ParseOptions(args);
  INFO(options.status().ToString());
  REQUIRE(options.ok());
  return *options;
}

std::string Error(std::vector<std::string> args) {
  auto options = ParseOptions(args);
  REQUIRE_FALSE(options.ok());
  return std::string(options.status().message());
}

TEST_CASE("vrrpd options: keepalived's defaults") {
  const Options o = Parse({});
  CHECK(o.config_file == "/etc/keepalived/keepalived.conf");
  CHECK_FALSE(o.foreground);
  CHECK_FALSE(o.log_console);
  CHECK_FALSE(o.log_detail);
  CHECK(o.pid_file == "/run/vrrpd.pid");
  CHECK(o.status_file == "/run/vrrpd.json");
  CHECK_FALSE(o.config_test);
  CHECK_FALSE(o.strict);
}

// Issue 16: a non-root vrrpd (capabilities only) cannot write /run; systemd's RuntimeDirectory=
// gives it a directory of its own and names it in $RUNTIME_DIRECTORY.
TEST_CASE("vrrpd options: under systemd's RuntimeDirectory the default paths go there") {
  auto in = [](std::string_view dir, std::vector<std::string> args = {}) {
    auto options = ParseOptions(args, dir);
    REQUIRE(options.ok());
    return *options;
  };
  const Options o = in("/run/vrrpd");
  CHECK(o.pid_file == "/run/vrrpd/vrrpd.pid");
  CHECK(o.status_file == "/run/vrrpd/vrrpd.json");
  CHECK(o.control_socket == "/run/vrrpd/vrrpd.ctl");
  // A list (RuntimeDirectory=vrrpd other) starts with ours; a trailing slash is dropped.
  CHECK(in("/run/vrrpd/:/run/other").pid_file == "/run/vrrpd/vrrpd.pid");
  // Flags still win; no variable, no change.
  const Options flagged = in("/run/vrrpd", {"-p", "/tmp/x.pid", "--control-socket", "none"});
  CHECK(flagged.pid_file == "/tmp/x.pid");
  CHECK_FALSE(ControlSocketEnabled(flagged));
  CHECK(flagged.status_file == "/run/vrrpd/vrrpd.json");
  CHECK(in("").pid_file == "/run/vrrpd.pid");
}

TEST_CASE("vrrpd options: short, long, bundled and attached forms") {
  SECTION("short with separate values") {
    const Options o = Parse({"-f", "/tmp/k.conf", "-n", "-l", "-D", "-p", "/tmp/v.pid"});
    CHECK(o.config_file == "/tmp/k.conf");
    CHECK(o.foreground);
    CHECK(o.log_console);
    CHECK(o.log_detail);
    CHECK(o.pid_file == "/tmp/v.pid");
  }
  SECTION("bundled, as keepalived -nlD") {
    const Options o = Parse({"-nlD"});
    CHECK(o.foreground);
    CHECK(o.log_console);
    CHECK(o.log_detail);
  }
  SECTION("a value attached to its short flag, also at the end of a bundle") {
    CHECK(Parse({"-f/tmp/a.conf"}).config_file == "/tmp/a.conf");
    const Options o = Parse({"-nf", "/tmp/b.conf"});
    CHECK(o.foreground);
    CHECK(o.config_file == "/tmp/b.conf");
  }
  SECTION("long forms, with and without '='") {
    const Options o =
        Parse({"--use-file=/tmp/c.conf", "--dont-fork", "--log-console", "--log-detail", "--pid",
               "/tmp/p", "--status-file", "/tmp/s.json", "--strict", "--config-test"});
    CHECK(o.config_file == "/tmp/c.conf");
    CHECK(o.foreground);
    CHECK(o.log_console);
    CHECK(o.log_detail);
    CHECK(o.pid_file == "/tmp/p");
    CHECK(o.status_file == "/tmp/s.json");
    CHECK(o.strict);
    CHECK(o.config_test);
  }
  SECTION("-t, -v, -h") {
    CHECK(Parse({"-t"}).config_test);
    CHECK(Parse({"-v"}).version);
    CHECK(Parse({"--version"}).version);
    CHECK(Parse({"-h"}).help);
  }
}

TEST_CASE("vrrpd options: errors name the flag") {
  CHECK(Error({"-f"}) == "--use-file needs a file name");
  CHECK(Error({"--pid"}) == "--pid needs a file name");
  CHECK(Error({"--use-file="}) == "--use-file needs a file name");
  CHECK(Error({"-x"}) == "unknown flag '-x'");
  CHECK(Error({"-nx"}) == "unknown flag '-x'");
  CHECK(Error({"--frobnicate"}) == "unknown flag '--frobnicate'");
  CHECK(Error({"--dont-fork=yes"}) == "--dont-fork takes no value");
  CHECK(Error({"keepalived.conf"}) == "unexpected argument 'keepalived.conf'");
  CHECK(Error({"-"}) == "unexpected argument '-'");
}

TEST_CASE("vrrpd options: --notify-block takes seconds from 0 to 3600") {
  CHECK(Parse({}).notify_block == absl::Seconds(3));
  CHECK(Parse({"--notify-block", "0.5"}).notify_block == absl::Milliseconds(500));
  CHECK(Parse({"--notify-block=0"}).notify_block == absl::ZeroDuration());
  CHECK(Parse({"--notify-block=3600"}).notify_block == absl::Hours(1));
  for (const char* bad : {"-1", "3601", "soon", "nan", "inf", "2s"}) {
    INFO(bad);
    CHECK(Error({"--notify-block", bad}) ==
          fmt::format("--notify-block: '{}' is not a number of seconds from 0 to 3600", bad));
  }
  CHECK(Error({"--notify-block"}) == "--notify-block needs SECONDS");
}

TEST_CASE("vrrpd options: -i / --config-id is keepalived's config id, for @ID lines") {
  CHECK_FALSE(Parse({}).config_id.has_value());
  CHECK_FALSE(ConfigParseOptions(Parse({})).config_id.has_value());  // the host name, later
  CHECK(Parse({"-i", "lb1"}).config_id == "lb1");
  CHECK(Parse({"-tilb2"}).config_id == "lb2");
  const Options o = Parse({"--config-id=lb3", "--strict"});
  const vrrp::config::ParseOptions parse = ConfigParseOptions(o);
  CHECK(parse.config_id == "lb3");
  CHECK(parse.strict);
  CHECK(Error({"--config-id"}) == "--config-id needs an id");
}

TEST_CASE("vrrpd options: --no-advert-offload turns the kernel filter off, on by default") {
  CHECK(Parse({}).advert_offload);
  CHECK_FALSE(Parse({"--no-advert-offload"}).advert_offload);
}

TEST_CASE("vrrpd options: the usage names every flag") {
  const std::string usage = Usage();
  for (const char* flag : {"--use-file", "--dont-fork", "--log-console", "--log-detail", "--pid",
                           "--config-test", "--status-file", "--strict", "--version",
                           "--notify-block", "--config-id", "--no-advert-offload"}) {
    CHECK(usage.find(flag) != std::string::npos);
  }
}

}  // namespace
}  // namespace vrrpd
