#include "vrrp/keepalived/script_checker.h"

#include <pwd.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "fmt/format.h"
#include "support/process_support.h"
#include "vrrp/linux/event_loop.h"

namespace vrrp::keepalived {
namespace {

using test::NewLoop;
using test::ReadFile;
using test::TempDir;
using test::WaitFor;
using test::WriteFile;

using vrrp::config::GlobalDefs;
using vrrp::config::VrrpScript;
using vrrp::os::EventLoop;

std::vector<std::string> Lines(const std::string& path) {
  std::vector<std::string> lines = absl::StrSplit(ReadFile(path), '\n', absl::SkipEmpty());
  return lines;
}

void RunFor(EventLoop& loop, absl::Duration how_long) {
  const absl::Time end = loop.Now() + how_long;
  while (loop.Now() < end) REQUIRE(loop.RunOnce(end - loop.Now()).ok());
}

VrrpScript Script(std::string name, std::string command, absl::Duration interval, int rise = 1,
                  int fall = 1) {
  VrrpScript s;
  s.name = std::move(name);
  s.script.command = std::move(command);
  s.interval = interval;
  s.timeout = absl::Seconds(5);
  s.rise = rise;
  s.fall = fall;
  return s;
}

bool KeepalivedScriptUserExists() { return getpwnam("keepalived_script") != nullptr; }

// What a checker reported.
struct Recorder {
  struct Change {
    std::string name;
    ScriptStatus status;
    ProcessResult last;
  };
  std::vector<Change> changes;
  std::vector<std::string> logs;

