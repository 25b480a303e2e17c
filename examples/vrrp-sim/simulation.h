// Runs a vrrp-sim Scenario on a vrrp::SimulatedLan and turns its timeline into the events an
// operator reads: transitions with reasons, VIP moves (with every holder afterwards), scripted
// events, and split brain (two live MASTERs for one VRID) starting and ending.
//
//   absl::StatusOr<vrrp_sim::SimResult> r = vrrp_sim::Simulate(scenario);
//   for (const vrrp_sim::SimEvent& e : r->events) ...;   // report.h prints them
//
// Split brain is judged once per virtual instant, after every event at that instant: a handover
// where the new master steps up and the old one steps down at the same instant is not one.
#ifndef VRRP_EXAMPLES_VRRP_SIM_SIMULATION_H_
#define VRRP_EXAMPLES_VRRP_SIM_SIMULATION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "scenario.h"
#include "vrrp/action.h"
#include "vrrp/advertisement.h"

namespace vrrp_sim {

struct Holder {
  std::string name;
  bool alive = true;  // false: the addresses sit on a crashed host
};

struct SimEvent {
  absl::Duration t;    // since the start of the run
  std::string router;  // "lan" for network and split-brain events
  // "transition", "vip_add", "vip_remove", "announce", "crash", "restart", "start", "shutdown",
  // "link_down", "link_up", "fault", "fault_cleared", "priority", "reconfigure", "network",
  // "loss", "latency", "split_brain", "split_brain_over".
  std::string event;
  std::optional<vrrp::RouterState> from;
  std::optional<vrrp::RouterState> to;
  std::optional<vrrp::TransitionReason> reason;
  vrrp::AddressList addresses;  // vip_add / vip_remove / announce; crash: left on the dead host
  std::optional<int> count;     // announce: packets per address; priority: effective priority
  std::string detail;           // network: "block lb-5 -> lb-6"; vip_remove: "stale"; loss...
  std::vector<Holder> holders;  // vip_add / vip_remove: who holds those addresses afterwards
  std::vector<std::string> masters;  // split_brain*: the VRID's live masters afterwards
  int vrid = 0;                      // split_brain*
};

struct RouterSummary {
  std::string name;
  bool alive = true;
  vrrp::RouterState state = vrrp::RouterState::kInitialize;
  absl::Duration master_time;  // total time as a live MASTER
  vrrp::AddressList held;      // on its interface at the end (crashed hosts included)
};

struct SplitBrain {
  int vrid = 0;
  absl::Duration begin;
  absl::Duration end;  // the end of the run if it never healed
  std::vector<std::string> masters;
};

struct SimResult {
  std::vector<SimEvent> events;
  absl::Duration end;
  int transitions = 0;
  int to_master = 0;
  absl::Duration split_brain_total;  // time during which some VRID had two or more masters
  std::vector<SplitBrain> split_brains;
  std::vector<RouterSummary> routers;  // in declaration order
  uint64_t adverts_delivered = 0;
  uint64_t adverts_lost = 0;
};

// Fails only when the simulated LAN reports a livelock.
absl::StatusOr<SimResult> Simulate(const Scenario& scenario);

}  // namespace vrrp_sim

#endif  // VRRP_EXAMPLES_VRRP_SIM_SIMULATION_H_
