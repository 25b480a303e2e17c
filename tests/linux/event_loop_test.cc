#include "vrrp/linux/event_loop.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <vector>

namespace vrrp::os {
namespace {

TEST_CASE("EventLoop runs timers in deadline order, equal deadlines in insertion order") {
  auto loop = EventLoop::Create();
  REQUIRE(loop.ok());
  EventLoop& l = **loop;
  std::vector<int> order;
  const absl::Time t0 = l.Now();
  l.AddTimer(t0 + absl::Milliseconds(30), [&] { order.push_back(3); });
  l.AddTimer(t0 + absl::Milliseconds(10), [&] { order.push_back(1); });
  l.AddTimer(t0 + absl::Milliseconds(10), [&] { order.push_back(2); });
  l.AddTimer(t0 + absl::Milliseconds(40), [&] {
    order.push_back(4);
    l.Stop();
  });
  REQUIRE(l.Run().ok());
  CHECK(order == std::vector<int>{1, 2, 3, 4});
  // Never early: the loop does not run a timer before its deadline.
  CHECK(l.Now() >= t0 + absl::Milliseconds(40));
}

TEST_CASE("EventLoop timers can be cancelled, also from another timer") {
  auto loop = EventLoop::Create();
  REQUIRE(loop.ok());
  EventLoop& l = **loop;
  bool cancelled_ran = false;
  const absl::Time t0 = l.Now();
  EventLoop::TimerId victim =
      l.AddTimer(t0 + absl::Milliseconds(20), [&] { cancelled_ran = true; });
  l.AddTimer(t0 + absl::Milliseconds(5), [&] { CHECK(l.CancelTimer(victim)); });
  l.AddTimer(t0 + absl::Milliseconds(30), [&] { l.Stop(); });
  REQUIRE(l.Run().ok());
  CHECK_FALSE(cancelled_ran);
  CHECK_FALSE(l.CancelTimer(victim));
}

TEST_CASE("EventLoop calls a watched fd's callback when it is readable") {
  auto loop = EventLoop::Create();
  REQUIRE(loop.ok());
  EventLoop& l = **loop;
  UniqueFd efd(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  REQUIRE(efd.valid());
  int calls = 0;
  REQUIRE(l.Watch(efd.get(), [&](uint32_t events) {
             CHECK((events & EPOLLIN) != 0);
             uint64_t v;
             REQUIRE(read(efd.get(), &v, sizeof(v)) == sizeof(v));
             CHECK(v == 7);
             ++calls;
             l.Stop();
           }).ok());
  CHECK(l.Watch(efd.get(), [](uint32_t) {}).code() == absl::StatusCode::kAlreadyExists);
  l.AddTimer(l.Now() + absl::Milliseconds(5), [&] {
    uint64_t v = 7;
    REQUIRE(write(efd.get(), &v, sizeof(v)) == sizeof(v));
  });
  REQUIRE(l.Run().ok());
  CHECK(calls == 1);
  REQUIRE(l.Unwatch(efd.get()).ok());
  CHECK(l.Unwatch(efd.get()).code() == absl::StatusCode::kNotFound);
  CHECK(l.Watch(-1, [](uint32_t) {}).code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("EventLoop::RunOnce returns after max_wait when nothing happens") {
  auto loop = EventLoop::Create();
  REQUIRE(loop.ok());
  const absl::Time t0 = (*loop)->Now();
  REQUIRE((*loop)->RunOnce(absl::Milliseconds(20)).ok());
  CHECK((*loop)->Now() - t0 >= absl::Milliseconds(20));
}

TEST_CASE("EventLoop runs a timer whose deadline has already passed on the next turn") {
  auto loop = EventLoop::Create();
  REQUIRE(loop.ok());
  bool ran = false;
  (*loop)->AddTimer((*loop)->Now() - absl::Seconds(5), [&] { ran = true; });
  REQUIRE((*loop)->RunOnce(absl::Seconds(2)).ok());
  CHECK(ran);
}

}  // namespace
}  // namespace vrrp::os

namespace vrrp::os {
namespace {

// Voluntary context switches of this thread: how often it slept.
long Sleeps() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  return usage.ru_nvcsw;
}

// An fd that is always readable keeps epoll_wait from ever sleeping; under SCHED_RR that is what
// RLIMIT_RTTIME kills. With SetBusyYield the loop sleeps now and then.
TEST_CASE("EventLoop::SetBusyYield sleeps during a long stretch of ready fds, and only then") {
  auto loop = EventLoop::Create();
  REQUIRE(loop.ok());
  const int fd = eventfd(1, EFD_NONBLOCK | EFD_CLOEXEC);  // readable until read: never read
  REQUIRE(fd >= 0);
  int calls = 0;
  REQUIRE((*loop)->Watch(fd, [&](uint32_t) { ++calls; }).ok());
  auto spin = [&](absl::Duration how_long) {
    const long before = Sleeps();
    const absl::Time end = (*loop)->Now() + how_long;
    while ((*loop)->Now() < end) REQUIRE((*loop)->RunOnce().ok());
    return Sleeps() - before;
  };
  const long without = spin(absl::Milliseconds(30));
  // About one sleep per millisecond of work. On a loaded machine the thread works only part of
  // each wall-clock millisecond, so count turns until ten sleeps rather than sleeps in a window;
  // the cap only ends a loop that never sleeps.
  (*loop)->SetBusyYield(absl::Milliseconds(1));
  const long before = Sleeps();
  const absl::Time cap = (*loop)->Now() + absl::Seconds(10);
  while (Sleeps() - before < 10 && (*loop)->Now() < cap) REQUIRE((*loop)->RunOnce().ok());
  const long with = Sleeps() - before;
  CHECK(calls > 0);
  CHECK(with >= 10);
  // Without, the thread never had to wait.
  CHECK(without < with);
  close(fd);
}

}  // namespace
}  // namespace vrrp::os
