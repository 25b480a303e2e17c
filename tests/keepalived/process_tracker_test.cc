// ProcessTracker (keepalived's vrrp_track_process): matching by name, command line and
// parameters, quorum and quorum_max, fork and terminate delays, in virtual time, without root.
#include "vrrp/keepalived/process_tracker.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace vrrp::keepalived {
namespace {

using config::VrrpTrackProcess;
using os::ProcessInfo;
using ParamMatch = VrrpTrackProcess::ParamMatch;

const absl::Time kT0 = absl::FromUnixSeconds(1000);

VrrpTrackProcess Tracked(std::string name, std::string process,
                         std::vector<std::string> params = {},
                         ParamMatch match = ParamMatch::kNone) {
  VrrpTrackProcess p;
  p.name = std::move(name);
  p.process = std::move(process);
  p.params = std::move(params);
  p.param_match = match;
  return p;
}

ProcessInfo Proc(int pid, std::string comm, std::vector<std::string> argv = {}) {
  return ProcessInfo{pid, std::move(comm), std::move(argv)};
}

TEST_CASE("A process name is matched exactly against comm, never as a pattern") {
  const VrrpTrackProcess ssh = Tracked("t", "ssh");
  CHECK(ProcessMatches(ssh, Proc(1, "ssh")));
  CHECK_FALSE(ProcessMatches(ssh, Proc(1, "sshd")));
  CHECK_FALSE(ProcessMatches(ssh, Proc(1, "ss")));
  // The kernel keeps 15 characters of a name.
  CHECK(ProcessMatches(Tracked("t", "a-very-long-daemon-name"), Proc(1, "a-very-long-dae")));
}

TEST_CASE("full_command matches the command line's first word") {
  VrrpTrackProcess t = Tracked("t", "/usr/sbin/haproxy");
  t.full_command = true;
  CHECK(ProcessMatches(t, Proc(1, "haproxy", {"/usr/sbin/haproxy", "-f", "x"})));
  CHECK_FALSE(ProcessMatches(t, Proc(1, "haproxy", {"haproxy", "-f", "x"})));
  CHECK_FALSE(ProcessMatches(t, Proc(1, "haproxy", {})));  // a kernel thread
}

TEST_CASE("Parameters match exactly, as a prefix (partial), or with the last one a prefix") {
  const VrrpTrackProcess exact = Tracked("t", "sleep", {"1000", "x"}, ParamMatch::kExact);
  const VrrpTrackProcess partial = Tracked("t", "sleep", {"1000"}, ParamMatch::kPartial);
  const VrrpTrackProcess initial = Tracked("t", "sleep", {"1000", "ab"}, ParamMatch::kInitial);
  const VrrpTrackProcess none = Tracked("t", "sleep", {}, ParamMatch::kExact);
  const ProcessInfo p = Proc(1, "sleep", {"sleep", "1000", "x"});
  const ProcessInfo longer = Proc(1, "sleep", {"sleep", "1000", "x", "y"});
  const ProcessInfo bare = Proc(1, "sleep", {"sleep"});
  CHECK(ProcessMatches(exact, p));
  CHECK_FALSE(ProcessMatches(exact, longer));
  CHECK_FALSE(ProcessMatches(exact, bare));
  CHECK(ProcessMatches(partial, p));
  CHECK(ProcessMatches(partial, longer));
  CHECK_FALSE(ProcessMatches(partial, bare));
  CHECK_FALSE(ProcessMatches(partial, Proc(1, "sleep", {"sleep", "10000"})));
  CHECK(ProcessMatches(initial, Proc(1, "sleep", {"sleep", "1000", "abc"})));
  CHECK(ProcessMatches(initial, Proc(1, "sleep", {"sleep", "1000", "ab", "more"})));
  CHECK_FALSE(ProcessMatches(initial, Proc(1, "sleep", {"sleep", "1000", "a"})));
  CHECK_FALSE(ProcessMatches(initial, Proc(1, "sleep", {"sleep", "100", "abc"})));
  CHECK(ProcessMatches(none, bare));  // param_match without parameters: none at all
  CHECK_FALSE(ProcessMatches(none, p));
  CHECK_FALSE(ProcessMatches(exact, Proc(1, "sleep", {"/bin/sleep", "1000", "x"})));
}

TEST_CASE("The command line is read only when some process needs it") {
  CHECK_FALSE(ProcessTracker({Tracked("a", "nginx")}).command_line());
  VrrpTrackProcess full = Tracked("b", "nginx");
  full.full_command = true;
  CHECK(ProcessTracker({Tracked("a", "nginx"), full}).command_line());
  CHECK(ProcessTracker({Tracked("c", "sleep", {"1"}, ParamMatch::kExact)}).command_line());
}

TEST_CASE("At start the quorum is taken as it is, and an exit and a start move it at once") {
  ProcessTracker t({Tracked("nginx", "nginx"), Tracked("gone", "haproxy")});
  t.Reset(kT0, {Proc(10, "nginx"), Proc(11, "bash"), Proc(12, "nginx")}, /*initial=*/true);
  CHECK(t.up("nginx"));
  CHECK_FALSE(t.up("gone"));
  CHECK(t.TakeChanges().empty());
  CHECK(t.statuses() == std::vector<TrackedProcessStatus>{{"nginx", 2, true}, {"gone", 0, false}});

  t.OnExit(kT0, 10);
  CHECK(t.up("nginx"));  // one is left: quorum 1 holds
  t.OnExit(kT0, 12);
  CHECK_FALSE(t.up("nginx"));
  t.OnExit(kT0, 12);  // twice: nothing more
  t.OnStarted(kT0, Proc(20, "haproxy"));
  CHECK(t.up("gone"));
  CHECK(t.TakeChanges() == std::vector<std::string>{"nginx", "gone"});
  CHECK(t.TakeChanges().empty());
  CHECK_FALSE(t.up("unknown"));
}

TEST_CASE("A process that runs another program or renames itself no longer counts") {
  ProcessTracker t({Tracked("n", "nginx")});
  t.Reset(kT0, {Proc(10, "nginx")}, true);
  t.OnStarted(kT0, Proc(10, "worker"));  // exec or prctl(PR_SET_NAME)
  CHECK_FALSE(t.up("n"));
  t.OnStarted(kT0, Proc(10, "nginx"));
  CHECK(t.up("n"));
  // A fork is a copy: a second nginx.
  t.OnStarted(kT0, Proc(11, "nginx"));
  CHECK(t.statuses()[0].running == 2);
}

TEST_CASE("quorum and quorum_max bound the count") {
  VrrpTrackProcess p = Tracked("w", "worker");
  p.quorum = 2;
  p.quorum_max = 3;
  ProcessTracker t({p});
  t.Reset(kT0, {Proc(1, "worker")}, true);
  CHECK_FALSE(t.up("w"));
  t.OnStarted(kT0, Proc(2, "worker"));
  CHECK(t.up("w"));
  t.OnStarted(kT0, Proc(3, "worker"));
  CHECK(t.up("w"));
  t.OnStarted(kT0, Proc(4, "worker"));
  CHECK_FALSE(t.up("w"));  // too many
  VrrpTrackProcess never = Tracked("never", "rogue");
  never.quorum = 0;
  never.quorum_max = 0;
  ProcessTracker u({never});
  u.Reset(kT0, {}, true);
  CHECK(u.up("never"));
  u.OnStarted(kT0, Proc(9, "rogue"));
  CHECK_FALSE(u.up("never"));
}

TEST_CASE("terminate_delay: a loss counts after it, and not if the process is back first") {
  VrrpTrackProcess p = Tracked("h", "haproxy");
  p.terminate_delay = absl::Seconds(2);
  p.fork_delay = absl::Seconds(1);
  ProcessTracker t({p});
  t.Reset(kT0, {Proc(1, "haproxy")}, true);
  t.OnExit(kT0, 1);
  CHECK(t.up("h"));
  CHECK(t.NextDeadline() == kT0 + absl::Seconds(2));
  // A reload: back within the delay, nothing happened.
  t.OnStarted(kT0 + absl::Seconds(1), Proc(2, "haproxy"));
  CHECK(t.NextDeadline() == absl::InfiniteFuture());
  t.OnTimer(kT0 + absl::Seconds(3));
  CHECK(t.up("h"));
  CHECK(t.TakeChanges().empty());

  t.OnExit(kT0 + absl::Seconds(10), 2);
  t.OnTimer(kT0 + absl::Seconds(11));  // early: nothing yet
  CHECK(t.up("h"));
  t.OnTimer(kT0 + absl::Seconds(12));
  CHECK_FALSE(t.up("h"));
  CHECK(t.TakeChanges() == std::vector<std::string>{"h"});

  // fork_delay for the way back.
  t.OnStarted(kT0 + absl::Seconds(20), Proc(3, "haproxy"));
  CHECK_FALSE(t.up("h"));
  CHECK(t.NextDeadline() == kT0 + absl::Seconds(21));
  t.OnTimer(kT0 + absl::Seconds(21));
  CHECK(t.up("h"));
}

TEST_CASE("A rescan after lost events counts the differences with their delays") {
  VrrpTrackProcess p = Tracked("h", "haproxy");
  p.terminate_delay = absl::Seconds(1);
  ProcessTracker t({p, Tracked("n", "nginx")});
  t.Reset(kT0, {Proc(1, "haproxy")}, true);
  t.Reset(kT0, {Proc(5, "nginx")}, /*initial=*/false);
  CHECK(t.up("n"));
  CHECK(t.up("h"));  // waits for its terminate_delay
  t.OnTimer(kT0 + absl::Seconds(1));
  CHECK_FALSE(t.up("h"));
  CHECK(t.TakeChanges() == std::vector<std::string>{"n", "h"});
}

TEST_CASE("TrackedProcesses keeps only the processes some instance tracks") {
  config::Configuration conf;
  conf.track_processes = {Tracked("used", "a"), Tracked("unused", "b")};
  config::VrrpInstance vi;
  vi.extras.track_processes.push_back({{}, "used", std::nullopt, false});
  conf.instances.push_back(vi);
  const std::vector<VrrpTrackProcess> tracked = TrackedProcesses(conf);
  REQUIRE(tracked.size() == 1);
  CHECK(tracked[0].name == "used");
}

}  // namespace
}  // namespace vrrp::keepalived
