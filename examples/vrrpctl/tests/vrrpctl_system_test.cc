// vrrpctl against two vrrpd in network namespaces on one LAN (VRRPv3 at 100 ms): an operator
// fault on the Master moves the VIP to the Backup and clearing it brings it back (preempt); a
// priority delta of -60 moves it too and survives a reload; a reload of a broken file reports
// the error and changes nothing; a non-root user is refused by the socket's mode and, with the
// mode opened, by the daemon's peer-credential check; with no daemon the message is clear.
#include <signal.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <string>

#include "absl/time/time.h"
#include "fmt/format.h"
#include "system/checks.h"
#include "system/netns.h"
#include "vrrpd_lab.h"

namespace {

using vrrp::test::CommandResult;
using vrrp::test::Eventually;
using vrrp::test::ReadFile;
using vrrp::test::RunOnHost;
using vrrp::test::WriteFile;

constexpr const char* kVip = "192.0.2.3";

std::string Config(int priority) {
  return fmt::format(R"(global_defs {{
    vrrp_version 3
}}
vrrp_instance VI_1 {{
    interface eth0
    virtual_router_id 50
    priority {}
    advert_int 0.1
    virtual_ipaddress {{
        {}/24
    }}
}}
)",
                     priority, kVip);
}

// The shared vrrpd lab (vrrpd_lab.h), both routers running.
struct Pair : vrrp::test::VrrpdLab {
  Pair() : VrrpdLab("vrrpctl") {
    WriteFile(Path("r1.conf"), Config(150));
    WriteFile(Path("r2.conf"), Config(100));
    StartVrrpd(1);
    StartVrrpd(2);
  }
  // vrrpctl against router n's socket; `prefix` runs before it (setpriv ...).
  CommandResult Ctl(int n, const std::string& args, const std::string& prefix = "") const {
    return RunOnHost(fmt::format("{} {} -s {} {}", prefix, VRRPCTL_BINARY,
                                 Path(fmt::format("r{}.ctl", n)), args));
  }
  bool SoleMaster(int n) { return SoleHolder(n, kVip); }
};

