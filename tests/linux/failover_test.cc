// Failover on real Linux networking: two routers (vrrp-run processes in their own namespaces)
// and a client on one bridge. The master holds the VIP and the client reaches it; kill the
// master and the backup takes the VIP and the client's neighbour table follows (gratuitous ARP /
// unsolicited NA); restart it and its leftover VIP is cleaned up before it preempts; take its
// link down and the backup takes over; block multicast and unicast peers still work.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "absl/time/time.h"
#include "fmt/format.h"
#include "system/checks.h"
#include "system/netns.h"
#include "system/router_lan.h"

namespace vrrp {
namespace {

using vrrp::test::Eventually;
using vrrp::test::Mac;
using vrrp::test::Netns;
using vrrp::test::VipCount;

#ifdef VRRP_RUN_BINARY
constexpr const char* kRun = VRRP_RUN_BINARY;
#else
constexpr const char* kRun = nullptr;
#endif

// Root-only, and the routers are vrrp-run processes: skip with a message when either is missing.
#define VRRP_SKIP_UNLESS_ROOT_AND_RUN()                 \
  VRRP_SKIP_UNLESS_ROOT();                              \
  if (kRun == nullptr) {                                \
    WARN("skipped: built without examples (vrrp-run)"); \
    return;                                             \
  }

struct Lab {
  std::unique_ptr<vrrp::test::RouterLan> net;
  Netns* r1 = nullptr;
  Netns* r2 = nullptr;
  Netns* client = nullptr;
  std::string log1, log2;

  Lab() {
    auto created = vrrp::test::RouterLan::Create();
    REQUIRE(created.ok());
    net = std::move(*created);
    r1 = net->r1.get();
    r2 = net->r2.get();
    client = net->client.get();
    log1 = fmt::format("/tmp/vrrp-failover-{}-r1.log", getpid());
    log2 = fmt::format("/tmp/vrrp-failover-{}-r2.log", getpid());
    std::remove(log1.c_str());
    std::remove(log2.c_str());
  }
  ~Lab() {
    std::remove(log1.c_str());
    std::remove(log2.c_str());
  }

