#include "vip_lease.h"

#include "absl/strings/numbers.h"
#include "fmt/format.h"

namespace vrrp::config {

absl::StatusOr<VipLeaseTime> ReadVipLeaseTime(Cursor& in, const Token& kw) {
  const Token* v = in.Value(kw);
  if (v == nullptr) return in.NeedsValue(kw);
  if (v->text == "auto") return VipLeaseTime{};
  int64_t seconds = 0;
  if (!absl::SimpleAtoi(absl::string_view(v->text.data(), v->text.size()), &seconds) ||
      (seconds != 0 && (seconds < kMinVipLeaseSeconds || seconds > kMaxLeaseSeconds))) {
    return in.Error(*v, kw.text,
                    fmt::format("{} '{}' is not auto, 0 or a number of seconds {}..{}", kw.text,
                                v->text, kMinVipLeaseSeconds, kMaxLeaseSeconds));
  }
  return VipLeaseTime{.automatic = false, .seconds = static_cast<uint32_t>(seconds)};
}

uint32_t LeaseSeconds(const VipLeaseTime& lease, const RouterConfig& router) {
  return lease.automatic ? VipLeaseFor(router) : lease.seconds;
}

}  // namespace vrrp::config
