// Shared by the scenario tests on the simulated LAN (election_test, vip_conflict_test): exact
// virtual times in centiseconds from the LAN's start, one VIP, routers named by host number.
#ifndef VRRP_TESTS_SUPPORT_LAN_SCENARIO_H_
#define VRRP_TESTS_SUPPORT_LAN_SCENARIO_H_

#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

#include "vrrp/testing/simulated_lan.h"

namespace vrrp::scenario {

inline const absl::Time kT0 = absl::FromUnixSeconds(1'000'000);
inline absl::Time At(int64_t cs) { return kT0 + absl::Milliseconds(cs * 10); }
inline absl::Duration Cs(int64_t cs) { return absl::Milliseconds(cs * 10); }

inline const IpAddress kVip = IpAddress::V4(192, 0, 2, 3);

// VRID 50, one VIP (kVip), primary address 192.0.2.<host>.
inline RouterConfig Config(int host, int priority, Version version = Version::kV3,
                           int64_t interval_cs = 100) {
  RouterConfig c;
  c.vrid = 50;
  c.version = version;
  c.priority = priority;
  c.advert_interval = Centiseconds(interval_cs);
  c.virtual_addresses = {kVip};
  c.primary_address = IpAddress::V4(192, 0, 2, static_cast<uint8_t>(host));
  return c;
}

inline NodeId Add(SimulatedLan& lan, const std::string& name, const RouterConfig& c) {
  absl::StatusOr<NodeId> id = lan.AddRouter(name, c);
  REQUIRE(id.ok());
  return *id;
}

inline void Run(SimulatedLan& lan, absl::Time until) {
  absl::Status s = lan.RunUntil(until);
  INFO(lan.TimelineText());
  REQUIRE(s.ok());
}

// The time of the first transition of `router` to `to` at or after `after`.
inline std::optional<absl::Time> WhenBecame(const SimulatedLan& lan, const std::string& router,
                                            RouterState to,
                                            absl::Time after = absl::InfinitePast()) {
  for (const TimelineEntry& e : lan.Transitions()) {
    if (e.router == router && e.to == to && e.time >= after) return e.time;
  }
  return std::nullopt;
}

inline std::vector<NodeId> Ids(std::initializer_list<NodeId> ids) { return ids; }

}  // namespace vrrp::scenario

#endif  // VRRP_TESTS_SUPPORT_LAN_SCENARIO_H_
