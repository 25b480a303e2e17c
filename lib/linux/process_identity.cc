#include "vrrp/linux/process_identity.h"

#include <linux/capability.h>
#include <pwd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "fmt/format.h"

namespace vrrp::os {
namespace {

// capget(2) without libcap: the calling thread's effective set holds `capability`.
bool HasEffective(const __user_cap_data_struct (&data)[_LINUX_CAPABILITY_U32S_3], int capability) {
  return (data[capability / 32].effective & (1u << (capability % 32))) != 0;
}

// "998 (vrrpd)", or "998" for a uid without a name.
std::string DescribeUid(uid_t uid) {
  passwd pw{};
  passwd* found = nullptr;
  std::vector<char> buffer(16384);
  if (getpwuid_r(uid, &pw, buffer.data(), buffer.size(), &found) == 0 && found != nullptr) {
    return fmt::format("{} ({})", uid, pw.pw_name);
  }
  return fmt::format("{}", uid);
}

}  // namespace

ProcessIdentity ProcessIdentity::Current() {
  ProcessIdentity identity;
  identity.uid = geteuid();
  identity.gid = getegid();
  __user_cap_header_struct header{};
  header.version = _LINUX_CAPABILITY_VERSION_3;
  header.pid = 0;
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (syscall(SYS_capget, &header, data) == 0) {
    identity.can_switch_user = HasEffective(data, CAP_SETUID) && HasEffective(data, CAP_SETGID);
  } else {
    // Without an answer, what the ids say: root can, anyone else cannot.
    identity.can_switch_user = identity.uid == 0;
  }
  return identity;
}

absl::Status CheckCanRunAs(const CommandSpec& spec, const ProcessIdentity& identity) {
  if (spec.user.empty() || identity.can_switch_user) return absl::OkStatus();
  absl::StatusOr<Credentials> wanted = ResolveCredentials(spec.user, spec.group);
  if (!wanted.ok()) return wanted.status();
  // ProcessRunner runs a command as the process itself, switching nothing, when the uid and
  // the group (the named one, else the user's primary group) are the process's own.
  if (wanted->uid == identity.uid && wanted->gid == identity.gid) return absl::OkStatus();
  const std::string who = wanted->uid == identity.uid
                              ? fmt::format("user '{}' with gid {}", spec.user, wanted->gid)
                              : fmt::format("user '{}' (uid {})", spec.user, wanted->uid);
  return absl::FailedPreconditionError(
      fmt::format("cannot run commands as {}: this process runs as uid {}, gid {}, without "
                  "CAP_SETUID and CAP_SETGID",
                  who, DescribeUid(identity.uid), identity.gid));
}

}  // namespace vrrp::os
