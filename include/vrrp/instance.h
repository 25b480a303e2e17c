// Instance: one virtual router at work — a Router wired to a Transport, an AddressManager and an
// Announcer, carrying out the router's actions. keepalived calls this a vrrp_instance. Still
// core: it only calls the interfaces, so it runs the same over Linux sockets (vrrp::os::Driver),
// DPDK, or the fakes of the tests. Received packets reach its router through the interface's
// Endpoint (endpoint.h); the instance then carries out what the router decided.
//
//   vrrp::InstanceConfig config;
//   config.name = "VIP_1";
//   config.router.vrid = 50;  config.router.priority = 150;  ...
//   config.addresses = {{.address = vip, .prefix_len = 24, .interface = "eth0"}};
//   auto instance = vrrp::Instance::Create(config, transport, addresses, announcer, id);
//   (void)endpoint.Add(key, (*instance)->router(), (*instance)->config().unicast_peers);
//   (*instance)->Start(now);
//   // on a packet:  d = endpoint.OnPacket(now, payload, info);
//   //               if (d.key == key) (*instance)->OnDelivery(now, d, info.source);
//   // at (*instance)->NextDeadline(): (*instance)->OnTimer(now);
//   // after each call: while (auto e = (*instance)->PollEvent()) Log(*e);
//
// Thread-safety: none; one thread calls an instance and drains its events. Lifetime: the
// transport, address manager, announcer and event queue outlive it.
//
// Every received packet its router refuses is counted on the router and reported as an event;
// every address change and every failure of the transport, address manager or announcer is
// reported as an event too, never thrown and never fatal: a Master whose address could not be
// added stays Master (the other router would otherwise take over an address it cannot own
// either) and the event says why, as keepalived logs it.
#ifndef VRRP_INSTANCE_H_
#define VRRP_INSTANCE_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "vrrp/address_manager.h"
#include "vrrp/announcer.h"
#include "vrrp/codec.h"
#include "vrrp/endpoint.h"
#include "vrrp/event.h"
#include "vrrp/router.h"
#include "vrrp/transport.h"

namespace vrrp {

struct InstanceConfig {
  std::string name;  // keepalived's instance name, e.g. "VIP_1": in every event and log line
  // The state machine's settings. Its virtual_addresses are filled from `addresses` below.
  RouterConfig router;
  // virtual_ipaddress: what the router advertises, and how each is put on the interface.
  std::vector<VirtualAddress> addresses;
  // virtual_ipaddress_excluded: added and removed with the virtual addresses while Master, and
  // announced with them, but never advertised (any family: keepalived users put IPv6 addresses
  // on a VRRPv2 instance this way, or more addresses than one advertisement carries).
  std::vector<VirtualAddress> excluded_addresses;
  // v2 authentication (authentication { auth_type PASS; auth_pass ... }); copied into the
  // router's configuration, which encodes and checks it.
  AuthType auth_type = AuthType::kNone;
  PassKey pass_key;
  // v3 over IPv4: include the pseudo-header in the checksum (RFC 5798 §5.2.8; keepalived, FRR).
  bool v3_ipv4_pseudo_header = true;
  // Where advertisements go: each unicast peer (keepalived's unicast_peer; the Endpoint then takes
  // packets from them only), or else the multicast group (vrrp_mcast_group4 / 6; nullopt: the
  // RFC's 224.0.0.18 / ff02::12).
  std::vector<IpAddress> unicast_peers;
  std::optional<IpAddress> multicast_group;

  // The destinations the settings above give: the peers, or the group.
  std::vector<IpAddress> Destinations() const;
};

class Instance {
 public:
  // Validates the configuration (the router's, each address's, that they share one family, that
  // v2 auth is only set on v2). The interfaces must outlive the instance. Events carry `id`;
  // they go to `events` when given (a runner of many instances shares one queue and drains it
  // once), else to the instance's own queue, read with PollEvent.
  static absl::StatusOr<std::unique_ptr<Instance>> Create(
      InstanceConfig config, Transport& transport, AddressManager& addresses, Announcer& announcer,
      InstanceId id = InstanceId::kNone, EventQueue* events = nullptr);

