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

#include "absl/time/time.h"
#include "internal.h"
#include "vrrp.h"
#include "vrrp/event.h"
#include "vrrp/linux/driver.h"
#include "vrrp/override_set.h"
#include "vrrp/policy.h"

namespace vrrp::c_abi {

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
  // The InstanceSet the Policy is applied to: the Driver with the embedder's fault and delta
  // (vrrp_driver_set_fault, vrrp_driver_set_priority_delta) as overrides, combined with the
  // policy's instead of overwritten by its next pass (override_set.h).
  std::unique_ptr<vrrp::OverrideSet> instances;
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
