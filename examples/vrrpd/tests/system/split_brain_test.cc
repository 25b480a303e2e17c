// VIP conflict detection in namespaces (issue 13; DESIGN.md "VIP conflicts: who yields"): two
// routers on one bridge, VRRP dropped by an nftables rule on one side while ARP still flows,
// advert_int 1 s as deployed (root only; skips otherwise):
//  - the seed lab's one-way block with a vrrpd pair: the deaf backup takes over, sees the
//    master answer for the VIP and yields; one holder, the higher priority, within two
//    intervals; when the block lifts it rejoins as Backup with no flap;
//  - the block the other way: no split arises;
//  - a keepalived 2.2.7 master with a vrrpd backup under the same block (a mixed pair), and a
//    keepalived pair as the reference (two masters for as long as the block lasts);
//  - a total partition (ARP dropped too): both hold the VIP, the documented outcome.
// Split-brain durations are measured by polling both hosts' addresses every 50 ms and printed for
// docs/performance.md; bounds are generous.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "fmt/format.h"
#include "system/checks.h"
#include "system/netns.h"
#include "vrrpd_lab.h"

namespace vrrp {
namespace {

using test::Eventually;
using test::WriteFile;
using Clock = std::chrono::steady_clock;

constexpr const char* kKeepalived = "/usr/sbin/keepalived";
constexpr const char* kVip = "192.0.2.100";

std::string Config(int priority) {
  return fmt::format(R"(vrrp_instance VI_1 {{
    interface eth0
    virtual_router_id 51
    priority {0}
    advert_int 1
    authentication {{
        auth_type PASS
        auth_pass secret1
    }}
    virtual_ipaddress {{
        {1}/24
    }}
}}
)",
                     priority, kVip);
}

struct Lab : test::VrrpdLab {
  Lab() : VrrpdLab("conflict") {}

  int Holds(int n) { return VrrpdLab::Holds(n, kVip); }

  void Vrrpd(int n, int priority) {
    WriteFile(Path(fmt::format("r{}.conf", n)), Config(priority));
    StartVrrpd(n);
  }
  void Keepalived(int n, int priority) {
    WriteFile(Path(fmt::format("r{}.conf", n)), Config(priority));
    StartKeepalived(n);
  }

  // Router `n` drops VRRP (IP protocol 112) from router `from`; with `all`, every frame from it,
  // ARP included (a total partition), by MAC on the bridge port's far side.
  void Block(int n, int from, bool all = false) {
    const std::string rule = all ? fmt::format("ether saddr {} drop", Mac(from))
                                 : fmt::format("ip saddr {} ip protocol vrrp drop", Address(from));
    // nft wants the rule and each brace on lines of their own.
    const std::string script = fmt::format(
        "table netdev conflict_test {{\n chain in {{\n  type filter hook ingress device eth0 "
        "priority 0;\n  {}\n }}\n}}",
        rule);
    REQUIRE(Router(n).Check(fmt::format("nft -f - <<'EOF'\n{}\nEOF", script)).ok());
  }
  void Unblock(int n) { REQUIRE(Router(n).Check("nft delete table netdev conflict_test").ok()); }

  std::string Mac(int n) {
    std::string mac = Router(n).Run("cat /sys/class/net/eth0/address").output;
    while (!mac.empty() && (mac.back() == '\n' || mac.back() == ' ')) mac.pop_back();
    return mac;
  }

  bool R1Master() {
    return Eventually([&] { return Holds(1) == 1 && Holds(2) == 0; }, absl::Seconds(20));
  }

