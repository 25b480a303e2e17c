// VmacLinks (vrrpd's use_vmac) on a FakeLinkControl, without root: which instances get a link,
// their VIPs moved onto it and the virtual MAC announced, the ARP settings set and put back,
// the refusal logged once, and what a reload makes and deletes.
#include "vmac_links.h"

#include <catch2/catch.hpp>
#include <cerrno>
#include <string>
#include <vector>

#include "vrrp/keepalived/runtime.h"
#include "vrrp/testing/linux/fake_link_control.h"

namespace vrrpd {
namespace {

using Level = Logger::Level;

// VI_PLAIN without use_vmac, VI_VMAC (VRID 52) with `vmac` ("" for none).
vrrp::config::Configuration Conf(std::string_view vmac) {
  absl::StatusOr<vrrp::config::Configuration> conf = vrrp::config::ParseString(
      fmt::format("vrrp_instance VI_PLAIN {{\n  interface eth0\n  virtual_router_id 51\n"
                  "  virtual_ipaddress {{ 192.0.2.100/24 }}\n}}\n"
                  "vrrp_instance VI_VMAC {{\n  interface eth0\n  virtual_router_id 52\n  {}\n"
                  "  virtual_ipaddress {{ 192.0.2.101/24\n    198.51.100.1/24 dev eth1 }}\n}}\n",
                  vmac),
      "keepalived.conf");
  INFO(conf.status().ToString());
  REQUIRE(conf.ok());
  return *std::move(conf);
}

struct Fixture {
  std::vector<std::string> errors, others;
  Logger log{Logger::Sink::kCallback, true, [this](Level level, std::string_view text) {
               (level == Level::kError ? errors : others).emplace_back(text);
             }};
  vrrp::testing::FakeLinkControl* fake = nullptr;  // owned by the VmacLinks, once opened
  std::unique_ptr<vrrp::testing::FakeLinkControl> unopened;

