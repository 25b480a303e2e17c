// vrrpd end to end, two daemons in namespaces on one LAN (VRRPv3 at 100 ms so that every
// step takes well under a second): a failing vrrp_script moves the VIP and notify commands run
// in order with keepalived's arguments; SIGHUP keeps an unchanged Master, applies a changed
// priority and refuses a broken file; SIGUSR1 writes the status; a sync group's members move
// together; SIGTERM removes the VIPs and runs notify_stop; systemd hears READY=1.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "fmt/format.h"
#include "system/checks.h"
#include "system/netns.h"
#include "vrrpd_lab.h"

namespace {

using vrrp::test::Eventually;
using vrrp::test::Netns;
using vrrp::test::ReadFile;
using vrrp::test::VipCount;
using vrrp::test::WriteFile;

// The shared lab (vrrpd_lab.h) plus the notify command of both routers, which appends one line
// per call with its arguments to r<N>.notify.
struct Lab : vrrp::test::VrrpdLab {
  Lab() : VrrpdLab("system") {
    WriteFile(Path("notify.sh"), "#!/bin/sh\necho \"$@\" >> \"$(dirname \"$0\")/$NOTIFY_FILE\"\n");
    chmod(Path("notify.sh").c_str(), 0755);
  }

  // vrrpd on router `n` with `env` and `flags`; its notify lines go to r<n>.notify.
  pid_t Start(int n, const std::string& env = "", const std::string& flags = "") {
    return StartVrrpd(n, {.env = fmt::format("NOTIFY_FILE=r{}.notify {}", n, env), .flags = flags});
  }

  bool IsMaster(int n, const std::string& vip) { return Holds(n, vip) == 1; }
};

// A VRRPv3 instance at 100 ms with the notify command, plus `extra` inside the block.
std::string Instance(const std::string& name, int vrid, int priority, const std::string& vip,
                     const std::string& dir, const std::string& extra = "") {
  return fmt::format(R"(vrrp_instance {0} {{
    interface eth0
    virtual_router_id {1}
    priority {2}
    advert_int 0.1
    virtual_ipaddress {{
        {3}/24
    }}
    notify {4}/notify.sh
{5}
}}
)",
                     name, vrid, priority, vip, dir, extra);
}

const char* kGlobal = "global_defs {\n    vrrp_version 3\n}\n";

// A check that fails while the flag file exists. Its timeout is generous: keepalived's default
// (the interval, 100 ms) made a shell started on a machine with a load of 14 time out, fail,
// and move the VIP before the test did anything (seen once in a full ctest run).
std::string CheckScript(const std::string& dir, const std::string& flag, int weight) {
  return fmt::format(R"(vrrp_script chk_{0} {{
    script "/bin/sh -c 'test ! -e {1}/{0}'"
    interval 0.1
    timeout 5
    fall 2
    rise 2
    weight {2}
}}
)",
                     flag, dir, weight);
}

