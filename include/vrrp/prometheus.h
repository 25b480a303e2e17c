// The Prometheus text exposition (format 0.0.4) of virtual routers: the metric names, types and
// labels of keepalived-exporter (github.com/mehdy/keepalived-exporter), so that a dashboard
// built on it reads an embedder's routers unchanged, plus what that exporter cannot see
// (vrrpd_*: base and effective priority, the master-down deadline, the last transition's time
// and reason, every drop reason by name). Pure text building, no I/O: serve it from any HTTP
// endpoint with kPrometheusContentType.
//
//   vrrp::MetricsSnapshot snapshot;
//   snapshot.now = clock_now;                 // the clock of the routers' times
//   snapshot.wall_now = absl::Now();          // the same instant on the wall clock
//   vrrp::InstanceMetrics& m = snapshot.instances.emplace_back();
//   m.status = status;                        // the InstanceStatus the JSON status uses
//   m.addresses = {{"192.0.2.3/24", "eth0"}};
//   std::string body = vrrp::PrometheusText(snapshot);
//   // keepalived_vrrp_state{iname="VI_1",intf="eth0",vrid="50",ip_address="192.0.2.3/24"} 2
//   // keepalived_advertisements_sent_total{iname="VI_1",intf="eth0",vrid="50"} 17 ...
//
// The metrics come from the same InstanceStatus as the JSON status (status.h), with the few
// things it does not carry beside it in InstanceMetrics. examples/vrrpd/README.md ("Metrics")
// lists every metric and its keepalived-exporter counterpart; docs/performance.md ("Metrics")
// the render time of 1,000 routers.
#ifndef VRRP_PROMETHEUS_H_
#define VRRP_PROMETHEUS_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "vrrp/status.h"

namespace vrrp {

// The Content-Type of PrometheusText's output.
inline constexpr std::string_view kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";

// A virtual address as keepalived's data dump shows it: "192.0.2.3/24" on "eth0" (its `dev`,
// the router's interface unless configured otherwise).
struct MetricsAddress {
  std::string address;
  std::string interface;
};

struct InstanceMetrics {
  InstanceStatus status;
  // keepalived_vrrp_state has one series per address (keepalived-exporter's ip_address label);
  // a router without addresses gets one with ip_address="" on status.interface.
  std::vector<MetricsAddress> addresses;
  std::vector<MetricsAddress> excluded_addresses;  // virtual_ipaddress_excluded
  // keepalived's "Gratuitous ARP delay" (garp_master_delay), which keepalived-exporter exposes
  // as keepalived_gratuitous_arp_delay_total in seconds.
  absl::Duration garp_master_delay = absl::ZeroDuration();
  // When a Backup takes over if it hears nothing more (Router::NextDeadline() in Backup), on
  // the clock of MetricsSnapshot::now. InfiniteFuture: not a Backup, no series.
  absl::Time master_down_deadline = absl::InfiniteFuture();
};

// Packets the sockets delivered that reached no router (vrrp::os::DriverStats): no instance
// runs their VRID on that interface, a unicast instance does not have their source as a peer,
// too short for a VRRP header, or a failed read. keepalived counts none of these anywhere.
struct ReceiveMetrics {
  uint64_t received = 0;
  uint64_t other_vrid = 0;
  uint64_t other_peer = 0;
  uint64_t too_short = 0;
  uint64_t errors = 0;
};

// One vrrp_track_process: how many matching processes run, and whether its quorum holds (after
// its delays), as tracking sees it.
struct TrackedProcessMetrics {
  std::string name;
  int running = 0;
  bool up = false;

  friend bool operator==(const TrackedProcessMetrics&, const TrackedProcessMetrics&) = default;
};

struct MetricsSnapshot {
  std::vector<InstanceMetrics> instances;
  ReceiveMetrics receive;  // vrrpd_received_packets_total, vrrpd_unrouted_packets_total
  // Tracking scripts: name, "GOOD" / "BAD" / "INIT" / "DISABLED" (keepalived::ScriptStatusName).
  // INIT and DISABLED have no keepalived_script_status series: keepalived-exporter knows only
  // BAD (0) and GOOD (1).
  std::vector<std::pair<std::string, std::string>> scripts;
  // track_file: name, the value read (vrrpd_track_file_value).
  std::vector<std::pair<std::string, int64_t>> track_files;
  // track_process (vrrpd_track_process_running, vrrpd_track_process_quorum).
  std::vector<TrackedProcessMetrics> track_processes;
  int reloads = 0;  // vrrpd_reloads_total
  // The instant the snapshot was taken on the routers' clock (vrrpd: CLOCK_MONOTONIC, see
  // linux/event_loop.h) and on the wall clock. Times are exposed as Unix timestamps: a time t
  // of the routers' clock becomes wall_now - (now - t).
  absl::Time now = absl::UnixEpoch();
  absl::Time wall_now = absl::UnixEpoch();
};

// The whole exposition: every family's # HELP and # TYPE then its samples, families in a
// fixed order, instances in the snapshot's order, "\n" after every line. Label values are
// escaped (backslash, double quote, newline), so no name can break the format.
std::string PrometheusText(const MetricsSnapshot& snapshot);

// keepalived_vrrp_state's value: INIT 0, BACKUP 1, MASTER 2, FAULT 3 (keepalived's numbers).
int KeepalivedStateValue(RouterState state);

}  // namespace vrrp

#endif  // VRRP_PROMETHEUS_H_
