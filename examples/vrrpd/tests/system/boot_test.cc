// vrrpd at boot (issue #16, finding 2), the real binary in a namespace: an interface with no
// IPv4 address yet (DHCP has not answered) or no interface at all is no reason to exit. vrrpd
// starts its instance in FAULT with a warning, as keepalived 2.2.7 does ("(VI_1) entering
// FAULT state (no IPv4 address for interface)"; for a missing interface keepalived needs
// dynamic_interfaces), and becomes MASTER with the VIP once the address or the interface
// appears. An interface deleted and re-created at run time is followed the same way.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <string>

#include "absl/time/time.h"
#include "fmt/format.h"
#include "system/checks.h"
#include "system/netns.h"

namespace {

using vrrp::test::Eventually;
using vrrp::test::Netns;
using vrrp::test::ReadFile;
using vrrp::test::VipCount;
using vrrp::test::WriteFile;

constexpr const char* kVip = "192.0.2.60";
constexpr const char* kVip6 = "2001:db8::60";

// One router alone in a namespace; its eth0 is one end of a veth pair whose other end (eth1)
// stays in the namespace with no address, so nobody answers and the instance becomes Master.
struct Boot {
  std::string dir;
  std::unique_ptr<Netns> ns;
  pid_t pid = 0;

  // IPv6: a VRRPv3 instance for kVip6 instead of IPv4's kVip.
  explicit Boot(bool ipv6 = false) {
    char templ[] = "/tmp/vrrpd-boot-XXXXXX";
    REQUIRE(mkdtemp(templ) != nullptr);
    dir = templ;
    auto created = Netns::Create();
    REQUIRE(created.ok());
    ns = std::move(*created);
    // VRRPv3 at 100 ms: Master_Down_Interval is about 0.3 s.
    WriteFile(Path("vrrpd.conf"),
              fmt::format(R"(global_defs {{
    vrrp_version 3
}}
vrrp_instance VI_1 {{
    interface eth0
    virtual_router_id 60
    priority 100
    advert_int 0.1
    virtual_ipaddress {{
        {}
    }}
}}
)",
                          ipv6 ? fmt::format("{}/64", kVip6) : fmt::format("{}/24", kVip)));
  }
  ~Boot() {
    ns.reset();  // kills vrrpd
    if (pid > 0) (void)waitpid(pid, nullptr, 0);
    if (!dir.empty()) vrrp::test::RunOnHost("rm -rf " + vrrp::test::ShellQuote(dir));
  }

  std::string Path(const std::string& name) const { return dir + "/" + name; }
  std::string Log() const { return ReadFile(Path("vrrpd.log")); }
  bool Logged(const std::string& text) const { return Log().find(text) != std::string::npos; }

  void Start() {
    const std::string command = fmt::format(
        "cd / && exec {0} -n -l -D -f {1}/vrrpd.conf -p {1}/vrrpd.pid "
        "--status-file {1}/vrrpd.json --control-socket {1}/vrrpd.ctl",
        VRRPD_BINARY, dir);
    auto spawned = ns->Spawn(command, Path("vrrpd.log"));
    REQUIRE(spawned.ok());
    pid = *spawned;
  }

  // vrrpd still runs (it has not exited, as it did at start before issue #16 was fixed).
  bool Running() {
    if (pid <= 0) return false;
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == 0) return true;
    pid = 0;
    return false;
  }

  bool Master() { return VipCount(*ns, kVip) == 1; }
  bool Master6() { return VipCount(*ns, kVip6) == 1; }
};

// CHECK / REQUIRE that print vrrpd's log when they fail.
#define BOOT_REQUIRE(boot, ...)                           \
  do {                                                    \
    const bool boot_ok_ = static_cast<bool>(__VA_ARGS__); \
    if (!boot_ok_) UNSCOPED_INFO((boot).Log());           \
    REQUIRE(boot_ok_);                                    \
  } while (false)

