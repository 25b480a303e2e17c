// vrrp.h's Router section: a vrrp_router wraps one vrrp::Router (router.h) and hands its actions
// out one at a time, with their addresses converted into memory the handle owns.
#include <algorithm>
#include <new>
#include <variant>

#include "core_handles.h"
#include "fmt/format.h"
#include "internal.h"
#include "vrrp/codec.h"

namespace vrrp::c_abi {

void FillRouterStats(const RouterStats& stats, vrrp_router_stats* out) {
  *out = vrrp_router_stats{};
  out->become_master = stats.become_master;
  out->release_master = stats.release_master;
  out->advert_rcvd = stats.advert_rcvd;
  out->advert_sent = stats.advert_sent;
  out->pri_zero_rcvd = stats.pri_zero_rcvd;
  out->pri_zero_sent = stats.pri_zero_sent;
  for (int i = 1; i < VRRP_DROP_COUNT; ++i) {
    out->drops[i] = stats.drops[static_cast<DropReason>(i)];
  }
  out->last_transition_reason = static_cast<int>(stats.last_transition_reason);
}

void ForgetRoute(vrrp_router* router, const vrrp_endpoint* endpoint, uint64_t key) {
  auto& routes = router->routes;
  routes.erase(
      std::remove_if(routes.begin(), routes.end(),
                     [&](const auto& r) { return r.first == endpoint && r.second == key; }),
      routes.end());
}

namespace {

int NoMemory(const char* function) {
  return Fail(VRRP_ERR_NOMEM, fmt::format("{}: out of memory", function));
}

// Fills *out from one router action; its addresses go into router->action_addresses.
void FillAction(const Action& action, vrrp_router* router, vrrp_action* out) {
  *out = vrrp_action{};
  auto addresses = [&](const AddressList& list) {
    router->action_addresses = ToCAddrs(list);
    out->n_addresses = router->action_addresses.size();
    out->addresses = router->action_addresses.data();
  };
  std::visit(Overloaded{
                 [&](const SendAdvertisement& a) {
                   out->type = VRRP_ACTION_SEND_ADVERTISEMENT;
                   out->priority = a.priority;
                 },
                 [&](const AddAddresses& a) {
                   out->type = VRRP_ACTION_ADD_ADDRESSES;
                   addresses(a.addresses);
                 },
                 [&](const RemoveAddresses& a) {
                   out->type = VRRP_ACTION_REMOVE_ADDRESSES;
                   addresses(a.addresses);
                 },
                 [&](const Announce& a) {
                   out->type = VRRP_ACTION_ANNOUNCE;
                   out->count = a.count;
                   addresses(a.addresses);
                 },
                 [&](const StateChanged& a) {
                   out->type = VRRP_ACTION_STATE_CHANGED;
                   out->from = static_cast<int>(a.from);
                   out->to = static_cast<int>(a.to);
                   out->reason = static_cast<int>(a.reason);
                 },
             },
             action);
}

}  // namespace
}  // namespace vrrp::c_abi

using vrrp::c_abi::Fail;
using vrrp::c_abi::FailNull;
using vrrp::c_abi::NoMemory;
using vrrp::c_abi::ToTime;

