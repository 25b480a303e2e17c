// The network-namespace harness of the system tests: throw-away namespaces with unique names,
// veth pairs and a bridge between them, commands run inside, and C++ code run inside.
//
//   TEST_CASE("...") {
//     VRRP_SKIP_UNLESS_ROOT();                  // WARNs "skipped: needs root ..." and returns
//     auto ns = vrrp::test::Netns::Create();    // `ip netns add vrrpt-<pid>-<n>`
//     REQUIRE(ns.ok());
//     REQUIRE((*ns)->AddVeth("veth0", "veth1").ok());     // both ends here, both up
//     REQUIRE((*ns)->Check("ip addr add 192.0.2.1/24 dev veth0").ok());
//     std::string out = (*ns)->Run("ip -o addr show dev veth0").output;
//     REQUIRE((*ns)->Inside([&] { manager = Open(); }).ok());   // a socket in the namespace
//   }                                           // ~Netns: kills what it started, deletes it
//
// Inside() runs the function on a new thread that has joined the namespace with
// setns(CLONE_NEWNET); a thread, not a forked child, so the function can hand back objects
// (a socket opened there stays in that namespace when other threads use it) and its exceptions
// (a failed REQUIRE) reach the caller. Namespace membership and capabilities are per thread on
// Linux, so neither the test's own thread nor the others change. Sockets must be opened inside
// the function: a socket's namespace is fixed when it is created.
//
// Tests use documentation addresses only (192.0.2.0/24, 198.51.100.0/24, 2001:db8::/32), inside
// namespaces they create; nothing leaves them.
#ifndef VRRP_TESTS_SYSTEM_NETNS_H_
#define VRRP_TESTS_SYSTEM_NETNS_H_

#include <sys/types.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace vrrp::test {

// The message a root-only test prints when it skips.
inline constexpr const char* kNeedsRoot =
    "skipped: needs root (CAP_NET_ADMIN) to create network namespaces";

// True when this process can create and enter network namespaces and change their links and
// addresses: effective uid 0 with CAP_NET_ADMIN and CAP_SYS_ADMIN in the effective set.
bool IsRoot();

// Catch2 2.13 has no SKIP: a root-only test case starts with this line, which leaves the test
// case (passing) with a warning that the console reporter always prints.
#define VRRP_SKIP_UNLESS_ROOT()       \
  do {                                \
    if (!::vrrp::test::IsRoot()) {    \
      WARN(::vrrp::test::kNeedsRoot); \
      return;                         \
    }                                 \
  } while (false)

struct CommandResult {
  int exit_code = -1;  // the shell's exit status; -1 when it could not run or was killed
  std::string output;  // stdout and stderr together
};

// Runs `command` with /bin/sh on the host, as it is.
CommandResult RunOnHost(std::string_view command);

// Single-quotes `text` for /bin/sh.
std::string ShellQuote(std::string_view text);

// Drops `capability` (CAP_NET_ADMIN, ...) from the calling thread's effective set only, with
// the raw capset(2) (no libcap): used inside Inside() to see what an unprivileged caller gets.
absl::Status DropEffectiveCapability(int capability);

// Whether this kernel refuses eBPF to a caller without CAP_BPF (kernel.unprivileged_bpf_disabled
// 1 or 2, Debian's default): only then does dropping CAP_BPF take the advertisement filter away.
bool UnprivilegedBpfDisabled();

class Netns {
 public:
  // `ip netns add vrrpt-<pid>-<n>` with the loopback up. Before the first one, namespaces left
  // by test processes that no longer run (a crash, a SIGKILL) are deleted.
  static absl::StatusOr<std::unique_ptr<Netns>> Create();
  // Kills the processes Spawn() started and everything else still in the namespace, then
  // `ip netns del`.
  ~Netns();
  Netns(const Netns&) = delete;
  Netns& operator=(const Netns&) = delete;

  const std::string& name() const { return name_; }

  // `ip netns exec <name> sh -c <command>`: the whole command, pipes included, runs inside.
  CommandResult Run(std::string_view command) const;
  // Run(), with a non-zero exit an error that quotes the command and its output.
  absl::Status Check(std::string_view command) const;
  // Starts `command` inside in the background, in its own process group, output discarded
  // (or appended to `log_path`). The destructor kills the group.
  absl::StatusOr<pid_t> Spawn(std::string_view command, std::string_view log_path = "");

  // Runs `function` on a thread inside the namespace (see the top of this file) and waits for
  // it. An error only when the thread could not enter; an exception from `function` is
  // rethrown here.
  absl::Status Inside(const std::function<void()>& function) const;

  // A veth pair, `here` in this namespace and `there` in `peer` (this one when null), both up.
  absl::Status AddVeth(std::string_view here, std::string_view there,
                       const Netns* peer = nullptr) const;
  // A bridge here, up, with multicast snooping off so VRRP's multicast floods like a hub.
  absl::Status AddBridge(std::string_view bridge) const;

 private:
  explicit Netns(std::string name) : name_(std::move(name)) {}

  std::string name_;
  std::vector<pid_t> spawned_;
};

// Two namespaces on one veth link: "a0" in `a` with 192.0.2.5/24 and 2001:db8::5/64, "b0" in `b`
// with 192.0.2.6/24 and 2001:db8::6/64. DAD is off in both, so every address (link-local
// included) is usable at once.
struct LinkedPair {
  std::unique_ptr<Netns> a;
  std::unique_ptr<Netns> b;
  static absl::StatusOr<LinkedPair> Create();
};

// A LAN: a namespace holding bridge "br0", to which other namespaces connect by veth.
//
//   auto lan = vrrp::test::Lan::Create();
//   REQUIRE(lan.ok());
//   REQUIRE((*lan)->Connect(*router_a, "eth0").ok());  // router_a's eth0 is on the LAN
class Lan {
 public:
  static absl::StatusOr<std::unique_ptr<Lan>> Create();

  // A veth pair: `interface` in `host` (up), its peer a port of br0.
  absl::Status Connect(const Netns& host, std::string_view interface);
  const Netns& bridge_namespace() const { return *netns_; }

 private:
  explicit Lan(std::unique_ptr<Netns> netns) : netns_(std::move(netns)) {}

  std::unique_ptr<Netns> netns_;
  int ports_ = 0;
};

}  // namespace vrrp::test

#endif  // VRRP_TESTS_SYSTEM_NETNS_H_
