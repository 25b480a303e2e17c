// Events: what happened to a virtual router, polled by whoever runs it.
//
// One model serves the Instance, the Linux Driver and the simulated LAN's timeline: each pushes
// InstanceEvents into an EventQueue, and the caller drains it after a call returns, as it drains
// a Router's actions. Nothing calls back into the caller, so a caller may call anything from its
// handling of an event (no re-entrance rule to remember), and an event owns its data: it stays
// valid after the instance was reconfigured or removed.
//
//   driver->OnTimer(now);
//   while (std::optional<vrrp::InstanceEvent> e = driver->PollEvent()) {
//     fmt::print("{}\n", *e);        // "VIP_1 transition BACKUP -> MASTER (master_down_timer)"
//     if (e->id == vip1) ...         // ids are stable: names need no look-up
//   }
//
// Thread-safety: none; an EventQueue belongs to the thread that runs its instances.
#ifndef VRRP_EVENT_H_
#define VRRP_EVENT_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "fmt/format.h"
#include "vrrp/action.h"
#include "vrrp/address_manager.h"
#include "vrrp/drop_reason.h"
#include "vrrp/ip_address.h"
#include "vrrp/vip_conflict.h"

namespace vrrp {

// A virtual router's handle, given by whoever runs it (Driver, SimulatedLan, an embedder) and
// kept for its whole life: a reload that keeps an instance keeps its id, and an id is never
// given to another instance. kNone names no instance.
enum class InstanceId : uint32_t { kNone = 0 };

constexpr uint32_t ToInt(InstanceId id) { return static_cast<uint32_t>(id); }

struct InstanceEvent {
  enum class Kind : uint8_t {
    kTransition,       // transition: from, to, reason
    kDrop,             // a received packet refused: drop, peer
    kAddressAdded,     // address (status OK) or failed to add (status says why)
    kAddressRemoved,   // address (status OK) or failed to remove
    kAnnounced,        // address, count frames sent (status: the first failure, if any)
    kSendFailed,       // an advertisement could not be sent: status, peer = destination
    kSyncWaiting,      // held by its sync group, the master-down timer ran out: it waits for the
                       // group (Router::SetSyncHold)
    kPriorityChanged,  // the effective priority moved (tracking): count = new, previous = old
    // The driver cannot run the instance on its interface yet: the interface does not exist,
    // or has no address to send from (no IPv4 address before DHCP, no IPv6 link-local one).
    // status (kUnavailable) says which; the instance waits in Fault and leaves it (a
    // kTransition, fault_cleared) when the interface or the address appears.
    kInterfaceWaiting,
    // Another MAC claimed one of our VIPs while Master (vrrp/vip_conflict.h): address = the
    // VIP, mac = the claimer, conflict = what we did, peer = the router the MAC belongs to when
    // known (kYielded), else unspecified.
    kVipConflict,
    // The black-hole check: the Master we hear (peer) did not answer a probe of address.
    kBlackHole,
  };
  Kind kind = Kind::kTransition;
  InstanceId id = InstanceId::kNone;
  std::string instance;  // the instance's name, e.g. "VIP_1"
  absl::Time time;
  StateChanged transition;
  DropReason drop = DropReason::kNone;
  IpAddress peer;
  std::optional<VirtualAddress> address;
  int count = 0;
  int previous = 0;
  absl::Status status;
  std::optional<MacAddress> mac;
  ConflictOutcome conflict = ConflictOutcome::kReclaimed;
};

std::string_view InstanceEventKindName(InstanceEvent::Kind kind);

// What happened, on one line: "VIP_1 transition BACKUP -> MASTER (master_down_timer)",
// "VIP_1 drop checksum from 192.0.2.6", "VIP_1 address_added 192.0.2.3/24 dev eth0 ...".
std::string DescribeEvent(const InstanceEvent& event);

// First in, first out. Unbounded: the events of one call are few (a transition brings one per
// address), and the caller drains them before its next call. Holds no memory while empty (every
// Instance has one, most never used: at 1,000 instances a std::deque's empty block was 0.5 MB).
class EventQueue {
 public:
  void Push(InstanceEvent event) { events_.push_back(std::move(event)); }
  // The oldest event, or nullopt when none waits.
  std::optional<InstanceEvent> Poll() {
    if (empty()) return std::nullopt;
    std::optional<InstanceEvent> e(std::move(events_[head_++]));
    if (empty()) clear();  // drained: the storage goes back
    return e;
  }
  bool empty() const { return head_ == events_.size(); }
  size_t size() const { return events_.size() - head_; }
  void clear() {
    events_ = {};
    head_ = 0;
  }

 private:
  std::vector<InstanceEvent> events_;
  size_t head_ = 0;  // events_[head_] is the oldest not polled yet
};

}  // namespace vrrp

template <>
struct std::hash<vrrp::InstanceId> {
  size_t operator()(vrrp::InstanceId id) const noexcept {
    return std::hash<uint32_t>()(vrrp::ToInt(id));
  }
};

template <>
struct fmt::formatter<vrrp::InstanceEvent> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(const vrrp::InstanceEvent& e, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format(vrrp::DescribeEvent(e), ctx);
  }
};

#endif  // VRRP_EVENT_H_
