// keepalived.conf → Configuration, in two passes: the first reads the token stream (includes
// spliced in) into pending records, the second applies global_defs defaults, validates each
// instance and resolves cross-references. Only a fully resolved Configuration leaves; any error
// returns before that, so nothing is ever half-applied.
#include <algorithm>
#include <climits>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "fmt/format.h"
#include "vrrp/config/config.h"
#include "vrrp/pass_key.h"
#include "vrrp/router_config.h"

namespace vrrp::config {
namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerCs = 10000;
// Integers the core validates itself only need to fit in an int on the way.
constexpr int64_t kNoMin = INT_MIN / 2;
constexpr int64_t kNoMax = INT_MAX / 2;
constexpr size_t kMaxTotalBytes = size_t{64} << 20;
// vrrp_priority is a nice value; vrrp_rt_priority a SCHED_RR priority (sched_get_priority_min
// and _max of SCHED_RR on Linux); vrrp_rlimit_rttime microseconds, as far as keepalived reads.
constexpr int kMinNice = -20;
constexpr int kMaxNice = 19;
constexpr int kMinRtPriority = 1;
constexpr int kMaxRtPriority = 99;
constexpr int64_t kMaxRlimitRttime = UINT32_MAX;

struct Token {
  std::string text;
  int file = 0;
  int line = 0;
  bool quoted = false;
  bool IsOpen() const { return !quoted && text == "{"; }
  bool IsClose() const { return !quoted && text == "}"; }
  bool IsBrace() const { return IsOpen() || IsClose(); }
};

absl::string_view AbslView(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// keepalived keywords we accept without acting on them (logged as ignored, never an error).
const std::set<std::string_view>& IgnoredGlobalKeywords() {
  static const auto* const kSet = new std::set<std::string_view>{
      "notification_email",
      "notification_email_from",
      "smtp_server",
      "smtp_helo_name",
      "smtp_connect_timeout",
      "smtp_alert",
      "smtp_alert_vrrp",
      "enable_traps",
      "enable_snmp_vrrp",
      "enable_snmp_keepalived",
      "enable_snmp_rfcv2",
      "enable_snmp_rfcv3",
      "enable_snmp_checker",
      "snmp_socket",
      "lvs_id",
      "vrrp_skip_check_adv_addr",
      "vrrp_garp_interval",
      "vrrp_gna_interval",
      "vrrp_iptables",
      "vrrp_ipsets",
      "vrrp_nftables",
      "dynamic_interfaces",
      "max_auto_priority",
      // The checker (LVS) and BFD processes' twins of vrrp_priority and the rest: vrrpd runs
      // neither process.
      "checker_priority",
      "checker_rt_priority",
      "checker_rlimit_rttime",
      "checker_rlimit_rtime",
      "checker_no_swap",
      "bfd_priority",
      "bfd_rt_priority",
      "bfd_rlimit_rttime",
      "bfd_rlimit_rtime",
      "bfd_no_swap",
      "vrrp_notify_fifo",
      "vrrp_notify_fifo_script",
      "notify_fifo",
      "notify_fifo_script",
      "vrrp_check_unicast_src",
      "vrrp_lower_prio_no_advert",
      "vrrp_higher_prio_send_advert",
      "vrrp_rx_bufs_policy",
      "vrrp_rx_bufs_multiplier",
      "vrrp_garp_lower_prio_delay",
      "vrrp_garp_lower_prio_repeat",
      "vrrp_min_garp",
      "vrrp_startup_delay",
      "vrrp_dont_track_primary",
      "vrrp_netlink_cmd_rcv_bufs",
      "vrrp_netlink_monitor_rcv_bufs",
      "umask",
      "instance",
      "net_namespace",
      "uid",
      "gid",
      "script_security",
      "router_id_from_hostname",
      "lvs_timeouts",
      "lvs_flush",
      "lvs_sync_daemon",
  };
  return *kSet;
}

const std::set<std::string_view>& IgnoredInstanceKeywords() {
  static const auto* const kSet = new std::set<std::string_view>{
      "use_vmac",
      "vmac_xmit_base",
      "use_ipvlan",
      "dont_track_primary",
      "smtp_alert",
      "lvs_sync_daemon_interface",
      "native_ipv6",
      "virtual_routes",
      "virtual_rules",
      "notify_master_rx_lower_pri",
      "track_file",
      "track_process",
      "track_bfd",
      "debug",
      "skip_check_adv_addr",
      "strict_mode",
      "garp_lower_prio_delay",
      "garp_lower_prio_repeat",
      "lower_prio_no_advert",
      "higher_prio_send_advert",
      "promote_secondaries",
      "linkbeat_use_polling",
      "kernel_rx_buf_size",
      "unicast_ttl",
      "old_unicast_checksum",
      "check_unicast_src",
      "notify_deleted",
  };
  return *kSet;
}

const std::set<std::string_view>& IgnoredTopKeywords() {
  static const auto* const kSet = new std::set<std::string_view>{
      "virtual_server", "virtual_server_group", "static_ipaddress", "static_routes",
      "static_rules",   "vrrp_track_process",   "vrrp_track_file",  "linkbeat_interfaces",
      "garp_group",     "bfd_instance",         "net_namespace",    "instance",
      "use_pid_dir",    "include_check",
  };
  return *kSet;
}

struct PendingAddress {
  Location where;
  IpAddress ip;
  uint8_t prefix_len = 32;
  std::string dev;
  std::string label;
  AddressScope scope = AddressScope::kGlobal;
  std::optional<IpAddress> brd;
  bool brd_plus = false;
  bool noprefixroute = false;
  bool dad = false;
};

struct PendingInstance {
  VrrpInstance vi;
  std::optional<int> vrid;
  std::optional<int64_t> advert_us;
  std::optional<Version> version;
  bool auth_given = false;
  AuthType auth_type = AuthType::kNone;
  std::string pass;
  std::optional<absl::Duration> garp_delay;
  std::optional<int> garp_repeat;
  std::optional<absl::Duration> garp_refresh;
  std::optional<int> garp_refresh_repeat;
  std::optional<bool> accept;
  std::vector<PendingAddress> vips;
  std::vector<PendingAddress> excluded;
};

class Parser {
 public:
  Parser(const ParseOptions& options, FileSource& files) : options_(options), files_(files) {}

  absl::StatusOr<Configuration> Run(std::string_view text, const std::string& file_name) {
    file_names_.push_back(file_name);
    stack_.push_back(files_.Identity(file_name));
    if (absl::Status s = Tokenize(text, 0, 0); !s.ok()) return s;
    stack_.pop_back();
    while (!AtEnd()) {
      if (absl::Status s = TopStatement(); !s.ok()) return s;
    }
    if (absl::Status s = Resolve(); !s.ok()) return s;
    return std::move(conf_);
  }

 private:
  // ---- Locations, errors, warnings ----
  Location Where(const Token& t) const { return Location{file_names_[t.file], t.line}; }
  absl::Status ErrorAt(const Location& where, std::string_view message) const {
    return absl::InvalidArgumentError(fmt::format("{}: {}", ToString(where), message));
  }
  absl::Status Error(const Token& t, std::string_view message) const {
    return ErrorAt(Where(t), message);
  }
  void Warn(const Location& where, std::string message) {
    conf_.warnings.push_back(Warning{where, std::move(message)});
  }
  void Warn(const Token& t, std::string message) { Warn(Where(t), std::move(message)); }

  // ---- Lexing ----
  absl::Status Tokenize(std::string_view text, int file, int depth) {
    // Includes can repeat a file without a cycle (a diamond); this bounds what that can cost.
    total_bytes_ += text.size();
    if (total_bytes_ > kMaxTotalBytes) {
      return ErrorAt(Location{file_names_[file], 1},
                     fmt::format("the configuration with its includes is larger than {} MiB",
                                 kMaxTotalBytes >> 20));
    }
    int line = 0;
    size_t start = 0;
    while (start <= text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      ++line;
      std::vector<Token> tokens;
      if (absl::Status s = TokenizeLine(text.substr(start, end - start), file, line, tokens);
          !s.ok()) {
        return s;
      }
      if (!tokens.empty() && !tokens[0].quoted && tokens[0].text == "include") {
        if (absl::Status s = Include(tokens, depth); !s.ok()) return s;
      } else {
        for (Token& t : tokens) tokens_.push_back(std::move(t));
      }
      if (end == text.size()) break;
      start = end + 1;
    }
    return absl::OkStatus();
  }

  absl::Status TokenizeLine(std::string_view line_text, int file, int line,
                            std::vector<Token>& out) const {
    auto is_space = [](char c) {
      return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
    };
    size_t i = 0;
    while (i < line_text.size()) {
      const char c = line_text[i];
      if (is_space(c)) {
        ++i;
      } else if (c == '#' || c == '!') {
        return absl::OkStatus();  // a comment runs to the end of the line
      } else if (c == '{' || c == '}') {
        out.push_back(Token{std::string(1, c), file, line, false});
        ++i;
      } else if (c == '"') {
        const size_t close = line_text.find('"', i + 1);
        if (close == std::string_view::npos) {
          return ErrorAt(Location{file_names_[file], line}, "unterminated quoted string");
        }
        out.push_back(Token{std::string(line_text.substr(i + 1, close - i - 1)), file, line, true});
        i = close + 1;
      } else {
        size_t j = i;
        while (j < line_text.size() && !is_space(line_text[j]) && line_text[j] != '{' &&
               line_text[j] != '}' && line_text[j] != '"' && line_text[j] != '#' &&
               line_text[j] != '!') {
          ++j;
        }
        out.push_back(Token{std::string(line_text.substr(i, j - i)), file, line, false});
        i = j;
      }
    }
    return absl::OkStatus();
  }

  absl::Status Include(const std::vector<Token>& tokens, int depth) {
    const Token& kw = tokens[0];
    if (tokens.size() < 2 || tokens[1].IsBrace()) return Error(kw, "include needs a file name");
    if (tokens.size() > 2) Warn(tokens[2], "extra words after the include file name are ignored");
    std::string pattern = tokens[1].text;
    if (pattern.empty()) return Error(kw, "include needs a file name");
    // Relative to the including file's directory, as keepalived resolves it.
    if (pattern[0] != '/') {
      const std::string& including = file_names_[kw.file];
      const size_t slash = including.rfind('/');
      if (slash != std::string::npos) pattern = including.substr(0, slash + 1) + pattern;
    }
    absl::StatusOr<std::vector<std::string>> paths = files_.Glob(pattern);
    if (!paths.ok())
      return Error(kw,
                   fmt::format("include {}: {}", pattern, std::string(paths.status().message())));
    if (paths->empty()) {
      Warn(kw, fmt::format("include {} matches no file", pattern));
      return absl::OkStatus();
    }
    for (const std::string& path : *paths) {
      const std::string identity = files_.Identity(path);
      if (std::find(stack_.begin(), stack_.end(), identity) != stack_.end()) {
        std::string chain;
        for (const std::string& f : stack_) chain += f + " -> ";
        return Error(kw, fmt::format("include cycle: {}{}", chain, identity));
      }
      if (depth + 1 > options_.max_include_depth) {
        return Error(kw, fmt::format("include {}: more than {} nested includes", path,
                                     options_.max_include_depth));
      }
      absl::StatusOr<std::string> text = files_.Read(path);
      if (!text.ok()) {
        return Error(kw, fmt::format("include {}: {}", path, std::string(text.status().message())));
      }
      file_names_.push_back(path);
      stack_.push_back(identity);
      if (absl::Status s = Tokenize(*text, static_cast<int>(file_names_.size() - 1), depth + 1);
          !s.ok()) {
        return s;
      }
      stack_.pop_back();
    }
    return absl::OkStatus();
  }

  // ---- Token stream ----
  bool AtEnd() const { return pos_ >= tokens_.size(); }
  const Token& Peek() const { return tokens_[pos_]; }
  const Token& Next() { return tokens_[pos_++]; }
  // Another value follows `t` on its line (not a brace).
  bool HasValue(const Token& t) const {
    return !AtEnd() && Peek().file == t.file && Peek().line == t.line && !Peek().IsBrace();
  }
  const Token* Value(const Token& kw) { return HasValue(kw) ? &Next() : nullptr; }
  absl::Status NeedsValue(const Token& kw) const {
    return Error(kw, fmt::format("{} needs a value", kw.text));
  }
  std::vector<const Token*> RestOfLine(const Token& kw) {
    std::vector<const Token*> values;
    while (HasValue(kw)) values.push_back(&Next());
    return values;
  }

  absl::Status OpenBlock(const Token& kw, std::string_view what) {
    if (AtEnd() || !Peek().IsOpen()) {
      return Error(AtEnd() ? kw : Peek(), fmt::format("expected '{{' after {}", what));
    }
    ++pos_;
    return absl::OkStatus();
  }

  // Runs `statement` on each keyword of a block whose '{' was just read, through its '}'.
  template <typename F>
  absl::Status Body(const Token& opener, std::string_view what, F statement) {
    while (true) {
      if (AtEnd()) {
        return Error(opener, fmt::format("{} block is not closed (missing '}}')", what));
      }
      const Token& t = Next();
      if (t.IsClose()) return absl::OkStatus();
      if (t.IsOpen()) return Error(t, "unexpected '{'");
      if (absl::Status s = statement(t); !s.ok()) return s;
    }
  }

  // Skips what follows an unknown or ignored keyword: its values, and its block if it has one.
  absl::Status Skip(const Token& kw) {
    RestOfLine(kw);
    if (AtEnd() || !Peek().IsOpen()) return absl::OkStatus();
    const Token& open = Next();
    int depth = 1;
    while (depth > 0) {
      if (AtEnd())
        return Error(open, fmt::format("{} block is not closed (missing '}}')", kw.text));
      const Token& t = Next();
      if (t.IsOpen()) ++depth;
      if (t.IsClose()) --depth;
    }
    return absl::OkStatus();
  }

  absl::Status Unknown(const Token& kw, std::string_view where) {
    if (options_.strict)
      return Error(kw, fmt::format("unknown keyword '{}' in {}", kw.text, where));
    Warn(kw, fmt::format("unknown keyword '{}' in {} is ignored", kw.text, where));
    return Skip(kw);
  }
  absl::Status Ignored(const Token& kw) {
    Warn(kw, fmt::format("'{}' is not supported and is ignored", kw.text));
    return Skip(kw);
  }

  // ---- Values ----
  absl::StatusOr<int> Int(const Token& kw, int64_t lo = kNoMin, int64_t hi = kNoMax) {
    absl::StatusOr<int64_t> n = Int64(kw, lo, hi);
    if (!n.ok()) return n.status();
    return static_cast<int>(*n);
  }

  // Int() for the few values beyond an int (RLIMIT_RTTIME's microseconds).
  absl::StatusOr<int64_t> Int64(const Token& kw, int64_t lo, int64_t hi) {
    const Token* v = Value(kw);
    if (v == nullptr) return NeedsValue(kw);
    int64_t n = 0;
    if (!absl::SimpleAtoi(AbslView(v->text), &n)) {
      return Error(*v, fmt::format("{} '{}' is not an integer", kw.text, v->text));
    }
    if (n < lo || n > hi) {
      if (lo == kNoMin && hi == kNoMax) {
        // The keyword's own range is the validator's to state; this is only beyond int.
        return Error(*v, fmt::format("{} {} is far out of range", kw.text, n));
      }
      return Error(*v, fmt::format("{} {} is out of range {}..{}", kw.text, n, lo, hi));
    }
    return n;
  }

  // keepalived's <TIMER>: seconds with an optional fraction, kept here in microseconds.
  absl::StatusOr<int64_t> Timer(const Token& kw) {
    const Token* v = Value(kw);
    if (v == nullptr) return NeedsValue(kw);
    const std::string& s = v->text;
    auto bad = [&] {
      return Error(*v, fmt::format("{} '{}' is not a time in seconds", kw.text, s));
    };
    int64_t whole = 0;
    int64_t frac = 0;
    size_t i = 0;
    bool digits = false;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      whole = whole * 10 + (s[i] - '0');
      digits = true;
      if (whole > 100000000) return bad();
    }
    if (i < s.size() && s[i] == '.') {
      int64_t scale = kMicrosPerSecond / 10;
      for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
        frac += (s[i] - '0') * scale;  // finer than a microsecond is dropped
        scale /= 10;
        digits = true;
      }
    }
    if (!digits || i != s.size()) return bad();
    return whole * kMicrosPerSecond + frac;
  }

