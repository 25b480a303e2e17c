#include "vrrp/address_claim.h"

#include <array>

#include "fmt/format.h"
#include "vrrp/checksum.h"

namespace vrrp {
namespace {

constexpr size_t kEthernetHeader = 14;
constexpr uint16_t kEtherTypeArp = 0x0806;
constexpr uint16_t kEtherTypeIpv6 = 0x86dd;
constexpr size_t kArpIpv4Size = 28;  // RFC 826 with 6-byte hardware, 4-byte protocol addresses
constexpr size_t kIpv6Header = 40;
constexpr uint8_t kNextHeaderIcmpv6 = 58;
constexpr uint8_t kIcmpv6NeighborAdvertisement = 136;
constexpr size_t kNaSize = 24;  // type, code, checksum, flags + reserved, target (RFC 4861 §4.4)
constexpr uint8_t kNaFlagSolicited = 0x40;
constexpr uint8_t kOptionTargetLinkLayer = 2;

uint16_t U16(absl::Span<const uint8_t> b, size_t at) {
  return static_cast<uint16_t>(b[at] << 8 | b[at + 1]);
}

MacAddress MacAt(absl::Span<const uint8_t> b, size_t at) {
  std::array<uint8_t, 6> bytes{};
  for (size_t i = 0; i < 6; ++i) bytes[i] = b[at + i];
  return MacAddress(bytes);
}

absl::StatusOr<AddressClaim> ParseArp(absl::Span<const uint8_t> arp) {
  if (arp.size() < kArpIpv4Size) {
    return absl::InvalidArgumentError(
        fmt::format("ARP of {} bytes, shorter than the 28 of IPv4 over Ethernet", arp.size()));
  }
  if (U16(arp, 0) != 1 || U16(arp, 2) != 0x0800 || arp[4] != 6 || arp[5] != 4) {
    // Another hardware or protocol (RFC 826 ar$hrd, ar$pro): not about an IPv4 address.
    return absl::NotFoundError("ARP not for IPv4 over Ethernet");
  }
  const uint16_t op = U16(arp, 6);
  if (op != 1 && op != 2) return absl::NotFoundError(fmt::format("ARP opcode {}", op));
  const IpAddress sender = IpAddress::FromV4Bytes(&arp[14]);
  const IpAddress target = IpAddress::FromV4Bytes(&arp[24]);
  if (arp[14] == 0 && arp[15] == 0 && arp[16] == 0 && arp[17] == 0) {
    return absl::NotFoundError("ARP probe (sender 0.0.0.0): it claims nothing");
  }
  return AddressClaim{
      .kind = op == 1 ? AddressClaim::Kind::kArpRequest : AddressClaim::Kind::kArpReply,
      .address = sender,
      .mac = MacAt(arp, 8),
      .gratuitous = sender == target};
}

absl::StatusOr<AddressClaim> ParseNeighborAdvertisement(absl::Span<const uint8_t> frame) {
  absl::Span<const uint8_t> ip = frame.subspan(kEthernetHeader);
  if (ip.size() < kIpv6Header) return absl::InvalidArgumentError("IPv6 header cut short");
  if ((ip[0] >> 4) != 6) return absl::InvalidArgumentError("EtherType IPv6 but not version 6");
  if (ip[6] != kNextHeaderIcmpv6) return absl::NotFoundError("not ICMPv6 (or extension headers)");
  const size_t payload = U16(ip, 4);
  if (ip.size() < kIpv6Header + payload) {
    return absl::InvalidArgumentError(fmt::format(
        "IPv6 payload length {} beyond the frame's {} bytes", payload, ip.size() - kIpv6Header));
  }
  absl::Span<const uint8_t> icmp = ip.subspan(kIpv6Header, payload);
  if (icmp.empty() || icmp[0] != kIcmpv6NeighborAdvertisement) {
    return absl::NotFoundError("ICMPv6 but not a Neighbor Advertisement");
  }
  if (icmp.size() < kNaSize) {
    return absl::InvalidArgumentError(
        fmt::format("Neighbor Advertisement of {} bytes, shorter than 24", icmp.size()));
  }
  // RFC 4861 §7.1.2: hop limit 255 and code 0, or the node silently discards it.
  if (ip[7] != 255) {
    return absl::InvalidArgumentError(
        fmt::format("Neighbor Advertisement with hop limit {}, not 255", ip[7]));
  }
  if (icmp[1] != 0) {
    return absl::InvalidArgumentError(fmt::format("Neighbor Advertisement code {}", icmp[1]));
  }
  const IpAddress source = IpAddress::FromV6Bytes(&ip[8]);
  const IpAddress destination = IpAddress::FromV6Bytes(&ip[24]);
  const uint32_t sum = ChecksumAdd(
      PseudoHeaderSum(source, destination, kNextHeaderIcmpv6, static_cast<uint32_t>(payload)),
      icmp);
  if (ChecksumFinish(sum) != 0) {
    return absl::InvalidArgumentError("Neighbor Advertisement with a bad checksum");
  }
  MacAddress mac = MacAt(frame, 6);
  // Options (RFC 4861 §4.6): type, length in units of 8 bytes (0 is invalid, §4.6).
  for (size_t at = kNaSize; at + 2 <= icmp.size();) {
    const size_t length = size_t{icmp[at + 1]} * 8;
    if (length == 0 || at + length > icmp.size()) {
      return absl::InvalidArgumentError("Neighbor Advertisement option with a bad length");
    }
    if (icmp[at] == kOptionTargetLinkLayer && length >= 8) mac = MacAt(icmp, at + 2);
    at += length;
  }
  return AddressClaim{.kind = AddressClaim::Kind::kNeighborAdvertisement,
                      .address = IpAddress::FromV6Bytes(&icmp[8]),
                      .mac = mac,
                      .gratuitous = (icmp[4] & kNaFlagSolicited) == 0};
}

}  // namespace

std::string_view AddressClaimKindName(AddressClaim::Kind kind) {
  switch (kind) {
    case AddressClaim::Kind::kArpRequest:
      return "arp_request";
    case AddressClaim::Kind::kArpReply:
      return "arp_reply";
    case AddressClaim::Kind::kNeighborAdvertisement:
      return "neighbor_advertisement";
  }
  return "unknown";
}

absl::StatusOr<AddressClaim> ParseAddressClaim(absl::Span<const uint8_t> frame) {
  if (frame.size() < kEthernetHeader) {
    return absl::InvalidArgumentError(
        fmt::format("frame of {} bytes, shorter than an Ethernet header", frame.size()));
  }
  switch (U16(frame, 12)) {
    case kEtherTypeArp:
      return ParseArp(frame.subspan(kEthernetHeader));
    case kEtherTypeIpv6:
      return ParseNeighborAdvertisement(frame);
    default:
      return absl::NotFoundError(fmt::format("EtherType {:#06x}", U16(frame, 12)));
  }
}

}  // namespace vrrp
