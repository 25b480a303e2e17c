// Instance: VIP conflict detection and the black-hole check (vrrp/vip_conflict.h; DESIGN.md "VIP
// conflicts: who yields"). Apart from instance.cc so that the election's carrying-out and this
// watch of the link read on their own.
#include <algorithm>

#include "vrrp/instance.h"

namespace vrrp {

absl::Duration Instance::ConflictInterval() const {
  // Once per advertisement interval, as the rule says, but no faster than 10 a second (a v3
  // router at 10 ms would otherwise probe 100 times a second) and no slower than once a second
  // (a yielded router notices a gone holder within three).
  return std::clamp(config_.router.advert_interval.ToDuration(), absl::Milliseconds(100),
                    absl::Seconds(1));
}

absl::Time Instance::ConflictDeadline() const {
  absl::Time at =
      std::min({conflict_probe_at_, blackhole_probe_at_, blackhole_check_at_, yield_at_});
  if (pending_conflict_) at = std::min(at, pending_conflict_->until);
  return at;
}

bool Instance::Holds(const IpAddress& ip) const {
  auto in = [&](const std::vector<VirtualAddress>& list) {
    return std::any_of(list.begin(), list.end(),
                       [&](const VirtualAddress& v) { return v.address == ip; });
  };
  return in(config_.addresses) || in(config_.excluded_addresses);
}

void Instance::OnAddressClaim(absl::Time now, const AddressClaim& claim) {
  if (config_.vip_conflict.mode == VipConflictMode::kOff) return;
  // A router's own address: now we know its MAC. A claim waiting for it is decided.
  if (known_routers_.Learn(claim.address, claim.mac)) {
    if (pending_conflict_ &&
        known_routers_.ByMac(pending_conflict_->mac, config_.router.family, vrid()) != nullptr) {
      const PendingConflict pending = *pending_conflict_;
      pending_conflict_.reset();
      DecideConflict(now, pending.vip, pending.mac, pending.announced);
    }
    return;
  }
  if (!Holds(claim.address)) return;
  switch (router_.state()) {
    case RouterState::kMaster:
      if (router_.distrusted()) {
        OnClaimWhileDistrusting(now, claim);
      } else {
        OnConflict(now, claim);
      }
      break;
    case RouterState::kFault:
      if (!conflict_fault_) break;
      probe_answered_ = true;  // a kernel still holds it
      // Its daemon still claims it: our rejoining now would only make it yield again.
      if (claim.gratuitous && claim.mac == holder_mac_) probes_since_announcement_ = 0;
      break;
    case RouterState::kBackup:
      blackhole_answered_ = true;  // somebody answers for the VIP the Master advertises
      break;
    case RouterState::kInitialize:
      break;
  }
}

bool Instance::IsAnnouncement(absl::Time now, const AddressClaim& claim) const {
  // An announcement is a daemon claiming the address (a gratuitous ARP, an unsolicited NA); an
  // answer (an ARP reply, or any claim soon after our own probe: a DAD probe's answer is an
  // unsolicited-looking NA, RFC 4861 §7.2.4) only says that a kernel holds it.
  return claim.gratuitous &&
         !(claim.address.family() == Family::kIPv6 && now < last_probe_at_ + ConflictInterval());
}

void Instance::OnClaimWhileDistrusting(absl::Time now, const AddressClaim& claim) {
  if (!IsAnnouncement(now, claim)) {
    // A kernel answers for the VIP: the Master we stopped trusting holds it after all (its
    // answers were lost), or someone does. Its advertisements count again and decide; the claim
    // itself is an ordinary conflict.
    router_.Distrust(now, std::nullopt);
    OnConflict(now, claim);
    return;
  }
  // An announcement proves nothing here: the black hole's daemon re-claims what it believes it
  // holds. Ask; only an answer ends the distrust.
  ++conflict_stats_.claims;
  if (now < distrust_probe_after_) return;
  distrust_probe_after_ = now + ConflictInterval();
  ProbeAddress(now, claim.address);
}

void Instance::OnConflict(absl::Time now, const AddressClaim& claim) {
  ++conflict_stats_.claims;
  // Only an announcement from a router that outranks us makes us yield, never an answer: a
  // host whose VRRP daemon was killed still answers, and a dead peer's leftover VIP must not
  // keep the VIP from its new Master.
  const bool announced = IsAnnouncement(now, claim);
  if (pending_conflict_ && pending_conflict_->mac == claim.mac) {
    pending_conflict_->announced = pending_conflict_->announced || announced;
    return;  // already asking who it is
  }
  DecideConflict(now, claim.address, claim.mac, announced);
}

void Instance::DecideConflict(absl::Time now, const IpAddress& vip, const MacAddress& mac,
                              bool announced) {
  const uint8_t ours = router_.effective_priority();
  const IpAddress& self = config_.router.primary_address;
  auto outranks = [&](const KnownRouter& r) {
    return Outranks(r.heard.priority, r.heard.address, ours, self);
  };
  if (config_.vip_conflict.mode == VipConflictMode::kYield) {
    const KnownRouter* who = known_routers_.ByMac(mac, config_.router.family, vrid());
    if (who != nullptr && outranks(*who) && announced) {
      // Not at once: a router that outranks us and just took over (preemption) sends its
      // advertisement before its announcement, but the two reach us by different sockets. The
      // advertisement, if it comes, takes us to Backup as the RFC says; only a router we cannot
      // hear makes us yield.
      if (yield_at_ == absl::InfiniteFuture()) {
        yield_at_ = now + ConflictInterval() / 4;
        yield_vip_ = vip;
        yield_mac_ = mac;
      }
      return;
    }
    if (who == nullptr) {
      // Perhaps a router we heard but whose MAC we have not seen: ask those that would win. The
      // answer is a claim of the router's own address (OnAddressClaim).
      bool asked = false;
      for (const KnownRouter& r : known_routers_.routers()) {
        if (r.mac || !outranks(r)) continue;
        ProbeAddress(now, r.heard.address);
        asked = true;
      }
      if (asked) {
        pending_conflict_ = PendingConflict{
            .vip = vip, .mac = mac, .announced = announced, .until = now + ConflictInterval()};
        ReportConflict(now, vip, mac, ConflictOutcome::kIdentifying, IpAddress());
        return;
      }
    }
  }
  // Not a router that outranks us, or not claiming it actively: claim it back, at most once per
  // interval. A live peer that outranks us answers our announcement with its own, and then we
  // yield; a kernel left holding the VIP does not.
  if (now < reclaim_after_) return;  // counted in claims, reported and answered already
  reclaim_after_ = now + ConflictInterval();
  ReportConflict(now, vip, mac, ConflictOutcome::kReclaimed, IpAddress());
  ++conflict_stats_.reclaims;
  AnnounceOne(now, vip, 1);
}

void Instance::ReportConflict(absl::Time now, const IpAddress& vip, const MacAddress& mac,
                              ConflictOutcome outcome, const IpAddress& router) {
  InstanceEvent e = MakeEvent(InstanceEvent::Kind::kVipConflict, now);
  if (const VirtualAddress* v = Find(vip)) e.address = *v;
  e.mac = mac;
  e.conflict = outcome;
  e.peer = router;
  events_->Push(std::move(e));
}

void Instance::Yield(absl::Time now, const IpAddress& vip, const MacAddress& mac,
                     const KnownRouter& to) {
  ReportConflict(now, vip, mac, ConflictOutcome::kYielded, to.heard.address);
  ++conflict_stats_.yields;
  conflict_fault_ = true;
  holder_mac_ = mac;
  probes_since_announcement_ = 0;
  pending_conflict_.reset();
  unanswered_probes_ = 0;
  probe_answered_ = false;
  conflict_probe_at_ = now + ConflictInterval();
  // Priority 0 first (a Backup that hears us takes over at once if the holder is gone after
  // all), then the addresses go: StopInternal's order.
  router_.SetFault(now, true, TransitionReason::kVipConflict);
  Perform(now);
}

void Instance::Rejoin(absl::Time now) {
  conflict_fault_ = false;
  conflict_probe_at_ = absl::InfiniteFuture();
  ++conflict_stats_.rejoins;
  router_.SetFault(now, AnyFault());  // Backup, fault_cleared, unless another fault holds it
  Perform(now);
}

void Instance::ProbeAddress(absl::Time now, const IpAddress& ip) {
  // Not reported per probe: at most a few per interval, and a failure to send one only delays
  // a decision (an unanswered probe is what a failed one looks like).
  if (announcer_.Probe(ip).ok()) ++conflict_stats_.probes;
  last_probe_at_ = now;
}

const IpAddress* Instance::ProbedAddress() const {
  // The first VIP, else the first excluded address: one probe per check is enough to know
  // whether the holder is there.
  if (!config_.addresses.empty()) return &config_.addresses.front().address;
  if (!config_.excluded_addresses.empty()) return &config_.excluded_addresses.front().address;
  return nullptr;
}

void Instance::ConflictAfterDelivery(absl::Time now) {
  if (config_.vip_conflict.mode == VipConflictMode::kOff) return;
  const std::optional<HeardRouter>& heard = router_.last_heard();
  if (!heard || heard->at != now) return;  // nothing heard in this call
  known_routers_.Heard(*heard);
  // The holder we yielded to (or any router that outranks us) is heard again: the block lifted.
  // Back to Backup, where its advertisements keep us: no flap.
  if (conflict_fault_ && Outranks(heard->priority, heard->address, router_.effective_priority(),
                                  config_.router.primary_address)) {
    Rejoin(now);
  }
}

void Instance::ConflictOnTransition(absl::Time now, const StateChanged& change) {
  if (config_.vip_conflict.mode == VipConflictMode::kOff) return;
  pending_conflict_.reset();
  blackhole_probe_at_ = blackhole_check_at_ = yield_at_ = absl::InfiniteFuture();
  blackhole_unanswered_ = 0;
  distrust_probe_after_ = absl::InfinitePast();
  if (change.to == RouterState::kMaster) {
    // Anyone still holding a VIP answers: a peer that cannot hear us, or a host whose daemon
    // died. Either way the answer is a claim, decided by OnConflict.
    reclaim_after_ = absl::InfinitePast();
    for (const VirtualAddress& vip : config_.addresses) ProbeAddress(now, vip.address);
    // Taken over from a black hole: keep asking at the check's rate, so that a Master whose
    // answers were only lost for a while gets the VIP back once they come through.
    if (router_.distrusted() && config_.vip_conflict.probe_interval > absl::ZeroDuration() &&
        ProbedAddress() != nullptr) {
      blackhole_probe_at_ = now + config_.vip_conflict.probe_interval;
    }
  } else if (change.to == RouterState::kBackup &&
             config_.vip_conflict.probe_interval > absl::ZeroDuration() &&
             ProbedAddress() != nullptr) {
    blackhole_probe_at_ = now + config_.vip_conflict.probe_interval;
  }
}

void Instance::OnConflictTimer(absl::Time now) {
  if (now >= yield_at_) {
    yield_at_ = absl::InfiniteFuture();
    const KnownRouter* who = known_routers_.ByMac(yield_mac_, config_.router.family, vrid());
    if (router_.state() == RouterState::kMaster && who != nullptr) {
      Yield(now, yield_vip_, yield_mac_, *who);
    }
  }
  if (pending_conflict_ && now >= pending_conflict_->until) {
    // Nobody we asked has the claimer's MAC: not a router that outranks us.
    const PendingConflict pending = *pending_conflict_;
    pending_conflict_.reset();
    if (router_.state() == RouterState::kMaster) {
      DecideConflict(now, pending.vip, pending.mac, pending.announced);
    }
  }
  if (now >= conflict_probe_at_) {
    conflict_probe_at_ = absl::InfiniteFuture();
    if (conflict_fault_) {
      unanswered_probes_ = probe_answered_ ? 0 : unanswered_probes_ + 1;
      probe_answered_ = false;
      // Gone (nobody answers), or only a kernel answers and no daemon has claimed the VIP for a
      // long while (the holder's daemon may have died during the block, leaving the VIP to its
      // kernel): the election decides again. A live holder makes us yield again at once.
      if (unanswered_probes_ >= kUnansweredProbesToRejoin ||
          ++probes_since_announcement_ >= kProbesWithoutAnnouncementToRejoin ||
          ProbedAddress() == nullptr) {
        Rejoin(now);
      } else {
        ProbeAddress(now, *ProbedAddress());
        conflict_probe_at_ = now + ConflictInterval();
      }
    }
  }
  if (now >= blackhole_check_at_) {
    blackhole_check_at_ = absl::InfiniteFuture();
    OnBlackHoleCheck(now);
  }
  if (now >= blackhole_probe_at_) {
    blackhole_probe_at_ = absl::InfiniteFuture();
    if (router_.state() == RouterState::kBackup) {
      // Only while a Master is heard: before the first advertisement there is nobody to check.
      if (const std::optional<IpAddress>& master = router_.master_address()) {
        blackhole_answered_ = false;
        blackhole_master_ = *master;
        ProbeAddress(now, *ProbedAddress());
        blackhole_check_at_ = now + ConflictInterval();
      }
      blackhole_probe_at_ = now + config_.vip_conflict.probe_interval;
    } else if (router_.state() == RouterState::kMaster && router_.distrusted()) {
      ProbeAddress(now, *ProbedAddress());  // an answer ends the distrust (OnAddressClaim)
      blackhole_probe_at_ = now + config_.vip_conflict.probe_interval;
    }
  }
}

void Instance::OnBlackHoleCheck(absl::Time now) {
  const std::optional<IpAddress>& master = router_.master_address();
  if (router_.state() != RouterState::kBackup || !master || *master != blackhole_master_ ||
      blackhole_answered_) {
    blackhole_unanswered_ = 0;  // answered, or another Master since: start counting afresh
    return;
  }
  if (++blackhole_unanswered_ < kUnansweredChecksForBlackHole) {
    blackhole_probe_at_ = now;  // ask again at once (OnConflictTimer's next step)
    return;
  }
  blackhole_unanswered_ = 0;
  ++conflict_stats_.black_holes;
  InstanceEvent e = MakeEvent(InstanceEvent::Kind::kBlackHole, now);
  if (const VirtualAddress* vip = Find(*ProbedAddress())) e.address = *vip;
  e.peer = *master;
  events_->Push(std::move(e));
  if (config_.vip_conflict.take_over_black_hole) {
    ++conflict_stats_.takeovers;
    router_.Distrust(now, *master);  // Master after Skew_Time, reason black_hole
  }
}

}  // namespace vrrp