  absl::StatusOr<absl::Duration> Seconds(const Token& kw) {
    absl::StatusOr<int64_t> us = Timer(kw);
    if (!us.ok()) return us.status();
    return absl::Microseconds(*us);
  }

  absl::StatusOr<IpAddress> Address(const Token& kw) {
    const Token* v = Value(kw);
    if (v == nullptr) return NeedsValue(kw);
    absl::StatusOr<IpAddress> ip = IpAddress::Parse(v->text);
    if (!ip.ok()) return Error(*v, fmt::format("{} '{}' is not an IP address", kw.text, v->text));
    return *ip;
  }

  absl::StatusOr<Command> ReadCommand(const Token& kw) {
    const Token* v = Value(kw);
    if (v == nullptr) return NeedsValue(kw);
    Command cmd{Where(kw), v->text, "", ""};
    std::vector<const Token*> rest = RestOfLine(kw);
    if (!rest.empty()) cmd.user = rest[0]->text;
    if (rest.size() > 1) cmd.group = rest[1]->text;
    if (rest.size() > 2) {
      Warn(*rest[2], fmt::format("{}: words after the user and group are ignored (quote a "
                                 "command that has arguments)",
                                 kw.text));
    }
    if (cmd.command.empty()) return Error(kw, fmt::format("{} needs a command", kw.text));
    return cmd;
  }

