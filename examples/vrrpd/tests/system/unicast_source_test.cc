// check_unicast_src in namespaces (root only; skips otherwise): router 1 is a unicast instance
// whose only unicast_peer (192.0.2.99) is nobody, and router 2, a vrrpd at priority 200, sends
// its advertisements to router 1 from 192.0.2.6: a third host as far as router 1's peer list
// goes. keepalived's rule, which vrrpd follows and keepalived 2.2.7 shows here too:
//  - without check_unicast_src router 1 takes router 2's advertisements and stays BACKUP (one
//    holder of the VIP, router 2);
//  - with it (or with vrrp_check_unicast_src) router 1 drops them, hears nobody, and becomes
//    MASTER too: both hold the VIP. vrrpd counts the drops (`peer`) and logs them.
// advert_int 1 s; a router that hears nothing takes over after about 3.6 s.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

#include "fmt/format.h"
#include "system/checks.h"
#include "system/netns.h"
#include "vrrpd_lab.h"

namespace vrrp {
namespace {

using test::Eventually;
using test::WriteFile;

constexpr const char* kVip = "192.0.2.100";

// `global` goes into global_defs, `check` into the instance.
std::string Config(int priority, std::string_view peer, std::string_view global,
                   std::string_view check) {
  return fmt::format(R"(global_defs {{
    {global}
}}
vrrp_instance VI_1 {{
    interface eth0
    virtual_router_id 61
    priority {priority}
    advert_int 1
    {check}
    unicast_peer {{
        {peer}
    }}
    virtual_ipaddress {{
        {vip}/24
    }}
}}
)",
                     fmt::arg("global", global), fmt::arg("priority", priority),
                     fmt::arg("check", check), fmt::arg("peer", peer), fmt::arg("vip", kVip));
}

enum class Kind { kVrrpd, kKeepalived };

struct Lab : test::VrrpdLab {
  Lab() : VrrpdLab("unicast-src") {}

  // Router 1 (kind `kind`, priority 100, its peer nobody) and router 2 (vrrpd, priority 200,
  // sending to router 1). Router 2 starts first, so that it is Master when router 1 starts.
  void Start(Kind kind, std::string_view global, std::string_view check) {
    WriteFile(Path("r2.conf"), Config(200, Address(1), "", ""));
    StartVrrpd(2);
    LAB_REQUIRE(*this, Eventually([&] { return Holds(2, kVip) == 1; }, absl::Seconds(20)));
    WriteFile(Path("r1.conf"), Config(100, "192.0.2.99", global, check));
    if (kind == Kind::kVrrpd) {
      StartVrrpd(1);
    } else {
      StartKeepalived(1);
    }
  }

  // Router 1 holds no VIP for longer than a Backup that hears nobody waits (3.6 s), twice over.
  bool R1StaysBackup() {
    return !Eventually([&] { return Holds(1, kVip) > 0; }, absl::Seconds(8));
  }
  bool BothHold() {
    return Eventually([&] { return Holds(1, kVip) == 1 && Holds(2, kVip) == 1; },
                      absl::Seconds(20));
  }
};

#define SKIP_UNLESS_ROOT_AND_VRRPD() \
  VRRP_SKIP_UNLESS_ROOT();           \
  REQUIRE(access(VRRPD_BINARY, X_OK) == 0)

TEST_CASE("vrrpd unicast: any source is heard without check_unicast_src") {
  SKIP_UNLESS_ROOT_AND_VRRPD();
  Lab lab;
  lab.Start(Kind::kVrrpd, "", "");
  LAB_CHECK(lab, lab.R1StaysBackup());
  LAB_CHECK(lab, lab.SoleHolder(2, kVip));
  CHECK(lab.Query(1, "d['instances'][0]['state']") == "BACKUP");
  CHECK(lab.Query(1, "d['instances'][0]['stats']['drops']['peer']") == "0");
}

TEST_CASE("vrrpd unicast: check_unicast_src drops a source that is not a peer") {
  SKIP_UNLESS_ROOT_AND_VRRPD();
  Lab lab;
  SECTION("in the instance") { lab.Start(Kind::kVrrpd, "", "check_unicast_src"); }
  SECTION("from global_defs") { lab.Start(Kind::kVrrpd, "vrrp_check_unicast_src", ""); }
  LAB_REQUIRE(lab, lab.BothHold());
  CHECK(lab.Query(1, "d['instances'][0]['state']") == "MASTER");
  const std::string drops = lab.Query(1, "d['instances'][0]['stats']['drops']['peer']");
  INFO(drops);
  CHECK(std::stoi(drops) >= 3);  // one per second since router 1 started, all refused
  // Logged, rate-limited: the first line at once, the next ones at most every 10 s.
  LAB_CHECK(lab, lab.Logged(1,
                            "(VI_1) advertisement from 192.0.2.6 dropped: not a unicast_peer "
                            "(check_unicast_src)"));
  const std::string log = lab.Log(1);
  size_t lines = 0;
  for (size_t at = log.find("not a unicast_peer"); at != std::string::npos;
       at = log.find("not a unicast_peer", at + 1)) {
    ++lines;
  }
  CHECK(lines < static_cast<size_t>(std::stoi(drops)));
}

// The reference: keepalived 2.2.7 in router 1's place does the same.
TEST_CASE("keepalived unicast: the same rule, both ways") {
  SKIP_UNLESS_ROOT_AND_VRRPD();
  if (access("/usr/sbin/keepalived", X_OK) != 0) {
    WARN("skipped: keepalived is not installed");
    return;
  }
  Lab lab;
  SECTION("without check_unicast_src: Backup") {
    lab.Start(Kind::kKeepalived, "", "");
    LAB_CHECK(lab, lab.R1StaysBackup());
    LAB_CHECK(lab, lab.SoleHolder(2, kVip));
  }
  SECTION("with it: Master too") {
    lab.Start(Kind::kKeepalived, "", "check_unicast_src");
    LAB_CHECK(lab, lab.BothHold());
  }
}

}  // namespace
}  // namespace vrrp
