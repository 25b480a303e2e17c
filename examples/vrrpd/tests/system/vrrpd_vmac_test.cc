// vrrpd's use_vmac (keepalived.conf(5); RFC 5798 §7.3), two instances on r1 of vrrpd_lab.h
// (root only, skips otherwise): VI_PLAIN as usual, VI_VMAC (VRID 52) with use_vmac, whose link
// is vrrp.52 with the virtual MAC 00:00:5e:00:01:34.
//  - where the kernel makes macvlan links: the link is made, up, with the virtual MAC; the VIP
//    is on it and the client reaches it at the virtual MAC; a clean stop deletes the link, and
//    a killed run's link is made again at the next start;
//  - a link of that name that is not ours (a veth) refuses VI_VMAC: FAULT with the reason, no
//    VIP, no advertisement on the wire, VI_PLAIN MASTER as usual, the foreign link untouched;
//  - a kernel without macvlan (RTM_NEWLINK answers EOPNOTSUPP) refuses it the same way with
//    that reason; on a kernel that has macvlan that case skips with a message.
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

constexpr const char* kPlainVip = "192.0.2.100";
constexpr const char* kVmacVip = "192.0.2.101";
constexpr const char* kVmac = "00:00:5e:00:01:34";  // VRID 52, IPv4

// `vmac`: VI_VMAC's use_vmac line ("" for none).
std::string Config(std::string_view vmac = "use_vmac") {
  return fmt::format(R"(vrrp_instance VI_PLAIN {{
    interface eth0
    virtual_router_id 51
    priority 150
    advert_int 1
    virtual_ipaddress {{
        {0}/24
    }}
}}
vrrp_instance VI_VMAC {{
    interface eth0
    virtual_router_id 52
    priority 150
    advert_int 1
    {2}
    virtual_ipaddress {{
        {1}/24
    }}
}}
)",
                     kPlainVip, kVmacVip, vmac);
}

struct Lab : test::VrrpdLab {
  Lab() : VrrpdLab("vmac") {}

  void Start(std::string_view vmac = "use_vmac") {
    WriteFile(Path("r1.conf"), Config(vmac));
    StartVrrpd(1);
  }
  void Reload(std::string_view vmac) {
    WriteFile(Path("r1.conf"), Config(vmac));
    kill(Pid(1), SIGHUP);
  }
  void Stop() {
    kill(Pid(1), SIGTERM);
    waitpid(Pid(1), nullptr, 0);
  }
  // Whether this kernel makes a macvlan link (made in r1's namespace and deleted at once).
  bool KernelHasMacvlan() {
    const bool made =
        Router(1).Run("ip link add link eth0 name vmacprobe type macvlan mode private").exit_code ==
        0;
    if (made) Router(1).Run("ip link del vmacprobe");
    return made;
  }
  // `ip -d -o link show vrrp.52`, or "" when there is no such link.
  std::string VmacLink() {
    test::CommandResult r = Router(1).Run("ip -d -o link show vrrp.52");
    return r.exit_code == 0 ? r.output : "";
  }
  int CountOn(std::string_view dev, std::string_view vip) {
    return std::stoi(
        Router(1)
            .Run(fmt::format("ip -o addr show dev {} 2>/dev/null | grep -c ' {}/'", dev, vip))
            .output);
  }
  int CountAnywhere(std::string_view vip) {
    return std::stoi(Router(1).Run(fmt::format("ip -o addr show | grep -c ' {}/'", vip)).output);
  }
  // r2 listens to the VRRP group for 3 s on a raw socket (protocol 112): whether it heard
  // VRID 51, and how many advertisements of VRID 52.
  std::string Heard() {
    return Router(2)
        .Run(fmt::format("python3 -c 'import socket,time\n"
                         "s=socket.socket(socket.AF_INET,socket.SOCK_RAW,112); s.settimeout(0.5)\n"
                         "s.setsockopt(socket.IPPROTO_IP,socket.IP_ADD_MEMBERSHIP,"
                         "socket.inet_aton(\"224.0.0.18\")+socket.inet_aton(\"{}\"))\n"
                         "end=time.time()+3; c={{}}\n"
                         "while time.time()<end:\n"
                         "  try: p=s.recv(2048)\n"
                         "  except socket.timeout: continue\n"
                         "  v=p[(p[0]&15)*4+1]; c[v]=c.get(v,0)+1\n"
                         "print(c.get(51,0)>0, c.get(52,0))'",
                         Address(2)))
        .output;
  }
  // The MACs that answer the client's ARP request for `vip` within 2 s (AF_PACKET), sorted.
  std::string ArpAnswers(std::string_view vip) {
    std::string out =
        Client()
            .Run(fmt::format(
                "python3 -c 'import socket,struct,time\n"
                "s=socket.socket(socket.AF_PACKET,socket.SOCK_RAW,socket.htons(0x0806))\n"
                "s.bind((\"eth0\",0)); s.settimeout(0.5); mac=s.getsockname()[4]\n"
                "tip=socket.inet_aton(\"{}\"); sip=socket.inet_aton(\"192.0.2.10\")\n"
                "s.send(b\"\\xff\"*6+mac+b\"\\x08\\x06\"+struct.pack(\"!HHBBH\",1,0x800,6,4,1)"
                "+mac+sip+bytes(6)+tip)\n"
                "end=time.time()+2; seen=set()\n"
                "while time.time()<end:\n"
                "  try: f=s.recv(100)\n"
                "  except socket.timeout: continue\n"
                "  if f[12:14]==b\"\\x08\\x06\" and f[20:22]==b\"\\x00\\x02\" and f[28:32]==tip:"
                " seen.add(f[22:28].hex(\":\"))\n"
                "print(\" \".join(sorted(seen)))'",
                vip))
            .output;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }
  std::string Instance(int i, std::string_view fields) {
    return Query(1, fmt::format("d['instances'][{}]['{}']", i, fields));
  }
};

