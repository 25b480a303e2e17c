// Includes spliced into the token stream, with keepalived's rules: relative to the including
// file's directory, glob order, a pattern that matches nothing only a warning. Cycles, depth,
// the total size, the files read and the words held are bounded so that no input can make the
// reader run away.
#include "include_reader.h"

#include <algorithm>

#include "errors.h"
#include "fmt/format.h"
#include "lexer.h"

namespace vrrp::config {
namespace {

constexpr size_t kMaxTotalBytes = size_t{64} << 20;
// A file included from many lines of a file that is itself included many times is read the
// product of those times: a 9 KB configuration (300 lines `include b.conf`, b.conf 300 lines
// `include c.conf`, c.conf empty) read c.conf 90,000 times, a fourth level millions, and an
// empty file costs nothing against kMaxTotalBytes. Each read counts here. And a word costs
// about 50 bytes held, against 2 of text: within kMaxTotalBytes, a 5 KB configuration held
// 32 million words, over 2 GB (both found with fuzz/config_include_fuzz.cc; its seeds
// regression-file-reads and regression-words are those files). 1,000 instances with their
// scripts are about 50,000 words in at most a few hundred files.
constexpr size_t kMaxFileReads = 10000;
constexpr size_t kMaxWords = 1000000;

}  // namespace

absl::Status IncludeReader::Read(std::string_view text, const std::string& file_name) {
  file_names_.push_back(file_name);
  stack_.push_back(files_.Identity(file_name));
  if (absl::Status s = Tokenize(text, 0, 0); !s.ok()) return s;
  stack_.pop_back();
  return absl::OkStatus();
}

absl::Status IncludeReader::Tokenize(std::string_view text, int file, int depth) {
  // Includes can repeat a file without a cycle (a diamond); this bounds what that can cost.
  total_bytes_ += text.size();
  if (total_bytes_ > kMaxTotalBytes) {
    return Failure(Location{file_names_[file], 1}, "",
                   fmt::format("the configuration with its includes is larger than {} MiB",
                               kMaxTotalBytes >> 20));
  }
  // ${_PWD}: the file's directory (a copy: including files grows file_names_).
  const size_t slash = file_names_[file].rfind('/');
  const std::string directory =
      slash == std::string::npos ? "" : file_names_[file].substr(0, std::max<size_t>(slash, 1));
  int line = 0;
  size_t start = 0;
  char32_t unicode_blank = 0;  // the first Unicode blank of this file
  int unicode_blank_line = 0;
  std::vector<std::string> lines;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    ++line;
    lines.clear();
    if (absl::Status s = preprocessor_.Line(text.substr(start, end - start),
                                            Location{file_names_[file], line}, directory, lines);
        !s.ok()) {
      return s;
    }
    for (const std::string& l : lines) {
      const char32_t before = unicode_blank;
      if (absl::Status s = TokenizeLine(l, file, line, depth, unicode_blank); !s.ok()) return s;
      if (before == 0 && unicode_blank != 0) unicode_blank_line = line;
    }
    if (end == text.size()) break;
    start = end + 1;
  }
  preprocessor_.EndOfFile();
  if (unicode_blank != 0) {
    // Once per file: pasted indentation is usually on every line.
    warnings_.push_back(Warning{
        Location{file_names_[file], unicode_blank_line},
        fmt::format("Unicode white space (U+{:04X}) read as a space, here and wherever else "
                    "the file has it (pasted text?)",
                    static_cast<uint32_t>(unicode_blank))});
  }
  return absl::OkStatus();
}

absl::Status IncludeReader::TokenizeLine(std::string_view text, int file, int line, int depth,
                                         char32_t& unicode_blank) {
  std::vector<Token> words;
  if (absl::Status s =
          vrrp::config::TokenizeLine(text, file, line, file_names_[file], words, &unicode_blank);
      !s.ok()) {
    return s;
  }
  if (!words.empty() && !words[0].quoted && words[0].text == kIncludeKeyword.keyword) {
    return Include(words, depth);
  }
  if (tokens_.size() + words.size() > kMaxWords) {
    return Failure(
        Location{file_names_[file], line}, "",
        fmt::format("the configuration with its includes has more than {} words", kMaxWords));
  }
  for (Token& t : words) tokens_.push_back(std::move(t));
  return absl::OkStatus();
}

absl::Status IncludeReader::Include(const std::vector<Token>& line, int depth) {
  const Token& kw = line[0];
  auto error = [&](std::string message) { return Failure(Where(kw), kw.text, std::move(message)); };
  if (line.size() < 2 || line[1].IsBrace()) return error("include needs a file name");
  if (line.size() > 2) {
    warnings_.push_back(
        Warning{Where(line[2]), "extra words after the include file name are ignored"});
  }
  std::string pattern = line[1].text;
  if (pattern.empty()) return error("include needs a file name");
  // Relative to the including file's directory, as keepalived resolves it.
  if (pattern[0] != '/') {
    const std::string& including = file_names_[kw.file];
    const size_t slash = including.rfind('/');
    if (slash != std::string::npos) pattern = including.substr(0, slash + 1) + pattern;
  }
  absl::StatusOr<std::vector<std::string>> paths = files_.Glob(pattern);
  if (!paths.ok()) {
    return error(fmt::format("include {}: {}", pattern, std::string(paths.status().message())));
  }
  if (paths->empty()) {
    warnings_.push_back(Warning{Where(kw), fmt::format("include {} matches no file", pattern)});
    return absl::OkStatus();
  }
  for (const std::string& path : *paths) {
    const std::string identity = files_.Identity(path);
    if (std::find(stack_.begin(), stack_.end(), identity) != stack_.end()) {
      std::string chain;
      for (const std::string& f : stack_) chain += f + " -> ";
      return error(fmt::format("include cycle: {}{}", chain, identity));
    }
    if (depth + 1 > options_.max_include_depth) {
      return error(fmt::format("include {}: more than {} nested includes", path,
                               options_.max_include_depth));
    }
    if (++files_read_ > kMaxFileReads) {
      return error(
          fmt::format("include {}: more than {} files read (a file counts each time "
                      "it is included)",
                      path, kMaxFileReads));
    }
    absl::StatusOr<std::string> text = files_.Read(path);
    if (!text.ok()) {
      return error(fmt::format("include {}: {}", path, std::string(text.status().message())));
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

}  // namespace vrrp::config
