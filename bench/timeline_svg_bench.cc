// Timeline picture speed: vrrp::RenderTimelineSvg for the seed lab's size (2 lanes, 11
// changes, what vrrp-sim --svg draws) and for a daemon's event history (lanes x transitions per
// lane, each transition with a VIP change), to show that drawing a long history stays linear.
//
//   ninja -C build timeline_svg_bench
//   build/bench/timeline_svg_bench --benchmark_repetitions=5
//   --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <algorithm>
#include <string>

#include "fmt/format.h"
#include "vrrp/timeline_svg.h"

namespace {

using vrrp::LaneState;

// Lanes in pairs sharing a group; each lane alternates BACKUP and MASTER, the pair's second
// lane half a step behind the first, so every pair has short split-brain spans too.
vrrp::TimelinePicture History(int lanes, int per_lane) {
  vrrp::TimelinePicture p;
  p.title = "history";
  p.end = absl::Seconds(per_lane + 1);
  for (int i = 0; i < lanes; ++i) {
    p.lanes.push_back({.name = fmt::format("VI_{}", i),
                       .detail = fmt::format("vrid {}", i / 2 + 1),
                       .group = fmt::format("{}", i / 2),
                       .initial = LaneState::kBackup});
  }
  for (int step = 0; step < per_lane; ++step) {
    for (int i = 0; i < lanes; ++i) {
      const bool master = step % 2 == 0;
      const absl::Duration at = absl::Seconds(step) + absl::Milliseconds(i % 2 == 0 ? 0 : 500);
      p.changes.push_back({.at = at,
                           .router = p.lanes[i].name,
                           .from = master ? LaneState::kBackup : LaneState::kMaster,
                           .to = master ? LaneState::kMaster : LaneState::kBackup,
                           .reason = master ? "master_down_timer" : "higher_priority_received",
                           .holds_vip = master,
                           .vips = "192.0.2.3"});
    }
  }
  // In time order: the odd lanes' changes come half a second after the even ones'.
  std::stable_sort(
      p.changes.begin(), p.changes.end(),
      [](const vrrp::TimelineChange& a, const vrrp::TimelineChange& b) { return a.at < b.at; });
  return p;
}

void BM_Render(benchmark::State& state) {
  const vrrp::TimelinePicture p =
      History(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  size_t bytes = 0;
  for (auto _ : state) {
    absl::StatusOr<std::string> svg = vrrp::RenderTimelineSvg(p);
    bytes = svg->size();
    benchmark::DoNotOptimize(svg);
  }
  state.counters["changes"] = static_cast<double>(p.changes.size());
  state.counters["svg_bytes"] = static_cast<double>(bytes);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(p.changes.size()));
}
BENCHMARK(BM_Render)->Args({2, 6})->Args({2, 1000})->Args({100, 100})->Args({1000, 10});

}  // namespace
