#include "vrrp/linux/proc_connector.h"

#include <fcntl.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "fmt/format.h"
#include "vrrp/linux/sys_error.h"

namespace vrrp::os {
namespace {

// PROC_CN_MCAST_LISTEN / IGNORE, as one netlink message to the connector, numbered `seq` so
// that its acknowledgement can be told from another listener's.
absl::Status SendMcastOp(int fd, proc_cn_mcast_op op, uint32_t seq = 0) {
  // Laid out by hand: cn_msg ends in a flexible array, so it cannot be a struct member.
  uint8_t message[NLMSG_HDRLEN + sizeof(cn_msg) + sizeof(op)] = {};
  nlmsghdr nl{};
  nl.nlmsg_len = sizeof(message);
  nl.nlmsg_type = NLMSG_DONE;
  cn_msg cn{};
  cn.id.idx = CN_IDX_PROC;
  cn.id.val = CN_VAL_PROC;
  cn.seq = seq;
  cn.len = sizeof(op);
  std::memcpy(message, &nl, sizeof(nl));
  std::memcpy(message + NLMSG_HDRLEN, &cn, sizeof(cn));
  std::memcpy(message + NLMSG_HDRLEN + sizeof(cn), &op, sizeof(op));
  if (send(fd, message, sizeof(message), 0) != static_cast<ssize_t>(sizeof(message))) {
    return SysError("send(PROC_CN_MCAST_LISTEN)", "proc connector");
  }
  return absl::OkStatus();
}

absl::StatusOr<UniqueFd> OpenHere() {
  UniqueFd fd(socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_CONNECTOR));
  if (!fd.valid()) return SysError("socket(NETLINK_CONNECTOR)", "proc connector");
  sockaddr_nl addr{};
  addr.nl_family = AF_NETLINK;
  addr.nl_groups = CN_IDX_PROC;
  addr.nl_pid = 0;  // the kernel picks a unique port
  if (bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) < 0) {
    return SysError("bind(CN_IDX_PROC)", "proc connector");
  }
  // Events come in bursts (a build forks thousands of processes): room for them.
  const int buffer = 4 << 20;
  (void)setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUFFORCE, &buffer, sizeof(buffer));
  // Kernels before 6.6 refuse a listener without CAP_NET_ADMIN in an acknowledgement, not in
  // send(2): wait for ours (a second at most; no answer is taken as yes).
  const uint32_t seq = static_cast<uint32_t>(getpid()) ^ 0x5652u;
  if (absl::Status s = SendMcastOp(fd.get(), PROC_CN_MCAST_LISTEN, seq); !s.ok()) return s;
  const absl::Time deadline = absl::Now() + absl::Seconds(1);
  for (;;) {
    pollfd p{fd.get(), POLLIN, 0};
    const int wait_ms = static_cast<int>(absl::ToInt64Milliseconds(deadline - absl::Now()));
    if (wait_ms <= 0 || poll(&p, 1, wait_ms) <= 0) break;
    alignas(nlmsghdr) uint8_t buf[8192];
    const ssize_t n = recv(fd.get(), buf, sizeof(buf), 0);
    if (n <= 0) continue;
    if (std::optional<uint32_t> err = FindListenAck({buf, static_cast<size_t>(n)}, seq)) {
      if (*err != 0)
        return SysError("PROC_CN_MCAST_LISTEN", "proc connector", static_cast<int>(*err));
      break;
    }
  }
  return fd;
}

