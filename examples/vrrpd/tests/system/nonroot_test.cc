// vrrpd run the way its systemd unit runs it (examples/vrrpd/vrrpd.service.in), without systemd:
// as an unprivileged user (nobody:nogroup, which a fresh Debian has) with CAP_NET_RAW,
// CAP_NET_ADMIN and CAP_BPF (the advertisement offload's filter) as its only capabilities (ambient,
// bounding set, no_new_privs, as AmbientCapabilities= / CapabilityBoundingSet= / NoNewPrivileges=
// give them) through setpriv(1), $RUNTIME_DIRECTORY pointing at a directory that user owns
// (RuntimeDirectory=) and no -p / --status-file / --control-socket flag (hence its own start
// command on the shared lab's r1, vrrpd_lab.h, whose StartVrrpd always names those files; r2 stays
// silent). It becomes Master and adds its VIP, keeps its pid file, status file and control socket
// in the runtime directory, answers vrrpctl for that user and for root only, runs its notify script
// as that user without its capabilities, and removes the VIP at SIGTERM. A script_user it cannot
// become stops the start, named.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "absl/time/time.h"
#include "fmt/format.h"
#include "system/checks.h"
#include "system/netns.h"
#include "vrrpd_lab.h"

namespace {

using vrrp::test::Eventually;
using vrrp::test::ReadFile;
using vrrp::test::RunOnHost;
using vrrp::test::ShellQuote;
using vrrp::test::WriteFile;

constexpr const char* kVip = "192.0.2.70";
constexpr uid_t kNobody = 65534;  // nobody:nogroup on Debian (base-passwd)
constexpr const char* kSetpriv = "/usr/bin/setpriv";

// What the unit's User=/Group=/AmbientCapabilities=/CapabilityBoundingSet=/NoNewPrivileges=
// make of the process, for `user` (a name or a number) and its group.
std::string AsUnit(const std::string& user, const std::string& group) {
  return fmt::format(
      "{} --reuid={} --regid={} --clear-groups --no-new-privs "
      "--inh-caps=-all,+net_raw,+net_admin,+bpf --ambient-caps=-all,+net_raw,+net_admin,+bpf "
      "--bounding-set=-all,+net_raw,+net_admin,+bpf",
      kSetpriv, user, group);
}

// The shared lab (vrrpd_lab.h) with the binaries copied into its directory (a build tree may
// sit under a directory nobody cannot search) and run/ as RuntimeDirectory= makes it (0755,
// owned by the user); r1's files are r1.conf and r1.log, the rest in run/.
struct Unprivileged : vrrp::test::VrrpdLab {
  pid_t pid = 0;

  explicit Unprivileged(const std::string& global_defs = "vrrp_version 3") : VrrpdLab("nonroot") {
    REQUIRE(RunOnHost(fmt::format("install -m 0755 {} {} {} && install -d -m 0755 -o {} -g {} {}",
                                  VRRPD_BINARY, VRRPCTL_BINARY, ShellQuote(dir()), kNobody, kNobody,
                                  ShellQuote(Path("run"))))
                .exit_code == 0);
    // What the notify command saw: its arguments, ids and capabilities.
    WriteFile(Path("notify.sh"),
              fmt::format("#!/bin/sh\n{{ echo \"$@\"; id -u; id -g; "
                          "grep -E '^Cap(Eff|Amb):' /proc/self/status; }} >> {}\n",
                          Path("run/notify.out")));
    REQUIRE(chmod(Path("notify.sh").c_str(), 0755) == 0);
    WriteConfig(global_defs);
  }
  ~Unprivileged() {
    if (pid > 0) {
      kill(-pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  }

  // VRRPv3 at 100 ms (Master within about 0.3 s), the notify script on every transition.
  void WriteConfig(const std::string& global_defs) const {
    WriteFile(Path("r1.conf"), fmt::format(R"(global_defs {{
    {0}
}}
vrrp_instance VI_1 {{
    interface eth0
    virtual_router_id 70
    priority 100
    advert_int 0.1
    virtual_ipaddress {{
        {1}/24
    }}
    notify {2}
}}
)",
                                           global_defs, kVip, Path("notify.sh")));
  }
  std::string Log() const { return VrrpdLab::Log(1); }
  int Holds() { return VrrpdLab::Holds(1, kVip); }

  // As the unit's ExecStart (logging to the console instead of the journal), on r1.
  void Start() {
    const std::string command =
        fmt::format("cd / && RUNTIME_DIRECTORY={0} exec {1} {2} --dont-fork -l -D -f {3}",
                    Path("run"), AsUnit("nobody", "nogroup"), Path("vrrpd"), Path("r1.conf"));
    auto spawned = Router(1).Spawn(command, Path("r1.log"));
    REQUIRE(spawned.ok());
    pid = *spawned;
  }