// The picture a person would look at after an outage: r1 drained and released, then read back
// as lines, as JSON (python3's json) and as an SVG (python3's XML parser: lanes, transitions
// and their reasons, the VIP strip), as docs/images/vrrpd-history.svg shows.
TEST_CASE("vrrpctl history: lines, JSON and an SVG timeline of a drain and its release") {
  VRRP_SKIP_UNLESS_ROOT();
  Pair p;
  LAB_REQUIRE(p, Eventually([&] { return p.SoleMaster(1); }));
  LAB_REQUIRE(p, Eventually([&] { return p.Ctl(1, "status").exit_code == 0; }));
  REQUIRE(p.Ctl(1, "fault set VI_1").exit_code == 0);
  LAB_REQUIRE(p, Eventually([&] { return p.SoleMaster(2); }));
  REQUIRE(p.Ctl(1, "fault clear VI_1").exit_code == 0);
  LAB_REQUIRE(p, Eventually([&] { return p.SoleMaster(1); }));

  CommandResult lines = p.Ctl(1, "history");
  INFO(lines.output);
  CHECK(lines.exit_code == 0);
  for (const char* expected :
       {"VI_1 transition INIT -> BACKUP (startup)", "VI_1 transition BACKUP -> MASTER",
        "VI_1 address_added 192.0.2.3/24 dev eth0", "VI_1 transition MASTER -> FAULT (fault)",
        "VI_1 address_removed 192.0.2.3/24 dev eth0", "VI_1 transition FAULT -> BACKUP",
        "VI_1 transition BACKUP -> MASTER ("}) {
    CHECK(lines.output.find(expected) != std::string::npos);
  }

  // JSON: the transitions' (from, to) in order.
  const std::string json_file = p.Path("history.json");
  WriteFile(json_file, p.Ctl(1, "history --json").output);
  CommandResult json = RunOnHost(
      fmt::format("python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); "
                  "print(d[\"forgotten\"], *[e[\"from\"]+\">\"+e[\"to\"] for e in d[\"events\"] "
                  "if e[\"kind\"]==\"transition\"])' {}",
                  json_file));
  INFO(json.output);
  CHECK(json.output.rfind("0 INIT>BACKUP BACKUP>MASTER MASTER>FAULT FAULT>BACKUP BACKUP>MASTER",
                          0) == 0);

  // SVG, written by vrrpctl, read by an XML parser.
  const std::string svg = p.Path("history.svg");
  CommandResult wrote = p.Ctl(1, "history --svg " + svg);
  INFO(wrote.output);
  REQUIRE(wrote.exit_code == 0);
  CommandResult parsed = RunOnHost(fmt::format(
      "python3 -c 'import sys,xml.etree.ElementTree as ET; r=ET.parse(sys.argv[1]).getroot(); "
      "n=\"{{http://www.w3.org/2000/svg}}\"; "
      "print([l.get(\"data-router\") for l in r.iter(n+\"g\") if l.get(\"class\")==\"lane\"], "
      "[t.get(\"data-to\")+\"/\"+t.get(\"data-reason\") for t in r.iter(n+\"g\") "
      "if t.get(\"class\")==\"transition\"], "
      "len([v for v in r.iter(n+\"rect\") if v.get(\"class\")==\"vip\"]))' {}",
      svg));
  INFO(parsed.output);
  // Both ways to MASTER depend on timing (r2 may win the first election on a loaded machine,
  // and r1 then preempts it); the drain and its release do not.
  for (const char* expected : {"['VI_1'] ['BACKUP/startup', 'MASTER/",
                               "'FAULT/fault', "
                               "'BACKUP/fault_cleared', 'MASTER/"}) {
    CHECK(parsed.output.find(expected) != std::string::npos);
  }
  CHECK(parsed.output.find("] 2\n") != std::string::npos);  // two VIP strips
  // Bad use is refused before anything is asked; a file vrrpctl cannot write is an error.
  CHECK(p.Ctl(1, "history --svg").exit_code == 2);
  CommandResult unwritable = p.Ctl(1, "history --svg " + p.Path("no-such-dir/h.svg"));
  CHECK(unwritable.exit_code == 5);
  CHECK(unwritable.output.find("vrrpctl: cannot write " + p.Path("no-such-dir/h.svg")) !=
        std::string::npos);
}

TEST_CASE("vrrpctl: fault set|clear and priority move the VIP, reload refuses a broken file") {
  VRRP_SKIP_UNLESS_ROOT();
  Pair p;
  LAB_REQUIRE(p, Eventually([&] { return p.SoleMaster(1); }));
  LAB_REQUIRE(p, Eventually([&] { return p.Ctl(1, "status").exit_code == 0; }));

  CommandResult status = p.Ctl(1, "status");
  INFO(status.output);
  CHECK(status.output.find("VI_1") != std::string::npos);
  CHECK(status.output.find("MASTER  150/150") != std::string::npos);

  // Drain r1: the VIP moves to r2; the status says why.
  CommandResult set = p.Ctl(1, "fault set VI_1");
  INFO(set.output);
  CHECK(set.exit_code == 0);
  CHECK(set.output.find("VI_1: operator fault set (state FAULT") != std::string::npos);
  LAB_REQUIRE(p, Eventually([&] { return p.SoleMaster(2); }));
  CHECK(p.Ctl(1, "status").output.find("FAULT") != std::string::npos);
  CommandResult json = p.Ctl(1, "status --json");
  CHECK(json.exit_code == 0);
  CHECK(json.output.find("\"fault_reasons\": [\"operator\"]") != std::string::npos);
  // Still held a while later: tracking's passes do not undo it.
  absl::SleepFor(absl::Milliseconds(500));
  CHECK(p.SoleMaster(2));

  // Clear it: r1 preempts.
  CHECK(p.Ctl(1, "fault clear VI_1").exit_code == 0);
  LAB_REQUIRE(p, Eventually([&] { return p.SoleMaster(1); }));

  // priority -60: 150 - 60 = 90 < 100, r2 takes over; it survives a reload of the same file.
  CommandResult lower = p.Ctl(1, "priority VI_1 -60");
  INFO(lower.output);
  CHECK(lower.exit_code == 0);
  CHECK(lower.output.find("effective 90") != std::string::npos);
  LAB_REQUIRE(p, Eventually([&] { return p.SoleMaster(2); }));
  CommandResult reload = p.Ctl(1, "reload");
  INFO(reload.output);
  CHECK(reload.exit_code == 0);
  CHECK(reload.output.find("reloaded: 1 instances") != std::string::npos);
  CHECK(p.Ctl(1, "status").output.find("150/90 (operator -60)") != std::string::npos);
  absl::SleepFor(absl::Milliseconds(500));
  CHECK(p.SoleMaster(2));

  // A broken file: the error is reported, nothing changes.
  WriteFile(p.Path("r1.conf"), Config(150) + "vrrp_instance {\n");
  CommandResult broken = p.Ctl(1, "reload");
  INFO(broken.output);
  CHECK(broken.exit_code == 3);
  CHECK(broken.output.find("reload refused, the running configuration stays: ") !=
        std::string::npos);
  CHECK(broken.output.find("r1.conf:") != std::string::npos);
  CHECK(p.Ctl(1, "status").output.find("150/90 (operator -60)") != std::string::npos);
  CHECK(p.SoleMaster(2));

  CHECK(p.Ctl(1, "priority VI_1 0").exit_code == 0);
  LAB_REQUIRE(p, Eventually([&] { return p.SoleMaster(1); }));

  // No such instance, a bad delta.
  CommandResult unknown = p.Ctl(1, "fault set VI_9");
  CHECK(unknown.exit_code == 3);
  CHECK(unknown.output.find("no instance VI_9 (running: VI_1)") != std::string::npos);
  CHECK(p.Ctl(1, "priority VI_1 60x").exit_code == 2);
  CommandResult stats = p.Ctl(1, "stats");
  CHECK(stats.output.find("  become_master") != std::string::npos);
}

