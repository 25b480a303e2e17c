// Daemon: a keepalived configuration at work, as wiring over library calls. The library does
// the work: vrrp::os::Driver runs the instances, vrrp::Policy applies tracking and sync groups,
// vrrp::keepalived maps the configuration and writes keepalived's log lines. The daemon adds
// the process: the vrrp_script checks (ScriptChecker), the tracked files (FileTracker) and
// processes (ProcessWatcher), the notify commands in order
// (notifier.h), logging, and SIGTERM / SIGINT (graceful stop), SIGHUP (reload) and SIGUSR1
// (status file) through a signalfd on its event loop.
//
//   auto daemon = vrrpd::Daemon::Create(options, logger, std::move(configuration));
//   absl::Status s = (*daemon)->Run();   // until SIGTERM / SIGINT
#ifndef VRRPD_DAEMON_H_
#define VRRPD_DAEMON_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "control_server.h"
#include "logger.h"
#include "metrics_server.h"
#include "no_accept_firewall.h"
#include "notifier.h"
#include "notify_fifo.h"
#include "options.h"
#include "routes.h"
#include "status.h"
#include "vmac_links.h"
#include "vrrp/config/config.h"
#include "vrrp/event_history.h"
#include "vrrp/keepalived/file_tracker.h"
#include "vrrp/keepalived/log_lines.h"
#include "vrrp/keepalived/process_watcher.h"
#include "vrrp/keepalived/script_checker.h"
#include "vrrp/linux/driver.h"
#include "vrrp/linux/event_loop.h"
#include "vrrp/linux/link_monitor.h"
#include "vrrp/linux/unique_fd.h"
#include "vrrp/override_set.h"
#include "vrrp/policy.h"

namespace vrrpd {

using vrrp::keepalived::ScriptChecker;

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
  // --metrics: Status() plus what the exposition adds (addresses' interfaces, deadlines), read
  // now (daemon_metrics.cc).
  vrrp::MetricsSnapshot Metrics() const;

  vrrp::os::EventLoop& loop() { return *loop_; }

 private:
  Daemon(const Options& options, Logger& log, vrrp::config::Configuration conf);
  // Drains the driver's events (logs, notify) and applies tracking when it is due, until
  // neither leaves more to do.
  void DrainEvents();
  void OnEvent(const vrrp::InstanceEvent& event);
  void OnPolicyEvent(const vrrp::PolicyEvent& event);
  void OnSignal();
  void OnTrackedLink();
  // Re-applies tracking and sync groups once the events waiting are handled.
  void ScheduleTracking();
  vrrp::TrackInputs TrackInputs() const;
  void Notify(const vrrp::config::NotifyCommands& commands, std::string_view type,
              const std::string& name, std::string_view state, int priority,
              const vrrp::config::GlobalDefs& global);
  void Shutdown();
  // Holds in Fault the instances whose use_vmac link could not be made, and only those.
  void RefuseInstances(absl::Time now);
  // Runs the loop until the notifications of the stop (those started from `since` on, those
  // queued) and the FIFO readers are done, at most kStopNotifyTimeout or until a second
  // SIGTERM; then logs by name what it gives up on and kills it.
  void WaitForStopNotifications(Notifier::Mark since);
  // global_defs notify_fifo and vrrp_notify_fifo: (re)opens those whose settings changed.
  absl::Status OpenNotifyFifos();
  std::unique_ptr<ScriptChecker> MakeChecker();
  // track_file: the files the instances of `conf` track, watched; an error names the file.
  absl::StatusOr<std::unique_ptr<vrrp::keepalived::FileTracker>> MakeFileTracker(
      const vrrp::config::Configuration& conf);
  // track_process: the processes the instances of `conf` track, watched; an error says why
  // (no CAP_NET_ADMIN, see process_watcher.h).
  absl::StatusOr<std::unique_ptr<vrrp::keepalived::ProcessWatcher>> MakeProcessWatcher(
      const vrrp::config::Configuration& conf);
  void DropInsecureNotifyCommands();
  // At start: runs the loop until every weight-0 tracked script has a first result.
  void WaitForFirstResults();
  // --metrics: binds and starts the HTTP thread (before realtime scheduling: it inherits it).
  absl::Status StartMetrics();
  // --metrics: hands a new snapshot to the HTTP thread, every second and after transitions.
  void PublishMetrics();
  void ScheduleMetrics();
  // A vrrpctl request from the control socket (control_commands.cc).
  control::Response OnControl(const control::Request& request, uid_t peer_uid);
  // `vrrpctl history --svg`: the event history as a timeline, a lane per running instance.
  absl::StatusOr<std::string> HistorySvg() const;

