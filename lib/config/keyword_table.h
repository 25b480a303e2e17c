// Keywords as data: each block has one array of entries, each a keyword with the function that
// reads its statement (or none: accepted, with a warning, and ignored) and a line of
// documentation. Dispatching and the public KeywordTable() both come from these arrays, so a
// keyword is handled, and listed, in exactly one place.
#ifndef VRRP_LIB_CONFIG_KEYWORD_TABLE_H_
#define VRRP_LIB_CONFIG_KEYWORD_TABLE_H_

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "cursor.h"
#include "token.h"
#include "vrrp/config/keywords.h"

namespace vrrp::config {

template <typename Block>
struct KeywordEntry {
  std::string_view keyword;
  // Reads the rest of the statement (values, a nested block) into the block being built.
  absl::Status (*read)(Cursor& in, Block& block, const Token& kw) = nullptr;
  std::string_view doc;
};

// For an entry's `read`: a keyword keepalived has and we accept, warn about and ignore.
inline constexpr std::nullptr_t kIgnore = nullptr;

template <typename Block>
struct KeywordBlock {
  std::string_view name;        // KeywordInfo::block
  std::string_view in_message;  // "unknown keyword 'x' in <in_message>"
  std::span<const KeywordEntry<Block>> entries;
};

template <typename Block>
const KeywordEntry<Block>* FindKeyword(const KeywordBlock<Block>& table, std::string_view keyword) {
  for (const KeywordEntry<Block>& entry : table.entries) {
    if (entry.keyword == keyword) return &entry;
  }
  return nullptr;
}

// Reads the statement that `kw` starts: its entry's reader, the ignored-keyword warning, or the
// unknown-keyword warning (an error when strict). Words left on the line that start no statement
// of the block (`nopreempt 1`, `enable_script_security 1`) are passed over with a warning, as
// keepalived ignores them, rather than read as unknown keywords.
template <typename Block>
absl::Status Dispatch(Cursor& in, const KeywordBlock<Block>& table, Block& block, const Token& kw) {
  const KeywordEntry<Block>* entry = FindKeyword(table, kw.text);
  if (entry == nullptr) return in.Unknown(kw, table.in_message);
  if (entry->read == nullptr) return in.Ignored(kw);
  if (absl::Status s = entry->read(in, block, kw); !s.ok()) return s;
  std::vector<const Token*> extra;
  while (in.HasValue(kw) && FindKeyword(table, in.Peek().text) == nullptr) {
    extra.push_back(&in.Next());
  }
  if (!extra.empty()) in.ExtraWords(kw, extra);
  return absl::OkStatus();
}

template <typename Block>
void Describe(const KeywordBlock<Block>& table, std::vector<KeywordInfo>& out) {
  for (const KeywordEntry<Block>& entry : table.entries) {
    out.push_back(KeywordInfo{
        table.name, entry.keyword,
        entry.read == nullptr ? KeywordStatus::kIgnored : KeywordStatus::kSupported, entry.doc});
  }
}

}  // namespace vrrp::config

#endif  // VRRP_LIB_CONFIG_KEYWORD_TABLE_H_
