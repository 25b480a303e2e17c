// Metrics speed: vrrp::PrometheusText for 10, 100 and 1,000 instances, each with one virtual
// address, non-zero counters and a few drops (the sizes of a real daemon's snapshot), and the
// copy of such a snapshot (what vrrpd builds on its loop once a second with --metrics; the
// render runs on the HTTP thread). The goal: a 1,000-instance scrape well under 50 ms.
//
//   ninja -C build prometheus_bench
//   build/bench/prometheus_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <string>

#include "fmt/format.h"
#include "vrrp/prometheus.h"

namespace {

vrrp::MetricsSnapshot Snapshot(int instances) {
  vrrp::MetricsSnapshot s;
  s.now = absl::UnixEpoch() + absl::Hours(1);
  s.wall_now = absl::FromUnixSeconds(1700000000);
  for (int i = 0; i < instances; ++i) {
    vrrp::InstanceMetrics& m = s.instances.emplace_back();
    m.status.name = fmt::format("VI_{}", i);
    m.status.interface = fmt::format("eth{}", i / 250);
    m.status.vrid = i % 255 + 1;
    m.status.state = i % 2 == 0 ? vrrp::RouterState::kMaster : vrrp::RouterState::kBackup;
    m.status.priority = 100 + i % 100;
    m.status.effective_priority = m.status.priority;
    m.status.addresses = {fmt::format("198.51.100.{}/32", i % 250 + 1)};
    m.addresses = {{m.status.addresses[0], m.status.interface}};
    m.status.stats.advert_sent = 123456789 + i;
    m.status.stats.advert_rcvd = 987654 + i;
    m.status.stats.become_master = 3;
    m.status.stats.release_master = 2;
    m.status.stats.drops.Count(vrrp::DropReason::kChecksum);
    m.status.stats.last_transition = s.now - absl::Seconds(i);
    m.status.stats.last_transition_reason = vrrp::TransitionReason::kMasterDownTimer;
    m.garp_master_delay = absl::Seconds(5);
    if (m.status.state == vrrp::RouterState::kBackup) {
      m.master_down_deadline = s.now + absl::Milliseconds(3 * 100 + i % 100);
    }
  }
  for (int i = 0; i < 10; ++i) s.scripts.emplace_back(fmt::format("chk_{}", i), "GOOD");
  return s;
}

void BM_PrometheusText(benchmark::State& state) {
  const vrrp::MetricsSnapshot snapshot = Snapshot(static_cast<int>(state.range(0)));
  size_t bytes = 0;
  for (auto _ : state) {
    std::string text = vrrp::PrometheusText(snapshot);
    bytes = text.size();
    benchmark::DoNotOptimize(text);
  }
  state.counters["bytes"] = static_cast<double>(bytes);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(bytes));
}
BENCHMARK(BM_PrometheusText)->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);

// The snapshot copy: a stand-in for what the loop pays to build one (vrrpd's Metrics() builds
// the same strings and vectors from the driver).
void BM_SnapshotCopy(benchmark::State& state) {
  const vrrp::MetricsSnapshot snapshot = Snapshot(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    vrrp::MetricsSnapshot copy = snapshot;
    benchmark::DoNotOptimize(copy);
  }
}
BENCHMARK(BM_SnapshotCopy)->Arg(1000)->Unit(benchmark::kMicrosecond);

}  // namespace