TEST_CASE("vrrpd: a failing vrrp_script moves the VIP, notify gets TYPE NAME STATE PRIORITY") {
  VRRP_SKIP_UNLESS_ROOT();
  Lab lab;
  WriteFile(lab.Path("r1.conf"), std::string(kGlobal) + CheckScript(lab.dir(), "down1", -60) +
                                     Instance("VI_1", 50, 150, "192.0.2.3", lab.dir(),
                                              "    track_script {\n        chk_down1\n    }"));
  WriteFile(lab.Path("r2.conf"),
            std::string(kGlobal) + Instance("VI_1", 50, 100, "192.0.2.3", lab.dir()));
  // r2 starts once r1 is Master: started together, their Master_Down timers differ by 20 ms
  // (the skew), and on a loaded machine r2 could win the first election and add a
  // MASTER/BACKUP pair to its notify lines.
  lab.Start(1);
  LAB_REQUIRE(lab, Eventually([&] { return lab.IsMaster(1, "192.0.2.3"); }));
  lab.Start(2);
  LAB_REQUIRE(lab, Eventually([&] { return lab.SoleHolder(1, "192.0.2.3"); }));
  LAB_REQUIRE(lab, Eventually([&] {
                return lab.Log(1).find("(VI_1) Entering MASTER STATE") != std::string::npos;
              }));
  LAB_REQUIRE(lab, Eventually([&] {
                return ReadFile(lab.Path("r2.notify")) == "INSTANCE VI_1 BACKUP 100\n";
              }));
  CHECK(lab.Log(1).find("VRRP_Script(chk_down1) succeeded") != std::string::npos);

  // The check fails: 150 - 60 = 90 < 100, the backup takes over.
  WriteFile(lab.Path("down1"), "");
  LAB_REQUIRE(lab, Eventually([&] { return lab.SoleHolder(2, "192.0.2.3"); }));
  LAB_CHECK(lab, Eventually([&] {
              return lab.Log(1).find("(VI_1) Changing effective priority from 150 to 90") !=
                     std::string::npos;
            }));
  CHECK(lab.Log(1).find("VRRP_Script(chk_down1) failed") != std::string::npos);
  CHECK(lab.Query(1, "d['instances'][0]['effective_priority'], d['scripts'][0]['status']") ==
        "90 BAD");
  // It recovers: r1 preempts again.
  std::remove(lab.Path("down1").c_str());
  LAB_REQUIRE(lab, Eventually([&] { return lab.SoleHolder(1, "192.0.2.3"); }));

  // keepalived's `notify` arguments, in the order the transitions happened.
  LAB_CHECK(lab, Eventually([&] {
              return ReadFile(lab.Path("r1.notify")) ==
                     "INSTANCE VI_1 BACKUP 150\nINSTANCE VI_1 MASTER 150\nINSTANCE VI_1 BACKUP 90\n"
                     "INSTANCE VI_1 MASTER 150\n";
            }));
  INFO("r1.notify:\n" << ReadFile(lab.Path("r1.notify")));
  CHECK(ReadFile(lab.Path("r2.notify")) ==
        "INSTANCE VI_1 BACKUP 100\nINSTANCE VI_1 MASTER 100\nINSTANCE VI_1 BACKUP 100\n");
}

// keepalived 2.2.7 logs "Disabling track script chk due to insecure" and the instance keeps its
// priority; counting the refused script as failed would apply its weight and hand mastership
// to a lower-priority peer (issue 16).
TEST_CASE("vrrpd: enable_script_security takes an insecure tracked script out of tracking") {
  VRRP_SKIP_UNLESS_ROOT();
  Lab lab;
  const std::string unsafe = lab.Path("unsafe");
  REQUIRE(mkdir(unsafe.c_str(), 0777) == 0);
  REQUIRE(chmod(unsafe.c_str(), 0777) == 0);  // mkdir's mode passes through the umask
  WriteFile(unsafe + "/check.sh", "#!/bin/sh\nexit 1\n");
  REQUIRE(chmod((unsafe + "/check.sh").c_str(), 0755) == 0);
  const std::string script = fmt::format(R"(vrrp_script chk_unsafe {{
    script "{}/check.sh"
    interval 0.1
    weight -60
}}
)",
                                         unsafe);
  WriteFile(lab.Path("r1.conf"),
            "global_defs {\n    vrrp_version 3\n    enable_script_security\n"
            "    script_user root\n}\n" +
                script +
                Instance("VI_1", 51, 150, "192.0.2.3", lab.dir(),
                         "    track_script {\n        chk_unsafe\n    }"));
  WriteFile(lab.Path("r2.conf"),
            std::string(kGlobal) + Instance("VI_1", 51, 100, "192.0.2.3", lab.dir()));
  lab.Start(1);
  lab.Start(2);
  LAB_REQUIRE(lab, Eventually([&] { return lab.SoleHolder(1, "192.0.2.3"); }));
  LAB_CHECK(lab, lab.Log(1).find(fmt::format("VRRP_Script(chk_unsafe) disabled: '{}' is writable "
                                             "by everyone (enable_script_security)",
                                             unsafe)) != std::string::npos);
  // Well past the script's interval and the pair's Master_Down_Interval: still 150, still r1.
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  LAB_CHECK(lab, lab.SoleHolder(1, "192.0.2.3"));
  CHECK(lab.Query(1, "d['instances'][0]['effective_priority'], d['scripts'][0]['status']") ==
        "150 DISABLED");
  CHECK(lab.Log(1).find("Changing effective priority") == std::string::npos);
}

