// Daemon's side of --metrics: what it reads from the driver for a snapshot, and when it hands
// one to the HTTP thread (metrics_server.h). The snapshot is Status() — the JSON status's own
// objects — plus the few things only the exposition shows.
#include <utility>

#include "daemon.h"
#include "fmt/format.h"

namespace vrrpd {
namespace {

// Counters move with every advertisement without an event: a snapshot at least this often.
constexpr absl::Duration kMetricsPeriod = absl::Seconds(1);

std::vector<vrrp::MetricsAddress> Addresses(const std::vector<vrrp::VirtualAddress>& vips) {
  std::vector<vrrp::MetricsAddress> out;
  out.reserve(vips.size());
  for (const vrrp::VirtualAddress& vip : vips) {
    out.push_back({fmt::format("{}/{}", vip.address, vip.prefix_len), vip.interface});
  }
  return out;
}

}  // namespace

absl::Status Daemon::StartMetrics() {
  if (options_.metrics.empty()) return absl::OkStatus();
  auto listen = ParseListenAddress(options_.metrics);
  if (!listen.ok()) return listen.status();
  auto server = MetricsServer::Start(*listen);
  if (!server.ok()) return server.status();
  metrics_ = std::move(*server);
  log_.Info(fmt::format("Serving metrics on http://{}/metrics", options_.metrics));
  return absl::OkStatus();
}

vrrp::MetricsSnapshot Daemon::Metrics() const {
  vrrp::MetricsSnapshot snapshot;
  snapshot.now = loop_->Now();
  snapshot.wall_now = absl::Now();
  DaemonStatus status = Status();
  snapshot.reloads = status.reloads;
  snapshot.scripts = std::move(status.scripts);
  snapshot.track_files = std::move(status.track_files);
  snapshot.track_processes = std::move(status.track_processes);
  snapshot.receive = status.receive;
  // Status() lists the instances in driver_->ids() order: the same walk pairs them up.
  const std::vector<vrrp::InstanceId> ids = driver_->ids();
  snapshot.instances.reserve(ids.size());
  for (size_t i = 0; i < ids.size() && i < status.instances.size(); ++i) {
    const vrrp::Instance& instance = *driver_->instance(ids[i]);
    const vrrp::Router& router = instance.router();
    vrrp::InstanceMetrics& m = snapshot.instances.emplace_back();
    m.status = std::move(status.instances[i]);
    m.addresses = Addresses(instance.config().addresses);
    m.excluded_addresses = Addresses(instance.config().excluded_addresses);
    m.garp_master_delay = router.config().garp_master_delay;
    // A Backup's one deadline is its master-down timer (router.h).
    if (router.state() == vrrp::RouterState::kBackup)
      m.master_down_deadline = router.NextDeadline();
  }
  return snapshot;
}

void Daemon::PublishMetrics() {
  metrics_due_ = false;
  if (!metrics_) return;
  metrics_->Publish(std::make_shared<const vrrp::MetricsSnapshot>(Metrics()));
}

void Daemon::ScheduleMetrics() {
  if (!metrics_) return;
  PublishMetrics();
  loop_->AddTimer(loop_->Now() + kMetricsPeriod, [this] { ScheduleMetrics(); });
}

}  // namespace vrrpd
