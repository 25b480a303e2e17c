// global_defs: defaults that every instance takes unless it sets its own (VRRP version, multicast
// groups, gratuitous ARP timing), script users, and how the VRRP process is scheduled. keepalived's
// settings for its other processes (e-mail, SNMP, LVS, the checker and BFD children) are ignored.
#include <cctype>
#include <cstdint>
#include <utility>
#include <vector>

#include "blocks.h"
#include "errors.h"
#include "fmt/format.h"
#include "keyword_table.h"
#include "values.h"
#include "vip_conflict_keywords.h"
#include "vip_lease.h"

namespace vrrp::config {
namespace {

// vrrp_priority is a nice value; vrrp_rt_priority a SCHED_RR priority (sched_get_priority_min
// and _max of SCHED_RR on Linux); vrrp_rlimit_rttime microseconds, as far as keepalived reads.
constexpr int kMinNice = -20;
constexpr int kMaxNice = 19;
constexpr int kMinRtPriority = 1;
constexpr int kMaxRtPriority = 99;
constexpr int64_t kMaxRlimitRttime = UINT32_MAX;
// nftables: a table name as lib/linux/nft_script.h takes it; chain priorities in nft's range
// of a signed 32-bit integer, kept far from its ends.
constexpr size_t kMaxNftTableName = 64;
constexpr int kMinNftPriority = -1000000;
constexpr int kMaxNftPriority = 1000000;

unsigned char Byte(char c) { return static_cast<unsigned char>(c); }

GlobalDefs& G(ParseState& s) { return s.conf.global; }

absl::Status McastGroup(Cursor& in, const Token& kw, bool v4, IpAddress& group) {
  absl::StatusOr<IpAddress> ip = ReadAddress(in, kw);
  if (!ip.ok()) return ip.status();
  if (ip->is_v4() != v4 || !ip->IsMulticast()) {
    return in.Error(
        kw, kw.text,
        fmt::format("{} {} is not an {} multicast address", kw.text, *ip, v4 ? "IPv4" : "IPv6"));
  }
  group = *ip;
  return absl::OkStatus();
}

absl::Status RlimitRttime(Cursor& in, ParseState& s, const Token& kw) {
  return Assign(ReadInt64(in, kw, 1, kMaxRlimitRttime), G(s).vrrp_rlimit_rttime);
}

// notify_fifo / vrrp_notify_fifo FIFO_NAME [USER [GROUP]] (keepalived.conf(5), global_defs):
// the user and group own the FIFO when the daemon creates it.
absl::Status FifoPath(Cursor& in, const Token& kw, NotifyFifo& fifo) {
  const Token* path = in.Value(kw);
  if (path == nullptr || path->text.empty()) {
    return in.Error(kw, kw.text, fmt::format("{} needs a FIFO path", kw.text));
  }
  fifo.where = in.Where(kw);
  fifo.path = path->text;
  fifo.user.clear();
  fifo.group.clear();
  std::vector<const Token*> rest = in.RestOfLine(kw);
  if (!rest.empty()) fifo.user = rest[0]->text;
  if (rest.size() > 1) fifo.group = rest[1]->text;
  if (rest.size() > 2) {
    in.Warn(*rest[2], fmt::format("{}: words after the user and group are ignored", kw.text));
  }
  return absl::OkStatus();
}

// nftables [NAME]: without a name the default table; a name goes into nft's scripts, so it must
// be an nft identifier (a letter or '_', then letters, digits, '_', '-', '.').
absl::Status NftablesTable(Cursor& in, ParseState& s, const Token& kw) {
  const Token* name = in.Value(kw);
  if (name == nullptr) return absl::OkStatus();
  const std::string& t = name->text;
  bool ok = !t.empty() && t.size() <= kMaxNftTableName && (std::isalpha(Byte(t[0])) || t[0] == '_');
  for (char c : t) ok = ok && (std::isalnum(Byte(c)) || c == '_' || c == '-' || c == '.');
  if (!ok) {
    return in.Error(kw, kw.text,
                    fmt::format("nftables table name '{}' is not an nft identifier (a letter or "
                                "'_', then letters, digits, '_', '-', '.'; at most {})",
                                t, kMaxNftTableName));
  }
  G(s).nftables_table = t;
  return absl::OkStatus();
}

constexpr KeywordEntry<ParseState> kEntries[] = {
    {"router_id",
     [](Cursor& in, ParseState& s, const Token& kw) -> absl::Status {
       absl::StatusOr<const Token*> v = ReadWord(in, kw);
       if (!v.ok()) return v.status();
       G(s).router_id = (*v)->text;
       return absl::OkStatus();
     },
     "NAME: this router's name"},
    {"vrrp_version",
     [](Cursor& in, ParseState& s, const Token& kw) -> absl::Status {
       absl::StatusOr<int> v = ReadInt(in, kw, 2, 3);
       if (!v.ok()) return v.status();
       G(s).vrrp_version = *v == 2 ? Version::kV2 : Version::kV3;
       s.global_version_set = true;
       return absl::OkStatus();
     },
     "2 | 3: the instances' default (2; IPv6 instances use 3)"},
    {"vrrp_mcast_group4",
     [](Cursor& in, ParseState& s, const Token& kw) {
       return McastGroup(in, kw, true, G(s).mcast_group4);
     },
     "ADDRESS: IPv4 multicast group (224.0.0.18)"},
    {"vrrp_mcast_group6",
     [](Cursor& in, ParseState& s, const Token& kw) {
       return McastGroup(in, kw, false, G(s).mcast_group6);
     },
     "ADDRESS: IPv6 multicast group (ff02::12)"},
    {"vrrp_garp_master_delay",
     [](Cursor& in, ParseState& s, const Token& kw) {
       return Assign(ReadSeconds(in, kw), G(s).garp_master_delay);
     },
     "SECONDS: default garp_master_delay (5)"},
    {"vrrp_garp_master_repeat",
     [](Cursor& in, ParseState& s, const Token& kw) {
       return Assign(ReadInt(in, kw), G(s).garp_master_repeat);
     },
     "N: default garp_master_repeat (5)"},
    {"vrrp_garp_master_refresh",
     [](Cursor& in, ParseState& s, const Token& kw) {
       return Assign(ReadSeconds(in, kw), G(s).garp_master_refresh);
     },
     "SECONDS: default garp_master_refresh (0: none)"},
    {"vrrp_garp_master_refresh_repeat",
     [](Cursor& in, ParseState& s, const Token& kw) {
       return Assign(ReadInt(in, kw), G(s).garp_master_refresh_repeat);
     },
     "N: default garp_master_refresh_repeat (1)"},
    {"script_user",
     [](Cursor& in, ParseState& s, const Token& kw) -> absl::Status {
       absl::StatusOr<const Token*> user = ReadWord(in, kw);
       if (!user.ok()) return user.status();
       G(s).script_user = (*user)->text;
       if (const Token* group = in.Value(kw)) G(s).script_group = group->text;
       return absl::OkStatus();
     },
     "USER [GROUP]: who runs scripts and notify commands"},
    {"vrrp_skip_check_adv_addr",
     [](Cursor&, ParseState& s, const Token&) {
       G(s).skip_check_adv_addr = true;
       return absl::OkStatus();
     },
     "default skip_check_adv_addr: no address-list check on adverts from the current master"},
    {"vrrp_check_unicast_src",
     [](Cursor&, ParseState& s, const Token&) {
       G(s).check_unicast_src = true;
       return absl::OkStatus();
     },
     "default check_unicast_src: unicast instances take advertisements from their peers only"},
    {"enable_script_security",
     [](Cursor&, ParseState& s, const Token&) {
       G(s).enable_script_security = true;
       return absl::OkStatus();
     },
     "refuse root scripts that others can write"},
    {"vrrp_strict",
     [](Cursor&, ParseState& s, const Token&) {
       G(s).vrrp_strict = true;
       return absl::OkStatus();
     },
     "RFC conformance: no authentication, no unicast, no_accept by default"},
    {"vrrp_priority",
     [](Cursor& in, ParseState& s, const Token& kw) {
       return Assign(ReadInt(in, kw, kMinNice, kMaxNice), G(s).vrrp_priority);
     },
     "N: the process's nice value, -20..19"},
    {"vrrp_rt_priority",
     [](Cursor& in, ParseState& s, const Token& kw) {
       return Assign(ReadInt(in, kw, kMinRtPriority, kMaxRtPriority), G(s).vrrp_rt_priority);
     },
     "N: SCHED_RR priority, 1..99"},
    {"vrrp_rlimit_rttime", RlimitRttime,
     "MICROSECONDS: RLIMIT_RTTIME with vrrp_rt_priority, 1..4294967295"},
    {"vrrp_rlimit_rtime",
     [](Cursor& in, ParseState& s, const Token& kw) {
       in.Warn(kw, "'vrrp_rlimit_rtime' is deprecated, use 'vrrp_rlimit_rttime'");
       s.global_locations["vrrp_rlimit_rttime"] = in.Where(kw);
       return RlimitRttime(in, s, kw);
     },
     "MICROSECONDS: deprecated spelling of vrrp_rlimit_rttime"},
    {"vip_lease_time",
     [](Cursor& in, ParseState& s, const Token& kw) {
       return Assign(ReadVipLeaseTime(in, kw), G(s).vip_lease_time);
     },
     "auto | 0 | SECONDS: 3..86400, VIP lifetime the Master renews (ours; auto; 0: permanent)"},
    {"vip_conflict",
     [](Cursor& in, ParseState& s, const Token& kw) {
       return Assign(ReadVipConflictMode(in, kw), G(s).vip_conflict.mode);
     },
     "yield | report | off: a Master that sees a router outranking it hold its VIP yields (ours; "
     "yield)"},
    {"vip_probe_interval",
     [](Cursor& in, ParseState& s, const Token& kw) {
       return Assign(ReadVipProbeInterval(in, kw), G(s).vip_conflict.probe_interval);
     },
     "SECONDS: 0 or 1..3600, a Backup checks that someone answers for the VIP (ours; 0: off)"},
    {"vip_black_hole",
     [](Cursor& in, ParseState& s, const Token& kw) {
       return Assign(ReadVipBlackHole(in, kw), G(s).vip_conflict.take_over_black_hole);
     },
     "report | takeover: a Backup whose master is a black hole takes over (ours; report)"},
    {"vrrp_no_swap",
     [](Cursor&, ParseState& s, const Token&) {
       G(s).vrrp_no_swap = true;
       return absl::OkStatus();
     },
     "lock the process in memory"},
    {"notify_fifo",
     [](Cursor& in, ParseState& s, const Token& kw) { return FifoPath(in, kw, G(s).notify_fifo); },
     "PATH [USER [GROUP]]: FIFO that gets a line per transition, in order"},
    {"notify_fifo_script",
     [](Cursor& in, ParseState& s, const Token& kw) {
       return ReadCommandInto(in, kw, G(s).notify_fifo.script);
     },
     "COMMAND [USER [GROUP]]: reader run on notify_fifo, its path as last argument"},
    {"vrrp_notify_fifo",
     [](Cursor& in, ParseState& s, const Token& kw) {
       return FifoPath(in, kw, G(s).vrrp_notify_fifo);
     },
     "PATH [USER [GROUP]]: as notify_fifo (vrrpd has only VRRP events)"},
    {"vrrp_notify_fifo_script",
     [](Cursor& in, ParseState& s, const Token& kw) {
       return ReadCommandInto(in, kw, G(s).vrrp_notify_fifo.script);
     },
     "COMMAND [USER [GROUP]]: reader run on vrrp_notify_fifo"},
    // The nftables table that filters no_accept Masters' addresses (keepalived.conf(5),
    // global_defs; lib/linux/nft_script.h). vrrpd's default name is its own, "vrrpd", so that it
    // never deletes keepalived's "keepalived" table at start.
    {"nftables", NftablesTable, "[NAME]: the no_accept filter's nftables table (vrrpd)"},
    {"nftables_priority",
     [](Cursor& in, ParseState& s, const Token& kw) {
       return Assign(ReadInt(in, kw, kMinNftPriority, kMaxNftPriority), G(s).nftables_priority);
     },
     "N: the filter's chains' priority, filter + N (-1)"},
    {"nftables_counters",
     [](Cursor&, ParseState& s, const Token&) {
       G(s).nftables_counters = true;
       return absl::OkStatus();
     },
     "a counter on each of the filter's drop rules"},
    {"nftables_ifindex", [](Cursor&, ParseState&, const Token&) { return absl::OkStatus(); },
     "accepted: vrrpd keys link-local addresses by interface name, which filters the same"},
    // keepalived features vrrpd does not have (e-mail, SNMP, firewall sets, LVS, tuning).
    {"notification_email", kIgnore},
    {"notification_email_from", kIgnore},
    {"smtp_server", kIgnore},
    {"smtp_helo_name", kIgnore},
    {"smtp_connect_timeout", kIgnore},
    {"smtp_alert", kIgnore},
    {"smtp_alert_vrrp", kIgnore},
    {"enable_traps", kIgnore},
    {"enable_snmp_vrrp", kIgnore},
    {"enable_snmp_keepalived", kIgnore},
    {"enable_snmp_rfcv2", kIgnore},
    {"enable_snmp_rfcv3", kIgnore},
    {"enable_snmp_checker", kIgnore},
    {"snmp_socket", kIgnore},
    {"lvs_id", kIgnore},
    {"vrrp_garp_interval",
     [](Cursor& in, ParseState& s, const Token& kw) {
       return Assign(ReadAnnounceInterval(in, kw), G(s).announce_intervals.arp);
     },
     "SECONDS: least time between gratuitous ARPs on an interface, all instances (0: none)"},
    {"vrrp_gna_interval",
     [](Cursor& in, ParseState& s, const Token& kw) {
       return Assign(ReadAnnounceInterval(in, kw), G(s).announce_intervals.na);
     },
     "SECONDS: the same for unsolicited neighbour advertisements (IPv6)"},
    {"vrrp_iptables", kIgnore},
    {"vrrp_ipsets", kIgnore},
    {"vrrp_nftables", kIgnore},
    {"dynamic_interfaces", kIgnore},
    {"max_auto_priority", kIgnore},
    // The checker (LVS) and BFD processes' twins of vrrp_priority and the rest: vrrpd runs
    // neither process.
    {"checker_priority", kIgnore},
    {"checker_rt_priority", kIgnore},
    {"checker_rlimit_rttime", kIgnore},
    {"checker_rlimit_rtime", kIgnore},
    {"checker_no_swap", kIgnore},
    {"bfd_priority", kIgnore},
    {"bfd_rt_priority", kIgnore},
    {"bfd_rlimit_rttime", kIgnore},
    {"bfd_rlimit_rtime", kIgnore},
    {"bfd_no_swap", kIgnore},
    // The FIFOs' extras: priority changes and states at reload are not written; LVS has none.
    {"vrrp_notify_priority_changes", kIgnore},
    {"fifo_write_vrrp_states_on_reload", kIgnore},
    {"lvs_notify_fifo", kIgnore},
    {"lvs_notify_fifo_script", kIgnore},
    {"vrrp_lower_prio_no_advert", kIgnore},
    {"vrrp_higher_prio_send_advert", kIgnore},
    {"vrrp_rx_bufs_policy", kIgnore},
    {"vrrp_rx_bufs_multiplier", kIgnore},
    {"vrrp_garp_lower_prio_delay", kIgnore},
    {"vrrp_garp_lower_prio_repeat", kIgnore},
    {"vrrp_min_garp", kIgnore},
    {"vrrp_startup_delay", kIgnore},
    {"vrrp_netlink_cmd_rcv_bufs", kIgnore},
    {"vrrp_netlink_monitor_rcv_bufs", kIgnore},
    {"umask", kIgnore},
    {"instance", kIgnore},
    {"net_namespace", kIgnore},
    {"uid", kIgnore},
    {"gid", kIgnore},
    {"script_security", kIgnore},
    {"router_id_from_hostname", kIgnore},
    {"lvs_timeouts", kIgnore},
    {"lvs_flush", kIgnore},
    {"lvs_sync_daemon", kIgnore},
};

constexpr KeywordBlock<ParseState> kGlobalDefs{"global_defs", "global_defs", kEntries};

}  // namespace

absl::Status ReadGlobalDefs(Cursor& in, ParseState& state, const Token& kw) {
  GlobalDefs& g = state.conf.global;
  if (g.where.line == 0) g.where = in.Where(kw);
  if (absl::Status s = in.OpenBlock(kw, "global_defs"); !s.ok()) return s;
  return in.Body(kw, "global_defs", [&](const Token& t) {
    state.global_locations[t.text] = in.Where(t);
    return Dispatch(in, kGlobalDefs, state, t);
  });
}

absl::Status CheckNotifyFifos(ParseState& state) {
  GlobalDefs& g = state.conf.global;
  for (auto [fifo, keyword] : {std::pair{&g.notify_fifo, "notify_fifo"},
                               std::pair{&g.vrrp_notify_fifo, "vrrp_notify_fifo"}}) {
    if (fifo->script && !fifo->configured()) {
      state.conf.warnings.push_back(
          {fifo->script->where, fmt::format("{}_script without {} is ignored", keyword, keyword)});
      fifo->script.reset();
    }
  }
  // keepalived.conf(5): "the FIFO names must all be different"; two writers of one FIFO would
  // also write every line twice.
  if (g.notify_fifo.configured() && g.notify_fifo.path == g.vrrp_notify_fifo.path) {
    return Failure(g.vrrp_notify_fifo.where, "vrrp_notify_fifo",
                   fmt::format("vrrp_notify_fifo {} is the same FIFO as notify_fifo at {}; the "
                               "FIFO names must differ",
                               g.vrrp_notify_fifo.path, ToString(g.notify_fifo.where)));
  }
  return absl::OkStatus();
}

void AppendGlobalDefsKeywords(std::vector<KeywordInfo>& out) { Describe(kGlobalDefs, out); }

}  // namespace vrrp::config
