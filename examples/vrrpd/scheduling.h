// How the vrrpd process runs, from keepalived's global_defs keywords that keep VRRP's timers
// regular under load: vrrp_priority (nice), vrrp_rt_priority (SCHED_RR), vrrp_rlimit_rttime
// (RLIMIT_RTTIME) and vrrp_no_swap (mlockall). keepalived applies them to its VRRP child; vrrpd
// to itself, in two steps, as keepalived does: memory and nice after daemonising, before the
// Daemon opens anything; realtime only once every instance has started, and not while a reload
// rebuilds them (starting 1,000 instances is a long stretch of CPU without blocking, which
// RLIMIT_RTTIME would punish):
//
//   SchedulingPlan plan = vrrpd::PlanScheduling(conf->global, conf->instances.size());
//   vrrpd::ApplyScheduling(plan.WithoutRealtime(), vrrpd::ProcessSchedulingSystem(), log);
//   ...  start the instances  ...
//   vrrpd::ApplyScheduling(plan.RealtimeOnly(), vrrpd::ProcessSchedulingSystem(), log);
//   ...  on SIGHUP: LeaveRealtime(system, log), reload, then RealtimeOnly() again
//
// What to apply is a pure function of the configuration (PlanScheduling); the system calls sit
// behind SchedulingSystem so that the decisions and the failure handling are tested without root.
// A call that fails (no CAP_SYS_NICE, no CAP_IPC_LOCK) is a warning naming the call and errno,
// never fatal: keepalived carries on too.
//
// Realtime scheduling is set with SCHED_RESET_ON_FORK: the scripts and notify commands vrrpd
// forks start as SCHED_OTHER with a nice value of 0, so a busy check cannot starve the process
// that sends the advertisements; a negative vrrp_priority alone gets the same flag. Memory
// locks are never inherited by a fork.
//
// The policy and the nice value are per thread on Linux: ApplyScheduling sets the calling
// thread's, so it runs before any other thread exists (they inherit it); call it once.
// RLIMIT_RTTIME counts the CPU time used without blocking, and vrrpd's start of its instances
// runs under it (measured: up to about 0.3 ms per instance): see README.md for sizing it.
// A reload applies a changed vrrp_rt_priority / vrrp_rlimit_rttime; nice and the memory lock need
// a restart.
#ifndef VRRPD_SCHEDULING_H_
#define VRRPD_SCHEDULING_H_

#include <cstdint>
#include <optional>
#include <string>

#include "logger.h"
#include "vrrp/config/config.h"

namespace vrrpd {

// keepalived's RT_RLIMIT_DEFAULT: the RLIMIT_RTTIME it sets when vrrp_rt_priority is given
// without vrrp_rlimit_rttime.
inline constexpr int64_t kDefaultRlimitRttimeUs = 10000;
// Our default grows with the instances, beyond keepalived's: every instance's advertisement can
// fall due at the same instant, and sending 1,000 of them is one stretch of CPU without
// blocking that a fixed 10 ms would end with SIGKILL. 100 us per instance is several times what
// one advertisement costs (docs/performance.md).
inline constexpr int64_t kRlimitRttimePerInstanceUs = 100;

struct SchedulingPlan {
  std::optional<int> nice;         // setpriority(PRIO_PROCESS, 0, nice)
  std::optional<int> rt_priority;  // sched_setscheduler(0, SCHED_RR | SCHED_RESET_ON_FORK, ...)
  // RLIMIT_RTTIME, only with rt_priority, as keepalived sets it: at the soft limit (half the
  // hard one) the kernel sends SIGXCPU, a warning; at the hard limit of CPU time without a
  // blocking system call, SIGKILL.
  std::optional<int64_t> rttime_hard_us;
  int64_t rttime_soft_us = 0;
  bool lock_memory = false;  // mlockall(MCL_CURRENT | MCL_FUTURE)
  // A raised (negative) nice: when SCHED_RR is not asked for or does not take,
  // SCHED_RESET_ON_FORK on the current policy, so that forked scripts still start at nice 0
  // (keepalived resets its children's priority too).
  bool reset_on_fork = false;

  bool empty() const { return !nice && !rt_priority && !lock_memory; }
  // The plan less SCHED_RR and its limit: what to apply before the instances start.
  SchedulingPlan WithoutRealtime() const;
  // SCHED_RR and its limit alone: what to apply once they run.
  SchedulingPlan RealtimeOnly() const;
  friend bool operator==(const SchedulingPlan&, const SchedulingPlan&) = default;
};

// What `global` asks for; empty when it sets none of the keywords (the process stays as
// started). `instances` sizes the default RLIMIT_RTTIME (kRlimitRttimePerInstanceUs).
SchedulingPlan PlanScheduling(const vrrp::config::GlobalDefs& global, size_t instances = 0);

// The system calls ApplyScheduling makes. Each returns 0 or the errno value it failed with.
class SchedulingSystem {
 public:
  virtual ~SchedulingSystem() = default;
  virtual int SetNice(int nice) = 0;
  // SCHED_RR | SCHED_RESET_ON_FORK at `priority`.
  virtual int SetRealtime(int priority) = 0;
  // Back to SCHED_OTHER | SCHED_RESET_ON_FORK (the nice value stays).
  virtual int SetNormal() = 0;
  // The current policy and priority, with SCHED_RESET_ON_FORK added.
  virtual int SetResetOnFork() = 0;
  // Installs the SIGXCPU handler (see RtTimeWarnings), then setrlimit(RLIMIT_RTTIME).
  virtual int SetRtTimeLimit(int64_t soft_us, int64_t hard_us) = 0;
  // mlockall(MCL_CURRENT), with MCL_FUTURE when `future`.
  virtual int LockMemory(bool future) = 0;
  // True when locked memory has no limit for this process: RLIMIT_MEMLOCK is unlimited or
  // CAP_IPC_LOCK is effective. Otherwise MCL_FUTURE would make every allocation past the
  // limit fail (mmap and brk return EAGAIN), which would crash the daemon later.
  virtual bool MemoryLockUnlimited() = 0;
};

// The real calls on the calling process.
SchedulingSystem& ProcessSchedulingSystem();

// Applies `plan` through `system` in the order that keeps realtime CPU time low: memory first
// (locking faults every page in), then nice, then SCHED_RR, then its RLIMIT_RTTIME (only when
// SCHED_RR took). Logs one info line of what took effect (keepalived's wording, "Set realtime
// priority 50..."), and a warning per failed call. Logs nothing for an empty plan.
void ApplyScheduling(const SchedulingPlan& plan, SchedulingSystem& system, Logger& log);

// Leaves SCHED_RR for SCHED_OTHER, before a reload (a warning if that fails).
void LeaveRealtime(SchedulingSystem& system, Logger& log);

// How many SIGXCPU the process received: each one means it ran half its vrrp_rlimit_rttime
// without blocking (the handler also writes a line to stderr, all a signal handler can do).
int RtTimeWarnings();

}  // namespace vrrpd

#endif  // VRRPD_SCHEDULING_H_
