// The rtnetlink address messages, byte for byte, without root. The expected bytes are written
// field by field from the kernel's layouts (struct nlmsghdr in <linux/netlink.h>, struct
// ifaddrmsg and the IFA_* attributes in <linux/if_addr.h>, RTM_* in <linux/rtnetlink.h>), with
// the numbers spelled out and checked against the headers, never produced by our builders.
#include "vrrp/linux/netlink_messages.h"

#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <array>
#include <catch2/catch.hpp>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "netlink_bytes.h"

namespace vrrp::os {
namespace {

// The layouts and numbers the expected bytes below are written from.
static_assert(sizeof(nlmsghdr) == 16 && offsetof(nlmsghdr, nlmsg_type) == 4 &&
              offsetof(nlmsghdr, nlmsg_flags) == 6 && offsetof(nlmsghdr, nlmsg_seq) == 8 &&
              offsetof(nlmsghdr, nlmsg_pid) == 12);
static_assert(sizeof(ifaddrmsg) == 8 && offsetof(ifaddrmsg, ifa_prefixlen) == 1 &&
              offsetof(ifaddrmsg, ifa_flags) == 2 && offsetof(ifaddrmsg, ifa_scope) == 3 &&
              offsetof(ifaddrmsg, ifa_index) == 4);
static_assert(sizeof(nlattr) == 4 && offsetof(nlattr, nla_type) == 2);
static_assert(sizeof(ifa_cacheinfo) == 16 && offsetof(ifa_cacheinfo, ifa_valid) == 4);
static_assert(RTM_NEWADDR == 20 && RTM_DELADDR == 21 && RTM_GETADDR == 22);
static_assert(NLMSG_ERROR == 2 && NLMSG_DONE == 3);
static_assert(NLM_F_REQUEST == 0x1 && NLM_F_ACK == 0x4 && NLM_F_EXCL == 0x200 &&
              NLM_F_REPLACE == 0x100 && NLM_F_CREATE == 0x400 && NLM_F_DUMP == 0x300 &&
              NLM_F_DUMP_INTR == 0x10 && NLM_F_CAPPED == 0x100 && NLM_F_ACK_TLVS == 0x200);
static_assert(IFA_ADDRESS == 1 && IFA_LOCAL == 2 && IFA_LABEL == 3 && IFA_BROADCAST == 4 &&
              IFA_CACHEINFO == 6 && IFA_FLAGS == 8);
static_assert(IFA_F_SECONDARY == 0x01 && IFA_F_NODAD == 0x02 && IFA_F_DADFAILED == 0x08 &&
              IFA_F_TENTATIVE == 0x40 && IFA_F_PERMANENT == 0x80 && IFA_F_NOPREFIXROUTE == 0x200);
static_assert(AF_INET == 2 && AF_INET6 == 10);
static_assert(RT_SCOPE_UNIVERSE == 0 && RT_SCOPE_SITE == 200 && RT_SCOPE_LINK == 253 &&
              RT_SCOPE_HOST == 254);
static_assert(NLMSGERR_ATTR_MSG == 1);

VirtualAddress V4Vip() {
  VirtualAddress vip;
  vip.address = IpAddress::V4(192, 0, 2, 3);
  vip.prefix_len = 24;
  vip.interface = "eth0";
  return vip;
}

VirtualAddress V6Vip() {
  VirtualAddress vip;
  vip.address = *IpAddress::Parse("2001:db8::3");
  vip.prefix_len = 64;
  vip.interface = "eth0";
  return vip;
}

constexpr std::initializer_list<uint8_t> kV6Bytes = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                                                     0,    0,    0,    0,    0, 0, 0, 3};

std::vector<uint8_t> Build(absl::StatusOr<size_t> (*builder)(absl::Span<uint8_t>,
                                                             const VirtualAddress&, uint32_t,
                                                             uint32_t),
                           const VirtualAddress& vip, uint32_t ifindex, uint32_t seq) {
  alignas(4) std::array<uint8_t, kAddressRequestMaxSize> buffer;
  buffer.fill(0xee);  // the builder must write every byte it claims
  absl::StatusOr<size_t> size = builder(absl::MakeSpan(buffer), vip, ifindex, seq);
  REQUIRE(size.ok());
  REQUIRE(*size <= buffer.size());
  return std::vector<uint8_t>(buffer.begin(), buffer.begin() + static_cast<ptrdiff_t>(*size));
}

TEST_CASE("RTM_NEWADDR for IPv4 with label and broadcast is ip addr add's request") {
  VirtualAddress vip = V4Vip();
  vip.label = "eth0:vip";
  vip.broadcast = IpAddress::V4(192, 0, 2, 255);
  Bytes expected;
  expected
      .Header(72, 20, 0x1 | 0x4 | 0x400 | 0x200, 42)  // REQUEST|ACK|CREATE|EXCL
      .Ifaddr(2, 24, 0, 0, 7)                         // AF_INET /24, universe, ifindex 7
      .Attr(8, 2)
      .Raw({192, 0, 2, 3})  // IFA_LOCAL
      .Attr(8, 1)
      .Raw({192, 0, 2, 3})  // IFA_ADDRESS (no peer)
      .Attr(8, 4)
      .Raw({192, 0, 2, 255})  // IFA_BROADCAST
      .Attr(13, 3)
      .Text("eth0:vip")
      .Zeros(1)
      .Zeros(3)  // IFA_LABEL, NUL, pad to 4
      .Attr(8, 8)
      .U32(0);  // IFA_FLAGS
  REQUIRE(expected.data.size() == 72);
  CHECK(Build(BuildNewAddress, vip, 7, 42) == expected.data);
}

TEST_CASE("RTM_NEWADDR for IPv4 carries the scope and IFA_F_NOPREFIXROUTE") {
  VirtualAddress vip = V4Vip();
  vip.scope = AddressScope::kLink;
  vip.prefix_route = false;
  Bytes expected;
  expected.Header(48, 20, 0x605, 1)
      .Ifaddr(2, 24, 0x00, 253, 3)  // 0x200 does not fit ifa_flags' 8 bits: low byte 0
      .Attr(8, 2)
      .Raw({192, 0, 2, 3})
      .Attr(8, 1)
      .Raw({192, 0, 2, 3})
      .Attr(8, 8)
      .U32(0x200);
  CHECK(Build(BuildNewAddress, vip, 3, 1) == expected.data);

  for (auto [scope, number] : {std::pair{AddressScope::kGlobal, 0},
                               {AddressScope::kSite, 200},
                               {AddressScope::kLink, 253},
                               {AddressScope::kHost, 254}}) {
    vip.scope = scope;
    CHECK(Build(BuildNewAddress, vip, 3, 1)[16 + 3] == number);
  }
}

TEST_CASE("RTM_NEWADDR for IPv6 sets IFA_F_NODAD unless DAD is asked for") {
  VirtualAddress vip = V6Vip();
  Bytes expected;
  expected.Header(72, 20, 0x605, 9)
      .Ifaddr(10, 64, 0x02, 0, 4)  // AF_INET6 /64, IFA_F_NODAD in the u8 flags too
      .Attr(20, 2)
      .Raw(kV6Bytes)
      .Attr(20, 1)
      .Raw(kV6Bytes)
      .Attr(8, 8)
      .U32(0x02);
  CHECK(Build(BuildNewAddress, vip, 4, 9) == expected.data);

  vip.ipv6_dad = true;
  vip.prefix_route = false;
  Bytes with_dad;
  with_dad.Header(72, 20, 0x605, 9)
      .Ifaddr(10, 64, 0x00, 0, 4)
      .Attr(20, 2)
      .Raw(kV6Bytes)
      .Attr(20, 1)
      .Raw(kV6Bytes)
      .Attr(8, 8)
      .U32(0x200);
  CHECK(Build(BuildNewAddress, vip, 4, 9) == with_dad.data);
}

TEST_CASE("RTM_NEWADDR for a leased VIP replaces, with IFA_CACHEINFO preferred = valid") {
  // `ip addr replace 192.0.2.3/24 dev eth0 valid_lft 6 preferred_lft 6`: created when missing,
  // its lifetimes reset when there (NLM_F_REPLACE, not NLM_F_EXCL, which would answer EEXIST).
  VirtualAddress vip = V4Vip();
  vip.lease_seconds = 6;
  Bytes expected;
  expected
      .Header(68, 20, 0x1 | 0x4 | 0x400 | 0x100, 5)  // REQUEST|ACK|CREATE|REPLACE
      .Ifaddr(2, 24, 0, 0, 3)
      .Attr(8, 2)
      .Raw({192, 0, 2, 3})
      .Attr(8, 1)
      .Raw({192, 0, 2, 3})
      .Attr(8, 8)
      .U32(0)
      .Attr(20, 6)  // IFA_CACHEINFO: ifa_prefered, ifa_valid, cstamp, tstamp
      .U32(6)
      .U32(6)
      .U32(0)
      .U32(0);
  CHECK(Build(BuildNewAddress, vip, 3, 5) == expected.data);
  // The largest request still fits: IPv6 with every option and a lease.
  VirtualAddress v6 = V6Vip();
  v6.lease_seconds = kMaxLeaseSeconds;
  v6.prefix_route = false;
  CHECK(Build(BuildNewAddress, v6, 3, 5).size() == 92);
  // A removal carries no lifetime.
  CHECK(Build(BuildDeleteAddress, vip, 3, 5) == Build(BuildDeleteAddress, V4Vip(), 3, 5));
}

TEST_CASE("RTM_DELADDR names address and prefix only, so any label matches") {
  VirtualAddress vip = V4Vip();
  vip.label = "eth0:vip";
  vip.broadcast = IpAddress::V4(192, 0, 2, 255);
  vip.scope = AddressScope::kHost;
  Bytes expected;
  expected
      .Header(40, 21, 0x1 | 0x4, 5)  // REQUEST|ACK
      .Ifaddr(2, 24, 0, 0, 7)
      .Attr(8, 2)
      .Raw({192, 0, 2, 3})
      .Attr(8, 1)
      .Raw({192, 0, 2, 3});
  CHECK(Build(BuildDeleteAddress, vip, 7, 5) == expected.data);

  Bytes v6;
  v6.Header(64, 21, 0x5, 6)
      .Ifaddr(10, 64, 0, 0, 2)
      .Attr(20, 2)
      .Raw(kV6Bytes)
      .Attr(20, 1)
      .Raw(kV6Bytes);
  CHECK(Build(BuildDeleteAddress, V6Vip(), 2, 6) == v6.data);
}

TEST_CASE("RTM_GETADDR dump request") {
  alignas(4) std::array<uint8_t, 64> buffer;
  buffer.fill(0xee);
  absl::StatusOr<size_t> size = BuildAddressDump(absl::MakeSpan(buffer), std::nullopt, 7, 77);
  REQUIRE(size.ok());
  Bytes expected;
  expected.Header(24, 22, 0x1 | 0x300, 77).Ifaddr(0, 0, 0, 0, 7);  // REQUEST|DUMP, AF_UNSPEC
  CHECK(std::vector<uint8_t>(buffer.begin(), buffer.begin() + 24) == expected.data);
  CHECK(*size == 24);

  size = BuildAddressDump(absl::MakeSpan(buffer), Family::kIPv6, 0, 1);
  REQUIRE(size.ok());
  CHECK(buffer[16] == 10);
}

TEST_CASE("The builders refuse a bad buffer or a bad address, and write nothing past the end") {
  alignas(4) std::array<uint8_t, kAddressRequestMaxSize + 4> buffer{};
  SECTION("misaligned") {
    auto size = BuildNewAddress(absl::MakeSpan(buffer.data() + 1, 100), V4Vip(), 1, 1);
    REQUIRE_FALSE(size.ok());
    CHECK(size.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(std::string(size.status().message()).find("aligned") != std::string::npos);
  }
  SECTION("too small for what the address needs") {
    VirtualAddress vip = V4Vip();
    vip.label = "eth0:vip";
    vip.broadcast = IpAddress::V4(192, 0, 2, 255);  // 72 bytes, as in the first case
    buffer.fill(0xee);
    auto size = BuildNewAddress(absl::MakeSpan(buffer.data(), 71), vip, 1, 1);
    REQUIRE_FALSE(size.ok());
    CHECK(std::string(size.status().message()).find("72") != std::string::npos);
    CHECK(buffer[0] == 0xee);  // refused before writing
    CHECK(BuildNewAddress(absl::MakeSpan(buffer.data(), 72), vip, 1, 1).ok());
    CHECK(buffer[72] == 0xee);
    CHECK_FALSE(BuildAddressDump(absl::MakeSpan(buffer.data(), 23), std::nullopt, 1, 1).ok());
  }
  SECTION("an address Validate() refuses") {
    VirtualAddress vip = V6Vip();
    vip.label = "eth0:vip";  // labels are IPv4's
    auto size = BuildNewAddress(absl::MakeSpan(buffer), vip, 1, 1);
    REQUIRE_FALSE(size.ok());
    CHECK(size.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(std::string(size.status().message()).find("label") != std::string::npos);
    vip = V4Vip();
    vip.prefix_len = 33;
    CHECK_FALSE(BuildDeleteAddress(absl::MakeSpan(buffer), vip, 1, 1).ok());
  }
  SECTION("the longest label fits the maximum size") {
    VirtualAddress vip = V4Vip();
    vip.label = "eth0:0123456789";  // 15 characters
    vip.broadcast = IpAddress::V4(192, 0, 2, 255);
    auto size = BuildNewAddress(absl::MakeSpan(buffer.data(), kAddressRequestMaxSize), vip, 1, 1);
    REQUIRE(size.ok());
    CHECK(*size == 16 + 8 + 8 + 8 + 8 + 20 + 8);
  }
}

// struct nlmsgerr: the error code, then the request's header (and payload unless capped).
Bytes ErrorReply(int32_t error, uint32_t seq, uint16_t flags = 0, const Bytes& tlvs = {}) {
  Bytes body;
  body.I32(error).Header(40, 20, 0x605, seq);  // the echoed request header, capped
  body.Append(tlvs);
  Bytes reply;
  reply.Header(static_cast<uint32_t>(16 + body.data.size()), 2, flags, seq, 1234).Append(body);
  return reply;
}

absl::StatusOr<bool> Ack(const Bytes& datagram, uint32_t seq, int* error = nullptr) {
  return ParseAck(datagram.data, seq, "RTM_NEWADDR", "192.0.2.3/24 dev eth0", error);
}

TEST_CASE("ParseAck: an acknowledgement, or the errno named with address and interface") {
  int error = -1;
  absl::StatusOr<bool> ok = Ack(ErrorReply(0, 7), 7, &error);
  REQUIRE(ok.ok());
  CHECK(*ok);
  CHECK(error == 0);

  absl::StatusOr<bool> exists = Ack(ErrorReply(-EEXIST, 7), 7, &error);
  REQUIRE_FALSE(exists.ok());
  CHECK(error == EEXIST);
  CHECK(exists.status().code() == absl::StatusCode::kAlreadyExists);
  CHECK(std::string(exists.status().message()) ==
        "RTM_NEWADDR on 192.0.2.3/24 dev eth0: File exists (EEXIST)");

  absl::StatusOr<bool> denied = Ack(ErrorReply(-EPERM, 7), 7);
  REQUIRE_FALSE(denied.ok());
  CHECK(denied.status().code() == absl::StatusCode::kPermissionDenied);
  CHECK(std::string(denied.status().message()) ==
        "RTM_NEWADDR on 192.0.2.3/24 dev eth0: Operation not permitted (EPERM) "
        "(changing addresses needs CAP_NET_ADMIN)");

  absl::StatusOr<bool> gone =
      ParseAck(ErrorReply(-ENODEV, 3).data, 3, "RTM_DELADDR", "192.0.2.3/24 dev eth9", &error);
  REQUIRE_FALSE(gone.ok());
  CHECK(error == ENODEV);
  CHECK(std::string(gone.status().message()).find("dev eth9") != std::string::npos);
}

TEST_CASE("ParseAck appends the kernel's extended-ack text") {
  Bytes tlvs;
  tlvs.Attr(4 + 22, 1).Text("Invalid prefix length").Zeros(1).Zeros(2);  // NLMSGERR_ATTR_MSG
  absl::StatusOr<bool> invalid = Ack(ErrorReply(-EINVAL, 8, 0x100 | 0x200, tlvs), 8);
  REQUIRE_FALSE(invalid.ok());
  CHECK(invalid.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(std::string(invalid.status().message()) ==
        "RTM_NEWADDR on 192.0.2.3/24 dev eth0: Invalid argument (EINVAL): kernel says "
        "\"Invalid prefix length\"");

  // A TLV that claims more than there is is ignored, not read past the end.
  Bytes broken;
  broken.Attr(200, 1).Text("abc").Zeros(1);
  absl::StatusOr<bool> still = Ack(ErrorReply(-EINVAL, 8, 0x300, broken), 8);
  REQUIRE_FALSE(still.ok());
  CHECK(std::string(still.status().message()).find("kernel says") == std::string::npos);
}

TEST_CASE("ParseAck skips answers to other requests and reads unaligned datagrams") {
  Bytes two = ErrorReply(-EEXIST, 6);  // an earlier request's late answer
  two.Append(ErrorReply(0, 7));
  absl::StatusOr<bool> done = Ack(two, 7);
  REQUIRE(done.ok());
  CHECK(*done);

  absl::StatusOr<bool> not_yet = Ack(ErrorReply(0, 6), 7);
  REQUIRE(not_yet.ok());
  CHECK_FALSE(*not_yet);

  Bytes empty;
  REQUIRE(Ack(empty, 7).ok());
  CHECK_FALSE(*Ack(empty, 7));

  std::vector<uint8_t> shifted(1, 0);
  Bytes reply = ErrorReply(-EEXIST, 7);
  shifted.insert(shifted.end(), reply.data.begin(), reply.data.end());
  absl::StatusOr<bool> odd =
      ParseAck(absl::MakeConstSpan(shifted).subspan(1), 7, "RTM_NEWADDR", "192.0.2.3/24 dev eth0");
  CHECK(odd.status().code() == absl::StatusCode::kAlreadyExists);
}

TEST_CASE("ParseAck: truncated and malformed replies are clear errors") {
  auto data_loss = [](const std::vector<uint8_t>& datagram, std::string_view says) {
    absl::StatusOr<bool> parsed = ParseAck(datagram, 7, "RTM_NEWADDR", "192.0.2.3/24 dev eth0");
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.status().code() == absl::StatusCode::kDataLoss);
    const std::string message(parsed.status().message());
    INFO(message);
    CHECK(message.rfind("malformed netlink reply to RTM_NEWADDR on 192.0.2.3/24 dev eth0: ", 0) ==
          0);
    CHECK(message.find(says) != std::string::npos);
  };
  const std::vector<uint8_t> whole = ErrorReply(-EEXIST, 7).data;
  SECTION("shorter than a header") {
    data_loss(std::vector<uint8_t>(whole.begin(), whole.begin() + 10), "too few");
  }
  SECTION("the length claims more than the datagram holds") {
    data_loss(std::vector<uint8_t>(whole.begin(), whole.end() - 1), "claims 36 bytes, 35 are left");
  }
  SECTION("a length shorter than the header itself (0 would loop forever)") {
    Bytes zero;
    zero.Header(0, 2, 0, 7).I32(0);
    data_loss(zero.data, "claims 0 bytes");
  }
  SECTION("an NLMSG_ERROR without its error code") {
    Bytes bare;
    bare.Header(16, 2, 0, 7);
    data_loss(bare.data, "no room for the error code");
  }
  SECTION("an error code that is no errno") {
    data_loss(ErrorReply(5, 7).data, "error 5");
    data_loss(ErrorReply(-100000, 7).data, "error -100000");
  }
  SECTION("NLMSG_OVERRUN") {
    Bytes overrun;
    overrun.Header(16, 4, 0, 7);
    data_loss(overrun.data, "NLMSG_OVERRUN");
  }
}

// What the kernel sends for `ip addr` on an IPv4 address (inet_fill_ifaddr's order).
Bytes KernelV4Address(uint32_t seq, uint32_t index, std::string_view label, uint8_t last_octet,
                      uint8_t ifa_flags, uint32_t flags) {
  Bytes attrs;
  attrs.Attr(8, 1)
      .Raw({192, 0, 2, last_octet})  // IFA_ADDRESS
      .Attr(8, 2)
      .Raw({192, 0, 2, last_octet})  // IFA_LOCAL
      .Attr(8, 4)
      .Raw({192, 0, 2, 255});  // IFA_BROADCAST
  const auto label_len = static_cast<uint16_t>(4 + label.size() + 1);
  attrs.Attr(label_len, 3).Text(label).Zeros(1).Zeros((4 - (label.size() + 1) % 4) % 4);
  attrs.Attr(8, 8).U32(flags);                            // IFA_FLAGS
  attrs.Attr(20, 6).U32(~0u).U32(~0u).U32(100).U32(100);  // IFA_CACHEINFO, skipped
  Bytes message;
  message
      .Header(static_cast<uint32_t>(16 + 8 + attrs.data.size()), 20, 0x2 /*NLM_F_MULTI*/, seq, 4321)
      .Ifaddr(2, 24, ifa_flags, 0, index)
      .Append(attrs);
  return message;
}

Bytes KernelV6Address(uint32_t seq, uint32_t index, uint8_t prefix, uint8_t scope, uint32_t flags) {
  Bytes message;
  message.Header(16 + 8 + 20 + 8, 20, 0x2, seq, 4321)
      .Ifaddr(10, prefix, static_cast<uint8_t>(flags), scope, index)
      .Attr(20, 1)
      .Raw(kV6Bytes)  // IFA_ADDRESS only: no peer
      .Attr(8, 8)
      .U32(flags);
  return message;
}

Bytes Done(uint32_t seq, int32_t error = 0) {
  Bytes done;
  done.Header(20, 3, 0x2, seq, 4321).I32(error);
  return done;
}

TEST_CASE("ParseAddressMessage reads the kernel's RTM_NEWADDR") {
  absl::StatusOr<AddressRecord> v4 =
      ParseAddressMessage(KernelV4Address(1, 7, "eth0:vip", 3, 0x81, 0x81).data);
  REQUIRE(v4.ok());
  CHECK(v4->ifindex == 7);
  CHECK(v4->flags == 0x81);
  const VirtualAddress& vip = v4->entry.vip;
  CHECK(vip.address == IpAddress::V4(192, 0, 2, 3));
  CHECK(vip.prefix_len == 24);
  CHECK(vip.label == "eth0:vip");
  CHECK(vip.broadcast == IpAddress::V4(192, 0, 2, 255));
  CHECK(vip.scope == AddressScope::kGlobal);
  CHECK(vip.prefix_route);
  CHECK(vip.interface.empty());
  CHECK(v4->entry.secondary);
  CHECK(v4->entry.permanent);
  CHECK_FALSE(v4->entry.tentative);
  absl::StatusOr<AddressRecord> leased =
      ParseAddressMessage(KernelV4Address(1, 7, "eth0", 3, 0x00, 0x00).data);
  REQUIRE(leased.ok());
  CHECK_FALSE(leased->entry.permanent);  // a lifetime: no IFA_F_PERMANENT
  CHECK_FALSE(leased->entry.secondary);

  // IFA_FLAGS wins over the 8-bit field (it is the only one that can say NOPREFIXROUTE).
  absl::StatusOr<AddressRecord> v6 =
      ParseAddressMessage(KernelV6Address(1, 7, 64, 0, 0x40 | 0x200 | 0x80).data);
  REQUIRE(v6.ok());
  CHECK(v6->entry.vip.address == *IpAddress::Parse("2001:db8::3"));
  CHECK(v6->entry.vip.prefix_len == 64);
  CHECK(v6->entry.tentative);
  CHECK_FALSE(v6->entry.vip.prefix_route);
  CHECK(v6->entry.vip.ipv6_dad);  // no IFA_F_NODAD
  CHECK_FALSE(v6->entry.secondary);

  // A removal notification (RTM_DELADDR) has the same layout.
  Bytes deleted;
  deleted.Header(16 + 8 + 8, 21, 0, 0).Ifaddr(2, 24, 0x80, 0, 7).Attr(8, 2).Raw({198, 51, 100, 7});
  absl::StatusOr<AddressRecord> gone = ParseAddressMessage(deleted.data);
  REQUIRE(gone.ok());
  CHECK(gone->entry.vip.address == IpAddress::V4(198, 51, 100, 7));

  absl::StatusOr<AddressRecord> link =
      ParseAddressMessage(KernelV6Address(1, 7, 64, 253, 0x08 | 0x02).data);
  REQUIRE(link.ok());
  CHECK(link->entry.vip.scope == AddressScope::kLink);
  CHECK(link->entry.dad_failed);
  CHECK_FALSE(link->entry.vip.ipv6_dad);
  CHECK_FALSE(link->entry.permanent);
}

TEST_CASE("ParseAddressMessage refuses malformed messages with the reason") {
  auto refused = [](const Bytes& message, std::string_view says) {
    absl::StatusOr<AddressRecord> parsed = ParseAddressMessage(message.data);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.status().code() == absl::StatusCode::kDataLoss);
    INFO(parsed.status().message());
    CHECK(std::string(parsed.status().message()).find(says) != std::string::npos);
  };
  Bytes short_local;
  short_local.Header(16 + 8 + 8, 20, 0, 1)
      .Ifaddr(2, 24, 0, 0, 1)
      .Attr(7, 2)
      .Raw({192, 0, 2})
      .Zeros(1);
  refused(short_local, "IFA_LOCAL has 3 bytes, not 4");

  Bytes v6_with_v4;
  v6_with_v4.Header(16 + 8 + 8, 20, 0, 1).Ifaddr(10, 64, 0, 0, 1).Attr(8, 1).Raw({192, 0, 2, 3});
  refused(v6_with_v4, "IFA_ADDRESS has 4 bytes, not 16");

  Bytes past_end;
  past_end.Header(16 + 8 + 8, 20, 0, 1).Ifaddr(2, 24, 0, 0, 1).Attr(12, 2).Raw({192, 0, 2, 3});
  refused(past_end, "claims 12 bytes, 8 are left");

  Bytes tiny_attr;
  tiny_attr.Header(16 + 8 + 8, 20, 0, 1).Ifaddr(2, 24, 0, 0, 1).Attr(2, 2).Raw({192, 0, 2, 3});
  refused(tiny_attr, "claims 2 bytes");

  Bytes half_attr;
  half_attr.Header(16 + 8 + 2, 20, 0, 1).Ifaddr(2, 24, 0, 0, 1).U16(8);
  refused(half_attr, "too few for an attribute");

  Bytes no_address;
  no_address.Header(16 + 8, 20, 0, 1).Ifaddr(2, 24, 0, 0, 1);
  refused(no_address, "neither IFA_LOCAL nor IFA_ADDRESS");

  Bytes long_prefix;
  long_prefix.Header(16 + 8 + 8, 20, 0, 1).Ifaddr(2, 33, 0, 0, 1).Attr(8, 2).Raw({192, 0, 2, 3});
  refused(long_prefix, "prefix length 33");

  Bytes no_ifaddr;
  no_ifaddr.Header(16 + 4, 20, 0, 1).U32(0);
  refused(no_ifaddr, "does not hold an ifaddrmsg");

  Bytes wrong_type;
  wrong_type.Header(16 + 8, 16 /*RTM_NEWLINK*/, 0, 1).Ifaddr(2, 24, 0, 0, 1);
  refused(wrong_type, "message type 16 is neither RTM_NEWADDR (20) nor RTM_DELADDR (21)");

  Bytes deleted_short;
  deleted_short.Header(16 + 8, 21, 0, 1).Ifaddr(2, 24, 0, 0, 1);
  refused(deleted_short, "RTM_DELADDR message: neither IFA_LOCAL");

  Bytes other_family;
  other_family.Header(16 + 8, 20, 0, 1).Ifaddr(17 /*AF_PACKET*/, 0, 0, 0, 1);
  CHECK(ParseAddressMessage(other_family.data).status().code() == absl::StatusCode::kUnimplemented);
}

TEST_CASE("ParseAddressDump collects the addresses until NLMSG_DONE") {
  std::vector<AddressRecord> records;
  Bytes first;
  first.Append(KernelV4Address(5, 7, "eth0", 1, 0x80, 0x80))
      .Append(KernelV4Address(5, 8, "eth1", 9, 0x80, 0x80))
      .Append(KernelV4Address(4, 7, "stale", 9, 0x80, 0x80));  // an older dump's: skipped
  absl::StatusOr<bool> more = ParseAddressDump(first.data, 5, "dev eth0", records);
  REQUIRE(more.ok());
  CHECK_FALSE(*more);
  Bytes second;
  Bytes other_family;
  other_family.Header(16 + 8, 20, 0x2, 5).Ifaddr(17, 0, 0, 0, 7);  // skipped, not an error
  second.Append(KernelV6Address(5, 7, 64, 0, 0x82)).Append(other_family).Append(Done(5));
  absl::StatusOr<bool> done = ParseAddressDump(second.data, 5, "dev eth0", records);
  REQUIRE(done.ok());
  CHECK(*done);
  REQUIRE(records.size() == 3);
  CHECK(records[0].entry.vip.address == IpAddress::V4(192, 0, 2, 1));
  CHECK(records[0].entry.vip.label == "eth0");
  CHECK(records[1].ifindex == 8);
  CHECK(records[2].entry.vip.address.is_v6());
}

TEST_CASE("AddressesOnInterface keeps the interface's addresses, named, without its own label") {
  std::vector<AddressRecord> records;
  Bytes dump;
  dump.Append(KernelV4Address(5, 7, "eth0", 1, 0x80, 0x80))
      .Append(KernelV4Address(5, 7, "eth0:vip", 9, 0x81, 0x81))
      .Append(KernelV4Address(5, 8, "eth1", 2, 0x80, 0x80))  // another interface's
      .Append(KernelV6Address(5, 7, 64, 0, 0x82))
      .Append(Done(5));
  REQUIRE(ParseAddressDump(dump.data, 5, "dev eth0", records).value_or(false));
  const std::vector<InterfaceAddress> eth0 = AddressesOnInterface(records, 7, "eth0");
  REQUIRE(eth0.size() == 3);
  for (const InterfaceAddress& a : eth0) CHECK(a.vip.interface == "eth0");
  CHECK(eth0[0].vip.address == IpAddress::V4(192, 0, 2, 1));
  CHECK(eth0[0].vip.label.empty());  // the kernel's label for the interface itself
  CHECK(eth0[1].vip.label == "eth0:vip");
  CHECK(eth0[1].secondary);
  CHECK(eth0[2].vip.address.is_v6());
  CHECK(AddressesOnInterface(records, 8, "eth1").size() == 1);
  CHECK(AddressesOnInterface(records, 9, "eth9").empty());
}

TEST_CASE("ParseAddressDump: interrupted, failed and malformed dumps") {
  std::vector<AddressRecord> records;
  Bytes interrupted = KernelV4Address(5, 7, "eth0", 1, 0x80, 0x80);
  uint16_t flags = 0;  // nlmsg_flags, at offset 6
  std::memcpy(&flags, interrupted.data.data() + 6, 2);
  flags |= 0x10;  // NLM_F_DUMP_INTR
  std::memcpy(interrupted.data.data() + 6, &flags, 2);
  CHECK(ParseAddressDump(interrupted.data, 5, "dev eth0", records).status().code() ==
        absl::StatusCode::kAborted);

  absl::StatusOr<bool> busy = ParseAddressDump(ErrorReply(-EBUSY, 5).data, 5, "dev eth0", records);
  REQUIRE_FALSE(busy.ok());
  CHECK(busy.status().code() == absl::StatusCode::kUnavailable);
  CHECK(std::string(busy.status().message()).rfind("RTM_GETADDR on dev eth0: ", 0) == 0);

  CHECK(ParseAddressDump(Done(5, -EINTR).data, 5, "dev eth0", records).status().code() ==
        absl::StatusCode::kInternal);

  Bytes broken;
  broken.Header(16 + 8 + 8, 20, 0x2, 5).Ifaddr(2, 24, 0, 0, 7).Attr(9, 2).Raw({192, 0, 2, 3});
  absl::StatusOr<bool> parsed = ParseAddressDump(broken.data, 5, "dev eth0", records);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.status().code() == absl::StatusCode::kDataLoss);
  CHECK(std::string(parsed.status().message()) ==
        "malformed netlink reply to RTM_GETADDR on dev eth0: RTM_NEWADDR message: attribute 2 at "
        "offset 24 claims 9 bytes, 8 are left");
  CHECK(records.empty());
}

TEST_CASE("The parsers survive every truncation and random corruption") {
  Bytes dump;
  dump.Append(KernelV4Address(5, 7, "eth0:vip", 3, 0x80, 0x80))
      .Append(KernelV6Address(5, 7, 64, 0, 0x82))
      .Append(Done(5));
  Bytes acks = ErrorReply(-EINVAL, 5, 0x300, Bytes().Attr(8, 1).Text("bad").Zeros(1));
  std::mt19937 random(20260101);  // fixed: a failure must reproduce
  int parsed = 0;
  for (const Bytes* original : {&dump, &acks}) {
    for (size_t length = 0; length <= original->data.size(); ++length) {
      std::vector<uint8_t> cut(original->data.begin(),
                               original->data.begin() + static_cast<ptrdiff_t>(length));
      std::vector<AddressRecord> records;
      (void)ParseAddressDump(cut, 5, "dev eth0", records);
      (void)ParseAck(cut, 5, "RTM_NEWADDR", "x");
      (void)ParseAddressMessage(cut);
      ++parsed;
    }
    for (int round = 0; round < 2000; ++round) {
      std::vector<uint8_t> noisy = original->data;
      const int flips = 1 + static_cast<int>(random() % 4);
      for (int i = 0; i < flips; ++i) {
        noisy[random() % noisy.size()] = static_cast<uint8_t>(random());
      }
      std::vector<AddressRecord> records;
      (void)ParseAddressDump(noisy, 5, "dev eth0", records);
      (void)ParseAck(noisy, 5, "RTM_NEWADDR", "x");
      (void)ParseAddressMessage(noisy);
      ++parsed;
    }
  }
  CHECK(parsed > 4000);
}

}  // namespace
}  // namespace vrrp::os
