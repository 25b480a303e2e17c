#include "vrrp/frames.h"

#include <algorithm>
#include <array>

#include "absl/status/status.h"
#include "fmt/format.h"
#include "vrrp/checksum.h"
#include "vrrp/ip_packet.h"  // EtherType constants, header sizes

namespace vrrp {
namespace {

constexpr size_t kEthernetHeaderSize = 14;
constexpr size_t kNaSize = 32;  // RFC 4861 §4.4: 24-byte message + one 8-byte option

constexpr uint16_t kArpHardwareEthernet = 1;  // RFC 826 ar$hrd
constexpr uint16_t kArpOpRequest = 1;         // RFC 826 ar$op
constexpr uint8_t kIpProtocolIcmpv6 = 58;
constexpr uint8_t kIcmpv6NeighborSolicitation = 135;    // RFC 4861 §4.3
constexpr uint8_t kIcmpv6NeighborAdvertisement = 136;   // RFC 4861 §4.4
constexpr size_t kNsSize = 24;                          // RFC 4861 §4.3 without options
constexpr uint8_t kNdOptionTargetLinkLayerAddress = 2;  // RFC 4861 §4.6.1
constexpr uint8_t kNaFlagOverride = 0x20;               // O bit, RFC 4861 §4.4
constexpr uint8_t kNdHopLimit = 255;                    // RFC 4861 §7.1.2

constexpr std::array<uint8_t, 6> kBroadcastMac = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
// ff02::1 and its RFC 2464 §7 multicast MAC 33:33 + low 32 bits.
constexpr std::array<uint8_t, 16> kAllNodes = {0xff, 0x02, 0, 0, 0, 0, 0, 0,
                                               0,    0,    0, 0, 0, 0, 0, 1};
constexpr std::array<uint8_t, 6> kAllNodesMac = {0x33, 0x33, 0x00, 0x00, 0x00, 0x01};

// A cursor over a buffer already known to be large enough.
class Writer {
 public:
  explicit Writer(uint8_t* out) : p_(out) {}
  void U8(uint8_t v) { *p_++ = v; }
  void U16(uint16_t v) {
    U8(static_cast<uint8_t>(v >> 8));
    U8(static_cast<uint8_t>(v & 0xff));
  }
  void Bytes(absl::Span<const uint8_t> b) { p_ = std::copy(b.begin(), b.end(), p_); }
  void Zeros(size_t n) { p_ = std::fill_n(p_, n, uint8_t{0}); }

