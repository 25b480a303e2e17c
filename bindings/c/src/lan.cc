// vrrp.h's Simulated LAN section: a vrrp_lan wraps one vrrp::SimulatedLan
// (vrrp/testing/simulated_lan.h). Node numbers are its NodeIds; times are nanoseconds since the
// LAN's start, so a test reads "+3.6 s" rather than the LAN's arbitrary epoch.
#include <cmath>
#include <new>
#include <optional>
#include <string>

#include "core_handles.h"
#include "fmt/format.h"
#include "internal.h"
#include "vrrp/testing/simulated_lan.h"

// Thread-safety: none (vrrp.h). Owns its LAN, whose nodes live until the handle is deleted.
struct vrrp_lan {
  explicit vrrp_lan(const vrrp::SimulatedLanOptions& options) : lan(options) {}

  vrrp::SimulatedLan lan;
  vrrp::c_abi::EventStorage event;  // the strings of the last polled event
};

namespace vrrp::c_abi {
namespace {

int NoMemory(const char* function) {
  return Fail(VRRP_ERR_NOMEM, fmt::format("{}: out of memory", function));
}

// 0 when `node` exists, else VRRP_ERR_NOT_FOUND (recorded).
int CheckNode(const vrrp_lan* lan, const char* function, int node) {
  if (node >= 0 && static_cast<size_t>(node) < lan->lan.size()) return 0;
  return Fail(VRRP_ERR_NOT_FOUND, fmt::format("{}: node {} does not exist (the LAN has {})",
                                              function, node, lan->lan.size()));
}

int CheckProbability(const char* function, double p) {
  if (p >= 0.0 && p <= 1.0) return 0;  // false for NaN too
  return Fail(VRRP_ERR_INVALID_ARGUMENT,
              fmt::format("{}: loss probability {} is out of range 0..1", function, p));
}

int CheckLatency(const char* function, vrrp_tstamp latency) {
  if (latency >= 0) return 0;
  return Fail(VRRP_ERR_INVALID_ARGUMENT,
              fmt::format("{}: latency {} ns is negative", function, latency));
}

// Writes up to cap of `nodes` and returns how many there are.
int WriteNodes(const std::vector<NodeId>& nodes, int* out, size_t cap) {
  for (size_t i = 0; i < nodes.size() && i < cap; ++i) out[i] = static_cast<int>(nodes[i]);
  return static_cast<int>(nodes.size());
}

// The body of a vrrp_lan_<event>(lan, node) call: checks, then runs `fn` on the node.
template <typename Fn>
int OnNode(vrrp_lan* lan, const char* function, int node, Fn fn) {
  if (lan == nullptr) return FailNull(function, "lan");
  if (int e = CheckNode(lan, function, node); e != 0) return e;
  try {
    fn(static_cast<NodeId>(node));
    return 0;
  } catch (const std::bad_alloc&) {
    return NoMemory(function);
  }
}

// The same for a (from, to) link.
template <typename Fn>
int OnLink(vrrp_lan* lan, const char* function, int from, int to, Fn fn) {
  if (lan == nullptr) return FailNull(function, "lan");
  if (int e = CheckNode(lan, function, from); e != 0) return e;
  if (int e = CheckNode(lan, function, to); e != 0) return e;
  try {
    fn(static_cast<NodeId>(from), static_cast<NodeId>(to));
    return 0;
  } catch (const std::bad_alloc&) {
    return NoMemory(function);
  }
}

}  // namespace
}  // namespace vrrp::c_abi

using vrrp::NodeId;
using vrrp::c_abi::Fail;
using vrrp::c_abi::FailNull;
using vrrp::c_abi::NoMemory;
using vrrp::c_abi::OnLink;
using vrrp::c_abi::OnNode;

