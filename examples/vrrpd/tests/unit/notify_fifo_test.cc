#include "notify_fifo.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "fmt/format.h"
#include "support/process_support.h"

namespace vrrpd {
namespace {

using vrrp::test::NewLoop;
using vrrp::test::ReadFile;
using vrrp::test::TempDir;
using vrrp::test::WaitFor;
using vrrp::test::WriteFile;

struct Fixture {
  std::unique_ptr<vrrp::os::EventLoop> loop = NewLoop();
  std::vector<std::string> logs;
  TempDir dir;
  vrrp::config::NotifyFifo config;

  Fixture() { config.path = dir / "fifo"; }

  absl::StatusOr<std::unique_ptr<NotifyFifoWriter>> Open() {
    return NotifyFifoWriter::Open(*loop, config, "vrrp_notify_fifo", {},
                                  [this](const std::string& l) { logs.push_back(l); });
  }
  // What waits in the FIFO, read without blocking.
  std::string Drain() const {
    vrrp::os::UniqueFd fd(open(config.path.c_str(), O_RDONLY | O_NONBLOCK));
    REQUIRE(fd.valid());
    std::string text;
    char buffer[4096];
    for (ssize_t n; (n = read(fd.get(), buffer, sizeof(buffer))) > 0;) text.append(buffer, n);
    return text;
  }
};

TEST_CASE("vrrpd notify_fifo: keepalived's line format") {
  CHECK(NotifyFifoLine("INSTANCE", "VI_1", "MASTER", 150) == "INSTANCE \"VI_1\" MASTER 150\n");
  CHECK(NotifyFifoLine("GROUP", "G1", "BACKUP", 0) == "GROUP \"G1\" BACKUP 0\n");
}

TEST_CASE("vrrpd notify_fifo: creates a 0600 FIFO, writes lines in order, removes it at close") {
  Fixture f;
  auto writer = f.Open();
  REQUIRE(writer.ok());
  struct stat st {};
  REQUIRE(stat(f.config.path.c_str(), &st) == 0);
  CHECK(S_ISFIFO(st.st_mode));
  CHECK((st.st_mode & 0777) == 0600);
  // No reader yet: the lines wait in the pipe, and nothing blocks.
  (*writer)->Write("INSTANCE", "VI_1", "BACKUP", 100);
  (*writer)->Write("INSTANCE", "VI_1", "MASTER", 100);
  (*writer)->Write("GROUP", "G1", "MASTER", 0);
  CHECK(f.Drain() ==
        "INSTANCE \"VI_1\" BACKUP 100\nINSTANCE \"VI_1\" MASTER 100\nGROUP \"G1\" MASTER 0\n");
  CHECK((*writer)->written() == 3);
  (*writer)->Close();
  CHECK(access(f.config.path.c_str(), F_OK) != 0);
  CHECK(f.logs == std::vector<std::string>{fmt::format(
                      "vrrp_notify_fifo {}: 3 lines written, 0 dropped", f.config.path)});
  (*writer)->Write("INSTANCE", "VI_1", "STOP", 100);
  CHECK((*writer)->dropped() == 1);
}

TEST_CASE("vrrpd notify_fifo: an existing FIFO is used and left in place") {
  Fixture f;
  REQUIRE(mkfifo(f.config.path.c_str(), 0620) == 0);
  {
    auto writer = f.Open();
    REQUIRE(writer.ok());
    (*writer)->Write("INSTANCE", "VI_1", "FAULT", 90);
    CHECK(f.Drain() == "INSTANCE \"VI_1\" FAULT 90\n");
  }
  struct stat st {};
  REQUIRE(stat(f.config.path.c_str(), &st) == 0);
  CHECK(S_ISFIFO(st.st_mode));
}

TEST_CASE("vrrpd notify_fifo: a path that is not a FIFO, or cannot be made one, is refused") {
  Fixture f;
  WriteFile(f.config.path, "not a fifo");
  auto file = f.Open();
  REQUIRE_FALSE(file.ok());
  CHECK(file.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(file.status().message() ==
        fmt::format("vrrp_notify_fifo {} exists and is not a FIFO", f.config.path));
  CHECK(ReadFile(f.config.path) == "not a fifo");  // untouched

  f.config.path = f.dir / "no-such-dir/fifo";
  auto missing = f.Open();
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message() ==
        fmt::format("vrrp_notify_fifo {}: cannot create the FIFO: No such file or directory",
                    f.config.path));

  f.config.path = f.dir / "owned";
  f.config.user = "vrrpd-no-such-user";
  auto owner = f.Open();
  REQUIRE_FALSE(owner.ok());
  CHECK(owner.status().message() ==
        fmt::format("vrrp_notify_fifo {}: unknown user 'vrrpd-no-such-user'", f.config.path));
  CHECK(access(f.config.path.c_str(), F_OK) != 0);  // what it created for nothing is gone
}

TEST_CASE("vrrpd notify_fifo: a full FIFO drops the line with a log line naming it") {
  Fixture f;
  auto writer = f.Open();
  REQUIRE(writer.ok());
  // Nobody reads: a pipe holds 64 KiB, about 2,300 of these lines. Never blocks.
  for (int i = 0; i < 5000; ++i) (*writer)->Write("INSTANCE", "VI_1", "MASTER", i % 256);
  CHECK((*writer)->written() > 0);
  CHECK((*writer)->dropped() > 0);
  CHECK((*writer)->written() + (*writer)->dropped() == 5000);
  REQUIRE_FALSE(f.logs.empty());
  CHECK_THAT(f.logs[0],
             Catch::StartsWith(fmt::format(
                 "vrrp_notify_fifo {}: dropped 'INSTANCE \"VI_1\" MASTER ", f.config.path)));
  CHECK_THAT(f.logs[0],
             Catch::EndsWith("': the FIFO is full (its reader is not reading) (1 dropped so far)"));
  // Whole lines only: the reader gets each line that fitted, complete.
  const std::string text = f.Drain();
  CHECK(static_cast<uint64_t>(std::count(text.begin(), text.end(), '\n')) == (*writer)->written());
  CHECK(text.back() == '\n');
}

TEST_CASE("vrrpd notify_fifo: the script reads the FIFO, gets SIGTERM and its end at close") {
  Fixture f;
  // It ignores SIGTERM and reads on to the end, as keepalived's sample reader does. It says
  // "start" once it has the FIFO open.
  f.config.script = vrrp::config::Command{
      {},
      fmt::format("trap '' TERM; exec 3< \"$1\"; echo \"start $1\" > {0}; cat <&3 > {1}; "
                  "echo end >> {0}",
                  f.dir / "reader.out", f.dir / "lines"),
      "",
      ""};
  auto writer = f.Open();
  REQUIRE(writer.ok());
  CHECK((*writer)->reader_running());
  REQUIRE(WaitFor(*f.loop, [&] { return !ReadFile(f.dir / "reader.out").empty(); }));
  (*writer)->Write("INSTANCE", "VI_1", "MASTER", 150);
  (*writer)->Write("INSTANCE", "VI_1", "STOP", 150);
  (*writer)->Close();
  REQUIRE(WaitFor(*f.loop, [&] { return !(*writer)->reader_running(); }));
  CHECK(ReadFile(f.dir / "lines") == "INSTANCE \"VI_1\" MASTER 150\nINSTANCE \"VI_1\" STOP 150\n");
  CHECK(ReadFile(f.dir / "reader.out") == fmt::format("start {}\nend\n", f.config.path));
  CHECK((*writer)->reader_starts() == 1);  // not restarted after the close
}

TEST_CASE("vrrpd notify_fifo: a reader that exits is restarted, and its exit logged") {
  Fixture f;
  f.config.script =
      vrrp::config::Command{{}, fmt::format("echo run >> {}; exit 3", f.dir / "runs"), "", ""};
  auto writer = f.Open();
  REQUIRE(writer.ok());
  REQUIRE(WaitFor(*f.loop, [&] { return (*writer)->reader_starts() == 2; }));
  REQUIRE(WaitFor(*f.loop, [&] { return ReadFile(f.dir / "runs") == "run\nrun\n"; }));
  REQUIRE_FALSE(f.logs.empty());
  CHECK(f.logs[0] == fmt::format("vrrp_notify_fifo {}: reader 'echo run >> {}; exit 3' exited "
                                 "with status 3; restarting it in 1s",
                                 f.config.path, f.dir / "runs"));
}

TEST_CASE("vrrpd notify_fifo: a reader still running at the end is named and killed") {
  Fixture f;
  f.config.script = vrrp::config::Command{{}, "trap '' TERM; sleep 30", "", ""};
  {
    auto writer = f.Open();
    REQUIRE(writer.ok());
  }
  CHECK(f.logs.back() == fmt::format("vrrp_notify_fifo {}: reader 'trap '' TERM; sleep 30' still "
                                     "running at exit, killed",
                                     f.config.path));
}

}  // namespace
}  // namespace vrrpd
