#include "vrrp/policy.h"

#include <algorithm>
#include <array>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "fmt/format.h"
#include "vrrp/enum_names.h"
#include "vrrp/sync_group.h"

namespace vrrp {
namespace {

constexpr EnumNames<PolicyEvent::Kind, 2> kKindNames{{"group_state", "step_down"}};
static_assert(kKindNames.Covers(PolicyEvent::Kind::kStepDown));

const std::vector<std::string>& NoReasons() {
  static const std::vector<std::string> none;
  return none;
}

}  // namespace

std::string_view PolicyEventKindName(PolicyEvent::Kind kind) { return kKindNames(kind); }

std::string DescribePolicyEvent(const PolicyEvent& e) {
  switch (e.kind) {
    case PolicyEvent::Kind::kGroupState:
      return fmt::format("{} {} {}", e.group, PolicyEventKindName(e.kind), e.state);
    case PolicyEvent::Kind::kStepDown:
      return fmt::format("{} {} {}", e.group, PolicyEventKindName(e.kind), e.instance);
  }
  return std::string(PolicyEventKindName(e.kind));
}

Policy::Policy(PolicyConfig config) : config_(std::move(config)) {}

void Policy::Reconfigure(PolicyConfig config) {
  config_ = std::move(config);
  // Groups that left forget their state; one that comes back is reported afresh.
  std::erase_if(group_states_, [&](const auto& entry) {
    return std::none_of(config_.groups.begin(), config_.groups.end(),
                        [&](const PolicyConfig::Group& g) { return g.name == entry.first; });
  });
}

std::optional<PolicyEvent> Policy::PollEvent() {
  if (events_.empty()) return std::nullopt;
  std::optional<PolicyEvent> e(std::move(events_.front()));
  events_.pop_front();
  return e;
}

const std::vector<std::string>& Policy::fault_reasons(std::string_view instance) const {
  auto it = fault_reasons_.find(instance);
  return it == fault_reasons_.end() ? NoReasons() : it->second;
}

void Policy::Apply(absl::Time now, InstanceSet& instances, const TrackInputs& inputs) {
  // The names the policy knows, by id (an InstanceSet finds ids by name only).
  absl::flat_hash_map<InstanceId, std::string_view> name_of;
  absl::flat_hash_map<InstanceId, const std::vector<Track>*> tracks_of;
  for (const PolicyConfig::Instance& configured : config_.instances) {
    if (std::optional<InstanceId> id = instances.Find(configured.name)) {
      name_of[*id] = configured.name;
      tracks_of[*id] = &configured.tracks;
    }
  }
  for (const PolicyConfig::Group& group : config_.groups) {
    for (const std::string& member : group.members) {
      if (std::optional<InstanceId> id = instances.Find(member)) name_of[*id] = member;
    }
  }
  // 1. Each instance's own tracks: its priority delta and whether it is in Fault of its own
  // (a failed weight-0 track, or the runner's reason: link down, source address gone).
  const std::vector<InstanceId> ids = instances.ids();
  absl::flat_hash_map<InstanceId, TrackEffect> effects;
  absl::flat_hash_set<InstanceId> own_fault;
  for (InstanceId id : ids) {
    TrackEffect& effect = effects[id];
    if (auto it = tracks_of.find(id); it != tracks_of.end()) {
      effect = ComputeTrackEffect(*it->second, inputs);
    }
    if (effect.fault || instances.InterfaceFault(id)) own_fault.insert(id);
  }
  // 2. Faults and deltas. A group member is in Fault while another member is in Fault of its own.
  fault_reasons_.clear();
  for (InstanceId id : ids) {
    const Router* router = instances.router(id);
    if (router == nullptr) continue;
    const TrackEffect& effect = effects[id];
    std::vector<std::string> reasons = effect.fault_reasons;
    for (const PolicyConfig::Group& group : config_.groups) {
      auto named = [&](const std::string& m) {
        auto it = name_of.find(id);
        return it != name_of.end() && it->second == m;
      };
      if (std::none_of(group.members.begin(), group.members.end(), named)) continue;
      for (const std::string& other : group.members) {
        std::optional<InstanceId> other_id = instances.Find(other);
        if (!other_id || *other_id == id || !own_fault.contains(*other_id)) continue;
        reasons.push_back(fmt::format("sync group {}: {} in fault", group.name, other));
      }
    }
    if (router->priority_delta() != effect.priority_delta) {
      instances.SetPriorityDelta(now, id, effect.priority_delta);
    }
    instances.SetExternalFault(now, id, !reasons.empty());  // a no-op when nothing changed
    if (auto it = name_of.find(id); it != name_of.end() && !reasons.empty()) {
      fault_reasons_[std::string(it->second)] = std::move(reasons);
    }
  }
  ApplyGroups(now, instances);
}

void Policy::ApplyGroups(absl::Time now, InstanceSet& instances) {
  absl::flat_hash_set<InstanceId> grouped;
  for (const PolicyConfig::Group& group : config_.groups) {
    std::vector<InstanceId> members;
    std::vector<const std::string*> member_names;
    std::vector<const Router*> routers;  // they stay valid, and show the commands' effects
    for (const std::string& m : group.members) {
      if (std::optional<InstanceId> id = instances.Find(m)) {
        members.push_back(*id);
        member_names.push_back(&m);
        routers.push_back(instances.router(*id));
      }
    }
    if (members.size() >= 2) {
      for (InstanceId id : members) grouped.insert(id);
      for (const SyncCommand& c : PlanSyncGroup(routers)) {
        const InstanceId id = members[c.member];
        switch (c.kind) {
          case SyncCommand::Kind::kHold:
            instances.SetSyncHold(now, id, true);
            break;
          case SyncCommand::Kind::kStepDown:
            events_.push_back({.kind = PolicyEvent::Kind::kStepDown,
                               .group = group.name,
                               .instance = *member_names[c.member],
                               .state = RouterState::kBackup});
            instances.SyncStepDown(now, id);
            break;
          case SyncCommand::Kind::kRelease:
            instances.SetSyncHold(now, id, false);  // ready: Master now
            instances.SetSyncHold(now, id, true);   // and held for the next time
            break;
        }
      }
    }
    // Every configured member running, all in one state other than Initialize: report it once.
    if (members.size() != group.members.size() || members.empty()) continue;
    std::optional<RouterState> common = SyncGroupState(routers);
    if (!common || *common == RouterState::kInitialize) continue;
    auto [it, inserted] = group_states_.try_emplace(group.name, *common);
    if (!inserted && it->second == *common) continue;
    it->second = *common;
    events_.push_back(
        {.kind = PolicyEvent::Kind::kGroupState, .group = group.name, .state = *common});
  }
  // Instances a reload took out of their group run on their own again.
  for (InstanceId id : instances.ids()) {
    const Router* router = instances.router(id);
    if (router != nullptr && !grouped.contains(id) && router->sync_hold()) {
      instances.SetSyncHold(now, id, false);
    }
  }
}

}  // namespace vrrp