// The refused instance: FAULT with `reason`, said once in the log, no VIP anywhere, nothing
// sent; the other instance MASTER with its VIP.
void CheckRefused(Lab& lab, const std::string& reason) {
  LAB_REQUIRE(lab, Eventually([&] { return lab.Holds(1, kPlainVip) == 1; }, absl::Seconds(20)));
  LAB_CHECK(lab, lab.Instance(0, "state") == "MASTER");
  LAB_CHECK(lab, lab.Instance(1, "name") == "VI_VMAC");
  LAB_CHECK(lab, lab.Instance(1, "state") == "FAULT");
  CHECK(lab.Query(1, "'|'.join(d['instances'][1]['fault_reasons'])") == reason);
  CHECK(lab.CountAnywhere(kVmacVip) == 0);
  const std::string log = lab.Log(1);
  const std::string line = "VI_VMAC: refused, it stays in Fault: " + reason;
  CHECK(log.find(line) != std::string::npos);
  CHECK(log.find(line) == log.rfind(line));
  CHECK(lab.Heard() == "True 0\n");
  CHECK(lab.Query(1,
                  "d['instances'][1]['stats']['advert_sent'], "
                  "d['instances'][1]['stats']['become_master']") == "0 0");
}

TEST_CASE("vrrpd use_vmac: the VIP is on a macvlan link with the virtual MAC, deleted at stop") {
  VRRP_SKIP_UNLESS_ROOT();
  Lab lab;
  if (!lab.KernelHasMacvlan()) {
    WARN("skipped: this kernel has no macvlan driver (the refusal is tested instead)");
    return;
  }
  auto arp = [&](std::string_view dev) {
    return lab.Router(1)
        .Run(fmt::format("cat /proc/sys/net/ipv4/conf/{0}/arp_ignore "
                         "/proc/sys/net/ipv4/conf/{0}/arp_filter | tr '\\n' ' '",
                         dev))
        .output;
  };
  REQUIRE(arp("eth0") == "0 0 ");
  lab.Start();
  LAB_REQUIRE(lab,
              Eventually([&] { return lab.CountOn("vrrp.52", kVmacVip) == 1; }, absl::Seconds(20)));
  LAB_CHECK(lab, lab.Instance(1, "state") == "MASTER");
  CHECK(arp("eth0") == "1 1 ");  // eth0 answers ARP for its own addresses only
  CHECK(arp("vrrp.52") == "1 0 ");
  const std::string link = lab.VmacLink();
  CHECK_THAT(link, Catch::Contains("vrrp.52@eth0"));
  CHECK_THAT(link, Catch::Contains("macvlan mode private"));
  CHECK_THAT(link, Catch::Contains(fmt::format("link/ether {}", kVmac)));
  CHECK_THAT(link, Catch::Contains(",UP,"));
  CHECK(lab.CountOn("eth0", kVmacVip) == 0);
  CHECK(lab.Holds(1, kPlainVip) == 1);  // VI_PLAIN's stays on eth0
  // The client's ARP request for the VIP is answered with the virtual MAC, and only with it:
  // the interface no longer answers for it with its own (arp_ignore).
  CHECK(lab.ArpAnswers(kVmacVip) == kVmac);
  CHECK(lab.Client().Run(fmt::format("ping -c 1 -W 1 {}", kVmacVip)).exit_code == 0);

  lab.Stop();
  CHECK(lab.VmacLink().empty());
  CHECK(lab.CountAnywhere(kVmacVip) == 0);
  CHECK(lab.Logged(1, "VI_VMAC: use_vmac: vrrp.52 deleted"));
  CHECK(arp("eth0") == "0 0 ");  // as it was
}

