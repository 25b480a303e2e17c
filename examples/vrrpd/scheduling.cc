#include "scheduling.h"

#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "fmt/format.h"

namespace vrrpd {
namespace {

// "EPERM (Operation not permitted)": the name to search for, the text to read.
std::string ErrnoText(int error) {
  const char* name = strerrorname_np(error);
  return fmt::format("{} ({})", name != nullptr ? name : fmt::format("errno {}", error),
                     std::strerror(error));
}

// What the SIGXCPU handler may touch: a lock-free counter and a message formatted beforehand.
std::atomic<int> rttime_warnings{0};
static_assert(std::atomic<int>::is_always_lock_free);
char sigxcpu_message[200];
size_t sigxcpu_message_size = 0;

extern "C" void OnSigxcpu(int) {
  const int saved_errno = errno;
  rttime_warnings.fetch_add(1, std::memory_order_relaxed);
  (void)!write(STDERR_FILENO, sigxcpu_message, sigxcpu_message_size);
  errno = saved_errno;
}

class ProcessSystem final : public SchedulingSystem {
 public:
  int SetNice(int nice) override { return setpriority(PRIO_PROCESS, 0, nice) == 0 ? 0 : errno; }

  int SetRealtime(int priority) override {
    sched_param param{};
    param.sched_priority = priority;
    return sched_setscheduler(0, SCHED_RR | SCHED_RESET_ON_FORK, &param) == 0 ? 0 : errno;
  }

  int SetNormal() override {
    sched_param param{};
    return sched_setscheduler(0, SCHED_OTHER | SCHED_RESET_ON_FORK, &param) == 0 ? 0 : errno;
  }

  int SetResetOnFork() override {
    const int policy = sched_getscheduler(0);
    sched_param param{};
    if (policy < 0 || sched_getparam(0, &param) != 0) return errno;
    return sched_setscheduler(0, policy | SCHED_RESET_ON_FORK, &param) == 0 ? 0 : errno;
  }

  int SetRtTimeLimit(int64_t soft_us, int64_t hard_us) override {
    // SIGXCPU's default action kills the process (with a core): at the soft limit it must be
    // only the warning keepalived makes it.
    const auto end =
        fmt::format_to_n(sigxcpu_message, sizeof(sigxcpu_message) - 1,
                         "vrrpd: SIGXCPU: {} us of realtime CPU time without blocking; at {} us "
                         "(vrrp_rlimit_rttime) the kernel kills vrrpd\n",
                         soft_us, hard_us);
    sigxcpu_message_size = std::min(end.size, sizeof(sigxcpu_message) - 1);
    struct sigaction action {};
    action.sa_handler = OnSigxcpu;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    if (sigaction(SIGXCPU, &action, nullptr) != 0) return errno;
    rlimit limit{};
    limit.rlim_cur = static_cast<rlim_t>(soft_us);
    limit.rlim_max = static_cast<rlim_t>(hard_us);
    return setrlimit(RLIMIT_RTTIME, &limit) == 0 ? 0 : errno;
  }

  int LockMemory(bool future) override {
    return mlockall(MCL_CURRENT | (future ? MCL_FUTURE : 0)) == 0 ? 0 : errno;
  }

