// The rtnetlink link messages behind use_vmac, byte for byte, without root. As in
// netlink_messages_test.cc, the expected bytes are written field by field from the kernel's
// layouts (struct ifinfomsg in <linux/rtnetlink.h>, IFLA_* and the macvlan attributes in
// <linux/if_link.h>), the numbers checked against the headers below.
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>

#include <array>
#include <catch2/catch.hpp>
#include <cerrno>
#include <cstddef>
#include <random>
#include <string>
#include <vector>

#include "netlink_bytes.h"
#include "vrrp/linux/netlink_messages.h"

namespace vrrp::os {
namespace {

static_assert(sizeof(ifinfomsg) == 16 && offsetof(ifinfomsg, ifi_type) == 2 &&
              offsetof(ifinfomsg, ifi_index) == 4 && offsetof(ifinfomsg, ifi_flags) == 8 &&
              offsetof(ifinfomsg, ifi_change) == 12);
static_assert(RTM_NEWLINK == 16 && RTM_DELLINK == 17 && RTM_GETLINK == 18);
static_assert(IFLA_ADDRESS == 1 && IFLA_IFNAME == 3 && IFLA_LINK == 5 && IFLA_LINKINFO == 18);
static_assert(IFLA_INFO_KIND == 1 && IFLA_INFO_DATA == 2 && IFLA_MACVLAN_MODE == 1 &&
              MACVLAN_MODE_PRIVATE == 1);
static_assert(IFF_UP == 0x1 && AF_UNSPEC == 0 && NLA_F_NESTED == 0x8000);

constexpr MacAddress kVmac7 = VirtualMac(Family::kIPv4, 7);  // 00:00:5e:00:01:07

template <typename Builder>
std::vector<uint8_t> Build(Builder builder) {
  alignas(4) std::array<uint8_t, kLinkRequestMaxSize> buffer;
  buffer.fill(0xee);  // the builder must write every byte it claims
  absl::StatusOr<size_t> size = builder(absl::MakeSpan(buffer));
  REQUIRE(size.ok());
  REQUIRE(*size <= buffer.size());
  return std::vector<uint8_t>(buffer.begin(), buffer.begin() + static_cast<ptrdiff_t>(*size));
}

TEST_CASE("RTM_NEWLINK makes an up private macvlan with the VMAC on the lower link") {
  Bytes expected;
  expected
      .Header(92, 16, 0x1 | 0x4 | 0x400 | 0x200, 5)  // RTM_NEWLINK, REQUEST|ACK|CREATE|EXCL
      .Ifinfo(0, 0, 0, 0x1, 0x1)                     // AF_UNSPEC, new index, IFF_UP set / changed
      .Attr(11, 3)
      .Text("vrrp.7")
      .Zeros(1)
      .Zeros(1)  // IFLA_IFNAME, NUL, pad to 4
      .Attr(8, 5)
      .U32(3)  // IFLA_LINK: the lower link's index
      .Attr(10, 1)
      .Raw({0x00, 0x00, 0x5e, 0x00, 0x01, 0x07})
      .Zeros(2)               // IFLA_ADDRESS: the VMAC, pad to 4
      .Attr(28, 0x8000 | 18)  // IFLA_LINKINFO, a nest (libmnl sets NLA_F_NESTED)
      .Attr(12, 1)
      .Text("macvlan")
      .Zeros(1)              // IFLA_INFO_KIND "macvlan\0"
      .Attr(12, 0x8000 | 2)  // IFLA_INFO_DATA, a nest
      .Attr(8, 1)
      .U32(1);  // IFLA_MACVLAN_MODE = MACVLAN_MODE_PRIVATE
  REQUIRE(expected.data.size() == 92);
  CHECK(Build([](absl::Span<uint8_t> b) { return BuildNewMacvlan(b, "vrrp.7", 3, kVmac7, 5); }) ==
        expected.data);
}

TEST_CASE("RTM_NEWLINK with the longest name fits kLinkRequestMaxSize") {
  const std::vector<uint8_t> bytes = Build([](absl::Span<uint8_t> b) {
    return BuildNewMacvlan(b, "vrrp.255.abcdef", 3, VirtualMac(Family::kIPv6, 255), 1);
  });
  CHECK(bytes.size() == 100);
  CHECK(bytes[32 + 4 + 14] == 'f');
  CHECK(bytes[32 + 4 + 15] == 0);  // IFLA_IFNAME's NUL
}

TEST_CASE("RTM_DELLINK names the link by index only") {
  Bytes expected;
  expected
      .Header(32, 17, 0x1 | 0x4, 6)  // RTM_DELLINK, REQUEST|ACK
      .Ifinfo(0, 0, 9, 0, 0);        // ifi_index 9
  CHECK(Build([](absl::Span<uint8_t> b) { return BuildDeleteLink(b, 9, 6); }) == expected.data);
}

TEST_CASE("RTM_GETLINK asks for one link by name") {
  Bytes expected;
  expected
      .Header(44, 18, 0x1, 8)  // RTM_GETLINK, REQUEST (no dump)
      .Ifinfo(0, 0, 0, 0, 0)
      .Attr(11, 3)
      .Text("vrrp.7")
      .Zeros(2);  // IFLA_IFNAME, NUL, pad
  CHECK(Build([](absl::Span<uint8_t> b) { return BuildGetLink(b, "vrrp.7", 8); }) == expected.data);
}

TEST_CASE("The link builders refuse a short buffer and a name the kernel would not take") {
  alignas(4) std::array<uint8_t, kLinkRequestMaxSize + 4> buffer;
  auto macvlan = [&](size_t size, std::string_view name) {
    return BuildNewMacvlan(absl::MakeSpan(buffer.data(), size), name, 3, kVmac7, 1);
  };
  SECTION("a buffer one byte short, for each builder") {
    buffer.fill(0xee);
    absl::StatusOr<size_t> short_one = macvlan(91, "vrrp.7");
    REQUIRE(short_one.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(short_one.status().message() ==
          "netlink request buffer of 91 bytes is smaller than the 92 needed");
    CHECK(buffer[0] == 0xee);  // nothing written
    CHECK(!BuildDeleteLink(absl::MakeSpan(buffer.data(), 31), 9, 1).ok());
    CHECK(!BuildGetLink(absl::MakeSpan(buffer.data(), 43), "vrrp.7", 1).ok());
  }
  SECTION("a misaligned buffer") {
    CHECK(BuildNewMacvlan(absl::MakeSpan(buffer.data() + 1, 100), "vrrp.7", 3, kVmac7, 1)
              .status()
              .message() == "netlink request buffer is not 4-byte aligned");
  }
  SECTION("names: IFNAMSIZ, '/', ':', whitespace, empty, dots") {
    CHECK(macvlan(kLinkRequestMaxSize, "0123456789abcdef").status().message() ==
          "interface name '0123456789abcdef' is longer than 15 characters");
    CHECK(macvlan(kLinkRequestMaxSize, "vrrp/7").status().message() ==
          "interface name 'vrrp/7' holds '/'");
    CHECK(macvlan(kLinkRequestMaxSize, "eth0:7").status().message() ==
          "interface name 'eth0:7' holds ':'");
    CHECK(macvlan(kLinkRequestMaxSize, "vrrp 7").status().message() ==
          "interface name 'vrrp 7' holds whitespace or a NUL");
    CHECK(macvlan(kLinkRequestMaxSize, "").status().message() == "interface name is empty");
    CHECK(!macvlan(kLinkRequestMaxSize, "..").ok());
    CHECK(!BuildGetLink(absl::MakeSpan(buffer.data(), 64), "a\tb", 1).ok());
    CHECK(macvlan(kLinkRequestMaxSize, "0123456789abcde").ok());  // 15: the longest
  }
}

// The kernel's answer to RTM_GETLINK for a macvlan: the attributes our checks read, among
// others they skip.
Bytes MacvlanLink(uint32_t seq, std::string_view kind = "macvlan") {
  Bytes body;
  body.Ifinfo(0, 1, 12, 0x1043, 0)  // ARPHRD_ETHER, index 12, UP|RUNNING|BROADCAST|MULTICAST
      .Attr(11, 3)
      .Text("vrrp.7")
      .Zeros(2)  // IFLA_IFNAME
      .Attr(8, 4)
      .U32(1500)  // IFLA_MTU, skipped
      .Attr(10, 1)
      .Raw({0x00, 0x00, 0x5e, 0x00, 0x01, 0x07})
      .Zeros(2)  // IFLA_ADDRESS
      .Attr(8, 5)
      .U32(3);  // IFLA_LINK
  Bytes info;
  info.Attr(static_cast<uint16_t>(4 + kind.size() + 1), 1).Text(kind).Zeros(1);
  while (info.data.size() % 4 != 0) info.Zeros(1);
  body.Attr(static_cast<uint16_t>(4 + info.data.size()), 18).Append(info);
  Bytes message;
  message.Header(static_cast<uint32_t>(16 + body.data.size()), 16, 0, seq, 0).Append(body);
  return message;
}

TEST_CASE("ParseLinkMessage reads name, MAC, lower link and kind") {
  absl::StatusOr<LinkRecord> link = ParseLinkMessage(MacvlanLink(4).data);
  REQUIRE(link.ok());
  CHECK(link->ifindex == 12);
  CHECK(link->name == "vrrp.7");
  CHECK(link->mac == kVmac7);
  CHECK(link->lower_ifindex == 3);
  CHECK(link->kind == "macvlan");
  CHECK(link->flags == 0x1043);

  Bytes truncated = MacvlanLink(4);
  truncated.data.resize(20);
  CHECK(ParseLinkMessage(truncated.data).status().code() == absl::StatusCode::kDataLoss);
  Bytes overlong = MacvlanLink(4);
  overlong.data[32] = 0xff;  // IFLA_IFNAME claims 255 bytes
  CHECK(ParseLinkMessage(overlong.data).status().code() == absl::StatusCode::kDataLoss);
}

TEST_CASE("ParseGetLinkReply: the link, no such link, or the error") {
  bool done = false;
  absl::StatusOr<std::optional<LinkRecord>> link =
      ParseGetLinkReply(MacvlanLink(4).data, 4, "vrrp.7", &done);
  REQUIRE(link.ok());
  CHECK(done);
  REQUIRE(link->has_value());
  CHECK((*link)->kind == "macvlan");

  // Another request's answer: not done.
  link = ParseGetLinkReply(MacvlanLink(3).data, 4, "vrrp.7", &done);
  REQUIRE(link.ok());
  CHECK_FALSE(done);

  auto error = [](int32_t code, uint32_t seq) {
    Bytes body;
    body.I32(code).Header(44, 18, 0x1, seq);  // the request's header, capped
    Bytes reply;
    reply.Header(static_cast<uint32_t>(16 + body.data.size()), 2, 0x100, seq, 0).Append(body);
    return reply;
  };
  link = ParseGetLinkReply(error(-ENODEV, 4).data, 4, "vrrp.7", &done);
  REQUIRE(link.ok());
  CHECK(done);
  CHECK_FALSE(link->has_value());

  link = ParseGetLinkReply(error(-EPERM, 4).data, 4, "vrrp.7", &done);
  REQUIRE_FALSE(link.ok());
  CHECK_THAT(std::string(link.status().message()), Catch::StartsWith("RTM_GETLINK on vrrp.7"));
}

TEST_CASE("The link parsers survive every truncation and random corruption") {
  const std::vector<uint8_t> original = MacvlanLink(5).data;
  std::mt19937 random(20261202);  // fixed: a failure must reproduce
  int parsed = 0;
  auto parse = [&](const std::vector<uint8_t>& bytes) {
    bool done = false;
    (void)ParseGetLinkReply(bytes, 5, "vrrp.7", &done);
    (void)ParseLinkMessage(bytes);
    ++parsed;
  };
  for (size_t length = 0; length <= original.size(); ++length) {
    parse(
        std::vector<uint8_t>(original.begin(), original.begin() + static_cast<ptrdiff_t>(length)));
  }
  for (int round = 0; round < 3000; ++round) {
    std::vector<uint8_t> noisy = original;
    const int flips = 1 + static_cast<int>(random() % 4);
    for (int i = 0; i < flips; ++i) noisy[random() % noisy.size()] = static_cast<uint8_t>(random());
    parse(noisy);
  }
  CHECK(parsed > 3000);
}

}  // namespace
}  // namespace vrrp::os
