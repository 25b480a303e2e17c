#include "vrrp/keepalived/script_checker.h"

#include <pwd.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <optional>
#include <set>

#include "fmt/format.h"

namespace vrrp::keepalived {

using os::CommandArgv;
using os::Credentials;
using os::NeedsShell;
using os::ResolveCredentials;
namespace {

using vrrp::config::GlobalDefs;
using vrrp::config::VrrpScript;

constexpr std::string_view kKeepalivedScriptUser = "keepalived_script";

bool UserExists(const std::string& name) { return ResolveCredentials(name, "").ok(); }

// --- enable_script_security ---------------------------------------------------------------------

// Where execvp would find `program`, or nullopt.
std::optional<std::string> FindProgram(const std::string& program) {
  if (program.find('/') != std::string::npos) {
    // Children run from "/": a relative path is relative to it.
    return program.front() == '/' ? program : "/" + program;
  }
  const char* env = getenv("PATH");
  const std::string path =
      env != nullptr ? env : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  size_t begin = 0;
  while (begin <= path.size()) {
    size_t end = path.find(':', begin);
    if (end == std::string::npos) end = path.size();
    std::string dir = path.substr(begin, end - begin);
    if (dir.empty()) dir = ".";
    const std::string candidate = dir + "/" + program;
    struct stat st {};
    if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        (st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) != 0) {
      return candidate.front() == '/' ? candidate : "/" + candidate;
    }
    begin = end + 1;
  }
  return std::nullopt;
}

// keepalived's test for each step of a path: owned by root, and not writable by a non-root group
// or by everyone, except that a sticky directory may be (no one can replace another's file in
// it).
absl::Status CheckOwnership(const std::string& path, const struct stat& st) {
  if (st.st_uid != 0) {
    return absl::PermissionDeniedError(fmt::format("'{}' is owned by uid {}", path, st.st_uid));
  }
  if (S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX) != 0) return absl::OkStatus();
  if (st.st_gid != 0 && (st.st_mode & S_IWGRP) != 0) {
    return absl::PermissionDeniedError(
        fmt::format("'{}' is writable by group {}", path, st.st_gid));
  }
  if ((st.st_mode & S_IWOTH) != 0) {
    return absl::PermissionDeniedError(fmt::format("'{}' is writable by everyone", path));
  }
  return absl::OkStatus();
}

// "/", "/usr", "/usr/bin", "/usr/bin/x" in turn. A step that cannot be read is left to exec to
// report.
absl::Status CheckPath(const std::string& path) {
  for (size_t end = 0; end != std::string::npos;) {
    end = path.find('/', end + 1);
    std::string step = path.substr(0, end == std::string::npos ? path.size() : end);
    if (step.empty() || step.back() == '/') {
      if (step.size() > 1) continue;  // "//"
      step = "/";
    }
    struct stat st {};
    if (stat(step.c_str(), &st) != 0) return absl::OkStatus();
    if (absl::Status s = CheckOwnership(step, st); !s.ok()) return s;
  }
  return absl::OkStatus();
}

bool RunsAsRoot(const CommandSpec& spec) {
  if (spec.user.empty()) return geteuid() == 0 || getegid() == 0;
  absl::StatusOr<Credentials> c = ResolveCredentials(spec.user, spec.group);
  return c.ok() && (c->uid == 0 || c->gid == 0);
}

bool SetIdRoot(const struct stat& st) {
  return (st.st_uid == 0 && (st.st_mode & S_ISUID) != 0 && (st.st_mode & S_IXUSR) != 0) ||
         (st.st_gid == 0 && (st.st_mode & S_ISGID) != 0 && (st.st_mode & S_IXGRP) != 0);
}

}  // namespace

// --- Users and security -------------------------------------------------------------------------

CommandSpec DefaultScriptUser(const GlobalDefs& global, const os::ProcessIdentity& identity) {
  CommandSpec spec;
  if (!global.script_user.empty()) {
    spec.user = global.script_user;
    spec.group = global.script_group;
  } else if (identity.root() && UserExists(std::string(kKeepalivedScriptUser))) {
    spec.user = std::string(kKeepalivedScriptUser);
  }
  return spec;
}

