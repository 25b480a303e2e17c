#include "vrrp/keepalived/process_tracker.h"

#include <algorithm>
#include <utility>

namespace vrrp::keepalived {
namespace {

using ParamMatch = config::VrrpTrackProcess::ParamMatch;

// The kernel's TASK_COMM_LEN less its NUL.
constexpr size_t kCommLength = 15;

bool ParamsMatch(const config::VrrpTrackProcess& t, absl::Span<const std::string> args) {
  const std::vector<std::string>& want = t.params;
  if (t.param_match == ParamMatch::kExact) {
    return std::equal(want.begin(), want.end(), args.begin(), args.end());
  }
  if (args.size() < want.size()) return false;
  if (want.empty()) return true;
  const size_t last = want.size() - 1;
  if (!std::equal(want.begin(), want.begin() + static_cast<std::ptrdiff_t>(last), args.begin())) {
    return false;
  }
  if (t.param_match == ParamMatch::kPartial) return args[last] == want[last];
  return args[last].compare(0, want[last].size(), want[last]) == 0;  // kInitial
}

}  // namespace

bool ProcessMatches(const config::VrrpTrackProcess& t, const os::ProcessInfo& info) {
  if (t.param_match == ParamMatch::kNone && !t.full_command) {
    return info.comm == std::string_view(t.process).substr(0, kCommLength);
  }
  if (info.argv.empty() || info.argv[0] != t.process) return false;
  if (t.param_match == ParamMatch::kNone) return true;  // full_command, no parameters
  return ParamsMatch(t, absl::Span<const std::string>(info.argv).subspan(1));
}

std::vector<config::VrrpTrackProcess> TrackedProcesses(const config::Configuration& conf) {
  std::vector<config::VrrpTrackProcess> out;
  for (const config::VrrpTrackProcess& p : conf.track_processes) {
    const bool tracked = std::any_of(
        conf.instances.begin(), conf.instances.end(), [&](const config::VrrpInstance& vi) {
          return std::any_of(vi.extras.track_processes.begin(), vi.extras.track_processes.end(),
                             [&](const config::TrackedProcess& t) { return t.name == p.name; });
        });
    if (tracked) out.push_back(p);
  }
  return out;
}

ProcessTracker::ProcessTracker(std::vector<config::VrrpTrackProcess> processes)
    : processes_(std::move(processes)), entries_(processes_.size()) {
  command_line_ = std::any_of(processes_.begin(), processes_.end(), [](const auto& p) {
    return p.full_command || p.param_match != ParamMatch::kNone;
  });
}

bool ProcessTracker::QuorumMet(size_t index) const {
  const config::VrrpTrackProcess& p = processes_[index];
  const int n = static_cast<int>(entries_[index].pids.size());
  return n >= p.quorum && (p.quorum_max < 0 || n <= p.quorum_max);
}

void ProcessTracker::Flip(size_t index) {
  Entry& e = entries_[index];
  e.up = !e.up;
  e.due = absl::InfiniteFuture();
  changes_.push_back(processes_[index].name);
}

void ProcessTracker::Reconsider(absl::Time now, size_t index) {
  Entry& e = entries_[index];
  const bool met = QuorumMet(index);
  if (met == e.up) {
    e.due = absl::InfiniteFuture();  // it changed back before its delay ended: nothing happened
    return;
  }
  if (e.due != absl::InfiniteFuture()) return;  // already waiting
  const config::VrrpTrackProcess& p = processes_[index];
  const absl::Duration delay = met ? p.fork_delay : p.terminate_delay;
  if (delay <= absl::ZeroDuration()) {
    Flip(index);
  } else {
    e.due = now + delay;
  }
}

void ProcessTracker::Reset(absl::Time now, absl::Span<const os::ProcessInfo> running,
                           bool initial) {
  for (size_t i = 0; i < processes_.size(); ++i) {
    Entry& e = entries_[i];
    e.pids.clear();
    for (const os::ProcessInfo& info : running) {
      if (ProcessMatches(processes_[i], info)) e.pids.insert(info.pid);
    }
    if (initial) {
      e.up = QuorumMet(i);
      e.due = absl::InfiniteFuture();
    } else {
      Reconsider(now, i);
    }
  }
}

void ProcessTracker::OnStarted(absl::Time now, const os::ProcessInfo& info) {
  for (size_t i = 0; i < processes_.size(); ++i) {
    Entry& e = entries_[i];
    const bool matches = ProcessMatches(processes_[i], info);
    const bool counted = e.pids.count(info.pid) != 0;
    if (matches == counted) continue;
    if (matches) {
      e.pids.insert(info.pid);
    } else {
      e.pids.erase(info.pid);  // it ran another program, or renamed itself
    }
    Reconsider(now, i);
  }
}

void ProcessTracker::OnExit(absl::Time now, int pid) {
  for (size_t i = 0; i < processes_.size(); ++i) {
    if (entries_[i].pids.erase(pid) != 0) Reconsider(now, i);
  }
}

absl::Time ProcessTracker::NextDeadline() const {
  absl::Time next = absl::InfiniteFuture();
  for (const Entry& e : entries_) next = std::min(next, e.due);
  return next;
}

void ProcessTracker::OnTimer(absl::Time now) {
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].due <= now) Flip(i);
  }
}

bool ProcessTracker::up(std::string_view name) const {
  for (size_t i = 0; i < processes_.size(); ++i) {
    if (processes_[i].name == name) return entries_[i].up;
  }
  return false;
}

std::vector<TrackedProcessStatus> ProcessTracker::statuses() const {
  std::vector<TrackedProcessStatus> out;
  out.reserve(processes_.size());
  for (size_t i = 0; i < processes_.size(); ++i) {
    out.push_back({processes_[i].name, static_cast<int>(entries_[i].pids.size()), entries_[i].up});
  }
  return out;
}

std::vector<std::string> ProcessTracker::TakeChanges() { return std::exchange(changes_, {}); }

}  // namespace vrrp::keepalived
