// ScriptChecker: runs keepalived's vrrp_script checks (script, interval, timeout, rise, fall,
// init_fail, user) and tells the daemon when one changes between good and bad.
//
// keepalived's rules (keepalived.conf(5) "VRRP script(s)", and its vrrp_scheduler.c):
// - Exit status 0 is a success; any other status, a signal, a timeout or a failure to start is
//   a failure. A run still going when the next is due is not started twice ("skipping run").
// - A good script turns bad after `fall` failures in a row, a bad one good after `rise`
//   successes in a row.
// - Until its first result a script is INIT. Without init_fail one success makes it good and
//   one failure bad, and meanwhile tracking applies neither its weight nor a fault (it is
//   "pending"); with init_fail it counts as failed from the start and needs `rise` successes.
// - With global_defs enable_script_security, a script that would run as root (uid or gid 0)
//   while its program or a directory above it can be changed by someone else is refused: it
//   never runs and stays failed.
//
//   vrrpd::ScriptChecker checker(loop, runner, vrrpd::TrackedScripts(conf), conf.global,
//       [&](const std::string& name, vrrpd::ScriptStatus status, const vrrpd::ProcessResult&) {
//         UpdateTracking();  // vrrpd::ComputeTrackEffect with checker.failed / checker.pending
//       },
//       [&](const std::string& line) { Log(line); });  // "VRRP_Script(chk_nginx) succeeded"
//   checker.Start();
#ifndef VRRPD_SCRIPT_CHECKER_H_
#define VRRPD_SCRIPT_CHECKER_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "process.h"
#include "vrrp/config/config.h"
#include "vrrp/linux/event_loop.h"

namespace vrrpd {

enum class ScriptStatus { kInit, kGood, kBad };
std::string_view ScriptStatusName(ScriptStatus status);  // "INIT", "GOOD", "BAD"

// The rise/fall counting of one script, without processes.
class ScriptState {
 public:
  ScriptState(int rise, int fall, bool init_fail);

  // One run's outcome; true when status() changed.
  bool Record(bool success);
  // Refused by enable_script_security: BAD and failed for good; Record changes nothing.
  void Disable();

  ScriptStatus status() const;
  // Whether the script counts as failed for tracking now: BAD, or INIT with init_fail.
  bool failed() const;
  // INIT without init_fail: no result yet, and keepalived applies neither the script's weight
  // nor a fault until there is one.
  bool pending() const;
  bool disabled() const { return disabled_; }

 private:
  int rise_;
  int fall_;
  bool init_fail_;
  // keepalived's counter: 0..rise-1 is bad, rise..rise+fall-1 good. A success below rise-1
  // counts up, otherwise jumps to the top; a failure above rise counts down, otherwise drops
  // to 0. So it takes `rise` successes to leave 0 and `fall` failures to leave the top.
  int result_;
  bool init_ = true;
  bool disabled_ = false;
};

// The user a script runs as when it names none: global_defs script_user (with script_group),
// else keepalived_script if that user exists, else empty (the daemon's own user). This is
// keepalived's default for vrrp_script and notify scripts alike (keepalived.conf(5),
// script_user).
CommandSpec DefaultScriptUser(const vrrp::config::GlobalDefs& global);

// What a vrrp_script runs: its command, as its `user` (else DefaultScriptUser).
CommandSpec ScriptCommand(const vrrp::config::VrrpScript& script,
                          const vrrp::config::GlobalDefs& global);

// OK, or why keepalived's enable_script_security refuses `spec`: it would run as root (uid or
// gid 0, or its program is set-uid/gid root) and its program, or a directory on the way to it
// (as written and with symlinks resolved), is not owned by root or is writable by a non-root
// group or by everyone (a sticky directory such as /tmp is fine). A command that needs a shell
// is not checked (its program is /bin/sh); one whose program cannot be found is left to fail
// when it runs.
[[nodiscard]] absl::Status CheckScriptSecurity(const CommandSpec& spec);

// The vrrp_scripts some instance tracks, in config order: keepalived runs no other (its man
// page: "the script will only be executed if at least one VRRP instance monitors it").
std::vector<vrrp::config::VrrpScript> TrackedScripts(const vrrp::config::Configuration& conf);

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
  // enable_script_security is logged once, never runs, and is reported BAD (on_change from the
  // loop, like every other change).
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

}  // namespace vrrpd

#endif  // VRRPD_SCRIPT_CHECKER_H_