TEST_CASE("vrrpd: SIGHUP keeps an unchanged Master, applies a new priority, refuses a bad file") {
  VRRP_SKIP_UNLESS_ROOT();
  Lab lab;
  const std::string r1 = std::string(kGlobal) + Instance("VI_1", 50, 150, "192.0.2.3", lab.dir());
  WriteFile(lab.Path("r1.conf"), r1);
  WriteFile(lab.Path("r2.conf"),
            std::string(kGlobal) + Instance("VI_1", 50, 100, "192.0.2.3", lab.dir()));
  lab.Start(1);
  lab.Start(2);
  LAB_REQUIRE(lab, Eventually([&] { return lab.SoleHolder(1, "192.0.2.3"); }));
  LAB_REQUIRE(lab, Eventually([&] {
                return lab.Log(2).find("Entering BACKUP STATE") != std::string::npos;
              }));

  // The same settings (a comment and a new instance added): VI_1 stays Master, no transition.
  const std::string sent_before = lab.Query(1, "d['instances'][0]['stats']['become_master']");
  const std::string r2_notified = ReadFile(lab.Path("r2.notify"));
  WriteFile(lab.Path("r1.conf"),
            r1 + "# reloaded\n" + Instance("VI_2", 51, 150, "192.0.2.4", lab.dir()));
  kill(lab.Pid(1), SIGHUP);
  LAB_REQUIRE(lab, Eventually([&] {
                return lab.Log(1).find("Reload finished: 2 instances") != std::string::npos;
              }));
  LAB_REQUIRE(lab, Eventually([&] { return lab.IsMaster(1, "192.0.2.4"); }));
  CHECK(lab.IsMaster(1, "192.0.2.3"));
  CHECK(lab.Query(1,
                  "d['reloads'], d['instances'][0]['stats']['become_master'], "
                  "d['instances'][0]['state']") == fmt::format("1 {} MASTER", sent_before));
  CHECK(ReadFile(lab.Path("r2.notify")) == r2_notified);  // no flap: r2 never saw a change

  // A broken file: refused with file:line, everything keeps running.
  WriteFile(lab.Path("r1.conf"), r1 + "vrrp_instance VI_3 {\n    priority 900\n}\n");
  kill(lab.Pid(1), SIGHUP);
  LAB_REQUIRE(lab,
              Eventually([&] { return lab.Log(1).find("Reload refused") != std::string::npos; }));
  CHECK(lab.Log(1).find("r1.conf:") != std::string::npos);
  CHECK(lab.Query(1, "d['reloads'], len(d['instances'])") == "1 2");
  CHECK(lab.IsMaster(1, "192.0.2.4"));

  // A new instance on an interface that does not exist yet: applied, it waits in FAULT for
  // the interface (issue #16); VI_1 and VI_2 go on untouched.
  WriteFile(lab.Path("r1.conf"),
            r1 + Instance("VI_2", 51, 150, "192.0.2.4", lab.dir()) +
                absl::StrReplaceAll(Instance("VI_3", 52, 150, "192.0.2.7", lab.dir()),
                                    {{"interface eth0", "interface vrrpt-nosuch0"}}));
  kill(lab.Pid(1), SIGHUP);
  LAB_REQUIRE(lab, Eventually([&] {
                return lab.Log(1).find("(VI_3) interface vrrpt-nosuch0 does not exist yet") !=
                       std::string::npos;
              }));
  CHECK(lab.Query(1,
                  "d['reloads'], len(d['instances']), d['instances'][0]['state'], "
                  "d['instances'][2]['state']") == "2 3 MASTER FAULT");
  CHECK(lab.IsMaster(1, "192.0.2.4"));

  // A lower priority: r2 preempts; VI_2 leaves the file and its VIP goes with it.
  WriteFile(lab.Path("r1.conf"),
            std::string(kGlobal) + Instance("VI_1", 50, 50, "192.0.2.3", lab.dir()));
  kill(lab.Pid(1), SIGHUP);
  LAB_REQUIRE(lab, Eventually([&] { return lab.SoleHolder(2, "192.0.2.3"); }));
  LAB_CHECK(lab, Eventually([&] { return VipCount(lab.Router(1), "192.0.2.4") == 0; }));
  LAB_CHECK(lab, Eventually([&] {
              return ReadFile(lab.Path("r1.notify")).find("INSTANCE VI_2 STOP") !=
                     std::string::npos;
            }));
}

