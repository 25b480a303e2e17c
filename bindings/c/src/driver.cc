// vrrp.h's Linux driver, run from the embedder's event loop: a vrrp::os::Driver's fds, deadline
// and events (docs/embedding.md §2), with keepalived's policy applied after every call into it
// as examples/vrrpd does (Daemon::DrainEvents): the Driver's events are drained, the Policy
// applied, and again while that made new events.
#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/str_join.h"
#include "driver_handle.h"
#include "fmt/format.h"
#include "internal.h"
#include "vrrp.h"
#include "vrrp/linux/link_monitor.h"
#include "vrrp/status.h"

namespace vrrp::c_abi {
namespace {

using Phase = vrrp_driver::Phase;

// Apply is idempotent: a pass makes events only when it changed something, and the next pass
// finds nothing to change. A bound keeps a bug from hanging the embedder's loop.
constexpr int kMaxSettlePasses = 16;

// vrrp_script checks are not run by the C layer (vrrp.h): the embedder checks its own health
// and calls vrrp_driver_set_fault, so a track_script is neither failed nor waiting for a first
// result, and a tracked interface is read from the system as vrrpd reads it. A tracked link
// that changes wakes the Driver's link monitor (one of vrrp_driver_fds), and the Apply after
// that handle_readable reads it again.
TrackInputs Inputs() {
  return {
      .script_failed = [](std::string_view) { return false; },
      .interface_up =
          [](std::string_view name) {
            absl::StatusOr<bool> up = os::InterfaceIsUp(std::string(name));
            return up.ok() && *up;
          },
      .script_pending = [](std::string_view) { return false; },
  };
}

// VRRP_EVENT_FAULT_REASONS for each instance whose Policy::fault_reasons changed.
void ReportFaultReasons(vrrp_driver& d, absl::Time now) {
  for (InstanceId id : d.driver->ids()) {
    const Instance* instance = d.driver->instance(id);
    if (instance == nullptr) continue;
    const std::string& name = instance->name();
    std::string joined = absl::StrJoin(d.policy.fault_reasons(name), ", ");
    auto it = d.reported_reasons.find(name);
    const std::string& before = it == d.reported_reasons.end() ? std::string() : it->second;
    if (joined == before) continue;
    d.events.push_back(
        FaultReasonsEvent{.id = id, .instance = name, .reasons = joined, .time = now});
    if (joined.empty()) {
      d.reported_reasons.erase(it);
    } else {
      d.reported_reasons[name] = std::move(joined);
    }
  }
}

// After every call into the Driver: its events, then the Policy, until nothing changes. What a
// pass of the Policy did is queued as cause, then effects, then summary: the fault reasons that
// changed, the transitions they made, the group states those give.
void Settle(vrrp_driver& d, absl::Time now) {
  const bool apply = d.has_policy && (d.phase == Phase::kOpen || d.phase == Phase::kStarted);
  for (int pass = 0; pass < kMaxSettlePasses; ++pass) {
    while (std::optional<InstanceEvent> e = d.driver->PollEvent()) d.events.push_back(*e);
    if (!apply) return;
    d.policy.Apply(now, *d.instances, Inputs());
    ReportFaultReasons(d, now);
    while (std::optional<InstanceEvent> e = d.driver->PollEvent()) d.events.push_back(*e);
    while (std::optional<PolicyEvent> e = d.policy.PollEvent()) {
      d.events.push_back(TimedPolicyEvent{.event = std::move(*e), .time = now});
    }
    // Apply is idempotent: a pass that changed nothing ends it.
    if (!d.driver->has_events()) return;
  }
  while (std::optional<InstanceEvent> e = d.driver->PollEvent()) d.events.push_back(*e);
}

// The strings of a policy or fault-reasons event, kept in `storage` as FillEvent keeps its own.
void FillOther(const vrrp_driver& d, const PendingEvent& pending, EventStorage& storage,
               vrrp_event* out) {
  *out = vrrp_event{};
  storage.instance.clear();
  storage.group.clear();
  storage.interface.clear();
  storage.message.clear();
  if (const auto* p = std::get_if<TimedPolicyEvent>(&pending)) {
    const PolicyEvent& e = p->event;
    out->type =
        e.kind == PolicyEvent::Kind::kGroupState ? VRRP_EVENT_GROUP_STATE : VRRP_EVENT_STEP_DOWN;
    storage.group = e.group;
    if (e.kind == PolicyEvent::Kind::kStepDown) {
      storage.instance = e.instance;
      if (std::optional<InstanceId> id = d.driver->Find(e.instance)) out->instance_id = ToInt(*id);
    }
    out->to = static_cast<int>(e.state);
    out->time = ToTstamp(p->time);
    storage.text = DescribePolicyEvent(e);
  } else if (const auto* f = std::get_if<FaultReasonsEvent>(&pending)) {
    out->type = VRRP_EVENT_FAULT_REASONS;
    out->instance_id = ToInt(f->id);
    storage.instance = f->instance;
    storage.message = f->reasons;
    out->time = ToTstamp(f->time);
    storage.text =
        fmt::format("{} fault_reasons {}", f->instance, f->reasons.empty() ? "none" : f->reasons);
  }
  out->instance = storage.instance.c_str();
  out->group = storage.group.c_str();
  out->interface = storage.interface.c_str();
  out->message = storage.message.c_str();
  out->text = storage.text.c_str();
}

// vrrpd's status of one instance (examples/vrrpd/daemon.cc, Daemon::Status), with the
// embedder's fault as a reason of its own.
InstanceStatus StatusOf(const vrrp_driver& d, InstanceId id) {
  const Instance& instance = *d.driver->instance(id);
  const Router& router = instance.router();
  InstanceStatus s;
  s.name = instance.name();
  s.interface = d.driver->spec(id)->interface;
  s.vrid = router.config().vrid;
  s.version = static_cast<int>(router.config().version);
  s.family = router.config().family;
  s.state = router.state();
  s.priority = router.config().priority;
  s.effective_priority = router.effective_priority();
  for (const VirtualAddress& vip : instance.config().addresses) {
    s.addresses.push_back(fmt::format("{}/{}", vip.address, vip.prefix_len));
  }
  s.fault = router.fault();
  if (d.driver->InterfaceFault(id)) s.fault_reasons.push_back("interface or source address down");
  if (d.instances->override_fault(id)) s.fault_reasons.push_back("vrrp_driver_set_fault");
  const std::vector<std::string>& reasons = d.policy.fault_reasons(s.name);
  s.fault_reasons.insert(s.fault_reasons.end(), reasons.begin(), reasons.end());
  if (router.state() == RouterState::kBackup) s.master = router.master_address();
  s.stats = router.stats();
  return s;
}

// The running instance `id` (vrrp.h's uint32_t), or nullptr.
const Instance* Running(const vrrp_driver& d, uint32_t id) {
  return d.driver->instance(InstanceId{id});
}

int RefuseState(const vrrp_driver& d, std::string_view function) {
  return Fail(VRRP_ERR_STATE,
              fmt::format("{}: the driver {}", function,
                          d.phase == Phase::kFailed ? "failed to start: it can only be deleted"
                                                    : "was shut down"));
}

}  // namespace

std::unique_ptr<vrrp_driver> MakeDriverHandle(std::unique_ptr<os::Driver> driver,
                                              PolicyConfig policy,
                                              std::vector<std::string> warnings) {
  auto d = std::make_unique<vrrp_driver>();
  d->driver = std::move(driver);
  d->instances = std::make_unique<OverrideSet>(*d->driver);
  d->has_policy = !policy.instances.empty() || !policy.groups.empty();
  d->policy.Reconfigure(std::move(policy));
  d->warnings = std::move(warnings);
  return d;
}

}  // namespace vrrp::c_abi

