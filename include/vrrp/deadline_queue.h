// DeadlineQueue: the next deadline of many routers in one min-heap, so a driver with thousands of
// routers wakes once per due deadline and touches only the routers that are due, never scanning
// them all (issue 10: per-event scans made the cost of N routers quadratic).
//
//   vrrp::DeadlineQueue queue;
//   queue.Set(key, router.NextDeadline());     // after every call into that router
//   WaitUntil(queue.Next());
//   for (uint64_t key : queue.PopDue(now, due)) {  // due: a reused vector
//     Router& r = Lookup(key);
//     r.OnTimer(now);
//     queue.Set(key, r.NextDeadline());
//   }
//
// Set() replaces a key's deadline. A deadline moved later (a Backup resets its master-down timer
// on every advertisement: 10,000 times a second at 1,000 instances and 100 ms) costs one hash
// lookup and no heap work: the key's heap entry stays where it is, and when it reaches the top it
// is moved to the key's real deadline, once per firing period rather than once per reset. A
// deadline moved earlier pushes a new entry; the old one is then stale and skipped at the top.
// The heap is rebuilt when stale entries outnumber live ones 4 to 1.
// Not thread-safe.
#ifndef VRRP_DEADLINE_QUEUE_H_
#define VRRP_DEADLINE_QUEUE_H_

#include <cstdint>
#include <functional>
#include <queue>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"

namespace vrrp {

// Thread-safety: none; one thread.
class DeadlineQueue {
 public:
  // The key's deadline from now on; absl::InfiniteFuture() (no deadline) removes it.
  void Set(uint64_t key, absl::Time deadline);
  void Erase(uint64_t key) { Set(key, absl::InfiniteFuture()); }
  // The earliest deadline, absl::InfiniteFuture() when there is none.
  absl::Time Next() const;
  // Takes every key whose deadline is <= now out of the queue, earliest first (keys with equal
  // deadlines in no particular order), into `out` (cleared first), and returns it.
  std::vector<uint64_t>& PopDue(absl::Time now, std::vector<uint64_t>& out);

  size_t size() const { return keys_.size(); }
  // Heap entries, live and stale: for tests and benchmarks.
  size_t heap_size() const { return heap_.size(); }

 private:
  using Entry = std::pair<absl::Time, uint64_t>;
  struct Key {
    absl::Time deadline;  // the real one
    absl::Time queued;    // when the key's live heap entry is, <= deadline
  };
  // Until the top entry is a live key's real deadline: drops stale entries, moves a live entry
  // whose key's deadline went later down to that deadline.
  void SettleTop() const;
  void Rebuild();

  // Mutable: Next() settles the top, which changes no observable state.
  mutable absl::flat_hash_map<uint64_t, Key> keys_;
  mutable std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> heap_;
};

}  // namespace vrrp

#endif  // VRRP_DEADLINE_QUEUE_H_
