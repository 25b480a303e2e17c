// OverrideSet: an InstanceSet with an operator's (or an embedder's) own fault and priority delta
// per instance, combined with the policy's instead of overwritten by it. vrrp::Policy owns the
// external fault and the priority delta of every instance it is applied to and sets them on each
// pass, so a value set on the runner directly lasts only until the next Apply; applied through
// this adapter, the policy's fault is ORed with the override's and its delta added to it.
//
//   vrrp::OverrideSet instances(*driver);          // any InstanceSet: Driver, SimulatedLan...
//   policy.Apply(now, instances, inputs);          // instead of policy.Apply(now, *driver, ...)
//   instances.SetOverrideFault(now, id, true);     // "drain this node": Fault until cleared
//   instances.SetOverrideDelta(now, id, -60);      // priority 100 + tracking - 60
//   // After a reload of the runner (ids are kept by name):
//   instances.Reapply(now);
//
// An override fault is the instance's own fault (InterfaceFault), so a sync group takes its
// other members to Fault with it, as keepalived does for a failed weight-0 check. The sum of
// the deltas is clamped to ±254 (RFC 5798 §5.2.4: the effective priority stays in 1..254).
//
// Thread-safety: none, as the InstanceSet it wraps. Lifetime: `inner` outlives this.
#ifndef VRRP_OVERRIDE_SET_H_
#define VRRP_OVERRIDE_SET_H_

#include <optional>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "vrrp/instance_set.h"

namespace vrrp {

class OverrideSet final : public InstanceSet {
 public:
  explicit OverrideSet(InstanceSet& inner) : inner_(inner) {}
  // Not copyable: OverrideSet(other_override_set) must wrap `other`, not copy it (a copy would
  // pass its faults to `other`'s inner set, around `other`).
  OverrideSet(const OverrideSet&) = delete;
  OverrideSet& operator=(const OverrideSet&) = delete;

  std::vector<InstanceId> ids() const override { return inner_.ids(); }
  std::optional<InstanceId> Find(std::string_view name) const override { return inner_.Find(name); }
  const Router* router(InstanceId id) const override { return inner_.router(id); }
  // The policy's fault, ORed with the override's before it reaches `inner`.
  void SetExternalFault(absl::Time now, InstanceId id, bool fault) override;
  // The runner's own reason or the override's fault.
  bool InterfaceFault(InstanceId id) const override;
  // The policy's delta, plus the override's before it reaches `inner`.
  void SetPriorityDelta(absl::Time now, InstanceId id, int delta) override;
  void SetSyncHold(absl::Time now, InstanceId id, bool hold) override {
    inner_.SetSyncHold(now, id, hold);
  }
  void SyncStepDown(absl::Time now, InstanceId id) override { inner_.SyncStepDown(now, id); }

  // The override's part, applied at once, combined with the policy's last value. An id that is
  // not running is ignored (false), and nothing is kept for it.
  bool SetOverrideFault(absl::Time now, InstanceId id, bool fault);
  bool SetOverrideDelta(absl::Time now, InstanceId id, int delta);
  bool override_fault(InstanceId id) const;
  int override_delta(InstanceId id) const;

  // After the runner was reconfigured: forgets the instances that are gone and pushes the
  // combined values of the others again, since a rebuilt instance starts without them.
  void Reapply(absl::Time now);

 private:
  struct Inputs {
    bool policy_fault = false;
    bool override_fault = false;
    int policy_delta = 0;
    int override_delta = 0;
  };
  void PushFault(absl::Time now, InstanceId id, const Inputs& in);
  void PushDelta(absl::Time now, InstanceId id, const Inputs& in);

  InstanceSet& inner_;
  absl::flat_hash_map<InstanceId, Inputs> inputs_;
};

}  // namespace vrrp

#endif  // VRRP_OVERRIDE_SET_H_
