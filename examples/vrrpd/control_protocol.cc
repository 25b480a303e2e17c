#include "control_protocol.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include "absl/strings/str_join.h"
#include "fmt/format.h"
#include "vrrp/drop_reason.h"

namespace vrrpd::control {
namespace {

constexpr std::string_view kCodeNames[] = {"ok", "usage", "denied", "not-found", "refused", "busy"};
static_assert(std::size(kCodeNames) == static_cast<size_t>(Code::kBusy) + 1);

std::vector<std::string> SplitWords(std::string_view line) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    const size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) words.emplace_back(line.substr(start, i - start));
  }
  return words;
}

// keepalived's instance names are single words of printable characters; anything else cannot
// name an instance and would break the request line.
bool ValidName(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return static_cast<unsigned char>(c) > ' ' && static_cast<unsigned char>(c) < 0x7f;
  });
}

absl::StatusOr<int> ParseDelta(std::string_view text) {
  auto bad = [&] {
    return absl::InvalidArgumentError(
        fmt::format("priority delta '{}' is not a number like +10, -60 or 0", text));
  };
  std::string_view digits = text;
  bool negative = false;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  // from_chars would take a second sign ("--5"): digits only after ours.
  if (digits.empty() || digits.size() > 9 ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return bad();
  }
  int value = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error != std::errc() || end != digits.data() + digits.size()) return bad();
  if (value > kMaxDelta) {
    return absl::InvalidArgumentError(
        fmt::format("priority delta {} is out of range -{}..+{}", text, kMaxDelta, kMaxDelta));
  }
  return negative ? -value : value;
}

std::string JoinOr(const std::vector<std::string>& items, std::string_view none) {
  return items.empty() ? std::string(none) : absl::StrJoin(items, ",");
}

}  // namespace

absl::StatusOr<Request> ParseWords(const std::vector<std::string>& words) {
  if (words.empty()) {
    return absl::InvalidArgumentError(
        "no command (status, stats, reload, fault set|clear NAME, priority NAME DELTA, "
        "history)");
  }
  const std::string& command = words[0];
  const size_t args = words.size() - 1;
  auto extra = [&](size_t expected) {
    return absl::InvalidArgumentError(fmt::format("{} takes {} argument{}, not {}", command,
                                                  expected == 0 ? "no" : "more",
                                                  expected == 1 ? "" : "s", args));
  };
  Request r;
  if (command == "status") {
    if (args == 0) return r;
    if (args == 1 && (words[1] == "json" || words[1] == "--json")) {
      r.command = Command::kStatusJson;
      return r;
    }
    return absl::InvalidArgumentError(
        fmt::format("status takes only --json, not '{}'", words.back()));
  }
  if (command == "history") {
    if (args == 0) {
      r.command = Command::kHistory;
      return r;
    }
    if (args == 1 && (words[1] == "json" || words[1] == "--json")) {
      r.command = Command::kHistoryJson;
      return r;
    }
    if (args == 1 && words[1] == "svg") {
      r.command = Command::kHistorySvg;
      return r;
    }
    return absl::InvalidArgumentError(
        fmt::format("history takes json or svg, not '{}'", words.back().substr(0, 64)));
  }
  if (command == "stats" || command == "reload") {
    if (args != 0) return extra(0);
    r.command = command == "stats" ? Command::kStats : Command::kReload;
    return r;
  }
  if (command == "fault") {
    if (args != 2 || (words[1] != "set" && words[1] != "clear")) {
      return absl::InvalidArgumentError("fault needs set or clear and an instance name");
    }
    if (!ValidName(words[2])) {
      return absl::InvalidArgumentError(fmt::format("'{}' is not an instance name", words[2]));
    }
    r.command = words[1] == "set" ? Command::kFaultSet : Command::kFaultClear;
    r.instance = words[2];
    return r;
  }
  if (command == "priority") {
    if (args != 2) {
      return absl::InvalidArgumentError("priority needs an instance name and a delta (+N, -N, 0)");
    }
    if (!ValidName(words[1])) {
      return absl::InvalidArgumentError(fmt::format("'{}' is not an instance name", words[1]));
    }
    absl::StatusOr<int> delta = ParseDelta(words[2]);
    if (!delta.ok()) return delta.status();
    r.command = Command::kPriority;
    r.instance = words[1];
    r.delta = *delta;
    return r;
  }
  return absl::InvalidArgumentError(
      fmt::format("unknown command '{}' (status, stats, reload, fault, priority, history)",
                  command.substr(0, 64)));
}

absl::StatusOr<Request> ParseRequest(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);  // socat's crlf, telnet
  if (line.find_first_of(std::string_view("\n\r\0", 3)) != std::string_view::npos) {
    return absl::InvalidArgumentError("a request is one line of text");
  }
  return ParseWords(SplitWords(line));
}

