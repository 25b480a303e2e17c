#include "vrrp/keepalived/script_users.h"

#include <string>
#include <vector>

#include "fmt/format.h"
#include "vrrp/keepalived/script_checker.h"

namespace vrrp::keepalived {

using vrrp::config::Command;
using vrrp::config::NotifyCommands;

absl::Status CheckScriptUsers(const vrrp::config::Configuration& conf,
                              const os::ProcessIdentity& identity) {
  if (identity.can_switch_user) return absl::OkStatus();
  std::vector<std::string> problems;
  auto check = [&](const CommandSpec& spec, const vrrp::config::Location& where,
                   const std::string& what) {
    if (absl::Status s = os::CheckCanRunAs(spec, identity); !s.ok()) {
      problems.push_back(
          fmt::format("{}: {}: {}", vrrp::config::ToString(where), what, std::string(s.message())));
    }
  };
  const CommandSpec default_user = DefaultScriptUser(conf.global, identity);
  auto check_command = [&](const auto& command, const std::string& what) {
    if (!command) return;
    CommandSpec spec{command->command, command->user, command->group};
    if (spec.user.empty()) {
      spec.user = default_user.user;
      spec.group = default_user.group;
    }
    check(spec, command->where, what);
  };
  auto check_notify = [&](const NotifyCommands& n, const std::string& owner) {
    check_command(n.master, owner + " notify_master");
    check_command(n.backup, owner + " notify_backup");
    check_command(n.fault, owner + " notify_fault");
    check_command(n.stop, owner + " notify_stop");
    check_command(n.notify, owner + " notify");
  };

  for (const vrrp::config::VrrpScript& script : TrackedScripts(conf)) {
    check(ScriptCommand(script, conf.global, identity), script.where,
          fmt::format("vrrp_script {}", script.name));
  }
  for (const vrrp::config::VrrpInstance& vi : conf.instances) {
    check_notify(vi.extras.notify, fmt::format("vrrp_instance {}", vi.config.name));
  }
  for (const vrrp::config::SyncGroup& group : conf.sync_groups) {
    check_notify(group.notify, fmt::format("vrrp_sync_group {}", group.name));
  }
  check_command(conf.global.notify_fifo.script, "notify_fifo_script");
  check_command(conf.global.vrrp_notify_fifo.script, "vrrp_notify_fifo_script");

  if (problems.empty()) return absl::OkStatus();
  std::string message = problems.front();
  for (size_t i = 1; i < problems.size(); ++i) message += "; " + problems[i];
  // What to do about it, once.
  message +=
      " (run vrrpd as root, give it CAP_SETUID and CAP_SETGID, or have these commands run as "
      "its own user: drop their user and global_defs script_user)";
  return absl::FailedPreconditionError(message);
}

}  // namespace vrrp::keepalived
