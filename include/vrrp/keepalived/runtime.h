// keepalived.conf → the library's runtime: what vrrp::os::Driver runs and what vrrp::Policy
// applies, from a parsed configuration (vrrp::config). Part of vrrp::keepalived, the glue an
// embedder uses to run keepalived's VRRP configuration unchanged:
//
//   auto conf = vrrp::config::ParseFile("/etc/keepalived/keepalived.conf");
//   std::vector<std::string> warnings;
//   vrrp::os::DriverOptions options;
//   options.instances = vrrp::keepalived::DriverInstances(*conf);
//   vrrp::Policy policy(vrrp::keepalived::PolicyConfigOf(*conf, &warnings));
//
// Pure functions: no files, no sockets.
#ifndef VRRP_KEEPALIVED_RUNTIME_H_
#define VRRP_KEEPALIVED_RUNTIME_H_

#include <string>
#include <string_view>
#include <vector>

#include "vrrp/config/config.h"
#include "vrrp/linux/driver.h"
#include "vrrp/policy.h"
#include "vrrp/tracking.h"

namespace vrrp::keepalived {

// Each vrrp_instance as the Driver runs it: interface, source (unicast_src_ip / mcast_src_ip),
// its multicast group or its unicast peers (with peers the group is not used: keepalived sends
// to the peers only), virtual_ipaddress_excluded.
std::vector<os::DriverInstance> DriverInstances(const config::Configuration& conf);

// An instance's track_interface, track_script, track_file and track_process entries as tracks,
// interfaces first (the order of keepalived's fault reasons). A track_script's own `weight W
// [reverse]` overrides its vrrp_script's; without one it keeps the script's. The same holds for
// track_file and track_process, whose own weight brings its own direction.
std::vector<Track> InstanceTracks(const config::VrrpInstance& instance,
                                  const config::Configuration& conf);

// The keyword that writes a track of `kind` in a vrrp_instance: "track_file".
std::string_view TrackKeyword(Track::Kind kind);

// The tracks of every instance and the sync groups. keepalived's rule for vrrp_sync_group
// members: unless the group says sync_group_tracking_weight, their track weights are ignored
// (taken as 0), so a failure means FAULT and moves the whole group, where a weight would move
// one member alone. Appends a warning per weight so ignored to `warnings` (may be null), naming
// the instance, the track and the group.
PolicyConfig PolicyConfigOf(const config::Configuration& conf,
                            std::vector<std::string>* warnings = nullptr);

// Whether two script lists would run the same checks (locations aside): a reload keeps the
// running checks, and so their results, when they do.
bool SameScripts(const std::vector<config::VrrpScript>& a,
                 const std::vector<config::VrrpScript>& b);

}  // namespace vrrp::keepalived

#endif  // VRRP_KEEPALIVED_RUNTIME_H_