extern "C" {

void vrrp_lan_options_init(vrrp_lan_options* options) {
  if (options == nullptr) return;
  const vrrp::SimulatedLanOptions d;  // the C++ defaults, so the two cannot drift apart
  *options = vrrp_lan_options{};
  options->seed = d.seed;
  options->latency = absl::ToInt64Nanoseconds(d.latency);
  options->loss = d.loss;
  options->through_codec = d.through_codec ? 1 : 0;
  options->queue_events = d.queue_events ? 1 : 0;
}

int vrrp_lan_new(vrrp_lan** out, const vrrp_lan_options* options) {
  if (out == nullptr) return FailNull("vrrp_lan_new", "out");
  *out = nullptr;
  vrrp_lan_options o;
  vrrp_lan_options_init(&o);
  if (options != nullptr) o = *options;
  if (int e = vrrp::c_abi::CheckLatency("vrrp_lan_new", o.latency); e != 0) return e;
  if (int e = vrrp::c_abi::CheckProbability("vrrp_lan_new", o.loss); e != 0) return e;
  vrrp::SimulatedLanOptions lan_options;
  lan_options.seed = o.seed;
  lan_options.latency = absl::Nanoseconds(o.latency);
  lan_options.loss = o.loss;
  lan_options.through_codec = o.through_codec != 0;
  lan_options.queue_events = o.queue_events != 0;
  try {
    *out = new vrrp_lan(lan_options);
    return 0;
  } catch (const std::bad_alloc&) {
    return NoMemory("vrrp_lan_new");
  }
}

void vrrp_lan_del(vrrp_lan* lan) { delete lan; }

int vrrp_lan_add_router(vrrp_lan* lan, const char* name, const vrrp_router_config* config) {
  if (lan == nullptr) return FailNull("vrrp_lan_add_router", "lan");
  if (name == nullptr) return FailNull("vrrp_lan_add_router", "name");
  if (config == nullptr) return FailNull("vrrp_lan_add_router", "config");
  try {
    // SimulatedLan says kInvalidArgument for a taken name; vrrp.h promises VRRP_ERR_EXISTS.
    for (NodeId n = 0; n < lan->lan.size(); ++n) {
      if (lan->lan.name(n) == name) {
        return Fail(VRRP_ERR_EXISTS, fmt::format("router name {} is already used", name));
      }
    }
    absl::StatusOr<vrrp::RouterConfig> c = vrrp::c_abi::ToRouterConfig(*config);
    if (!c.ok()) return Fail(c.status());
    absl::StatusOr<NodeId> node = lan->lan.AddRouter(name, *std::move(c));
    if (!node.ok()) return Fail(node.status());
    return static_cast<int>(*node);
  } catch (const std::bad_alloc&) {
    return NoMemory("vrrp_lan_add_router");
  }
}

int vrrp_lan_start(vrrp_lan* lan, int node) {
  return OnNode(lan, "vrrp_lan_start", node, [&](NodeId n) { lan->lan.Start(n); });
}

int vrrp_lan_start_all(vrrp_lan* lan) {
  if (lan == nullptr) return FailNull("vrrp_lan_start_all", "lan");
  try {
    lan->lan.StartAll();
    return 0;
  } catch (const std::bad_alloc&) {
    return NoMemory("vrrp_lan_start_all");
  }
}

int vrrp_lan_shutdown(vrrp_lan* lan, int node) {
  return OnNode(lan, "vrrp_lan_shutdown", node, [&](NodeId n) { lan->lan.Shutdown(n); });
}

int vrrp_lan_crash(vrrp_lan* lan, int node) {
  return OnNode(lan, "vrrp_lan_crash", node, [&](NodeId n) { lan->lan.Crash(n); });
}

int vrrp_lan_restart(vrrp_lan* lan, int node) {
  return OnNode(lan, "vrrp_lan_restart", node, [&](NodeId n) { lan->lan.Restart(n); });
}

int vrrp_lan_set_link_up(vrrp_lan* lan, int node, int up) {
  return OnNode(lan, "vrrp_lan_set_link_up", node,
                [&](NodeId n) { lan->lan.SetLinkUp(n, up != 0); });
}

int vrrp_lan_set_fault(vrrp_lan* lan, int node, int fault) {
  return OnNode(lan, "vrrp_lan_set_fault", node,
                [&](NodeId n) { lan->lan.SetFault(n, fault != 0); });
}

int vrrp_lan_set_priority(vrrp_lan* lan, int node, int priority) {
  int result = 0;
  const int e = OnNode(lan, "vrrp_lan_set_priority", node, [&](NodeId n) {
    if (absl::Status s = lan->lan.SetPriority(n, priority); !s.ok()) result = Fail(s);
  });
  return e != 0 ? e : result;
}

int vrrp_lan_set_priority_delta(vrrp_lan* lan, int node, int delta) {
  return OnNode(lan, "vrrp_lan_set_priority_delta", node,
                [&](NodeId n) { lan->lan.SetPriorityDelta(n, delta); });
}

int vrrp_lan_block(vrrp_lan* lan, int from, int to) {
  return OnLink(lan, "vrrp_lan_block", from, to, [&](NodeId f, NodeId t) { lan->lan.Block(f, t); });
}

int vrrp_lan_unblock(vrrp_lan* lan, int from, int to) {
  return OnLink(lan, "vrrp_lan_unblock", from, to,
                [&](NodeId f, NodeId t) { lan->lan.Unblock(f, t); });
}

int vrrp_lan_set_loss(vrrp_lan* lan, int from, int to, double probability) {
  if (int e = vrrp::c_abi::CheckProbability("vrrp_lan_set_loss", probability); e != 0) return e;
  return OnLink(lan, "vrrp_lan_set_loss", from, to,
                [&](NodeId f, NodeId t) { lan->lan.SetLoss(f, t, probability); });
}

int vrrp_lan_set_latency(vrrp_lan* lan, int from, int to, vrrp_tstamp latency) {
  if (int e = vrrp::c_abi::CheckLatency("vrrp_lan_set_latency", latency); e != 0) return e;
  return OnLink(lan, "vrrp_lan_set_latency", from, to,
                [&](NodeId f, NodeId t) { lan->lan.SetLatency(f, t, absl::Nanoseconds(latency)); });
}

int vrrp_lan_heal(vrrp_lan* lan) {
  if (lan == nullptr) return FailNull("vrrp_lan_heal", "lan");
  try {
    lan->lan.Heal();
    return 0;
  } catch (const std::bad_alloc&) {
    return NoMemory("vrrp_lan_heal");
  }
}

int vrrp_lan_run_for(vrrp_lan* lan, vrrp_tstamp duration) {
  if (lan == nullptr) return FailNull("vrrp_lan_run_for", "lan");
  if (duration < 0) {
    return Fail(VRRP_ERR_INVALID_ARGUMENT,
                fmt::format("vrrp_lan_run_for: duration {} ns is negative", duration));
  }
  try {
    absl::Status s = lan->lan.RunFor(absl::Nanoseconds(duration));
    if (s.ok()) return 0;
    // The LAN's one failure: too many events at one virtual instant.
    if (s.code() == absl::StatusCode::kResourceExhausted) {
      return Fail(VRRP_ERR_LIVELOCK, std::string(s.message()));
    }
    return Fail(s);
  } catch (const std::bad_alloc&) {
    return NoMemory("vrrp_lan_run_for");
  }
}

vrrp_tstamp vrrp_lan_now(const vrrp_lan* lan) {
  if (lan == nullptr) return FailNull("vrrp_lan_now", "lan");
  return absl::ToInt64Nanoseconds(lan->lan.Now() - lan->lan.start());
}

int vrrp_lan_size(const vrrp_lan* lan) {
  if (lan == nullptr) return FailNull("vrrp_lan_size", "lan");
  return static_cast<int>(lan->lan.size());
}

int vrrp_lan_state(const vrrp_lan* lan, int node) {
  if (lan == nullptr) return FailNull("vrrp_lan_state", "lan");
  if (int e = vrrp::c_abi::CheckNode(lan, "vrrp_lan_state", node); e != 0) return e;
  return static_cast<int>(lan->lan.router(static_cast<NodeId>(node)).state());
}

int vrrp_lan_alive(const vrrp_lan* lan, int node) {
  if (lan == nullptr) return FailNull("vrrp_lan_alive", "lan");
  if (int e = vrrp::c_abi::CheckNode(lan, "vrrp_lan_alive", node); e != 0) return e;
  return lan->lan.alive(static_cast<NodeId>(node)) ? 1 : 0;
}

int vrrp_lan_masters(const vrrp_lan* lan, int* nodes, size_t cap) {
  if (lan == nullptr) return FailNull("vrrp_lan_masters", "lan");
  if (nodes == nullptr && cap > 0) return FailNull("vrrp_lan_masters", "nodes");
  try {
    return vrrp::c_abi::WriteNodes(lan->lan.Masters(), nodes, cap);
  } catch (const std::bad_alloc&) {
    return NoMemory("vrrp_lan_masters");
  }
}

int vrrp_lan_holders(const vrrp_lan* lan, const vrrp_addr* address, int* nodes, size_t cap) {
  if (lan == nullptr) return FailNull("vrrp_lan_holders", "lan");
  if (address == nullptr) return FailNull("vrrp_lan_holders", "address");
  if (nodes == nullptr && cap > 0) return FailNull("vrrp_lan_holders", "nodes");
  try {
    absl::StatusOr<vrrp::IpAddress> a = vrrp::c_abi::ToAddress(*address);
    if (!a.ok()) return Fail(a.status());
    return vrrp::c_abi::WriteNodes(lan->lan.Holders(*a), nodes, cap);
  } catch (const std::bad_alloc&) {
    return NoMemory("vrrp_lan_holders");
  }
}

int vrrp_lan_get_stats(const vrrp_lan* lan, int node, vrrp_router_stats* out) {
  if (lan == nullptr) return FailNull("vrrp_lan_get_stats", "lan");
  if (out == nullptr) return FailNull("vrrp_lan_get_stats", "out");
  if (int e = vrrp::c_abi::CheckNode(lan, "vrrp_lan_get_stats", node); e != 0) return e;
  vrrp::c_abi::FillRouterStats(lan->lan.router(static_cast<NodeId>(node)).stats(), out);
  return 0;
}

int vrrp_lan_timeline(const vrrp_lan* lan, char* buf, size_t len) {
  if (lan == nullptr) return FailNull("vrrp_lan_timeline", "lan");
  if (buf == nullptr && len > 0) return FailNull("vrrp_lan_timeline", "buf");
  try {
    return vrrp::c_abi::WriteText(lan->lan.TimelineText(), buf, len);
  } catch (const std::bad_alloc&) {
    return NoMemory("vrrp_lan_timeline");
  }
}

int vrrp_lan_poll_event(vrrp_lan* lan, vrrp_event* out) {
  if (lan == nullptr) return FailNull("vrrp_lan_poll_event", "lan");
  if (out == nullptr) return FailNull("vrrp_lan_poll_event", "out");
  try {
    std::optional<vrrp::InstanceEvent> event = lan->lan.PollEvent();
    if (!event) return 0;
    vrrp::c_abi::FillEvent(*event, lan->event, out);
    // The LAN's times are relative to its start (vrrp.h), not its internal epoch.
    out->time = absl::ToInt64Nanoseconds(event->time - lan->lan.start());
    return 1;
  } catch (const std::bad_alloc&) {
    return NoMemory("vrrp_lan_poll_event");
  }
}

}  // extern "C"
