// ProcConnector: the kernel's process events (the netlink connector, NETLINK_CONNECTOR with
// CN_IDX_PROC: fork, exec, comm change, exit of every process), so that keepalived's
// track_process sees a process start or end when it happens instead of scanning /proc.
//
//   auto events = vrrp::os::ProcConnector::Open();
//   // when (*events)->fd() is readable:
//   std::vector<vrrp::os::ProcEvent> got;
//   bool lost = false;
//   (*events)->Read(got, lost);   // lost: the socket overflowed, scan /proc again
//
// Needs CAP_NET_ADMIN before Linux 6.6 (the kernel refuses PROC_CN_MCAST_LISTEN without it;
// 6.6 lets any process listen: measured on 6.18, user nobody gets the events). The kernel sends
// these events in the initial network namespace only: a process in another one (`ip netns
// exec`, a container) gets ECONNREFUSED. Open then opens the socket in another network
// namespace and comes back to its own: that of the nearest ancestor process outside its own
// (`ip netns exec` runs from the host's), else /proc/1's (systemd's NetworkNamespacePath=),
// the first where the kernel takes the listener. That needs CAP_SYS_ADMIN and read access to
// that process's /proc/PID/ns/net (a sandbox may deny /proc/1's). Only if none works does it
// fail, saying why. Pids are those of the initial PID namespace.
//
// The parsing is a pure function (ParseProcEvents), tested without root.
#ifndef VRRP_LINUX_PROC_CONNECTOR_H_
#define VRRP_LINUX_PROC_CONNECTOR_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "vrrp/linux/unique_fd.h"

namespace vrrp::os {

// What happened to a whole process (a thread group): events about other threads are dropped.
struct ProcEvent {
  enum class Kind : uint8_t {
    kFork,  // `pid` is a new process, a copy of its parent
    kExec,  // `pid` runs a new program
    kComm,  // `pid` changed its name (prctl(PR_SET_NAME)); `comm` is the new one
    kExit,  // `pid` ended
  };
  Kind kind = Kind::kExec;
  int pid = 0;
  std::string comm;  // kComm only

  friend bool operator==(const ProcEvent&, const ProcEvent&) = default;
};

// The events in one datagram from the connector socket (netlink messages, each a cn_msg
// carrying a proc_event). Malformed or foreign messages are skipped.
std::vector<ProcEvent> ParseProcEvents(absl::Span<const uint8_t> datagram);

// The kernel's answer to PROC_CN_MCAST_LISTEN numbered `seq` in `datagram`, if it is there: 0,
// or the errno that refused it (EPERM without CAP_NET_ADMIN, before Linux 6.6).
std::optional<uint32_t> FindListenAck(absl::Span<const uint8_t> datagram, uint32_t seq);

// Thread-safety: none. Open switches the calling thread's network namespace for a moment when
// it needs to (see above).
class ProcConnector {
 public:
  static absl::StatusOr<std::unique_ptr<ProcConnector>> Open();
  ~ProcConnector();  // tells the kernel to stop sending (PROC_CN_MCAST_IGNORE)
  ProcConnector(const ProcConnector&) = delete;
  ProcConnector& operator=(const ProcConnector&) = delete;

  int fd() const { return fd_.get(); }
  // Whether the socket had to be opened in another network namespace (see above).
  bool in_host_namespace() const { return in_host_namespace_; }

  // Appends the events waiting (non-blocking). `lost` is set when the kernel dropped some
  // (ENOBUFS: the socket's buffer was full): what runs is then only known from /proc.
  [[nodiscard]] absl::Status Read(std::vector<ProcEvent>& out, bool& lost);

 private:
  ProcConnector(UniqueFd fd, bool in_host_namespace)
      : fd_(std::move(fd)), in_host_namespace_(in_host_namespace) {}

  UniqueFd fd_;
  bool in_host_namespace_ = false;
};

}  // namespace vrrp::os

#endif  // VRRP_LINUX_PROC_CONNECTOR_H_
