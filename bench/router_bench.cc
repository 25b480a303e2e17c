// State machine speed and size: what one advertisement costs a Backup, what one advertisement
// timer costs a Master (each with DrainActions, as a driver calls them), Router::Create, the
// size of a Router (goal: 1 KiB or less with inline address lists), and 1,000 routers (500
// pairs: VRIDs 1..250 over IPv4 and over IPv6) on a SimulatedLan for one virtual hour at
// advert_int 1 s, with wall time and events per second (60 virtual seconds in the smoke run,
// see main below).
//
//   ninja -C build router_bench
//   build/bench/router_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <array>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "fmt/format.h"
#include "vrrp/router.h"
#include "vrrp/testing/simulated_lan.h"

namespace {

using vrrp::Advertisement;
using vrrp::Family;
using vrrp::IpAddress;
using vrrp::Router;
using vrrp::RouterConfig;

const absl::Time kStart = absl::FromUnixSeconds(1'000'000);

IpAddress V6(uint8_t a, uint8_t b) {
  std::array<uint8_t, 16> bytes = {0xfe, 0x80};
  bytes[14] = a;
  bytes[15] = b;
  return IpAddress::FromV6Bytes(bytes.data());
}

IpAddress Vip6(uint8_t vrid) {
  std::array<uint8_t, 16> bytes = {0x20, 0x01, 0x0d, 0xb8};
  bytes[15] = vrid;
  return IpAddress::FromV6Bytes(bytes.data());
}

RouterConfig Config(int priority, vrrp::Version version = vrrp::Version::kV3) {
  RouterConfig c;
  c.vrid = 50;
  c.version = version;
  c.priority = priority;
  c.advert_interval = vrrp::Centiseconds(100);
  c.virtual_addresses = {IpAddress::V4(192, 0, 2, 3)};
  c.primary_address = IpAddress::V4(192, 0, 2, static_cast<uint8_t>(priority == 150 ? 5 : 6));
  return c;
}

Router Make(const RouterConfig& config) {
  absl::StatusOr<Router> r = Router::Create(config);
  if (!r.ok()) std::abort();
  return *std::move(r);
}

// A Backup hearing its master once a second: the steady state of every Backup.
void BM_BackupOnAdvertisement(benchmark::State& state) {
  const auto version = state.range(0) == 2 ? vrrp::Version::kV2 : vrrp::Version::kV3;
  Router router = Make(Config(100, version));
  Advertisement adv;
  adv.version = version;
  adv.vrid = 50;
  adv.priority = 150;
  adv.interval = vrrp::Centiseconds(100);
  adv.addresses = {IpAddress::V4(192, 0, 2, 3)};
  const IpAddress master = IpAddress::V4(192, 0, 2, 5);
  std::vector<vrrp::Action> actions;
  absl::Time now = kStart;
  router.Start(now);
  router.DrainActions(actions);
  for (auto _ : state) {
    now += absl::Seconds(1);
    router.OnAdvertisement(now, adv, master);
    router.DrainActions(actions);
    benchmark::DoNotOptimize(actions.data());
  }
  if (router.state() != vrrp::RouterState::kBackup) state.SkipWithError("not a Backup");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BackupOnAdvertisement)->Arg(2)->Arg(3)->ArgName("version");

// A Master's advertisement timer: one SendAdvertisement action per firing.
void BM_MasterOnTimer(benchmark::State& state) {
  RouterConfig config = Config(150);
  config.garp_master_delay = absl::ZeroDuration();  // only the advertisement timer remains
  Router router = Make(config);
  std::vector<vrrp::Action> actions;
  router.Start(kStart);
  router.OnTimer(router.NextDeadline());  // master-down timer: Backup -> Master
  router.DrainActions(actions);
  if (router.state() != vrrp::RouterState::kMaster) state.SkipWithError("not a Master");
  for (auto _ : state) {
    const absl::Time now = router.NextDeadline();
    router.OnTimer(now);
    router.DrainActions(actions);
    benchmark::DoNotOptimize(actions.data());
  }
  if (actions.size() != 1) state.SkipWithError("expected one action per firing");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MasterOnTimer);

void BM_RouterCreate(benchmark::State& state) {
  const RouterConfig config = Config(100);
  for (auto _ : state) {
    absl::StatusOr<Router> r = Router::Create(config);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_RouterCreate);

// Not a speed: the footprint of one virtual router, as counters (bytes).
void BM_RouterSize(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(sizeof(Router));
  state.counters["sizeof_Router"] = static_cast<double>(sizeof(Router));
  state.counters["sizeof_RouterConfig"] = static_cast<double>(sizeof(RouterConfig));
  state.counters["sizeof_Action"] = static_cast<double>(sizeof(vrrp::Action));
  state.counters["sizeof_Advertisement"] = static_cast<double>(sizeof(Advertisement));
}
BENCHMARK(BM_RouterSize);

// range(0) virtual seconds of 1,000 routers: 500 pairs (priority 150 / 100), VRIDs 1..250 over
// IPv4 and again over IPv6, VRRPv3 at advert_int 1 s, zero latency, no loss.
void BM_SimulatedLan1000(benchmark::State& state) {
  const int64_t seconds = state.range(0);
  uint64_t sent = 0, delivered = 0, timeline = 0;
  for (auto _ : state) {
    state.PauseTiming();
    vrrp::SimulatedLan lan;
    for (int pair = 0; pair < 500; ++pair) {
      const bool v6 = pair >= 250;
      const auto vrid = static_cast<uint8_t>(pair % 250 + 1);
      for (int member = 0; member < 2; ++member) {
        RouterConfig c;
        c.vrid = vrid;
        c.family = v6 ? Family::kIPv6 : Family::kIPv4;
        c.priority = member == 0 ? 150 : 100;
        c.primary_address = v6 ? V6(vrid, static_cast<uint8_t>(member + 1))
                               : IpAddress::V4(10, vrid, 0, static_cast<uint8_t>(member + 1));
        c.virtual_addresses = {v6 ? Vip6(vrid) : IpAddress::V4(10, vrid, 0, 254)};
        if (!lan.AddRouter(fmt::format("r{}-{}", pair, member), c).ok()) std::abort();
      }
    }
    state.ResumeTiming();
    lan.StartAll();
    if (!lan.RunFor(absl::Seconds(seconds)).ok()) state.SkipWithError("livelock");
    state.PauseTiming();
    if (lan.Masters().size() != 500) state.SkipWithError("expected 500 masters");
    sent = 0;
    for (vrrp::NodeId i = 0; i < lan.size(); ++i) sent += lan.router(i).stats().advert_sent;
    delivered = lan.AdvertisementsDelivered();
    timeline = lan.timeline().size();
    state.ResumeTiming();
  }
  // Events: every advertisement sent (a timer firing) and every delivery (a receive).
  const double events =
      static_cast<double>(sent + delivered) * static_cast<double>(state.iterations());
  state.counters["events"] = static_cast<double>(sent + delivered);
  state.counters["events_per_s"] = benchmark::Counter(events, benchmark::Counter::kIsRate);
  state.counters["adverts_sent"] = static_cast<double>(sent);
  state.counters["timeline_entries"] = static_cast<double>(timeline);
  state.counters["virtual_s_per_wall_s"] =
      benchmark::Counter(static_cast<double>(seconds) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
}
}  // namespace

// Our own main (instead of benchmark_main) for one reason: the test suite's smoke run
// (`--benchmark_min_time=0.001`, bench/CMakeLists.txt) must stay fast, and one virtual hour of
// 1,000 routers takes seconds. A smoke run simulates 60 virtual seconds; any other run, the hour.
int main(int argc, char** argv) {
  bool smoke = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    constexpr std::string_view kMinTime = "--benchmark_min_time=";
    if (arg.substr(0, kMinTime.size()) == kMinTime) {
      smoke = std::strtod(std::string(arg.substr(kMinTime.size())).c_str(), nullptr) < 0.01;
    }
  }
  benchmark::RegisterBenchmark("BM_SimulatedLan1000", BM_SimulatedLan1000)
      ->Arg(smoke ? 60 : 3600)
      ->ArgName("virtual_s")
      ->Iterations(1)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
