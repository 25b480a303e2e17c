// A word of a keepalived.conf as the lexer cut it, with the file and line it came from.
#ifndef VRRP_LIB_CONFIG_TOKEN_H_
#define VRRP_LIB_CONFIG_TOKEN_H_

#include <string>

namespace vrrp::config {

struct Token {
  std::string text;  // quotes removed
  int file = 0;      // index into the file names of the reader that made it
  int line = 0;      // 1-based
  // A quoted "{" is a word, not a brace: only unquoted braces open and close blocks.
  bool quoted = false;

  bool IsOpen() const { return !quoted && text == "{"; }
  bool IsClose() const { return !quoted && text == "}"; }
  bool IsBrace() const { return IsOpen() || IsClose(); }
};

}  // namespace vrrp::config

#endif  // VRRP_LIB_CONFIG_TOKEN_H_
