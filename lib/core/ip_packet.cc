#include "vrrp/ip_packet.h"

#include <array>
#include <cstring>

#include "absl/status/status.h"
#include "fmt/format.h"
#include "vrrp/checksum.h"

namespace vrrp {
namespace {

constexpr size_t kEthernetHeaderSize = 14;  // destination, source, EtherType
constexpr size_t kVlanTagSize = 4;          // TCI, then the inner EtherType
constexpr size_t kSllHeaderSize = 16;       // DLT_LINUX_SLL (v1)

// IEEE 802.1Q customer tag, 802.1ad service tag, and the pre-standard QinQ value some switches
// still send: each is followed by a 2-byte TCI and the next EtherType.
constexpr uint16_t kEtherTypeVlan = 0x8100;
constexpr uint16_t kEtherTypeQinQ = 0x88a8;
constexpr uint16_t kEtherTypeQinQOld = 0x9100;

// IPv6 extension headers we skip (RFC 8200 §4.3, §4.4, §4.6), and the fragment header that
// means the datagram is not whole (§4.5).
constexpr uint8_t kIpv6HopByHop = 0;
constexpr uint8_t kIpv6Routing = 43;
constexpr uint8_t kIpv6Fragment = 44;
constexpr uint8_t kIpv6DestinationOptions = 60;

uint16_t Load16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
void Store16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}

bool IsVlanTag(uint16_t ether_type) {
  return ether_type == kEtherTypeVlan || ether_type == kEtherTypeQinQ ||
         ether_type == kEtherTypeQinQOld;
}

// Skips any stack of VLAN tags at the start of `rest`, whose EtherType so far is `ether_type`.
absl::Status SkipVlanTags(const char* what, uint16_t& ether_type, absl::Span<const uint8_t>& rest) {
  while (IsVlanTag(ether_type)) {
    if (rest.size() < kVlanTagSize) {
      return absl::InvalidArgumentError(
          fmt::format("{}: VLAN tag (EtherType 0x{:04x}) truncated: {} of {} bytes", what,
                      ether_type, rest.size(), kVlanTagSize));
    }
    ether_type = Load16(rest.data() + 2);
    rest.remove_prefix(kVlanTagSize);
  }
  return absl::OkStatus();
}

MacAddress MacAt(const uint8_t* p) {
  std::array<uint8_t, 6> bytes;
  std::memcpy(bytes.data(), p, bytes.size());
  return MacAddress(bytes);
}

absl::StatusOr<IpDatagram> ParseIpv4(absl::Span<const uint8_t> packet) {
  if (packet.size() < kIpv4HeaderSize) {
    return absl::InvalidArgumentError(fmt::format("IPv4 header truncated: {} of at least {} bytes",
                                                  packet.size(), kIpv4HeaderSize));
  }
  const uint8_t* p = packet.data();
  const size_t header_size = static_cast<size_t>(p[0] & 0x0f) * 4;
  if (header_size < kIpv4HeaderSize) {
    return absl::InvalidArgumentError(
        fmt::format("IPv4 header length {} bytes (IHL {}) is below the minimum of {}", header_size,
                    p[0] & 0x0f, kIpv4HeaderSize));
  }
  if (header_size > packet.size()) {
    return absl::InvalidArgumentError(fmt::format(
        "IPv4 header with options truncated: {} of {} bytes", packet.size(), header_size));
  }
  const size_t total_length = Load16(p + 2);
  if (total_length < header_size) {
    return absl::InvalidArgumentError(fmt::format(
        "IPv4 total length {} is shorter than its header ({} bytes)", total_length, header_size));
  }
  if (total_length > packet.size()) {
    return absl::InvalidArgumentError(fmt::format(
        "IPv4 total length {} exceeds the {} bytes captured", total_length, packet.size()));
  }
  // RFC 791 §3.1: MF set or a non-zero offset is a fragment. VRRP messages are far below any
  // MTU, so a fragment is not ours to reassemble.
  const uint16_t flags_offset = Load16(p + 6);
  if ((flags_offset & 0x3fff) != 0) {
    return absl::InvalidArgumentError(
        fmt::format("IPv4 fragment (more-fragments {}, offset {}) refused",
                    (flags_offset >> 13) & 1, (flags_offset & 0x1fff) * 8));
  }
  IpDatagram out;
  out.info.ttl = p[8];
  out.protocol = p[9];
  out.info.source = IpAddress::FromV4Bytes(p + 12);
  out.info.destination = IpAddress::FromV4Bytes(p + 16);
  // Ethernet pads short frames to 60 bytes: the payload ends where the IP length says.
  out.payload = packet.subspan(header_size, total_length - header_size);
  // AH (ah.h) covers the IP header with its ICV: the codec needs it as received.
  out.info.protocol = out.protocol;
  out.info.ip_header = packet.first(header_size);
  return out;
}

absl::StatusOr<IpDatagram> ParseIpv6(absl::Span<const uint8_t> packet) {
  if (packet.size() < kIpv6HeaderSize) {
    return absl::InvalidArgumentError(
        fmt::format("IPv6 header truncated: {} of {} bytes", packet.size(), kIpv6HeaderSize));
  }
  const uint8_t* p = packet.data();
  const size_t payload_length = Load16(p + 4);
  if (payload_length > packet.size() - kIpv6HeaderSize) {
    return absl::InvalidArgumentError(
        fmt::format("IPv6 payload length {} exceeds the {} bytes captured after the header",
                    payload_length, packet.size() - kIpv6HeaderSize));
  }
  IpDatagram out;
  out.info.ttl = p[7];
  out.info.source = IpAddress::FromV6Bytes(p + 8);
  out.info.destination = IpAddress::FromV6Bytes(p + 24);
  uint8_t next_header = p[6];
  absl::Span<const uint8_t> rest = packet.subspan(kIpv6HeaderSize, payload_length);
  // Each skipped header is at least 8 bytes, so this ends within payload_length / 8 rounds.
  while (next_header == kIpv6HopByHop || next_header == kIpv6Routing ||
         next_header == kIpv6DestinationOptions || next_header == kIpv6Fragment) {
    if (next_header == kIpv6Fragment) {
      return absl::InvalidArgumentError("IPv6 fragment header: fragments refused");
    }
    // RFC 8200 §4.3-§4.6: next header, then the length in 8-octet units past the first 8.
    if (rest.size() < 2) {
      return absl::InvalidArgumentError(fmt::format(
          "IPv6 extension header {} truncated: {} of at least 8 bytes", next_header, rest.size()));
    }
    const size_t length = (static_cast<size_t>(rest[1]) + 1) * 8;
    if (length > rest.size()) {
      return absl::InvalidArgumentError(fmt::format(
          "IPv6 extension header {} truncated: {} of {} bytes", next_header, rest.size(), length));
    }
    next_header = rest[0];
    rest.remove_prefix(length);
  }
  out.protocol = next_header;
  out.info.protocol = next_header;
  out.payload = rest;
  return out;
}

}  // namespace

