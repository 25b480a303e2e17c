#include "vrrp/testing/linux/fake_link_control.h"

#include "fmt/format.h"
#include "vrrp/linux/sys_error.h"

namespace vrrp::testing {

absl::StatusOr<std::optional<os::LinkRecord>> FakeLinkControl::Find(std::string_view name) {
  auto it = links.find(std::string(name));
  if (it == links.end()) return std::optional<os::LinkRecord>();
  return std::optional<os::LinkRecord>(it->second);
}

absl::StatusOr<uint32_t> FakeLinkControl::CreateMacvlan(std::string_view name,
                                                        std::string_view lower,
                                                        const MacAddress& mac) {
  calls.push_back(fmt::format("create {} {} {}", name, lower, mac.ToString()));
  if (create_errno != 0) return os::SysError("RTM_NEWLINK", name, create_errno);
  links[std::string(name)] = os::LinkRecord{
      .ifindex = next_index, .name = std::string(name), .mac = mac, .kind = "macvlan"};
  return next_index++;
}

absl::Status FakeLinkControl::Delete(uint32_t ifindex, std::string_view name) {
  calls.push_back(fmt::format("delete {} {}", ifindex, name));
  links.erase(std::string(name));
  return absl::OkStatus();
}

absl::StatusOr<int> FakeLinkControl::Ipv4Conf(std::string_view interface, std::string_view name) {
  auto it = ipv4_conf.find({std::string(interface), std::string(name)});
  return it == ipv4_conf.end() ? 0 : it->second;
}

absl::Status FakeLinkControl::SetIpv4Conf(std::string_view interface, std::string_view name,
                                          int value) {
  calls.push_back(fmt::format("set {} {} {}", interface, name, value));
  ipv4_conf[{std::string(interface), std::string(name)}] = value;
  return absl::OkStatus();
}

}  // namespace vrrp::testing
