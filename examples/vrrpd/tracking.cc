#include "tracking.h"

namespace vrrpd {

std::vector<vrrp::Track> InstanceTracks(const vrrp::config::VrrpInstance& instance,
                                        const vrrp::config::Configuration& conf) {
  std::vector<vrrp::Track> tracks;
  tracks.reserve(instance.extras.track_interfaces.size() + instance.extras.track_scripts.size());
  for (const vrrp::config::TrackedInterface& ti : instance.extras.track_interfaces) {
    tracks.push_back({vrrp::Track::Kind::kInterface, ti.name, ti.weight, /*reverse=*/false});
  }
  for (const vrrp::config::TrackedScript& ts : instance.extras.track_scripts) {
    const vrrp::config::VrrpScript* script = conf.FindScript(ts.name);
    if (script == nullptr) continue;  // the parser resolves every track_script
    tracks.push_back({vrrp::Track::Kind::kScript, ts.name, ts.weight.value_or(script->weight),
                      ts.reverse || script->reverse});
  }
  return tracks;
}

TrackEffect ComputeTrackEffect(const vrrp::config::VrrpInstance& instance,
                               const vrrp::config::Configuration& conf,
                               const std::function<bool(std::string_view script)>& script_failed,
                               const std::function<bool(std::string_view interface)>& interface_up,
                               const std::function<bool(std::string_view script)>& script_pending) {
  return vrrp::ComputeTrackEffect(InstanceTracks(instance, conf),
                                  vrrp::TrackInputs{script_failed, interface_up, script_pending});
}

}  // namespace vrrpd