CommandSpec ScriptCommand(const VrrpScript& script, const GlobalDefs& global,
                          const os::ProcessIdentity& identity) {
  CommandSpec spec = DefaultScriptUser(global, identity);
  spec.command = script.script.command;
  if (!script.user.empty()) {
    spec.user = script.user;
    spec.group = script.group;
  } else if (!script.script.user.empty()) {
    spec.user = script.script.user;
    spec.group = script.script.group;
  }
  return spec;
}

absl::Status CheckScriptSecurity(const CommandSpec& spec) {
  if (spec.user.empty() && (geteuid() == 0 || getegid() == 0)) {
    return absl::FailedPreconditionError(
        fmt::format("no script user: neither the script nor script_user names one and user "
                    "{} does not exist, and it must not run as root by default",
                    kKeepalivedScriptUser));
  }
  if (NeedsShell(spec.command)) return absl::OkStatus();
  const std::vector<std::string> argv = CommandArgv(spec.command, {});
  if (argv.empty()) return absl::OkStatus();
  std::optional<std::string> program = FindProgram(argv[0]);
  if (!program) return absl::OkStatus();
  struct stat st {};
  if (stat(program->c_str(), &st) != 0) return absl::OkStatus();
  if (!RunsAsRoot(spec) && !SetIdRoot(st)) return absl::OkStatus();
  // The path as written (a symlink's directory can be rewritten too) and where it leads.
  if (absl::Status s = CheckPath(*program); !s.ok()) return s;
  char resolved[PATH_MAX];
  if (realpath(program->c_str(), resolved) != nullptr && *program != resolved) {
    return CheckPath(resolved);
  }
  return absl::OkStatus();
}

std::vector<VrrpScript> TrackedScripts(const vrrp::config::Configuration& conf) {
  std::set<std::string, std::less<>> tracked;
  for (const vrrp::config::VrrpInstance& instance : conf.instances) {
    for (const vrrp::config::TrackedScript& ts : instance.extras.track_scripts) {
      tracked.insert(ts.name);
    }
  }
  std::vector<VrrpScript> scripts;
  for (const VrrpScript& script : conf.scripts) {
    if (tracked.count(script.name) != 0) scripts.push_back(script);
  }
  return scripts;
}

// --- ScriptChecker ------------------------------------------------------------------------------

ScriptChecker::ScriptChecker(vrrp::os::EventLoop& loop, ProcessRunner& runner,
                             std::vector<VrrpScript> scripts, const GlobalDefs& global,
                             OnChange on_change, Log log)
    : loop_(loop),
      runner_(runner),
      script_security_(global.enable_script_security),
      on_change_(std::move(on_change)),
      log_(std::move(log)) {
  entries_.reserve(scripts.size());
  for (VrrpScript& script : scripts) {
    CommandSpec spec = ScriptCommand(script, global);
    ScriptState state(script.rise, script.fall, script.init_fail);
    entries_.push_back(Entry{std::move(script), std::move(spec), state});
  }
}

ScriptChecker::~ScriptChecker() { Stop(); }

void ScriptChecker::Start() {
  if (started_) return;
  started_ = true;
  alive_ = std::make_shared<int>(0);
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (script_security_) {
      if (absl::Status secure = CheckScriptSecurity(entries_[i].spec); !secure.ok()) {
        Refuse(i, secure);
        continue;
      }
    }
    entries_[i].next_due = loop_.Now();
    Launch(i);
    Schedule(i);
  }
}

void ScriptChecker::Stop() {
  started_ = false;
  alive_.reset();
  for (Entry& e : entries_) {
    if (e.timer != 0) loop_.CancelTimer(e.timer);
    e.timer = 0;
    e.running = false;
  }
  for (vrrp::os::EventLoop::TimerId id : one_shots_) loop_.CancelTimer(id);
  one_shots_.clear();
}