  const std::string& name() const { return config_.name; }
  InstanceId id() const { return id_; }
  // The next event of the queue this instance reports to (its own, or the one given to Create).
  std::optional<InstanceEvent> PollEvent() { return events_->Poll(); }
  const InstanceConfig& config() const { return config_; }
  const Router& router() const { return router_; }
  // For Endpoint::Add only: every input reaches the router through the instance (or its
  // endpoint, followed by OnDelivery), so that its actions are carried out.
  Router& router() { return router_; }
  uint8_t vrid() const { return static_cast<uint8_t>(config_.router.vrid); }

  void Start(absl::Time now);
  // A Master sends priority 0 and removes its addresses (RFC 5798 §6.4.3 Shutdown).
  void Shutdown(absl::Time now);
  // After the Endpoint delivered a packet from `from` to this instance's router: reports a drop
  // (kDrop event) and carries out the router's actions.
  void OnDelivery(absl::Time now, const Delivery& delivery, const IpAddress& from);
  void OnTimer(absl::Time now);
  absl::Time NextDeadline() const { return router_.NextDeadline(); }
  void SetFault(absl::Time now, bool fault);
  void SetPriorityDelta(absl::Time now, int delta);
  // Router::SetSyncHold; reports kSyncWaiting when the held router's timer runs out.
  void SetSyncHold(absl::Time now, bool hold);
  void SyncStepDown(absl::Time now);
  // Applies a new configuration; an unchanged one changes nothing (no flap). Addresses that
  // leave the configuration while Master are removed, new ones added.
  [[nodiscard]] absl::Status Reconfigure(absl::Time now, InstanceConfig config);

  // For a driver with many instances (issue 10): on the hot paths (OnTimer, OnDelivery) only the
  // advertisements go out at once; the other effects (addresses, announcements, transition
  // events) wait, in order, until FlushDeferred, so that a thousand takeovers at one instant put
  // a thousand advertisements on the wire before the first netlink round trip. Every other
  // input flushes what waits before its own effects; a deferred announcement is dropped if the
  // router is no longer Master by then. Off by default: effects happen within each call.
  void set_defer_effects(bool defer);
  bool has_deferred() const { return !deferred_.empty(); }
  void FlushDeferred(absl::Time now);

 private:
  Instance(InstanceConfig config, Router router, Transport& transport, AddressManager& addresses,
           Announcer& announcer, InstanceId id, EventQueue* events);
  // Carries out the router's actions; `hot` (OnTimer, OnDelivery) defers all but the sends when
  // set_defer_effects is on.
  void Perform(absl::Time now, bool hot = false);
  void Execute(absl::Time now, const Action& action, bool deferred);
  void Send(absl::Time now, uint8_t priority);
  void ChangeAddresses(absl::Time now, const AddressList& ips, bool add);
  void AnnounceAddresses(absl::Time now, const AddressList& ips, int count);
  void ChangeExcluded(absl::Time now, const std::vector<VirtualAddress>& vips, bool add);
  void AnnounceOne(absl::Time now, const IpAddress& ip, int count);
  const VirtualAddress* Find(const IpAddress& ip) const;
  InstanceEvent MakeEvent(InstanceEvent::Kind kind, absl::Time now) const;

  InstanceConfig config_;
  // The previous configuration's addresses during Reconfigure, so removals find their details.
  std::vector<VirtualAddress> retiring_;
  std::vector<VirtualAddress> retiring_excluded_;
  Router router_;
  Transport& transport_;
  AddressManager& address_manager_;
  Announcer& announcer_;
  InstanceId id_;
  EventQueue own_events_;
  EventQueue* events_;  // &own_events_ or the runner's
  std::vector<IpAddress> destinations_;
  std::vector<Action> actions_;
  bool defer_effects_ = false;
  std::vector<Action> deferred_;  // effects waiting for FlushDeferred, oldest first
};

// Checks `config` as Instance::Create does, without building anything.
[[nodiscard]] absl::Status ValidateInstanceConfig(const InstanceConfig& config);

}  // namespace vrrp

#endif  // VRRP_INSTANCE_H_
