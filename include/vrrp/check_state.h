// CheckState: the rise/fall counting of one health check (keepalived's vrrp_script), without
// processes: the caller runs the check and records each outcome; the state says whether the
// check counts as failed for tracking (tracking.h).
//
// keepalived's rules (keepalived.conf(5) "VRRP script(s)", and its vrrp_scheduler.c):
// - A good check turns bad after `fall` failures in a row, a bad one good after `rise`
//   successes in a row.
// - Until its first result a check is INIT. Without init_fail one success makes it good and
//   one failure bad, and meanwhile tracking applies neither its weight nor a fault (it is
//   "pending"); with init_fail it counts as failed from the start and needs `rise` successes.
// - A check refused before it ever runs (enable_script_security) is DISABLED for good: as
//   keepalived ("Disabling track script ... due to insecure"), it is taken out of tracking, so
//   neither its weight nor a fault applies; it does not count as failed.
//
//   vrrp::CheckState state(/*rise=*/2, /*fall=*/3, /*init_fail=*/false);
//   state.pending();                  // true: no result yet
//   if (state.Record(exit_status == 0)) {
//     Log("{} is {}", name, vrrp::CheckStatusName(state.status()));   // "GOOD" / "BAD"
//   }
#ifndef VRRP_CHECK_STATE_H_
#define VRRP_CHECK_STATE_H_

#include <cstdint>
#include <string_view>

namespace vrrp {

enum class CheckStatus : uint8_t { kInit, kGood, kBad, kDisabled };

// "INIT", "GOOD", "BAD", "DISABLED": keepalived's words, and the `status` of a script in
// vrrpd's JSON.
std::string_view CheckStatusName(CheckStatus status);

// Thread-safety: none; a value, owned by whoever runs the check.
class CheckState {
 public:
  // `rise` and `fall` below 1 count as 1.
  CheckState(int rise, int fall, bool init_fail);

  // One run's outcome; true when status() changed.
  bool Record(bool success);
  // Refused before it could run: DISABLED for good, neither failed nor pending; Record changes
  // nothing.
  void Disable();

  CheckStatus status() const;
  // Whether the check counts as failed for tracking now: BAD, or INIT with init_fail.
  bool failed() const;
  // INIT without init_fail: no result yet, and keepalived applies neither the check's weight
  // nor a fault until there is one.
  bool pending() const;
  bool disabled() const { return disabled_; }

 private:
  int rise_;
  int fall_;
  bool init_fail_;
  // keepalived's counter: 0..rise-1 is bad, rise..rise+fall-1 good. A success below rise-1
  // counts up, otherwise jumps to the top; a failure above rise counts down, otherwise drops
  // to 0. So it takes `rise` successes to leave 0 and `fall` failures to leave the top.
  int result_;
  bool init_ = true;
  bool disabled_ = false;
};

}  // namespace vrrp

#endif  // VRRP_CHECK_STATE_H_
