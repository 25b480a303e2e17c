#include "vrrp/linux/process.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <optional>
#include <system_error>

#include "fmt/format.h"

namespace vrrp::os {
namespace {

std::string ErrorText(int error) {
  return std::error_code(error, std::generic_category()).message();
}

absl::Status ErrnoStatus(int error, std::string message) {
  return absl::Status(absl::ErrnoToStatusCode(error), message);
}

// --- Splitting a command line ------------------------------------------------------------------

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// The command's words as sh would split them when no expansion is involved; nullopt for an
// unterminated quote (left to the shell, which reports it).
std::optional<std::vector<std::string>> SplitWords(std::string_view s) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (IsBlank(c)) {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    if (c == '\\') {
      // A trailing backslash stays itself, as in sh.
      word += i + 1 < s.size() ? s[++i] : '\\';
    } else if (c == '\'') {
      const size_t end = s.find('\'', i + 1);
      if (end == std::string_view::npos) return std::nullopt;
      word.append(s.substr(i + 1, end - i - 1));
      i = end;
    } else if (c == '"') {
      // Inside double quotes a backslash only escapes $ ` " \ and newline.
      size_t j = i + 1;
      for (; j < s.size() && s[j] != '"'; ++j) {
        if (s[j] == '\\' && j + 1 < s.size() &&
            std::string_view("$`\"\\\n").find(s[j + 1]) != std::string_view::npos) {
          ++j;
        }
        word += s[j];
      }
      if (j >= s.size()) return std::nullopt;
      i = j;
    } else {
      word += c;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

// Words that only mean something to a shell: keywords and builtins with no program behind them.
bool IsShellWord(std::string_view word) {
  static constexpr std::string_view kWords[] = {
      "if",       "then",    "else",  "elif",  "fi",       "case",   "esac",  "for",      "while",
      "until",    "do",      "done",  "in",    "function", "select", "time",  "cd",       "exit",
      "export",   "source",  ".",     "eval",  "exec",     "set",    "unset", "trap",     "ulimit",
      "umask",    "read",    "wait",  "alias", "shift",    "return", "break", "continue", "local",
      "readonly", "getopts", "times", "hash",  "type",     "command"};
  return std::find(std::begin(kWords), std::end(kWords), word) != std::end(kWords);
}

// `NAME=value cmd`: an environment assignment only a shell performs.
bool IsAssignment(std::string_view word) {
  const size_t eq = word.find('=');
  if (eq == 0 || eq == std::string_view::npos) return false;
  if (std::isdigit(static_cast<unsigned char>(word[0]))) return false;
  return std::all_of(word.begin(), word.begin() + static_cast<std::ptrdiff_t>(eq), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

// --- The child ---------------------------------------------------------------------------------

// What the child reports through its close-on-exec pipe when it cannot reach exec.
enum class Stage : int { kDevNull, kChdir, kSetgroups, kSetgid, kSetuid, kVerify, kExec };
struct ChildError {
  Stage stage;
  int error;
};

// Everything the child needs, prepared before fork so that the child only makes system calls.
struct ChildPlan {
  std::vector<std::string> args;
  std::vector<char*> argv;  // into args, null-terminated
  bool switch_user = false;
  Credentials credentials;
  pid_t parent = 0;
  int max_fd = 1 << 16;
};

[[noreturn]] void ChildFail(int report_fd, Stage stage, int error) {
  const ChildError e{stage, error};
  (void)!write(report_fd, &e, sizeof(e));
  _exit(127);
}

void ResetSignals() {
  // exec keeps ignored signals ignored and the blocked mask as it is: a script started by a
  // daemon that ignores SIGPIPE and blocks SIGTERM would never die of either.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) sigaction(sig, &dfl, nullptr);
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
}

void CloseOtherFds(int keep, int max_fd) {
  const auto close_from_to = [max_fd](int first, int last) {
    if (first > last) return;
    if (close_range(static_cast<unsigned>(first), static_cast<unsigned>(last), 0) == 0) return;
    for (int fd = first; fd <= std::min(last, max_fd); ++fd) close(fd);
  };
  close_from_to(3, keep - 1);
  close_from_to(keep + 1, INT_MAX);
}

void SwitchUser(const Credentials& c, int report_fd) {
  if (setgroups(c.groups.size(), c.groups.data()) != 0)
    ChildFail(report_fd, Stage::kSetgroups, errno);
  if (setresgid(c.gid, c.gid, c.gid) != 0) ChildFail(report_fd, Stage::kSetgid, errno);
  if (setresuid(c.uid, c.uid, c.uid) != 0) ChildFail(report_fd, Stage::kSetuid, errno);
  // Verify, so that a half-dropped privilege never runs a script.
  uid_t ru, eu, su;
  gid_t rg, eg, sg;
  if (getresuid(&ru, &eu, &su) != 0 || ru != c.uid || eu != c.uid || su != c.uid ||
      getresgid(&rg, &eg, &sg) != 0 || rg != c.gid || eg != c.gid || sg != c.gid ||
      (c.uid != 0 && setuid(0) == 0)) {
    ChildFail(report_fd, Stage::kVerify, EPERM);
  }
}

[[noreturn]] void ChildMain(const ChildPlan& plan, int report_fd) {
  ResetSignals();
  setpgid(0, 0);  // our own group: a timeout kills whatever the command started too
  // Keep the report pipe clear of 0..2, which are about to become /dev/null.
  if (report_fd < 3) report_fd = fcntl(report_fd, F_DUPFD_CLOEXEC, 3);
  if (report_fd < 0) _exit(127);
  const int null_fd = open("/dev/null", O_RDWR);
  if (null_fd < 0) ChildFail(report_fd, Stage::kDevNull, errno);
  for (int fd = 0; fd < 3; ++fd) {
    if (null_fd != fd && dup2(null_fd, fd) < 0) ChildFail(report_fd, Stage::kDevNull, errno);
  }
  if (null_fd > 2) close(null_fd);
  CloseOtherFds(report_fd, plan.max_fd);
  if (chdir("/") != 0) ChildFail(report_fd, Stage::kChdir, errno);
  if (plan.switch_user) SwitchUser(plan.credentials, report_fd);
  // A daemon run unprivileged with ambient capabilities (vrrpd's unit: CAP_NET_RAW,
  // CAP_NET_ADMIN) would hand them to every script it runs as itself; keepalived's scripts run
  // as keepalived_script, without root's. Scripts get none. EINVAL (a kernel before 4.3) means
  // there is no ambient set to clear.
  prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  // After the credentials: changing them clears the parent-death signal.
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() != plan.parent) _exit(127);  // the daemon died before prctl
  execvp(plan.argv[0], plan.argv.data());
  ChildFail(report_fd, Stage::kExec, errno);
}

std::string StageMessage(const ChildPlan& plan, const ChildError& e) {
  const std::string why = ErrorText(e.error);
  const auto switching = [&](std::string_view call) {
    return fmt::format("cannot switch to user '{}': {}: {}", plan.credentials.user, call, why);
  };
  switch (e.stage) {
    case Stage::kDevNull:
      return fmt::format("open /dev/null: {}", why);
    case Stage::kChdir:
      return fmt::format("chdir /: {}", why);
    case Stage::kSetgroups:
      return switching("setgroups");
    case Stage::kSetgid:
      return switching("setgid");
    case Stage::kSetuid:
      return switching("setuid");
    case Stage::kVerify:
      return switching("credentials not as asked");
    case Stage::kExec:
      return fmt::format("exec {}: {}", plan.args[0], why);
  }
  return why;
}

// --- User and group lookups ---------------------------------------------------------------------

size_t LookupBufferSize(int name) {
  const long size = sysconf(name);
  return size > 0 ? static_cast<size_t>(size) : 16384;
}

template <typename Entry, typename Lookup>
absl::StatusOr<bool> LookUp(Lookup lookup, int size_name, Entry& entry, std::vector<char>& buffer) {
  buffer.resize(LookupBufferSize(size_name));
  for (;;) {
    Entry* found = nullptr;
    const int error = lookup(&entry, buffer.data(), buffer.size(), &found);
    if (error == ERANGE && buffer.size() < (1u << 20)) {
      buffer.resize(buffer.size() * 2);
      continue;
    }
    // getpwnam_r reports "no such name" as 0 with a null result, or with ENOENT and friends.
    if (found != nullptr) return true;
    if (error == 0 || error == ENOENT || error == ESRCH || error == EBADF || error == EPERM) {
      return false;
    }
    return ErrnoStatus(error, ErrorText(error));
  }
}

}  // namespace

bool NeedsShell(std::string_view command) {
  if (command.find_first_of("|&;<>()$`*?[]~{}!#\n") != std::string_view::npos) return true;
  std::optional<std::vector<std::string>> words = SplitWords(command);
  if (!words) return true;
  if (words->empty()) return false;
  return IsShellWord(words->front()) || IsAssignment(words->front());
}

std::vector<std::string> CommandArgv(std::string_view command,
                                     const std::vector<std::string>& extra_args) {
  std::vector<std::string> argv;
  if (NeedsShell(command)) {
    argv = {"/bin/sh", "-c", std::string(command), "vrrpd-sh"};
  } else {
    argv = *SplitWords(command);
  }
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  return argv;
}

absl::StatusOr<Credentials> ResolveCredentials(const std::string& user, const std::string& group) {
  Credentials c;
  c.user = user;
  passwd pw{};
  std::vector<char> pw_buffer;
  absl::StatusOr<bool> found =
      LookUp<passwd>([&](passwd* e, char* b, size_t n,
                         passwd** r) { return getpwnam_r(user.c_str(), e, b, n, r); },
                     _SC_GETPW_R_SIZE_MAX, pw, pw_buffer);
  if (!found.ok()) {
    return absl::InternalError(
        fmt::format("looking up user '{}': {}", user, std::string(found.status().message())));
  }
  if (!*found) return absl::NotFoundError(fmt::format("unknown user '{}'", user));
  c.uid = pw.pw_uid;
  c.gid = pw.pw_gid;

  // keepalived.conf(5): "If the groupname is preceded by a ':' character, then the supplementary
  // groups of the user executing the script will be set"; otherwise the group alone.
  std::string_view group_name = group;
  const bool supplementary = !group_name.empty() && group_name.front() == ':';
  if (supplementary) group_name.remove_prefix(1);
  if (!group_name.empty()) {
    struct group gr {};
    std::vector<char> gr_buffer;
    const std::string name(group_name);
    absl::StatusOr<bool> group_found =
        LookUp<struct group>([&](struct group* e, char* b, size_t n,
                                 struct group** r) { return getgrnam_r(name.c_str(), e, b, n, r); },
                             _SC_GETGR_R_SIZE_MAX, gr, gr_buffer);
    if (!group_found.ok()) {
      return absl::InternalError(fmt::format("looking up group '{}': {}", name,
                                             std::string(group_found.status().message())));
    }
    if (!*group_found) return absl::NotFoundError(fmt::format("unknown group '{}'", name));
    c.gid = gr.gr_gid;
  }

  c.groups = {c.gid};
  if (supplementary) {
    int count = 32;
    for (;;) {
      std::vector<gid_t> groups(static_cast<size_t>(count));
      if (getgrouplist(user.c_str(), c.gid, groups.data(), &count) >= 0) {
        groups.resize(static_cast<size_t>(count));
        c.groups = std::move(groups);
        break;
      }
      if (count <= static_cast<int>(groups.size())) count = static_cast<int>(groups.size()) * 2;
    }
  }
  return c;
}

std::string Describe(const ProcessResult& result) {
  using Outcome = ProcessResult::Outcome;
  switch (result.outcome) {
    case Outcome::kExited:
      if (!result.error.ok()) return std::string(result.error.message());
      return fmt::format("exited with status {}", result.status);
    case Outcome::kSignalled: {
      const char* name = sigabbrev_np(result.status);
      if (name == nullptr) return fmt::format("killed by signal {}", result.status);
      return fmt::format("killed by signal {} (SIG{})", result.status, name);
    }
    case Outcome::kTimedOut:
      return fmt::format("timed out after {}", absl::FormatDuration(result.timeout));
    case Outcome::kFailedToStart:
      return fmt::format("could not start: {}", std::string(result.error.message()));
  }
  return "unknown outcome";
}

ProcessRunner::ProcessRunner(vrrp::os::EventLoop& loop) : loop_(loop) {}

ProcessRunner::~ProcessRunner() {
  KillAll();
  if (flush_timer_ != 0) loop_.CancelTimer(flush_timer_);
}

void ProcessRunner::Run(const CommandSpec& spec, const std::vector<std::string>& extra_args,
                        absl::Duration timeout, Done done) {
  const bool has_timeout = timeout > absl::ZeroDuration() && timeout != absl::InfiniteDuration();
  if (!has_timeout) timeout = absl::InfiniteDuration();

  ChildPlan plan;
  plan.args = CommandArgv(spec.command, extra_args);
  if (plan.args.empty()) {
    return FailLater(std::move(done), absl::InvalidArgumentError("empty command"), timeout);
  }
  for (std::string& arg : plan.args) plan.argv.push_back(arg.data());
  plan.argv.push_back(nullptr);
  if (!spec.user.empty()) {
    absl::StatusOr<Credentials> credentials = ResolveCredentials(spec.user, spec.group);
    if (!credentials.ok()) return FailLater(std::move(done), credentials.status(), timeout);
    plan.credentials = std::move(*credentials);
    // Root switches even to itself, to drop supplementary groups it should not pass on; anyone
    // else can only "switch" to who it already is.
    plan.switch_user =
        geteuid() == 0 || plan.credentials.uid != geteuid() || plan.credentials.gid != getegid();
  }
  plan.parent = getpid();
  if (const long max_fd = sysconf(_SC_OPEN_MAX); max_fd > 0) {
    plan.max_fd = static_cast<int>(std::min<long>(max_fd, INT_MAX));
  }

  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) {
    const int e = errno;
    return FailLater(std::move(done), ErrnoStatus(e, "pipe: " + ErrorText(e)), timeout);
  }
  vrrp::os::UniqueFd report_read(report[0]);
  vrrp::os::UniqueFd report_write(report[1]);

  const absl::Time start = loop_.Now();
  const pid_t pid = fork();
  if (pid < 0) {
    const int e = errno;
    return FailLater(std::move(done), ErrnoStatus(e, "fork: " + ErrorText(e)), timeout);
  }
  if (pid == 0) ChildMain(plan, report_write.get());
  report_write.Reset();

  // The pipe closes at exec (or exit): reading it tells whether the command started.
  ChildError error{};
  ssize_t n;
  do {
    n = read(report_read.get(), &error, sizeof(error));
  } while (n < 0 && errno == EINTR);
  if (n != 0) {
    // A short or failed read cannot tell whether it started: it must not run unwatched.
    if (n != static_cast<ssize_t>(sizeof(error))) kill(pid, SIGKILL);
    while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    absl::Status why = n == static_cast<ssize_t>(sizeof(error))
                           ? ErrnoStatus(error.error, StageMessage(plan, error))
                           : absl::InternalError("could not tell whether the child started");
    return FailLater(std::move(done), std::move(why), timeout);
  }

  const uint64_t id = next_id_++;
  Child& child = children_[id];
  child.pid = pid;
  child.start = start;
  child.timeout = timeout;
  child.done = std::move(done);
  child.pidfd.Reset(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));
  const int pidfd_error = errno;
  absl::Status watched = child.pidfd.valid()
                             ? loop_.Watch(child.pidfd.get(), [this, id](uint32_t) { OnExit(id); })
                             : ErrnoStatus(pidfd_error, "pidfd_open: " + ErrorText(pidfd_error));
  if (!watched.ok()) {
    // Without a way to learn of its exit the child cannot be run: stop it now.
    kill(pid, SIGKILL);
    while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    Done failed = std::move(child.done);
    children_.erase(id);
    return FailLater(std::move(failed), std::move(watched), timeout);
  }
  child.watched = true;
  if (has_timeout) {
    child.deadline = start + timeout;
    child.timer = loop_.AddTimer(child.deadline, [this, id] { OnTimeout(id); });
  }
}

void ProcessRunner::FailLater(Done done, absl::Status error, absl::Duration timeout) {
  ProcessResult result;
  result.outcome = ProcessResult::Outcome::kFailedToStart;
  result.error = std::move(error);
  result.elapsed = absl::ZeroDuration();
  result.timeout = timeout;
  Deliver(std::move(done), std::move(result));
}

void ProcessRunner::Deliver(Done done, ProcessResult result) {
  delivered_.emplace_back(std::move(done), std::move(result));
  if (flush_timer_ == 0) {
    flush_timer_ = loop_.AddTimer(loop_.Now(), [this] {
      flush_timer_ = 0;
      FlushDelivered();
    });
  }
}

void ProcessRunner::FlushDelivered() {
  // Only what is queued now: a Done that runs a failing command again queues a result that
  // waits for the next turn instead of looping here forever.
  for (size_t n = delivered_.size(); n > 0 && !delivered_.empty(); --n) {
    auto [done, result] = std::move(delivered_.front());
    delivered_.pop_front();
    if (done) done(result);
  }
}

void ProcessRunner::OnExit(uint64_t id) {
  auto it = children_.find(id);
  if (it == children_.end()) return;
  siginfo_t info{};
  if (waitid(P_PID, static_cast<id_t>(it->second.pid), &info, WEXITED | WNOHANG) < 0) {
    if (errno == EINTR) return;  // the pidfd stays readable: the loop calls us again
    info.si_pid = it->second.pid;
    info.si_code = 0;  // reaped by someone else: status unknown
  }
  if (info.si_pid == 0) return;  // a stale wake-up: still running
  Finish(it, info);
}

void ProcessRunner::OnTimeout(uint64_t id) {
  auto it = children_.find(id);
  if (it == children_.end()) return;
  Child& child = it->second;
  if (child.timer != 0) loop_.CancelTimer(child.timer);  // when Drain got here first
  child.timer = 0;
  // An exit not yet seen is not a timeout.
  siginfo_t info{};
  if (waitid(P_PID, static_cast<id_t>(child.pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
      info.si_pid != 0) {
    return OnExit(id);
  }
  // The leader is not reaped yet, so its pid is still its group's id: nothing else can be hit.
  kill(-child.pid, SIGKILL);
  kill(child.pid, SIGKILL);  // in case it left its group
  child.timed_out = true;
}

void ProcessRunner::Finish(std::map<uint64_t, Child>::iterator it, const siginfo_t& info) {
  Child child = std::move(it->second);
  children_.erase(it);
  Forget(child);
  ProcessResult result;
  result.elapsed = loop_.Now() - child.start;
  result.timeout = child.timeout;
  result.status = info.si_status;
  if (child.timed_out) {
    result.outcome = ProcessResult::Outcome::kTimedOut;
  } else if (info.si_code == CLD_EXITED) {
    result.outcome = ProcessResult::Outcome::kExited;
  } else if (info.si_code == CLD_KILLED || info.si_code == CLD_DUMPED) {
    result.outcome = ProcessResult::Outcome::kSignalled;
  } else {
    result.outcome = ProcessResult::Outcome::kExited;
    result.status = -1;
    result.error = absl::InternalError("the child was reaped elsewhere: its status is lost");
  }
  if (child.done) child.done(result);
}

void ProcessRunner::Forget(Child& child) {
  if (child.watched) loop_.Unwatch(child.pidfd.get()).IgnoreError();
  child.watched = false;
  child.pidfd.Reset();
  if (child.timer != 0) loop_.CancelTimer(child.timer);
  child.timer = 0;
}

size_t ProcessRunner::KillAll() {
  const size_t killed = children_.size();
  for (auto& [id, child] : children_) {
    kill(-child.pid, SIGKILL);
    kill(child.pid, SIGKILL);
    while (waitpid(child.pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    Forget(child);
  }
  children_.clear();
  return killed;
}

size_t ProcessRunner::SignalAll(int signal) {
  size_t signalled = 0;
  for (const auto& [id, child] : children_) {
    // Not reaped yet, so its pid is still its group's id (see OnTimeout).
    if (kill(-child.pid, signal) == 0 || kill(child.pid, signal) == 0) ++signalled;
  }
  return signalled;
}

size_t ProcessRunner::Drain(absl::Duration max_wait) {
  const absl::Time deadline = loop_.Now() + max_wait;
  for (;;) {
    FlushDelivered();
    if (children_.empty() && delivered_.empty()) return 0;
    const absl::Time now = loop_.Now();
    if (now >= deadline) break;

    std::vector<uint64_t> due;
    for (const auto& [id, child] : children_) {
      if (!child.timed_out && child.deadline <= now) due.push_back(id);
    }
    for (uint64_t id : due) OnTimeout(id);
    if (!delivered_.empty()) continue;

    absl::Time wake = deadline;
    std::vector<pollfd> fds;
    std::vector<uint64_t> ids;
    for (const auto& [id, child] : children_) {
      if (!child.timed_out) wake = std::min(wake, child.deadline);
      fds.push_back({child.pidfd.get(), POLLIN, 0});
      ids.push_back(id);
    }
    const absl::Duration wait = std::clamp(absl::Ceil(wake - now, absl::Milliseconds(1)),
                                           absl::ZeroDuration(), absl::Minutes(1));
    const int ready =
        poll(fds.data(), fds.size(), static_cast<int>(absl::ToInt64Milliseconds(wait)));
    if (ready < 0 && errno != EINTR) break;
    for (size_t i = 0; ready > 0 && i < fds.size(); ++i) {
      if (fds[i].revents != 0) OnExit(ids[i]);
    }
  }
  // Out of time: what finished but was not delivered is dropped with what still runs.
  delivered_.clear();
  return KillAll();
}

}  // namespace vrrp::os