  pid_t Start(Netns& ns, const std::string& log, const std::string& flags) {
    auto pid = ns.Spawn(fmt::format("exec {} --interface eth0 {}", kRun, flags), log);
    REQUIRE(pid.ok());
    return *pid;
  }
  std::string Log(const std::string& path) { return vrrp::test::RunOnHost("cat " + path).output; }
};

// The client's neighbour entry for `vip` shows `mac` (after asking once, so there is an entry).
bool ClientSees(const Netns& client, const std::string& vip, const std::string& mac) {
  return client.Run("ip neigh show " + vip + " dev eth0").output.find(mac) != std::string::npos;
}

TEST_CASE("Failover: crash, leftover VIP, preemption and link down, IPv4 v3 at 100 ms") {
  VRRP_SKIP_UNLESS_ROOT_AND_RUN();
  Lab lab;
  const std::string vip = "192.0.2.3";
  const std::string flags = "--vrid 50 --vip 192.0.2.3/24 --version 3 --interval-cs 10";
  pid_t p1 = lab.Start(*lab.r1, lab.log1, flags + " --priority 150");
  lab.Start(*lab.r2, lab.log2, flags + " --priority 100");

  INFO("r1 log:\n" << lab.Log(lab.log1) << "r2 log:\n" << lab.Log(lab.log2));
  REQUIRE(Eventually([&] { return VipCount(*lab.r1, vip) == 1; }));
  CHECK(Eventually([&] { return lab.Log(lab.log2).find("-> BACKUP") != std::string::npos; }));
  CHECK(VipCount(*lab.r2, vip) == 0);
  REQUIRE(lab.client->Check("ping -c 1 -W 2 " + vip).ok());
  CHECK(ClientSees(*lab.client, vip, Mac(*lab.r1)));

  // Crash: no priority 0, the VIP stays on r1 (as with keepalived), r2 takes over after the
  // master-down interval and its gratuitous ARP moves the client.
  kill(-p1, SIGKILL);
  REQUIRE(Eventually([&] { return VipCount(*lab.r2, vip) == 1; }));
  CHECK(Eventually([&] { return ClientSees(*lab.client, vip, Mac(*lab.r2)); }));
  CHECK(VipCount(*lab.r1, vip) == 1);  // left behind by the killed process

  // Restart: the leftover is removed before anything else, then r1 preempts.
  lab.Start(*lab.r1, lab.log1, flags + " --priority 150");
  REQUIRE(Eventually(
      [&] { return lab.Log(lab.log1).find("address_removed 192.0.2.3/24") != std::string::npos; }));
  REQUIRE(Eventually([&] { return VipCount(*lab.r2, vip) == 0 && VipCount(*lab.r1, vip) == 1; }));
  CHECK(Eventually([&] { return ClientSees(*lab.client, vip, Mac(*lab.r1)); }));
  CHECK(VipCount(*lab.r1, vip) == 1);  // never doubled

  // Link down on the master: Fault, the VIP leaves r1, r2 takes over.
  REQUIRE(lab.r1->Check("ip link set eth0 down").ok());
  REQUIRE(Eventually([&] { return lab.Log(lab.log1).find("-> FAULT") != std::string::npos; }));
  CHECK(Eventually([&] { return VipCount(*lab.r1, vip) == 0; }));
  REQUIRE(Eventually([&] { return VipCount(*lab.r2, vip) == 1; }));
  // Link up: r1 starts again and preempts.
  REQUIRE(lab.r1->Check("ip link set eth0 up").ok());
  CHECK(Eventually([&] { return VipCount(*lab.r1, vip) == 1 && VipCount(*lab.r2, vip) == 0; }));

  // The address r1 sends from disappears: Fault again, r2 takes over; it comes back: preempt.
  auto faults = [&] {
    std::string log = lab.Log(lab.log1);
    int n = 0;
    for (size_t at = log.find("-> FAULT"); at != std::string::npos;
         at = log.find("-> FAULT", at + 1)) {
      ++n;
    }
    return n;
  };
  const int faults_before = faults();
  REQUIRE(lab.r1->Check("ip addr del 192.0.2.5/24 dev eth0").ok());
  REQUIRE(Eventually([&] { return faults() == faults_before + 1; }));
  REQUIRE(Eventually([&] { return VipCount(*lab.r2, vip) == 1 && VipCount(*lab.r1, vip) == 0; }));
  REQUIRE(lab.r1->Check("ip addr add 192.0.2.5/24 dev eth0").ok());
  CHECK(Eventually([&] { return VipCount(*lab.r1, vip) == 1 && VipCount(*lab.r2, vip) == 0; }));
}

TEST_CASE("Failover: graceful stop hands over after the skew time, VRRPv2 with PASS") {
  VRRP_SKIP_UNLESS_ROOT_AND_RUN();
  Lab lab;
  const std::string vip = "192.0.2.3";
  const std::string flags = "--vrid 50 --vip 192.0.2.3/24 --version 2 --pass 1111";
  pid_t p1 = lab.Start(*lab.r1, lab.log1, flags + " --priority 150");
  lab.Start(*lab.r2, lab.log2, flags + " --priority 100");
  INFO("r1 log:\n" << lab.Log(lab.log1) << "r2 log:\n" << lab.Log(lab.log2));
  REQUIRE(Eventually([&] { return VipCount(*lab.r1, vip) == 1; }));
  kill(p1, SIGTERM);  // graceful: priority 0, VIP removed
  REQUIRE(Eventually([&] { return VipCount(*lab.r1, vip) == 0; }, absl::Seconds(3)));
  REQUIRE(Eventually([&] { return VipCount(*lab.r2, vip) == 1; }, absl::Seconds(3)));
  CHECK(lab.Log(lab.log2).find("(priority_zero_received)") != std::string::npos);
}

TEST_CASE("Failover: IPv6 VIP moves with an unsolicited NA") {
  VRRP_SKIP_UNLESS_ROOT_AND_RUN();
  Lab lab;
  const std::string vip = "2001:db8::3";
  const std::string flags = "--vrid 51 --vip 2001:db8::3/64 --version 3 --interval-cs 10";
  pid_t p1 = lab.Start(*lab.r1, lab.log1, flags + " --priority 150");
  lab.Start(*lab.r2, lab.log2, flags + " --priority 100");
  INFO("r1 log:\n" << lab.Log(lab.log1) << "r2 log:\n" << lab.Log(lab.log2));
  REQUIRE(Eventually([&] { return VipCount(*lab.r1, vip) == 1; }));
  REQUIRE(Eventually([&] { return lab.client->Run("ping -6 -c 1 -W 1 " + vip).exit_code == 0; }));
  CHECK(ClientSees(*lab.client, vip, Mac(*lab.r1)));
  kill(-p1, SIGKILL);
  REQUIRE(Eventually([&] { return VipCount(*lab.r2, vip) == 1; }));
  CHECK(Eventually([&] { return ClientSees(*lab.client, vip, Mac(*lab.r2)); }));
}

TEST_CASE("Failover: unicast peers elect one master where multicast VRRP is dropped") {
  VRRP_SKIP_UNLESS_ROOT_AND_RUN();
  if (vrrp::test::RunOnHost("command -v nft").exit_code != 0) {
    WARN("skipped: nft is not installed (scripts/install-deps installs nftables)");
    return;
  }
  Lab lab;
  // Each router's firewall drops multicast VRRP: with multicast only, both would be master.
  for (Netns* ns : {lab.r1, lab.r2}) {
    REQUIRE(ns->Check("nft add table inet vrrptest && "
                      "nft add chain inet vrrptest in '{ type filter hook input priority 0; }' && "
                      "nft add rule inet vrrptest in ip daddr 224.0.0.18 drop")
                .ok());
  }
  const std::string vip = "192.0.2.3";
  const std::string flags = "--vrid 52 --vip 192.0.2.3/24 --version 3 --interval-cs 10";
  pid_t p1 = lab.Start(*lab.r1, lab.log1, flags + " --priority 150 --peer 192.0.2.6");
  lab.Start(*lab.r2, lab.log2, flags + " --priority 100 --peer 192.0.2.5");
  INFO("r1 log:\n" << lab.Log(lab.log1) << "r2 log:\n" << lab.Log(lab.log2));
  REQUIRE(Eventually([&] { return VipCount(*lab.r1, vip) == 1; }));
  // Give a would-be split brain time to show: several master-down intervals.
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  CHECK(VipCount(*lab.r2, vip) == 0);
  kill(-p1, SIGKILL);
  REQUIRE(Eventually([&] { return VipCount(*lab.r2, vip) == 1; }));
}

}  // namespace
}  // namespace vrrp
