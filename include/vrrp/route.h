// Routes and policy-routing rules as keepalived's static_routes / virtual_routes and
// static_rules / virtual_rules write them (`ip route add` / `ip rule add` syntax), as plain data.
// The daemon adds a virtual route or rule when its instance becomes Master and removes it when
// the instance leaves Master; static ones stay while the daemon runs. The netlink messages are
// vrrp/linux/route_messages.h.
//
//   vrrp::Route r{.destination = *vrrp::IpPrefix::Parse("198.51.100.0/24"),
//                 .gateway = *vrrp::IpAddress::Parse("192.0.2.1"), .table = 100};
//   fmt::print("{}\n", vrrp::ToString(r));  // 198.51.100.0/24 via 192.0.2.1 table 100
//
// This header is core: no system calls.
#ifndef VRRP_ROUTE_H_
#define VRRP_ROUTE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "vrrp/ip_address.h"

namespace vrrp {

// The rtm_protocol (and FRA_PROTOCOL) vrrpd tags its routes and rules with, so that a start-up
// finds those a killed run left behind and removes them, and nothing else. 118 is free in
// iproute2's rt_protos (keepalived's is 18: the two daemons never remove each other's) and
// below 128, outside the block routing daemons such as bird and FRR take numbers from.
inline constexpr uint8_t kRouteProtocol = 118;
// RT_TABLE_MAIN: where `ip route add` puts a route (and `ip rule` sends traffic) by default.
inline constexpr uint32_t kMainTable = 254;

// rtm_type: the kinds `ip route add TYPE PREFIX` takes that a keepalived.conf uses.
enum class RouteType : uint8_t { kUnicast, kBlackhole, kUnreachable, kProhibit, kThrow };
std::string_view RouteTypeName(RouteType type);  // "unicast", "blackhole", ...

struct Route {
  IpPrefix destination;  // "default" is 0.0.0.0/0 (or ::/0 with a v6 gateway)
  RouteType type = RouteType::kUnicast;
  std::optional<IpAddress> gateway;  // via / gw
  std::string interface;             // dev; empty: the kernel finds it from the gateway
  std::optional<IpAddress> source;   // src: the preferred source address
  std::optional<uint32_t> metric;    // metric / priority / preference
  uint32_t table = kMainTable;
  // rtm_scope as a number (RT_SCOPE_*); nullopt: as `ip route add` chooses (link for a unicast
  // route without a gateway, universe otherwise).
  std::optional<uint8_t> scope;
  // proto / protocol; nullopt: kRouteProtocol. A route given another one is not found by the
  // start-up cleanup.
  std::optional<uint8_t> protocol;

  Family family() const { return destination.address.family(); }
  friend bool operator==(const Route&, const Route&) = default;
};

struct Rule {
  Family family = Family::kIPv4;  // of from / to, or `inet6`
  std::optional<IpPrefix> from;
  std::optional<IpPrefix> to;
  // preference / priority / pref; nullopt: the kernel picks one (just before the lowest taken).
  std::optional<uint32_t> priority;
  std::string iif;  // iif / oif: interface names, which need not exist yet
  std::string oif;
  std::optional<uint32_t> fwmark;
  std::optional<uint32_t> fwmask;   // with fwmark: fwmark N/MASK
  uint32_t table = kMainTable;      // lookup TABLE
  std::optional<uint8_t> protocol;  // nullopt: kRouteProtocol

  friend bool operator==(const Rule&, const Rule&) = default;
};

// kInvalidArgument naming the fault: a gateway or source of another family than the
// destination, host bits set in a prefix (the kernel refuses them), a gateway or interface on a
// route that is not unicast (the kernel refuses them), an interface name that cannot be one; for
// a rule, a prefix of another family than the rule's, fwmask without fwmark.
[[nodiscard]] absl::Status Validate(const Route& route);
[[nodiscard]] absl::Status Validate(const Rule& rule);

// In `ip route` / `ip rule` words, for logs and errors: "198.51.100.0/24 via 192.0.2.1 dev eth0
// table 100", "from 192.0.2.0/24 lookup 100 pref 100".
std::string ToString(const Route& route);
std::string ToString(const Rule& rule);

}  // namespace vrrp

#endif  // VRRP_ROUTE_H_