TEST_CASE("vrrpd: a sync group's members move together, SIGTERM stops them gracefully") {
  VRRP_SKIP_UNLESS_ROOT();
  Lab lab;
  const std::string group = fmt::format(R"(vrrp_sync_group G1 {{
    group {{
        VI_1
        VI_2
    }}
    notify {}/notify.sh
}}
)",
                                        lab.dir());
  // VI_2 tracks a weight-0 script: its failure means Fault, and the group follows.
  WriteFile(lab.Path("r1.conf"),
            std::string(kGlobal) + group + CheckScript(lab.dir(), "down2", 0) +
                Instance("VI_1", 50, 150, "192.0.2.3", lab.dir(),
                         fmt::format("    notify_stop \"/bin/sh -c 'echo stopped >> {}/stop'\"",
                                     lab.dir())) +
                Instance("VI_2", 51, 150, "192.0.2.4", lab.dir(),
                         "    track_script {\n        chk_down2\n    }"));
  WriteFile(lab.Path("r2.conf"), std::string(kGlobal) + group +
                                     Instance("VI_1", 50, 100, "192.0.2.3", lab.dir()) +
                                     Instance("VI_2", 51, 100, "192.0.2.4", lab.dir()));
  // systemd's notification socket, read by a small python3 listener on the host.
  const std::string socket = lab.Path("notify.sock");
  auto listener = vrrp::test::RunOnHost(fmt::format(
      "python3 -c 'import socket,sys\ns=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)\n"
      "s.bind(sys.argv[1])\nwhile True:\n  "
      "open(sys.argv[2],\"a\").write(s.recv(4096).decode()+\"\\n\")' "
      "{} {} >/dev/null 2>&1 & echo $!",
      socket, lab.Path("sd_notify")));
  const std::string listener_pid = listener.output;
  LAB_REQUIRE(lab, Eventually([&] { return access(socket.c_str(), F_OK) == 0; }));

  lab.Start(1, "NOTIFY_SOCKET=" + socket);
  lab.Start(2);
  LAB_REQUIRE(lab, Eventually([&] {
                return lab.IsMaster(1, "192.0.2.3") && lab.IsMaster(1, "192.0.2.4");
              }));
  LAB_CHECK(lab, Eventually([&] {
              return ReadFile(lab.Path("sd_notify")).find("READY=1") != std::string::npos;
            }));

  WriteFile(lab.Path("down2"), "");
  // Both VIPs move, though only VI_2's check failed.
  LAB_REQUIRE(lab, Eventually([&] {
                return lab.IsMaster(2, "192.0.2.3") && lab.IsMaster(2, "192.0.2.4");
              }));
  CHECK(VipCount(lab.Router(1), "192.0.2.3") == 0);
  CHECK(VipCount(lab.Router(1), "192.0.2.4") == 0);
  CHECK(lab.Query(1, "d['instances'][0]['state'], d['instances'][1]['state']") == "FAULT FAULT");
  LAB_CHECK(lab, Eventually([&] {
              return ReadFile(lab.Path("r1.notify")).find("GROUP G1 FAULT") != std::string::npos;
            }));
  std::remove(lab.Path("down2").c_str());
  LAB_REQUIRE(lab, Eventually([&] {
                return lab.IsMaster(1, "192.0.2.3") && lab.IsMaster(1, "192.0.2.4");
              }));

  // Elections: r2's VI_2 alone outranking r1's does not split the group: it waits for VI_1.
  auto r2_conf = [&](int vi1, int vi2) {
    WriteFile(lab.Path("r2.conf"), std::string(kGlobal) + group +
                                       Instance("VI_1", 50, vi1, "192.0.2.3", lab.dir()) +
                                       Instance("VI_2", 51, vi2, "192.0.2.4", lab.dir()));
    kill(lab.Pid(2), SIGHUP);
  };
  r2_conf(100, 200);
  LAB_REQUIRE(lab, Eventually([&] {
                return lab.Log(2).find("(VI_2) ready for MASTER, waiting for its sync group") !=
                       std::string::npos;
              }));
  CHECK(lab.IsMaster(1, "192.0.2.3"));
  CHECK(lab.IsMaster(1, "192.0.2.4"));
  CHECK(VipCount(lab.Router(2), "192.0.2.4") == 0);
  // Both outrank r1: the group moves to r2 together.
  r2_conf(200, 200);
  LAB_REQUIRE(lab, Eventually([&] {
                return lab.IsMaster(2, "192.0.2.3") && lab.IsMaster(2, "192.0.2.4") &&
                       !lab.IsMaster(1, "192.0.2.3") && !lab.IsMaster(1, "192.0.2.4");
              }));

  // SIGTERM: priority 0 hands over at once, VIPs removed, notify_stop ran, exit status 0.
  kill(lab.Pid(1), SIGTERM);
  LAB_REQUIRE(lab, Eventually([&] {
                return lab.IsMaster(2, "192.0.2.3") && lab.IsMaster(2, "192.0.2.4");
              }));
  LAB_CHECK(lab, Eventually([&] { return ReadFile(lab.Path("stop")) == "stopped\n"; }));
  LAB_CHECK(lab, Eventually([&] { return lab.Log(1).find("Stopped") != std::string::npos; }));
  CHECK(VipCount(lab.Router(1), "192.0.2.3") == 0);
  CHECK(ReadFile(lab.Path("r1.notify")).find("INSTANCE VI_1 STOP 150") != std::string::npos);
  // "Stopped" is logged before main() removes the pid file and exits: wait for that too.
  CHECK(Eventually([&] { return access(lab.Path("r1.pid").c_str(), F_OK) != 0; }));
  CHECK(ReadFile(lab.Path("sd_notify")).find("STOPPING=1") != std::string::npos);
  vrrp::test::RunOnHost("kill " + listener_pid);
}

