// How vrrp-sim prints a run: a timeline an operator can read, or one JSON object per line.
//
//   std::string text = vrrp_sim::FormatText(scenario, result, /*verbose=*/false);
//   std::string json = vrrp_sim::FormatJsonLines(result);
//
// Text: a header with the routers, one line per event ("  13.01s  lb-6  BACKUP -> MASTER
// (master_down_timer)  VIP 192.0.2.3 now on lb-6"), then a summary (who is master, transitions,
// time in split brain). Gratuitous ARP / NA bursts only with verbose.
//
// JSON: every object has t (seconds since the start, a number), router (a name, or "lan"),
// event, and from / to / reason (strings for a transition, null otherwise); then, when they
// apply: addresses, holders, count, priority, detail, vrid, masters. The last line is the
// summary: event "summary", masters, transitions, to_master, split_brain_s, master_s.
#ifndef VRRP_EXAMPLES_VRRP_SIM_REPORT_H_
#define VRRP_EXAMPLES_VRRP_SIM_REPORT_H_

#include <string>

#include "absl/time/time.h"
#include "scenario.h"
#include "simulation.h"

namespace vrrp_sim {

// "13.01" (centiseconds: 2 decimals; otherwise 3 or 6, as needed). Exact, no floating point.
std::string FormatSeconds(absl::Duration d);

std::string FormatText(const Scenario& scenario, const SimResult& result, bool verbose);
std::string FormatJsonLines(const SimResult& result);

}  // namespace vrrp_sim

#endif  // VRRP_EXAMPLES_VRRP_SIM_REPORT_H_
