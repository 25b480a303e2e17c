// keepalived's quoting and comments, one line at a time (a quote never spans lines).
#include "lexer.h"

#include "errors.h"

namespace vrrp::config {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

// Characters that end an unquoted word: `a#b` is the word `a` and a comment, `a{` is two words.
bool EndsWord(char c) {
  return IsSpace(c) || c == '{' || c == '}' || c == '"' || c == '#' || c == '!';
}

}  // namespace

absl::Status TokenizeLine(std::string_view text, int file, int line, const std::string& file_name,
                          std::vector<Token>& out) {
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (IsSpace(c)) {
      ++i;
    } else if (c == '#' || c == '!') {
      return absl::OkStatus();  // a comment runs to the end of the line
    } else if (c == '{' || c == '}') {
      out.push_back(Token{std::string(1, c), file, line, false});
      ++i;
    } else if (c == '"') {
      const size_t close = text.find('"', i + 1);
      if (close == std::string_view::npos) {
        return Failure(Location{file_name, line}, "", "unterminated quoted string");
      }
      out.push_back(Token{std::string(text.substr(i + 1, close - i - 1)), file, line, true});
      i = close + 1;
    } else {
      size_t j = i;
      while (j < text.size() && !EndsWord(text[j])) ++j;
      out.push_back(Token{std::string(text.substr(i, j - i)), file, line, false});
      i = j;
    }
  }
  return absl::OkStatus();
}

}  // namespace vrrp::config
