// vrrpd's global_defs vrrp_priority, vrrp_rt_priority, vrrp_rlimit_rttime and vrrp_no_swap on
// the real process (root, in a network namespace): the daemon runs SCHED_RR at its priority
// with its nice value, RLIMIT_RTTIME and locked memory, while the vrrp_script it forks runs
// SCHED_OTHER at nice 0 without locked memory; without CAP_SYS_NICE and CAP_IPC_LOCK each call
// is a warning and vrrpd runs on.
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_split.h"
#include "fmt/format.h"
#include "system/checks.h"
#include "system/netns.h"

namespace {

using vrrp::test::Eventually;
using vrrp::test::Netns;
using vrrp::test::ReadFile;
using vrrp::test::WriteFile;

// A namespace with eth0 (a veth whose peer stays there too), a temporary directory, and a
// vrrp_script that records the /proc/<pid>/stat and VmLck of the process vrrpd forks for it.
struct Box {
  std::string dir;
  std::unique_ptr<Netns> ns;

  Box() {
    char templ[] = "/tmp/vrrpd-sched-XXXXXX";
    REQUIRE(mkdtemp(templ) != nullptr);
    dir = templ;
    chmod(dir.c_str(), 0755);
    auto created = Netns::Create();
    REQUIRE(created.ok());
    ns = std::move(*created);
    REQUIRE(ns->AddVeth("eth0", "eth1").ok());
    REQUIRE(ns->Check("ip addr add 192.0.2.5/24 dev eth0").ok());
    // $$ is the script's own process: vrrpd execs it directly (no shell of its own before).
    WriteFile(Path("probe.sh"), fmt::format("#!/bin/sh\n{{ cat /proc/$$/stat; grep VmLck "
                                            "/proc/$$/status; }} > {0}/probe.tmp && mv "
                                            "{0}/probe.tmp {0}/probe.txt\n",
                                            dir));
    chmod(Path("probe.sh").c_str(), 0755);
  }
  ~Box() {
    ns.reset();
    if (!dir.empty()) vrrp::test::RunOnHost("rm -rf " + vrrp::test::ShellQuote(dir));
  }

  std::string Path(const std::string& name) const { return dir + "/" + name; }
  std::string Log() const { return ReadFile(Path("vrrpd.log")); }

  void WriteConfig(const std::string& global_defs) const {
    WriteFile(Path("vrrpd.conf"), fmt::format(R"(global_defs {{
    vrrp_version 3
{0}
}}
vrrp_script probe {{
    script {1}/probe.sh
    interval 0.1
}}
vrrp_instance VI_1 {{
    interface eth0
    virtual_router_id 50
    priority 150
    advert_int 0.1
    virtual_ipaddress {{
        192.0.2.3/24
    }}
    track_script {{
        probe
    }}
}}
)",
                                              global_defs, dir));
  }

  // The pid the pid file names, once it is there.
  pid_t Pid() const {
    REQUIRE(Eventually([&] { return !ReadFile(Path("vrrpd.pid")).empty(); }));
    return std::stoi(ReadFile(Path("vrrpd.pid")));
  }
};

// Fields of /proc/<pid>/stat by their proc(5) number (1-based), read after the ")" of comm.
std::vector<std::string> StatFields(const std::string& stat) {
  const size_t paren = stat.rfind(')');
  REQUIRE(paren != std::string::npos);
  std::vector<std::string> fields = {"", "pid", "comm"};
  for (absl::string_view f : absl::StrSplit(stat.substr(paren + 2), ' ', absl::SkipEmpty())) {
    fields.emplace_back(f);
  }
  return fields;
}
constexpr int kNiceField = 19;
constexpr int kRtPriorityField = 40;
constexpr int kPolicyField = 41;

// AddressSanitizer's mlock / mlockall interceptors do nothing and report success, so under
// ASan (CI's second build) no memory is ever locked and a lock never fails.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kMlockWorks = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kMlockWorks = false;
#else
constexpr bool kMlockWorks = true;
#endif
#else
constexpr bool kMlockWorks = true;
#endif

// "VmLck:      1234 kB" → 1234.
long VmLckKb(const std::string& status) {
  const size_t at = status.find("VmLck:");
  if (at == std::string::npos) return -1;
  return std::stol(status.substr(at + 6));
}

