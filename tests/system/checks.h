// What the namespace system tests check and wait for, shared by the failover, vrrpd and
// interop tests: a condition polled until it holds (never an assertion on how fast), how many
// times a VIP is on an interface, an interface's MAC, whole-file reads and writes.
#ifndef VRRP_TESTS_SYSTEM_CHECKS_H_
#define VRRP_TESTS_SYSTEM_CHECKS_H_

#include <functional>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "system/netns.h"
#include "vrrp/linux/event_loop.h"

namespace vrrp::test {

// Polls `predicate` every `interval` for up to `limit`; its last value.
bool Eventually(const std::function<bool()>& predicate, absl::Duration limit = absl::Seconds(10),
                absl::Duration interval = absl::Milliseconds(50));

// Runs `loop` (turns of at most 10 ms) until `predicate` holds or `limit` passes; its last value.
bool RunLoopUntil(vrrp::os::EventLoop& loop, const std::function<bool()>& predicate,
                  absl::Duration limit = absl::Seconds(10));

// How many times `address` is on `interface` in `ns`: 0 or 1; 2 would be a doubled VIP.
int VipCount(const Netns& ns, std::string_view address, std::string_view interface = "eth0");

// The MAC address of `interface` in `ns`, lower case ("02:..").
std::string Mac(const Netns& ns, std::string_view interface = "eth0");

// The whole file; empty when it cannot be read.
std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, std::string_view text);

}  // namespace vrrp::test

#endif  // VRRP_TESTS_SYSTEM_CHECKS_H_
