// Driver: runs virtual routers on Linux. It opens one raw-socket transport with its Endpoint per
// (interface, family), shared by every instance there (unicast ones too: the Endpoint keeps their
// peer filters), one AF_PACKET announcer per (interface, MAC), one netlink address manager and
// one link monitor, and keeps every instance's next deadline in one DeadlineQueue: the cost of a
// packet or a timer does not grow with the number of instances. It removes the virtual addresses
// an earlier run left behind, puts instances in Fault while their link is down or their source
// address is gone, and while their interface does not exist or has no address yet (a boot before
// DHCP: they start in Fault, with a kInterfaceWaiting event, and leave it when the interface or
// its address appears; a deleted and re-created interface is followed by name), and queues every
// event (transitions, drops, address changes, failures) for
// its owner to poll (PollEvent) after each call: for logs, notify hooks and metrics. Each
// instance has an InstanceId for its whole life: a reload that keeps the name keeps the id.
// Those parts come from DriverOptions::parts (driver_parts.h): the Linux ones unless a test
// brings vrrp::testing's fakes, which run all of the above without root.
//
// Thread-safety: none; one thread calls the driver. Lifetime: an attached loop outlives the
// attachment (Detach, or destroy the driver first).
//
// Two ways to run it:
//  - with our loop: driver->Attach(loop, drain) then loop.Run(); `drain` runs after each of the
//    driver's turns on the loop, the place to PollEvent();
//  - from someone else's (nginx, libuv, asio): watch every fd of driver->fds() for readability
//    and call driver->OnReadable(now, fd); arm a timer for driver->NextDeadline() and call
//    driver->OnTimer(now) when it fires (an early call is a no-op); re-read NextDeadline() after
//    each call, and PollEvent() until it is empty. `now` must come from one monotonic clock
//    (MonotonicNow()). See docs/embedding.md.
//
//   vrrp::os::DriverOptions options;
//   options.instances.push_back({.config = instance_config, .interface = "eth0"});
//   auto driver = vrrp::os::Driver::Create(std::move(options));   // needs CAP_NET_RAW
//   auto loop = vrrp::os::EventLoop::Create();
//   (*driver)->Start((*loop)->Now());
//   auto drain = [&] { while (auto e = (*driver)->PollEvent()) fmt::print("{}\n", *e); };
//   (*driver)->Attach(**loop, drain);
//   (*loop)->Run();
#ifndef VRRP_LINUX_DRIVER_H_
#define VRRP_LINUX_DRIVER_H_

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "vrrp/announce_pacer.h"
#include "vrrp/deadline_queue.h"
#include "vrrp/endpoint.h"
#include "vrrp/instance.h"
#include "vrrp/instance_set.h"
#include "vrrp/linux/driver_parts.h"
#include "vrrp/linux/event_loop.h"

namespace vrrp::os {

struct DriverInstance {
  // config.router.primary_address may be left unspecified: `source` or the interface's is used.
  // config.unicast_peers / config.multicast_group say where advertisements go.
  InstanceConfig config;
  std::string interface;  // where advertisements are sent and received
  // unicast_src_ip / mcast_src_ip. Default: the interface's first IPv4 address, or its IPv6
  // link-local address (RFC 5798 §5.1.2.1 requires link-local), that is none of the VIPs;
  // learned when the interface gets one and again when it is replaced. Until then the
  // instance waits in Fault and its router's primary_address is a stand-in (127.0.0.1, ::1).
  std::optional<IpAddress> source;
  std::optional<MacAddress> announce_mac;  // default: the interface's
  // Whether the interface's link going down puts the instance in Fault (the default: a link
  // that carries nothing cannot keep a Master's addresses reachable). false is keepalived's
  // dont_track_primary: the link state is ignored (meant for use_vmac, but for any instance);
  // an interface that is gone, or lacks the source address, still means Fault.
  bool track_link = true;

