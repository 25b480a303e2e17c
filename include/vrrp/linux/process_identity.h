// Who the daemon is when it runs commands: whether a command configured to run as some user
// can run at all. keepalived always runs as root and switches to each script's user; a daemon
// run as an unprivileged user (vrrpd under its systemd unit: User=vrrpd with CAP_NET_RAW and
// CAP_NET_ADMIN only) cannot switch to anyone, so a script configured for another user would
// fail on every run. CheckCanRunAs says so once, when the configuration is loaded.
//
//   const vrrp::os::ProcessIdentity me = vrrp::os::ProcessIdentity::Current();
//   if (absl::Status s = vrrp::os::CheckCanRunAs({"/x", "keepalived_script", ""}, me); !s.ok())
//     ...  // "cannot run commands as user 'keepalived_script' (uid 105): this process runs as
//          //  uid 998 (vrrpd), gid 998, without CAP_SETUID and CAP_SETGID"
#ifndef VRRP_LINUX_PROCESS_IDENTITY_H_
#define VRRP_LINUX_PROCESS_IDENTITY_H_

#include <sys/types.h>

#include "absl/status/status.h"
#include "vrrp/linux/process.h"

namespace vrrp::os {

// A process's effective ids and whether it may take other ones. A value: no lifetime concerns.
struct ProcessIdentity {
  uid_t uid = 0;
  gid_t gid = 0;
  // CAP_SETUID and CAP_SETGID in the effective set: setresuid / setresgid / setgroups to any
  // id. Root has them unless a bounding set took them away.
  bool can_switch_user = true;

  bool root() const { return uid == 0; }
  // geteuid(), getegid() and capget(2) of the calling thread.
  static ProcessIdentity Current();
};

// OK when a process of `identity` can run `spec` as it asks: no user named (it runs as the
// process itself), a process that can switch users, or a user and group (the named one, else
// the user's primary group) that are the process's own uid and gid. Otherwise kFailedPrecondition
// naming the user and the process
// ("cannot run commands as user 'nobody' (uid 65534): this process runs as uid 998 (vrrpd),
// gid 998, without CAP_SETUID and CAP_SETGID"), or the lookup's error (kNotFound "unknown user
// 'x'"). Only a process that cannot switch looks the user up: one that can leaves an unknown user
// to fail when the command runs, as before.
[[nodiscard]] absl::Status CheckCanRunAs(const CommandSpec& spec, const ProcessIdentity& identity);

}  // namespace vrrp::os

#endif  // VRRP_LINUX_PROCESS_IDENTITY_H_
