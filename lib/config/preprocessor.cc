// The preprocessor's rules as keepalived.conf(5) states them; its limits (nesting, sequence
// length, lines made, substitution passes) are ours, so that no file can make it run away.
#include "preprocessor.h"

#include <sys/utsname.h>

#include <cerrno>
#include <cstdlib>

#include "errors.h"
#include "fmt/format.h"
#include "lexer.h"

namespace vrrp::config {
namespace {

constexpr int kMaxDepth = 16;             // nested ~SEQ, and lines made of definitions
constexpr int64_t kMaxSequence = 65536;   // values of one ~SEQ
constexpr size_t kMaxProduced = 1000000;  // lines made by expansion in one configuration
constexpr int kMaxPasses = 64;            // substitution passes over one line
constexpr size_t kMaxLineBytes = size_t{1} << 20;

bool IsAsciiBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

// `text` without its leading blanks, ASCII or Unicode (pasted indentation).
std::string_view TrimFront(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    char32_t cp = 0;
    if (IsAsciiBlank(text[i])) {
      ++i;
    } else if (const size_t n = UnicodeBlankAt(text, i, &cp); n != 0) {
      i += n;
    } else {
      break;
    }
  }
  return text.substr(i);
}

std::string_view TrimBack(std::string_view text) {
  while (!text.empty() && IsAsciiBlank(text.back())) text.remove_suffix(1);
  return text;
}

bool IsNameStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

size_t NameLength(std::string_view text) {
  if (text.empty() || !IsNameStart(text[0])) return 0;
  size_t n = 1;
  while (n < text.size() && IsNameChar(text[n])) ++n;
  return n;
}

bool ParseNumber(std::string_view text, int64_t& out) {
  const std::string s(TrimBack(TrimFront(text)));
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  out = std::strtoll(s.c_str(), &end, 0);
  return errno == 0 && end == s.c_str() + s.size();
}

}  // namespace

std::string DefaultConfigId() {
  struct utsname u {};
  if (uname(&u) != 0) return "";
  std::string id = u.nodename;
  return id.substr(0, id.find('.'));
}

absl::Status Preprocessor::Line(std::string_view raw, const Location& where,
                                std::string_view directory, std::vector<std::string>& out) {
  if (!continuing_.empty()) {
    // A line of a multi-line definition: kept as written, a '\' at its end continues it.
    std::string_view text = TrimBack(raw);
    const bool more = !text.empty() && text.back() == '\\';
    if (more) text.remove_suffix(1);
    std::string& value = definitions_[continuing_];
    if (!value.empty()) value += '\n';
    value += TrimBack(text);
    if (!more) continuing_.clear();
    return absl::OkStatus();
  }
  // The common line has nothing for the preprocessor.
  const std::string_view front = TrimFront(raw);
  if (raw.find('$') == std::string_view::npos &&
      (front.empty() || (front[0] != '@' && front[0] != '~'))) {
    out.emplace_back(raw);
    return absl::OkStatus();
  }
  return Process(std::string(raw), where, directory, 0, out);
}

void Preprocessor::EndOfFile() { continuing_.clear(); }

absl::Status Preprocessor::Process(std::string line, const Location& where,
                                   std::string_view directory, int depth,
                                   std::vector<std::string>& out) {
  if (depth > kMaxDepth) {
    return Failure(where, "",
                   fmt::format("preprocessor: definitions and ~SEQ nest more than {} "
                               "deep (does a definition use itself?)",
                               kMaxDepth));
  }
  std::string_view text = TrimFront(line);
  if (!text.empty() && text[0] == '@') {
    // keepalived.conf(5), "Conditional configuration": @ID keeps the line for config id ID
    // only, @^ID for every other.
    text.remove_prefix(1);
    const bool negated = !text.empty() && text[0] == '^';
    if (negated) text.remove_prefix(1);
    size_t n = 0;
    while (n < text.size() && !IsAsciiBlank(text[n])) ++n;
    if (n == 0) {
      return Failure(where, "",
                     fmt::format("'@{}' needs a config id after it", negated ? "^" : ""));
    }
    if ((text.substr(0, n) == config_id_) == negated) return absl::OkStatus();
    text = TrimFront(text.substr(n));
  }
  if (text.rfind("~SEQ", 0) == 0) return Sequence(text, where, directory, depth, out);
  if (!text.empty() && text[0] == '$') {
    const size_t n = NameLength(text.substr(1));
    if (n != 0 && n + 1 < text.size() && text[n + 1] == '=') {
      // keepalived.conf(5), "Parameter substitution": $NAME=VALUE, no blank before the '='.
      const std::string name(text.substr(1, n));
      std::string_view value = TrimBack(TrimFront(text.substr(n + 2)));
      if (!value.empty() && value.back() == '\\') {
        value.remove_suffix(1);
        continuing_ = name;
      }
      definitions_[name] = std::string(TrimBack(value));
      return absl::OkStatus();
    }
  }
  absl::StatusOr<std::string> done = Substitute(std::string(text), where, directory);
  if (!done.ok()) return done.status();
  if (*done != text) {
    // What a definition brought may be several lines, or hold conditions and definitions of
    // its own: each is processed as a line of the file.
    std::string_view rest = *done;
    while (true) {
      const size_t newline = rest.find('\n');
      if (absl::Status s =
              Process(std::string(rest.substr(0, newline)), where, directory, depth + 1, out);
          !s.ok()) {
        return s;
      }
      if (newline == std::string_view::npos) break;
      rest.remove_prefix(newline + 1);
    }
    return absl::OkStatus();
  }
  if (++produced_ > kMaxProduced) {
    return Failure(
        where, "",
        fmt::format("preprocessor: the configuration expands to more than {} lines", kMaxProduced));
  }
  out.push_back(std::move(*done));
  return absl::OkStatus();
}

