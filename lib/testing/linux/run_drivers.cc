#include "vrrp/testing/linux/run_drivers.h"

#include <algorithm>

#include "doorbell.h"
#include "fmt/format.h"

namespace vrrp::testing {

absl::Status RunDrivers(absl::Span<os::Driver* const> drivers, absl::Time& now, absl::Time until,
                        int max_turns) {
  int turns = 0;  // at this instant
  for (;;) {
    bool worked = false;
    // Readable fds first, as EventLoop runs them before its timers: a packet waiting may be
    // the advertisement that keeps a due master-down timer from firing.
    for (os::Driver* driver : drivers) {
      for (int fd : driver->fds()) {
        if (!Readable(fd)) continue;
        driver->OnReadable(now, fd);
        worked = true;
      }
    }
    absl::Time next = absl::InfiniteFuture();
    for (os::Driver* driver : drivers) next = std::min(next, driver->NextDeadline());
    // A deadline already past (deferred effects waiting) means at once.
    if (next <= now) {
      for (os::Driver* driver : drivers) {
        if (driver->NextDeadline() <= now) driver->OnTimer(now);
      }
      worked = true;
    }
    if (worked) {
      if (++turns > max_turns) {
        return absl::ResourceExhaustedError(
            fmt::format("more than {} turns at {} without settling (a livelock?)", max_turns,
                        absl::FormatTime(now)));
      }
      continue;
    }
    if (next > until) {
      now = std::max(now, until);
      return absl::OkStatus();
    }
    now = next;
    turns = 0;
  }
}

absl::Status RunDriver(os::Driver& driver, absl::Time& now, absl::Time until) {
  os::Driver* drivers[] = {&driver};
  return RunDrivers(drivers, now, until);
}

}  // namespace vrrp::testing
