// Whether a daemon can run a command as the user it names (vrrp/linux/process_identity.h), and
// that a child never inherits the daemon's ambient capabilities: what a vrrpd run as an
// unprivileged user with CAP_NET_RAW and CAP_NET_ADMIN (its systemd unit) relies on.
#include "vrrp/linux/process_identity.h"

#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <thread>

#include "fmt/format.h"
#include "support/process_support.h"
#include "system/netns.h"

namespace vrrp::os {
namespace {

using test::NewLoop;
using test::ReadFile;
using test::TempDir;
using test::WaitFor;

// What vrrpd under its unit is: nobody's ids, no CAP_SETUID / CAP_SETGID.
ProcessIdentity Nobody() {
  absl::StatusOr<Credentials> nobody = ResolveCredentials("nobody", "");
  REQUIRE(nobody.ok());
  return ProcessIdentity{.uid = nobody->uid, .gid = nobody->gid, .can_switch_user = false};
}

TEST_CASE("process identity: the calling thread's ids and CAP_SETUID / CAP_SETGID") {
  const ProcessIdentity me = ProcessIdentity::Current();
  CHECK(me.uid == geteuid());
  CHECK(me.gid == getegid());
  if (!test::IsRoot()) {
    WARN("skipped: needs root to drop CAP_SETUID from a thread");
    return;
  }
  CHECK(me.can_switch_user);
  // Capabilities are per thread: drop CAP_SETUID from a thread of our own and ask there.
  std::optional<ProcessIdentity> dropped;
  std::thread([&] {
    if (test::DropEffectiveCapability(CAP_SETUID).ok()) dropped = ProcessIdentity::Current();
  }).join();
  REQUIRE(dropped.has_value());
  CHECK(dropped->uid == 0);
  CHECK_FALSE(dropped->can_switch_user);
}

TEST_CASE("process identity: without CAP_SETUID a command runs only as the process itself") {
  const ProcessIdentity nobody = Nobody();
  CHECK(CheckCanRunAs({"/bin/true", "", ""}, nobody).ok());
  CHECK(CheckCanRunAs({"/bin/true", "nobody", ""}, nobody).ok());
  // Debian's nobody is in nogroup: naming its own primary group changes nothing.
  CHECK(CheckCanRunAs({"/bin/true", "nobody", "nogroup"}, nobody).ok());

  absl::Status root = CheckCanRunAs({"/bin/true", "root", ""}, nobody);
  CHECK(root.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(std::string(root.message()) ==
        fmt::format("cannot run commands as user 'root' (uid 0): this process runs as uid {} "
                    "(nobody), gid {}, without CAP_SETUID and CAP_SETGID",
                    nobody.uid, nobody.gid));
  // Its own user, but another group.
  absl::Status group = CheckCanRunAs({"/bin/true", "nobody", "root"}, nobody);
  CHECK(group.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(group.message().find("as user 'nobody' with gid 0:") != std::string::npos);

  absl::Status unknown = CheckCanRunAs({"/bin/true", "vrrpd-no-such-user", ""}, nobody);
  CHECK(unknown.code() == absl::StatusCode::kNotFound);
  CHECK(std::string(unknown.message()) == "unknown user 'vrrpd-no-such-user'");
}

TEST_CASE("process identity: a process that can switch users may name anyone") {
  ProcessIdentity root{.uid = 0, .gid = 0, .can_switch_user = true};
  CHECK(CheckCanRunAs({"/bin/true", "nobody", ""}, root).ok());
  // Left to fail when it runs, as before: no lookup here.
  CHECK(CheckCanRunAs({"/bin/true", "vrrpd-no-such-user", ""}, root).ok());
  ProcessIdentity capable = Nobody();
  capable.can_switch_user = true;
  CHECK(CheckCanRunAs({"/bin/true", "root", ""}, capable).ok());
}

// capset(2) of the calling thread's inheritable set.
bool SetInheritable(uint32_t low_word) {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (syscall(SYS_capget, &header, data) != 0) return false;
  data[0].inheritable = low_word;
  data[1].inheritable = 0;
  return syscall(SYS_capset, &header, data) == 0;
}

TEST_CASE("process identity: a child does not inherit the daemon's ambient capabilities") {
  if (!test::IsRoot()) {
    WARN("skipped: needs root to raise an ambient capability");
    return;
  }
  // The test's own thread, as a daemon started with AmbientCapabilities=CAP_NET_RAW would be;
  // put back before any check can leave the test.
  REQUIRE(SetInheritable(1u << CAP_NET_RAW));
  REQUIRE(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_RAW, 0, 0) == 0);
  const std::string self = ReadFile("/proc/thread-self/status");

  auto loop = NewLoop();
  ProcessRunner runner(*loop);
  TempDir dir;
  std::optional<ProcessResult> result;
  runner.Run({fmt::format("grep ^CapAmb: /proc/self/status > {}", dir / "amb"), "", ""}, {},
             absl::Seconds(10), [&](const ProcessResult& r) { result = r; });
  const bool finished = WaitFor(*loop, [&] { return result.has_value(); });
  prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  SetInheritable(0);

  CHECK(self.find("CapAmb:\t0000000000002000") != std::string::npos);  // it was raised
  REQUIRE(finished);
  REQUIRE(result->success());
  CHECK(ReadFile(dir / "amb") == "CapAmb:\t0000000000000000\n");
}

}  // namespace
}  // namespace vrrp::os
