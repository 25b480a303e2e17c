#include "vrrp/vip_conflict.h"

#include <algorithm>

#include "vrrp/enum_names.h"

namespace vrrp {
namespace {

constexpr EnumNames<VipConflictMode, 3> kModeNames{{"off", "report", "yield"}};
static_assert(kModeNames.Covers(VipConflictMode::kYield));

constexpr EnumNames<ConflictOutcome, 3> kOutcomeNames{{"reclaimed", "identifying", "yielded"}};
static_assert(kOutcomeNames.Covers(ConflictOutcome::kYielded));

}  // namespace

std::string_view VipConflictModeName(VipConflictMode mode) { return kModeNames(mode); }

std::string_view ConflictOutcomeName(ConflictOutcome outcome) { return kOutcomeNames(outcome); }

void KnownRouters::Heard(const HeardRouter& router) {
  // The Master heard again, as on every advertisement of a quiet segment: it stays first.
  if (!routers_.empty() && routers_.front().heard.address == router.address) {
    routers_.front().heard = router;
    return;
  }
  auto it = std::find_if(routers_.begin(), routers_.end(),
                         [&](const KnownRouter& r) { return r.heard.address == router.address; });
  KnownRouter entry{.heard = router};
  if (it != routers_.end()) {
    entry.mac = it->mac;
    routers_.erase(it);
  } else if (routers_.size() == kMax) {
    routers_.pop_back();  // the one heard longest ago
  }
  routers_.insert(routers_.begin(), entry);
}

bool KnownRouters::Learn(const IpAddress& address, const MacAddress& mac) {
  for (KnownRouter& r : routers_) {
    if (r.heard.address == address) {
      r.mac = mac;
      return true;
    }
  }
  return false;
}

const KnownRouter* KnownRouters::ByMac(const MacAddress& mac, Family family, uint8_t vrid) const {
  // A peer running with use_vmac answers for the VIPs with the virtual MAC (RFC 5798 §7.3) and
  // for its own address with the interface's: the VMAC is whoever advertised last.
  if (mac == VirtualMac(family, vrid)) return routers_.empty() ? nullptr : &routers_.front();
  for (const KnownRouter& r : routers_) {
    if (r.mac == mac) return &r;
  }
  return nullptr;
}

}  // namespace vrrp
