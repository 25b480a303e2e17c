// static_routes / virtual_routes and static_rules / virtual_rules: one route or rule per line in
// `ip route add` / `ip rule add` words (keepalived.conf(5), "Static routes/addresses/rules"),
// and static_ipaddress, whose lines are virtual_ipaddress entries. The common forms are read;
// every other word keepalived knows (multipath `nexthop`, `or`, `track_group`, the route
// metrics...) is refused with its line, never ignored: a route that is not the one written is
// worse than none.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/numbers.h"
#include "blocks.h"
#include "errors.h"
#include "fmt/format.h"
#include "resolve.h"
#include "values.h"
#include "vrrp/route.h"

namespace vrrp::config {
namespace {

struct Named {
  std::string_view name;
  uint32_t value;
};

// iproute2's reserved table names (rt_tables); vrrpd does not read /etc/iproute2/rt_tables.
constexpr Named kTables[] = {{"main", 254}, {"local", 255}, {"default", 253}};
// rtm_scope names as `ip route` spells them.
constexpr Named kScopes[] = {{"global", 0}, {"universe", 0}, {"site", 200},
                             {"link", 253}, {"host", 254},   {"nowhere", 255}};
// iproute2's rt_protos names, and keepalived's own.
constexpr Named kProtocols[] = {{"redirect", 1},  {"kernel", 2},      {"boot", 3},
                                {"static", 4},    {"gated", 8},       {"ra", 9},
                                {"mrt", 10},      {"zebra", 11},      {"bird", 12},
                                {"dnrouted", 13}, {"xorp", 14},       {"ntk", 15},
                                {"dhcp", 16},     {"keepalived", 18}, {"babel", 42},
                                {"bgp", 186},     {"isis", 187},      {"ospf", 188},
                                {"rip", 189},     {"eigrp", 192},     {"vrrpd", kRouteProtocol}};

// Words keepalived takes in a route or rule line that vrrpd does not implement: refused by name.
constexpr std::string_view kRouteUnsupported[] = {
    "nexthop",       "or",        "track_group", "tos",      "dsfield",
    "mtu",           "advmss",    "rtt",         "rttvar",   "reordering",
    "window",        "cwnd",      "ssthresh",    "realms",   "rto_min",
    "initcwnd",      "initrwnd",  "features",    "quickack", "congctl",
    "pref",          "expires",   "onlink",      "encap",    "append",
    "hoplimit",      "lock",      "vrf",         "weight",   "local",
    "broadcast",     "multicast", "nat",         "anycast",  "fastopen_no_cookie",
    "ttl-propagate", "nhid",      "mpath",       "pervasive"};
constexpr std::string_view kRuleUnsupported[] = {"not",
                                                 "tos",
                                                 "dsfield",
                                                 "goto",
                                                 "realms",
                                                 "uidrange",
                                                 "l3mdev",
                                                 "ip_proto",
                                                 "sport",
                                                 "dport",
                                                 "suppress_prefixlength",
                                                 "suppress_ifgroup",
                                                 "nat",
                                                 "blackhole",
                                                 "unreachable",
                                                 "prohibit",
                                                 "track_group",
                                                 "type",
                                                 "map-to",
                                                 "flowid",
                                                 "tun_id"};

template <size_t N>
bool Contains(const std::string_view (&words)[N], std::string_view word) {
  for (std::string_view w : words) {
    if (w == word) return true;
  }
  return false;
}

// Decimal, or hexadecimal with 0x (fwmark is usually written so), up to `max`.
std::optional<uint32_t> Number(std::string_view text, uint32_t max) {
  uint64_t value = 0;
  bool ok = false;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    ok = absl::SimpleHexAtoi(absl::string_view(text.data() + 2, text.size() - 2), &value);
  } else {
    ok = absl::SimpleAtoi(absl::string_view(text.data(), text.size()), &value);
  }
  if (!ok || value > max) return std::nullopt;
  return static_cast<uint32_t>(value);
}

template <size_t N>
std::optional<uint32_t> NameOrNumber(const Named (&names)[N], std::string_view text, uint32_t max) {
  for (const Named& n : names) {
    if (n.name == text) return n.value;
  }
  return Number(text, max);
}

// The words of one line and where the reader is in them.
class Line {
 public:
  Line(Cursor& in, const Token& first, std::string_view block)
      : in_(in), first_(first), block_(block) {
    words_.push_back(&first);
    for (const Token* t : in.RestOfLine(first)) words_.push_back(t);
  }
  bool Done() const { return next_ >= words_.size(); }
  const Token& Next() { return *words_[next_++]; }
  // The value after option `option`, or an error naming it.
  absl::StatusOr<const Token*> Value(const Token& option) {
    if (Done()) return Error(option, fmt::format("{} needs a value", option.text));
    return &Next();
  }
  absl::Status Error(const Token& at, std::string message) const {
    return in_.Error(at, std::string(block_), fmt::format("{}: {}", block_, message));
  }
  absl::Status Unsupported(const Token& at, std::string_view what) const {
    return Error(at, fmt::format("'{}' is not supported by vrrpd (in this {})", at.text, what));
  }
  absl::Status Unknown(const Token& at, std::string_view what) const {
    return Error(at, fmt::format("'{}' is not a {} option", at.text, what));
  }
  absl::StatusOr<IpPrefix> Prefix(const Token& t) const {
    absl::StatusOr<IpPrefix> prefix = IpPrefix::Parse(t.text);
    if (!prefix.ok()) return Error(t, std::string(prefix.status().message()));
    return prefix;
  }
  absl::StatusOr<IpAddress> Address(const Token& option) {
    absl::StatusOr<const Token*> v = Value(option);
    if (!v.ok()) return v.status();
    absl::StatusOr<IpAddress> ip = IpAddress::Parse((*v)->text);
    if (!ip.ok())
      return Error(**v, fmt::format("{} '{}' is not an address", option.text, (*v)->text));
    return ip;
  }
  absl::StatusOr<uint32_t> Count(const Token& option) {
    absl::StatusOr<const Token*> v = Value(option);
    if (!v.ok()) return v.status();
    std::optional<uint32_t> n = Number((*v)->text, UINT32_MAX);
    if (!n) {
      return Error(**v, fmt::format("{} '{}' is not a number up to {}", option.text, (*v)->text,
                                    UINT32_MAX));
    }
    return *n;
  }
  template <size_t N>
  absl::StatusOr<uint32_t> Choice(const Token& option, const Named (&names)[N], uint32_t max,
                                  std::string_view names_doc) {
    absl::StatusOr<const Token*> v = Value(option);
    if (!v.ok()) return v.status();
    std::optional<uint32_t> n = NameOrNumber(names, (*v)->text, max);
    if (!n) {
      return Error(**v, fmt::format("{} '{}' is not {} or a number up to {}", option.text,
                                    (*v)->text, names_doc, max));
    }
    return *n;
  }
  // `table N|main|local|default`, in routes and rules alike.
  absl::StatusOr<uint32_t> Table(const Token& option) {
    return Choice(option, kTables, UINT32_MAX, "main, local, default");
  }
  // `proto N|NAME` (rt_protos), in routes and rules alike.
  absl::StatusOr<uint32_t> Protocol(const Token& option) {
    return Choice(option, kProtocols, 255, "a name of rt_protos");
  }
  absl::StatusOr<std::string> Interface(const Token& option) {
    absl::StatusOr<const Token*> v = Value(option);
    if (!v.ok()) return v.status();
    if (absl::Status s = ValidateLinkName((*v)->text); !s.ok()) {
      return Error(**v, fmt::format("{}: {}", option.text, std::string(s.message())));
    }
    return (*v)->text;
  }
  Location where() const { return in_.Where(first_); }

