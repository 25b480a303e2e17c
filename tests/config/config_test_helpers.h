// What the configuration tests share: a minimal instance around a body, and a parse that must
// succeed (its status printed when it does not).
#ifndef VRRP_TESTS_CONFIG_CONFIG_TEST_HELPERS_H_
#define VRRP_TESTS_CONFIG_CONFIG_TEST_HELPERS_H_

#include <catch2/catch.hpp>
#include <string>
#include <string_view>

#include "fmt/format.h"
#include "vrrp/config/config.h"

namespace vrrp::config::testing {

// vrrp_instance `name` with an interface, a VRID and a VIP, then `body`, which starts on line 5.
inline std::string Instance(std::string_view body, std::string_view name = "VI_1") {
  return fmt::format(
      "vrrp_instance {} {{\n"
      "  interface eth0\n"
      "  virtual_router_id 50\n"
      "  virtual_ipaddress {{ 192.0.2.3/24 }}\n"
      "{}\n"
      "}}\n",
      name, body);
}

// `text` parsed as the file `file`; REQUIREs that it parses.
inline Configuration MustParse(std::string_view text, const ParseOptions& options = {},
                               std::string_view file = "keepalived.conf") {
  absl::StatusOr<Configuration> conf = ParseString(text, std::string(file), options);
  INFO(conf.status().ToString());
  REQUIRE(conf.ok());
  return *std::move(conf);
}

}  // namespace vrrp::config::testing

#endif  // VRRP_TESTS_CONFIG_CONFIG_TEST_HELPERS_H_
