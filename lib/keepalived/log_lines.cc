#include "vrrp/keepalived/log_lines.h"

#include "fmt/format.h"

namespace vrrp::keepalived {
namespace {

using Kind = vrrp::InstanceEvent::Kind;
using Level = LogLevel;
using vrrp::RouterState;
using vrrp::TransitionReason;

void TransitionLines(const vrrp::InstanceEvent& e, const EventContext& context,
                     std::vector<LogLine>& lines) {
  const std::string_view name = e.instance;
  const vrrp::StateChanged& t = e.transition;
  auto add = [&](std::string text) { lines.push_back({Level::kInfo, std::move(text)}); };
  // keepalived logs these only with --log-detail.
  auto detail = [&](std::string text) { lines.push_back({Level::kDetail, std::move(text)}); };
  switch (t.to) {
    case RouterState::kMaster:
      if (t.reason == TransitionReason::kPriorityZeroReceived) {
        detail(fmt::format("({}) Backup received priority 0 advertisement", name));
      }
      // keepalived reaches Master through its down timer in all three cases (a preempting
      // Backup discards the lower-priority adverts and lets the timer run out).
      if (t.reason == TransitionReason::kMasterDownTimer ||
          t.reason == TransitionReason::kPriorityZeroReceived ||
          t.reason == TransitionReason::kPreempted) {
        add(fmt::format("({}) Receive advertisement timeout", name));
      }
      if (t.reason == TransitionReason::kBlackHole) {
        add(
            fmt::format("({}) Taking over from the MASTER nobody answers for (vip_black_hole "
                        "takeover)",
                        name));
      }
      add(fmt::format("({}) Entering MASTER STATE", name));
      detail(fmt::format("({}) setting VIPs.", name));
      break;
    case RouterState::kBackup:
      if (t.reason == TransitionReason::kHigherPriorityReceived && context.master) {
        add(fmt::format("({}) Master received advert from {} with higher priority {}, ours {}",
                        name, *context.master, context.master_priority,
                        context.effective_priority));
      }
      if (t.from == RouterState::kMaster) detail(fmt::format("({}) removing VIPs.", name));
      add(fmt::format("({}) Entering BACKUP STATE{}", name,
                      t.from == RouterState::kInitialize ? " (init)" : ""));
      break;
    case RouterState::kFault:
      if (t.from == RouterState::kMaster) detail(fmt::format("({}) removing VIPs.", name));
      add(fmt::format("({}) Entering FAULT STATE", name));
      break;
    case RouterState::kInitialize:
      if (t.from == RouterState::kMaster) {
        detail(fmt::format("({}) sent 0 priority", name));
        detail(fmt::format("({}) removing VIPs.", name));
      }
      break;
  }
}

}  // namespace

std::vector<LogLine> PolicyLogLines(const vrrp::PolicyEvent& e) {
  switch (e.kind) {
    case vrrp::PolicyEvent::Kind::kGroupState:
      return {{Level::kInfo, fmt::format("VRRP_Group({}) Syncing instances to {} state", e.group,
                                         vrrp::RouterStateName(e.state))}};
    case vrrp::PolicyEvent::Kind::kStepDown:
      return {{Level::kInfo,
               fmt::format("({}) leaving MASTER with its sync group {}", e.instance, e.group)}};
  }
  return {};
}

std::vector<LogLine> EventLogLines(const vrrp::InstanceEvent& e, const EventContext& context) {
  std::vector<LogLine> lines;
  const std::string_view name = e.instance;
  const std::string failure = e.status.ok() ? "" : std::string(e.status.message());
  switch (e.kind) {
    case Kind::kTransition:
      TransitionLines(e, context, lines);
      break;
    case Kind::kDrop:
      if (e.drop == vrrp::DropReason::kAuthFailure) {
        lines.push_back({Level::kInfo, fmt::format("({}) received an invalid passwd!", name)});
      } else if (e.drop == vrrp::DropReason::kAhIcv) {
        // keepalived's words for an AH packet whose HMAC does not verify (a wrong auth_pass),
        // which operators and their log watchers know.
        lines.push_back({Level::kInfo, fmt::format("({}) IPSEC-AH : invalid IPSEC HMAC-MD5 value. "
                                                   "Due to fields mutation or bad password !",
                                                   name)});
      } else if (e.drop == vrrp::DropReason::kPeer) {
        // check_unicast_src refused it: a check the operator asked for, so logged without -D,
        // as keepalived logs a source that is not one of the unicast peers.
        lines.push_back(
            {Level::kInfo, fmt::format("({}) advertisement from {} dropped: not a unicast_peer "
                                       "(check_unicast_src)",
                                       name, e.peer)});
      } else {
        lines.push_back({Level::kDetail, fmt::format("({}) advertisement from {} dropped: {}", name,
                                                     e.peer, e.drop)});
      }
      break;
    case Kind::kAddressAdded:
    case Kind::kAddressRemoved: {
      const bool added = e.kind == Kind::kAddressAdded;
      const std::string address = e.address ? vrrp::ToString(*e.address) : "?";
      if (!e.status.ok()) {
        lines.push_back({Level::kError, fmt::format("({}) cannot {} VIP {}: {}", name,
                                                    added ? "add" : "remove", address, failure)});
      } else {
        lines.push_back({Level::kDetail, fmt::format("({}) {} VIP {}", name,
                                                     added ? "added" : "removed", address)});
      }
      break;
    }
    case Kind::kAnnounced: {
      if (!e.address) break;
      const bool v4 = e.address->address.is_v4();
      lines.push_back(
          {Level::kDetail,
           fmt::format("({}) Sending/queueing {} on {} for {}", name,
                       v4 ? "gratuitous ARPs" : "Unsolicited Neighbour Adverts",
                       e.address->interface.empty() ? context.interface : e.address->interface,
                       e.address->address)});
      if (!e.status.ok()) {
        lines.push_back({Level::kError, fmt::format("({}) announcing {} failed: {}", name,
                                                    e.address->address, failure)});
      }
      break;
    }
    case Kind::kPriorityChanged:
      lines.push_back({Level::kInfo, fmt::format("({}) Changing effective priority from {} to {}",
                                                 name, e.previous, e.count)});
      break;
    case Kind::kSyncWaiting:
      lines.push_back(
          {Level::kDetail, fmt::format("({}) ready for MASTER, waiting for its sync group", name)});
      break;
    case Kind::kSendFailed:
      // ENETDOWN / ENETUNREACH / EHOSTUNREACH (kUnavailable, sys_error.h) are what a link that
      // just went down, or lost its address, gives the last advertisement (a Master's priority 0
      // on its way to FAULT): expected, and the link's own line says why; a warning, not an
      // error (issue 16). Anything else is an error.
      lines.push_back(
          {e.status.code() == absl::StatusCode::kUnavailable ? Level::kWarning : Level::kError,
           fmt::format("({}) cannot send advertisement to {}: {}", name, e.peer, failure)});
      break;
    case Kind::kInterfaceWaiting:
      // keepalived: "(VI_1) entering FAULT state (no IPv4 address for interface)", or with
      // dynamic_interfaces "... interface eth0 ... doesn't currently exist - will use if created".
      lines.push_back({Level::kWarning, fmt::format("({}) {}", name, failure)});
      break;
    case Kind::kVipConflict: {
      // Our extension (issue 13): keepalived watches no ARP. Said in its style, as a warning:
      // two hosts answering for one VIP is what an operator must hear about.
      const std::string vip = e.address ? fmt::format("{}", e.address->address) : "?";
      const std::string mac = e.mac ? e.mac->ToString() : "?";
      switch (e.conflict) {
        case vrrp::ConflictOutcome::kIdentifying:
          lines.push_back({Level::kWarning,
                           fmt::format("({}) VIP {} is claimed by {}: asking the routers heard "
                                       "whether it is one of them",
                                       name, vip, mac)});
          break;
        case vrrp::ConflictOutcome::kReclaimed:
          lines.push_back(
              {Level::kWarning,
               fmt::format("({}) VIP {} is claimed by {}, not a VRRP router that outranks us: "
                           "re-claiming it",
                           name, vip, mac)});
          break;
        case vrrp::ConflictOutcome::kYielded:
          lines.push_back({Level::kWarning,
                           fmt::format("({}) VIP {} is held by {} ({}), a router that outranks us "
                                       "and whose advertisements do not reach us: yielding",
                                       name, vip, e.peer, mac)});
          break;
      }
      break;
    }
    case Kind::kBlackHole:
      lines.push_back(
          {Level::kWarning,
           fmt::format("({}) MASTER {} advertises {} but nobody answers for it (black hole)", name,
                       e.peer, e.address ? fmt::format("{}", e.address->address) : "?")});
      break;
  }
  return lines;
}

bool DropLogLimiter::Admit(std::string_view instance, vrrp::DropReason reason, absl::Time now,
                           uint64_t& suppressed) {
  Entry& entry = entries_[{std::string(instance), reason}];
  if (now - entry.last < period_) {
    ++entry.suppressed;
    return false;
  }
  suppressed = entry.suppressed;
  entry.suppressed = 0;
  entry.last = now;
  return true;
}

}  // namespace vrrp::keepalived
