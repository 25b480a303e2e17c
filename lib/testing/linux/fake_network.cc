#include "vrrp/testing/linux/fake_network.h"

#include <algorithm>

#include "vrrp/codec.h"
#include "vrrp/testing/linux/fake_host.h"
#include "vrrp/testing/linux/fake_socket.h"

namespace vrrp::testing {

FakeNetwork::~FakeNetwork() {
  for (const Port& port : ports_) {
    if (FakeHost::Interface* i = port.host->Find(port.interface)) i->network = nullptr;
  }
}

void FakeNetwork::Attach(FakeHost& host, std::string_view interface) {
  FakeHost::Interface* i = host.Find(interface);
  if (i == nullptr) return;
  if (i->network != nullptr) i->network->Detach(host, interface);
  i->network = this;
  ports_.push_back(Port{&host, std::string(interface)});
}

void FakeNetwork::Detach(FakeHost& host, std::string_view interface) {
  if (FakeHost::Interface* i = host.Find(interface); i != nullptr && i->network == this) {
    i->network = nullptr;
  }
  ports_.erase(
      std::remove_if(ports_.begin(), ports_.end(),
                     [&](const Port& p) { return p.host == &host && p.interface == interface; }),
      ports_.end());
}

void FakeNetwork::Forget(const FakeHost& host) {
  ports_.erase(
      std::remove_if(ports_.begin(), ports_.end(), [&](const Port& p) { return p.host == &host; }),
      ports_.end());
}

void FakeNetwork::Carry(const FakeHost& host, std::string_view interface, Family family,
                        const SentPacket& packet) {
  if (!host.link_up(interface)) return;  // a link that is down sends nothing
  const ReceiveInfo info{
      .source = packet.source, .destination = packet.destination, .ttl = kVrrpTtl};
  for (const Port& port : ports_) {
    if (port.host == &host && port.interface == interface) continue;
    if (!port.host->link_up(port.interface)) continue;
    FakeSocket* to = port.host->socket(port.interface, family);
    if (to == nullptr) continue;
    // What a raw socket receives: a group it joined, or an address of its interface.
    bool takes = false;
    if (packet.destination.IsMulticast()) {
      takes = to->joins(packet.destination) > 0;
    } else {
      for (const InterfaceAddress& a : port.host->addresses(port.interface)) {
        takes = takes || a.vip.address == packet.destination;
      }
    }
    if (!takes) continue;
    to->Arrive(packet.payload, info);
    ++delivered_;
  }
}

}  // namespace vrrp::testing
