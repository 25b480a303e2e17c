// The vrrp_driver handle of vrrp.h: a vrrp::os::Driver run from the embedder's event loop, with
// keepalived's policy (vrrp::Policy: track_interface, sync groups) applied after every call the
// way examples/vrrpd applies it, and the embedder's own fault and priority delta combined with
// the policy's. driver_open.cc builds it (from keepalived.conf text or from structs), driver.cc
// runs it. Nothing here is exported (vrrp.map).
#ifndef VRRP_BINDINGS_C_DRIVER_HANDLE_H_
#define VRRP_BINDINGS_C_DRIVER_HANDLE_H_

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "internal.h"
#include "vrrp.h"
#include "vrrp/event.h"
#include "vrrp/instance_set.h"
#include "vrrp/linux/driver.h"
#include "vrrp/policy.h"

namespace vrrp::c_abi {

// The InstanceSet the Policy is applied to: the Driver, with the embedder's fault ORed into the
// policy's and the embedder's priority delta added to the policy's, per instance. The Policy
// sets every instance's external fault and delta on each pass (it owns them, policy.h), so the
// embedder's values would be overwritten by the next Apply if they went to the Driver directly.
// The embedder's fault also counts as the instance's own fault (InterfaceFault), so that a sync
// group takes the other members to Fault with it, as keepalived does for a failed check.
//
// Thread-safety: none, as the Driver. Lifetime: `driver` outlives this.
class EmbedderInstances final : public InstanceSet {
 public:
  explicit EmbedderInstances(os::Driver& driver) : driver_(driver) {}

  std::vector<InstanceId> ids() const override { return driver_.ids(); }
  std::optional<InstanceId> Find(std::string_view name) const override {
    return driver_.Find(name);
  }
  const Router* router(InstanceId id) const override { return driver_.router(id); }
  void SetExternalFault(absl::Time now, InstanceId id, bool fault) override;
  bool InterfaceFault(InstanceId id) const override;
  void SetPriorityDelta(absl::Time now, InstanceId id, int delta) override;
  void SetSyncHold(absl::Time now, InstanceId id, bool hold) override {
    driver_.SetSyncHold(now, id, hold);
  }
  void SyncStepDown(absl::Time now, InstanceId id) override { driver_.SyncStepDown(now, id); }

  // vrrp_driver_set_fault / vrrp_driver_set_priority_delta: the embedder's part, applied at once
  // combined with the policy's last value.
  void SetEmbedderFault(absl::Time now, InstanceId id, bool fault);
  void SetEmbedderDelta(absl::Time now, InstanceId id, int delta);
  bool embedder_fault(InstanceId id) const;

 private:
  struct Inputs {
    bool policy_fault = false;
    bool embedder_fault = false;
    int policy_delta = 0;
    int embedder_delta = 0;
  };
  void PushFault(absl::Time now, InstanceId id, const Inputs& in);
  void PushDelta(absl::Time now, InstanceId id, const Inputs& in);

  os::Driver& driver_;
  absl::flat_hash_map<InstanceId, Inputs> inputs_;
};

// An event waiting for vrrp_driver_poll_event: one of the Driver's, one of the Policy's, or a
// change of an instance's fault reasons (VRRP_EVENT_FAULT_REASONS).
struct FaultReasonsEvent {
  InstanceId id = InstanceId::kNone;
  std::string instance;
  std::string reasons;  // joined with ", "; empty when none is left
  absl::Time time;
};
struct TimedPolicyEvent {
  PolicyEvent event;
  absl::Time time;
};
using PendingEvent = std::variant<InstanceEvent, TimedPolicyEvent, FaultReasonsEvent>;

}  // namespace vrrp::c_abi

struct vrrp_driver {
  enum class Phase { kOpen, kStarted, kShutDown, kFailed };

  std::unique_ptr<vrrp::os::Driver> driver;
  std::unique_ptr<vrrp::c_abi::EmbedderInstances> instances;
  vrrp::Policy policy;
  // Whether the configuration has anything for the policy to do (tracks or sync groups):
  // without, Apply is skipped (it looks at every instance on every call).
  bool has_policy = false;
  std::vector<std::string> warnings;
  Phase phase = Phase::kOpen;

  std::deque<vrrp::c_abi::PendingEvent> events;
  vrrp::c_abi::EventStorage storage;  // the strings of the event polled last
  // The fault reasons last reported per instance name, joined (absent: none).
  std::map<std::string, std::string, std::less<>> reported_reasons;
};

namespace vrrp::c_abi {

// Builds the handle around a created Driver (driver_open.cc's last step).
std::unique_ptr<vrrp_driver> MakeDriverHandle(std::unique_ptr<os::Driver> driver,
                                              PolicyConfig policy,
                                              std::vector<std::string> warnings);

}  // namespace vrrp::c_abi

#endif  // VRRP_BINDINGS_C_DRIVER_HANDLE_H_
