#include "vmac_links.h"

#include <utility>

#include "fmt/format.h"

namespace vrrpd {
namespace {

std::vector<std::pair<std::string, vrrp::os::VmacLinkSpec>> Wanted(
    const vrrp::config::Configuration& conf) {
  std::vector<std::pair<std::string, vrrp::os::VmacLinkSpec>> wanted;
  for (const vrrp::config::VrrpInstance& vi : conf.instances) {
    if (vi.extras.vmac_interface.empty()) continue;
    const vrrp::RouterConfig& r = vi.config.router;
    wanted.emplace_back(
        vi.config.name,
        vrrp::os::VmacLinkSpec{.name = vi.extras.vmac_interface,
                               .lower = vi.extras.interface,
                               .mac = vrrp::VirtualMac(r.family, static_cast<uint8_t>(r.vrid))});
  }
  return wanted;
}

bool SameSpec(const vrrp::os::VmacLinkSpec& a, const vrrp::os::VmacLinkSpec& b) {
  return a.name == b.name && a.lower == b.lower && a.mac == b.mac;
}

}  // namespace

VmacLinks::VmacLinks(Logger& log, std::unique_ptr<vrrp::os::LinkControl> control)
    : log_(log), control_(std::move(control)) {}

VmacLinks::~VmacLinks() { Stop(); }

absl::StatusOr<std::unique_ptr<VmacLinks>> VmacLinks::Open(const vrrp::config::Configuration& conf,
                                                           Logger& log, ControlFactory factory) {
  if (!factory) {
    factory = []() -> absl::StatusOr<std::unique_ptr<vrrp::os::LinkControl>> {
      auto control = vrrp::os::NetlinkLinkControl::Open();
      if (!control.ok()) return control.status();
      return std::unique_ptr<vrrp::os::LinkControl>(std::move(*control));
    };
  }
  std::unique_ptr<VmacLinks> links(new VmacLinks(log, nullptr));
  links->factory_ = std::move(factory);
  const auto wanted = Wanted(conf);
  if (!wanted.empty()) {
    auto control = links->factory_();
    if (!control.ok()) return control.status();
    links->control_ = std::move(*control);
  }
  for (const auto& [instance, spec] : wanted) links->Make(instance, spec);
  return links;
}

void VmacLinks::Make(const std::string& instance, vrrp::os::VmacLinkSpec spec) {
  Link link{.spec = std::move(spec)};
  bool replaced = false;
  absl::StatusOr<uint32_t> made = vrrp::os::MakeVmacLink(*control_, link.spec, &replaced);
  if (made.ok()) {
    link.ifindex = *made;
    log_.Info(fmt::format("{}: use_vmac: {} made on {} with {}{}", instance, link.spec.name,
                          link.spec.lower, link.spec.mac.ToString(),
                          replaced ? " (a killed run's link of that name deleted first)" : ""));
    SetArp(instance, link.spec);
  } else {
    link.refusal = std::string(made.status().message());
    // Refused rather than run without the virtual MAC: hosts and switches would see the VIPs
    // move between the routers' own MACs, which use_vmac is there to avoid.
    log_.Error(fmt::format("{}: refused, it stays in Fault: {}", instance, link.refusal));
  }
  links_.insert_or_assign(instance, std::move(link));
}

void VmacLinks::Delete(const std::string& instance, const Link& link) {
  if (!link.refusal.empty() || control_ == nullptr) return;
  if (absl::Status s = control_->Delete(link.ifindex, link.spec.name); !s.ok()) {
    log_.Error(fmt::format("{}: use_vmac: deleting {}: {}", instance, link.spec.name,
                           std::string(s.message())));
  } else {
    log_.Info(fmt::format("{}: use_vmac: {} deleted", instance, link.spec.name));
  }
  ReleaseLower(link.spec.lower);
}

void VmacLinks::SetArp(const std::string& instance, const vrrp::os::VmacLinkSpec& spec) {
  auto set = [&](const std::string& interface, std::string_view name, int value) {
    if (absl::Status s = control_->SetIpv4Conf(interface, name, value); !s.ok()) {
      log_.Warning(fmt::format("{}: use_vmac: {}", instance, std::string(s.message())));
    }
  };
  // The link answers ARP for its own addresses only, and takes packets that come back to it
  // from its lower link's siblings.
  set(spec.name, "arp_ignore", 1);
  set(spec.name, "accept_local", 1);
  set(spec.name, "rp_filter", 0);
  // The lower link must not answer for the link's VIPs with its own MAC.
  Lower& lower = lowers_[spec.lower];
  if (lower.links++ > 0) return;
  for (auto [name, saved] :
       {std::pair{"arp_ignore", &lower.arp_ignore}, std::pair{"arp_filter", &lower.arp_filter}}) {
    absl::StatusOr<int> was = control_->Ipv4Conf(spec.lower, name);
    if (was.ok() && *was == 1) continue;
    if (was.ok()) *saved = *was;
    set(spec.lower, name, 1);
  }
}

void VmacLinks::ReleaseLower(const std::string& lower) {
  auto it = lowers_.find(lower);
  if (it == lowers_.end() || --it->second.links > 0) return;
  for (auto [name, saved] : {std::pair{"arp_ignore", it->second.arp_ignore},
                             std::pair{"arp_filter", it->second.arp_filter}}) {
    if (!saved.has_value()) continue;
    if (absl::Status s = control_->SetIpv4Conf(lower, name, *saved); !s.ok()) {
      log_.Warning(fmt::format("use_vmac: putting {} back: {}", lower, std::string(s.message())));
    }
  }
  lowers_.erase(it);
}

void VmacLinks::Reconfigure(const vrrp::config::Configuration& conf) {
  for (auto& [instance, link] : links_) link.wanted = false;
  const auto wanted = Wanted(conf);
  if (!wanted.empty() && control_ == nullptr) {
    auto control = factory_();
    if (!control.ok()) {
      // No links can be made: every use_vmac instance is refused (none had a link before).
      const std::string why = fmt::format("use_vmac: {}", std::string(control.status().message()));
      for (const auto& [instance, spec] : wanted) {
        log_.Error(fmt::format("{}: refused, it stays in Fault: {}", instance, why));
        links_.insert_or_assign(instance, Link{.spec = spec, .refusal = why});
      }
      return;
    }
    control_ = std::move(*control);
  }
  for (const auto& [instance, spec] : wanted) {
    auto it = links_.find(instance);
    // A refused instance is tried again: the operator may have removed what was in the way.
    if (it != links_.end() && SameSpec(it->second.spec, spec) && it->second.refusal.empty()) {
      it->second.wanted = true;
      continue;
    }
    if (it != links_.end()) {
      // The link changed: the old one goes first (a new one may take its name).
      Delete(instance, it->second);
      links_.erase(it);
    }
    Make(instance, spec);
  }
}

void VmacLinks::Prune() {
  for (auto it = links_.begin(); it != links_.end();) {
    if (it->second.wanted) {
      ++it;
      continue;
    }
    Delete(it->first, it->second);
    it = links_.erase(it);
  }
}

void VmacLinks::Apply(std::vector<vrrp::os::DriverInstance>& instances) const {
  for (vrrp::os::DriverInstance& spec : instances) {
    auto it = links_.find(spec.config.name);
    // A link Prune will delete (its instance dropped use_vmac) carries nothing any more.
    if (it == links_.end() || !it->second.refusal.empty() || !it->second.wanted) continue;
    const vrrp::os::VmacLinkSpec& link = it->second.spec;
    for (vrrp::VirtualAddress& vip : spec.config.addresses) {
      if (vip.interface == spec.interface) vip.interface = link.name;
    }
    for (vrrp::VirtualAddress& vip : spec.config.excluded_addresses) {
      if (vip.interface == spec.interface) vip.interface = link.name;
    }
    spec.announce_mac = link.mac;
  }
}

const std::string* VmacLinks::Refusal(std::string_view instance) const {
  auto it = links_.find(instance);
  if (it == links_.end() || it->second.refusal.empty()) return nullptr;
  return &it->second.refusal;
}

void VmacLinks::Stop() {
  for (const auto& [instance, link] : links_) Delete(instance, link);
  links_.clear();
}

}  // namespace vrrpd
