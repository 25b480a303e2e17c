// The Router's steady state allocates nothing: a Master advertising, a Backup hearing its master,
// with the driver draining actions through DrainActions(std::vector<Action>&) into a reused
// buffer. Counted with a replaced global operator new (in this test program only).
#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <new>
#include <vector>

#include "vrrp/router.h"

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

namespace {
void* CountedAlloc(size_t size) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}
}  // namespace

// Every unaligned form, so that new and delete always pair up (sanitizers check that).
void* operator new(size_t size) {
  if (void* p = CountedAlloc(size)) return p;
  throw std::bad_alloc();
}
void* operator new[](size_t size) {
  if (void* p = CountedAlloc(size)) return p;
  throw std::bad_alloc();
}
void* operator new(size_t size, const std::nothrow_t&) noexcept { return CountedAlloc(size); }
void* operator new[](size_t size, const std::nothrow_t&) noexcept { return CountedAlloc(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace vrrp {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'000'000);

RouterConfig Config(int priority) {
  RouterConfig c;
  c.vrid = 50;
  c.priority = priority;
  c.advert_interval = Centiseconds(1);
  c.virtual_addresses = {IpAddress::V4(192, 0, 2, 3), IpAddress::V4(192, 0, 2, 4)};
  c.primary_address = IpAddress::V4(192, 0, 2, 5);
  return c;
}

TEST_CASE("A Master advertising allocates nothing once warmed up") {
  absl::StatusOr<Router> made = Router::Create(Config(255));
  REQUIRE(made.ok());
  Router r = *std::move(made);
  std::vector<Action> actions;
  actions.reserve(8);
  r.Start(kT0);
  r.DrainActions(actions);
  absl::Time now = kT0;
  for (int i = 0; i < 10; ++i) {  // warm up both buffers
    now = r.NextDeadline();
    r.OnTimer(now);
    r.DrainActions(actions);
  }
  const long before = g_allocations.load();
  size_t sent = 0;
  for (int i = 0; i < 1000; ++i) {
    now = r.NextDeadline();
    r.OnTimer(now);
    r.DrainActions(actions);
    sent += actions.size();
  }
  CHECK(g_allocations.load() - before == 0);
  CHECK(sent >= 1000);  // every advertisement, plus the second gratuitous burst at 5 s

  // The counter does count: the convenience DrainActions() hands its buffer away each time, so
  // every action after the first (which reuses the buffer `actions` left behind) needs a new one.
  const long before_convenience = g_allocations.load();
  for (int i = 0; i < 10; ++i) {
    now = r.NextDeadline();
    r.OnTimer(now);
    std::vector<Action> taken = r.DrainActions();
    CHECK(taken.size() == 1);
  }
  CHECK(g_allocations.load() - before_convenience >= 9);
}

TEST_CASE("A Backup hearing its master allocates nothing") {
  absl::StatusOr<Router> made = Router::Create(Config(100));
  REQUIRE(made.ok());
  Router r = *std::move(made);
  r.Start(kT0);
  r.ClearActions();
  Advertisement adv;
  adv.vrid = 50;
  adv.priority = 200;
  adv.interval = Centiseconds(1);
  adv.addresses = Config(100).virtual_addresses;
  const IpAddress master = IpAddress::V4(192, 0, 2, 6);
  const long before = g_allocations.load();
  for (int i = 0; i < 1000; ++i) {
    const absl::Time now = kT0 + absl::Milliseconds(10 * i);
    r.OnAdvertisement(now, adv, master);
    r.OnTimer(now);
  }
  CHECK(g_allocations.load() - before == 0);
  CHECK(r.state() == RouterState::kBackup);
  CHECK(r.PendingActions().empty());
}

}  // namespace
}  // namespace vrrp