  // Whether `other` can keep this instance's place: same interface, family, VRID, source, group,
  // peers and their check, announce MAC and whether it uses AH (its own socket). Driver::Update
  // keeps such an instance running (track_link may differ: it is applied in place).
  bool SameTransport(const DriverInstance& other) const;
};

struct DriverOptions {
  std::vector<DriverInstance> instances;
  // Remove, before starting, addresses of our (non-owner) instances found on their interfaces:
  // left by an earlier run that was killed (keepalived logs "removing VIPs.").
  bool remove_leftover_addresses = true;
  // Link events that could not be applied (a netlink overrun...) are reported here.
  std::function<void(const absl::Status&)> on_error;
  // With our loop (Attach): once a socket wakes the process twice within ten hold-offs, it is
  // read again after this long instead of waking the process per packet, until a read finds
  // it empty. At 1,000
  // instances a backup hears 10,000 advertisements a second; waking for each cost more than
  // the rest of its work (issue 10). A packet then waits at most this long: a Backup's timer
  // is restarted that much later, a Master answers a higher priority that much later. Packets
  // wait in the socket (its buffer is sized for the burst) and are read before any due timer.
  // Zero: every packet wakes the loop. A foreign loop watches fds() itself: no effect there.
  absl::Duration receive_holdoff = absl::Milliseconds(1);
  // The minimum time between two gratuitous ARPs (or two unsolicited NAs) on an interface,
  // across all its instances (keepalived's vrrp_garp_interval, vrrp_gna_interval, garp_group):
  // the frames wait their turn in the driver's timer (vrrp/announce_pacer.h). Default: none.
  AnnouncePacing announce_pacing;
  // A Backup's steady advertisements absorbed in the kernel (advert_offload.h): once a Backup
  // has taken its master's advertisement, byte-identical repeats of it are timed and counted by
  // an eBPF filter on the shared socket and not woken for, but for one in about three (every
  // Master_Down_Interval - 1.25 x Master_Adver_Interval), which keeps its timer running; before
  // its master-down timer fires, and whenever it would no longer take them as they were, the
  // instance is told of the repeats absorbed (Router::OnRepeatedAdvertisements), so it takes
  // over exactly when it would have without the filter. Needs CAP_BPF (root); without it, or
  // on a socket that is not a kernel one (tests' fakes), every packet goes up as before, and
  // advert_offload_status() says why.
  bool advert_offload = true;
  // What the driver is wired to; empty factories are the Linux parts (driver_parts.h).
  DriverParts parts;
};

struct DriverStats {
  uint64_t sockets = 0;     // raw sockets open: one per (interface, family) in use
  uint64_t received = 0;    // packets the sockets delivered
  uint64_t other_vrid = 0;  // for VRIDs no instance on that interface runs
  uint64_t other_peer = 0;  // from a source none of the VRID's unicast instances has as a peer
  uint64_t too_short = 0;   // shorter than a VRRP header
  uint64_t receive_errors = 0;
  uint64_t absorbed = 0;  // repeats the sockets' filters absorbed (DriverOptions::advert_offload)
};

class Driver final : public InstanceSet {
 public:
  // Opens everything or nothing: on error, whatever was opened is closed again, and the status
  // names the instance and what failed (CAP_NET_RAW, a bad configuration, two instances on one
  // VRID). An interface that does not exist yet, or has no address to send from yet, is no
  // error: its instances wait for it in Fault (keepalived with dynamic_interfaces).
  static absl::StatusOr<std::unique_ptr<Driver>> Create(DriverOptions options);
  ~Driver() override;

  // Removes leftovers (see DriverOptions), reads each interface's state, starts the instances.
  [[nodiscard]] absl::Status Start(absl::Time now);
  // Every instance shuts down (a Master sends priority 0 and removes its addresses).
  void Shutdown(absl::Time now);

