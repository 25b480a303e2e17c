#include "system/router_lan.h"

#include <string>

namespace vrrp::test {

absl::StatusOr<std::unique_ptr<RouterLan>> RouterLan::Create() {
  auto net = std::make_unique<RouterLan>();
  auto lan = Lan::Create();
  if (!lan.ok()) return lan.status();
  net->lan = std::move(*lan);
  const char* addresses[] = {"192.0.2.5/24 dev eth0 && ip addr add 2001:db8::5/64",
                             "192.0.2.6/24 dev eth0 && ip addr add 2001:db8::6/64",
                             "192.0.2.10/24 dev eth0 && ip addr add 2001:db8::10/64"};
  std::unique_ptr<Netns>* hosts[] = {&net->r1, &net->r2, &net->client};
  for (int i = 0; i < 3; ++i) {
    auto created = Netns::Create();
    if (!created.ok()) return created.status();
    *hosts[i] = std::move(*created);
    const Netns& ns = **hosts[i];
    if (absl::Status s = ns.Check(
            "sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0");
        !s.ok()) {
      return s;
    }
    if (absl::Status s = net->lan->Connect(ns, "eth0"); !s.ok()) return s;
    if (absl::Status s = ns.Check(std::string("ip addr add ") + addresses[i] + " dev eth0");
        !s.ok()) {
      return s;
    }
  }
  return net;
}

}  // namespace vrrp::test
