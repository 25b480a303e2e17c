#include "control_server.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "fmt/format.h"

namespace vrrpd::control {
namespace {

// How often an answer the client has not read yet is tried again. The loop watches readable
// fds only; a short timer until the client's deadline is enough for an operator's command.
constexpr absl::Duration kRetryWrite = absl::Milliseconds(10);

absl::Status Errno(std::string_view what, const std::string& path) {
  return absl::UnavailableError(fmt::format("{} {}: {}", what, path, std::strerror(errno)));
}

absl::StatusOr<sockaddr_un> Address(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof(address.sun_path)) {
    return absl::InvalidArgumentError(
        fmt::format("control socket path '{}' must have 1 to {} characters", path,
                    sizeof(address.sun_path) - 1));
  }
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  return address;
}

// A socket file that is there already: another daemon's (it answers: refuse), or left by one
// that died (connection refused: remove it). Anything else is not ours to remove.
absl::Status ClaimPath(const std::string& path, const sockaddr_un& address) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return absl::OkStatus();
    return Errno("stat", path);
  }
  if (!S_ISSOCK(st.st_mode)) {
    return absl::FailedPreconditionError(
        fmt::format("{} exists and is not a socket; not removing it", path));
  }
  vrrp::os::UniqueFd probe(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!probe.valid()) return Errno("socket for", path);
  if (connect(probe.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0) {
    return absl::AlreadyExistsError(fmt::format(
        "another vrrpd answers on the control socket {}: stop it first, or give this one "
        "--control-socket PATH",
        path));
  }
  if (errno != ECONNREFUSED) return Errno("connect to the existing socket", path);
  if (unlink(path.c_str()) != 0 && errno != ENOENT) return Errno("remove the stale socket", path);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<ControlServer>> ControlServer::Listen(vrrp::os::EventLoop& loop,
                                                                     std::string path,
                                                                     Handler handler,
                                                                     ServerLimits limits) {
  absl::StatusOr<sockaddr_un> address = Address(path);
  if (!address.ok()) return address.status();
  if (absl::Status s = ClaimPath(path, *address); !s.ok()) return s;
  std::unique_ptr<ControlServer> server(
      new ControlServer(loop, std::move(path), std::move(handler), limits));
  const std::string& p = server->path_;
  server->listener_ =
      vrrp::os::UniqueFd(socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!server->listener_.valid()) return Errno("socket for", p);
  // The file is created 0600 (the umask applies to bind's file) so that there is no moment in
  // which others may connect; chmod states it whatever the umask did.
  const mode_t previous = umask(0177);
  const int bound =
      bind(server->listener_.get(), reinterpret_cast<const sockaddr*>(&*address), sizeof(*address));
  const int bind_errno = errno;
  umask(previous);
  if (bound != 0) {
    errno = bind_errno;
    return Errno("bind", p);
  }
  struct stat st;
  if (chmod(p.c_str(), 0600) != 0 || stat(p.c_str(), &st) != 0) {
    absl::Status s = Errno("chmod", p);
    unlink(p.c_str());
    return s;
  }
  server->dev_ = st.st_dev;
  server->ino_ = st.st_ino;
  server->owner_ = geteuid();
  if (listen(server->listener_.get(), 16) != 0) return Errno("listen", p);
  return server;
}

ControlServer::~ControlServer() {
  while (!clients_.empty()) Drop(clients_.begin()->first);
  if (watching_) (void)loop_.Unwatch(listener_.get());
  struct stat st;
  if (ino_ != 0 && stat(path_.c_str(), &st) == 0 && st.st_dev == dev_ && st.st_ino == ino_) {
    unlink(path_.c_str());
  }
}

absl::Status ControlServer::Start() {
  if (watching_) return absl::OkStatus();
  absl::Status s = loop_.Watch(listener_.get(), [this](uint32_t) { OnAcceptable(); });
  watching_ = s.ok();
  return s;
}

void ControlServer::OnAcceptable() {
  for (;;) {
    vrrp::os::UniqueFd fd(accept4(listener_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!fd.valid()) return;  // EAGAIN: all taken; anything else: the client is gone
    if (clients_.size() >= limits_.max_clients) {
      // Best effort, on an empty socket buffer: a short line always fits.
      const std::string busy = FormatResponse(
          {Code::kBusy, fmt::format("vrrpd serves {} clients already; try again", clients_.size()),
           ""});
      (void)send(fd.get(), busy.data(), busy.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      continue;
    }
    ucred cred{};
    socklen_t length = sizeof(cred);
    if (getsockopt(fd.get(), SOL_SOCKET, SO_PEERCRED, &cred, &length) != 0) continue;
    const uint64_t id = next_id_++;
    Client& client = clients_[id];
    client.fd = std::move(fd);
    client.uid = cred.uid;
    client.deadline = loop_.AddTimer(loop_.Now() + limits_.client_timeout, [this, id] {
      if (auto it = clients_.find(id); it != clients_.end()) it->second.deadline = 0;
      Drop(id);
    });
    if (!loop_.Watch(client.fd.get(), [this, id](uint32_t) { OnReadable(id); }).ok()) {
      Drop(id);
      continue;
    }
    client.watched = true;
  }
}

void ControlServer::OnReadable(uint64_t id) {
  auto it = clients_.find(id);
  if (it == clients_.end()) return;
  Client& client = it->second;
  char buffer[kMaxRequestBytes];
  const size_t room = kMaxRequestBytes - client.in.size();
  const ssize_t n = recv(client.fd.get(), buffer, room, MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n <= 0 && client.in.empty()) {
    Drop(id);  // closed (or failed) before asking anything
    return;
  }
  if (n > 0) client.in.append(buffer, static_cast<size_t>(n));
  const size_t newline = client.in.find('\n');
  const bool ended = n <= 0;  // a last line without its newline still counts
  if (newline == std::string::npos && !ended) {
    if (client.in.size() < kMaxRequestBytes) return;  // more to come
    Answer(id, {Code::kUsage,
                fmt::format("a request is one line of at most {} bytes", kMaxRequestBytes), ""});
    return;
  }
  const std::string line = client.in.substr(0, newline);
  // The peer's credentials are checked once its request is read, so that it gets an answer
  // rather than a reset connection.
  if (client.uid != 0 && client.uid != owner_) {
    Answer(id,
           {Code::kDenied,
            fmt::format("uid {} may not control vrrpd (only root or uid {})", client.uid, owner_),
            ""});
    return;
  }
  absl::StatusOr<Request> request = ParseRequest(line);
  if (!request.ok()) {
    Answer(id, {Code::kUsage, std::string(request.status().message()), ""});
    return;
  }
  Answer(id, handler_(*request, client.uid));
}

void ControlServer::Answer(uint64_t id, const Response& response) {
  auto it = clients_.find(id);
  if (it == clients_.end()) return;
  Client& client = it->second;
  if (client.watched) {
    (void)loop_.Unwatch(client.fd.get());  // one request per connection: nothing more is read
    client.watched = false;
  }
  client.out = FormatResponse(response);
  if (client.out.size() > limits_.max_response_bytes) {
    client.out =
        FormatResponse({Code::kBusy,
                        fmt::format("the answer has {} bytes, more than the {} vrrpd sends",
                                    client.out.size(), limits_.max_response_bytes),
                        ""});
  }
  Flush(id);
}

void ControlServer::Flush(uint64_t id) {
  auto it = clients_.find(id);
  if (it == clients_.end()) return;
  Client& client = it->second;
  client.retry = 0;
  while (client.written < client.out.size()) {
    const ssize_t n = send(client.fd.get(), client.out.data() + client.written,
                           client.out.size() - client.written, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      client.written += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      // The client is slow to read: try again soon; its deadline drops it if it never reads.
      client.retry = loop_.AddTimer(loop_.Now() + kRetryWrite, [this, id] { Flush(id); });
      return;
    }
    break;  // gone (EPIPE, ECONNRESET)
  }
  Drop(id);  // answered: closing the connection ends the body
}

void ControlServer::Drop(uint64_t id) {
  auto it = clients_.find(id);
  if (it == clients_.end()) return;
  Client& client = it->second;
  if (client.watched) (void)loop_.Unwatch(client.fd.get());
  if (client.deadline != 0) loop_.CancelTimer(client.deadline);
  if (client.retry != 0) loop_.CancelTimer(client.retry);
  clients_.erase(it);
}

}  // namespace vrrpd::control