absl::Status Preprocessor::Sequence(std::string_view line, const Location& where,
                                    std::string_view directory, int depth,
                                    std::vector<std::string>& out) {
  // ~SEQ(VAR, [START, [STEP,]] END) or ~SEQx(...): hexadecimal values.
  const bool hex = line.rfind("~SEQx(", 0) == 0;
  const size_t open = hex ? 5 : 4;
  const size_t close = line.find(')');
  auto bad = [&](std::string why) {
    return Failure(where, "", fmt::format("~SEQ: {} (~SEQ(VAR, START, STEP, END))", why));
  };
  if (line.size() <= open || line[open] != '(' || close == std::string_view::npos) {
    return bad("'(' ... ')' expected");
  }
  std::vector<std::string_view> args;
  std::string_view inside = line.substr(open + 1, close - open - 1);
  while (true) {
    const size_t comma = inside.find(',');
    args.push_back(TrimBack(TrimFront(inside.substr(0, comma))));
    if (comma == std::string_view::npos) break;
    inside.remove_prefix(comma + 1);
  }
  if (args.size() < 2 || args.size() > 4) return bad("it takes 2 to 4 values");
  const std::string var(args[0]);
  if (NameLength(var) != var.size() || var.empty()) {
    return bad(fmt::format("'{}' is not a variable name", var));
  }
  int64_t numbers[3] = {0, 0, 0};
  for (size_t k = 1; k < args.size(); ++k) {
    if (!ParseNumber(args[k], numbers[k - 1])) {
      return bad(fmt::format("'{}' is not a number", args[k]));
    }
  }
  int64_t start = 0;
  int64_t step = 0;
  int64_t end = 0;
  if (args.size() == 2) {
    end = numbers[0];
    start = end >= 0 ? 1 : -1;
  } else if (args.size() == 3) {
    start = numbers[0];
    end = numbers[1];
  } else {
    start = numbers[0];
    step = numbers[1];
    end = numbers[2];
  }
  if (args.size() != 4) step = end >= start ? 1 : -1;
  if (step == 0) return bad("a step of 0 never ends");
  const int64_t count = (step > 0 ? end - start : start - end) / (step > 0 ? step : -step) + 1;
  if (count > kMaxSequence) {
    return bad(fmt::format("{} values, more than {}", count, kMaxSequence));
  }
  const std::string rest(TrimFront(line.substr(close + 1)));
  for (int64_t k = 0, v = start; k < count; ++k, v += step) {
    definitions_[var] = hex ? fmt::format("{:x}", v) : fmt::format("{}", v);
    if (absl::Status s = Process(rest, where, directory, depth + 1, out); !s.ok()) return s;
  }
  definitions_.erase(var);
  return absl::OkStatus();
}

bool Preprocessor::Lookup(std::string_view name, std::string_view directory,
                          std::string& value) const {
  if (auto it = definitions_.find(name); it != definitions_.end()) {
    value = it->second;
    return true;
  }
  if (name == "_PWD") {
    value = directory.empty() ? "." : std::string(directory);
    return true;
  }
  if (name == "_INSTANCE") {
    value = config_id_;
    return true;
  }
  return false;
}

absl::StatusOr<std::string> Preprocessor::Substitute(std::string line, const Location& where,
                                                     std::string_view directory) const {
  for (int pass = 0; pass < kMaxPasses; ++pass) {
    std::string next;
    bool replaced = false;
    for (size_t i = 0; i < line.size();) {
      if (line[i] != '$') {
        next += line[i++];
        continue;
      }
      std::string value;
      if (i + 1 < line.size() && line[i + 1] == '{') {
        const size_t close = line.find('}', i + 2);
        if (close != std::string::npos &&
            Lookup(std::string_view(line).substr(i + 2, close - i - 2), directory, value)) {
          next += value;
          i = close + 1;
          replaced = true;
          continue;
        }
      } else {
        const size_t n = NameLength(std::string_view(line).substr(i + 1));
        const size_t after = i + 1 + n;
        if (n != 0 && (after == line.size() || IsAsciiBlank(line[after])) &&
            Lookup(std::string_view(line).substr(i + 1, n), directory, value)) {
          next += value;
          i = after;
          replaced = true;
          continue;
        }
      }
      next += line[i++];
    }
    if (next.size() > kMaxLineBytes) {
      return Failure(where, "",
                     fmt::format("preprocessor: a line grows beyond {} bytes", kMaxLineBytes));
    }
    if (!replaced) return line;
    line = std::move(next);
  }
  return Failure(where, "",
                 fmt::format("preprocessor: substitution does not end after {} passes (does a "
                             "definition use itself?)",
                             kMaxPasses));
}

}  // namespace vrrp::config