TEST_CASE("vrrpd: a tracked interface moves the priority, excluded addresses follow the VIP") {
  VRRP_SKIP_UNLESS_ROOT();
  Lab lab;
  // r1 tracks a second link (both ends in its namespace) with weight -60: down means 90 < 100.
  REQUIRE(lab.Router(1).AddVeth("uplink0", "uplink1").ok());
  WriteFile(lab.Path("r1.conf"),
            std::string(kGlobal) + Instance("VI_1", 50, 150, "192.0.2.3", lab.dir(),
                                            "    track_interface {\n        uplink0 weight -60\n"
                                            "    }\n    virtual_ipaddress_excluded {\n"
                                            "        2001:db8::99/64\n    }"));
  WriteFile(lab.Path("r2.conf"),
            std::string(kGlobal) + Instance("VI_1", 50, 100, "192.0.2.3", lab.dir()));
  lab.Start(1);
  lab.Start(2);
  auto has_excluded = [&] {
    return lab.Router(1).Run("ip -o -6 addr show dev eth0").output.find("2001:db8::99/64") !=
           std::string::npos;
  };
  LAB_REQUIRE(lab, Eventually([&] { return lab.IsMaster(1, "192.0.2.3"); }));
  LAB_CHECK(lab, Eventually(has_excluded));

  REQUIRE(lab.Router(1).Check("ip link set uplink0 down").ok());
  LAB_REQUIRE(lab, Eventually([&] { return lab.SoleHolder(2, "192.0.2.3"); }));
  LAB_CHECK(lab, Eventually([&] { return !has_excluded(); }));
  CHECK(lab.Log(1).find("(VI_1) Changing effective priority from 150 to 90") != std::string::npos);

  REQUIRE(lab.Router(1).Check("ip link set uplink0 up").ok());
  LAB_REQUIRE(lab, Eventually([&] { return lab.IsMaster(1, "192.0.2.3"); }));
  LAB_CHECK(lab, Eventually(has_excluded));
}