  // The link monitor's and each open socket's. A socket opens when its interface appears and
  // closes when it is deleted (OnReadable of the monitor's fd), and Update changes them too: a
  // foreign loop compares fds() after those calls. Attach follows them itself.
  std::vector<int> fds() const;
  void OnReadable(absl::Time now, int fd);
  // When to call OnTimer next, InfiniteFuture() never. While effects such as address changes
  // wait (they go a slice per call), it is at most 50 us after the last call: a time already
  // past means at once, after looking at the sockets.
  absl::Time NextDeadline() const;
  void OnTimer(absl::Time now);

  // The oldest event not yet polled, or nullopt. Events own their data.
  std::optional<InstanceEvent> PollEvent() { return events_.Poll(); }
  bool has_events() const { return !events_.empty(); }

  // Registers fds() and a timer that follows NextDeadline() with `loop`; `after_turn` (may be
  // empty) runs after each of the driver's turns on the loop that left events to poll, outside
  // the driver: it may call any of the driver's functions. Detach before destroying the loop first.
  [[nodiscard]] absl::Status Attach(EventLoop& loop, std::function<void()> after_turn = {});
  void Detach();

  // A reload: runs `instances` from now on. An instance whose name is still there with the same
  // transport (DriverInstance::SameTransport) keeps running and gets Instance::Reconfigure, so
  // an unchanged one keeps its state (a Master stays Master, no flap); the others that left
  // shut down (a Master sends priority 0 and removes its addresses); new ones, and those whose
  // transport changed, are opened and started in Backup (in Fault, waiting, on an interface
  // that does not exist or has no address yet). All or nothing: every configuration is checked
  // and every new socket opened before anything running is touched.
  [[nodiscard]] absl::Status Update(absl::Time now, std::vector<DriverInstance> instances);
  // New announcement pacing (a reload): it applies to every frame sent from now on, those
  // already waiting included.
  void SetAnnouncePacing(AnnouncePacing pacing);
  // Announcements waiting for their turn (DriverOptions::announce_pacing).
  size_t announcements_waiting() const { return pacer_.queued(); }

  // InstanceSet, for the policy (vrrp::Policy) and the embedder. An id not running is ignored
  // (setters) or answers nullptr / false. Faults from outside: an instance is in Fault while its
  // link is down, its interface or source address is missing, or SetExternalFault says so.
  std::vector<InstanceId> ids() const override;
  std::optional<InstanceId> Find(std::string_view name) const override;
  const Router* router(InstanceId id) const override;
  void SetExternalFault(absl::Time now, InstanceId id, bool fault) override;
  bool InterfaceFault(InstanceId id) const override;
  void SetPriorityDelta(absl::Time now, InstanceId id, int delta) override;
  void SetSyncHold(absl::Time now, InstanceId id, bool hold) override;
  void SyncStepDown(absl::Time now, InstanceId id) override;

  // The running instance `id` and its specification, or nullptr.
  const Instance* instance(InstanceId id) const;
  const DriverInstance* spec(InstanceId id) const;

  const std::vector<std::unique_ptr<Instance>>& instances() const { return instances_; }
  DriverStats stats() const;
  // Whether the last socket opened got its advert_offload filter: OK, or why not (also OK when
  // advert_offload is off or no socket was opened).
  const absl::Status& advert_offload_status() const { return advert_offload_status_; }

