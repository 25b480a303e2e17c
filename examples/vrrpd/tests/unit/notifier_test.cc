#include "notifier.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "fmt/format.h"
#include "support/process_support.h"
#include "vrrp/linux/event_loop.h"

namespace vrrpd {
namespace {

using vrrp::test::NewLoop;
using vrrp::test::ReadFile;
using vrrp::test::TempDir;
using vrrp::test::WaitFor;
using vrrp::test::WriteFile;

using vrrp::config::Command;
using vrrp::config::NotifyCommands;
using vrrp::os::EventLoop;

Command Cmd(std::string command) {
  Command c;
  c.command = std::move(command);
  return c;
}

struct Fixture {
  std::unique_ptr<EventLoop> loop = NewLoop();
  ProcessRunner runner{*loop};
  std::vector<std::string> logs;
  Notifier notifier{runner, absl::Seconds(5), [this](const std::string& l) { logs.push_back(l); }};
  TempDir dir;

  bool Settle() {
    return WaitFor(*loop, [&] { return notifier.pending() == 0; });
  }
};

TEST_CASE("vrrpd notifier: one key runs its commands one at a time in queue order") {
  Fixture f;
  // Each command sleeps a random few milliseconds before it writes: run together they would
  // come out shuffled.
  std::mt19937 random(12345);
  std::uniform_int_distribution<int> ms(0, 9);
  const std::string command = fmt::format("sleep 0.00$2; echo $1 >> {}", f.dir / "order");
  std::string expected;
  for (int i = 0; i < 20; ++i) {
    f.notifier.Enqueue("INSTANCE VI_1", {command, "", ""},
                       {std::to_string(i), std::to_string(ms(random))});
    expected += std::to_string(i) + "\n";
  }
  CHECK(f.notifier.pending() == 20);
  REQUIRE(f.Settle());
  CHECK(ReadFile(f.dir / "order") == expected);
  CHECK(f.logs.empty());
  CHECK(f.runner.running() == 0);
}

TEST_CASE("vrrpd notifier: different keys run independently") {
  Fixture f;
  // A's command waits for B's: were the keys serialised, A would time out.
  f.notifier.Enqueue(
      "INSTANCE A",
      {fmt::format("while [ ! -e {} ]; do sleep 0.01; done", f.dir / "b-ran"), "", ""}, {});
  f.notifier.Enqueue("INSTANCE B", {fmt::format("/usr/bin/touch {}", f.dir / "b-ran"), "", ""}, {});
  CHECK(f.notifier.pending() == 2);
  REQUIRE(f.Settle());
  CHECK(f.logs.empty());
}

TEST_CASE("vrrpd notifier: a failing command is logged and the queue goes on") {
  auto loop = NewLoop();
  ProcessRunner runner(*loop);
  std::vector<std::string> logs;
  Notifier notifier(runner, absl::Milliseconds(200),
                    [&](const std::string& l) { logs.push_back(l); });
  TempDir dir;
  notifier.Enqueue("INSTANCE VI_1", {"/bin/false", "", ""}, {"x"});
  notifier.Enqueue("INSTANCE VI_1", {"sleep 5", "", ""}, {});
  notifier.Enqueue("INSTANCE VI_1", {"/bin/true", "vrrpd-no-such-user", ""}, {});
  notifier.Enqueue("INSTANCE VI_1", {fmt::format("/usr/bin/touch {}", dir / "last"), "", ""}, {});
  REQUIRE(WaitFor(*loop, [&] { return notifier.pending() == 0; }));
  CHECK(std::filesystem::exists(dir / "last"));
  CHECK(logs == std::vector<std::string>{
                    "INSTANCE VI_1: notify '/bin/false x' exited with status 1",
                    "INSTANCE VI_1: notify 'sleep 5' timed out after 200ms",
                    "INSTANCE VI_1: notify '/bin/true' could not start: unknown user "
                    "'vrrpd-no-such-user'",
                });
}

TEST_CASE("vrrpd notifier: Notify runs notify_STATE, then notify TYPE NAME STATE PRIORITY") {
  Fixture f;
  const std::string log = f.dir / "log";
  const std::string script = f.dir / "notify.sh";
  std::ofstream(script) << fmt::format("#!/bin/sh\necho \"$@\" >> {}\n", log);
  REQUIRE(chmod(script.c_str(), 0755) == 0);

  NotifyCommands commands;
  commands.master = Cmd(fmt::format("echo master >> {}", log));
  commands.backup = Cmd(fmt::format("echo backup >> {}", log));
  commands.stop = Cmd(fmt::format("echo stop >> {}", log));
  commands.notify = Cmd(script + " configured-arg");

  f.notifier.Notify(commands, "INSTANCE", "VI_1", "MASTER", 150, "", "");
  f.notifier.Notify(commands, "INSTANCE", "VI_1", "FAULT", 100, "", "");  // no notify_fault
  f.notifier.Notify(commands, "GROUP", "G1", "BACKUP", 0, "", "");
  REQUIRE(f.Settle());
  CHECK(f.logs.empty());
  // The instance's four commands ran in order; the group's interleave with them anywhere.
  std::vector<std::string> instance;
  std::vector<std::string> group;
  std::istringstream lines(ReadFile(log));
  for (std::string line; std::getline(lines, line);) {
    (line.find("G1") != std::string::npos || line == "backup" ? group : instance).push_back(line);
  }
  CHECK(instance == std::vector<std::string>{"master", "configured-arg INSTANCE VI_1 MASTER 150",
                                             "configured-arg INSTANCE VI_1 FAULT 100"});
  CHECK(group == std::vector<std::string>{"backup", "configured-arg GROUP G1 BACKUP 0"});
}

TEST_CASE("vrrpd notifier: the default user applies only to commands without one") {
  Fixture f;
  NotifyCommands commands;
  commands.master = Cmd("/bin/true");
  commands.notify = Cmd("/bin/true");
  commands.notify->user = "vrrpd-own-user";
  f.notifier.Notify(commands, "INSTANCE", "VI_1", "MASTER", 100, "vrrpd-default-user", "");
  REQUIRE(f.Settle());
  CHECK(f.logs == std::vector<std::string>{
                      "INSTANCE VI_1: notify '/bin/true' could not start: unknown user "
                      "'vrrpd-default-user'",
                      "INSTANCE VI_1: notify '/bin/true INSTANCE VI_1 MASTER 100' could not "
                      "start: unknown user 'vrrpd-own-user'",
                  });
}

TEST_CASE("vrrpd notifier: destroyed with commands in flight") {
  auto loop = NewLoop();
  ProcessRunner runner(*loop);
  int logged = 0;
  {
    Notifier notifier(runner, absl::Seconds(5), [&](const std::string&) { ++logged; });
    notifier.Enqueue("k", {"/bin/false", "", ""}, {});
    notifier.Enqueue("k", {"/bin/false", "", ""}, {});
  }
  // The running one finishes into nothing; the queued one never starts.
  REQUIRE(WaitFor(*loop, [&] { return runner.running() == 0; }));
  loop->RunOnce(absl::Milliseconds(50)).IgnoreError();
  CHECK(logged == 0);
  CHECK(runner.running() == 0);
}

}  // namespace
}  // namespace vrrpd
