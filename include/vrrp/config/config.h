// vrrp::config: keepalived.conf (its VRRP part) read into typed values, every item with the
// file:line it came from, so that a keepalived.conf that uses only VRRP keywords runs unchanged.
//
// The syntax is keepalived's: blocks in braces (the brace on the keyword's line or the next),
// `#` and `!` comments anywhere outside quotes, "quoted strings", several statements per line,
// and `include PATTERN` (glob(3), relative to the including file's directory). Parsing gives a
// whole Configuration or an error, never half of one: every instance has been checked by
// vrrp::ValidateInstanceConfig, and cross-references (track_script, sync groups, one VRID per
// interface and family) are resolved.
//
//   absl::StatusOr<vrrp::config::Configuration> conf =
//       vrrp::config::ParseFile("/etc/keepalived/keepalived.conf");
//   if (!conf.ok()) {
//     Log(conf.status().message());  // "keepalived.conf:12: priority 0 is out of range 1..255"
//     if (auto e = vrrp::config::ConfigErrorOf(conf.status())) Mark(e->where, e->keyword);
//     return;
//   }
//   for (const auto& w : conf->warnings) Log(vrrp::config::ToString(w));
//   for (const vrrp::config::VrrpInstance& vi : conf->instances) {
//     // vi.config is a vrrp::InstanceConfig for Instance::Create / os::Driver;
//     // vi.extras holds what it lacks: interface, unicast peers, multicast group, tracking...
//   }
//
// Tests and fuzzers parse from memory with ParseString and a MemoryFileSource for includes.
// The keywords read, and those accepted only to be ignored, are listed by KeywordTable()
// (vrrp/config/keywords.h).
#ifndef VRRP_CONFIG_CONFIG_H_
#define VRRP_CONFIG_CONFIG_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "vrrp/address_manager.h"
#include "vrrp/announce_pacer.h"
#include "vrrp/config/boxed.h"
#include "vrrp/instance.h"
#include "vrrp/ip_address.h"
#include "vrrp/route.h"

namespace vrrp::config {

// Where an item was written: the file name as given (or as the include pattern built it) and
// its 1-based line.
struct Location {
  std::string file;
  int line = 0;

  friend bool operator==(const Location&, const Location&) = default;
};
std::string ToString(const Location& where);  // "keepalived.conf:12"

// Something keepalived would accept but log about (an ignored keyword, a truncated password...).
struct Warning {
  Location where;
  std::string message;
};
std::string ToString(const Warning& warning);  // "keepalived.conf:12: message"

// Why a configuration was refused, and where: the structured form of a Parse* error, whose status
// message is ToString(error). The parser makes it where it finds the fault.
struct ConfigError {
  Location where;
  // The keyword of the statement at fault, as written at `where`: "priority" for its bad value,
  // "vrrp_garp_master_delay" when an instance's bad value came from global_defs,
  // "virtual_ipaddress" for one of its addresses, "vrrp_instance" for an instance that lacks
  // something. Empty for a stray brace or an unterminated quote.
  std::string keyword;
  std::string message;  // without the location: "priority 0 is out of range 1..255"

  friend bool operator==(const ConfigError&, const ConfigError&) = default;
};
std::string ToString(const ConfigError& error);  // "keepalived.conf:12: message"

// The ConfigError that a kInvalidArgument from ParseFile / ParseString carries (as a status
// payload); nullopt for any other status, e.g. kNotFound when the top file cannot be read.
std::optional<ConfigError> ConfigErrorOf(const absl::Status& status);

// `state` as configured. keepalived (and we) start every instance as Backup whatever it says
// (RFC 5798 §6.4.1 only lets the address owner start as Master); the daemon may still report it.
enum class InitialState : uint8_t { kBackup, kMaster };

// A command keepalived runs: notify_* or a vrrp_script's `script`, with the optional user and
// group that keepalived accepts after it.
struct Command {
  Location where;
  std::string command;  // as written, quotes removed: "/usr/bin/pgrep nginx"
  std::string user;     // empty: global_defs script_user (or keepalived's default)
  std::string group;

