#include "simulation.h"

#include <algorithm>
#include <map>
#include <utility>

#include "fmt/format.h"
#include "vrrp/testing/simulated_lan.h"

namespace vrrp_sim {
namespace {

using Kind = vrrp::TimelineEntry::Kind;

// The JSON event names: the core timeline's (TimelineKindName), but for the three that
// vrrp-sim's output has always spelt its own way.
std::string_view EventName(Kind kind) {
  switch (kind) {
    case Kind::kStateChanged:
      return "transition";
    case Kind::kAddressesAdded:
      return "vip_add";
    case Kind::kAddressesRemoved:
      return "vip_remove";
    default:
      return vrrp::TimelineKindName(kind);
  }
}

std::string Percent(double p) { return fmt::format("{:g}%", p); }

// The instances report one event per address; an operator reads one line per move. An address
// entry joins the event before it when both say the same of the same router at the same instant
// (the same announcement count) and the address is not in it yet: a router's one action on
// several addresses, as vrrp-sim has always shown it. A second burst for the same addresses at
// that instant stays a line of its own.
bool JoinsPrevious(const SimEvent& previous, const vrrp::TimelineEntry& entry, absl::Time start) {
  if (entry.kind != Kind::kAddressesAdded && entry.kind != Kind::kAddressesRemoved &&
      entry.kind != Kind::kAnnounce) {
    return false;
  }
  if (entry.addresses.size() != 1 || previous.event != EventName(entry.kind) ||
      previous.t != entry.time - start || previous.router != entry.router ||
      previous.detail != entry.detail) {
    return false;
  }
  if (entry.kind == Kind::kAnnounce && previous.count != entry.count) return false;
  return std::find(previous.addresses.begin(), previous.addresses.end(), entry.addresses.front()) ==
         previous.addresses.end();
}

// What each router looks like while the timeline is replayed.
struct Replay {
  bool alive = true;
  vrrp::RouterState state = vrrp::RouterState::kInitialize;
  vrrp::AddressList held;
  bool master() const { return alive && state == vrrp::RouterState::kMaster; }
};

}  // namespace

absl::StatusOr<SimResult> Simulate(const Scenario& scenario) {
  vrrp::SimulatedLanOptions options;
  options.seed = scenario.seed;
  options.through_codec = scenario.through_codec;
  vrrp::SimulatedLan lan(options);
  std::vector<vrrp::NodeId> ids;
  for (const RouterSpec& r : scenario.routers) {
    absl::StatusOr<vrrp::NodeId> id = lan.AddRouter(r.name, r.config);
    if (!id.ok()) return id.status();  // the parser validated: cannot happen
    ids.push_back(*id);
  }
  const auto& names = scenario.routers;
  // Scripted events the LAN does not record itself, each with the timeline index it precedes.
  std::vector<std::pair<size_t, SimEvent>> notes;
  auto note = [&](std::string event, std::string router, std::string detail) {
    SimEvent n;
    n.t = lan.Now() - lan.start();
    n.router = std::move(router);
    n.event = std::move(event);
    n.detail = std::move(detail);
    notes.emplace_back(lan.timeline().size(), std::move(n));
  };
  lan.StartAll();
  for (const ScriptEvent& e : scenario.events) {
    lan.At(lan.start() + e.at, [&lan, &ids, &names, &note, &e] {
      using K = ScriptEvent::Kind;
      const vrrp::NodeId r = e.router ? ids[*e.router] : 0;
      const vrrp::NodeId p = e.peer ? ids[*e.peer] : 0;
      std::string direction =
          e.peer ? fmt::format("{} -> {}", names[*e.router].name, names[*e.peer].name) : "";
      switch (e.kind) {
        case K::kCrash:
          lan.Crash(r);
          break;
        case K::kRestart:
          lan.Restart(r);
          break;
        case K::kStart:
          note("start", names[*e.router].name, "");
          lan.Start(r);
          break;
        case K::kShutdown:
          note("shutdown", names[*e.router].name, "");
          lan.Shutdown(r);
          break;
        case K::kLinkDown:
        case K::kLinkUp:
          lan.SetLinkUp(r, e.kind == K::kLinkUp);
          break;
        case K::kFaultOn:
        case K::kFaultOff:
          lan.SetFault(r, e.kind == K::kFaultOn);
          break;
        case K::kBlock:
          lan.Block(r, p);
          break;
        case K::kUnblock:
          lan.Unblock(r, p);
          break;
        case K::kPartition: {
          std::vector<vrrp::NodeId> a, b;
          for (size_t i : e.group_a) a.push_back(ids[i]);
          for (size_t i : e.group_b) b.push_back(ids[i]);
          lan.Partition(a, b);
          break;
        }
        case K::kHeal:
          lan.Heal();
          break;
        case K::kLoss:
        case K::kLatency: {
          const bool loss = e.kind == K::kLoss;
          std::string value = loss ? Percent(e.percent) : absl::FormatDuration(e.latency);
          note(loss ? "loss" : "latency", "lan",
               e.peer ? fmt::format("{} {}", direction, value)
                      : fmt::format("every link {}", value));
          for (vrrp::NodeId from = 0; from < lan.size(); ++from) {
            for (vrrp::NodeId to = 0; to < lan.size(); ++to) {
              if (from == to || (e.peer && (from != r || to != p))) continue;
              if (loss) {
                lan.SetLoss(from, to, e.percent / 100.0);
              } else {
                lan.SetLatency(from, to, e.latency);
              }
            }
          }
          break;
        }
        case K::kPriority:
          (void)lan.SetPriority(r, e.value);  // 1..255, checked by the parser
          break;
        case K::kTrack:
          lan.SetPriorityDelta(r, e.value);
          break;
      }
    });
  }
  if (absl::Status s = lan.RunUntil(lan.start() + scenario.run_until); !s.ok()) return s;

  // Merge the LAN's timeline with the notes, in order.
  std::vector<SimEvent> raw;
  const std::vector<vrrp::TimelineEntry>& timeline = lan.timeline();
  size_t next_note = 0;
  bool last_is_entry = false;  // raw.back() came from the timeline, not from a note
  for (size_t i = 0; i <= timeline.size(); ++i) {
    while (next_note < notes.size() && notes[next_note].first == i) {
      raw.push_back(std::move(notes[next_note++].second));
      last_is_entry = false;
    }
    if (i == timeline.size()) break;
    if (last_is_entry && JoinsPrevious(raw.back(), timeline[i], lan.start())) {
      raw.back().addresses.push_back(timeline[i].addresses.front());
      continue;
    }
    last_is_entry = true;
    const vrrp::TimelineEntry& entry = timeline[i];
    SimEvent e;
    e.t = entry.time - lan.start();
    e.router = entry.router;
    e.event = std::string(EventName(entry.kind));
    e.addresses = entry.addresses;
    e.detail = entry.detail;
    if (entry.kind == Kind::kStateChanged) {
      e.from = entry.from;
      e.to = entry.to;
      e.reason = entry.reason;
    }
    if (entry.kind == Kind::kAnnounce || entry.kind == Kind::kPriority) e.count = entry.count;
    raw.push_back(std::move(e));
  }

  // Replay: holders, masters per VRID, split brain judged at the end of each instant.
  SimResult result;
  result.end = scenario.run_until;
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < names.size(); ++i) index[names[i].name] = i;
  std::vector<Replay> replay(names.size());
  std::map<std::pair<int, vrrp::Family>, SplitBrain> open_split;
  std::vector<absl::Duration> master_time(names.size());
  absl::Duration last_t;

