// vrrpd's status as JSON (written on SIGUSR1; the schema is in README.md): the daemon, every
// instance's state, priorities and RFC 6527 / keepalived counters (each formatted by
// vrrp::InstanceStatusJson), every script's status, the sync groups.
#ifndef VRRPD_STATUS_H_
#define VRRPD_STATUS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "vrrp/prometheus.h"
#include "vrrp/status.h"

namespace vrrpd {

// One instance's part: state, priorities, addresses, faults, master and counters, with its
// JSON from the library (vrrp/status.h).
using InstanceStatus = vrrp::InstanceStatus;

struct DaemonStatus {
  std::string version;
  int pid = 0;
  std::string config_file;
  int reloads = 0;
  std::vector<InstanceStatus> instances;
  std::vector<std::pair<std::string, std::string>> scripts;  // name, GOOD / BAD / INIT / DISABLED
  std::vector<std::pair<std::string, int64_t>> track_files;  // name, the value read
  std::vector<vrrp::TrackedProcessMetrics> track_processes;  // name, running, quorum held
  std::vector<std::pair<std::string, std::vector<std::string>>> sync_groups;
  // Packets the sockets delivered and those that reached no instance (vrrp::os::DriverStats).
  vrrp::ReceiveMetrics receive;
  // Static and virtual routes, rules and static addresses the kernel refused (routes.h).
  uint64_t route_failures = 0;
};

std::string StatusJson(const DaemonStatus& status);

// Writes `contents` to a temporary file beside `path` and renames it over `path`, so that a
// reader never sees half a status.
[[nodiscard]] absl::Status WriteFileAtomically(const std::string& path, std::string_view contents);

}  // namespace vrrpd

#endif  // VRRPD_STATUS_H_
