// keepalived's lexical rules for one line: words split at blanks, braces as words of their own,
// "quoted strings" kept whole (without their quotes), and `#` or `!` starting a comment to the end
// of the line wherever it is not quoted.
//
// Beyond keepalived: Unicode white space is a blank too. Configurations pasted from web pages carry
// no-break spaces (U+00A0) and ideographic spaces (U+3000) in their indentation, which keepalived
// reads as part of a keyword ("Unknown keyword", the instance silently unconfigured).
#ifndef VRRP_LIB_CONFIG_LEXER_H_
#define VRRP_LIB_CONFIG_LEXER_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "token.h"

namespace vrrp::config {

// The length of the Unicode blank that starts at text[i], 0 if none, and its code point in
// `*code_point`. Blanks: Unicode's White_Space characters beyond ASCII (U+0085, U+00A0, U+1680,
// U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000) in UTF-8, the invisible U+200B and
// U+FEFF (a byte order mark) that pasted text carries, and GBK's ideographic space (bytes A1 A1,
// reported as U+3000) where the bytes are not UTF-8.
size_t UnicodeBlankAt(std::string_view text, size_t i, char32_t* code_point);

// Appends the words of `text` (line `line` of file number `file`, named `file_name` in errors) to
// `out`. The only error is an unterminated quote. When the line has a Unicode blank and
// `*first_unicode_blank` is 0, it is set to the first one's code point.
[[nodiscard]] absl::Status TokenizeLine(std::string_view text, int file, int line,
                                        const std::string& file_name, std::vector<Token>& out,
                                        char32_t* first_unicode_blank = nullptr);

}  // namespace vrrp::config

#endif  // VRRP_LIB_CONFIG_LEXER_H_
