// AnnouncePacer: spaces the gratuitous ARPs and unsolicited NAs sent on an interface by a minimum
// interval, across every instance there (keepalived's vrrp_garp_interval / vrrp_gna_interval and
// garp_group). An upstream switch that cannot take a flood of ARPs would otherwise see, when 100
// instances take over on eth0 with garp_master_repeat 5, 500 frames in one burst.
//
// Pure: it never reads a clock. The caller offers each frame with the time; the pacer says
// whether it may go now or queues it, and hands queued frames out when their turn comes. The
// caller wakes it at NextDeadline() (the Linux Driver through its own timer).
//
//   vrrp::AnnouncePacer pacer({.defaults = {.arp = absl::Milliseconds(200)}});
//   if (pacer.Submit(now, "eth0", instance_key, vip)) announcer.Announce(vip);
//   ...at pacer.NextDeadline():
//   for (const vrrp::PacedAnnouncement& a : pacer.PopDue(now, due)) Send(a.owner, a.address);
//   ...an instance that leaves MASTER:
//   pacer.Withdraw(instance_key);
//
// Each interface (or each garp_group of interfaces, which share one pace: keepalived's
// `interfaces { }` for links behind one switch) has two lanes, ARP (IPv4) and NA (IPv6), each
// paced by its own interval. A lane sends at most one frame per interval, measured from when the
// last one was handed out (so a late wake-up never sends a burst), in the order offered.
#ifndef VRRP_ANNOUNCE_PACER_H_
#define VRRP_ANNOUNCE_PACER_H_

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/time/time.h"
#include "vrrp/ip_address.h"

namespace vrrp {

// Minimum time between two frames of one lane; zero: no pacing (keepalived's default).
struct PacingIntervals {
  absl::Duration arp = absl::ZeroDuration();  // gratuitous ARP (IPv4): vrrp_garp_interval
  absl::Duration na = absl::ZeroDuration();   // unsolicited NA (IPv6): vrrp_gna_interval
  bool operator==(const PacingIntervals&) const = default;
};

// keepalived's garp_group: interfaces paced together, with their own intervals (an interval the
// group does not set is zero: the group's interfaces do not inherit the global ones).
struct PacingGroup {
  PacingIntervals intervals;
  std::vector<std::string> interfaces;
  bool operator==(const PacingGroup&) const = default;
};

struct AnnouncePacing {
  PacingIntervals defaults;  // every interface in no group, each paced on its own
  std::vector<PacingGroup> groups;
  bool operator==(const AnnouncePacing&) const = default;
  // Whether any lane is paced at all.
  bool enabled() const;
};

struct PacedAnnouncement {
  uint64_t owner = 0;     // the caller's key of the instance that asked (Withdraw)
  std::string interface;  // where it goes
  IpAddress address;      // what it announces; its family picks the lane
};

// Thread-safety: none; one thread. Keeps no reference to what it is given.
class AnnouncePacer {
 public:
  explicit AnnouncePacer(AnnouncePacing pacing = {});

  // New intervals and groups, for frames handed out from now on, those already queued included
  // (a reload). A queued frame moves to its interface's new lane, in its order.
  void Configure(AnnouncePacing pacing);
  const AnnouncePacing& pacing() const { return pacing_; }

  // true: the frame may go now (it counts as sent at `now`); false: it was queued, and PopDue
  // hands it out in its turn. Never queues on an unpaced lane with nothing queued.
  bool Submit(absl::Time now, std::string_view interface, uint64_t owner, const IpAddress& address);
  // The queued frames whose turn has come by `now`, at most one per lane, oldest offer first,
  // into `out` (cleared first); each counts as sent at `now`.
  std::vector<PacedAnnouncement>& PopDue(absl::Time now, std::vector<PacedAnnouncement>& out);
  // When PopDue has something next; InfiniteFuture() when nothing is queued.
  absl::Time NextDeadline() const;

  // Drops the queued frames of `owner` (an instance that is no longer MASTER must not announce
  // addresses it gave up, nor one that left); how many.
  size_t Withdraw(uint64_t owner);
  size_t queued(uint64_t owner) const;
  size_t queued() const { return queued_; }

 private:
  struct Frame {
    uint64_t sequence;  // offer order, across lanes
    PacedAnnouncement announcement;
  };
  struct Lane {
    absl::Duration interval = absl::ZeroDuration();
    absl::Time last = absl::InfinitePast();  // when the last frame went
    std::deque<Frame> queue;
    absl::flat_hash_set<std::string> interfaces;  // those that sent here: for Configure
  };
  // The lane key: the interface's group ("\0" and the group's number: no interface name holds a
  // NUL) or the interface itself, and the family.
  std::pair<std::string, bool> LaneKey(std::string_view interface, bool v6) const;
  PacingIntervals IntervalsOf(std::string_view interface) const;
  Lane& LaneOf(std::string_view interface, bool v6);

  AnnouncePacing pacing_;
  absl::flat_hash_map<std::string, size_t> group_of_;  // interface -> index in pacing_.groups
  absl::flat_hash_map<std::pair<std::string, bool>, Lane> lanes_;
  absl::flat_hash_map<uint64_t, size_t> owners_;  // queued frames per owner
  size_t queued_ = 0;
  uint64_t next_sequence_ = 0;
};

}  // namespace vrrp

#endif  // VRRP_ANNOUNCE_PACER_H_