// The parent of `pid` (/proc/PID/stat's fourth field), or 0.
int ParentOf(int pid) {
  UniqueFd fd(open(fmt::format("/proc/{}/stat", pid).c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return 0;
  char buf[512];
  const ssize_t n = read(fd.get(), buf, sizeof(buf) - 1);
  if (n <= 0) return 0;
  buf[n] = '\0';
  const char* close_paren = strrchr(buf, ')');  // the name may hold spaces and parentheses
  int parent = 0;
  if (close_paren == nullptr || sscanf(close_paren + 1, " %*c %d", &parent) != 1) return 0;
  return parent;
}

bool SameNamespace(int a, int b) {
  struct stat sa, sb;
  return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

// The network namespaces that may be the initial one, nearest first: those of our ancestors
// that are not ours (`ip netns exec` and a test harness start us from the host's), then
// /proc/1's (systemd's NetworkNamespacePath=). Opening another process's namespace needs
// ptrace-read access to it: a sandbox may deny /proc/1's.
std::vector<std::string> CandidateNamespaces(int ours) {
  std::vector<std::string> out;
  for (int pid = ParentOf(getpid()), hops = 0; pid > 1 && hops < 64; pid = ParentOf(pid), ++hops) {
    const std::string path = fmt::format("/proc/{}/ns/net", pid);
    UniqueFd ns(open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (ns.valid() && !SameNamespace(ns.get(), ours)) out.push_back(path);
  }
  out.push_back("/proc/1/ns/net");
  return out;
}

// Opens the socket in the first of CandidateNamespaces where the kernel takes the listener,
// then comes back to ours.
absl::StatusOr<UniqueFd> OpenInHostNamespace() {
  UniqueFd ours(open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC));
  if (!ours.valid()) return SysError("open", "/proc/self/ns/net");
  absl::Status last = absl::NotFoundError("no other network namespace");
  for (const std::string& path : CandidateNamespaces(ours.get())) {
    UniqueFd host(open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!host.valid()) {
      last = SysError("open", path);
      continue;
    }
    if (setns(host.get(), CLONE_NEWNET) < 0) {
      last = SysError("setns", path);
      continue;
    }
    absl::StatusOr<UniqueFd> fd = OpenHere();
    if (setns(ours.get(), CLONE_NEWNET) < 0) {
      // Staying in another namespace would open every later socket there: never run on so.
      return SysError("setns (back to our own network namespace)", "/proc/self/ns/net");
    }
    if (fd.ok()) return fd;
    last = fd.status();
  }
  return last;
}

// Calls `f(cn, ev)` for each process connector message of a datagram; malformed and foreign
// messages are skipped. A proc_event may be shorter than the struct (older kernels): what is
// missing reads 0.
template <typename F>
void ForEachProcMessage(absl::Span<const uint8_t> datagram, F f) {
  size_t offset = 0;
  while (offset + sizeof(nlmsghdr) <= datagram.size()) {
    nlmsghdr nl;
    std::memcpy(&nl, datagram.data() + offset, sizeof(nl));
    if (nl.nlmsg_len < sizeof(nlmsghdr) || offset + nl.nlmsg_len > datagram.size()) break;
    const uint8_t* payload = datagram.data() + offset + NLMSG_HDRLEN;
    const size_t payload_len = nl.nlmsg_len - NLMSG_HDRLEN;
    offset += NLMSG_ALIGN(nl.nlmsg_len);
    if (nl.nlmsg_type == NLMSG_NOOP || nl.nlmsg_type == NLMSG_ERROR) continue;
    if (payload_len < sizeof(cn_msg)) continue;
    cn_msg cn;
    std::memcpy(&cn, payload, sizeof(cn));
    if (cn.id.idx != CN_IDX_PROC || cn.id.val != CN_VAL_PROC) continue;
    if (cn.len < offsetof(proc_event, event_data) + sizeof(uint32_t) ||
        cn.len > payload_len - sizeof(cn_msg)) {
      continue;
    }
    proc_event ev;
    std::memset(&ev, 0, sizeof(ev));
    std::memcpy(&ev, payload + sizeof(cn_msg), std::min<size_t>(cn.len, sizeof(ev)));
    f(cn, ev);
  }
}

}  // namespace

std::optional<uint32_t> FindListenAck(absl::Span<const uint8_t> datagram, uint32_t seq) {
  std::optional<uint32_t> err;
  ForEachProcMessage(datagram, [&](const cn_msg& cn, const proc_event& ev) {
    if (!err && cn.seq == seq && cn.ack == 1 && ev.what == proc_event::PROC_EVENT_NONE) {
      err = ev.event_data.ack.err;
    }
  });
  return err;
}

std::vector<ProcEvent> ParseProcEvents(absl::Span<const uint8_t> datagram) {
  std::vector<ProcEvent> out;
  ForEachProcMessage(datagram, [&](const cn_msg&, const proc_event& ev) {
    switch (ev.what) {
      case proc_event::PROC_EVENT_FORK:
        if (ev.event_data.fork.child_pid == ev.event_data.fork.child_tgid) {
          out.push_back({ProcEvent::Kind::kFork, ev.event_data.fork.child_tgid, ""});
        }
        break;
      case proc_event::PROC_EVENT_EXEC:
        out.push_back({ProcEvent::Kind::kExec, ev.event_data.exec.process_tgid, ""});
        break;
      case proc_event::PROC_EVENT_COMM:
        // The name shown in /proc/PID/comm is the thread group leader's.
        if (ev.event_data.comm.process_pid == ev.event_data.comm.process_tgid) {
          const char* c = ev.event_data.comm.comm;
          out.push_back({ProcEvent::Kind::kComm, ev.event_data.comm.process_tgid,
                         std::string(c, strnlen(c, sizeof(ev.event_data.comm.comm)))});
        }
        break;
      case proc_event::PROC_EVENT_EXIT:
        if (ev.event_data.exit.process_pid == ev.event_data.exit.process_tgid) {
          out.push_back({ProcEvent::Kind::kExit, ev.event_data.exit.process_tgid, ""});
        }
        break;
      default:
        break;
    }
  });
  return out;
}

absl::StatusOr<std::unique_ptr<ProcConnector>> ProcConnector::Open() {
  absl::StatusOr<UniqueFd> here = OpenHere();
  if (here.ok()) return std::unique_ptr<ProcConnector>(new ProcConnector(std::move(*here), false));
  if (absl::IsPermissionDenied(here.status())) {
    return absl::PermissionDeniedError(
        fmt::format("track_process needs CAP_NET_ADMIN for the kernel's process events: {}",
                    std::string(here.status().message())));
  }
  // ECONNREFUSED: not the initial network namespace, where the kernel sends them.
  absl::StatusOr<UniqueFd> host = OpenInHostNamespace();
  if (host.ok()) return std::unique_ptr<ProcConnector>(new ProcConnector(std::move(*host), true));
  return absl::FailedPreconditionError(fmt::format(
      "the kernel's process events (track_process) are sent in the initial network namespace "
      "only: {}; opening them in an ancestor's or /proc/1's namespace (needs CAP_SYS_ADMIN) "
      "failed too: {}",
      std::string(here.status().message()), std::string(host.status().message())));
}

ProcConnector::~ProcConnector() {
  if (fd_.valid()) (void)SendMcastOp(fd_.get(), PROC_CN_MCAST_IGNORE);
}

absl::Status ProcConnector::Read(std::vector<ProcEvent>& out, bool& lost) {
  alignas(nlmsghdr) uint8_t buf[8192];
  for (;;) {
    const ssize_t n = recv(fd_.get(), buf, sizeof(buf), 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return absl::OkStatus();
      if (errno == ENOBUFS) {
        lost = true;
        continue;
      }
      return SysError("recv", "proc connector");
    }
    std::vector<ProcEvent> events = ParseProcEvents({buf, static_cast<size_t>(n)});
    out.insert(out.end(), events.begin(), events.end());
  }
}

}  // namespace vrrp::os
