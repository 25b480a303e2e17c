// The core's validator judges every range (its messages are the ones the operator sees), but it
// states the field at fault only in its text. Rather than read that text back, the instance is
// handed to it one field at a time, in the order the validator checks them, starting from a
// configuration it accepts: the field whose value first makes it refuse is the one at fault, and
// the error goes to the line of the keyword that set that field.
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "errors.h"
#include "resolve.h"
#include "vrrp/codec.h"
#include "vrrp/instance.h"

namespace vrrp::config {
namespace {

// The fields of RouterConfig that a keepalived.conf sets, in ValidateRouterConfig's order, each
// with its VrrpInstance::locations key. The virtual addresses come between advert_int and the
// source; they are checked one by one (CheckAddresses).
struct Field {
  const char* key;
  void (*copy)(const RouterConfig& from, RouterConfig& to);
};

constexpr Field kBeforeAddresses[] = {
    {"virtual_router_id", [](const RouterConfig& f, RouterConfig& t) { t.vrid = f.vrid; }},
    {"priority", [](const RouterConfig& f, RouterConfig& t) { t.priority = f.priority; }},
    {"advert_int",
     [](const RouterConfig& f, RouterConfig& t) { t.advert_interval = f.advert_interval; }},
};

constexpr Field kAfterAddresses[] = {
    {"source",
     [](const RouterConfig& f, RouterConfig& t) { t.primary_address = f.primary_address; }},
    {"preempt_delay",
     [](const RouterConfig& f, RouterConfig& t) { t.preempt_delay = f.preempt_delay; }},
    {"down_timer_adverts",
     [](const RouterConfig& f, RouterConfig& t) { t.down_timer_adverts = f.down_timer_adverts; }},
    {"garp_master_repeat",
     [](const RouterConfig& f, RouterConfig& t) { t.garp_master_repeat = f.garp_master_repeat; }},
    {"garp_master_delay",
     [](const RouterConfig& f, RouterConfig& t) { t.garp_master_delay = f.garp_master_delay; }},
    {"garp_master_refresh",
     [](const RouterConfig& f, RouterConfig& t) { t.garp_master_refresh = f.garp_master_refresh; }},
    {"garp_master_refresh_repeat",
     [](const RouterConfig& f, RouterConfig& t) {
       t.garp_master_refresh_repeat = f.garp_master_refresh_repeat;
     }},
    {"authentication",
     [](const RouterConfig& f, RouterConfig& t) {
       t.auth_type = f.auth_type;
       t.pass_key = f.pass_key;
     }},
};

// An address the driver will replace (the interface's), so that the validator checks the rest.
IpAddress StandIn(Family family) {
  return family == Family::kIPv4 ? IpAddress::V4(192, 0, 2, 254) : *IpAddress::Parse("fe80::1");
}

// The router as the core will see it (what vrrp::Instance derives from its InstanceConfig).
RouterConfig Actual(const InstanceConfig& c, bool has_source) {
  RouterConfig r = c.router;
  r.virtual_addresses.clear();
  for (const VirtualAddress& vip : c.addresses) r.virtual_addresses.push_back(vip.address);
  r.auth_type = c.auth_type;
  r.pass_key = c.pass_key;
  r.v3_ipv4_pseudo_header = c.v3_ipv4_pseudo_header;
  if (!has_source) r.primary_address = StandIn(r.family);
  return r;
}

// A router the validator accepts, of the actual family and version (which the parser always
// sets right), with every other checked field at a valid value.
RouterConfig Accepted(const RouterConfig& actual) {
  RouterConfig r = actual;
  r.vrid = 1;
  r.priority = kPriorityDefault;
  r.advert_interval = Centiseconds(100);
  r.virtual_addresses = {actual.family == Family::kIPv4 ? IpAddress::V4(192, 0, 2, 1)
                                                        : *IpAddress::Parse("2001:db8::1")};
  r.primary_address = StandIn(actual.family);
  const RouterConfig defaults;
  r.preempt_delay = defaults.preempt_delay;
  r.down_timer_adverts = defaults.down_timer_adverts;
  r.garp_master_repeat = defaults.garp_master_repeat;
  r.garp_master_delay = defaults.garp_master_delay;
  r.garp_master_refresh = defaults.garp_master_refresh;
  r.garp_master_refresh_repeat = defaults.garp_master_refresh_repeat;
  r.auth_type = AuthType::kNone;
  r.pass_key = PassKey();
  return r;
}

absl::Status CheckFields(std::span<const Field> fields, const RouterConfig& actual,
                         RouterConfig& probe, const PendingInstance& p, const ParseState& state) {
  for (const Field& field : fields) {
    field.copy(actual, probe);
    if (absl::Status s = ValidateRouterConfig(probe); !s.ok()) {
      const Origin origin = OriginOf(p, state, field.key);
      return Failure(origin.where, origin.keyword, std::string(s.message()));
    }
  }
  return absl::OkStatus();
}

// The list as a whole (none, or more than an advertisement holds) is the virtual_ipaddress
// keyword's fault; otherwise the first address that makes the validator refuse is.
absl::Status CheckAddresses(const RouterConfig& actual, RouterConfig& probe,
                            const PendingInstance& p, const ParseState& state) {
  const AddressList& all = actual.virtual_addresses;
  probe.virtual_addresses = all;
  absl::Status s = ValidateRouterConfig(probe);
  if (s.ok()) return s;
  if (all.empty() || all.size() > kMaxAddressCount) {
    const Origin origin = OriginOf(p, state, "virtual_ipaddress");
    return Failure(origin.where, origin.keyword, std::string(s.message()));
  }
  // The shortest refused prefix of the list ends with the address at fault (a longer prefix is
  // refused whenever a shorter one is).
  size_t lo = 1;
  size_t hi = all.size();
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    probe.virtual_addresses.assign(all.begin(), all.begin() + static_cast<ptrdiff_t>(mid));
    if (ValidateRouterConfig(probe).ok()) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return Failure(p.vi.address_locations[lo - 1], "virtual_ipaddress", std::string(s.message()));
}

}  // namespace

absl::Status CheckWithCore(const PendingInstance& p, const ParseState& state) {
  const InstanceConfig& c = p.vi.config;
  const RouterConfig actual = Actual(c, p.vi.extras.source.has_value());
  RouterConfig probe = Accepted(actual);
  if (absl::Status s = CheckFields(kBeforeAddresses, actual, probe, p, state); !s.ok()) return s;
  if (absl::Status s = CheckAddresses(actual, probe, p, state); !s.ok()) return s;
  if (absl::Status s = CheckFields(kAfterAddresses, actual, probe, p, state); !s.ok()) return s;
  // What the core checks beyond the router (the instance's name, each address): the parser has
  // checked each already, so this refuses only what a newer core adds, at the instance's line.
  InstanceConfig check = c;
  check.router.primary_address = actual.primary_address;
  if (absl::Status s = ValidateInstanceConfig(check); !s.ok()) {
    return Failure(p.vi.where, "vrrp_instance", std::string(s.message()));
  }
  return absl::OkStatus();
}

}  // namespace vrrp::config
