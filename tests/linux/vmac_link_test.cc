// use_vmac's link, vrrp/linux/vmac_link.h: MakeVmacLink's decisions on a fake LinkControl (no
// root), among them the refusal of a kernel without macvlan, which a kernel that has the driver
// cannot show; and NetlinkLinkControl against the kernel in a namespace of its own (root).
#include "vrrp/linux/vmac_link.h"

#include <catch2/catch.hpp>
#include <cerrno>
#include <map>
#include <string>
#include <vector>

#include "system/netns.h"
#include "vrrp/testing/linux/fake_link_control.h"

namespace vrrp::os {
namespace {

constexpr MacAddress kVmac = VirtualMac(Family::kIPv4, 52);
const VmacLinkSpec kSpec{.name = "vrrp.52", .lower = "eth0", .mac = kVmac};

using FakeLinks = testing::FakeLinkControl;

TEST_CASE("MakeVmacLink makes the macvlan when there is none") {
  FakeLinks links;
  absl::StatusOr<uint32_t> made = MakeVmacLink(links, kSpec);
  REQUIRE(made.ok());
  CHECK(*made == 20);
  CHECK(links.calls == std::vector<std::string>{"create vrrp.52 eth0 00:00:5e:00:01:34"});
}

TEST_CASE("MakeVmacLink deletes a killed run's macvlan and makes it again") {
  FakeLinks links;
  links.links["vrrp.52"] = {.ifindex = 9, .name = "vrrp.52", .mac = kVmac, .kind = "macvlan"};
  bool replaced = false;
  absl::StatusOr<uint32_t> made = MakeVmacLink(links, kSpec, &replaced);
  REQUIRE(made.ok());
  CHECK(replaced);
  CHECK(links.calls ==
        std::vector<std::string>{"delete 9 vrrp.52", "create vrrp.52 eth0 00:00:5e:00:01:34"});
}

TEST_CASE("MakeVmacLink refuses a link of that name that is not its macvlan, and keeps it") {
  FakeLinks links;
  SECTION("another kind") {
    links.links["vrrp.52"] = {.ifindex = 9, .name = "vrrp.52", .mac = kVmac, .kind = "veth"};
    absl::StatusOr<uint32_t> made = MakeVmacLink(links, kSpec);
    CHECK(made.status().code() == absl::StatusCode::kFailedPrecondition);
    CHECK(made.status().message() ==
          "use_vmac: a link named vrrp.52 exists and is not this instance's macvlan (veth, "
          "00:00:5e:00:01:34); remove it or name another with use_vmac NAME");
  }
  SECTION("a macvlan with another MAC (another VRID's)") {
    links.links["vrrp.52"] = {
        .ifindex = 9, .name = "vrrp.52", .mac = VirtualMac(Family::kIPv6, 52), .kind = "macvlan"};
    CHECK(MakeVmacLink(links, kSpec).status().message() ==
          "use_vmac: a link named vrrp.52 exists and is not this instance's macvlan (macvlan, "
          "00:00:5e:00:02:34); remove it or name another with use_vmac NAME");
  }
  SECTION("no kind, no MAC") {
    links.links["vrrp.52"] = {.ifindex = 9, .name = "vrrp.52"};
    CHECK(MakeVmacLink(links, kSpec).status().message() ==
          "use_vmac: a link named vrrp.52 exists and is not this instance's macvlan (no kind); "
          "remove it or name another with use_vmac NAME");
  }
  CHECK(links.calls.empty());
}

TEST_CASE("MakeVmacLink: a kernel without macvlan (EOPNOTSUPP) is named as such") {
  FakeLinks links;
  links.create_errno = EOPNOTSUPP;
  absl::StatusOr<uint32_t> made = MakeVmacLink(links, kSpec);
  CHECK(made.status().code() == absl::StatusCode::kUnimplemented);
  CHECK(made.status().message() ==
        "use_vmac: this kernel cannot create a macvlan link (Operation not supported)");
  // Any other error keeps the kernel's words.
  links.create_errno = EPERM;
  CHECK_THAT(std::string(MakeVmacLink(links, kSpec).status().message()),
             Catch::StartsWith("use_vmac: RTM_NEWLINK on vrrp.52: Operation not permitted"));
}

TEST_CASE("NetlinkLinkControl makes, finds and deletes a macvlan in a namespace") {
  VRRP_SKIP_UNLESS_ROOT();
  auto ns = test::Netns::Create();
  REQUIRE(ns.ok());
  REQUIRE((*ns)->AddVeth("veth0", "veth1").ok());
  std::unique_ptr<NetlinkLinkControl> links;
  REQUIRE((*ns)
              ->Inside([&] {
                auto opened = NetlinkLinkControl::Open();
                REQUIRE(opened.ok());
                links = std::move(*opened);
              })
              .ok());
  // The socket stays in the namespace it was opened in, whichever thread uses it.
  absl::StatusOr<std::optional<LinkRecord>> none = links->Find("vrrp.52");
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());

  const bool has_macvlan =
      (*ns)->Run("ip link add link veth0 name probe type macvlan && ip link del probe").exit_code ==
      0;
  // The lower link is found by name in this thread's namespace: enter the test's one.
  absl::StatusOr<uint32_t> made = absl::InternalError("not run");
  REQUIRE((*ns)->Inside([&] { made = links->CreateMacvlan("vrrp.52", "veth0", kVmac); }).ok());
  if (!has_macvlan) {
    CHECK(made.status().code() == absl::StatusCode::kUnimplemented);
    WARN("skipped: this kernel has no macvlan driver; RTM_NEWLINK said " << made.status());
    return;
  }
  REQUIRE(made.ok());
  const std::string shown = (*ns)->Run("ip -d -o link show vrrp.52").output;
  CHECK_THAT(shown, Catch::Contains("vrrp.52@veth0"));
  CHECK_THAT(shown, Catch::Contains("link/ether 00:00:5e:00:01:34"));
  CHECK_THAT(shown, Catch::Contains("macvlan mode private"));
  CHECK_THAT(shown, Catch::Contains(",UP"));

  absl::StatusOr<std::optional<LinkRecord>> found = links->Find("vrrp.52");
  REQUIRE(found.ok());
  REQUIRE(found->has_value());
  CHECK((*found)->ifindex == *made);
  CHECK((*found)->kind == "macvlan");
  CHECK((*found)->mac == kVmac);
  CHECK((*found)->lower_ifindex != 0);

  // A second one of that name is EEXIST (NLM_F_EXCL), not a replacement.
  absl::StatusOr<uint32_t> again = absl::InternalError("not run");
  REQUIRE((*ns)->Inside([&] { again = links->CreateMacvlan("vrrp.52", "veth0", kVmac); }).ok());
  CHECK_THAT(std::string(again.status().message()), Catch::Contains("(EEXIST)"));

  REQUIRE(links->Delete(*made, "vrrp.52").ok());
  CHECK((*ns)->Run("ip link show vrrp.52").exit_code != 0);
  CHECK(links->Delete(*made, "vrrp.52").ok());  // gone already: ENODEV is success
}

}  // namespace
}  // namespace vrrp::os
