#include "vrrp/linux/route_messages.h"

#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cstring>
#include <string>
#include <vector>

#include "fmt/format.h"
#include "netlink_framing.h"
#include "vrrp/linux/sys_error.h"

namespace vrrp::os {
namespace {

uint8_t KernelFamily(Family family) { return family == Family::kIPv4 ? AF_INET : AF_INET6; }

uint8_t KernelType(RouteType type) {
  switch (type) {
    case RouteType::kUnicast:
      return RTN_UNICAST;
    case RouteType::kBlackhole:
      return RTN_BLACKHOLE;
    case RouteType::kUnreachable:
      return RTN_UNREACHABLE;
    case RouteType::kProhibit:
      return RTN_PROHIBIT;
    case RouteType::kThrow:
      return RTN_THROW;
  }
  return RTN_UNICAST;
}

// rtm_table / fib_rule_hdr.table are 8 bits: a larger table goes in RTA_TABLE / FRA_TABLE alone.
uint8_t ShortTable(uint32_t table) {
  return table < 256 ? static_cast<uint8_t>(table) : static_cast<uint8_t>(RT_TABLE_UNSPEC);
}

size_t AddressAttribute(const IpAddress& address) { return AttributeSize(address.bytes().size()); }

void PutAddress(nlmsghdr* nlh, uint16_t type, const IpAddress& address) {
  mnl_attr_put(nlh, type, address.bytes().size(), address.bytes().data());
}

absl::StatusOr<size_t> BuildRouteRequest(absl::Span<uint8_t> buffer, const Route& route,
                                         uint32_t ifindex, uint32_t seq, bool add) {
  if (absl::Status valid = Validate(route); !valid.ok()) return valid;
  const bool has_dst = route.destination.prefix_len > 0;
  size_t needed = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(rtmsg)) + AttributeSize(sizeof(uint32_t));
  if (has_dst) needed += AddressAttribute(route.destination.address);
  if (route.gateway) needed += AddressAttribute(*route.gateway);
  if (route.source) needed += AddressAttribute(*route.source);
  if (ifindex != 0) needed += AttributeSize(sizeof(uint32_t));
  if (route.metric) needed += AttributeSize(sizeof(uint32_t));
  const uint16_t flags =
      add ? NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL : NLM_F_REQUEST | NLM_F_ACK;
  absl::StatusOr<nlmsghdr*> nlh =
      StartMessage(buffer, needed, add ? RTM_NEWROUTE : RTM_DELROUTE, flags, seq);
  if (!nlh.ok()) return nlh.status();
  auto* rtm = static_cast<rtmsg*>(mnl_nlmsg_put_extra_header(*nlh, sizeof(rtmsg)));
  rtm->rtm_family = KernelFamily(route.family());
  rtm->rtm_dst_len = static_cast<uint8_t>(route.destination.prefix_len);
  rtm->rtm_table = ShortTable(route.table);
  rtm->rtm_protocol = route.protocol.value_or(kRouteProtocol);
  rtm->rtm_type = KernelType(route.type);
  if (!add) {
    rtm->rtm_scope = RT_SCOPE_NOWHERE;  // any scope, as `ip route del`
  } else if (route.scope) {
    rtm->rtm_scope = *route.scope;
  } else {
    // `ip route add`'s choice: a unicast route with no gateway reaches its hosts directly.
    const bool direct = route.type == RouteType::kUnicast && !route.gateway;
    rtm->rtm_scope = direct ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
  }
  if (has_dst) PutAddress(*nlh, RTA_DST, route.destination.address);
  if (route.gateway) PutAddress(*nlh, RTA_GATEWAY, *route.gateway);
  if (route.source) PutAddress(*nlh, RTA_PREFSRC, *route.source);
  if (ifindex != 0) mnl_attr_put_u32(*nlh, RTA_OIF, ifindex);
  if (route.metric) mnl_attr_put_u32(*nlh, RTA_PRIORITY, *route.metric);
  mnl_attr_put_u32(*nlh, RTA_TABLE, route.table);
  return (*nlh)->nlmsg_len;
}

absl::StatusOr<size_t> BuildRuleRequest(absl::Span<uint8_t> buffer, const Rule& rule, uint32_t seq,
                                        bool add) {
  if (absl::Status valid = Validate(rule); !valid.ok()) return valid;
  const bool has_src = rule.from && rule.from->prefix_len > 0;
  const bool has_dst = rule.to && rule.to->prefix_len > 0;
  size_t needed = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(fib_rule_hdr)) +
                  AttributeSize(sizeof(uint32_t)) + AttributeSize(sizeof(uint8_t));
  if (has_src) needed += AddressAttribute(rule.from->address);
  if (has_dst) needed += AddressAttribute(rule.to->address);
  if (rule.priority) needed += AttributeSize(sizeof(uint32_t));
  if (!rule.iif.empty()) needed += AttributeSize(rule.iif.size() + 1);
  if (!rule.oif.empty()) needed += AttributeSize(rule.oif.size() + 1);
  if (rule.fwmark) needed += AttributeSize(sizeof(uint32_t));
  if (rule.fwmask) needed += AttributeSize(sizeof(uint32_t));
  const uint16_t flags =
      add ? NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL : NLM_F_REQUEST | NLM_F_ACK;
  absl::StatusOr<nlmsghdr*> nlh =
      StartMessage(buffer, needed, add ? RTM_NEWRULE : RTM_DELRULE, flags, seq);
  if (!nlh.ok()) return nlh.status();
  auto* frh = static_cast<fib_rule_hdr*>(mnl_nlmsg_put_extra_header(*nlh, sizeof(fib_rule_hdr)));
  frh->family = KernelFamily(rule.family);
  frh->src_len = has_src ? static_cast<uint8_t>(rule.from->prefix_len) : 0;
  frh->dst_len = has_dst ? static_cast<uint8_t>(rule.to->prefix_len) : 0;
  frh->table = ShortTable(rule.table);
  frh->action = FR_ACT_TO_TBL;
  if (has_src) PutAddress(*nlh, FRA_SRC, rule.from->address);
  if (has_dst) PutAddress(*nlh, FRA_DST, rule.to->address);
  if (rule.priority) mnl_attr_put_u32(*nlh, FRA_PRIORITY, *rule.priority);
  if (!rule.iif.empty()) mnl_attr_put_strz(*nlh, FRA_IIFNAME, rule.iif.c_str());
  if (!rule.oif.empty()) mnl_attr_put_strz(*nlh, FRA_OIFNAME, rule.oif.c_str());
  if (rule.fwmark) mnl_attr_put_u32(*nlh, FRA_FWMARK, *rule.fwmark);
  if (rule.fwmask) mnl_attr_put_u32(*nlh, FRA_FWMASK, *rule.fwmask);
  mnl_attr_put_u32(*nlh, FRA_TABLE, rule.table);
  mnl_attr_put_u8(*nlh, FRA_PROTOCOL, rule.protocol.value_or(kRouteProtocol));
  return (*nlh)->nlmsg_len;
}

