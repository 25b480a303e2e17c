// The rtnetlink messages that put virtual addresses on an interface, as pure functions over bytes:
// builders that write a request into the caller's buffer (nlmsghdr + ifaddrmsg + attributes, the
// layouts of <linux/netlink.h>, <linux/rtnetlink.h> and <linux/if_addr.h>), and parsers that read
// what the kernel answers. No sockets here, so all of it is tested without root; the sending is
// NetlinkAddressManager's (address_manager.h).
//
//   alignas(4) std::array<uint8_t, vrrp::os::kAddressRequestMaxSize> buffer;
//   absl::StatusOr<size_t> size = vrrp::os::BuildNewAddress(absl::MakeSpan(buffer), vip, ifindex,
//   /*seq=*/7);
//   ... send(buffer.data(), *size), then for each datagram received:
//   absl::StatusOr<bool> done = vrrp::os::ParseAck(datagram, 7, "RTM_NEWADDR",
//                                                  vrrp::os::DescribeForError(vip));
//   // !done.ok(): "RTM_NEWADDR on 192.0.2.3/24 dev eth0: File exists (EEXIST)"
//
// Every parser is bounded by the span it is given: a truncated or malformed reply is a
// kDataLoss status that says where it is wrong, never a crash.
#ifndef VRRP_LINUX_NETLINK_MESSAGES_H_
#define VRRP_LINUX_NETLINK_MESSAGES_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "vrrp/address_manager.h"
#include "vrrp/ip_address.h"

