#include "vrrp/ip_address.h"

#include <arpa/inet.h>  // inet_pton / inet_ntop: pure conversions, no system call

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "fmt/format.h"

namespace vrrp {

std::string_view FamilyName(Family family) { return family == Family::kIPv4 ? "IPv4" : "IPv6"; }

absl::StatusOr<IpAddress> IpAddress::FromBytes(absl::Span<const uint8_t> bytes) {
  if (bytes.size() == 4) return FromV4Bytes(bytes.data());
  if (bytes.size() == 16) return FromV6Bytes(bytes.data());
  return absl::InvalidArgumentError(
      fmt::format("an IP address is 4 or 16 bytes, not {}", bytes.size()));
}

IpAddress IpAddress::FromV4Bytes(const uint8_t* bytes) {
  IpAddress ip;
  std::memcpy(ip.bytes_.data(), bytes, 4);
  return ip;
}

IpAddress IpAddress::FromV6Bytes(const uint8_t* bytes) {
  IpAddress ip;
  ip.family_ = Family::kIPv6;
  std::memcpy(ip.bytes_.data(), bytes, 16);
  return ip;
}

absl::StatusOr<IpAddress> IpAddress::Parse(std::string_view text) {
  // inet_pton needs a NUL-terminated string; anything longer than an IPv6 text is not one.
  char buf[INET6_ADDRSTRLEN + 1];
  if (text.empty() || text.size() >= sizeof(buf)) {
    return absl::InvalidArgumentError(fmt::format("'{}' is not an IP address", text));
  }
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  uint8_t bytes[16];
  if (inet_pton(AF_INET, buf, bytes) == 1) return FromV4Bytes(bytes);
  if (inet_pton(AF_INET6, buf, bytes) == 1) return FromV6Bytes(bytes);
  return absl::InvalidArgumentError(fmt::format("'{}' is not an IP address", text));
}

bool IpAddress::IsMulticast() const {
  return is_v4() ? (bytes_[0] & 0xf0) == 0xe0 : bytes_[0] == 0xff;
}

bool IpAddress::IsLinkLocal() const {
  return is_v4() ? (bytes_[0] == 169 && bytes_[1] == 254)
                 : (bytes_[0] == 0xfe && (bytes_[1] & 0xc0) == 0x80);
}

bool IpAddress::IsUnspecified() const {
  for (uint8_t b : bytes()) {
    if (b != 0) return false;
  }
  return true;
}

std::string IpAddress::ToString() const {
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(is_v4() ? AF_INET : AF_INET6, bytes_.data(), buf, sizeof(buf));
  return buf;
}

absl::StatusOr<IpPrefix> IpPrefix::Parse(std::string_view text) {
  const size_t slash = text.find('/');
  absl::StatusOr<IpAddress> ip = IpAddress::Parse(text.substr(0, slash));
  if (!ip.ok()) return absl::InvalidArgumentError(fmt::format("'{}' is not an address", text));
  IpPrefix prefix;
  prefix.address = *ip;
  const int max = ip->is_v4() ? 32 : 128;
  prefix.prefix_len = max;
  if (slash == std::string_view::npos) return prefix;
  // Debian's Abseil has its own string_view (docs/DESIGN.md), hence the conversion.
  const std::string_view length = text.substr(slash + 1);
  int n = -1;
  if (!absl::SimpleAtoi(absl::string_view(length.data(), length.size()), &n) || n < 0 || n > max) {
    return absl::OutOfRangeError(
        fmt::format("prefix length '{}' of {} is out of range 0..{}", length, *ip, max));
  }
  prefix.prefix_len = n;
  prefix.has_length = true;
  return prefix;
}

std::string IpPrefix::ToString() const { return fmt::format("{}/{}", address, prefix_len); }

absl::StatusOr<MacAddress> MacAddress::Parse(std::string_view text) {
  auto bad = [&] {
    return absl::InvalidArgumentError(fmt::format("'{}' is not a MAC address", text));
  };
  // Exactly "xx?xx?xx?xx?xx?xx" with ? one of ':' '-'.
  if (text.size() != 17) return bad();
  std::array<uint8_t, 6> bytes{};
  for (size_t i = 0; i < 6; ++i) {
    if (i > 0 && text[3 * i - 1] != ':' && text[3 * i - 1] != '-') return bad();
    int value = 0;
    for (char c : text.substr(3 * i, 2)) {
      if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return bad();
      value = value * 16 + (absl::ascii_isdigit(static_cast<unsigned char>(c))
                                ? c - '0'
                                : absl::ascii_tolower(static_cast<unsigned char>(c)) - 'a' + 10);
    }
    bytes[i] = static_cast<uint8_t>(value);
  }
  return MacAddress(bytes);
}

std::string MacAddress::ToString() const {
  return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", bytes_[0], bytes_[1], bytes_[2],
                     bytes_[3], bytes_[4], bytes_[5]);
}

}  // namespace vrrp
