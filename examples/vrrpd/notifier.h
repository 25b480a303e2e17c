// Notifier: runs keepalived's notify scripts (notify_master, notify_backup, notify_fault,
// notify_stop and notify) for instances and sync groups, one at a time per instance or group
// so that a slow script never sees MASTER after a later BACKUP.
//
// keepalived.conf(5), vrrp_sync_group and vrrp_instance: the `notify` script "is called AFTER
// the notify_* script(s) and is executed with 4 additional arguments after the configured
// arguments": "GROUP"|"INSTANCE", the name, the target state ("MASTER"|"BACKUP"|"FAULT"|"STOP",
// always uppercase) and the priority. notify_* get no extra argument. A script given without a
// user runs as global_defs script_user / script_group (vrrp::keepalived::DefaultScriptUser).
//
//   vrrpd::Notifier notifier(runner, absl::Seconds(10),
//                            [](const std::string& line) { Log(line); });
//   const vrrpd::CommandSpec user = vrrp::keepalived::DefaultScriptUser(conf.global);
//   notifier.Notify(vi.extras.notify, "INSTANCE", "VI_1", "MASTER", 150, user.user,
//                   user.group);
//   // runs notify_master, then `notify ... INSTANCE VI_1 MASTER 150`
//
// A notify command that fails or times out is logged with why, and the queue goes on.
#ifndef VRRPD_NOTIFIER_H_
#define VRRPD_NOTIFIER_H_

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "vrrp/config/config.h"
#include "vrrp/linux/process.h"

namespace vrrpd {

using vrrp::os::CommandSpec;
using vrrp::os::ProcessResult;
using vrrp::os::ProcessRunner;

class Notifier {
 public:
  // `runner` must outlive the notifier. `timeout` applies to each command.
  Notifier(ProcessRunner& runner, absl::Duration timeout,
           std::function<void(const std::string&)> log);
  // Commands still queued are dropped; one running is left to the runner, its result ignored.
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  // Runs `spec` with `args` appended (see CommandArgv) after everything queued under `key`
  // before it: one command at a time per key; different keys run independently.
  void Enqueue(const std::string& key, CommandSpec spec, std::vector<std::string> args);

  // A transition of an instance (`type` "INSTANCE") or a sync group ("GROUP") to `state`
  // ("MASTER", "BACKUP", "FAULT" or "STOP"): queues notify_<state>, with no argument, then
  // `notify` with TYPE NAME STATE PRIORITY, under the key "TYPE NAME". A command without a user
  // runs as `default_user` / `default_group`.
  void Notify(const vrrp::config::NotifyCommands& commands, std::string_view type,
              const std::string& name, std::string_view state, int priority,
              const std::string& default_user, const std::string& default_group);

  // Queued and running, over all keys.
  size_t pending() const;

 private:
  struct Job {
    CommandSpec spec;
    std::vector<std::string> args;
  };
  struct Queue {
    std::deque<Job> jobs;  // the front one runs while `running`
    bool running = false;
  };

  void StartNext(const std::string& key);
  void OnDone(const std::string& key, const ProcessResult& result);

  ProcessRunner& runner_;
  absl::Duration timeout_;
  std::function<void(const std::string&)> log_;
  std::map<std::string, Queue> queues_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // see ScriptChecker::alive_
};

}  // namespace vrrpd

#endif  // VRRPD_NOTIFIER_H_
