#include "vrrp/sync_group.h"

#include <algorithm>
#include <array>

#include "vrrp/enum_names.h"

namespace vrrp {
namespace {

constexpr EnumNames<SyncCommand::Kind, 3> kKindNames{{"hold", "step_down", "release"}};
static_assert(kKindNames.Covers(SyncCommand::Kind::kRelease));

// A member that accepts another router as master: it lost its election (or never won one).
// Its own address as master is not a loss: that is a Master that stepped down with its group,
// and it must not keep the group down in turn.
bool Lost(const Router& r) {
  return r.state() == RouterState::kBackup && !r.sync_ready() && r.master_address() &&
         *r.master_address() != r.config().primary_address;
}

}  // namespace

std::string_view SyncCommandKindName(SyncCommand::Kind kind) { return kKindNames(kind); }

std::vector<SyncCommand> PlanSyncGroup(absl::Span<const Router* const> members) {
  std::vector<SyncCommand> plan;
  if (members.size() < 2) return plan;
  // Holding changes neither state nor readiness (only what a later timer does), so the rest is
  // decided on the members as they are now.
  for (size_t i = 0; i < members.size(); ++i) {
    if (!members[i]->sync_hold()) plan.push_back({SyncCommand::Kind::kHold, i});
  }
  if (std::any_of(members.begin(), members.end(), [](const Router* r) { return Lost(*r); })) {
    for (size_t i = 0; i < members.size(); ++i) {
      if (members[i]->state() == RouterState::kMaster) {
        plan.push_back({SyncCommand::Kind::kStepDown, i});
      }
    }
    return plan;
  }
  const bool all_ready = std::all_of(members.begin(), members.end(), [](const Router* r) {
    return r->state() == RouterState::kMaster || r->sync_ready();
  });
  if (!all_ready) return plan;
  for (size_t i = 0; i < members.size(); ++i) {
    if (members[i]->sync_ready()) plan.push_back({SyncCommand::Kind::kRelease, i});
  }
  return plan;
}

void ApplySyncCommand(absl::Time now, SyncCommand::Kind kind, Router& router) {
  switch (kind) {
    case SyncCommand::Kind::kHold:
      router.SetSyncHold(now, true);
      return;
    case SyncCommand::Kind::kStepDown:
      router.SyncStepDown(now);
      return;
    case SyncCommand::Kind::kRelease:
      router.SetSyncHold(now, false);  // ready: Master now
      router.SetSyncHold(now, true);
      return;
  }
}

std::optional<RouterState> SyncGroupState(absl::Span<const Router* const> members) {
  if (members.empty()) return std::nullopt;
  const RouterState state = members.front()->state();
  for (const Router* r : members) {
    if (r->state() != state) return std::nullopt;
  }
  return state;
}

}  // namespace vrrp
