#include "vrrp/deadline_queue.h"

namespace vrrp {

void DeadlineQueue::Set(uint64_t key, absl::Time deadline) {
  if (deadline == absl::InfiniteFuture()) {
    deadlines_.erase(key);
  } else {
    auto [it, inserted] = deadlines_.try_emplace(key, deadline);
    if (!inserted) {
      if (it->second == deadline) return;  // unchanged: the entry in the heap is still live
      it->second = deadline;
    }
    heap_.emplace(deadline, key);
  }
  // Keep the stale entries in proportion, so memory and the heap's depth stay O(live keys).
  if (heap_.size() > 64 && heap_.size() > 4 * deadlines_.size()) Rebuild();
}

void DeadlineQueue::DropStaleTop() const {
  while (!heap_.empty()) {
    const auto& [when, key] = heap_.top();
    auto it = deadlines_.find(key);
    if (it != deadlines_.end() && it->second == when) return;
    heap_.pop();
  }
}

absl::Time DeadlineQueue::Next() const {
  DropStaleTop();
  return heap_.empty() ? absl::InfiniteFuture() : heap_.top().first;
}

std::vector<uint64_t>& DeadlineQueue::PopDue(absl::Time now, std::vector<uint64_t>& out) {
  out.clear();
  for (DropStaleTop(); !heap_.empty() && heap_.top().first <= now; DropStaleTop()) {
    const uint64_t key = heap_.top().second;
    heap_.pop();
    deadlines_.erase(key);
    out.push_back(key);
  }
  return out;
}

void DeadlineQueue::Rebuild() {
  std::vector<Entry> live;
  live.reserve(deadlines_.size());
  for (const auto& [key, when] : deadlines_) live.emplace_back(when, key);
  heap_ = decltype(heap_)(std::greater<Entry>(), std::move(live));
}

}  // namespace vrrp
