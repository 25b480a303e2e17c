// ProcessTracker: keepalived's vrrp_track_process decisions (keepalived.conf(5), "VRRP track
// processes") over the processes it is told about: which match, how many, whether the quorum
// holds, and the fork / terminate delays. No system calls and no clock: the caller feeds it
// /proc's processes at start and the kernel's process events after (ProcessWatcher does, from
// vrrp::os::ProcConnector), with the time, so its tests run without root in virtual time.
//
// Matching, as keepalived does it (an exact comparison, never a pattern: `process ssh` does not
// match sshd):
// - `process NAME` alone: the process name (/proc/PID/comm; the kernel keeps 15 characters, so
//   a longer NAME is compared on its first 15);
// - with full_command, or with parameters or param_match: the first word of the command line,
//   then the parameters: exactly those (param_match with no word, or parameters without
//   param_match), those first and maybe more (partial), or those first with the last one the
//   start of the process's (initial).
// The quorum holds while quorum <= matches <= quorum_max. When that changes, the change counts
// after fork_delay (gained) or terminate_delay (lost), and not at all if it changes back first.
// At start the state is taken as it is, without delay.
//
//   vrrp::keepalived::ProcessTracker tracker(conf.track_processes);
//   tracker.Reset(now, vrrp::os::ScanProcesses(tracker.command_line()), /*initial=*/true);
//   tracker.OnStarted(now, info);      // fork, exec or comm change of info.pid
//   tracker.OnExit(now, pid);
//   if (now >= tracker.NextDeadline()) tracker.OnTimer(now);
//   for (const std::string& name : tracker.TakeChanges()) Log(name, tracker.up(name));
#ifndef VRRP_KEEPALIVED_PROCESS_TRACKER_H_
#define VRRP_KEEPALIVED_PROCESS_TRACKER_H_

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/span.h"
#include "vrrp/config/config.h"
#include "vrrp/linux/process_table.h"

namespace vrrp::keepalived {

// Whether `info` is one of the processes `tracked` counts.
bool ProcessMatches(const config::VrrpTrackProcess& tracked, const os::ProcessInfo& info);

// The vrrp_track_process blocks some instance tracks, in config order.
std::vector<config::VrrpTrackProcess> TrackedProcesses(const config::Configuration& conf);

struct TrackedProcessStatus {
  std::string name;
  int running = 0;  // matching processes now
  bool up = false;  // the quorum, as tracking sees it (after the delays)

  friend bool operator==(const TrackedProcessStatus&, const TrackedProcessStatus&) = default;
};

// Thread-safety: none.
class ProcessTracker {
 public:
  explicit ProcessTracker(std::vector<config::VrrpTrackProcess> processes);

  // Whether the processes it is given need their command line (ProcessInfo::argv).
  bool command_line() const { return command_line_; }
  const std::vector<config::VrrpTrackProcess>& processes() const { return processes_; }

  // Every process running now. `initial`: at start, the quorum is taken as it is; later (after
  // events were lost) the differences count as events, with their delays.
  void Reset(absl::Time now, absl::Span<const os::ProcessInfo> running, bool initial);
  // A process forked, ran a new program or changed its name: matched again.
  void OnStarted(absl::Time now, const os::ProcessInfo& info);
  void OnExit(absl::Time now, int pid);

  // When a delay ends (InfiniteFuture: none runs); OnTimer then.
  absl::Time NextDeadline() const;
  void OnTimer(absl::Time now);

  // false for an unknown name.
  bool up(std::string_view name) const;
  std::vector<TrackedProcessStatus> statuses() const;  // in config order
  // The names whose `up` changed since the last call, in the order they changed.
  std::vector<std::string> TakeChanges();

 private:
  struct Entry {
    std::set<int> pids;
    bool up = false;
    absl::Time due = absl::InfiniteFuture();  // a change waiting for its delay
  };
  bool QuorumMet(size_t index) const;
  void Reconsider(absl::Time now, size_t index);
  void Flip(size_t index);

  std::vector<config::VrrpTrackProcess> processes_;
  std::vector<Entry> entries_;  // parallel to processes_
  bool command_line_ = false;
  std::vector<std::string> changes_;
};

}  // namespace vrrp::keepalived

#endif  // VRRP_KEEPALIVED_PROCESS_TRACKER_H_
