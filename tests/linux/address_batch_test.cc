// NetlinkAddressManager::AddAll against a real kernel, in a network namespace of its own (root
// only; without root every case skips): a batch of 500 leased VIPs goes on in one call and a
// second call renews every lease; one address that cannot be added (a missing interface, an
// invalid address, an error from the kernel) fails alone, with the error Add would give it,
// while the others of the batch are added. Only the last request of a send asks for an
// acknowledgement, so these cases also show that every error answer reaches its address.
#include <sys/resource.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_replace.h"
#include "fmt/format.h"
#include "system/address_manager_netns.h"
#include "system/netns.h"
#include "vrrp/address_manager.h"
#include "vrrp/linux/address_manager.h"

namespace vrrp::os {
namespace {

using test::Netns;

test::AddressManagerNetns MakeSetup() {
  return test::MakeAddressManagerNetns(
      "ip addr add 192.0.2.1/24 dev veth0 && sysctl -qw net.ipv6.conf.veth1.disable_ipv6=1");
}

VirtualAddress Vip(const IpAddress& address, std::string_view interface, uint32_t lease) {
  VirtualAddress vip;
  vip.address = address;
  vip.prefix_len = address.is_v6() ? 128 : 32;
  vip.interface = std::string(interface);
  vip.lease_seconds = lease;
  return vip;
}

// 250 IPv4 and 250 IPv6 addresses on veth0, alternating, leased for `lease` seconds.
std::vector<VirtualAddress> FiveHundred(uint32_t lease) {
  std::vector<VirtualAddress> vips;
  for (int i = 1; i <= 250; ++i) {
    vips.push_back(Vip(IpAddress::V4(198, 51, 100, static_cast<uint8_t>(i)), "veth0", lease));
    vips.push_back(Vip(*IpAddress::Parse(fmt::format("2001:db8:1::{:x}", i)), "veth0", lease));
  }
  return vips;
}

// iproute2's view of `interface`: each address's valid_life_time (4294967295: forever).
std::map<IpAddress, uint64_t> ValidLifetimes(const Netns& ns, std::string_view interface) {
  test::CommandResult shown = ns.Run(fmt::format("ip -j addr show dev {}", interface));
  REQUIRE(shown.exit_code == 0);
  std::map<IpAddress, uint64_t> lifetimes;
  const std::string local = "\"local\":\"";
  const std::string valid = "\"valid_life_time\":";
  for (size_t at = shown.output.find(local); at != std::string::npos;
       at = shown.output.find(local, at + 1)) {
    const size_t start = at + local.size();
    const std::string text = shown.output.substr(start, shown.output.find('"', start) - start);
    const size_t field = shown.output.find(valid, start);
    REQUIRE(field != std::string::npos);
    lifetimes[*IpAddress::Parse(text)] = std::stoull(shown.output.substr(field + valid.size()));
  }
  return lifetimes;
}

std::string Describe(const std::vector<absl::Status>& statuses) {
  std::string out;
  for (size_t i = 0; i < statuses.size(); ++i) {
    if (!statuses[i].ok()) out += fmt::format("[{}] {}\n", i, statuses[i].ToString());
  }
  return out;
}

TEST_CASE("AddAll puts 500 leased VIPs on at once, and again renews every lease") {
  VRRP_SKIP_UNLESS_ROOT();
  test::AddressManagerNetns s = MakeSetup();
  const std::vector<VirtualAddress> vips = FiveHundred(20);
  std::vector<absl::Status> statuses = s.manager->AddAll(vips);
  REQUIRE(statuses.size() == vips.size());
  INFO(Describe(statuses));
  CHECK(std::all_of(statuses.begin(), statuses.end(), [](const auto& st) { return st.ok(); }));

  // All there, with the lease (the manager's own List, then iproute2's lifetimes).
  absl::StatusOr<std::vector<InterfaceAddress>> listed = s.manager->List("veth0");
  REQUIRE(listed.ok());
  size_t leased = 0;
  for (const VirtualAddress& vip : vips) {
    auto it = std::find_if(listed->begin(), listed->end(),
                           [&](const InterfaceAddress& a) { return a.vip.address == vip.address; });
    if (it != listed->end() && !it->permanent) ++leased;
  }
  CHECK(leased == vips.size());
  std::map<IpAddress, uint64_t> lifetimes = ValidLifetimes(*s.ns, "veth0");
  for (const VirtualAddress& vip : vips) {
    INFO(ToString(vip));
    REQUIRE(lifetimes.contains(vip.address));
    CHECK(lifetimes[vip.address] <= 20);
  }

  // Some seconds later the leases have run down; a second AddAll sets each back to the full
  // lease, and adds nothing twice. The bounds leave 4 s for a loaded machine between the renewal
  // and the read.
  std::this_thread::sleep_for(std::chrono::seconds(5));
  lifetimes = ValidLifetimes(*s.ns, "veth0");
  for (const VirtualAddress& vip : vips) CHECK(lifetimes[vip.address] <= 15);
  statuses = s.manager->AddAll(vips);
  INFO(Describe(statuses));
  CHECK(std::all_of(statuses.begin(), statuses.end(), [](const auto& st) { return st.ok(); }));
  lifetimes = ValidLifetimes(*s.ns, "veth0");
  for (const VirtualAddress& vip : vips) {
    INFO(ToString(vip));
    CHECK(lifetimes[vip.address] >= 16);
    CHECK(lifetimes[vip.address] <= 20);
  }
  listed = s.manager->List("veth0");
  REQUIRE(listed.ok());
  CHECK(listed->size() == lifetimes.size());
}

TEST_CASE("AddAll: an address on a missing interface or an invalid one fails alone") {
  VRRP_SKIP_UNLESS_ROOT();
  test::AddressManagerNetns s = MakeSetup();
  std::vector<VirtualAddress> vips = {
      Vip(IpAddress::V4(198, 51, 100, 1), "veth0", 30),
      Vip(IpAddress::V4(198, 51, 100, 2), "nosuch0", 30),
      Vip(IpAddress::V4(198, 51, 100, 3), "veth0", 30),
      Vip(IpAddress::V4(198, 51, 100, 4), "veth0", 30),
      Vip(IpAddress::V4(198, 51, 100, 5), "nosuch0", 30),  // the interface looked up once
      Vip(IpAddress::V4(198, 51, 100, 6), "veth0", 0),     // permanent
      Vip(IpAddress::V4(192, 0, 2, 1), "veth0", 0),        // there already (EEXIST): success
  };
  vips[2].prefix_len = 33;
  const std::vector<absl::Status> statuses = s.manager->AddAll(vips);
  INFO(Describe(statuses));
  REQUIRE(statuses.size() == vips.size());
  CHECK(statuses[0].ok());
  CHECK(statuses[1] == s.manager->Add(vips[1]));  // what Add says: the interface, named
  CHECK_THAT(std::string(statuses[1].message()), Catch::Contains("nosuch0"));
  CHECK(statuses[2] == Validate(vips[2]));
  CHECK(statuses[3].ok());
  CHECK(statuses[4] == s.manager->Add(vips[4]));
  CHECK(statuses[5].ok());
  CHECK(statuses[6].ok());
  const std::map<IpAddress, uint64_t> lifetimes = ValidLifetimes(*s.ns, "veth0");
  CHECK(lifetimes.contains(IpAddress::V4(198, 51, 100, 1)));
  CHECK_FALSE(lifetimes.contains(IpAddress::V4(198, 51, 100, 2)));
  CHECK_FALSE(lifetimes.contains(IpAddress::V4(198, 51, 100, 3)));
  CHECK(lifetimes.contains(IpAddress::V4(198, 51, 100, 4)));
  CHECK(lifetimes.at(IpAddress::V4(198, 51, 100, 6)) == 4294967295u);
}

TEST_CASE("AddAll: each error the kernel sends reaches its address, the others are added") {
  VRRP_SKIP_UNLESS_ROOT();
  test::AddressManagerNetns s = MakeSetup();
  // IPv6 is disabled on veth1: the kernel refuses each IPv6 address there (EACCES), answering
  // requests that asked for no acknowledgement. 600 of them first: a full send's worth of error
  // answers, more than a default receive queue holds (at its 208 KiB, about 300 are kept and
  // the rest lost). Then 300 the kernel takes, silently.
  std::vector<VirtualAddress> vips;
  for (int i = 1; i <= 600; ++i) {
    vips.push_back(Vip(*IpAddress::Parse(fmt::format("2001:db8:2::{:x}", i)), "veth1", 30));
  }
  for (int i = 1; i <= 300; ++i) {
    vips.push_back(Vip(*IpAddress::Parse(fmt::format("2001:db8:1::{:x}", i)), "veth0", 30));
  }
  const std::vector<absl::Status> statuses = s.manager->AddAll(vips);
  REQUIRE(statuses.size() == vips.size());
  const absl::Status refused = s.manager->Add(vips[0]);
  INFO(refused.ToString());
  REQUIRE_FALSE(refused.ok());
  size_t refused_alike = 0;
  for (size_t i = 0; i < 600; ++i) {
    // The same error as Add's, naming the address.
    const std::string expected = absl::StrReplaceAll(
        refused.message(), {{"2001:db8:2::1/", fmt::format("{}/", vips[i].address)}});
    if (statuses[i].code() == refused.code() && statuses[i].message() == expected) {
      ++refused_alike;
    }
  }
  CHECK(refused_alike == 600);
  INFO(Describe(std::vector<absl::Status>(statuses.begin() + 600, statuses.end())));
  CHECK(
      std::all_of(statuses.begin() + 600, statuses.end(), [](const auto& st) { return st.ok(); }));
  const std::map<IpAddress, uint64_t> on_veth0 = ValidLifetimes(*s.ns, "veth0");
  size_t there = 0;
  for (size_t i = 600; i < vips.size(); ++i) there += on_veth0.contains(vips[i].address) ? 1 : 0;
  CHECK(there == 300);
}

// This thread's user + system CPU time, in microseconds.
double ThreadCpuMicros() {
  rusage usage{};
  REQUIRE(getrusage(RUSAGE_THREAD, &usage) == 0);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e6 +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

TEST_CASE("Renewing 500 leases with Add each and with AddAll: the CPU cost, printed for the docs") {
  VRRP_SKIP_UNLESS_ROOT();
  test::AddressManagerNetns s = MakeSetup();
  const std::vector<VirtualAddress> vips = FiveHundred(60);
  REQUIRE(
      std::all_of(vips.begin(), vips.end(), [&](const auto& v) { return s.manager->Add(v).ok(); }));
  constexpr int kRounds = 10;
  const double single_start = ThreadCpuMicros();
  bool all_ok = true;
  for (int round = 0; round < kRounds; ++round) {
    for (const VirtualAddress& vip : vips) all_ok = all_ok && s.manager->Add(vip).ok();
  }
  const double single =
      (ThreadCpuMicros() - single_start) / static_cast<double>(kRounds * vips.size());
  const double batch_start = ThreadCpuMicros();
  for (int round = 0; round < kRounds; ++round) {
    for (const absl::Status& st : s.manager->AddAll(vips)) all_ok = all_ok && st.ok();
  }
  const double batched =
      (ThreadCpuMicros() - batch_start) / static_cast<double>(kRounds * vips.size());
  CHECK(all_ok);
  fmt::print(
      "renewing 500 leased VIPs (250 IPv4, 250 IPv6), CPU per address: Add {:.2f} us, "
      "AddAll {:.2f} us ({} rounds each)\n",
      single, batched, kRounds);
}

}  // namespace
}  // namespace vrrp::os