namespace vrrp::os {

// Room for the largest request built here: header (16) + ifaddrmsg (8) + IFA_LOCAL and
// IFA_ADDRESS for IPv6 (2 × 20) + IFA_BROADCAST (8) + IFA_LABEL (20) + IFA_FLAGS (8) +
// IFA_CACHEINFO (20) = 120.
inline constexpr size_t kAddressRequestMaxSize = 128;

// "192.0.2.3/24 dev eth0": how the errors of the calls below name a virtual address.
std::string DescribeForError(const VirtualAddress& vip);

// The request buffers must be 4-byte aligned (netlink's alignment); the builders zero what they
// use and return the message length, or kInvalidArgument (misaligned, too small, or a `vip` that
// Validate() refuses). `ifindex` is the kernel's index of vip.interface.
//
// RTM_NEWADDR with NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, as `ip addr add`:
// IFA_LOCAL and IFA_ADDRESS (both the address: no peer), IFA_BROADCAST and IFA_LABEL (IPv4, when
// set), and IFA_FLAGS with IFA_F_NODAD (IPv6 unless vip.ipv6_dad) and IFA_F_NOPREFIXROUTE (unless
// vip.prefix_route). ifa_flags carries the low 8 bits of the same flags for kernels before 3.14.
// ifa_scope is RT_SCOPE_UNIVERSE / SITE / LINK / HOST. A leased vip (lease_seconds != 0) gets
// IFA_CACHEINFO with ifa_prefered = ifa_valid = the lease, and NLM_F_REPLACE instead of
// NLM_F_EXCL, so that adding it again renews the lease (`ip addr replace ... valid_lft N`).
absl::StatusOr<size_t> BuildNewAddress(absl::Span<uint8_t> buffer, const VirtualAddress& vip,
                                       uint32_t ifindex, uint32_t seq);

// RTM_DELADDR with NLM_F_REQUEST | NLM_F_ACK, as `ip addr del`: IFA_LOCAL and IFA_ADDRESS, so
// the kernel removes the address with this prefix length whatever its label, and nothing else.
absl::StatusOr<size_t> BuildDeleteAddress(absl::Span<uint8_t> buffer, const VirtualAddress& vip,
                                          uint32_t ifindex, uint32_t seq);

// RTM_GETADDR with NLM_F_REQUEST | NLM_F_DUMP: every address of `family` (both when nullopt).
// ifa_index is `ifindex`; kernels with strict checking filter on it, others dump every
// interface, so the reader filters too.
absl::StatusOr<size_t> BuildAddressDump(absl::Span<uint8_t> buffer, std::optional<Family> family,
                                        uint32_t ifindex, uint32_t seq);

// Reads one datagram for the acknowledgement of request `seq` (messages of other sequence
// numbers, left over from an earlier request, are skipped). true: the request succeeded; false:
// the datagram did not answer it, read another. An NLMSG_ERROR with an errno is
// SysError(call, object, errno), with the kernel's extended-ack text appended when it sent one
// and, for EPERM, the capability that is missing (CAP_NET_ADMIN). `kernel_errno`, when given,
// receives that errno (0 for an acknowledgement), for callers that treat some as success.
absl::StatusOr<bool> ParseAck(absl::Span<const uint8_t> datagram, uint32_t seq,
                              std::string_view call, std::string_view object,
                              int* kernel_errno = nullptr);

// One address of a dump, before the caller has put a name on its interface.
struct AddressRecord {
  uint32_t ifindex = 0;
  uint32_t flags = 0;      // IFA_F_*: IFA_FLAGS when present, else ifa_flags
  InterfaceAddress entry;  // entry.vip.interface is empty; entry.vip.label is the kernel's label
};

// One RTM_NEWADDR or RTM_DELADDR message (header included), as a dump or a notification
// carries it (RTNLGRP_IPV4_IFADDR / RTNLGRP_IPV6_IFADDR: the same layout for both).
absl::StatusOr<AddressRecord> ParseAddressMessage(absl::Span<const uint8_t> message);

// Reads one datagram of the dump `seq`, appending the IPv4 and IPv6 addresses it holds to `out`
// (other families are skipped). true: NLMSG_DONE was seen, the dump is complete. An interrupted
// dump (NLM_F_DUMP_INTR: the addresses changed while the kernel walked them) is kAborted, so the
// caller can ask again.
absl::StatusOr<bool> ParseAddressDump(absl::Span<const uint8_t> datagram, uint32_t seq,
                                      std::string_view object, std::vector<AddressRecord>& out);

// The addresses of a complete dump that are on `interface` (index `ifindex`: kernels without
// strict checking dump every interface), named after it; a label that is the interface's own
// name is no label and comes back empty.
std::vector<InterfaceAddress> AddressesOnInterface(std::vector<AddressRecord> records,
                                                   uint32_t ifindex, std::string_view interface);

// Links (<linux/if_link.h>): the macvlan link that carries an instance's
// virtual MAC with keepalived's use_vmac (RFC 5798 §7.3), and the questions around it.

// Room for the largest link request built here: header (16) + ifinfomsg (16) + IFLA_IFNAME
// (20) + IFLA_LINK (8) + IFLA_ADDRESS (12) + IFLA_LINKINFO (4) + IFLA_INFO_KIND (12) +
// IFLA_INFO_DATA (4) + IFLA_MACVLAN_MODE (8) = 100.
inline constexpr size_t kLinkRequestMaxSize = 128;

// RTM_NEWLINK with NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, as `ip link add link
// <lower> name <name> address <mac> up type macvlan mode private`: IFLA_IFNAME, IFLA_LINK (the
// lower link), IFLA_ADDRESS and IFLA_LINKINFO { IFLA_INFO_KIND "macvlan", IFLA_INFO_DATA {
// IFLA_MACVLAN_MODE MACVLAN_MODE_PRIVATE } } (keepalived's mode: the link takes only frames for
// its own MAC, never its siblings'), with IFF_UP in ifi_flags and ifi_change so that the kernel
// brings it up as it creates it. kInvalidArgument: a buffer as for BuildNewAddress, or a name
// ValidateLinkName() refuses.
absl::StatusOr<size_t> BuildNewMacvlan(absl::Span<uint8_t> buffer, std::string_view name,
                                       uint32_t lower_ifindex, const MacAddress& mac, uint32_t seq);

// RTM_DELLINK with NLM_F_REQUEST | NLM_F_ACK for link `ifindex` (`ip link del`).
absl::StatusOr<size_t> BuildDeleteLink(absl::Span<uint8_t> buffer, uint32_t ifindex, uint32_t seq);

// RTM_GETLINK with NLM_F_REQUEST for the link called `name` (IFLA_IFNAME): the kernel answers
// with one RTM_NEWLINK, or NLMSG_ERROR ENODEV when there is none.
absl::StatusOr<size_t> BuildGetLink(absl::Span<uint8_t> buffer, std::string_view name,
                                    uint32_t seq);

// What the checks around use_vmac read of a link.
struct LinkRecord {
  uint32_t ifindex = 0;
  std::string name;               // IFLA_IFNAME
  std::optional<MacAddress> mac;  // IFLA_ADDRESS, when it is an Ethernet address
  uint32_t lower_ifindex = 0;     // IFLA_LINK (0: none)
  std::string kind;               // IFLA_LINKINFO / IFLA_INFO_KIND ("macvlan"); empty: none
  uint32_t flags = 0;             // ifi_flags (IFF_UP, ...)
};

// One RTM_NEWLINK message (header included), as RTM_GETLINK's answer carries it.
absl::StatusOr<LinkRecord> ParseLinkMessage(absl::Span<const uint8_t> message);

// Reads one datagram for the answer to RTM_GETLINK `seq`: the link, nullopt in the value when
// the kernel says there is no such link (ENODEV), or an error. false in `done` (when given):
// the datagram did not answer it, read another.
absl::StatusOr<std::optional<LinkRecord>> ParseGetLinkReply(absl::Span<const uint8_t> datagram,
                                                            uint32_t seq, std::string_view object,
                                                            bool* done);

}  // namespace vrrp::os

#endif  // VRRP_LINUX_NETLINK_MESSAGES_H_
