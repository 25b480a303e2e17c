#include "vrrp/deadline_queue.h"

namespace vrrp {

void DeadlineQueue::Set(uint64_t key, absl::Time deadline) {
  if (deadline == absl::InfiniteFuture()) {
    keys_.erase(key);  // its heap entry is stale from now on
  } else {
    auto [it, inserted] = keys_.try_emplace(key, Key{deadline, deadline});
    if (!inserted) {
      it->second.deadline = deadline;
      // Later (or the same): the entry in the heap fires first and is moved then (SettleTop).
      if (deadline >= it->second.queued) return;
      it->second.queued = deadline;  // earlier: a new entry, the old one is stale
    }
    heap_.emplace(deadline, key);
  }
  // Keep the stale entries in proportion, so memory and the heap's depth stay O(live keys).
  if (heap_.size() > 64 && heap_.size() > 4 * keys_.size()) Rebuild();
}

void DeadlineQueue::SettleTop() const {
  while (!heap_.empty()) {
    const auto [when, key] = heap_.top();
    auto it = keys_.find(key);
    if (it == keys_.end() || it->second.queued != when) {
      heap_.pop();  // erased, or replaced by an earlier entry
      continue;
    }
    if (it->second.deadline == when) return;
    // Reset to later since it was queued: its one entry goes where the deadline is now.
    heap_.pop();
    it->second.queued = it->second.deadline;
    heap_.emplace(it->second.deadline, key);
  }
}

absl::Time DeadlineQueue::Next() const {
  SettleTop();
  return heap_.empty() ? absl::InfiniteFuture() : heap_.top().first;
}

std::vector<uint64_t>& DeadlineQueue::PopDue(absl::Time now, std::vector<uint64_t>& out) {
  out.clear();
  for (SettleTop(); !heap_.empty() && heap_.top().first <= now; SettleTop()) {
    const uint64_t key = heap_.top().second;
    heap_.pop();
    keys_.erase(key);
    out.push_back(key);
  }
  return out;
}

void DeadlineQueue::Rebuild() {
  std::vector<Entry> live;
  live.reserve(keys_.size());
  for (auto& [key, times] : keys_) {
    times.queued = times.deadline;
    live.emplace_back(times.deadline, key);
  }
  heap_ = decltype(heap_)(std::greater<Entry>(), std::move(live));
}

}  // namespace vrrp
