// Notifier: runs keepalived's notify scripts (notify_master, notify_backup, notify_fault,
// notify_stop and notify) for instances and sync groups, started in order per instance or group
// so that a slow script never sees MASTER after a later BACKUP, and never held up for long by a
// script that hangs.
//
// keepalived.conf(5), vrrp_sync_group and vrrp_instance: the `notify` script "is called AFTER
// the notify_* script(s) and is executed with 4 additional arguments after the configured
// arguments": "GROUP"|"INSTANCE", the name, the target state ("MASTER"|"BACKUP"|"FAULT"|"STOP",
// always uppercase) and the priority. notify_* get no extra argument. A script given without a
// user runs as global_defs script_user / script_group (vrrp::keepalived::DefaultScriptUser).
//
// Order and the block bound. keepalived starts every notify script at once without waiting for
// the one before, so two transitions' scripts may run in either order. We run one command at a
// time per instance or group, but a command still running after `block` (vrrpd --notify-block)
// stops holding its queue: the next one starts and the slow one runs on, to its own `timeout`,
// where it is killed and logged. So commands always start in order, and a hung notify_master
// delays the next transition's commands by `block`, not by its timeout.
//
//   vrrpd::Notifier notifier(loop, runner, {.timeout = absl::Seconds(60),
//                                           .block = absl::Seconds(3)},
//                            [](const std::string& line) { Log(line); });
//   const vrrpd::CommandSpec user = vrrp::keepalived::DefaultScriptUser(conf.global);
//   notifier.Notify(vi.extras.notify, "INSTANCE", "VI_1", "MASTER", 150, user.user,
//                   user.group);
//   // runs notify_master, then `notify ... INSTANCE VI_1 MASTER 150`
//
// A notify command that fails or times out is logged with why, and the queue goes on. Nothing
// queued is dropped without a log line naming it (Abandon, the destructor).
#ifndef VRRPD_NOTIFIER_H_
#define VRRPD_NOTIFIER_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "vrrp/config/config.h"
#include "vrrp/linux/event_loop.h"
#include "vrrp/linux/process.h"

namespace vrrpd {

using vrrp::os::CommandSpec;
using vrrp::os::ProcessResult;
using vrrp::os::ProcessRunner;

struct NotifierOptions {
  // Each command's limit: then it is killed (its process group) and logged.
  absl::Duration timeout = absl::Seconds(60);
  // How long a running command holds back the next one of its instance or group. Zero starts
  // every command at once, in order (keepalived's way); infinite waits for each to finish.
  absl::Duration block = absl::Seconds(3);
};

// Thread-safety: none; it runs on the loop's thread. Lifetime: `loop` and `runner` outlive it.
class Notifier {
 public:
  Notifier(vrrp::os::EventLoop& loop, ProcessRunner& runner, NotifierOptions options,
           std::function<void(const std::string&)> log);
  // Logs every command still queued as not run; those running are left to the runner, their
  // results ignored.
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  // Runs `spec` with `args` appended (see CommandArgv) after everything queued under `key`
  // before it has started, and the one before it has finished or run for `block`; different
  // keys run independently.
  void Enqueue(const std::string& key, CommandSpec spec, std::vector<std::string> args);

  // A transition of an instance (`type` "INSTANCE") or a sync group ("GROUP") to `state`
  // ("MASTER", "BACKUP", "FAULT" or "STOP"): queues notify_<state>, with no argument, then
  // `notify` with TYPE NAME STATE PRIORITY, under the key "TYPE NAME". A command without a user
  // runs as `default_user` / `default_group`.
  void Notify(const vrrp::config::NotifyCommands& commands, std::string_view type,
              const std::string& name, std::string_view state, int priority,
              const std::string& default_user, const std::string& default_group);

  // Queued and running (also those that no longer hold their queue), over all keys.
  size_t pending() const;

  // A point in the sequence of commands, for Outstanding.
  using Mark = uint64_t;
  Mark mark() const { return next_token_; }
  // What a stop waits for: commands queued, commands still holding their queue, and commands
  // started at or after `since` still running. A command that hung before `since` and was let
  // go is not counted: it has had its chance.
  size_t Outstanding(Mark since) const;

  // At exit: logs every command not finished by name ("not run" or "still running, killed")
  // with `why`, and forgets them all; the caller then kills what runs (ProcessRunner::Drain).
  void Abandon(std::string_view why);

 private:
  struct Job {
    CommandSpec spec;
    std::vector<std::string> args;
  };
  struct Queue {
    std::deque<Job> jobs;  // not started yet
    uint64_t holding = 0;  // the running command that holds the queue; 0: none
    vrrp::os::EventLoop::TimerId block_timer = 0;
  };
  struct Running {
    std::string key;
    Job job;
    absl::Time start;
    bool released = false;  // ran past `block`: no longer holds its queue
  };

  void StartNext(const std::string& key);
  void Release(const std::string& key, uint64_t token);
  void OnDone(uint64_t token, const ProcessResult& result);
  void Log(std::string line) const;

  vrrp::os::EventLoop& loop_;
  ProcessRunner& runner_;
  NotifierOptions options_;
  std::function<void(const std::string&)> log_;
  std::map<std::string, Queue> queues_;
  std::map<uint64_t, Running> running_;  // by token, in start order
  uint64_t next_token_ = 1;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // see ScriptChecker::alive_
};

}  // namespace vrrpd

#endif  // VRRPD_NOTIFIER_H_
