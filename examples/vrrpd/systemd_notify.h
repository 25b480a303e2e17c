// sd_notify(3) for Type=notify units, with libsystemd loaded only when systemd asks for it.
//
//   if (absl::Status s = vrrpd::NotifySystemd("READY=1"); !s.ok()) log.Error(...);
//
// Outside a notify unit (no NOTIFY_SOCKET in the environment) it does nothing, as sd_notify
// itself does, and libsystemd (1 MB of resident pages with gcrypt, lz4, zstd and lzma under it)
// is never mapped: vrrp/linux/shared_library.h says why that matters.
#ifndef VRRPD_SYSTEMD_NOTIFY_H_
#define VRRPD_SYSTEMD_NOTIFY_H_

#include "absl/status/status.h"

namespace vrrpd {

// Sends `state` ("READY=1\nSTATUS=running") to systemd. Errors: libsystemd cannot be loaded,
// or sd_notify failed (its errno).
absl::Status NotifySystemd(const char* state);

}  // namespace vrrpd

#endif  // VRRPD_SYSTEMD_NOTIFY_H_
