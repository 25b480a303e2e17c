// Fakes of the three interfaces an Instance is wired to (Transport, AddressManager, Announcer),
// for tests: each records what it was asked and can be told to fail, so a test checks what an
// instance did (the advert it sent, the address it added) and how it takes a failure, without
// sockets, netlink or root. Link vrrp::testing.
//
//   vrrp::testing::FakeTransport transport;
//   vrrp::testing::FakeAddressManager addresses;
//   vrrp::testing::FakeAnnouncer announcer;
//   auto instance = vrrp::Instance::Create(config, transport, addresses, announcer);
//   ...  // make it Master
//   assert(addresses.Holds(vip) && announcer.count(vip) == 5);
//   assert(transport.sent().back().destination == vrrp::kMulticastGroupV4);
//   addresses.Fail(vip, absl::PermissionDeniedError("RTM_NEWADDR: Operation not permitted"));
//
// They live in vrrp::testing, not vrrp: they are test doubles, and their plain names would
// otherwise crowd the namespace of an embedder's own code.
//
// Thread-safety: none. Lifetime: each must outlive whatever was given a reference to it.
#ifndef VRRP_TESTING_FAKES_H_
#define VRRP_TESTING_FAKES_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "vrrp/address_manager.h"
#include "vrrp/announcer.h"
#include "vrrp/codec.h"
#include "vrrp/ip_address.h"
#include "vrrp/transport.h"

namespace vrrp::testing {

// One message a FakeTransport sent.
struct SentPacket {
  std::vector<uint8_t> payload;
  IpAddress source;
  IpAddress destination;
};

class FakeTransport final : public Transport {
 public:
  // Records the message, or fails with what FailSends set (recording nothing: nothing left).
  [[nodiscard]] absl::Status Send(absl::Span<const uint8_t> payload, const IpAddress& source,
                                  const IpAddress& destination) override;
  // The oldest message queued by QueueReceived, copied into `buffer`; nullopt when none waits.
  // One larger than `buffer` is skipped and counted (skipped()), as the Transport contract asks.
  [[nodiscard]] absl::StatusOr<std::optional<ReceivedPacket>> Receive(
      absl::Span<uint8_t> buffer) override;

  // What was sent, oldest first.
  const std::vector<SentPacket>& sent() const { return sent_; }
  void clear_sent() { sent_.clear(); }
  // Every Send fails with `status` from now on; OkStatus() makes them succeed again.
  void FailSends(absl::Status status) { send_status_ = std::move(status); }
  // How many Sends failed.
  size_t failed_sends() const { return failed_sends_; }

  // A message for Receive to hand back, as if it arrived with `info` on interface `ifindex`.
  void QueueReceived(std::vector<uint8_t> payload, ReceiveInfo info, int ifindex = 0);
  size_t pending() const { return received_.size(); }
  // Receive fails with `status` (an error of the socket) until OkStatus() is set again.
  void FailReceive(absl::Status status) { receive_status_ = std::move(status); }
  size_t skipped() const { return skipped_; }

 private:
  struct Queued {
    std::vector<uint8_t> payload;
    ReceiveInfo info;
    int ifindex = 0;
  };
  std::vector<SentPacket> sent_;
  absl::Status send_status_;
  size_t failed_sends_ = 0;
  std::deque<Queued> received_;
  absl::Status receive_status_;
  size_t skipped_ = 0;
};

// The addresses on a host's interfaces, as the kernel would hold them: Add and Remove are
// idempotent (AddressManager's contract) and match by interface, address and prefix length.
class FakeAddressManager final : public AddressManager {
 public:
  [[nodiscard]] absl::Status Add(const VirtualAddress& vip) override;
  [[nodiscard]] absl::Status Remove(const VirtualAddress& vip) override;
  // What is on `interface`, in the order it came; fails with what FailList set.
  [[nodiscard]] absl::StatusOr<std::vector<InterfaceAddress>> List(
      std::string_view interface) override;

  // Every address on every interface, in the order it came.
  const std::vector<InterfaceAddress>& held() const { return held_; }
  // Whether `address` is on any interface, whatever its prefix.
  bool Holds(const IpAddress& address) const;
  // The held addresses alone (no prefix, no interface).
  std::set<IpAddress> addresses() const;
  // Every Add and Remove, failed ones too, as "add 192.0.2.3/24 dev eth0 scope global" or
  // "remove ..." (the address as ToString(VirtualAddress) writes it).
  const std::vector<std::string>& calls() const { return calls_; }
  void clear_calls() { calls_.clear(); }

  // Puts an address on its interface without a call: one an earlier run left behind.
  void Put(InterfaceAddress address);
  // Takes an address off its interface without a call: an operator's `ip addr del`.
  void Unput(const IpAddress& address);
  // Add and Remove of `address` fail with `status`, changing nothing; OkStatus() makes them
  // succeed again.
  void Fail(const IpAddress& address, absl::Status status);
  // Only Add of `address` fails (a renewal too); Remove works. OkStatus() makes it succeed again.
  void FailAdd(const IpAddress& address, absl::Status status);
  // List fails with `status`; OkStatus() makes it succeed again.
  void FailList(absl::Status status) { list_status_ = std::move(status); }

 private:
  absl::Status FailureFor(const IpAddress& address) const;

  std::vector<InterfaceAddress> held_;
  std::vector<std::string> calls_;
  std::map<IpAddress, absl::Status> failures_;
  std::map<IpAddress, absl::Status> add_failures_;
  absl::Status list_status_;
};

class FakeAnnouncer final : public Announcer {
 public:
  // Counts the announcement, or fails with what Fail set (counting nothing: nothing went out).
  [[nodiscard]] absl::Status Announce(const IpAddress& address) override;
  // Counts the probe (probed()), or fails as Announce does.
  [[nodiscard]] absl::Status Probe(const IpAddress& address) override;
  // Called for each frame that went out (probe: a Probe, else an Announce): the simulated LAN
  // puts it on its wire.
  void OnFrame(std::function<void(const IpAddress& address, bool probe)> hook) {
    on_frame_ = std::move(hook);
  }
  const std::vector<IpAddress>& probed() const { return probed_; }

  // Every announcement that went out, oldest first.
  const std::vector<IpAddress>& announced() const { return announced_; }
  // How many went out for `address`.
  int count(const IpAddress& address) const;
  void clear();
  // Every Announce fails with `status`; OkStatus() makes them succeed again.
  void Fail(absl::Status status) { status_ = std::move(status); }

 private:
  std::vector<IpAddress> announced_;
  std::vector<IpAddress> probed_;
  std::map<IpAddress, int> counts_;
  absl::Status status_;
  std::function<void(const IpAddress&, bool)> on_frame_;
};

}  // namespace vrrp::testing

#endif  // VRRP_TESTING_FAKES_H_