 private:
  struct Link;
  struct Announcers;
  struct Slot;
  explicit Driver(DriverOptions options);
  // Takes the shared socket and announcer of `spec` (opening them when new) and creates its
  // instance (not started, not yet routed: Route does that). On error nothing is held.
  absl::Status Open(const DriverInstance& spec, InstanceId id, std::unique_ptr<Slot>& slot,
                    std::unique_ptr<Instance>& instance);
  // Gives back what Open took: the route, the group, the socket and announcer when unused.
  void Release(Slot& slot);
  absl::Status Route(Slot& slot, Instance& instance);
  // The link of (interface, family), opened when new; closed (waiting) when the interface does
  // not exist yet.
  absl::StatusOr<Link*> AcquireLink(const std::string& interface, Family family, uint8_t protocol);
  // Opens `link`'s socket (again), with its groups and buffer, watched when attached.
  absl::Status OpenSocket(Link& link);
  void CloseSocket(Link& link);
  // The link's claim source, for VIP conflict detection: opened while it has a socket and an
  // instance that wants claims.
  absl::Status OpenClaims(Link& link);
  void CloseClaims(Link& link);
  void OnClaims(absl::Time now, Link& link);
  absl::Status WatchClaims(Link& link);
  absl::StatusOr<Announcer*> AcquireAnnouncer(const std::string& interface,
                                              const std::optional<MacAddress>& mac, int ifindex);
  // Whether the system says `interface` does not exist (kNotFound), as opposed to any other
  // failure to open something on it.
  bool InterfaceMissing(const std::string& interface);
  // Whether `failure` to open something on `interface` is only that it does not exist yet.
  bool InterfaceMissing(const absl::Status& failure, const std::string& interface);
  absl::Status Watch(Link& link);
  // Reads and routes what waits in `link`'s socket; how many packets.
  size_t OnPackets(absl::Time now, Link& link);
  void PollLinks(absl::Time now);
  void OnLinkEvent(absl::Time now, const LinkEvent& event);
  // `name` exists with `ifindex`: opens the sockets and announcers that wait for it or were
  // bound to an earlier interface of that name, and looks for the instances' sources there.
  void OnInterfaceAppeared(absl::Time now, const std::string& name, int ifindex);
  // `name` was deleted: its instances go to Fault, its sockets and announcers are closed.
  void OnInterfaceGone(absl::Time now, const std::string& name);
  void SetSourcePresent(Slot& slot, bool present);
  // The address a source-from-interface instance would send from now: the first IPv4 address,
  // or IPv6 link-local one, that is none of our VIPs. nullopt: none yet.
  std::optional<IpAddress> InterfaceSource(const std::string& interface, Family family);
  bool CanSendFrom(const IpAddress& ip) const;
  // Gives instance `index` the interface's address, if it has one now; true when its primary
  // address changed (with_source_ needs a Reindex).
  bool LearnSource(absl::Time now, size_t index);
  // After its interface appeared: LearnSource, or whether a configured source is on it.
  bool FindSource(absl::Time now, size_t index);
  // A kInterfaceWaiting event when instance `index` cannot run on its interface yet;
  // `what` completes "interface eth0 ..." when the interface is not there.
  void ReportWaiting(absl::Time now, size_t index, std::string_view what);
  static bool SlotFault(const Slot& slot);
  void UpdateFault(absl::Time now, size_t index);
  // Records instance `index`'s next deadline after a call into it.
  void Touch(size_t index);
  // DriverOptions::advert_offload. After instance `index` was given packet `p` on `link`:
  // counts what the filter absorbed, and arms it with `p` when the router took it (`taken`) as its
  // master's (Router::last_advertisement_taken).
  void FollowRepeats(absl::Time now, Link& link, size_t index, const ReceivedPacket& p, bool taken);
  // Tells instance `index` of the repeats absorbed since the last time.
  void CatchUpRepeats(size_t index);
  // Slot::offloaded of instance `index`, and its copy in offloaded_.
  void SetOffloaded(size_t index, bool offloaded);
  // CatchUpRepeats, then lets every packet of the instance's VRID up again.
  void StopRepeats(size_t index);
  // Attaches the filter to `link`'s new socket (advert_offload_status_ says how that went).
  void AttachOffload(Link& link);
  // The effects an instance deferred (Instance::set_defer_effects): queued, then carried out in
  // OnTimer until a deadline is due or a short slice is spent (MonotonicNow), so that
  // advertisements never wait behind them; all at once before a reload, a shutdown or the end.
  void QueueEffects(size_t index);
  void RunEffects(absl::Time now, size_t limit, bool yield_to_deadlines);
  void FlushEffects(absl::Time now);
  // The lease renewals of the instances due this tick (due_) that have nothing else waiting
  // (Instance::TakeRenewals), with one AddressManager::AddAll per kRenewalsPerBatch addresses,
  // after their advertisements.
  void RenewLeases(absl::Time now);
  // Reads the link monitor's notifications; after an overrun, reads every interface afresh.
  void ReadLinkEvents(absl::Time now);
  // An instance's announcement, through the pacer: sent now or queued on its interface's lane.
  absl::Status Announce(absl::Time now, Slot& slot, const IpAddress& address);
  // Sends the paced announcements whose turn has come.
  void SendPaced(absl::Time now);
  void TouchAll();
  void Reindex();
  std::optional<size_t> IndexOf(InstanceId id) const;
  std::optional<size_t> IndexOf(std::string_view name) const;
  void AfterTurn();
  void Reschedule();

