// The simulation and its formatters: the seed lab's timeline at the virtual times the RFC timer
// formulas give (computed here, not taken from the library), split brain during the one-way
// block and one master after the heal, and the JSON lines.
#include "simulation.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fmt/format.h"
#include "report.h"
#include "scenario.h"
#include "seed_lab.h"

namespace {

// RFC 3768 §6.1 (VRRPv2): Skew_Time = (256 - Priority) / 256 seconds, here in whole
// centiseconds (truncated), and Master_Down_Interval = 3 * Advertisement_Interval + Skew_Time.
int64_t V2SkewCs(int priority) { return (256 - priority) * 100 / 256; }
int64_t V2DownCs(int priority, int64_t interval_cs = 100) {
  return 3 * interval_cs + V2SkewCs(priority);
}
// RFC 5798 §6.1 (VRRPv3): Skew_Time = ((256 - priority) * Master_Adver_Interval) / 256.
int64_t V3DownCs(int priority, int64_t interval_cs) {
  return 3 * interval_cs + (256 - priority) * interval_cs / 256;
}

// The last advertisement a master that became master at `since` sent before `before`, with
// advertisements every `interval` (RFC 5798 §6.4.3: one at the transition, then each interval).
int64_t LastAdvertBefore(int64_t since, int64_t before, int64_t interval = 100) {
  return since + (before - 1 - since) / interval * interval;
}
int64_t FirstAdvertFrom(int64_t since, int64_t from, int64_t interval = 100) {
  return since + (from - since + interval - 1) / interval * interval;
}

int64_t Cs(absl::Duration d) { return absl::ToInt64Milliseconds(d) / 10; }

struct Transition {
  int64_t t_cs;
  std::string router;
  std::string from;
  std::string to;
  std::string reason;
  bool operator==(const Transition&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Transition& t) {
  return os << fmt::format("{}cs {} {} -> {} ({})", t.t_cs, t.router, t.from, t.to, t.reason);
}

std::vector<Transition> Transitions(const vrrp_sim::SimResult& r) {
  std::vector<Transition> out;
  for (const vrrp_sim::SimEvent& e : r.events) {
    if (e.event != "transition") continue;
    out.push_back({Cs(e.t), e.router, std::string(vrrp::RouterStateName(*e.from)),
                   std::string(vrrp::RouterStateName(*e.to)),
                   std::string(vrrp::TransitionReasonName(*e.reason))});
  }
  return out;
}

vrrp_sim::SimResult Run(std::string_view text) {
  absl::StatusOr<vrrp_sim::Scenario> s = vrrp_sim::ParseScenario(text, "test.sim");
  INFO((s.ok() ? "" : std::string(s.status().message())));
  REQUIRE(s.ok());
  absl::StatusOr<vrrp_sim::SimResult> r = vrrp_sim::Simulate(*s);
  REQUIRE(r.ok());
  return *std::move(r);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string Replace(std::string text, std::string_view from, std::string_view to) {
  const size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("The built-in seed lab is scenarios/seed-lab.sim") {
  const std::string file = ReadFile(VRRP_SIM_SCENARIOS_DIR "/seed-lab.sim");
  REQUIRE_FALSE(file.empty());
  CHECK(file == std::string(vrrp_sim::kSeedLab));
}

TEST_CASE("The RFC timer formulas as this test computes them") {
  // (256 - 100) / 256 s = 0.609 s -> 60 cs; (256 - 150) / 256 s = 0.414 s -> 41 cs.
  CHECK(V2SkewCs(100) == 60);
  CHECK(V2SkewCs(150) == 41);
  CHECK(V2DownCs(100) == 360);
  CHECK(V2DownCs(150) == 341);
}

TEST_CASE("Seed lab: crash, return with preemption, one-way block, heal, at RFC times") {
  const vrrp_sim::SimResult r = Run(vrrp_sim::kSeedLab);
  // Both start as Backup (keepalived ignores `state MASTER` for a non-owner); lb-5's master-down
  // timer expires first.
  const int64_t lb5_master = V2DownCs(150);
  // lb-5 crashes at 10 s; lb-6 waits Master_Down_Interval after lb-5's last advertisement.
  const int64_t lb6_master = LastAdvertBefore(lb5_master, 1000) + V2DownCs(100);
  // lb-5 restarts at 20 s, discards lb-6's lower-priority advertisements and preempts when its
  // own timer expires; lb-6 yields to its first advertisement at once.
  const int64_t lb5_back = 2000 + V2DownCs(150);
  // From 30 s lb-6 no longer hears lb-5 and takes over too: split brain.
  const int64_t split = LastAdvertBefore(lb5_back, 3000) + V2DownCs(100);
  // Healed at 40 s: lb-6's next advertisement reaches lb-5, which answers at once (keepalived
  // does, RFC 5798 §6.4.3 leaves it open) and lb-6 yields.
  const int64_t healed = FirstAdvertFrom(split, 4000);
  CHECK(lb5_master == 341);
  CHECK(lb6_master == 1301);
  CHECK(lb5_back == 2341);
  CHECK(split == 3301);
  CHECK(healed == 4001);

  const std::vector<Transition> expected = {
      {0, "lb-5", "INIT", "BACKUP", "startup"},
      {0, "lb-6", "INIT", "BACKUP", "startup"},
      {lb5_master, "lb-5", "BACKUP", "MASTER", "master_down_timer"},
      {lb6_master, "lb-6", "BACKUP", "MASTER", "master_down_timer"},
      {2000, "lb-5", "INIT", "BACKUP", "startup"},
      {lb5_back, "lb-5", "BACKUP", "MASTER", "preempted"},
      {lb5_back, "lb-6", "MASTER", "BACKUP", "higher_priority_received"},
      {split, "lb-6", "BACKUP", "MASTER", "master_down_timer"},
      {healed, "lb-6", "MASTER", "BACKUP", "higher_priority_received"},
  };
  CHECK(Transitions(r) == expected);
  CHECK(r.transitions == 9);
  CHECK(r.to_master == 4);

  // Split brain exactly while lb-6 was deaf to lb-5, then one master.
  REQUIRE(r.split_brains.size() == 1);
  CHECK(Cs(r.split_brains[0].begin) == split);
  CHECK(Cs(r.split_brains[0].end) == healed);
  CHECK(r.split_brains[0].masters == std::vector<std::string>{"lb-5", "lb-6"});
  CHECK(Cs(r.split_brain_total) == healed - split);
  REQUIRE(r.routers.size() == 2);
  CHECK(r.routers[0].state == vrrp::RouterState::kMaster);
  CHECK(r.routers[1].state == vrrp::RouterState::kBackup);
  CHECK(Cs(r.routers[0].master_time) == (1000 - lb5_master) + (5000 - lb5_back));
  CHECK(Cs(r.routers[1].master_time) == (lb5_back - lb6_master) + (healed - split));

  // VIP moves: who holds 192.0.2.3 after each.
  std::vector<std::string> moves;
  for (const vrrp_sim::SimEvent& e : r.events) {
    if (e.event != "vip_add" && e.event != "vip_remove") continue;
    std::string holders;
    for (const vrrp_sim::Holder& h : e.holders) holders += " " + h.name + (h.alive ? "" : "(dead)");
    moves.push_back(fmt::format("{} {} {}:{}", Cs(e.t), e.router, e.event, holders));
  }
  CHECK(moves == std::vector<std::string>{
                     fmt::format("{} lb-5 vip_add: lb-5", lb5_master),
                     fmt::format("{} lb-6 vip_add: lb-5(dead) lb-6", lb6_master),
                     "2000 lb-5 vip_remove: lb-6",  // the restart clears the stale address
                     fmt::format("{} lb-5 vip_add: lb-5 lb-6", lb5_back),
                     fmt::format("{} lb-6 vip_remove: lb-5", lb5_back),
                     fmt::format("{} lb-6 vip_add: lb-5 lb-6", split),
                     fmt::format("{} lb-6 vip_remove: lb-5", healed),
                 });
}

TEST_CASE("Seed lab: both MASTER in the middle of the block, as the LAN itself reports") {
  const std::string seed(vrrp_sim::kSeedLab);
  const vrrp_sim::SimResult during = Run(seed.substr(0, seed.find("t=40 heal")) + "run until 35\n");
  CHECK(during.routers[0].state == vrrp::RouterState::kMaster);
  CHECK(during.routers[1].state == vrrp::RouterState::kMaster);
  REQUIRE(during.split_brains.size() == 1);
  CHECK(Cs(during.split_brains[0].end) == 3500);  // still open at the end of the run
  const vrrp_sim::SimResult after =
      Run(Replace(std::string(vrrp_sim::kSeedLab), "run until 50", "run until 40.01"));
  CHECK(after.routers[0].state == vrrp::RouterState::kMaster);
  CHECK(after.routers[1].state == vrrp::RouterState::kBackup);
}

TEST_CASE("Seed lab text and JSON output") {
  absl::StatusOr<vrrp_sim::Scenario> s = vrrp_sim::ParseScenario(vrrp_sim::kSeedLab, "seed");
  REQUIRE(s.ok());
  absl::StatusOr<vrrp_sim::SimResult> r = vrrp_sim::Simulate(*s);
  REQUIRE(r.ok());
  const std::string text = vrrp_sim::FormatText(*s, *r, false);
  CHECK_THAT(text, Catch::Contains("  lb-5  192.0.2.5  vrid 50  priority 150  preempt  VRRPv2  "
                                   "advert_int 1s  auth PASS  state MASTER  VIP 192.0.2.3/24\n"));
  CHECK_THAT(text, Catch::Contains("    13.01s  lb-6  BACKUP -> MASTER  (master_down_timer)  VIP "
                                   "192.0.2.3 now on lb-6 (crashed lb-5 still holds it)\n"));
  CHECK_THAT(text, Catch::Contains("    33.01s  lan   SPLIT BRAIN on vrid 50: lb-5 and lb-6 are "
                                   "both MASTER\n"));
  CHECK_THAT(text, Catch::Contains("  vrid 50: lb-5 is MASTER; VIP 192.0.2.3 on lb-5\n"));
  CHECK_THAT(text, Catch::Contains("  split brain: 7.00s"));
  CHECK_THAT(text, !Catch::Contains("1111"));  // the PASS key is never printed
  CHECK_THAT(text, !Catch::Contains("announce"));

  const std::string json = vrrp_sim::FormatJsonLines(*r);
  CHECK_THAT(json,
             Catch::Contains("{\"t\":13.01,\"router\":\"lb-6\",\"event\":\"transition\",\"from\":"
                             "\"BACKUP\",\"to\":\"MASTER\",\"reason\":\"master_down_timer\"}\n"));
  CHECK_THAT(json, Catch::Contains("{\"t\":30.00,\"router\":\"lan\",\"event\":\"network\",\"from\":"
                                   "null,\"to\":null,\"reason\":null,\"detail\":\"block lb-5 -> "
                                   "lb-6\"}\n"));
  CHECK_THAT(json,
             Catch::Contains("{\"t\":13.01,\"router\":\"lb-6\",\"event\":\"vip_add\",\"from\":"
                             "null,\"to\":null,\"reason\":null,\"addresses\":[\"192.0.2.3\"],"
                             "\"holders\":[\"lb-5\",\"lb-6\"]}\n"));
  CHECK_THAT(json, Catch::EndsWith(
                       "\"split_brain_s\":7.00,\"master_s\":{\"lb-5\":33.18,\"lb-6\":17.40}}\n"));
  CHECK_THAT(json, !Catch::Contains("1111"));
}

TEST_CASE("VRRPv3 timers use the configured interval, and loss is reproducible per seed") {
  const std::string text =
      "router a address fe80::a vip 2001:db8::1 interval 0.5 priority 200\n"
      "router b address fe80::b vip 2001:db8::1 interval 0.5 priority 100\n"
      "t=10 crash a\n"
      "run until 20\n";
  const vrrp_sim::SimResult r = Run(text);
  const int64_t a_master = V3DownCs(200, 50);
  const int64_t b_master = LastAdvertBefore(a_master, 1000, 50) + V3DownCs(100, 50);
  CHECK(a_master == 150 + 10);  // 3 * 50 + (56 * 50) / 256 = 150 + 10
  const std::vector<Transition> expected = {
      {0, "a", "INIT", "BACKUP", "startup"},
      {0, "b", "INIT", "BACKUP", "startup"},
      {a_master, "a", "BACKUP", "MASTER", "master_down_timer"},
      {b_master, "b", "BACKUP", "MASTER", "master_down_timer"},
  };
  CHECK(Transitions(r) == expected);

  const std::string lossy =
      "seed 3\n"
      "router a address 192.0.2.1 vip 192.0.2.100 priority 200\n"
      "router b address 192.0.2.2 vip 192.0.2.100\n"
      "t=5 loss a->b 70%\n"
      "run until 120\n";
  const vrrp_sim::SimResult one = Run(lossy);
  const vrrp_sim::SimResult two = Run(lossy);
  CHECK(Transitions(one) == Transitions(two));
  CHECK(one.adverts_lost > 0);
  CHECK(one.transitions > 3);  // b takes over now and then: the loss is real
  const vrrp_sim::SimResult other = Run(Replace(lossy, "seed 3", "seed 4"));
  CHECK_FALSE(Transitions(one) == Transitions(other));
}

TEST_CASE("Shutdown resigns with priority 0: the backup waits only its Skew_Time") {
  const vrrp_sim::SimResult r =
      Run("router a address 192.0.2.1 vip 192.0.2.100 priority 200\n"
          "router b address 192.0.2.2 vip 192.0.2.100 priority 100\n"
          "t=10 shutdown a\n"
          "run until 20\n");
  const std::vector<Transition> t = Transitions(r);
  REQUIRE(t.size() == 5);
  CHECK(t[3] == Transition{1000, "a", "MASTER", "INIT", "shutdown"});
  CHECK(t[4] ==
        Transition{1000 + V2SkewCs(100), "b", "BACKUP", "MASTER", "priority_zero_received"});
}

TEST_CASE("Every shipped scenario parses and runs") {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(VRRP_SIM_SCENARIOS_DIR)) {
    if (entry.path().extension() != ".sim") continue;
    ++count;
    INFO(entry.path().string());
    const vrrp_sim::SimResult r = Run(ReadFile(entry.path().string()));
    CHECK(r.transitions > 0);
  }
  CHECK(count >= 3);
}

TEST_CASE("FormatSeconds is exact") {
  CHECK(vrrp_sim::FormatSeconds(absl::ZeroDuration()) == "0.00");
  CHECK(vrrp_sim::FormatSeconds(absl::Milliseconds(13610)) == "13.61");
  CHECK(vrrp_sim::FormatSeconds(absl::Milliseconds(1005)) == "1.005");
  CHECK(vrrp_sim::FormatSeconds(absl::Microseconds(1)) == "0.000001");
  CHECK(vrrp_sim::FormatSeconds(absl::Seconds(3600)) == "3600.00");
}