std::string FormatRequest(const Request& r) {
  switch (r.command) {
    case Command::kStatus:
      return "status\n";
    case Command::kStatusJson:
      return "status json\n";
    case Command::kStats:
      return "stats\n";
    case Command::kReload:
      return "reload\n";
    case Command::kFaultSet:
      return fmt::format("fault set {}\n", r.instance);
    case Command::kFaultClear:
      return fmt::format("fault clear {}\n", r.instance);
    case Command::kPriority:
      return fmt::format("priority {} {:+d}\n", r.instance, r.delta);
    case Command::kHistory:
      return "history\n";
    case Command::kHistoryJson:
      return "history json\n";
    case Command::kHistorySvg:
      return "history svg\n";
  }
  return "status\n";
}

std::string_view CodeName(Code code) { return kCodeNames[static_cast<size_t>(code)]; }

std::string FormatResponse(const Response& response) {
  std::string message = response.message;
  std::replace(message.begin(), message.end(), '\n', ' ');
  return fmt::format("{} {}\n{}", CodeName(response.code), message, response.body);
}

absl::StatusOr<Response> ParseResponse(std::string_view text) {
  const size_t newline = text.find('\n');
  if (newline == std::string_view::npos) {
    return absl::DataLossError(text.empty() ? "vrrpd closed the connection without an answer"
                                            : "vrrpd's answer was cut short (no status line)");
  }
  std::string_view line = text.substr(0, newline);
  const size_t space = line.find(' ');
  std::string_view code = line.substr(0, space);
  Response response;
  auto it = std::find(std::begin(kCodeNames), std::end(kCodeNames), code);
  if (it == std::end(kCodeNames)) {
    return absl::DataLossError(fmt::format("not an answer of vrrpd: '{}'",
                                           line.substr(0, std::min<size_t>(80, line.size()))));
  }
  response.code = static_cast<Code>(it - std::begin(kCodeNames));
  if (space != std::string_view::npos) response.message = std::string(line.substr(space + 1));
  response.body = std::string(text.substr(newline + 1));
  return response;
}

std::string StatusTable(const DaemonStatus& status,
                        const std::map<std::string, int, std::less<>>& operator_deltas) {
  std::string out = fmt::format("vrrpd {} pid {}, {} ({} reloads)\n", status.version, status.pid,
                                status.config_file, status.reloads);
  std::vector<std::vector<std::string>> rows = {
      {"INSTANCE", "STATE", "PRIORITY", "INTERFACE", "VRID", "VIPS", "MASTER", "FAULT"}};
  for (const InstanceStatus& s : status.instances) {
    std::string priority = fmt::format("{}/{}", s.priority, s.effective_priority);
    if (auto it = operator_deltas.find(s.name); it != operator_deltas.end() && it->second != 0) {
      priority += fmt::format(" (operator {:+d})", it->second);
    }
    rows.push_back({s.name, std::string(vrrp::RouterStateName(s.state)), priority, s.interface,
                    fmt::format("{}", s.vrid), JoinOr(s.addresses, "-"),
                    s.master ? fmt::format("{}", *s.master) : "-", JoinOr(s.fault_reasons, "-")});
  }
  std::vector<size_t> width(rows[0].size(), 0);
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      // The last column (fault reasons, with spaces) is not padded.
      line += c + 1 < row.size() ? fmt::format("{:<{}}  ", row[c], width[c]) : row[c];
    }
    out += line + "\n";
  }
  for (const auto& [name, script_status] : status.scripts) {
    out += fmt::format("script {} {}\n", name, script_status);
  }
  for (const auto& [name, value] : status.track_files) {
    out += fmt::format("track_file {} {}\n", name, value);
  }
  for (const vrrp::TrackedProcessMetrics& p : status.track_processes) {
    out += fmt::format("track_process {} {} running, quorum {}\n", p.name, p.running,
                       p.up ? "held" : "lost");
  }
  for (const auto& [name, members] : status.sync_groups) {
    out += fmt::format("sync_group {} {}\n", name, absl::StrJoin(members, ","));
  }
  return out;
}

std::string StatsText(const DaemonStatus& status) {
  std::string out;
  for (const InstanceStatus& s : status.instances) {
    const vrrp::RouterStats& st = s.stats;
    out += fmt::format("{}\n", s.name);
    const std::pair<std::string_view, uint64_t> counters[] = {
        {"become_master", st.become_master}, {"release_master", st.release_master},
        {"advert_rcvd", st.advert_rcvd},     {"advert_sent", st.advert_sent},
        {"pri_zero_rcvd", st.pri_zero_rcvd}, {"pri_zero_sent", st.pri_zero_sent},
    };
    for (const auto& [name, value] : counters) out += fmt::format("  {:<22} {}\n", name, value);
    for (size_t i = 1; i < vrrp::kDropReasonCount; ++i) {
      const auto reason = static_cast<vrrp::DropReason>(i);
      out += fmt::format("  drops.{:<16} {}\n", vrrp::DropReasonName(reason), st.drops[reason]);
    }
  }
  return out;
}

}  // namespace vrrpd::control
