// Actions: what a vrrp::Router asks its driver to do, and the states and reasons it reports.
//
// The router (router.h) decides and never acts: each input queues zero or more actions, in the
// order the driver must carry them out. The set is closed, so a driver is one std::visit:
//
//   for (const vrrp::Action& action : router.PendingActions()) {
//     std::visit(vrrp::Overloaded{
//         [&](const vrrp::SendAdvertisement& a) { SendAdvert(router, a.priority); },
//         [&](const vrrp::AddAddresses& a) { AddToInterface(a.addresses); },
//         [&](const vrrp::RemoveAddresses& a) { RemoveFromInterface(a.addresses); },
//         [&](const vrrp::Announce& a) { SendGratuitous(a.addresses, a.count); },
//         [&](const vrrp::StateChanged& a) { Log("{}", a); },
//     }, action);
//   }
//   router.ClearActions();
//
// Every type prints with fmt ("MASTER", "master_down_timer", "send advertisement priority 0",
// "BACKUP -> MASTER (master_down_timer)"), for logs and for the simulated LAN's timeline.
#ifndef VRRP_ACTION_H_
#define VRRP_ACTION_H_

#include <cstdint>
#include <string_view>
#include <variant>

#include "fmt/format.h"
#include "vrrp/advertisement.h"

namespace vrrp {

// RFC 5798 §6.3 has Initialize, Backup and Master. Fault is keepalived's: while a tracked
// interface or check has failed the router holds no address and takes no part in the election.
// The numbering is keepalived's JSON `state` (0 init, 1 backup, 2 master, 3 fault).
enum class RouterState : uint8_t { kInitialize = 0, kBackup = 1, kMaster = 2, kFault = 3 };

// "INIT", "BACKUP", "MASTER", "FAULT" (keepalived's spelling in logs and notify scripts).
std::string_view RouterStateName(RouterState state);

// Why a transition happened. Stable snake_case names for logs, JSON and timelines.
enum class TransitionReason : uint8_t {
  kNone = 0,                // "none": no transition yet
  kStartup,                 // "startup": Initialize -> Backup (RFC 5798 §6.4.1 (150))
  kOwnerStartup,            // "owner_startup": priority 255 goes straight to Master (§6.4.1 (105))
  kMasterDownTimer,         // "master_down_timer": no advertisement for Master_Down_Interval
  kPriorityZeroReceived,    // "priority_zero_received": the master resigned, we waited Skew_Time
  kPreempted,               // "preempted": we displaced a lower-priority master (§6.4.2 (470))
  kHigherPriorityReceived,  // "higher_priority_received": Master -> Backup (§6.4.3 (725)-(765))
  kFault,                   // "fault": a tracked interface or check failed
  kFaultCleared,            // "fault_cleared": it recovered; we start again as at startup
  kShutdown,                // "shutdown": stopped by the embedder
  kReconfigured,            // "reconfigured": identity changed (VRID, family, version) or
                            // the router became the address owner
  kSyncGroup,               // "sync_group": held or released by its sync group (keepalived's
                            // vrrp_sync_group: the members change state together)
  kVipConflict,             // "vip_conflict": a router of our VRID that outranks us answers for
                            // our VIP (ARP / NA) while we are Master: we yield (issue 13)
  kBlackHole,               // "black_hole": the Master we heard advertises a VIP nobody answers
                            // for; we stopped trusting it and took over (vip_conflict.h)
};

std::string_view TransitionReasonName(TransitionReason reason);

// RFC 5798 §6.4.3 (685): send one advertisement now. `priority` is 0 when the router resigns
// (shutdown, fault), otherwise its effective priority. The driver builds the packet with
// Router::FillAdvertisement.
struct SendAdvertisement {
  uint8_t priority = 0;
  friend bool operator==(const SendAdvertisement&, const SendAdvertisement&) = default;
};

// Put the virtual addresses on the interface (entering Master, or new ones while Master).
struct AddAddresses {
  AddressList addresses;
  friend bool operator==(const AddAddresses&, const AddAddresses&) = default;
};

// Take them off (leaving Master, or removed ones while Master).
struct RemoveAddresses {
  AddressList addresses;
  friend bool operator==(const RemoveAddresses&, const RemoveAddresses&) = default;
};

// RFC 5798 §6.4.1 (120)/(130), §6.4.2 (380)/(395): send `count` gratuitous ARP requests (IPv4)
// or unsolicited Neighbor Advertisements (IPv6) for each address, back to back. The router
// schedules the bursts (garp_master_repeat at the transition and again after
// garp_master_delay, the optional refresh) as its own deadlines.
struct Announce {
  AddressList addresses;
  int count = 1;
  friend bool operator==(const Announce&, const Announce&) = default;
};

struct StateChanged {
  RouterState from = RouterState::kInitialize;
  RouterState to = RouterState::kInitialize;
  TransitionReason reason = TransitionReason::kNone;
  friend bool operator==(const StateChanged&, const StateChanged&) = default;
};

using Action =
    std::variant<SendAdvertisement, AddAddresses, RemoveAddresses, Announce, StateChanged>;

// The usual helper for std::visit with lambdas.
template <typename... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <typename... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace vrrp

template <>
struct fmt::formatter<vrrp::RouterState> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(vrrp::RouterState state, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format(vrrp::RouterStateName(state), ctx);
  }
};