  auto masters_now = [&] {
    std::map<std::pair<int, vrrp::Family>, std::vector<std::string>> m;
    for (size_t i = 0; i < names.size(); ++i) {
      const auto key = std::make_pair(names[i].config.vrid, names[i].config.family);
      m[key];  // every group appears, with or without masters
      if (replay[i].master()) m[key].push_back(names[i].name);
    }
    return m;
  };
  auto advance = [&](absl::Duration t) {
    if (t == last_t) return;
    for (size_t i = 0; i < names.size(); ++i) {
      if (replay[i].master()) master_time[i] += t - last_t;
    }
    if (!open_split.empty()) result.split_brain_total += t - last_t;
    last_t = t;
  };
  auto judge = [&](absl::Duration t) {
    auto now = masters_now();
    for (auto& [key, masters] : now) {
      const bool split = masters.size() >= 2;
      const bool was = open_split.count(key) != 0;
      if (split && !was) {
        SimEvent e;
        e.t = t;
        e.router = "lan";
        e.event = "split_brain";
        e.vrid = key.first;
        e.masters = masters;
        result.events.push_back(e);
        open_split[key] = SplitBrain{key.first, t, t, masters};
      } else if (!split && was) {
        SimEvent e;
        e.t = t;
        e.router = "lan";
        e.event = "split_brain_over";
        e.vrid = key.first;
        e.masters = masters;
        result.events.push_back(e);
        SplitBrain sb = open_split[key];
        sb.end = t;
        result.split_brains.push_back(sb);
        open_split.erase(key);
      }
    }
  };

