// ProcessRunner: runs the commands keepalived.conf names (vrrp_script checks, notify_* scripts)
// as child processes of the daemon, asynchronously on its EventLoop.
//
// A child starts clean whatever the daemon does: every signal unblocked and at its default
// action (the daemon blocks SIGTERM, SIGHUP... for its signalfd), its own process group (a
// timeout kills the whole group), stdin/stdout/stderr on /dev/null, no other inherited fd, "/"
// as its directory, the configured user and group, and no ambient capability (a daemon given
// some to run unprivileged does not pass them on). keepalived sends a script SIGTERM when
// the daemon dies (keepalived.conf(5), "Note: All processes/scripts run by keepalived are run
// with parent death signal set to SIGTERM"); so do we.
//
//   vrrp::os::ProcessRunner runner(loop);
//   runner.Run({"/usr/local/bin/check nginx", "nobody", ""}, {}, absl::Seconds(2),
//              [](const vrrp::os::ProcessResult& r) {
//                if (!r.success()) Log(vrrp::os::Describe(r));  // "exited with status 1"
//              });
//   ...
//   runner.Drain(absl::Seconds(5));  // at shutdown: let notify_stop finish
//
// The runner owns its children: nothing else in the process may reap them (no waitpid(-1),
// no SIGCHLD set to SIG_IGN), or their results are lost.
#ifndef VRRP_LINUX_PROCESS_H_
#define VRRP_LINUX_PROCESS_H_

#include <signal.h>
#include <sys/types.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "vrrp/linux/event_loop.h"
#include "vrrp/linux/unique_fd.h"

namespace vrrp::os {

// A command as keepalived.conf gives it: `notify_master "/path/x arg" [user [[:]group]]`.
struct CommandSpec {
  std::string command;
  std::string user;   // empty: keep the daemon's own user, group and supplementary groups
  std::string group;  // with a user: empty means the user's primary group; ":group" or ":"
                      // also sets the user's supplementary groups (keepalived.conf(5))
};

// Whether `command` needs /bin/sh: it has a shell metacharacter (| & ; < > ( ) $ ` * ? [ ] ~
// { } ! # newline), an unterminated quote, or starts with a shell keyword or builtin (`exit 1`,
// `test ...` is a binary and does not). keepalived itself never uses a shell, so a plain
// command runs exactly as it would there.
bool NeedsShell(std::string_view command);

// The argv that runs `command` with `extra_args` after its own words. Without a shell: the
// command split on blanks, honouring '...', "..." and backslash escapes as sh would, then
// extra_args. With one: {"/bin/sh", "-c", command, "vrrpd-sh", extra_args...}, so that the
// shell sees extra_args as $1..$n.
std::vector<std::string> CommandArgv(std::string_view command,
                                     const std::vector<std::string>& extra_args);

// Who a child runs as, resolved in the daemon before forking (the child only makes system
// calls).
struct Credentials {
  std::string user;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  // supplementary groups to set: just `gid` unless ':' asked for more
};
// kNotFound "unknown user 'x'" / "unknown group 'x'"; kInternal when the lookup itself fails.
[[nodiscard]] absl::StatusOr<Credentials> ResolveCredentials(const std::string& user,
                                                             const std::string& group);

struct ProcessResult {
  enum class Outcome { kExited, kSignalled, kTimedOut, kFailedToStart };
  Outcome outcome = Outcome::kExited;
  int status = 0;      // kExited: the exit code; kSignalled, kTimedOut: the signal number
  absl::Status error;  // kFailedToStart: why ("unknown user 'x'", "exec /x: No such file...")
  absl::Duration elapsed;
  absl::Duration timeout;  // the limit it was given (what kTimedOut ran into)

  bool success() const { return outcome == Outcome::kExited && status == 0; }
};

// "exited with status 1", "killed by signal 9 (SIGKILL)", "timed out after 2s",
// "could not start: unknown user 'x'".
std::string Describe(const ProcessResult& result);

// Thread-safety: none; it runs on its loop's thread. Lifetime: the loop outlives it; children
// still running when it goes are killed.
class ProcessRunner {
 public:
  // `loop` must outlive the runner.
  explicit ProcessRunner(vrrp::os::EventLoop& loop);
  // SIGKILLs and reaps the children still running; never calls their Done.
  ~ProcessRunner();
  ProcessRunner(const ProcessRunner&) = delete;
  ProcessRunner& operator=(const ProcessRunner&) = delete;

  using Done = std::function<void(const ProcessResult&)>;

  // Starts `spec` with `extra_args` appended (see CommandArgv). `done` runs exactly once, later,
  // from the loop (or from Drain), never inside Run, even when the command cannot start. A
  // timeout that is zero, negative or infinite means none. At the timeout the child's whole
  // process group gets SIGKILL (keepalived sends SIGTERM first; a check that outlives its
  // timeout has already failed, so we do not wait for it twice).
  void Run(const CommandSpec& spec, const std::vector<std::string>& extra_args,
           absl::Duration timeout, Done done);

  // Children started and not yet reaped.
  size_t running() const { return children_.size(); }

  // Sends `signal` to every running child's process group (a reader told to finish, as
  // keepalived sends SIGTERM to its notify_fifo_script at exit); their Done still comes when
  // they exit. Returns how many it signalled.
  size_t SignalAll(int signal);

  // For shutdown (notify_stop must complete): waits until no child runs and every Done has been
  // called, or `max_wait` has passed; what is left then is killed and reaped without its Done.
  // Returns how many children it killed. It polls the children itself instead of running the
  // EventLoop, so it works after EventLoop::Stop() (a stopped loop's RunOnce runs no callback)
  // and runs none of the daemon's other timers meanwhile. Done callbacks may start new
  // commands (a notify queue moving on); Drain waits for those too.
  size_t Drain(absl::Duration max_wait);

 private:
  struct Child {
    pid_t pid = -1;
    vrrp::os::UniqueFd pidfd;  // readable once the child has exited
    bool watched = false;
    vrrp::os::EventLoop::TimerId timer = 0;  // 0: no timeout
    absl::Time start;
    absl::Time deadline = absl::InfiniteFuture();
    absl::Duration timeout;
    bool timed_out = false;
    Done done;
  };

  void FailLater(Done done, absl::Status error, absl::Duration timeout);
  void Deliver(Done done, ProcessResult result);
  void FlushDelivered();
  void OnExit(uint64_t id);
  void OnTimeout(uint64_t id);
  void Finish(std::map<uint64_t, Child>::iterator it, const siginfo_t& info);
  void Forget(Child& child);
  size_t KillAll();

  vrrp::os::EventLoop& loop_;
  std::map<uint64_t, Child> children_;  // by id: ids are never reused, pids and fds are
  uint64_t next_id_ = 1;
  // Results waiting for their Done, delivered by one zero-delay timer (or by Drain).
  std::deque<std::pair<Done, ProcessResult>> delivered_;
  vrrp::os::EventLoop::TimerId flush_timer_ = 0;
};

}  // namespace vrrp::os

#endif  // VRRP_LINUX_PROCESS_H_
