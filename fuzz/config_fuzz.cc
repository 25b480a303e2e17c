// libFuzzer target for the keepalived.conf parser: the input is a whole configuration file, read
// from memory (ParseString with an empty MemoryFileSource, so `include` never touches the disk).
// The parser must return a Configuration or an error for any bytes, never crash or hang; an error
// must carry its ConfigError, and an accepted configuration hold only instances that the core
// accepts too (config_oracle.h).
#include <cstdint>
#include <string>
#include <string_view>

#include "config_oracle.h"
#include "vrrp/config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  vrrp::config::MemoryFileSource files;
  // An include of the file itself exercises cycle detection.
  files.Add("fuzz/keepalived.conf", std::string(text));
  for (bool strict : {false, true}) {
    vrrp::config::ParseOptions options;
    options.strict = strict;
    options.files = &files;
    vrrp::fuzz::CheckParseResult(vrrp::config::ParseString(text, "fuzz/keepalived.conf", options));
  }
  return 0;
}
