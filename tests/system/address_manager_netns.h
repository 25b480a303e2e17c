// A network namespace with veth0 <-> veth1 (both up) and a NetlinkAddressManager opened inside
// it, for the tests of the netlink address manager (tests/linux/address_*_test.cc). Root only.
#ifndef VRRP_TESTS_SYSTEM_ADDRESS_MANAGER_NETNS_H_
#define VRRP_TESTS_SYSTEM_ADDRESS_MANAGER_NETNS_H_

#include <memory>
#include <string>

#include "system/netns.h"
#include "vrrp/linux/address_manager.h"

namespace vrrp::test {

struct AddressManagerNetns {
  std::unique_ptr<Netns> ns;
  std::unique_ptr<os::NetlinkAddressManager> manager;
};

// Creates the namespace and the veth pair, runs `setup` (shell commands, e.g. `ip addr add`)
// inside it, then opens the manager there. REQUIREs each step.
AddressManagerNetns MakeAddressManagerNetns(const std::string& setup);

}  // namespace vrrp::test

#endif  // VRRP_TESTS_SYSTEM_ADDRESS_MANAGER_NETNS_H_
