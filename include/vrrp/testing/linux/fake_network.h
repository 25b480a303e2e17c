// FakeNetwork: one Ethernet segment between FakeHosts (fake_host.h), so that two Drivers in one
// test process elect a master as two machines would. What a host's socket sends on an attached
// interface arrives, at once and with TTL 255, at the socket of that family on every other
// attached interface that would take it: one that joined the multicast group, or whose
// interface holds the unicast destination. A link that is down neither sends nor receives.
//
//   vrrp::testing::FakeNetwork lan;
//   vrrp::testing::FakeHost a, b;
//   a.AddInterface("eth0", {*vrrp::IpAddress::Parse("192.0.2.5")});
//   b.AddInterface("eth0", {*vrrp::IpAddress::Parse("192.0.2.6")});
//   lan.Attach(a, "eth0");
//   lan.Attach(b, "eth0");
//   // Drivers on a.Parts() and b.Parts(), run together by vrrp::testing::RunDrivers.
//
// Thread-safety: none. Lifetime: either may go first; the other forgets it.
#ifndef VRRP_TESTING_LINUX_FAKE_NETWORK_H_
#define VRRP_TESTING_LINUX_FAKE_NETWORK_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vrrp/ip_address.h"
#include "vrrp/testing/fakes.h"

namespace vrrp::testing {

class FakeHost;

class FakeNetwork {
 public:
  FakeNetwork() = default;
  ~FakeNetwork();
  FakeNetwork(const FakeNetwork&) = delete;
  FakeNetwork& operator=(const FakeNetwork&) = delete;

  // Puts the host's interface on this segment (off any other first). The interface must exist.
  void Attach(FakeHost& host, std::string_view interface);
  void Detach(FakeHost& host, std::string_view interface);

  // Copies of packets handed to a socket so far.
  uint64_t delivered() const { return delivered_; }

 private:
  friend class FakeHost;
  friend class FakeSocket;
  struct Port {
    FakeHost* host;
    std::string interface;
  };
  // From the socket of `family` on (host, interface): to every other port that takes it.
  void Carry(const FakeHost& host, std::string_view interface, Family family,
             const SentPacket& packet);
  void Forget(const FakeHost& host);

  std::vector<Port> ports_;
  uint64_t delivered_ = 0;
};

}  // namespace vrrp::testing

#endif  // VRRP_TESTING_LINUX_FAKE_NETWORK_H_