void ScriptChecker::Refuse(size_t index, const absl::Status& why) {
  Entry& e = entries_[index];
  e.state.Disable();
  if (log_) {
    log_(fmt::format("VRRP_Script({}) disabled: {} (enable_script_security)", e.script.name,
                     std::string(why.message())));
  }
  ProcessResult refused;
  refused.outcome = ProcessResult::Outcome::kFailedToStart;
  refused.error = why;
  // Reported from the loop, like every other change, not from inside Start().
  std::weak_ptr<int> alive = alive_;
  one_shots_.push_back(loop_.AddTimer(loop_.Now(), [this, alive, index, refused] {
    if (alive.expired()) return;
    if (on_change_) on_change_(entries_[index].script.name, ScriptStatus::kDisabled, refused);
  }));
}

void ScriptChecker::Schedule(size_t index) {
  Entry& e = entries_[index];
  const absl::Duration interval =
      e.script.interval > absl::ZeroDuration() ? e.script.interval : absl::Seconds(1);
  // A steady cadence from the first run; after a stall, the next run is an interval from now.
  const absl::Time now = loop_.Now();
  e.next_due += interval;
  if (e.next_due <= now) e.next_due = now + interval;
  e.timer = loop_.AddTimer(e.next_due, [this, index] { Tick(index); });
}

void ScriptChecker::Tick(size_t index) {
  Entry& e = entries_[index];
  e.timer = 0;
  Schedule(index);
  if (e.running) {
    // keepalived: "Track script %s is already running, expect idle - skipping run".
    if (log_) log_(fmt::format("VRRP_Script({}) is still running: skipping a run", e.script.name));
    return;
  }
  Launch(index);
}

void ScriptChecker::Launch(size_t index) {
  Entry& e = entries_[index];
  e.running = true;
  const absl::Duration timeout =
      e.script.timeout > absl::ZeroDuration() ? e.script.timeout : e.script.interval;
  std::weak_ptr<int> alive = alive_;
  runner_.Run(e.spec, {}, timeout, [this, alive, index](const ProcessResult& result) {
    if (alive.expired()) return;
    OnResult(index, result);
  });
}

void ScriptChecker::OnResult(size_t index, const ProcessResult& result) {
  Entry& e = entries_[index];
  e.running = false;
  const bool was_failed = e.state.failed();
  const bool was_pending = e.state.pending();
  if (!e.state.Record(result.success())) return;
  const ScriptStatus now = e.state.status();
  // Log what tracking sees change: init_fail's INIT -> BAD is no news.
  if (log_ && (was_pending || was_failed != e.state.failed())) {
    if (now == ScriptStatus::kGood) {
      log_(fmt::format("VRRP_Script({}) succeeded", e.script.name));
    } else if (result.outcome == ProcessResult::Outcome::kTimedOut) {
      log_(fmt::format("VRRP_Script({}) timed out", e.script.name));
    } else {
      log_(fmt::format("VRRP_Script({}) failed ({})", e.script.name, Describe(result)));
    }
  }
  if (on_change_) on_change_(e.script.name, now, result);
}

const ScriptChecker::Entry* ScriptChecker::Find(std::string_view name) const {
  auto it = std::find_if(entries_.begin(), entries_.end(),
                         [&](const Entry& e) { return e.script.name == name; });
  return it == entries_.end() ? nullptr : &*it;
}

ScriptStatus ScriptChecker::status(std::string_view name) const {
  const Entry* e = Find(name);
  return e == nullptr ? ScriptStatus::kInit : e->state.status();
}

bool ScriptChecker::failed(std::string_view name) const {
  const Entry* e = Find(name);
  return e != nullptr && e->state.failed();
}

bool ScriptChecker::pending(std::string_view name) const {
  const Entry* e = Find(name);
  return e != nullptr && e->state.pending();
}

std::vector<std::pair<std::string, ScriptStatus>> ScriptChecker::statuses() const {
  std::vector<std::pair<std::string, ScriptStatus>> out;
  out.reserve(entries_.size());
  for (const Entry& e : entries_) out.emplace_back(e.script.name, e.state.status());
  return out;
}

}  // namespace vrrp::keepalived
