// ScriptChecker: runs keepalived's vrrp_script checks (script, interval, timeout, rise, fall,
// init_fail, user) and tells the daemon when one changes between good and bad.
//
// keepalived's rules (keepalived.conf(5) "VRRP script(s)", and its vrrp_scheduler.c):
// - Exit status 0 is a success; any other status, a signal, a timeout or a failure to start is
//   a failure. A run still going when the next is due is not started twice ("skipping run").
// - rise, fall and init_fail count as vrrp::CheckState does (vrrp/check_state.h): INIT until
//   the first result, "pending" for tracking meanwhile unless init_fail.
// - With global_defs enable_script_security, a script that would run as root (uid or gid 0)
//   while its program or a directory above it can be changed by someone else is refused, and
//   so is one that would run as root only because no script user exists: it never runs and is
//   DISABLED, out of tracking (neither its weight nor a fault applies), as keepalived does
//   ("Disabling track script chk due to insecure", "Unable to set default user for vrrp script
//   chk - removing").
//
//   vrrp::keepalived::ScriptChecker checker(loop, runner, vrrp::keepalived::TrackedScripts(conf),
//   conf.global,
//       [&](const std::string& name, vrrp::keepalived::ScriptStatus status, const
//       vrrp::os::ProcessResult&) {
//         UpdateTracking();  // vrrp::Policy::Apply with checker.failed / checker.pending
//       },
//       [&](const std::string& line) { Log(line); });  // "VRRP_Script(chk_nginx) succeeded"
//   checker.Start();
#ifndef VRRP_KEEPALIVED_SCRIPT_CHECKER_H_
#define VRRP_KEEPALIVED_SCRIPT_CHECKER_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "vrrp/check_state.h"
#include "vrrp/config/config.h"
#include "vrrp/linux/event_loop.h"
#include "vrrp/linux/process.h"
#include "vrrp/linux/process_identity.h"

namespace vrrp::keepalived {

using os::CommandSpec;
using os::ProcessResult;
using os::ProcessRunner;

// The rise/fall/init_fail counting of one script lives in the library (vrrp/check_state.h);
// these names keep the daemon's vocabulary.
using ScriptStatus = vrrp::CheckStatus;
using ScriptState = vrrp::CheckState;
inline std::string_view ScriptStatusName(ScriptStatus status) {  // "INIT", "GOOD", "BAD"
  return vrrp::CheckStatusName(status);
}

// The user a script runs as when it names none: global_defs script_user (with script_group),
// else keepalived_script if that user exists and the daemon runs as root, else empty (the
// daemon's own user). This is keepalived's default for vrrp_script and notify scripts alike
// (keepalived.conf(5), script_user), whose point is not to run scripts as root: a daemon that
// is not root (vrrpd's systemd unit, User=vrrpd) runs them as itself instead of failing to
// switch to keepalived_script on every run.
CommandSpec DefaultScriptUser(const vrrp::config::GlobalDefs& global,
                              const os::ProcessIdentity& identity = os::ProcessIdentity::Current());

// What a vrrp_script runs: its command, as its `user` (else DefaultScriptUser).
CommandSpec ScriptCommand(const vrrp::config::VrrpScript& script,
                          const vrrp::config::GlobalDefs& global,
                          const os::ProcessIdentity& identity = os::ProcessIdentity::Current());

// OK, or why keepalived's enable_script_security refuses `spec`:
// - it names no user while the daemon runs as root: neither the script nor global_defs
//   script_user names one and user keepalived_script does not exist (DefaultScriptUser), so it
//   would run as root by default; keepalived 2.2.7 removes such a script. Naming `root` (the
//   script's `user root` or `script_user root`) is a choice, and is allowed;
// - it would run as root (uid or gid 0, or its program is set-uid/gid root) and its program, or
//   a directory on the way to it (as written and with symlinks resolved), is not owned by root
//   or is writable by a non-root group or by everyone (a sticky directory such as /tmp is fine).
// A command that needs a shell is not checked for the second (its program is /bin/sh); one
// whose program cannot be found is left to fail when it runs.
[[nodiscard]] absl::Status CheckScriptSecurity(const CommandSpec& spec);

// The vrrp_scripts some instance tracks, in config order: keepalived runs no other (its man
// page: "the script will only be executed if at least one VRRP instance monitors it").
std::vector<vrrp::config::VrrpScript> TrackedScripts(const vrrp::config::Configuration& conf);

// Thread-safety: none; it runs on its loop's thread. Lifetime: see the constructor.
class ScriptChecker {
 public:
  using OnChange =
      std::function<void(const std::string& name, ScriptStatus status, const ProcessResult& last)>;
  using Log = std::function<void(const std::string& message)>;

  // `loop` and `runner` must outlive the checker.
  ScriptChecker(vrrp::os::EventLoop& loop, ProcessRunner& runner,
                std::vector<vrrp::config::VrrpScript> scripts,
                const vrrp::config::GlobalDefs& global, OnChange on_change, Log log);
  ~ScriptChecker();
  ScriptChecker(const ScriptChecker&) = delete;
  ScriptChecker& operator=(const ScriptChecker&) = delete;

  // Runs every script at once, then every `interval`. A script refused by
  // enable_script_security is logged once, never runs, and is reported DISABLED (on_change from
  // the loop, like every other change): neither failed nor pending from then on.
  void Start();
  // No more runs; the results of runs in flight are ignored.
  void Stop();

  // Unknown names are INIT, not failed, not pending.
  ScriptStatus status(std::string_view name) const;
  bool failed(std::string_view name) const;
  bool pending(std::string_view name) const;
  std::vector<std::pair<std::string, ScriptStatus>> statuses() const;  // in config order

 private:
  struct Entry {
    vrrp::config::VrrpScript script;
    CommandSpec spec;
    ScriptState state;
    bool running = false;
    vrrp::os::EventLoop::TimerId timer = 0;
    absl::Time next_due;
  };

  const Entry* Find(std::string_view name) const;
  void Schedule(size_t index);
  void Tick(size_t index);
  void Launch(size_t index);
  void OnResult(size_t index, const ProcessResult& result);
  void Refuse(size_t index, const absl::Status& why);

  vrrp::os::EventLoop& loop_;
  ProcessRunner& runner_;
  std::vector<Entry> entries_;
  bool script_security_;
  OnChange on_change_;
  Log log_;
  bool started_ = false;
  // Runs in flight hold a weak reference: once it is gone (Stop, destruction) their results
  // are dropped.
  std::shared_ptr<int> alive_;
  std::vector<vrrp::os::EventLoop::TimerId> one_shots_;  // deferred on_change of refusals
};

}  // namespace vrrp::keepalived

#endif  // VRRP_KEEPALIVED_SCRIPT_CHECKER_H_
