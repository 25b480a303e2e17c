// vrrpd's status as JSON (written on SIGUSR1; the schema is in README.md): the daemon, every
// instance's state, priorities and RFC 6527 / keepalived counters, every script's status.
#ifndef VRRPD_STATUS_H_
#define VRRPD_STATUS_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "vrrp/action.h"
#include "vrrp/ip_address.h"
#include "vrrp/router_stats.h"

namespace vrrpd {

struct InstanceStatus {
  std::string name;
  std::string interface;
  int vrid = 0;
  int version = 2;
  vrrp::Family family = vrrp::Family::kIPv4;
  vrrp::RouterState state = vrrp::RouterState::kInitialize;
  int priority = 0;            // configured
  int effective_priority = 0;  // after tracking
  std::vector<std::string> addresses;
  bool fault = false;
  std::vector<std::string> fault_reasons;
  std::optional<vrrp::IpAddress> master;  // the master last heard from, when Backup
  vrrp::RouterStats stats;
};

struct DaemonStatus {
  std::string version;
  int pid = 0;
  std::string config_file;
  int reloads = 0;
  std::vector<InstanceStatus> instances;
  std::vector<std::pair<std::string, std::string>> scripts;  // name, GOOD / BAD / INIT
  std::vector<std::pair<std::string, std::vector<std::string>>> sync_groups;
};

std::string StatusJson(const DaemonStatus& status);

// Writes `contents` to a temporary file beside `path` and renames it over `path`, so that a
// reader never sees half a status.
[[nodiscard]] absl::Status WriteFileAtomically(const std::string& path, std::string_view contents);

}  // namespace vrrpd

#endif  // VRRPD_STATUS_H_