  ScriptChecker::OnChange OnChange() {
    return [this](const std::string& name, ScriptStatus status, const ProcessResult& last) {
      changes.push_back({name, status, last});
    };
  }
  ScriptChecker::Log Log() {
    return [this](const std::string& line) { logs.push_back(line); };
  }
};

// ScriptState (vrrp::CheckState) and its names are tested in tests/core/check_state_test.cc.

TEST_CASE("vrrpd script checker: which user a script runs as") {
  GlobalDefs global;
  VrrpScript script = Script("chk", "/usr/bin/pgrep nginx", absl::Seconds(1));
  SECTION("without script_user: keepalived_script if it exists, else the daemon's own") {
    const CommandSpec spec = ScriptCommand(script, global);
    CHECK(spec.command == "/usr/bin/pgrep nginx");
    CHECK(spec.user == (KeepalivedScriptUserExists() ? "keepalived_script" : ""));
  }
  SECTION("global_defs script_user and script_group") {
    global.script_user = "alice";
    global.script_group = "staff";
    const CommandSpec spec = ScriptCommand(script, global);
    CHECK(spec.user == "alice");
    CHECK(spec.group == "staff");
    CHECK(DefaultScriptUser(global).user == "alice");
    SECTION("the script's own user wins, with its own group") {
      script.user = "bob";
      const CommandSpec own = ScriptCommand(script, global);
      CHECK(own.user == "bob");
      CHECK(own.group.empty());
    }
  }
}

TEST_CASE("vrrpd script checker: only the scripts an instance tracks run") {
  vrrp::config::Configuration conf;
  conf.scripts = {Script("a", "/bin/true", absl::Seconds(1)),
                  Script("b", "/bin/true", absl::Seconds(1)),
                  Script("c", "/bin/true", absl::Seconds(1))};
  vrrp::config::VrrpInstance vi;
  vi.extras.track_scripts.push_back({{}, "c", std::nullopt, false});
  vi.extras.track_scripts.push_back({{}, "a", 5, false});
  conf.instances.push_back(vi);
  std::vector<std::string> names;
  for (const VrrpScript& s : TrackedScripts(conf)) names.push_back(s.name);
  CHECK(names == std::vector<std::string>{"a", "c"});
}

TEST_CASE("vrrpd script checker: enable_script_security refuses what others could change") {
  if (geteuid() != 0) {
    WARN("skipped: needs root (only scripts run as root are checked)");
    return;
  }
  TempDir dir;  // root's, 0700, in the sticky /tmp
  const std::string script = dir / "check.sh";
  WriteFile(script, "#!/bin/sh\nexit 0\n", 0755);
  const CommandSpec as_root{script + " --arg", "root", ""};

  CHECK(CheckScriptSecurity(as_root).ok());
  SECTION("a world-writable directory on the way") {
    REQUIRE(chmod(dir.path().c_str(), 0777) == 0);
    absl::Status s = CheckScriptSecurity(as_root);
    CHECK(s.code() == absl::StatusCode::kPermissionDenied);
    CHECK(std::string(s.message()) == fmt::format("'{}' is writable by everyone", dir.path()));
  }
  SECTION("a sticky world-writable directory is fine") {
    REQUIRE(chmod(dir.path().c_str(), 01777) == 0);
    CHECK(CheckScriptSecurity(as_root).ok());
  }
  SECTION("a group-writable script of a non-root group") {
    REQUIRE(chown(script.c_str(), 0, 65534) == 0);
    REQUIRE(chmod(script.c_str(), 0775) == 0);
    CHECK(std::string(CheckScriptSecurity(as_root).message()) ==
          fmt::format("'{}' is writable by group 65534", script));
  }
  SECTION("a script owned by someone else") {
    REQUIRE(chown(script.c_str(), 65534, 0) == 0);
    CHECK(std::string(CheckScriptSecurity(as_root).message()) ==
          fmt::format("'{}' is owned by uid 65534", script));
  }
  SECTION("a symlink into an unsafe place") {
    TempDir unsafe;
    REQUIRE(chmod(unsafe.path().c_str(), 0777) == 0);
    WriteFile(unsafe / "real.sh", "#!/bin/sh\nexit 0\n", 0755);
    std::filesystem::create_symlink(unsafe / "real.sh", dir / "link.sh");
    CHECK_FALSE(CheckScriptSecurity({dir / "link.sh", "root", ""}).ok());
  }
  SECTION("not checked: a script that does not run as root, or runs through a shell") {
    REQUIRE(chmod(dir.path().c_str(), 0777) == 0);
    CHECK(CheckScriptSecurity({script, "nobody", ""}).ok());
    CHECK(CheckScriptSecurity({script + " | cat", "root", ""}).ok());
  }
  SECTION("a program found through PATH is checked where it is found") {
    CHECK(CheckScriptSecurity({"true", "root", ""}).ok());
  }
  SECTION("no user at all: root by default, refused even for a safe program (keepalived 2.2.7)") {
    absl::Status s = CheckScriptSecurity({script, "", ""});
    CHECK(s.code() == absl::StatusCode::kFailedPrecondition);
    CHECK(std::string(s.message()) ==
          "no script user: neither the script nor script_user names one and user "
          "keepalived_script does not exist, and it must not run as root by default");
    CHECK_FALSE(CheckScriptSecurity({"true", "", ""}).ok());
    CHECK_FALSE(CheckScriptSecurity({script + " | cat", "", ""}).ok());
  }
}

TEST_CASE("vrrpd script checker: a script that flips, rise 2 fall 2") {
  auto loop = NewLoop();
  ProcessRunner runner(*loop);
  TempDir dir;
  WriteFile(dir / "state", "ok");
  // Each run records what it saw, so the test can tell which runs made a change.
  const std::string command =
      fmt::format("s=$(cat {}); echo $s >> {}; [ \"$s\" = ok ]", dir / "state", dir / "runs");
  Recorder rec;
  std::vector<std::vector<std::string>> runs_at_change;
  ScriptChecker checker(
      *loop, runner, {Script("chk", command, absl::Milliseconds(100), 2, 2)}, GlobalDefs{},
      [&](const std::string& name, ScriptStatus status, const ProcessResult& last) {
        rec.changes.push_back({name, status, last});
        runs_at_change.push_back(Lines(dir / "runs"));
      },
      rec.Log());
  CHECK(checker.status("chk") == ScriptStatus::kInit);
  CHECK(checker.pending("chk"));
  checker.Start();

  // INIT: one success is enough.
  REQUIRE(WaitFor(*loop, [&] { return rec.changes.size() == 1; }));
  CHECK(rec.changes[0].name == "chk");
  CHECK(rec.changes[0].status == ScriptStatus::kGood);
  CHECK(rec.changes[0].last.success());
  CHECK(checker.status("chk") == ScriptStatus::kGood);
  CHECK_FALSE(checker.failed("chk"));
  CHECK_FALSE(checker.pending("chk"));

  WriteFile(dir / "state", "bad");
  REQUIRE(WaitFor(*loop, [&] { return rec.changes.size() == 2; }));
  CHECK(rec.changes[1].status == ScriptStatus::kBad);
  CHECK(rec.changes[1].last.status == 1);
  CHECK(checker.failed("chk"));
  {
    const std::vector<std::string>& runs = runs_at_change[1];
    REQUIRE(runs.size() >= 3);
    CHECK(runs[runs.size() - 1] == "bad");
    CHECK(runs[runs.size() - 2] == "bad");
    CHECK(runs[runs.size() - 3] == "ok");  // the first failure alone changed nothing
  }

  WriteFile(dir / "state", "ok");
  REQUIRE(WaitFor(*loop, [&] { return rec.changes.size() == 3; }));
  CHECK(rec.changes[2].status == ScriptStatus::kGood);
  {
    const std::vector<std::string>& runs = runs_at_change[2];
    REQUIRE(runs.size() >= 3);
    CHECK(runs[runs.size() - 1] == "ok");
    CHECK(runs[runs.size() - 2] == "ok");
    CHECK(runs[runs.size() - 3] == "bad");
  }

  // Logged on changes only, not on every run.
  CHECK(rec.logs == std::vector<std::string>{"VRRP_Script(chk) succeeded",
                                             "VRRP_Script(chk) failed (exited with status 1)",
                                             "VRRP_Script(chk) succeeded"});
  CHECK(checker.statuses() ==
        std::vector<std::pair<std::string, ScriptStatus>>{{"chk", ScriptStatus::kGood}});

  // After Stop nothing more runs (a run in flight may still finish, unreported).
  checker.Stop();
  const size_t runs = Lines(dir / "runs").size();
  WriteFile(dir / "state", "bad");
  RunFor(*loop, absl::Milliseconds(400));
  CHECK(Lines(dir / "runs").size() <= runs + 1);
  CHECK(rec.changes.size() == 3);
}

TEST_CASE("vrrpd script checker: a run still going when the next is due is skipped") {
  auto loop = NewLoop();
  ProcessRunner runner(*loop);
  TempDir dir;
  const std::string command = fmt::format(
      "mkdir {0} 2>/dev/null || echo overlap >> {1}; echo run >> {1}; sleep 0.25; "
      "rmdir {0}",
      dir / "lock", dir / "log");
  Recorder rec;
  ScriptChecker checker(*loop, runner, {Script("slow", command, absl::Milliseconds(100))},
                        GlobalDefs{}, rec.OnChange(), rec.Log());
  checker.Start();
  REQUIRE(WaitFor(*loop, [&] { return Lines(dir / "log").size() >= 3; }));
  checker.Stop();
  for (const std::string& line : Lines(dir / "log")) CHECK(line == "run");
  CHECK(std::count(rec.logs.begin(), rec.logs.end(),
                   "VRRP_Script(slow) is still running: skipping a run") >= 1);
}

TEST_CASE("vrrpd script checker: a script that outlives its timeout has failed") {
  auto loop = NewLoop();
  ProcessRunner runner(*loop);
  Recorder rec;
  VrrpScript hang = Script("hang", "sleep 5", absl::Seconds(1));
  hang.timeout = absl::Milliseconds(200);
  ScriptChecker checker(*loop, runner, {hang}, GlobalDefs{}, rec.OnChange(), rec.Log());
  checker.Start();
  REQUIRE(WaitFor(*loop, [&] { return !rec.changes.empty(); }));
  CHECK(rec.changes[0].status == ScriptStatus::kBad);
  CHECK(rec.changes[0].last.outcome == ProcessResult::Outcome::kTimedOut);
  CHECK(rec.logs == std::vector<std::string>{"VRRP_Script(hang) timed out"});
}

TEST_CASE("vrrpd script checker: init_fail starts failed and needs rise successes") {
  auto loop = NewLoop();
  ProcessRunner runner(*loop);
  Recorder rec;
  VrrpScript s = Script("x", "/bin/true", absl::Milliseconds(50), 2, 1);
  s.init_fail = true;
  ScriptChecker checker(*loop, runner, {s}, GlobalDefs{}, rec.OnChange(), rec.Log());
  CHECK(checker.failed("x"));
  CHECK_FALSE(checker.pending("x"));
  checker.Start();
  REQUIRE(WaitFor(*loop, [&] { return rec.changes.size() == 2; }));
  CHECK(rec.changes[0].status == ScriptStatus::kBad);  // INIT -> BAD: no news, not logged
  CHECK(rec.changes[1].status == ScriptStatus::kGood);
  CHECK(rec.logs == std::vector<std::string>{"VRRP_Script(x) succeeded"});
}

TEST_CASE("vrrpd script checker: a script refused by enable_script_security never runs") {
  if (geteuid() != 0 || KeepalivedScriptUserExists()) {
    WARN("skipped: needs root, and no keepalived_script user (scripts must run as root)");
    return;
  }
  auto loop = NewLoop();
  ProcessRunner runner(*loop);
  TempDir unsafe;
  TempDir safe;
  REQUIRE(chmod(unsafe.path().c_str(), 0777) == 0);
  WriteFile(unsafe / "check.sh", fmt::format("#!/bin/sh\ntouch {}\n", unsafe / "ran"), 0755);
  WriteFile(safe / "check.sh", "#!/bin/sh\nexit 0\n", 0755);
  GlobalDefs global;
  global.enable_script_security = true;
  global.script_user = "root";  // named: allowed to run as root when the file is safe
  Recorder rec;
  ScriptChecker checker(*loop, runner,
                        {Script("insecure", unsafe / "check.sh", absl::Milliseconds(50)),
                         Script("secure", safe / "check.sh", absl::Milliseconds(50))},
                        global, rec.OnChange(), rec.Log());
  checker.Start();
  // Out of tracking, as keepalived: not failed (its weight would apply), not pending.
  CHECK(checker.status("insecure") == ScriptStatus::kDisabled);
  CHECK_FALSE(checker.failed("insecure"));
  CHECK_FALSE(checker.pending("insecure"));
  REQUIRE(rec.logs.size() == 1);
  CHECK(rec.logs[0] == fmt::format("VRRP_Script(insecure) disabled: '{}' is writable by everyone "
                                   "(enable_script_security)",
                                   unsafe.path()));
  CHECK(rec.changes.empty());  // reported from the loop, not from inside Start
  RunFor(*loop, absl::Milliseconds(300));
  REQUIRE(rec.changes.size() == 2);
  // Either may come first: both are ready on the loop's first turn.
  const bool insecure_first = rec.changes[0].name == "insecure";
  const Recorder::Change& insecure = rec.changes[insecure_first ? 0 : 1];
  const Recorder::Change& secure = rec.changes[insecure_first ? 1 : 0];
  CHECK(insecure.name == "insecure");
  CHECK(insecure.status == ScriptStatus::kDisabled);
  CHECK(insecure.last.outcome == ProcessResult::Outcome::kFailedToStart);
  CHECK(secure.name == "secure");
  CHECK(secure.status == ScriptStatus::kGood);
  CHECK_FALSE(std::filesystem::exists(unsafe / "ran"));
  CHECK(rec.logs.size() == 2);  // + "VRRP_Script(secure) succeeded", nothing more on insecure
}

TEST_CASE("vrrpd script checker: with script security and no script user, nothing runs as root") {
  if (geteuid() != 0 || KeepalivedScriptUserExists()) {
    WARN("skipped: needs root, and no keepalived_script user");
    return;
  }
  auto loop = NewLoop();
  ProcessRunner runner(*loop);
  TempDir dir;
  WriteFile(dir / "check.sh", fmt::format("#!/bin/sh\ntouch {}\n", dir / "ran"), 0755);
  GlobalDefs global;
  global.enable_script_security = true;
  Recorder rec;
  VrrpScript named_root = Script("named_root", dir / "check.sh", absl::Milliseconds(50));
  named_root.user = "root";
  ScriptChecker checker(
      *loop, runner, {Script("default_user", dir / "check.sh", absl::Milliseconds(50)), named_root},
      global, rec.OnChange(), rec.Log());
  checker.Start();
  CHECK(checker.status("default_user") == ScriptStatus::kDisabled);
  CHECK_FALSE(checker.failed("default_user"));
  REQUIRE(WaitFor(*loop, [&] { return checker.status("named_root") == ScriptStatus::kGood; }));
  CHECK(rec.logs.front() ==
        "VRRP_Script(default_user) disabled: no script user: neither the script nor "
        "script_user names one and user keepalived_script does not exist, and it must not run "
        "as root by default (enable_script_security)");
}

TEST_CASE("vrrpd script checker: unknown names") {
  auto loop = NewLoop();
  ProcessRunner runner(*loop);
  ScriptChecker checker(*loop, runner, {}, GlobalDefs{}, nullptr, nullptr);
  checker.Start();
  CHECK(checker.status("nope") == ScriptStatus::kInit);
  CHECK_FALSE(checker.failed("nope"));
  CHECK_FALSE(checker.pending("nope"));
  CHECK(checker.statuses().empty());
}

}  // namespace
}  // namespace vrrp::keepalived
