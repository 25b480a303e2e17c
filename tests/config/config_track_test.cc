// track_file / vrrp_track_file and vrrp_track_process blocks, and the track_file / track_process
// lists of a vrrp_instance (keepalived.conf(5)): values, defaults, and each refusal at its
// file:line.
#include <catch2/catch.hpp>
#include <string>

#include "config/config_test_helpers.h"
#include "fmt/format.h"
#include "vrrp/config/config.h"

namespace vrrp::config {
namespace {

using testing::MustParse;

// `blocks` (from line 1), then an instance whose body starts on the line after them.
std::string With(std::string_view blocks, std::string_view body) {
  return fmt::format("{}\n{}", blocks, testing::Instance(body));
}

std::string ErrorOf(std::string_view text) {
  absl::StatusOr<Configuration> conf = ParseString(text, "keepalived.conf");
  if (conf.ok()) return "(parsed)";
  return std::string(conf.status().message());
}

TEST_CASE("track_file: file, weight with reverse, init_file, and keepalived's defaults") {
  const Configuration conf =
      MustParse(With("track_file maint {\n"
                     "  file /run/maint\n"
                     "  weight -10 reverse\n"
                     "  init_file 3 overwrite\n"
                     "}\n"
                     "track_file plain {\n"
                     "  file \"/run/a b\"\n"
                     "}",
                     "  track_file {\n    maint\n    plain weight 254 noreverse\n  }"));
  REQUIRE(conf.track_files.size() == 2);
  const VrrpTrackFile& m = conf.track_files[0];
  CHECK(m.name == "maint");
  CHECK(m.path == "/run/maint");
  CHECK(m.weight == -10);
  CHECK(m.reverse);
  CHECK(m.init_value == 3);
  CHECK(m.init_overwrite);
  CHECK(m.where == Location{"keepalived.conf", 1});
  const VrrpTrackFile& p = conf.track_files[1];
  CHECK(p.path == "/run/a b");
  CHECK(p.weight == 1);  // keepalived's default weight for a track_file
  CHECK_FALSE(p.reverse);
  CHECK_FALSE(p.init_value.has_value());
  const InstanceExtras& x = conf.instances[0].extras;
  REQUIRE(x.track_files.size() == 2);
  CHECK(x.track_files[0].name == "maint");
  CHECK_FALSE(x.track_files[0].weight.has_value());
  CHECK(x.track_files[0].where == Location{"keepalived.conf", 14});
  CHECK(x.track_files[1].weight == 254);
  CHECK_FALSE(x.track_files[1].reverse);
  CHECK(conf.FindTrackFile("plain") == &conf.track_files[1]);
  CHECK(conf.FindTrackFile("nope") == nullptr);
}

TEST_CASE("init_file alone writes 0 when the file is missing") {
  const Configuration conf =
      MustParse(With("track_file f {\n  file /run/f\n  init_file\n}", "  track_file { f }"));
  CHECK(conf.track_files[0].init_value == 0);
  CHECK_FALSE(conf.track_files[0].init_overwrite);
}

TEST_CASE("vrrp_track_file is read as track_file, with a deprecation warning") {
  const Configuration conf = MustParse(
      With("vrrp_track_file f {\n  file /run/f\n}", "  track_file { f weight 2 reverse }"));
  REQUIRE(conf.track_files.size() == 1);
  REQUIRE(conf.warnings.size() == 1);
  CHECK(ToString(conf.warnings[0]) ==
        "keepalived.conf:1: vrrp_track_file is deprecated, use track_file");
  CHECK(conf.instances[0].extras.track_files[0].reverse);
}

TEST_CASE("track_file refusals name the line") {
  CHECK(ErrorOf(With("track_file f {\n  weight 2\n}", "")) ==
        "keepalived.conf:1: track_file f has no file");
  CHECK(ErrorOf(With("track_file f {\n  file /x\n  weight 255\n}", "")) ==
        "keepalived.conf:3: weight 255 is out of range -254..254");
  CHECK(ErrorOf(With("track_file f {\n  file /x\n  weight 2 sideways\n}", "")) ==
        "keepalived.conf:3: weight option 'sideways' is not reverse or noreverse");
  CHECK(ErrorOf(With("track_file f {\n  file /x\n  init_file many\n}", "")) ==
        "keepalived.conf:3: init_file 'many' is not an integer or overwrite");
  CHECK(ErrorOf(With("track_file f {\n  file /x\n}\ntrack_file f {\n  file /y\n}", "")) ==
        "keepalived.conf:4: track_file f is already defined at keepalived.conf:1");
  CHECK(ErrorOf(With("track_file {\n  file /x\n}", "")) ==
        "keepalived.conf:1: track_file needs a name");
  CHECK(ErrorOf(With("", "  track_file {\n    nofile\n  }")) ==
        "keepalived.conf:7: track_file nofile names no track_file block");
  CHECK(ErrorOf(With("track_file f {\n  file /x\n}", "  track_file {\n    f weight 300\n  }")) ==
        "keepalived.conf:9: weight 300 is out of range -254..254");
}

TEST_CASE("vrrp_track_process: process and parameters, matching, quorum, weight, delays") {
  const Configuration conf =
      MustParse(With("vrrp_track_process haproxy {\n"
                     "  process \"/usr/sbin/haproxy\" -f \"/etc/ha proxy.cfg\"\n"
                     "  param_match partial\n"
                     "  quorum 2\n"
                     "  quorum_max 4\n"
                     "  weight -30 reverse\n"
                     "  delay 1.5\n"
                     "  terminate_delay 0.25\n"
                     "  full_command\n"
                     "}\n"
                     "vrrp_track_process nginx {\n"
                     "  process nginx\n"
                     "}",
                     "  track_process {\n    haproxy weight 10\n    nginx\n  }"));
  REQUIRE(conf.track_processes.size() == 2);
  const VrrpTrackProcess& h = conf.track_processes[0];
  CHECK(h.process == "/usr/sbin/haproxy");
  CHECK(h.params == std::vector<std::string>{"-f", "/etc/ha proxy.cfg"});
  CHECK(h.param_match == VrrpTrackProcess::ParamMatch::kPartial);
  CHECK(h.quorum == 2);
  CHECK(h.quorum_max == 4);
  CHECK(h.weight == -30);
  CHECK(h.reverse);
  CHECK(h.fork_delay == absl::Milliseconds(1500));
  CHECK(h.terminate_delay == absl::Milliseconds(250));
  CHECK(h.full_command);
  const VrrpTrackProcess& n = conf.track_processes[1];
  CHECK(n.params.empty());
  CHECK(n.param_match == VrrpTrackProcess::ParamMatch::kNone);
  CHECK(n.quorum == 1);
  CHECK(n.quorum_max == -1);
  CHECK(n.weight == 1);
  CHECK(n.fork_delay == absl::ZeroDuration());
  CHECK_FALSE(n.full_command);
  const InstanceExtras& x = conf.instances[0].extras;
  REQUIRE(x.track_processes.size() == 2);
  CHECK(x.track_processes[0].weight == 10);
  CHECK_FALSE(x.track_processes[1].weight.has_value());
  CHECK(conf.FindTrackProcess("nginx") == &conf.track_processes[1]);
}

TEST_CASE("Parameters without param_match match exactly, and param_match alone means none") {
  const Configuration conf =
      MustParse(With("vrrp_track_process a {\n  process sleep 1000\n}\n"
                     "vrrp_track_process b {\n  process sleep\n  param_match\n}\n"
                     "vrrp_track_process c {\n  process sleep 10\n  param_match initial\n}",
                     "  track_process { a b c }"));
  CHECK(conf.track_processes[0].param_match == VrrpTrackProcess::ParamMatch::kExact);
  CHECK(conf.track_processes[1].param_match == VrrpTrackProcess::ParamMatch::kExact);
  CHECK(conf.track_processes[1].params.empty());
  CHECK(conf.track_processes[2].param_match == VrrpTrackProcess::ParamMatch::kInitial);
}

TEST_CASE("A track_file or vrrp_track_process no instance tracks is a warning") {
  const Configuration conf =
      MustParse(With("track_file f {\n  file /x\n}\nvrrp_track_process p {\n  process x\n}", ""));
  REQUIRE(conf.warnings.size() == 2);
  CHECK(ToString(conf.warnings[0]) ==
        "keepalived.conf:1: track_file f is tracked by no vrrp_instance: not watched");
  CHECK(ToString(conf.warnings[1]) ==
        "keepalived.conf:4: vrrp_track_process p is tracked by no vrrp_instance: not watched");
}

TEST_CASE("vrrp_track_process refusals name the line") {
  CHECK(ErrorOf(With("vrrp_track_process p {\n  quorum 1\n}", "")) ==
        "keepalived.conf:1: vrrp_track_process p has no process");
  CHECK(ErrorOf(With("vrrp_track_process p {\n  process x\n  param_match some\n}", "")) ==
        "keepalived.conf:3: param_match 'some' is not initial or partial");
  CHECK(ErrorOf(With("vrrp_track_process p {\n  process x\n  quorum 70000\n}", "")) ==
        "keepalived.conf:3: quorum 70000 is out of range 0..65535");
  CHECK(ErrorOf(With("vrrp_track_process p {\n  process x\n  quorum 3\n  quorum_max 2\n}", "")) ==
        "keepalived.conf:1: vrrp_track_process p: quorum 3 is more than quorum_max 2");
  CHECK(ErrorOf(With("vrrp_track_process p {\n  process x\n  weight -255\n}", "")) ==
        "keepalived.conf:3: weight -255 is out of range -254..254");
  CHECK(ErrorOf(With("vrrp_track_process p {\n  process x\n  delay soon\n}", "")) ==
        "keepalived.conf:3: delay 'soon' is not a time in seconds");
  CHECK(ErrorOf(With("vrrp_track_process p {\n  process x\n}\n"
                     "vrrp_track_process p {\n  process y\n}",
                     "")) ==
        "keepalived.conf:4: vrrp_track_process p is already defined at keepalived.conf:1");
  CHECK(ErrorOf(With("", "  track_process {\n    haproxy\n  }")) ==
        "keepalived.conf:7: track_process haproxy names no vrrp_track_process");
}

}  // namespace
}  // namespace vrrp::config
