// What the configuration fuzzers (config_fuzz, config_include_fuzz) check of every parse: a
// refusal is a kInvalidArgument carrying its ConfigError at a line, saying what the message
// says; an accepted configuration holds only instances that the core accepts too (with a
// source address filled in where the driver would take the interface's).
#ifndef VRRP_FUZZ_CONFIG_ORACLE_H_
#define VRRP_FUZZ_CONFIG_ORACLE_H_

#include <cstdio>
#include <cstdlib>
#include <optional>

#include "vrrp/config/config.h"
#include "vrrp/instance.h"

namespace vrrp::fuzz {

inline void CheckParseResult(const absl::StatusOr<config::Configuration>& conf) {
  auto fail = [](const char* what) {
    std::fprintf(stderr, "config oracle: %s\n", what);
    std::abort();
  };
  if (!conf.ok()) {
    if (conf.status().code() != absl::StatusCode::kInvalidArgument) fail("not kInvalidArgument");
    const std::optional<config::ConfigError> error = config::ConfigErrorOf(conf.status());
    if (!error || error->where.line < 1 || ToString(*error) != conf.status().message()) {
      fail("a refusal without its ConfigError");
    }
    return;
  }
  for (const config::VrrpInstance& vi : conf->instances) {
    InstanceConfig check = vi.config;
    if (check.router.primary_address.IsUnspecified() ||
        check.router.primary_address.family() != check.router.family) {
      check.router.primary_address = check.router.family == Family::kIPv4
                                         ? IpAddress::V4(192, 0, 2, 254)
                                         : *IpAddress::Parse("fe80::1");
    }
    if (!ValidateInstanceConfig(check).ok()) fail("an instance the core refuses");
  }
}

}  // namespace vrrp::fuzz

#endif  // VRRP_FUZZ_CONFIG_ORACLE_H_
