#include "report.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <utility>

#include "fmt/format.h"
#include "vrrp/json.h"

namespace vrrp_sim {
namespace {

std::string Addresses(const vrrp::AddressList& list) {
  std::string out;
  for (size_t i = 0; i < list.size(); ++i) {
    fmt::format_to(std::back_inserter(out), "{}{}", i == 0 ? "" : " ", list[i]);
  }
  return out;
}

std::string Names(const std::vector<std::string>& names, std::string_view last_sep) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? last_sep : ", ";
    out += names[i];
  }
  return out;
}

// " (crashed lb-5 still holds it)" for the holders other than `self`. Live ones are usually
// handing over at this very instant; a lasting duplicate shows as SPLIT BRAIN on its own line.
std::string Others(const SimEvent& e, std::string_view self) {
  std::vector<std::string> others;
  for (const Holder& h : e.holders) {
    if (h.name != self) others.push_back(h.alive ? h.name : "crashed " + h.name);
  }
  if (others.empty()) return "";
  return fmt::format(" ({} still hold{} it)", Names(others, "; "), others.size() > 1 ? "" : "s");
}

// "1", "0.5", "13.61": seconds without trailing zeros, for the header.
std::string Short(absl::Duration d) {
  std::string s = FormatSeconds(d);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

std::string VipPhrase(const SimEvent& e) {
  const std::string vips =
      fmt::format("VIP{} {}", e.addresses.size() > 1 ? "s" : "", Addresses(e.addresses));
  if (e.event == "vip_add") {
    return fmt::format("{} now on {}{}", vips, e.router, Others(e, e.router));
  }
  std::string where;
  for (const Holder& h : e.holders) where += (where.empty() ? "" : ", ") + h.name;
  return fmt::format("{} released{}", vips, where.empty() ? "" : " (still on " + where + ")");
}

using vrrp::JsonString;

template <typename List, typename Fn>
std::string JsonList(const List& list, Fn fn) {
  std::string out = "[";
  bool first = true;
  for (const auto& item : list) {
    if (!first) out += ",";
    first = false;
    out += JsonString(fn(item));
  }
  return out + "]";
}

}  // namespace

std::string FormatSeconds(absl::Duration d) {
  const int64_t us = absl::ToInt64Microseconds(d);
  const int64_t whole = us / 1'000'000;
  const int64_t frac = us % 1'000'000;
  if (frac % 10'000 == 0) return fmt::format("{}.{:02}", whole, frac / 10'000);
  if (frac % 1'000 == 0) return fmt::format("{}.{:03}", whole, frac / 1'000);
  return fmt::format("{}.{:06}", whole, frac);
}

