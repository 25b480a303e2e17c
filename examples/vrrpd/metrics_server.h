// vrrpd --metrics ADDRESS:PORT: GET /metrics in Prometheus' text format (vrrp/prometheus.h),
// served by libmicrohttpd on its own thread so that the VRRP loop never waits for a scraper.
//
// The loop publishes immutable snapshots (Publish: a pointer swap under a mutex, nothing
// else); the HTTP thread renders the latest one when asked, once per snapshot, and serves the
// rendered text without copying it. A slow or hostile client costs that thread, never the
// loop: connections are bounded (kMaxConnections) and an idle one is closed after
// kConnectionTimeout, so a client that never reads holds a slot for at most that long.
//
//   auto listen = vrrpd::ParseListenAddress("192.0.2.5:9650");
//   auto server = vrrpd::MetricsServer::Start(*listen);
//   (*server)->Publish(std::make_shared<const vrrp::MetricsSnapshot>(std::move(snapshot)));
#ifndef VRRPD_METRICS_SERVER_H_
#define VRRPD_METRICS_SERVER_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "vrrp/ip_address.h"
#include "vrrp/prometheus.h"

struct MHD_Daemon;

namespace vrrpd {

struct ListenAddress {
  vrrp::IpAddress address;
  uint16_t port = 0;
};

// "192.0.2.5:9650", "0.0.0.0:9650", "[2001:db8::5]:9650", "[::]:9650". Port 0 takes any free
// port (MetricsServer::port() says which). Errors say what is wrong with the text.
absl::StatusOr<ListenAddress> ParseListenAddress(std::string_view text);

class MetricsServer {
 public:
  static constexpr unsigned kMaxConnections = 64;
  static constexpr absl::Duration kConnectionTimeout = absl::Seconds(10);

  // Binds and listens (errors name the address and errno), then starts the HTTP thread. Call
  // it before the process takes realtime scheduling: the thread inherits its creator's policy,
  // and HTTP must never run at VRRP's priority. Until the first Publish, /metrics answers 503.
  static absl::StatusOr<std::unique_ptr<MetricsServer>> Start(const ListenAddress& listen);
  // Stops the thread and closes every connection.
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // From any thread (vrrpd: its loop). Never blocks on a scrape in progress: the HTTP thread
  // holds the mutex only to copy the pointer.
  void Publish(std::shared_ptr<const vrrp::MetricsSnapshot> snapshot);
  uint16_t port() const { return port_; }

 private:
  MetricsServer() = default;
  // libmicrohttpd's callbacks (metrics_server.cc), on the HTTP thread.
  friend struct MetricsHandler;
  // The exposition of the latest snapshot, rendered once per snapshot (HTTP thread only).
  std::shared_ptr<const std::string> Rendered();

  MHD_Daemon* daemon_ = nullptr;
  uint16_t port_ = 0;
  std::mutex mutex_;
  std::shared_ptr<const vrrp::MetricsSnapshot> snapshot_;  // guarded by mutex_
  // HTTP thread only (libmicrohttpd's single internal polling thread).
  std::shared_ptr<const vrrp::MetricsSnapshot> rendered_from_;
  std::shared_ptr<const std::string> rendered_;
};

}  // namespace vrrpd

#endif  // VRRPD_METRICS_SERVER_H_
