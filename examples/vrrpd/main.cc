// vrrpd: keepalived's VRRP side on this library. See README.md for flags, logs, signals and
// the status file.
//
//   vrrpd -t -f /etc/keepalived/keepalived.conf   # check a file: exit 0, or 1 with file:line
//   vrrpd -f /etc/keepalived/keepalived.conf -n -l
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "daemon.h"
#include "fmt/format.h"
#include "logger.h"
#include "options.h"
#include "pid_file.h"
#include "scheduling.h"
#include "vrrp/config/config.h"

namespace {

int CheckConfiguration(const vrrpd::Options& options) {
  auto conf = vrrp::config::ParseFile(options.config_file, vrrpd::ConfigParseOptions(options));
  if (!conf.ok()) {
    fmt::print(stderr, "{}\n", std::string(conf.status().message()));
    return 1;
  }
  for (const vrrp::config::Warning& w : conf->warnings) {
    fmt::print(stderr, "warning: {}\n", vrrp::config::ToString(w));
  }
  fmt::print("{}: configuration OK ({} instances, {} scripts, {} sync groups)\n",
             options.config_file, conf->instances.size(), conf->scripts.size(),
             conf->sync_groups.size());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Before anything else, and before any thread exists: the daemon takes these signals
  // through a signalfd, and the children it starts unblock them again.
  vrrpd::BlockDaemonSignals();

  const char* runtime_directory = getenv("RUNTIME_DIRECTORY");  // systemd's RuntimeDirectory=
  auto options = vrrpd::ParseOptions(std::vector<std::string>(argv + 1, argv + argc),
                                     runtime_directory != nullptr ? runtime_directory : "");
  if (!options.ok()) {
    fmt::print(stderr, "vrrpd: {}\n{}", std::string(options.status().message()), vrrpd::Usage());
    return 2;
  }
  if (options->help) {
    fmt::print("{}", vrrpd::Usage());
    return 0;
  }
  if (options->version) {
    fmt::print("vrrpd {} (keepalived-compatible VRRP daemon)\n", VRRPD_VERSION);
    return 0;
  }
  if (options->config_test) return CheckConfiguration(*options);

  vrrpd::Logger log(
      options->log_console ? vrrpd::Logger::Sink::kConsole : vrrpd::Logger::Sink::kSyslog,
      options->log_detail);
  // The whole file or nothing: a daemon never starts half-configured.
  auto conf = vrrp::config::ParseFile(options->config_file, vrrpd::ConfigParseOptions(*options));
  if (!conf.ok()) {
    log.Error(fmt::format("Configuration refused: {}", std::string(conf.status().message())));
    return 1;
  }

  if (!options->foreground && daemon(0, options->log_console ? 1 : 0) != 0) {
    log.Error(fmt::format("cannot become a daemon: {}", std::strerror(errno)));
    return 1;
  }
  auto pid_file = vrrpd::PidFile::Create(options->pid_file);
  if (!pid_file.ok()) {
    log.Error(std::string(pid_file.status().message()));
    return 1;
  }
  // global_defs vrrp_priority, vrrp_no_swap: in the process that stays (after daemon(): memory
  // locks are not inherited by a fork), before the Daemon exists (a nice value is per thread;
  // threads started later inherit it). Realtime comes once the instances run (Daemon::Run).
  vrrpd::ApplyScheduling(vrrpd::PlanScheduling(conf->global).WithoutRealtime(),
                         vrrpd::ProcessSchedulingSystem(), log);

  auto daemon = vrrpd::Daemon::Create(*options, log, *std::move(conf));
  if (!daemon.ok()) {
    log.Error(fmt::format("Cannot start: {}", std::string(daemon.status().message())));
    return 1;
  }
  if (absl::Status s = (*daemon)->Run(); !s.ok()) {
    log.Error(fmt::format("Stopped on error: {}", std::string(s.message())));
    return 1;
  }
  return 0;
}