  bool MemoryLockUnlimited() override {
    rlimit limit{};
    if (getrlimit(RLIMIT_MEMLOCK, &limit) == 0 && limit.rlim_cur == RLIM_INFINITY) return true;
    // capget(2) itself: no libcap for one bit.
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
    if (syscall(SYS_capget, &header, data) != 0) return false;
    return (data[CAP_IPC_LOCK / 32].effective & (1u << (CAP_IPC_LOCK % 32))) != 0;
  }
};

}  // namespace

SchedulingPlan SchedulingPlan::WithoutRealtime() const {
  SchedulingPlan plan = *this;
  plan.rt_priority.reset();
  plan.rttime_hard_us.reset();
  plan.rttime_soft_us = 0;
  return plan;
}

SchedulingPlan SchedulingPlan::RealtimeOnly() const {
  SchedulingPlan plan;
  plan.rt_priority = rt_priority;
  plan.rttime_hard_us = rttime_hard_us;
  plan.rttime_soft_us = rttime_soft_us;
  return plan;
}

SchedulingPlan PlanScheduling(const vrrp::config::GlobalDefs& global, size_t instances) {
  SchedulingPlan plan;
  plan.nice = global.vrrp_priority;
  plan.rt_priority = global.vrrp_rt_priority;
  if (plan.rt_priority) {
    const int64_t hard = global.vrrp_rlimit_rttime.value_or(std::max(
        kDefaultRlimitRttimeUs, kRlimitRttimePerInstanceUs * static_cast<int64_t>(instances)));
    plan.rttime_hard_us = hard;
    plan.rttime_soft_us = std::max<int64_t>(hard / 2, 1);  // a soft limit of 0 would fire at once
  }
  plan.lock_memory = global.vrrp_no_swap;
  plan.reset_on_fork = plan.nice && *plan.nice < 0;
  return plan;
}

SchedulingSystem& ProcessSchedulingSystem() {
  static ProcessSystem* const system = new ProcessSystem;
  return *system;
}

void ApplyScheduling(const SchedulingPlan& plan, SchedulingSystem& system, Logger& log) {
  if (plan.empty()) return;
  std::vector<std::string> applied;
  const auto failed = [&log](std::string_view what, std::string_view call, int error) {
    log.Warning(fmt::format("{} - {} failed: {}", what, call, ErrnoText(error)));
  };

  // Locking faults every mapped page in: done before SCHED_RR so that it does not count as
  // realtime CPU time.
  if (plan.lock_memory) {
    const bool future = system.MemoryLockUnlimited();
    const char* call = future ? "mlockall(MCL_CURRENT|MCL_FUTURE)" : "mlockall(MCL_CURRENT)";
    if (!future) {
      log.Warning(
          "vrrp_no_swap: RLIMIT_MEMLOCK is limited and CAP_IPC_LOCK is not effective: locking "
          "only the memory mapped now (MCL_FUTURE would make allocations past the limit fail)");
    }
    if (const int error = system.LockMemory(future); error != 0) {
      failed("Unable to lock process in memory", call, error);
    } else {
      applied.push_back(fmt::format("memory locked ({})", call));
    }
  }

  bool nice_applied = false;
  if (plan.nice) {
    if (const int error = system.SetNice(*plan.nice); error != 0) {
      failed(fmt::format("Unable to set process priority to {}", *plan.nice),
             "setpriority(PRIO_PROCESS)", error);
    } else {
      nice_applied = true;
      applied.push_back(fmt::format("nice {}", *plan.nice));
    }
  }

  bool realtime = false;
  if (plan.rt_priority) {
    if (const int error = system.SetRealtime(*plan.rt_priority); error != 0) {
      failed(fmt::format("Unable to set realtime priority {}", *plan.rt_priority),
             "sched_setscheduler(SCHED_RR|SCHED_RESET_ON_FORK)", error);
    } else {
      realtime = true;
      applied.push_back(
          fmt::format("SCHED_RR priority {} (not inherited by scripts)", *plan.rt_priority));
      if (plan.rttime_hard_us) {
        if (const int limit_error =
                system.SetRtTimeLimit(plan.rttime_soft_us, *plan.rttime_hard_us);
            limit_error != 0) {
          failed(fmt::format("Unable to set realtime rlimit {} us", *plan.rttime_hard_us),
                 "setrlimit(RLIMIT_RTTIME)", limit_error);
        } else {
          applied.push_back(fmt::format("RLIMIT_RTTIME {} us (SIGXCPU at {} us)",
                                        *plan.rttime_hard_us, plan.rttime_soft_us));
        }
      }
    }
  }

  // SCHED_RR already resets a child's nice; without it, a raised nice still must not pass on.
  if (plan.reset_on_fork && nice_applied && !realtime) {
    if (const int error = system.SetResetOnFork(); error != 0) {
      failed(fmt::format("Unable to keep scripts from inheriting process priority {}", *plan.nice),
             "sched_setscheduler(SCHED_RESET_ON_FORK)", error);
    }
  }

  if (applied.empty()) {
    log.Info("Process scheduling unchanged: every call failed");
  } else {
    log.Info(fmt::format("Process scheduling: {}", absl::StrJoin(applied, ", ")));
  }
}

void LeaveRealtime(SchedulingSystem& system, Logger& log) {
  if (const int error = system.SetNormal(); error != 0) {
    log.Warning(
        fmt::format("Unable to leave realtime scheduling - "
                    "sched_setscheduler(SCHED_OTHER|SCHED_RESET_ON_FORK) failed: {}",
                    ErrnoText(error)));
  }
}

int RtTimeWarnings() { return rttime_warnings.load(std::memory_order_relaxed); }

}  // namespace vrrpd
