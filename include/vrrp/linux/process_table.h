// What /proc says about running processes, for keepalived's track_process: a process's name
// (/proc/PID/comm, what `pgrep NAME` matches) and, when asked, its command line
// (/proc/PID/cmdline, what `pgrep -f` matches). Zombies are not running and are left out, as
// keepalived leaves them out.
//
//   std::vector<vrrp::os::ProcessInfo> all = vrrp::os::ScanProcesses(/*command_line=*/true);
//   std::optional<vrrp::os::ProcessInfo> p = vrrp::os::ReadProcessInfo(pid, true);
#ifndef VRRP_LINUX_PROCESS_TABLE_H_
#define VRRP_LINUX_PROCESS_TABLE_H_

#include <optional>
#include <string>
#include <vector>

namespace vrrp::os {

struct ProcessInfo {
  int pid = 0;
  std::string comm;               // at most 15 characters: the kernel truncates longer names
  std::vector<std::string> argv;  // empty unless asked for (and for kernel threads)

  friend bool operator==(const ProcessInfo&, const ProcessInfo&) = default;
};

// nullopt when the process is gone, a zombie, or cannot be read. `proc` is the procfs root
// (tests give a directory of their own).
std::optional<ProcessInfo> ReadProcessInfo(int pid, bool command_line,
                                           const std::string& proc = "/proc");

// Every process running now, by increasing pid.
std::vector<ProcessInfo> ScanProcesses(bool command_line, const std::string& proc = "/proc");

}  // namespace vrrp::os

#endif  // VRRP_LINUX_PROCESS_TABLE_H_
