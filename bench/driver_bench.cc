// The Linux Driver's user-space cost per advertisement at 1,000 instances (issue 10): a Master's
// Driver sending, a Backup's Driver receiving, at advert_int 0.1 s, so that optimisations of the
// per-advertisement path can be measured without root and without the noise of bench/scale.py.
//
// Setup, as bench/scale.py's topology: a master (priority 150) and a backup (priority 100), each
// a vrrp::os::Driver on a vrrp::testing::FakeHost, their eth0..eth3 on four FakeNetworks (one
// segment each), 1,000 instances (VRIDs 1..250 on each interface), VRRPv3 over IPv4, advert_int
// 0.1, one /32 VIP each. The instances are what vrrpd runs: the same keepalived.conf scale.py
// writes, parsed by vrrp::config and turned into Driver instances by vrrp::keepalived, so every
// default (GARP delay and repeats, the VIP lease) is vrrpd's. `vip_lease_auto` 1 keeps vrrpd's
// default lease (vip_lease_time auto: VipLeaseFor gives 3 s at advert_int 0.1, renewed every
// 1.5 s); 0 is `vip_lease_time 0` (permanent VIPs, as keepalived). Both drivers start
// together, elect, and run in virtual time past the masters' second round of gratuitous ARPs
// (garp_master_delay 5 s) before anything is measured. One iteration is one virtual second:
// 1,000 instances x 10 advertisements = 10,000 advertisements.
//
// How each side is timed: the loop is RunDrivers' (lib/testing/linux/run_drivers.cc) written out
// here, with manual timing (UseManualTime): a steady_clock around each call of the measured
// Driver (OnReadable, OnTimer), nothing else.
//   BM_Driver1000_Master: the master alone. Its ports are detached from the segments after the
//     election, so a send is not carried to the backup (and the backup is not run): the master
//     neither reads nor writes anything the backup would have changed in the steady state.
//   BM_Driver1000_Backup: both drivers run as on the wire; only the backup's calls are timed.
//
// What the figures include: the Driver's timer and receive paths, the routers, the encoder (the
// master) and the decoder and validation (the backup), VIP lease renewals (the master, 1,000
// address calls a second with a lease), and the fakes standing in for the kernel:
//   master: FakeSocket::Send copies each message into a vector it keeps (sent(), cleared between
//     iterations, untimed), where Linux has one sendmmsg per batch;
//   backup: FakeSocket::ReceiveMany pops each message from a deque and copies it into the
//     Driver's arena, and reads its eventfd once the queue is empty, where Linux has recvmmsg;
//   lease renewals go to FakeHost's in-memory address list and its notification to the
//     Driver's link monitor (a netlink RTM_NEWADDR round trip on Linux).
// What they do not include: the kernel (syscalls, the IP stack, netlink), the event loop's
// epoll and timerfd (here: the harness's fds() and poll(), untimed), the ARP claims vrrpd's
// default vip_conflict watches (a quiet stand-in: none arrive), and the fakes' delivery to the
// backup (FakeNetwork::Carry: a copy and an eventfd write per message, made in the master's
// untimed calls). So these are not comparable with scale.py's whole-daemon CPU. The fakes' share
// of each figure, from perf, is in docs/performance.md.
//
//   ninja -C build driver_bench
//   build/bench/driver_bench --benchmark_repetitions=3
#include <benchmark/benchmark.h>
#include <poll.h>
#include <sys/eventfd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "fmt/format.h"
#include "vrrp/config/config.h"
#include "vrrp/keepalived/runtime.h"
#include "vrrp/linux/claim_source.h"
#include "vrrp/linux/driver.h"
#include "vrrp/testing/linux/fake_host.h"
#include "vrrp/testing/linux/fake_network.h"
#include "vrrp/testing/linux/fake_socket.h"

