// Finishing each instance: its family (from its first address), version, advertisement interval
// (rounded as keepalived rounds it), authentication, addresses, gratuitous ARP timing and
// source, with keepalived's warnings; then what only the whole configuration can tell (one VRID
// per interface and family, names that must exist).
#include "resolve.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "errors.h"
#include "fmt/format.h"
#include "values.h"
#include "vip_lease.h"
#include "vrrp/pass_key.h"

namespace vrrp::config {
namespace {

Location GlobalLocation(const ParseState& state, const std::string& keyword) {
  auto it = state.global_locations.find(keyword);
  return it == state.global_locations.end() ? Location{} : it->second;
}

absl::Status Fail(const Origin& origin, std::string message) {
  return Failure(origin.where, origin.keyword, std::move(message));
}

// advert_int as the version carries it: whole seconds for v2 (RFC 3768 §5.3.7), centiseconds
// for v3; keepalived rounds what does not fit, and says so.
Centiseconds AdvertInterval(const PendingInstance& p, ParseState& state, Version version) {
  const std::string& name = p.vi.config.name;
  int64_t us = p.advert_us.value_or(kMicrosPerSecond);
  const Location where = OriginOf(p, state, "advert_int").where;
  if (version == Version::kV2 && us % kMicrosPerSecond != 0) {
    int64_t rounded = (us + kMicrosPerSecond / 2) / kMicrosPerSecond * kMicrosPerSecond;
    if (rounded == 0) rounded = kMicrosPerSecond;
    state.conf.warnings.push_back(
        {where, fmt::format("{}: VRRP version 2 needs whole seconds, advert_int rounded to {} s",
                            name, rounded / kMicrosPerSecond)});
    us = rounded;
  } else if (us % kMicrosPerCs != 0) {
    const int64_t rounded = (us + kMicrosPerCs / 2) / kMicrosPerCs * kMicrosPerCs;
    state.conf.warnings.push_back(
        {where, fmt::format("{}: advert_int rounded to {} centiseconds (RFC 5798 §5.2.7)", name,
                            rounded / kMicrosPerCs)});
    us = rounded;
  }
  return Centiseconds(us / kMicrosPerCs);
}

// The black-hole check needs conflict detection on, and takeover needs the check: say so
// rather than accept a setting that does nothing.
void WarnInertBlackHoleCheck(const PendingInstance& p, ParseState& state, const InstanceConfig& c) {
  const VipConflictConfig& v = c.vip_conflict;
  auto where = [&](const char* keyword, bool own) {
    return own ? OriginOf(p, state, keyword).where : GlobalLocation(state, keyword);
  };
  if (v.mode == VipConflictMode::kOff && v.probe_interval > absl::ZeroDuration()) {
    state.conf.warnings.push_back(
        {where("vip_probe_interval", p.vip_probe_interval.has_value()),
         fmt::format("{}: vip_probe_interval does nothing with vip_conflict off", c.name)});
  } else if (v.take_over_black_hole && v.probe_interval == absl::ZeroDuration()) {
    state.conf.warnings.push_back(
        {where("vip_black_hole", p.vip_black_hole.has_value()),
         fmt::format("{}: vip_black_hole takeover does nothing without vip_probe_interval",
                     c.name)});
  }
}

// authentication { }: applied on v2 only, and not under vrrp_strict, as keepalived does.
absl::Status Authentication(const PendingInstance& p, ParseState& state, InstanceConfig& c) {
  if (!p.auth_given) return absl::OkStatus();
  const Location where = OriginOf(p, state, "authentication").where;
  if (c.router.version != Version::kV2) {
    state.conf.warnings.push_back(
        {where,
         fmt::format("{}: VRRP version 3 does not support authentication. Ignoring.", c.name)});
  } else if (state.conf.global.vrrp_strict) {
    state.conf.warnings.push_back(
        {where, fmt::format("{}: vrrp_strict: authentication is ignored", c.name)});
  } else if (p.auth_type == AuthType::kPass || p.auth_type == AuthType::kAh) {
    // PASS puts the key in the advertisement (RFC 2338 §5.3.6.2); AH keys an HMAC-MD5-96 over
    // the IP packet with it (§5.3.6.3, vrrp/ah.h). Both take auth_pass's first 8 bytes.
    c.auth_type = p.auth_type;
    absl::StatusOr<PassKey> key = PassKey::Create(p.pass);
    if (!key.ok()) {
      return Fail(OriginOf(p, state, "auth_pass"), std::string(key.status().message()));
    }
    c.pass_key = *key;
  } else {
    return Fail(OriginOf(p, state, "authentication"), "authentication needs an auth_type");
  }
  return absl::OkStatus();
}

// Where advertisements come from and go to: the source, or the unicast peers.
absl::Status Endpoints(const PendingInstance& p, const ParseState& state, RouterConfig& r,
                       const InstanceExtras& x) {
  const std::string what = "vrrp_instance " + p.vi.config.name;
  if (x.source) {
    if (x.source->family() != r.family) {
      return Fail(OriginOf(p, state, "source"),
                  fmt::format("unicast_src_ip {} is {} but {} is {}", *x.source,
                              FamilyName(x.source->family()), what, FamilyName(r.family)));
    }
    r.primary_address = *x.source;
  } else if (r.family == Family::kIPv6) {
    r.primary_address = IpAddress();  // unspecified: the driver takes the link-local address
  }
  for (const IpAddress& peer : x.unicast_peers) {
    if (peer.family() != r.family || peer.IsMulticast() || peer.IsUnspecified()) {
      return Fail(
          OriginOf(p, state, "unicast_peer"),
          fmt::format("unicast_peer {} is not a unicast {} address", peer, FamilyName(r.family)));
    }
  }
  if (state.conf.global.vrrp_strict && !x.unicast_peers.empty()) {
    return Fail(OriginOf(p, state, "unicast_peer"),
                "unicast_peer cannot be used with vrrp_strict (RFC 5798 sends to the group)");
  }
  return absl::OkStatus();
}

// keepalived's check_unicast_src: a unicast instance takes advertisements from any source unless
// the instance, global_defs or a unicast_peer's TTL range asks for its peers only.
void SourceCheck(const PendingInstance& p, ParseState& state, InstanceConfig& c) {
  const bool check = p.check_unicast_src || state.conf.global.check_unicast_src || p.peer_ttl_range;
  c.peer_check = check ? PeerCheck::kPeersOnly : PeerCheck::kAnySource;
  if (p.check_unicast_src && p.vi.extras.unicast_peers.empty()) {
    state.conf.warnings.push_back(
        {OriginOf(p, state, "check_unicast_src").where,
         fmt::format("{}: check_unicast_src has no effect without unicast_peer", c.name)});
  }
}

absl::Status ResolveInstance(PendingInstance& p, ParseState& state) {
  VrrpInstance& vi = p.vi;
  InstanceConfig& c = vi.config;
  RouterConfig& r = c.router;
  InstanceExtras& x = vi.extras;
  const GlobalDefs& g = state.conf.global;
  const std::string what = "vrrp_instance " + c.name;
  if (x.interface.empty()) return Failure(vi.where, "vrrp_instance", what + " has no interface");
  if (!p.vrid) return Failure(vi.where, "vrrp_instance", what + " has no virtual_router_id");
  r.vrid = *p.vrid;
  if (p.use_vmac && x.vmac_interface.empty()) x.vmac_interface = fmt::format("vrrp.{}", r.vrid);
  if (!x.vmac_interface.empty() && x.vmac_interface == x.interface) {
    return Fail(
        OriginOf(p, state, "use_vmac"),
        fmt::format("use_vmac {} is the name of the instance's own interface", x.vmac_interface));
  }
  DropRepeatedAddresses(p.vips, state, "virtual_ipaddress");
  DropRepeatedAddresses(p.excluded, state, "virtual_ipaddress_excluded");
  DropOwnInterface(vi, state);

  // The family is the first virtual address's (keepalived's rule).
  r.family =
      p.vips.empty() ? (x.source ? x.source->family() : Family::kIPv4) : p.vips.front().ip.family();
  for (const PendingAddress& a : p.vips) {
    if (a.ip.family() != r.family) {
      return Failure(a.where, "virtual_ipaddress",
                     fmt::format("virtual_ipaddress {} is {} but {} is {} (from its first "
                                 "address); use another instance",
                                 a.ip, FamilyName(a.ip.family()), what, FamilyName(r.family)));
    }
  }
  r.version = p.version.value_or(g.vrrp_version);
  if (r.family == Family::kIPv6 && r.version == Version::kV2) {
    // RFC 3768 is IPv4 only; keepalived runs such an instance as v3.
    if (p.version || state.global_version_set) {
      state.conf.warnings.push_back(
          {p.version ? OriginOf(p, state, "version").where : GlobalLocation(state, "vrrp_version"),
           fmt::format("{}: VRRP version 2 does not support IPv6, using version 3", c.name)});
    }
    r.version = Version::kV3;
  }
  if (g.vrrp_strict) {
    if (absl::Status s = ApplyStrict(p, state); !s.ok()) return s;
  }
  MasterClearsNopreempt(p, state, r);
  if (p.vips.empty()) {
    state.conf.warnings.push_back(
        {vi.where, fmt::format("{} has no virtual_ipaddress: it is elected and runs its notify "
                               "commands, and advertises no address",
                               what)});
  }
  r.advert_interval = AdvertInterval(p, state, r.version);
  if (absl::Status s = Authentication(p, state, c); !s.ok()) return s;

  for (const PendingAddress& a : p.vips) {
    absl::StatusOr<VirtualAddress> vip = MakeAddress(a, x.interface, "virtual_ipaddress");
    if (!vip.ok()) return vip.status();
    c.addresses.push_back(*std::move(vip));
    vi.address_locations.push_back(a.where);
  }
  for (const PendingAddress& a : p.excluded) {
    absl::StatusOr<VirtualAddress> vip = MakeAddress(a, x.interface, "virtual_ipaddress_excluded");
    if (!vip.ok()) return vip.status();
    x.excluded_addresses.push_back(*std::move(vip));
  }

  r.garp_master_delay = p.garp_delay.value_or(g.garp_master_delay);
  r.garp_master_repeat = p.garp_repeat.value_or(g.garp_master_repeat);
  r.garp_master_refresh = p.garp_refresh.value_or(g.garp_master_refresh);
  r.garp_master_refresh_repeat = p.garp_refresh_repeat.value_or(g.garp_master_refresh_repeat);
  r.skip_address_check_from_master = p.skip_check_adv_addr.value_or(g.skip_check_adv_addr);
  // keepalived accepts packets for the addresses unless vrrp_strict (RFC 5798 §6.1 Accept_Mode),
  // which accepts them for the owner only. Without it, vrrpd filters them
  // (vrrp/keepalived/no_accept.h).
  r.accept_mode = p.accept.value_or(!g.vrrp_strict || r.priority == kPriorityOwner);
  x.mcast_group = r.family == Family::kIPv4 ? g.mcast_group4 : g.mcast_group6;
  if (absl::Status s = Endpoints(p, state, r, x); !s.ok()) return s;
  SourceCheck(p, state, c);
  // After every timer is known: `auto` follows the advertisement interval.
  c.vip_lease_seconds = LeaseSeconds(p.vip_lease.value_or(g.vip_lease_time), r);
  c.vip_conflict.mode = p.vip_conflict.value_or(g.vip_conflict.mode);
  c.vip_conflict.probe_interval = p.vip_probe_interval.value_or(g.vip_conflict.probe_interval);
  c.vip_conflict.take_over_black_hole =
      p.vip_black_hole.value_or(g.vip_conflict.take_over_black_hole);
  WarnInertBlackHoleCheck(p, state, c);
  return CheckWithCore(p, state);
}

// One VRID per interface and family (RFC 5798 §7.3: it picks the virtual MAC), and every
// track_script, track_file and track_process names its block.
absl::Status CheckInstances(const ParseState& state) {
  const std::vector<PendingInstance>& pending = state.pending;
  for (size_t i = 0; i < pending.size(); ++i) {
    const VrrpInstance& a = pending[i].vi;
    for (size_t j = 0; j < i; ++j) {
      const VrrpInstance& b = pending[j].vi;
      if (a.extras.interface == b.extras.interface &&
          a.config.router.family == b.config.router.family &&
          a.config.router.vrid == b.config.router.vrid) {
        return Fail(
            OriginOf(pending[i], state, "virtual_router_id"),
            fmt::format("virtual_router_id {} on {} ({}) is already used by "
                        "vrrp_instance {} at {}",
                        a.config.router.vrid, a.extras.interface,
                        FamilyName(a.config.router.family), b.config.name, ToString(b.where)));
      }
    }
    for (const TrackedScript& ts : a.extras.track_scripts) {
      if (state.conf.FindScript(ts.name) == nullptr) {
        return Failure(ts.where, "track_script",
                       fmt::format("track_script {} names no vrrp_script", ts.name));
      }
    }
    for (const TrackedFile& tf : a.extras.track_files) {
      if (state.conf.FindTrackFile(tf.name) == nullptr) {
        return Failure(tf.where, "track_file",
                       fmt::format("track_file {} names no track_file block", tf.name));
      }
    }
    for (const TrackedProcess& tp : a.extras.track_processes) {
      if (state.conf.FindTrackProcess(tp.name) == nullptr) {
        return Failure(tp.where, "track_process",
                       fmt::format("track_process {} names no vrrp_track_process", tp.name));
      }
    }
  }
  return absl::OkStatus();
}

// keepalived.conf(5): a tracked file or process is only watched when some instance tracks it;
// one that none does is a warning, as keepalived reports it ("not being used - removing").
void WarnUntracked(ParseState& state) {
  auto tracked = [&](auto member, const std::string& name) {
    return std::any_of(state.pending.begin(), state.pending.end(), [&](const PendingInstance& p) {
      const auto& list = p.vi.extras.*member;
      return std::any_of(list.begin(), list.end(), [&](const auto& t) { return t.name == name; });
    });
  };
  for (const VrrpTrackFile& f : state.conf.track_files) {
    if (!tracked(&InstanceExtras::track_files, f.name)) {
      state.conf.warnings.push_back(
          {f.where,
           fmt::format("track_file {} is tracked by no vrrp_instance: not watched", f.name)});
    }
  }
  for (const VrrpTrackProcess& p : state.conf.track_processes) {
    if (!tracked(&InstanceExtras::track_processes, p.name)) {
      state.conf.warnings.push_back(
          {p.where, fmt::format("vrrp_track_process {} is tracked by no vrrp_instance: not watched",
                                p.name)});
    }
  }
}

// Every sync group member is an instance, and in one group only.
absl::Status CheckSyncGroups(const ParseState& state) {
  std::vector<std::pair<std::string, std::string>> membership;  // instance, group
  for (const MemberLocation& m : state.members) {
    const bool found =
        std::any_of(state.pending.begin(), state.pending.end(),
                    [&](const PendingInstance& p) { return p.vi.config.name == m.instance; });
    if (!found) {
      return Failure(
          m.where, "group",
          fmt::format("vrrp_sync_group {}: {} names no vrrp_instance", m.group, m.instance));
    }
    for (const auto& [instance, group] : membership) {
      if (instance == m.instance) {
        return Failure(
            m.where, "group",
            fmt::format("vrrp_instance {} is already in vrrp_sync_group {}", m.instance, group));
      }
    }
    membership.emplace_back(m.instance, m.group);
  }
  return absl::OkStatus();
}

}  // namespace

Origin OriginOf(const PendingInstance& p, const ParseState& state, std::string_view key) {
  const std::string k(key);
  if (auto it = p.vi.locations.find(k); it != p.vi.locations.end()) {
    return Origin{it->second, k == "source" ? p.source_keyword : k};
  }
  const std::string global = "vrrp_" + k;
  if (auto it = state.global_locations.find(global); it != state.global_locations.end()) {
    return Origin{it->second, global};
  }
  return Origin{p.vi.where, "vrrp_instance"};
}

absl::Status Resolve(ParseState& state) {
  if (state.conf.global.vrrp_rlimit_rttime && !state.conf.global.vrrp_rt_priority) {
    state.conf.warnings.push_back({GlobalLocation(state, "vrrp_rlimit_rttime"),
                                   "vrrp_rlimit_rttime has no effect without vrrp_rt_priority"});
  }
  if (absl::Status s = CheckNotifyFifos(state); !s.ok()) return s;
  for (PendingInstance& p : state.pending) {
    if (absl::Status s = ResolveInstance(p, state); !s.ok()) return s;
  }
  if (absl::Status s = CheckInstances(state); !s.ok()) return s;
  WarnUntracked(state);
  WarnUnusedGarpGroups(state);
  if (absl::Status s = CheckSyncGroups(state); !s.ok()) return s;
  for (PendingInstance& p : state.pending) state.conf.instances.push_back(std::move(p.vi));
  return absl::OkStatus();
}

}  // namespace vrrp::config