TEST_CASE("vrrpd use_vmac: an IPv6 instance's link has the IPv6 virtual MAC") {
  VRRP_SKIP_UNLESS_ROOT();
  Lab lab;
  if (!lab.KernelHasMacvlan()) {
    WARN("skipped: this kernel has no macvlan driver");
    return;
  }
  WriteFile(lab.Path("r1.conf"), R"(vrrp_instance VI_6 {
    interface eth0
    virtual_router_id 52
    priority 150
    advert_int 1
    use_vmac
    virtual_ipaddress {
        2001:db8::101/64
    }
}
)");
  lab.StartVrrpd(1);
  LAB_REQUIRE(lab, Eventually([&] { return lab.CountOn("vrrp.52", "2001:db8::101") == 1; },
                              absl::Seconds(20)));
  CHECK_THAT(lab.VmacLink(), Catch::Contains("link/ether 00:00:5e:00:02:34"));
  CHECK(lab.CountOn("eth0", "2001:db8::101") == 0);
  LAB_CHECK(lab, lab.Instance(0, "state") == "MASTER");
  lab.Stop();
  CHECK(lab.VmacLink().empty());
}

TEST_CASE("vrrpd use_vmac: a killed run's link is made again at the next start") {
  VRRP_SKIP_UNLESS_ROOT();
  Lab lab;
  if (!lab.KernelHasMacvlan()) {
    WARN("skipped: this kernel has no macvlan driver");
    return;
  }
  lab.Start();
  LAB_REQUIRE(lab,
              Eventually([&] { return lab.CountOn("vrrp.52", kVmacVip) == 1; }, absl::Seconds(20)));
  const std::string before = lab.VmacLink();
  lab.Crash(1);
  REQUIRE(lab.VmacLink() == before);  // nothing cleaned up
  lab.Start();
  // Not signals first: SIGUSR1 (Query) would end a vrrpd that has not set its handlers yet.
  // The old link's index goes with it, the VIP comes back on the new one.
  LAB_REQUIRE(lab, Eventually(
                       [&] {
                         const std::string now = lab.VmacLink();
                         return !now.empty() &&
                                now.substr(0, now.find(':')) !=
                                    before.substr(0, before.find(':')) &&
                                lab.CountOn("vrrp.52", kVmacVip) == 1;
                       },
                       absl::Seconds(20)));
  LAB_CHECK(lab, lab.Instance(1, "state") == "MASTER");
  const std::string after = lab.VmacLink();
  CHECK_THAT(after, Catch::Contains(fmt::format("link/ether {}", kVmac)));
  CHECK(lab.Logged(1,
                   "vrrp.52 made on eth0 with 00:00:5e:00:01:34 (a killed run's link of that "
                   "name deleted first)"));
  lab.Stop();
  CHECK(lab.VmacLink().empty());
}

