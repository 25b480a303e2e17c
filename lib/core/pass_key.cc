#include "vrrp/pass_key.h"

#include <cstring>

#include "absl/status/status.h"

namespace vrrp {

absl::StatusOr<PassKey> PassKey::Create(std::string_view password) {
  if (password.size() > kSize) {
    // The message names the length only: the password itself is a secret.
    return absl::InvalidArgumentError(
        fmt::format("a PASS key is at most {} bytes; this one has {}", kSize, password.size()));
  }
  PassKey key;
  std::memcpy(key.bytes_.data(), password.data(), password.size());
  return key;
}

bool PassKey::Matches(absl::Span<const uint8_t> auth_data) const {
  if (auth_data.size() != kSize) return false;
  // One 64-bit XOR: no loop, so nothing for the time to depend on and nothing for a compiler to
  // turn into an early-exit memcmp.
  uint64_t ours;
  uint64_t theirs;
  std::memcpy(&ours, bytes_.data(), kSize);
  std::memcpy(&theirs, auth_data.data(), kSize);
  return (ours ^ theirs) == 0;
}

}  // namespace vrrp
