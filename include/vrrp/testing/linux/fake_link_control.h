// FakeLinkControl: vrrp::os::LinkControl (vrrp/linux/vmac_link.h) in memory, for tests of
// use_vmac's decisions without root: links by name, the ARP settings by (interface, name), a
// log of the calls that change something, and an errno to make CreateMacvlan fail with (as a
// kernel without the macvlan driver answers EOPNOTSUPP).
//
//   auto fake = std::make_unique<vrrp::testing::FakeLinkControl>();
//   fake->create_errno = EOPNOTSUPP;
//   absl::StatusOr<uint32_t> made = vrrp::os::MakeVmacLink(*fake, spec);   // refused
//
// Thread-safety: none. Lifetime: plain data, owned by the test or by what it was handed to.
#ifndef VRRP_TESTING_LINUX_FAKE_LINK_CONTROL_H_
#define VRRP_TESTING_LINUX_FAKE_LINK_CONTROL_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vrrp/linux/vmac_link.h"

namespace vrrp::testing {

class FakeLinkControl : public os::LinkControl {
 public:
  absl::StatusOr<std::optional<os::LinkRecord>> Find(std::string_view name) override;
  // Records "create NAME LOWER MAC"; with create_errno set, fails as the kernel would.
  absl::StatusOr<uint32_t> CreateMacvlan(std::string_view name, std::string_view lower,
                                         const MacAddress& mac) override;
  // Records "delete INDEX NAME".
  absl::Status Delete(uint32_t ifindex, std::string_view name) override;
  // A setting never set reads as 0, as a new interface's do.
  absl::StatusOr<int> Ipv4Conf(std::string_view interface, std::string_view name) override;
  // Records "set INTERFACE NAME VALUE".
  absl::Status SetIpv4Conf(std::string_view interface, std::string_view name, int value) override;

  std::map<std::string, os::LinkRecord> links;                   // by name
  std::map<std::pair<std::string, std::string>, int> ipv4_conf;  // (interface, name) -> value
  std::vector<std::string> calls;
  int create_errno = 0;
  uint32_t next_index = 20;
};

}  // namespace vrrp::testing

#endif  // VRRP_TESTING_LINUX_FAKE_LINK_CONTROL_H_
