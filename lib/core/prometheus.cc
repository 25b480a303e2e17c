#include "vrrp/prometheus.h"

#include <cstdint>
#include <iterator>

#include "fmt/format.h"
#include "vrrp/drop_reason.h"

namespace vrrp {
namespace {

// Label values per the exposition format: backslash, double quote and line feed escaped.
void AppendEscaped(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
}

void AppendHeader(std::string& out, std::string_view name, std::string_view type,
                  std::string_view help) {
  fmt::format_to(std::back_inserter(out), "# HELP {0} {2}\n# TYPE {0} {1}\n", name, type, help);
}

// A Unix timestamp in seconds, to the millisecond (Prometheus' own resolution).
double UnixSeconds(const MetricsSnapshot& s, absl::Time t) {
  return absl::ToDoubleSeconds(s.wall_now - (s.now - t) - absl::UnixEpoch());
}

// keepalived-exporter's per-instance counters: name, help, value. Its error counters are our
// drop reasons under keepalived's stats names (router_stats.h).
struct Counter {
  std::string_view name;
  std::string_view help;
  uint64_t (*value)(const RouterStats&);
};

constexpr Counter kCounters[] = {
    {"keepalived_advertisements_received_total", "Advertisements received.",
     [](const RouterStats& s) { return s.advert_rcvd; }},
    {"keepalived_advertisements_sent_total", "Advertisements sent.",
     [](const RouterStats& s) { return s.advert_sent; }},
    {"keepalived_become_master_total", "Times the router became master.",
     [](const RouterStats& s) { return s.become_master; }},
    {"keepalived_release_master_total", "Times the router left master.",
     [](const RouterStats& s) { return s.release_master; }},
    // keepalived counts an AH packet too short for its headers as a length error, and every
    // other AH failure (ICV, SPI, sequence) as an authentication failure: so do these.
    {"keepalived_packet_length_errors_total", "Advertisements with a wrong length.",
     [](const RouterStats& s) {
       return s.drops[DropReason::kLength] + s.drops[DropReason::kAhShort];
     }},
    {"keepalived_advertisements_interval_errors_total",
     "VRRPv2 advertisements with another interval than ours.",
     [](const RouterStats& s) { return s.drops[DropReason::kInterval]; }},
    {"keepalived_ip_ttl_errors_total", "Advertisements whose TTL or hop limit is not 255.",
     [](const RouterStats& s) { return s.drops[DropReason::kTtl]; }},
    {"keepalived_invalid_type_received_total", "Packets whose VRRP type is not advertisement.",
     [](const RouterStats& s) { return s.drops[DropReason::kType]; }},
    {"keepalived_address_list_errors_total", "Advertisements with another address list.",
     [](const RouterStats& s) { return s.drops[DropReason::kAddressList]; }},
    {"keepalived_authentication_invalid_total", "VRRPv2 advertisements of an unknown auth type.",
     [](const RouterStats& s) { return s.drops[DropReason::kInvalidAuthType]; }},
    {"keepalived_authentication_mismatch_total",
     "VRRPv2 advertisements of another auth type than ours.",
     [](const RouterStats& s) { return s.drops[DropReason::kAuthTypeMismatch]; }},
    {"keepalived_authentication_failure_total",
     "VRRPv2 advertisements with a wrong password, or failing AH's checks.",
     [](const RouterStats& s) {
       return s.drops[DropReason::kAuthFailure] + s.drops[DropReason::kAhHeader] +
              s.drops[DropReason::kAhIcv] + s.drops[DropReason::kAhSpi] +
              s.drops[DropReason::kAhReplay];
     }},
    {"keepalived_priority_zero_received_total", "Priority 0 advertisements received.",
     [](const RouterStats& s) { return s.pri_zero_rcvd; }},
    {"keepalived_priority_zero_sent_total", "Priority 0 advertisements sent.",
     [](const RouterStats& s) { return s.pri_zero_sent; }},
};

// Ours (issue 13): VIP conflict detection, same labels.
struct ConflictCounter {
  std::string_view name;
  std::string_view help;
  uint64_t (*value)(const VipConflictStats&);
};

constexpr ConflictCounter kConflictCounters[] = {
    {"vrrpd_vip_conflict_claims_total",
     "Claims of our VIPs by another MAC (ARP, NA) seen while master.",
     [](const VipConflictStats& s) { return s.claims; }},
    {"vrrpd_vip_conflict_yields_total",
     "Times the master yielded to a router that outranks it and holds the VIP.",
     [](const VipConflictStats& s) { return s.yields; }},
    {"vrrpd_vip_conflict_reclaims_total", "Announcements sent to claim a VIP back.",
     [](const VipConflictStats& s) { return s.reclaims; }},
    {"vrrpd_vip_conflict_rejoins_total", "Times a yielded router rejoined the election.",
     [](const VipConflictStats& s) { return s.rejoins; }},
    {"vrrpd_vip_probes_sent_total", "ARP probes and DAD solicitations sent.",
     [](const VipConflictStats& s) { return s.probes; }},
    {"vrrpd_vip_black_holes_total",
     "Black holes found: the master advertises a VIP nobody answers for (3 probes in a row).",
     [](const VipConflictStats& s) { return s.black_holes; }},
    {"vrrpd_vip_black_hole_takeovers_total",
     "Black holes taken over: the master's advertisements ignored (vip_black_hole takeover).",
     [](const VipConflictStats& s) { return s.takeovers; }},
};

// iname="VI_1",intf="eth0",vrid="50": keepalived-exporter's labels of an instance's counters.
std::string InstanceLabels(const InstanceStatus& s) {
  std::string out = "iname=\"";
  AppendEscaped(out, s.name);
  out += "\",intf=\"";
  AppendEscaped(out, s.interface);
  fmt::format_to(std::back_inserter(out), "\",vrid=\"{}\"", s.vrid);
  return out;
}

void AppendStateSeries(std::string& out, std::string_view name, const InstanceStatus& s,
                       const std::vector<MetricsAddress>& addresses, bool none_as_empty) {
  const int value = KeepalivedStateValue(s.state);
  auto one = [&](std::string_view intf, std::string_view address) {
    out += name;
    out += "{iname=\"";
    AppendEscaped(out, s.name);
    out += "\",intf=\"";
    AppendEscaped(out, intf);
    fmt::format_to(std::back_inserter(out), "\",vrid=\"{}\",ip_address=\"", s.vrid);
    AppendEscaped(out, address);
    fmt::format_to(std::back_inserter(out), "\"}} {}\n", value);
  };
  for (const MetricsAddress& a : addresses) {
    one(a.interface.empty() ? s.interface : a.interface, a.address);
  }
  if (addresses.empty() && none_as_empty) one(s.interface, "");
}

}  // namespace

int KeepalivedStateValue(RouterState state) {
  // RouterState's numbers are keepalived's (VRRP_STATE_INIT 0 ... VRRP_STATE_FAULT 3).
  return static_cast<int>(state);
}

std::string PrometheusText(const MetricsSnapshot& snapshot) {
  std::vector<std::string> labels;
  labels.reserve(snapshot.instances.size());
  for (const InstanceMetrics& m : snapshot.instances) labels.push_back(InstanceLabels(m.status));
  std::string out;
  // About 3 kB per instance (36 series of ~90 bytes): one allocation for most snapshots.
  out.reserve(4096 + snapshot.instances.size() * 3400);
  auto it = std::back_inserter(out);

  AppendHeader(out, "keepalived_up", "gauge", "1: the VRRP daemon runs.");
  out += "keepalived_up 1\n";

  AppendHeader(out, "keepalived_vrrp_state", "gauge",
               "State of the instance per virtual address: 0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT.");
  for (const InstanceMetrics& m : snapshot.instances) {
    AppendStateSeries(out, "keepalived_vrrp_state", m.status, m.addresses, true);
  }
  AppendHeader(out, "keepalived_vrrp_excluded_state", "gauge",
               "State of the instance per excluded virtual address (same values).");
  for (const InstanceMetrics& m : snapshot.instances) {
    AppendStateSeries(out, "keepalived_vrrp_excluded_state", m.status, m.excluded_addresses, false);
  }

  AppendHeader(out, "keepalived_gratuitous_arp_delay_total", "counter",
               "garp_master_delay in seconds (a setting; counter as keepalived-exporter has it).");
  for (size_t i = 0; i < labels.size(); ++i) {
    fmt::format_to(it, "keepalived_gratuitous_arp_delay_total{{{}}} {}\n", labels[i],
                   absl::ToInt64Seconds(snapshot.instances[i].garp_master_delay));
  }
  for (const Counter& c : kCounters) {
    AppendHeader(out, c.name, "counter", c.help);
    for (size_t i = 0; i < labels.size(); ++i) {
      fmt::format_to(it, "{}{{{}}} {}\n", c.name, labels[i],
                     c.value(snapshot.instances[i].status.stats));
    }
  }
  for (const ConflictCounter& c : kConflictCounters) {
    AppendHeader(out, c.name, "counter", c.help);
    for (size_t i = 0; i < labels.size(); ++i) {
      fmt::format_to(it, "{}{{{}}} {}\n", c.name, labels[i],
                     c.value(snapshot.instances[i].status.conflicts));
    }
  }

  AppendHeader(out, "keepalived_script_status", "gauge", "Tracking script result: 0 BAD, 1 GOOD.");
  for (const auto& [name, status] : snapshot.scripts) {
    if (status != "GOOD" && status != "BAD") continue;  // INIT: no result yet, no sample
    out += "keepalived_script_status{name=\"";
    AppendEscaped(out, name);
    fmt::format_to(it, "\"}} {}\n", status == "GOOD" ? 1 : 0);
  }

  // What keepalived-exporter cannot see.
  AppendHeader(out, "vrrpd_track_file_value", "gauge",
               "The number read from a track_file (-254..254; missing: 0).");
  for (const auto& [name, value] : snapshot.track_files) {
    out += "vrrpd_track_file_value{name=\"";
    AppendEscaped(out, name);
    fmt::format_to(it, "\"}} {}\n", value);
  }
  AppendHeader(out, "vrrpd_track_process_running", "gauge",
               "Processes matching a vrrp_track_process.");
  for (const TrackedProcessMetrics& p : snapshot.track_processes) {
    out += "vrrpd_track_process_running{name=\"";
    AppendEscaped(out, p.name);
    fmt::format_to(it, "\"}} {}\n", p.running);
  }
  AppendHeader(out, "vrrpd_track_process_quorum", "gauge",
               "1 while a vrrp_track_process's quorum holds (after its delays), else 0.");
  for (const TrackedProcessMetrics& p : snapshot.track_processes) {
    out += "vrrpd_track_process_quorum{name=\"";
    AppendEscaped(out, p.name);
    fmt::format_to(it, "\"}} {}\n", p.up ? 1 : 0);
  }
  AppendHeader(out, "vrrpd_priority", "gauge", "Configured (base) priority.");
  for (size_t i = 0; i < labels.size(); ++i) {
    fmt::format_to(it, "vrrpd_priority{{{}}} {}\n", labels[i],
                   snapshot.instances[i].status.priority);
  }
  AppendHeader(out, "vrrpd_effective_priority", "gauge",
               "Priority after tracking (scripts, interfaces), the one advertised.");
  for (size_t i = 0; i < labels.size(); ++i) {
    fmt::format_to(it, "vrrpd_effective_priority{{{}}} {}\n", labels[i],
                   snapshot.instances[i].status.effective_priority);
  }
  AppendHeader(out, "vrrpd_fault", "gauge", "1: the instance has a fault raised.");
  for (size_t i = 0; i < labels.size(); ++i) {
    fmt::format_to(it, "vrrpd_fault{{{}}} {}\n", labels[i],
                   snapshot.instances[i].status.fault ? 1 : 0);
  }
  AppendHeader(out, "vrrpd_master_down_deadline_timestamp_seconds", "gauge",
               "When a backup takes over if it hears no more advertisements (backups only).");
  for (size_t i = 0; i < labels.size(); ++i) {
    const InstanceMetrics& m = snapshot.instances[i];
    if (m.status.state != RouterState::kBackup || m.master_down_deadline == absl::InfiniteFuture())
      continue;
    fmt::format_to(it, "vrrpd_master_down_deadline_timestamp_seconds{{{}}} {:.3f}\n", labels[i],
                   UnixSeconds(snapshot, m.master_down_deadline));
  }
  AppendHeader(out, "vrrpd_last_transition_timestamp_seconds", "gauge",
               "When the instance last changed state (none before its first transition).");
  for (size_t i = 0; i < labels.size(); ++i) {
    const RouterStats& s = snapshot.instances[i].status.stats;
    if (s.last_transition == absl::InfinitePast()) continue;
    fmt::format_to(it, "vrrpd_last_transition_timestamp_seconds{{{}}} {:.3f}\n", labels[i],
                   UnixSeconds(snapshot, s.last_transition));
  }
  AppendHeader(out, "vrrpd_last_transition_info", "gauge",
               "Always 1; reason: why the instance last changed state and into which state.");
  for (size_t i = 0; i < labels.size(); ++i) {
    const InstanceStatus& s = snapshot.instances[i].status;
    fmt::format_to(it, "vrrpd_last_transition_info{{{},reason=\"{}\",state=\"{}\"}} 1\n", labels[i],
                   TransitionReasonName(s.stats.last_transition_reason), RouterStateName(s.state));
  }
  AppendHeader(out, "vrrpd_drops_total", "counter",
               "Received packets refused, by reason (keepalived's error counters and more).");
  for (size_t i = 0; i < labels.size(); ++i) {
    const DropCounters& drops = snapshot.instances[i].status.stats.drops;
    for (size_t r = 1; r < kDropReasonCount; ++r) {  // from 1: kNone is an accepted packet
      const auto reason = static_cast<DropReason>(r);
      fmt::format_to(it, "vrrpd_drops_total{{{},reason=\"{}\"}} {}\n", labels[i],
                     DropReasonName(reason), drops[reason]);
    }
  }
  AppendHeader(out, "vrrpd_received_packets_total", "counter",
               "VRRP packets the sockets delivered, routed to an instance or not.");
  fmt::format_to(it, "vrrpd_received_packets_total {}\n", snapshot.receive.received);
  AppendHeader(out, "vrrpd_unrouted_packets_total", "counter",
               "Packets that reached no instance: reason vrid (no instance runs it there), peer "
               "(not a unicast peer), too_short, read_error.");
  const std::pair<std::string_view, uint64_t> unrouted[] = {
      {"vrid", snapshot.receive.other_vrid},
      {"peer", snapshot.receive.other_peer},
      {"too_short", snapshot.receive.too_short},
      {"read_error", snapshot.receive.errors}};
  for (const auto& [reason, count] : unrouted) {
    fmt::format_to(it, "vrrpd_unrouted_packets_total{{reason=\"{}\"}} {}\n", reason, count);
  }
  AppendHeader(out, "vrrpd_reloads_total", "counter", "Configuration reloads (SIGHUP) applied.");
  fmt::format_to(it, "vrrpd_reloads_total {}\n", snapshot.reloads);
  AppendHeader(out, "vrrpd_snapshot_timestamp_seconds", "gauge",
               "When these values were read from the routers.");
  fmt::format_to(it, "vrrpd_snapshot_timestamp_seconds {:.3f}\n",
                 absl::ToDoubleSeconds(snapshot.wall_now - absl::UnixEpoch()));
  return out;
}

}  // namespace vrrp
