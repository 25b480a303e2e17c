// vrrpd's track_file and track_process end to end, two daemons in namespaces on one LAN
// (VRRPv3 at 100 ms; root only, skips otherwise):
//  - a number written into r1's tracked file (value × weight) hands mastership to r2, and
//    writing 0 back by rename(2), as editors do, brings it back;
//  - killing the process r1 tracks (a `sleep` with a unique argument) hands mastership to r2,
//    and starting it again brings it back; vrrpd runs in a network namespace, where the
//    kernel's process events are opened in the host's namespace (proc_connector.h);
//  - keepalived 2.2.7 as r1, for reference: the same track_file moves mastership (its times
//    are printed beside vrrpd's), and in a network namespace its track_process never sees the
//    process and keeps it in FAULT.
// Nothing asserts a duration; the reaction times are printed for docs/performance.md.
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "fmt/format.h"
#include "system/checks.h"
#include "system/netns.h"
#include "vrrpd_lab.h"

namespace vrrp {
namespace {

using test::Eventually;
using test::WriteFile;
using Clock = std::chrono::steady_clock;

constexpr const char* kVip = "192.0.2.3";
constexpr const char* kKeepalived = "/usr/sbin/keepalived";

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// VRRPv3 at 100 ms, with `blocks` before the instance and `tracks` in it.
std::string Config(int priority, const std::string& blocks = "", const std::string& tracks = "") {
  return fmt::format(R"({0}
vrrp_instance VI_1 {{
    interface eth0
    virtual_router_id 50
    version 3
    priority {1}
    advert_int 0.1
    virtual_ipaddress {{
        {2}/24
    }}
{3}
}}
)",
                     blocks, priority, kVip, tracks);
}

struct Lab : test::VrrpdLab {
  Lab() : VrrpdLab("track") {}

  // r1 (150, with `blocks` and `tracks`) Master, r2 (100) Backup; r2 starts once r1 is Master
  // so that the first election cannot go to r2 on a loaded machine. r1 is keepalived when
  // `keepalived` says so (the reference).
  void WriteConfigs(const std::string& blocks, const std::string& tracks) {
    WriteFile(Path("r1.conf"), Config(150, blocks, tracks));
    WriteFile(Path("r2.conf"), Config(100));
  }

  void StartPair(const std::string& blocks, const std::string& tracks, bool keepalived = false) {
    WriteConfigs(blocks, tracks);
    if (keepalived) {
      StartKeepalived(1);
    } else {
      StartVrrpd(1);
    }
    LAB_REQUIRE(*this, Eventually([&] { return Holds(1, kVip) == 1; }, absl::Seconds(20)));
    StartVrrpd(2);
    LAB_REQUIRE(*this, Eventually([&] { return SoleHolder(1, kVip); }, absl::Seconds(20)));
  }

