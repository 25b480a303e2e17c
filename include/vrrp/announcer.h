// Announcer: how a new Master tells its neighbours that the virtual addresses are now here — a
// gratuitous ARP (RFC 5227 §3) for IPv4, an unsolicited Neighbor Advertisement (RFC 4861
// §7.2.6) for IPv6 — as an interface the driver calls, so an embedder can bring its own. The
// Linux layer sends the frames of frames.h on an AF_PACKET socket (vrrp::os::PacketAnnouncer).
//
// The state machine decides when (keepalived's schedule: garp_master_repeat frames at the
// transition, as many again after garp_master_delay, optional refresh); an announcer sends one
// frame per call.
//
//   if (absl::Status s = announcer.Announce(vip); !s.ok()) log(s);
//
// This header is core: no system calls, only the interface.
#ifndef VRRP_ANNOUNCER_H_
#define VRRP_ANNOUNCER_H_

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "fmt/format.h"
#include "vrrp/ip_address.h"

namespace vrrp {

// Thread-safety: an implementation is called from the thread that runs its instances.
class Announcer {
 public:
  virtual ~Announcer() = default;
  // Sends one announcement for `address` (ARP for IPv4, NA for IPv6).
  [[nodiscard]] virtual absl::Status Announce(const IpAddress& address) = 0;
  // Announce, told the time: what an Instance calls, so that an announcer that paces its frames
  // (the Linux Driver's, vrrp/announce_pacer.h: vrrp_garp_interval) may queue this one for
  // later instead of sending it now. OK then means sent or queued.
  [[nodiscard]] virtual absl::Status AnnounceAt(absl::Time now, const IpAddress& address) {
    (void)now;
    return Announce(address);
  }
  // Asks who holds `address` without claiming it: an RFC 5227 ARP probe (sender 0.0.0.0) or a
  // DAD-style Neighbor Solicitation (from ::). A host holding it answers, and the answer is a
  // claim (vrrp/address_claim.h). Used by VIP conflict detection (vrrp/vip_conflict.h); an
  // announcer that cannot probe keeps this default, and conflicts are then only re-claimed.
  [[nodiscard]] virtual absl::Status Probe(const IpAddress& address) {
    return absl::UnimplementedError(fmt::format("this announcer cannot probe {}", address));
  }
};

}  // namespace vrrp

#endif  // VRRP_ANNOUNCER_H_
