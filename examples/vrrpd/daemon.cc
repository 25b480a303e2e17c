#include "daemon.h"

#include <malloc.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "fmt/format.h"
#include "scheduling.h"
#include "systemd_notify.h"
#include "vrrp/keepalived/runtime.h"
#include "vrrp/keepalived/script_users.h"
#include "vrrp/linux/process_identity.h"

namespace vrrpd {
namespace {

using vrrp::keepalived::CheckScriptSecurity;
using vrrp::keepalived::CheckScriptUsers;
using vrrp::keepalived::DefaultScriptUser;
using vrrp::keepalived::ScriptStatus;
using vrrp::keepalived::ScriptStatusName;
using vrrp::keepalived::TrackedScripts;

using vrrp::RouterState;
using vrrp::os::Driver;

Logger::Level Level(vrrp::keepalived::LogLevel level) {
  static_assert(static_cast<int>(Logger::Level::kDetail) ==
                static_cast<int>(vrrp::keepalived::LogLevel::kDetail));
  return static_cast<Logger::Level>(level);  // the same four levels, in the same order
}

// notify_stop and the other notifications of a stop get this long to finish before the
// daemon exits and kills what is left (logged by name).
constexpr absl::Duration kStopNotifyTimeout = absl::Seconds(10);
// A notify command that hangs longer than this is killed (it stopped holding back the ones
// after it long before: --notify-block).
constexpr absl::Duration kNotifyTimeout = absl::Seconds(60);
// Events in one drain after which the heap's free memory goes back to the kernel.
constexpr size_t kTrimAfterEvents = 256;
// How often the stop's wait looks whether its notifications are done.
constexpr absl::Duration kStopPollInterval = absl::Milliseconds(20);

sigset_t DaemonSignals() {
  sigset_t set;
  sigemptyset(&set);
  for (int signal : {SIGTERM, SIGINT, SIGHUP, SIGUSR1}) sigaddset(&set, signal);
  return set;
}

std::string Sd(absl::string_view text) { return std::string(text); }

// Where each keyword was serves the parser's and the start's messages only: at 1,000 instances
// a map node and a file name per keyword are 1 MB that a running daemon never reads again.
void ForgetLocations(vrrp::config::Configuration& conf) {
  for (vrrp::config::VrrpInstance& vi : conf.instances) {
    std::map<std::string, vrrp::config::Location>().swap(vi.locations);
    std::vector<vrrp::config::Location>().swap(vi.address_locations);
  }
}

// Tells systemd (Type=notify); a failure is logged once, since the next ones would say the same.
void TellSystemd(Logger& log, const char* state) {
  static bool failed = false;
  absl::Status s = NotifySystemd(state);
  if (s.ok() || std::exchange(failed, true)) return;
  log.Error(fmt::format("systemd notification: {}", Sd(s.message())));
}

}  // namespace

void BlockDaemonSignals() {
  sigset_t set = DaemonSignals();
  sigprocmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

Daemon::Daemon(const Options& options, Logger& log, vrrp::config::Configuration conf)
    : options_(options), log_(log), conf_(std::move(conf)) {
  IndexInstances();
}

void Daemon::IndexInstances() {
  instance_by_name_.clear();
  for (const vrrp::config::VrrpInstance& vi : conf_.instances) {
    instance_by_name_.emplace(vi.config.name, &vi);
  }
}

const vrrp::config::VrrpInstance* Daemon::FindInstance(const std::string& name) const {
  auto it = instance_by_name_.find(name);
  return it == instance_by_name_.end() ? nullptr : it->second;
}

Daemon::~Daemon() {
  if (driver_) driver_->Detach();
  if (loop_ && signal_fd_.valid()) (void)loop_->Unwatch(signal_fd_.get());
  if (loop_ && tracked_links_) (void)loop_->Unwatch(tracked_links_->fd());
}

absl::StatusOr<std::unique_ptr<Daemon>> Daemon::Create(const Options& options, Logger& log,
                                                       vrrp::config::Configuration conf) {
  // Before anything is opened: a command that could never run as its user (a daemon that is
  // not root naming another user) stops the start, each one named, instead of failing on
  // every run.
  if (absl::Status s = CheckScriptUsers(conf, vrrp::os::ProcessIdentity::Current()); !s.ok()) {
    return s;
  }
  std::unique_ptr<Daemon> d(new Daemon(options, log, std::move(conf)));
  auto loop = vrrp::os::EventLoop::Create();
  if (!loop.ok()) return loop.status();
  d->loop_ = std::move(*loop);
  // First, so that a second vrrpd finds the first one's socket answering and stops here,
  // before it opens anything else.
  if (ControlSocketEnabled(options)) {
    auto control =
        control::ControlServer::Listen(*d->loop_, options.control_socket,
                                       [daemon = d.get()](const control::Request& r, uid_t uid) {
                                         return daemon->OnControl(r, uid);
                                       });
    if (!control.ok()) return control.status();
    d->control_ = std::move(*control);
  }
  d->runner_ = std::make_unique<ProcessRunner>(*d->loop_);
  d->notifier_ = std::make_unique<Notifier>(
      *d->loop_, *d->runner_,
      NotifierOptions{.timeout = kNotifyTimeout, .block = options.notify_block},
      [&log](const std::string& line) { log.Info(line); });

  // Before the Driver, which removes leftover VIPs through the gated address manager: a killed
  // run's filter goes first, and a no_accept address is never added unfiltered.
  auto firewall = NoAcceptFirewall::Open(d->conf_, log);
  if (!firewall.ok()) return firewall.status();
  d->firewall_ = std::move(*firewall);
  vrrp::os::DriverOptions driver_options;
  driver_options.parts.open_address_manager = d->firewall_->AddressManagerFactory();
  // Before the Driver too: an instance's VIPs go on its macvlan link, which must exist.
  auto vmac = VmacLinks::Open(d->conf_, log);
  if (!vmac.ok()) return vmac.status();
  d->vmac_ = std::move(*vmac);
  driver_options.instances = vrrp::keepalived::DriverInstances(d->conf_);
  d->vmac_->Apply(driver_options.instances);
  // vrrp_garp_interval / vrrp_gna_interval / garp_group: keyed by the instances' interface,
  // which is the macvlan link's parent under use_vmac (keepalived paces the base interface).
  driver_options.announce_pacing = d->conf_.announce_pacing();
  driver_options.on_error = [&log](const absl::Status& s) {
    log.Error(fmt::format("netlink: {}", Sd(s.message())));
  };
  driver_options.advert_offload = options.advert_offload;
  auto driver = Driver::Create(std::move(driver_options));
  if (!driver.ok()) return driver.status();
  d->driver_ = std::move(*driver);
  if (const absl::Status& s = d->driver_->advert_offload_status(); !s.ok()) {
    log.Warning(
        fmt::format("advertisement offload unavailable, every advertisement is read here: "
                    "{}",
                    Sd(s.message())));
  }
  // After the Driver, which has removed a killed run's VIPs: a killed run's routes go here,
  // and the static addresses, routes and rules are added (every instance starts as BACKUP).
  auto routes = Routes::Open(d->conf_, log);
  if (!routes.ok()) return routes.status();
  d->routes_ = std::move(*routes);
  d->refusals_ = std::make_unique<vrrp::OverrideSet>(*d->driver_);
  d->overrides_ =
      std::make_unique<vrrp::OverrideSet>(static_cast<vrrp::InstanceSet&>(*d->refusals_));

  // Links only: tracking reads link state, and at 1,000 VIPs the lease renewals would wake
  // this socket 1,000 times a second for a policy pass each (issue 10's master CPU).
  auto links = vrrp::os::LinkMonitor::Open({.addresses = false});
  if (!links.ok()) return links.status();
  d->tracked_links_ = std::move(*links);

  sigset_t signals = DaemonSignals();
  d->signal_fd_ = vrrp::os::UniqueFd(signalfd(-1, &signals, SFD_NONBLOCK | SFD_CLOEXEC));
  if (!d->signal_fd_.valid()) {
    return absl::InternalError(fmt::format("signalfd: {}", std::strerror(errno)));
  }
  std::vector<std::string> warnings;
  d->policy_.Reconfigure(vrrp::keepalived::PolicyConfigOf(d->conf_, &warnings));
  for (const std::string& w : warnings) log.Warning(w);
  d->DropInsecureNotifyCommands();
  // Unlike keepalived, which logs and runs on without it, a FIFO that cannot be opened stops
  // the start: its reader would miss every transition without a word.
  if (absl::Status s = d->OpenNotifyFifos(); !s.ok()) return s;
  d->checker_ = d->MakeChecker();
  auto files = d->MakeFileTracker(d->conf_);
  if (!files.ok()) return files.status();
  d->file_tracker_ = std::move(*files);
  auto processes = d->MakeProcessWatcher(d->conf_);
  if (!processes.ok()) return processes.status();
  d->process_watcher_ = std::move(*processes);
  if (absl::Status s = d->StartMetrics(); !s.ok()) return s;
  return d;
}

absl::Status Daemon::OpenNotifyFifos() {
  auto open = [this](std::unique_ptr<NotifyFifoWriter>& writer,
                     const vrrp::config::NotifyFifo& fifo,
                     const std::string& keyword) -> absl::Status {
    if (writer && writer->config() == fifo) return absl::OkStatus();
    writer.reset();  // closes and removes the old FIFO before a new one takes its path
    if (!fifo.configured()) return absl::OkStatus();
    auto opened = NotifyFifoWriter::Open(*loop_, fifo, keyword, DefaultScriptUser(conf_.global),
                                         [this](const std::string& line) { log_.Info(line); });
    if (!opened.ok()) return opened.status();
    writer = std::move(*opened);
    return absl::OkStatus();
  };
  absl::Status s = open(notify_fifo_, conf_.global.notify_fifo, "notify_fifo");
  absl::Status v = open(vrrp_notify_fifo_, conf_.global.vrrp_notify_fifo, "vrrp_notify_fifo");
  return s.ok() ? v : s;
}

void Daemon::DropInsecureNotifyCommands() {
  // keepalived's enable_script_security covers notify commands as much as checks: one that
  // would run as root from a file others can write is refused (logged, never run).
  if (!conf_.global.enable_script_security) return;
  const CommandSpec default_user = DefaultScriptUser(conf_.global);
  auto check = [&](auto& command, const std::string& owner) {
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
  check(conf_.global.notify_fifo.script, "notify_fifo");
  check(conf_.global.vrrp_notify_fifo.script, "vrrp_notify_fifo");
}

std::unique_ptr<ScriptChecker> Daemon::MakeChecker() {
  return std::make_unique<ScriptChecker>(
      *loop_, *runner_, TrackedScripts(conf_), conf_.global,
      [this](const std::string&, ScriptStatus, const ProcessResult&) { ScheduleTracking(); },
      [this](const std::string& line) { log_.Info(line); });
}

absl::StatusOr<std::unique_ptr<vrrp::keepalived::FileTracker>> Daemon::MakeFileTracker(
    const vrrp::config::Configuration& conf) {
  return vrrp::keepalived::FileTracker::Create(
      *loop_, vrrp::keepalived::TrackedFiles(conf),
      [this](const std::string&, int64_t) { ScheduleTracking(); },
      [this](const std::string& line) { log_.Info(line); });
}

absl::StatusOr<std::unique_ptr<vrrp::keepalived::ProcessWatcher>> Daemon::MakeProcessWatcher(
    const vrrp::config::Configuration& conf) {
  return vrrp::keepalived::ProcessWatcher::Create(
      *loop_, vrrp::keepalived::TrackedProcesses(conf),
      [this](const std::string&, bool) { ScheduleTracking(); },
      [this](const std::string& line) { log_.Info(line); });
}

void Daemon::RefuseInstances(absl::Time now) {
  for (vrrp::InstanceId id : driver_->ids()) {
    const bool refused = vmac_->Refusal(driver_->instance(id)->name()) != nullptr;
    if (refused != refusals_->override_fault(id))
      (void)refusals_->SetOverrideFault(now, id, refused);
  }
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
  RefuseInstances(now);  // before Start: a refused instance never leaves Fault
  policy_.Apply(now, *overrides_, TrackInputs());
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
  ScheduleMetrics();
  if (control_) {
    if (absl::Status s = control_->Start(); !s.ok()) return s;
  }
  EnterRealtime();
  TellSystemd(log_, "READY=1\nSTATUS=running");
  ForgetLocations(conf_);
  malloc_trim(0);  // the parser's memory, freed since
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
        // Not while stopping: the instances are gone, only their notifications still run.
        if (stopping_) {
          log_.Info("Stopping: SIGHUP ignored");
        } else {
          (void)Reload();
        }
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
  if (draining_) return;  // OnEvent -> ScheduleTracking -> here: the loop below takes it
  draining_ = true;
  size_t drained = 0;
  do {
    while (std::optional<vrrp::InstanceEvent> e = driver_->PollEvent()) {
      OnEvent(*e);
      ++drained;
    }
    if (tracking_due_ && started_) {
      tracking_due_ = false;
      policy_.Apply(loop_->Now(), *overrides_, TrackInputs());
    }
    while (std::optional<vrrp::PolicyEvent> e = policy_.PollEvent()) OnPolicyEvent(*e);
  } while (driver_->has_events());
  draining_ = false;
  if (metrics_due_) PublishMetrics();
  // A burst (the start's elections, a takeover of many instances) leaves freed blocks all over
  // the heap that malloc keeps; giving them back kept 1,000 instances' RSS 0.5 MB lower
  // (docs/performance.md). Rare, and at most a few ms over a heap of megabytes.
  if (drained >= kTrimAfterEvents) malloc_trim(0);
}

vrrp::TrackInputs Daemon::TrackInputs() const {
  return {
      .script_failed = [this](std::string_view name) { return checker_->failed(name); },
      .interface_up =
          [](std::string_view name) {
            auto up = vrrp::os::InterfaceIsUp(std::string(name));
            return up.ok() && *up;
          },
      .script_pending = [this](std::string_view name) { return checker_->pending(name); },
      .file_value = [this](std::string_view name) { return file_tracker_->value(name); },
      .process_up = [this](std::string_view name) { return process_watcher_->up(name); },
  };
}

void Daemon::Notify(const vrrp::config::NotifyCommands& commands, std::string_view type,
                    const std::string& name, std::string_view state, int priority,
                    const vrrp::config::GlobalDefs& global) {
  // The default user is looked up (getpwnam, through NSS) only for a command to run: at 1,000
  // instances without notify commands a takeover made 1,000 lookups of keepalived_script, and
  // mapped the NSS modules (0.3 MB) into a daemon that runs nothing.
  if (commands.master || commands.backup || commands.fault || commands.stop || commands.notify) {
    const CommandSpec user = DefaultScriptUser(global);
    notifier_->Notify(commands, type, name, state, priority, user.user, user.group);
  }
  // keepalived writes the FIFO lines whether or not the instance has notify commands.
  for (NotifyFifoWriter* fifo : {notify_fifo_.get(), vrrp_notify_fifo_.get()}) {
    if (fifo != nullptr) fifo->Write(type, name, state, priority);
  }
}

void Daemon::OnPolicyEvent(const vrrp::PolicyEvent& e) {
  for (const vrrp::keepalived::LogLine& line : vrrp::keepalived::PolicyLogLines(e)) {
    log_.Log(Level(line.level), line.text);
  }
  if (e.kind != vrrp::PolicyEvent::Kind::kGroupState) return;
  for (const vrrp::config::SyncGroup& group : conf_.sync_groups) {
    if (group.name == e.group) {
      Notify(group.notify, "GROUP", group.name, vrrp::RouterStateName(e.state), 0, conf_.global);
    }
  }
}

void Daemon::OnEvent(const vrrp::InstanceEvent& e) {
  // The wall clock only for what the history keeps: a flood of drops reads none.
  if (vrrp::EventHistory::Keeps(e.kind)) history_.Record(e, absl::Now());
  vrrp::keepalived::EventContext context;
  if (const vrrp::Instance* instance = driver_->instance(e.id)) {
    context.interface = driver_->spec(e.id)->interface;
    context.effective_priority = instance->router().effective_priority();
    context.master = instance->router().master_address();
    context.master_priority = instance->router().master_priority();
  }
  if (e.kind == vrrp::InstanceEvent::Kind::kDrop) {
    uint64_t suppressed = 0;
    if (!drop_log_limiter_.Admit(e.instance, e.drop, e.time, suppressed)) return;
    for (const vrrp::keepalived::LogLine& line : vrrp::keepalived::EventLogLines(e, context)) {
      log_.Log(Level(line.level),
               suppressed == 0 ? line.text
                               : fmt::format("{} ({} more not logged)", line.text, suppressed));
    }
    return;
  }
  for (const vrrp::keepalived::LogLine& line : vrrp::keepalived::EventLogLines(e, context)) {
    log_.Log(Level(line.level), line.text);
  }
  if (e.kind == vrrp::InstanceEvent::Kind::kSyncWaiting) ScheduleTracking();
  if (e.kind == vrrp::InstanceEvent::Kind::kAddressAdded) routes_->AddressAdded(e.instance);
  if (e.kind != vrrp::InstanceEvent::Kind::kTransition) return;
  metrics_due_ = true;
  // virtual_routes / virtual_rules follow MASTER, after the VIPs as keepalived adds them.
  if (e.transition.to == RouterState::kMaster) {
    const vrrp::Instance* instance = driver_->instance(e.id);
    routes_->EnterMaster(e.instance, instance == nullptr
                                         ? 0
                                         : instance->config().addresses.size() +
                                               instance->config().excluded_addresses.size());
  } else if (e.transition.from == RouterState::kMaster) {
    routes_->LeaveMaster(e.instance);
  }
  // Stopping (to Initialize) is notified as STOP by Shutdown and by reloads.
  if (e.transition.to != RouterState::kInitialize) {
    if (const vrrp::config::VrrpInstance* vi = FindInstance(e.instance)) {
      Notify(vi->extras.notify, "INSTANCE", vi->config.name, vrrp::RouterStateName(e.transition.to),
             context.effective_priority, conf_.global);
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

void Daemon::EnterRealtime() {
  const SchedulingPlan plan = PlanScheduling(conf_.global, conf_.instances.size()).RealtimeOnly();
  ApplyScheduling(plan, ProcessSchedulingSystem(), log_);
  realtime_ = plan.rt_priority.has_value();
  // Never a stretch of CPU near RLIMIT_RTTIME without a sleep: a quarter of the limit, at most
  // 2 ms (a takeover of many instances keeps every fd ready for longer than that).
  loop_->SetBusyYield(realtime_
                          ? std::clamp(absl::Microseconds(plan.rttime_hard_us.value_or(0)) / 4,
                                       absl::Microseconds(100), absl::Milliseconds(2))
                          : absl::ZeroDuration());
}

absl::Status Daemon::Reload() {
  TellSystemd(log_, "RELOADING=1");
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
  auto conf = vrrp::config::ParseFile(options_.config_file, ConfigParseOptions(options_));
  auto refuse = [&](const absl::Status& s) {
    log_.Error(fmt::format("Reload refused, the running configuration stays: {}", Sd(s.message())));
    TellSystemd(log_, "READY=1\nSTATUS=running (last reload refused)");
    return s;
  };
  if (!conf.ok()) return refuse(conf.status());
  for (const vrrp::config::Warning& w : conf->warnings) log_.Warning(vrrp::config::ToString(w));
  if (absl::Status s = CheckScriptUsers(*conf, vrrp::os::ProcessIdentity::Current()); !s.ok()) {
    return refuse(s);
  }
  // Tracked files and processes whose blocks changed are watched anew before anything else
  // changes, so that one that cannot be (its directory is gone) refuses the reload whole.
  std::unique_ptr<vrrp::keepalived::FileTracker> files;
  if (vrrp::keepalived::TrackedFiles(*conf) != file_tracker_->files()) {
    auto made = MakeFileTracker(*conf);
    if (!made.ok()) return refuse(made.status());
    files = std::move(*made);
  }
  // A new watcher scans /proc at once: its quorum is the one that holds now.
  std::unique_ptr<vrrp::keepalived::ProcessWatcher> processes;
  if (vrrp::keepalived::TrackedProcesses(*conf) != process_watcher_->processes()) {
    auto made = MakeProcessWatcher(*conf);
    if (!made.ok()) return refuse(made.status());
    processes = std::move(*made);
  }

  // The instances that leave are notified STOP, as keepalived does on reload.
  std::vector<std::string> leaving;
  for (const auto& instance : driver_->instances()) {
    if (conf->FindInstance(instance->name()) == nullptr) leaving.push_back(instance->name());
  }
  const absl::Time now = loop_->Now();
  vrrp::config::Configuration previous = std::move(conf_);
  conf_ = std::move(*conf);
  IndexInstances();
  DropInsecureNotifyCommands();
  // The new no_accept addresses before the instances change, so that a new Master's VIPs are
  // added filtered; put back if the instances cannot change.
  auto restore = [&](const absl::Status& s) {
    conf_ = std::move(previous);
    IndexInstances();
    if (absl::Status back = firewall_->Reconfigure(conf_); !back.ok()) {
      log_.Error(fmt::format("Reload: {}", Sd(back.message())));
    }
    return refuse(s);
  };
  if (absl::Status s = firewall_->Reconfigure(conf_); !s.ok()) return restore(s);
  vmac_->Reconfigure(conf_);  // new links; the old ones go once no instance uses them
  std::vector<vrrp::os::DriverInstance> instances = vrrp::keepalived::DriverInstances(conf_);
  vmac_->Apply(instances);
  if (absl::Status s = driver_->Update(now, std::move(instances)); !s.ok()) {
    vmac_->Reconfigure(previous);  // the links as they were, for the instances kept
    vmac_->Prune();
    return restore(s);
  }
  vmac_->Prune();
  // For the frames sent from now on, those still waiting included.
  driver_->SetAnnouncePacing(conf_.announce_pacing());
  routes_->Reconfigure(conf_);
  refusals_->Reapply(now);
  RefuseInstances(now);
  overrides_->Reapply(now);  // vrrpctl's overrides stay on the instances that keep their name
  if (files) file_tracker_ = std::move(files);
  if (processes) process_watcher_ = std::move(processes);
  std::vector<std::string> warnings;
  policy_.Reconfigure(vrrp::keepalived::PolicyConfigOf(conf_, &warnings));
  for (const std::string& w : warnings) log_.Warning(w);
  DrainEvents();
  for (const std::string& name : leaving) {
    if (const vrrp::config::VrrpInstance* vi = previous.FindInstance(name)) {
      Notify(vi->extras.notify, "INSTANCE", name, "STOP", vi->config.router.priority,
             previous.global);
    }
  }
  // A FIFO whose settings changed is closed (its reader stopped) and opened anew; one that
  // cannot be is logged, and the daemon runs on without it.
  if (absl::Status s = OpenNotifyFifos(); !s.ok()) {
    log_.Error(fmt::format("Reload: {}", Sd(s.message())));
  }
  if (!vrrp::keepalived::SameScripts(previous.scripts, conf_.scripts) ||
      previous.global.script_user != conf_.global.script_user ||
      previous.global.enable_script_security != conf_.global.enable_script_security) {
    checker_->Stop();
    checker_ = MakeChecker();
    checker_->Start();
  }
  ++reloads_;
  ScheduleTracking();
  ForgetLocations(conf_);
  malloc_trim(0);  // the old configuration's and the parser's memory
  log_.Info(fmt::format("Reload finished: {} instances", conf_.instances.size()));
  TellSystemd(log_, "READY=1\nSTATUS=running");
  return absl::OkStatus();
}

DaemonStatus Daemon::Status() const {
  DaemonStatus status;
  status.version = VRRPD_VERSION;
  status.pid = static_cast<int>(getpid());
  status.config_file = options_.config_file;
  status.reloads = reloads_;
  status.route_failures = routes_->failures();
  const vrrp::os::DriverStats driver = driver_->stats();
  status.receive = {.received = driver.received,
                    .other_vrid = driver.other_vrid,
                    .other_peer = driver.other_peer,
                    .too_short = driver.too_short,
                    .errors = driver.receive_errors};
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
    if (const std::string* refusal = vmac_->Refusal(s.name); refusal != nullptr) {
      s.fault_reasons.push_back(*refusal);
    }
    if (overrides_->override_fault(id)) s.fault_reasons.push_back("operator");
    // Issue 16: a Master that could not add a VIP waits in Fault, probing it with a backoff.
    if (instance.address_fault()) {
      for (const vrrp::VirtualAddress& vip : instance.unplaced_addresses()) {
        s.fault_reasons.push_back(
            fmt::format("cannot add {}/{} (retried)", vip.address, vip.prefix_len));
      }
    }
    if (instance.conflict_fault()) {
      s.fault_reasons.push_back("yielded: a router that outranks it holds a VIP (vip_conflict)");
    }
    s.conflicts = instance.conflict_stats();
    const std::vector<std::string>& reasons = policy_.fault_reasons(s.name);
    s.fault_reasons.insert(s.fault_reasons.end(), reasons.begin(), reasons.end());
    if (router.state() == RouterState::kBackup) s.master = router.master_address();
    s.stats = router.stats();
    status.instances.push_back(std::move(s));
  }
  for (const auto& [name, script_status] : checker_->statuses()) {
    status.scripts.emplace_back(name, std::string(ScriptStatusName(script_status)));
  }
  status.track_files = file_tracker_->values();
  for (const vrrp::keepalived::TrackedProcessStatus& p : process_watcher_->statuses()) {
    status.track_processes.push_back({p.name, p.running, p.up});
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
  TellSystemd(log_, "STOPPING=1");
  stopping_ = true;
  control_.reset();  // no vrrpctl reload or override while the loop runs for the stop
  checker_->Stop();
  started_ = false;
  tracking_due_ = false;
  // Routes before the VIPs: a route through a VIP's subnet needs the address until it goes.
  routes_->StopRoutes();
  driver_->Shutdown(loop_->Now());
  firewall_->Stop();  // the Masters removed their addresses: nothing is left to filter
  DrainEvents();
  vmac_->Stop();  // nothing is left on the macvlan links either (logged after the removals)
  routes_->StopAddresses();  // the static addresses last, as keepalived
  // keepalived runs notify_stop and `notify ... STOP` for every instance and group at stop.
  const Notifier::Mark stop_mark = notifier_->mark();
  for (const vrrp::config::VrrpInstance& vi : conf_.instances) {
    Notify(vi.extras.notify, "INSTANCE", vi.config.name, "STOP", vi.config.router.priority,
           conf_.global);
  }
  for (const vrrp::config::SyncGroup& group : conf_.sync_groups) {
    Notify(group.notify, "GROUP", group.name, "STOP", 0, conf_.global);
  }
  for (NotifyFifoWriter* fifo : {notify_fifo_.get(), vrrp_notify_fifo_.get()}) {
    if (fifo != nullptr) fifo->Close();
  }
  WaitForStopNotifications(stop_mark);
  log_.Info("Stopped");
}

void Daemon::WaitForStopNotifications(Notifier::Mark since) {
  auto busy = [&] {
    return notifier_->Outstanding(since) > 0 || (notify_fifo_ && notify_fifo_->reader_running()) ||
           (vrrp_notify_fifo_ && vrrp_notify_fifo_->reader_running());
  };
  // The loop, not ProcessRunner::Drain, so that the notifier's block timers still move its
  // queues on: a notify_master that hangs does not keep notify_stop from running. A second
  // SIGTERM ends the wait (OnSignal stops the loop again).
  const absl::Time start = loop_->Now();
  const absl::Time deadline = start + kStopNotifyTimeout;
  vrrp::os::EventLoop::TimerId timer = 0;
  std::function<void()> check = [&] {
    timer = 0;
    if (!busy() || loop_->Now() >= deadline) {
      loop_->Stop();
    } else {
      timer = loop_->AddTimer(std::min(deadline, loop_->Now() + kStopPollInterval), check);
    }
  };
  if (busy()) {
    timer = loop_->AddTimer(loop_->Now() + kStopPollInterval, check);
    if (absl::Status s = loop_->Run(); !s.ok()) {
      log_.Error(fmt::format("Stopping: {}", Sd(s.message())));
    }
    if (timer != 0) loop_->CancelTimer(timer);  // a second SIGTERM came first
  }
  // Each command left is logged by name, then killed with the rest.
  notifier_->Abandon(
      fmt::format("vrrpd is stopping and waited {}",
                  absl::FormatDuration(absl::Trunc(loop_->Now() - start, absl::Milliseconds(1)))));
  notify_fifo_.reset();  // logs and kills a reader still running
  vrrp_notify_fifo_.reset();
  runner_->Drain(absl::ZeroDuration());
}

}  // namespace vrrpd
