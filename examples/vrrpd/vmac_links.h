// VmacLinks: vrrpd's use_vmac (keepalived.conf(5); RFC 5798 §7.3). Before the instances start,
// each instance with use_vmac gets its macvlan link (vrrp.<VRID> or its own name) on its
// interface, up, with the virtual router MAC; its VIPs that would be on the interface go on the
// link instead, and its gratuitous ARPs / unsolicited NAs carry the virtual MAC. A link that
// cannot be made (this kernel has no macvlan driver, another link has the name) refuses the
// instance: it stays in Fault with that reason, holding no VIP and sending nothing, while the
// other instances run. The links are deleted at a clean stop, after the instances removed
// their VIPs; a leftover of a killed run (a macvlan of that name with our MAC) is made again.
// As keepalived does, the link answers ARP only for its own addresses and the interface stops
// answering for them (arp_ignore / arp_filter, vrrp/linux/vmac_link.h), until its last link goes.
//
//   auto vmac = VmacLinks::Open(conf, log);  // makes the links, logs each refusal once
//   vmac->Apply(driver_options.instances);   // VIPs on the links, the virtual MAC announced
//   ... vmac->Refusal("VI_1") for the status; vmac->Stop() after the Driver's Shutdown.
//
// Thread-safety: none (the daemon's loop). Lifetime: `log` outlives it.
#ifndef VRRPD_VMAC_LINKS_H_
#define VRRPD_VMAC_LINKS_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "logger.h"
#include "vrrp/config/config.h"
#include "vrrp/linux/driver.h"
#include "vrrp/linux/vmac_link.h"

namespace vrrpd {

class VmacLinks {
 public:
  // Opens the LinkControl the links are made with; default: netlink.
  using ControlFactory = std::function<absl::StatusOr<std::unique_ptr<vrrp::os::LinkControl>>()>;

  // Makes the links of `conf`'s use_vmac instances. Only a LinkControl that cannot be opened
  // (no netlink at all) when one is needed is an error; a link that cannot be made refuses
  // its instance.
  static absl::StatusOr<std::unique_ptr<VmacLinks>> Open(const vrrp::config::Configuration& conf,
                                                         Logger& log, ControlFactory factory = {});
  ~VmacLinks();  // deletes the links if Stop() did not (a failed start)

  // A reload: makes the links of instances that are new, whose link changed or that were
  // refused (tried again). The links no longer wanted are deleted by Prune, once the instances
  // stopped using them.
  void Reconfigure(const vrrp::config::Configuration& conf);
  void Prune();

  // The instances of DriverInstances(conf) (same names): those with a link get its VIPs moved
  // onto it (the VIPs whose interface is the instance's) and announce with the virtual MAC.
  void Apply(std::vector<vrrp::os::DriverInstance>& instances) const;

  // Why `instance` is refused ("use_vmac: ..."), or null when it is not.
  const std::string* Refusal(std::string_view instance) const;

  // Deletes every link made (logged; an error too).
  void Stop();

 private:
  struct Link {
    vrrp::os::VmacLinkSpec spec;
    uint32_t ifindex = 0;
    std::string refusal;  // empty: made
    bool wanted = true;
  };
  // The ARP settings of a lower link while it carries VMAC links (keepalived's: arp_ignore 1,
  // arp_filter 1), and what they were before, put back when its last link goes.
  struct Lower {
    int links = 0;
    std::optional<int> arp_ignore;  // set: changed by us from this value
    std::optional<int> arp_filter;
  };
  VmacLinks(Logger& log, std::unique_ptr<vrrp::os::LinkControl> control);
  void Make(const std::string& instance, vrrp::os::VmacLinkSpec spec);
  void Delete(const std::string& instance, const Link& link);
  void SetArp(const std::string& instance, const vrrp::os::VmacLinkSpec& spec);
  void ReleaseLower(const std::string& lower);

  Logger& log_;
  std::unique_ptr<vrrp::os::LinkControl> control_;  // null: no instance uses use_vmac
  ControlFactory factory_;
  std::map<std::string, Link, std::less<>> links_;  // by instance name
  std::map<std::string, Lower> lowers_;             // by lower link's name
};

}  // namespace vrrpd

#endif  // VRRPD_VMAC_LINKS_H_
