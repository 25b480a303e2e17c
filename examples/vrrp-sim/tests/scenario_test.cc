// The scenario parser: what a valid file turns into, and every error with its file:line.
#include "scenario.h"

#include <catch2/catch.hpp>
#include <string>

namespace {

using vrrp_sim::ParseScenario;
using vrrp_sim::ScriptEvent;

constexpr std::string_view kRouters =
    "router a address 192.0.2.1 vip 192.0.2.100\n"
    "router b address 192.0.2.2 vip 192.0.2.100\n";

// The error for `body` placed after the two routers above (lines 1-2), as "x.sim:N: ...".
std::string ErrorOf(std::string_view text) {
  absl::StatusOr<vrrp_sim::Scenario> s = ParseScenario(text, "x.sim");
  if (s.ok()) return "OK";
  CHECK(s.status().code() == absl::StatusCode::kInvalidArgument);
  return std::string(s.status().message());
}

std::string WithRouters(std::string_view body) { return std::string(kRouters) + std::string(body); }

}  // namespace

TEST_CASE("ParseSeconds reads whole and decimal seconds exactly") {
  CHECK(vrrp_sim::ParseSeconds("10") == absl::Seconds(10));
  CHECK(vrrp_sim::ParseSeconds("13.61") == absl::Milliseconds(13610));
  CHECK(vrrp_sim::ParseSeconds("0.5s") == absl::Milliseconds(500));
  CHECK(vrrp_sim::ParseSeconds("1.000001") == absl::Microseconds(1'000'001));
  CHECK_FALSE(vrrp_sim::ParseSeconds("").has_value());
  CHECK_FALSE(vrrp_sim::ParseSeconds("-1").has_value());
  CHECK_FALSE(vrrp_sim::ParseSeconds("1.").has_value());
  CHECK_FALSE(vrrp_sim::ParseSeconds(".5").has_value());
  CHECK_FALSE(vrrp_sim::ParseSeconds("1.0000001").has_value());
  CHECK_FALSE(vrrp_sim::ParseSeconds("1e3").has_value());
  CHECK_FALSE(vrrp_sim::ParseSeconds("ten").has_value());
}

TEST_CASE("A valid scenario becomes routers and events in order") {
  const std::string text =
      "# comment line\n"
      "title  My lab  # trailing comment\n"
      "seed 42\n"
      "router lb-5 address 192.0.2.5 vrid 50 priority 150 state MASTER version 2 interval 1 "
      "pass 1111 vip 192.0.2.3/24,192.0.2.4\n"
      "router lb-6 address 192.0.2.6 vrid 50 nopreempt preempt_delay 2.5 vip 192.0.2.3 "
      "vip 192.0.2.4/32\n"
      "router v6 address fe80::1 interval 0.25 down_timer_adverts 4 vip 2001:db8::1\n"
      "\n"
      "t=0 loss 12.5%\n"
      "t=1 block lb-5 -> lb-6\n"
      "t=1 unblock lb-5->lb-6\n"
      "t=2.5 partition lb-5, v6 | lb-6\n"
      "t=3 latency lb-6->lb-5 0.01\n"
      "t=4 priority lb-6 200\n"
      "t=4 track lb-5 -20\n"
      "t=5 link down lb-6\n"
      "t=6 fault v6 on\n"
      "t=7 heal\n"
      "run until t=60\n";
  absl::StatusOr<vrrp_sim::Scenario> s = ParseScenario(text, "lab.sim");
  REQUIRE(s.ok());
  CHECK(s->title == "My lab");
  CHECK(s->seed == 42);
  CHECK(s->run_until == absl::Seconds(60));
  REQUIRE(s->routers.size() == 3);
  const vrrp_sim::RouterSpec& a = s->routers[0];
  CHECK(a.name == "lb-5");
  CHECK(a.line == 4);
  CHECK(a.config.vrid == 50);
  CHECK(a.config.priority == 150);
  CHECK(a.config.version == vrrp::Version::kV2);
  CHECK(a.config.advert_interval == vrrp::Centiseconds(100));
  CHECK(a.config.preempt);
  CHECK(a.has_pass);
  CHECK(a.initial_state == "MASTER");
  CHECK(a.config.primary_address == vrrp::IpAddress::V4(192, 0, 2, 5));
  REQUIRE(a.config.virtual_addresses.size() == 2);
  CHECK(a.prefix_lengths == std::vector<int>{24, -1});
  const vrrp_sim::RouterSpec& b = s->routers[1];
  CHECK_FALSE(b.config.preempt);
  CHECK(b.config.preempt_delay == absl::Milliseconds(2500));
  CHECK(b.config.virtual_addresses.size() == 2);
  CHECK(b.config.priority == 100);
  const vrrp_sim::RouterSpec& v6 = s->routers[2];
  CHECK(v6.config.family == vrrp::Family::kIPv6);
  CHECK(v6.config.version == vrrp::Version::kV3);  // IPv6 defaults to v3
  CHECK(v6.config.advert_interval == vrrp::Centiseconds(25));
  CHECK(v6.config.down_timer_adverts == 4);

  REQUIRE(s->events.size() == 10);
  using Kind = ScriptEvent::Kind;
  CHECK(s->events[0].kind == Kind::kLoss);
  CHECK(s->events[0].percent == 12.5);
  CHECK_FALSE(s->events[0].router.has_value());
  CHECK(s->events[1].kind == Kind::kBlock);
  CHECK(s->events[1].router == 0u);
  CHECK(s->events[1].peer == 1u);
  CHECK(s->events[2].kind == Kind::kUnblock);
  CHECK(s->events[3].kind == Kind::kPartition);
  CHECK(s->events[3].at == absl::Milliseconds(2500));
  CHECK(s->events[3].group_a == std::vector<size_t>{0, 2});
  CHECK(s->events[3].group_b == std::vector<size_t>{1});
  CHECK(s->events[4].kind == Kind::kLatency);
  CHECK(s->events[4].router == 1u);
  CHECK(s->events[4].latency == absl::Milliseconds(10));
  CHECK(s->events[5].kind == Kind::kPriority);
  CHECK(s->events[5].value == 200);
  CHECK(s->events[6].kind == Kind::kTrack);
  CHECK(s->events[6].value == -20);
  CHECK(s->events[7].kind == Kind::kLinkDown);
  CHECK(s->events[8].kind == Kind::kFaultOn);
  CHECK(s->events[8].router == 2u);
  CHECK(s->events[9].kind == Kind::kHeal);
  CHECK(s->events[9].line == 17);
}