  Options options_;
  Logger& log_;
  vrrp::config::Configuration conf_;
  // conf_'s instances by name, for the lookup every transition makes (Configuration's
  // FindInstance scans: 1.5 ms per takeover of 1,000 instances). IndexInstances() after every
  // change of conf_.instances.
  absl::flat_hash_map<std::string, const vrrp::config::VrrpInstance*> instance_by_name_;
  void IndexInstances();
  const vrrp::config::VrrpInstance* FindInstance(const std::string& name) const;
  std::unique_ptr<vrrp::os::EventLoop> loop_;
  std::unique_ptr<ProcessRunner> runner_;
  std::unique_ptr<Notifier> notifier_;
  // notify_fifo, vrrp_notify_fifo (null when not configured), written on every notification.
  std::unique_ptr<NotifyFifoWriter> notify_fifo_;
  std::unique_ptr<NotifyFifoWriter> vrrp_notify_fifo_;
  std::unique_ptr<ScriptChecker> checker_;
  std::unique_ptr<vrrp::keepalived::FileTracker> file_tracker_;
  std::unique_ptr<vrrp::keepalived::ProcessWatcher> process_watcher_;
  // no_accept's nftables table; before driver_, whose address manager uses it, so that it is
  // destroyed after it.
  std::unique_ptr<NoAcceptFirewall> firewall_;
  // use_vmac's macvlan links; before driver_, so that the links go after the instances.
  std::unique_ptr<VmacLinks> vmac_;
  std::unique_ptr<vrrp::os::Driver> driver_;
  // static_* and virtual_routes / virtual_rules (routes.h), following the instances' states.
  std::unique_ptr<Routes> routes_;
  std::unique_ptr<vrrp::os::LinkMonitor> tracked_links_;
  vrrp::os::UniqueFd signal_fd_;
  bool tracking_due_ = false;
  bool draining_ = false;
  vrrp::Policy policy_;
  vrrp::keepalived::DropLogLimiter drop_log_limiter_;
  int reloads_ = 0;
  bool started_ = false;
  bool stopping_ = false;  // Shutdown has begun: its loop runs only for notifications
  bool realtime_ = false;  // vrrp_rt_priority in force (EnterRealtime)
  // --metrics (null when off), and whether a transition came since the last snapshot.
  std::unique_ptr<MetricsServer> metrics_;
  bool metrics_due_ = false;
  // The Driver with the instances use_vmac refuses held in Fault (VmacLinks::Refusal).
  std::unique_ptr<vrrp::OverrideSet> refusals_;
  // refusals_ with vrrpctl's fault and priority overrides: what the policy is applied to.
  std::unique_ptr<vrrp::OverrideSet> overrides_;
  std::unique_ptr<control::ControlServer> control_;  // --control-socket; null when off
  // What happened lately, for `vrrpctl history` (lines, JSON, a picture).
  vrrp::EventHistory history_;
};

// Blocks SIGTERM, SIGINT, SIGHUP and SIGUSR1 (delivered through the daemon's signalfd) and
// ignores SIGPIPE. Call first thing in main, before any thread exists.
void BlockDaemonSignals();

}  // namespace vrrpd

#endif  // VRRPD_DAEMON_H_