  // notify_* keywords shared by instances and sync groups; false when `kw` is not one.
  absl::StatusOr<bool> Notify(const Token& kw, NotifyCommands& notify) {
    std::optional<Command>* slot = nullptr;
    if (kw.text == "notify_master") slot = &notify.master;
    if (kw.text == "notify_backup") slot = &notify.backup;
    if (kw.text == "notify_fault") slot = &notify.fault;
    if (kw.text == "notify_stop") slot = &notify.stop;
    if (kw.text == "notify") slot = &notify.notify;
    if (slot == nullptr) return false;
    absl::StatusOr<Command> cmd = ReadCommand(kw);
    if (!cmd.ok()) return cmd.status();
    *slot = *std::move(cmd);
    return true;
  }

  // ---- Top level ----
  absl::Status TopStatement() {
    const Token& kw = Next();
    if (kw.IsClose()) return Error(kw, "unexpected '}' (no block is open)");
    if (kw.IsOpen()) return Error(kw, "unexpected '{'");
    if (kw.text == "global_defs") return GlobalDefsBlock(kw);
    if (kw.text == "vrrp_instance") return InstanceBlock(kw);
    if (kw.text == "vrrp_script") return ScriptBlock(kw);
    if (kw.text == "vrrp_sync_group") return SyncGroupBlock(kw);
    if (IgnoredTopKeywords().count(kw.text) != 0) return Ignored(kw);
    return Unknown(kw, "the top level");
  }

