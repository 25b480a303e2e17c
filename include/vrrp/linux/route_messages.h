// The rtnetlink messages for keepalived's static and virtual routes and rules (vrrp/route.h), as
// pure functions over bytes like netlink_messages.h: builders for RTM_NEWROUTE / RTM_DELROUTE
// (<linux/rtnetlink.h>) and RTM_NEWRULE / RTM_DELRULE (<linux/fib_rules.h>), the dumps, and the
// reader that turns a dump into the deletions of the routes or rules one protocol tagged (the
// start-up cleanup of what a killed run left). The sending is NetlinkRouteControl's
// (route_control.h).
//
//   alignas(4) std::array<uint8_t, vrrp::os::kRouteRequestMaxSize> buffer;
//   absl::StatusOr<size_t> size = vrrp::os::BuildNewRoute(absl::MakeSpan(buffer), route,
//                                                         ifindex, /*seq=*/7);
//   ... send, then ParseAck(datagram, 7, "RTM_NEWROUTE", vrrp::ToString(route)).
#ifndef VRRP_LINUX_ROUTE_MESSAGES_H_
#define VRRP_LINUX_ROUTE_MESSAGES_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "vrrp/ip_address.h"
#include "vrrp/route.h"

namespace vrrp::os {

// header (16) + rtmsg (12) + RTA_DST, RTA_GATEWAY and RTA_PREFSRC for IPv6 (3 × 20) + RTA_OIF,
// RTA_PRIORITY and RTA_TABLE (3 × 8) = 112.
inline constexpr size_t kRouteRequestMaxSize = 112;
// header (16) + fib_rule_hdr (12) + FRA_SRC and FRA_DST for IPv6 (2 × 20) + FRA_IIFNAME and
// FRA_OIFNAME (2 × 20) + FRA_PRIORITY, FRA_FWMARK, FRA_FWMASK, FRA_TABLE, FRA_PROTOCOL (5 × 8)
// = 148.
inline constexpr size_t kRuleRequestMaxSize = 148;

// Buffers as for BuildNewAddress: 4-byte aligned; the length is returned, or kInvalidArgument
// (misaligned, too small, or a route Validate() refuses). `ifindex` is route.interface's index,
// 0 when it names none.
//
// RTM_NEWROUTE with NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, as `ip route add`
// (an equal route already there is EEXIST, which the caller may count as added). rtm_protocol
// is route.protocol or kRouteProtocol; rtm_scope route.scope or, as `ip route add` chooses,
// RT_SCOPE_LINK for a unicast route without a gateway and RT_SCOPE_UNIVERSE otherwise;
// rtm_table the table when it fits in 8 bits (RT_TABLE_UNSPEC otherwise) and RTA_TABLE always.
// Attributes: RTA_DST (not for a /0), RTA_GATEWAY, RTA_PREFSRC, RTA_OIF, RTA_PRIORITY, each
// when set.
absl::StatusOr<size_t> BuildNewRoute(absl::Span<uint8_t> buffer, const Route& route,
                                     uint32_t ifindex, uint32_t seq);
// RTM_DELROUTE with NLM_F_REQUEST | NLM_F_ACK and the same fields, except rtm_scope
// RT_SCOPE_NOWHERE (any scope, as `ip route del`). The protocol is given, so the kernel removes
// only a route of that protocol: an equal route someone else added stays.
absl::StatusOr<size_t> BuildDeleteRoute(absl::Span<uint8_t> buffer, const Route& route,
                                        uint32_t ifindex, uint32_t seq);

// RTM_NEWRULE with NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, as `ip rule add`:
// fib_rule_hdr with the family, the prefix lengths, the table when it fits in 8 bits and action
// FR_ACT_TO_TBL; FRA_SRC, FRA_DST (not for a /0), FRA_PRIORITY, FRA_IIFNAME, FRA_OIFNAME,
// FRA_FWMARK, FRA_FWMASK when set; FRA_TABLE and FRA_PROTOCOL (rule.protocol or
// kRouteProtocol) always.
absl::StatusOr<size_t> BuildNewRule(absl::Span<uint8_t> buffer, const Rule& rule, uint32_t seq);
// RTM_DELRULE with NLM_F_REQUEST | NLM_F_ACK and the same fields: the kernel removes the first
// rule that matches all of them, so one of another protocol stays.
absl::StatusOr<size_t> BuildDeleteRule(absl::Span<uint8_t> buffer, const Rule& rule, uint32_t seq);

// RTM_GETROUTE / RTM_GETRULE with NLM_F_REQUEST | NLM_F_DUMP for one family: every table.
// The route dump asks for `protocol` only (rtm_protocol; kernels with strict checking filter on
// it, the reader below filters anyway).
absl::StatusOr<size_t> BuildRouteDump(absl::Span<uint8_t> buffer, Family family, uint8_t protocol,
                                      uint32_t seq);
absl::StatusOr<size_t> BuildRuleDump(absl::Span<uint8_t> buffer, Family family, uint32_t seq);

// Reads one datagram of the route or rule dump `seq` and appends, for each RTM_NEWROUTE or
// RTM_NEWRULE of `protocol` (rtm_protocol, FRA_PROTOCOL), the request that deletes it: the
// message itself as RTM_DELROUTE / RTM_DELRULE with NLM_F_REQUEST | NLM_F_ACK and sequence 0
// for the caller to set, as `ip route flush proto N` does. Cached routes (RTM_F_CLONED) are
// skipped. true: NLMSG_DONE was seen. Errors as ParseAddressDump's.
absl::StatusOr<bool> ParseFlushDump(absl::Span<const uint8_t> datagram, uint32_t seq,
                                    uint8_t protocol, std::string_view call,
                                    std::vector<std::vector<uint8_t>>& out);

}  // namespace vrrp::os

#endif  // VRRP_LINUX_ROUTE_MESSAGES_H_
