// The kernel's process events (ProcConnector) and /proc's process table: parsing without root
// from hand-built messages and a procfs-shaped directory, and, as root, a real child's fork,
// exec and exit seen as events.
#include "vrrp/linux/proc_connector.h"

#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "vrrp/linux/process_table.h"

namespace vrrp::os {
namespace {

// One netlink message carrying `ev`, as the kernel sends it.
std::vector<uint8_t> Message(const proc_event& ev, uint32_t idx = CN_IDX_PROC, uint32_t seq = 0,
                             uint32_t ack = 0) {
  std::vector<uint8_t> out(NLMSG_ALIGN(NLMSG_HDRLEN + sizeof(cn_msg) + sizeof(proc_event)));
  nlmsghdr nl{};
  nl.nlmsg_len = static_cast<uint32_t>(NLMSG_HDRLEN + sizeof(cn_msg) + sizeof(proc_event));
  nl.nlmsg_type = NLMSG_DONE;
  cn_msg cn{};
  cn.id.idx = idx;
  cn.id.val = CN_VAL_PROC;
  cn.len = sizeof(proc_event);
  cn.seq = seq;
  cn.ack = ack;
  std::memcpy(out.data(), &nl, sizeof(nl));
  std::memcpy(out.data() + NLMSG_HDRLEN, &cn, sizeof(cn));
  std::memcpy(out.data() + NLMSG_HDRLEN + sizeof(cn), &ev, sizeof(ev));
  return out;
}

proc_event Event(enum proc_event::what kind) {
  proc_event ev;
  std::memset(&ev, 0, sizeof(ev));
  ev.what = kind;
  return ev;
}

TEST_CASE("ParseProcEvents: fork, exec, comm and exit of whole processes") {
  proc_event fork = Event(proc_event::PROC_EVENT_FORK);
  fork.event_data.fork.child_pid = 42;
  fork.event_data.fork.child_tgid = 42;
  proc_event exec = Event(proc_event::PROC_EVENT_EXEC);
  exec.event_data.exec.process_pid = 42;
  exec.event_data.exec.process_tgid = 42;
  proc_event comm = Event(proc_event::PROC_EVENT_COMM);
  comm.event_data.comm.process_pid = 42;
  comm.event_data.comm.process_tgid = 42;
  std::strcpy(comm.event_data.comm.comm, "worker");
  proc_event exit = Event(proc_event::PROC_EVENT_EXIT);
  exit.event_data.exit.process_pid = 42;
  exit.event_data.exit.process_tgid = 42;
  std::vector<uint8_t> datagram;
  for (const proc_event& ev : {fork, exec, comm, exit}) {
    const std::vector<uint8_t> m = Message(ev);
    datagram.insert(datagram.end(), m.begin(), m.end());
  }
  CHECK(ParseProcEvents(datagram) == std::vector<ProcEvent>{{ProcEvent::Kind::kFork, 42, ""},
                                                            {ProcEvent::Kind::kExec, 42, ""},
                                                            {ProcEvent::Kind::kComm, 42, "worker"},
                                                            {ProcEvent::Kind::kExit, 42, ""}});
}

TEST_CASE("ParseProcEvents: threads, other events, other connectors and short input are skipped") {
  proc_event thread = Event(proc_event::PROC_EVENT_FORK);
  thread.event_data.fork.child_pid = 43;  // a new thread of process 42
  thread.event_data.fork.child_tgid = 42;
  proc_event thread_exit = Event(proc_event::PROC_EVENT_EXIT);
  thread_exit.event_data.exit.process_pid = 43;
  thread_exit.event_data.exit.process_tgid = 42;
  proc_event uid = Event(proc_event::PROC_EVENT_UID);
  proc_event exec = Event(proc_event::PROC_EVENT_EXEC);
  exec.event_data.exec.process_tgid = 7;
  CHECK(ParseProcEvents(Message(thread)).empty());
  CHECK(ParseProcEvents(Message(thread_exit)).empty());
  CHECK(ParseProcEvents(Message(uid)).empty());
  CHECK(ParseProcEvents(Message(exec, /*idx=*/2)).empty());
  std::vector<uint8_t> cut = Message(exec);
  for (size_t n = 0; n < cut.size(); ++n) {
    CAPTURE(n);
    CHECK(ParseProcEvents({cut.data(), n}).empty());
  }
  CHECK(ParseProcEvents(cut).size() == 1);
}

TEST_CASE("FindListenAck finds the kernel's answer to our PROC_CN_MCAST_LISTEN only") {
  proc_event ack = Event(proc_event::PROC_EVENT_NONE);
  ack.event_data.ack.err = EPERM;
  CHECK(FindListenAck(Message(ack, CN_IDX_PROC, 77, 1), 77) == uint32_t{EPERM});
  ack.event_data.ack.err = 0;
  CHECK(FindListenAck(Message(ack, CN_IDX_PROC, 77, 1), 77) == uint32_t{0});
  CHECK_FALSE(FindListenAck(Message(ack, CN_IDX_PROC, 78, 1), 77).has_value());  // another's
  proc_event exec = Event(proc_event::PROC_EVENT_EXEC);
  CHECK_FALSE(FindListenAck(Message(exec, CN_IDX_PROC, 77, 1), 77).has_value());
  CHECK_FALSE(FindListenAck({}, 77).has_value());
}

// A directory shaped like /proc for ReadProcessInfo / ScanProcesses.
struct FakeProc {
  std::string root;
  FakeProc() {
    char name[] = "/tmp/vrrp-proc-XXXXXX";
    REQUIRE(mkdtemp(name) != nullptr);
    root = name;
  }
  ~FakeProc() { std::filesystem::remove_all(root); }
  void Add(int pid, const std::string& comm, char state, const std::string& cmdline) {
    const std::string dir = root + "/" + std::to_string(pid);
    std::filesystem::create_directories(dir);
    std::ofstream(dir + "/comm") << comm << "\n";
    std::ofstream(dir + "/stat") << pid << " (" << comm << ") " << state << " 1 1 1";
    std::ofstream(dir + "/cmdline") << cmdline;
  }
};

TEST_CASE("ReadProcessInfo and ScanProcesses read comm and cmdline and leave zombies out") {
  FakeProc proc;
  proc.Add(30, "sleep", 'S',
           std::string("sleep\0"
                       "1000\0",
                       11));
  proc.Add(7, "a) (odd", 'R', std::string("/bin/odd\0", 9));
  proc.Add(31, "defunct", 'Z', "");
  std::filesystem::create_directories(proc.root + "/self");  // not a pid
  CHECK(ReadProcessInfo(30, true, proc.root) == ProcessInfo{30, "sleep", {"sleep", "1000"}});
  CHECK(ReadProcessInfo(30, false, proc.root) == ProcessInfo{30, "sleep", {}});
  CHECK_FALSE(ReadProcessInfo(31, true, proc.root).has_value());
  CHECK_FALSE(ReadProcessInfo(99, true, proc.root).has_value());
  CHECK(ScanProcesses(true, proc.root) ==
        std::vector<ProcessInfo>{{7, "a) (odd", {"/bin/odd"}}, {30, "sleep", {"sleep", "1000"}}});
}

TEST_CASE("ReadProcessInfo reads this very process from the real /proc") {
  std::optional<ProcessInfo> self = ReadProcessInfo(getpid(), true);
  REQUIRE(self.has_value());
  CHECK_FALSE(self->comm.empty());
  REQUIRE_FALSE(self->argv.empty());
}

TEST_CASE("ProcConnector: a child's fork, exec and exit arrive as events (root)") {
  if (geteuid() != 0) {
    SUCCEED("skipped: needs root (CAP_NET_ADMIN) for the kernel's process events");
    return;
  }
  auto events = ProcConnector::Open();
  INFO(events.status().ToString());
  REQUIRE(events.ok());
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    execl("/bin/true", "true", static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  std::vector<ProcEvent> got;
  bool lost = false;
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  auto seen = [&](ProcEvent::Kind kind) {
    return std::any_of(got.begin(), got.end(),
                       [&](const ProcEvent& e) { return e.kind == kind && e.pid == child; });
  };
  while (!seen(ProcEvent::Kind::kExit) && absl::Now() < deadline) {
    REQUIRE((*events)->Read(got, lost).ok());
    absl::SleepFor(absl::Milliseconds(10));
  }
  CHECK(seen(ProcEvent::Kind::kFork));
  CHECK(seen(ProcEvent::Kind::kExec));
  CHECK(seen(ProcEvent::Kind::kExit));
}

}  // namespace
}  // namespace vrrp::os