 private:
  Cursor& in_;
  const Token& first_;
  std::string_view block_;
  std::vector<const Token*> words_;
  size_t next_ = 0;
};

absl::Status ReadRoute(Cursor& in, const Token& first, std::string_view block,
                       std::vector<ConfiguredRoute>& out) {
  Line line(in, first, block);
  Route r;
  bool have_destination = false;
  bool is_default = false;
  bool inet6 = false;
  const Token* destination_token = nullptr;
  auto set_destination = [&](const Token& t) -> absl::Status {
    if (have_destination) return line.Error(t, fmt::format("a second destination '{}'", t.text));
    have_destination = true;
    destination_token = &t;
    if (t.text == "default" || t.text == "all") {
      is_default = true;
      return absl::OkStatus();
    }
    absl::StatusOr<IpPrefix> p = line.Prefix(t);
    if (!p.ok()) return p.status();
    r.destination = *p;
    return absl::OkStatus();
  };
  bool first_word = true;
  while (!line.Done()) {
    const Token& w = line.Next();
    const std::string& word = w.text;
    const bool at_start = first_word;
    first_word = false;
    if (at_start && (word == "unicast" || word == "blackhole" || word == "unreachable" ||
                     word == "prohibit" || word == "throw")) {
      if (word == "blackhole") r.type = RouteType::kBlackhole;
      if (word == "unreachable") r.type = RouteType::kUnreachable;
      if (word == "prohibit") r.type = RouteType::kProhibit;
      if (word == "throw") r.type = RouteType::kThrow;
    } else if (word == "src") {
      if (absl::Status s = Assign(line.Address(w), r.source); !s.ok()) return s;
    } else if (word == "to") {
      absl::StatusOr<const Token*> v = line.Value(w);
      if (!v.ok()) return v.status();
      if (absl::Status s = set_destination(**v); !s.ok()) return s;
    } else if (word == "via" || word == "gw") {
      if (absl::Status s = Assign(line.Address(w), r.gateway); !s.ok()) return s;
    } else if (word == "dev" || word == "oif") {
      if (absl::Status s = Assign(line.Interface(w), r.interface); !s.ok()) return s;
    } else if (word == "metric" || word == "priority" || word == "preference") {
      if (absl::Status s = Assign(line.Count(w), r.metric); !s.ok()) return s;
    } else if (word == "table") {
      if (absl::Status s = Assign(line.Table(w), r.table); !s.ok()) return s;
    } else if (word == "scope") {
      if (absl::Status s =
              Assign(line.Choice(w, kScopes, 255, "global, site, link, host, nowhere"), r.scope);
          !s.ok())
        return s;
    } else if (word == "proto" || word == "protocol") {
      if (absl::Status s = Assign(line.Protocol(w), r.protocol); !s.ok()) return s;
    } else if (word == "inet6") {
      inet6 = true;
    } else if (word == "no_track") {
      // keepalived: do not leave Master when the route is deleted. vrrpd never does.
    } else if (Contains(kRouteUnsupported, word)) {
      return line.Unsupported(w, "route");
    } else if ((word == "default" || word == "all" ||
                IpPrefix::Parse(word).status().code() != absl::StatusCode::kInvalidArgument)) {
      if (absl::Status s = set_destination(w); !s.ok()) return s;
    } else {
      return line.Unknown(w, "route");
    }
  }
  if (!have_destination) return line.Error(first, "the route has no destination");
  if (is_default) {
    const bool v6 = inet6 || (r.gateway && r.gateway->is_v6()) || (r.source && r.source->is_v6());
    r.destination = *IpPrefix::Parse(v6 ? "::/0" : "0.0.0.0/0");
  } else if (inet6 && !r.destination.address.is_v6()) {
    return line.Error(*destination_token,
                      fmt::format("inet6 with the IPv4 destination {}", r.destination));
  }
  if (absl::Status s = Validate(r); !s.ok()) {
    return line.Error(first, std::string(s.message()));
  }
  out.push_back(ConfiguredRoute{line.where(), std::move(r)});
  return absl::OkStatus();
}

absl::Status ReadRule(Cursor& in, const Token& first, std::string_view block,
                      std::vector<ConfiguredRule>& out) {
  Line line(in, first, block);
  Rule r;
  bool inet6 = false;
  auto prefix = [&](const Token& option, std::optional<IpPrefix>& slot) -> absl::Status {
    absl::StatusOr<const Token*> v = line.Value(option);
    if (!v.ok()) return v.status();
    if ((*v)->text == "all") return absl::OkStatus();
    absl::StatusOr<IpPrefix> p = line.Prefix(**v);
    if (!p.ok()) return p.status();
    slot = *p;
    return absl::OkStatus();
  };
  while (!line.Done()) {
    const Token& w = line.Next();
    const std::string& word = w.text;
    if (word == "from") {
      if (absl::Status s = prefix(w, r.from); !s.ok()) return s;
    } else if (word == "to") {
      if (absl::Status s = prefix(w, r.to); !s.ok()) return s;
    } else if (word == "table" || word == "lookup") {
      if (absl::Status s = Assign(line.Table(w), r.table); !s.ok()) return s;
    } else if (word == "preference" || word == "priority" || word == "pref") {
      if (absl::Status s = Assign(line.Count(w), r.priority); !s.ok()) return s;
    } else if (word == "iif" || word == "dev") {
      if (absl::Status s = Assign(line.Interface(w), r.iif); !s.ok()) return s;
    } else if (word == "oif") {
      if (absl::Status s = Assign(line.Interface(w), r.oif); !s.ok()) return s;
    } else if (word == "fwmark") {
      absl::StatusOr<const Token*> v = line.Value(w);
      if (!v.ok()) return v.status();
      const std::string_view text = (*v)->text;
      const size_t slash = text.find('/');
      r.fwmark = Number(text.substr(0, slash), UINT32_MAX);
      if (slash != std::string_view::npos) r.fwmask = Number(text.substr(slash + 1), UINT32_MAX);
      if (!r.fwmark || (slash != std::string_view::npos && !r.fwmask)) {
        return line.Error(**v, fmt::format("fwmark '{}' is not a number or NUMBER/MASK", text));
      }
    } else if (word == "proto" || word == "protocol") {
      if (absl::Status s = Assign(line.Protocol(w), r.protocol); !s.ok()) return s;
    } else if (word == "inet6") {
      inet6 = true;
    } else if (word == "no_track") {
      // As for routes: vrrpd does not watch rules.
    } else if (Contains(kRuleUnsupported, word)) {
      return line.Unsupported(w, "rule");
    } else {
      return line.Unknown(w, "rule");
    }
  }
  const bool v6 = inet6 || (r.from && r.from->address.is_v6()) || (r.to && r.to->address.is_v6());
  r.family = v6 ? Family::kIPv6 : Family::kIPv4;
  if (absl::Status s = Validate(r); !s.ok()) return line.Error(first, std::string(s.message()));
  out.push_back(ConfiguredRule{line.where(), std::move(r)});
  return absl::OkStatus();
}

}  // namespace

