// PassKey: the VRRPv2 simple-text password (keepalived's `auth_type PASS`).
//
// RFC 2338 §5.3.6.2 / §10.2 define auth type 1: the key travels in clear in the 8-byte
// Authentication Data field, zero-padded. RFC 3768 §5.3.6 later reserved the type, but keepalived
// still sends and checks it, so we do too. It stops accidents (two clusters with the same VRID on
// one LAN), not attackers; it is still a secret in our logs: it never formats as its value.
//
//   auto key = vrrp::PassKey::Create("1111");   // absl::StatusOr<PassKey>
//   bool ok = key->Matches(received_auth_data); // constant-time
//   fmt::print("{}", *key);                     // prints <redacted>
#ifndef VRRP_PASS_KEY_H_
#define VRRP_PASS_KEY_H_

#include <array>
#include <cstdint>
#include <ostream>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "fmt/format.h"

namespace vrrp {

class PassKey {
 public:
  static constexpr size_t kSize = 8;  // RFC 2338 §5.3.6.2: 8 octets

  // All zeros: what a sender puts in the field when the password is empty.
  PassKey() = default;

  // 0 to 8 bytes. Longer is kInvalidArgument here (keepalived truncates with a warning: the
  // configuration layer does that and says so, the core does not guess).
  static absl::StatusOr<PassKey> Create(std::string_view password);

  // Compares against the 8 bytes received, in time that does not depend on where they differ.
  // A span of any other size never matches.
  bool Matches(absl::Span<const uint8_t> auth_data) const;

  // The 8 bytes to put on the wire.
  const std::array<uint8_t, kSize>& wire_bytes() const { return bytes_; }

  // Constant-time too, for configuration reloads that compare keys.
  friend bool operator==(const PassKey& a, const PassKey& b) { return a.Matches(b.bytes_); }

 private:
  std::array<uint8_t, kSize> bytes_{};
};

// Never prints the key.
inline std::ostream& operator<<(std::ostream& os, const PassKey&) { return os << "<redacted>"; }

}  // namespace vrrp

template <>
struct fmt::formatter<vrrp::PassKey> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(const vrrp::PassKey&, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format("<redacted>", ctx);
  }
};

#endif  // VRRP_PASS_KEY_H_