template <>
struct fmt::formatter<vrrp::TransitionReason> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(vrrp::TransitionReason reason, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format(vrrp::TransitionReasonName(reason), ctx);
  }
};

// The action formatters take no format spec: "{}" only.
namespace vrrp::internal {
struct PlainFormatter {
  template <typename ParseContext>
  constexpr auto parse(ParseContext& ctx) {
    return ctx.begin();
  }
};
// "192.0.2.3 2001:db8::3"
template <typename Out>
Out FormatAddressList(Out out, const AddressList& addresses) {
  for (size_t i = 0; i < addresses.size(); ++i) {
    out = fmt::format_to(out, "{}{}", i == 0 ? "" : " ", addresses[i]);
  }
  return out;
}
}  // namespace vrrp::internal

template <>
struct fmt::formatter<vrrp::SendAdvertisement> : vrrp::internal::PlainFormatter {
  template <typename FormatContext>
  auto format(const vrrp::SendAdvertisement& a, FormatContext& ctx) const {
    return fmt::format_to(ctx.out(), "send advertisement priority {}", a.priority);
  }
};

template <>
struct fmt::formatter<vrrp::AddAddresses> : vrrp::internal::PlainFormatter {
  template <typename FormatContext>
  auto format(const vrrp::AddAddresses& a, FormatContext& ctx) const {
    return vrrp::internal::FormatAddressList(fmt::format_to(ctx.out(), "add "), a.addresses);
  }
};

template <>
struct fmt::formatter<vrrp::RemoveAddresses> : vrrp::internal::PlainFormatter {
  template <typename FormatContext>
  auto format(const vrrp::RemoveAddresses& a, FormatContext& ctx) const {
    return vrrp::internal::FormatAddressList(fmt::format_to(ctx.out(), "remove "), a.addresses);
  }
};

template <>
struct fmt::formatter<vrrp::Announce> : vrrp::internal::PlainFormatter {
  template <typename FormatContext>
  auto format(const vrrp::Announce& a, FormatContext& ctx) const {
    auto out = fmt::format_to(ctx.out(), "announce x{} ", a.count);
    return vrrp::internal::FormatAddressList(out, a.addresses);
  }
};

template <>
struct fmt::formatter<vrrp::StateChanged> : vrrp::internal::PlainFormatter {
  template <typename FormatContext>
  auto format(const vrrp::StateChanged& a, FormatContext& ctx) const {
    return fmt::format_to(ctx.out(), "{} -> {} ({})", a.from, a.to, a.reason);
  }
};

template <>
struct fmt::formatter<vrrp::Action> : vrrp::internal::PlainFormatter {
  template <typename FormatContext>
  auto format(const vrrp::Action& action, FormatContext& ctx) const {
    return std::visit([&](const auto& a) { return fmt::format_to(ctx.out(), "{}", a); }, action);
  }
};

#endif  // VRRP_ACTION_H_
