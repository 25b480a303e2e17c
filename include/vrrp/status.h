// InstanceStatus: what an operator asks of one virtual router (its state, priorities, addresses,
// faults, the master it hears, and the RFC 6527 / keepalived counters of RouterStats), and its
// JSON form. vrrpd's status file (SIGUSR1) is a list of these; an embedder can serve the same
// objects from its own endpoint. The counters' JSON is its own function, for documents that
// carry a router's counters without the rest.
//
//   vrrp::InstanceStatus s;
//   s.name = "VI_1";
//   s.interface = "eth0";
//   s.state = router.state();                       // and the other fields from the Router
//   s.stats = router.stats();
//   std::string json = vrrp::InstanceStatusJson(s);
//   // {"name": "VI_1", "interface": "eth0", "vrid": 50, "version": 2, "family": "ipv4",
//   //  "state": "MASTER", "priority": 150, "effective_priority": 130, ...
//   //  "stats": {"become_master": 1, ..., "drops": {"too_short": 0, ...}}}
//
// Field names are keepalived's where it has one (its JSON `stats` and `data` objects:
// become_master, release_master, advert_rcvd, ...; drops by DropReasonName).
#ifndef VRRP_STATUS_H_
#define VRRP_STATUS_H_

#include <optional>
#include <string>
#include <vector>

#include "vrrp/action.h"
#include "vrrp/ip_address.h"
#include "vrrp/router_stats.h"
#include "vrrp/vip_conflict.h"

namespace vrrp {

struct InstanceStatus {
  std::string name;
  std::string interface;
  int vrid = 0;
  int version = 2;
  Family family = Family::kIPv4;
  RouterState state = RouterState::kInitialize;
  int priority = 0;                    // configured
  int effective_priority = 0;          // after tracking
  std::vector<std::string> addresses;  // as the operator wrote them: "192.0.2.3/24"
  bool fault = false;
  std::vector<std::string> fault_reasons;
  std::optional<IpAddress> master;  // the master last heard from, when Backup
  RouterStats stats;
  VipConflictStats conflicts;  // VIP conflict detection (vip_conflict.h); zero when off
};

// One object over six lines. The first line is indented by `indent` spaces and the others by
// one more, so that they line up inside its opening brace when it is an item of an array
// indented by `indent`:
//     {"name": "VI_1", "interface": "eth0", "vrid": 50, "version": 2, "family": "ipv4",
//      "state": "MASTER", "priority": 150, "effective_priority": 130,
//      "addresses": ["192.0.2.3/24"], "fault": false, "fault_reasons": [], "master": null,
//      "last_transition_reason": "master_down_timer",
//      "stats": {...},
//      "vip_conflicts": {...}}
// No newline at the end. `master` is null when unset; last_transition_reason comes from stats.
std::string InstanceStatusJson(const InstanceStatus& status, int indent = 0);

// One object on one line: claims, yields, reclaims, rejoins, probes, black_holes, takeovers.
std::string VipConflictStatsJson(const VipConflictStats& stats);

// One object on one line: become_master, release_master, advert_rcvd, advert_sent,
// pri_zero_rcvd, pri_zero_sent, then "drops" with every DropReason but kNone in enum order.
std::string RouterStatsJson(const RouterStats& stats);

}  // namespace vrrp

#endif  // VRRP_STATUS_H_
