// keepalived's rules for what people write in an instance and what it does with it (issue 14):
// a VIP listed twice, the instance's own interface tracked, state MASTER with nopreempt,
// and vrrp_strict's configuration rules (its no_accept is vrrpd's nftables filter:
// vrrp/keepalived/no_accept.h). Each changes
// the pending instance as keepalived 2.2.7 does, and says so with a warning where it was written.
#include <algorithm>
#include <string>
#include <vector>

#include "errors.h"
#include "fmt/format.h"
#include "resolve.h"

namespace vrrp::config {

// A virtual address listed twice (keepalived's own sample has one) is added once: keepalived
// runs such a file, and one address cannot be held twice.
void DropRepeatedAddresses(std::vector<PendingAddress>& vips, ParseState& state,
                           std::string_view block) {
  std::vector<PendingAddress> kept;
  for (PendingAddress& a : vips) {
    auto first = std::find_if(kept.begin(), kept.end(),
                              [&](const PendingAddress& k) { return k.ip == a.ip; });
    if (first == kept.end()) {
      kept.push_back(std::move(a));
      continue;
    }
    state.conf.warnings.push_back(
        {a.where, fmt::format("{} {} is listed twice (first at {}): used once", block, a.ip,
                              ToString(first->where))});
  }
  vips = std::move(kept);
}

// keepalived.conf(5), vrrp_strict: the parts of strict RFC mode that are rules about the
// configuration. Each setting it overrides is said where it was written.
absl::Status ApplyStrict(PendingInstance& p, ParseState& state) {
  VrrpInstance& vi = p.vi;
  RouterConfig& r = vi.config.router;
  const std::string& name = vi.config.name;
  auto warn = [&](std::string_view key, std::string message) {
    state.conf.warnings.push_back({OriginOf(p, state, key).where, std::move(message)});
  };
  if (p.vips.empty()) {
    return Failure(vi.where, "vrrp_instance",
                   fmt::format("vrrp_instance {} has no virtual_ipaddress, which vrrp_strict "
                               "requires (RFC 5798 §5.2.5: at least one address)",
                               name));
  }
  if (vi.extras.state == InitialState::kMaster && r.priority != kPriorityOwner) {
    warn("state", fmt::format("{}: vrrp_strict: state MASTER is for the address owner (priority "
                              "255) only: read as BACKUP",
                              name));
    vi.extras.state = InitialState::kBackup;
  }
  if (r.preempt_delay > absl::ZeroDuration()) {
    warn("preempt_delay",
         fmt::format("{}: vrrp_strict: preempt_delay is not in the RFC: set to 0", name));
    r.preempt_delay = absl::ZeroDuration();
  }
  if (r.version == Version::kV2 && p.accept.value_or(false)) {
    warn("accept", fmt::format("{}: vrrp_strict: accept mode is not in RFC 3768 (VRRPv2): "
                               "cleared",
                               name));
    p.accept = false;
  }
  return absl::OkStatus();
}

// keepalived clears nopreempt on an instance configured to start as MASTER, saying so; the
// same file must not fail over differently here without a word.
void MasterClearsNopreempt(const PendingInstance& p, ParseState& state, RouterConfig& r) {
  if (p.vi.extras.state != InitialState::kMaster || r.preempt) return;
  state.conf.warnings.push_back(
      {OriginOf(p, state, "nopreempt").where,
       fmt::format("{}: nopreempt does not work with state MASTER: cleared (as keepalived "
                   "does); use state BACKUP on every router for nopreempt",
                   p.vi.config.name)});
  r.preempt = true;
}

// keepalived ignores a track_interface naming the instance's own interface (the instance follows
// its own link anyway, whatever weight was written), and says so; so do we, so that a weight on
// it does not move the priority here and not there.
void DropOwnInterface(VrrpInstance& vi, ParseState& state) {
  std::vector<TrackedInterface>& tracked = vi.extras.track_interfaces;
  for (auto it = tracked.begin(); it != tracked.end();) {
    if (it->name != vi.extras.interface) {
      ++it;
      continue;
    }
    state.conf.warnings.push_back(
        {it->where, fmt::format("{}: track_interface {} is the instance's own interface, which "
                                "it follows anyway: ignored",
                                vi.config.name, it->name)});
    it = tracked.erase(it);
  }
}

}  // namespace vrrp::config