namespace {

using vrrp::RouterState;
using vrrp::os::Driver;
using vrrp::testing::FakeHost;
using vrrp::testing::FakeNetwork;

constexpr int kSegments = 4;
constexpr int kPerSegment = 250;
constexpr int kInstances = kSegments * kPerSegment;
constexpr int kAdvertsPerSecond = kInstances * 10;  // advert_int 0.1 s
// Past the election (~0.34 s) and the masters' second round of gratuitous ARPs, garp_master_delay
// (5 s) after it: after this the only work left is the steady state's.
constexpr absl::Duration kSettle = absl::Seconds(6);

std::string Interface(int segment) { return fmt::format("eth{}", segment); }

// vrrpd's default vip_conflict (yield) opens a ClaimSource per (interface, family), which
// FakeHost does not fake: on a quiet segment none ever arrives, so this one is never readable.
class QuietClaims final : public vrrp::os::ClaimSource {
 public:
  int fd() const override { return fd_.get(); }
  std::vector<vrrp::AddressClaim> Read(size_t /*max_frames*/) override { return {}; }

 private:
  vrrp::os::UniqueFd fd_{eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)};
};

// scale.py's keepalived.conf (write_config) for one side.
std::string ConfigText(int priority, bool auto_lease) {
  std::string text = "global_defs {\n  vrrp_version 3\n";
  if (!auto_lease) text += "  vip_lease_time 0\n";
  text += "}\n";
  for (int i = 0; i < kInstances; ++i) {
    text += fmt::format(
        "vrrp_instance VI_{} {{\n  interface {}\n  virtual_router_id {}\n  priority {}\n"
        "  advert_int 0.1\n  virtual_ipaddress {{\n    198.51.100.{}/32\n  }}\n}}\n",
        i + 1, Interface(i / kPerSegment), i % kPerSegment + 1, priority, i % kPerSegment + 1);
  }
  return text;
}

// One side: its host (segment s at 192.0.2.16s+1 for the master, +2 for the backup, as
// scale.py) and its Driver. The host outlives the Driver (fake_host.h): declared first.
struct Side {
  FakeHost host;
  std::unique_ptr<Driver> driver;
  uint32_t lease_seconds = 0;

  absl::Status Create(int priority, bool auto_lease) {
    for (int s = 0; s < kSegments; ++s) {
      const auto last = static_cast<uint8_t>(16 * s + (priority == 150 ? 1 : 2));
      host.AddInterface(Interface(s), {vrrp::IpAddress::V4(192, 0, 2, last)});
    }
    absl::StatusOr<vrrp::config::Configuration> conf =
        vrrp::config::ParseString(ConfigText(priority, auto_lease), "driver_bench.conf");
    if (!conf.ok()) return conf.status();
    vrrp::os::DriverOptions options;
    options.instances = vrrp::keepalived::DriverInstances(*conf);
    lease_seconds = options.instances.front().config.vip_lease_seconds;
    options.parts = host.Parts();
    options.parts.open_claim_source =
        [](const std::string&,
           vrrp::Family) -> absl::StatusOr<std::unique_ptr<vrrp::os::ClaimSource>> {
      return std::unique_ptr<vrrp::os::ClaimSource>(std::make_unique<QuietClaims>());
    };
    absl::StatusOr<std::unique_ptr<Driver>> made = Driver::Create(std::move(options));
    if (!made.ok()) return made.status();
    driver = *std::move(made);
    return absl::OkStatus();
  }

  bool AllIn(RouterState state) const {
    for (vrrp::InstanceId id : driver->ids()) {
      if (driver->router(id)->state() != state) return false;
    }
    return driver->ids().size() == kInstances;
  }

  // Messages its sockets sent; forgets them (FakeSocket keeps every one).
  uint64_t TakeSent() {
    uint64_t sent = 0;
    for (int s = 0; s < kSegments; ++s) {
      vrrp::testing::FakeSocket* socket = host.socket(Interface(s), vrrp::Family::kIPv4);
      if (socket == nullptr) continue;
      sent += socket->sent().size();
      socket->clear_sent();
    }
    return sent;
  }
};

// `cold` 1: before each timed call, this much memory is written over (untimed), so the call
// finds the Driver's memory out of the L1 and L2 caches, as a daemon does whose next timer is
// 100 ms away while other processes run (the benchmark otherwise runs 1,000 instances' timers
// back to back and keeps them all cached, which vrrpd never sees).
constexpr size_t kEvictBytes = size_t{16} << 20;
bool g_cold = false;

