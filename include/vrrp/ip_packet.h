// Parsers for what lies under a VRRP message when it comes from a capture or an AF_PACKET /
// DPDK receive path rather than a raw IP socket: Ethernet II (with 802.1Q / 802.1ad tags), Linux
// cooked capture (SLL, what `tcpdump -i any` writes), and the IPv4 / IPv6 header. They give the
// codec its payload and ReceiveInfo. And the one IPv4 header writer, for senders that write
// their own (AH, whose ICV covers it; the Linux multicast sender).
//
//   absl::StatusOr<vrrp::LinkFrame> frame = vrrp::ParseEthernet(bytes);
//   absl::StatusOr<vrrp::IpDatagram> ip = vrrp::ParseIpDatagram(frame->payload);
//   if (ip.ok() && ip->protocol == vrrp::kIpProtocolVrrp) {
//     auto r = vrrp::DecodeAdvertisement(ip->payload, ip->info, opts, adv);
//   }
#ifndef VRRP_IP_PACKET_H_
#define VRRP_IP_PACKET_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "vrrp/codec.h"
#include "vrrp/ip_address.h"

namespace vrrp {

inline constexpr uint16_t kEtherTypeIPv4 = 0x0800;
inline constexpr uint16_t kEtherTypeArp = 0x0806;
inline constexpr uint16_t kEtherTypeIPv6 = 0x86dd;
inline constexpr size_t kIpv4HeaderSize = 20;  // RFC 791 §3.1, without options: what we send
inline constexpr size_t kIpv6HeaderSize = 40;  // RFC 8200 §3, the fixed header

struct LinkFrame {
  MacAddress source;        // zero for SLL captures that carry none
  MacAddress destination;   // zero for SLL
  uint16_t ether_type = 0;  // after any VLAN tags
  absl::Span<const uint8_t> payload;
};

// Ethernet II; 802.1Q / 802.1ad tags are skipped. kInvalidArgument if truncated.
absl::StatusOr<LinkFrame> ParseEthernet(absl::Span<const uint8_t> frame);
// Linux cooked capture v1 (DLT_LINUX_SLL, 16-byte header).
absl::StatusOr<LinkFrame> ParseLinuxSll(absl::Span<const uint8_t> frame);

struct IpDatagram {
  ReceiveInfo info;                   // source, destination, TTL / hop limit, protocol, and
                                      // (IPv4) the header, which AH's ICV covers
  uint8_t protocol = 0;               // IPv4 protocol or IPv6 final next header
  absl::Span<const uint8_t> payload;  // bounded by the IP length fields, not the capture
};

// An IPv4 or IPv6 packet (by its version nibble). IPv4: header checksum is not verified (captures
// of locally sent packets often carry offloaded, unfilled ones); fragments are refused. IPv6:
// hop-by-hop, routing and destination-options extension headers are skipped. kInvalidArgument
// with a specific message for anything truncated or malformed.
absl::StatusOr<IpDatagram> ParseIpDatagram(absl::Span<const uint8_t> packet);

// The fields of an IPv4 header without options (RFC 791 §3.1); version and IHL are implied.
struct Ipv4Header {
  uint8_t tos = 0;
  uint16_t total_length = 0;  // the header's and the payload's
  uint16_t id = 0;
  bool dont_fragment = false;  // the flags' DF bit; never MF, offset 0
  uint8_t ttl = 0;
  uint8_t protocol = 0;
  IpAddress source;       // IPv4
  IpAddress destination;  // IPv4
};

// Writes `header` with its checksum into out[0, kIpv4HeaderSize). kInvalidArgument if an address
// is not IPv4 or `out` is shorter than a header.
absl::Status WriteIpv4Header(const Ipv4Header& header, absl::Span<uint8_t> out);

}  // namespace vrrp

#endif  // VRRP_IP_PACKET_H_
