#include "vrrp/override_set.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace vrrp {
namespace {

// The effective priority is clamped to 1..254 (RFC 5798 §5.2.4: 255 is the owner's), so any
// delta beyond ±254 means the same; clamping the sum keeps an INT_MAX from overflowing it.
constexpr int64_t kMaxDelta = 254;

}  // namespace

void OverrideSet::SetExternalFault(absl::Time now, InstanceId id, bool fault) {
  Inputs& in = inputs_[id];
  in.policy_fault = fault;
  PushFault(now, id, in);
}

bool OverrideSet::InterfaceFault(InstanceId id) const {
  return inner_.InterfaceFault(id) || override_fault(id);
}

void OverrideSet::SetPriorityDelta(absl::Time now, InstanceId id, int delta) {
  Inputs& in = inputs_[id];
  in.policy_delta = delta;
  PushDelta(now, id, in);
}

bool OverrideSet::SetOverrideFault(absl::Time now, InstanceId id, bool fault) {
  if (inner_.router(id) == nullptr) return false;
  Inputs& in = inputs_[id];
  in.override_fault = fault;
  PushFault(now, id, in);
  return true;
}

bool OverrideSet::SetOverrideDelta(absl::Time now, InstanceId id, int delta) {
  if (inner_.router(id) == nullptr) return false;
  Inputs& in = inputs_[id];
  in.override_delta = delta;
  PushDelta(now, id, in);
  return true;
}

bool OverrideSet::override_fault(InstanceId id) const {
  auto it = inputs_.find(id);
  return it != inputs_.end() && it->second.override_fault;
}

int OverrideSet::override_delta(InstanceId id) const {
  auto it = inputs_.find(id);
  return it == inputs_.end() ? 0 : it->second.override_delta;
}

void OverrideSet::Reapply(absl::Time now) {
  std::vector<InstanceId> gone;
  for (const auto& [id, in] : inputs_) {
    if (inner_.router(id) == nullptr) gone.push_back(id);
  }
  for (InstanceId id : gone) inputs_.erase(id);
  for (const auto& [id, in] : inputs_) {
    PushFault(now, id, in);
    PushDelta(now, id, in);
  }
}

void OverrideSet::PushFault(absl::Time now, InstanceId id, const Inputs& in) {
  // The runner ignores a fault that did not change (InstanceSet::SetExternalFault).
  inner_.SetExternalFault(now, id, in.policy_fault || in.override_fault);
}

void OverrideSet::PushDelta(absl::Time now, InstanceId id, const Inputs& in) {
  const int total = static_cast<int>(std::clamp<int64_t>(
      int64_t{in.policy_delta} + int64_t{in.override_delta}, -kMaxDelta, kMaxDelta));
  // The Policy sets its delta whenever the router's differs from it, which is on every pass
  // while an override adds one of its own: pass on only a change.
  const Router* router = inner_.router(id);
  if (router == nullptr || router->priority_delta() == total) return;
  inner_.SetPriorityDelta(now, id, total);
}

}  // namespace vrrp
