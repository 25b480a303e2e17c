// global_defs → process scheduling: the plan (pure), what ApplyScheduling calls and logs with
// system calls that succeed or fail (a fake, so no root is needed), and once for real in a
// forked child.
#include "scheduling.h"

#include <sched.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <map>
#include <string>
#include <vector>

#include "fmt/format.h"

namespace vrrpd {
namespace {

using Level = Logger::Level;

// Records every call; a call named in `errors` fails with that errno.
class FakeSystem final : public SchedulingSystem {
 public:
  std::vector<std::string> calls;
  std::map<std::string, int> errors;
  bool memlock_unlimited = true;

  int SetNice(int nice) override { return Call(fmt::format("setpriority {}", nice)); }
  int SetRealtime(int priority) override { return Call(fmt::format("sched_rr {}", priority)); }
  int SetNormal() override { return Call("sched_other"); }
  int SetResetOnFork() override { return Call("reset_on_fork"); }
  int SetRtTimeLimit(int64_t soft_us, int64_t hard_us) override {
    return Call(fmt::format("rlimit_rttime {}/{}", soft_us, hard_us));
  }
  int LockMemory(bool future) override {
    return Call(future ? "mlockall current|future" : "mlockall current");
  }
  bool MemoryLockUnlimited() override { return memlock_unlimited; }

