// Enum names as data: one array per enum, indexed by the enumerator's value, instead of a
// hand-written switch per enum. A name and its enumerator cannot drift apart in two places, the
// reverse look-up (a name in a scenario or a command line) comes with it, and a new enumerator
// without a name fails to compile where the table is defined:
//
//   constexpr vrrp::EnumNames<RouterState, 4> kStateNames{{"INIT", "BACKUP", "MASTER", "FAULT"}};
//   static_assert(kStateNames.Covers(RouterState::kFault));  // the last enumerator
//   kStateNames(RouterState::kMaster)            // "MASTER"
//   kStateNames.Parse("BACKUP")                  // RouterState::kBackup
//
// For enums whose values run from 0 without gaps.
#ifndef VRRP_ENUM_NAMES_H_
#define VRRP_ENUM_NAMES_H_

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace vrrp {

template <typename Enum, size_t N>
struct EnumNames {
  std::array<std::string_view, N> names;

  // The name of `value`, or "unknown" for a value outside the table (a cast from the wire).
  constexpr std::string_view operator()(Enum value) const {
    const auto i = static_cast<size_t>(value);
    return i < N ? names[i] : std::string_view("unknown");
  }
  // The enumerator called `name`, if any.
  constexpr std::optional<Enum> Parse(std::string_view name) const {
    for (size_t i = 0; i < N; ++i) {
      if (names[i] == name) return static_cast<Enum>(i);
    }
    return std::nullopt;
  }
  // For a static_assert next to the table: `last` (the enum's last enumerator) has the table's
  // last name, so every enumerator has one.
  constexpr bool Covers(Enum last) const { return static_cast<size_t>(last) + 1 == N; }
};

}  // namespace vrrp

#endif  // VRRP_ENUM_NAMES_H_