// FRA_PROTOCOL of an RTM_NEWRULE message; 0 (RTPROT_UNSPEC) when absent, as the kernel reports
// the rules added before it had the attribute.
absl::StatusOr<uint8_t> RuleProtocol(absl::Span<const uint8_t> message, std::string_view call) {
  const size_t start = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(fib_rule_hdr));
  if (message.size() < start) {
    return Malformed(call, "", fmt::format("RTM_NEWRULE of {} bytes", message.size()));
  }
  size_t offset = start;
  while (offset + sizeof(nlattr) <= message.size()) {
    const auto attribute = ReadAs<nlattr>(message.data() + offset);
    if (attribute.nla_len < sizeof(nlattr) || attribute.nla_len > message.size() - offset) {
      return Malformed(call, "",
                       fmt::format("rule attribute {} at offset {} claims {} bytes",
                                   attribute.nla_type, offset, attribute.nla_len));
    }
    if ((attribute.nla_type & NLA_TYPE_MASK) == FRA_PROTOCOL &&
        attribute.nla_len > sizeof(nlattr)) {
      return message[offset + sizeof(nlattr)];
    }
    offset += NLA_ALIGN(attribute.nla_len);
  }
  return 0;
}

// The deletion of a dumped route or rule: the message itself, retyped and re-flagged.
std::vector<uint8_t> DeletionOf(absl::Span<const uint8_t> message, uint16_t type) {
  std::vector<uint8_t> request(message.begin(), message.end());
  nlmsghdr header = ReadHeader(request.data());
  header.nlmsg_type = type;
  header.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
  header.nlmsg_seq = 0;
  header.nlmsg_pid = 0;
  std::memcpy(request.data(), &header, sizeof(header));
  return request;
}

}  // namespace

absl::StatusOr<size_t> BuildNewRoute(absl::Span<uint8_t> buffer, const Route& route,
                                     uint32_t ifindex, uint32_t seq) {
  return BuildRouteRequest(buffer, route, ifindex, seq, /*add=*/true);
}