// Issue 16: a notify_master that hangs held every later notification of its instance for its
// 60 s timeout, and SIGTERM exited without STOP. Now the next command starts after
// --notify-block, the FIFO gets every transition in order, and SIGTERM runs STOP.
TEST_CASE("vrrpd: a hung notify_master holds nothing back, notify_fifo keeps the order") {
  VRRP_SKIP_UNLESS_ROOT();
  Lab lab;
  // The FIFO's reader keeps every line. It ignores SIGTERM and reads to the FIFO's end, as
  // keepalived's sample reader does, so it also gets the lines written at the stop.
  WriteFile(lab.Path("reader.sh"),
            "#!/bin/sh\ntrap '' TERM\ndir=$(dirname \"$0\")\necho \"start $1\" >> $dir/reader.out\n"
            "while read -r line; do echo \"$line\" >> $dir/fifo.lines; done < \"$1\"\n"
            "echo end >> $dir/reader.out\n");
  chmod(lab.Path("reader.sh").c_str(), 0755);
  WriteFile(lab.Path("r1.conf"),
            fmt::format("global_defs {{\n    vrrp_version 3\n    vrrp_notify_fifo {0}/fifo\n"
                        "    vrrp_notify_fifo_script {0}/reader.sh\n}}\n"
                        "vrrp_sync_group G1 {{\n    group {{\n        VI_1\n    }}\n}}\n",
                        lab.dir()) +
                Instance("VI_1", 50, 150, "192.0.2.3", lab.dir(),
                         "    notify_master \"/bin/sleep 600\""));
  lab.Start(1, "", "--notify-block 0.3");
  LAB_REQUIRE(lab, Eventually([&] { return lab.IsMaster(1, "192.0.2.3"); }));
  struct stat fifo {};
  REQUIRE(stat(lab.Path("fifo").c_str(), &fifo) == 0);
  CHECK(S_ISFIFO(fifo.st_mode));
  CHECK((fifo.st_mode & 0777) == 0600);  // keepalived's mode

  // A link flap: Fault, then Backup and Master again, each Master with a notify_master that
  // hangs.
  REQUIRE(lab.Router(1).Check("ip link set eth0 down").ok());
  LAB_REQUIRE(lab, Eventually([&] {
                return lab.Log(1).find("(VI_1) Entering FAULT STATE") != std::string::npos;
              }));
  REQUIRE(lab.Router(1).Check("ip link set eth0 up").ok());
  LAB_REQUIRE(lab, Eventually([&] { return lab.IsMaster(1, "192.0.2.3"); }));

  const std::string transitions[] = {"BACKUP", "MASTER", "FAULT", "BACKUP", "MASTER"};
  std::string notified;
  std::string fifo_lines;
  for (const std::string& state : transitions) {
    notified += fmt::format("INSTANCE VI_1 {} 150\n", state);
    // The group's line follows its member's, as keepalived writes them.
    fifo_lines += fmt::format("INSTANCE \"VI_1\" {0} 150\nGROUP \"G1\" {0} 0\n", state);
  }
  // Within seconds, not the hung command's 60 s timeout.
  LAB_CHECK(lab, Eventually([&] { return ReadFile(lab.Path("r1.notify")) == notified; }));
  INFO("r1.notify:\n" << ReadFile(lab.Path("r1.notify")));
  LAB_CHECK(lab, Eventually([&] { return ReadFile(lab.Path("fifo.lines")) == fifo_lines; }));
  INFO("fifo.lines:\n" << ReadFile(lab.Path("fifo.lines")));
  CHECK(ReadFile(lab.Path("reader.out")) == fmt::format("start {}/fifo\n", lab.dir()));
  CHECK(lab.Log(1).find("INSTANCE VI_1: notify '/bin/sleep 600' still running after 300ms: "
                        "starting the next notification") != std::string::npos);

  // SIGTERM: STOP to the notify command and the FIFO, the reader reads to the end, the hung
  // commands are named as killed, and vrrpd exits long before their timeout.
  kill(lab.Pid(1), SIGTERM);
  LAB_CHECK(lab, Eventually([&] {
              return ReadFile(lab.Path("r1.notify")) == notified + "INSTANCE VI_1 STOP 150\n";
            }));
  LAB_CHECK(lab, Eventually([&] {
              return ReadFile(lab.Path("fifo.lines")) ==
                     fifo_lines + "INSTANCE \"VI_1\" STOP 150\nGROUP \"G1\" STOP 0\n";
            }));
  LAB_CHECK(lab, Eventually([&] { return access(lab.Path("r1.pid").c_str(), F_OK) != 0; }));
  CHECK(ReadFile(lab.Path("reader.out")) == fmt::format("start {}/fifo\nend\n", lab.dir()));
  CHECK(access(lab.Path("fifo").c_str(), F_OK) != 0);  // it created the FIFO: it removes it
  const std::string log = lab.Log(1);
  CHECK(log.find("INSTANCE VI_1: notify '/bin/sleep 600' still running after") !=
        std::string::npos);
  CHECK(log.find(", killed: vrrpd is stopping") != std::string::npos);
  CHECK(log.find(fmt::format("vrrp_notify_fifo {}/fifo: 12 lines written, 0 dropped", lab.dir())) !=
        std::string::npos);
}