TEST_CASE("vrrpd: SCHED_RR, nice, RLIMIT_RTTIME and locked memory, its scripts SCHED_OTHER") {
  VRRP_SKIP_UNLESS_ROOT();
  Box box;
  box.WriteConfig(
      "    vrrp_priority -7\n    vrrp_rt_priority 30\n    vrrp_rlimit_rttime 100000\n"
      "    vrrp_no_swap");
  // As a daemon: what is applied must be applied in the process that stays, after daemon().
  auto started =
      box.ns->Run(fmt::format("{0} -l -D -f {1}/vrrpd.conf -p {1}/vrrpd.pid --status-file "
                              "{1}/vrrpd.json --control-socket none >> "
                              "{1}/vrrpd.log 2>&1",
                              VRRPD_BINARY, box.dir));
  REQUIRE(started.exit_code == 0);
  const pid_t pid = box.Pid();
  INFO(box.Log());
  // Memory and nice at once; realtime once the instances run (starting them is a long stretch
  // of CPU without blocking, which RLIMIT_RTTIME would punish).
  const std::string realtime_line =
      "Process scheduling: SCHED_RR priority 30 (not inherited by scripts), RLIMIT_RTTIME "
      "100000 us (SIGXCPU at 50000 us)";
  REQUIRE(Eventually([&] { return box.Log().find(realtime_line) != std::string::npos; }));
  CHECK(box.Log().find("Process scheduling: memory locked (mlockall(MCL_CURRENT|MCL_FUTURE)), "
                       "nice -7\n") != std::string::npos);
  CHECK(box.Log().find("Unable to") == std::string::npos);
  // A run of the script that started under realtime.
  std::remove(box.Path("probe.txt").c_str());
  REQUIRE(Eventually([&] { return !ReadFile(box.Path("probe.txt")).empty(); }));

  // The daemon. sched_getscheduler reports the reset-on-fork flag with the policy.
  CHECK(sched_getscheduler(pid) == (SCHED_RR | SCHED_RESET_ON_FORK));
  sched_param param{};
  REQUIRE(sched_getparam(pid, &param) == 0);
  CHECK(param.sched_priority == 30);
  errno = 0;
  CHECK(getpriority(PRIO_PROCESS, static_cast<id_t>(pid)) == -7);
  const std::vector<std::string> daemon_stat =
      StatFields(ReadFile(fmt::format("/proc/{}/stat", pid)));
  CHECK(daemon_stat.at(kPolicyField) == std::to_string(SCHED_RR));
  CHECK(daemon_stat.at(kRtPriorityField) == "30");
  CHECK(daemon_stat.at(kNiceField) == "-7");
  if (kMlockWorks) CHECK(VmLckKb(ReadFile(fmt::format("/proc/{}/status", pid))) > 0);
  // "Max realtime timeout      50000      100000     us"
  const std::string limits = ReadFile(fmt::format("/proc/{}/limits", pid));
  const size_t rttime = limits.find("Max realtime timeout");
  REQUIRE(rttime != std::string::npos);
  const std::string line = limits.substr(rttime, limits.find('\n', rttime) - rttime);
  CHECK(std::vector<std::string>(absl::StrSplit(line, ' ', absl::SkipEmpty())) ==
        std::vector<std::string>{"Max", "realtime", "timeout", "50000", "100000", "us"});

  // The script vrrpd forked and exec'd: normal scheduling, nice 0, nothing locked.
  const std::string probe = ReadFile(box.Path("probe.txt"));
  INFO("probe:\n" << probe);
  const std::vector<std::string> script_stat = StatFields(probe.substr(0, probe.find('\n')));
  CHECK(script_stat.at(kPolicyField) == std::to_string(SCHED_OTHER));
  CHECK(script_stat.at(kRtPriorityField) == "0");
  CHECK(script_stat.at(kNiceField) == "0");
  CHECK(VmLckKb(probe) == 0);

  // Realtime, vrrpd still does its work.
  CHECK(Eventually([&] { return vrrp::test::VipCount(*box.ns, "192.0.2.3") == 1; }));
  // A reload leaves realtime while it rebuilds and comes back to it.
  kill(pid, SIGHUP);
  REQUIRE(Eventually([&] { return box.Log().find("Reload finished") != std::string::npos; }));
  CHECK(Eventually([&] { return sched_getscheduler(pid) == (SCHED_RR | SCHED_RESET_ON_FORK); }));
  CHECK(box.Log().find("Unable to") == std::string::npos);
  kill(pid, SIGTERM);
  CHECK(Eventually([&] { return kill(pid, 0) != 0; }));
}

