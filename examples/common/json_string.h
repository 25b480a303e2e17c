// JSON string literals for the examples' --json output (vrrp-dump, vrrp-sim), one definition.
//
//   fmt::print("{{\"src\":{}}}\n", vrrp_examples::JsonString(ip.ToString()));
#ifndef VRRP_EXAMPLES_COMMON_JSON_STRING_H_
#define VRRP_EXAMPLES_COMMON_JSON_STRING_H_

#include <string>
#include <string_view>

#include "fmt/format.h"

namespace vrrp_examples {

// `text` as a JSON string literal, quotes included (RFC 8259 §7): quote, backslash and every
// control character escaped, so an interface name or a script's output cannot break a line.
inline std::string JsonString(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

}  // namespace vrrp_examples

#endif  // VRRP_EXAMPLES_COMMON_JSON_STRING_H_