  DriverOptions options_;
  std::unique_ptr<AddressManager> address_manager_;
  std::unique_ptr<LinkEventSource> link_monitor_;
  std::unique_ptr<InterfaceQueries> queries_;
  std::vector<std::unique_ptr<Link>> links_;
  std::unique_ptr<Announcers> announcers_;
  EventQueue events_;            // every instance reports here
  std::vector<InstanceId> ids_;  // per index, like slots_ and instances_
  absl::flat_hash_map<InstanceId, size_t> index_by_id_;
  absl::flat_hash_map<std::string, size_t> index_by_name_;
  uint32_t next_id_ = 1;
  std::function<void()> after_turn_;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::vector<std::unique_ptr<Instance>> instances_;
  // Slot::offloaded by index, for the timer path: at 1,000 instances each Slot read there was a
  // cache miss per instance and tick.
  std::vector<uint8_t> offloaded_;
  absl::flat_hash_map<uint64_t, size_t> index_of_;  // Slot::key -> index in slots_ / instances_
  // For link events: the instances on an interface, and those whose source is an address of it.
  absl::flat_hash_map<int, std::vector<size_t>> on_ifindex_;
  absl::flat_hash_map<std::pair<int, IpAddress>, std::vector<size_t>> with_source_;
  // Per ifindex, the instances whose source is the interface's own address; how many of all
  // instances wait for one; every VIP of every instance (never a source).
  absl::flat_hash_map<int, std::vector<size_t>> learners_;
  size_t sources_missing_ = 0;
  absl::flat_hash_set<IpAddress> vips_;
  uint64_t next_key_ = 1;
  DeadlineQueue deadlines_;  // by index in slots_ / instances_ (Reindex rebuilds it)
  AnnouncePacer pacer_;      // keyed by Slot::key; an instance not MASTER has nothing queued
  std::vector<PacedAnnouncement> paced_due_;         // reused by SendPaced
  std::vector<size_t> due_;                          // reused by OnTimer: indices
  std::vector<VirtualAddress> renewals_;             // reused by RenewLeases: the tick's batch
  std::vector<std::pair<size_t, size_t>> renewing_;  // and per instance index, its count
  std::vector<uint8_t> receive_arena_;               // OnPackets' recvmmsg slots, allocated once
  std::vector<ReceivedPacket> received_;  // what one recvmmsg read, pointing into the arena
  std::deque<uint64_t> effects_;  // keys of instances with deferred effects, in arrival order
  absl::Time effects_resume_ = absl::InfinitePast();   // the next slice of effects
  absl::Time poll_deadline_ = absl::InfiniteFuture();  // the next read of the polling links
  uint64_t receive_errors_ = 0;
  uint64_t absorbed_closed_ = 0;  // absorbed by the filters of sockets since closed
  // The last attempt to attach the filter; OK before any (advert_offload_status()).
  absl::Status advert_offload_status_;
  EventLoop* loop_ = nullptr;
  std::optional<EventLoop::TimerId> timer_;
  absl::Time timer_deadline_ = absl::InfiniteFuture();
};

}  // namespace vrrp::os

#endif  // VRRP_LINUX_DRIVER_H_
