// vrrpd's static and virtual routes and rules in the kernel, two daemons in namespaces on one
// bridge (root only; skips otherwise): the Master has its virtual_routes and virtual_rules and
// the Backup does not, both have the static ones; a clean stop removes them and the other
// router takes them over with the VIP; the routes of a vrrpd killed with SIGKILL are removed
// when it starts again (as Backup); a reload replaces a changed route and keeps the others.
#include <signal.h>
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

// `route` is the first virtual route, which a reload changes.
std::string Config(int priority,
                   const std::string& route = "198.51.100.0/25 via 192.0.2.1 dev eth0 table 100") {
  return fmt::format(R"(static_routes {{
    198.51.100.128/25 dev eth0 table 200
}}
static_rules {{
    fwmark 0x20 table 200 preference 2000
}}
vrrp_instance VI_1 {{
    interface eth0
    virtual_router_id 61
    priority {}
    advert_int 1
    virtual_ipaddress {{
        {}/24
    }}
    virtual_routes {{
        {}
        2001:db8:1::/48 dev eth0 table 100
        blackhole 198.51.100.0/26 table 101
        198.51.100.64/26 via 192.0.2.1 dev eth0 src {} table 101
    }}
    virtual_rules {{
        from {} table 100 preference 1000
    }}
}}
)",
                     priority, kVip, route, kVip, kVip);
}

struct Lab : test::VrrpdLab {
  Lab() : VrrpdLab("routes") {}

  void Vrrpd(int n, int priority) {
    WriteFile(Path(fmt::format("r{}.conf", n)), Config(priority));
    StartVrrpd(n);
  }
  std::string Show(int n, const std::string& command) { return Router(n).Run(command).output; }
  // Router n has the instance's virtual routes (both families) and rule, or has none of them.
  bool HasVirtual(int n) {
    const std::string t100 = Show(n, "ip route show table 100") +
                             Show(n, "ip -6 route show table 100") +
                             Show(n, "ip route show table 101");
    const std::string rules = Show(n, "ip rule show");
    return t100.find("198.51.100.0/25 via 192.0.2.1 dev eth0 proto 118") != std::string::npos &&
           t100.find("2001:db8:1::/48 dev eth0 proto 118") != std::string::npos &&
           t100.find("blackhole 198.51.100.0/26 proto 118") != std::string::npos &&
           // `src VIP`: added after the VIP, as the kernel takes only a local source.
           t100.find("198.51.100.64/26 via 192.0.2.1 dev eth0 proto 118 src 192.0.2.100") !=
               std::string::npos &&
           rules.find("1000:\tfrom 192.0.2.100 lookup 100 proto 118") != std::string::npos;
  }
  // (`ip route show` of a table that does not exist says so: only "proto 118" is looked for.)
  bool HasNoVirtual(int n) {
    const std::string tables = Show(n, "ip route show table 100") +
                               Show(n, "ip -6 route show table 100") +
                               Show(n, "ip route show table 101");
    return tables.find("proto 118") == std::string::npos &&
           Show(n, "ip rule show").find("lookup 100") == std::string::npos;
  }
  bool HasStatic(int n) {
    return Show(n, "ip route show table 200").find("198.51.100.128/25 dev eth0 proto 118") !=
               std::string::npos &&
           Show(n, "ip rule show").find("2000:\tfrom all fwmark 0x20 lookup 200 proto 118") !=
               std::string::npos;
  }
  bool HasNoStatic(int n) {
    return Show(n, "ip route show table 200").find("proto 118") == std::string::npos &&
           Show(n, "ip rule show").find("lookup 200") == std::string::npos;
  }
};

TEST_CASE("vrrpd: virtual routes follow MASTER, static ones the daemon, a killed run's go") {
  VRRP_SKIP_UNLESS_ROOT();
  REQUIRE(access(VRRPD_BINARY, X_OK) == 0);
  Lab lab;
  lab.Vrrpd(1, 150);
  lab.Vrrpd(2, 100);
  LAB_REQUIRE(lab, Eventually([&] { return lab.SoleHolder(1, kVip); }, absl::Seconds(20)));
  // The Master's routes come with its VIP; the Backup has only the static ones.
  LAB_CHECK(lab, Eventually([&] { return lab.HasVirtual(1); }));
  LAB_CHECK(lab, lab.HasNoVirtual(2));
  LAB_CHECK(lab, lab.HasStatic(1) && lab.HasStatic(2));
  CHECK(lab.Query(1, "d['route_failures']") == "0");

  // A clean stop of the Master: its routes and rules all go, and router 2 takes them over.
  kill(lab.Pid(1), SIGTERM);
  LAB_REQUIRE(lab, Eventually([&] { return lab.SoleHolder(2, kVip); }, absl::Seconds(20)));
  LAB_CHECK(lab, Eventually([&] { return lab.Log(1).find("Stopped") != std::string::npos; }));
  LAB_CHECK(lab, Eventually([&] { return lab.HasVirtual(2); }));
  LAB_CHECK(lab, lab.HasNoVirtual(1));
  LAB_CHECK(lab, lab.HasNoStatic(1));

  // SIGKILL leaves router 2's routes behind; router 1 takes over, and router 2 started again
  // (as Backup) removes them before it adds its static ones again.
  lab.Crash(2);
  LAB_CHECK(lab, lab.HasVirtual(2));
  lab.Vrrpd(1, 150);
  LAB_REQUIRE(lab, Eventually([&] { return lab.Holds(1, kVip) == 1; }, absl::Seconds(20)));
  LAB_CHECK(lab, Eventually([&] { return lab.HasVirtual(1); }));
  lab.Vrrpd(2, 100);
  LAB_CHECK(lab, Eventually([&] { return lab.Logged(2, "left by a previous run"); }));
  LAB_CHECK(lab, Eventually([&] { return lab.HasNoVirtual(2) && lab.HasStatic(2); }));
  LAB_CHECK(lab, lab.HasVirtual(1));
  CHECK(lab.Query(2, "d['route_failures']") == "0");

  // A reload of the Master: the changed route is replaced, the others stay as they are.
  WriteFile(lab.Path("r1.conf"), Config(150, "198.51.100.0/25 via 192.0.2.2 dev eth0 table 100"));
  kill(lab.Pid(1), SIGHUP);
  LAB_CHECK(lab, Eventually([&] {
              const std::string t100 = lab.Show(1, "ip route show table 100");
              return t100.find("198.51.100.0/25 via 192.0.2.2 dev eth0 proto 118") !=
                         std::string::npos &&
                     t100.find("via 192.0.2.1") == std::string::npos;
            }));
  LAB_CHECK(lab, lab.Show(1, "ip rule show").find("from 192.0.2.100 lookup 100 proto 118") !=
                     std::string::npos);
  LAB_CHECK(lab, lab.Show(1, "ip route show table 101").find("blackhole") != std::string::npos);
}

}  // namespace
}  // namespace vrrp