TEST_CASE("Every invalid scenario is refused with file:line and what is wrong") {
  struct Case {
    std::string text;
    std::string error;
  };
  const Case cases[] = {
      {WithRouters("frobnicate\nrun until 5\n"), "x.sim:3: unknown keyword 'frobnicate'"},
      {WithRouters("t=1 explode a\nrun until 5\n"), "x.sim:3: unknown event 'explode'"},
      {WithRouters("t=1 crash c\nrun until 5\n"), "x.sim:3: unknown router c"},
      {WithRouters("t=1 block a->c\nrun until 5\n"), "x.sim:3: unknown router c"},
      {WithRouters("t=1 block a->a\nrun until 5\n"),
       "x.sim:3: a direction needs two different routers"},
      {WithRouters("t=1 block a\nrun until 5\n"), "x.sim:3: expected FROM->TO, got 'a'"},
      {WithRouters("t=ten crash a\nrun until 5\n"),
       "x.sim:3: bad time 't=ten' (expected t=SECONDS)"},
      {WithRouters("t=5 crash a\nt=4 restart a\nrun until 9\n"),
       "x.sim:4: time goes backwards: t=4 comes after t=5 (line 3)"},
      {WithRouters("t=5 crash a\nrun until 4\n"),
       "x.sim:4: run until 4 is before the last event (line 3)"},
      {WithRouters("t=5 crash a\n"),
       "x.sim:3: missing `run until SECONDS` at the end of the scenario"},
      {WithRouters("run until 5\nt=6 crash a\n"),
       "x.sim:4: nothing may follow `run until` (line 3)"},
      {WithRouters("t=1\nrun until 5\n"), "x.sim:3: missing event after t=1"},
      {WithRouters("t=1 crash\nrun until 5\n"), "x.sim:3: missing router name after crash"},
      {WithRouters("t=1 crash a b\nrun until 5\n"), "x.sim:3: unexpected 'b' after crash a"},
      {WithRouters("t=1 priority a high\nrun until 5\n"),
       "x.sim:3: bad number 'high' for priority"},
      {WithRouters("t=1 priority a 0\nrun until 5\n"),
       "x.sim:3: priority 0 is out of range 1..255"},
      {WithRouters("t=1 loss 150%\nrun until 5\n"), "x.sim:3: loss 150% is out of range 0..100"},
      {WithRouters("t=1 loss lots\nrun until 5\n"), "x.sim:3: bad percentage 'lots' for loss"},
      {WithRouters("t=1 link sideways a\nrun until 5\n"),
       "x.sim:3: expected `link down ROUTER` or `link up ROUTER`"},
      {WithRouters("t=1 partition a b\nrun until 5\n"), "x.sim:3: expected `partition A B | C D`"},
      {WithRouters("t=1 partition a | a\nrun until 5\n"),
       "x.sim:3: router a appears twice in the partition"},
      {WithRouters("t=1 partition a |\nrun until 5\n"),
       "x.sim:3: each side of a partition needs at least one router"},
      {WithRouters("run\n"), "x.sim:3: expected `run until SECONDS`"},
      {WithRouters("run until soon\n"), "x.sim:3: bad number of seconds 'soon' for run until"},
      {WithRouters("t=1 crash a\nrouter c address 192.0.2.3 vip 192.0.2.100\nrun until 5\n"),
       "x.sim:4: routers must be declared before the first event"},
      {"t=1 crash a\nrun until 5\n", "x.sim:1: an event before any router is declared"},
      {"# nothing\nrun until 5\n", "x.sim:2: no router is declared"},
      {"", "x.sim:1: missing `run until SECONDS` at the end of the scenario"},
      {"router\n", "x.sim:1: missing router name"},
      {"router a/b address 192.0.2.1\n",
       "x.sim:1: bad router name 'a/b' (letters, digits, '_', '.', '-'; not 'lan')"},
      {"router lan address 192.0.2.1\n",
       "x.sim:1: bad router name 'lan' (letters, digits, '_', '.', '-'; not 'lan')"},
      {WithRouters("router a address 192.0.2.9 vip 192.0.2.100\n"),
       "x.sim:3: router a is already declared at line 1"},
      {"router a address 192.0.2.1 vip 192.0.2.100 colour blue\n",
       "x.sim:1: unknown router option 'colour'"},
      {"router a address 192.0.2.1 vip 192.0.2.100 priority\n",
       "x.sim:1: missing value for priority"},
      {"router a address 192.0.2.1 vip 192.0.2.100 priority 1x\n",
       "x.sim:1: bad number '1x' for priority"},
      {"router a address 192.0.2.1 vip 192.0.2.100 priority 300\n",
       "x.sim:1: priority 300 is out of range 1..255"},
      {"router a address 192.0.2.1 vip 192.0.2.100 vrid 0\n",
       "x.sim:1: vrid 0 is out of range 1..255"},
      {"router a address 192.0.2.1 vip 192.0.2.100 version 4\n",
       "x.sim:1: version 4 is out of range 2..3"},
      {"router a address 192.0.2.999 vip 192.0.2.100\n", "x.sim:1: bad address '192.0.2.999'"},
      {"router a address 192.0.2.1 vip 192.0.2.100/33\n",
       "x.sim:1: bad prefix length in vip '192.0.2.100/33'"},
      {"router a address 192.0.2.1 vip nowhere\n", "x.sim:1: bad address 'nowhere' for vip"},
      {"router a vip 192.0.2.100\n",
       "x.sim:1: router a: missing address (its own primary address)"},
      {"router a address 192.0.2.1\n",
       "x.sim:1: router a: missing vip (at least one virtual address)"},
      {"router a address 192.0.2.1 vip 192.0.2.100 interval 0.005\n",
       "x.sim:1: router a: interval 5ms is not a whole number of centiseconds"},
      {"router a address 192.0.2.1 vip 192.0.2.100 interval 0.5\n",
       "x.sim:1: router a: advert_int 50cs is not a whole number of seconds, which VRRPv2 "
       "requires"},
      {"router a address 192.0.2.1 vip 2001:db8::1 version 3\n",
       "x.sim:1: router a: virtual_ipaddress 2001:db8::1 is IPv6 but the router is IPv4"},
      {"router a address 192.0.2.1 vip 192.0.2.100 version 3 pass 1111\n",
       "x.sim:1: router a: pass is VRRPv2 authentication; version 3 has none"},
      {"router a address 192.0.2.1 vip 192.0.2.100 pass 123456789\n",
       "x.sim:1: router a: pass key is longer than 8 bytes"},
      {"router a address 192.0.2.1 vip 192.0.2.100 state LEADER\n",
       "x.sim:1: state must be MASTER or BACKUP, not 'LEADER'"},
      {"router a address 192.0.2.1 vip 192.0.2.100\nrouter b address 192.0.2.1 vip 192.0.2.100\n",
       "x.sim:2: router b: address 192.0.2.1 is already a's in vrid 1"},
      {"seed -1\n", "x.sim:1: bad number '-1' for seed"},
      {"codec maybe\n", "x.sim:1: codec takes on or off"},
      {"title\n", "x.sim:1: missing value for title"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    CHECK(ErrorOf(c.text) == c.error);
  }
}

TEST_CASE("Windows line endings and a last line without newline parse") {
  absl::StatusOr<vrrp_sim::Scenario> s =
      ParseScenario("router a address 192.0.2.1 vip 192.0.2.100\r\nrun until 5", "x.sim");
  REQUIRE(s.ok());
  CHECK(s->run_until == absl::Seconds(5));
}