  // Seconds until `n` is the sole holder of the VIP; REQUIREs that it comes.
  double TakeoverBy(int n, Clock::time_point since) {
    LAB_REQUIRE(*this, Eventually([&] { return SoleHolder(n, kVip); }, absl::Seconds(20)));
    return SecondsSince(since);
  }
};

TEST_CASE("vrrpd: a value written into a track_file moves mastership, and 0 brings it back") {
  VRRP_SKIP_UNLESS_ROOT();
  Lab lab;
  const std::string file = lab.Path("r1.prio");
  // init_file creates it with 0; weight -10: a value of 6 takes r1 from 150 to 90 < 100.
  lab.StartPair(fmt::format("track_file prio {{\n  file {}\n  weight -10\n  init_file\n}}", file),
                "    track_file {\n        prio\n    }");
  CHECK(test::ReadFile(file) == "0\n");

  const Clock::time_point written = Clock::now();
  WriteFile(file, "6\n");
  const double moved = lab.TakeoverBy(2, written);
  LAB_CHECK(lab, Eventually([&] { return lab.Logged(1, "Track file prio value 6"); }));
  LAB_CHECK(lab, Eventually([&] {
              return lab.Logged(1, "(VI_1) Changing effective priority from 150 to 90");
            }));
  CHECK(lab.Query(1, "d['instances'][0]['effective_priority'], d['track_files'][0]['value']") ==
        "90 6");

  // Back to 0 the way editors write: a new file renamed over the old one.
  WriteFile(file + ".new", "0\n");
  const Clock::time_point renamed = Clock::now();
  REQUIRE(rename((file + ".new").c_str(), file.c_str()) == 0);
  const double back = lab.TakeoverBy(1, renamed);
  fmt::print(
      "vrrpd track_file (advert_int 0.1): write → r2 sole holder {:.2f} s; rename 0 → r1 "
      "sole holder {:.2f} s\n",
      moved, back);

  // Removed: a missing file reads 0, nothing moves; weight 0 reading the same file would fault.
  REQUIRE(std::remove(file.c_str()) == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  CHECK(lab.SoleHolder(1, kVip));
}

TEST_CASE("vrrpd: SIGHUP applies a track_file's new weight, and refuses a file in no directory") {
  VRRP_SKIP_UNLESS_ROOT();
  Lab lab;
  const std::string file = lab.Path("r1.prio");
  WriteFile(file, "6\n");
  // weight -1: 150 - 6 = 144, still Master.
  lab.StartPair(fmt::format("track_file prio {{\n  file {}\n  weight -1\n}}", file),
                "    track_file {\n        prio\n    }");
  // The reload makes it weight -10: 150 - 60 = 90 < 100.
  lab.WriteConfigs(fmt::format("track_file prio {{\n  file {}\n  weight -10\n}}", file),
                   "    track_file {\n        prio\n    }");
  kill(lab.Pid(1), SIGHUP);
  lab.TakeoverBy(2, Clock::now());
  CHECK(lab.Query(1, "d['instances'][0]['effective_priority']") == "90");
  // A file whose directory does not exist: the reload is refused whole, the file still tracked.
  lab.WriteConfigs("track_file prio {\n  file /nonexistent-vrrpd-dir/prio\n}",
                   "    track_file {\n        prio\n    }");
  kill(lab.Pid(1), SIGHUP);
  LAB_REQUIRE(lab, Eventually([&] { return lab.Logged(1, "Reload refused"); }));
  LAB_CHECK(lab, lab.Logged(1,
                            "track_file prio: the directory of /nonexistent-vrrpd-dir/prio "
                            "does not exist"));
  WriteFile(file, "0\n");
  lab.TakeoverBy(1, Clock::now());
}

TEST_CASE("vrrpd: a track_file in no directory stops the start, saying which") {
  VRRP_SKIP_UNLESS_ROOT();
  Lab lab;
  lab.WriteConfigs("track_file prio {\n  file /nonexistent-vrrpd-dir/prio\n}",
                   "    track_file {\n        prio\n    }");
  const pid_t pid = lab.StartVrrpd(1);
  int status = 0;
  LAB_REQUIRE(lab, Eventually([&] { return waitpid(pid, &status, WNOHANG) == pid; }));
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) != 0);
  LAB_CHECK(lab, lab.Logged(1,
                            "track_file prio: the directory of /nonexistent-vrrpd-dir/prio "
                            "does not exist"));
  CHECK(lab.Holds(1, kVip) == 0);
}

TEST_CASE("keepalived's track_file moves mastership the same way (the reference)") {
  VRRP_SKIP_UNLESS_ROOT();
  if (access(kKeepalived, X_OK) != 0) {
    WARN("skipped: keepalived is not installed at " << kKeepalived);
    return;
  }
  Lab lab;
  const std::string file = lab.Path("r1.prio");
  lab.StartPair(fmt::format("track_file prio {{\n  file {}\n  weight -10\n  init_file\n}}", file),
                "    track_file {\n        prio\n    }", /*keepalived=*/true);
  const Clock::time_point written = Clock::now();
  WriteFile(file, "6\n");
  const double moved = lab.TakeoverBy(2, written);
  WriteFile(file + ".new", "0\n");
  const Clock::time_point renamed = Clock::now();
  REQUIRE(rename((file + ".new").c_str(), file.c_str()) == 0);
  const double back = lab.TakeoverBy(1, renamed);
  fmt::print(
      "keepalived track_file (advert_int 0.1): write → r2 sole holder {:.2f} s; rename 0 "
      "→ r1 sole holder {:.2f} s\n",
      moved, back);
}

TEST_CASE("vrrpd: weight 0 track_file: a non-zero value means FAULT") {
  VRRP_SKIP_UNLESS_ROOT();
  Lab lab;
  const std::string file = lab.Path("r1.maint");
  WriteFile(file, "0\n");
  lab.StartPair(fmt::format("track_file maint {{\n  file {}\n}}", file),
                "    track_file {\n        maint weight 0\n    }");
  WriteFile(file, "1\n");
  lab.TakeoverBy(2, Clock::now());
  LAB_CHECK(lab, Eventually([&] { return lab.Query(1, "d['instances'][0]['state']") == "FAULT"; }));
  CHECK(lab.Query(1, "d['instances'][0]['fault_reasons']") == "['file maint value 1']");
  WriteFile(file, "0\n");
  lab.TakeoverBy(1, Clock::now());
}

