// vrrp_instance NAME { }: one virtual router. Its values are collected as written; defaults from
// global_defs, the family, the version and all range checks come in the second pass (resolve.cc),
// once every block has been read.
#include <string>

#include "blocks.h"
#include "fmt/format.h"
#include "keyword_table.h"
#include "values.h"
#include "vip_conflict_keywords.h"
#include "vip_lease.h"

namespace vrrp::config {
namespace {

InstanceExtras& X(PendingInstance& p) { return p.vi.extras; }
RouterConfig& R(PendingInstance& p) { return p.vi.config.router; }

absl::Status Source(Cursor& in, PendingInstance& p, const Token& kw) {
  const Token* v = in.Value(kw);
  if (v == nullptr) return in.NeedsValue(kw);
  if (absl::Status s = Assign(HostAddress(in, *v, kw.text), X(p).source); !s.ok()) return s;
  p.vi.locations["source"] = in.Where(kw);
  p.source_keyword = kw.text;
  return absl::OkStatus();
}

constexpr KeywordEntry<PendingInstance> kEntries[] = {
    {"state",
     [](Cursor& in, PendingInstance& p, const Token& kw) -> absl::Status {
       absl::StatusOr<const Token*> v = ReadWord(in, kw);
       if (!v.ok()) return v.status();
       if ((*v)->text == "MASTER") {
         X(p).state = InitialState::kMaster;
       } else if ((*v)->text == "BACKUP") {
         X(p).state = InitialState::kBackup;
       } else {
         // keepalived starts such an instance as BACKUP, which every instance is at start.
         in.Warn(**v,
                 fmt::format("state '{}' is not MASTER or BACKUP: read as BACKUP", (*v)->text));
         X(p).state = InitialState::kBackup;
       }
       X(p).state_configured = true;
       return absl::OkStatus();
     },
     "MASTER | BACKUP: reported only; every instance starts as BACKUP"},
    {"interface",
     [](Cursor& in, PendingInstance& p, const Token& kw) -> absl::Status {
       absl::StatusOr<const Token*> v = ReadWord(in, kw);
       if (!v.ok()) return v.status();
       const std::string& name = (*v)->text;
       if (name.empty() || name.size() > kMaxInterfaceNameLength) {
         return in.Error(**v, kw.text,
                         fmt::format("interface name '{}' is not 1..{} characters", name,
                                     kMaxInterfaceNameLength));
       }
       X(p).interface = name;
       return absl::OkStatus();
     },
     "NAME: where advertisements go (required)"},
    {"virtual_router_id",
     [](Cursor& in, PendingInstance& p, const Token& kw) {
       return Assign(ReadInt(in, kw), p.vrid);
     },
     "N: 1..255 (required)"},
    {"priority",
     [](Cursor& in, PendingInstance& p, const Token& kw) {
       return Assign(ReadInt(in, kw), R(p).priority);
     },
     "N: 1..255 (100; 255 owns the addresses)"},
    {"advert_int",
     [](Cursor& in, PendingInstance& p, const Token& kw) {
       return Assign(ReadMicros(in, kw), p.advert_us);
     },
     "SECONDS: 1..255 whole for VRRPv2, 0.01..40.95 for VRRPv3 (1)"},
    {"version",
     [](Cursor& in, PendingInstance& p, const Token& kw) -> absl::Status {
       absl::StatusOr<int> v = ReadInt(in, kw, 2, 3);
       if (!v.ok()) return v.status();
       p.version = *v == 2 ? Version::kV2 : Version::kV3;
       return absl::OkStatus();
     },
     "2 | 3 (global_defs vrrp_version)"},
    {"authentication", ReadAuthentication, "{ auth_type PASS  auth_pass SECRET }: VRRPv2 only"},
    {"virtual_ipaddress",
     [](Cursor& in, PendingInstance& p, const Token& kw) {
       return ReadAddressBlock(in, kw, p.vips);
     },
     "{ ADDRESS[/PREFIX] [OPTIONS] ... }: the advertised addresses, 1..255"},
    {"virtual_ipaddress_excluded",
     [](Cursor& in, PendingInstance& p, const Token& kw) {
       return ReadAddressBlock(in, kw, p.excluded);
     },
     "{ ADDRESS[/PREFIX] [OPTIONS] ... }: added with them, never advertised"},
    {"nopreempt",
     [](Cursor&, PendingInstance& p, const Token&) {
       R(p).preempt = false;
       return absl::OkStatus();
     },
     "a higher priority does not take over from a Master"},
    {"preempt",
     [](Cursor&, PendingInstance& p, const Token&) {
       R(p).preempt = true;
       return absl::OkStatus();
     },
     "the default"},
    {"preempt_delay",
     [](Cursor& in, PendingInstance& p, const Token& kw) {
       return Assign(ReadSeconds(in, kw), R(p).preempt_delay);
     },
     "SECONDS: 0..1000, before preempting after start-up"},
    {"unicast_src_ip", Source, "ADDRESS: our source address (the interface's)"},
    {"mcast_src_ip", Source, "ADDRESS: the same as unicast_src_ip"},
    {"unicast_peer", ReadUnicastPeers, "{ ADDRESS ... }: unicast instead of multicast"},
    {"accept",
     [](Cursor&, PendingInstance& p, const Token&) {
       p.accept = true;
       return absl::OkStatus();
     },
     "accept packets for the addresses (the default without vrrp_strict)"},
    {"no_accept",
     [](Cursor&, PendingInstance& p, const Token&) {
       p.accept = false;
       return absl::OkStatus();
     },
     "do not (the default with vrrp_strict)"},
    {"garp_master_delay",
     [](Cursor& in, PendingInstance& p, const Token& kw) {
       return Assign(ReadSeconds(in, kw), p.garp_delay);
     },
     "SECONDS: 0..3600, second gratuitous ARP burst after becoming Master (5)"},
    {"garp_master_repeat",
     [](Cursor& in, PendingInstance& p, const Token& kw) {
       return Assign(ReadInt(in, kw), p.garp_repeat);
     },
     "N: 0..255 gratuitous ARPs per burst (5)"},
    {"garp_master_refresh",
     [](Cursor& in, PendingInstance& p, const Token& kw) {
       return Assign(ReadSeconds(in, kw), p.garp_refresh);
     },
     "SECONDS: 0..86400, repeat while Master (0: never)"},
    {"garp_master_refresh_repeat",
     [](Cursor& in, PendingInstance& p, const Token& kw) {
       return Assign(ReadInt(in, kw), p.garp_refresh_repeat);
     },
     "N: 1..255 gratuitous ARPs per refresh (1)"},
    {"skip_check_adv_addr",
     [](Cursor& in, PendingInstance& p, const Token& kw) {
       return Assign(ReadOptionalBool(in, kw), p.skip_check_adv_addr);
     },
     "[on|off]: no address-list check on adverts from the current master"},
    {"check_unicast_src",
     [](Cursor&, PendingInstance& p, const Token&) {
       p.check_unicast_src = true;
       return absl::OkStatus();
     },
     "with unicast_peer: take advertisements from the peers only (global_defs; else any "
     "source)"},
    {"vip_lease_time",
     [](Cursor& in, PendingInstance& p, const Token& kw) {
       return Assign(ReadVipLeaseTime(in, kw), p.vip_lease);
     },
     "auto | 0 | SECONDS: 3..86400, VIP lifetime the Master renews (ours; global_defs; 0: "
     "permanent)"},
    {"vip_conflict",
     [](Cursor& in, PendingInstance& p, const Token& kw) {
       return Assign(ReadVipConflictMode(in, kw), p.vip_conflict);
     },
     "yield | report | off: VIP conflict detection (ours; global_defs; yield)"},
    {"vip_probe_interval",
     [](Cursor& in, PendingInstance& p, const Token& kw) {
       return Assign(ReadVipProbeInterval(in, kw), p.vip_probe_interval);
     },
     "SECONDS: 0 or 1..3600, black-hole check period while Backup (ours; global_defs; 0: off)"},
    {"vip_black_hole",
     [](Cursor& in, PendingInstance& p, const Token& kw) {
       return Assign(ReadVipBlackHole(in, kw), p.vip_black_hole);
     },
     "report | takeover: what a black hole found makes the Backup do (ours; global_defs; "
     "report)"},
    {"down_timer_adverts",
     [](Cursor& in, PendingInstance& p, const Token& kw) {
       return Assign(ReadInt(in, kw), R(p).down_timer_adverts);
     },
     "N: 1..100 advertisements missed before taking over (3)"},
    {"track_interface", ReadTrackInterfaces, "{ NAME [weight N] ... }: -254..254"},
    {"track_script", ReadTrackScripts, "{ NAME [weight N [reverse]] ... }: -253..253"},
    {"track_file", ReadTrackFiles, "{ NAME [weight N [reverse]] ... }: -254..254, times the value"},
    {"track_process", ReadTrackProcesses, "{ NAME [weight N [reverse]] ... }: -254..254"},
    {"notify_master",
     [](Cursor& in, PendingInstance& p, const Token& kw) {
       return ReadCommandInto(in, kw, X(p).notify.master);
     },
     "COMMAND [USER [GROUP]]: run on becoming Master"},
    {"notify_backup",
     [](Cursor& in, PendingInstance& p, const Token& kw) {
       return ReadCommandInto(in, kw, X(p).notify.backup);
     },
     "COMMAND [USER [GROUP]]: run on becoming Backup"},
    {"notify_fault",
     [](Cursor& in, PendingInstance& p, const Token& kw) {
       return ReadCommandInto(in, kw, X(p).notify.fault);
     },
     "COMMAND [USER [GROUP]]: run on entering Fault"},
    {"notify_stop",
     [](Cursor& in, PendingInstance& p, const Token& kw) {
       return ReadCommandInto(in, kw, X(p).notify.stop);
     },
     "COMMAND [USER [GROUP]]: run when the instance stops"},
    {"notify",
     [](Cursor& in, PendingInstance& p, const Token& kw) {
       return ReadCommandInto(in, kw, X(p).notify.notify);
     },
     "COMMAND [USER [GROUP]]: run on every change, with INSTANCE NAME STATE PRIORITY"},
    {"use_vmac",
     [](Cursor& in, PendingInstance& p, const Token& kw) -> absl::Status {
       p.use_vmac = true;
       const Token* v = in.Value(kw);
       if (v == nullptr) return absl::OkStatus();  // "vrrp.<VRID>", once the VRID is known
       if (absl::Status valid = ValidateLinkName(v->text); !valid.ok()) {
         const absl::string_view why = valid.message();
         return in.Error(*v, kw.text,
                         fmt::format("use_vmac: {}", std::string_view(why.data(), why.size())));
       }
       X(p).vmac_interface = v->text;
       return absl::OkStatus();
     },
     "[NAME]: VIPs on a macvlan link with the virtual MAC (vrrp.VRID); refused where the kernel "
     "has no macvlan"},
    {"vmac_xmit_base",
     [](Cursor&, PendingInstance& p, const Token&) {
       X(p).vmac_xmit_base = true;
       return absl::OkStatus();
     },
     "with use_vmac: advertisements leave from the interface, not the macvlan link"},
    {"virtual_routes",
     [](Cursor& in, PendingInstance& p, const Token& kw) {
       return ReadRouteBlock(in, kw, X(p).virtual_routes);
     },
     "{ ROUTE }: `ip route add` routes added while Master"},
    {"virtual_rules",
     [](Cursor& in, PendingInstance& p, const Token& kw) {
       return ReadRuleBlock(in, kw, X(p).virtual_rules);
     },
     "{ RULE }: `ip rule add` rules added while Master"},
    {"dont_track_primary",
     [](Cursor&, PendingInstance& p, const Token&) {
       X(p).dont_track_primary = true;
       return absl::OkStatus();
     },
     "the interface going down does not put the instance in FAULT"},
    {"use_ipvlan", kIgnore},
    {"smtp_alert", kIgnore},
    {"lvs_sync_daemon_interface", kIgnore},
    {"native_ipv6", kIgnore},
    {"notify_master_rx_lower_pri", kIgnore},
    {"track_bfd", kIgnore},
    {"debug", kIgnore},
    {"strict_mode", kIgnore},
    {"garp_lower_prio_delay", kIgnore},
    {"garp_lower_prio_repeat", kIgnore},
    {"lower_prio_no_advert", kIgnore},
    {"higher_prio_send_advert", kIgnore},
    {"promote_secondaries", kIgnore},
    {"linkbeat_use_polling", kIgnore},
    {"kernel_rx_buf_size", kIgnore},
    {"unicast_ttl", kIgnore},
    {"old_unicast_checksum", kIgnore},
    {"notify_deleted", kIgnore},
};

constexpr KeywordBlock<PendingInstance> kVrrpInstance{"vrrp_instance", "vrrp_instance", kEntries};

}  // namespace

absl::Status ReadVrrpInstance(Cursor& in, ParseState& state, const Token& kw) {
  absl::StatusOr<const Token*> name = ReadName(in, kw);
  if (!name.ok()) return name.status();
  for (const PendingInstance& other : state.pending) {
    if (other.vi.config.name == (*name)->text) {
      return in.Error(kw, kw.text,
                      fmt::format("vrrp_instance {} is already defined at {}", other.vi.config.name,
                                  ToString(other.vi.where)));
    }
  }
  PendingInstance p;
  p.vi.where = in.Where(kw);
  p.vi.config.name = (*name)->text;
  const std::string what = "vrrp_instance " + p.vi.config.name;
  if (absl::Status s = in.OpenBlock(kw, what); !s.ok()) return s;
  absl::Status s = in.Body(kw, what, [&](const Token& t) {
    p.vi.locations[t.text] = in.Where(t);
    return Dispatch(in, kVrrpInstance, p, t);
  });
  if (!s.ok()) return s;
  state.pending.push_back(std::move(p));
  return absl::OkStatus();
}

void AppendVrrpInstanceKeywords(std::vector<KeywordInfo>& out) { Describe(kVrrpInstance, out); }

}  // namespace vrrp::config
