#include "vrrp/linux/process_table.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "fmt/format.h"

namespace vrrp::os {
namespace {

// A whole small file: procfs files have no size to stat.
std::optional<std::string> Slurp(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string text;
  char buf[4096];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof(buf));
    if (n <= 0) {
      close(fd);
      if (n < 0) return std::nullopt;
      return text;
    }
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > (1 << 20)) break;  // a command line this long is cut here
  }
  close(fd);
  return text;
}

// The state letter of /proc/PID/stat: after the name in parentheses, which may itself hold
// spaces and parentheses, hence the last ')'.
char StateOf(const std::string& stat) {
  const size_t close_paren = stat.rfind(')');
  if (close_paren == std::string::npos || close_paren + 2 >= stat.size()) return '?';
  return stat[close_paren + 2];
}

}  // namespace

std::optional<ProcessInfo> ReadProcessInfo(int pid, bool command_line, const std::string& proc) {
  const std::string dir = fmt::format("{}/{}/", proc, pid);
  std::optional<std::string> stat = Slurp(dir + "stat");
  if (!stat || StateOf(*stat) == 'Z' || StateOf(*stat) == 'X') return std::nullopt;
  std::optional<std::string> comm = Slurp(dir + "comm");
  if (!comm) return std::nullopt;
  if (!comm->empty() && comm->back() == '\n') comm->pop_back();
  ProcessInfo info{pid, std::move(*comm), {}};
  if (command_line) {
    std::optional<std::string> cmdline = Slurp(dir + "cmdline");
    if (!cmdline) return std::nullopt;
    // NUL-separated words, the last one NUL-terminated.
    size_t start = 0;
    while (start < cmdline->size()) {
      size_t end = cmdline->find('\0', start);
      if (end == std::string::npos) end = cmdline->size();
      info.argv.push_back(cmdline->substr(start, end - start));
      start = end + 1;
    }
  }
  return info;
}

std::vector<ProcessInfo> ScanProcesses(bool command_line, const std::string& proc) {
  std::vector<int> pids;
  if (DIR* d = opendir(proc.c_str())) {
    while (dirent* e = readdir(d)) {
      char* end = nullptr;
      const long pid = std::strtol(e->d_name, &end, 10);
      if (pid > 0 && end != nullptr && *end == '\0') pids.push_back(static_cast<int>(pid));
    }
    closedir(d);
  }
  std::sort(pids.begin(), pids.end());
  std::vector<ProcessInfo> out;
  for (int pid : pids) {
    if (std::optional<ProcessInfo> p = ReadProcessInfo(pid, command_line, proc)) {
      out.push_back(std::move(*p));
    }
  }
  return out;
}

}  // namespace vrrp::os
