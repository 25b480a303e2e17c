// keepalived's static_ipaddress / static_routes / static_rules and the instances'
// virtual_routes / virtual_rules at work (README.md, "Static and virtual routes"): the static
// ones from start to clean stop, an instance's virtual ones while it is MASTER, a reload's
// changes applied as a difference. Failures are logged and counted, never fatal: an instance
// becomes MASTER whether or not its routes could be added, as with keepalived.
//
//   auto routes = Routes::Open(conf, log);     // removes a killed run's, adds the static ones
//   routes->EnterMaster("VI_1", 2);            // MASTER, with 2 addresses to add first
//   routes->AddressAdded("VI_1");              // each of them (added or refused): then routes
//   routes->LeaveMaster("VI_1");
//   routes->Reconfigure(new_conf);             // SIGHUP
//   routes->StopRoutes(); ... VIPs removed ...; routes->StopAddresses();   // clean stop
#ifndef VRRPD_ROUTES_H_
#define VRRPD_ROUTES_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "logger.h"
#include "vrrp/address_manager.h"
#include "vrrp/config/config.h"
#include "vrrp/linux/route_control.h"
#include "vrrp/route.h"

namespace vrrpd {

class Routes {
 public:
  // Netlink for both; then Start(conf).
  static absl::StatusOr<std::unique_ptr<Routes>> Open(const vrrp::config::Configuration& conf,
                                                      Logger& log);
  // On the given controls (a test's), doing nothing until Start.
  Routes(std::unique_ptr<vrrp::os::RouteControl> routes,
         std::unique_ptr<vrrp::AddressManager> addresses, Logger& log);

  // Removes every route and rule tagged vrrp::kRouteProtocol (a killed run's), then adds the
  // static addresses, routes and rules of `conf`. Every instance counts as not MASTER.
  void Start(const vrrp::config::Configuration& conf);
  // An instance entered MASTER: its virtual routes and rules are added once its `addresses`
  // VIPs (virtual_ipaddress and _excluded) have been (AddressAdded), at once when it has none,
  // as keepalived adds them after the addresses: a route `src VIP`, or through a VIP's subnet,
  // needs the address. The Driver adds the addresses after it reports the transition.
  void EnterMaster(const std::string& instance, size_t addresses);
  // One of the instance's addresses was added, or refused (the routes go in either way).
  void AddressAdded(const std::string& instance);
  // It left MASTER: its virtual routes and rules are removed (or no longer awaited). An
  // instance that is not configured is ignored by all three.
  void LeaveMaster(const std::string& instance);
  // A reload: what is unchanged stays, what is gone is removed, what is new is added (a
  // virtual one if its instance is MASTER). Instances that are gone are no longer MASTER.
  void Reconfigure(const vrrp::config::Configuration& conf);
  // A clean stop, before the VIPs go: every virtual rule and route, then the static ones.
  void StopRoutes();
  // After the VIPs: the static addresses.
  void StopAddresses();

  // Adds and removals the kernel refused, since start.
  uint64_t failures() const { return failures_; }

 private:
  struct Set {
    std::vector<vrrp::Route> routes;
    std::vector<vrrp::Rule> rules;
  };
  struct InstanceRoutes {
    Set set;
    bool master = false;  // its routes and rules are in
    size_t awaited = 0;   // MASTER, waiting for this many addresses before adding them
  };
  static Set StaticSet(const vrrp::config::Configuration& conf);
  static std::map<std::string, InstanceRoutes> VirtualSets(const vrrp::config::Configuration& conf);
  // Adds routes then rules; removes rules then routes (a rule may send traffic to a route's
  // table: it goes first, and comes last).
  void Add(const Set& set, std::string_view owner);
  void Remove(const Set& set, std::string_view owner);
  // What `want` has that `have` lacks is added, the other way round removed.
  void Change(const Set& have, const Set& want, std::string_view owner);
  void Failed(std::string_view what, std::string_view owner, const absl::Status& s);

  std::unique_ptr<vrrp::os::RouteControl> routes_;
  std::unique_ptr<vrrp::AddressManager> addresses_;
  Logger& log_;
  std::vector<vrrp::VirtualAddress> static_addresses_;
  Set static_;
  std::map<std::string, InstanceRoutes> instances_;
  uint64_t failures_ = 0;
};

}  // namespace vrrpd

#endif  // VRRPD_ROUTES_H_