void EvictCaches() {
  static std::vector<uint64_t> memory(kEvictBytes / sizeof(uint64_t));
  static uint64_t round = 0;
  ++round;
  for (uint64_t& word : memory) word += round;
  benchmark::DoNotOptimize(memory.data());
}

// Calls `call` on `driver`, adding its wall time to `timed` when `driver` is the measured one.
template <typename Call>
void Timed(Driver* driver, const Driver* measured, absl::Duration& timed, Call call) {
  if (driver != measured) {
    call();
    return;
  }
  if (g_cold) EvictCaches();
  const auto start = std::chrono::steady_clock::now();
  call();
  timed += absl::FromChrono(std::chrono::steady_clock::now() - start);
}

bool Readable(int fd) {
  // The harness's own poll (doorbell.h's Readable is internal to vrrp::testing).
  pollfd p{.fd = fd, .events = POLLIN, .revents = 0};
  return poll(&p, 1, 0) == 1 && (p.revents & POLLIN) != 0;
}

// One turn of vrrp::testing::RunDrivers at `now` (which has no hook to time one driver's calls
// by, hence this copy): each readable fd, then each due timer (EventLoop's order). Whether
// anything was done.
bool Turn(const std::vector<Driver*>& drivers, absl::Time now, const Driver* measured,
          absl::Duration& timed) {
  bool worked = false;
  for (Driver* driver : drivers) {
    for (int fd : driver->fds()) {
      if (!Readable(fd)) continue;
      Timed(driver, measured, timed, [&] { driver->OnReadable(now, fd); });
      worked = true;
    }
  }
  for (Driver* driver : drivers) {
    if (driver->NextDeadline() > now) continue;
    Timed(driver, measured, timed, [&] { driver->OnTimer(now); });
    worked = true;
  }
  return worked;
}

// RunDrivers' virtual time: turns at each instant until nothing is left to do, then `now` jumps
// to the next deadline, up to `until` (inclusive). The time of `measured`'s calls (nullptr:
// none) is added to `timed`.
absl::Status Run(const std::vector<Driver*>& drivers, absl::Time& now, absl::Time until,
                 const Driver* measured, absl::Duration& timed) {
  constexpr int kMaxTurns = 100'000;  // at one instant: a livelock
  for (;;) {
    for (int turns = 0; Turn(drivers, now, measured, timed); ++turns) {
      if (turns > kMaxTurns) return absl::ResourceExhaustedError("livelock");
    }
    absl::Time next = absl::InfiniteFuture();
    for (const Driver* driver : drivers) next = std::min(next, driver->NextDeadline());
    if (next > until) {
      now = std::max(now, until);
      return absl::OkStatus();
    }
    now = next;
  }
}

// Both sides on four segments, elected and settled: every master instance Master, every backup
// instance Backup.
struct Pair {
  std::array<FakeNetwork, kSegments> segments;
  Side master;
  Side backup;
  absl::Time now = vrrp::testing::kVirtualStart;

  absl::Status Settle(bool auto_lease) {
    if (absl::Status s = master.Create(150, auto_lease); !s.ok()) return s;
    if (absl::Status s = backup.Create(100, auto_lease); !s.ok()) return s;
    for (int s = 0; s < kSegments; ++s) {
      segments[s].Attach(master.host, Interface(s));
      segments[s].Attach(backup.host, Interface(s));
    }
    if (absl::Status s = master.driver->Start(now); !s.ok()) return s;
    if (absl::Status s = backup.driver->Start(now); !s.ok()) return s;
    absl::Duration untimed;
    if (absl::Status s =
            Run({master.driver.get(), backup.driver.get()}, now, now + kSettle, nullptr, untimed);
        !s.ok()) {
      return s;
    }
    if (!master.AllIn(RouterState::kMaster) || !backup.AllIn(RouterState::kBackup)) {
      return absl::InternalError("not every instance settled in its state");
    }
    master.TakeSent();
    return absl::OkStatus();
  }
};

// What the measured side did besides advertising, per virtual second: address calls (lease
// renewals) and announcements (gratuitous ARPs, black-hole probes). `since`: the side's counts
// when the timing began (after settling).
struct SideWork {
  size_t address_calls = 0;
  size_t announcements = 0;
  static SideWork Of(const Side& side) {
    return {side.host.address_calls().size(), side.host.announcements().size()};
  }
};

