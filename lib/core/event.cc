#include "vrrp/event.h"

#include <array>
#include <iterator>

#include "fmt/format.h"
#include "vrrp/enum_names.h"
#include "vrrp/router.h"

namespace vrrp {
namespace {

constexpr EnumNames<InstanceEvent::Kind, 9> kKindNames{
    {"transition", "drop", "address_added", "address_removed", "announced", "send_failed",
     "sync_waiting", "priority_changed", "interface_waiting"}};
static_assert(kKindNames.Covers(InstanceEvent::Kind::kInterfaceWaiting));

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
  }
  if (!e.status.ok()) append(": {}", e.status.ToString());
  return out;
}

}  // namespace vrrp
