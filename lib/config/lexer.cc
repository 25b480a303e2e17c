// keepalived's quoting and comments, one line at a time (a quote never spans lines), with Unicode
// white space read as white space.
#include "lexer.h"

#include <algorithm>
#include <cstdint>

#include "errors.h"

namespace vrrp::config {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

// Characters that end an unquoted word: `a#b` is the word `a` and a comment, `a{` is two words.
bool EndsWord(char c) {
  return IsSpace(c) || c == '{' || c == '}' || c == '"' || c == '#' || c == '!';
}

uint8_t Byte(std::string_view text, size_t i) {
  return i < text.size() ? static_cast<uint8_t>(text[i]) : 0;
}

bool IsContinuation(uint8_t b) { return (b & 0xc0) == 0x80; }

// The length of the well-formed UTF-8 sequence at text[i], or 0.
size_t Utf8Length(std::string_view text, size_t i) {
  const uint8_t b = Byte(text, i);
  size_t n = 0;
  if (b >= 0xc2 && b <= 0xdf) {
    n = 2;
  } else if (b >= 0xe0 && b <= 0xef) {
    n = 3;
  } else if (b >= 0xf0 && b <= 0xf4) {
    n = 4;
  } else {
    return 0;
  }
  for (size_t k = 1; k < n; ++k) {
    if (!IsContinuation(Byte(text, i + k))) return 0;
  }
  return n;
}

char32_t Decode(std::string_view text, size_t i, size_t n) {
  char32_t cp = Byte(text, i) & (0xff >> (n + 1));
  for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (Byte(text, i + k) & 0x3f);
  return cp;
}

bool IsUnicodeBlank(char32_t cp) {
  return cp == 0x85 || cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200b) ||
         cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f || cp == 0x3000 ||
         cp == 0xfeff;
}

// How far a word's non-ASCII character at text[i] reaches: a UTF-8 sequence, else (GBK and other
// double-byte encodings) the byte and its trail byte, so that a trail byte is never read as the
// start of a blank.
size_t CharacterLength(std::string_view text, size_t i) {
  if (const size_t n = Utf8Length(text, i); n != 0) return n;
  const uint8_t trail = Byte(text, i + 1);  // GBK's trail bytes: 0x40..0xFE but 0x7F
  return Byte(text, i) >= 0x81 && trail >= 0x40 && trail != 0x7f && trail != 0xff ? 2 : 1;
}

}  // namespace

size_t UnicodeBlankAt(std::string_view text, size_t i, char32_t* code_point) {
  const uint8_t b = Byte(text, i);
  if (b < 0x80) return 0;
  if (const size_t n = Utf8Length(text, i); n != 0) {
    const char32_t cp = Decode(text, i, n);
    if (!IsUnicodeBlank(cp)) return 0;
    *code_point = cp;
    return n;
  }
  if (b == 0xa1 && Byte(text, i + 1) == 0xa1) {  // GBK / GB 18030 ideographic space
    *code_point = 0x3000;
    return 2;
  }
  return 0;
}

absl::Status TokenizeLine(std::string_view text, int file, int line, const std::string& file_name,
                          std::vector<Token>& out, char32_t* first_unicode_blank) {
  auto blank_at = [&](size_t i) {
    char32_t cp = 0;
    const size_t n = UnicodeBlankAt(text, i, &cp);
    if (n != 0 && first_unicode_blank != nullptr && *first_unicode_blank == 0) {
      *first_unicode_blank = cp;
    }
    return n;
  };
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (IsSpace(c)) {
      ++i;
    } else if (const size_t blank = blank_at(i); blank != 0) {
      i += blank;
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
      while (j < text.size()) {
        if (static_cast<uint8_t>(text[j]) < 0x80) {
          if (EndsWord(text[j])) break;
          ++j;
        } else {
          if (blank_at(j) != 0) break;
          j += CharacterLength(text, j);
        }
      }
      j = std::min(j, text.size());
      out.push_back(Token{std::string(text.substr(i, j - i)), file, line, false});
      i = j;
    }
  }
  return absl::OkStatus();
}

}  // namespace vrrp::config