absl::Status ReadRouteBlock(Cursor& in, const Token& kw, std::vector<ConfiguredRoute>& out) {
  if (absl::Status s = in.OpenBlock(kw, kw.text); !s.ok()) return s;
  return in.Body(kw, kw.text, [&](const Token& t) { return ReadRoute(in, t, kw.text, out); });
}

absl::Status ReadRuleBlock(Cursor& in, const Token& kw, std::vector<ConfiguredRule>& out) {
  if (absl::Status s = in.OpenBlock(kw, kw.text); !s.ok()) return s;
  return in.Body(kw, kw.text, [&](const Token& t) { return ReadRule(in, t, kw.text, out); });
}

absl::Status ReadStaticAddresses(Cursor& in, ParseState& state, const Token& kw) {
  std::vector<PendingAddress> pending;
  if (absl::Status s = ReadAddressBlock(in, kw, pending); !s.ok()) return s;
  for (const PendingAddress& a : pending) {
    if (a.dev.empty()) {
      // keepalived falls back to global_defs default_interface (eth0 by default), which vrrpd
      // does not have: a static address on a guessed interface is refused.
      return Failure(a.where, std::string(kw.text),
                     fmt::format("{}: {}/{} needs dev (vrrpd has no default_interface)", kw.text,
                                 a.ip, a.prefix_len));
    }
    absl::StatusOr<VirtualAddress> vip = MakeAddress(a, a.dev, kw.text);
    if (!vip.ok()) return vip.status();
    state.conf.static_addresses.push_back(*std::move(vip));
    state.conf.static_address_locations.push_back(a.where);
  }
  return absl::OkStatus();
}

}  // namespace vrrp::config
