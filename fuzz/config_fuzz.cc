// libFuzzer target for the keepalived.conf parser: the input is a whole configuration file, read
// from memory (ParseString with an empty MemoryFileSource, so `include` never touches the disk).
// The parser must return a Configuration or an error for any bytes, never crash or hang; an error
// must carry its ConfigError, and an accepted configuration hold only instances that the core
// accepts too.
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "vrrp/config/config.h"
#include "vrrp/instance.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  vrrp::config::MemoryFileSource files;
  // An include of the file itself exercises cycle detection.
  files.Add("fuzz/keepalived.conf", std::string(text));
  for (bool strict : {false, true}) {
    vrrp::config::ParseOptions options;
    options.strict = strict;
    options.files = &files;
    auto conf = vrrp::config::ParseString(text, "fuzz/keepalived.conf", options);
    if (!conf.ok()) {
      if (conf.status().code() != absl::StatusCode::kInvalidArgument) std::abort();
      // Every refusal is a structured error at a line, saying what the message says.
      const std::optional<vrrp::config::ConfigError> error =
          vrrp::config::ConfigErrorOf(conf.status());
      if (!error || error->where.line < 1 || ToString(*error) != conf.status().message()) {
        std::abort();
      }
      continue;
    }
    for (const vrrp::config::VrrpInstance& vi : conf->instances) {
      vrrp::InstanceConfig check = vi.config;
      if (check.router.primary_address.IsUnspecified() ||
          check.router.primary_address.family() != check.router.family) {
        check.router.primary_address = check.router.family == vrrp::Family::kIPv4
                                           ? vrrp::IpAddress::V4(192, 0, 2, 254)
                                           : *vrrp::IpAddress::Parse("fe80::1");
      }
      if (!vrrp::ValidateInstanceConfig(check).ok()) std::abort();
    }
  }
  return 0;
}