TEST_CASE("vrrpd use_vmac: a reload makes, renames and deletes the link") {
  VRRP_SKIP_UNLESS_ROOT();
  Lab lab;
  if (!lab.KernelHasMacvlan()) {
    WARN("skipped: this kernel has no macvlan driver");
    return;
  }
  lab.Start("");
  LAB_REQUIRE(lab, Eventually([&] { return lab.Holds(1, kVmacVip) == 1; }, absl::Seconds(20)));
  CHECK(lab.VmacLink().empty());
  // use_vmac added: the link is made and the VIP moves onto it.
  lab.Reload("use_vmac");
  LAB_CHECK(lab, Eventually([&] {
              return lab.CountOn("vrrp.52", kVmacVip) == 1 && lab.Holds(1, kVmacVip) == 0;
            }));
  // Another name: the old link goes, the new one carries the VIP.
  lab.Reload("use_vmac vmac52");
  LAB_CHECK(lab, Eventually([&] { return lab.CountOn("vmac52", kVmacVip) == 1; }));
  CHECK(lab.VmacLink().empty());
  // use_vmac removed: the VIP is back on eth0 and no link is left.
  lab.Reload("");
  LAB_CHECK(lab, Eventually([&] { return lab.Holds(1, kVmacVip) == 1; }));
  CHECK(lab.Router(1).Run("ip link show vmac52").exit_code != 0);
  LAB_CHECK(lab, lab.Instance(1, "state") == "MASTER");
  lab.Stop();
}

TEST_CASE("vrrpd use_vmac: a link of that name that is not ours refuses that instance only") {
  VRRP_SKIP_UNLESS_ROOT();
  Lab lab;
  REQUIRE(lab.Router(1).Check("ip link add vrrp.52 type veth peer name vmacpeer").ok());
  const std::string foreign = lab.VmacLink();
  lab.Start();
  CheckRefused(lab,
               "use_vmac: a link named vrrp.52 exists and is not this instance's macvlan (veth, " +
                   foreign.substr(foreign.find("link/ether ") + 11, 17) +
                   "); remove it or name another with use_vmac NAME");
  CHECK(lab.VmacLink() == foreign);  // not ours: left as it was

  // The operator removes it and reloads: the link is made and VI_VMAC runs.
  if (!lab.KernelHasMacvlan()) {
    lab.Stop();
    WARN("skipped: the rest needs the macvlan driver");
    return;
  }
  REQUIRE(lab.Router(1).Check("ip link del vrrp.52").ok());
  lab.Reload("use_vmac");
  LAB_CHECK(lab,
            Eventually([&] { return lab.CountOn("vrrp.52", kVmacVip) == 1; }, absl::Seconds(20)));
  LAB_CHECK(lab, lab.Instance(1, "state") == "MASTER");
  CHECK(lab.Query(1, "len(d['instances'][1]['fault_reasons'])") == "0");
  lab.Stop();
  CHECK(lab.VmacLink().empty());
  CHECK(lab.Holds(1, kPlainVip) == 0);
}

TEST_CASE("vrrpd use_vmac: a kernel without macvlan refuses that instance only, in FAULT") {
  VRRP_SKIP_UNLESS_ROOT();
  Lab lab;
  if (lab.KernelHasMacvlan()) {
    WARN("skipped: this kernel makes macvlan links, so use_vmac is not refused for want of one");
    return;
  }
  lab.Start();
  CheckRefused(lab, "use_vmac: this kernel cannot create a macvlan link (Operation not supported)");
  CHECK(lab.VmacLink().empty());
  lab.Stop();
  CHECK(lab.VmacLink().empty());
  CHECK(lab.Holds(1, kPlainVip) == 0);
}

}  // namespace
}  // namespace vrrp
