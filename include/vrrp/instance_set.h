// InstanceSet: what keepalived's policy (tracking, sync groups: vrrp::Policy) needs from whoever
// runs the virtual routers. The Linux Driver and the SimulatedLan implement it, so the policy is
// one piece of code, tested without root on the simulated LAN and run unchanged on Linux; an
// embedder with its own runner implements these few calls.
//
// Thread-safety: none; the policy calls it from the thread that runs the instances.
#ifndef VRRP_INSTANCE_SET_H_
#define VRRP_INSTANCE_SET_H_

#include <optional>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "vrrp/event.h"
#include "vrrp/router.h"

namespace vrrp {

class InstanceSet {
 public:
  virtual ~InstanceSet() = default;

  // Every instance running now, in configuration order.
  virtual std::vector<InstanceId> ids() const = 0;
  virtual std::optional<InstanceId> Find(std::string_view name) const = 0;
  // The instance's state machine (read only), or nullptr for an id that is not running.
  virtual const Router* router(InstanceId id) const = 0;

  // A fault from outside (a tracked script or interface, the instance's sync group): the
  // instance is in Fault while this or the runner's own reason (InterfaceFault) holds.
  virtual void SetExternalFault(absl::Time now, InstanceId id, bool fault) = 0;
  // The runner's own reason for Fault: the instance's link is down, its source address gone.
  virtual bool InterfaceFault(InstanceId id) const = 0;
  // Router::SetPriorityDelta: the sum of the tracking weights.
  virtual void SetPriorityDelta(absl::Time now, InstanceId id, int delta) = 0;
  // Router::SetSyncHold and Router::SyncStepDown, for sync groups.
  virtual void SetSyncHold(absl::Time now, InstanceId id, bool hold) = 0;
  virtual void SyncStepDown(absl::Time now, InstanceId id) = 0;
};

}  // namespace vrrp

#endif  // VRRP_INSTANCE_SET_H_
