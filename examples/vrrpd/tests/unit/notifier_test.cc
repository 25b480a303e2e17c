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

// Without a block bound unless a test sets one: each command of a key waits for the one before.
struct Fixture {
  explicit Fixture(NotifierOptions options = {.timeout = absl::Seconds(5),
                                              .block = absl::InfiniteDuration()})
      : notifier(*loop, runner, options, [this](const std::string& l) { logs.push_back(l); }) {}

  std::unique_ptr<EventLoop> loop = NewLoop();
  ProcessRunner runner{*loop};
  std::vector<std::string> logs;
  Notifier notifier;
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
  Notifier notifier(*loop, runner,
                    {.timeout = absl::Milliseconds(200), .block = absl::InfiniteDuration()},
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

TEST_CASE("vrrpd notifier: destroyed with commands in flight, it names those it never ran") {
  auto loop = NewLoop();
  ProcessRunner runner(*loop);
  std::vector<std::string> logs;
  {
    Notifier notifier(*loop, runner, {}, [&](const std::string& l) { logs.push_back(l); });
    notifier.Enqueue("k", {"/bin/false", "", ""}, {"first"});
    notifier.Enqueue("k", {"/bin/false", "", ""}, {"second"});
  }
  // The running one finishes into nothing; the queued one never starts, and says so.
  REQUIRE(WaitFor(*loop, [&] { return runner.running() == 0; }));
  loop->RunOnce(absl::Milliseconds(50)).IgnoreError();
  CHECK(logs == std::vector<std::string>{
                    "k: notify '/bin/false second' not run: the notifier is going away"});
  CHECK(runner.running() == 0);
}

// A command that waits for `flag` to exist (at most its timeout), then appends `name` to
// `order`.
CommandSpec WaitsFor(const TempDir& dir, const std::string& flag, const std::string& name) {
  return {fmt::format("while [ ! -e {0} ]; do sleep 0.01; done; echo {1} >> {2}", dir / flag, name,
                      dir / "order"),
          "", ""};
}

TEST_CASE("vrrpd notifier: a command running past the block bound no longer holds its queue") {
  // Issue 16: a hung notify_master held the key's later commands for its whole timeout.
  Fixture f({.timeout = absl::Seconds(30), .block = absl::Milliseconds(100)});
  // The first finishes only once the second has run: the second must start while it runs.
  f.notifier.Enqueue("INSTANCE VI_1", WaitsFor(f.dir, "second-ran", "first"), {});
  f.notifier.Enqueue(
      "INSTANCE VI_1",
      {fmt::format("echo second >> {}; touch {}", f.dir / "order", f.dir / "second-ran"), "", ""},
      {});
  REQUIRE(f.Settle());
  CHECK(ReadFile(f.dir / "order") == "second\nfirst\n");
  REQUIRE(f.logs.size() == 2);
  CHECK(f.logs[0] == fmt::format("INSTANCE VI_1: notify '{}' still running after 100ms: "
                                 "starting the next notification (it may run on until its "
                                 "timeout of 30s)",
                                 WaitsFor(f.dir, "second-ran", "first").command));
  CHECK_THAT(f.logs[1],
             Catch::StartsWith(fmt::format("INSTANCE VI_1: notify '{}' finished after",
                                           WaitsFor(f.dir, "second-ran", "first").command)));
}

TEST_CASE("vrrpd notifier: commands let go by the bound still start in queue order") {
  Fixture f({.timeout = absl::Seconds(30), .block = absl::Milliseconds(50)});
  // Each appends its name to `started` first, then waits for the last one's flag.
  for (const char* name : {"a", "b", "c", "d"}) {
    f.notifier.Enqueue("GROUP G1",
                       {fmt::format("echo {} >> {}; while [ ! -e {} ]; do sleep 0.01; done", name,
                                    f.dir / "started", f.dir / "go"),
                        "", ""},
                       {});
  }
  f.notifier.Enqueue("GROUP G1", {fmt::format("/usr/bin/touch {}", f.dir / "go"), "", ""}, {});
  REQUIRE(f.Settle());
  CHECK(ReadFile(f.dir / "started") == "a\nb\nc\nd\n");
}

TEST_CASE("vrrpd notifier: a command let go is still killed at its own timeout, and logged") {
  Fixture f({.timeout = absl::Milliseconds(300), .block = absl::Milliseconds(50)});
  f.notifier.Enqueue("INSTANCE VI_1", {"sleep 30", "", ""}, {});
  f.notifier.Enqueue("INSTANCE VI_1", {fmt::format("/usr/bin/touch {}", f.dir / "next"), "", ""},
                     {});
  REQUIRE(f.Settle());
  CHECK(std::filesystem::exists(f.dir / "next"));
  CHECK(f.logs == std::vector<std::string>{
                      "INSTANCE VI_1: notify 'sleep 30' still running after 50ms: starting the "
                      "next notification (it may run on until its timeout of 300ms)",
                      "INSTANCE VI_1: notify 'sleep 30' timed out after 300ms",
                  });
  CHECK(f.runner.running() == 0);
}

TEST_CASE("vrrpd notifier: block 0 starts every command at once, in order") {
  Fixture f({.timeout = absl::Seconds(30), .block = absl::ZeroDuration()});
  f.notifier.Enqueue("INSTANCE VI_1", WaitsFor(f.dir, "go", "first"), {});
  f.notifier.Enqueue("INSTANCE VI_1", {fmt::format("/usr/bin/touch {}", f.dir / "go"), "", ""}, {});
  REQUIRE(f.Settle());
  CHECK(ReadFile(f.dir / "order") == "first\n");
  CHECK(f.logs.empty());  // letting go at once is the rule, not news
}

TEST_CASE("vrrpd notifier: a stop waits for its own commands, not for one that hung before") {
  Fixture f({.timeout = absl::Seconds(30), .block = absl::Milliseconds(50)});
  f.notifier.Enqueue("INSTANCE VI_1", {"sleep 30", "", ""}, {});
  REQUIRE(WaitFor(*f.loop, [&] { return !f.logs.empty(); }));  // let go
  const Notifier::Mark stop = f.notifier.mark();
  CHECK(f.notifier.pending() == 1);
  CHECK(f.notifier.Outstanding(stop) == 0);
  f.notifier.Enqueue("INSTANCE VI_1", WaitsFor(f.dir, "go", "stop"), {});
  f.notifier.Enqueue("INSTANCE VI_1", {"/bin/true", "", ""}, {"queued"});
  CHECK(f.notifier.Outstanding(stop) == 2);
  std::ofstream(f.dir / "go").close();
  REQUIRE(WaitFor(*f.loop, [&] { return f.notifier.Outstanding(stop) == 0; }));
  CHECK(ReadFile(f.dir / "order") == "stop\n");
  CHECK(f.notifier.pending() == 1);  // the hung one, still running
}

TEST_CASE("vrrpd notifier: Abandon names every command running or queued") {
  Fixture f;  // no bound: the second waits behind the first
  // The shell takes the arguments as $1...: sleep does not see them.
  f.notifier.Enqueue("INSTANCE VI_1", {"sleep 30; :", "", ""},
                     {"INSTANCE", "VI_1", "MASTER", "150"});
  f.notifier.Enqueue("INSTANCE VI_1", {"/bin/true", "", ""}, {"INSTANCE", "VI_1", "STOP", "150"});
  f.notifier.Abandon("vrrpd is stopping");
  REQUIRE(f.logs.size() == 2);
  CHECK_THAT(f.logs[0], Catch::StartsWith("INSTANCE VI_1: notify 'sleep 30; : INSTANCE VI_1 "
                                          "MASTER 150' still running after "));
  CHECK_THAT(f.logs[0], Catch::EndsWith(", killed: vrrpd is stopping"));
  CHECK(f.logs[1] ==
        "INSTANCE VI_1: notify '/bin/true INSTANCE VI_1 STOP 150' not run: vrrpd is stopping");
  CHECK(f.notifier.pending() == 0);
  CHECK(f.runner.Drain(absl::ZeroDuration()) == 1);  // the caller kills what runs
}

}  // namespace
}  // namespace vrrpd
