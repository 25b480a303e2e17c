#include "vrrp/status.h"

#include <algorithm>
#include <iterator>

#include "fmt/format.h"
#include "vrrp/drop_reason.h"
#include "vrrp/json.h"

namespace vrrp {

std::string RouterStatsJson(const RouterStats& s) {
  std::string out = fmt::format(
      "{{\"become_master\": {}, \"release_master\": {}, \"advert_rcvd\": {}, "
      "\"advert_sent\": {}, \"pri_zero_rcvd\": {}, \"pri_zero_sent\": {}, \"drops\": {{",
      s.become_master, s.release_master, s.advert_rcvd, s.advert_sent, s.pri_zero_rcvd,
      s.pri_zero_sent);
  // From 1: kNone is an accepted packet, not a drop.
  for (size_t i = 1; i < kDropReasonCount; ++i) {
    const auto reason = static_cast<DropReason>(i);
    fmt::format_to(std::back_inserter(out), "{}\"{}\": {}", i > 1 ? ", " : "",
                   DropReasonName(reason), s.drops[reason]);
  }
  return out + "}}";
}

std::string InstanceStatusJson(const InstanceStatus& i, int indent) {
  const std::string first(static_cast<size_t>(std::max(indent, 0)), ' ');
  const std::string rest = first + ' ';
  return fmt::format(
      "{0}{{\"name\": {2}, \"interface\": {3}, \"vrid\": {4}, \"version\": {5}, "
      "\"family\": \"{6}\",\n"
      "{1}\"state\": \"{7}\", \"priority\": {8}, \"effective_priority\": {9},\n"
      "{1}\"addresses\": {10}, \"fault\": {11}, \"fault_reasons\": {12}, \"master\": {13},\n"
      "{1}\"last_transition_reason\": \"{14}\",\n"
      "{1}\"stats\": {15},\n"
      "{1}\"vip_conflicts\": {16}}}",
      first, rest, JsonString(i.name), JsonString(i.interface), i.vrid, i.version,
      i.family == Family::kIPv4 ? "ipv4" : "ipv6", RouterStateName(i.state), i.priority,
      i.effective_priority, JsonStringArray(i.addresses), i.fault ? "true" : "false",
      JsonStringArray(i.fault_reasons), i.master ? JsonString(i.master->ToString()) : "null",
      TransitionReasonName(i.stats.last_transition_reason), RouterStatsJson(i.stats),
      VipConflictStatsJson(i.conflicts));
}

std::string VipConflictStatsJson(const VipConflictStats& s) {
  return fmt::format(
      "{{\"claims\": {}, \"yields\": {}, \"reclaims\": {}, \"rejoins\": {}, \"probes\": {}, "
      "\"black_holes\": {}, \"takeovers\": {}}}",
      s.claims, s.yields, s.reclaims, s.rejoins, s.probes, s.black_holes, s.takeovers);
}

}  // namespace vrrp
