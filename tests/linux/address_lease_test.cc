// Leased VIPs (crash-safe VIPs) against a real kernel, in a network namespace of its own (root
// only; without root every case skips): NetlinkAddressManager adds an address with a finite
// lifetime (`ip -j addr` shows it), adding it again renews it, without renewal the kernel deletes
// it by itself, and start-up reconciliation still removes one an earlier run left. The time the
// kernel takes past the lease is printed, for docs/performance.md.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "fmt/format.h"
#include "system/address_manager_netns.h"
#include "system/netns.h"
#include "vrrp/address_manager.h"
#include "vrrp/linux/address_manager.h"

namespace vrrp::os {
namespace {

using test::Netns;
using Clock = std::chrono::steady_clock;

using Setup = test::AddressManagerNetns;

Setup MakeSetup() { return test::MakeAddressManagerNetns("ip addr add 192.0.2.1/24 dev veth0"); }

VirtualAddress Vip(std::string_view address, uint8_t prefix, uint32_t lease) {
  VirtualAddress vip;
  vip.address = *IpAddress::Parse(address);
  vip.prefix_len = prefix;
  vip.interface = "veth0";
  vip.lease_seconds = lease;
  return vip;
}

// iproute2's view: the address's valid_life_time in `ip -j addr show dev veth0`, 4294967295 for
// "forever", nullopt when the address is not there.
std::optional<uint64_t> ValidLifetime(const Netns& ns, std::string_view address) {
  test::CommandResult shown = ns.Run("ip -j addr show dev veth0");
  REQUIRE(shown.exit_code == 0);
  const std::string key = fmt::format("\"local\":\"{}\"", address);
  const size_t at = shown.output.find(key);
  if (at == std::string::npos) return std::nullopt;
  const std::string field = "\"valid_life_time\":";
  const size_t valid = shown.output.find(field, at);
  REQUIRE(valid != std::string::npos);
  return std::stoull(shown.output.substr(valid + field.size()));
}

TEST_CASE("A leased VIP has a finite lifetime, renewed by adding it again") {
  VRRP_SKIP_UNLESS_ROOT();
  Setup s = MakeSetup();
  for (auto [text, prefix] : {std::pair{"192.0.2.3", 24}, {"2001:db8::3", 64}}) {
    INFO(text);
    const VirtualAddress vip = Vip(text, static_cast<uint8_t>(prefix), 30);
    absl::Status added = s.manager->Add(vip);
    INFO(added.message());
    REQUIRE(added.ok());
    std::optional<uint64_t> lifetime = ValidLifetime(*s.ns, text);
    REQUIRE(lifetime);
    CHECK(*lifetime <= 30);
    CHECK(*lifetime >= 25);  // generous: a second or two may pass on a loaded machine
    auto listed = s.manager->List("veth0");
    REQUIRE(listed.ok());
    auto it = std::find_if(listed->begin(), listed->end(),
                           [&](const InterfaceAddress& a) { return a.vip.address == vip.address; });
    REQUIRE(it != listed->end());
    CHECK_FALSE(it->permanent);

    // Renewal to a longer lease; then back to permanent needs a removal (a permanent add leaves
    // an address that is there as it is).
    VirtualAddress longer = vip;
    longer.lease_seconds = 600;
    REQUIRE(s.manager->Add(longer).ok());
    lifetime = ValidLifetime(*s.ns, text);
    REQUIRE(lifetime);
    CHECK(*lifetime > 500);
    CHECK(*lifetime <= 600);
    REQUIRE(s.manager->Remove(vip).ok());
    CHECK_FALSE(ValidLifetime(*s.ns, text));
  }
}

TEST_CASE("Renewed, a leased VIP stays, and left alone the kernel deletes it shortly after") {
  VRRP_SKIP_UNLESS_ROOT();
  Setup s = MakeSetup();
  const VirtualAddress vip = Vip("192.0.2.3", 24, 2);
  const VirtualAddress vip6 = Vip("2001:db8::3", 64, 2);
  // Renewed every half second for 5 s, more than twice the lease: never gone.
  bool always_there = true;
  for (int i = 0; i < 10; ++i) {
    REQUIRE(s.manager->Add(vip).ok());
    REQUIRE(s.manager->Add(vip6).ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    always_there = always_there && ValidLifetime(*s.ns, "192.0.2.3").has_value() &&
                   ValidLifetime(*s.ns, "2001:db8::3").has_value();
  }
  CHECK(always_there);
  // The last renewal; then nothing. The kernel's lifetime worker (IPv4 check_lifetime, IPv6
  // addrconf_verify) runs at the next expiry rounded up to a whole second.
  REQUIRE(s.manager->Add(vip).ok());
  REQUIRE(s.manager->Add(vip6).ok());
  const Clock::time_point renewed = Clock::now();
  std::optional<double> gone4;
  std::optional<double> gone6;
  while (Clock::now() - renewed < std::chrono::seconds(12) && !(gone4 && gone6)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const double t = std::chrono::duration<double>(Clock::now() - renewed).count();
    if (!gone4 && !ValidLifetime(*s.ns, "192.0.2.3")) gone4 = t;
    if (!gone6 && !ValidLifetime(*s.ns, "2001:db8::3")) gone6 = t;
  }
  REQUIRE(gone4);
  REQUIRE(gone6);
  fmt::print("lease 2 s: IPv4 VIP gone {:.2f} s after its last renewal, IPv6 {:.2f} s\n", *gone4,
             *gone6);
  CHECK(*gone4 >= 1.9);  // never before the lease (the kernel's fuzz is 20 ms)
  CHECK(*gone6 >= 1.9);
}

TEST_CASE("A renewal is one netlink round trip: its cost, printed for the docs") {
  VRRP_SKIP_UNLESS_ROOT();
  Setup s = MakeSetup();
  const VirtualAddress vip = Vip("192.0.2.3", 24, 6);
  REQUIRE(s.manager->Add(vip).ok());
  constexpr int kRenewals = 2000;
  const Clock::time_point start = Clock::now();
  for (int i = 0; i < kRenewals; ++i) REQUIRE(s.manager->Add(vip).ok());
  const double per =
      std::chrono::duration<double, std::micro>(Clock::now() - start).count() / kRenewals;
  fmt::print("renewing a leased IPv4 VIP: {:.1f} us per renewal (wall clock, {} renewals)\n", per,
             kRenewals);
  CHECK(ValidLifetime(*s.ns, "192.0.2.3").has_value());
}

TEST_CASE("Start-up reconciliation removes a leased VIP an earlier run left") {
  VRRP_SKIP_UNLESS_ROOT();
  Setup s = MakeSetup();
  REQUIRE(s.manager->Add(Vip("192.0.2.3", 24, 60)).ok());
  const VirtualAddress configured = Vip("192.0.2.3", 24, 0);
  auto removed = RemoveLeftoverAddresses(*s.manager, "veth0", absl::MakeConstSpan(&configured, 1));
  INFO(removed.status().message());
  REQUIRE(removed.ok());
  REQUIRE(removed->size() == 1);
  CHECK_FALSE((*removed)[0].permanent);
  CHECK_FALSE(ValidLifetime(*s.ns, "192.0.2.3"));
  CHECK(ValidLifetime(*s.ns, "192.0.2.1") == 4294967295u);  // the interface's own stays
}

}  // namespace
}  // namespace vrrp::os