TEST_CASE("vrrpctl: a non-root user is refused, no daemon gives a clear message") {
  VRRP_SKIP_UNLESS_ROOT();
  if (RunOnHost("command -v setpriv").exit_code != 0) {
    WARN("skipped: setpriv (util-linux) is not installed");
    return;
  }
  Pair p;
  LAB_REQUIRE(p, Eventually([&] { return p.SoleMaster(1); }));
  LAB_REQUIRE(p, Eventually([&] { return p.Ctl(1, "status").exit_code == 0; }));
  struct stat st;
  REQUIRE(lstat(p.Path("r1.ctl").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  const std::string nobody = "setpriv --reuid=65534 --regid=65534 --clear-groups";
  CommandResult refused = p.Ctl(1, "fault set VI_1", nobody);
  INFO(refused.output);
  CHECK(refused.exit_code == 4);
  CHECK(refused.output.find("permission denied: " + p.Path("r1.ctl") + " (run as root)") !=
        std::string::npos);
  // The socket opened to everyone by mistake: the daemon still refuses by credentials.
  REQUIRE(chmod(p.Path("r1.ctl").c_str(), 0666) == 0);
  CommandResult by_peer = p.Ctl(1, "fault set VI_1", nobody);
  INFO(by_peer.output);
  CHECK(by_peer.exit_code == 4);
  CHECK(by_peer.output.find("uid 65534 may not control vrrpd") != std::string::npos);
  CHECK(p.SoleMaster(1));  // nothing happened

  // No daemon there.
  CommandResult none =
      RunOnHost(fmt::format("{} -s {} status", VRRPCTL_BINARY, p.Path("nobody.ctl")));
  CHECK(none.exit_code == 1);
  CHECK(none.output ==
        "vrrpctl: vrrpd is not running (no control socket at " + p.Path("nobody.ctl") + ")\n");

  // A second vrrpd on the same socket is refused and leaves the first one's socket alone.
  CommandResult second = p.Router(1).Run(
      fmt::format("{0} -n -l -f {1}/r1.conf -p {1}/second.pid --control-socket {1}/r1.ctl 2>&1",
                  VRRPD_BINARY, p.dir()));
  INFO(second.output);
  CHECK(second.exit_code == 1);
  CHECK(second.output.find("another vrrpd answers on the control socket") != std::string::npos);
  CHECK(p.Ctl(1, "status").exit_code == 0);
}

}  // namespace