TEST_CASE("vrrpd: without -n it becomes a daemon, the pid file names it and goes with it") {
  VRRP_SKIP_UNLESS_ROOT();
  Lab lab;
  WriteFile(lab.Path("r1.conf"),
            std::string(kGlobal) + Instance("VI_1", 50, 150, "192.0.2.3", lab.dir()));
  const std::string pid_file = lab.Path("daemon.pid");
  // The parent returns at once with 0; the daemon lives on, logging to the console (-l).
  auto started = lab.Router(1).Run(fmt::format(
      "{} -l -f {} -p {} --status-file {} --control-socket none >> {} 2>&1", VRRPD_BINARY,
      lab.Path("r1.conf"), pid_file, lab.Path("r1.json"), lab.Path("r1.log")));
  REQUIRE(started.exit_code == 0);
  LAB_REQUIRE(lab, Eventually([&] { return !ReadFile(pid_file).empty(); }));
  const pid_t pid = std::stoi(ReadFile(pid_file));
  CHECK(kill(pid, 0) == 0);
  LAB_REQUIRE(lab, Eventually([&] { return lab.IsMaster(1, "192.0.2.3"); }));
  // A second one on the same pid file refuses to start.
  auto second = lab.Router(1).Run(
      fmt::format("{} -n -l -f {} -p {}", VRRPD_BINARY, lab.Path("r1.conf"), pid_file));
  CHECK(second.exit_code == 1);
  CHECK(second.output.find("already running") != std::string::npos);
  kill(pid, SIGTERM);
  LAB_CHECK(lab, Eventually([&] { return kill(pid, 0) != 0; }));
  CHECK(access(pid_file.c_str(), F_OK) != 0);
  CHECK(VipCount(lab.Router(1), "192.0.2.3") == 0);
}

TEST_CASE("vrrpd: without -l it logs to syslog, as keepalived does") {
  VRRP_SKIP_UNLESS_ROOT();
  Lab lab;
  WriteFile(lab.Path("r1.conf"),
            std::string(kGlobal) + Instance("VI_1", 50, 150, "192.0.2.3", lab.dir()));
  // A syslog socket of our own: python3 appends every datagram to syslog.txt.
  const std::string socket = lab.Path("log.sock");
  auto listener = vrrp::test::RunOnHost(fmt::format(
      "python3 -c 'import socket,sys\ns=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)\n"
      "s.bind(sys.argv[1])\nwhile True:\n  "
      "open(sys.argv[2],\"a\").write(s.recv(4096).decode()+\"\\n\")' "
      "{} {} >/dev/null 2>&1 & echo $!",
      socket, lab.Path("syslog.txt")));
  REQUIRE(Eventually([&] { return access(socket.c_str(), F_OK) == 0; }));
  // syslog(3) writes to /dev/log: in a mount namespace of its own, vrrpd's /dev is a tmpfs with
  // /dev/null and /dev/log -> our socket; the host's /dev is not touched.
  const std::string script = fmt::format(
      "mkdir -p {0}/olddev && mount --rbind /dev {0}/olddev && mount -t tmpfs tmpfs /dev && "
      "touch /dev/null && mount --bind {0}/olddev/null /dev/null && ln -s {1} /dev/log && "
      "exec {2} -n -f {0}/r1.conf -p {0}/r1.pid --status-file {0}/r1.json --control-socket none",
      lab.dir(), socket, VRRPD_BINARY);
  auto pid = lab.Router(1).Spawn("exec unshare -m sh -c " + vrrp::test::ShellQuote(script),
                                 lab.Path("r1.log"));
  REQUIRE(pid.ok());
  const std::string syslog = lab.Path("syslog.txt");
  LAB_CHECK(lab, Eventually([&] {
              return ReadFile(syslog).find("(VI_1) Entering MASTER STATE") != std::string::npos;
            }));
  INFO(ReadFile(syslog));
  CHECK(ReadFile(syslog).find("vrrpd[") != std::string::npos);           // ident and pid
  CHECK(lab.Log(1).find("Entering MASTER STATE") == std::string::npos);  // not on the console
  vrrp::test::RunOnHost("kill " + listener.output);
}

}  // namespace
