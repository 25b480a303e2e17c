// DeadlineQueue: the next deadline of many routers in one min-heap, so a driver with thousands of
// routers wakes once per due deadline and touches only the routers that are due, never scanning
// them all (issue 10: per-event scans made the cost of N routers quadratic).
//
//   vrrp::DeadlineQueue queue;
//   queue.Set(i, routers[i].NextDeadline());     // after every call into routers[i]
//   WaitUntil(queue.Next());
//   for (size_t i : queue.PopDue(now, due)) {    // due: a reused vector
//     routers[i].OnTimer(now);
//     queue.Set(i, routers[i].NextDeadline());
//   }
//
// Keys are indices (of the caller's own array of routers): each key's deadline is kept in a
// vector at its index, so storage follows the largest key and a lookup is one array access. A
// driver of 1,000 instances touches each due instance's entry on every timer tick, 100 ms apart,
// with its caches long cold: a hash map cost it two cache misses per lookup where the array's
// entries of instances due together sit side by side. A caller that renumbers its routers (a
// reload) calls Clear() and sets them all again.
//
// Set() replaces a key's deadline. A deadline moved later (a Backup resets its master-down timer
// on every advertisement: 10,000 times a second at 1,000 instances and 100 ms) costs one array
// write and no heap work: the key's heap entry stays where it is, and when it reaches the top it
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

#include "absl/time/time.h"

namespace vrrp {

// Thread-safety: none; one thread.
class DeadlineQueue {
 public:
  // The key's deadline from now on; absl::InfiniteFuture() (no deadline) removes it.
  void Set(size_t key, absl::Time deadline);
  void Erase(size_t key) { Set(key, absl::InfiniteFuture()); }
  // Removes every deadline (and gives back the storage).
  void Clear();
  // The earliest deadline, absl::InfiniteFuture() when there is none.
  absl::Time Next() const;
  // Takes every key whose deadline is <= now out of the queue, earliest first (keys with equal
  // deadlines in no particular order), into `out` (cleared first), and returns it.
  std::vector<size_t>& PopDue(absl::Time now, std::vector<size_t>& out);

  // Keys with a deadline.
  size_t size() const { return live_; }
  // Heap entries, live and stale: for tests and benchmarks.
  size_t heap_size() const { return heap_.size(); }

 private:
  using Entry = std::pair<absl::Time, size_t>;
  struct Key {
    absl::Time deadline = absl::InfiniteFuture();  // the real one; InfiniteFuture: none
    absl::Time queued = absl::InfiniteFuture();    // when its live heap entry is, <= deadline
  };
  // Until the top entry is a live key's real deadline: drops stale entries, moves a live entry
  // whose key's deadline went later down to that deadline.
  void SettleTop() const;
  void Rebuild();

  // Mutable: Next() settles the top, which changes no observable state.
  mutable std::vector<Key> keys_;  // by key
  size_t live_ = 0;
  mutable std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> heap_;
};

}  // namespace vrrp

#endif  // VRRP_DEADLINE_QUEUE_H_
