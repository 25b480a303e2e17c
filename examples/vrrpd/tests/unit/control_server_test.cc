// The control socket end to end without root: ControlServer on a real EventLoop, Call from
// another thread. The socket file's mode, a stale file replaced and a live one refused, bounded
// requests, the client limit, a client that never reads its answer dropped without stalling the
// loop, and the file removed on exit.
#include "control_server.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>

#include "control_client.h"
#include "vrrp/linux/unique_fd.h"

namespace vrrpd::control {
namespace {

struct Dir {
  std::string path;
  Dir() {
    char templ[] = "/tmp/vrrpd-control-XXXXXX";
    REQUIRE(mkdtemp(templ) != nullptr);
    path = templ;
  }
  ~Dir() { (void)system(("rm -rf '" + path + "'").c_str()); }
};

// A handler that answers "status" with `body` and echoes what it was asked.
ControlServer::Handler Echo(std::string body = "") {
  return [body](const Request& r, uid_t uid) {
    return Response{
        Code::kOk,
        fmt::format("{} uid {}", FormatRequest(r).substr(0, FormatRequest(r).size() - 1), uid),
        body};
  };
}

// Runs the loop until `done`, for at most 10 s of turns.
void RunUntil(vrrp::os::EventLoop& loop, const std::atomic<bool>& done) {
  for (int i = 0; i < 1000 && !done; ++i) REQUIRE(loop.RunOnce(absl::Milliseconds(10)).ok());
}

void RunFor(vrrp::os::EventLoop& loop, absl::Duration d) {
  const absl::Time until = loop.Now() + d;
  while (loop.Now() < until) REQUIRE(loop.RunOnce(absl::Milliseconds(10)).ok());
}

absl::StatusOr<Response> CallWhileServing(vrrp::os::EventLoop& loop, const std::string& path,
                                          const Request& request) {
  std::atomic<bool> done = false;
  absl::StatusOr<Response> result = absl::UnknownError("not called");
  std::thread client([&] {
    result = Call(path, request, absl::Seconds(5));
    done = true;
  });
  RunUntil(loop, done);
  client.join();
  return result;
}

vrrp::os::UniqueFd Connect(const std::string& path) {
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::strcpy(a.sun_path, path.c_str());
  vrrp::os::UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  REQUIRE(connect(fd.get(), reinterpret_cast<const sockaddr*>(&a), sizeof(a)) == 0);
  return fd;
}

TEST_CASE("control socket: mode 0600, answers a request, removed on exit") {
  Dir dir;
  const std::string path = dir.path + "/vrrpd.ctl";
  auto loop = vrrp::os::EventLoop::Create();
  REQUIRE(loop.ok());
  {
    auto server = ControlServer::Listen(**loop, path, Echo("a body\n"));
    REQUIRE(server.ok());
    REQUIRE((*server)->Start().ok());
    struct stat st;
    REQUIRE(lstat(path.c_str(), &st) == 0);
    CHECK(S_ISSOCK(st.st_mode));
    CHECK((st.st_mode & 0777) == 0600);

    auto r = CallWhileServing(**loop, path, {Command::kPriority, "VI_1", -60});
    REQUIRE(r.ok());
    CHECK(r->code == Code::kOk);
    CHECK(r->message == fmt::format("priority VI_1 -60 uid {}", geteuid()));
    CHECK(r->body == "a body\n");
    CHECK((*server)->clients() == 0);  // answered and closed
  }
  struct stat st;
  CHECK(lstat(path.c_str(), &st) != 0);  // removed
  // Nobody there now: the message vrrpctl prints.
  auto none = Call(path, {Command::kStatus, "", 0}, absl::Seconds(1));
  CHECK(none.status().code() == absl::StatusCode::kUnavailable);
  CHECK(std::string(none.status().message()) ==
        "vrrpd is not running (no control socket at " + path + ")");
}

TEST_CASE("control socket: a live one is refused, a stale one replaced, a file kept") {
  Dir dir;
  const std::string path = dir.path + "/vrrpd.ctl";
  auto loop = vrrp::os::EventLoop::Create();
  REQUIRE(loop.ok());
  auto first = ControlServer::Listen(**loop, path, Echo());
  REQUIRE(first.ok());
  auto second = ControlServer::Listen(**loop, path, Echo());
  REQUIRE_FALSE(second.ok());
  CHECK(second.status().code() == absl::StatusCode::kAlreadyExists);
  CHECK(std::string(second.status().message())
            .find("another vrrpd answers on the control socket " + path) == 0);
  struct stat st;
  CHECK(lstat(path.c_str(), &st) == 0);  // the first one's socket is still there

  // A socket nobody listens on (its daemon was killed): replaced.
  first->reset();
  {
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strcpy(a.sun_path, path.c_str());
    vrrp::os::UniqueFd dead(socket(AF_UNIX, SOCK_STREAM, 0));
    REQUIRE(bind(dead.get(), reinterpret_cast<const sockaddr*>(&a), sizeof(a)) == 0);
  }
  auto third = ControlServer::Listen(**loop, path, Echo());
  REQUIRE(third.ok());
  REQUIRE((*third)->Start().ok());
  auto r = CallWhileServing(**loop, path, {Command::kStats, "", 0});
  REQUIRE(r.ok());
  CHECK(r->code == Code::kOk);
  third->reset();

  // Not a socket: never removed.
  std::ofstream(path) << "precious\n";
  auto fourth = ControlServer::Listen(**loop, path, Echo());
  REQUIRE_FALSE(fourth.ok());
  CHECK(std::string(fourth.status().message()) ==
        path + " exists and is not a socket; not removing it");
  auto too_long = ControlServer::Listen(**loop, dir.path + "/" + std::string(120, 'x'), Echo());
  CHECK_FALSE(too_long.ok());
}

TEST_CASE("control socket: bad and over-long requests get a usage answer") {
  Dir dir;
  const std::string path = dir.path + "/vrrpd.ctl";
  auto loop = vrrp::os::EventLoop::Create();
  REQUIRE(loop.ok());
  auto server = ControlServer::Listen(**loop, path, Echo());
  REQUIRE(server.ok());
  REQUIRE((*server)->Start().ok());
  auto raw = [&](const std::string& request) {
    vrrp::os::UniqueFd fd = Connect(path);
    std::atomic<bool> done = false;
    std::string answer;
    std::thread t([&] {
      (void)send(fd.get(), request.data(), request.size(), MSG_NOSIGNAL);
      shutdown(fd.get(), SHUT_WR);  // the end of the request, with or without its newline
      char buffer[1024];
      ssize_t n;
      while ((n = recv(fd.get(), buffer, sizeof(buffer), 0)) > 0) answer.append(buffer, n);
      done = true;
    });
    RunUntil(**loop, done);
    t.join();
    return answer;
  };
  CHECK(raw("frobnicate\n").rfind("usage unknown command 'frobnicate'", 0) == 0);
  CHECK(raw("status") == fmt::format("ok status uid {}\n", geteuid()));  // EOF ends the line
  CHECK(raw(std::string(kMaxRequestBytes, 'x')) ==
        fmt::format("usage a request is one line of at most {} bytes\n", kMaxRequestBytes));
  CHECK((*server)->clients() == 0);
}

TEST_CASE("control socket: a client that never reads does not stall others, a limit on clients") {
  Dir dir;
  const std::string path = dir.path + "/vrrpd.ctl";
  auto loop = vrrp::os::EventLoop::Create();
  REQUIRE(loop.ok());
  ServerLimits limits;
  limits.max_clients = 2;
  limits.client_timeout = absl::Seconds(3);
  // A body far larger than a socket's buffer.
  auto server = ControlServer::Listen(**loop, path, Echo(std::string(8 << 20, 'x')), limits);
  REQUIRE(server.ok());
  REQUIRE((*server)->Start().ok());

  vrrp::os::UniqueFd stuck = Connect(path);
  REQUIRE(send(stuck.get(), "status\n", 7, MSG_NOSIGNAL) == 7);
  RunFor(**loop, absl::Milliseconds(200));  // its answer is stuck, retried on a timer
  // The loop is still free: another client is served while the first holds its slot.
  auto r = CallWhileServing(**loop, path, {Command::kStatus, "", 0});
  REQUIRE(r.ok());
  CHECK(r->body.size() == (8u << 20));

  // Two held slots: a third is told it is busy.
  vrrp::os::UniqueFd idle = Connect(path);
  RunFor(**loop, absl::Milliseconds(100));
  REQUIRE((*server)->clients() == 2);
  auto busy = CallWhileServing(**loop, path, {Command::kStatus, "", 0});
  REQUIRE(busy.ok());
  CHECK(busy->code == Code::kBusy);

  // At their deadline both are dropped.
  RunFor(**loop, absl::Seconds(4));
  CHECK((*server)->clients() == 0);
  char buffer[4096];
  ssize_t total = 0, n;
  while ((n = recv(stuck.get(), buffer, sizeof(buffer), MSG_DONTWAIT)) > 0) total += n;
  CHECK(total < (8 << 20));  // cut off, never completed
}

}  // namespace
}  // namespace vrrpd::control
