// The LAN most system tests stand on: two routers and a client, each a namespace whose eth0
// is a port of one bridge, with documentation addresses (r1 192.0.2.5 / 2001:db8::5, r2 .6 /
// ::6, client .10 / ::10) and duplicate address detection off, so that IPv6 addresses (the
// link-local source of VRRPv3 and the VIPs) are usable at once.
//
//   auto net = vrrp::test::RouterLan::Create();
//   REQUIRE(net.ok());
//   (*net)->r1->Spawn("exec vrrp-run --interface eth0 ...");
#ifndef VRRP_TESTS_SYSTEM_ROUTER_LAN_H_
#define VRRP_TESTS_SYSTEM_ROUTER_LAN_H_

#include <memory>

#include "absl/status/statusor.h"
#include "system/netns.h"

namespace vrrp::test {

struct RouterLan {
  static absl::StatusOr<std::unique_ptr<RouterLan>> Create();

  std::unique_ptr<Lan> lan;
  std::unique_ptr<Netns> r1, r2, client;
};

}  // namespace vrrp::test

#endif  // VRRP_TESTS_SYSTEM_ROUTER_LAN_H_
