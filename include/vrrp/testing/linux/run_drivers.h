// RunDrivers: a virtual-time event loop for Drivers wired to fakes (fake_host.h). It does what
// an event loop does — OnReadable for each readable fd (a FakeSocket with packets waiting, a
// link monitor with notifications), OnTimer at each NextDeadline — but moves `now` from one
// deadline to the next instead of sleeping, so seconds of VRRP run in microseconds and a test
// never waits on the wall clock.
//
//   absl::Time now = vrrp::testing::kVirtualStart;
//   (void)driver->Start(now);
//   REQUIRE(vrrp::testing::RunDriver(*driver, now, now + absl::Seconds(4)).ok());
//   // now == kVirtualStart + 4 s; every packet and timer up to then was handled
//   host.SetLinkUp("eth0", false);
//   REQUIRE(vrrp::testing::RunDriver(*driver, now, now).ok());   // handles what is due now
//
// Events stay queued on each Driver for the test to poll.
//
// Thread-safety: none.
#ifndef VRRP_TESTING_LINUX_RUN_DRIVERS_H_
#define VRRP_TESTING_LINUX_RUN_DRIVERS_H_

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "vrrp/linux/driver.h"

namespace vrrp::testing {

// Runs `drivers` together until `until` (inclusive: what is due at `until` runs), then sets
// `now` to `until`. Readable fds go before due timers at each instant, as in EventLoop.
// kResourceExhausted when one instant takes more than `max_turns` turns (a livelock).
[[nodiscard]] absl::Status RunDrivers(absl::Span<os::Driver* const> drivers, absl::Time& now,
                                      absl::Time until, int max_turns = 100'000);
[[nodiscard]] absl::Status RunDriver(os::Driver& driver, absl::Time& now, absl::Time until);

}  // namespace vrrp::testing

#endif  // VRRP_TESTING_LINUX_RUN_DRIVERS_H_
