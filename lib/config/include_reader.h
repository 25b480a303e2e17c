// The token stream of a configuration: its text cut into words, with every `include PATTERN`
// line replaced by the words of the files it matches (glob(3), relative to the including file),
// so the block parsers never see a file boundary.
#ifndef VRRP_LIB_CONFIG_INCLUDE_READER_H_
#define VRRP_LIB_CONFIG_INCLUDE_READER_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "preprocessor.h"
#include "token.h"
#include "vrrp/config/config.h"
#include "vrrp/config/keywords.h"

namespace vrrp::config {

// `include` is read here, on a line of its own in any block, before any block parser runs.
inline constexpr KeywordInfo kIncludeKeyword{
    "any", "include", KeywordStatus::kSupported,
    "PATTERN: the files glob(3) matches, relative to the including file, read in its place"};

class IncludeReader {
 public:
  // `files` and `warnings` must outlive the reader; warnings (an include that matches nothing,
  // words after its pattern) are appended in the order met.
  IncludeReader(const ParseOptions& options, FileSource& files, std::vector<Warning>& warnings)
      : options_(options),
        files_(files),
        warnings_(warnings),
        preprocessor_(options.config_id.value_or(DefaultConfigId())) {}

  // Reads `text`, the contents of `file_name`, and what it includes.
  [[nodiscard]] absl::Status Read(std::string_view text, const std::string& file_name);

  std::vector<Token>& tokens() { return tokens_; }
  // Indexed by Token::file: the top file first, then each included file as it was read.
  std::vector<std::string>& file_names() { return file_names_; }

 private:
  absl::Status Tokenize(std::string_view text, int file, int depth);
  absl::Status TokenizeLine(std::string_view text, int file, int line, int depth,
                            char32_t& unicode_blank);
  absl::Status Include(const std::vector<Token>& line, int depth);
  Location Where(const Token& t) const { return Location{file_names_[t.file], t.line}; }

  const ParseOptions& options_;
  FileSource& files_;
  std::vector<Warning>& warnings_;
  Preprocessor preprocessor_;  // its definitions hold across files, as keepalived's do
  std::vector<Token> tokens_;
  std::vector<std::string> file_names_;
  std::vector<std::string> stack_;  // identities of the files being read, for cycles
  size_t total_bytes_ = 0;
  size_t files_read_ = 0;  // included files, each time one is read
};

}  // namespace vrrp::config

#endif  // VRRP_LIB_CONFIG_INCLUDE_READER_H_