  friend bool operator==(const Command&, const Command&) = default;
};

// Boxed: every instance and sync group has these five, and most configurations none of them.
using OptionalCommand = Boxed<Command>;

struct NotifyCommands {
  OptionalCommand master;
  OptionalCommand backup;
  OptionalCommand fault;
  OptionalCommand stop;
  OptionalCommand notify;  // called for every transition with TYPE NAME STATE PRIORITY
};

struct TrackedInterface {
  Location where;
  std::string name;
  int weight = 0;  // 0: the instance goes to Fault while the link is down; else -254..254
};

struct TrackedScript {
  Location where;
  std::string name;           // a vrrp_script of the same Configuration
  std::optional<int> weight;  // overrides the script's weight, -253..253
  bool reverse = false;       // `weight W reverse`: the priority moves the other way
};

// An instance's track_file / track_process entry (keepalived.conf(5), vrrp_instance).
struct TrackedFile {
  Location where;
  std::string name;           // a track_file (vrrp_track_file) of the same Configuration
  std::optional<int> weight;  // overrides the file's weight, -254..254
  bool reverse = false;       // with `weight`: the priority moves the other way
};

struct TrackedProcess {
  Location where;
  std::string name;           // a vrrp_track_process of the same Configuration
  std::optional<int> weight;  // overrides the process's weight, -254..254
  bool reverse = false;
};

// track_file NAME { } (vrrp_track_file is keepalived's deprecated spelling): a file holding a
// number, read whenever it is written, moved in or removed (keepalived.conf(5), "Track files").
struct VrrpTrackFile {
  Location where;
  std::string name;
  std::string path;  // as written
  int weight = 1;    // -254..254; 0: a non-zero value means FAULT
  bool reverse = false;
  // init_file [VALUE] [overwrite]: VALUE (0 when not given) is written at start when the file
  // does not exist, or always with overwrite.
  std::optional<int64_t> init_value;
  bool init_overwrite = false;

  friend bool operator==(const VrrpTrackFile&, const VrrpTrackFile&) = default;
};

// vrrp_track_process NAME { } (keepalived.conf(5), "VRRP track processes"): how many running
// processes match, watched through the kernel's process events.
struct VrrpTrackProcess {
  enum class ParamMatch : uint8_t {
    kNone,     // no parameters and no param_match: the process name alone
    kExact,    // the parameters are exactly those given (none if none is given)
    kPartial,  // the first parameters are those given; more may follow
    kInitial,  // like partial, and the last one given may be the start of the process's
  };
  Location where;
  std::string name;
  std::string process;              // matched exactly: comm, or argv[0] with parameters
  std::vector<std::string> params;  // as given after the process
  ParamMatch param_match = ParamMatch::kNone;
  int quorum = 1;       // at least this many processes, 0..65535
  int quorum_max = -1;  // at most this many; -1: no limit
  int weight = 1;       // -254..254; 0: quorum lost means FAULT
  bool reverse = false;
  absl::Duration fork_delay;       // quorum gained: counts after this
  absl::Duration terminate_delay;  // quorum lost: counts after this
  bool full_command = false;       // match argv[0] (/proc/PID/cmdline), not the name

