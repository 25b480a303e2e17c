// EmbedderInstances (driver_handle.h): the embedder's fault and delta combined with the Policy's.
#include <algorithm>
#include <cstdint>

#include "driver_handle.h"

namespace vrrp::c_abi {
namespace {

// The effective priority is clamped to 1..254 (RFC 5798 §5.2.4: 255 is the owner's), so any
// delta beyond ±254 means the same; clamping the sum keeps an embedder's INT_MAX from
// overflowing it.
constexpr int64_t kMaxDelta = 254;

}  // namespace

void EmbedderInstances::SetExternalFault(absl::Time now, InstanceId id, bool fault) {
  Inputs& in = inputs_[id];
  in.policy_fault = fault;
  PushFault(now, id, in);
}

bool EmbedderInstances::InterfaceFault(InstanceId id) const {
  return driver_.InterfaceFault(id) || embedder_fault(id);
}

void EmbedderInstances::SetPriorityDelta(absl::Time now, InstanceId id, int delta) {
  Inputs& in = inputs_[id];
  in.policy_delta = delta;
  PushDelta(now, id, in);
}

void EmbedderInstances::SetEmbedderFault(absl::Time now, InstanceId id, bool fault) {
  Inputs& in = inputs_[id];
  in.embedder_fault = fault;
  PushFault(now, id, in);
}

void EmbedderInstances::SetEmbedderDelta(absl::Time now, InstanceId id, int delta) {
  Inputs& in = inputs_[id];
  in.embedder_delta = delta;
  PushDelta(now, id, in);
}

bool EmbedderInstances::embedder_fault(InstanceId id) const {
  auto it = inputs_.find(id);
  return it != inputs_.end() && it->second.embedder_fault;
}

void EmbedderInstances::PushFault(absl::Time now, InstanceId id, const Inputs& in) {
  // The Driver ignores a fault that did not change.
  driver_.SetExternalFault(now, id, in.policy_fault || in.embedder_fault);
}

void EmbedderInstances::PushDelta(absl::Time now, InstanceId id, const Inputs& in) {
  const int total = static_cast<int>(std::clamp<int64_t>(
      int64_t{in.policy_delta} + int64_t{in.embedder_delta}, -kMaxDelta, kMaxDelta));
  // The Policy sets its delta whenever the router's differs from it, which is on every pass
  // while the embedder adds one of its own: pass on only a change.
  const Router* router = driver_.router(id);
  if (router == nullptr || router->priority_delta() == total) return;
  driver_.SetPriorityDelta(now, id, total);
}

}  // namespace vrrp::c_abi
