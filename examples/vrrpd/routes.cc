#include "routes.h"

#include <algorithm>
#include <string>
#include <utility>

#include "fmt/format.h"
#include "vrrp/linux/address_manager.h"

namespace vrrpd {
namespace {

template <typename T>
bool Has(const std::vector<T>& items, const T& item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

template <typename T>
std::vector<T> Missing(const std::vector<T>& from, const std::vector<T>& in) {
  std::vector<T> out;
  for (const T& item : from) {
    if (!Has(in, item)) out.push_back(item);
  }
  return out;
}

std::string_view Sd(absl::string_view s) { return {s.data(), s.size()}; }

}  // namespace

absl::StatusOr<std::unique_ptr<Routes>> Routes::Open(const vrrp::config::Configuration& conf,
                                                     Logger& log) {
  auto routes = vrrp::os::NetlinkRouteControl::Open();
  if (!routes.ok()) return routes.status();
  auto addresses = vrrp::os::NetlinkAddressManager::Open();
  if (!addresses.ok()) return addresses.status();
  auto made = std::make_unique<Routes>(std::move(*routes), std::move(*addresses), log);
  made->Start(conf);
  return made;
}

Routes::Routes(std::unique_ptr<vrrp::os::RouteControl> routes,
               std::unique_ptr<vrrp::AddressManager> addresses, Logger& log)
    : routes_(std::move(routes)), addresses_(std::move(addresses)), log_(log) {}

Routes::Set Routes::StaticSet(const vrrp::config::Configuration& conf) {
  Set set;
  for (const vrrp::config::ConfiguredRoute& r : conf.static_routes) set.routes.push_back(r.route);
  for (const vrrp::config::ConfiguredRule& r : conf.static_rules) set.rules.push_back(r.rule);
  return set;
}

std::map<std::string, Routes::InstanceRoutes> Routes::VirtualSets(
    const vrrp::config::Configuration& conf) {
  std::map<std::string, InstanceRoutes> out;
  for (const vrrp::config::VrrpInstance& vi : conf.instances) {
    InstanceRoutes& entry = out[vi.config.name];
    for (const auto& r : vi.extras.virtual_routes) entry.set.routes.push_back(r.route);
    for (const auto& r : vi.extras.virtual_rules) entry.set.rules.push_back(r.rule);
  }
  return out;
}

void Routes::Start(const vrrp::config::Configuration& conf) {
  // Every instance starts as BACKUP, so none of a killed run's routes should stay; the static
  // ones are added again just after.
  absl::StatusOr<int> removed = routes_->RemoveTagged(vrrp::kRouteProtocol);
  if (!removed.ok()) {
    Failed("removing the routes a previous run left", "start", removed.status());
  } else if (*removed > 0) {
    log_.Info(fmt::format("Removed {} routes and rules of protocol {} left by a previous run",
                          *removed, vrrp::kRouteProtocol));
  }
  for (const vrrp::VirtualAddress& vip : conf.static_addresses) {
    if (absl::Status s = addresses_->Add(vip); !s.ok()) {
      Failed(fmt::format("adding {}", vip), "static_ipaddress", s);
    }
  }
  static_addresses_ = conf.static_addresses;
  static_ = StaticSet(conf);
  Add(static_, "static");
  instances_ = VirtualSets(conf);
}

void Routes::EnterMaster(const std::string& instance, size_t addresses) {
  auto it = instances_.find(instance);
  if (it == instances_.end() || it->second.master) return;
  it->second.awaited = addresses;
  if (addresses == 0) {
    it->second.master = true;
    Add(it->second.set, instance);
  }
}

void Routes::AddressAdded(const std::string& instance) {
  auto it = instances_.find(instance);
  if (it == instances_.end() || it->second.awaited == 0) return;
  if (--it->second.awaited > 0) return;
  it->second.master = true;
  Add(it->second.set, instance);
}

void Routes::LeaveMaster(const std::string& instance) {
  auto it = instances_.find(instance);
  if (it == instances_.end()) return;
  it->second.awaited = 0;
  if (!it->second.master) return;
  it->second.master = false;
  Remove(it->second.set, instance);
}

void Routes::Reconfigure(const vrrp::config::Configuration& conf) {
  std::map<std::string, InstanceRoutes> next = VirtualSets(conf);
  for (auto& [name, old] : instances_) {
    auto it = next.find(name);
    if (it == next.end()) {
      if (old.master) Remove(old.set, name);
      continue;
    }
    it->second.master = old.master;
    it->second.awaited = old.awaited;
    if (old.master) Change(old.set, it->second.set, name);
  }
  instances_ = std::move(next);
  Set next_static = StaticSet(conf);
  Change(static_, next_static, "static");
  static_ = std::move(next_static);
  for (const vrrp::VirtualAddress& vip : Missing(static_addresses_, conf.static_addresses)) {
    if (absl::Status s = addresses_->Remove(vip); !s.ok()) {
      Failed(fmt::format("removing {}", vip), "static_ipaddress", s);
    }
  }
  for (const vrrp::VirtualAddress& vip : Missing(conf.static_addresses, static_addresses_)) {
    if (absl::Status s = addresses_->Add(vip); !s.ok()) {
      Failed(fmt::format("adding {}", vip), "static_ipaddress", s);
    }
  }
  static_addresses_ = conf.static_addresses;
}

void Routes::StopRoutes() {
  for (auto& [name, entry] : instances_) {
    if (entry.master) Remove(entry.set, name);
    entry.master = false;
    entry.awaited = 0;
  }
  Remove(static_, "static");
  static_ = {};
}

void Routes::StopAddresses() {
  for (const vrrp::VirtualAddress& vip : static_addresses_) {
    if (absl::Status s = addresses_->Remove(vip); !s.ok()) {
      Failed(fmt::format("removing {}", vip), "static_ipaddress", s);
    }
  }
  static_addresses_.clear();
}

void Routes::Add(const Set& set, std::string_view owner) {
  for (const vrrp::Route& r : set.routes) {
    if (absl::Status s = routes_->Add(r); !s.ok()) {
      Failed(fmt::format("adding route {}", vrrp::ToString(r)), owner, s);
    }
  }
  for (const vrrp::Rule& r : set.rules) {
    if (absl::Status s = routes_->Add(r); !s.ok()) {
      Failed(fmt::format("adding rule {}", vrrp::ToString(r)), owner, s);
    }
  }
}

void Routes::Remove(const Set& set, std::string_view owner) {
  for (const vrrp::Rule& r : set.rules) {
    if (absl::Status s = routes_->Remove(r); !s.ok()) {
      Failed(fmt::format("removing rule {}", vrrp::ToString(r)), owner, s);
    }
  }
  for (const vrrp::Route& r : set.routes) {
    if (absl::Status s = routes_->Remove(r); !s.ok()) {
      Failed(fmt::format("removing route {}", vrrp::ToString(r)), owner, s);
    }
  }
}

void Routes::Change(const Set& have, const Set& want, std::string_view owner) {
  Remove(Set{Missing(have.routes, want.routes), Missing(have.rules, want.rules)}, owner);
  Add(Set{Missing(want.routes, have.routes), Missing(want.rules, have.rules)}, owner);
}

void Routes::Failed(std::string_view what, std::string_view owner, const absl::Status& s) {
  ++failures_;
  log_.Error(fmt::format("({}) {}: {}", owner, what, Sd(s.message())));
}

}  // namespace vrrpd
