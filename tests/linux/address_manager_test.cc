// NetlinkAddressManager against a real kernel, in a network namespace of its own (root only;
// without root every case skips with a warning). Each case checks our view (List) against
// iproute2's (`ip -o addr`), so a mistake of the parser and one of the builder cannot hide each
// other.
#include "vrrp/linux/address_manager.h"

#include <linux/capability.h>

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "system/address_manager_netns.h"
#include "system/netns.h"
#include "vrrp/address_manager.h"

namespace vrrp::os {
namespace {

using test::Netns;

// A namespace with veth0 <-> veth1 (both up), veth0 holding 192.0.2.1/24 and 2001:db8::1/64 of
// its own, and a manager opened inside it.
using Setup = test::AddressManagerNetns;

Setup MakeSetup() {
  // DAD made slow (10 probes, 1 s apart), so "tentative" stays visible while a test looks.
  return test::MakeAddressManagerNetns(
      "sysctl -qw net.ipv6.conf.veth0.dad_transmits=10 && "
      "ip addr add 192.0.2.1/24 dev veth0 && ip addr add 2001:db8::1/64 dev veth0 nodad");
}

VirtualAddress Vip(std::string_view address, uint8_t prefix) {
  VirtualAddress vip;
  vip.address = *IpAddress::Parse(address);
  vip.prefix_len = prefix;
  vip.interface = "veth0";
  return vip;
}

// `ip -o addr show dev veth0` lines that mention `address` followed by '/'.
std::vector<std::string> IpLines(const Netns& ns, std::string_view address) {
  test::CommandResult shown = ns.Run("ip -o addr show dev veth0");
  REQUIRE(shown.exit_code == 0);
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < shown.output.size()) {
    size_t end = shown.output.find('\n', start);
    if (end == std::string::npos) end = shown.output.size();
    std::string line = shown.output.substr(start, end - start);
    if (line.find(fmt::format(" {}/", address)) != std::string::npos) lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

std::vector<InterfaceAddress> Listed(NetlinkAddressManager& manager, const IpAddress& address) {
  absl::StatusOr<std::vector<InterfaceAddress>> all = manager.List("veth0");
  INFO(all.status().message());
  REQUIRE(all.ok());
  std::vector<InterfaceAddress> matching;
  for (const InterfaceAddress& a : *all) {
    if (a.vip.address == address) matching.push_back(a);
  }
  return matching;
}

TEST_CASE("Add puts an IPv4 VIP with label and /24 on the interface, once") {
  VRRP_SKIP_UNLESS_ROOT();
  Setup s = MakeSetup();
  VirtualAddress vip = Vip("192.0.2.3", 24);
  vip.label = "veth0:vip";
  absl::Status added = s.manager->Add(vip);
  INFO(added.message());
  REQUIRE(added.ok());

  std::vector<std::string> lines = IpLines(*s.ns, "192.0.2.3");
  REQUIRE(lines.size() == 1);
  INFO(lines[0]);
  CHECK(lines[0].find("inet 192.0.2.3/24 brd") == std::string::npos);  // no brd asked for
  CHECK(lines[0].find("scope global secondary veth0:vip") != std::string::npos);

  std::vector<InterfaceAddress> listed = Listed(*s.manager, vip.address);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].vip == vip);  // address, prefix, interface, label, scope, flags
  CHECK(listed[0].secondary);   // 192.0.2.1/24 is the primary of the subnet

  SECTION("adding it again succeeds and leaves one copy") {
    absl::Status again = s.manager->Add(vip);
    INFO(again.message());
    CHECK(again.ok());
    CHECK(IpLines(*s.ns, "192.0.2.3").size() == 1);
    CHECK(Listed(*s.manager, vip.address).size() == 1);
  }
  SECTION("removing it twice succeeds, and it is gone") {
    CHECK(s.manager->Remove(vip).ok());
    CHECK(IpLines(*s.ns, "192.0.2.3").empty());
    absl::Status twice = s.manager->Remove(vip);
    INFO(twice.message());
    CHECK(twice.ok());
    CHECK(Listed(*s.manager, vip.address).empty());
    CHECK(IpLines(*s.ns, "192.0.2.1").size() == 1);  // the primary stays
  }
}

TEST_CASE("Add passes broadcast, scope and noprefixroute to the kernel") {
  VRRP_SKIP_UNLESS_ROOT();
  Setup s = MakeSetup();
  VirtualAddress vip = Vip("198.51.100.3", 24);
  vip.broadcast = IpAddress::V4(198, 51, 100, 255);
  vip.scope = AddressScope::kLink;
  vip.prefix_route = false;
  REQUIRE(s.manager->Add(vip).ok());
  std::vector<std::string> lines = IpLines(*s.ns, "198.51.100.3");
  REQUIRE(lines.size() == 1);
  INFO(lines[0]);
  CHECK(lines[0].find("inet 198.51.100.3/24 brd 198.51.100.255 scope link noprefixroute") !=
        std::string::npos);
  CHECK(s.ns->Run("ip route show 198.51.100.0/24").output.empty());
  std::vector<InterfaceAddress> listed = Listed(*s.manager, vip.address);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].vip == vip);

  VirtualAddress routed = Vip("198.51.100.4", 25);
  REQUIRE(s.manager->Add(routed).ok());  // the default: the kernel adds the prefix route
  CHECK(s.ns->Run("ip route show 198.51.100.0/25").output.find("dev veth0") != std::string::npos);
}