  friend bool operator==(const VrrpTrackProcess&, const VrrpTrackProcess&) = default;
};

struct VrrpScript {
  Location where;
  std::string name;
  Command script;
  absl::Duration interval = absl::Seconds(1);
  absl::Duration timeout = absl::Seconds(1);  // defaults to the interval
  int weight = 0;                             // -253..253; 0: failure means Fault
  bool reverse = false;
  int rise = 1;
  int fall = 1;
  std::string user;  // empty: global_defs script_user
  std::string group;
  bool init_fail = false;  // starts as failed until it first succeeds
};

// A line of static_routes / virtual_routes, or of static_rules / virtual_rules
// (keepalived.conf(5): `ip route add` / `ip rule add` syntax, the common part of it).
struct ConfiguredRoute {
  Location where;
  Route route;
};
struct ConfiguredRule {
  Location where;
  Rule rule;
};

// What a vrrp::InstanceConfig lacks and the daemon needs.
struct InstanceExtras {
  std::string interface;  // `interface`: where advertisements are sent and received
  InitialState state = InitialState::kBackup;
  bool state_configured = false;
  std::optional<IpAddress> source;       // unicast_src_ip (or mcast_src_ip)
  IpAddress mcast_group;                 // global_defs vrrp_mcast_group4/6, or the RFC's group
  std::vector<IpAddress> unicast_peers;  // non-empty: unicast mode, mcast_group unused
  std::vector<VirtualAddress> excluded_addresses;  // virtual_ipaddress_excluded: not advertised
  std::vector<TrackedInterface> track_interfaces;
  std::vector<TrackedScript> track_scripts;
  std::vector<TrackedFile> track_files;
  std::vector<TrackedProcess> track_processes;
  NotifyCommands notify;
  // use_vmac [NAME] (keepalived.conf(5)): the instance's addresses go on a macvlan link of
  // `interface` that has the virtual router MAC (RFC 5798 §7.3), named NAME or, by default,
  // keepalived's "vrrp.<VRID>". Empty: no use_vmac.
  std::string vmac_interface;
  // vmac_xmit_base: advertisements leave from `interface` rather than the macvlan link.
  bool vmac_xmit_base = false;
  // virtual_routes / virtual_rules: added when the instance becomes Master, removed when it
  // leaves Master and at stop.
  std::vector<ConfiguredRoute> virtual_routes;
  std::vector<ConfiguredRule> virtual_rules;
  // dont_track_primary: `interface` going down does not put the instance in FAULT
  // (os::DriverInstance::track_link). With use_vmac too, the link tracked is `interface`, the
  // one advertisements use, never the macvlan link. (keepalived 2.2.7 has no global_defs
  // default for it: `vrrp_dont_track_primary` is an unknown keyword there, and here.)
  bool dont_track_primary = false;
};

// vip_lease_time (ours, global_defs and vrrp_instance): the kernel lifetime of the VIPs, which the
// Master renews (crash-safe VIPs: a killed Master lets go of them by itself). The instance's
// InstanceConfig::vip_lease_seconds is what it resolves to.
struct VipLeaseTime {
  bool automatic = true;  // `auto`, the default: vrrp::VipLeaseFor(the instance's timers)
  uint32_t seconds = 0;   // otherwise; 0 = permanent, as keepalived

  friend bool operator==(const VipLeaseTime&, const VipLeaseTime&) = default;
};

struct VrrpInstance {
  Location where;  // of the `vrrp_instance` keyword
  // Ready for vrrp::Instance::Create or os::DriverInstance::config: name, router settings (with
  // the global_defs defaults applied), addresses with their interface / label / scope / brd,
  // authentication, pseudo-header default. router.primary_address is unicast_src_ip when given,
  // otherwise left unspecified for the driver to fill from the interface.
  InstanceConfig config;
  InstanceExtras extras;
  std::vector<Location> address_locations;  // one per config.addresses entry
  // Where each keyword of the block was (last) given, e.g. locations["priority"].
  std::map<std::string, Location> locations;
};

struct SyncGroup {
  Location where;
  std::string name;
  std::vector<std::string> instances;  // each a VrrpInstance of the same Configuration
  NotifyCommands notify;
  // sync_group_tracking_weight (or the deprecated global_tracking): the members' tracking
  // weights apply. Without it keepalived ignores them: a member's failed check or tracked
  // interface means FAULT, which moves the whole group (weights would move one member alone).
  bool tracking_weight = false;
};

// ff02::12, the IPv6 group of RFC 5798 §5.1.2.2.
inline constexpr uint8_t kVrrpGroup6[16] = {0xff, 0x02, 0, 0, 0, 0, 0, 0,
                                            0,    0,    0, 0, 0, 0, 0, 0x12};

// global_defs notify_fifo / vrrp_notify_fifo (keepalived.conf(5), global_defs): a FIFO that
// gets one line per transition, `INSTANCE "VI_1" MASTER 150` or `GROUP "G1" BACKUP 0`, in the
// order they happen, and the reader the daemon runs on it (notify_fifo_script).
struct NotifyFifo {
  Location where;     // of the FIFO keyword; line 0 when not configured
  std::string path;   // empty: not configured
  std::string user;   // the FIFO's owner when the daemon creates it; empty: the daemon's user
  std::string group;  // with a user: empty means the user's primary group
  // notify_fifo_script COMMAND [USER [GROUP]]: run with the FIFO's path as its last argument.
  std::optional<Command> script;

