// CheckState: keepalived's rise / fall / init_fail counting of one vrrp_script (keepalived.conf(5)
// "VRRP script(s)", vrrp_scheduler.c), without processes.
#include "vrrp/check_state.h"

#include <catch2/catch.hpp>
#include <vector>

namespace vrrp {
namespace {

constexpr CheckStatus kGood = CheckStatus::kGood;
constexpr CheckStatus kBad = CheckStatus::kBad;

struct Step {
  bool success;
  CheckStatus status;
  bool changed;
};

void Play(CheckState& state, const std::vector<Step>& steps) {
  int i = 0;
  for (const Step& step : steps) {
    INFO("step " << i++ << (step.success ? " success" : " failure"));
    CHECK(state.Record(step.success) == step.changed);
    CHECK(state.status() == step.status);
    CHECK(state.failed() == (step.status != kGood));
    CHECK_FALSE(state.pending());
  }
}

TEST_CASE("Check state: names are keepalived's") {
  CHECK(CheckStatusName(CheckStatus::kInit) == "INIT");
  CHECK(CheckStatusName(CheckStatus::kGood) == "GOOD");
  CHECK(CheckStatusName(CheckStatus::kBad) == "BAD");
  CHECK(CheckStatusName(CheckStatus::kDisabled) == "DISABLED");
  CHECK(CheckStatusName(static_cast<CheckStatus>(7)) == "unknown");
}

TEST_CASE("Check state: INIT without init_fail is pending, and one result decides") {
  SECTION("no result yet: pending, not failed") {
    CheckState state(2, 2, false);
    CHECK(state.status() == CheckStatus::kInit);
    CHECK_FALSE(state.failed());
    CHECK(state.pending());
    CHECK_FALSE(state.disabled());
  }
  SECTION("one success is enough, whatever rise is") {
    CheckState state(3, 2, false);
    Play(state, {{true, kGood, true}, {true, kGood, false}});
  }
  SECTION("one failure is enough, whatever fall is") {
    CheckState state(2, 3, false);
    Play(state, {{false, kBad, true}, {false, kBad, false}});
  }
}

TEST_CASE("Check state: rise and fall count runs in a row") {
  SECTION("rise 2 fall 2") {
    CheckState state(2, 2, false);
    Play(state, {
                    {false, kBad, true},    // INIT: one failure
                    {true, kBad, false},    // 1 of 2
                    {true, kGood, true},    // 2 of 2
                    {false, kGood, false},  // 1 of 2
                    {true, kGood, false},   // a success resets the count
                    {false, kGood, false},  // 1 of 2
                    {false, kBad, true},    // 2 of 2
                    {true, kBad, false},    // 1 of 2
                    {false, kBad, false},   // a failure resets the count
                    {true, kBad, false},    // 1 of 2
                    {true, kGood, true},    // 2 of 2
                });
  }
  SECTION("rise 1 fall 1 follows every run") {
    CheckState state(1, 1, false);
    Play(state,
         {{true, kGood, true}, {false, kBad, true}, {false, kBad, false}, {true, kGood, true}});
  }
  SECTION("rise and fall below 1 count as 1") {
    CheckState state(0, -3, false);
    Play(state, {{true, kGood, true}, {false, kBad, true}, {true, kGood, true}});
  }
}

TEST_CASE("Check state: init_fail is failed from the start and needs rise successes") {
  SECTION("rise 3 fall 2") {
    CheckState state(3, 2, true);
    CHECK(state.status() == CheckStatus::kInit);
    CHECK(state.failed());
    CHECK_FALSE(state.pending());
    Play(state, {
                    {true, kBad, true},  // INIT -> BAD, still failed
                    {true, kBad, false},
                    {true, kGood, true},
                    {false, kGood, false},
                    {false, kBad, true},
                });
  }
  SECTION("a first failure") {
    CheckState state(1, 1, true);
    Play(state, {{false, kBad, true}, {true, kGood, true}});
  }
}

// keepalived takes a script refused by enable_script_security out of tracking ("Disabling track
// script chk due to insecure"): its weight must not apply, so it must not count as failed.
TEST_CASE("Check state: a disabled check is out of tracking for good, neither failed nor pending") {
  for (const bool init_fail : {false, true}) {
    CAPTURE(init_fail);
    CheckState state(1, 1, init_fail);
    state.Disable();
    CHECK(state.status() == CheckStatus::kDisabled);
    CHECK_FALSE(state.failed());
    CHECK_FALSE(state.pending());
    CHECK(state.disabled());
    CHECK_FALSE(state.Record(false));
    CHECK_FALSE(state.Record(true));
    CHECK(state.status() == CheckStatus::kDisabled);
    CHECK_FALSE(state.failed());
  }
}

}  // namespace
}  // namespace vrrp
