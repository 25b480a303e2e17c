// What the C ABI's files share: errors, time, addresses, configurations and events, converted
// between vrrp.h's C structs and the C++ library. Nothing here is exported (vrrp.map).
#ifndef VRRP_BINDINGS_C_INTERNAL_H_
#define VRRP_BINDINGS_C_INTERNAL_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "vrrp.h"
#include "vrrp/event.h"
#include "vrrp/ip_address.h"
#include "vrrp/router_config.h"

namespace vrrp::c_abi {

// Records `message` as the thread's last error and returns `code` (a VRRP_ERR_*).
int Fail(int code, std::string message);
// The VRRP_ERR_* for a status (not OK), recorded with its message.
int Fail(const absl::Status& status);
// For a NULL argument: VRRP_ERR_INVALID_ARGUMENT "<function>: <what> is NULL".
int FailNull(std::string_view function, std::string_view what);

// vrrp_tstamp <-> absl::Time: nanoseconds since the epoch of the caller's clock, taken as the
// Unix epoch (MonotonicNow() counts CLOCK_MONOTONIC from there too). VRRP_TSTAMP_MAX is
// InfiniteFuture, both ways.
absl::Time ToTime(vrrp_tstamp t);
vrrp_tstamp ToTstamp(absl::Time t);
absl::Duration ToDuration(vrrp_tstamp ns);

// kInvalidArgument for an unset or unknown family.
absl::StatusOr<IpAddress> ToAddress(const vrrp_addr& addr);
vrrp_addr ToCAddr(const IpAddress& address);
std::vector<vrrp_addr> ToCAddrs(absl::Span<const IpAddress> addresses);

// Checks struct_version and every field, naming the one at fault as the C++ validator does.
absl::StatusOr<RouterConfig> ToRouterConfig(const vrrp_router_config& config);

// Writes `text` and a NUL into buf when it fits (text.size() < len); returns text.size(), or
// VRRP_ERR_NOBUF (recorded) when it does not fit. buf may be NULL when len is 0.
int WriteText(std::string_view text, char* buf, size_t len);

// An event's strings, owned by the handle it was polled from until the next poll.
struct EventStorage {
  std::string instance;
  std::string group;
  std::string interface;
  std::string message;
  std::string text;
};
// Fills *out from `event`, its strings pointing into `storage`.
void FillEvent(const InstanceEvent& event, EventStorage& storage, vrrp_event* out);
// The C event type of an InstanceEvent kind (VRRP_EVENT_*).
int EventType(InstanceEvent::Kind kind);

}  // namespace vrrp::c_abi

#endif  // VRRP_BINDINGS_C_INTERNAL_H_