std::string FormatText(const Scenario& scenario, const SimResult& result, bool verbose) {
  std::string out;
  auto o = std::back_inserter(out);
  fmt::format_to(o, "vrrp-sim: {}\n", scenario.title.empty() ? "scenario" : scenario.title);
  size_t width = 3;  // "lan"
  for (const RouterSpec& r : scenario.routers) width = std::max(width, r.name.size());
  fmt::format_to(o, "routers:\n");
  for (const RouterSpec& r : scenario.routers) {
    const vrrp::RouterConfig& c = r.config;
    std::string vips;
    for (size_t i = 0; i < c.virtual_addresses.size(); ++i) {
      fmt::format_to(std::back_inserter(vips), "{}{}", i == 0 ? "" : ",", c.virtual_addresses[i]);
      if (r.prefix_lengths[i] >= 0)
        fmt::format_to(std::back_inserter(vips), "/{}", r.prefix_lengths[i]);
    }
    fmt::format_to(o, "  {:<{}}  {}  vrid {}  priority {}  {}", r.name, width, c.primary_address,
                   c.vrid, c.priority, c.preempt ? "preempt" : "nopreempt");
    if (c.preempt_delay > absl::ZeroDuration()) {
      fmt::format_to(o, " (delay {}s)", Short(c.preempt_delay));
    }
    fmt::format_to(o, "  VRRPv{}  advert_int {}s", static_cast<int>(c.version),
                   Short(c.advert_interval.ToDuration()));
    if (r.has_pass) fmt::format_to(o, "  auth PASS");
    if (!r.initial_state.empty()) fmt::format_to(o, "  state {}", r.initial_state);
    fmt::format_to(o, "  VIP {}\n", vips);
  }
  fmt::format_to(o, "timeline (virtual seconds since start, run until {}s):\n",
                 FormatSeconds(scenario.run_until));
  const auto& ev = result.events;
  for (size_t i = 0; i < ev.size(); ++i) {
    const SimEvent& e = ev[i];
    // Folds the VIP moves (or a restart's stale removal) that came with this event.
    auto fold = [&](std::string_view kind) {
      std::vector<const SimEvent*> folded;
      while (
          i + 1 < ev.size() && ev[i + 1].t == e.t && ev[i + 1].router == e.router &&
          (ev[i + 1].event == kind ||
           (kind == "vip" && (ev[i + 1].event == "vip_add" || ev[i + 1].event == "vip_remove")) ||
           (!verbose && ev[i + 1].event == "announce"))) {
        ++i;
        if (ev[i].event != "announce") folded.push_back(&ev[i]);
      }
      return folded;
    };
    std::string line;
    if (e.event == "transition") {
      line = fmt::format("{} -> {}  ({})", *e.from, *e.to, *e.reason);
      for (const SimEvent* v : fold("vip")) line += "  " + VipPhrase(*v);
    } else if (e.event == "vip_add" || e.event == "vip_remove") {
      line = VipPhrase(e);
      if (!e.detail.empty()) line += " (" + e.detail + ")";
    } else if (e.event == "announce") {
      if (!verbose) continue;
      line = fmt::format(
          "{} x{} {}",
          e.addresses.empty() || e.addresses[0].is_v4() ? "gratuitous ARP" : "unsolicited NA",
          e.count.value_or(0), Addresses(e.addresses));
    } else if (e.event == "crash") {
      line = "crashed (silent)";
      if (!e.addresses.empty())
        line += fmt::format("; {} stays on the dead host", Addresses(e.addresses));
    } else if (e.event == "restart") {
      line = "restarted";
      for (const SimEvent* v : fold("vip_remove")) {
        line += fmt::format("; stale {} removed", Addresses(v->addresses));
      }
    } else if (e.event == "priority") {
      line = fmt::format("priority now {}", e.count.value_or(0));
    } else if (e.event == "link_down" || e.event == "link_up") {
      line = e.event == "link_down" ? "link down" : "link up";
    } else if (e.event == "fault") {
      line = "tracked check failed";
    } else if (e.event == "fault_cleared") {
      line = "tracked check recovered";
    } else if (e.event == "split_brain") {
      line = fmt::format("SPLIT BRAIN on vrid {}: {} are all MASTER", e.vrid,
                         Names(e.masters, " and "));
      if (e.masters.size() == 2) line.replace(line.rfind("all"), 3, "both");
    } else if (e.event == "split_brain_over") {
      absl::Duration began;
      for (const SplitBrain& sb : result.split_brains) {
        if (sb.vrid == e.vrid && sb.end == e.t) began = sb.begin;
      }
      line = fmt::format("split brain over on vrid {} after {}s: {}", e.vrid,
                         FormatSeconds(e.t - began),
                         e.masters.empty() ? "no MASTER" : e.masters[0] + " is the only MASTER");
    } else if (e.event == "loss" || e.event == "latency") {
      line = fmt::format("{} {}", e.event, e.detail);
    } else {
      line = e.event;
      if (!e.detail.empty()) line = e.event == "network" ? e.detail : line + " " + e.detail;
    }
    fmt::format_to(o, "  {:>7}s  {:<{}}  {}\n", FormatSeconds(e.t), e.router, width, line);
  }

  fmt::format_to(o, "summary at {}s:\n", FormatSeconds(result.end));
  std::map<int, std::vector<std::string>> masters;
  std::map<int, vrrp::AddressList> vips;
  for (size_t i = 0; i < scenario.routers.size(); ++i) {
    const RouterSpec& spec = scenario.routers[i];
    const RouterSummary& r = result.routers[i];
    masters[spec.config.vrid];
    if (r.alive && r.state == vrrp::RouterState::kMaster)
      masters[spec.config.vrid].push_back(r.name);
    for (const vrrp::IpAddress& ip : spec.config.virtual_addresses) {
      auto& list = vips[spec.config.vrid];
      if (std::find(list.begin(), list.end(), ip) == list.end()) list.push_back(ip);
    }
  }
  for (const auto& [vrid, names] : masters) {
    fmt::format_to(o, "  vrid {}: {}", vrid,
                   names.empty()       ? std::string("no MASTER")
                   : names.size() == 1 ? names[0] + " is MASTER"
                                       : "SPLIT BRAIN, MASTERs " + Names(names, " and "));
    for (const vrrp::IpAddress& ip : vips[vrid]) {
      std::vector<std::string> on;
      for (const RouterSummary& r : result.routers) {
        if (std::find(r.held.begin(), r.held.end(), ip) != r.held.end()) {
          on.push_back(r.alive ? r.name : r.name + " (crashed)");
        }
      }
      fmt::format_to(o, "; VIP {} on {}", ip, on.empty() ? std::string("nobody") : Names(on, ", "));
    }
    out += '\n';
  }
  for (const RouterSummary& r : result.routers) {
    fmt::format_to(o, "  {:<{}}  ends {:<6}  was MASTER for {}s\n", r.name, width,
                   r.alive ? std::string(vrrp::RouterStateName(r.state)) : "DEAD",
                   FormatSeconds(r.master_time));
  }
  fmt::format_to(o, "  transitions: {} ({} to MASTER)\n", result.transitions, result.to_master);
  fmt::format_to(o, "  split brain: {}s", FormatSeconds(result.split_brain_total));
  for (const SplitBrain& sb : result.split_brains) {
    fmt::format_to(o, "{} {}s..{}s vrid {} ({})", &sb == &result.split_brains[0] ? " =" : ";",
                   FormatSeconds(sb.begin), FormatSeconds(sb.end), sb.vrid,
                   Names(sb.masters, " and "));
  }
  out += '\n';
  fmt::format_to(o, "  advertisements: {} delivered, {} lost\n", result.adverts_delivered,
                 result.adverts_lost);
  return out;
}

