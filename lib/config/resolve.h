// The second pass: once every block is read, each pending instance gets its global_defs
// defaults, family and version, is checked (by the core's validator, see validation.cc), and the
// names that blocks give each other (track_script, sync group members) are resolved.
#ifndef VRRP_LIB_CONFIG_RESOLVE_H_
#define VRRP_LIB_CONFIG_RESOLVE_H_

#include <string>
#include <string_view>

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

// A virtual_ipaddress entry as the instance on `dev` puts it on, checked.
absl::StatusOr<VirtualAddress> MakeAddress(const PendingAddress& a, const std::string& dev,
                                           std::string_view block);

}  // namespace vrrp::config

#endif  // VRRP_LIB_CONFIG_RESOLVE_H_
