// The macvlan link of keepalived's use_vmac (keepalived.conf(5)): a link on an instance's
// interface that has the virtual router MAC of RFC 5798 §7.3, so that hosts and switches see the
// virtual addresses at the same MAC whichever router is Master. `LinkControl` is the three link
// operations this needs (injectable: a test stands in a veth where the kernel has no macvlan);
// `MakeVmacLink` is the decision around them, which refuses rather than runs without the VMAC.
//
//   auto links = vrrp::os::NetlinkLinkControl::Open();
//   absl::StatusOr<uint32_t> ifindex = vrrp::os::MakeVmacLink(**links, {.name = "vrrp.7",
//       .lower = "eth0", .mac = vrrp::VirtualMac(vrrp::Family::kIPv4, 7)});
//   // !ok(): "use_vmac: this kernel cannot create a macvlan link (Operation not supported)"
//   ... (*links)->Delete(*ifindex) at a clean stop.
//
// Thread-safety: none; one thread uses a LinkControl at a time. The netlink socket is bound to
// the network namespace it was opened in.
#ifndef VRRP_LINUX_VMAC_LINK_H_
#define VRRP_LINUX_VMAC_LINK_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "vrrp/ip_address.h"
#include "vrrp/linux/netlink_messages.h"

struct mnl_socket;

namespace vrrp::os {

// net.ipv4.conf.<interface>.<name> of the caller's network namespace (/proc/sys/net/ipv4/conf),
// a small integer. The ARP settings a VMAC needs: on the link arp_ignore 1 (answer only for
// its own addresses), accept_local 1 and rp_filter 0 (it hears its siblings' traffic through
// the lower link); on the lower link arp_ignore 1 and arp_filter 1, so that it no longer
// answers for the VIPs with its own MAC.
absl::StatusOr<int> ReadIpv4Conf(std::string_view interface, std::string_view name);
absl::Status WriteIpv4Conf(std::string_view interface, std::string_view name, int value);

class LinkControl {
 public:
  virtual ~LinkControl() = default;
  // The link called `name`, or nullopt when there is none.
  virtual absl::StatusOr<std::optional<LinkRecord>> Find(std::string_view name) = 0;
  // Creates the link, up, with `mac`, on the link called `lower`, and returns its index. The
  // kernel's errno is in the status (EOPNOTSUPP: no macvlan driver).
  virtual absl::StatusOr<uint32_t> CreateMacvlan(std::string_view name, std::string_view lower,
                                                 const MacAddress& mac) = 0;
  virtual absl::Status Delete(uint32_t ifindex, std::string_view name) = 0;
  // net.ipv4.conf.<interface>.<name>: the ARP settings a VMAC link and its lower link need
  // (NetlinkLinkControl: ReadIpv4Conf / WriteIpv4Conf above).
  virtual absl::StatusOr<int> Ipv4Conf(std::string_view interface, std::string_view name) = 0;
  virtual absl::Status SetIpv4Conf(std::string_view interface, std::string_view name,
                                   int value) = 0;
};

// rtnetlink (BuildNewMacvlan, BuildDeleteLink, BuildGetLink) on a NETLINK_ROUTE socket.
class NetlinkLinkControl final : public LinkControl {
 public:
  static absl::StatusOr<std::unique_ptr<NetlinkLinkControl>> Open();
  ~NetlinkLinkControl() override;
  NetlinkLinkControl(const NetlinkLinkControl&) = delete;
  NetlinkLinkControl& operator=(const NetlinkLinkControl&) = delete;

  absl::StatusOr<std::optional<LinkRecord>> Find(std::string_view name) override;
  absl::StatusOr<uint32_t> CreateMacvlan(std::string_view name, std::string_view lower,
                                         const MacAddress& mac) override;
  absl::Status Delete(uint32_t ifindex, std::string_view name) override;
  absl::StatusOr<int> Ipv4Conf(std::string_view interface, std::string_view name) override {
    return ReadIpv4Conf(interface, name);
  }
  absl::Status SetIpv4Conf(std::string_view interface, std::string_view name, int value) override {
    return WriteIpv4Conf(interface, name, value);
  }

 private:
  explicit NetlinkLinkControl(mnl_socket* socket);
  absl::Status Acknowledged(absl::Span<const uint8_t> request, uint32_t seq, std::string_view call,
                            std::string_view object, int* kernel_errno = nullptr);

  mnl_socket* socket_;
  uint32_t seq_ = 0;
  std::vector<uint8_t> receive_buffer_;
};

struct VmacLinkSpec {
  std::string name;   // the macvlan link's ("vrrp.7")
  std::string lower;  // the instance's interface
  MacAddress mac;     // VirtualMac(family, vrid)
};

// Makes the instance's link and returns its index. A link of that name that is a macvlan with
// `spec.mac` is a leftover of a run that was killed: it is deleted and made again. Any other
// link of that name is kept and the instance refused (kFailedPrecondition). A kernel that cannot
// make a macvlan (EOPNOTSUPP) is kUnimplemented, "use_vmac: this kernel cannot create a macvlan
// link (Operation not supported)". Every message starts with "use_vmac".
// `replaced_leftover`, when given, says whether a leftover was deleted first.
absl::StatusOr<uint32_t> MakeVmacLink(LinkControl& links, const VmacLinkSpec& spec,
                                      bool* replaced_leftover = nullptr);

}  // namespace vrrp::os

#endif  // VRRP_LINUX_VMAC_LINK_H_
