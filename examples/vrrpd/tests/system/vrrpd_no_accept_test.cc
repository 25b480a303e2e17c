// vrrpd's no_accept (keepalived.conf(5) `no_accept`, `vrrp_strict`; RFC 5798 §6.1 Accept_Mode)
// with two routers and a client on one bridge (vrrpd_lab.h; root only, skips otherwise):
//  - a no_accept Master's VIP answers the client neither ping nor TCP, with `accept` it does;
//  - failover moves the filtering with the VIP: the new Master filters, the old one's table
//    is gone after its clean stop;
//  - a reload (SIGHUP) that switches accept / no_accept filters or frees the VIP held now;
//  - a SIGKILLed vrrpd's table (and its VIP element) survives it, as keepalived's does, and the
//    next start leaves exactly one table, not two, nor one with the old element;
//  - keepalived 2.2.7 side by side as the reference: its vrrp_strict Master filters the same
//    traffic, and a vrrpd Backup beside it keeps its own table, not keepalived's.
#include <signal.h>
#include <sys/wait.h>

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

// A VRRPv3 instance (VRRPv2 cannot keep `accept` under vrrp_strict) at advert_int 1.
std::string Config(int priority, std::string_view global, std::string_view extra) {
  return fmt::format(R"(global_defs {{
{2}
}}
vrrp_instance VI_1 {{
    interface eth0
    virtual_router_id 51
    version 3
    priority {0}
    advert_int 1
    virtual_ipaddress {{
        {1}/24
    }}
{3}
}}
)",
                     priority, kVip, global, extra);
}

struct Lab : test::VrrpdLab {
  Lab() : VrrpdLab("noaccept") {}

  void Vrrpd(int n, const std::string& config) {
    WriteFile(Path(fmt::format("r{}.conf", n)), config);
    StartVrrpd(n);
  }
  void Keepalived(int n, const std::string& config) {
    WriteFile(Path(fmt::format("r{}.conf", n)), config);
    StartKeepalived(n);
  }
  // SIGTERM, and the daemon's exit.
  void Stop(int n) {
    kill(Pid(n), SIGTERM);
    waitpid(Pid(n), nullptr, 0);
  }

  bool ClientPings() { return Client().Run(fmt::format("ping -c 1 -W 1 {}", kVip)).exit_code == 0; }
  // curl's exit: 7 when the closed port's RST came back ("Connection refused"), 28 when
  // nothing did (filtered).
  int ClientTcp() {
    return Client().Run(fmt::format("curl -sS -m 2 http://{}:9/", kVip)).exit_code;
  }
  std::string Tables(int n) { return Router(n).Run("nft list tables").output; }
  // The elements of our IPv4 set on router n ("" when the table or the set is empty).
  std::string Filtered(int n) {
    const std::string out = Router(n).Run("nft list set inet vrrpd vips4").output;
    const size_t at = out.find("elements = { ");
    if (at == std::string::npos) return "";
    return out.substr(at + 13, out.find(" }", at) - at - 13);
  }
};

TEST_CASE("vrrpd no_accept: the Master's VIP takes no traffic, failover moves the filter") {
  VRRP_SKIP_UNLESS_ROOT();
  Lab lab;
  lab.Vrrpd(1, Config(150, "", "    no_accept"));
  lab.Vrrpd(2, Config(100, "", "    no_accept"));
  LAB_REQUIRE(lab, Eventually([&] { return lab.SoleHolder(1, kVip); }, absl::Seconds(20)));
  LAB_CHECK(lab, lab.Filtered(1) == kVip);
  LAB_CHECK(lab, lab.Filtered(2).empty());  // the Backup's table is there, empty
  CHECK(lab.Tables(2) == "table inet vrrpd\n");
  CHECK_FALSE(lab.ClientPings());
  CHECK(lab.ClientTcp() == 28);
  // The router's own address still answers: only the VIP is filtered.
  CHECK(lab.Client().Run("ping -c 1 -W 1 192.0.2.5").exit_code == 0);

  // A clean stop hands over (priority 0), removes the VIP, then the table.
  lab.Stop(1);
  LAB_REQUIRE(lab, Eventually([&] { return lab.SoleHolder(2, kVip); }));
  LAB_CHECK(lab, Eventually([&] { return lab.Filtered(2) == kVip; }));
  CHECK(lab.Tables(1).empty());
  CHECK(lab.Logged(1, "nftables table inet vrrpd: deleted"));
  CHECK_FALSE(lab.ClientPings());
  CHECK(lab.ClientTcp() == 28);

  // r1 comes back with `accept` and preempts: its VIP answers, r2 filters nothing.
  lab.Vrrpd(1, Config(150, "", "    accept"));
  LAB_REQUIRE(lab, Eventually([&] { return lab.SoleHolder(1, kVip); }, absl::Seconds(20)));
  LAB_CHECK(lab, Eventually([&] { return lab.Filtered(2).empty(); }));
  CHECK(lab.Tables(1).empty());  // nothing to filter: no table at all
  CHECK(lab.ClientPings());
  CHECK(lab.ClientTcp() == 7);
}

