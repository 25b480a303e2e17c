// vrrp-sim's run as a picture (--svg FILE): the simulation's events turned into the neutral
// input of vrrp/timeline_svg.h (a lane per router, its transitions with their reasons, who
// holds the VIPs, split brain shaded), with the scripted network events as notes.
//
//   absl::StatusOr<std::string> svg = vrrp_sim::FormatSvg(scenario, result);
//
// Lanes are in declaration order; a crashed or shut-down router's lane is DOWN until it starts
// again (a crashed one keeps its VIP strip: the addresses stay on the dead host). Split brain
// is judged per VRID and family, as the text report judges it.
#ifndef VRRP_EXAMPLES_VRRP_SIM_SVG_H_
#define VRRP_EXAMPLES_VRRP_SIM_SVG_H_

#include <string>

#include "absl/status/statusor.h"
#include "scenario.h"
#include "simulation.h"
#include "vrrp/timeline_svg.h"

namespace vrrp_sim {

// The picture's input, for tests and for other renderers.
vrrp::TimelinePicture TimelineOf(const Scenario& scenario, const SimResult& result);

absl::StatusOr<std::string> FormatSvg(const Scenario& scenario, const SimResult& result);

}  // namespace vrrp_sim

#endif  // VRRP_EXAMPLES_VRRP_SIM_SVG_H_
