#include "scenario.h"

#include <algorithm>
#include <charconv>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "fmt/format.h"
#include "vrrp/ip_address.h"
#include "vrrp/pass_key.h"

namespace vrrp_sim {

const std::string_view kScenarioHelp =
    R"(Scenario files: one statement per line, '#' starts a comment. Times are seconds
since the start ("10", "13.61", "0.5s"). Routers first, then events in time order, then one
`run until` as the last statement. Every router starts (INIT -> BACKUP) at t=0.

  title TEXT                 shown in the header
  seed N                     seeds the packet-loss generator (default 1)
  codec on|off               carry encoded bytes through the codec instead of values
  router NAME OPTION...      NAME: letters, digits, '_', '.', '-'; options:
      address IP             its own (primary) address: required; IPv6 needs a link-local
      vip IP[/LEN][,IP...]   virtual address(es); repeatable; at least one
      vrid N                 1..255 (default 1); routers talk only within one VRID
      priority N             1..255 (default 100; 255 owns the addresses)
      preempt | nopreempt    Preempt_Mode (default preempt)
      preempt_delay SECONDS  keepalived's preempt_delay (default 0)
      interval SECONDS       advert_int (default 1; VRRPv2: whole seconds)
      version 2|3            default 2 for IPv4 (keepalived's default), 3 for IPv6
      down_timer_adverts N   the 3 in Master_Down_Interval (default 3)
      pass KEY               VRRPv2 PASS key: displayed as "auth PASS", never printed
      state MASTER|BACKUP    keepalived's initial state: displayed only (a non-owner always
                             starts as BACKUP, like keepalived)
  t=SECONDS EVENT            one of:
      crash R                silent death (SIGKILL): its VIPs stay on the dead host
      restart R              a fresh process: stale VIPs removed, starts as at t=0
      start R                starts R again after a shutdown
      shutdown R             graceful stop: a MASTER resigns with priority 0
      link down R | link up R      R's link (keepalived's FAULT while down)
      fault R on|off         a tracked check fails / recovers (FAULT, link still up)
      block A->B | unblock A->B    B stops / resumes hearing A (one direction)
      partition A B | C D    blocks both ways between the two groups
      heal                   removes every block
      loss P%                loss on every link; `loss A->B P%` on one direction
      latency SECONDS        latency on every link; `latency A->B SECONDS` on one
      priority R N           R's configured priority becomes N (1..255)
      track R DELTA          tracking weights sum to DELTA (effective priority 1..254)
  run until SECONDS          runs to that time and ends the scenario
)";

