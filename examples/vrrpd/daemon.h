// Daemon: a keepalived configuration at work. It runs the instances on vrrp::os::Driver, the
// vrrp_scripts on a ScriptChecker, turns script results and tracked interfaces into priority
// changes and faults (tracking.h), keeps the members of a vrrp_sync_group together, runs the
// notify commands in order (notifier.h), logs what keepalived logs (event_log.h), and answers
// SIGTERM / SIGINT (graceful stop), SIGHUP (reload) and SIGUSR1 (status file) through a
// signalfd on its event loop.
//
//   auto daemon = vrrpd::Daemon::Create(options, logger, std::move(configuration));
//   absl::Status s = (*daemon)->Run();   // until SIGTERM / SIGINT
#ifndef VRRPD_DAEMON_H_
#define VRRPD_DAEMON_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "event_log.h"
#include "logger.h"
#include "notifier.h"
#include "options.h"
#include "process.h"
#include "script_checker.h"
#include "status.h"
#include "vrrp/config/config.h"
#include "vrrp/linux/driver.h"
#include "vrrp/linux/event_loop.h"
#include "vrrp/linux/link_monitor.h"
#include "vrrp/linux/unique_fd.h"

namespace vrrpd {

// The Driver's view of each configured instance: interface, source, group or unicast peers.
std::vector<vrrp::os::DriverInstance> DriverInstances(const vrrp::config::Configuration& conf);

// Whether two script lists would run the same checks (locations aside): a reload keeps the
// running checker, and so the scripts' results, when they do.
bool SameScripts(const std::vector<vrrp::config::VrrpScript>& a,
                 const std::vector<vrrp::config::VrrpScript>& b);

// keepalived's rule for vrrp_sync_group members: unless the group says
// sync_group_tracking_weight, their track_script / track_interface weights are ignored (set to
// 0), so a failure means FAULT and moves the whole group; a weight would move one member
// alone. Returns a warning per weight dropped, naming the instance, the track and the group.
std::vector<std::string> ApplySyncGroupTracking(vrrp::config::Configuration& conf);

class Daemon {
 public:
  // Opens everything (sockets, netlink, signalfd) or nothing. The caller has blocked the
  // signals the daemon handles (BlockDaemonSignals) before starting any thread.
  static absl::StatusOr<std::unique_ptr<Daemon>> Create(const Options& options, Logger& log,
                                                        vrrp::config::Configuration conf);
  ~Daemon();

  // Starts the instances and checks, tells systemd READY=1, and runs until SIGTERM / SIGINT
  // or Stop(); then stops gracefully (see Shutdown).
  [[nodiscard]] absl::Status Run();
  // Ends Run() as SIGTERM does.
  void Stop() { loop_->Stop(); }

  // SIGHUP: re-reads the configuration file. A file with an error changes nothing.
  absl::Status Reload();
  // SCHED_RR with its RLIMIT_RTTIME (global_defs vrrp_rt_priority), once the instances run.
  void EnterRealtime();
  // SIGUSR1: writes Status() as JSON to the status file.
  void WriteStatus();
  DaemonStatus Status() const;

  vrrp::os::EventLoop& loop() { return *loop_; }

 private:
  Daemon(const Options& options, Logger& log, vrrp::config::Configuration conf);
  // Drains the driver's events (logs, notify) and applies tracking when it is due, until
  // neither leaves more to do.
  void DrainEvents();
  void OnEvent(const vrrp::InstanceEvent& event);
  void OnSignal();
  void OnTrackedLink();
  // Re-applies tracking and sync groups once the events waiting are handled.
  void ScheduleTracking();
  void ApplyTracking();
  void ApplySyncGroups(absl::Time now);
  void NotifyGroups();
  void Shutdown();
  std::unique_ptr<ScriptChecker> MakeChecker();
  void DropInsecureNotifyCommands();
  // At start: runs the loop until every weight-0 tracked script has a first result.
  void WaitForFirstResults();
  const vrrp::config::VrrpInstance* ConfiguredInstance(std::string_view name) const;

  Options options_;
  Logger& log_;
  vrrp::config::Configuration conf_;
  std::unique_ptr<vrrp::os::EventLoop> loop_;
  std::unique_ptr<ProcessRunner> runner_;
  std::unique_ptr<Notifier> notifier_;
  std::unique_ptr<ScriptChecker> checker_;
  std::unique_ptr<vrrp::os::Driver> driver_;
  std::unique_ptr<vrrp::os::LinkMonitor> tracked_links_;
  vrrp::os::UniqueFd signal_fd_;
  bool tracking_due_ = false;
  bool draining_ = false;
  // Per instance: the fault reasons tracking found last time (status file).
  std::map<std::string, std::vector<std::string>, std::less<>> fault_reasons_;
  // Per sync group: the state last notified.
  std::map<std::string, vrrp::RouterState, std::less<>> group_states_;
  DropLogLimiter drop_log_limiter_;
  int reloads_ = 0;
  bool started_ = false;
  bool realtime_ = false;  // vrrp_rt_priority in force (EnterRealtime)
};

// Blocks SIGTERM, SIGINT, SIGHUP and SIGUSR1 (delivered through the daemon's signalfd) and
// ignores SIGPIPE. Call first thing in main, before any thread exists.
void BlockDaemonSignals();

}  // namespace vrrpd

#endif  // VRRPD_DAEMON_H_
