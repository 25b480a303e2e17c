// The second pass: once every block is read, each pending instance gets its global_defs
// defaults, family and version, is checked (by the core's validator, see validation.cc), and the
// names that blocks give each other (track_script, sync group members) are resolved.
#ifndef VRRP_LIB_CONFIG_RESOLVE_H_
#define VRRP_LIB_CONFIG_RESOLVE_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "blocks.h"

namespace vrrp::config {

// Moves the pending instances into state.conf.instances, or returns the first error.
[[nodiscard]] absl::Status Resolve(ParseState& state);

// The statement that set one of an instance's values: the instance's own keyword, else the
// global_defs default it took (`vrrp_` + key), else the vrrp_instance line itself. `key` is a
// VrrpInstance::locations key ("priority", "source", "garp_master_delay"...).
struct Origin {
  Location where;
  std::string keyword;
};
Origin OriginOf(const PendingInstance& p, const ParseState& state, std::string_view key);

// The core's checks of a resolved instance (`p.vi.config`), each failure at the line of the
// keyword at fault.
[[nodiscard]] absl::Status CheckWithCore(const PendingInstance& p, const ParseState& state);

// keepalived's rules applied to an instance as people write it (instance_rules.cc), each with a
// warning where the file said otherwise:
// - an address listed twice in `vips` is kept once;
void DropRepeatedAddresses(std::vector<PendingAddress>& vips, ParseState& state,
                           std::string_view block);
// - a track_interface of the instance's own interface is dropped;
void DropOwnInterface(VrrpInstance& vi, ParseState& state);
// - vrrp_strict (keepalived.conf(5)): no VIP is an error; MASTER below 255 starts as BACKUP, no
//   preempt_delay, no accept with VRRPv2. Needs the version and priority resolved;
[[nodiscard]] absl::Status ApplyStrict(PendingInstance& p, ParseState& state);
// - state MASTER clears nopreempt.
void MasterClearsNopreempt(const PendingInstance& p, ParseState& state, RouterConfig& r);

// A virtual_ipaddress entry as the instance on `dev` puts it on, checked.
absl::StatusOr<VirtualAddress> MakeAddress(const PendingAddress& a, const std::string& dev,
                                           std::string_view block);

}  // namespace vrrp::config

#endif  // VRRP_LIB_CONFIG_RESOLVE_H_
