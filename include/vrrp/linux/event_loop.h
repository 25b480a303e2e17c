// EventLoop: a small single-threaded epoll + timerfd loop, enough to run virtual routers.
//
// Time is CLOCK_MONOTONIC expressed as an absl::Time (the Unix epoch plus the monotonic clock's
// reading), so deadlines never jump when the wall clock is stepped. The core only subtracts times,
// so it does not care which clock; do not print these times as dates.
//
// You do not need this loop to use the library: everything it waits on is a file descriptor
// plus one next deadline (Driver::fds() and Driver::NextDeadline()), so nginx, libuv or asio
// users register those in their own loop (docs/embedding.md).
//
//   auto loop = vrrp::os::EventLoop::Create();
//   (*loop)->Watch(fd, [&](uint32_t events) { OnReadable(); });
//   auto id = (*loop)->AddTimer((*loop)->Now() + absl::Seconds(1), [&] { OnTimer(); });
//   absl::Status s = (*loop)->Run();   // until Stop() or an error
#ifndef VRRP_LINUX_EVENT_LOOP_H_
#define VRRP_LINUX_EVENT_LOOP_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "vrrp/linux/unique_fd.h"

namespace vrrp::os {

// CLOCK_MONOTONIC as an absl::Time (see above).
absl::Time MonotonicNow();

// Thread-safety: none; Run and every call on the loop's own thread.
class EventLoop {
 public:
  using FdCallback = std::function<void(uint32_t epoll_events)>;
  using TimerCallback = std::function<void()>;
  using TimerId = uint64_t;

  static absl::StatusOr<std::unique_ptr<EventLoop>> Create();

  absl::Time Now() const { return MonotonicNow(); }

  // Calls `callback` whenever `fd` is readable (EPOLLIN), with the epoll event bits. One callback
  // per fd; watching it again is kAlreadyExists.
  [[nodiscard]] absl::Status Watch(int fd, FdCallback callback);
  [[nodiscard]] absl::Status Unwatch(int fd);

  // Calls `callback` once at `deadline` (at once, on the next turn, when it has passed). Timers
  // with equal deadlines run in the order they were added.
  TimerId AddTimer(absl::Time deadline, TimerCallback callback);
  // Returns false when the timer already ran or was cancelled.
  bool CancelTimer(TimerId id);

  // Waits for at most `max_wait` (InfiniteDuration: until something happens) and runs what is
  // due: readable fds first, then every timer whose deadline has come.
  [[nodiscard]] absl::Status RunOnce(absl::Duration max_wait = absl::InfiniteDuration());
  // RunOnce until Stop() is called (from a callback) or an error.
  [[nodiscard]] absl::Status Run();
  void Stop() { stopped_ = true; }

  // For a process under realtime scheduling (SCHED_RR, keepalived's vrrp_rt_priority): after
  // `after` of work in which epoll_wait never had to wait (fds always ready, timers always due:
  // a thousand takeovers' netlink notifications), sleep a few microseconds. RLIMIT_RTTIME counts
  // CPU time without blocking, and the kernel kills a process that exceeds it; a short sleep
  // restarts the count and lets other tasks run. Zero (the default) never sleeps.
  void SetBusyYield(absl::Duration after) { busy_yield_after_ = after; }

 private:
  EventLoop(UniqueFd epoll, UniqueFd timer) : epoll_(std::move(epoll)), timer_(std::move(timer)) {}
  absl::Status ArmTimerFd();
  void RunDueTimers();
  void YieldIfBusy(absl::Time wait_started);

  UniqueFd epoll_;
  UniqueFd timer_;  // timerfd armed for the earliest deadline
  absl::flat_hash_map<int, std::shared_ptr<FdCallback>> watched_;
  // Keyed by (deadline, id) so that equal deadlines keep insertion order.
  std::map<std::pair<absl::Time, TimerId>, TimerCallback> timers_;
  absl::flat_hash_map<TimerId, absl::Time> timer_deadlines_;
  TimerId next_timer_id_ = 1;
  bool stopped_ = false;
  absl::Duration busy_yield_after_ = absl::ZeroDuration();
  absl::Time busy_since_ = absl::InfinitePast();  // the end of the last wait that slept
};

}  // namespace vrrp::os

#endif  // VRRP_LINUX_EVENT_LOOP_H_
