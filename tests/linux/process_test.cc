#include "vrrp/linux/process.h"

#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "fmt/format.h"
#include "support/process_support.h"
#include "vrrp/linux/event_loop.h"

namespace vrrp::os {
namespace {

using test::NewLoop;
using test::ReadFile;
using test::TempDir;
using test::WaitFor;
using test::WriteFile;

using Outcome = ProcessResult::Outcome;
using vrrp::os::EventLoop;

ProcessResult RunToEnd(EventLoop& loop, ProcessRunner& runner, const CommandSpec& spec,
                       const std::vector<std::string>& args = {},
                       absl::Duration timeout = absl::Seconds(10)) {
  std::optional<ProcessResult> result;
  int calls = 0;
  runner.Run(spec, args, timeout, [&](const ProcessResult& r) {
    ++calls;
    result = r;
  });
  CHECK(calls == 0);  // never from inside Run
  REQUIRE(WaitFor(loop, [&] { return result.has_value(); }));
  CHECK(calls == 1);
  return *result;
}

// Whether `pid` is gone or dead (a zombie waiting for its new parent).
bool Dead(pid_t pid) {
  std::ifstream stat(fmt::format("/proc/{}/stat", pid));
  if (!stat) return true;
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const size_t paren = text.rfind(')');
  return paren == std::string::npos || paren + 2 >= text.size() || text[paren + 2] == 'Z' ||
         text[paren + 2] == 'X';
}

bool WaitDead(pid_t pid) {
  for (int i = 0; i < 500 && !Dead(pid); ++i) usleep(10'000);
  return Dead(pid);
}

pid_t ReadPid(const std::string& path) {
  const std::string text = ReadFile(path);
  return text.empty() ? -1 : static_cast<pid_t>(std::stol(text));
}

TEST_CASE("vrrpd process: CommandArgv splits a plain command as sh would but without one") {
  using V = std::vector<std::string>;
  CHECK(CommandArgv("/usr/bin/pgrep nginx", {}) == V{"/usr/bin/pgrep", "nginx"});
  CHECK(CommandArgv("  a \t b   c  ", {}) == V{"a", "b", "c"});
  CHECK(CommandArgv("a 'b c' \"d e\" f\\ g", {}) == V{"a", "b c", "d e", "f g"});
  CHECK(CommandArgv("a '' \"\" b", {}) == V{"a", "", "", "b"});
  CHECK(CommandArgv("a b'c d'e\"f g\"", {}) == V{"a", "bc def g"});
  // In double quotes a backslash escapes only " \ $ ` and newline; in single quotes nothing.
  CHECK(CommandArgv(R"(a "x\"y\\z\q" 'p\q')", {}) == V{"a", R"(x"y\z\q)", R"(p\q)"});
  CHECK(CommandArgv("a\\", {}) == V{"a\\"});
  CHECK(CommandArgv("/etc/keepalived/notify.sh --flag=1", {"INSTANCE", "VI 1", "MASTER", "150"}) ==
        V{"/etc/keepalived/notify.sh", "--flag=1", "INSTANCE", "VI 1", "MASTER", "150"});
  CHECK(CommandArgv("   ", {}).empty());
}

TEST_CASE("vrrpd process: a command that needs a shell goes to /bin/sh with extra args as $1..") {
  using V = std::vector<std::string>;
  CHECK(CommandArgv("pgrep nginx | wc -l", {"x", "y"}) ==
        V{"/bin/sh", "-c", "pgrep nginx | wc -l", "vrrpd-sh", "x", "y"});
  // clang-format off
  const std::string_view needs_shell[] = {
      "a | b", "a & b", "a; b", "a < f", "a > f", "(a)", "echo $HOME", "echo `id`", "ls *",
      "ls ?", "ls [ab]", "cd ~", "echo {a,b}", "! pgrep x", "a # comment", "a\nb",
      "echo 'unterminated", "echo \"unterminated", "exit 1", "cd /tmp", "exec foo",
      "FOO=1 cmd", "if true", ". /etc/profile"};
  // clang-format on
  for (std::string_view command : needs_shell) {
    INFO(command);
    CHECK(NeedsShell(command));
    CHECK(CommandArgv(command, {}).at(0) == "/bin/sh");
  }
  for (std::string_view command : {"test -f /x", "/usr/bin/x --opt=1 a=b", "true", "killall -0 x",
                                   "/bin/echo 'a b'", "=x y"}) {
    INFO(command);
    CHECK_FALSE(NeedsShell(command));
  }
}

TEST_CASE("vrrpd process: Describe says what happened to a process") {
  ProcessResult r;
  CHECK(Describe(r) == "exited with status 0");
  CHECK(r.success());
  r.status = 1;
  CHECK(Describe(r) == "exited with status 1");
  CHECK_FALSE(r.success());
  r.outcome = Outcome::kSignalled;
  r.status = SIGKILL;
  CHECK(Describe(r) == "killed by signal 9 (SIGKILL)");
  r.outcome = Outcome::kTimedOut;
  r.timeout = absl::Seconds(2);
  CHECK(Describe(r) == "timed out after 2s");
  r.outcome = Outcome::kFailedToStart;
  r.error = absl::NotFoundError("unknown user 'x'");
  CHECK(Describe(r) == "could not start: unknown user 'x'");
  CHECK_FALSE(r.success());
}

TEST_CASE("vrrpd process: ProcessRunner reports exit statuses") {
  auto loop = NewLoop();
  ProcessRunner runner(*loop);

  ProcessResult ok = RunToEnd(*loop, runner, {"/bin/true", "", ""});
  CHECK(ok.outcome == Outcome::kExited);
  CHECK(ok.status == 0);
  CHECK(ok.success());
  CHECK(ok.elapsed >= absl::ZeroDuration());

  ProcessResult fail = RunToEnd(*loop, runner, {"/bin/false", "", ""});
  CHECK(fail.outcome == Outcome::kExited);
  CHECK(fail.status == 1);
  CHECK(Describe(fail) == "exited with status 1");

  // Through the shell, and a PATH search without one.
  CHECK(RunToEnd(*loop, runner, {"exit 3", "", ""}).status == 3);
  CHECK(RunToEnd(*loop, runner, {"true", "", ""}).success());
  CHECK(runner.running() == 0);
}

TEST_CASE("vrrpd process: a program that cannot be executed is a start failure") {
  auto loop = NewLoop();
  ProcessRunner runner(*loop);
  ProcessResult missing = RunToEnd(*loop, runner, {"/nonexistent/vrrpd-test-binary --x", "", ""});
  CHECK(missing.outcome == Outcome::kFailedToStart);
  CHECK(missing.error.code() == absl::StatusCode::kNotFound);
  CHECK(Describe(missing) ==
        "could not start: exec /nonexistent/vrrpd-test-binary: No such file or directory");

  ProcessResult not_in_path = RunToEnd(*loop, runner, {"vrrpd-no-such-command-xyz", "", ""});
  CHECK(not_in_path.outcome == Outcome::kFailedToStart);
  CHECK_THAT(std::string(not_in_path.error.message()),
             Catch::Contains("vrrpd-no-such-command-xyz"));

  TempDir dir;
  ProcessResult not_executable = RunToEnd(*loop, runner, {dir.path(), "", ""});
  CHECK(not_executable.outcome == Outcome::kFailedToStart);
  CHECK(not_executable.error.code() == absl::StatusCode::kPermissionDenied);

  ProcessResult empty = RunToEnd(*loop, runner, {"  ", "", ""});
  CHECK(empty.outcome == Outcome::kFailedToStart);
}

TEST_CASE("vrrpd process: ProcessRunner kills the whole process group at the timeout") {
  auto loop = NewLoop();
  ProcessRunner runner(*loop);

  ProcessResult slow = RunToEnd(*loop, runner, {"sleep 5", "", ""}, {}, absl::Milliseconds(200));
  CHECK(slow.outcome == Outcome::kTimedOut);
  CHECK(slow.status == SIGKILL);
  CHECK(Describe(slow) == "timed out after 200ms");
  CHECK(slow.elapsed < absl::Seconds(5));

  // The command's own children die with it.
  TempDir dir;
  const std::string command =
      fmt::format("sleep 30 & echo $! > {}; echo $$ > {}; sleep 30", dir / "bg", dir / "sh");
  ProcessResult group = RunToEnd(*loop, runner, {command, "", ""}, {}, absl::Milliseconds(300));
  CHECK(group.outcome == Outcome::kTimedOut);
  const pid_t background = ReadPid(dir / "bg");
  const pid_t shell = ReadPid(dir / "sh");
  REQUIRE(background > 0);
  REQUIRE(shell > 0);
  CHECK(WaitDead(background));
  CHECK(WaitDead(shell));
  CHECK(runner.running() == 0);
}

TEST_CASE("vrrpd process: ProcessRunner passes extra arguments (to a shell as $1..$n)") {
  auto loop = NewLoop();
  ProcessRunner runner(*loop);
  TempDir dir;

  const std::string shell = fmt::format("printf '%s|' \"$@\" > {}", dir / "args");
  REQUIRE(
      RunToEnd(*loop, runner, {shell, "", ""}, {"INSTANCE", "VI 1", "MASTER", "150"}).success());
  CHECK(ReadFile(dir / "args") == "INSTANCE|VI 1|MASTER|150|");

  const std::string direct = fmt::format("/usr/bin/touch {}", dir / "a");
  REQUIRE(RunToEnd(*loop, runner, {direct, "", ""}, {dir / "b"}).success());
  CHECK(std::filesystem::exists(dir / "a"));
  CHECK(std::filesystem::exists(dir / "b"));
}

TEST_CASE("vrrpd process: a child starts with all signals unblocked and at their default") {
  auto loop = NewLoop();
  ProcessRunner runner(*loop);

  // The daemon blocks SIGTERM for its signalfd and may ignore others.
  sigset_t term, old_mask;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  REQUIRE(pthread_sigmask(SIG_BLOCK, &term, &old_mask) == 0);
  struct sigaction ignore {
  }, old_usr1{};
  ignore.sa_handler = SIG_IGN;
  REQUIRE(sigaction(SIGUSR1, &ignore, &old_usr1) == 0);

  ProcessResult termed = RunToEnd(*loop, runner, {"kill -TERM $$; sleep 1", "", ""});
  ProcessResult usr1 = RunToEnd(*loop, runner, {"kill -USR1 $$; sleep 1", "", ""});

  sigaction(SIGUSR1, &old_usr1, nullptr);
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);

  CHECK(termed.outcome == Outcome::kSignalled);
  CHECK(termed.status == SIGTERM);
  CHECK(usr1.outcome == Outcome::kSignalled);
  CHECK(usr1.status == SIGUSR1);
}

TEST_CASE("vrrpd process: a child inherits no fd but /dev/null as stdio and runs from /") {
  auto loop = NewLoop();
  ProcessRunner runner(*loop);
  TempDir dir;

  // An fd the daemon forgot to mark close-on-exec.
  const int leaky = open("/dev/null", O_RDONLY);
  REQUIRE(leaky >= 0);
  REQUIRE(dup2(leaky, 42) == 42);
  close(leaky);

  const std::string command = fmt::format(
      "{{ readlink /proc/$$/fd/0; readlink /proc/$$/fd/2; readlink /proc/$$/cwd; "
      "if [ -e /proc/$$/fd/42 ]; then echo leaked; else echo clean; fi; }} > {}",
      dir / "out");
  ProcessResult r = RunToEnd(*loop, runner, {command, "", ""});
  close(42);
  REQUIRE(r.success());
  CHECK(ReadFile(dir / "out") == "/dev/null\n/dev/null\n/\nclean\n");
}

TEST_CASE("vrrpd process: a child runs as the configured user") {
  auto loop = NewLoop();
  ProcessRunner runner(*loop);

  SECTION("an unknown user or group never starts") {
    ProcessResult r = RunToEnd(*loop, runner, {"/bin/true", "vrrpd-no-such-user", ""});
    CHECK(r.outcome == Outcome::kFailedToStart);
    CHECK(r.error.code() == absl::StatusCode::kNotFound);
    CHECK(Describe(r) == "could not start: unknown user 'vrrpd-no-such-user'");
    ProcessResult g = RunToEnd(*loop, runner, {"/bin/true", "root", "vrrpd-no-such-group"});
    CHECK(g.outcome == Outcome::kFailedToStart);
    CHECK(Describe(g) == "could not start: unknown group 'vrrpd-no-such-group'");
  }

  SECTION("nobody, with its own group and no supplementary group") {
    if (geteuid() != 0) {
      WARN("skipped: needs root");
      return;
    }
    absl::StatusOr<Credentials> nobody = ResolveCredentials("nobody", "");
    REQUIRE(nobody.ok());
    TempDir dir;
    REQUIRE(chmod(dir.path().c_str(), 0777) == 0);
    const std::string command = fmt::format("{{ id -u; id -g; id -G; }} > {}", dir / "id");
    ProcessResult r = RunToEnd(*loop, runner, {command, "nobody", ""});
    REQUIRE(r.success());
    CHECK(ReadFile(dir / "id") ==
          fmt::format("{}\n{}\n{}\n", nobody->uid, nobody->gid, nobody->gid));
  }

  SECTION("without privilege another user is a start failure, not an exit status") {
    if (geteuid() == 0) return;  // root may become anyone
    ProcessResult r = RunToEnd(*loop, runner, {"/bin/true", "root", ""});
    CHECK(r.outcome == Outcome::kFailedToStart);
    CHECK(Describe(r) ==
          "could not start: cannot switch to user 'root': setgroups: Operation not permitted");
  }

  SECTION("a user given by the daemon's own name needs no privilege") {
    const passwd* me = getpwuid(geteuid());
    REQUIRE(me != nullptr);
    CHECK(RunToEnd(*loop, runner, {"/bin/true", me->pw_name, ""}).success());
  }
}

TEST_CASE("vrrpd process: ResolveCredentials follows keepalived's user and :group") {
  absl::StatusOr<Credentials> root = ResolveCredentials("root", "");
  REQUIRE(root.ok());
  CHECK(root->uid == 0);
  CHECK(root->gid == 0);
  CHECK(root->groups == std::vector<gid_t>{0});
  absl::StatusOr<Credentials> with_group = ResolveCredentials("root", "nogroup");
  REQUIRE(with_group.ok());
  CHECK(with_group->gid != 0);
  CHECK(with_group->groups == std::vector<gid_t>{with_group->gid});
  // ':' asks for the user's supplementary groups too; the primary group is always among them.
  absl::StatusOr<Credentials> supplementary = ResolveCredentials("root", ":");
  REQUIRE(supplementary.ok());
  CHECK(supplementary->gid == 0);
  CHECK(std::count(supplementary->groups.begin(), supplementary->groups.end(), 0u) == 1);
  CHECK(ResolveCredentials("vrrpd-no-such-user", "").status().code() ==
        absl::StatusCode::kNotFound);
}

TEST_CASE("vrrpd process: ProcessRunner runs many children at once and leaves no zombie") {
  auto loop = NewLoop();
  ProcessRunner runner(*loop);
  int done = 0;
  for (int i = 0; i < 10; ++i) {
    runner.Run({"/bin/true", "", ""}, {}, absl::Seconds(10), [&](const ProcessResult& r) {
      CHECK(r.success());
      ++done;
    });
  }
  CHECK(runner.running() == 10);
  REQUIRE(WaitFor(*loop, [&] { return done == 10; }));
  CHECK(runner.running() == 0);
  // Every child was reaped: none is left for waitpid.
  errno = 0;
  CHECK(waitpid(-1, nullptr, WNOHANG) == -1);
  CHECK(errno == ECHILD);
}

TEST_CASE("vrrpd process: Drain waits for the children and what their callbacks start") {
  auto loop = NewLoop();
  ProcessRunner runner(*loop);
  std::vector<std::string> order;
  runner.Run({"sleep 0.2", "", ""}, {}, absl::Seconds(10), [&](const ProcessResult& r) {
    order.push_back("sleep");
    CHECK(r.success());
    // A notify queue moving on during shutdown.
    runner.Run({"/bin/true", "", ""}, {}, absl::Seconds(10),
               [&](const ProcessResult&) { order.push_back("chained"); });
  });
  runner.Run({"/bin/true", "vrrpd-no-such-user", ""}, {}, absl::Seconds(10),
             [&](const ProcessResult& r) {
               CHECK(r.outcome == Outcome::kFailedToStart);
               order.push_back("failed");
             });
  // The daemon stops its loop before draining: Drain must not depend on it.
  loop->Stop();
  CHECK(runner.Drain(absl::Seconds(10)) == 0);
  CHECK(order == std::vector<std::string>{"failed", "sleep", "chained"});
  CHECK(runner.running() == 0);
}

TEST_CASE("vrrpd process: Drain kills what still runs when time is up and drops its Done") {
  auto loop = NewLoop();
  ProcessRunner runner(*loop);
  TempDir dir;
  bool called = false;
  runner.Run({fmt::format("echo $$ > {}; exec sleep 30", dir / "pid"), "", ""}, {},
             absl::Seconds(60), [&](const ProcessResult&) { called = true; });
  CHECK(runner.Drain(absl::Milliseconds(200)) == 1);
  CHECK_FALSE(called);
  CHECK(runner.running() == 0);
  const pid_t pid = ReadPid(dir / "pid");
  if (pid > 0) CHECK(Dead(pid));  // reaped: not even a zombie is left
}

TEST_CASE("vrrpd process: Drain still applies each child's timeout") {
  auto loop = NewLoop();
  ProcessRunner runner(*loop);
  std::optional<ProcessResult> result;
  runner.Run({"sleep 30", "", ""}, {}, absl::Milliseconds(100),
             [&](const ProcessResult& r) { result = r; });
  CHECK(runner.Drain(absl::Seconds(10)) == 0);
  REQUIRE(result.has_value());
  CHECK(result->outcome == Outcome::kTimedOut);
}

TEST_CASE("vrrpd process: SignalAll signals every child, whose Done still comes") {
  auto loop = NewLoop();
  ProcessRunner runner(*loop);
  TempDir dir;
  CHECK(runner.SignalAll(SIGTERM) == 0);
  // One that catches SIGTERM and exits 3; one that dies of it. Each says when it is ready.
  std::vector<ProcessResult> results;
  runner.Run({fmt::format("trap 'exit 3' TERM; touch {}; while :; do sleep 0.01; done", dir / "a"),
              "", ""},
             {}, absl::Seconds(30), [&](const ProcessResult& r) { results.push_back(r); });
  runner.Run({fmt::format("touch {}; exec sleep 30", dir / "b"), "", ""}, {}, absl::Seconds(30),
             [&](const ProcessResult& r) { results.push_back(r); });
  REQUIRE(WaitFor(*loop, [&] {
    return std::filesystem::exists(dir / "a") && std::filesystem::exists(dir / "b");
  }));
  CHECK(runner.SignalAll(SIGTERM) == 2);
  REQUIRE(WaitFor(*loop, [&] { return results.size() == 2; }));
  std::vector<std::string> described;
  for (const ProcessResult& r : results) described.push_back(Describe(r));
  std::sort(described.begin(), described.end());
  CHECK(described ==
        std::vector<std::string>{"exited with status 3", "killed by signal 15 (SIGTERM)"});
}

TEST_CASE("vrrpd process: destroying the runner kills and reaps its children and drops Done") {
  auto loop = NewLoop();
  TempDir dir;
  bool called = false;
  {
    ProcessRunner runner(*loop);
    runner.Run({fmt::format("echo $$ > {}; exec sleep 30", dir / "pid"), "", ""}, {},
               absl::Seconds(60), [&](const ProcessResult&) { called = true; });
    REQUIRE(WaitFor(*loop, [&] { return ReadPid(dir / "pid") > 0; }));
  }
  CHECK_FALSE(called);
  const pid_t pid = ReadPid(dir / "pid");
  CHECK(Dead(pid));
  // Nothing is left of it for the loop either.
  REQUIRE(loop->RunOnce(absl::Milliseconds(50)).ok());
  CHECK_FALSE(called);
}

}  // namespace
}  // namespace vrrp::os
