// FakeHost: one machine as the Linux Driver sees it through its parts (vrrp/linux/
// driver_parts.h) — interfaces with a link state and addresses, link and address notifications,
// VRRP sockets, announcers — held in memory, so a test runs a real vrrp::os::Driver without root
// and without a network namespace, in virtual time. Parts() gives the Driver its factories; the
// test then changes the host (a link goes down, the source address disappears, an address an
// earlier run left behind) and reads what the Driver did (addresses added, frames announced,
// advertisements sent: FakeSocket).
//
//   vrrp::testing::FakeHost host;
//   host.AddInterface("eth0", {*vrrp::IpAddress::Parse("192.0.2.5")});   // 192.0.2.5/24, up
//   vrrp::os::DriverOptions options;
//   options.instances = {spec};
//   options.parts = host.Parts();
//   auto driver = vrrp::os::Driver::Create(std::move(options));
//   absl::Time now = vrrp::testing::kVirtualStart;
//   (void)(*driver)->Start(now);
//   (void)vrrp::testing::RunDriver(**driver, now, now + absl::Seconds(4));  // becomes Master
//   assert(host.Holds(vip));
//   host.SetLinkUp("eth0", false);   // the Driver's link monitor fd becomes readable
//   (void)vrrp::testing::RunDriver(**driver, now, now);                     // Fault, VIP gone
//
// Each fake part has a real file descriptor (an eventfd) that is readable exactly while it has
// something to read, so Driver::fds(), OnReadable and an event loop work unchanged.
//
// What the kernel would do, the host does: the Driver's address changes raise address
// notifications; a socket receives what a FakeNetwork carries to it (fake_network.h) or what the
// test injects (fake_socket.h); a missing interface is kNotFound naming it.
//
// Thread-safety: none. Lifetime: the host outlives every part opened from it (destroy the
// Driver first).
#ifndef VRRP_TESTING_LINUX_FAKE_HOST_H_
#define VRRP_TESTING_LINUX_FAKE_HOST_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "vrrp/address_manager.h"
#include "vrrp/ip_address.h"
#include "vrrp/linux/driver_parts.h"
#include "vrrp/linux/link_events.h"

namespace vrrp::testing {

class FakeNetwork;
class FakeSocket;

// A virtual `now` to start from: ahead of the monotonic clock by decades. The Driver measures
// the CPU it spends on deferred effects with MonotonicNow() and compares that with its deadlines;
// virtual deadlines far ahead of it never stop a slice early, so a run does not depend on how
// long the machine has been up.
inline constexpr absl::Time kVirtualStart = absl::FromUnixSeconds(2'000'000'000);

// One announcement (gratuitous ARP or unsolicited NA) an announcer of the host sent.
struct Announcement {
  std::string interface;
  std::optional<MacAddress> mac;  // as the Driver asked (nullopt: the interface's own)
  IpAddress address;
};

class FakeHost {
 public:
  FakeHost();
  ~FakeHost();
  FakeHost(const FakeHost&) = delete;
  FakeHost& operator=(const FakeHost&) = delete;

  // The factories of every part, all on this host (DriverOptions::parts).
  os::DriverParts Parts();

  // --- Interfaces ---
  // Adds an interface, up with carrier, holding `addresses` (/24 for IPv4, /64 for IPv6), and
  // returns its index (1, 2, ...). The first IPv4 and first IPv6 link-local address are what
  // the Driver sends from when an instance names no source.
  int AddInterface(std::string_view name, std::vector<IpAddress> addresses = {});
  // The link goes down or up (IFF_RUNNING): a link notification.
  void SetLinkUp(std::string_view interface, bool up);
  // The interface disappears (RTM_DELLINK): a notification; its sockets stay open, unreachable.
  void RemoveInterface(std::string_view interface);
  bool link_up(std::string_view interface) const;
  int ifindex(std::string_view interface) const;  // 0 when there is no such interface

  // --- Addresses, as `ip addr` would show them ---
  // Puts an address on its interface (vip.interface) with a notification, as `ip addr add`.
  void AddAddress(const VirtualAddress& vip);
  // An IPv6 address whose Duplicate Address Detection runs (IFA_F_TENTATIVE): notified as
  // tentative, never a source (InterfaceQueries::SourceAddresses) until FinishDad.
  void AddTentativeAddress(const VirtualAddress& vip);
  // DAD ended well for `address`: it is usable, and notified again, as the kernel does.
  void FinishDad(std::string_view interface, const IpAddress& address);
  // Takes `address` off `interface` with a notification, as `ip addr del`.
  void RemoveAddress(std::string_view interface, const IpAddress& address);
  // What is on `interface`, in the order it came.
  std::vector<InterfaceAddress> addresses(std::string_view interface) const;
  // Whether `address` is on any interface.
  bool Holds(const IpAddress& address) const;
  // The Driver's address manager calls, as "add 192.0.2.3/24 dev eth0 scope global" or
  // "remove ..." (ToString(VirtualAddress)), oldest first.
  const std::vector<std::string>& address_calls() const { return address_calls_; }
  // The Driver's Add, Remove and List fail with `status`; OkStatus() makes them work again.
  void FailAddressCalls(absl::Status status) { address_status_ = std::move(status); }
  // Only the Driver's Add of `address` fails (a lease renewal too); OkStatus() undoes it.
  void FailAdd(const IpAddress& address, absl::Status status);
  // The size of each AddAll the Driver made (its batched lease renewals), oldest first.
  const std::vector<size_t>& address_batches() const { return address_batches_; }

  // --- Announcements ---
  const std::vector<Announcement>& announcements() const { return announcements_; }
  // How many went out for `address`.
  int announced(const IpAddress& address) const;
  size_t open_announcers() const { return announcers_; }

  // --- Link notifications ---
  // The notifications waiting are lost, and the next Process of each link monitor says so
  // (kDataLoss, the kernel's ENOBUFS): the Driver must read the links afresh.
  void DropNotifications();

  // --- Sockets ---
  // The socket open on (interface, family), or nullptr.
  FakeSocket* socket(std::string_view interface, Family family) const;
  size_t open_sockets() const { return sockets_.size(); }
  // Opening a socket or an announcer on `interface` fails with `status` (CAP_NET_RAW
  // missing...); OkStatus() makes it work again.
  void FailOpen(std::string_view interface, absl::Status status);

 private:
  friend class FakeSocket;
  friend class FakeNetwork;
  class AddressPart;
  class AnnouncerPart;
  class MonitorPart;
  class QueriesPart;
  struct Interface {
    std::string name;
    int ifindex = 0;
    bool up = true;
    std::vector<InterfaceAddress> addresses;
    FakeNetwork* network = nullptr;  // the segment it is attached to
    absl::Status open_status;        // FailOpen
  };

  Interface* Find(std::string_view name);
  const Interface* Find(std::string_view name) const;
  void Notify(const os::LinkEvent& event);
  absl::Status Missing(std::string_view interface) const;

  std::vector<std::unique_ptr<Interface>> interfaces_;
  int next_ifindex_ = 1;
  std::vector<std::string> address_calls_;
  absl::Status address_status_;
  std::vector<std::pair<IpAddress, absl::Status>> add_failures_;  // FailAdd
  std::vector<size_t> address_batches_;
  std::vector<Announcement> announcements_;
  size_t announcers_ = 0;
  std::vector<MonitorPart*> monitors_;  // open link monitors, each told every notification
  std::vector<FakeSocket*> sockets_;    // open sockets
};

}  // namespace vrrp::testing

#endif  // VRRP_TESTING_LINUX_FAKE_HOST_H_
