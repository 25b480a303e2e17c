#include "vrrp/keepalived/process_watcher.h"

#include <optional>
#include <utility>

#include "fmt/format.h"
#include "vrrp/linux/process_table.h"

namespace vrrp::keepalived {

ProcessWatcher::ProcessWatcher(os::EventLoop& loop, std::vector<config::VrrpTrackProcess> processes,
                               OnChange on_change, Log log)
    : loop_(loop),
      tracker_(std::move(processes)),
      on_change_(std::move(on_change)),
      log_(std::move(log)) {}

ProcessWatcher::~ProcessWatcher() {
  if (timer_ != 0) loop_.CancelTimer(timer_);
  if (events_) (void)loop_.Unwatch(events_->fd());
}

absl::StatusOr<std::unique_ptr<ProcessWatcher>> ProcessWatcher::Create(
    os::EventLoop& loop, std::vector<config::VrrpTrackProcess> processes, OnChange on_change,
    Log log) {
  std::unique_ptr<ProcessWatcher> w(
      new ProcessWatcher(loop, std::move(processes), std::move(on_change), std::move(log)));
  if (w->tracker_.processes().empty()) return w;
  // Listening before the scan: a process that starts or ends in between is in the events.
  auto events = os::ProcConnector::Open();
  if (!events.ok()) return events.status();
  w->events_ = std::move(*events);
  if (w->events_->in_host_namespace() && w->log_) {
    w->log_(
        "track_process: the kernel's process events are opened outside this network namespace, "
        "where the kernel sends them");
  }
  w->tracker_.Reset(loop.Now(), os::ScanProcesses(w->tracker_.command_line()), /*initial=*/true);
  if (absl::Status s = loop.Watch(w->events_->fd(), [p = w.get()](uint32_t) { p->OnReadable(); });
      !s.ok()) {
    return s;
  }
  if (w->log_) {
    for (const TrackedProcessStatus& s : w->tracker_.statuses()) {
      w->log_(fmt::format("Tracked process {}: {} running, quorum {}", s.name, s.running,
                          s.up ? "held" : "not held"));
    }
  }
  return w;
}

void ProcessWatcher::OnReadable() {
  std::vector<os::ProcEvent> events;
  bool lost = false;
  if (absl::Status s = events_->Read(events, lost); !s.ok() && log_) {
    log_(fmt::format("track_process: {}", std::string(s.message())));
  }
  const absl::Time now = loop_.Now();
  const bool command_line = tracker_.command_line();
  for (const os::ProcEvent& e : events) {
    if (e.kind == os::ProcEvent::Kind::kExit) {
      tracker_.OnExit(now, e.pid);
      continue;
    }
    std::optional<os::ProcessInfo> info = os::ReadProcessInfo(e.pid, command_line);
    if (info) {
      tracker_.OnStarted(now, *info);
    } else {
      tracker_.OnExit(now, e.pid);  // already gone (its exit event follows) or a zombie
    }
  }
  if (lost) {
    // The kernel dropped events: only /proc knows what runs now.
    if (log_) log_("track_process: process events were lost, scanning /proc again");
    tracker_.Reset(now, os::ScanProcesses(command_line), /*initial=*/false);
  }
  Settle();
}

void ProcessWatcher::Settle() {
  const absl::Time now = loop_.Now();
  if (tracker_.NextDeadline() <= now) tracker_.OnTimer(now);
  const absl::Time next = tracker_.NextDeadline();
  if (next != timer_due_) {
    if (timer_ != 0) loop_.CancelTimer(timer_);
    timer_ = 0;
    timer_due_ = next;
    if (next != absl::InfiniteFuture()) {
      timer_ = loop_.AddTimer(next, [this] {
        timer_ = 0;
        timer_due_ = absl::InfiniteFuture();
        tracker_.OnTimer(loop_.Now());
        Settle();
      });
    }
  }
  for (const std::string& name : tracker_.TakeChanges()) {
    const bool up = tracker_.up(name);
    if (log_) log_(fmt::format("Quorum {} for tracked process {}", up ? "gained" : "lost", name));
    if (on_change_) on_change_(name, up);
  }
}

}  // namespace vrrp::keepalived
