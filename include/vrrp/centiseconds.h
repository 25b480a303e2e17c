// Centiseconds: the unit VRRP puts on the wire for time.
//
// VRRPv3 (RFC 5798 §5.2.7) carries the advertisement interval as a 12-bit count of centiseconds;
// VRRPv2 (RFC 3768 §5.3.7) carries whole seconds, which the codec multiplies by 100. Every timer
// the state machine derives (skew, master-down interval, RFC 5798 §6.1) is computed in this type
// with integer arithmetic so that two implementations agree to the centisecond.
//
//   vrrp::Centiseconds interval{100};          // one second
//   absl::Duration d = interval.ToDuration();   // 1s
//   auto cs = vrrp::Centiseconds::FromSeconds(3);
#ifndef VRRP_CENTISECONDS_H_
#define VRRP_CENTISECONDS_H_

#include <compare>
#include <cstdint>

#include "absl/time/time.h"
#include "fmt/format.h"

namespace vrrp {

class Centiseconds {
 public:
  constexpr Centiseconds() = default;
  constexpr explicit Centiseconds(int64_t count) : count_(count) {}

  static constexpr Centiseconds FromSeconds(int64_t seconds) { return Centiseconds(seconds * 100); }
  // Truncates toward zero: a Duration shorter than 10 ms is 0 cs.
  static Centiseconds FromDuration(absl::Duration d) {
    return Centiseconds(absl::ToInt64Milliseconds(d) / 10);
  }

  constexpr int64_t count() const { return count_; }
  absl::Duration ToDuration() const { return absl::Milliseconds(count_ * 10); }

  constexpr auto operator<=>(const Centiseconds&) const = default;
  constexpr Centiseconds operator+(Centiseconds o) const { return Centiseconds(count_ + o.count_); }
  constexpr Centiseconds operator-(Centiseconds o) const { return Centiseconds(count_ - o.count_); }
  constexpr Centiseconds operator*(int64_t k) const { return Centiseconds(count_ * k); }

 private:
  int64_t count_ = 0;
};

}  // namespace vrrp

// Prints "100cs".
template <>
struct fmt::formatter<vrrp::Centiseconds> : fmt::formatter<int64_t> {
  template <typename FormatContext>
  auto format(vrrp::Centiseconds cs, FormatContext& ctx) const {
    auto out = fmt::formatter<int64_t>::format(cs.count(), ctx);
    return fmt::format_to(out, "cs");
  }
};

#endif  // VRRP_CENTISECONDS_H_
