// VirtualAddress validation and text, and the start-up reconciliation that removes the
// addresses a crashed earlier run left behind (with a fake AddressManager: no system calls).
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "vrrp/address_manager.h"
#include "vrrp/testing/fakes.h"

namespace vrrp {
namespace {

VirtualAddress Vip(std::string_view address, uint8_t prefix, std::string interface = "eth0") {
  VirtualAddress vip;
  vip.address = *IpAddress::Parse(address);
  vip.prefix_len = prefix;
  vip.interface = std::move(interface);
  return vip;
}

InterfaceAddress Found(std::string_view address, uint8_t prefix, std::string label = "") {
  InterfaceAddress found;
  found.vip = Vip(address, prefix);
  found.vip.label = std::move(label);
  return found;
}

TEST_CASE("Validate accepts what keepalived's virtual_ipaddress accepts") {
  VirtualAddress vip = Vip("192.0.2.3", 24);
  vip.label = "eth0:vip";
  vip.broadcast = IpAddress::V4(192, 0, 2, 255);
  vip.scope = AddressScope::kLink;
  CHECK(Validate(vip).ok());
  CHECK(Validate(Vip("2001:db8::3", 128)).ok());
  CHECK(Validate(Vip("2001:db8::3", 64)).ok());
  CHECK(Validate(Vip("192.0.2.3", 32)).ok());
  VirtualAddress longest = Vip("192.0.2.3", 0, "veth0123456789a");  // 15 characters
  longest.label = "veth0123456789a";
  CHECK(Validate(longest).ok());
}

TEST_CASE("Validate names the address and what is wrong") {
  auto refused = [](const VirtualAddress& vip, std::string_view says) {
    absl::Status status = Validate(vip);
    REQUIRE_FALSE(status.ok());
    CHECK(status.code() == absl::StatusCode::kInvalidArgument);
    const std::string message(status.message());
    INFO(message);
    CHECK(message.find(says) != std::string::npos);
  };
  refused(Vip("192.0.2.3", 33),
          "virtual address 192.0.2.3/33 dev eth0: prefix length 33 is out "
          "of range 0..32 for IPv4");
  refused(Vip("2001:db8::3", 129), "out of range 0..128 for IPv6");
  refused(Vip("0.0.0.0", 24), "unspecified");
  refused(Vip("::", 64), "unspecified");
  refused(Vip("224.0.0.18", 32), "multicast");  // VRRP's own group
  refused(Vip("ff02::12", 128), "multicast");
  refused(Vip("192.0.2.3", 24, ""), "no interface");
  refused(Vip("192.0.2.3", 24, "a-very-long-name0"), "longer than 15 characters");
  VirtualAddress v6_label = Vip("2001:db8::3", 64);
  v6_label.label = "eth0:vip";
  refused(v6_label, "label is for IPv4 addresses only");
  VirtualAddress long_label = Vip("192.0.2.3", 24);
  long_label.label = "eth0:0123456789a";  // 16
  refused(long_label, "label \"eth0:0123456789a\" is longer than 15");
  VirtualAddress v6_brd = Vip("2001:db8::3", 64);
  v6_brd.broadcast = *IpAddress::Parse("2001:db8::ff");
  refused(v6_brd, "broadcast address is for IPv4 addresses only");
  VirtualAddress mixed_brd = Vip("192.0.2.3", 24);
  mixed_brd.broadcast = *IpAddress::Parse("2001:db8::ff");
  refused(mixed_brd, "not IPv4");
}

TEST_CASE("ToString reads like ip addr, defaults left out") {
  VirtualAddress vip = Vip("192.0.2.3", 24);
  CHECK(ToString(vip) == "192.0.2.3/24 dev eth0 scope global");
  vip.label = "eth0:vip";
  vip.broadcast = IpAddress::V4(192, 0, 2, 255);
  vip.scope = AddressScope::kHost;
  vip.prefix_route = false;
  CHECK(fmt::format("{}", vip) ==
        "192.0.2.3/24 dev eth0 scope host label eth0:vip brd 192.0.2.255 noprefixroute");
  VirtualAddress v6 = Vip("2001:db8::3", 64);
  v6.scope = AddressScope::kSite;
  CHECK(ToString(v6) == "2001:db8::3/64 dev eth0 scope site");
  v6.ipv6_dad = true;
  CHECK(ToString(v6) == "2001:db8::3/64 dev eth0 scope site dad");
  CHECK(AddressScopeName(AddressScope::kLink) == "link");
}

TEST_CASE("LeftoverAddresses picks the VIPs of an earlier run, not the interface's own") {
  const std::vector<VirtualAddress> owned = {Vip("192.0.2.3", 24), Vip("2001:db8::3", 64),
                                             Vip("198.51.100.3", 24, "eth1")};
  const std::vector<InterfaceAddress> current = {
      Found("192.0.2.1", 24),              // the interface's primary: not a VIP
      Found("192.0.2.3", 32, "eth0:vip"),  // left behind, with another prefix and a label
      Found("2001:db8::3", 64),            // left behind
      Found("2001:db8::1", 64),            // the interface's own
      Found("198.51.100.3", 24),           // a VIP, but of eth1: not this interface's
  };
  std::vector<InterfaceAddress> leftovers = LeftoverAddresses(owned, current);
  REQUIRE(leftovers.size() == 2);
  CHECK(leftovers[0] == current[1]);  // as found: the removal must name prefix /32
  CHECK(leftovers[1] == current[2]);
  CHECK(LeftoverAddresses({}, current).empty());
  CHECK(LeftoverAddresses(owned, {}).empty());
}

TEST_CASE("RemoveLeftoverAddresses removes exactly the leftovers, as found") {
  testing::FakeAddressManager manager;
  manager.Put(Found("192.0.2.1", 24));
  manager.Put(Found("192.0.2.3", 32, "eth0:vip"));
  const std::vector<VirtualAddress> owned = {Vip("192.0.2.3", 24), Vip("192.0.2.4", 24)};
  absl::StatusOr<std::vector<InterfaceAddress>> removed =
      RemoveLeftoverAddresses(manager, "eth0", owned);
  REQUIRE(removed.ok());
  REQUIRE(removed->size() == 1);
  // Removed as found: prefix /32 and its label, not the configuration's /24.
  CHECK(manager.calls() ==
        std::vector<std::string>{"remove 192.0.2.3/32 dev eth0 scope global label eth0:vip"});
  CHECK(manager.addresses() == std::set<IpAddress>{IpAddress::V4(192, 0, 2, 1)});

  manager.clear_calls();
  absl::StatusOr<std::vector<InterfaceAddress>> none =
      RemoveLeftoverAddresses(manager, "eth1", owned);
  REQUIRE(none.ok());
  CHECK(none->empty());
  CHECK(manager.calls().empty());
}

TEST_CASE("RemoveLeftoverAddresses passes the manager's errors on") {
  testing::FakeAddressManager manager;
  manager.Put(Found("192.0.2.3", 24));
  const absl::Status no_device =
      absl::NotFoundError("RTM_GETADDR on dev eth0: No such device (ENODEV)");
  manager.FailList(no_device);
  CHECK(RemoveLeftoverAddresses(manager, "eth0", {Vip("192.0.2.3", 24)}).status() == no_device);
  manager.FailList(absl::OkStatus());
  const absl::Status denied = absl::PermissionDeniedError("RTM_DELADDR ... CAP_NET_ADMIN");
  manager.Fail(IpAddress::V4(192, 0, 2, 3), denied);
  CHECK(RemoveLeftoverAddresses(manager, "eth0", {Vip("192.0.2.3", 24)}).status() == denied);
  CHECK(manager.Holds(IpAddress::V4(192, 0, 2, 3)));
}

}  // namespace
}  // namespace vrrp
