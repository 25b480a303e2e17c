// The control socket's protocol, shared by vrrpd (control_server.h) and vrrpctl: one request
// line, one response made of a status line and a body, then the daemon closes the connection.
// Pure functions over text, so that every request, error and table is unit-tested.
//
//   request:   "fault set VI_1\n"         (at most kMaxRequestBytes, newline included)
//   response:  "ok VI_1: operator fault set\n"       <- "<code> <message>"
//              "...body, any number of lines, to the end of the stream..."
//
// Requests: "status", "status json", "stats", "reload", "fault set NAME", "fault clear NAME",
// "priority NAME DELTA" (DELTA: +N, -N or 0 in -254..254; an operator delta, 0 clears it),
// "history", "history json", "history svg" (the event history: lines, JSON, an SVG picture).
// Codes: ok, usage (a malformed request), denied (peer credentials), not-found (no such
// instance), refused (a reload refused: nothing changed), busy (too many clients).
// README.md documents it for other clients (socat, a monitoring agent).
#ifndef VRRPD_CONTROL_PROTOCOL_H_
#define VRRPD_CONTROL_PROTOCOL_H_

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "status.h"

namespace vrrpd::control {

// A request longer than this (newline included) is refused unread: the line is a command and a
// name, and a bound keeps a client from growing the daemon's buffers.
inline constexpr size_t kMaxRequestBytes = 512;
// An operator delta beyond this means the same as this (the effective priority is 1..254).
inline constexpr int kMaxDelta = 254;

enum class Command {
  kStatus,
  kStatusJson,
  kStats,
  kReload,
  kFaultSet,
  kFaultClear,
  kPriority,
  kHistory,
  kHistoryJson,
  kHistorySvg,
};

struct Request {
  Command command = Command::kStatus;
  std::string instance;  // kFaultSet, kFaultClear, kPriority
  int delta = 0;         // kPriority
  bool operator==(const Request&) const = default;
};

// The request from its words: vrrpctl's arguments, or a request line split at spaces. "--json"
// is accepted for "json". Errors say what is wrong: "unknown command 'foo'", "fault needs set
// or clear and an instance name", "priority delta '+x' is not a number like +10, -60 or 0".
absl::StatusOr<Request> ParseWords(const std::vector<std::string>& words);
// One request line, with or without its newline.
absl::StatusOr<Request> ParseRequest(std::string_view line);
// The request line, newline included: "priority VI_1 -60\n".
std::string FormatRequest(const Request& request);

enum class Code { kOk, kUsage, kDenied, kNotFound, kRefused, kBusy };
std::string_view CodeName(Code code);

struct Response {
  Code code = Code::kOk;
  std::string message;  // one line
  std::string body;     // anything, usually lines
  bool operator==(const Response&) const = default;
};

// "<code> <message>\n<body>"; newlines in the message become spaces.
std::string FormatResponse(const Response& response);
// The whole stream the daemon sent. An error when the status line is missing or its code
// unknown (a truncated or foreign answer).
absl::StatusOr<Response> ParseResponse(std::string_view text);

// "status": the daemon, then one row per instance (instance, state, priority base/effective,
// interface and VRID, VIPs, master heard, fault reasons), as keepalived's data dump summarises
// them. `operator_deltas` (by instance name) are shown beside the priority.
std::string StatusTable(const DaemonStatus& status,
                        const std::map<std::string, int, std::less<>>& operator_deltas);
// "stats": every instance's counters under keepalived's names (become_master, advert_rcvd...,
// then the drops by DropReasonName), one per line.
std::string StatsText(const DaemonStatus& status);

}  // namespace vrrpd::control

#endif  // VRRPD_CONTROL_PROTOCOL_H_