  // vrrpd's exit status once it exits (-1: it did not within `limit`, or was killed).
  int WaitExit(absl::Duration limit) {
    int status = 0;
    const bool exited =
        Eventually([&] { return pid > 0 && waitpid(pid, &status, WNOHANG) == pid; }, limit);
    if (!exited) return -1;
    pid = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  // vrrpctl status as `user` (setpriv's --reuid), on the runtime directory's socket.
  vrrp::test::CommandResult Status(const std::string& user) const {
    return RunOnHost(fmt::format("{} --reuid={} --regid={} --clear-groups {} -s {} status",
                                 kSetpriv, user, user == "root" ? "root" : "nogroup",
                                 Path("vrrpctl"), Path("run/vrrpd.ctl")));
  }
};

uid_t Owner(const std::string& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0 ? st.st_uid : static_cast<uid_t>(-1);
}

#define SKIP_UNLESS_ROOT_AND_SETPRIV()                                      \
  VRRP_SKIP_UNLESS_ROOT();                                                  \
  if (access(kSetpriv, X_OK) != 0) {                                        \
    WARN("skipped: setpriv (util-linux) is not installed at " << kSetpriv); \
    return;                                                                 \
  }                                                                         \
  REQUIRE(access(VRRPD_BINARY, X_OK) == 0)

TEST_CASE("vrrpd as its unit runs it, unprivileged: Master, runtime files, vrrpctl, SIGTERM") {
  SKIP_UNLESS_ROOT_AND_SETPRIV();
  Unprivileged lab;
  lab.Start();
  LAB_REQUIRE(lab, Eventually([&] { return lab.Holds() == 1; }, absl::Seconds(15)));

  // $RUNTIME_DIRECTORY's defaults, written by the unprivileged process.
  LAB_REQUIRE(lab, Eventually([&] { return !ReadFile(lab.Path("run/vrrpd.pid")).empty(); }));
  CHECK(ReadFile(lab.Path("run/vrrpd.pid")) == fmt::format("{}\n", lab.pid));
  CHECK(Owner(lab.Path("run/vrrpd.pid")) == kNobody);
  CHECK(Owner(lab.Path("run/vrrpd.ctl")) == kNobody);
  kill(lab.pid, SIGUSR1);
  LAB_REQUIRE(lab, Eventually([&] { return !ReadFile(lab.Path("run/vrrpd.json")).empty(); }));
  CHECK(Owner(lab.Path("run/vrrpd.json")) == kNobody);
  CHECK(ReadFile(lab.Path("run/vrrpd.json")).find("\"MASTER\"") != std::string::npos);

  // vrrpctl: the daemon's own user and root; anyone else is refused (exit 4).
  vrrp::test::CommandResult own = lab.Status("nobody");
  CHECK(own.exit_code == 0);
  CHECK(own.output.find("VI_1") != std::string::npos);
  CHECK(own.output.find("MASTER") != std::string::npos);
  CHECK(lab.Status("root").exit_code == 0);
  CHECK(lab.Status("65533").exit_code == 4);

  // A reload naming a script user it cannot become is refused; the running one stays.
  lab.WriteConfig("vrrp_version 3\n    script_user root");
  kill(lab.pid, SIGHUP);
  LAB_REQUIRE(lab, Eventually([&] {
                return lab.Log().find("Reload refused, the running configuration stays: ") !=
                       std::string::npos;
              }));
  CHECK(lab.Log().find("vrrp_instance VI_1 notify: cannot run commands as user 'root'") !=
        std::string::npos);
  CHECK(lab.Holds() == 1);

  // The notify command, as nobody:nogroup, with none of the daemon's capabilities.
  LAB_REQUIRE(lab, Eventually([&] {
                return ReadFile(lab.Path("run/notify.out")).find("MASTER") != std::string::npos;
              }));
  const std::string notify = ReadFile(lab.Path("run/notify.out"));
  INFO(notify);
  CHECK(notify.find("INSTANCE VI_1 MASTER 100\n65534\n65534\n") != std::string::npos);
  CHECK(notify.find("CapEff:\t0000000000000000\nCapAmb:\t0000000000000000\n") != std::string::npos);
  CHECK(notify.find("CapEff:\t0000000000003000") == std::string::npos);

  // SIGTERM: priority 0, the VIP removed, the pid file gone, exit 0.
  kill(lab.pid, SIGTERM);
  LAB_CHECK(lab, lab.WaitExit(absl::Seconds(20)) == 0);
  CHECK(lab.Holds() == 0);
  CHECK(access(lab.Path("run/vrrpd.pid").c_str(), F_OK) != 0);
  CHECK(lab.Log().find("Operation not permitted") == std::string::npos);
  CHECK(lab.Log().find("advertisement offload unavailable") == std::string::npos);
}

TEST_CASE("vrrpd as its unit runs it, unprivileged: a script_user it cannot become stops it") {
  SKIP_UNLESS_ROOT_AND_SETPRIV();
  Unprivileged lab("vrrp_version 3\n    script_user root");
  lab.Start();
  LAB_CHECK(lab, lab.WaitExit(absl::Seconds(15)) == 1);
  const std::string log = lab.Log();
  UNSCOPED_INFO(log);
  CHECK(log.find("vrrp_instance VI_1 notify: cannot run commands as user 'root' (uid 0): this "
                 "process runs as uid 65534 (nobody), gid 65534, without CAP_SETUID and "
                 "CAP_SETGID") != std::string::npos);
  CHECK(lab.Holds() == 0);
}

}  // namespace
