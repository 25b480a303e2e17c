#include "vrrp/json.h"

#include <iterator>

#include "fmt/format.h"

namespace vrrp {
namespace {

// RFC 8259 §7's two-character escapes: the character, and the letter after the backslash.
constexpr std::string_view kShortEscaped = "\"\\\b\f\n\r\t";
constexpr std::string_view kShortLetters = "\"\\bfnrt";

}  // namespace

std::string JsonString(std::string_view text) {
  std::string out = "\"";
  out.reserve(text.size() + 2);
  for (char c : text) {
    if (const size_t k = kShortEscaped.find(c); k != std::string_view::npos) {
      out += '\\';
      out += kShortLetters[k];
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      // The other control characters must be escaped (§7); DEL too, so that a terminal showing
      // the file shows it.
      fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned char>(c));
    } else {
      out += c;  // UTF-8 passes through
    }
  }
  out += '"';
  return out;
}

std::string JsonStringArray(absl::Span<const std::string> items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += JsonString(items[i]);
  }
  return out + "]";
}

}  // namespace vrrp
