#include "system/netns.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>

#include "fmt/format.h"

namespace vrrp::test {
namespace {

constexpr std::string_view kPrefix = "vrrpt-";
constexpr const char* kNetnsDir = "/run/netns";

bool HasEffectiveCapabilities(std::initializer_list<int> capabilities) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("CapEff:", 0) != 0) continue;
    const unsigned long long effective = std::strtoull(line.c_str() + 7, nullptr, 16);
    for (int capability : capabilities) {
      if ((effective & (1ULL << capability)) == 0) return false;
    }
    return true;
  }
  return false;
}

// Deletes namespaces named vrrpt-<pid>-<n> whose test process is gone.
void RemoveStaleNamespaces() {
  DIR* dir = opendir(kNetnsDir);
  if (dir == nullptr) return;
  std::vector<std::string> stale;
  while (dirent* entry = readdir(dir)) {
    std::string_view name(entry->d_name);
    if (name.substr(0, kPrefix.size()) != kPrefix) continue;
    const long pid = std::strtol(entry->d_name + kPrefix.size(), nullptr, 10);
    if (pid <= 0 || pid == getpid()) continue;
    if (kill(static_cast<pid_t>(pid), 0) < 0 && errno == ESRCH) stale.emplace_back(name);
  }
  closedir(dir);
  for (const std::string& name : stale) {
    RunOnHost(fmt::format("ip netns pids {0} | xargs -r kill -9; ip netns del {0}", name));
  }
}

// Kills a process group: SIGTERM, a short grace, then SIGKILL; reaps the leader.
void KillGroup(pid_t pid) {
  if (kill(-pid, SIGTERM) < 0 && errno == ESRCH) {
    waitpid(pid, nullptr, WNOHANG);
    return;
  }
  for (int i = 0; i < 50; ++i) {
    if (waitpid(pid, nullptr, WNOHANG) == pid) {
      kill(-pid, SIGKILL);  // the rest of the group, if any
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(-pid, SIGKILL);
  waitpid(pid, nullptr, 0);
}

}  // namespace

bool IsRoot() { return geteuid() == 0 && HasEffectiveCapabilities({CAP_NET_ADMIN, CAP_SYS_ADMIN}); }

std::string ShellQuote(std::string_view text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  quoted += '\'';
  return quoted;
}

CommandResult RunOnHost(std::string_view command) {
  CommandResult result;
  std::string full = fmt::format("{} 2>&1", command);
  FILE* pipe = popen(full.c_str(), "r");
  if (pipe == nullptr) {
    result.output = fmt::format("popen failed: {}", std::strerror(errno));
    return result;
  }
  char buffer[4096];
  size_t n = 0;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) result.output.append(buffer, n);
  const int status = pclose(pipe);
  result.exit_code = (status >= 0 && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
  return result;
}

absl::Status DropEffectiveCapability(int capability) {
  __user_cap_header_struct header{};
  header.version = _LINUX_CAPABILITY_VERSION_3;
  header.pid = 0;  // the calling thread
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (syscall(SYS_capget, &header, data) < 0) {
    return absl::InternalError(fmt::format("capget: {}", std::strerror(errno)));
  }
  data[capability / 32].effective &= ~(1U << (capability % 32));
  if (syscall(SYS_capset, &header, data) < 0) {
    return absl::InternalError(fmt::format("capset: {}", std::strerror(errno)));
  }
  return absl::OkStatus();
}

bool UnprivilegedBpfDisabled() {
  std::ifstream in("/proc/sys/kernel/unprivileged_bpf_disabled");
  int value = 0;
  return in >> value && value != 0;
}

absl::StatusOr<std::unique_ptr<Netns>> Netns::Create() {
  static std::once_flag cleaned;
  std::call_once(cleaned, RemoveStaleNamespaces);
  static std::atomic<int> counter{0};
  std::string name = fmt::format("{}{}-{}", kPrefix, getpid(), counter++);
  CommandResult added = RunOnHost(fmt::format("ip netns add {}", name));
  if (added.exit_code != 0) {
    return absl::InternalError(fmt::format("ip netns add {}: {}", name, added.output));
  }
  // From here the destructor cleans up, whatever fails next.
  std::unique_ptr<Netns> netns(new Netns(name));
  if (absl::Status up = netns->Check("ip link set lo up"); !up.ok()) return up;
  return netns;
}

Netns::~Netns() {
  for (pid_t pid : spawned_) KillGroup(pid);
  // Anything else still inside (started by a command that daemonised) would keep it alive.
  // (Never this process: it is listed if its main thread ever joined the namespace.)
  RunOnHost(fmt::format("ip netns pids {} | grep -vx {} | xargs -r kill -9", name_, getpid()));
  RunOnHost(fmt::format("ip netns del {}", name_));
}

CommandResult Netns::Run(std::string_view command) const {
  return RunOnHost(fmt::format("ip netns exec {} sh -c {}", name_, ShellQuote(command)));
}

absl::Status Netns::Check(std::string_view command) const {
  CommandResult result = Run(command);
  if (result.exit_code == 0) return absl::OkStatus();
  return absl::InternalError(fmt::format("in netns {}: `{}` exited {}: {}", name_, command,
                                         result.exit_code, result.output));
}

absl::StatusOr<pid_t> Netns::Spawn(std::string_view command, std::string_view log_path) {
  const std::string log = log_path.empty() ? "/dev/null" : std::string(log_path);
  const std::string name = name_;
  const std::string shell_command(command);
  const pid_t pid = fork();
  if (pid < 0) return absl::InternalError(fmt::format("fork: {}", std::strerror(errno)));
  if (pid == 0) {
    setpgid(0, 0);
    const int out = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (out >= 0) {
      dup2(out, STDOUT_FILENO);
      dup2(out, STDERR_FILENO);
    }
    execlp("ip", "ip", "netns", "exec", name.c_str(), "sh", "-c", shell_command.c_str(),
           static_cast<char*>(nullptr));
    _exit(127);
  }
  setpgid(pid, pid);  // also from here, so a kill right after Spawn() reaches the group
  spawned_.push_back(pid);
  return pid;
}

absl::Status Netns::Inside(const std::function<void()>& function) const {
  const std::string path = fmt::format("{}/{}", kNetnsDir, name_);
  absl::Status entered = absl::OkStatus();
  std::exception_ptr thrown;
  std::thread thread([&] {
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      entered = absl::InternalError(fmt::format("open {}: {}", path, std::strerror(errno)));
      return;
    }
    const int joined = setns(fd, CLONE_NEWNET);
    const int error = errno;
    close(fd);
    if (joined < 0) {
      entered = absl::InternalError(fmt::format("setns {}: {}", path, std::strerror(error)));
      return;
    }
    try {
      function();
    } catch (...) {
      thrown = std::current_exception();
    }
  });
  thread.join();
  if (thrown) std::rethrow_exception(thrown);
  return entered;
}

