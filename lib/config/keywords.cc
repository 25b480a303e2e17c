// KeywordTable(): every block's keyword array, in one list for documentation and tests.
#include "vrrp/config/keywords.h"

#include "blocks.h"
#include "include_reader.h"

namespace vrrp::config {

std::string_view KeywordStatusName(KeywordStatus status) {
  return status == KeywordStatus::kSupported ? "supported" : "ignored";
}

const std::vector<KeywordInfo>& KeywordTable() {
  static const auto* const kTable = [] {
    auto* table = new std::vector<KeywordInfo>;
    AppendTopLevelKeywords(*table);
    AppendGlobalDefsKeywords(*table);
    AppendVrrpScriptKeywords(*table);
    AppendTrackFileKeywords(*table);
    AppendTrackProcessKeywords(*table);
    AppendVrrpInstanceKeywords(*table);
    AppendVrrpSyncGroupKeywords(*table);
    AppendGarpGroupKeywords(*table);
    AppendAuthenticationKeywords(*table);
    AppendAddressOptionKeywords(*table);
    table->push_back(kIncludeKeyword);
    return table;
  }();
  return *kTable;
}

}  // namespace vrrp::config
