#include "vrrp/announce_pacer.h"

#include <algorithm>
#include <utility>

#include "fmt/format.h"

namespace vrrp {

bool AnnouncePacing::enabled() const {
  auto paced = [](const PacingIntervals& i) {
    return i.arp > absl::ZeroDuration() || i.na > absl::ZeroDuration();
  };
  return paced(defaults) || std::any_of(groups.begin(), groups.end(),
                                        [&](const auto& g) { return paced(g.intervals); });
}

AnnouncePacer::AnnouncePacer(AnnouncePacing pacing) { Configure(std::move(pacing)); }

void AnnouncePacer::Configure(AnnouncePacing pacing) {
  pacing_ = std::move(pacing);
  group_of_.clear();
  for (size_t g = 0; g < pacing_.groups.size(); ++g) {
    // The configuration refuses an interface in two groups; should one come anyway, the first
    // group keeps it (keepalived: "garp_group already specified for eth0 - ignoring").
    for (const std::string& name : pacing_.groups[g].interfaces) group_of_.emplace(name, g);
  }
  // Lanes may merge (an interface joins a group) or split: their frames go to the new lanes in
  // offer order, and each new lane starts from the latest send of the old lanes its interfaces
  // used, so that no frame leaves sooner than the new interval after one already sent there.
  absl::flat_hash_map<std::pair<std::string, bool>, Lane> old = std::move(lanes_);
  lanes_.clear();
  std::vector<Frame> frames;
  for (auto& [key, lane] : old) {
    for (const std::string& name : lane.interfaces) {
      Lane& now = LaneOf(name, key.second);
      now.last = std::max(now.last, lane.last);
    }
    for (Frame& f : lane.queue) frames.push_back(std::move(f));
  }
  std::sort(frames.begin(), frames.end(),
            [](const Frame& a, const Frame& b) { return a.sequence < b.sequence; });
  for (Frame& f : frames) {
    LaneOf(f.announcement.interface, f.announcement.address.is_v6()).queue.push_back(std::move(f));
  }
}

std::pair<std::string, bool> AnnouncePacer::LaneKey(std::string_view interface, bool v6) const {
  auto it = group_of_.find(std::string(interface));
  if (it == group_of_.end()) return {std::string(interface), v6};
  return {fmt::format("{}{}", '\0', it->second), v6};
}

PacingIntervals AnnouncePacer::IntervalsOf(std::string_view interface) const {
  auto it = group_of_.find(std::string(interface));
  return it == group_of_.end() ? pacing_.defaults : pacing_.groups[it->second].intervals;
}

AnnouncePacer::Lane& AnnouncePacer::LaneOf(std::string_view interface, bool v6) {
  Lane& lane = lanes_[LaneKey(interface, v6)];
  lane.interfaces.emplace(interface);
  const PacingIntervals intervals = IntervalsOf(interface);
  lane.interval = v6 ? intervals.na : intervals.arp;
  return lane;
}

bool AnnouncePacer::Submit(absl::Time now, std::string_view interface, uint64_t owner,
                           const IpAddress& address) {
  const PacingIntervals intervals = IntervalsOf(interface);
  const absl::Duration interval = address.is_v6() ? intervals.na : intervals.arp;
  if (interval <= absl::ZeroDuration() && !lanes_.contains(LaneKey(interface, address.is_v6()))) {
    return true;  // unpaced and never paced: no lane to keep
  }
  Lane& lane = LaneOf(interface, address.is_v6());
  if (lane.queue.empty() && now >= lane.last + lane.interval) {
    lane.last = now;
    return true;
  }
  lane.queue.push_back({next_sequence_++, {owner, std::string(interface), address}});
  ++owners_[owner];
  ++queued_;
  return false;
}

std::vector<PacedAnnouncement>& AnnouncePacer::PopDue(absl::Time now,
                                                      std::vector<PacedAnnouncement>& out) {
  out.clear();
  if (queued_ == 0) return out;
  std::vector<Frame> due;
  for (auto& [key, lane] : lanes_) {
    if (lane.queue.empty() || now < lane.last + lane.interval) continue;
    due.push_back(std::move(lane.queue.front()));
    lane.queue.pop_front();
    lane.last = now;
  }
  std::sort(due.begin(), due.end(),
            [](const Frame& a, const Frame& b) { return a.sequence < b.sequence; });
  for (Frame& f : due) {
    auto it = owners_.find(f.announcement.owner);
    if (--it->second == 0) owners_.erase(it);
    --queued_;
    out.push_back(std::move(f.announcement));
  }
  return out;
}

absl::Time AnnouncePacer::NextDeadline() const {
  absl::Time next = absl::InfiniteFuture();
  if (queued_ == 0) return next;
  for (const auto& [key, lane] : lanes_) {
    if (!lane.queue.empty()) next = std::min(next, lane.last + lane.interval);
  }
  return next;
}

size_t AnnouncePacer::Withdraw(uint64_t owner) {
  auto it = owners_.find(owner);
  if (it == owners_.end()) return 0;
  const size_t n = it->second;
  owners_.erase(it);
  for (auto& [key, lane] : lanes_) {
    std::erase_if(lane.queue, [&](const Frame& f) { return f.announcement.owner == owner; });
  }
  queued_ -= n;
  return n;
}

size_t AnnouncePacer::queued(uint64_t owner) const {
  auto it = owners_.find(owner);
  return it == owners_.end() ? 0 : it->second;
}

}  // namespace vrrp
