// vrrp.h's ways to open a vrrp_driver: from keepalived.conf text (vrrp::config, then
// vrrp::keepalived's DriverInstances and PolicyConfigOf, as examples/vrrpd does) or from
// vrrp_instance_config structs; and the *_init functions of their structs.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "driver_handle.h"
#include "driver_null_parts.h"
#include "fmt/format.h"
#include "internal.h"
#include "vrrp.h"
#include "vrrp/config/config.h"
#include "vrrp/keepalived/no_accept.h"
#include "vrrp/keepalived/runtime.h"
#include "vrrp/linux/driver.h"

namespace vrrp::c_abi {
namespace {

// Shown in configuration errors and warnings: "keepalived.conf:12: ...". Relative includes are
// read from the directory of this name, the current one (vrrp.h).
constexpr char kConfName[] = "keepalived.conf";

absl::StatusOr<os::DriverOptions> ToDriverOptions(const vrrp_driver_options* options) {
  vrrp_driver_options o;
  vrrp_driver_options_init(&o);
  if (options != nullptr) o = *options;
  if (o.struct_version != VRRP_DRIVER_OPTIONS_V1) {
    return absl::InvalidArgumentError(
        fmt::format("vrrp_driver_options.struct_version is {}: call vrrp_driver_options_init first",
                    o.struct_version));
  }
  if (o.receive_holdoff < 0) {
    return absl::InvalidArgumentError(
        fmt::format("receive_holdoff {} ns is negative", o.receive_holdoff));
  }
  os::DriverOptions out;
  out.remove_leftover_addresses = o.remove_leftover_addresses != 0;
  out.receive_holdoff = ToDuration(o.receive_holdoff);
  if (o.manage_addresses_externally != 0) out.parts = WithNullAddressParts(std::move(out.parts));
  return out;
}

// What keepalived.conf asked for that the C layer reads but does not do: vrrp.h promises these
// in vrrp_driver_warnings, so that nobody believes a check or a notify script runs.
std::vector<std::string> NotAppliedWarnings(const config::Configuration& conf) {
  std::vector<std::string> out;
  auto notify = [&](const config::NotifyCommands& n, std::string_view owner) {
    const std::pair<const config::OptionalCommand*, std::string_view> commands[] = {
        {&n.master, "notify_master"},
        {&n.backup, "notify_backup"},
        {&n.fault, "notify_fault"},
        {&n.stop, "notify_stop"},
        {&n.notify, "notify"}};
    for (const auto& [command, keyword] : commands) {
      if (!command->has_value()) continue;
      out.push_back(
          fmt::format("{}: {} of {}: notify commands are not run by libvrrp; poll "
                      "events (vrrp_driver_poll_event)",
                      ToString((*command)->where), keyword, owner));
    }
  };
  for (const config::VrrpInstance& vi : conf.instances) {
    for (const config::TrackedScript& t : vi.extras.track_scripts) {
      out.push_back(fmt::format(
          "{}: track_script {} of {}: scripts are not run by libvrrp; call vrrp_driver_set_fault",
          ToString(t.where), t.name, vi.config.name));
    }
    notify(vi.extras.notify, vi.config.name);
    // vrrpd filters a no_accept Master's addresses with nftables; libvrrp leaves the
    // embedder's firewall alone.
    if (keepalived::FiltersAddresses(vi)) {
      const auto at = vi.locations.find("no_accept");
      out.push_back(fmt::format(
          "{}: {}: no_accept: libvrrp adds no firewall rules, so the virtual addresses accept "
          "traffic while Master (vrrpd drops it with nftables)",
          ToString(at != vi.locations.end() ? at->second : vi.where), vi.config.name));
    }
    // vrrpd makes a macvlan link with the virtual MAC, or refuses the instance; libvrrp leaves
    // the embedder's links alone, so the instance runs on the interface's own MAC.
    if (!vi.extras.vmac_interface.empty()) {
      const auto at = vi.locations.find("use_vmac");
      out.push_back(fmt::format(
          "{}: {}: use_vmac: libvrrp makes no macvlan link, so the virtual addresses answer at "
          "the interface's own MAC, not the virtual MAC (vrrpd makes {} or refuses the instance)",
          ToString(at != vi.locations.end() ? at->second : vi.where), vi.config.name,
          vi.extras.vmac_interface));
    }
  }
  for (const config::SyncGroup& g : conf.sync_groups) notify(g.notify, g.name);
  const config::GlobalDefs& g = conf.global;
  if (g.vrrp_priority || g.vrrp_rt_priority || g.vrrp_rlimit_rttime || g.vrrp_no_swap) {
    out.push_back(fmt::format(
        "{}: global_defs vrrp_priority / vrrp_rt_priority / vrrp_rlimit_rttime / vrrp_no_swap: "
        "the process's scheduling is the embedder's; libvrrp does not change it",
        ToString(g.where)));
  }
  return out;
}

// One vrrp_instance_config as the Driver runs it; the message names the field at fault.
absl::StatusOr<os::DriverInstance> ToDriverInstance(const vrrp_instance_config& c) {
  if (c.struct_version != VRRP_INSTANCE_CONFIG_V1) {
    return absl::InvalidArgumentError(fmt::format(
        "struct_version is {}: call vrrp_instance_config_init first", c.struct_version));
  }
  if (c.name == nullptr || c.name[0] == '\0') {
    return absl::InvalidArgumentError("name is NULL or empty");
  }
  const std::string name = c.name;
  auto fail = [&](const std::string& message) {
    return absl::InvalidArgumentError(fmt::format("{}: {}", name, message));
  };
  if (c.interface == nullptr || c.interface[0] == '\0') return fail("interface is NULL or empty");
  // vrrp.h lets the driver's primary_address be unset: the Driver then sends from `source` or
  // the interface's address (RFC 5798 §5.1.2.1: IPv6 link-local). The validators need one, so
  // they check the rest with a stand-in (as vrrp::config does), and it is unset again after.
  vrrp_router_config rc = c.router;
  const bool unset_primary = rc.primary_address.family == 0;
  if (unset_primary)
    (void)vrrp_addr_parse(rc.family == VRRP_FAMILY_IPV6 ? "fe80::1" : "192.0.2.254",
                          &rc.primary_address);
  absl::StatusOr<RouterConfig> router = ToRouterConfig(rc);
  if (!router.ok()) return fail(std::string(router.status().message()));
  // vrrp_instance_config_init leaves 0: the family's host prefix (vrrp.h: 32 / 128).
  const int host_prefix = router->family == Family::kIPv4 ? 32 : 128;
  const int prefix_len = c.prefix_len == 0 ? host_prefix : c.prefix_len;
  if (prefix_len < 1 || prefix_len > host_prefix) {
    return fail(fmt::format("prefix_len {} is out of range 1..{}", c.prefix_len, host_prefix));
  }

  os::DriverInstance spec;
  spec.interface = c.interface;
  InstanceConfig& config = spec.config;
  config.name = name;
  config.router = *router;
  for (const IpAddress& vip : router->virtual_addresses) {
    config.addresses.push_back({.address = vip,
                                .prefix_len = static_cast<uint8_t>(prefix_len),
                                .interface = spec.interface});
  }
  // InstanceConfig carries the authentication itself and copies it into the router's.
  config.auth_type = router->auth_type;
  config.pass_key = router->pass_key;
  if (c.n_unicast_peers > 0 && c.unicast_peers == nullptr) return fail("unicast_peers is NULL");
  for (size_t i = 0; i < c.n_unicast_peers; ++i) {
    absl::StatusOr<IpAddress> peer = ToAddress(c.unicast_peers[i]);
    if (!peer.ok())
      return fail(fmt::format("unicast_peers[{}]: {}", i, std::string(peer.status().message())));
    config.unicast_peers.push_back(*peer);
  }
  if (c.source.family != 0) {
    absl::StatusOr<IpAddress> source = ToAddress(c.source);
    if (!source.ok())
      return fail(fmt::format("source: {}", std::string(source.status().message())));
    spec.source = *source;
  }
  // Everything the Instance would refuse, before any socket is opened: a bad struct is
  // VRRP_ERR_INVALID_ARGUMENT whether or not the interface exists.
  if (absl::Status s = ValidateInstanceConfig(config); !s.ok())
    return fail(std::string(s.message()));
  if (unset_primary) config.router.primary_address = IpAddress();
  return spec;
}

// The last step of both ways: the Driver, then the handle.
int Open(vrrp_driver** out, os::DriverOptions options, PolicyConfig policy,
         std::vector<std::string> warnings) {
  absl::StatusOr<std::unique_ptr<os::Driver>> driver = os::Driver::Create(std::move(options));
  if (!driver.ok()) return Fail(driver.status());
  *out = MakeDriverHandle(std::move(*driver), std::move(policy), std::move(warnings)).release();
  return 0;
}

}  // namespace
}  // namespace vrrp::c_abi

