// Fuzz-ish robustness: truncations and byte flips of the sample files never crash and always give
// either a whole Configuration (whose instances the core accepts) or a kInvalidArgument with a
// file:line message. Deterministic (a fixed seed), so a failure reproduces.
#include <catch2/catch.hpp>
#include <random>
#include <string>

#include "vrrp/config/config.h"

namespace vrrp::config {
namespace {

const std::string kDataDir = std::string(VRRP_VECTORS_DIR) + "/../config/data";

std::string Load(const std::string& name) {
  DiskFileSource disk;
  absl::StatusOr<std::string> text = disk.Read(kDataDir + "/" + name);
  REQUIRE(text.ok());
  return *text;
}

// Parses `text` as conf.d/main.conf next to the sample files (so includes resolve in memory) and
// checks the outcome is one of the two allowed ones.
void CheckParses(const std::string& text, MemoryFileSource& files, bool strict) {
  ParseOptions options;
  options.files = &files;
  options.strict = strict;
  absl::StatusOr<Configuration> conf = ParseString(text, "data/main.conf", options);
  if (!conf.ok()) {
    INFO(conf.status().ToString());
    REQUIRE(conf.status().code() == absl::StatusCode::kInvalidArgument);
    // "FILE:LINE: message" with a positive line.
    const std::string message(conf.status().message());
    const size_t colon = message.find(".conf:");
    REQUIRE(colon != std::string::npos);
    REQUIRE(std::isdigit(static_cast<unsigned char>(message[colon + 6])));
    REQUIRE(message[colon + 6] != '0');
    // And the same as a structured error.
    const std::optional<ConfigError> error = ConfigErrorOf(conf.status());
    REQUIRE(error.has_value());
    REQUIRE(ToString(*error) == message);
    REQUIRE(error->where.line > 0);
    return;
  }
  for (const VrrpInstance& vi : conf->instances) {
    InstanceConfig check = vi.config;
    if (check.router.primary_address.IsUnspecified() ||
        check.router.primary_address.family() != check.router.family) {
      check.router.primary_address = check.router.family == Family::kIPv4
                                         ? IpAddress::V4(192, 0, 2, 254)
                                         : *IpAddress::Parse("fe80::1");
    }
    INFO(vi.config.name);
    REQUIRE(ValidateInstanceConfig(check).ok());
    REQUIRE(vi.address_locations.size() == vi.config.addresses.size());
  }
}

TEST_CASE("Truncated and corrupted sample files never crash") {
  const std::vector<std::string> names = {"lb-5.conf", "lb-6.conf", "v3-ipv4.conf", "v3-ipv6.conf",
                                          "main-include.conf"};
  MemoryFileSource files;
  for (const std::string& name : names) files.Add("data/" + name, Load(name));
  files.Add("data/conf.d/10-script.conf", Load("conf.d/10-script.conf"));
  files.Add("data/conf.d/20-instance.conf", Load("conf.d/20-instance.conf"));
  files.Add("data/addresses.inc", Load("addresses.inc"));
  files.Add("data/self.conf", "include self.conf\n");

  std::mt19937 rng(20261130);
  const std::string specials = "{}\"#!\n \t/.:0123456789abcdef";
  int parsed = 0;
  int refused = 0;
  for (const std::string& name : names) {
    const std::string original = Load(name);
    // Every truncation.
    for (size_t n = 0; n <= original.size(); ++n) {
      CheckParses(original.substr(0, n), files, false);
    }
    // Random corruptions: flips, syntax characters, deletions, duplications.
    for (int round = 0; round < 1500; ++round) {
      std::string text = original;
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits && !text.empty(); ++e) {
        const size_t at = rng() % text.size();
        switch (rng() % 5) {
          case 0:
            text[at] = static_cast<char>(text[at] ^ (1 << (rng() % 8)));
            break;
          case 1:
            text[at] = specials[rng() % specials.size()];
            break;
          case 2:
            text.erase(at, 1 + rng() % 8);
            break;
          case 3:
            text.insert(at, text.substr(at, rng() % 40));
            break;
          default:
            text.insert(at, "include self.conf\n");
            break;
        }
      }
      ParseOptions options;
      options.files = &files;
      absl::StatusOr<Configuration> conf = ParseString(text, "data/main.conf", options);
      (conf.ok() ? parsed : refused)++;
      CheckParses(text, files, round % 2 == 1);
    }
  }
  // Both outcomes were exercised, so the checks above checked something.
  CHECK(parsed > 100);
  CHECK(refused > 100);
}

TEST_CASE("Odd inputs: empty, only comments, NUL bytes, huge numbers, deep blocks") {
  MemoryFileSource files;
  CheckParses("", files, false);
  CheckParses("# nothing\n! at all\n", files, false);
  CheckParses(std::string("vrrp_instance \0 {\n}\n", 20), files, false);
  CheckParses("vrrp_instance VI_1 { advert_int 99999999999999999999.5 }", files, false);
  CheckParses("vrrp_instance VI_1 { advert_int 1.0000000000000000000001 }", files, false);
  CheckParses(std::string(100000, '{'), files, false);
  CheckParses("foo " + std::string(100000, '{') + std::string(100000, '}'), files, false);
  CheckParses(std::string(100000, '}'), files, false);
  CheckParses(std::string(10000, '"'), files, false);
  CheckParses("\r\n\r\n\xff\xfe", files, false);
}

}  // namespace
}  // namespace vrrp::config
