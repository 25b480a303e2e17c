// DeadlineQueue: the earliest deadline of many keys, with replaced deadlines skipped and the heap
// kept in proportion to the live keys; checked against a plain map on a random workload.
#include "vrrp/deadline_queue.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <vector>

namespace vrrp {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'000'000);
absl::Time Ms(int64_t ms) { return kT0 + absl::Milliseconds(ms); }

TEST_CASE("DeadlineQueue gives the earliest deadline and pops only what is due") {
  DeadlineQueue q;
  CHECK(q.Next() == absl::InfiniteFuture());
  q.Set(1, Ms(300));
  q.Set(2, Ms(100));
  q.Set(3, Ms(200));
  CHECK(q.Next() == Ms(100));
  std::vector<size_t> due;
  CHECK(q.PopDue(Ms(99), due).empty());
  CHECK(q.PopDue(Ms(200), due) == std::vector<size_t>{2, 3});
  CHECK(q.Next() == Ms(300));
  CHECK(q.size() == 1);
}

TEST_CASE("DeadlineQueue: a replaced or erased deadline never fires") {
  DeadlineQueue q;
  q.Set(1, Ms(100));
  q.Set(1, Ms(500));  // a Backup's master-down timer, reset by an advertisement
  q.Set(2, Ms(200));
  q.Erase(2);
  CHECK(q.Next() == Ms(500));
  std::vector<size_t> due;
  CHECK(q.PopDue(Ms(499), due).empty());
  CHECK(q.PopDue(Ms(500), due) == std::vector<size_t>{1});
  CHECK(q.Next() == absl::InfiniteFuture());
  // Setting the same deadline again adds nothing.
  q.Set(3, Ms(700));
  const size_t entries = q.heap_size();
  q.Set(3, Ms(700));
  CHECK(q.heap_size() == entries);
  // InfiniteFuture is "no deadline".
  q.Set(3, absl::InfiniteFuture());
  CHECK(q.size() == 0);
}

TEST_CASE("DeadlineQueue: a deadline moved later adds no heap entry and fires when it is due") {
  DeadlineQueue q;
  q.Set(1, Ms(360));
  q.Set(2, Ms(1000));
  const size_t entries = q.heap_size();
  // A Backup's master-down timer, reset by an advertisement every 100 ms.
  for (int advert = 1; advert <= 50; ++advert) q.Set(1, Ms(100 * advert + 360));
  CHECK(q.heap_size() == entries);
  CHECK(q.Next() == Ms(1000));  // key 2 is earliest now; key 1's entry went to 5360
  std::vector<size_t> due;
  CHECK(q.PopDue(Ms(1000), due) == std::vector<size_t>{2});
  CHECK(q.PopDue(Ms(5359), due).empty());
  CHECK(q.Next() == Ms(5360));
  CHECK(q.PopDue(Ms(5360), due) == std::vector<size_t>{1});
  // Earlier again after later: the earliest one counts.
  q.Set(3, Ms(6000));
  q.Set(3, Ms(7000));
  q.Set(3, Ms(5500));
  CHECK(q.Next() == Ms(5500));
  CHECK(q.PopDue(Ms(6999), due) == std::vector<size_t>{3});
  CHECK(q.Next() == absl::InfiniteFuture());
  // Erased and set again at the time of its stale entry: it fires once.
  q.Set(4, Ms(8000));
  q.Erase(4);
  q.Set(4, Ms(8000));
  CHECK(q.PopDue(Ms(9000), due) == std::vector<size_t>{4});
  CHECK(q.size() == 0);
}

TEST_CASE("DeadlineQueue matches a plain map under a random workload, with a bounded heap") {
  std::mt19937_64 rng(7);
  DeadlineQueue q;
  std::map<size_t, absl::Time> model;
  absl::Time now = kT0;
  std::vector<size_t> due;
  size_t max_heap = 0;
  for (int step = 0; step < 20000; ++step) {
    const size_t key = rng() % 100;
    const int op = static_cast<int>(rng() % 10);
    if (op < 7) {
      const absl::Time when = now + absl::Milliseconds(static_cast<int64_t>(rng() % 1000));
      q.Set(key, when);
      model[key] = when;
    } else if (op == 7) {
      q.Erase(key);
      model.erase(key);
    } else {
      now += absl::Milliseconds(static_cast<int64_t>(rng() % 50));
      std::vector<size_t> expected;
      for (auto it = model.begin(); it != model.end();) {
        if (it->second <= now) {
          expected.push_back(it->first);
          it = model.erase(it);
        } else {
          ++it;
        }
      }
      q.PopDue(now, due);
      std::vector<size_t> got = due;
      std::sort(got.begin(), got.end());
      REQUIRE(got == expected);
    }
    absl::Time earliest = absl::InfiniteFuture();
    for (const auto& [k, when] : model) earliest = std::min(earliest, when);
    REQUIRE(q.Next() == earliest);
    REQUIRE(q.size() == model.size());
    max_heap = std::max(max_heap, q.heap_size());
  }
  // Stale entries are kept in proportion: at most 4 per live key (100 keys), plus slack.
  CHECK(max_heap <= 4 * 100 + 1);
}

TEST_CASE("DeadlineQueue: keys are indices, and Clear forgets every deadline") {
  DeadlineQueue q;
  q.Erase(1000);  // never set: nothing to do, nothing stored
  CHECK(q.size() == 0);
  q.Set(1000, Ms(100));
  q.Set(0, Ms(200));
  CHECK(q.size() == 2);
  q.Clear();
  CHECK(q.size() == 0);
  CHECK(q.heap_size() == 0);
  CHECK(q.Next() == absl::InfiniteFuture());
  // Set again after Clear, as a driver does after renumbering its routers.
  q.Set(7, Ms(300));
  std::vector<size_t> due;
  CHECK(q.PopDue(Ms(1000), due) == std::vector<size_t>{7});
}

}  // namespace
}  // namespace vrrp