TEST_CASE("vrrpd: without CAP_SYS_NICE and CAP_IPC_LOCK each call is a warning and it runs on") {
  VRRP_SKIP_UNLESS_ROOT();
  Box box;
  box.WriteConfig("    vrrp_priority -7\n    vrrp_rt_priority 30\n    vrrp_no_swap");
  // Root without the two capabilities (bounding set), RLIMIT_RTPRIO 0 and a small
  // RLIMIT_MEMLOCK: what an unprivileged vrrpd meets.
  auto spawned = box.ns->Spawn(
      fmt::format("ulimit -r 0 && ulimit -l 64 && exec setpriv --bounding-set -sys_nice,-ipc_lock "
                  "{0} -n -l -f {1}/vrrpd.conf -p {1}/vrrpd.pid --status-file {1}/vrrpd.json "
                  "--control-socket none",
                  VRRPD_BINARY, box.dir),
      box.Path("vrrpd.log"));
  REQUIRE(spawned.ok());
  const pid_t pid = box.Pid();
  // Realtime comes last, once the instance runs: wait for its line.
  REQUIRE(Eventually(
      [&] { return box.Log().find("Unable to set realtime priority") != std::string::npos; }));
  const std::string log = box.Log();
  INFO(log);
  CHECK(log.find("vrrp_no_swap: RLIMIT_MEMLOCK is limited and CAP_IPC_LOCK is not effective") !=
        std::string::npos);
  if (kMlockWorks) {
    CHECK(log.find("Unable to lock process in memory - mlockall(MCL_CURRENT) failed: ENOMEM") !=
          std::string::npos);
  }
  CHECK(log.find("Unable to set process priority to -7 - setpriority(PRIO_PROCESS) failed: "
                 "EACCES") != std::string::npos);
  CHECK(log.find("Unable to set realtime priority 30 - "
                 "sched_setscheduler(SCHED_RR|SCHED_RESET_ON_FORK) failed: EPERM") !=
        std::string::npos);
  CHECK(log.find("Process scheduling unchanged: every call failed") != std::string::npos);
  CHECK(sched_getscheduler(pid) == SCHED_OTHER);
  // Not fatal: the script runs and the instance becomes Master.
  CHECK(Eventually([&] { return !ReadFile(box.Path("probe.txt")).empty(); }));
  CHECK(Eventually([&] { return vrrp::test::VipCount(*box.ns, "192.0.2.3") == 1; }));
  // Our child (Spawn execs down to vrrpd): reaped here, so that it is gone, not a zombie.
  REQUIRE(*spawned == pid);
  kill(pid, SIGTERM);
  int status = 0;
  CHECK(Eventually([&] { return waitpid(pid, &status, WNOHANG) == pid; }));
  CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
}

}  // namespace

namespace {

// A takeover of 100 instances at 10 ms keeps the loop busy (netlink notifications for every
// VIP, announcements, logs) without ever waiting; under SCHED_RR with keepalived's default 10 ms
// RLIMIT_RTTIME the kernel killed vrrpd, silently, in the middle of it (as it does keepalived).
// The loop now sleeps briefly every 2 ms of such work.
TEST_CASE("vrrpd: realtime survives a takeover of 100 instances under the default RLIMIT_RTTIME") {
  VRRP_SKIP_UNLESS_ROOT();
  Box box;
  std::string conf = "global_defs {\n    vrrp_version 3\n    vrrp_rt_priority 50\n}\n";
  for (int i = 1; i <= 100; ++i) {
    conf += fmt::format(
        "vrrp_instance VI_{0} {{\n    interface eth0\n    virtual_router_id {0}\n    priority "
        "150\n    advert_int 0.01\n    virtual_ipaddress {{\n        198.51.100.{0}/32\n    "
        "}}\n}}\n",
        i);
  }
  WriteFile(box.Path("vrrpd.conf"), conf);
  auto started = box.ns->Run(fmt::format(
      "{0} -l -f {1}/vrrpd.conf -p {1}/vrrpd.pid >> {1}/vrrpd.log 2>&1", VRRPD_BINARY, box.dir));
  REQUIRE(started.exit_code == 0);
  const pid_t pid = box.Pid();
  INFO(box.Log());
  CHECK(Eventually([&] {
    return box.ns->Run("ip -o addr show dev eth0 | grep -c '198.51.100.'").output == "100\n";
  }));
  // Still there a while later, never warned of the limit, and realtime.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const bool alive = kill(pid, 0) == 0;
  INFO("vrrpd's log at that point:\n" << box.Log());
  CHECK(alive);
  CHECK(box.Log().find("RLIMIT_RTTIME 10000 us") != std::string::npos);
  CHECK(box.Log().find("vrrpd: SIGXCPU") == std::string::npos);
  CHECK(sched_getscheduler(pid) == (SCHED_RR | SCHED_RESET_ON_FORK));
  kill(pid, SIGTERM);
  CHECK(Eventually([&] { return kill(pid, 0) != 0; }));
}

}  // namespace