  // The factory is called when a use_vmac instance first needs it, at Open or a reload.
  std::unique_ptr<VmacLinks> Open(const vrrp::config::Configuration& conf, int create_errno = 0) {
    unopened = std::make_unique<vrrp::testing::FakeLinkControl>();
    unopened->create_errno = create_errno;
    fake = unopened.get();
    absl::StatusOr<std::unique_ptr<VmacLinks>> links = VmacLinks::Open(
        conf, log, [this]() -> absl::StatusOr<std::unique_ptr<vrrp::os::LinkControl>> {
          return std::unique_ptr<vrrp::os::LinkControl>(std::move(unopened));
        });
    REQUIRE(links.ok());
    return *std::move(links);
  }
};

std::vector<std::string> Interfaces(const vrrp::os::DriverInstance& spec) {
  std::vector<std::string> out;
  for (const vrrp::VirtualAddress& vip : spec.config.addresses) out.push_back(vip.interface);
  return out;
}

TEST_CASE("VmacLinks puts the instance's VIPs on its link and announces the virtual MAC") {
  Fixture f;
  const vrrp::config::Configuration conf = Conf("use_vmac");
  std::unique_ptr<VmacLinks> links = f.Open(conf);
  CHECK(f.fake->calls == std::vector<std::string>{
                             "create vrrp.52 eth0 00:00:5e:00:01:34", "set vrrp.52 arp_ignore 1",
                             "set vrrp.52 accept_local 1", "set vrrp.52 rp_filter 0",
                             "set eth0 arp_ignore 1", "set eth0 arp_filter 1"});
  CHECK(f.errors.empty());
  CHECK(links->Refusal("VI_VMAC") == nullptr);

  std::vector<vrrp::os::DriverInstance> specs = vrrp::keepalived::DriverInstances(conf);
  links->Apply(specs);
  CHECK(Interfaces(specs[0]) == std::vector<std::string>{"eth0"});
  CHECK_FALSE(specs[0].announce_mac.has_value());
  // The VIP with its own dev stays there.
  CHECK(Interfaces(specs[1]) == std::vector<std::string>{"vrrp.52", "eth1"});
  CHECK(specs[1].announce_mac == vrrp::VirtualMac(vrrp::Family::kIPv4, 52));
  CHECK(specs[1].interface == "eth0");  // advertisements: the interface's socket

  // Stop deletes the link and puts eth0's settings back (0, as they were).
  f.fake->calls.clear();
  links->Stop();
  CHECK(f.fake->calls == std::vector<std::string>{"delete 20 vrrp.52", "set eth0 arp_ignore 0",
                                                  "set eth0 arp_filter 0"});
}

TEST_CASE("VmacLinks refuses the instance whose link cannot be made, with one error line") {
  Fixture f;
  const vrrp::config::Configuration conf = Conf("use_vmac");
  std::unique_ptr<VmacLinks> links = f.Open(conf, EOPNOTSUPP);
  const std::string reason =
      "use_vmac: this kernel cannot create a macvlan link (Operation not supported)";
  REQUIRE(links->Refusal("VI_VMAC") != nullptr);
  CHECK(*links->Refusal("VI_VMAC") == reason);
  CHECK(links->Refusal("VI_PLAIN") == nullptr);
  CHECK(f.errors == std::vector<std::string>{"VI_VMAC: refused, it stays in Fault: " + reason});
  // Nothing is moved, nothing set, nothing deleted at stop.
  std::vector<vrrp::os::DriverInstance> specs = vrrp::keepalived::DriverInstances(conf);
  links->Apply(specs);
  CHECK(Interfaces(specs[1]) == std::vector<std::string>{"eth0", "eth1"});
  CHECK_FALSE(specs[1].announce_mac.has_value());
  CHECK(f.fake->calls == std::vector<std::string>{"create vrrp.52 eth0 00:00:5e:00:01:34"});

  // A reload tries again (the operator may have fixed what was in the way).
  f.fake->create_errno = 0;
  links->Reconfigure(conf);
  links->Prune();
  CHECK(links->Refusal("VI_VMAC") == nullptr);
  CHECK(f.fake->links.count("vrrp.52") == 1);
  links->Stop();
  CHECK(f.fake->links.empty());
}

TEST_CASE("VmacLinks at a reload: a renamed link is made, a dropped one goes at Prune") {
  Fixture f;
  std::unique_ptr<VmacLinks> links = f.Open(Conf(""));
  CHECK(f.fake->calls.empty());  // no use_vmac: nothing asked of the kernel

  links->Reconfigure(Conf("use_vmac vmac52"));
  CHECK(f.fake->links.count("vmac52") == 1);
  f.fake->calls.clear();
  links->Reconfigure(Conf("use_vmac vmac52"));  // unchanged: kept as it is
  CHECK(f.fake->calls.empty());

  const vrrp::config::Configuration dropped = Conf("");
  links->Reconfigure(dropped);
  std::vector<vrrp::os::DriverInstance> specs = vrrp::keepalived::DriverInstances(dropped);
  links->Apply(specs);  // between Reconfigure and Prune the VIPs are already back on eth0
  CHECK(Interfaces(specs[1]) == std::vector<std::string>{"eth0", "eth1"});
  CHECK(f.fake->links.count("vmac52") == 1);
  links->Prune();
  CHECK(f.fake->links.empty());
  CHECK(f.fake->calls == std::vector<std::string>{"delete 20 vmac52", "set eth0 arp_ignore 0",
                                                  "set eth0 arp_filter 0"});
}

TEST_CASE("VmacLinks refuses the reload's use_vmac instances when it cannot reach the kernel") {
  Fixture f;
  absl::StatusOr<std::unique_ptr<VmacLinks>> links = VmacLinks::Open(
      Conf(""), f.log, []() -> absl::StatusOr<std::unique_ptr<vrrp::os::LinkControl>> {
        return absl::PermissionDeniedError("socket(AF_NETLINK, NETLINK_ROUTE): EPERM");
      });
  REQUIRE(links.ok());  // nothing needed it at start
  (*links)->Reconfigure(Conf("use_vmac"));
  REQUIRE((*links)->Refusal("VI_VMAC") != nullptr);
  CHECK(*(*links)->Refusal("VI_VMAC") == "use_vmac: socket(AF_NETLINK, NETLINK_ROUTE): EPERM");
  CHECK(f.errors.size() == 1);
}

}  // namespace
}  // namespace vrrpd