using vrrp::c_abi::Fail;
using vrrp::c_abi::FailNull;
using vrrp::c_abi::Settle;
using vrrp::c_abi::ToTime;
using Phase = vrrp_driver::Phase;

extern "C" {

void vrrp_driver_del(vrrp_driver* driver) {
  if (driver == nullptr) return;
  // vrrp.h: a Master still running resigns (priority 0) and removes its addresses.
  if (driver->phase == Phase::kStarted) driver->driver->Shutdown(ToTime(vrrp_now()));
  delete driver;
}

int vrrp_driver_warnings(const vrrp_driver* driver, char* buf, size_t len) {
  if (driver == nullptr) return FailNull("vrrp_driver_warnings", "driver");
  std::string text;
  for (const std::string& w : driver->warnings) text += w + "\n";
  return vrrp::c_abi::WriteText(text, buf, len);
}

int vrrp_driver_start(vrrp_driver* driver, vrrp_tstamp now) {
  if (driver == nullptr) return FailNull("vrrp_driver_start", "driver");
  if (driver->phase != Phase::kOpen) {
    if (driver->phase == Phase::kStarted) {
      return Fail(VRRP_ERR_STATE, "vrrp_driver_start: the driver is already started");
    }
    return vrrp::c_abi::RefuseState(*driver, "vrrp_driver_start");
  }
  const absl::Time t = ToTime(now);
  // Tracking first, as vrrpd: an instance whose tracked interface is down (or that the
  // embedder put in fault) starts in Fault, not as a Master for a moment.
  Settle(*driver, t);
  if (absl::Status s = driver->driver->Start(t); !s.ok()) {
    driver->phase = Phase::kFailed;
    return Fail(s);
  }
  driver->phase = Phase::kStarted;
  Settle(*driver, t);
  return 0;
}

void vrrp_driver_shutdown(vrrp_driver* driver, vrrp_tstamp now) {
  if (driver == nullptr) return;
  if (driver->phase == Phase::kStarted) {
    driver->driver->Shutdown(ToTime(now));
    driver->phase = Phase::kShutDown;
    Settle(*driver, ToTime(now));  // the transitions and removals, for the embedder to poll
  } else if (driver->phase == Phase::kOpen) {
    driver->phase = Phase::kShutDown;
  }
}

int vrrp_driver_fds(const vrrp_driver* driver, int* fds, size_t cap) {
  if (driver == nullptr) return FailNull("vrrp_driver_fds", "driver");
  if (fds == nullptr && cap > 0) return FailNull("vrrp_driver_fds", "fds");
  const std::vector<int> all = driver->driver->fds();
  std::copy_n(all.begin(), std::min(all.size(), cap), fds);
  return static_cast<int>(all.size());
}

void vrrp_driver_handle_readable(vrrp_driver* driver, vrrp_tstamp now, int fd) {
  if (driver == nullptr || driver->phase == Phase::kFailed) return;
  // Read even when not running: a socket left unread would keep a poll() loop awake.
  driver->driver->OnReadable(ToTime(now), fd);
  Settle(*driver, ToTime(now));
}

void vrrp_driver_handle_timeout(vrrp_driver* driver, vrrp_tstamp now) {
  if (driver == nullptr || driver->phase == Phase::kFailed) return;
  driver->driver->OnTimer(ToTime(now));
  Settle(*driver, ToTime(now));
}

vrrp_tstamp vrrp_driver_get_expiry(const vrrp_driver* driver) {
  if (driver == nullptr || driver->phase == Phase::kFailed) return VRRP_TSTAMP_MAX;
  return vrrp::c_abi::ToTstamp(driver->driver->NextDeadline());
}

int vrrp_driver_poll_event(vrrp_driver* driver, vrrp_event* out) {
  if (driver == nullptr) return FailNull("vrrp_driver_poll_event", "driver");
  if (out == nullptr) return FailNull("vrrp_driver_poll_event", "out");
  if (driver->events.empty()) return 0;
  vrrp::c_abi::PendingEvent pending = std::move(driver->events.front());
  driver->events.pop_front();
  if (const auto* e = std::get_if<vrrp::InstanceEvent>(&pending)) {
    vrrp::c_abi::FillEvent(*e, driver->storage, out);
  } else {
    vrrp::c_abi::FillOther(*driver, pending, driver->storage, out);
  }
  return 1;
}

int64_t vrrp_driver_find(const vrrp_driver* driver, const char* name) {
  if (driver == nullptr) return FailNull("vrrp_driver_find", "driver");
  if (name == nullptr) return FailNull("vrrp_driver_find", "name");
  std::optional<vrrp::InstanceId> id = driver->driver->Find(name);
  if (!id) return Fail(VRRP_ERR_NOT_FOUND, fmt::format("no instance named '{}'", name));
  return vrrp::ToInt(*id);
}

int vrrp_driver_set_fault(vrrp_driver* driver, vrrp_tstamp now, uint32_t id, int fault) {
  if (driver == nullptr) return FailNull("vrrp_driver_set_fault", "driver");
  if (driver->phase == Phase::kFailed || driver->phase == Phase::kShutDown) {
    return vrrp::c_abi::RefuseState(*driver, "vrrp_driver_set_fault");
  }
  if (vrrp::c_abi::Running(*driver, id) == nullptr) {
    return Fail(VRRP_ERR_NOT_FOUND, fmt::format("vrrp_driver_set_fault: no instance {}", id));
  }
  (void)driver->instances->SetOverrideFault(ToTime(now), vrrp::InstanceId{id}, fault != 0);
  Settle(*driver, ToTime(now));  // a sync group follows its member
  return 0;
}

int vrrp_driver_set_priority_delta(vrrp_driver* driver, vrrp_tstamp now, uint32_t id, int delta) {
  if (driver == nullptr) return FailNull("vrrp_driver_set_priority_delta", "driver");
  if (driver->phase == Phase::kFailed || driver->phase == Phase::kShutDown) {
    return vrrp::c_abi::RefuseState(*driver, "vrrp_driver_set_priority_delta");
  }
  if (vrrp::c_abi::Running(*driver, id) == nullptr) {
    return Fail(VRRP_ERR_NOT_FOUND,
                fmt::format("vrrp_driver_set_priority_delta: no instance {}", id));
  }
  (void)driver->instances->SetOverrideDelta(ToTime(now), vrrp::InstanceId{id}, delta);
  Settle(*driver, ToTime(now));
  return 0;
}

int vrrp_driver_state(const vrrp_driver* driver, uint32_t id) {
  if (driver == nullptr) return FailNull("vrrp_driver_state", "driver");
  const vrrp::Instance* instance = vrrp::c_abi::Running(*driver, id);
  if (instance == nullptr) {
    return Fail(VRRP_ERR_NOT_FOUND, fmt::format("vrrp_driver_state: no instance {}", id));
  }
  return static_cast<int>(instance->router().state());
}

int vrrp_driver_status_json(const vrrp_driver* driver, char* buf, size_t len) {
  if (driver == nullptr) return FailNull("vrrp_driver_status_json", "driver");
  // The instances of vrrpd's status file (examples/vrrpd/status.cc), as a JSON list.
  std::string json = "[";
  bool first = true;
  for (vrrp::InstanceId id : driver->driver->ids()) {
    if (driver->driver->instance(id) == nullptr) continue;
    json += first ? "\n" : ",\n";
    first = false;
    json += vrrp::InstanceStatusJson(vrrp::c_abi::StatusOf(*driver, id), /*indent=*/2);
  }
  json += first ? "]\n" : "\n]\n";
  return vrrp::c_abi::WriteText(json, buf, len);
}

}  // extern "C"
