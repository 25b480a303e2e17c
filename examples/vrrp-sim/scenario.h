// The vrrp-sim scenario language: routers, then timed events, then `run until`.
//
// A scenario is plain text, one statement per line, `#` starts a comment:
//
//   title two load balancers
//   router lb-5 address 192.0.2.5 vrid 51 priority 150 vip 192.0.2.3/24 version 2 pass 1111
//   router lb-6 address 192.0.2.6 vrid 51 priority 100 vip 192.0.2.3/24 version 2 pass 1111
//   t=10 crash lb-5
//   t=20 restart lb-5
//   t=30 block lb-5->lb-6
//   t=40 heal
//   run until 50
//
//   absl::StatusOr<vrrp_sim::Scenario> s = vrrp_sim::ParseScenario(text, "lab.sim");
//   // on error: "lab.sim:4: unknown router lb-7"
//
// Every error names the file and line and what is wrong there, so an operator can fix the file
// without reading this parser. The full grammar is in kScenarioHelp (vrrp-sim --help).
#ifndef VRRP_EXAMPLES_VRRP_SIM_SCENARIO_H_
#define VRRP_EXAMPLES_VRRP_SIM_SCENARIO_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "vrrp/router_config.h"

namespace vrrp_sim {

struct RouterSpec {
  std::string name;
  vrrp::RouterConfig config;
  // Shown in the header only: keepalived's `state MASTER|BACKUP` (a non-owner starts as Backup
  // whatever it says) and the prefix length written after each VIP.
  std::string initial_state;
  std::vector<int> prefix_lengths;  // one per config.virtual_addresses, -1 when none was given
  // `pass KEY`: the sim carries advertisements as values, so the key plays no part; the header
  // says "auth PASS" and never prints the key.
  bool has_pass = false;
  int line = 0;
};

// One scripted event. Routers are indices into Scenario::routers.
struct ScriptEvent {
  enum class Kind : uint8_t {
    kCrash,
    kRestart,
    kStart,
    kShutdown,
    kLinkDown,
    kLinkUp,
    kFaultOn,
    kFaultOff,
    kBlock,      // router -> peer
    kUnblock,    // router -> peer
    kPartition,  // group_a | group_b
    kHeal,
    kLoss,      // all links (router unset) or router -> peer; percent
    kLatency,   // all links (router unset) or router -> peer; latency
    kPriority,  // value = new base priority 1..255
    kTrack,     // value = tracking delta (sum of weights)
  };
  absl::Duration at;  // since the start of the run
  Kind kind = Kind::kCrash;
  std::optional<size_t> router;
  std::optional<size_t> peer;
  std::vector<size_t> group_a;
  std::vector<size_t> group_b;
  int value = 0;
  double percent = 0;
  absl::Duration latency;
  int line = 0;
};

struct Scenario {
  std::string title;
  uint64_t seed = 1;
  bool through_codec = false;
  std::vector<RouterSpec> routers;
  std::vector<ScriptEvent> events;  // in time order, ties in file order
  absl::Duration run_until;
};

// Parses a scenario. `file` only labels errors: "file:line: message" (kInvalidArgument).
absl::StatusOr<Scenario> ParseScenario(std::string_view text, std::string_view file);

// Seconds as the scenario writes them: "10", "13.61", "0.5s"; up to 6 decimals. Exposed for
// tests.
std::optional<absl::Duration> ParseSeconds(std::string_view text);

// The grammar, for --help.
extern const std::string_view kScenarioHelp;

}  // namespace vrrp_sim

#endif  // VRRP_EXAMPLES_VRRP_SIM_SCENARIO_H_