  bool configured() const { return !path.empty(); }
  friend bool operator==(const NotifyFifo&, const NotifyFifo&) = default;
};

struct GlobalDefs {
  Location where;  // of the first global_defs block; line 0 when there is none
  std::string router_id;
  Version vrrp_version = Version::kV2;  // keepalived's default; IPv6 instances use v3
  IpAddress mcast_group4 = IpAddress::V4(224, 0, 0, 18);         // RFC 5798 §5.1.1.2
  IpAddress mcast_group6 = IpAddress::FromV6Bytes(kVrrpGroup6);  // RFC 5798 §5.1.2.2
  // Defaults for every instance's garp_master_* (keepalived's vrrp_garp_master_*).
  absl::Duration garp_master_delay = absl::Seconds(5);
  int garp_master_repeat = 5;
  absl::Duration garp_master_refresh = absl::ZeroDuration();
  int garp_master_refresh_repeat = 1;
  std::string script_user;
  std::string script_group;
  bool enable_script_security = false;
  bool vrrp_strict = false;
  // vrrp_skip_check_adv_addr: the default of the instances' skip_check_adv_addr.
  bool skip_check_adv_addr = false;
  // vrrp_check_unicast_src: every unicast instance checks sources (check_unicast_src). Without
  // it, as in keepalived, a unicast instance takes advertisements from any source.
  bool check_unicast_src = false;
  // How the VRRP process runs, so that its timers stay regular under load (keepalived applies
  // these to its VRRP child; vrrpd to itself, once at start).
  std::optional<int> vrrp_priority;     // nice value, -20..19
  std::optional<int> vrrp_rt_priority;  // SCHED_RR priority, 1..99
  // RLIMIT_RTTIME in microseconds, 1..4294967295, used with vrrp_rt_priority only; when unset
  // vrrpd, like keepalived, uses 10000.
  std::optional<int64_t> vrrp_rlimit_rttime;
  bool vrrp_no_swap = false;  // keep the process in memory (mlockall)
  // keepalived's notify_fifo gets every process's events and vrrp_notify_fifo the VRRP ones;
  // vrrpd has only VRRP events, so both get the same lines. Their paths differ (checked).
  NotifyFifo notify_fifo;
  NotifyFifo vrrp_notify_fifo;
  VipLeaseTime vip_lease_time;  // every instance's default
  // vip_conflict / vip_probe_interval (ours): every instance's default (vrrp/vip_conflict.h).
  VipConflictConfig vip_conflict{.mode = VipConflictMode::kYield};
  // nftables [NAME] / nftables_priority / nftables_counters: the table vrrpd filters no_accept
  // Masters' addresses in (vrrp/linux/nft_script.h). keepalived's default name is "keepalived";
  // ours is "vrrpd", so that the two never delete each other's rules.
  std::string nftables_table = "vrrpd";
  int nftables_priority = -1;  // keepalived's: just before the filter hook's usual 0
  bool nftables_counters = false;
  // vrrp_garp_interval / vrrp_gna_interval: the least time between two gratuitous ARPs (two
  // unsolicited NAs) on an interface that is in no garp_group, across all its instances.
  PacingIntervals announce_intervals;
};

// garp_group { garp_interval  gna_interval  interface | interfaces { } }: interfaces whose
// announcements are paced together, behind one switch (vrrp/announce_pacer.h).
struct GarpGroup {
  Location where;  // of the `garp_group` keyword
  PacingGroup group;
};

struct Configuration {
  GlobalDefs global;
  std::vector<VrrpInstance> instances;  // in the order written
  std::vector<VrrpScript> scripts;
  std::vector<VrrpTrackFile> track_files;
  std::vector<VrrpTrackProcess> track_processes;
  std::vector<SyncGroup> sync_groups;
  // static_ipaddress / static_routes / static_rules: added at start whatever the instances'
  // states, removed at a clean stop (addresses last, rules first).
  std::vector<VirtualAddress> static_addresses;
  std::vector<Location> static_address_locations;  // one per static_addresses entry
  std::vector<ConfiguredRoute> static_routes;
  std::vector<ConfiguredRule> static_rules;
  std::vector<GarpGroup> garp_groups;  // in the order written; an interface in one at most
  std::vector<Warning> warnings;       // in the order met

