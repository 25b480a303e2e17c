// Frame builders for the announcements a new master sends so that neighbours update their caches:
// gratuitous ARP for IPv4 VIPs and unsolicited Neighbor Advertisement for IPv6 VIPs. Whole
// Ethernet frames, built by pure functions into a caller's buffer; the Linux layer sends them on
// an AF_PACKET socket.
//
// What keepalived 2.2 puts on the wire (tests/vectors/keepalived-garp.*, -v3-ipv6-na.*), which
// these reproduce byte for byte:
//  - ARP (RFC 5227 §3, RFC 826): Ethernet broadcast; an ARP *request* whose sender and target
//    protocol addresses are both the VIP; sender MAC = source MAC; target MAC ff:ff:ff:ff:ff:ff
//    (RFC 5227 says the target MAC is ignored; keepalived fills it with broadcast). No padding:
//    42 bytes; the NIC pads to the Ethernet minimum.
//  - NA (RFC 4861 §7.2.6, §4.4): to ff02::1 (Ethernet 33:33:00:00:00:01) from the VIP itself,
//    hop limit 255, traffic class 0, flow label 0, Override flag only, Target = VIP, one Target
//    Link-Layer Address option with the source MAC; 86 bytes.
// The source MAC is the interface's, or the virtual MAC (VirtualMac()) when the router uses one.
//
//   std::array<uint8_t, vrrp::kGratuitousArpSize> frame;
//   absl::StatusOr<size_t> n = vrrp::BuildGratuitousArp(mac, vip, absl::MakeSpan(frame));
#ifndef VRRP_FRAMES_H_
#define VRRP_FRAMES_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "vrrp/ip_address.h"

namespace vrrp {

inline constexpr size_t kGratuitousArpSize = 42;  // 14 Ethernet + 28 ARP
inline constexpr size_t kUnsolicitedNaSize = 86;  // 14 + 40 IPv6 + 32 ICMPv6
inline constexpr size_t kMaxAnnouncementSize = kUnsolicitedNaSize;

// kInvalidArgument if `address` is not IPv4; kResourceExhausted if `out` is too small.
[[nodiscard]] absl::StatusOr<size_t> BuildGratuitousArp(const MacAddress& source_mac,
                                                        const IpAddress& address,
                                                        absl::Span<uint8_t> out);

// kInvalidArgument if `address` is not IPv6; kResourceExhausted if `out` is too small.
[[nodiscard]] absl::StatusOr<size_t> BuildUnsolicitedNa(const MacAddress& source_mac,
                                                        const IpAddress& address,
                                                        absl::Span<uint8_t> out);

// Whichever of the two fits the address's family.
[[nodiscard]] absl::StatusOr<size_t> BuildAnnouncement(const MacAddress& source_mac,
                                                       const IpAddress& address,
                                                       absl::Span<uint8_t> out);

}  // namespace vrrp

#endif  // VRRP_FRAMES_H_