  // Polls both hosts for `seconds`: how long both held the VIP, and whether router 1 held it at
  // the end and router 2 did not.
  struct Watch {
    double both = 0;
    double r2_held = 0;
  };
  Watch WatchFor(double seconds) {
    Watch w;
    const Clock::time_point start = Clock::now();
    Clock::time_point last = start;
    while (std::chrono::duration<double>(Clock::now() - start).count() < seconds) {
      const bool h1 = Holds(1) == 1;
      const bool h2 = Holds(2) == 1;
      const Clock::time_point now = Clock::now();
      const double step = std::chrono::duration<double>(now - last).count();
      last = now;
      if (h1 && h2) w.both += step;
      if (h2) w.r2_held += step;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return w;
  }
};

#define SKIP_UNLESS_ROOT_AND_VRRPD() \
  VRRP_SKIP_UNLESS_ROOT();           \
  REQUIRE(access(VRRPD_BINARY, X_OK) == 0)

TEST_CASE("One-way VRRP block, vrrpd pair: the deaf backup yields within two intervals") {
  SKIP_UNLESS_ROOT_AND_VRRPD();
  Lab lab;
  lab.Vrrpd(1, 150);
  lab.Vrrpd(2, 100);
  LAB_REQUIRE(lab, lab.R1Master());
  lab.Block(2, 1);  // r2's firewall drops r1's advertisements; ARP flows
  const Lab::Watch w = lab.WatchFor(15);
  fmt::print("vrrpd pair, one-way block for 15 s: both held the VIP {:.2f} s (r2 {:.2f} s)\n",
             w.both, w.r2_held);
  LAB_CHECK(lab, lab.Logged(2, "yielding"));
  LAB_CHECK(lab, lab.Query(2, "d['instances'][0]['state']") == "FAULT");
  LAB_CHECK(lab, w.both <= 2.0 + 0.5);  // two intervals, plus the polling's step
  LAB_CHECK(lab, lab.SoleHolder(1, kVip));

  lab.Unblock(2);
  LAB_REQUIRE(lab,
              Eventually([&] { return lab.Query(2, "d['instances'][0]['state']") == "BACKUP"; },
                         absl::Seconds(10)));
  const Lab::Watch after = lab.WatchFor(5);
  LAB_CHECK(lab, after.r2_held == 0);
  LAB_CHECK(lab, lab.SoleHolder(1, kVip));
  // r1 never left MASTER: one transition to it in its log, at the start.
  const std::string log1 = lab.Log(1);
  size_t masters = 0;
  for (size_t at = log1.find("Entering MASTER STATE"); at != std::string::npos;
       at = log1.find("Entering MASTER STATE", at + 1)) {
    ++masters;
  }
  LAB_CHECK(lab, masters == 1);
}

TEST_CASE("One-way VRRP block the other way: no split arises") {
  SKIP_UNLESS_ROOT_AND_VRRPD();
  Lab lab;
  lab.Vrrpd(1, 150);
  lab.Vrrpd(2, 100);
  LAB_REQUIRE(lab, lab.R1Master());
  lab.Block(1, 2);  // r1 cannot hear r2, which as Backup says nothing anyway
  const Lab::Watch w = lab.WatchFor(8);
  LAB_CHECK(lab, w.r2_held == 0);
  LAB_CHECK(lab, lab.SoleHolder(1, kVip));
}

TEST_CASE("One-way VRRP block, keepalived master and vrrpd backup: the split ends") {
  SKIP_UNLESS_ROOT_AND_VRRPD();
  if (access(kKeepalived, X_OK) != 0) {
    WARN("skipped: keepalived is not installed at " << kKeepalived);
    return;
  }
  Lab lab;
  lab.Keepalived(1, 150);
  lab.Vrrpd(2, 100);
  LAB_REQUIRE(lab, lab.R1Master());
  lab.Block(2, 1);
  const Lab::Watch w = lab.WatchFor(15);
  fmt::print(
      "keepalived master, vrrpd backup, one-way block for 15 s: both held the VIP {:.2f} s\n",
      w.both);
  LAB_CHECK(lab, lab.Logged(2, "yielding"));
  LAB_CHECK(lab, w.both <= 2.0 + 0.5);
  LAB_CHECK(lab, lab.SoleHolder(1, kVip));
  lab.Unblock(2);
  LAB_CHECK(lab, Eventually([&] { return lab.Query(2, "d['instances'][0]['state']") == "BACKUP"; },
                            absl::Seconds(10)));
  LAB_CHECK(lab, lab.SoleHolder(1, kVip));
}

TEST_CASE("One-way VRRP block, keepalived pair (the reference): two masters for the block") {
  SKIP_UNLESS_ROOT_AND_VRRPD();
  if (access(kKeepalived, X_OK) != 0) {
    WARN("skipped: keepalived is not installed at " << kKeepalived);
    return;
  }
  Lab lab;
  lab.Keepalived(1, 150);
  lab.Keepalived(2, 100);
  LAB_REQUIRE(lab, lab.R1Master());
  lab.Block(2, 1);
  const Lab::Watch w = lab.WatchFor(15);
  fmt::print("keepalived pair, one-way block for 15 s: both held the VIP {:.2f} s\n", w.both);
  // Its backup takes over after Master_Down_Interval (3.6 s) and keeps the VIP to the end.
  LAB_CHECK(lab, w.both >= 8);
  LAB_CHECK(lab, lab.Holds(1) == 1);
  LAB_CHECK(lab, lab.Holds(2) == 1);
}

TEST_CASE("Total partition, ARP lost too: both hold the VIP (cannot be detected)") {
  SKIP_UNLESS_ROOT_AND_VRRPD();
  Lab lab;
  lab.Vrrpd(1, 150);
  lab.Vrrpd(2, 100);
  LAB_REQUIRE(lab, lab.R1Master());
  lab.Block(2, 1, /*all=*/true);
  lab.Block(1, 2, /*all=*/true);
  LAB_CHECK(lab, Eventually([&] { return lab.Holds(2) == 1; }, absl::Seconds(10)));
  LAB_CHECK(lab, lab.Holds(1) == 1);  // the documented outcome: a split brain, as keepalived
  lab.Unblock(1);
  lab.Unblock(2);
  LAB_CHECK(lab, Eventually([&] { return lab.SoleHolder(1, kVip); }, absl::Seconds(10)));
}

}  // namespace
}  // namespace vrrp
