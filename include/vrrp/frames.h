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
inline constexpr size_t kArpProbeSize = 42;         // 14 Ethernet + 28 ARP
inline constexpr size_t kDadSolicitationSize = 78;  // 14 + 40 IPv6 + 24 ICMPv6
inline constexpr size_t kMaxProbeSize = kDadSolicitationSize;

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

// Probes: "does anyone hold this address?", which a host holding it answers with a claim
// (vrrp/address_claim.h), even when that host is a VRRP Master that would never announce by
// itself. The VIP conflict watch sends them (DESIGN.md, "VIP conflicts").
//  - ARP probe (RFC 5227 §2.1.1): broadcast ARP request, sender MAC ours, sender IP 0.0.0.0,
//    target MAC zero, target IP the address. Linux answers it for its local addresses with an
//    ARP reply whose sender is the address (a request with the address as sender IP it would
//    drop as a martian, so a holder of the address asks this way too).
//  - Duplicate-address-detection Neighbor Solicitation (RFC 4862 §5.4.2, RFC 4861 §4.3): from
//    the unspecified address :: to the target's solicited-node multicast address (and its
//    RFC 2464 §7 MAC), hop limit 255, no source link-layer option (§4.3 forbids it from ::).
//    A holder answers with an NA to all-nodes (RFC 4862 §5.4.3).

// kInvalidArgument if `address` is not IPv4; kResourceExhausted if `out` is too small.
[[nodiscard]] absl::StatusOr<size_t> BuildArpProbe(const MacAddress& source_mac,
                                                   const IpAddress& address,
                                                   absl::Span<uint8_t> out);

// kInvalidArgument if `address` is not IPv6; kResourceExhausted if `out` is too small.
[[nodiscard]] absl::StatusOr<size_t> BuildDadSolicitation(const MacAddress& source_mac,
                                                          const IpAddress& address,
                                                          absl::Span<uint8_t> out);

// Whichever of the two fits the address's family.
[[nodiscard]] absl::StatusOr<size_t> BuildProbe(const MacAddress& source_mac,
                                                const IpAddress& address, absl::Span<uint8_t> out);

}  // namespace vrrp

#endif  // VRRP_FRAMES_H_
