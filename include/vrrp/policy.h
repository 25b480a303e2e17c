// Policy: keepalived's policy above the state machines — tracking (track_script,
// track_interface: weights and faults) and sync groups (vrrp_sync_group: members move together)
// — applied to any InstanceSet: the Linux Driver, the SimulatedLan, an embedder's own runner.
// It holds no sockets and reads no clock; the caller says when to look again.
//
//   vrrp::PolicyConfig config;
//   config.instances = {{.name = "VI_4", .tracks = {{.kind = vrrp::Track::Kind::kScript,
//                                                   .name = "chk_nginx", .weight = -30}}}};
//   config.groups = {{.name = "G1", .members = {"VI_4", "VI_6"}}};   // v4 and v6 VIP together
//   vrrp::Policy policy(std::move(config));
//   // After each call into the driver (once its events are drained), and whenever a check's
//   // result or a tracked link changed:
//   policy.Apply(now, *driver, {.script_failed = ..., .interface_up = ..., .script_pending = ...});
//   while (auto e = policy.PollEvent()) Log(*e);   // "G1 group_state MASTER", ...
//
// Apply is idempotent: it compares what the tracks and groups want with what the instances
// are, and changes only what differs (a priority delta, an external fault, a sync hold), so it
// may be called as often as convenient. Its changes make the instances report events of their
// own (kPriorityChanged, kTransition...): drain them and call Apply again until no event comes.
//
// keepalived's rules (keepalived.conf(5)):
// - tracking: see ComputeTrackEffect (tracking.h);
// - a sync group member in Fault of its own puts every other member in Fault ("sync group G1:
//   VI_6 in fault"), so the group's VIPs are never split between two routers;
// - the group moves together: PlanSyncGroup (sync_group.h);
// - an instance that leaves every group (a reload) runs on its own again.
//
// Thread-safety: none; call it from the thread that runs the instances.
#ifndef VRRP_POLICY_H_
#define VRRP_POLICY_H_

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "fmt/format.h"
#include "vrrp/action.h"
#include "vrrp/event.h"
#include "vrrp/instance_set.h"
#include "vrrp/tracking.h"

namespace vrrp {

struct PolicyConfig {
  struct Instance {
    std::string name;
    std::vector<Track> tracks;  // in configuration order
  };
  struct Group {
    std::string name;
    std::vector<std::string> members;  // instance names
  };
  // Instances without tracks need not be listed.
  std::vector<Instance> instances;
  std::vector<Group> groups;
};

struct PolicyEvent {
  enum class Kind : uint8_t {
    kGroupState,  // every member of `group` is now in `state` (keepalived's GROUP notify)
    kStepDown,    // `instance` leaves MASTER with its sync group `group`
  };
  Kind kind = Kind::kGroupState;
  std::string group;
  std::string instance;
  RouterState state = RouterState::kInitialize;
};

std::string_view PolicyEventKindName(PolicyEvent::Kind kind);
// "G1 group_state MASTER", "G1 step_down VI_6".
std::string DescribePolicyEvent(const PolicyEvent& event);

class Policy {
 public:
  explicit Policy(PolicyConfig config = {});

  // A reload: the new tracks and groups apply from the next Apply. A group that keeps its name
  // keeps the state it last reported, so an unchanged group is not notified again.
  void Reconfigure(PolicyConfig config);
  const PolicyConfig& config() const { return config_; }

  // Brings every instance of `instances` in line with the tracks and groups (see above).
  void Apply(absl::Time now, InstanceSet& instances, const TrackInputs& inputs);

  std::optional<PolicyEvent> PollEvent();

  // Why `instance` is held in Fault by the policy, as of the last Apply: "script chk failed",
  // "interface eth1 down", "sync group G1: VI_6 in fault". Empty when it is not.
  const std::vector<std::string>& fault_reasons(std::string_view instance) const;

 private:
  void ApplyGroups(absl::Time now, InstanceSet& instances);

  PolicyConfig config_;
  std::map<std::string, std::vector<std::string>, std::less<>> fault_reasons_;
  std::map<std::string, RouterState, std::less<>> group_states_;  // last reported
  std::deque<PolicyEvent> events_;                                // oldest first
};

}  // namespace vrrp

template <>
struct fmt::formatter<vrrp::PolicyEvent> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(const vrrp::PolicyEvent& e, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format(vrrp::DescribePolicyEvent(e), ctx);
  }
};

#endif  // VRRP_POLICY_H_
