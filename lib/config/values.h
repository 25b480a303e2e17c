// The values keywords take, read from the keyword's line: integers, keepalived's <TIMER> seconds,
// addresses, words, commands (notify_*, script) and block names. Each error names the keyword and
// the value as written.
#ifndef VRRP_LIB_CONFIG_VALUES_H_
#define VRRP_LIB_CONFIG_VALUES_H_

#include <climits>
#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cursor.h"
#include "vrrp/ip_address.h"

namespace vrrp::config {

inline constexpr int64_t kMicrosPerSecond = 1000000;
inline constexpr int64_t kMicrosPerCs = 10000;
// For integers whose range the core validates (so that its message is the one the operator sees):
// they only need to fit in an int on the way.
inline constexpr int64_t kNoMin = INT_MIN / 2;
inline constexpr int64_t kNoMax = INT_MAX / 2;

absl::StatusOr<int> ReadInt(Cursor& in, const Token& kw, int64_t lo = kNoMin, int64_t hi = kNoMax);
// ReadInt for the few values beyond an int (RLIMIT_RTTIME's microseconds).
absl::StatusOr<int64_t> ReadInt64(Cursor& in, const Token& kw, int64_t lo, int64_t hi);
// keepalived's <TIMER>: seconds with an optional fraction, in microseconds.
absl::StatusOr<int64_t> ReadMicros(Cursor& in, const Token& kw);
absl::StatusOr<absl::Duration> ReadSeconds(Cursor& in, const Token& kw);
absl::StatusOr<IpAddress> ReadAddress(Cursor& in, const Token& kw);
// An address that may be written with a prefix length, as people copy it from `ip addr`
// (`unicast_src_ip 192.0.2.5/24`): keepalived uses the address, and so do we, with a warning
// that the length means nothing there. `what` names the value in messages.
absl::StatusOr<IpAddress> HostAddress(Cursor& in, const Token& value, std::string_view what);
// The one word a keyword takes (any text).
absl::StatusOr<const Token*> ReadWord(Cursor& in, const Token& kw);
// The name after vrrp_instance, vrrp_script, vrrp_sync_group: present and not empty.
absl::StatusOr<const Token*> ReadName(Cursor& in, const Token& kw);
// keepalived's optional [on|off|true|false|yes|no] after a flag keyword: none means true.
absl::StatusOr<bool> ReadOptionalBool(Cursor& in, const Token& kw);
// COMMAND [USER [GROUP]]: notify_* in instances and sync groups.
absl::StatusOr<Command> ReadCommand(Cursor& in, const Token& kw);

// Stores a value just read, or passes its error on: `return Assign(ReadInt(in, kw), field);`.
template <typename T, typename Field>
absl::Status Assign(absl::StatusOr<T> value, Field& field) {
  if (!value.ok()) return value.status();
  field = *std::move(value);
  return absl::OkStatus();
}

// `slot`: a std::optional<Command> or an OptionalCommand.
template <typename Slot>
absl::Status ReadCommandInto(Cursor& in, const Token& kw, Slot& slot) {
  absl::StatusOr<Command> cmd = ReadCommand(in, kw);
  if (!cmd.ok()) return cmd.status();
  slot = *std::move(cmd);
  return absl::OkStatus();
}

}  // namespace vrrp::config

#endif  // VRRP_LIB_CONFIG_VALUES_H_
