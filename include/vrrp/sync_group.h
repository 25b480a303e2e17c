// PlanSyncGroup: keepalived's vrrp_sync_group as a pure planner over the group's routers.
//
// keepalived.conf(5) vrrp_sync_group: "specify group(s) of instances that will change state
// together" — e.g. the outside VIP and the inside gateway of a firewall pair, a v4 and a v6 VIP
// of one service. keepalived's rules, as the planner applies them:
// - Every member is held (Router::SetSyncHold): a Backup whose master-down timer runs out does
//   not become Master on its own; it is sync_ready() and waits for the rest of the group.
// - A member that lost an election (a Backup, not waiting, that hears another router as master)
//   takes the group's Masters to Backup with it (Router::SyncStepDown), so the group's VIPs are
//   never split between two routers.
// - Otherwise, once every member is Master or waiting, the waiting ones are released together
//   and become Master at once.
// Faults are the caller's: keepalived puts every member in FAULT when one is (vrrpd raises the
// others' faults itself); a member in Fault or Initialize here only keeps the others waiting.
//
// Call it after anything that may change a member (a timer, an advertisement, tracking), and
// carry out the commands in order, on the same `now`:
//
//   std::vector<const vrrp::Router*> members = {&v4, &v6};
//   for (const vrrp::SyncCommand& c : vrrp::PlanSyncGroup(members)) {
//     vrrp::ApplySyncCommand(now, c.kind, c.member == 0 ? v4 : v6);  // or through a driver
//   }
//   // The group's common state, for a GROUP notification: vrrp::SyncGroupState(members).
#ifndef VRRP_SYNC_GROUP_H_
#define VRRP_SYNC_GROUP_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/span.h"
#include "fmt/core.h"
#include "vrrp/action.h"
#include "vrrp/router.h"

namespace vrrp {

struct SyncCommand {
  enum class Kind : uint8_t {
    kHold,      // SetSyncHold(now, true): the member now waits for its group
    kStepDown,  // SyncStepDown(now): a Master goes to Backup with its group, without resigning
    kRelease,   // SetSyncHold(now, false) then SetSyncHold(now, true): a waiting member becomes
                // Master now, and is held again for the next time
  };
  Kind kind = Kind::kHold;
  size_t member = 0;  // index into the members given to PlanSyncGroup

  friend bool operator==(const SyncCommand&, const SyncCommand&) = default;
};

// "hold", "step_down", "release".
std::string_view SyncCommandKindName(SyncCommand::Kind kind);

// What the group's members must be told, in the order to carry it out: first every hold, then
// either the step-downs (some member lost) or the releases (every member Master or waiting).
// A group of fewer than two members gets no commands: a lone router needs no one's agreement,
// so it is not held (one that a reconfiguration left alone is the caller's to release).
// Pointers must not be null.
std::vector<SyncCommand> PlanSyncGroup(absl::Span<const Router* const> members);

// Carries out one command on its router.
void ApplySyncCommand(absl::Time now, SyncCommand::Kind kind, Router& router);

// The state every member is in, or nullopt when they differ or there are none. keepalived
// notifies a group (notify_master and the others of vrrp_sync_group) when this changes.
std::optional<RouterState> SyncGroupState(absl::Span<const Router* const> members);

}  // namespace vrrp

// "hold 0", "step_down 1", "release 2".
template <>
struct fmt::formatter<vrrp::SyncCommand> : vrrp::internal::PlainFormatter {
  template <typename FormatContext>
  auto format(const vrrp::SyncCommand& c, FormatContext& ctx) const {
    return fmt::format_to(ctx.out(), "{} {}", vrrp::SyncCommandKindName(c.kind), c.member);
  }
};

#endif  // VRRP_SYNC_GROUP_H_
