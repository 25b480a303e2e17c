// AdvertOffload: an eBPF socket filter that absorbs, in the kernel, the repeats of the
// advertisement a Backup already follows, so that a Backup of 1,000 routers at 100 ms is not
// woken for 10,000 identical packets a second (issue 10).
//
// A Backup that accepted its Master's advertisement (RFC 5798 §6.4.2 (450)-(460)) does nothing
// with a byte-identical repeat of it but reset its Master_Down_Timer. Once the Driver has seen the
// router accept one, it arms the VRID's slot with that packet's image (Arm): from then on a packet
// for the VRID whose IP header fields that matter (version, length, protocol, TTL or hop limit,
// source, destination) and whose VRRP message are the same is only timed and counted by the
// filter and dropped, except one every `pass_every`, which goes up as usual and keeps the router's
// timer running. Anything else (another priority, a resignation, another router, a changed
// address list, a forged TTL) differs from the image and goes up at once.
//
//   auto offload = vrrp::os::AdvertOffload::Attach(socket_fd, vrrp::Family::kIPv4);
//   if (offload.ok()) {
//     if (auto image = vrrp::os::AdvertOffload::ImageOf(packet.payload, packet.info)) {
//       (*offload)->Arm(vrid, *image, absl::Milliseconds(240), now);
//     }
//     ...
//     vrrp::os::AdvertOffload::Repeats r = (*offload)->Take(vrid);
//     router.OnRepeatedAdvertisements(r.last_absorbed, r.count);  // before its timer fires
//   }
//
// The slots live in a memory-mapped BPF array, one per VRID: arming, reading the times and the
// counts are plain memory accesses, no system call. A slot being rewritten is skipped by the
// filter (a sequence count, as a seqlock's), so it never compares against half an image.
// Needs CAP_BPF (or CAP_SYS_ADMIN) and an eBPF-enabled kernel (5.5 or later for mmap); Attach
// says why when it cannot, and the caller goes on without it.
// Thread-safety: one thread, besides the kernel's side of the slots.
#ifndef VRRP_LINUX_ADVERT_OFFLOAD_H_
#define VRRP_LINUX_ADVERT_OFFLOAD_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "vrrp/codec.h"
#include "vrrp/ip_address.h"
#include "vrrp/linux/unique_fd.h"

namespace vrrp::os {

class AdvertOffload {
 public:
  // The longest image: an IPv4 header with 25 addresses, or an IPv6 header with 5.
  static constexpr size_t kMaxImage = 128;

  // What the filter compares, in wire order from the IP header on, the fields it ignores zeroed:
  // IPv4 TOS, ID, flags and fragment offset, header checksum (checked by the kernel); IPv6
  // traffic class and flow label.
  struct Image {
    std::array<uint8_t, kMaxImage> bytes{};
    size_t size = 0;
    bool operator==(const Image& o) const { return size == o.size && bytes == o.bytes; }
  };

  // What the filter absorbed for a VRID since the last Take.
  struct Repeats {
    uint64_t count = 0;
    // The arrival of the last one absorbed, when later than any Take returned before (and than
    // the last Arm): InfinitePast when none.
    absl::Time last_absorbed = absl::InfinitePast();
  };

  // Attaches the filter to `socket_fd`, a raw socket of `family` bound to one interface (the
  // Driver's shared VRRP socket), replacing any filter it had. Errors name the failing call and
  // its errno (sys_error.h): kPermissionDenied without CAP_BPF (or under a seccomp filter
  // without bpf(2)); ENOTSOCK when `socket_fd` is not a socket, checked before anything is
  // created; the verifier's last words when it refuses the program.
  static absl::StatusOr<std::unique_ptr<AdvertOffload>> Attach(int socket_fd, Family family);

  // The image of a received VRRP packet (the payload and what the socket told of its header);
  // nullopt when it does not fit in kMaxImage or is not VRRP (AH packets change every time).
  static std::optional<Image> ImageOf(absl::Span<const uint8_t> payload, const ReceiveInfo& info);

  ~AdvertOffload();
  AdvertOffload(const AdvertOffload&) = delete;
  AdvertOffload& operator=(const AdvertOffload&) = delete;

  // Absorbs repeats of `image` for `vrid`, passing one up at the first repeat at least
  // `pass_every` after the last one passed; `now` (monotonic, as EventLoop::Now) counts as the
  // last one passed. Re-arming with the image already armed only sets `pass_every`; another
  // image starts over (what was absorbed and not taken is forgotten: it repeated a packet the
  // router no longer follows).
  void Arm(uint8_t vrid, const Image& image, absl::Duration pass_every, absl::Time now);
  // Lets every packet of `vrid` through again.
  void Disarm(uint8_t vrid);
  bool armed(uint8_t vrid) const;

  Repeats Take(uint8_t vrid);
  // Every repeat absorbed since Attach, all VRIDs: for tests and statistics.
  uint64_t absorbed_total() const;

 private:
  struct Slot;  // the map's value, shared with the filter
  AdvertOffload(UniqueFd map, UniqueFd program, Slot* slots, size_t mapped_bytes);
  Slot& slot(uint8_t vrid) const;

  UniqueFd map_;
  UniqueFd program_;
  Slot* slots_;  // mmap of map_, 256 slots
  size_t mapped_bytes_;
  // Per VRID: the count taken so far and the last absorbed arrival returned (ns, monotonic).
  std::array<uint64_t, 256> taken_count_{};
  std::array<uint64_t, 256> taken_ns_{};
};

}  // namespace vrrp::os

#endif  // VRRP_LINUX_ADVERT_OFFLOAD_H_
