#include "vrrp/codec.h"

#include <array>
#include <bit>
#include <cstring>
#include <type_traits>

#include "absl/status/status.h"
#include "checksum_impl.h"
#include "fmt/format.h"
#include "vrrp/ah.h"

namespace vrrp {
namespace {

using checksum_internal::FoldToNetwork;
using checksum_internal::NetworkWordToNative;
using checksum_internal::SumAddress;
using checksum_internal::SumNative;
using checksum_internal::SumVerifies;

constexpr uint8_t kTypeAdvertisement = 1;  // RFC 5798 §5.2.2, RFC 3768 §5.3.2
constexpr size_t kV4AddressSize = 4;
constexpr size_t kV6AddressSize = 16;
constexpr int64_t kV2MaxIntervalSeconds = 255;  // one octet of seconds, RFC 3768 §5.3.7
constexpr int64_t kV3MaxIntervalCs = 0x0fff;    // 12 bits of centiseconds, RFC 5798 §5.2.7

size_t AddressSize(Family family) {
  return family == Family::kIPv4 ? kV4AddressSize : kV6AddressSize;
}

// The pseudo-header of RFC 5798 §5.2.8 as a native-order sum: the two addresses, then protocol
// and length, whose sum is the same for the IPv4 (RFC 768) and IPv6 (RFC 8200 §8.1) layouts.
inline uint64_t PseudoHeaderNative(const IpAddress& source, const IpAddress& destination,
                                   size_t length) {
  return SumAddress(source) + SumAddress(destination) +
         NetworkWordToNative(kIpProtocolVrrp + static_cast<uint32_t>(length));
}

// Writes an address into its slot of the list, in place. Building it with IpAddress::V4 /
// FromV6Bytes (or std::bit_cast) and assigning costs a store-forwarding stall per address: the
// compiler assembles the 17 bytes on the stack with narrow stores, then copies them with a wide
// load. That tripled the decode time of a 16-address advert. IpAddress is trivially copyable, so
// setting its object representation with memcpy / memset is defined; the layout this relies on
// is checked at compile time here, so a change to IpAddress breaks the build, not the decoder.
using AddressRepresentation = std::array<uint8_t, sizeof(IpAddress)>;
static_assert(std::is_trivially_copyable_v<IpAddress>);
static_assert(sizeof(IpAddress) == 1 + 16, "IpAddress: a family byte, then 16 address bytes");
static_assert(std::bit_cast<AddressRepresentation>(IpAddress::V4(192, 0, 2, 3)) ==
                  AddressRepresentation{static_cast<uint8_t>(Family::kIPv4), 192, 0, 2, 3},
              "IpAddress layout changed: update StoreAddress");

template <size_t kSize>
inline void StoreAddress(IpAddress* slot, const uint8_t* bytes) {
  static_assert(kSize == kV4AddressSize || kSize == kV6AddressSize);
  constexpr auto kFamily =
      static_cast<uint8_t>(kSize == kV4AddressSize ? Family::kIPv4 : Family::kIPv6);
  auto* raw = reinterpret_cast<unsigned char*>(slot);
  std::memcpy(raw, &kFamily, 1);
  std::memcpy(raw + 1, bytes, kSize);
  if constexpr (kSize < kV6AddressSize) std::memset(raw + 1 + kSize, 0, kV6AddressSize - kSize);
}

}  // namespace

IpAddress MulticastGroup(Family family) {
  // RFC 5798 §5.1.2.2 (IPv6), §5.1.1.2 (IPv4).
  return family == Family::kIPv4 ? kMulticastGroupV4 : kMulticastGroupV6;
}

DropReason DecodeAdvertisement(absl::Span<const uint8_t> packet_payload, const ReceiveInfo& info,
                               const DecodeOptions& options, Advertisement& out) {
  // AH (ah.h): its header first; the message inside is checked as any other, and the ICV at the
  // authentication step below.
  const bool ah = info.protocol == kIpProtocolAh;
  AhReceived ah_fields;
  absl::Span<const uint8_t> payload = packet_payload;
  if (ah) {
    if (DropReason r = UnwrapAh(info.ip_header, packet_payload, nullptr, false, ah_fields);
        r != DropReason::kNone) {
      return r;
    }
    payload = ah_fields.vrrp_message;
  }
  const size_t size = payload.size();
  if (size < kHeaderSize) return DropReason::kTooShort;
  const uint8_t* p = payload.data();
  const Family family = info.source.family();

  // Version, RFC 5798 §7.1 / RFC 3768 §7.1. VRRPv2 exists for IPv4 only (RFC 3768 §1).
  const unsigned version = p[0] >> 4;
  if (version != 2 && version != 3) return DropReason::kVersion;
  if (options.version.has_value() && static_cast<unsigned>(*options.version) != version) {
    return DropReason::kVersion;
  }
  if (version == 2 && family != Family::kIPv4) return DropReason::kVersion;

  if ((p[0] & 0x0f) != kTypeAdvertisement) return DropReason::kType;

  // Checksum: v2 over the message (RFC 3768 §5.3.8), v3 with the pseudo-header in front
  // (RFC 5798 §5.2.8). One pass over the bytes; the message-only sum is looked at again only
  // for a v3 IPv4 packet that fails with the pseudo-header.
  const uint64_t message_sum = SumNative(p, size);
  if (version == 2) {
    if (!SumVerifies(message_sum)) return DropReason::kChecksum;
  } else if (!SumVerifies(message_sum + PseudoHeaderNative(info.source, info.destination, size))) {
    // Some implementations read §5.2.8 as leaving the pseudo-header out for IPv4.
    const bool without_ok = family == Family::kIPv4 &&
                            options.accept_v3_ipv4_without_pseudo_header &&
                            SumVerifies(message_sum);
    if (!without_ok) return DropReason::kChecksum;
  }

  // The length must match the address count exactly (RFC 5798 §7.1, RFC 3768 §7.1): v2 has
  // 8 bytes of authentication data after the addresses (RFC 3768 §5.3.10).
  const size_t count = p[3];
  const size_t address_size = AddressSize(family);
  const size_t expected = kHeaderSize + count * address_size + (version == 2 ? kV2AuthDataSize : 0);
  if (size != expected) return DropReason::kLength;

  // RFC 5798 §7.1: a TTL / hop limit other than 255 means the packet crossed a router.
  if (info.ttl != kVrrpTtl) return DropReason::kTtl;

  if (version == 2) {
    // RFC 2338 §5.3.6 defines types 0..2; anything else is malformed whatever we are
    // configured with, and AuthType could not represent it.
    const uint8_t auth = p[4];
    if (auth > static_cast<uint8_t>(AuthType::kAh)) return DropReason::kInvalidAuthType;
    if (options.auth_type.has_value()) {
      if (auth != static_cast<uint8_t>(*options.auth_type)) return DropReason::kAuthTypeMismatch;
      // AH is the IP protocol, not the field alone: a plain packet saying "AH" is not one.
      if ((*options.auth_type == AuthType::kAh) != ah) return DropReason::kAuthTypeMismatch;
      // RFC 2338 §5.3.6.2: the key travels in clear in the authentication data.
      if (*options.auth_type == AuthType::kPass &&
          !options.pass_key.Matches(payload.subspan(size - kV2AuthDataSize))) {
        return DropReason::kAuthFailure;
      }
      // RFC 2338 §5.3.6.3: the HMAC over the packet, keyed with the password.
      if (ah) {
        const bool unicast = !info.destination.IsMulticast();
        if (DropReason r =
                UnwrapAh(info.ip_header, packet_payload, &options.pass_key, unicast, ah_fields);
            r != DropReason::kNone) {
          return r;
        }
      }
    }
    out.version = Version::kV2;
    out.auth_type = static_cast<AuthType>(auth);
    out.ah_sequence = ah ? ah_fields.sequence : 0;
    out.interval = Centiseconds::FromSeconds(p[5]);  // RFC 3768 §5.3.7: seconds
  } else {
    // VRRPv3 has no authentication (RFC 5798 §9): AH around it is nothing we know.
    if (ah) return DropReason::kAuthTypeMismatch;
    out.version = Version::kV3;
    out.auth_type = AuthType::kNone;
    out.ah_sequence = 0;
    // RFC 5798 §5.2.7: 4 reserved bits (ignored on receive), 12 bits of centiseconds.
    out.interval = Centiseconds(((p[4] & 0x0f) << 8) | p[5]);
  }
  out.family = family;
  out.vrid = p[1];
  out.priority = p[2];

  // resize(), not clear(): InlinedVector::clear() frees a heap buffer, resize() keeps it.
  if (out.addresses.size() != count) out.addresses.resize(count);
  IpAddress* dst = out.addresses.data();
  const uint8_t* a = p + kHeaderSize;
  if (family == Family::kIPv4) {
    for (size_t i = 0; i < count; ++i, a += kV4AddressSize)
      StoreAddress<kV4AddressSize>(dst + i, a);
  } else {
    for (size_t i = 0; i < count; ++i, a += kV6AddressSize)
      StoreAddress<kV6AddressSize>(dst + i, a);
  }
  return DropReason::kNone;
}

size_t EncodedSize(const Advertisement& adv) {
  return kHeaderSize + adv.addresses.size() * AddressSize(adv.family) +
         (adv.version == Version::kV2 ? kV2AuthDataSize : 0);
}

absl::StatusOr<size_t> EncodeAdvertisement(const Advertisement& adv, const EncodeOptions& options,
                                           absl::Span<uint8_t> out) {
  if (adv.version != Version::kV2 && adv.version != Version::kV3) {
    return absl::InvalidArgumentError(
        fmt::format("version {} is neither 2 nor 3", static_cast<int>(adv.version)));
  }
  if (adv.family != Family::kIPv4 && adv.family != Family::kIPv6) {
    return absl::InvalidArgumentError(
        fmt::format("family {} is neither IPv4 nor IPv6", static_cast<int>(adv.family)));
  }
  const bool v2 = adv.version == Version::kV2;
  if (v2 && adv.family != Family::kIPv4) {
    return absl::InvalidArgumentError("version 2 with family IPv6: VRRPv2 is IPv4 only");
  }
  if (adv.addresses.size() > kMaxAddressCount) {
    return absl::InvalidArgumentError(
        fmt::format("addresses: {} of them, the count field holds at most {}", adv.addresses.size(),
                    kMaxAddressCount));
  }
  for (size_t i = 0; i < adv.addresses.size(); ++i) {
    if (adv.addresses[i].family() != adv.family) {
      return absl::InvalidArgumentError(fmt::format(
          "addresses[{}] {} is {} but the advertisement's family is {}", i, adv.addresses[i],
          FamilyName(adv.addresses[i].family()), FamilyName(adv.family)));
    }
  }
  const int64_t cs = adv.interval.count();
  if (v2) {
    if (cs % 100 != 0 || cs < 100 || cs > kV2MaxIntervalSeconds * 100) {
      return absl::InvalidArgumentError(
          fmt::format("interval {}: VRRPv2 carries whole seconds in 1..{} s", adv.interval,
                      kV2MaxIntervalSeconds));
    }
    if (adv.auth_type != AuthType::kNone && adv.auth_type != AuthType::kPass &&
        adv.auth_type != AuthType::kAh) {
      return absl::InvalidArgumentError(fmt::format(
          "auth_type {} is not 0 (none), 1 (PASS) or 2 (AH)", static_cast<int>(adv.auth_type)));
    }
  } else {
    if (cs < 1 || cs > kV3MaxIntervalCs) {
      return absl::InvalidArgumentError(
          fmt::format("interval {}: VRRPv3 carries 1..{} cs", adv.interval, kV3MaxIntervalCs));
    }
    if (adv.auth_type != AuthType::kNone) {
      return absl::InvalidArgumentError(fmt::format(
          "auth_type {}: VRRPv3 has no authentication (RFC 5798 §9)", AuthTypeName(adv.auth_type)));
    }
  }
  const bool pseudo_header = !v2 && (adv.family == Family::kIPv6 || options.v3_ipv4_pseudo_header);
  if (pseudo_header) {
    // The pseudo-header is built from these: a family mix-up would send a bad checksum.
    if (options.source.family() != adv.family) {
      return absl::InvalidArgumentError(
          fmt::format("options.source {} is {} but the advertisement's family is {}",
                      options.source, FamilyName(options.source.family()), FamilyName(adv.family)));
    }
    if (options.destination.family() != adv.family) {
      return absl::InvalidArgumentError(fmt::format(
          "options.destination {} is {} but the advertisement's family is {}", options.destination,
          FamilyName(options.destination.family()), FamilyName(adv.family)));
    }
  }
  const size_t size = EncodedSize(adv);
  if (out.size() < size) {
    return absl::ResourceExhaustedError(
        fmt::format("output buffer of {} bytes is too small for {}", out.size(), size));
  }

  uint8_t* p = out.data();
  p[0] = static_cast<uint8_t>((static_cast<uint8_t>(adv.version) << 4) | kTypeAdvertisement);
  p[1] = adv.vrid;
  p[2] = adv.priority;
  p[3] = static_cast<uint8_t>(adv.addresses.size());
  if (v2) {
    p[4] = static_cast<uint8_t>(adv.auth_type);
    p[5] = static_cast<uint8_t>(cs / 100);
  } else {
    p[4] = static_cast<uint8_t>(cs >> 8);  // the reserved high 4 bits are zero
    p[5] = static_cast<uint8_t>(cs & 0xff);
  }
  p[6] = 0;
  p[7] = 0;
  uint8_t* a = p + kHeaderSize;
  const size_t address_size = AddressSize(adv.family);
  for (const IpAddress& ip : adv.addresses) {
    std::memcpy(a, ip.bytes().data(), address_size);
    a += address_size;
  }
  if (v2) {
    // RFC 2338 §5.3.6.2: the PASS key, zero-padded; RFC 3768 §5.3.10: zero without auth.
    if (adv.auth_type == AuthType::kPass) {
      std::memcpy(a, options.pass_key.wire_bytes().data(), kV2AuthDataSize);
    } else {
      std::memset(a, 0, kV2AuthDataSize);
    }
  }

  uint64_t native = SumNative(p, size);
  if (pseudo_header) native += PseudoHeaderNative(options.source, options.destination, size);
  const auto checksum = static_cast<uint16_t>(~FoldToNetwork(native));
  p[6] = static_cast<uint8_t>(checksum >> 8);
  p[7] = static_cast<uint8_t>(checksum & 0xff);
  return size;
}

}  // namespace vrrp
