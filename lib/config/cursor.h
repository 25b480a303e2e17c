// The parser's position in the token stream, and what every block parser does with it: read the
// values on a keyword's line, open and walk a block, skip what is unknown or ignored, and report
// errors and warnings at a token's file:line.
#ifndef VRRP_LIB_CONFIG_CURSOR_H_
#define VRRP_LIB_CONFIG_CURSOR_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "fmt/format.h"
#include "token.h"
#include "vrrp/config/config.h"

namespace vrrp::config {

class Cursor {
 public:
  // `tokens`, `file_names` and `warnings` must outlive the cursor. `strict` makes an unknown
  // keyword an error.
  Cursor(const std::vector<Token>& tokens, const std::vector<std::string>& file_names,
         std::vector<Warning>& warnings, bool strict)
      : tokens_(tokens), file_names_(file_names), warnings_(warnings), strict_(strict) {}

  bool AtEnd() const { return pos_ >= tokens_.size(); }
  const Token& Peek() const { return tokens_[pos_]; }
  const Token& Next() { return tokens_[pos_++]; }

  // A value follows `kw` on its line: keepalived's values never continue on the next line, and a
  // brace is never a value.
  bool HasValue(const Token& kw) const {
    return !AtEnd() && Peek().file == kw.file && Peek().line == kw.line && !Peek().IsBrace();
  }
  // The next value of `kw`'s line, or null.
  const Token* Value(const Token& kw) { return HasValue(kw) ? &Next() : nullptr; }
  std::vector<const Token*> RestOfLine(const Token& kw);

  Location Where(const Token& t) const { return Location{file_names_[t.file], t.line}; }
  // An error at `at`'s line, about the statement of `keyword` (see ConfigError).
  absl::Status Error(const Token& at, std::string keyword, std::string message) const;
  absl::Status NeedsValue(const Token& kw) const {
    return Error(kw, kw.text, fmt::format("{} needs a value", kw.text));
  }
  void Warn(Location where, std::string message) {
    warnings_.push_back(Warning{std::move(where), std::move(message)});
  }
  void Warn(const Token& t, std::string message) { Warn(Where(t), std::move(message)); }

  // Reads the '{' after `kw` (on its line or the next); `what` names the block in the error.
  absl::Status OpenBlock(const Token& kw, std::string_view what);

  // Runs `statement` on each word that starts a statement of a block whose '{' was just read,
  // through its '}'. `statement` reads the rest of its statement from the cursor.
  template <typename F>
  absl::Status Body(const Token& opener, std::string_view what, F statement) {
    while (true) {
      if (AtEnd()) {
        return Error(opener, opener.text,
                     fmt::format("{} block is not closed (missing '}}')", what));
      }
      const Token& t = Next();
      if (t.IsClose()) return absl::OkStatus();
      if (t.IsOpen()) return Error(t, "", "unexpected '{'");
      if (absl::Status s = statement(t); !s.ok()) return s;
    }
  }

  // What follows an unknown or ignored keyword is passed over: its values, and its block if it
  // has one, however deep.
  absl::Status Skip(const Token& kw);
  // An unknown keyword in `block` ("global_defs", "the top level"): a warning and Skip, or an
  // error when strict.
  absl::Status Unknown(const Token& kw, std::string_view block);
  // A keyword keepalived has but we do not act on: a warning and Skip.
  absl::Status Ignored(const Token& kw);
  // Words after a statement that it does not take (already read): a warning naming them.
  void ExtraWords(const Token& kw, const std::vector<const Token*>& words);

 private:
  const std::vector<Token>& tokens_;
  const std::vector<std::string>& file_names_;
  std::vector<Warning>& warnings_;
  const bool strict_;
  size_t pos_ = 0;
};

}  // namespace vrrp::config

#endif  // VRRP_LIB_CONFIG_CURSOR_H_