namespace {

std::vector<std::string_view> Tokenize(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t' && line[j] != '\r') ++j;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

std::optional<int64_t> ParseInt(std::string_view text) {
  int64_t v = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (!text.empty() && text[0] == '+') ++begin;
  auto [ptr, ec] = std::from_chars(begin, end, v);
  if (ec != std::errc() || ptr != end || begin == end) return std::nullopt;
  return v;
}

bool ValidName(std::string_view name) {
  if (name.empty() || name == "lan") return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) {
                       return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                              (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
                     }) &&
         name.find("->") == std::string_view::npos;
}

// The tokens from `from` on, separated by single spaces (or nothing).
std::string Join(const std::vector<std::string_view>& tokens, size_t from, bool sep = true) {
  std::string out;
  for (size_t i = from; i < tokens.size(); ++i) {
    if (i > from && sep) out += ' ';
    out.append(tokens[i].data(), tokens[i].size());
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

class Parser {
 public:
  explicit Parser(std::string_view file) : file_(file) {}

  absl::StatusOr<Scenario> Parse(std::string_view text) {
    int line_no = 0;
    size_t pos = 0;
    while (pos < text.size()) {
      size_t nl = text.find('\n', pos);
      if (nl == std::string_view::npos) nl = text.size();
      std::string_view line = text.substr(pos, nl - pos);
      pos = nl + 1;
      ++line_no;
      line_ = line_no;
      if (size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
      std::vector<std::string_view> tokens = Tokenize(line);
      if (tokens.empty()) continue;
      if (done_) {
        return Error(fmt::format("nothing may follow `run until` (line {})", run_line_));
      }
      if (absl::Status s = Statement(tokens, line); !s.ok()) return s;
      if (nl == text.size()) break;
    }
    if (!done_) {
      line_ = std::max(line_no, 1);
      return Error("missing `run until SECONDS` at the end of the scenario");
    }
    return std::move(scenario_);
  }

 private:
  absl::Status Error(std::string_view message) const {
    return absl::InvalidArgumentError(fmt::format("{}:{}: {}", file_, line_, message));
  }

  absl::Status Statement(const std::vector<std::string_view>& t, std::string_view line) {
    const std::string_view keyword = t[0];
    if (keyword.substr(0, 2) == "t=") return Event(t);
    if (keyword == "title") {
      if (t.size() < 2) return Error("missing value for title");
      const size_t at = line.find("title") + 5;
      scenario_.title = std::string(Trim(line.substr(at)));
      return absl::OkStatus();
    }
    if (keyword == "seed") {
      if (t.size() != 2) return Error("seed takes one number: seed N");
      std::optional<int64_t> n = ParseInt(t[1]);
      if (!n || *n < 0) return Error(fmt::format("bad number '{}' for seed", t[1]));
      scenario_.seed = static_cast<uint64_t>(*n);
      return absl::OkStatus();
    }
    if (keyword == "codec") {
      if (t.size() != 2 || (t[1] != "on" && t[1] != "off")) return Error("codec takes on or off");
      scenario_.through_codec = t[1] == "on";
      return absl::OkStatus();
    }
    if (keyword == "router") return Router(t);
    if (keyword == "run") return Run(t);
    return Error(fmt::format("unknown keyword '{}'", keyword));
  }

  absl::Status Router(const std::vector<std::string_view>& t) {
    if (!scenario_.events.empty()) {
      return Error("routers must be declared before the first event");
    }
    if (t.size() < 2) return Error("missing router name");
    RouterSpec spec;
    spec.name = std::string(t[1]);
    spec.line = line_;
    if (!ValidName(t[1])) {
      return Error(
          fmt::format("bad router name '{}' (letters, digits, '_', '.', '-'; not 'lan')", t[1]));
    }
    if (std::optional<size_t> other = Find(t[1])) {
      return Error(fmt::format("router {} is already declared at line {}", t[1],
                               scenario_.routers[*other].line));
    }
    vrrp::RouterConfig& c = spec.config;
    c.vrid = 1;
    bool have_address = false;
    std::optional<int> version;
    std::optional<absl::Duration> interval;
    std::string pass;
    for (size_t i = 2; i < t.size(); ++i) {
      const std::string_view key = t[i];
      if (key == "preempt" || key == "nopreempt") {
        c.preempt = key == "preempt";
        continue;
      }
      const bool known = key == "address" || key == "vip" || key == "vrid" || key == "priority" ||
                         key == "preempt_delay" || key == "interval" || key == "version" ||
                         key == "down_timer_adverts" || key == "pass" || key == "state";
      if (!known) return Error(fmt::format("unknown router option '{}'", key));
      if (i + 1 >= t.size()) return Error(fmt::format("missing value for {}", key));
      const std::string_view value = t[++i];
      auto integer = [&](int lo, int hi, int& out) -> absl::Status {
        std::optional<int64_t> n = ParseInt(value);
        if (!n) return Error(fmt::format("bad number '{}' for {}", value, key));
        if (*n < lo || *n > hi) {
          return Error(fmt::format("{} {} is out of range {}..{}", key, *n, lo, hi));
        }
        out = static_cast<int>(*n);
        return absl::OkStatus();
      };
      auto seconds = [&](absl::Duration& out) -> absl::Status {
        std::optional<absl::Duration> d = ParseSeconds(value);
        if (!d) return Error(fmt::format("bad number of seconds '{}' for {}", value, key));
        out = *d;
        return absl::OkStatus();
      };
      absl::Status s;
      if (key == "address") {
        absl::StatusOr<vrrp::IpAddress> ip = vrrp::IpAddress::Parse(value);
        if (!ip.ok()) return Error(fmt::format("bad address '{}'", value));
        c.primary_address = *ip;
        c.family = ip->family();
        have_address = true;
      } else if (key == "vip") {
        size_t start = 0;
        while (start <= value.size()) {
          size_t comma = value.find(',', start);
          if (comma == std::string_view::npos) comma = value.size();
          std::string_view item = value.substr(start, comma - start);
          start = comma + 1;
          absl::StatusOr<vrrp::IpPrefix> ip = vrrp::IpPrefix::Parse(item);
          if (!ip.ok()) {
            return Error(ip.status().code() == absl::StatusCode::kOutOfRange
                             ? fmt::format("bad prefix length in vip '{}'", item)
                             : fmt::format("bad address '{}' for vip", item));
          }
          const int prefix = ip->has_length ? ip->prefix_len : -1;
          c.virtual_addresses.push_back(ip->address);
          spec.prefix_lengths.push_back(prefix);
          if (comma == value.size()) break;
        }
      } else if (key == "vrid") {
        s = integer(1, 255, c.vrid);
      } else if (key == "priority") {
        s = integer(1, 255, c.priority);
      } else if (key == "preempt_delay") {
        s = seconds(c.preempt_delay);
      } else if (key == "interval") {
        absl::Duration d;
        s = seconds(d);
        if (s.ok()) interval = d;
      } else if (key == "version") {
        int v = 0;
        s = integer(2, 3, v);
        if (s.ok()) version = v;
      } else if (key == "down_timer_adverts") {
        s = integer(1, 100, c.down_timer_adverts);
      } else if (key == "pass") {
        pass = std::string(value);
        spec.has_pass = true;
      } else if (key == "state") {
        if (value != "MASTER" && value != "BACKUP") {
          return Error(fmt::format("state must be MASTER or BACKUP, not '{}'", value));
        }
        spec.initial_state = std::string(value);
      }
      if (!s.ok()) return s;
    }
    if (!have_address) {
      return Error(fmt::format("router {}: missing address (its own primary address)", t[1]));
    }
    if (c.virtual_addresses.empty()) {
      return Error(fmt::format("router {}: missing vip (at least one virtual address)", t[1]));
    }
    const int v = version.value_or(c.family == vrrp::Family::kIPv4 ? 2 : 3);
    c.version = v == 2 ? vrrp::Version::kV2 : vrrp::Version::kV3;
    if (interval) {
      const int64_t us = absl::ToInt64Microseconds(*interval);
      if (us % 10'000 != 0) {
        return Error(fmt::format("router {}: interval {} is not a whole number of centiseconds",
                                 t[1], absl::FormatDuration(*interval)));
      }
      c.advert_interval = vrrp::Centiseconds(us / 10'000);
    }
    if (spec.has_pass) {
      if (c.version != vrrp::Version::kV2) {
        return Error(
            fmt::format("router {}: pass is VRRPv2 authentication; version 3 has none", t[1]));
      }
      if (!vrrp::PassKey::Create(pass).ok()) {
        return Error(fmt::format("router {}: pass key is longer than 8 bytes", t[1]));
      }
    }
    if (absl::Status s = vrrp::ValidateRouterConfig(c); !s.ok()) {
      return Error(fmt::format("router {}: {}", t[1], std::string(s.message())));
    }
    for (const RouterSpec& other : scenario_.routers) {
      if (other.config.vrid == c.vrid && other.config.family == c.family &&
          other.config.primary_address == c.primary_address) {
        return Error(fmt::format("router {}: address {} is already {}'s in vrid {}", t[1],
                                 c.primary_address, other.name, c.vrid));
      }
    }
    scenario_.routers.push_back(std::move(spec));
    return absl::OkStatus();
  }

  std::optional<size_t> Find(std::string_view name) const {
    for (size_t i = 0; i < scenario_.routers.size(); ++i) {
      if (scenario_.routers[i].name == name) return i;
    }
    return std::nullopt;
  }

  absl::Status Lookup(std::string_view name, size_t& out) const {
    if (std::optional<size_t> i = Find(Trim(name))) {
      out = *i;
      return absl::OkStatus();
    }
    if (Trim(name).empty()) return Error("missing router name");
    return Error(fmt::format("unknown router {}", Trim(name)));
  }

  // "A->B" written as one token or several ("A -> B").
  absl::Status Direction(std::string_view text, ScriptEvent& e) const {
    const size_t arrow = text.find("->");
    if (arrow == std::string_view::npos) {
      return Error(fmt::format("expected FROM->TO, got '{}'", text));
    }
    size_t from = 0, to = 0;
    if (absl::Status s = Lookup(text.substr(0, arrow), from); !s.ok()) return s;
    if (absl::Status s = Lookup(text.substr(arrow + 2), to); !s.ok()) return s;
    if (from == to) return Error("a direction needs two different routers");
    e.router = from;
    e.peer = to;
    return absl::OkStatus();
  }

  absl::Status Event(const std::vector<std::string_view>& t) {
    if (scenario_.routers.empty()) return Error("an event before any router is declared");
    ScriptEvent e;
    e.line = line_;
    std::optional<absl::Duration> at = ParseSeconds(t[0].substr(2));
    if (!at) return Error(fmt::format("bad time '{}' (expected t=SECONDS)", t[0]));
    e.at = *at;
    if (!scenario_.events.empty() && e.at < scenario_.events.back().at) {
      return Error(fmt::format("time goes backwards: {} comes after t={} (line {})", t[0],
                               absl::ToDoubleSeconds(scenario_.events.back().at),
                               scenario_.events.back().line));
    }
    if (t.size() < 2) return Error(fmt::format("missing event after {}", t[0]));
    const std::string_view what = t[1];
    using Kind = ScriptEvent::Kind;
    // Events of the form "WHAT ROUTER".
    auto one_router = [&](Kind kind) -> absl::Status {
      if (t.size() < 3) return Error(fmt::format("missing router name after {}", what));
      if (t.size() > 3) return Error(fmt::format("unexpected '{}' after {} {}", t[3], what, t[2]));
      e.kind = kind;
      size_t r = 0;
      if (absl::Status s = Lookup(t[2], r); !s.ok()) return s;
      e.router = r;
      return absl::OkStatus();
    };
    absl::Status s;
    if (what == "crash") {
      s = one_router(Kind::kCrash);
    } else if (what == "restart") {
      s = one_router(Kind::kRestart);
    } else if (what == "start") {
      s = one_router(Kind::kStart);
    } else if (what == "shutdown") {
      s = one_router(Kind::kShutdown);
    } else if (what == "link") {
      if (t.size() < 3 || (t[2] != "down" && t[2] != "up")) {
        return Error("expected `link down ROUTER` or `link up ROUTER`");
      }
      if (t.size() < 4) return Error(fmt::format("missing router name after link {}", t[2]));
      if (t.size() > 4)
        return Error(fmt::format("unexpected '{}' after link {} {}", t[4], t[2], t[3]));
      e.kind = t[2] == "down" ? Kind::kLinkDown : Kind::kLinkUp;
      size_t r = 0;
      s = Lookup(t[3], r);
      e.router = r;
    } else if (what == "fault") {
      if (t.size() != 4 || (t[3] != "on" && t[3] != "off")) {
        return Error("expected `fault ROUTER on` or `fault ROUTER off`");
      }
      e.kind = t[3] == "on" ? Kind::kFaultOn : Kind::kFaultOff;
      size_t r = 0;
      s = Lookup(t[2], r);
      e.router = r;
    } else if (what == "block" || what == "unblock") {
      e.kind = what == "block" ? Kind::kBlock : Kind::kUnblock;
      if (t.size() < 3) return Error(fmt::format("missing FROM->TO after {}", what));
      s = Direction(Join(t, 2, /*sep=*/false), e);
    } else if (what == "partition") {
      e.kind = Kind::kPartition;
      std::string rest = Join(t, 2);
      const size_t bar = rest.find('|');
      if (bar == std::string::npos) return Error("expected `partition A B | C D`");
      for (int side = 0; side < 2 && s.ok(); ++side) {
        std::string_view part = side == 0 ? std::string_view(rest).substr(0, bar)
                                          : std::string_view(rest).substr(bar + 1);
        std::vector<size_t>& group = side == 0 ? e.group_a : e.group_b;
        std::string spaced(part);
        std::replace(spaced.begin(), spaced.end(), ',', ' ');
        for (std::string_view name : Tokenize(spaced)) {
          size_t r = 0;
          if (s = Lookup(name, r); !s.ok()) break;
          if (std::find(e.group_a.begin(), e.group_a.end(), r) != e.group_a.end() ||
              std::find(e.group_b.begin(), e.group_b.end(), r) != e.group_b.end()) {
            return Error(fmt::format("router {} appears twice in the partition", name));
          }
          group.push_back(r);
        }
        if (s.ok() && group.empty()) {
          return Error("each side of a partition needs at least one router");
        }
      }
    } else if (what == "heal") {
      e.kind = Kind::kHeal;
      if (t.size() > 2) return Error(fmt::format("unexpected '{}' after heal", t[2]));
    } else if (what == "loss" || what == "latency") {
      e.kind = what == "loss" ? Kind::kLoss : Kind::kLatency;
      if (t.size() < 3) return Error(fmt::format("missing value for {}", what));
      if (t.size() > 3) {
        std::string dir;
        for (size_t i = 2; i + 1 < t.size(); ++i) dir.append(t[i].data(), t[i].size());
        if (s = Direction(dir, e); !s.ok()) return s;
      }
      std::string_view value = t.back();
      if (e.kind == Kind::kLoss) {
        if (!value.empty() && value.back() == '%') value.remove_suffix(1);
        std::optional<absl::Duration> pct = ParseSeconds(value);  // same decimal syntax
        if (!pct || value.empty() || value.back() == 's') {
          return Error(fmt::format("bad percentage '{}' for loss", t.back()));
        }
        e.percent = absl::ToDoubleSeconds(*pct);
        if (e.percent > 100) {
          return Error(fmt::format("loss {}% is out of range 0..100", e.percent));
        }
      } else {
        std::optional<absl::Duration> d = ParseSeconds(value);
        if (!d) return Error(fmt::format("bad number of seconds '{}' for latency", value));
        e.latency = *d;
      }
    } else if (what == "priority" || what == "track") {
      e.kind = what == "priority" ? Kind::kPriority : Kind::kTrack;
      if (t.size() < 4) return Error(fmt::format("expected `{} ROUTER VALUE`", what));
      if (t.size() > 4)
        return Error(fmt::format("unexpected '{}' after {} {} {}", t[4], what, t[2], t[3]));
      size_t r = 0;
      if (s = Lookup(t[2], r); !s.ok()) return s;
      e.router = r;
      std::optional<int64_t> n = ParseInt(t[3]);
      if (!n) return Error(fmt::format("bad number '{}' for {}", t[3], what));
      const int lo = e.kind == Kind::kPriority ? 1 : -254;
      const int hi = e.kind == Kind::kPriority ? 255 : 254;
      if (*n < lo || *n > hi) {
        return Error(fmt::format("{} {} is out of range {}..{}", what, *n, lo, hi));
      }
      e.value = static_cast<int>(*n);
    } else {
      return Error(fmt::format("unknown event '{}'", what));
    }
    if (!s.ok()) return s;
    scenario_.events.push_back(std::move(e));
    return absl::OkStatus();
  }

  absl::Status Run(const std::vector<std::string_view>& t) {
    if (t.size() < 3 || t[1] != "until") return Error("expected `run until SECONDS`");
    if (t.size() > 3) return Error(fmt::format("unexpected '{}' after run until {}", t[3], t[2]));
    if (scenario_.routers.empty()) return Error("no router is declared");
    std::string_view value = t[2];
    if (value.substr(0, 2) == "t=") value.remove_prefix(2);
    std::optional<absl::Duration> until = ParseSeconds(value);
    if (!until) return Error(fmt::format("bad number of seconds '{}' for run until", t[2]));
    if (!scenario_.events.empty() && *until < scenario_.events.back().at) {
      return Error(fmt::format("run until {} is before the last event (line {})", t[2],
                               scenario_.events.back().line));
    }
    scenario_.run_until = *until;
    done_ = true;
    run_line_ = line_;
    return absl::OkStatus();
  }

  std::string_view file_;
  int line_ = 0;
  bool done_ = false;
  int run_line_ = 0;
  Scenario scenario_;
};

}  // namespace

std::optional<absl::Duration> ParseSeconds(std::string_view text) {
  if (!text.empty() && text.back() == 's') text.remove_suffix(1);
  const size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  auto digits = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (whole.empty() || whole.size() > 9 || !digits(whole)) return std::nullopt;
  if (dot != std::string_view::npos && (frac.empty() || frac.size() > 6 || !digits(frac))) {
    return std::nullopt;
  }
  int64_t seconds = 0;
  for (char c : whole) seconds = seconds * 10 + (c - '0');
  int64_t micros = 0;
  for (size_t i = 0; i < 6; ++i) micros = micros * 10 + (i < frac.size() ? frac[i] - '0' : 0);
  return absl::Seconds(seconds) + absl::Microseconds(micros);
}

absl::StatusOr<Scenario> ParseScenario(std::string_view text, std::string_view file) {
  return Parser(file).Parse(text);
}

}  // namespace vrrp_sim
