#include "vrrp/check_state.h"

#include <algorithm>
#include <array>

#include "vrrp/enum_names.h"

namespace vrrp {
namespace {

constexpr EnumNames<CheckStatus, 4> kCheckStatusNames{{"INIT", "GOOD", "BAD", "DISABLED"}};
static_assert(kCheckStatusNames.Covers(CheckStatus::kDisabled));

}  // namespace

std::string_view CheckStatusName(CheckStatus status) { return kCheckStatusNames(status); }

CheckState::CheckState(int rise, int fall, bool init_fail)
    : rise_(std::max(rise, 1)),
      fall_(std::max(fall, 1)),
      init_fail_(init_fail),
      // keepalived: "one success is enough" from INIT, all `rise` of them after init_fail.
      result_(init_fail ? 0 : rise_ - 1) {}

bool CheckState::Record(bool success) {
  if (disabled_) return false;
  const CheckStatus before = status();
  if (success) {
    result_ = result_ < rise_ - 1 ? result_ + 1 : rise_ + fall_ - 1;
  } else {
    result_ = result_ > rise_ ? result_ - 1 : 0;
  }
  init_ = false;
  return status() != before;
}

void CheckState::Disable() {
  disabled_ = true;
  init_ = false;
  result_ = 0;
}

CheckStatus CheckState::status() const {
  if (disabled_) return CheckStatus::kDisabled;
  if (init_) return CheckStatus::kInit;
  return result_ >= rise_ ? CheckStatus::kGood : CheckStatus::kBad;
}

bool CheckState::failed() const {
  if (disabled_) return false;
  return init_ ? init_fail_ : result_ < rise_;
}

bool CheckState::pending() const { return !disabled_ && init_ && !init_fail_; }

}  // namespace vrrp
