// ClaimWatcher: the ARP and Neighbor Advertisements seen on one interface, as address claims
// (vrrp/address_claim.h), for VIP conflict detection (issue 13): while Master, another MAC
// claiming one of our VIPs means two hosts answer for it.
//
// One AF_PACKET socket per interface (and family) with a classic BPF filter (ClaimFilter) that
// passes only ARP and ICMPv6 Neighbor Advertisements, so the kernel drops everything else before it
// is queued: the watch costs nothing per data packet. Frames this host sends are not delivered
// (PACKET_IGNORE_OUTGOING), so our own announcements never look like a claim.
//
//   auto watcher = vrrp::os::ClaimWatcher::Open({.interface = "eth0"});   // CAP_NET_RAW
//   loop->WatchFd((*watcher)->fd(), [&](uint32_t) {
//     for (const vrrp::AddressClaim& c : (*watcher)->Read()) ...        // non-blocking
//   });
//
// Thread-safety: none; one thread.
#ifndef VRRP_LINUX_CLAIM_WATCHER_H_
#define VRRP_LINUX_CLAIM_WATCHER_H_

#include <linux/filter.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "vrrp/address_claim.h"
#include "vrrp/linux/claim_source.h"
#include "vrrp/linux/unique_fd.h"

namespace vrrp::os {

struct ClaimWatcherOptions {
  std::string interface;
  // The claims of one family only: the socket is bound to ARP's EtherType (IPv4) or IPv6's, so
  // the kernel hands it no other frame and taps nothing it sends. nullopt: both, bound to every
  // EtherType (a tool watching all claims), which puts the filter on every frame received.
  std::optional<Family> family;
};

struct ClaimWatcherStats {
  uint64_t frames = 0;      // passed by the filter and read
  uint64_t claims = 0;      // returned by Read
  uint64_t not_claims = 0;  // ARP probes, other ARP hardware or opcodes
  uint64_t malformed = 0;   // refused by ParseAddressClaim as malformed
  uint64_t read_errors = 0;
};

class ClaimWatcher final : public ClaimSource {
 public:
  // kNotFound for an unknown interface; kPermissionDenied naming CAP_NET_RAW without it.
  static absl::StatusOr<std::unique_ptr<ClaimWatcher>> Open(ClaimWatcherOptions options);

  int fd() const override { return fd_.get(); }
  int ifindex() const { return ifindex_; }
  const std::string& interface() const { return interface_; }
  const ClaimWatcherStats& stats() const { return stats_; }

  // The claims among the frames queued now, at most `max_frames` read; never blocks.
  std::vector<AddressClaim> Read(size_t max_frames = 64) override;

 private:
  ClaimWatcher(std::string interface, UniqueFd fd, int ifindex)
      : interface_(std::move(interface)), fd_(std::move(fd)), ifindex_(ifindex) {}

  std::string interface_;
  UniqueFd fd_;
  int ifindex_;
  ClaimWatcherStats stats_;
};

// The filter, for tests: accept ARP (EtherType 0x0806), and IPv6 (0x86dd) with next header
// ICMPv6 (58) and ICMPv6 type 136 right after the fixed header; drop the rest. A Neighbor
// Advertisement behind extension headers is dropped: RFC 4861 §7.1.2 makes hop limit 255 the
// check, and nodes send NAs without extension headers.
std::vector<sock_filter> ClaimFilter();

}  // namespace vrrp::os

#endif  // VRRP_LINUX_CLAIM_WATCHER_H_