  absl::StatusOr<const Token*> Name(const Token& kw) {
    const Token* name = Value(kw);
    if (name == nullptr || name->text.empty()) {
      return Error(kw, fmt::format("{} needs a name", kw.text));
    }
    return name;
  }

  absl::Status GlobalDefsBlock(const Token& kw) {
    if (conf_.global.where.line == 0) conf_.global.where = Where(kw);
    if (absl::Status s = OpenBlock(kw, "global_defs"); !s.ok()) return s;
    GlobalDefs& g = conf_.global;
    return Body(kw, "global_defs", [&](const Token& t) -> absl::Status {
      const std::string& k = t.text;
      global_locations_[k] = Where(t);
      if (k == "router_id") {
        const Token* v = Value(t);
        if (v == nullptr) return NeedsValue(t);
        g.router_id = v->text;
      } else if (k == "vrrp_version") {
        absl::StatusOr<int> v = Int(t, 2, 3);
        if (!v.ok()) return v.status();
        g.vrrp_version = *v == 2 ? Version::kV2 : Version::kV3;
        global_version_set_ = true;
      } else if (k == "vrrp_mcast_group4" || k == "vrrp_mcast_group6") {
        absl::StatusOr<IpAddress> ip = Address(t);
        if (!ip.ok()) return ip.status();
        const bool v4 = k == "vrrp_mcast_group4";
        if (ip->is_v4() != v4 || !ip->IsMulticast()) {
          return Error(
              t, fmt::format("{} {} is not an {} multicast address", k, *ip, v4 ? "IPv4" : "IPv6"));
        }
        (v4 ? g.mcast_group4 : g.mcast_group6) = *ip;
      } else if (k == "vrrp_garp_master_delay") {
        absl::StatusOr<absl::Duration> d = Seconds(t);
        if (!d.ok()) return d.status();
        g.garp_master_delay = *d;
      } else if (k == "vrrp_garp_master_repeat") {
        absl::StatusOr<int> v = Int(t);
        if (!v.ok()) return v.status();
        g.garp_master_repeat = *v;
      } else if (k == "vrrp_garp_master_refresh") {
        absl::StatusOr<absl::Duration> d = Seconds(t);
        if (!d.ok()) return d.status();
        g.garp_master_refresh = *d;
      } else if (k == "vrrp_garp_master_refresh_repeat") {
        absl::StatusOr<int> v = Int(t);
        if (!v.ok()) return v.status();
        g.garp_master_refresh_repeat = *v;
      } else if (k == "script_user") {
        const Token* v = Value(t);
        if (v == nullptr) return NeedsValue(t);
        g.script_user = v->text;
        if (const Token* group = Value(t)) g.script_group = group->text;
      } else if (k == "enable_script_security") {
        g.enable_script_security = true;
      } else if (k == "vrrp_strict") {
        g.vrrp_strict = true;
      } else if (k == "vrrp_priority") {
        absl::StatusOr<int> v = Int(t, kMinNice, kMaxNice);
        if (!v.ok()) return v.status();
        g.vrrp_priority = *v;
      } else if (k == "vrrp_rt_priority") {
        absl::StatusOr<int> v = Int(t, kMinRtPriority, kMaxRtPriority);
        if (!v.ok()) return v.status();
        g.vrrp_rt_priority = *v;
      } else if (k == "vrrp_rlimit_rttime" || k == "vrrp_rlimit_rtime") {
        if (k == "vrrp_rlimit_rtime") {
          Warn(t, "'vrrp_rlimit_rtime' is deprecated, use 'vrrp_rlimit_rttime'");
          global_locations_["vrrp_rlimit_rttime"] = Where(t);
        }
        absl::StatusOr<int64_t> v = Int64(t, 1, kMaxRlimitRttime);
        if (!v.ok()) return v.status();
        g.vrrp_rlimit_rttime = *v;
      } else if (k == "vrrp_no_swap") {
        g.vrrp_no_swap = true;
      } else if (IgnoredGlobalKeywords().count(k) != 0) {
        return Ignored(t);
      } else {
        return Unknown(t, "global_defs");
      }
      return absl::OkStatus();
    });
  }