  const VrrpInstance* FindInstance(std::string_view name) const;
  const VrrpScript* FindScript(std::string_view name) const;
  const VrrpTrackFile* FindTrackFile(std::string_view name) const;
  const VrrpTrackProcess* FindTrackProcess(std::string_view name) const;
  // What the driver paces announcements by (os::DriverOptions::announce_pacing).
  AnnouncePacing announce_pacing() const;
};

// Where the parser reads included files from. ParseFile uses the disk; ParseString, unless told
// otherwise, an empty MemoryFileSource (so that tests and fuzzers never touch the disk).
class FileSource {
 public:
  virtual ~FileSource() = default;
  // The paths matching a glob(3) pattern, sorted; empty when none matches.
  virtual absl::StatusOr<std::vector<std::string>> Glob(const std::string& pattern) = 0;
  virtual absl::StatusOr<std::string> Read(const std::string& path) = 0;
  // A name that is the same for two paths of one file (include cycle detection).
  virtual std::string Identity(const std::string& path) = 0;
};

// glob(3) with brace expansion, realpath(3), and reading whole files.
class DiskFileSource final : public FileSource {
 public:
  absl::StatusOr<std::vector<std::string>> Glob(const std::string& pattern) override;
  absl::StatusOr<std::string> Read(const std::string& path) override;
  std::string Identity(const std::string& path) override;
};

// Files held in memory; Glob matches the stored paths with fnmatch(3) (FNM_PATHNAME).
class MemoryFileSource final : public FileSource {
 public:
  void Add(std::string path, std::string text) { files_[std::move(path)] = std::move(text); }
  absl::StatusOr<std::vector<std::string>> Glob(const std::string& pattern) override;
  absl::StatusOr<std::string> Read(const std::string& path) override;
  std::string Identity(const std::string& path) override { return path; }

 private:
  std::map<std::string, std::string> files_;
};

struct ParseOptions {
  // An unknown keyword is a warning, as keepalived logs it; true makes it an error.
  bool strict = false;
  // Included files come from here; null: see FileSource. Must outlive the call.
  FileSource* files = nullptr;
  // Guards against runaway input: more nested includes than this is an error.
  int max_include_depth = 16;
  // keepalived's config id (-i, --config-id): lines starting `@ID` are kept only when it is ID,
  // `@^ID` unless it is (keepalived.conf(5), "Conditional configuration"). nullopt: keepalived's
  // default, the host's node name up to its first '.'.
  std::optional<std::string> config_id;
};

// kInvalidArgument "FILE:LINE: message" for anything wrong, carrying its ConfigError (see
// ConfigErrorOf); kNotFound when `path` cannot be read.
[[nodiscard]] absl::StatusOr<Configuration> ParseFile(const std::string& path,
                                                      const ParseOptions& options = {});

// `file_name` is what locations and messages name, and the directory relative includes start
// from.
[[nodiscard]] absl::StatusOr<Configuration> ParseString(std::string_view text,
                                                        const std::string& file_name,
                                                        const ParseOptions& options = {});

}  // namespace vrrp::config

#endif  // VRRP_CONFIG_CONFIG_H_