using vrrp::c_abi::Fail;
using vrrp::c_abi::FailNull;

extern "C" {

void vrrp_driver_options_init(vrrp_driver_options* options) {
  if (options == nullptr) return;
  const vrrp::os::DriverOptions d;
  *options = vrrp_driver_options{};
  options->struct_version = VRRP_DRIVER_OPTIONS_V1;
  options->remove_leftover_addresses = d.remove_leftover_addresses ? 1 : 0;
  options->manage_addresses_externally = 0;
  options->receive_holdoff = absl::ToInt64Nanoseconds(d.receive_holdoff);
}

void vrrp_instance_config_init(vrrp_instance_config* config) {
  if (config == nullptr) return;
  *config = vrrp_instance_config{};
  config->struct_version = VRRP_INSTANCE_CONFIG_V1;
  vrrp_router_config_init(&config->router);
  // 0 stands for the family's host prefix (32 / 128): the family is set after this call.
  config->prefix_len = 0;
}

int vrrp_driver_open_conf(vrrp_driver** out, const char* keepalived_conf,
                          const vrrp_driver_options* options) {
  if (out == nullptr) return FailNull("vrrp_driver_open_conf", "out");
  *out = nullptr;
  if (keepalived_conf == nullptr) return FailNull("vrrp_driver_open_conf", "keepalived_conf");
  absl::StatusOr<vrrp::os::DriverOptions> driver_options = vrrp::c_abi::ToDriverOptions(options);
  if (!driver_options.ok()) return Fail(driver_options.status());

  vrrp::config::DiskFileSource disk;
  vrrp::config::ParseOptions parse;
  parse.files = &disk;
  absl::StatusOr<vrrp::config::Configuration> conf =
      vrrp::config::ParseString(keepalived_conf, vrrp::c_abi::kConfName, parse);
  // Every refusal of the text, an unreadable include too, is the text's: "keepalived.conf:12:".
  if (!conf.ok()) return Fail(VRRP_ERR_CONFIG, std::string(conf.status().message()));

  std::vector<std::string> warnings;
  for (const vrrp::config::Warning& w : conf->warnings) {
    warnings.push_back(vrrp::config::ToString(w));
  }
  vrrp::PolicyConfig policy = vrrp::keepalived::PolicyConfigOf(*conf, &warnings);
  for (std::string& w : vrrp::c_abi::NotAppliedWarnings(*conf)) warnings.push_back(std::move(w));
  driver_options->instances = vrrp::keepalived::DriverInstances(*conf);
  driver_options->announce_pacing = conf->announce_pacing();  // vrrp_garp_interval, garp_group
  return vrrp::c_abi::Open(out, std::move(*driver_options), std::move(policy), std::move(warnings));
}

int vrrp_driver_open(vrrp_driver** out, const vrrp_instance_config* instances, size_t n_instances,
                     const vrrp_driver_options* options) {
  if (out == nullptr) return FailNull("vrrp_driver_open", "out");
  *out = nullptr;
  if (instances == nullptr && n_instances > 0) return FailNull("vrrp_driver_open", "instances");
  absl::StatusOr<vrrp::os::DriverOptions> driver_options = vrrp::c_abi::ToDriverOptions(options);
  if (!driver_options.ok()) return Fail(driver_options.status());
  for (size_t i = 0; i < n_instances; ++i) {
    absl::StatusOr<vrrp::os::DriverInstance> spec = vrrp::c_abi::ToDriverInstance(instances[i]);
    if (!spec.ok()) {
      return Fail(VRRP_ERR_INVALID_ARGUMENT,
                  fmt::format("instances[{}]: {}", i, std::string(spec.status().message())));
    }
    driver_options->instances.push_back(std::move(*spec));
  }
  // No policy: structs have no tracks or sync groups; the embedder's fault and delta apply.
  return vrrp::c_abi::Open(out, std::move(*driver_options), {}, {});
}

}  // extern "C"