absl::Status Netns::AddVeth(std::string_view here, std::string_view there,
                            const Netns* peer) const {
  const Netns& other = peer != nullptr ? *peer : *this;
  CommandResult added = RunOnHost(fmt::format(
      "ip -n {} link add {} type veth peer name {} netns {}", name_, here, there, other.name_));
  if (added.exit_code != 0) {
    return absl::InternalError(
        fmt::format("veth {} ({}) - {} ({}): {}", here, name_, there, other.name_, added.output));
  }
  if (absl::Status up = Check(fmt::format("ip link set {} up", here)); !up.ok()) return up;
  return other.Check(fmt::format("ip link set {} up", there));
}

absl::Status Netns::AddBridge(std::string_view bridge) const {
  return Check(
      fmt::format("ip link add {0} type bridge mcast_snooping 0 && ip link set {0} up", bridge));
}

absl::StatusOr<LinkedPair> LinkedPair::Create() {
  LinkedPair pair;
  for (std::unique_ptr<Netns>* ns : {&pair.a, &pair.b}) {
    absl::StatusOr<std::unique_ptr<Netns>> created = Netns::Create();
    if (!created.ok()) return created.status();
    *ns = *std::move(created);
    absl::Status dad = (*ns)->Check(
        "sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0");
    if (!dad.ok()) return dad;
  }
  if (absl::Status s = pair.a->AddVeth("a0", "b0", pair.b.get()); !s.ok()) return s;
  if (absl::Status s =
          pair.a->Check("ip addr add 192.0.2.5/24 dev a0 && ip addr add 2001:db8::5/64 dev a0");
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          pair.b->Check("ip addr add 192.0.2.6/24 dev b0 && ip addr add 2001:db8::6/64 dev b0");
      !s.ok()) {
    return s;
  }
  return pair;
}

absl::StatusOr<std::unique_ptr<Lan>> Lan::Create() {
  absl::StatusOr<std::unique_ptr<Netns>> netns = Netns::Create();
  if (!netns.ok()) return netns.status();
  if (absl::Status bridge = (*netns)->AddBridge("br0"); !bridge.ok()) return bridge;
  return std::unique_ptr<Lan>(new Lan(*std::move(netns)));
}

absl::Status Lan::Connect(const Netns& host, std::string_view interface) {
  const std::string port = fmt::format("p{}", ports_++);
  if (absl::Status veth = netns_->AddVeth(port, interface, &host); !veth.ok()) return veth;
  return netns_->Check(fmt::format("ip link set {} master br0", port));
}

}  // namespace vrrp::test
