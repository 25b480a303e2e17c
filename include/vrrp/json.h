// JSON text for the library's status output (status.h) and for embedders' own dumps: string
// literals escaped per RFC 8259 §7, so a name or a script's output can never break a line or
// the document. Only what the status formats need; this is not a JSON library.
//
//   fmt::print("{{\"src\": {}}}\n", vrrp::JsonString(ip.ToString()));      // {"src": "192.0.2.5"}
//   std::string list = vrrp::JsonStringArray({"VI_1", "VI_2"});          // ["VI_1", "VI_2"]
#ifndef VRRP_JSON_H_
#define VRRP_JSON_H_

#include <string>
#include <string_view>

#include "absl/types/span.h"

namespace vrrp {

// `text` as a JSON string literal, quotes included: quote, backslash and every control character
// (and DEL) escaped; other bytes, UTF-8 included, pass through unchanged.
std::string JsonString(std::string_view text);

// `items` as a JSON array of strings on one line, ", " between items: ["a", "b"]; [] when empty.
std::string JsonStringArray(absl::Span<const std::string> items);

}  // namespace vrrp

#endif  // VRRP_JSON_H_
