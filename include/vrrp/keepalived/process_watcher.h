// ProcessWatcher: keepalived's track_process at work — a ProcessTracker fed by a scan of /proc
// at start and by the kernel's process events after (vrrp::os::ProcConnector), never by
// polling, with its delays on the event loop's timers.
//
// Needs CAP_NET_ADMIN for the process events before Linux 6.6, and CAP_SYS_ADMIN when run in a
// network namespace other than the host's (see proc_connector.h). Without them Create fails
// and says so: keepalived logs the failure and runs on counting the process as absent for good,
// whether it runs or not.
//
//   auto watcher = vrrp::keepalived::ProcessWatcher::Create(loop, TrackedProcesses(conf),
//       [&](const std::string& name, bool up) { UpdateTracking(); },
//       [&](const std::string& line) { Log(line); });  // "Quorum lost for tracked process x"
//   bool up = (*watcher)->up("haproxy");
#ifndef VRRP_KEEPALIVED_PROCESS_WATCHER_H_
#define VRRP_KEEPALIVED_PROCESS_WATCHER_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "vrrp/config/config.h"
#include "vrrp/keepalived/process_tracker.h"
#include "vrrp/linux/event_loop.h"
#include "vrrp/linux/proc_connector.h"

namespace vrrp::keepalived {

// Thread-safety: none; it runs on its loop's thread. Lifetime: `loop` must outlive it.
class ProcessWatcher {
 public:
  using OnChange = std::function<void(const std::string& name, bool up)>;
  using Log = std::function<void(const std::string& message)>;

  // With no processes it opens nothing (and needs no privilege).
  static absl::StatusOr<std::unique_ptr<ProcessWatcher>> Create(
      os::EventLoop& loop, std::vector<config::VrrpTrackProcess> processes, OnChange on_change,
      Log log);
  ~ProcessWatcher();
  ProcessWatcher(const ProcessWatcher&) = delete;
  ProcessWatcher& operator=(const ProcessWatcher&) = delete;

  bool up(std::string_view name) const { return tracker_.up(name); }
  std::vector<TrackedProcessStatus> statuses() const { return tracker_.statuses(); }
  const std::vector<config::VrrpTrackProcess>& processes() const { return tracker_.processes(); }

 private:
  ProcessWatcher(os::EventLoop& loop, std::vector<config::VrrpTrackProcess> processes,
                 OnChange on_change, Log log);
  void OnReadable();
  // Arms the timer for the tracker's next delay and reports what changed.
  void Settle();

  os::EventLoop& loop_;
  ProcessTracker tracker_;
  OnChange on_change_;
  Log log_;
  std::unique_ptr<os::ProcConnector> events_;
  os::EventLoop::TimerId timer_ = 0;
  absl::Time timer_due_ = absl::InfiniteFuture();
};

}  // namespace vrrp::keepalived

#endif  // VRRP_KEEPALIVED_PROCESS_WATCHER_H_
