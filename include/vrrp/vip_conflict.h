// VIP conflict detection and the black-hole check (issue 13; DESIGN.md "VIP conflicts: who
// yields"): what an Instance does with the address claims (vrrp/address_claim.h) seen on its
// interface, and the settings and counters of it.
//
// A split brain that ARP survives (a firewall drops VRRP one way or both, ARP still flows) shows
// on the link as two MACs answering for one VIP. The rule, needing no channel but the link:
//  - A Master that sees another MAC claim one of its VIPs yields (Fault, reason vip_conflict)
//    only when that MAC is a router of its VRID whose last heard (priority, primary address)
//    outranks its own (RFC 5798 §6.4.3's comparison). It learns which MAC a router has from the
//    router's own address being claimed (any ARP / NA it sends, or the answer to an RFC 5227
//    probe the instance sends for that address when it needs to know). The VRRP virtual MAC of
//    its VRID (RFC 5798 §7.3, a peer with use_vmac) counts as the last router heard.
//  - Otherwise it re-claims: announces the VIP again (at most once per advertisement interval),
//    so a host that is not a VRRP router (a static address set by mistake) cannot turn VRRP off.
//  - A new Master probes each VIP once: a host that still holds it answers (a claim), even one
//    that would never announce by itself (keepalived, as Master, does not re-announce when it
//    hears a lower priority).
//  - Only an announcement makes a Master yield (a gratuitous ARP or unsolicited NA: a daemon
//    claiming the VIP), never a mere answer to a probe: a host whose VRRP daemon was killed
//    still answers for the VIP it left behind, and must not keep the new Master from it. An
//    answer from a router that outranks us is re-claimed against; a live peer claims back.
//  - A yielded instance probes the VIP every advertisement interval; it rejoins the election
//    (Backup, fault_cleared) when it hears a router that outranks it advertise again (the block
//    lifted: no flap), after kUnansweredProbesToRejoin probes nobody answered (the holder is
//    gone), or after kProbesWithoutAnnouncementToRejoin probes without an announcement from
//    the holder; the master-down timer then runs as after any fault.
//  - The black-hole check (optional): a Backup that hears a Master probes the first VIP every
//    probe_interval. When nobody answers within an advertisement interval (at most one second),
//    it probes again at once; kUnansweredChecksForBlackHole unanswered in a row, and the Master
//    advertises an address it does not hold (it failed to add it, it was deleted behind its
//    daemon's back, its ARP is filtered, or the advertisements are forged): reported, counted.
//    With take_over_black_hole, the Backup then stops trusting that Master (Router::Distrust:
//    its advertisements are dropped as `distrusted`) and takes over after Skew_Time (reason
//    black_hole). The distrust ends when a kernel answers our probe for the VIP (the Master
//    holds it after all: its advertisements then count again and decide the election; the new
//    Master probes at once, then every probe_interval), and at any restart of the election
//    (fault cleared, reconfiguration). An announcement (not an
//    answer) while distrusting is only probed: the black hole's own daemon may re-claim an
//    address its kernel does not hold.
// A total partition (ARP lost too) cannot be told from a dead peer this way: both sides stay
// Master, as with keepalived.
//
//   config.vip_conflict.mode = vrrp::VipConflictMode::kYield;
//   // the driver feeds every claim seen on the instance's interface:
//   instance->OnAddressClaim(now, claim);
//
// Thread-safety: values; KnownRouters belongs to one instance.
#ifndef VRRP_VIP_CONFLICT_H_
#define VRRP_VIP_CONFLICT_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "vrrp/ip_address.h"
#include "vrrp/router.h"

namespace vrrp {

enum class VipConflictMode : uint8_t {
  kOff,     // claims are ignored; the Linux driver opens no watch (the library's default)
  kReport,  // conflicts are reported, counted and re-claimed; never yielded to
  kYield,   // and a Master yields to a router of its VRID that outranks it (vrrpd's default)
};

// "off", "report", "yield".
std::string_view VipConflictModeName(VipConflictMode mode);

struct VipConflictConfig {
  VipConflictMode mode = VipConflictMode::kOff;
  // The black-hole check's period: a Backup that hears a Master probes the first VIP this often.
  // Zero: never. Each probe is one broadcast ARP frame (IPv4) or one multicast Neighbor
  // Solicitation (IPv6) per instance.
  absl::Duration probe_interval = absl::ZeroDuration();
  // Take over from a Master found to be a black hole, instead of only reporting it. Off by
  // default: it trusts that the ARP / NA this host sees is what the clients see (a Master whose
  // answers only this host cannot hear would then share the VIP with us).
  bool take_over_black_hole = false;
  friend bool operator==(const VipConflictConfig&, const VipConflictConfig&) = default;
};

// How a Master answered another MAC claiming one of its VIPs.
enum class ConflictOutcome : uint8_t {
  kReclaimed,    // announced the VIP again: the claimer is no router of its VRID that outranks it
  kIdentifying,  // probing the routers heard that outrank it, to learn whether the claimer is one
  kYielded,      // the claimer is a router of its VRID that outranks it: Fault, vip_conflict
};

// "reclaimed", "identifying", "yielded".
std::string_view ConflictOutcomeName(ConflictOutcome outcome);

// A yielded instance rejoins after this many probes of the VIP in a row that nobody answered.
inline constexpr int kUnansweredProbesToRejoin = 3;
// ... or after this many probes (about 30 s) during which only a kernel answered and the holder
// never announced the VIP: its daemon may have died during the block, leaving the VIP to its
// kernel (keepalived does not lease it). If the holder lives, it makes us yield again within
// milliseconds of our next mastership.
inline constexpr int kProbesWithoutAnnouncementToRejoin = 30;
// The black-hole check reports after this many probes in a row, an interval apart, that nobody
// answered: one lost frame is no black hole.
inline constexpr int kUnansweredChecksForBlackHole = 3;

struct VipConflictStats {
  uint64_t claims = 0;       // claims of our VIPs by another MAC seen while Master
  uint64_t yields = 0;       // times we yielded (Fault, vip_conflict)
  uint64_t reclaims = 0;     // announcements sent to re-claim a VIP
  uint64_t rejoins = 0;      // times a yielded instance rejoined the election
  uint64_t probes = 0;       // ARP probes / DAD solicitations sent
  uint64_t black_holes = 0;  // black holes found (kUnansweredChecksForBlackHole unanswered)
  uint64_t takeovers = 0;    // black holes taken over (take_over_black_hole)
};

// A router heard advertising our VRID, and the MAC it claimed its own address with (nullopt
// until seen).
struct KnownRouter {
  HeardRouter heard;
  std::optional<MacAddress> mac;
};

// The last kMax routers heard advertising an instance's VRID, most recent first.
class KnownRouters {
 public:
  static constexpr size_t kMax = 8;

  // Adds a router heard, or refreshes its priority and time (its MAC is kept).
  void Heard(const HeardRouter& router);
  // A claim of `address` by `mac`: when `address` is a known router's, remembers its MAC and
  // returns true.
  bool Learn(const IpAddress& address, const MacAddress& mac);
  // The router whose MAC is `mac`, or nullptr. The VRRP virtual MAC of (family, vrid) is the
  // most recent router's.
  const KnownRouter* ByMac(const MacAddress& mac, Family family, uint8_t vrid) const;
  const std::vector<KnownRouter>& routers() const { return routers_; }
  void Clear() { routers_.clear(); }

 private:
  std::vector<KnownRouter> routers_;
};

}  // namespace vrrp

#endif  // VRRP_VIP_CONFLICT_H_
