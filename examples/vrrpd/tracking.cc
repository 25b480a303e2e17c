#include "tracking.h"

#include "fmt/format.h"

namespace vrrpd {
namespace {

// One tracked object's share: `ok` is "the script succeeds" / "the link is up".
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

TrackEffect ComputeTrackEffect(const vrrp::config::VrrpInstance& instance,
                               const vrrp::config::Configuration& conf,
                               const std::function<bool(std::string_view script)>& script_failed,
                               const std::function<bool(std::string_view interface)>& interface_up,
                               const std::function<bool(std::string_view script)>& script_pending) {
  TrackEffect effect;
  for (const vrrp::config::TrackedInterface& ti : instance.extras.track_interfaces) {
    const bool up = interface_up(ti.name);
    const Share share = Weigh(ti.weight, /*reverse=*/false, up);
    effect.priority_delta += share.delta;
    if (share.fault) {
      effect.fault = true;
      effect.fault_reasons.push_back(fmt::format("interface {} {}", ti.name, up ? "up" : "down"));
    }
  }
  for (const vrrp::config::TrackedScript& ts : instance.extras.track_scripts) {
    const vrrp::config::VrrpScript* script = conf.FindScript(ts.name);
    if (script == nullptr) continue;  // the parser resolves every track_script
    const int weight = ts.weight.value_or(script->weight);
    const bool reverse = ts.reverse || script->reverse;
    if (script_pending && script_pending(ts.name)) {
      if (weight == 0) effect.waiting_for.push_back(ts.name);
      continue;
    }
    const bool ok = !script_failed(ts.name);
    const Share share = Weigh(weight, reverse, ok);
    effect.priority_delta += share.delta;
    if (share.fault) {
      effect.fault = true;
      effect.fault_reasons.push_back(
          fmt::format("script {} {}", ts.name, ok ? "succeeded" : "failed"));
    }
  }
  return effect;
}

}  // namespace vrrpd