TEST_CASE("An IPv6 VIP is added without DAD, so it is usable at once") {
  VRRP_SKIP_UNLESS_ROOT();
  Setup s = MakeSetup();
  VirtualAddress vip = Vip("2001:db8::3", 64);
  absl::Status added = s.manager->Add(vip);
  INFO(added.message());
  REQUIRE(added.ok());
  std::vector<std::string> lines = IpLines(*s.ns, "2001:db8::3");
  REQUIRE(lines.size() == 1);
  INFO(lines[0]);
  CHECK(lines[0].find("nodad") != std::string::npos);
  CHECK(lines[0].find("tentative") == std::string::npos);
  std::vector<InterfaceAddress> listed = Listed(*s.manager, vip.address);
  REQUIRE(listed.size() == 1);
  CHECK_FALSE(listed[0].tentative);
  CHECK(listed[0].vip == vip);
  CHECK(s.manager->Add(vip).ok());
  CHECK(IpLines(*s.ns, "2001:db8::3").size() == 1);
  CHECK(s.manager->Remove(vip).ok());
  CHECK(s.manager->Remove(vip).ok());
  CHECK(IpLines(*s.ns, "2001:db8::3").empty());

  // The contrast, so the check above can fail: with DAD the address starts tentative.
  VirtualAddress with_dad = Vip("2001:db8::4", 64);
  with_dad.ipv6_dad = true;
  REQUIRE(s.manager->Add(with_dad).ok());
  std::vector<std::string> dad_lines = IpLines(*s.ns, "2001:db8::4");
  REQUIRE(dad_lines.size() == 1);
  CHECK(dad_lines[0].find("tentative") != std::string::npos);
  std::vector<InterfaceAddress> dad_listed = Listed(*s.manager, with_dad.address);
  REQUIRE(dad_listed.size() == 1);
  CHECK(dad_listed[0].tentative);
}

TEST_CASE("A missing interface is an error that names it") {
  VRRP_SKIP_UNLESS_ROOT();
  Setup s = MakeSetup();
  VirtualAddress vip = Vip("192.0.2.3", 24);
  vip.interface = "nope0";
  absl::Status added = s.manager->Add(vip);
  CHECK(added.code() == absl::StatusCode::kNotFound);
  CHECK(std::string(added.message()) ==
        "RTM_NEWADDR on 192.0.2.3/24 dev nope0: No such device (ENODEV)");
  absl::Status removed = s.manager->Remove(vip);
  CHECK(removed.code() == absl::StatusCode::kNotFound);
  CHECK(std::string(removed.message()).find("dev nope0") != std::string::npos);
  absl::StatusOr<std::vector<InterfaceAddress>> listed = s.manager->List("nope0");
  CHECK(listed.status().code() == absl::StatusCode::kNotFound);
  CHECK(std::string(listed.status().message()).find("dev nope0") != std::string::npos);
  CHECK(s.manager->InterfaceIndex("nope0").status().code() == absl::StatusCode::kNotFound);
  CHECK(s.manager->InterfaceIndex("veth0").ok());  // the namespace's, from any thread
}

TEST_CASE("Reconciliation removes a crashed run's VIPs and leaves the interface's own") {
  VRRP_SKIP_UNLESS_ROOT();
  Setup s = MakeSetup();
  // What a SIGKILLed keepalived leaves: its VIPs, added the way it adds them.
  REQUIRE(s.ns->Check("ip addr add 192.0.2.3/24 dev veth0 label veth0:vip && "
                      "ip addr add 2001:db8::3/64 dev veth0 nodad")
              .ok());
  const std::vector<VirtualAddress> owned = {Vip("192.0.2.3", 24), Vip("2001:db8::3", 64),
                                             Vip("192.0.2.4", 24)};
  absl::StatusOr<std::vector<InterfaceAddress>> removed =
      RemoveLeftoverAddresses(*s.manager, "veth0", owned);
  INFO(removed.status().message());
  REQUIRE(removed.ok());
  REQUIRE(removed->size() == 2);
  CHECK(IpLines(*s.ns, "192.0.2.3").empty());
  CHECK(IpLines(*s.ns, "2001:db8::3").empty());
  CHECK(IpLines(*s.ns, "192.0.2.1").size() == 1);
  CHECK(IpLines(*s.ns, "2001:db8::1").size() == 1);

  absl::StatusOr<std::vector<InterfaceAddress>> again =
      RemoveLeftoverAddresses(*s.manager, "veth0", owned);
  REQUIRE(again.ok());
  CHECK(again->empty());
}

TEST_CASE("Without CAP_NET_ADMIN the error says the capability is missing") {
  VRRP_SKIP_UNLESS_ROOT();
  Setup s = MakeSetup();
  absl::Status dropped = absl::UnknownError("not run");
  absl::Status added = absl::UnknownError("not run");
  absl::Status listed = absl::UnknownError("not run");
  // Capabilities are per thread: only Inside()'s thread loses CAP_NET_ADMIN, and the socket it
  // opens carries that thread's credentials.
  REQUIRE(s.ns->Inside([&] {
                dropped = test::DropEffectiveCapability(CAP_NET_ADMIN);
                if (!dropped.ok()) return;
                absl::StatusOr<std::unique_ptr<NetlinkAddressManager>> manager =
                    NetlinkAddressManager::Open();
                if (!manager.ok()) {
                  added = manager.status();
                  return;
                }
                added = (*manager)->Add(Vip("192.0.2.3", 24));
                listed = (*manager)->List("veth0").status();
              })
              .ok());
  INFO(dropped.message());
  REQUIRE(dropped.ok());
  CHECK(added.code() == absl::StatusCode::kPermissionDenied);
  CHECK(std::string(added.message()) ==
        "RTM_NEWADDR on 192.0.2.3/24 dev veth0: Operation not permitted (EPERM) (changing "
        "addresses needs CAP_NET_ADMIN)");
  CHECK(listed.ok());  // reading addresses needs no privilege
  CHECK(IpLines(*s.ns, "192.0.2.3").empty());
}

}  // namespace
}  // namespace vrrp::os