absl::StatusOr<LinkFrame> ParseEthernet(absl::Span<const uint8_t> frame) {
  if (frame.size() < kEthernetHeaderSize) {
    return absl::InvalidArgumentError(fmt::format("Ethernet header truncated: {} of {} bytes",
                                                  frame.size(), kEthernetHeaderSize));
  }
  LinkFrame out;
  out.destination = MacAt(frame.data());
  out.source = MacAt(frame.data() + 6);
  out.ether_type = Load16(frame.data() + 12);
  absl::Span<const uint8_t> rest = frame.subspan(kEthernetHeaderSize);
  if (absl::Status s = SkipVlanTags("Ethernet", out.ether_type, rest); !s.ok()) return s;
  out.payload = rest;
  return out;
}

absl::StatusOr<LinkFrame> ParseLinuxSll(absl::Span<const uint8_t> frame) {
  if (frame.size() < kSllHeaderSize) {
    return absl::InvalidArgumentError(fmt::format(
        "Linux cooked (SLL) header truncated: {} of {} bytes", frame.size(), kSllHeaderSize));
  }
  // packet type (2), ARPHRD type (2), link-layer address length (2), address (8, padded),
  // protocol (2). The address is the sender's; there is no destination.
  LinkFrame out;
  const uint16_t address_length = Load16(frame.data() + 4);
  if (address_length == 6) out.source = MacAt(frame.data() + 6);
  out.ether_type = Load16(frame.data() + 14);
  absl::Span<const uint8_t> rest = frame.subspan(kSllHeaderSize);
  if (absl::Status s = SkipVlanTags("SLL", out.ether_type, rest); !s.ok()) return s;
  out.payload = rest;
  return out;
}

absl::StatusOr<IpDatagram> ParseIpDatagram(absl::Span<const uint8_t> packet) {
  if (packet.empty()) return absl::InvalidArgumentError("IP packet is empty");
  switch (packet[0] >> 4) {
    case 4:
      return ParseIpv4(packet);
    case 6:
      return ParseIpv6(packet);
    default:
      return absl::InvalidArgumentError(
          fmt::format("IP version {} is neither 4 nor 6", packet[0] >> 4));
  }
}

absl::Status WriteIpv4Header(const Ipv4Header& header, absl::Span<uint8_t> out) {
  if (!header.source.is_v4() || !header.destination.is_v4()) {
    return absl::InvalidArgumentError(
        fmt::format("IPv4 header from {} to {}: not IPv4", header.source, header.destination));
  }
  if (out.size() < kIpv4HeaderSize) {
    return absl::InvalidArgumentError(
        fmt::format("IPv4 header of {} bytes does not fit in {}", kIpv4HeaderSize, out.size()));
  }
  uint8_t* ip = out.data();
  std::memset(ip, 0, kIpv4HeaderSize);
  ip[0] = 0x40 | kIpv4HeaderSize / 4;  // version 4, IHL in 32-bit words
  ip[1] = header.tos;
  Store16(ip + 2, header.total_length);
  Store16(ip + 4, header.id);
  ip[6] = header.dont_fragment ? 0x40 : 0;  // flags: reserved, DF, MF; offset 0
  ip[8] = header.ttl;
  ip[9] = header.protocol;
  std::memcpy(ip + 12, header.source.bytes().data(), 4);
  std::memcpy(ip + 16, header.destination.bytes().data(), 4);
  Store16(ip + 10, InternetChecksum(absl::MakeConstSpan(ip, kIpv4HeaderSize)));
  return absl::OkStatus();
}

}  // namespace vrrp
