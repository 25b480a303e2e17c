// KeywordTable(): that it tells the truth about the parser (each supported keyword is read, each
// ignored one is warned about and skipped, nothing else is known), and that examples/vrrpd's
// README documents exactly it.
#include <catch2/catch.hpp>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <tuple>

#include "fmt/format.h"
#include "vrrp/config/config.h"
#include "vrrp/config/keywords.h"

namespace vrrp::config {
namespace {

// A configuration that holds `statement` in `block` (the statement on its own line, except for
// an address option, which follows an address).
std::string Wrap(std::string_view block, std::string_view statement) {
  const std::string instance =
      "vrrp_instance VI_1 {{\n interface eth0\n virtual_router_id 50\n"
      " virtual_ipaddress {{ 192.0.2.3/24 }}\n{}\n}}\n";
  if (block == "top" || block == "any") return fmt::format("{}\n", statement);
  if (block == "global_defs") return fmt::format("global_defs {{\n{}\n}}\n", statement);
  if (block == "vrrp_script")
    return fmt::format("vrrp_script chk {{\n script x\n{}\n}}\n", statement);
  if (block == "track_file") return fmt::format("track_file f {{\n file /x\n{}\n}}\n", statement);
  if (block == "vrrp_track_process") {
    return fmt::format("vrrp_track_process p {{\n process x\n{}\n}}\n", statement);
  }
  if (block == "vrrp_instance") return fmt::format(fmt::runtime(instance), statement);
  if (block == "authentication") {
    return fmt::format(fmt::runtime(instance), fmt::format("authentication {{\n{}\n}}", statement));
  }
  if (block == "virtual_ipaddress") {
    return fmt::format(fmt::runtime(instance),
                       fmt::format("virtual_ipaddress {{\n 192.0.2.4 {}\n}}", statement));
  }
  if (block == "vrrp_sync_group") return fmt::format("vrrp_sync_group G {{\n{}\n}}\n", statement);
  if (block == "garp_group") {
    return fmt::format("garp_group {{\n interface eth0\n{}\n}}\n", statement);
  }
  FAIL("no configuration for block " << block);
  return "";
}

// Whether the parser knows `keyword` in `block`: strict parsing refuses only unknown keywords
// (and address options that are no option) with these words.
bool Known(std::string_view block, std::string_view keyword) {
  ParseOptions strict;
  strict.strict = true;
  absl::StatusOr<Configuration> conf = ParseString(Wrap(block, keyword), "k.conf", strict);
  if (conf.ok()) return true;
  const std::string message(conf.status().message());
  return message.find("unknown keyword") == std::string::npos &&
         message.find("neither an address nor an option") == std::string::npos;
}

std::vector<std::string> WarningsOf(const std::string& text) {
  absl::StatusOr<Configuration> conf = ParseString(text, "k.conf");
  INFO(conf.status().ToString());
  REQUIRE(conf.ok());
  std::vector<std::string> out;
  for (const Warning& w : conf->warnings) out.push_back(w.message);
  return out;
}

TEST_CASE("KeywordTable lists each keyword of a block once, blocks in order") {
  const std::vector<std::string_view> order = {"top",
                                               "global_defs",
                                               "vrrp_script",
                                               "track_file",
                                               "vrrp_track_process",
                                               "vrrp_instance",
                                               "vrrp_sync_group",
                                               "garp_group",
                                               "authentication",
                                               "virtual_ipaddress",
                                               "any"};
  std::set<std::pair<std::string_view, std::string_view>> seen;
  size_t block = 0;
  for (const KeywordInfo& k : KeywordTable()) {
    INFO(k.block << " " << k.keyword);
    CHECK(seen.insert({k.block, k.keyword}).second);
    while (block < order.size() && order[block] != k.block) ++block;
    REQUIRE(block < order.size());
    CHECK_FALSE(k.keyword.empty());
    CHECK(k.doc.empty() == (k.status == KeywordStatus::kIgnored));
  }
  CHECK(KeywordStatusName(KeywordStatus::kSupported) == "supported");
  CHECK(KeywordStatusName(KeywordStatus::kIgnored) == "ignored");
}

TEST_CASE("Every keyword of KeywordTable is known where it says, and only there") {
  for (const KeywordInfo& k : KeywordTable()) {
    INFO(k.block << " " << k.keyword);
    CHECK(Known(k.block, k.keyword));
  }
  // The check can fail: a word that is no keyword is unknown in every block.
  for (std::string_view block :
       {"top", "global_defs", "vrrp_script", "track_file", "vrrp_track_process", "vrrp_instance",
        "authentication", "virtual_ipaddress", "vrrp_sync_group"}) {
    INFO(block);
    CHECK_FALSE(Known(block, "no_such_keyword"));
  }
  CHECK_FALSE(Known("top", "priority"));  // an instance keyword at the top level
}

TEST_CASE("Ignored keywords warn and are skipped with their values and block") {
  for (const KeywordInfo& k : KeywordTable()) {
    if (k.status != KeywordStatus::kIgnored) continue;
    INFO(k.block << " " << k.keyword);
    if (k.block == "virtual_ipaddress") {
      CHECK(WarningsOf(Wrap(k.block, k.keyword)) ==
            std::vector<std::string>{
                fmt::format("virtual_ipaddress: '{}' is not supported and is ignored", k.keyword)});
      continue;
    }
    // Values and a nested block, then a statement that must still be read.
    const std::string statement = fmt::format("{} 1 two {{\n  x {{ y }}\n}}", k.keyword);
    CHECK(WarningsOf(Wrap(k.block, statement)) ==
          std::vector<std::string>{fmt::format("'{}' is not supported and is ignored", k.keyword)});
  }
}

// The keyword tables of README.md's "## Keywords" section: (block, keyword, status) for each
// keyword in backticks in the keyword column of the supported table and of the ignored table.
std::set<std::tuple<std::string, std::string, std::string>> DocumentedKeywords() {
  std::ifstream in(VRRP_VECTORS_DIR "/../../examples/vrrpd/README.md");
  REQUIRE(in);
  std::set<std::tuple<std::string, std::string, std::string>> out;
  std::string line;
  bool in_section = false;
  std::string status;
  auto cells = [](const std::string& row) {
    std::vector<std::string> parts;
    std::stringstream ss(row.substr(1));
    std::string cell;
    while (std::getline(ss, cell, '|')) {
      const size_t b = cell.find_first_not_of(' ');
      const size_t e = cell.find_last_not_of(' ');
      parts.push_back(b == std::string::npos ? "" : cell.substr(b, e - b + 1));
    }
    return parts;
  };
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0) in_section = line == "## Keywords";
    if (!in_section || line.rfind("|", 0) != 0 || line.rfind("|---", 0) == 0) continue;
    const std::vector<std::string> row = cells(line);
    REQUIRE(row.size() >= 2);
    if (row[0] == "Block") {  // a header names the table that follows
      status = row[1] == "Keyword" ? "supported" : row[1] == "Ignored keywords" ? "ignored" : "";
      REQUIRE_FALSE(status.empty());
      continue;
    }
    // Every `code span` of the keyword column.
    const std::string& column = row[1];
    for (size_t open = column.find('`'); open != std::string::npos;) {
      const size_t close = column.find('`', open + 1);
      REQUIRE(close != std::string::npos);
      out.insert({row[0], column.substr(open + 1, close - open - 1), status});
      open = column.find('`', close + 1);
    }
  }
  return out;
}

TEST_CASE("examples/vrrpd/README.md documents exactly the keywords of KeywordTable") {
  const auto documented = DocumentedKeywords();
  std::set<std::tuple<std::string, std::string, std::string>> table;
  for (const KeywordInfo& k : KeywordTable()) {
    table.insert(
        {std::string(k.block), std::string(k.keyword), std::string(KeywordStatusName(k.status))});
  }
  REQUIRE(table.size() == KeywordTable().size());
  for (const auto& [block, keyword, status] : table) {
    INFO("in KeywordTable, not in the README: " << block << " " << keyword << " " << status);
    CHECK(documented.count({block, keyword, status}) == 1);
  }
  for (const auto& [block, keyword, status] : documented) {
    INFO("in the README, not in KeywordTable: " << block << " " << keyword << " " << status);
    CHECK(table.count({block, keyword, status}) == 1);
  }
}

}  // namespace
}  // namespace vrrp::config