 private:
  uint8_t* p_;
};

void WriteEthernet(Writer& w, const std::array<uint8_t, 6>& destination, const MacAddress& source,
                   uint16_t ether_type) {
  w.Bytes(destination);
  w.Bytes(source.bytes());
  w.U16(ether_type);
}

// An RFC 826 request for IPv4 over Ethernet.
void WriteArpRequest(Writer& w, const MacAddress& sender_mac, absl::Span<const uint8_t> sender_ip,
                     absl::Span<const uint8_t> target_mac, absl::Span<const uint8_t> target_ip) {
  w.U16(kArpHardwareEthernet);  // ar$hrd
  w.U16(kEtherTypeIPv4);        // ar$pro
  w.U8(6);                      // ar$hln
  w.U8(4);                      // ar$pln
  w.U16(kArpOpRequest);
  w.Bytes(sender_mac.bytes());
  w.Bytes(sender_ip);
  w.Bytes(target_mac);
  w.Bytes(target_ip);
}

absl::Status CheckRoom(absl::Span<uint8_t> out, size_t needed, std::string_view what) {
  if (out.size() < needed) {
    return absl::ResourceExhaustedError(
        fmt::format("{} needs {} bytes, the buffer has {}", what, needed, out.size()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<size_t> BuildGratuitousArp(const MacAddress& source_mac, const IpAddress& address,
                                          absl::Span<uint8_t> out) {
  if (!address.is_v4()) {
    return absl::InvalidArgumentError(
        fmt::format("gratuitous ARP is for IPv4 addresses, not {}", address));
  }
  if (absl::Status s = CheckRoom(out, kGratuitousArpSize, "a gratuitous ARP"); !s.ok()) return s;

  Writer w(out.data());
  WriteEthernet(w, kBroadcastMac, source_mac, kEtherTypeArp);
  // RFC 5227 §3: an ARP Request announcing the address, sender and target protocol addresses
  // both set to it. The target hardware address is ignored by receivers; broadcast is what
  // keepalived sends, so caches and captures see the same frame.
  WriteArpRequest(w, source_mac, address.bytes(), kBroadcastMac, address.bytes());
  return kGratuitousArpSize;
}

absl::StatusOr<size_t> BuildUnsolicitedNa(const MacAddress& source_mac, const IpAddress& address,
                                          absl::Span<uint8_t> out) {
  if (!address.is_v6()) {
    return absl::InvalidArgumentError(
        fmt::format("unsolicited neighbor advertisement is for IPv6 addresses, not {}", address));
  }
  if (absl::Status s = CheckRoom(out, kUnsolicitedNaSize, "an unsolicited NA"); !s.ok()) {
    return s;
  }

  Writer w(out.data());
  WriteEthernet(w, kAllNodesMac, source_mac, kEtherTypeIPv6);
  // IPv6 header (RFC 8200 §3): version 6, traffic class 0, flow label 0.
  w.U8(0x60);
  w.Zeros(3);
  w.U16(static_cast<uint16_t>(kNaSize));
  w.U8(kIpProtocolIcmpv6);
  w.U8(kNdHopLimit);
  w.Bytes(address.bytes());
  w.Bytes(kAllNodes);
  // RFC 4861 §7.2.6: unsolicited NA to all-nodes, Solicited clear, Override set so that
  // neighbours replace the cached link-layer address with ours. Router is clear: a VRRP VIP is
  // a host address unless the embedder also routes (keepalived sends it clear too).
  uint8_t* icmp = out.data() + kEthernetHeaderSize + kIpv6HeaderSize;
  w.U8(kIcmpv6NeighborAdvertisement);
  w.U8(0);   // code
  w.U16(0);  // checksum, filled below
  w.U8(kNaFlagOverride);
  w.Zeros(3);
  w.Bytes(address.bytes());  // Target Address
  // RFC 4861 §4.6.1 Target Link-Layer Address option; length in units of 8 octets.
  w.U8(kNdOptionTargetLinkLayerAddress);
  w.U8(1);
  w.Bytes(source_mac.bytes());

  // RFC 4443 §2.3: the ICMPv6 checksum covers the RFC 8200 §8.1 pseudo-header.
  static const IpAddress all_nodes = IpAddress::FromV6Bytes(kAllNodes.data());
  uint32_t sum = PseudoHeaderSum(address, all_nodes, kIpProtocolIcmpv6, kNaSize);
  sum = ChecksumAdd(sum, absl::MakeConstSpan(icmp, kNaSize));
  uint16_t checksum = ChecksumFinish(sum);
  icmp[2] = static_cast<uint8_t>(checksum >> 8);
  icmp[3] = static_cast<uint8_t>(checksum & 0xff);
  return kUnsolicitedNaSize;
}

absl::StatusOr<size_t> BuildArpProbe(const MacAddress& source_mac, const IpAddress& address,
                                     absl::Span<uint8_t> out) {
  if (!address.is_v4()) {
    return absl::InvalidArgumentError(
        fmt::format("an ARP probe is for IPv4 addresses, not {}", address));
  }
  if (absl::Status s = CheckRoom(out, kArpProbeSize, "an ARP probe"); !s.ok()) return s;
  Writer w(out.data());
  WriteEthernet(w, kBroadcastMac, source_mac, kEtherTypeArp);
  // RFC 5227 §2.1.1: sender IP 0.0.0.0 (a probe claims nothing), target hardware address zero.
  WriteArpRequest(w, source_mac, std::array<uint8_t, 4>{}, std::array<uint8_t, 6>{},
                  address.bytes());
  return kArpProbeSize;
}

absl::StatusOr<size_t> BuildDadSolicitation(const MacAddress& source_mac, const IpAddress& address,
                                            absl::Span<uint8_t> out) {
  if (!address.is_v6()) {
    return absl::InvalidArgumentError(
        fmt::format("a duplicate address detection probe is for IPv6 addresses, not {}", address));
  }
  if (absl::Status s = CheckRoom(out, kDadSolicitationSize, "a DAD neighbor solicitation");
      !s.ok()) {
    return s;
  }
  // RFC 4291 §2.7.1 solicited-node address ff02::1:ffXX:XXXX (the target's low 24 bits) and
  // its RFC 2464 §7 MAC 33:33 + its low 32 bits.
  const auto& target = address.bytes();
  std::array<uint8_t, 16> solicited = {0xff, 0x02, 0, 0, 0,    0,          0,          0,
                                       0,    0,    0, 1, 0xff, target[13], target[14], target[15]};
  const std::array<uint8_t, 6> solicited_mac = {0x33,       0x33,       0xff,
                                                target[13], target[14], target[15]};
  Writer w(out.data());
  WriteEthernet(w, solicited_mac, source_mac, kEtherTypeIPv6);
  w.U8(0x60);
  w.Zeros(3);
  w.U16(static_cast<uint16_t>(kNsSize));
  w.U8(kIpProtocolIcmpv6);
  w.U8(kNdHopLimit);
  w.Zeros(16);  // source :: (RFC 4862 §5.4.2)
  w.Bytes(solicited);
  uint8_t* icmp = out.data() + kEthernetHeaderSize + kIpv6HeaderSize;
  w.U8(kIcmpv6NeighborSolicitation);
  w.U8(0);     // code
  w.U16(0);    // checksum, filled below
  w.Zeros(4);  // reserved
  w.Bytes(target);
  const IpAddress unspecified = IpAddress::V6({});
  uint32_t sum = PseudoHeaderSum(unspecified, IpAddress::FromV6Bytes(solicited.data()),
                                 kIpProtocolIcmpv6, kNsSize);
  sum = ChecksumAdd(sum, absl::MakeConstSpan(icmp, kNsSize));
  const uint16_t checksum = ChecksumFinish(sum);
  icmp[2] = static_cast<uint8_t>(checksum >> 8);
  icmp[3] = static_cast<uint8_t>(checksum & 0xff);
  return kDadSolicitationSize;
}

absl::StatusOr<size_t> BuildProbe(const MacAddress& source_mac, const IpAddress& address,
                                  absl::Span<uint8_t> out) {
  return address.is_v4() ? BuildArpProbe(source_mac, address, out)
                         : BuildDadSolicitation(source_mac, address, out);
}

absl::StatusOr<size_t> BuildAnnouncement(const MacAddress& source_mac, const IpAddress& address,
                                         absl::Span<uint8_t> out) {
  return address.is_v4() ? BuildGratuitousArp(source_mac, address, out)
                         : BuildUnsolicitedNa(source_mac, address, out);
}

}  // namespace vrrp