extern "C" {

void vrrp_router_config_init(vrrp_router_config* config) {
  if (config == nullptr) return;
  // The defaults are read from vrrp::RouterConfig itself, so the two cannot drift apart.
  const vrrp::RouterConfig d;
  *config = vrrp_router_config{};
  config->struct_version = VRRP_ROUTER_CONFIG_V1;
  config->vrid = d.vrid;  // 0: no default; validation refuses it until the caller sets one
  config->family = static_cast<int>(d.family);
  config->version = static_cast<int>(d.version);
  config->priority = d.priority;
  config->advert_interval_cs = static_cast<int>(d.advert_interval.count());
  config->virtual_addresses = nullptr;
  config->n_virtual_addresses = 0;
  config->primary_address = vrrp_addr{};  // unset
  config->preempt = d.preempt ? 1 : 0;
  config->preempt_delay = absl::ToInt64Nanoseconds(d.preempt_delay);
  config->accept_mode = d.accept_mode ? 1 : 0;
  config->down_timer_adverts = d.down_timer_adverts;
  config->garp_master_repeat = d.garp_master_repeat;
  config->garp_master_delay = absl::ToInt64Nanoseconds(d.garp_master_delay);
  config->garp_master_refresh = absl::ToInt64Nanoseconds(d.garp_master_refresh);
  config->garp_master_refresh_repeat = d.garp_master_refresh_repeat;
  config->auth_type = static_cast<int>(d.auth_type);
  config->auth_pass = nullptr;
}

int vrrp_router_new(vrrp_router** out, const vrrp_router_config* config) {
  if (out == nullptr) return FailNull("vrrp_router_new", "out");
  if (config == nullptr) return FailNull("vrrp_router_new", "config");
  *out = nullptr;
  try {
    absl::StatusOr<vrrp::RouterConfig> c = vrrp::c_abi::ToRouterConfig(*config);
    if (!c.ok()) return Fail(c.status());
    absl::StatusOr<vrrp::Router> router = vrrp::Router::Create(*std::move(c));
    if (!router.ok()) return Fail(router.status());
    *out = new vrrp_router(*std::move(router));
    return 0;
  } catch (const std::bad_alloc&) {
    return NoMemory("vrrp_router_new");
  }
}

void vrrp_router_del(vrrp_router* router) {
  if (router == nullptr) return;
  // Unlink from every endpoint first: they hold a pointer to router->router.
  for (const auto& [endpoint, key] : router->routes) {
    endpoint->endpoint.Remove(key);
    endpoint->routers.erase(key);
  }
  delete router;
}

void vrrp_router_start(vrrp_router* router, vrrp_tstamp now) {
  if (router == nullptr) return;
  try {
    router->router.Start(ToTime(now));
  } catch (const std::bad_alloc&) {
    NoMemory("vrrp_router_start");
  }
}

void vrrp_router_shutdown(vrrp_router* router, vrrp_tstamp now) {
  if (router == nullptr) return;
  try {
    router->router.Shutdown(ToTime(now));
  } catch (const std::bad_alloc&) {
    NoMemory("vrrp_router_shutdown");
  }
}

int vrrp_router_handle_packet(vrrp_router* router, vrrp_tstamp now, const uint8_t* payload,
                              size_t len, const vrrp_packet_info* info) {
  if (router == nullptr) return FailNull("vrrp_router_handle_packet", "router");
  if (payload == nullptr && len > 0) return FailNull("vrrp_router_handle_packet", "payload");
  if (info == nullptr) return FailNull("vrrp_router_handle_packet", "info");
  try {
    absl::StatusOr<vrrp::ReceiveInfo> receive = vrrp::c_abi::ToReceiveInfo(*info);
    if (!receive.ok()) return Fail(receive.status());
    vrrp::Router& r = router->router;
    // What an Endpoint does for one router: decode with its version and key, count the codec's
    // refusal on it, or hand the advertisement to the state machine.
    const vrrp::DropReason drop = vrrp::DecodeAdvertisement(
        absl::MakeConstSpan(payload, len), *receive, r.decode_options(), router->scratch);
    if (drop != vrrp::DropReason::kNone) {
      r.CountDrop(drop);
      return static_cast<int>(drop);
    }
    return static_cast<int>(r.OnAdvertisement(ToTime(now), router->scratch, receive->source));
  } catch (const std::bad_alloc&) {
    return NoMemory("vrrp_router_handle_packet");
  }
}

void vrrp_router_handle_timeout(vrrp_router* router, vrrp_tstamp now) {
  if (router == nullptr) return;
  try {
    router->router.OnTimer(ToTime(now));
  } catch (const std::bad_alloc&) {
    NoMemory("vrrp_router_handle_timeout");
  }
}

vrrp_tstamp vrrp_router_get_expiry(const vrrp_router* router) {
  if (router == nullptr) {
    FailNull("vrrp_router_get_expiry", "router");
    return VRRP_TSTAMP_MAX;
  }
  return vrrp::c_abi::ToTstamp(router->router.NextDeadline());
}

int vrrp_router_set_priority(vrrp_router* router, vrrp_tstamp now, int priority) {
  if (router == nullptr) return FailNull("vrrp_router_set_priority", "router");
  try {
    if (absl::Status s = router->router.SetPriority(ToTime(now), priority); !s.ok()) {
      return Fail(s);
    }
    return 0;
  } catch (const std::bad_alloc&) {
    return NoMemory("vrrp_router_set_priority");
  }
}

void vrrp_router_set_priority_delta(vrrp_router* router, vrrp_tstamp now, int delta) {
  if (router == nullptr) return;
  try {
    router->router.SetPriorityDelta(ToTime(now), delta);
  } catch (const std::bad_alloc&) {
    NoMemory("vrrp_router_set_priority_delta");
  }
}

void vrrp_router_set_fault(vrrp_router* router, vrrp_tstamp now, int fault) {
  if (router == nullptr) return;
  try {
    router->router.SetFault(ToTime(now), fault != 0);
  } catch (const std::bad_alloc&) {
    NoMemory("vrrp_router_set_fault");
  }
}

int vrrp_router_poll_action(vrrp_router* router, vrrp_action* out) {
  if (router == nullptr) return FailNull("vrrp_router_poll_action", "router");
  if (out == nullptr) return FailNull("vrrp_router_poll_action", "out");
  try {
    if (router->next >= router->actions.size()) {
      router->router.DrainActions(router->actions);
      router->next = 0;
      if (router->actions.empty()) return 0;
    }
    vrrp::c_abi::FillAction(router->actions[router->next++], router, out);
    return 1;
  } catch (const std::bad_alloc&) {
    return NoMemory("vrrp_router_poll_action");
  }
}

int vrrp_router_write_advertisement(vrrp_router* router, int priority, const vrrp_addr* destination,
                                    uint8_t* buf, size_t len) {
  if (router == nullptr) return FailNull("vrrp_router_write_advertisement", "router");
  if (destination == nullptr) return FailNull("vrrp_router_write_advertisement", "destination");
  if (buf == nullptr && len > 0) return FailNull("vrrp_router_write_advertisement", "buf");
  if (priority < 0 || priority > 255) {
    return Fail(VRRP_ERR_INVALID_ARGUMENT,
                fmt::format("priority {} is out of range 0..255", priority));
  }
  try {
    absl::StatusOr<vrrp::IpAddress> dest = vrrp::c_abi::ToAddress(*destination);
    if (!dest.ok()) {
      return Fail(VRRP_ERR_INVALID_ARGUMENT,
                  fmt::format("destination: {}", std::string(dest.status().message())));
    }
    const vrrp::Family family = router->router.config().family;
    if (dest->family() != family) {
      return Fail(VRRP_ERR_INVALID_ARGUMENT,
                  fmt::format("destination {} is not of the router's family (IPv{})",
                              dest->ToString(), static_cast<int>(family)));
    }
    absl::StatusOr<size_t> n = router->router.WriteAdvertisement(static_cast<uint8_t>(priority),
                                                                 *dest, absl::MakeSpan(buf, len));
    if (!n.ok()) return Fail(n.status());  // kResourceExhausted is VRRP_ERR_NOBUF
    return static_cast<int>(*n);
  } catch (const std::bad_alloc&) {
    return NoMemory("vrrp_router_write_advertisement");
  }
}

int vrrp_router_state(const vrrp_router* router) {
  if (router == nullptr) return FailNull("vrrp_router_state", "router");
  return static_cast<int>(router->router.state());
}

int vrrp_router_effective_priority(const vrrp_router* router) {
  if (router == nullptr) return FailNull("vrrp_router_effective_priority", "router");
  return router->router.effective_priority();
}

int vrrp_router_vrid(const vrrp_router* router) {
  if (router == nullptr) return FailNull("vrrp_router_vrid", "router");
  return router->router.config().vrid;
}

int vrrp_router_master_address(const vrrp_router* router, vrrp_addr* out) {
  if (router == nullptr) return FailNull("vrrp_router_master_address", "router");
  if (out == nullptr) return FailNull("vrrp_router_master_address", "out");
  const std::optional<vrrp::IpAddress>& master = router->router.master_address();
  if (!master) return 0;
  *out = vrrp::c_abi::ToCAddr(*master);
  return 1;
}

void vrrp_router_get_stats(const vrrp_router* router, vrrp_router_stats* out) {
  if (router == nullptr || out == nullptr) return;
  vrrp::c_abi::FillRouterStats(router->router.stats(), out);
}

}  // extern "C"
