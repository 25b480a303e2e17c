#include "vrrp/linux/event_loop.h"

#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "fmt/format.h"
#include "vrrp/linux/sys_error.h"

namespace vrrp::os {

absl::Time MonotonicNow() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return absl::UnixEpoch() + absl::DurationFromTimespec(ts);
}

absl::StatusOr<std::unique_ptr<EventLoop>> EventLoop::Create() {
  UniqueFd epoll(epoll_create1(EPOLL_CLOEXEC));
  if (!epoll.valid()) return SysError("epoll_create1", "");
  UniqueFd timer(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
  if (!timer.valid()) return SysError("timerfd_create(CLOCK_MONOTONIC)", "");
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = timer.get();
  if (epoll_ctl(epoll.get(), EPOLL_CTL_ADD, timer.get(), &ev) < 0) {
    return SysError("epoll_ctl(ADD timerfd)", "");
  }
  return std::unique_ptr<EventLoop>(new EventLoop(std::move(epoll), std::move(timer)));
}

absl::Status EventLoop::Watch(int fd, FdCallback callback) {
  if (fd < 0 || fd == timer_.get()) {
    return absl::InvalidArgumentError(fmt::format("cannot watch fd {}", fd));
  }
  if (watched_.contains(fd)) {
    return absl::AlreadyExistsError(fmt::format("fd {} is already watched", fd));
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = fd;
  if (epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev) < 0) {
    return SysError("epoll_ctl(ADD)", fmt::format("fd {}", fd));
  }
  watched_[fd] = std::make_shared<FdCallback>(std::move(callback));
  return absl::OkStatus();
}

absl::Status EventLoop::Unwatch(int fd) {
  if (watched_.erase(fd) == 0) {
    return absl::NotFoundError(fmt::format("fd {} is not watched", fd));
  }
  if (epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr) < 0 && errno != EBADF) {
    return SysError("epoll_ctl(DEL)", fmt::format("fd {}", fd));
  }
  return absl::OkStatus();
}

EventLoop::TimerId EventLoop::AddTimer(absl::Time deadline, TimerCallback callback) {
  const TimerId id = next_timer_id_++;
  timers_.emplace(std::make_pair(deadline, id), std::move(callback));
  timer_deadlines_[id] = deadline;
  return id;
}

bool EventLoop::CancelTimer(TimerId id) {
  auto it = timer_deadlines_.find(id);
  if (it == timer_deadlines_.end()) return false;
  timers_.erase(std::make_pair(it->second, id));
  timer_deadlines_.erase(it);
  return true;
}

absl::Status EventLoop::ArmTimerFd() {
  itimerspec spec{};  // all zero disarms
  if (!timers_.empty()) {
    absl::Duration since_boot = timers_.begin()->first.first - absl::UnixEpoch();
    // An absolute deadline of 0 would disarm: anything already due fires at the earliest time.
    if (since_boot <= absl::ZeroDuration()) since_boot = absl::Nanoseconds(1);
    spec.it_value = absl::ToTimespec(since_boot);
  }
  if (timerfd_settime(timer_.get(), TFD_TIMER_ABSTIME, &spec, nullptr) < 0) {
    return SysError("timerfd_settime", "");
  }
  return absl::OkStatus();
}

void EventLoop::YieldIfBusy(absl::Time wait_started) {
  const absl::Time now = Now();
  // A wait that took this long slept: the kernel's count of CPU time without blocking restarted.
  constexpr absl::Duration kSlept = absl::Microseconds(20);
  if (now - wait_started >= kSlept || busy_since_ == absl::InfinitePast()) {
    busy_since_ = now;
    return;
  }
  if (now - busy_since_ < busy_yield_after_) return;
  // Long enough that the task really sleeps (a timer already past would not).
  const timespec pause{0, 20'000};
  nanosleep(&pause, nullptr);
  busy_since_ = Now();
}

void EventLoop::RunDueTimers() {
  const absl::Time now = Now();
  // A callback may add or cancel timers: take one at a time from the front.
  while (!timers_.empty() && timers_.begin()->first.first <= now) {
    auto node = timers_.extract(timers_.begin());
    timer_deadlines_.erase(node.key().second);
    node.mapped()();
    if (stopped_) return;
  }
}

absl::Status EventLoop::RunOnce(absl::Duration max_wait) {
  if (absl::Status armed = ArmTimerFd(); !armed.ok()) return armed;
  int timeout_ms = -1;
  if (max_wait != absl::InfiniteDuration()) {
    timeout_ms = static_cast<int>(absl::ToInt64Milliseconds(
        absl::Ceil(std::max(max_wait, absl::ZeroDuration()), absl::Milliseconds(1))));
  }
  epoll_event events[16];
  const absl::Time before = Now();
  int n = epoll_wait(epoll_.get(), events, 16, timeout_ms);
  if (n < 0) {
    if (errno == EINTR) return absl::OkStatus();
    return SysError("epoll_wait", "");
  }
  if (busy_yield_after_ > absl::ZeroDuration()) YieldIfBusy(before);
  for (int i = 0; i < n && !stopped_; ++i) {
    const int fd = events[i].data.fd;
    if (fd == timer_.get()) {
      uint64_t expirations;
      (void)!read(timer_.get(), &expirations, sizeof(expirations));
      continue;
    }
    auto it = watched_.find(fd);
    if (it == watched_.end()) continue;  // unwatched by an earlier callback of this turn
    std::shared_ptr<FdCallback> callback = it->second;  // survives an Unwatch inside itself
    (*callback)(events[i].events);
  }
  if (!stopped_) RunDueTimers();
  return absl::OkStatus();
}

absl::Status EventLoop::Run() {
  stopped_ = false;
  while (!stopped_) {
    if (absl::Status s = RunOnce(); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace vrrp::os
