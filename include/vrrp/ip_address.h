// Value types for the addresses VRRP deals in: IPv4 / IPv6 addresses and Ethernet MACs.
//
// They are small, trivially copyable and ordered the way RFC 5798 §6.4.3 compares primary
// addresses (as unsigned integers in network byte order), so the election can use `<`.
//
//   auto vip = vrrp::IpAddress::Parse("192.0.2.3");       // absl::StatusOr<IpAddress>
//   if (vip.ok() && vip->family() == vrrp::Family::kIPv4) { ... }
//   fmt::print("{}\n", *vip);                               // 192.0.2.3
//   vrrp::MacAddress mac = vrrp::VirtualMac(vrrp::Family::kIPv4, 50);  // 00:00:5e:00:01:32
//   auto net = vrrp::IpPrefix::Parse("192.0.2.3/24");     // address 192.0.2.3, prefix_len 24
#ifndef VRRP_IP_ADDRESS_H_
#define VRRP_IP_ADDRESS_H_

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "fmt/format.h"

namespace vrrp {

enum class Family : uint8_t { kIPv4 = 4, kIPv6 = 6 };

std::string_view FamilyName(Family family);  // "IPv4" or "IPv6"

class IpAddress {
 public:
  // The IPv4 unspecified address 0.0.0.0.
  constexpr IpAddress() = default;

  static constexpr IpAddress V4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
    IpAddress ip;
    ip.bytes_ = {a, b, c, d};
    return ip;
  }
  static constexpr IpAddress V6(const std::array<uint8_t, 16>& bytes) {
    IpAddress ip;
    ip.family_ = Family::kIPv6;
    ip.bytes_ = bytes;
    return ip;
  }
  // From 4 or 16 bytes in network order; any other size is kInvalidArgument.
  static absl::StatusOr<IpAddress> FromBytes(absl::Span<const uint8_t> bytes);
  // Unchecked variants for parsers that already validated the length.
  static IpAddress FromV4Bytes(const uint8_t* bytes);
  static IpAddress FromV6Bytes(const uint8_t* bytes);
  // Dotted quad or RFC 5952 text; no prefix, no zone.
  static absl::StatusOr<IpAddress> Parse(std::string_view text);

  constexpr Family family() const { return family_; }
  constexpr bool is_v4() const { return family_ == Family::kIPv4; }
  constexpr bool is_v6() const { return family_ == Family::kIPv6; }
  // 4 or 16 bytes in network order.
  absl::Span<const uint8_t> bytes() const {
    return absl::MakeConstSpan(bytes_.data(), is_v4() ? 4 : 16);
  }
  bool IsMulticast() const;
  bool IsLinkLocal() const;  // fe80::/10 (IPv6) or 169.254.0.0/16 (IPv4)
  bool IsUnspecified() const;

  std::string ToString() const;

  // IPv4 sorts before IPv6; within a family, numeric order in network byte order.
  constexpr auto operator<=>(const IpAddress&) const = default;

  // For absl::flat_hash_map / absl::Hash.
  template <typename H>
  friend H AbslHashValue(H h, const IpAddress& ip) {
    return H::combine(std::move(h), ip.family_, ip.bytes_);
  }

 private:
  Family family_ = Family::kIPv4;
  std::array<uint8_t, 16> bytes_{};  // IPv4 uses the first 4, the rest stay zero
};

// "ADDRESS[/PREFIX]", as keepalived's virtual_ipaddress and `ip addr` write an address with its
// prefix length. Without "/PREFIX" it is a host address (32 or 128), as `ip addr add` takes it.
struct IpPrefix {
  IpAddress address;
  int prefix_len = 32;      // 0..32 for IPv4, 0..128 for IPv6
  bool has_length = false;  // "/PREFIX" was written (else prefix_len is the host length)

  // The errors keep the two parts apart, so a caller can tell "not an address at all" from "an
  // address with a bad length" without reading the text:
  //   kInvalidArgument "'TEXT' is not an address"  (the part before the first '/')
  //   kOutOfRange      "prefix length 'P' of ADDRESS is out of range 0..MAX"  (not a decimal
  //                    number, as absl::SimpleAtoi reads one, or beyond the family's length)
  static absl::StatusOr<IpPrefix> Parse(std::string_view text);

  std::string ToString() const;  // "192.0.2.3/24", always with the length

  friend bool operator==(const IpPrefix&, const IpPrefix&) = default;
};

class MacAddress {
 public:
  constexpr MacAddress() = default;
  constexpr explicit MacAddress(std::array<uint8_t, 6> bytes) : bytes_(bytes) {}
  // "aa:bb:cc:dd:ee:ff" (case-insensitive, ':' or '-' separators).
  static absl::StatusOr<MacAddress> Parse(std::string_view text);

  constexpr const std::array<uint8_t, 6>& bytes() const { return bytes_; }
  std::string ToString() const;  // lower-case, ':'-separated
  constexpr auto operator<=>(const MacAddress&) const = default;

 private:
  std::array<uint8_t, 6> bytes_{};
};

// The virtual router MAC of RFC 5798 §7.3: 00-00-5E-00-01-{VRID} for IPv4,
// 00-00-5E-00-02-{VRID} for IPv6.
constexpr MacAddress VirtualMac(Family family, uint8_t vrid) {
  return MacAddress(
      {0x00, 0x00, 0x5e, 0x00, static_cast<uint8_t>(family == Family::kIPv4 ? 0x01 : 0x02), vrid});
}

}  // namespace vrrp

template <>
struct fmt::formatter<vrrp::IpAddress> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(const vrrp::IpAddress& ip, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format(ip.ToString(), ctx);
  }
};

template <>
struct fmt::formatter<vrrp::IpPrefix> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(const vrrp::IpPrefix& prefix, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format(prefix.ToString(), ctx);
  }
};

template <>
struct fmt::formatter<vrrp::MacAddress> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(const vrrp::MacAddress& mac, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format(mac.ToString(), ctx);
  }
};

#endif  // VRRP_IP_ADDRESS_H_
