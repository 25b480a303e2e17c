#include "vrrp/address_manager.h"

#include <algorithm>
#include <string>

#include "fmt/format.h"
#include "vrrp/enum_names.h"

namespace vrrp {

namespace {

constexpr EnumNames<AddressScope, 4> kScopeNames{{"global", "site", "link", "host"}};
static_assert(kScopeNames.Covers(AddressScope::kHost));

}  // namespace

std::string_view AddressScopeName(AddressScope scope) { return kScopeNames(scope); }

std::vector<absl::Status> AddressManager::AddAll(absl::Span<const VirtualAddress> vips) {
  std::vector<absl::Status> statuses;
  statuses.reserve(vips.size());
  for (const VirtualAddress& vip : vips) statuses.push_back(Add(vip));
  return statuses;
}

absl::Status ValidateLinkName(std::string_view name) {
  auto bad = [name](std::string_view why) {
    return absl::InvalidArgumentError(fmt::format("interface name '{}' {}", name, why));
  };
  if (name.empty()) return absl::InvalidArgumentError("interface name is empty");
  if (name.size() > kMaxInterfaceNameLength) {
    return bad(fmt::format("is longer than {} characters", kMaxInterfaceNameLength));
  }
  if (name == "." || name == "..") return bad("is not a name the kernel takes");
  for (const char c : name) {
    if (c == '/' || c == ':') return bad(fmt::format("holds '{}'", c));
    if (c == '\0' || c == ' ' || (c >= '\t' && c <= '\r')) return bad("holds whitespace or a NUL");
  }
  return absl::OkStatus();
}

absl::Status Validate(const VirtualAddress& vip) {
  auto bad = [&vip](std::string_view why) {
    return absl::InvalidArgumentError(
        fmt::format("virtual address {}/{}{}{}: {}", vip.address, vip.prefix_len,
                    vip.interface.empty() ? "" : " dev ", vip.interface, why));
  };
  const unsigned max_prefix = vip.address.is_v4() ? 32 : 128;
  if (vip.prefix_len > max_prefix) {
    return bad(fmt::format("prefix length {} is out of range 0..{} for {}", vip.prefix_len,
                           max_prefix, FamilyName(vip.address.family())));
  }
  if (vip.address.IsUnspecified()) return bad("the unspecified address cannot be assigned");
  if (vip.address.IsMulticast()) return bad("a multicast address cannot be assigned");
  if (vip.interface.empty()) return bad("no interface");
  if (vip.interface.size() > kMaxInterfaceNameLength) {
    return bad(fmt::format("interface name \"{}\" is longer than {} characters", vip.interface,
                           kMaxInterfaceNameLength));
  }
  if (!vip.label.empty()) {
    if (!vip.address.is_v4()) return bad("a label is for IPv4 addresses only");
    if (vip.label.size() > kMaxInterfaceNameLength) {
      return bad(fmt::format("label \"{}\" is longer than {} characters", vip.label,
                             kMaxInterfaceNameLength));
    }
    if (vip.label.find('\0') != std::string::npos) return bad("the label holds a NUL");
  }
  if (vip.broadcast.has_value()) {
    if (!vip.address.is_v4()) return bad("a broadcast address is for IPv4 addresses only");
    if (!vip.broadcast->is_v4()) return bad("the broadcast address is not IPv4");
  }
  if (vip.lease_seconds > kMaxLeaseSeconds) {
    return bad(
        fmt::format("lease of {} s is longer than {} s", vip.lease_seconds, kMaxLeaseSeconds));
  }
  return absl::OkStatus();
}

std::string ToString(const VirtualAddress& vip) {
  std::string text = fmt::format("{}/{} dev {} scope {}", vip.address, vip.prefix_len,
                                 vip.interface, AddressScopeName(vip.scope));
  if (!vip.label.empty()) text += fmt::format(" label {}", vip.label);
  if (vip.broadcast.has_value()) text += fmt::format(" brd {}", *vip.broadcast);
  if (!vip.prefix_route) text += " noprefixroute";
  if (vip.address.is_v6() && vip.ipv6_dad) text += " dad";
  if (vip.lease_seconds != 0) {
    text += fmt::format(" valid_lft {0} preferred_lft {0}", vip.lease_seconds);
  }
  return text;
}

std::vector<InterfaceAddress> LeftoverAddresses(absl::Span<const VirtualAddress> owned,
                                                absl::Span<const InterfaceAddress> current) {
  std::vector<InterfaceAddress> leftovers;
  for (const InterfaceAddress& found : current) {
    const bool ours = std::any_of(owned.begin(), owned.end(), [&found](const VirtualAddress& vip) {
      return vip.interface == found.vip.interface && vip.address == found.vip.address;
    });
    if (ours) leftovers.push_back(found);
  }
  return leftovers;
}

absl::StatusOr<std::vector<InterfaceAddress>> RemoveLeftoverAddresses(
    AddressManager& manager, std::string_view interface, absl::Span<const VirtualAddress> owned) {
  absl::StatusOr<std::vector<InterfaceAddress>> current = manager.List(interface);
  if (!current.ok()) return current.status();
  std::vector<InterfaceAddress> leftovers = LeftoverAddresses(owned, *current);
  for (const InterfaceAddress& leftover : leftovers) {
    if (absl::Status status = manager.Remove(leftover.vip); !status.ok()) return status;
  }
  return leftovers;
}

}  // namespace vrrp