 private:
  int Call(const std::string& call) {
    calls.push_back(call);
    auto it = errors.find(call.substr(0, call.find(' ')));
    return it == errors.end() ? 0 : it->second;
  }
};

struct Lines {
  std::vector<std::string> info, warnings;
};

Lines Apply(const SchedulingPlan& plan, FakeSystem& system) {
  Lines lines;
  Logger log(Logger::Sink::kCallback, false, [&lines](Level level, std::string_view text) {
    (level == Level::kWarning ? lines.warnings : lines.info).emplace_back(text);
  });
  ApplyScheduling(plan, system, log);
  return lines;
}

vrrp::config::GlobalDefs Global(std::optional<int> nice, std::optional<int> rt,
                                std::optional<int64_t> rttime, bool no_swap) {
  vrrp::config::GlobalDefs g;
  g.vrrp_priority = nice;
  g.vrrp_rt_priority = rt;
  g.vrrp_rlimit_rttime = rttime;
  g.vrrp_no_swap = no_swap;
  return g;
}

TEST_CASE("scheduling plan: nothing configured changes nothing") {
  const SchedulingPlan plan = PlanScheduling(vrrp::config::GlobalDefs{});
  CHECK(plan.empty());
  CHECK(plan == SchedulingPlan{});
  FakeSystem system;
  const Lines lines = Apply(plan, system);
  CHECK(system.calls.empty());
  CHECK(lines.info.empty());
  CHECK(lines.warnings.empty());
}

TEST_CASE("scheduling plan: keepalived's RLIMIT_RTTIME default, only with realtime") {
  // vrrp_rt_priority alone: 10000 us, SIGXCPU at half of it.
  SchedulingPlan plan = PlanScheduling(Global(std::nullopt, 50, std::nullopt, false));
  CHECK(plan.rt_priority == 50);
  CHECK(plan.rttime_hard_us == kDefaultRlimitRttimeUs);
  CHECK(plan.rttime_soft_us == 5000);
  CHECK_FALSE(plan.nice.has_value());
  CHECK_FALSE(plan.lock_memory);
  CHECK_FALSE(plan.reset_on_fork);
  // A given limit; the smallest one still has a soft limit that is not 0.
  plan = PlanScheduling(Global(std::nullopt, 1, 25001, false));
  CHECK(plan.rttime_hard_us == 25001);
  CHECK(plan.rttime_soft_us == 12500);
  plan = PlanScheduling(Global(std::nullopt, 99, 1, false));
  CHECK(plan.rttime_hard_us == 1);
  CHECK(plan.rttime_soft_us == 1);
  // Without realtime scheduling the limit means nothing (the parser warns about it).
  plan = PlanScheduling(Global(std::nullopt, std::nullopt, 20000, false));
  CHECK(plan.empty());
  CHECK_FALSE(plan.rttime_hard_us.has_value());
}

TEST_CASE("scheduling plan: the default RLIMIT_RTTIME grows with the instances") {
  // 1,000 advertisements can fall due at one instant: 10 ms would not cover sending them.
  CHECK(PlanScheduling(Global(std::nullopt, 50, std::nullopt, false), 50).rttime_hard_us ==
        kDefaultRlimitRttimeUs);
  CHECK(PlanScheduling(Global(std::nullopt, 50, std::nullopt, false), 1000).rttime_hard_us ==
        1000 * kRlimitRttimePerInstanceUs);
  // A limit the operator wrote stays as written.
  CHECK(PlanScheduling(Global(std::nullopt, 50, 20000, false), 1000).rttime_hard_us == 20000);
}

TEST_CASE("scheduling plan: split into what comes before the instances start and after") {
  const SchedulingPlan plan = PlanScheduling(Global(-5, 50, std::nullopt, true), 10);
  const SchedulingPlan before = plan.WithoutRealtime();
  CHECK(before.nice == -5);
  CHECK(before.lock_memory);
  CHECK(before.reset_on_fork);
  CHECK_FALSE(before.rt_priority.has_value());
  CHECK_FALSE(before.rttime_hard_us.has_value());
  const SchedulingPlan after = plan.RealtimeOnly();
  CHECK(after.rt_priority == 50);
  CHECK(after.rttime_hard_us == plan.rttime_hard_us);
  CHECK(after.rttime_soft_us == plan.rttime_soft_us);
  CHECK_FALSE(after.nice.has_value());
  CHECK_FALSE(after.lock_memory);
  // Applied one after the other: the calls of the whole plan, in its order, and the raised nice
  // kept from scripts meanwhile (SCHED_RR, which also does that, comes later).
  FakeSystem split;
  Apply(before, split);
  Apply(after, split);
  CHECK(split.calls == std::vector<std::string>{"mlockall current|future", "setpriority -5",
                                                "reset_on_fork", "sched_rr 50",
                                                "rlimit_rttime 5000/10000"});
  // Leaving realtime for a reload.
  Logger log(Logger::Sink::kCallback, false, [](Level, std::string_view) {});
  LeaveRealtime(split, log);
  CHECK(split.calls.back() == "sched_other");
}

TEST_CASE("scheduling plan: nice, memory lock, and scripts kept from a raised nice") {
  SchedulingPlan plan = PlanScheduling(Global(-5, std::nullopt, std::nullopt, true));
  CHECK(plan.nice == -5);
  CHECK(plan.lock_memory);
  CHECK(plan.reset_on_fork);  // a negative nice is not passed on to scripts
  CHECK_FALSE(plan.rt_priority.has_value());
  plan = PlanScheduling(Global(10, std::nullopt, std::nullopt, false));
  CHECK(plan.nice == 10);
  CHECK_FALSE(plan.reset_on_fork);  // a lowered priority may be
  plan = PlanScheduling(Global(0, std::nullopt, std::nullopt, false));
  CHECK_FALSE(plan.empty());
  CHECK_FALSE(plan.reset_on_fork);
}

TEST_CASE("scheduling apply: every call in order, one line of what took effect") {
  FakeSystem system;
  const Lines lines = Apply(PlanScheduling(Global(-5, 50, std::nullopt, true)), system);
  // Memory first (faulting pages in is not realtime CPU time), the limit after SCHED_RR took;
  // SCHED_RR's own reset on fork makes a second one needless.
  CHECK(system.calls == std::vector<std::string>{"mlockall current|future", "setpriority -5",
                                                 "sched_rr 50", "rlimit_rttime 5000/10000"});
  CHECK(lines.warnings.empty());
  CHECK(lines.info ==
        std::vector<std::string>{
            "Process scheduling: memory locked (mlockall(MCL_CURRENT|MCL_FUTURE)), nice -5, "
            "SCHED_RR priority 50 (not inherited by scripts), RLIMIT_RTTIME 10000 us (SIGXCPU "
            "at 5000 us)"});
}

TEST_CASE("scheduling apply: without CAP_SYS_NICE, warnings naming the call and errno") {
  FakeSystem system;
  system.errors = {{"sched_rr", EPERM}, {"setpriority", EACCES}};
  const Lines lines = Apply(PlanScheduling(Global(-5, 50, 20000, true)), system);
  // No limit without SCHED_RR, no reset on fork for a nice that did not take.
  CHECK(system.calls ==
        std::vector<std::string>{"mlockall current|future", "setpriority -5", "sched_rr 50"});
  CHECK(lines.warnings ==
        std::vector<std::string>{
            "Unable to set process priority to -5 - setpriority(PRIO_PROCESS) failed: EACCES "
            "(Permission denied)",
            "Unable to set realtime priority 50 - sched_setscheduler(SCHED_RR|SCHED_RESET_ON_FORK) "
            "failed: EPERM (Operation not permitted)"});
  CHECK(lines.info == std::vector<std::string>{
                          "Process scheduling: memory locked (mlockall(MCL_CURRENT|MCL_FUTURE))"});
}

TEST_CASE("scheduling apply: a nice that took is kept from scripts when SCHED_RR did not") {
  FakeSystem system;
  system.errors = {{"sched_rr", EPERM}};
  Lines lines = Apply(PlanScheduling(Global(-5, 50, std::nullopt, false)), system);
  CHECK(system.calls == std::vector<std::string>{"setpriority -5", "sched_rr 50", "reset_on_fork"});
  CHECK(lines.warnings.size() == 1);
  CHECK(lines.info == std::vector<std::string>{"Process scheduling: nice -5"});

  // Nice alone; its reset on fork failing is a warning too.
  system = FakeSystem{};
  system.errors = {{"reset_on_fork", EPERM}};
  lines = Apply(PlanScheduling(Global(-3, std::nullopt, std::nullopt, false)), system);
  CHECK(system.calls == std::vector<std::string>{"setpriority -3", "reset_on_fork"});
  CHECK(lines.warnings ==
        std::vector<std::string>{
            "Unable to keep scripts from inheriting process priority -3 - "
            "sched_setscheduler(SCHED_RESET_ON_FORK) failed: EPERM (Operation not permitted)"});
  CHECK(lines.info == std::vector<std::string>{"Process scheduling: nice -3"});
}

TEST_CASE("scheduling apply: a failed rlimit, a failed lock, and nothing that took") {
  FakeSystem system;
  system.errors = {{"rlimit_rttime", EPERM}, {"mlockall", ENOMEM}};
  Lines lines = Apply(PlanScheduling(Global(std::nullopt, 10, 4000, true)), system);
  CHECK(lines.warnings ==
        std::vector<std::string>{
            "Unable to lock process in memory - mlockall(MCL_CURRENT|MCL_FUTURE) failed: ENOMEM "
            "(Cannot allocate memory)",
            "Unable to set realtime rlimit 4000 us - setrlimit(RLIMIT_RTTIME) failed: EPERM "
            "(Operation not permitted)"});
  CHECK(lines.info == std::vector<std::string>{
                          "Process scheduling: SCHED_RR priority 10 (not inherited by scripts)"});

  system = FakeSystem{};
  system.errors = {{"sched_rr", EPERM}, {"mlockall", ENOMEM}};
  lines = Apply(PlanScheduling(Global(std::nullopt, 10, std::nullopt, true)), system);
  CHECK(lines.warnings.size() == 2);
  CHECK(lines.info == std::vector<std::string>{"Process scheduling unchanged: every call failed"});
}

TEST_CASE("scheduling apply: a memlock limit without CAP_IPC_LOCK locks current memory only") {
  // MCL_FUTURE would turn every allocation past RLIMIT_MEMLOCK into a failure later on.
  FakeSystem system;
  system.memlock_unlimited = false;
  const Lines lines =
      Apply(PlanScheduling(Global(std::nullopt, std::nullopt, std::nullopt, true)), system);
  CHECK(system.calls == std::vector<std::string>{"mlockall current"});
  REQUIRE(lines.warnings.size() == 1);
  CHECK_THAT(lines.warnings[0], Catch::StartsWith("vrrp_no_swap: RLIMIT_MEMLOCK is limited and "
                                                  "CAP_IPC_LOCK is not effective"));
  CHECK(lines.info ==
        std::vector<std::string>{"Process scheduling: memory locked (mlockall(MCL_CURRENT))"});
}

TEST_CASE("scheduling apply: the real calls, in a forked child") {
  // Root gets SCHED_RR and a raised nice; anyone else a lowered nice and a warning for SCHED_RR
  // (unless RLIMIT_RTPRIO allows it). Either way the child's state is what the log says.
  const bool root = geteuid() == 0;
  const int nice = root ? -3 : 7;
  int report[2];
  REQUIRE(pipe(report) == 0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(report[0]);
    std::string out;
    Logger log(Logger::Sink::kCallback, false, [&out](Level level, std::string_view text) {
      out += fmt::format("{} {}\n", level == Level::kWarning ? "W" : "I", text);
    });
    ApplyScheduling(PlanScheduling(Global(nice, 1, 40000, false)), ProcessSchedulingSystem(), log);
    rlimit limit{};
    getrlimit(RLIMIT_RTTIME, &limit);
    errno = 0;
    const int now_nice = getpriority(PRIO_PROCESS, 0);
    sched_param param{};
    sched_getparam(0, &param);
    out += fmt::format("nice={} policy={} priority={} rttime={}/{}\n", now_nice,
                       sched_getscheduler(0), param.sched_priority,
                       limit.rlim_cur == RLIM_INFINITY ? -1 : static_cast<int64_t>(limit.rlim_cur),
                       limit.rlim_max == RLIM_INFINITY ? -1 : static_cast<int64_t>(limit.rlim_max));
    (void)!write(report[1], out.data(), out.size());
    _exit(0);
  }
  close(report[1]);
  std::string out;
  char buffer[4096];
  for (ssize_t n; (n = read(report[0], buffer, sizeof(buffer))) > 0;) out.append(buffer, n);
  close(report[0]);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  INFO(out);
  CHECK(WIFEXITED(status));
  CHECK(out.find(fmt::format("nice={} ", nice)) != std::string::npos);
  if (out.find("W Unable to set realtime priority 1 - sched_setscheduler") == std::string::npos) {
    // SCHED_RR with the reset-on-fork flag (sched_getscheduler reports it), and the limit.
    CHECK(out.find(fmt::format("policy={} priority=1 rttime=20000/40000",
                               SCHED_RR | SCHED_RESET_ON_FORK)) != std::string::npos);
    CHECK(out.find("I Process scheduling: nice") != std::string::npos);
  } else {
    CHECK_FALSE(root);
    CHECK(out.find("policy=0 priority=0 rttime=-1/-1") != std::string::npos);
  }
}

}  // namespace
}  // namespace vrrpd
