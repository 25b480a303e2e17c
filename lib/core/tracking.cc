#include "vrrp/tracking.h"

#include "fmt/format.h"

namespace vrrp {
namespace {

// One tracked object's share: `ok` is "the check succeeds" / "the link is up".
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

}  // namespace

TrackEffect ComputeTrackEffect(absl::Span<const Track> tracks, const TrackInputs& inputs) {
  TrackEffect effect;
  for (const Track& track : tracks) {
    bool ok = true;
    std::string_view ok_text;
    std::string_view bad_text;
    if (track.kind == Track::Kind::kInterface) {
      ok = !inputs.interface_up || inputs.interface_up(track.name);
      ok_text = "up";
      bad_text = "down";
    } else {
      if (inputs.script_pending && inputs.script_pending(track.name)) {
        if (track.weight == 0) effect.waiting_for.push_back(track.name);
        continue;
      }
      ok = !inputs.script_failed || !inputs.script_failed(track.name);
      ok_text = "succeeded";
      bad_text = "failed";
    }
    const Share share = Weigh(track.weight, track.reverse, ok);
    effect.priority_delta += share.delta;
    if (share.fault) {
      effect.fault = true;
      effect.fault_reasons.push_back(
          fmt::format("{} {} {}", track.kind == Track::Kind::kInterface ? "interface" : "script",
                      track.name, ok ? ok_text : bad_text));
    }
  }
  return effect;
}

}  // namespace vrrp
