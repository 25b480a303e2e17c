#include "vip_conflict_keywords.h"

#include "fmt/format.h"
#include "values.h"

namespace vrrp::config {

absl::StatusOr<VipConflictMode> ReadVipConflictMode(Cursor& in, const Token& kw) {
  const Token* v = in.Value(kw);
  if (v == nullptr) return in.NeedsValue(kw);
  for (VipConflictMode mode :
       {VipConflictMode::kYield, VipConflictMode::kReport, VipConflictMode::kOff}) {
    if (v->text == VipConflictModeName(mode)) return mode;
  }
  return in.Error(*v, kw.text,
                  fmt::format("{} '{}' is not yield, report or off", kw.text, v->text));
}

absl::StatusOr<absl::Duration> ReadVipProbeInterval(Cursor& in, const Token& kw) {
  absl::StatusOr<absl::Duration> d = ReadSeconds(in, kw);
  if (!d.ok()) return d.status();
  if (*d != absl::ZeroDuration() && (*d < absl::Seconds(1) || *d > absl::Seconds(3600))) {
    return in.Error(kw, kw.text,
                    fmt::format("{} {:g} is out of range: 0 (off) or 1..3600 seconds", kw.text,
                                absl::ToDoubleSeconds(*d)));
  }
  return d;
}

absl::StatusOr<bool> ReadVipBlackHole(Cursor& in, const Token& kw) {
  const Token* v = in.Value(kw);
  if (v == nullptr) return in.NeedsValue(kw);
  if (v->text == "takeover") return true;
  if (v->text == "report") return false;
  return in.Error(*v, kw.text, fmt::format("{} '{}' is not report or takeover", kw.text, v->text));
}

}  // namespace vrrp::config
