// Who claims an address on the link: the parse behind VIP conflict detection (issue 13). While
// Master, a router watches the link's ARP and Neighbor Advertisements (an AF_PACKET socket with
// a filter); a frame from another MAC that claims one of its VIPs means another host answers
// for it: a split brain, or a misconfigured host.
//
// A received Ethernet frame (header included) claims address X for MAC m when it is
//  - ARP (RFC 826) over Ethernet for IPv4, a request or a reply, whose sender protocol address is
//    X and not 0.0.0.0; m is the sender hardware address. RFC 5227 §2.4: any ARP packet whose
//    sender IP is ours, request or reply, is a conflict. A probe (sender 0.0.0.0, RFC 5227
//    §2.1.1) is a host asking whether X is free: it claims nothing.
//  - an ICMPv6 Neighbor Advertisement (RFC 4861 §4.4) with Target X, hop limit 255 (§7.1.2,
//    else it came from off-link) and a correct checksum; m is its Target Link-Layer Address
//    option, or the Ethernet source when it has none.
// VLAN-tagged frames are not parsed: the kernel hands AF_PACKET the untagged frame of each
// VLAN interface, and the watch runs on the VIP's own interface.
//
//   absl::StatusOr<vrrp::AddressClaim> claim = vrrp::ParseAddressClaim(frame);
//   if (claim.ok() && claim->address == vip && claim->mac != our_mac) ...   // a conflict
//   // kNotFound: a frame that claims nothing (another protocol, a probe, a solicitation);
//   // kInvalidArgument: a malformed ARP or NA, the message says how.
//
// Thread-safety: a pure function.
#ifndef VRRP_ADDRESS_CLAIM_H_
#define VRRP_ADDRESS_CLAIM_H_

#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "vrrp/ip_address.h"

namespace vrrp {

struct AddressClaim {
  enum class Kind : uint8_t { kArpRequest, kArpReply, kNeighborAdvertisement };
  Kind kind = Kind::kArpRequest;
  IpAddress address;
  MacAddress mac;  // who claims it
  // ARP: sender and target protocol addresses are equal (RFC 5227 §3 announcement); NA: the
  // Solicited flag is clear (RFC 4861 §7.2.6). A new Master's announcements are gratuitous.
  bool gratuitous = false;
  friend bool operator==(const AddressClaim&, const AddressClaim&) = default;
};

// "arp_request", "arp_reply", "neighbor_advertisement".
std::string_view AddressClaimKindName(AddressClaim::Kind kind);

[[nodiscard]] absl::StatusOr<AddressClaim> ParseAddressClaim(absl::Span<const uint8_t> frame);

}  // namespace vrrp

#endif  // VRRP_ADDRESS_CLAIM_H_
