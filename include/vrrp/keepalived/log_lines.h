// The log lines keepalived 2.2.7 writes for the same events, built from the library's
// InstanceEvents, so that alerting written against keepalived's logs ("(VI_1) Entering MASTER
// STATE") keeps working when vrrpd replaces it.
//
// Part of vrrp::keepalived, the glue between keepalived's configuration and conventions and the
// library: an embedder that replaces keepalived logs the same lines with it.
//
//   while (auto e = driver->PollEvent()) {
//     for (const vrrp::keepalived::LogLine& line : vrrp::keepalived::EventLogLines(*e, context))
//       Log(line.level, line.text);   // "(VI_1) Entering MASTER STATE"
//   }
#ifndef VRRP_KEEPALIVED_LOG_LINES_H_
#define VRRP_KEEPALIVED_LOG_LINES_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "vrrp/event.h"
#include "vrrp/policy.h"

namespace vrrp::keepalived {

// keepalived's levels: Detail lines are logged only with --log-detail (-D).
enum class LogLevel { kError, kWarning, kInfo, kDetail };

struct LogLine {
  LogLevel level = LogLevel::kInfo;
  std::string text;

  friend bool operator==(const LogLine&, const LogLine&) = default;
};

// What the instance looked like when the event happened, for the lines that say more than the
// event carries.
struct EventContext {
  std::string interface;                  // the instance's interface
  uint8_t effective_priority = 0;         // ours
  std::optional<vrrp::IpAddress> master;  // the master we last heard from
  uint8_t master_priority = 0;            // its priority
};

// The lines for `event`, in order; empty when keepalived logs nothing for it. Address changes,
// announcements and refused packets other than a bad password are Detail (-D), as keepalived
// logs most of them only with --log-detail.
std::vector<LogLine> EventLogLines(const vrrp::InstanceEvent& event, const EventContext& context);

// keepalived's lines for a policy event: "VRRP_Group(G1) Syncing instances to MASTER state",
// "(VI_6) leaving MASTER with its sync group G1".
std::vector<LogLine> PolicyLogLines(const vrrp::PolicyEvent& event);

// Refused packets are logged at most once per `period` per instance and reason (DESIGN.md:
// drops are counted always, logged rate-limited), so a flood of forged or misconfigured
// advertisements cannot flood syslog; the next line says how many were not logged.
// Thread-safety: none; one thread.
class DropLogLimiter {
 public:
  explicit DropLogLimiter(absl::Duration period = absl::Seconds(10)) : period_(period) {}
  // Whether to log this drop now; `suppressed` is set to the drops not logged since the last
  // line for the same instance and reason.
  bool Admit(std::string_view instance, vrrp::DropReason reason, absl::Time now,
             uint64_t& suppressed);

 private:
  struct Entry {
    absl::Time last = absl::InfinitePast();
    uint64_t suppressed = 0;
  };
  absl::Duration period_;
  std::map<std::pair<std::string, vrrp::DropReason>, Entry> entries_;
};

}  // namespace vrrp::keepalived

#endif  // VRRP_KEEPALIVED_LOG_LINES_H_