TEST_CASE("vrrpd no_accept: after SIGKILL the next start leaves exactly one table") {
  VRRP_SKIP_UNLESS_ROOT();
  Lab lab;
  const std::string config = Config(150, "    vrrp_strict", "");  // strict implies no_accept
  lab.Vrrpd(1, config);
  LAB_REQUIRE(lab, Eventually([&] { return lab.Holds(1, kVip) == 1; }, absl::Seconds(20)));
  LAB_REQUIRE(lab, lab.Filtered(1) == kVip);
  lab.Crash(1);
  // Nothing cleaned up: the VIP and its filter stay, as keepalived's do.
  CHECK(lab.Tables(1) == "table inet vrrpd\n");
  CHECK(lab.Filtered(1) == kVip);

  // r2 is Master meanwhile, so the restarted r1 is Backup: its table must be new and empty.
  lab.Vrrpd(2, Config(200, "    vrrp_strict", ""));
  LAB_REQUIRE(lab, Eventually([&] { return lab.Holds(2, kVip) == 1; }, absl::Seconds(20)));
  lab.Vrrpd(1, config);
  LAB_REQUIRE(lab, Eventually([&] { return lab.SoleHolder(2, kVip); }));
  LAB_CHECK(lab, Eventually([&] { return lab.Logged(1, "Entering BACKUP STATE"); }));
  CHECK(lab.Tables(1) == "table inet vrrpd\n");
  CHECK(lab.Filtered(1).empty());

  // r2 stops: r1 takes over, one element; then r1 stops cleanly: nothing left.
  lab.Stop(2);
  LAB_REQUIRE(lab, Eventually([&] { return lab.Holds(1, kVip) == 1; }));
  LAB_CHECK(lab, lab.Filtered(1) == kVip);
  CHECK_FALSE(lab.ClientPings());
  lab.Stop(1);
  CHECK(lab.Tables(1).empty());
  CHECK(lab.Tables(2).empty());
  CHECK(lab.Holds(1, kVip) == 0);
}

TEST_CASE("vrrpd no_accept: a killed run's table goes even when the next run filters nothing") {
  VRRP_SKIP_UNLESS_ROOT();
  Lab lab;
  lab.Vrrpd(1, Config(150, "", "    no_accept"));
  LAB_REQUIRE(lab, Eventually([&] { return lab.Holds(1, kVip) == 1; }, absl::Seconds(20)));
  LAB_REQUIRE(lab, lab.Filtered(1) == kVip);
  lab.Crash(1);
  lab.Vrrpd(1, Config(150, "", "    accept"));
  // The killed run's VIP is still there at first: wait for the new run's own takeover (the
  // second in the log, which both runs append to).
  auto takeovers = [&] {
    const std::string log = lab.Log(1);
    int n = 0;
    for (size_t at = log.find("Entering MASTER STATE"); at != std::string::npos;
         at = log.find("Entering MASTER STATE", at + 1)) {
      ++n;
    }
    return n;
  };
  LAB_REQUIRE(lab, Eventually([&] { return takeovers() == 2; }, absl::Seconds(20)));
  CHECK(lab.Tables(1).empty());
  CHECK(lab.Holds(1, kVip) == 1);
  CHECK(lab.ClientPings());
}

TEST_CASE("vrrpd no_accept: a reload filters or frees the VIP of a Master that stays Master") {
  VRRP_SKIP_UNLESS_ROOT();
  Lab lab;
  lab.Vrrpd(1, Config(150, "", "    accept"));
  LAB_REQUIRE(lab, Eventually([&] { return lab.Holds(1, kVip) == 1; }, absl::Seconds(20)));
  CHECK(lab.ClientPings());
  CHECK(lab.Tables(1).empty());
  // Nothing filtered, no --metrics, not under systemd: none of the optional libraries is loaded.
  CHECK_FALSE(lab.Maps(1, "libnftables.so"));
  CHECK_FALSE(lab.Maps(1, "libmicrohttpd.so"));
  CHECK_FALSE(lab.Maps(1, "libsystemd.so"));

  // no_accept by SIGHUP: the table is made and the VIP held now goes into it, no flap.
  WriteFile(lab.Path("r1.conf"), Config(150, "", "    no_accept"));
  kill(lab.Pid(1), SIGHUP);
  LAB_REQUIRE(lab, Eventually([&] { return lab.Logged(1, "Reload finished"); }));
  LAB_CHECK(lab, lab.Filtered(1) == kVip);
  CHECK(lab.Maps(1, "libnftables.so"));  // loaded by the reload that needed it
  CHECK_FALSE(lab.ClientPings());
  CHECK(lab.Holds(1, kVip) == 1);

  // And back: the element goes, the table stays (empty) until the stop.
  WriteFile(lab.Path("r1.conf"), Config(150, "", "    accept"));
  kill(lab.Pid(1), SIGHUP);
  LAB_REQUIRE(lab, Eventually([&] { return lab.Filtered(1).empty(); }));
  CHECK(lab.ClientPings());
  CHECK(lab.Holds(1, kVip) == 1);
  lab.Stop(1);
  CHECK(lab.Tables(1).empty());
}

TEST_CASE("vrrpd no_accept: keepalived's vrrp_strict Master filters the same, tables apart") {
  VRRP_SKIP_UNLESS_ROOT();
  Lab lab;
  lab.Keepalived(1, Config(150, "    vrrp_strict", ""));
  lab.Vrrpd(2, Config(100, "    vrrp_strict", ""));
  LAB_REQUIRE(lab, Eventually([&] { return lab.SoleHolder(1, kVip); }, absl::Seconds(20)));
  // The reference: keepalived drops the client's traffic to its VIP.
  CHECK_FALSE(lab.ClientPings());
  CHECK(lab.ClientTcp() == 28);
  LAB_CHECK(lab, lab.Tables(1).find("table ip keepalived") != std::string::npos);
  CHECK(lab.Tables(2) == "table inet vrrpd\n");

  // keepalived stops; vrrpd takes over and filters the same traffic.
  lab.Stop(1);
  LAB_REQUIRE(lab, Eventually([&] { return lab.SoleHolder(2, kVip); }));
  LAB_CHECK(lab, Eventually([&] { return lab.Filtered(2) == kVip; }));
  CHECK_FALSE(lab.ClientPings());
  CHECK(lab.ClientTcp() == 28);
}

}  // namespace
}  // namespace vrrp
