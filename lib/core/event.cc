#include "vrrp/event.h"

#include <array>
#include <iterator>

#include "fmt/format.h"
#include "vrrp/enum_names.h"
#include "vrrp/router.h"

namespace vrrp {
namespace {

constexpr EnumNames<InstanceEvent::Kind, 11> kKindNames{
    {"transition", "drop", "address_added", "address_removed", "announced", "send_failed",
     "sync_waiting", "priority_changed", "interface_waiting", "vip_conflict", "black_hole"}};
static_assert(kKindNames.Covers(InstanceEvent::Kind::kBlackHole));

}  // namespace

std::string_view InstanceEventKindName(InstanceEvent::Kind kind) { return kKindNames(kind); }

std::string DescribeEvent(const InstanceEvent& e) {
  std::string out = fmt::format("{} {}", e.instance, InstanceEventKindName(e.kind));
  auto append = [&out]<typename... Args>(fmt::format_string<Args...> f, Args&&... args) {
    fmt::format_to(std::back_inserter(out), f, std::forward<Args>(args)...);
  };
  switch (e.kind) {
    case InstanceEvent::Kind::kTransition:
      append(" {} -> {} ({})", e.transition.from, e.transition.to, e.transition.reason);
      break;
    case InstanceEvent::Kind::kDrop:
      append(" {} from {}", e.drop, e.peer);
      break;
    case InstanceEvent::Kind::kAddressAdded:
    case InstanceEvent::Kind::kAddressRemoved:
      if (e.address) append(" {}", *e.address);
      break;
    case InstanceEvent::Kind::kAnnounced:
      if (e.address) append(" {} x{}", e.address->address, e.count);
      break;
    case InstanceEvent::Kind::kSendFailed:
      append(" to {}", e.peer);
      break;
    case InstanceEvent::Kind::kPriorityChanged:
      append(" {} -> {}", e.previous, e.count);
      break;
    case InstanceEvent::Kind::kSyncWaiting:
    case InstanceEvent::Kind::kInterfaceWaiting:  // the status says what it waits for
      break;
    case InstanceEvent::Kind::kVipConflict:
      // "VIP_1 vip_conflict 192.0.2.100 claimed by 02:00:00:00:00:06: yielded to 192.0.2.6"
      if (e.address) append(" {}", e.address->address);
      if (e.mac) append(" claimed by {}", e.mac->ToString());
      append(": {}", ConflictOutcomeName(e.conflict));
      if (e.conflict == ConflictOutcome::kYielded) append(" to {}", e.peer);
      break;
    case InstanceEvent::Kind::kBlackHole:
      if (e.address) append(" {} unanswered while {} advertises it", e.address->address, e.peer);
      break;
  }
  if (!e.status.ok()) append(": {}", e.status.ToString());
  return out;
}

}  // namespace vrrp
