#include "driver_null_parts.h"

#include <net/if.h>

#include <algorithm>
#include <memory>
#include <string>
#include <utility>

#include "fmt/format.h"

namespace vrrp::c_abi {
namespace {

// The netlink manager names a missing interface; so does this one, so that an embedder sees
// the same errors whichever it runs.
absl::Status CheckInterface(const std::string& interface) {
  if (interface.empty() || interface.size() > kMaxInterfaceNameLength ||
      if_nametoindex(interface.c_str()) == 0) {
    return absl::NotFoundError(fmt::format("no interface named '{}'", interface));
  }
  return absl::OkStatus();
}

// AddressManager matches an address by address and prefix length on its interface.
bool Same(const VirtualAddress& a, const VirtualAddress& b) {
  return a.interface == b.interface && a.address == b.address && a.prefix_len == b.prefix_len;
}

}  // namespace

absl::Status NullAddressManager::Add(const VirtualAddress& vip) {
  if (absl::Status s = Validate(vip); !s.ok()) return s;
  if (absl::Status s = CheckInterface(vip.interface); !s.ok()) return s;
  const bool there = std::any_of(present_.begin(), present_.end(),
                                 [&](const VirtualAddress& p) { return Same(p, vip); });
  if (!there) present_.push_back(vip);  // idempotent, as the interface says
  return absl::OkStatus();
}

absl::Status NullAddressManager::Remove(const VirtualAddress& vip) {
  if (absl::Status s = CheckInterface(vip.interface); !s.ok()) return s;
  std::erase_if(present_, [&](const VirtualAddress& p) { return Same(p, vip); });
  return absl::OkStatus();
}

absl::StatusOr<std::vector<InterfaceAddress>> NullAddressManager::List(std::string_view interface) {
  if (absl::Status s = CheckInterface(std::string(interface)); !s.ok()) return s;
  std::vector<InterfaceAddress> out;
  for (const VirtualAddress& p : present_) {
    if (p.interface == interface) out.push_back({.vip = p});
  }
  return out;
}

os::DriverParts WithNullAddressParts(os::DriverParts parts) {
  parts.open_address_manager = []() -> absl::StatusOr<std::unique_ptr<AddressManager>> {
    return std::make_unique<NullAddressManager>();
  };
  parts.open_announcer =
      [](const std::string& interface,
         const std::optional<MacAddress>&) -> absl::StatusOr<std::unique_ptr<Announcer>> {
    if (absl::Status s = CheckInterface(interface); !s.ok()) return s;
    return std::make_unique<NullAnnouncer>();
  };
  return parts;
}

}  // namespace vrrp::c_abi