std::string FormatJsonLines(const SimResult& result) {
  std::string out;
  auto o = std::back_inserter(out);
  auto head = [&](absl::Duration t, std::string_view router, std::string_view event) {
    fmt::format_to(o, "{{\"t\":{},\"router\":{},\"event\":{}", FormatSeconds(t), JsonString(router),
                   JsonString(event));
  };
  auto ip = [](const vrrp::IpAddress& a) { return a.ToString(); };
  auto str = [](const std::string& s) { return s; };
  for (const SimEvent& e : result.events) {
    head(e.t, e.router, e.event);
    if (e.from) {
      fmt::format_to(o, ",\"from\":{},\"to\":{},\"reason\":{}",
                     JsonString(vrrp::RouterStateName(*e.from)),
                     JsonString(vrrp::RouterStateName(*e.to)),
                     JsonString(vrrp::TransitionReasonName(*e.reason)));
    } else {
      out += ",\"from\":null,\"to\":null,\"reason\":null";
    }
    if (!e.addresses.empty() || e.event == "crash" || e.event.rfind("vip_", 0) == 0) {
      fmt::format_to(o, ",\"addresses\":{}", JsonList(e.addresses, ip));
    }
    if (e.event == "vip_add" || e.event == "vip_remove") {
      fmt::format_to(o, ",\"holders\":{}",
                     JsonList(e.holders, [](const Holder& h) { return h.name; }));
    }
    if (e.count)
      fmt::format_to(o, ",\"{}\":{}", e.event == "priority" ? "priority" : "count", *e.count);
    if (!e.detail.empty()) fmt::format_to(o, ",\"detail\":{}", JsonString(e.detail));
    if (e.event.rfind("split_brain", 0) == 0) {
      fmt::format_to(o, ",\"vrid\":{},\"masters\":{}", e.vrid, JsonList(e.masters, str));
    }
    out += "}\n";
  }
  std::vector<std::string> masters;
  for (const RouterSummary& r : result.routers) {
    if (r.alive && r.state == vrrp::RouterState::kMaster) masters.push_back(r.name);
  }
  head(result.end, "lan", "summary");
  fmt::format_to(o,
                 ",\"from\":null,\"to\":null,\"reason\":null,\"masters\":{},\"transitions\":{},"
                 "\"to_master\":{},\"split_brain_s\":{},\"master_s\":{{",
                 JsonList(masters, str), result.transitions, result.to_master,
                 FormatSeconds(result.split_brain_total));
  for (size_t i = 0; i < result.routers.size(); ++i) {
    fmt::format_to(o, "{}{}:{}", i == 0 ? "" : ",", JsonString(result.routers[i].name),
                   FormatSeconds(result.routers[i].master_time));
  }
  out += "}}\n";
  return out;
}

}  // namespace vrrp_sim
