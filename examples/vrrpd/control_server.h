// ControlServer: vrrpd's control socket, a unix stream socket served on the daemon's EventLoop
// (the protocol is control_protocol.h; vrrpctl is its client). It owns the socket file: created
// with mode 0600 before listen, a stale one (nobody answers) replaced, a live one (another
// vrrpd) refused, removed on destruction when it is still ours.
//
//   auto server = ControlServer::Listen(loop, "/run/vrrpd.ctl",
//                                       [&](const Request& r, uid_t uid) { return Handle(r); });
//   if (!server.ok()) ...                  // e.g. another vrrpd answers on it
//   (void)(*server)->Start();              // accepts from the next loop turn
//
// Callers are checked twice: the file's mode (0600: only its owner, root, may connect) and the
// peer's credentials (SO_PEERCRED: only root or the daemon's own uid may issue commands, so a
// socket made world-writable by mistake still refuses others, with a "denied" answer).
//
// Nothing a client does blocks the loop or grows without bound: a request is at most
// kMaxRequestBytes, at most `max_clients` are served at once (others get "busy"), each is
// dropped after `client_timeout`, writes are non-blocking and a client that does not read its
// answer is retried on a short timer until the timeout, then dropped.
//
// Thread-safety: none; everything on the loop's thread. Lifetime: `loop` outlives this.
#ifndef VRRPD_CONTROL_SERVER_H_
#define VRRPD_CONTROL_SERVER_H_

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "control_protocol.h"
#include "vrrp/linux/event_loop.h"
#include "vrrp/linux/unique_fd.h"

namespace vrrpd::control {

struct ServerLimits {
  size_t max_clients = 8;
  absl::Duration client_timeout = absl::Seconds(5);
  // An answer larger than this is replaced by an error (a status of ~10000 instances fits).
  size_t max_response_bytes = 16 << 20;
};

class ControlServer {
 public:
  // Runs on the loop's thread for each complete request of an allowed peer.
  using Handler = std::function<Response(const Request& request, uid_t peer_uid)>;

  // Creates and binds the socket (see above). Errors name the path: "another vrrpd answers on
  // /run/vrrpd.ctl", "/run/vrrpd.ctl exists and is not a socket", "bind /x/y.ctl: ...".
  static absl::StatusOr<std::unique_ptr<ControlServer>> Listen(vrrp::os::EventLoop& loop,
                                                               std::string path, Handler handler,
                                                               ServerLimits limits = {});
  // Closes the clients and removes the socket file if it is still the one it created.
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Starts accepting (watches the socket on the loop).
  [[nodiscard]] absl::Status Start();

  const std::string& path() const { return path_; }
  size_t clients() const { return clients_.size(); }

 private:
  struct Client {
    vrrp::os::UniqueFd fd;
    uid_t uid = 0;
    std::string in;
    std::string out;
    size_t written = 0;
    bool watched = false;
    vrrp::os::EventLoop::TimerId deadline = 0;
    vrrp::os::EventLoop::TimerId retry = 0;  // 0: none pending
  };

  ControlServer(vrrp::os::EventLoop& loop, std::string path, Handler handler, ServerLimits limits)
      : loop_(loop), path_(std::move(path)), handler_(std::move(handler)), limits_(limits) {}
  void OnAcceptable();
  void OnReadable(uint64_t id);
  void Answer(uint64_t id, const Response& response);
  void Flush(uint64_t id);
  void Drop(uint64_t id);

  vrrp::os::EventLoop& loop_;
  std::string path_;
  Handler handler_;
  ServerLimits limits_;
  vrrp::os::UniqueFd listener_;
  bool watching_ = false;
  dev_t dev_ = 0;  // the socket file we made, to remove only that one
  ino_t ino_ = 0;
  uid_t owner_ = 0;  // the daemon's effective uid, allowed besides root
  uint64_t next_id_ = 1;
  std::map<uint64_t, Client> clients_;
};

}  // namespace vrrpd::control

#endif  // VRRPD_CONTROL_SERVER_H_
