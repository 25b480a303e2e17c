// Daemon::OnControl: what each vrrpctl request does in the daemon (control_protocol.h). The
// operator's fault and priority delta go through the OverrideSet the policy is applied to, so
// that the next pass of tracking does not undo them, and stay until cleared (a reload keeps
// them on the instances that keep their name).
#include <unistd.h>

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "daemon.h"
#include "fmt/format.h"

namespace vrrpd {

control::Response Daemon::OnControl(const control::Request& request, uid_t peer_uid) {
  using control::Code;
  using control::Command;
  auto operator_deltas = [this] {
    std::map<std::string, int, std::less<>> deltas;
    for (vrrp::InstanceId id : driver_->ids()) {
      if (int delta = overrides_->override_delta(id); delta != 0) {
        deltas[driver_->instance(id)->name()] = delta;
      }
    }
    return deltas;
  };
  switch (request.command) {
    case Command::kStatus:
      return {Code::kOk, "status", control::StatusTable(Status(), operator_deltas())};
    case Command::kStatusJson:
      return {Code::kOk, "status json", StatusJson(Status())};  // the SIGUSR1 file's text
    case Command::kStats:
      return {Code::kOk, "stats", control::StatsText(Status())};
    case Command::kReload: {
      log_.Info(fmt::format("Reload asked by vrrpctl (uid {})", peer_uid));
      absl::Status s = Reload();
      if (!s.ok()) {
        return {Code::kRefused,
                fmt::format("reload refused, the running configuration stays: {}",
                            std::string(s.message())),
                ""};
      }
      return {Code::kOk, fmt::format("reloaded: {} instances", conf_.instances.size()), ""};
    }
    case Command::kHistory:
      return {Code::kOk, history_.entries().empty() ? "no events yet" : "history",
              vrrp::HistoryText(history_)};
    case Command::kHistoryJson:
      return {Code::kOk, "history json", vrrp::HistoryJson(history_) + "\n"};
    case Command::kHistorySvg: {
      absl::StatusOr<std::string> svg = HistorySvg();
      if (!svg.ok()) {
        return {Code::kRefused, fmt::format("no picture: {}", std::string(svg.status().message())),
                ""};
      }
      return {Code::kOk, "history svg", *svg};
    }
    case Command::kFaultSet:
    case Command::kFaultClear:
    case Command::kPriority:
      break;
  }
  const std::optional<vrrp::InstanceId> id = driver_->Find(request.instance);
  if (!id) {
    std::vector<std::string> names;
    for (vrrp::InstanceId running : driver_->ids()) {
      names.push_back(driver_->instance(running)->name());
    }
    return {Code::kNotFound,
            fmt::format("no instance {} (running: {})", request.instance,
                        names.empty() ? "none" : absl::StrJoin(names, ", ")),
            ""};
  }
  const absl::Time now = loop_->Now();
  std::string what;
  if (request.command == Command::kPriority) {
    (void)overrides_->SetOverrideDelta(now, *id, request.delta);
    what = request.delta == 0 ? "operator priority delta cleared"
                              : fmt::format("operator priority delta {:+d}", request.delta);
  } else {
    const bool fault = request.command == Command::kFaultSet;
    (void)overrides_->SetOverrideFault(now, *id, fault);
    what = fault ? "operator fault set" : "operator fault cleared";
  }
  log_.Info(
      fmt::format("VRRP_Instance({}) {} by vrrpctl (uid {})", request.instance, what, peer_uid));
  // The policy's next pass sees the override (a sync group follows its member), and the
  // instance's events are handled before we answer with its state.
  ScheduleTracking();
  const vrrp::Router& router = driver_->instance(*id)->router();
  return {Code::kOk,
          fmt::format("{}: {} (state {}, priority {}, effective {})", request.instance, what,
                      vrrp::RouterStateName(router.state()), router.config().priority,
                      router.effective_priority()),
          ""};
}

absl::StatusOr<std::string> Daemon::HistorySvg() const {
  char host[256] = "";
  (void)gethostname(host, sizeof(host) - 1);
  vrrp::HistoryPictureOptions options{.title = fmt::format("vrrpd on {} (pid {})", host, getpid()),
                                      .now = absl::Now()};
  for (const vrrp::InstanceStatus& i : Status().instances) {
    options.lanes.push_back(
        {.name = i.name,
         .detail = fmt::format("vrid {} on {}, priority {}", i.vrid, i.interface, i.priority),
         .initial = vrrp::ToLaneState(i.state)});
  }
  return vrrp::RenderHistorySvg(history_, options);
}

}  // namespace vrrpd