TEST_CASE("vrrpd: killing a tracked process moves mastership, starting it again brings it back") {
  VRRP_SKIP_UNLESS_ROOT();
  Lab lab;
  // A sleep no other test runs: its argument is unique to this test process.
  const std::string arg = std::to_string(1000000 + getpid());
  const std::string start = "exec sleep " + arg;
  auto sleeper = lab.Router(1).Spawn(start);
  REQUIRE(sleeper.ok());
  lab.StartPair(
      fmt::format("vrrp_track_process sleeper {{\n  process sleep {}\n  weight 0\n}}", arg),
      "    track_process {\n        sleeper\n    }");
  LAB_CHECK(lab, lab.Logged(1, "Tracked process sleeper: 1 running, quorum held"));

  const Clock::time_point killed = Clock::now();
  REQUIRE(kill(*sleeper, SIGKILL) == 0);
  waitpid(*sleeper, nullptr, 0);
  const double moved = lab.TakeoverBy(2, killed);
  LAB_CHECK(lab,
            Eventually([&] { return lab.Logged(1, "Quorum lost for tracked process sleeper"); }));
  CHECK(lab.Query(1, "d['instances'][0]['state'], d['track_processes'][0]['running']") ==
        "FAULT 0");

  const Clock::time_point started = Clock::now();
  auto again = lab.Router(1).Spawn(start);
  REQUIRE(again.ok());
  const double back = lab.TakeoverBy(1, started);
  CHECK(lab.Logged(1, "Quorum gained for tracked process sleeper"));
  fmt::print(
      "vrrpd track_process (advert_int 0.1): kill → r2 sole holder {:.2f} s; start → r1 "
      "sole holder {:.2f} s\n",
      moved, back);
  // Another sleep (not ours) changes nothing.
  auto other = lab.Router(1).Spawn("exec sleep 999999");
  REQUIRE(other.ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(lab.Query(1, "d['track_processes'][0]['running']") == "1");
}

// keepalived 2.2.7 in a network namespace cannot listen to the process events (its issue
// #1469): it counts its tracked process as absent and stays in FAULT while the process runs,
// which vrrpd's opening of the events outside its namespace avoids.
TEST_CASE("keepalived in a network namespace never sees its tracked process (the reference)") {
  VRRP_SKIP_UNLESS_ROOT();
  if (access(kKeepalived, X_OK) != 0) {
    WARN("skipped: keepalived is not installed at " << kKeepalived);
    return;
  }
  Lab lab;
  const std::string arg = std::to_string(3000000 + getpid());
  auto sleeper = lab.Router(1).Spawn("exec sleep " + arg);
  REQUIRE(sleeper.ok());
  lab.WriteConfigs(
      fmt::format("vrrp_track_process sleeper {{\n  process sleep {}\n  weight 0\n}}", arg),
      "    track_process {\n        sleeper\n    }");
  lab.StartKeepalived(1);
  lab.StartVrrpd(2);
  LAB_REQUIRE(lab, Eventually([&] { return lab.SoleHolder(2, kVip); }, absl::Seconds(20)));
  LAB_CHECK(lab, lab.Logged(1, "Failed to set/clear process event listen"));
  LAB_CHECK(lab, lab.Logged(1, "quorum not achieved"));
  CHECK(kill(*sleeper, 0) == 0);  // the process runs all along
}

TEST_CASE("vrrpd: a track_process with a negative weight lowers the priority while it is down") {
  VRRP_SKIP_UNLESS_ROOT();
  Lab lab;
  const std::string arg = std::to_string(2000000 + getpid());
  auto sleeper = lab.Router(1).Spawn("exec sleep " + arg);
  REQUIRE(sleeper.ok());
  lab.StartPair(fmt::format("vrrp_track_process sleeper {{\n  process sleep {}\n  weight -60\n"
                            "  terminate_delay 0.2\n}}",
                            arg),
                "    track_process {\n        sleeper\n    }");
  REQUIRE(kill(*sleeper, SIGKILL) == 0);
  waitpid(*sleeper, nullptr, 0);
  lab.TakeoverBy(2, Clock::now());
  CHECK(lab.Query(1, "d['instances'][0]['effective_priority']") == "90");
}

}  // namespace
}  // namespace vrrp
