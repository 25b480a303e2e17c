// Typed values from the words after a keyword. Ranges that the core checks are left to it; the
// ranges here are those only the configuration knows (nice values, RLIMIT_RTTIME, VRRP version).
#include "values.h"

#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "fmt/format.h"

namespace vrrp::config {

absl::StatusOr<int> ReadInt(Cursor& in, const Token& kw, int64_t lo, int64_t hi) {
  absl::StatusOr<int64_t> n = ReadInt64(in, kw, lo, hi);
  if (!n.ok()) return n.status();
  return static_cast<int>(*n);
}

absl::StatusOr<int64_t> ReadInt64(Cursor& in, const Token& kw, int64_t lo, int64_t hi) {
  const Token* v = in.Value(kw);
  if (v == nullptr) return in.NeedsValue(kw);
  int64_t n = 0;
  // Debian's Abseil has its own string_view (docs/DESIGN.md).
  if (!absl::SimpleAtoi(absl::string_view(v->text.data(), v->text.size()), &n)) {
    return in.Error(*v, kw.text, fmt::format("{} '{}' is not an integer", kw.text, v->text));
  }
  if (n < lo || n > hi) {
    if (lo == kNoMin && hi == kNoMax) {
      // The keyword's own range is the validator's to state; this is only beyond int.
      return in.Error(*v, kw.text, fmt::format("{} {} is far out of range", kw.text, n));
    }
    return in.Error(*v, kw.text, fmt::format("{} {} is out of range {}..{}", kw.text, n, lo, hi));
  }
  return n;
}

absl::StatusOr<bool> ReadOptionalBool(Cursor& in, const Token& kw) {
  const Token* v = in.Value(kw);
  if (v == nullptr) return true;
  for (const char* yes : {"on", "true", "yes"}) {
    if (v->text == yes) return true;
  }
  for (const char* no : {"off", "false", "no"}) {
    if (v->text == no) return false;
  }
  return in.Error(
      *v, kw.text,
      fmt::format("{} '{}' is not one of on, off, true, false, yes, no", kw.text, v->text));
}

absl::StatusOr<int64_t> ReadMicros(Cursor& in, const Token& kw) {
  const Token* v = in.Value(kw);
  if (v == nullptr) return in.NeedsValue(kw);
  const std::string& s = v->text;
  auto bad = [&] {
    return in.Error(*v, kw.text, fmt::format("{} '{}' is not a time in seconds", kw.text, s));
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

absl::StatusOr<absl::Duration> ReadSeconds(Cursor& in, const Token& kw) {
  absl::StatusOr<int64_t> us = ReadMicros(in, kw);
  if (!us.ok()) return us.status();
  return absl::Microseconds(*us);
}

absl::StatusOr<IpAddress> ReadAddress(Cursor& in, const Token& kw) {
  const Token* v = in.Value(kw);
  if (v == nullptr) return in.NeedsValue(kw);
  absl::StatusOr<IpAddress> ip = IpAddress::Parse(v->text);
  if (!ip.ok()) {
    return in.Error(*v, kw.text, fmt::format("{} '{}' is not an IP address", kw.text, v->text));
  }
  return *ip;
}

absl::StatusOr<IpAddress> HostAddress(Cursor& in, const Token& value, std::string_view what) {
  absl::StatusOr<IpAddress> ip = IpAddress::Parse(value.text);
  if (ip.ok()) return *ip;
  const size_t slash = value.text.find('/');
  if (slash != std::string::npos) {
    absl::StatusOr<IpPrefix> prefix = IpPrefix::Parse(value.text);
    if (prefix.ok()) {
      in.Warn(value, fmt::format("{} {}: the prefix length /{} is ignored (an address, not a "
                                 "network, is expected)",
                                 what, value.text, prefix->prefix_len));
      return prefix->address;
    }
  }
  return in.Error(value, std::string(what),
                  fmt::format("{} '{}' is not an IP address", what, value.text));
}

absl::StatusOr<const Token*> ReadWord(Cursor& in, const Token& kw) {
  const Token* v = in.Value(kw);
  if (v == nullptr) return in.NeedsValue(kw);
  return v;
}

absl::StatusOr<const Token*> ReadName(Cursor& in, const Token& kw) {
  const Token* name = in.Value(kw);
  if (name == nullptr || name->text.empty()) {
    return in.Error(kw, kw.text, fmt::format("{} needs a name", kw.text));
  }
  return name;
}

absl::StatusOr<Command> ReadCommand(Cursor& in, const Token& kw) {
  const Token* v = in.Value(kw);
  if (v == nullptr) return in.NeedsValue(kw);
  Command cmd{in.Where(kw), v->text, "", ""};
  std::vector<const Token*> rest = in.RestOfLine(kw);
  if (!rest.empty()) cmd.user = rest[0]->text;
  if (rest.size() > 1) cmd.group = rest[1]->text;
  if (rest.size() > 2) {
    in.Warn(*rest[2], fmt::format("{}: words after the user and group are ignored (quote a "
                                  "command that has arguments)",
                                  kw.text));
  }
  if (cmd.command.empty()) {
    return in.Error(kw, kw.text, fmt::format("{} needs a command", kw.text));
  }
  return cmd;
}

}  // namespace vrrp::config
