#include "daemon.h"

#include <signal.h>
#include <sys/signalfd.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "event_log.h"
#include "fmt/format.h"
#include "scheduling.h"
#include "tracking.h"

namespace vrrpd {
namespace {

using vrrp::RouterState;
using vrrp::os::Driver;

// notify_stop and the other notifications of a stop get this long to finish before the
// daemon exits and kills what is left.
constexpr absl::Duration kStopNotifyTimeout = absl::Seconds(10);
// A notify command that hangs longer than this is killed so the ones after it still run.
constexpr absl::Duration kNotifyTimeout = absl::Seconds(60);

sigset_t DaemonSignals() {
  sigset_t set;
  sigemptyset(&set);
  for (int signal : {SIGTERM, SIGINT, SIGHUP, SIGUSR1}) sigaddset(&set, signal);
  return set;
}

std::string Sd(absl::string_view text) { return std::string(text); }

}  // namespace

void BlockDaemonSignals() {
  sigset_t set = DaemonSignals();
  sigprocmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

std::vector<vrrp::os::DriverInstance> DriverInstances(const vrrp::config::Configuration& conf) {
  std::vector<vrrp::os::DriverInstance> specs;
  for (const vrrp::config::VrrpInstance& vi : conf.instances) {
    vrrp::os::DriverInstance spec;
    spec.config = vi.config;
    spec.config.excluded_addresses = vi.extras.excluded_addresses;
    spec.interface = vi.extras.interface;
    spec.source = vi.extras.source;
    spec.config.unicast_peers = vi.extras.unicast_peers;
    // With unicast peers the group is not used (keepalived sends to the peers only).
    if (vi.extras.unicast_peers.empty()) spec.config.multicast_group = vi.extras.mcast_group;
    specs.push_back(std::move(spec));
  }
  return specs;
}

bool SameScripts(const std::vector<vrrp::config::VrrpScript>& a,
                 const std::vector<vrrp::config::VrrpScript>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const auto& x = a[i];
    const auto& y = b[i];
    if (x.name != y.name || x.script.command != y.script.command ||
        x.script.user != y.script.user || x.script.group != y.script.group ||
        x.interval != y.interval || x.timeout != y.timeout || x.weight != y.weight ||
        x.reverse != y.reverse || x.rise != y.rise || x.fall != y.fall || x.user != y.user ||
        x.group != y.group || x.init_fail != y.init_fail) {
      return false;
    }
  }
  return true;
}

std::vector<std::string> ApplySyncGroupTracking(vrrp::config::Configuration& conf) {
  std::vector<std::string> warnings;
  for (const vrrp::config::SyncGroup& group : conf.sync_groups) {
    if (group.tracking_weight) continue;
    for (const std::string& member : group.instances) {
      auto vi = std::find_if(conf.instances.begin(), conf.instances.end(),
                             [&](const auto& i) { return i.config.name == member; });
      if (vi == conf.instances.end()) continue;
      auto warn = [&](std::string_view what, std::string_view name, int weight) {
        warnings.push_back(
            fmt::format("({}) {} {} weight {} ignored: in vrrp_sync_group {} a failure means FAULT "
                        "(sync_group_tracking_weight keeps weights)",
                        member, what, name, weight, group.name));
      };
      for (vrrp::config::TrackedScript& track : vi->extras.track_scripts) {
        const vrrp::config::VrrpScript* script = conf.FindScript(track.name);
        const int weight = track.weight.value_or(script != nullptr ? script->weight : 0);
        if (weight == 0) continue;
        warn("track_script", track.name, weight);
        track.weight = 0;
      }
      for (vrrp::config::TrackedInterface& track : vi->extras.track_interfaces) {
        if (track.weight == 0) continue;
        warn("track_interface", track.name, track.weight);
        track.weight = 0;
      }
    }
  }
  return warnings;
}

Daemon::Daemon(const Options& options, Logger& log, vrrp::config::Configuration conf)
    : options_(options), log_(log), conf_(std::move(conf)) {}

Daemon::~Daemon() {
  if (driver_) driver_->Detach();
  if (loop_ && signal_fd_.valid()) (void)loop_->Unwatch(signal_fd_.get());
  if (loop_ && tracked_links_) (void)loop_->Unwatch(tracked_links_->fd());
}

absl::StatusOr<std::unique_ptr<Daemon>> Daemon::Create(const Options& options, Logger& log,
                                                       vrrp::config::Configuration conf) {
  std::unique_ptr<Daemon> d(new Daemon(options, log, std::move(conf)));
  auto loop = vrrp::os::EventLoop::Create();
  if (!loop.ok()) return loop.status();
  d->loop_ = std::move(*loop);
  d->runner_ = std::make_unique<ProcessRunner>(*d->loop_);
  d->notifier_ = std::make_unique<Notifier>(*d->runner_, kNotifyTimeout,
                                            [&log](const std::string& line) { log.Info(line); });

  vrrp::os::DriverOptions driver_options;
  driver_options.instances = DriverInstances(d->conf_);
  driver_options.on_error = [&log](const absl::Status& s) {
    log.Error(fmt::format("netlink: {}", Sd(s.message())));
  };
  auto driver = Driver::Create(std::move(driver_options));
  if (!driver.ok()) return driver.status();
  d->driver_ = std::move(*driver);

  auto links = vrrp::os::LinkMonitor::Open();
  if (!links.ok()) return links.status();
  d->tracked_links_ = std::move(*links);

  sigset_t signals = DaemonSignals();
  d->signal_fd_ = vrrp::os::UniqueFd(signalfd(-1, &signals, SFD_NONBLOCK | SFD_CLOEXEC));
  if (!d->signal_fd_.valid()) {
    return absl::InternalError(fmt::format("signalfd: {}", std::strerror(errno)));
  }
  for (const std::string& w : ApplySyncGroupTracking(d->conf_)) log.Warning(w);
  d->DropInsecureNotifyCommands();
  d->checker_ = d->MakeChecker();
  return d;
}

void Daemon::DropInsecureNotifyCommands() {
  // keepalived's enable_script_security covers notify commands as much as checks: one that
  // would run as root from a file others can write is refused (logged, never run).
  if (!conf_.global.enable_script_security) return;
  const CommandSpec default_user = DefaultScriptUser(conf_.global);
  auto check = [&](std::optional<vrrp::config::Command>& command, const std::string& owner) {
    if (!command) return;
    CommandSpec spec{command->command, command->user, command->group};
    if (spec.user.empty()) {
      spec.user = default_user.user;
      spec.group = default_user.group;
    }
    if (absl::Status s = CheckScriptSecurity(spec); !s.ok()) {
      log_.Error(fmt::format("{}: {} refused by enable_script_security: {}", owner,
                             command->command, Sd(s.message())));
      command.reset();
    }
  };
  auto check_all = [&](vrrp::config::NotifyCommands& n, const std::string& owner) {
    check(n.master, owner);
    check(n.backup, owner);
    check(n.fault, owner);
    check(n.stop, owner);
    check(n.notify, owner);
  };
  for (vrrp::config::VrrpInstance& vi : conf_.instances)
    check_all(vi.extras.notify, vi.config.name);
  for (vrrp::config::SyncGroup& g : conf_.sync_groups) check_all(g.notify, g.name);
}

std::unique_ptr<ScriptChecker> Daemon::MakeChecker() {
  return std::make_unique<ScriptChecker>(
      *loop_, *runner_, TrackedScripts(conf_), conf_.global,
      [this](const std::string&, ScriptStatus, const ProcessResult&) { ScheduleTracking(); },
      [this](const std::string& line) { log_.Info(line); });
}

const vrrp::config::VrrpInstance* Daemon::ConfiguredInstance(std::string_view name) const {
  return conf_.FindInstance(name);
}

absl::Status Daemon::Run() {
  const absl::Time now = loop_->Now();
  log_.Info(fmt::format("Starting vrrpd {} with {} ({} instances)", VRRPD_VERSION,
                        options_.config_file, conf_.instances.size()));
  for (const vrrp::config::Warning& w : conf_.warnings) log_.Warning(vrrp::config::ToString(w));
  // keepalived holds an instance back until its weight-0 scripts have a first result, so that
  // it never is Master for a moment before its check says no (nor in Fault before it says
  // yes). We wait for them, at most for their timeout, before starting the instances.
  checker_->Start();
  WaitForFirstResults();
  // Tracking first: an instance whose weight-0 script failed or whose tracked interface is
  // down starts in Fault, not as a Master for a moment.
  ApplyTracking();
  if (absl::Status s = driver_->Start(now); !s.ok()) return s;
  started_ = true;
  DrainEvents();
  if (absl::Status s = driver_->Attach(*loop_, [this] { DrainEvents(); }); !s.ok()) return s;
  if (absl::Status s = loop_->Watch(signal_fd_.get(), [this](uint32_t) { OnSignal(); }); !s.ok()) {
    return s;
  }
  if (absl::Status s = loop_->Watch(tracked_links_->fd(), [this](uint32_t) { OnTrackedLink(); });
      !s.ok()) {
    return s;
  }
  EnterRealtime();
  sd_notify(0, "READY=1\nSTATUS=running");
  absl::Status result = loop_->Run();
  Shutdown();
  return result;
}

void Daemon::WaitForFirstResults() {
  absl::Duration longest = absl::ZeroDuration();
  for (const vrrp::config::VrrpScript& script : conf_.scripts) {
    longest = std::max(longest, script.timeout);
  }
  const absl::Time deadline = loop_->Now() + longest + absl::Seconds(1);
  auto waiting = [this] {
    for (const vrrp::config::VrrpInstance& vi : conf_.instances) {
      for (const vrrp::config::TrackedScript& t : vi.extras.track_scripts) {
        if (checker_->pending(t.name)) return true;
      }
    }
    return false;
  };
  while (waiting() && loop_->Now() < deadline) {
    if (!loop_->RunOnce(absl::Milliseconds(20)).ok()) break;
  }
}

void Daemon::OnSignal() {
  for (;;) {
    signalfd_siginfo info;
    const ssize_t n = read(signal_fd_.get(), &info, sizeof(info));
    if (n != static_cast<ssize_t>(sizeof(info))) return;
    switch (info.ssi_signo) {
      case SIGTERM:
      case SIGINT:
        log_.Info(fmt::format("Stopping (signal {})", info.ssi_signo == SIGTERM ? "TERM" : "INT"));
        loop_->Stop();
        return;
      case SIGHUP:
        (void)Reload();
        break;
      case SIGUSR1:
        WriteStatus();
        break;
      default:
        break;
    }
  }
}

void Daemon::DrainEvents() {
  if (draining_) return;  // OnEvent -> ApplyTracking -> events: the loop below takes them
  draining_ = true;
  do {
    while (std::optional<vrrp::InstanceEvent> e = driver_->PollEvent()) OnEvent(*e);
    if (tracking_due_ && started_) {
      tracking_due_ = false;
      ApplyTracking();
    }
  } while (driver_->has_events());
  draining_ = false;
}

void Daemon::OnEvent(const vrrp::InstanceEvent& e) {
  EventContext context;
  if (const vrrp::Instance* instance = driver_->instance(e.id)) {
    context.interface = driver_->spec(e.id)->interface;
    context.effective_priority = instance->router().effective_priority();
    context.master = instance->router().master_address();
    context.master_priority = instance->router().master_priority();
  }
  if (e.kind == vrrp::InstanceEvent::Kind::kDrop) {
    uint64_t suppressed = 0;
    if (!drop_log_limiter_.Admit(e.instance, e.drop, e.time, suppressed)) return;
    for (const LogLine& line : EventLogLines(e, context)) {
      log_.Log(line.level, suppressed == 0
                               ? line.text
                               : fmt::format("{} ({} more not logged)", line.text, suppressed));
    }
    return;
  }
  for (const LogLine& line : EventLogLines(e, context)) log_.Log(line.level, line.text);
  if (e.kind == vrrp::InstanceEvent::Kind::kSyncWaiting) ScheduleTracking();
  if (e.kind != vrrp::InstanceEvent::Kind::kTransition) return;
  // Stopping (to Initialize) is notified as STOP by Shutdown and by reloads.
  if (e.transition.to != RouterState::kInitialize) {
    if (const vrrp::config::VrrpInstance* vi = ConfiguredInstance(e.instance)) {
      const CommandSpec user = DefaultScriptUser(conf_.global);
      notifier_->Notify(vi->extras.notify, "INSTANCE", vi->config.name,
                        vrrp::RouterStateName(e.transition.to), context.effective_priority,
                        user.user, user.group);
    }
  }
  ScheduleTracking();
}

void Daemon::OnTrackedLink() {
  // Which interfaces changed does not matter: tracking re-reads the few it tracks.
  absl::Status s = tracked_links_->Process([](const vrrp::os::LinkEvent&) {});
  if (!s.ok()) log_.Warning(fmt::format("netlink: {}", Sd(s.message())));
  ScheduleTracking();
}

void Daemon::ScheduleTracking() {
  tracking_due_ = true;
  DrainEvents();  // at once, unless events are being handled: then when they are
}

void Daemon::ApplyTracking() {
  const absl::Time now = loop_->Now();
  auto script_failed = [this](std::string_view name) { return checker_->failed(name); };
  auto script_pending = [this](std::string_view name) { return checker_->pending(name); };
  auto interface_up = [](std::string_view name) {
    auto up = vrrp::os::InterfaceIsUp(std::string(name));
    return up.ok() && *up;
  };
  const std::vector<vrrp::InstanceId> ids = driver_->ids();
  const size_t n = ids.size();
  std::vector<TrackEffect> effects(n);
  std::vector<bool> own_fault(n, false);
  for (size_t i = 0; i < n; ++i) {
    const vrrp::config::VrrpInstance* vi = ConfiguredInstance(driver_->instance(ids[i])->name());
    if (vi == nullptr) continue;
    effects[i] = ComputeTrackEffect(*vi, conf_, script_failed, interface_up, script_pending);
    own_fault[i] = effects[i].fault || driver_->InterfaceFault(ids[i]);
  }
  // A sync group's members move together: one in Fault of its own holds the others in Fault
  // (keepalived's vrrp_sync_group), so that the VIPs of a group are never split between routers.
  for (size_t i = 0; i < n; ++i) {
    const std::string& name = driver_->instance(ids[i])->name();
    std::vector<std::string> reasons = effects[i].fault_reasons;
    for (const vrrp::config::SyncGroup& group : conf_.sync_groups) {
      bool member = false;
      for (const std::string& m : group.instances) member = member || m == name;
      if (!member) continue;
      for (const std::string& m : group.instances) {
        std::optional<vrrp::InstanceId> j = driver_->Find(m);
        if (!j || *j == ids[i]) continue;
        const size_t k = std::find(ids.begin(), ids.end(), *j) - ids.begin();
        if (own_fault[k]) reasons.push_back(fmt::format("sync group {}: {} in fault", group.name, m));
      }
    }
    if (driver_->router(ids[i])->priority_delta() != effects[i].priority_delta) {
      driver_->SetPriorityDelta(now, ids[i], effects[i].priority_delta);  // logged as an event
    }
    driver_->SetExternalFault(now, ids[i], !reasons.empty());  // a no-op when nothing changed
    fault_reasons_[name] = std::move(reasons);
  }
  ApplySyncGroups(now);
  NotifyGroups();
}

void Daemon::ApplySyncGroups(absl::Time now) {
  // keepalived's vrrp_sync_group: the members become Master together or not at all. Every
  // member is held (a Backup whose timer runs out waits and says so with kSyncWaiting); when
  // every member is Master or waiting, the waiting ones are released together. A member that
  // lost an election (a Backup that accepts another router as master) takes the group's
  // Masters to Backup with it, so the VIPs of a group never stay split between two routers.
  absl::flat_hash_set<vrrp::InstanceId> grouped;
  for (const vrrp::config::SyncGroup& group : conf_.sync_groups) {
    std::vector<vrrp::InstanceId> members;
    for (const std::string& m : group.instances) {
      if (std::optional<vrrp::InstanceId> j = driver_->Find(m)) members.push_back(*j);
    }
    if (members.size() < 2) continue;
    auto router = [&](vrrp::InstanceId j) -> const vrrp::Router& { return *driver_->router(j); };
    auto lost = [&](vrrp::InstanceId j) {
      const vrrp::Router& r = router(j);
      return r.state() == RouterState::kBackup && !r.sync_ready() && r.master_address() &&
             *r.master_address() != r.config().primary_address;
    };
    for (vrrp::InstanceId j : members) {
      grouped.insert(j);
      if (!router(j).sync_hold()) driver_->SetSyncHold(now, j, true);
    }
    if (std::any_of(members.begin(), members.end(), lost)) {
      for (vrrp::InstanceId j : members) {
        if (router(j).state() != RouterState::kMaster) continue;
        log_.Info(fmt::format("({}) leaving MASTER with its sync group {}",
                              driver_->instance(j)->name(), group.name));
        driver_->SyncStepDown(now, j);
      }
      continue;
    }
    const bool all_ready = std::all_of(members.begin(), members.end(), [&](vrrp::InstanceId j) {
      return router(j).state() == RouterState::kMaster || router(j).sync_ready();
    });
    if (!all_ready) continue;
    for (vrrp::InstanceId j : members) {
      if (!router(j).sync_ready()) continue;
      driver_->SetSyncHold(now, j, false);  // ready: Master now
      driver_->SetSyncHold(now, j, true);
    }
  }
  // Instances a reload took out of their group run on their own again.
  for (vrrp::InstanceId j : driver_->ids()) {
    if (!grouped.contains(j) && driver_->router(j)->sync_hold()) {
      driver_->SetSyncHold(now, j, false);
    }
  }
}

void Daemon::NotifyGroups() {
  for (const vrrp::config::SyncGroup& group : conf_.sync_groups) {
    std::optional<RouterState> common;
    bool same = true;
    for (const std::string& m : group.instances) {
      std::optional<vrrp::InstanceId> j = driver_->Find(m);
      if (!j) {
        same = false;
        break;
      }
      const RouterState state = driver_->router(*j)->state();
      if (common && *common != state) same = false;
      common = state;
    }
    if (!same || !common || *common == RouterState::kInitialize) continue;
    auto it = group_states_.find(group.name);
    if (it != group_states_.end() && it->second == *common) continue;
    group_states_[group.name] = *common;
    log_.Info(fmt::format("VRRP_Group({}) Syncing instances to {} state", group.name,
                          vrrp::RouterStateName(*common)));
    const CommandSpec user = DefaultScriptUser(conf_.global);
    notifier_->Notify(group.notify, "GROUP", group.name, vrrp::RouterStateName(*common), 0,
                      user.user, user.group);
  }
}

void Daemon::EnterRealtime() {
  const SchedulingPlan plan = PlanScheduling(conf_.global, conf_.instances.size()).RealtimeOnly();
  ApplyScheduling(plan, ProcessSchedulingSystem(), log_);
  realtime_ = plan.rt_priority.has_value();
  // Never a stretch of CPU near RLIMIT_RTTIME without a sleep: a quarter of the limit, at most
  // 2 ms (a takeover of many instances keeps every fd ready for longer than that).
  loop_->SetBusyYield(realtime_ ? std::clamp(absl::Microseconds(plan.rttime_hard_us.value_or(0)) / 4,
                                             absl::Microseconds(100), absl::Milliseconds(2))
                                : absl::ZeroDuration());
}

absl::Status Daemon::Reload() {
  sd_notify(0, "RELOADING=1");
  log_.Info(fmt::format("Reloading configuration from {}", options_.config_file));
  // Rebuilding instances is a long stretch of CPU without blocking: not under RLIMIT_RTTIME.
  if (realtime_) {
    LeaveRealtime(ProcessSchedulingSystem(), log_);
    realtime_ = false;
  }
  struct RealtimeAgain {
    Daemon* daemon;
    ~RealtimeAgain() { daemon->EnterRealtime(); }
  } realtime_again{this};
  vrrp::config::ParseOptions parse_options;
  parse_options.strict = options_.strict;
  auto conf = vrrp::config::ParseFile(options_.config_file, parse_options);
  auto refuse = [&](const absl::Status& s) {
    log_.Error(fmt::format("Reload refused, the running configuration stays: {}", Sd(s.message())));
    sd_notify(0, "READY=1\nSTATUS=running (last reload refused)");
    return s;
  };
  if (!conf.ok()) return refuse(conf.status());
  for (const vrrp::config::Warning& w : conf->warnings) log_.Warning(vrrp::config::ToString(w));

  // The instances that leave are notified STOP, as keepalived does on reload.
  std::vector<std::string> leaving;
  for (const auto& instance : driver_->instances()) {
    if (conf->FindInstance(instance->name()) == nullptr) leaving.push_back(instance->name());
  }
  const absl::Time now = loop_->Now();
  vrrp::config::Configuration previous = std::move(conf_);
  conf_ = std::move(*conf);
  for (const std::string& w : ApplySyncGroupTracking(conf_)) log_.Warning(w);
  DropInsecureNotifyCommands();
  if (absl::Status s = driver_->Update(now, DriverInstances(conf_)); !s.ok()) {
    conf_ = std::move(previous);
    return refuse(s);
  }
  DrainEvents();
  const CommandSpec previous_user = DefaultScriptUser(previous.global);
  for (const std::string& name : leaving) {
    if (const vrrp::config::VrrpInstance* vi = previous.FindInstance(name)) {
      notifier_->Notify(vi->extras.notify, "INSTANCE", name, "STOP", vi->config.router.priority,
                        previous_user.user, previous_user.group);
    }
  }
  if (!SameScripts(previous.scripts, conf_.scripts) ||
      previous.global.script_user != conf_.global.script_user ||
      previous.global.enable_script_security != conf_.global.enable_script_security) {
    checker_->Stop();
    checker_ = MakeChecker();
    checker_->Start();
  }
  ++reloads_;
  ApplyTracking();
  log_.Info(fmt::format("Reload finished: {} instances", conf_.instances.size()));
  sd_notify(0, "READY=1\nSTATUS=running");
  return absl::OkStatus();
}

DaemonStatus Daemon::Status() const {
  DaemonStatus status;
  status.version = VRRPD_VERSION;
  status.pid = static_cast<int>(getpid());
  status.config_file = options_.config_file;
  status.reloads = reloads_;
  for (vrrp::InstanceId id : driver_->ids()) {
    const vrrp::Instance& instance = *driver_->instance(id);
    const vrrp::Router& router = instance.router();
    InstanceStatus s;
    s.name = instance.name();
    s.interface = driver_->spec(id)->interface;
    s.vrid = router.config().vrid;
    s.version = static_cast<int>(router.config().version);
    s.family = router.config().family;
    s.state = router.state();
    s.priority = router.config().priority;
    s.effective_priority = router.effective_priority();
    for (const vrrp::VirtualAddress& vip : instance.config().addresses) {
      s.addresses.push_back(fmt::format("{}/{}", vip.address, vip.prefix_len));
    }
    s.fault = router.fault();
    if (driver_->InterfaceFault(id)) s.fault_reasons.push_back("interface or source address down");
    if (auto it = fault_reasons_.find(s.name); it != fault_reasons_.end()) {
      s.fault_reasons.insert(s.fault_reasons.end(), it->second.begin(), it->second.end());
    }
    if (router.state() == RouterState::kBackup) s.master = router.master_address();
    s.stats = router.stats();
    status.instances.push_back(std::move(s));
  }
  for (const auto& [name, script_status] : checker_->statuses()) {
    status.scripts.emplace_back(name, std::string(ScriptStatusName(script_status)));
  }
  for (const vrrp::config::SyncGroup& group : conf_.sync_groups) {
    status.sync_groups.emplace_back(group.name, group.instances);
  }
  return status;
}

void Daemon::WriteStatus() {
  absl::Status s = WriteFileAtomically(options_.status_file, StatusJson(Status()));
  if (s.ok()) {
    log_.Info(fmt::format("Status written to {}", options_.status_file));
  } else {
    log_.Error(fmt::format("Cannot write the status: {}", Sd(s.message())));
  }
}

void Daemon::Shutdown() {
  sd_notify(0, "STOPPING=1");
  checker_->Stop();
  started_ = false;
  tracking_due_ = false;
  driver_->Shutdown(loop_->Now());
  DrainEvents();
  const CommandSpec user = DefaultScriptUser(conf_.global);
  for (const auto& instance : driver_->instances()) {
    if (const vrrp::config::VrrpInstance* vi = ConfiguredInstance(instance->name())) {
      notifier_->Notify(vi->extras.notify, "INSTANCE", vi->config.name, "STOP",
                        vi->config.router.priority, user.user, user.group);
    }
  }
  for (const vrrp::config::SyncGroup& group : conf_.sync_groups) {
    notifier_->Notify(group.notify, "GROUP", group.name, "STOP", 0, user.user, user.group);
  }
  runner_->Drain(kStopNotifyTimeout);
  log_.Info("Stopped");
}

}  // namespace vrrpd
