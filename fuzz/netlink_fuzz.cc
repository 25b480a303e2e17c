// libFuzzer target for the rtnetlink parsers of vrrp::linux: what the kernel sends the address
// manager (acknowledgements, RTM_GETADDR dumps of RTM_NEWADDR with IFA_CACHEINFO and friends)
// and the link monitor (RTM_NEWLINK / RTM_DELLINK / RTM_NEWADDR / RTM_DELADDR notifications).
//
// Input: one received datagram, handed to every parser as the sockets would hand it:
// ParseLinkDatagram (LinkMonitor::Process), ParseAddressDump + AddressesOnInterface
// (NetlinkAddressManager::List), ParseAck (its Add and Remove), and ParseAddressMessage /
// ParseLinkNotification on the whole buffer, and ParseFlushDump (vrrpd's route cleanup). Requests
// and dumps use sequence number kSeq, as the seeds do (fuzz/make_seeds.py writes them, with
// datagrams captured from a kernel).
//
// Beyond "no crash, no sanitizer report", it checks what the callers rely on: an address record
// is IPv4 or IPv6 with a prefix that fits; an error ack gives its errno and an error status;
// and an address the parser accepts survives BuildNewAddress -> ParseAddressMessage unchanged.
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "vrrp/linux/link_monitor.h"
#include "vrrp/linux/netlink_messages.h"
#include "vrrp/linux/route_messages.h"

namespace {

using vrrp::os::AddressRecord;

constexpr uint32_t kSeq = 1;
constexpr char kInterface[] = "fuzz0";

void Fail(const char* what) {
  std::fprintf(stderr, "netlink_fuzz: %s\n", what);
  std::abort();
}

void CheckRecord(const AddressRecord& record) {
  const vrrp::IpAddress& address = record.entry.vip.address;
  if (!address.is_v4() && !address.is_v6()) Fail("an address record of neither family");
  if (record.entry.vip.prefix_len > (address.is_v4() ? 32 : 128)) Fail("prefix too long");
  if (record.entry.vip.broadcast && !address.is_v4()) Fail("a broadcast on IPv6");
}

// What the parser read must be what the builder writes back: the address manager adds and
// removes the addresses it listed.
void RoundTrip(const AddressRecord& record) {
  vrrp::VirtualAddress vip = record.entry.vip;
  vip.interface = kInterface;
  if (!vrrp::Validate(vip).ok()) return;
  alignas(4) std::array<uint8_t, vrrp::os::kAddressRequestMaxSize> buffer;
  absl::StatusOr<size_t> size =
      vrrp::os::BuildNewAddress(absl::MakeSpan(buffer), vip, record.ifindex, kSeq);
  if (!size.ok()) Fail("BuildNewAddress refused a valid address");
  absl::StatusOr<AddressRecord> again =
      vrrp::os::ParseAddressMessage(absl::MakeConstSpan(buffer.data(), *size));
  if (!again.ok()) Fail("ParseAddressMessage refused what BuildNewAddress wrote");
  vrrp::VirtualAddress back = again->entry.vip;
  back.interface = kInterface;
  if (!(back == vip) || again->ifindex != record.ifindex) Fail("build(parse(x)) != x");
  if (!vrrp::os::BuildDeleteAddress(absl::MakeSpan(buffer), vip, record.ifindex, kSeq).ok()) {
    Fail("BuildDeleteAddress refused a valid address");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::Span<const uint8_t> datagram(data, size);

  size_t events = 0;
  const uint64_t malformed =
      vrrp::os::ParseLinkDatagram(datagram, [&](const vrrp::os::LinkEvent& e) {
        ++events;
        const bool address_event = e.kind == vrrp::os::LinkEvent::Kind::kAddressAdded ||
                                   e.kind == vrrp::os::LinkEvent::Kind::kAddressRemoved;
        if (address_event != e.address.has_value()) Fail("an address event without an address");
      });
  // Every message is at least a header long: no more outcomes than messages fit.
  if (events + malformed > size / 16 + 1) Fail("more link events than messages");

  std::vector<AddressRecord> records;
  absl::StatusOr<bool> done = vrrp::os::ParseAddressDump(datagram, kSeq, "dev fuzz0", records);
  for (const AddressRecord& record : records) CheckRecord(record);
  if (done.ok() && !records.empty()) {
    const uint32_t ifindex = records.front().ifindex;
    for (const vrrp::InterfaceAddress& a :
         vrrp::os::AddressesOnInterface(records, ifindex, kInterface)) {
      if (a.vip.interface != kInterface || a.vip.label == kInterface) Fail("naming the address");
    }
  }

  int kernel_errno = -1;
  absl::StatusOr<bool> acked =
      vrrp::os::ParseAck(datagram, kSeq, "RTM_NEWADDR", "192.0.2.1/24 dev fuzz0", &kernel_errno);
  if (kernel_errno < 0 || kernel_errno > 4095) Fail("kernel errno out of range");
  if (acked.ok() && kernel_errno != 0) Fail("an errno with a successful ack");
  if (kernel_errno != 0 && acked.status().message().empty()) Fail("an errno without a message");

  if (absl::StatusOr<AddressRecord> record = vrrp::os::ParseAddressMessage(datagram); record.ok()) {
    CheckRecord(*record);
    RoundTrip(*record);
  }
  (void)vrrp::os::ParseLinkNotification(datagram);

  // vrrpd's start-up cleanup reads route and rule dumps: each deletion it makes is a whole
  // message of the datagram, retyped.
  for (const char* call : {"RTM_GETROUTE", "RTM_GETRULE"}) {
    std::vector<std::vector<uint8_t>> deletions;
    (void)vrrp::os::ParseFlushDump(datagram, kSeq, vrrp::kRouteProtocol, call, deletions);
    for (const std::vector<uint8_t>& request : deletions) {
      if (request.size() < 16 || request.size() > size) Fail("a deletion that is no message");
      const uint16_t type = static_cast<uint16_t>(request[4] | (request[5] << 8));
      if (type != 25 && type != 33) Fail("a deletion that is not RTM_DELROUTE / RTM_DELRULE");
    }
  }
  return 0;
}
