// Walking blocks and passing over what is not ours, with keepalived's leniency: an unknown
// keyword is logged and skipped with everything it holds.
#include "cursor.h"

#include "errors.h"

namespace vrrp::config {

std::vector<const Token*> Cursor::RestOfLine(const Token& kw) {
  std::vector<const Token*> values;
  while (HasValue(kw)) values.push_back(&Next());
  return values;
}

absl::Status Cursor::Error(const Token& at, std::string keyword, std::string message) const {
  return Failure(Where(at), std::move(keyword), std::move(message));
}

absl::Status Cursor::OpenBlock(const Token& kw, std::string_view what) {
  if (AtEnd() || !Peek().IsOpen()) {
    return Error(AtEnd() ? kw : Peek(), kw.text, fmt::format("expected '{{' after {}", what));
  }
  ++pos_;
  return absl::OkStatus();
}

absl::Status Cursor::Skip(const Token& kw) {
  RestOfLine(kw);
  if (AtEnd() || !Peek().IsOpen()) return absl::OkStatus();
  const Token& open = Next();
  int depth = 1;
  while (depth > 0) {
    if (AtEnd()) {
      return Error(open, kw.text, fmt::format("{} block is not closed (missing '}}')", kw.text));
    }
    const Token& t = Next();
    if (t.IsOpen()) ++depth;
    if (t.IsClose()) --depth;
  }
  return absl::OkStatus();
}

absl::Status Cursor::Unknown(const Token& kw, std::string_view block) {
  if (strict_) return Error(kw, kw.text, fmt::format("unknown keyword '{}' in {}", kw.text, block));
  Warn(kw, fmt::format("unknown keyword '{}' in {} is ignored", kw.text, block));
  return Skip(kw);
}

absl::Status Cursor::Ignored(const Token& kw) {
  Warn(kw, fmt::format("'{}' is not supported and is ignored", kw.text));
  return Skip(kw);
}

void Cursor::ExtraWords(const Token& kw, const std::vector<const Token*>& words) {
  std::string text;
  for (const Token* w : words) text += (text.empty() ? "" : " ") + w->text;
  Warn(*words.front(), fmt::format("'{}' does not take '{}': ignored", kw.text, text));
}

}  // namespace vrrp::config