absl::StatusOr<size_t> BuildDeleteRoute(absl::Span<uint8_t> buffer, const Route& route,
                                        uint32_t ifindex, uint32_t seq) {
  return BuildRouteRequest(buffer, route, ifindex, seq, /*add=*/false);
}

absl::StatusOr<size_t> BuildNewRule(absl::Span<uint8_t> buffer, const Rule& rule, uint32_t seq) {
  return BuildRuleRequest(buffer, rule, seq, /*add=*/true);
}

absl::StatusOr<size_t> BuildDeleteRule(absl::Span<uint8_t> buffer, const Rule& rule, uint32_t seq) {
  return BuildRuleRequest(buffer, rule, seq, /*add=*/false);
}

absl::StatusOr<size_t> BuildRouteDump(absl::Span<uint8_t> buffer, Family family, uint8_t protocol,
                                      uint32_t seq) {
  absl::StatusOr<nlmsghdr*> nlh = StartMessage(buffer, MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(rtmsg)),
                                               RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, seq);
  if (!nlh.ok()) return nlh.status();
  auto* rtm = static_cast<rtmsg*>(mnl_nlmsg_put_extra_header(*nlh, sizeof(rtmsg)));
  rtm->rtm_family = KernelFamily(family);
  rtm->rtm_protocol = protocol;
  return (*nlh)->nlmsg_len;
}

absl::StatusOr<size_t> BuildRuleDump(absl::Span<uint8_t> buffer, Family family, uint32_t seq) {
  absl::StatusOr<nlmsghdr*> nlh =
      StartMessage(buffer, MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(fib_rule_hdr)), RTM_GETRULE,
                   NLM_F_REQUEST | NLM_F_DUMP, seq);
  if (!nlh.ok()) return nlh.status();
  auto* frh = static_cast<fib_rule_hdr*>(mnl_nlmsg_put_extra_header(*nlh, sizeof(fib_rule_hdr)));
  frh->family = KernelFamily(family);
  return (*nlh)->nlmsg_len;
}

absl::StatusOr<bool> ParseFlushDump(absl::Span<const uint8_t> datagram, uint32_t seq,
                                    uint8_t protocol, std::string_view call,
                                    std::vector<std::vector<uint8_t>>& out) {
  bool done = false;
  absl::Status walk = WalkMessages(
      datagram, call, "",
      [&](const nlmsghdr& header, absl::Span<const uint8_t> message) -> absl::StatusOr<bool> {
        if (header.nlmsg_seq != seq) return false;
        if ((header.nlmsg_flags & NLM_F_DUMP_INTR) != 0) {
          return absl::AbortedError(
              fmt::format("{}: the dump was interrupted by a change, ask again", call));
        }
        switch (header.nlmsg_type) {
          case NLMSG_ERROR: {
            absl::Status status = ErrorMessageStatus(header, message, call, "");
            if (!status.ok()) return status;
            return Malformed(call, "", "an acknowledgement where the dump was expected");
          }
          case NLMSG_DONE: {
            if (message.size() >= NLMSG_HDRLEN + sizeof(int)) {
              const int error = ReadAs<int>(message.data() + NLMSG_HDRLEN);
              if (error < 0 && error >= -4095) return SysError(call, "", -error);
            }
            done = true;
            return true;
          }
          case NLMSG_OVERRUN:
            return Malformed(call, "", "NLMSG_OVERRUN: the kernel dropped messages");
          case RTM_NEWROUTE: {
            if (message.size() < NLMSG_HDRLEN + sizeof(rtmsg)) {
              return Malformed(call, "", fmt::format("RTM_NEWROUTE of {} bytes", message.size()));
            }
            const auto rtm = ReadAs<rtmsg>(message.data() + NLMSG_HDRLEN);
            if (rtm.rtm_protocol == protocol && (rtm.rtm_flags & RTM_F_CLONED) == 0) {
              out.push_back(DeletionOf(message, RTM_DELROUTE));
            }
            return false;
          }
          case RTM_NEWRULE: {
            absl::StatusOr<uint8_t> rule_protocol = RuleProtocol(message, call);
            if (!rule_protocol.ok()) return rule_protocol.status();
            if (*rule_protocol == protocol) out.push_back(DeletionOf(message, RTM_DELRULE));
            return false;
          }
          default:
            return false;
        }
      });
  if (!walk.ok()) return walk;
  return done;
}

}  // namespace vrrp::os