void Report(benchmark::State& state, uint64_t adverts, absl::Duration timed, const Side& side,
            const SideWork& since) {
  state.SetItemsProcessed(static_cast<int64_t>(adverts));
  state.counters["ns_per_advert"] =
      adverts == 0 ? 0.0 : absl::ToDoubleNanoseconds(timed) / static_cast<double>(adverts);
  state.counters["vip_lease_s"] = static_cast<double>(side.lease_seconds);
  const SideWork now = SideWork::Of(side);
  const auto per_second = [&](size_t n) {
    return static_cast<double>(n) / static_cast<double>(std::max<int64_t>(1, state.iterations()));
  };
  state.counters["address_calls_per_s"] = per_second(now.address_calls - since.address_calls);
  state.counters["announcements_per_s"] = per_second(now.announcements - since.announcements);
}

// Runs `drivers` one virtual second per iteration, timing `measured`'s calls; `adverts` gives
// the advertisements of the second just run (sent or received), 10,000 or the run stops.
template <typename Adverts>
void Measure(benchmark::State& state, Pair& pair, const std::vector<Driver*>& drivers,
             Side& measured, RouterState steady, Adverts adverts_of_second) {
  const SideWork since = SideWork::Of(measured);
  uint64_t adverts = 0;
  absl::Duration total;
  for (auto _ : state) {
    absl::Duration timed;
    if (!Run(drivers, pair.now, pair.now + absl::Seconds(1), measured.driver.get(), timed).ok()) {
      state.SkipWithError("livelock");
      break;
    }
    state.SetIterationTime(absl::ToDoubleSeconds(timed));
    total += timed;
    const uint64_t second = adverts_of_second();
    pair.master.TakeSent();  // FakeSocket keeps every message sent: forget them
    adverts += second;
    if (second != kAdvertsPerSecond) {
      state.SkipWithError(
          fmt::format("{} advertisements in a second, not {}", second, kAdvertsPerSecond).c_str());
      break;
    }
  }
  if (!measured.AllIn(steady)) state.SkipWithError("an instance left its state");
  Report(state, adverts, total, measured, since);
}

// A Master's Driver: the advertisement timers of 1,000 instances (and, with a lease, the
// renewal of their VIPs) over one virtual second, the master alone.
void BM_Driver1000_Master(benchmark::State& state) {
  g_cold = state.range(1) != 0;
  Pair pair;
  if (absl::Status s = pair.Settle(state.range(0) != 0); !s.ok()) {
    state.SkipWithError(s.ToString().c_str());
    return;
  }
  // Not carried to the backup any more (see the top comment): the backup is not run either.
  for (int s = 0; s < kSegments; ++s) pair.segments[s].Detach(pair.master.host, Interface(s));
  Side& master = pair.master;
  Measure(state, pair, {master.driver.get()}, master, RouterState::kMaster,
          [&] { return master.TakeSent(); });
}

// A Backup's Driver: receiving the 10,000 advertisements of one virtual second (OnReadable of
// its four sockets) and its timer calls; the master runs beside it, untimed.
void BM_Driver1000_Backup(benchmark::State& state) {
  g_cold = state.range(1) != 0;
  Pair pair;
  if (absl::Status s = pair.Settle(state.range(0) != 0); !s.ok()) {
    state.SkipWithError(s.ToString().c_str());
    return;
  }
  Side& backup = pair.backup;
  uint64_t received = backup.driver->stats().received;
  Measure(state, pair, {pair.master.driver.get(), backup.driver.get()}, backup,
          RouterState::kBackup, [&] {
            const uint64_t before = std::exchange(received, backup.driver->stats().received);
            return received - before;
          });
}

BENCHMARK(BM_Driver1000_Master)
    ->ArgNames({"vip_lease_auto", "cold"})
    ->Args({1, 0})
    ->Args({0, 0})
    ->Args({1, 1})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Driver1000_Backup)
    ->ArgNames({"vip_lease_auto", "cold"})
    ->Args({1, 0})
    ->Args({0, 0})
    ->Args({1, 1})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
