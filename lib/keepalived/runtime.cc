#include "vrrp/keepalived/runtime.h"

#include <algorithm>
#include <utility>

#include "fmt/format.h"

namespace vrrp::keepalived {

std::vector<os::DriverInstance> DriverInstances(const config::Configuration& conf) {
  std::vector<os::DriverInstance> specs;
  specs.reserve(conf.instances.size());
  for (const config::VrrpInstance& vi : conf.instances) {
    os::DriverInstance spec;
    spec.config = vi.config;
    spec.config.excluded_addresses = vi.extras.excluded_addresses;
    spec.interface = vi.extras.interface;
    spec.source = vi.extras.source;
    spec.track_link = !vi.extras.dont_track_primary;
    spec.config.unicast_peers = vi.extras.unicast_peers;
    if (vi.extras.unicast_peers.empty()) spec.config.multicast_group = vi.extras.mcast_group;
    specs.push_back(std::move(spec));
  }
  return specs;
}

std::vector<Track> InstanceTracks(const config::VrrpInstance& instance,
                                  const config::Configuration& conf) {
  std::vector<Track> tracks;
  tracks.reserve(instance.extras.track_interfaces.size() + instance.extras.track_scripts.size());
  for (const config::TrackedInterface& ti : instance.extras.track_interfaces) {
    tracks.push_back({Track::Kind::kInterface, ti.name, ti.weight, /*reverse=*/false});
  }
  for (const config::TrackedScript& ts : instance.extras.track_scripts) {
    const config::VrrpScript* script = conf.FindScript(ts.name);
    if (script == nullptr) continue;  // the parser resolves every track_script
    tracks.push_back({Track::Kind::kScript, ts.name, ts.weight.value_or(script->weight),
                      ts.reverse || script->reverse});
  }
  // An entry's own `weight W [reverse]` replaces the block's weight and direction together, as
  // keepalived reads it; without one the block's apply.
  for (const config::TrackedFile& tf : instance.extras.track_files) {
    const config::VrrpTrackFile* file = conf.FindTrackFile(tf.name);
    if (file == nullptr) continue;  // the parser resolves every track_file
    tracks.push_back({Track::Kind::kFile, tf.name, tf.weight.value_or(file->weight),
                      tf.weight ? tf.reverse : file->reverse});
  }
  for (const config::TrackedProcess& tp : instance.extras.track_processes) {
    const config::VrrpTrackProcess* process = conf.FindTrackProcess(tp.name);
    if (process == nullptr) continue;  // the parser resolves every track_process
    tracks.push_back({Track::Kind::kProcess, tp.name, tp.weight.value_or(process->weight),
                      tp.weight ? tp.reverse : process->reverse});
  }
  return tracks;
}

std::string_view TrackKeyword(Track::Kind kind) {
  switch (kind) {
    case Track::Kind::kScript:
      return "track_script";
    case Track::Kind::kInterface:
      return "track_interface";
    case Track::Kind::kFile:
      return "track_file";
    case Track::Kind::kProcess:
      return "track_process";
  }
  return "track";
}

PolicyConfig PolicyConfigOf(const config::Configuration& conf, std::vector<std::string>* warnings) {
  PolicyConfig policy;
  for (const config::VrrpInstance& vi : conf.instances) {
    std::vector<Track> tracks = InstanceTracks(vi, conf);
    if (!tracks.empty()) policy.instances.push_back({vi.config.name, std::move(tracks)});
  }
  for (const config::SyncGroup& group : conf.sync_groups) {
    policy.groups.push_back({group.name, group.instances});
    if (group.tracking_weight) continue;
    for (PolicyConfig::Instance& instance : policy.instances) {
      if (std::find(group.instances.begin(), group.instances.end(), instance.name) ==
          group.instances.end()) {
        continue;
      }
      for (Track& track : instance.tracks) {
        if (track.weight == 0) continue;
        if (warnings != nullptr) {
          warnings->push_back(fmt::format(
              "({}) {} {} weight {} ignored: in vrrp_sync_group {} a failure means FAULT "
              "(sync_group_tracking_weight keeps weights)",
              instance.name, TrackKeyword(track.kind), track.name, track.weight, group.name));
        }
        track.weight = 0;
      }
    }
  }
  return policy;
}

bool SameScripts(const std::vector<config::VrrpScript>& a,
                 const std::vector<config::VrrpScript>& b) {
  auto same = [](const config::VrrpScript& x, const config::VrrpScript& y) {
    return x.name == y.name && x.script.command == y.script.command &&
           x.script.user == y.script.user && x.script.group == y.script.group &&
           x.interval == y.interval && x.timeout == y.timeout && x.weight == y.weight &&
           x.reverse == y.reverse && x.rise == y.rise && x.fall == y.fall && x.user == y.user &&
           x.group == y.group && x.init_fail == y.init_fail;
  };
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), same);
}

}  // namespace vrrp::keepalived
