// The top level of keepalived.conf: the VRRP blocks (with the tracked files and processes), and
// the static addresses, routes and rules, and keepalived's other sections (LVS, BFD...) accepted
// and skipped with a warning.
#include "blocks.h"
#include "keyword_table.h"

namespace vrrp::config {
namespace {

constexpr KeywordEntry<ParseState> kEntries[] = {
    {"global_defs", ReadGlobalDefs, "{ ... }: settings for every instance and the process"},
    {"vrrp_script", ReadVrrpScript, "NAME { ... }: a check command that instances track"},
    {"vrrp_instance", ReadVrrpInstance, "NAME { ... }: one virtual router"},
    {"vrrp_sync_group", ReadVrrpSyncGroup, "NAME { ... }: instances that change state together"},
    {"virtual_server", kIgnore},
    {"virtual_server_group", kIgnore},
    {"static_ipaddress", ReadStaticAddresses,
     "{ ADDRESS[/PREFIX] dev NAME ... }: addresses added at start whatever the state"},
    {"static_routes",
     [](Cursor& in, ParseState& state, const Token& kw) {
       return ReadRouteBlock(in, kw, state.conf.static_routes);
     },
     "{ ROUTE }: `ip route add` routes added at start whatever the state"},
    {"static_rules",
     [](Cursor& in, ParseState& state, const Token& kw) {
       return ReadRuleBlock(in, kw, state.conf.static_rules);
     },
     "{ RULE }: `ip rule add` rules added at start whatever the state"},
    {"track_file", ReadTrackFileBlock, "NAME { ... }: a file whose number instances track"},
    {"vrrp_track_file", ReadTrackFileBlock, "NAME { ... }: deprecated spelling of track_file"},
    {"vrrp_track_process", ReadTrackProcessBlock,
     "NAME { ... }: running processes that instances track"},
    {"linkbeat_interfaces", kIgnore},
    {"garp_group", ReadGarpGroup,
     "{ ... }: interfaces whose gratuitous ARPs / NAs are paced together"},
    {"bfd_instance", kIgnore},
    {"net_namespace", kIgnore},
    {"instance", kIgnore},
    {"use_pid_dir", kIgnore},
    {"include_check", kIgnore},
};

constexpr KeywordBlock<ParseState> kTopLevel{"top", "the top level", kEntries};

}  // namespace

absl::Status ReadTopLevel(Cursor& in, ParseState& state) {
  while (!in.AtEnd()) {
    const Token& kw = in.Next();
    if (kw.IsClose()) return in.Error(kw, "", "unexpected '}' (no block is open)");
    if (kw.IsOpen()) return in.Error(kw, "", "unexpected '{'");
    if (absl::Status s = Dispatch(in, kTopLevel, state, kw); !s.ok()) return s;
  }
  return absl::OkStatus();
}

void AppendTopLevelKeywords(std::vector<KeywordInfo>& out) { Describe(kTopLevel, out); }

}  // namespace vrrp::config
