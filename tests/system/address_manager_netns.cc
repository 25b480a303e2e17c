#include "system/address_manager_netns.h"

#include <catch2/catch.hpp>
#include <utility>

#include "absl/status/statusor.h"

namespace vrrp::test {

AddressManagerNetns MakeAddressManagerNetns(const std::string& setup) {
  AddressManagerNetns made;
  absl::StatusOr<std::unique_ptr<Netns>> ns = Netns::Create();
  REQUIRE(ns.ok());
  made.ns = *std::move(ns);
  REQUIRE(made.ns->AddVeth("veth0", "veth1").ok());
  absl::Status configured = made.ns->Check(setup);
  INFO(configured.message());
  REQUIRE(configured.ok());
  absl::Status opened = made.ns->Inside([&made] {
    absl::StatusOr<std::unique_ptr<os::NetlinkAddressManager>> manager =
        os::NetlinkAddressManager::Open();
    if (manager.ok()) made.manager = *std::move(manager);
  });
  REQUIRE(opened.ok());
  REQUIRE(made.manager != nullptr);
  return made;
}

}  // namespace vrrp::test
