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
  // Accumulate every difference so that the time taken does not tell where the first one was.
  // volatile keeps the compiler from turning the loop into an early-exit memcmp.
  volatile uint8_t diff = 0;
  for (size_t i = 0; i < kSize; ++i) diff = diff | (bytes_[i] ^ auth_data[i]);
  return diff == 0;
}

}  // namespace vrrp
