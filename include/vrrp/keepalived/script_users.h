// Whether the daemon can run every command of a configuration as the user it names, checked
// once at load instead of failing on every run.
//
// keepalived runs as root and switches to each script's user (keepalived.conf(5): script_user,
// a script's own `USER [GROUP]`, the keepalived_script default). vrrpd may run as an
// unprivileged user with only CAP_NET_RAW and CAP_NET_ADMIN (its systemd unit): it then runs
// scripts as itself (DefaultScriptUser does not pick keepalived_script), and a command that
// names another user cannot run at all. Such a configuration is refused, with every command at
// fault named, as vrrpd refuses any other configuration it cannot carry out: at start the
// daemon does not start, on reload the running configuration stays.
//
//   if (absl::Status s = vrrp::keepalived::CheckScriptUsers(conf,
//           vrrp::os::ProcessIdentity::Current()); !s.ok())
//     return s;  // "keepalived.conf:9: vrrp_script chk: cannot run commands as user 'nobody'
//                //  (uid 65534): this process runs as uid 998 (vrrpd), gid 998, without ..."
#ifndef VRRP_KEEPALIVED_SCRIPT_USERS_H_
#define VRRP_KEEPALIVED_SCRIPT_USERS_H_

#include "absl/status/status.h"
#include "vrrp/config/config.h"
#include "vrrp/linux/process_identity.h"

namespace vrrp::keepalived {

// OK, or kFailedPrecondition listing each command (tracked vrrp_scripts, notify_* of instances
// and sync groups, notify_fifo_script / vrrp_notify_fifo_script) whose user `identity` cannot
// run it as (vrrp::os::CheckCanRunAs), each with its file:line. Untracked vrrp_scripts never
// run and are not checked. A process that can switch users passes without a lookup.
[[nodiscard]] absl::Status CheckScriptUsers(const vrrp::config::Configuration& conf,
                                            const os::ProcessIdentity& identity);

}  // namespace vrrp::keepalived

#endif  // VRRP_KEEPALIVED_SCRIPT_USERS_H_
