#include "vrrp/tracking.h"

#include <algorithm>

#include "fmt/format.h"

namespace vrrp {
namespace {

// One tracked object's share: `ok` is "the check succeeds" / "the link is up" / "the process
// quorum is met".
struct Share {
  int delta = 0;
  bool fault = false;
};

Share Weigh(int weight, bool reverse, bool ok) {
  if (weight == 0) return {0, ok == reverse};  // down normally, up when reversed
  const int sign = reverse ? -1 : 1;
  if (weight > 0 && ok) return {weight * sign, false};
  if (weight < 0 && !ok) return {weight * sign, false};
  return {};
}

// keepalived.conf(5), "Track files": the value times the weight, where -254 (or less) is the
// FAULT that the weight 254 makes reachable with a value of -1, and 253 the most it adds.
constexpr int64_t kFileFault = -254;
constexpr int64_t kFileMaxDelta = 253;

Share WeighFile(int weight, bool reverse, int64_t value) {
  value = std::clamp<int64_t>(value, -254, 254);
  if (weight == 0) return {0, (value != 0) != reverse};
  const int64_t product = value * weight * (reverse ? -1 : 1);
  if (product <= kFileFault) return {0, true};
  return {static_cast<int>(std::min(product, kFileMaxDelta)), false};
}

}  // namespace

TrackEffect ComputeTrackEffect(absl::Span<const Track> tracks, const TrackInputs& inputs) {
  TrackEffect effect;
  for (const Track& track : tracks) {
    Share share;
    std::string reason;
    switch (track.kind) {
      case Track::Kind::kInterface: {
        const bool up = !inputs.interface_up || inputs.interface_up(track.name);
        share = Weigh(track.weight, track.reverse, up);
        reason = fmt::format("interface {} {}", track.name, up ? "up" : "down");
        break;
      }
      case Track::Kind::kScript: {
        if (inputs.script_pending && inputs.script_pending(track.name)) {
          if (track.weight == 0) effect.waiting_for.push_back(track.name);
          continue;
        }
        const bool ok = !inputs.script_failed || !inputs.script_failed(track.name);
        share = Weigh(track.weight, track.reverse, ok);
        reason = fmt::format("script {} {}", track.name, ok ? "succeeded" : "failed");
        break;
      }
      case Track::Kind::kFile: {
        const int64_t value = inputs.file_value ? inputs.file_value(track.name) : 0;
        share = WeighFile(track.weight, track.reverse, value);
        reason = fmt::format("file {} value {}", track.name, value);
        break;
      }
      case Track::Kind::kProcess: {
        const bool up = !inputs.process_up || inputs.process_up(track.name);
        share = Weigh(track.weight, track.reverse, up);
        reason = fmt::format("process {} {}", track.name, up ? "up" : "down");
        break;
      }
    }
    effect.priority_delta += share.delta;
    if (share.fault) {
      effect.fault = true;
      effect.fault_reasons.push_back(std::move(reason));
    }
  }
  return effect;
}

}  // namespace vrrp