  for (size_t i = 0; i < raw.size(); ++i) {
    SimEvent& e = raw[i];
    advance(e.t);
    auto it = index.find(e.router);
    if (it != index.end()) {
      Replay& r = replay[it->second];
      if (e.event == "transition") {
        r.state = *e.to;
        ++result.transitions;
        if (*e.to == vrrp::RouterState::kMaster) ++result.to_master;
      } else if (e.event == "crash") {
        r.alive = false;
        e.addresses = r.held;
      } else if (e.event == "restart") {
        r.alive = true;
        r.state = vrrp::RouterState::kInitialize;
      } else if (e.event == "vip_add") {
        for (const vrrp::IpAddress& ip : e.addresses) {
          if (std::find(r.held.begin(), r.held.end(), ip) == r.held.end()) r.held.push_back(ip);
        }
      } else if (e.event == "vip_remove") {
        for (const vrrp::IpAddress& ip : e.addresses) {
          r.held.erase(std::remove(r.held.begin(), r.held.end(), ip), r.held.end());
        }
      }
      if (e.event == "vip_add" || e.event == "vip_remove") {
        for (size_t j = 0; j < names.size(); ++j) {
          const bool holds = std::any_of(e.addresses.begin(), e.addresses.end(), [&](auto& ip) {
            return std::find(replay[j].held.begin(), replay[j].held.end(), ip) !=
                   replay[j].held.end();
          });
          if (holds) e.holders.push_back(Holder{names[j].name, replay[j].alive});
        }
      }
    }
    result.events.push_back(e);
    if (i + 1 == raw.size() || raw[i + 1].t != e.t) judge(e.t);
  }
  advance(scenario.run_until);
  for (auto& [key, sb] : open_split) {
    sb.end = scenario.run_until;
    result.split_brains.push_back(sb);
  }
  std::sort(result.split_brains.begin(), result.split_brains.end(),
            [](const SplitBrain& a, const SplitBrain& b) { return a.begin < b.begin; });
  for (size_t i = 0; i < names.size(); ++i) {
    RouterSummary s;
    s.name = names[i].name;
    s.alive = lan.alive(ids[i]);
    s.state = lan.router(ids[i]).state();
    s.master_time = master_time[i];
    s.held = replay[i].held;
    result.routers.push_back(std::move(s));
  }
  result.adverts_delivered = lan.AdvertisementsDelivered();
  result.adverts_lost = lan.AdvertisementsLost();
  return result;
}

}  // namespace vrrp_sim
