// ClaimSource: where the Driver reads the address claims (vrrp/address_claim.h) seen on one
// interface, for VIP conflict detection (vrrp/vip_conflict.h). The Linux one is ClaimWatcher
// (an AF_PACKET socket with a filter); vrrp::testing's fake host brings one a test feeds.
//
// Thread-safety: none; one thread.
#ifndef VRRP_LINUX_CLAIM_SOURCE_H_
#define VRRP_LINUX_CLAIM_SOURCE_H_

#include <cstddef>
#include <vector>

#include "vrrp/address_claim.h"

namespace vrrp::os {

class ClaimSource {
 public:
  virtual ~ClaimSource() = default;
  // Readable when claims wait.
  virtual int fd() const = 0;
  // The claims waiting now, at most `max_frames` frames read; never blocks.
  virtual std::vector<AddressClaim> Read(size_t max_frames = 64) = 0;
};

}  // namespace vrrp::os

#endif  // VRRP_LINUX_CLAIM_SOURCE_H_
