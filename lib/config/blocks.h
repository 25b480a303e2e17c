// The first pass: what the block readers collect from the token stream, and the readers
// themselves (one file per block). Instances stay pending here because their final values
// depend on global_defs, which may come after them; resolve.h finishes them.
#ifndef VRRP_LIB_CONFIG_BLOCKS_H_
#define VRRP_LIB_CONFIG_BLOCKS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "cursor.h"
#include "vrrp/config/config.h"
#include "vrrp/config/keywords.h"

namespace vrrp::config {

// One line of virtual_ipaddress or virtual_ipaddress_excluded, before the instance's interface
// is known.
struct PendingAddress {
  Location where;
  IpAddress ip;
  uint8_t prefix_len = 32;
  std::string dev;
  std::string label;
  AddressScope scope = AddressScope::kGlobal;
  std::optional<IpAddress> brd;
  bool brd_plus = false;
  bool noprefixroute = false;
  bool dad = false;
};

// A vrrp_instance as written: what has no default yet (global_defs may still change it) or must
// be checked against the rest of the instance.
struct PendingInstance {
  VrrpInstance vi;
  std::optional<int> vrid;
  std::optional<int64_t> advert_us;
  std::optional<Version> version;
  bool auth_given = false;
  AuthType auth_type = AuthType::kNone;
  std::string pass;
  std::optional<absl::Duration> garp_delay;
  std::optional<int> garp_repeat;
  std::optional<absl::Duration> garp_refresh;
  std::optional<int> garp_refresh_repeat;
  std::optional<bool> accept;
  std::optional<bool> skip_check_adv_addr;
  bool check_unicast_src = false;  // check_unicast_src, or else the global_defs default
  bool peer_ttl_range = false;     // a unicast_peer with min_ttl / max_ttl: checks sources too
  std::optional<VipLeaseTime> vip_lease;
  std::optional<VipConflictMode> vip_conflict;
  std::optional<absl::Duration> vip_probe_interval;
  std::optional<bool> vip_black_hole;  // takeover
  std::vector<PendingAddress> vips;
  std::vector<PendingAddress> excluded;
  std::string source_keyword;  // unicast_src_ip or mcast_src_ip, at vi.locations["source"]
  bool use_vmac = false;       // its name, when given, is vi.extras.vmac_interface already
};

struct MemberLocation {
  std::string group;
  std::string instance;
  Location where;
};

struct ParseState {
  Configuration conf;  // global_defs, scripts, sync groups and warnings are final as read
  std::vector<PendingInstance> pending;
  std::vector<MemberLocation> members;  // every sync group's, to resolve once all are read
  // Where each global_defs keyword was (last) given, for errors found in the second pass.
  std::map<std::string, Location> global_locations;
  bool global_version_set = false;
};

// The statements of the top level, through the end of the tokens.
[[nodiscard]] absl::Status ReadTopLevel(Cursor& in, ParseState& state);

// Each reads its block from its keyword `kw` (just read) through its '}'.
[[nodiscard]] absl::Status ReadGlobalDefs(Cursor& in, ParseState& state, const Token& kw);
// After every block is read: notify_fifo_script without its FIFO is a warning (and dropped), two
// FIFO keywords naming one path an error.
[[nodiscard]] absl::Status CheckNotifyFifos(ParseState& state);
[[nodiscard]] absl::Status ReadVrrpScript(Cursor& in, ParseState& state, const Token& kw);
// track_file NAME { } or vrrp_track_file NAME { } (deprecated, with a warning).
[[nodiscard]] absl::Status ReadTrackFileBlock(Cursor& in, ParseState& state, const Token& kw);
[[nodiscard]] absl::Status ReadTrackProcessBlock(Cursor& in, ParseState& state, const Token& kw);
[[nodiscard]] absl::Status ReadVrrpInstance(Cursor& in, ParseState& state, const Token& kw);
[[nodiscard]] absl::Status ReadVrrpSyncGroup(Cursor& in, ParseState& state, const Token& kw);
// garp_group { }, and the interval its keywords and global_defs vrrp_garp_interval /
// vrrp_gna_interval take: seconds, to the microsecond, at most keepalived's 4294.967295.
[[nodiscard]] absl::Status ReadGarpGroup(Cursor& in, ParseState& state, const Token& kw);
[[nodiscard]] absl::StatusOr<absl::Duration> ReadAnnounceInterval(Cursor& in, const Token& kw);
// After every block is read: a garp_group for an interface no instance runs on is a warning.
void WarnUnusedGarpGroups(ParseState& state);
// The blocks inside a vrrp_instance, from their keyword through their '}'.
[[nodiscard]] absl::Status ReadAuthentication(Cursor& in, PendingInstance& p, const Token& kw);
[[nodiscard]] absl::Status ReadUnicastPeers(Cursor& in, PendingInstance& p, const Token& kw);
[[nodiscard]] absl::Status ReadTrackInterfaces(Cursor& in, PendingInstance& p, const Token& kw);
[[nodiscard]] absl::Status ReadTrackScripts(Cursor& in, PendingInstance& p, const Token& kw);
[[nodiscard]] absl::Status ReadTrackFiles(Cursor& in, PendingInstance& p, const Token& kw);
[[nodiscard]] absl::Status ReadTrackProcesses(Cursor& in, PendingInstance& p, const Token& kw);
// static_routes { } / virtual_routes { } and static_rules { } / virtual_rules { }, one route or
// rule per line, appended to `out` (routes.cc).
[[nodiscard]] absl::Status ReadRouteBlock(Cursor& in, const Token& kw,
                                          std::vector<ConfiguredRoute>& out);
[[nodiscard]] absl::Status ReadRuleBlock(Cursor& in, const Token& kw,
                                         std::vector<ConfiguredRule>& out);
// static_ipaddress { }: virtual_ipaddress entries, each with its dev.
[[nodiscard]] absl::Status ReadStaticAddresses(Cursor& in, ParseState& state, const Token& kw);
// virtual_ipaddress { } or virtual_ipaddress_excluded { }, appended to `out`.
[[nodiscard]] absl::Status ReadAddressBlock(Cursor& in, const Token& kw,
                                            std::vector<PendingAddress>& out);

// Each block's keyword table, for KeywordTable().
void AppendTopLevelKeywords(std::vector<KeywordInfo>& out);
void AppendGlobalDefsKeywords(std::vector<KeywordInfo>& out);
void AppendVrrpScriptKeywords(std::vector<KeywordInfo>& out);
void AppendTrackFileKeywords(std::vector<KeywordInfo>& out);
void AppendTrackProcessKeywords(std::vector<KeywordInfo>& out);
void AppendVrrpInstanceKeywords(std::vector<KeywordInfo>& out);
void AppendVrrpSyncGroupKeywords(std::vector<KeywordInfo>& out);
void AppendGarpGroupKeywords(std::vector<KeywordInfo>& out);
void AppendAuthenticationKeywords(std::vector<KeywordInfo>& out);
void AppendAddressOptionKeywords(std::vector<KeywordInfo>& out);

}  // namespace vrrp::config

#endif  // VRRP_LIB_CONFIG_BLOCKS_H_
