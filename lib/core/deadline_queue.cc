#include "vrrp/deadline_queue.h"

namespace vrrp {

void DeadlineQueue::Set(size_t key, absl::Time deadline) {
  if (key >= keys_.size()) {
    if (deadline == absl::InfiniteFuture()) return;
    keys_.resize(key + 1);
  }
  Key& k = keys_[key];
  if (deadline == absl::InfiniteFuture()) {
    if (k.deadline != absl::InfiniteFuture()) --live_;
    k = Key{};  // its heap entry is stale from now on
  } else if (k.deadline == absl::InfiniteFuture()) {
    ++live_;
    k = Key{deadline, deadline};
    heap_.emplace(deadline, key);
  } else {
    k.deadline = deadline;
    // Later (or the same): the entry in the heap fires first and is moved then (SettleTop).
    if (deadline >= k.queued) return;
    k.queued = deadline;  // earlier: a new entry, the old one is stale
    heap_.emplace(deadline, key);
  }
  // Keep the stale entries in proportion, so memory and the heap's depth stay O(live keys).
  if (heap_.size() > 64 && heap_.size() > 4 * live_) Rebuild();
}

void DeadlineQueue::Clear() {
  keys_ = {};
  live_ = 0;
  heap_ = {};
}

void DeadlineQueue::SettleTop() const {
  while (!heap_.empty()) {
    const auto [when, key] = heap_.top();
    Key& k = keys_[key];
    if (k.queued != when || k.deadline == absl::InfiniteFuture()) {
      heap_.pop();  // erased, or replaced by an earlier entry
      continue;
    }
    if (k.deadline == when) return;
    // Reset to later since it was queued: its one entry goes where the deadline is now.
    heap_.pop();
    k.queued = k.deadline;
    heap_.emplace(k.deadline, key);
  }
}

absl::Time DeadlineQueue::Next() const {
  SettleTop();
  return heap_.empty() ? absl::InfiniteFuture() : heap_.top().first;
}

std::vector<size_t>& DeadlineQueue::PopDue(absl::Time now, std::vector<size_t>& out) {
  out.clear();
  for (SettleTop(); !heap_.empty() && heap_.top().first <= now; SettleTop()) {
    const size_t key = heap_.top().second;
    heap_.pop();
    keys_[key] = Key{};
    --live_;
    out.push_back(key);
  }
  return out;
}

void DeadlineQueue::Rebuild() {
  std::vector<Entry> live;
  live.reserve(live_);
  for (size_t key = 0; key < keys_.size(); ++key) {
    Key& k = keys_[key];
    if (k.deadline == absl::InfiniteFuture()) continue;
    k.queued = k.deadline;
    live.emplace_back(k.deadline, key);
  }
  heap_ = decltype(heap_)(std::greater<Entry>(), std::move(live));
}

}  // namespace vrrp
