#include "svg.h"

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "fmt/format.h"

namespace vrrp_sim {

vrrp::TimelinePicture TimelineOf(const Scenario& scenario, const SimResult& result) {
  vrrp::TimelinePicture p;
  p.title = fmt::format("vrrp-sim: {}", scenario.title.empty() ? "scenario" : scenario.title);
  p.end = result.end;
  for (const RouterSpec& r : scenario.routers) {
    p.lanes.push_back(
        {.name = r.name,
         .detail = fmt::format("vrid {}, priority {}", r.config.vrid, r.config.priority),
         .group = fmt::format("{} {}", r.config.vrid, vrrp::FamilyName(r.config.family)),
         .initial = vrrp::LaneState::kInit});
  }

  struct Lane {
    vrrp::LaneState state = vrrp::LaneState::kInit;
    bool stopped = false;  // crashed or shut down: its next fall to INIT shows as DOWN
    std::vector<vrrp::IpAddress> held;
  };
  std::map<std::string, Lane> lanes;
  auto move = [&](const SimEvent& e, vrrp::LaneState to, std::string reason) {
    Lane& lane = lanes[e.router];
    p.changes.push_back(
        {.at = e.t, .router = e.router, .from = lane.state, .to = to, .reason = std::move(reason)});
    lane.state = to;
  };
  auto note = [&](const SimEvent& e, std::string text) {
    p.notes.push_back({.at = e.t, .text = e.router == "lan" ? text : e.router + ": " + text});
  };

  for (const SimEvent& e : result.events) {
    Lane& lane = lanes[e.router];
    if (e.event == "transition") {
      vrrp::LaneState to = vrrp::ToLaneState(*e.to);
      if (lane.stopped && to == vrrp::LaneState::kInit) to = vrrp::LaneState::kDown;
      move(e, to, std::string(vrrp::TransitionReasonName(*e.reason)));
    } else if (e.event == "vip_add" || e.event == "vip_remove") {
      const bool had = !lane.held.empty();
      for (const vrrp::IpAddress& ip : e.addresses) {
        auto it = std::find(lane.held.begin(), lane.held.end(), ip);
        if (e.event == "vip_add" && it == lane.held.end()) lane.held.push_back(ip);
        if (e.event == "vip_remove" && it != lane.held.end()) lane.held.erase(it);
      }
      if (had != !lane.held.empty()) {
        std::string vips;
        for (const vrrp::IpAddress& ip : lane.held)
          vips += (vips.empty() ? "" : " ") + ip.ToString();
        p.changes.push_back({.at = e.t, .router = e.router, .holds_vip = !had, .vips = vips});
      }
    } else if (e.event == "crash") {
      lane.stopped = true;
      move(e, vrrp::LaneState::kDown, "crashed");
    } else if (e.event == "restart") {
      lane.stopped = false;
      move(e, vrrp::LaneState::kInit, "restarted");
    } else if (e.event == "shutdown") {
      lane.stopped = true;  // its transition to INIT (reason shutdown) follows
      note(e, "shutdown");
    } else if (e.event == "start") {
      lane.stopped = false;
      note(e, "start");
    } else if (e.event == "network" || e.event == "loss" || e.event == "latency") {
      note(e, e.event == "network" ? e.detail : e.event + " " + e.detail);
    } else if (e.event == "link_down" || e.event == "link_up") {
      note(e, e.event == "link_down" ? "link down" : "link up");
    } else if (e.event == "fault" || e.event == "fault_cleared") {
      note(e, e.event == "fault" ? "check failed" : "check recovered");
    } else if (e.event == "priority") {
      note(e, fmt::format("priority {}", e.count.value_or(0)));
    }
    // announce, split_brain*: the picture shows these itself (split brain from the lanes).
  }
  return p;
}

absl::StatusOr<std::string> FormatSvg(const Scenario& scenario, const SimResult& result) {
  return vrrp::RenderTimelineSvg(TimelineOf(scenario, result));
}

}  // namespace vrrp_sim
