#include "vrrp/route.h"

#include <string>
#include <utility>

#include "fmt/format.h"
#include "vrrp/address_manager.h"

namespace vrrp {

std::string_view RouteTypeName(RouteType type) {
  switch (type) {
    case RouteType::kUnicast:
      return "unicast";
    case RouteType::kBlackhole:
      return "blackhole";
    case RouteType::kUnreachable:
      return "unreachable";
    case RouteType::kProhibit:
      return "prohibit";
    case RouteType::kThrow:
      return "throw";
  }
  return "unicast";
}

namespace {

// The kernel refuses a prefix with bits set past its length ("Invalid prefix for given prefix
// length"): said here, with the prefix, rather than as EINVAL later.
absl::Status HostBits(const IpPrefix& prefix, std::string_view what) {
  const absl::Span<const uint8_t> bytes = prefix.address.bytes();
  for (size_t i = 0; i < bytes.size(); ++i) {
    const int first_bit = static_cast<int>(i) * 8;
    uint8_t host_mask = 0xff;
    if (prefix.prefix_len >= first_bit + 8) continue;
    if (prefix.prefix_len > first_bit) host_mask = 0xff >> (prefix.prefix_len - first_bit);
    if ((bytes[i] & host_mask) != 0) {
      return absl::InvalidArgumentError(
          fmt::format("{} {} has host bits set past its length", what, prefix));
    }
  }
  return absl::OkStatus();
}

absl::Status InterfaceName(const std::string& name, std::string_view what) {
  if (name.empty()) return absl::OkStatus();
  if (absl::Status s = ValidateLinkName(name); !s.ok()) {
    return absl::InvalidArgumentError(fmt::format("{}: {}", what, std::string(s.message())));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Validate(const Route& route) {
  const std::string text = ToString(route);
  if (absl::Status s = HostBits(route.destination, "destination"); !s.ok()) return s;
  const Family family = route.family();
  for (const auto& [address, name] :
       {std::pair{route.gateway, "gateway"}, std::pair{route.source, "src"}}) {
    if (address && address->family() != family) {
      return absl::InvalidArgumentError(fmt::format("route {}: {} {} is not {} like {}", text, name,
                                                    *address, FamilyName(family),
                                                    route.destination));
    }
  }
  if (route.type != RouteType::kUnicast && (route.gateway || !route.interface.empty())) {
    return absl::InvalidArgumentError(fmt::format("route {}: a {} route takes no gateway or dev",
                                                  text, RouteTypeName(route.type)));
  }
  return InterfaceName(route.interface, "dev");
}

absl::Status Validate(const Rule& rule) {
  for (const auto& [prefix, name] : {std::pair{rule.from, "from"}, std::pair{rule.to, "to"}}) {
    if (!prefix) continue;
    if (prefix->address.family() != rule.family) {
      return absl::InvalidArgumentError(fmt::format("rule {}: {} {} is not {}", ToString(rule),
                                                    name, *prefix, FamilyName(rule.family)));
    }
    if (absl::Status s = HostBits(*prefix, name); !s.ok()) return s;
  }
  if (rule.fwmask && !rule.fwmark) {
    return absl::InvalidArgumentError(
        fmt::format("rule {}: a fwmark mask needs a fwmark", ToString(rule)));
  }
  if (absl::Status s = InterfaceName(rule.iif, "iif"); !s.ok()) return s;
  return InterfaceName(rule.oif, "oif");
}

std::string ToString(const Route& route) {
  std::string out;
  if (route.type != RouteType::kUnicast) out = fmt::format("{} ", RouteTypeName(route.type));
  out += route.destination.ToString();
  if (route.gateway) out += fmt::format(" via {}", *route.gateway);
  if (!route.interface.empty()) out += fmt::format(" dev {}", route.interface);
  if (route.source) out += fmt::format(" src {}", *route.source);
  if (route.metric) out += fmt::format(" metric {}", *route.metric);
  if (route.table != kMainTable) out += fmt::format(" table {}", route.table);
  if (route.scope) out += fmt::format(" scope {}", *route.scope);
  if (route.protocol) out += fmt::format(" proto {}", *route.protocol);
  return out;
}

std::string ToString(const Rule& rule) {
  std::string out = rule.family == Family::kIPv6 ? "inet6" : "";
  auto word = [&](const std::string& w) {
    if (!out.empty()) out += ' ';
    out += w;
  };
  if (rule.from) word(fmt::format("from {}", *rule.from));
  if (rule.to) word(fmt::format("to {}", *rule.to));
  if (!rule.iif.empty()) word(fmt::format("iif {}", rule.iif));
  if (!rule.oif.empty()) word(fmt::format("oif {}", rule.oif));
  if (rule.fwmark) {
    word(rule.fwmask ? fmt::format("fwmark {:#x}/{:#x}", *rule.fwmark, *rule.fwmask)
                     : fmt::format("fwmark {:#x}", *rule.fwmark));
  }
  word(fmt::format("lookup {}", rule.table));
  if (rule.priority) word(fmt::format("pref {}", *rule.priority));
  if (rule.protocol) word(fmt::format("proto {}", *rule.protocol));
  return out;
}

}  // namespace vrrp