TEST_CASE("vrrpd: no IPv4 address at start waits in FAULT, then MASTER once one is added") {
  VRRP_SKIP_UNLESS_ROOT();
  Boot boot;
  REQUIRE(boot.ns->AddVeth("eth0", "eth1").ok());  // up, no IPv4 address
  boot.Start();
  BOOT_REQUIRE(boot, Eventually([&] {
                 return boot.Logged("(VI_1) Entering FAULT STATE") || !boot.Running();
               }));
  BOOT_REQUIRE(boot, boot.Running());
  CHECK(boot.Logged("(VI_1) interface eth0 has no IPv4 address yet: in FAULT until it has one"));
  CHECK(VipCount(*boot.ns, kVip) == 0);

  REQUIRE(boot.ns->Check("ip addr add 192.0.2.5/24 dev eth0").ok());  // DHCP answered
  BOOT_REQUIRE(boot, Eventually([&] { return boot.Master(); }));
  BOOT_REQUIRE(boot, Eventually([&] { return boot.Logged("(VI_1) Entering MASTER STATE"); }));
  CHECK(boot.Running());
}

TEST_CASE("vrrpd: a missing interface at start waits in FAULT, then MASTER once it appears") {
  VRRP_SKIP_UNLESS_ROOT();
  Boot boot;
  boot.Start();  // no eth0 at all
  BOOT_REQUIRE(boot, Eventually([&] {
                 return boot.Logged("(VI_1) Entering FAULT STATE") || !boot.Running();
               }));
  BOOT_REQUIRE(boot, boot.Running());
  CHECK(boot.Logged("(VI_1) interface eth0 does not exist yet: in FAULT until it appears"));

  REQUIRE(boot.ns->AddVeth("eth0", "eth1").ok());
  REQUIRE(boot.ns->Check("ip addr add 192.0.2.5/24 dev eth0").ok());
  BOOT_REQUIRE(boot, Eventually([&] { return boot.Master(); }));
  CHECK(boot.Running());
}

TEST_CASE("vrrpd: an interface deleted and re-created at run time gets its VIP back") {
  VRRP_SKIP_UNLESS_ROOT();
  Boot boot;
  REQUIRE(boot.ns->AddVeth("eth0", "eth1").ok());
  REQUIRE(boot.ns->Check("ip addr add 192.0.2.5/24 dev eth0").ok());
  boot.Start();
  BOOT_REQUIRE(boot, Eventually([&] { return boot.Master(); }));

  // Another index under the same name: sockets bound to the old one would hear nothing.
  REQUIRE(boot.ns->Check("ip link del eth0").ok());
  BOOT_REQUIRE(boot, Eventually([&] { return boot.Logged("(VI_1) Entering FAULT STATE"); }));
  REQUIRE(boot.ns->AddVeth("eth0", "eth1").ok());
  REQUIRE(boot.ns->Check("ip addr add 192.0.2.5/24 dev eth0").ok());
  BOOT_REQUIRE(boot, Eventually([&] { return boot.Master(); }));
  CHECK(boot.Running());
  // Once, not twice: nothing left from before, nothing doubled.
  CHECK(VipCount(*boot.ns, kVip) == 1);
}

TEST_CASE("vrrpd: IPv6 waits for a link-local address that DAD has cleared") {
  VRRP_SKIP_UNLESS_ROOT();
  Boot boot(/*ipv6=*/true);
  REQUIRE(boot.ns->AddVeth("eth0", "eth1").ok());
  // No link-local address on eth0, and none made automatically: the test adds one by hand.
  REQUIRE(boot.ns
              ->Check("ip link set eth0 down && ip link set eth0 addrgenmode none && "
                      "ip -6 addr flush dev eth0 && ip link set eth0 up && "
                      "sysctl -qw net.ipv6.conf.eth0.accept_dad=1 "
                      "net.ipv6.conf.eth0.dad_transmits=1")
              .ok());
  boot.Start();
  BOOT_REQUIRE(boot, Eventually([&] {
                 return boot.Logged("(VI_1) Entering FAULT STATE") || !boot.Running();
               }));
  BOOT_REQUIRE(boot, boot.Running());
  CHECK(boot.Logged(
      "(VI_1) interface eth0 has no IPv6 link-local address yet: in FAULT until it has one"));

  // Duplicate Address Detection runs on it for about a second (one probe), during which the
  // kernel notifies it as tentative and refuses to send from it.
  REQUIRE(boot.ns->Check("ip addr add fe80::60/64 dev eth0").ok());
  BOOT_REQUIRE(boot, Eventually([&] { return boot.Master6(); }));
  // It waited for DAD: not one advertisement was refused for its source (the kernel says
  // EINVAL, logged from a batch as "sendmmsg ... from fe80::60 ...").
  CHECK_FALSE(boot.Logged("cannot send advertisement"));
  CHECK_FALSE(boot.Logged("sendmmsg"));
  CHECK(boot.Running());
}

}  // namespace
