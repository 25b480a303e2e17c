// keepalived's lexical rules for one line: words split at blanks, braces as words of their own,
// "quoted strings" kept whole (without their quotes), and `#` or `!` starting a comment to the end
// of the line wherever it is not quoted.
#ifndef VRRP_LIB_CONFIG_LEXER_H_
#define VRRP_LIB_CONFIG_LEXER_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "token.h"

namespace vrrp::config {

// Appends the words of `text` (line `line` of file number `file`, named `file_name` in errors) to
// `out`. The only error is an unterminated quote.
[[nodiscard]] absl::Status TokenizeLine(std::string_view text, int file, int line,
                                        const std::string& file_name, std::vector<Token>& out);

}  // namespace vrrp::config

#endif  // VRRP_LIB_CONFIG_LEXER_H_