  absl::Status ScriptBlock(const Token& kw) {
    absl::StatusOr<const Token*> name = Name(kw);
    if (!name.ok()) return name.status();
    for (const VrrpScript& other : conf_.scripts) {
      if (other.name == (*name)->text) {
        return Error(kw, fmt::format("vrrp_script {} is already defined at {}", other.name,
                                     ToString(other.where)));
      }
    }
    VrrpScript script;
    script.where = Where(kw);
    script.name = (*name)->text;
    bool timeout_set = false;
    if (absl::Status s = OpenBlock(kw, "vrrp_script " + script.name); !s.ok()) return s;
    absl::Status s = Body(kw, "vrrp_script " + script.name, [&](const Token& t) -> absl::Status {
      const std::string& k = t.text;
      if (k == "script") {
        // The rest of the line is the command, so that an unquoted `script pgrep nginx` works.
        std::vector<const Token*> words = RestOfLine(t);
        if (words.empty()) return NeedsValue(t);
        script.script.where = Where(t);
        script.script.command.clear();
        for (const Token* w : words) {
          if (!script.script.command.empty()) script.script.command += ' ';
          script.script.command += w->text;
        }
      } else if (k == "interval" || k == "timeout") {
        absl::StatusOr<int64_t> us = Timer(t);
        if (!us.ok()) return us.status();
        if (*us <= 0) return Error(t, fmt::format("{} must be more than 0 seconds", k));
        (k == "interval" ? script.interval : script.timeout) = absl::Microseconds(*us);
        if (k == "timeout") timeout_set = true;
      } else if (k == "weight") {
        absl::StatusOr<int> w = Int(t, -253, 253);
        if (!w.ok()) return w.status();
        script.weight = *w;
        if (HasValue(t) && Peek().text == "reverse") {
          ++pos_;
          script.reverse = true;
        }
      } else if (k == "rise" || k == "fall") {
        absl::StatusOr<int> n = Int(t, 1, 1000000);
        if (!n.ok()) return n.status();
        (k == "rise" ? script.rise : script.fall) = *n;
      } else if (k == "user") {
        const Token* v = Value(t);
        if (v == nullptr) return NeedsValue(t);
        script.user = v->text;
        if (const Token* group = Value(t)) script.group = group->text;
      } else if (k == "init_fail") {
        script.init_fail = true;
      } else {
        return Unknown(t, "vrrp_script");
      }
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    if (script.script.command.empty()) {
      return Error(kw, fmt::format("vrrp_script {} has no script", script.name));
    }
    if (!timeout_set) script.timeout = script.interval;
    conf_.scripts.push_back(std::move(script));
    return absl::OkStatus();
  }

  absl::Status SyncGroupBlock(const Token& kw) {
    absl::StatusOr<const Token*> name = Name(kw);
    if (!name.ok()) return name.status();
    for (const SyncGroup& other : conf_.sync_groups) {
      if (other.name == (*name)->text) {
        return Error(kw, fmt::format("vrrp_sync_group {} is already defined at {}", other.name,
                                     ToString(other.where)));
      }
    }
    SyncGroup group;
    group.where = Where(kw);
    group.name = (*name)->text;
    const std::string what = "vrrp_sync_group " + group.name;
    if (absl::Status s = OpenBlock(kw, what); !s.ok()) return s;
    absl::Status s = Body(kw, what, [&](const Token& t) -> absl::Status {
      if (t.text == "group") {
        if (absl::Status o = OpenBlock(t, "group"); !o.ok()) return o;
        return Body(t, "group", [&](const Token& member) -> absl::Status {
          group.instances.push_back(member.text);
          member_locations_.push_back({group.name, member.text, Where(member)});
          return absl::OkStatus();
        });
      }
      absl::StatusOr<bool> notify = Notify(t, group.notify);
      if (!notify.ok()) return notify.status();
      if (*notify) return absl::OkStatus();
      if (t.text == "sync_group_tracking_weight" || t.text == "global_tracking") {
        group.tracking_weight = true;
        return absl::OkStatus();
      }
      if (t.text == "smtp_alert" || t.text == "track_interface" || t.text == "track_script" ||
          t.text == "track_file" || t.text == "notify_priority_changes") {
        return Ignored(t);
      }
      return Unknown(t, "vrrp_sync_group");
    });
    if (!s.ok()) return s;
    conf_.sync_groups.push_back(std::move(group));
    return absl::OkStatus();
  }

  // One virtual_ipaddress entry: ADDR[/PREFIX] followed by its options on the same line.
  absl::Status AddressEntry(const Token& t, std::vector<PendingAddress>& out,
                            std::string_view block) {
    PendingAddress a;
    a.where = Where(t);
    std::string_view text = t.text;
    const size_t slash = text.find('/');
    absl::StatusOr<IpAddress> ip = IpAddress::Parse(text.substr(0, slash));
    if (!ip.ok()) {
      return Error(t, fmt::format("{}: '{}' is not an address", block, t.text));
    }
    a.ip = *ip;
    const int max_prefix = ip->is_v4() ? 32 : 128;
    a.prefix_len = static_cast<uint8_t>(max_prefix);  // a host address, as `ip addr add`
    if (slash != std::string_view::npos) {
      int prefix = -1;
      std::string_view p = text.substr(slash + 1);
      if (!absl::SimpleAtoi(AbslView(p), &prefix) || prefix < 0 || prefix > max_prefix) {
        return Error(t, fmt::format("{}: prefix length '{}' of {} is out of range 0..{}", block, p,
                                    *ip, max_prefix));
      }
      a.prefix_len = static_cast<uint8_t>(prefix);
    }
    while (HasValue(t)) {
      const std::string& opt = Peek().text;
      if (opt == "noprefixroute") {
        a.noprefixroute = true;
        ++pos_;
      } else if (opt == "-nodad" || opt == "nodad") {
        a.dad = false;
        ++pos_;
      } else if (opt == "home" || opt == "autojoin") {
        Warn(Peek(), fmt::format("{}: '{}' is not supported and is ignored", block, opt));
        ++pos_;
      } else if (opt == "dev" || opt == "label" || opt == "scope" || opt == "brd" ||
                 opt == "broadcast") {
        const Token& option = Next();
        const Token* v = Value(t);
        if (v == nullptr) return Error(option, fmt::format("{}: {} needs a value", block, opt));
        if (opt == "dev") {
          a.dev = v->text;
        } else if (opt == "label") {
          a.label = v->text;
        } else if (opt == "scope") {
          if (v->text == "global") {
            a.scope = AddressScope::kGlobal;
          } else if (v->text == "site") {
            a.scope = AddressScope::kSite;
          } else if (v->text == "link") {
            a.scope = AddressScope::kLink;
          } else if (v->text == "host") {
            a.scope = AddressScope::kHost;
          } else {
            return Error(*v, fmt::format("{}: scope '{}' is not global, site, link or host", block,
                                         v->text));
          }
        } else if (v->text == "+") {
          a.brd_plus = true;
        } else {
          absl::StatusOr<IpAddress> brd = IpAddress::Parse(v->text);
          if (!brd.ok()) {
            return Error(*v, fmt::format("{}: brd '{}' is not an address", block, v->text));
          }
          a.brd = *brd;
        }
      } else {
        // Not an option: the next address of a line that holds several.
        if (!IpAddress::Parse(std::string_view(opt).substr(0, opt.find('/'))).ok()) {
          return Error(Peek(),
                       fmt::format("{}: '{}' is neither an address nor an option", block, opt));
        }
        break;
      }
    }
    out.push_back(std::move(a));
    return absl::OkStatus();
  }

  absl::Status AddressBlock(const Token& kw, std::vector<PendingAddress>& out) {
    if (absl::Status s = OpenBlock(kw, kw.text); !s.ok()) return s;
    return Body(kw, kw.text, [&](const Token& t) { return AddressEntry(t, out, kw.text); });
  }

  absl::Status InstanceBlock(const Token& kw) {
    absl::StatusOr<const Token*> name = Name(kw);
    if (!name.ok()) return name.status();
    for (const PendingInstance& other : pending_) {
      if (other.vi.config.name == (*name)->text) {
        return Error(kw, fmt::format("vrrp_instance {} is already defined at {}",
                                     other.vi.config.name, ToString(other.vi.where)));
      }
    }
    PendingInstance p;
    p.vi.where = Where(kw);
    p.vi.config.name = (*name)->text;
    const std::string what = "vrrp_instance " + p.vi.config.name;
    if (absl::Status s = OpenBlock(kw, what); !s.ok()) return s;
    VrrpInstance& vi = p.vi;
    InstanceExtras& x = vi.extras;
    RouterConfig& r = vi.config.router;
    absl::Status s = Body(kw, what, [&](const Token& t) -> absl::Status {
      const std::string& k = t.text;
      vi.locations[k] = Where(t);
      if (k == "state") {
        const Token* v = Value(t);
        if (v == nullptr) return NeedsValue(t);
        if (v->text == "MASTER") {
          x.state = InitialState::kMaster;
        } else if (v->text == "BACKUP") {
          x.state = InitialState::kBackup;
        } else {
          return Error(*v, fmt::format("state '{}' is not MASTER or BACKUP", v->text));
        }
        x.state_configured = true;
      } else if (k == "interface") {
        const Token* v = Value(t);
        if (v == nullptr) return NeedsValue(t);
        if (v->text.empty() || v->text.size() > kMaxInterfaceNameLength) {
          return Error(*v, fmt::format("interface name '{}' is not 1..{} characters", v->text,
                                       kMaxInterfaceNameLength));
        }
        x.interface = v->text;
      } else if (k == "virtual_router_id") {
        absl::StatusOr<int> v = Int(t);
        if (!v.ok()) return v.status();
        p.vrid = *v;
      } else if (k == "priority") {
        absl::StatusOr<int> v = Int(t);
        if (!v.ok()) return v.status();
        r.priority = *v;
      } else if (k == "advert_int") {
        absl::StatusOr<int64_t> us = Timer(t);
        if (!us.ok()) return us.status();
        p.advert_us = *us;
      } else if (k == "version") {
        absl::StatusOr<int> v = Int(t, 2, 3);
        if (!v.ok()) return v.status();
        p.version = *v == 2 ? Version::kV2 : Version::kV3;
      } else if (k == "authentication") {
        p.auth_given = true;
        if (absl::Status o = OpenBlock(t, "authentication"); !o.ok()) return o;
        return Body(t, "authentication", [&](const Token& a) -> absl::Status {
          vi.locations[a.text] = Where(a);
          const Token* v = Value(a);
          if (a.text == "auth_type") {
            if (v == nullptr) return NeedsValue(a);
            if (v->text == "PASS") {
              p.auth_type = AuthType::kPass;
            } else if (v->text == "AH") {
              p.auth_type = AuthType::kAh;
            } else {
              return Error(*v, fmt::format("auth_type '{}' is not PASS or AH", v->text));
            }
          } else if (a.text == "auth_pass") {
            if (v == nullptr) return NeedsValue(a);
            p.pass = v->text;
            if (p.pass.size() > PassKey::kSize) {
              // keepalived keeps the first 8 characters, and so does the wire field
              // (RFC 2338 §5.3.6.2).
              p.pass.resize(PassKey::kSize);
              Warn(a, fmt::format("auth_pass is longer than {} characters, truncated to its "
                                  "first {}",
                                  PassKey::kSize, PassKey::kSize));
            }
          } else {
            return Unknown(a, "authentication");
          }
          return absl::OkStatus();
        });
      } else if (k == "virtual_ipaddress") {
        return AddressBlock(t, p.vips);
      } else if (k == "virtual_ipaddress_excluded") {
        return AddressBlock(t, p.excluded);
      } else if (k == "nopreempt") {
        r.preempt = false;
      } else if (k == "preempt") {
        r.preempt = true;
      } else if (k == "preempt_delay") {
        absl::StatusOr<absl::Duration> d = Seconds(t);
        if (!d.ok()) return d.status();
        r.preempt_delay = *d;
      } else if (k == "unicast_src_ip" || k == "mcast_src_ip") {
        absl::StatusOr<IpAddress> ip = Address(t);
        if (!ip.ok()) return ip.status();
        x.source = *ip;
        vi.locations["source"] = Where(t);
      } else if (k == "unicast_peer") {
        if (absl::Status o = OpenBlock(t, "unicast_peer"); !o.ok()) return o;
        return Body(t, "unicast_peer", [&](const Token& a) -> absl::Status {
          absl::StatusOr<IpAddress> ip = IpAddress::Parse(a.text);
          if (!ip.ok()) return Error(a, fmt::format("unicast_peer '{}' is not an address", a.text));
          x.unicast_peers.push_back(*ip);
          while (HasValue(a) && (Peek().text == "min_ttl" || Peek().text == "max_ttl")) {
            Warn(Next(), "unicast_peer: min_ttl / max_ttl are not supported and are ignored");
            if (HasValue(a)) ++pos_;
          }
          return absl::OkStatus();
        });
      } else if (k == "accept") {
        p.accept = true;
      } else if (k == "no_accept") {
        p.accept = false;
      } else if (k == "garp_master_delay" || k == "garp_master_refresh") {
        absl::StatusOr<absl::Duration> d = Seconds(t);
        if (!d.ok()) return d.status();
        (k == "garp_master_delay" ? p.garp_delay : p.garp_refresh) = *d;
      } else if (k == "garp_master_repeat" || k == "garp_master_refresh_repeat") {
        absl::StatusOr<int> v = Int(t);
        if (!v.ok()) return v.status();
        (k == "garp_master_repeat" ? p.garp_repeat : p.garp_refresh_repeat) = *v;
      } else if (k == "down_timer_adverts") {
        absl::StatusOr<int> v = Int(t);
        if (!v.ok()) return v.status();
        r.down_timer_adverts = *v;
      } else if (k == "track_interface") {
        if (absl::Status o = OpenBlock(t, "track_interface"); !o.ok()) return o;
        return Body(t, "track_interface", [&](const Token& a) -> absl::Status {
          TrackedInterface ti{Where(a), a.text, 0};
          if (HasValue(a) && Peek().text == "weight") {
            const Token& w = Next();
            absl::StatusOr<int> v = Int(w, -254, 254);
            if (!v.ok()) return v.status();
            ti.weight = *v;
          }
          x.track_interfaces.push_back(std::move(ti));
          return absl::OkStatus();
        });
      } else if (k == "track_script") {
        if (absl::Status o = OpenBlock(t, "track_script"); !o.ok()) return o;
        return Body(t, "track_script", [&](const Token& a) -> absl::Status {
          TrackedScript ts{Where(a), a.text, std::nullopt, false};
          if (HasValue(a) && Peek().text == "weight") {
            const Token& w = Next();
            absl::StatusOr<int> v = Int(w, -253, 253);
            if (!v.ok()) return v.status();
            ts.weight = *v;
            if (HasValue(a) && Peek().text == "reverse") {
              ++pos_;
              ts.reverse = true;
            }
          }
          x.track_scripts.push_back(std::move(ts));
          return absl::OkStatus();
        });
      } else {
        absl::StatusOr<bool> notify = Notify(t, x.notify);
        if (!notify.ok()) return notify.status();
        if (*notify) return absl::OkStatus();
        if (IgnoredInstanceKeywords().count(k) != 0) return Ignored(t);
        return Unknown(t, "vrrp_instance");
      }
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    pending_.push_back(std::move(p));
    return absl::OkStatus();
  }

  // ---- Second pass ----
  absl::StatusOr<VirtualAddress> MakeAddress(const PendingAddress& a, const std::string& dev,
                                             std::string_view block) const {
    VirtualAddress vip;
    vip.address = a.ip;
    vip.prefix_len = a.prefix_len;
    vip.interface = a.dev.empty() ? dev : a.dev;
    vip.label = a.label;
    vip.scope = a.scope;
    vip.broadcast = a.brd;
    if (a.brd_plus && a.ip.is_v4() && a.prefix_len < 31) {
      // `brd +`: the host bits all set, as `ip addr add ... brd +` computes it.
      const auto b = a.ip.bytes();
      uint32_t ip = (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
      ip |= a.prefix_len == 0 ? 0xffffffffu : (0xffffffffu >> a.prefix_len);
      vip.broadcast = IpAddress::V4(static_cast<uint8_t>(ip >> 24), static_cast<uint8_t>(ip >> 16),
                                    static_cast<uint8_t>(ip >> 8), static_cast<uint8_t>(ip));
    }
    vip.prefix_route = !a.noprefixroute;
    vip.ipv6_dad = a.dad;
    if (absl::Status s = Validate(vip); !s.ok()) {
      return ErrorAt(a.where, fmt::format("{}: {}", block, std::string(s.message())));
    }
    return vip;
  }

  Location LocationOf(const PendingInstance& p, const std::string& key) const {
    auto it = p.vi.locations.find(key);
    if (it != p.vi.locations.end()) return it->second;
    auto g = global_locations_.find("vrrp_" + key);
    if (g != global_locations_.end()) return g->second;
    return p.vi.where;
  }

  absl::Status ResolveInstance(PendingInstance& p) {
    VrrpInstance& vi = p.vi;
    InstanceConfig& c = vi.config;
    RouterConfig& r = c.router;
    InstanceExtras& x = vi.extras;
    const GlobalDefs& g = conf_.global;
    const std::string what = "vrrp_instance " + c.name;
    if (x.interface.empty()) return ErrorAt(vi.where, what + " has no interface");
    if (!p.vrid) return ErrorAt(vi.where, what + " has no virtual_router_id");
    r.vrid = *p.vrid;

    // The family is the first virtual address's (keepalived's rule).
    r.family = p.vips.empty() ? (x.source ? x.source->family() : Family::kIPv4)
                              : p.vips.front().ip.family();
    for (const PendingAddress& a : p.vips) {
      if (a.ip.family() != r.family) {
        return ErrorAt(a.where,
                       fmt::format("virtual_ipaddress {} is {} but {} is {} (from its "
                                   "first address); use another instance",
                                   a.ip, FamilyName(a.ip.family()), what, FamilyName(r.family)));
      }
    }
    r.version = p.version.value_or(g.vrrp_version);
    if (r.family == Family::kIPv6 && r.version == Version::kV2) {
      // RFC 3768 is IPv4 only; keepalived runs such an instance as v3.
      if (p.version || global_version_set_) {
        Warn(p.version ? LocationOf(p, "version") : global_locations_["vrrp_version"],
             fmt::format("{}: VRRP version 2 does not support IPv6, using version 3", c.name));
      }
      r.version = Version::kV3;
    }

    int64_t us = p.advert_us.value_or(kMicrosPerSecond);
    if (r.version == Version::kV2 && us % kMicrosPerSecond != 0) {
      // RFC 3768 §5.3.7 carries whole seconds; keepalived rounds, and says so.
      int64_t rounded = (us + kMicrosPerSecond / 2) / kMicrosPerSecond * kMicrosPerSecond;
      if (rounded == 0) rounded = kMicrosPerSecond;
      Warn(LocationOf(p, "advert_int"),
           fmt::format("{}: VRRP version 2 needs whole seconds, advert_int rounded to {} s", c.name,
                       rounded / kMicrosPerSecond));
      us = rounded;
    } else if (us % kMicrosPerCs != 0) {
      const int64_t rounded = (us + kMicrosPerCs / 2) / kMicrosPerCs * kMicrosPerCs;
      Warn(LocationOf(p, "advert_int"),
           fmt::format("{}: advert_int rounded to {} centiseconds (RFC 5798 §5.2.7)", c.name,
                       rounded / kMicrosPerCs));
      us = rounded;
    }
    r.advert_interval = Centiseconds(us / kMicrosPerCs);

    if (p.auth_given) {
      if (r.version != Version::kV2) {
        Warn(LocationOf(p, "authentication"),
             fmt::format("{}: VRRP version 3 does not support authentication. Ignoring.", c.name));
      } else if (g.vrrp_strict) {
        Warn(LocationOf(p, "authentication"),
             fmt::format("{}: vrrp_strict: authentication is ignored", c.name));
      } else if (p.auth_type == AuthType::kAh) {
        return ErrorAt(LocationOf(p, "auth_type"), "auth_type AH is not supported");
      } else if (p.auth_type == AuthType::kPass) {
        c.auth_type = AuthType::kPass;
        absl::StatusOr<PassKey> key = PassKey::Create(p.pass);
        if (!key.ok())
          return ErrorAt(LocationOf(p, "auth_pass"), std::string(key.status().message()));
        c.pass_key = *key;
      } else {
        return ErrorAt(LocationOf(p, "authentication"), "authentication needs an auth_type");
      }
    }

    for (const PendingAddress& a : p.vips) {
      absl::StatusOr<VirtualAddress> vip = MakeAddress(a, x.interface, "virtual_ipaddress");
      if (!vip.ok()) return vip.status();
      c.addresses.push_back(*std::move(vip));
      vi.address_locations.push_back(a.where);
    }
    for (const PendingAddress& a : p.excluded) {
      absl::StatusOr<VirtualAddress> vip =
          MakeAddress(a, x.interface, "virtual_ipaddress_excluded");
      if (!vip.ok()) return vip.status();
      x.excluded_addresses.push_back(*std::move(vip));
    }

    r.garp_master_delay = p.garp_delay.value_or(g.garp_master_delay);
    r.garp_master_repeat = p.garp_repeat.value_or(g.garp_master_repeat);
    r.garp_master_refresh = p.garp_refresh.value_or(g.garp_master_refresh);
    r.garp_master_refresh_repeat = p.garp_refresh_repeat.value_or(g.garp_master_refresh_repeat);
    // keepalived accepts packets for the addresses unless vrrp_strict (RFC 5798 §6.1 Accept_Mode).
    r.accept_mode = p.accept.value_or(!g.vrrp_strict);

    x.mcast_group = r.family == Family::kIPv4 ? g.mcast_group4 : g.mcast_group6;
    if (x.source) {
      if (x.source->family() != r.family) {
        return ErrorAt(LocationOf(p, "source"),
                       fmt::format("unicast_src_ip {} is {} but {} is {}", *x.source,
                                   FamilyName(x.source->family()), what, FamilyName(r.family)));
      }
      r.primary_address = *x.source;
    } else if (r.family == Family::kIPv6) {
      r.primary_address = IpAddress();  // unspecified: the driver takes the link-local address
    }
    for (const IpAddress& peer : x.unicast_peers) {
      if (peer.family() != r.family || peer.IsMulticast() || peer.IsUnspecified()) {
        return ErrorAt(
            LocationOf(p, "unicast_peer"),
            fmt::format("unicast_peer {} is not a unicast {} address", peer, FamilyName(r.family)));
      }
    }
    if (g.vrrp_strict && !x.unicast_peers.empty()) {
      return ErrorAt(LocationOf(p, "unicast_peer"),
                     "unicast_peer cannot be used with vrrp_strict (RFC 5798 sends to the group)");
    }

    // The core's validator, with a stand-in primary address when the driver will fill it in, so
    // that its range messages are the ones the operator sees, prefixed with the line at fault.
    InstanceConfig check = c;
    if (!x.source) {
      check.router.primary_address =
          r.family == Family::kIPv4 ? IpAddress::V4(192, 0, 2, 254) : *IpAddress::Parse("fe80::1");
    }
    if (absl::Status s = ValidateInstanceConfig(check); !s.ok()) {
      std::string message(s.message());
      const std::string prefix = c.name + ": ";
      if (message.rfind(prefix, 0) == 0) message = message.substr(prefix.size());
      std::string field = message.substr(0, message.find(' '));
      if (field == "primary_address") field = "source";
      return ErrorAt(LocationOf(p, field), message);
    }
    return absl::OkStatus();
  }

  absl::Status Resolve() {
    if (conf_.global.vrrp_rlimit_rttime && !conf_.global.vrrp_rt_priority) {
      Warn(global_locations_["vrrp_rlimit_rttime"],
           "vrrp_rlimit_rttime has no effect without vrrp_rt_priority");
    }
    for (PendingInstance& p : pending_) {
      if (absl::Status s = ResolveInstance(p); !s.ok()) return s;
    }
    // One VRID per interface and family (RFC 5798 §7.3: it picks the virtual MAC).
    for (size_t i = 0; i < pending_.size(); ++i) {
      const VrrpInstance& a = pending_[i].vi;
      for (size_t j = 0; j < i; ++j) {
        const VrrpInstance& b = pending_[j].vi;
        if (a.extras.interface == b.extras.interface &&
            a.config.router.family == b.config.router.family &&
            a.config.router.vrid == b.config.router.vrid) {
          return ErrorAt(
              LocationOf(pending_[i], "virtual_router_id"),
              fmt::format("virtual_router_id {} on {} ({}) is already used by "
                          "vrrp_instance {} at {}",
                          a.config.router.vrid, a.extras.interface,
                          FamilyName(a.config.router.family), b.config.name, ToString(b.where)));
        }
      }
      for (const TrackedScript& ts : a.extras.track_scripts) {
        bool found = std::any_of(conf_.scripts.begin(), conf_.scripts.end(),
                                 [&](const VrrpScript& s) { return s.name == ts.name; });
        if (!found) {
          return ErrorAt(ts.where, fmt::format("track_script {} names no vrrp_script", ts.name));
        }
      }
    }
    std::vector<std::pair<std::string, std::string>> membership;  // instance, group
    for (const MemberLocation& m : member_locations_) {
      bool found = std::any_of(pending_.begin(), pending_.end(), [&](const PendingInstance& p) {
        return p.vi.config.name == m.instance;
      });
      if (!found) {
        return ErrorAt(m.where, fmt::format("vrrp_sync_group {}: {} names no vrrp_instance",
                                            m.group, m.instance));
      }
      for (const auto& [instance, group] : membership) {
        if (instance == m.instance) {
          return ErrorAt(m.where, fmt::format("vrrp_instance {} is already in vrrp_sync_group {}",
                                              m.instance, group));
        }
      }
      membership.emplace_back(m.instance, m.group);
    }
    for (PendingInstance& p : pending_) conf_.instances.push_back(std::move(p.vi));
    return absl::OkStatus();
  }

  struct MemberLocation {
    std::string group;
    std::string instance;
    Location where;
  };

  const ParseOptions& options_;
  FileSource& files_;
  std::vector<std::string> file_names_;
  std::vector<std::string> stack_;  // identities of the files being read, for cycles
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  Configuration conf_;
  std::vector<PendingInstance> pending_;
  std::vector<MemberLocation> member_locations_;
  std::map<std::string, Location> global_locations_;
  bool global_version_set_ = false;
  size_t total_bytes_ = 0;
};

}  // namespace

std::string ToString(const Location& where) { return fmt::format("{}:{}", where.file, where.line); }

std::string ToString(const Warning& warning) {
  return fmt::format("{}: {}", ToString(warning.where), warning.message);
}

const VrrpInstance* Configuration::FindInstance(std::string_view name) const {
  for (const VrrpInstance& vi : instances) {
    if (vi.config.name == name) return &vi;
  }
  return nullptr;
}

const VrrpScript* Configuration::FindScript(std::string_view name) const {
  for (const VrrpScript& s : scripts) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

absl::StatusOr<Configuration> ParseString(std::string_view text, const std::string& file_name,
                                          const ParseOptions& options) {
  MemoryFileSource none;
  FileSource& files = options.files != nullptr ? *options.files : none;
  Parser parser(options, files);
  return parser.Run(text, file_name);
}

absl::StatusOr<Configuration> ParseFile(const std::string& path, const ParseOptions& options) {
  DiskFileSource disk;
  FileSource& files = options.files != nullptr ? *options.files : disk;
  absl::StatusOr<std::string> text = files.Read(path);
  if (!text.ok()) return text.status();
  ParseOptions with_files = options;
  with_files.files = &files;
  return ParseString(*text, path, with_files);
}

}  // namespace vrrp::config
