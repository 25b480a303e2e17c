#include "systemd_notify.h"

#include <systemd/sd-daemon.h>

#include <cstdlib>

#include "absl/status/statusor.h"
#include "vrrp/linux/shared_library.h"
#include "vrrp/linux/sys_error.h"

namespace vrrpd {
namespace {

using SdNotify = decltype(&sd_notify);

absl::StatusOr<SdNotify> LoadSdNotify() {
  absl::StatusOr<vrrp::os::SharedLibrary> lib =
      vrrp::os::SharedLibrary::Open("libsystemd.so.0", "systemd's Type=notify", "libsystemd0");
  if (!lib.ok()) return lib.status();
  SdNotify notify = nullptr;
  if (absl::Status s = lib->Bind("sd_notify", notify); !s.ok()) return s;
  return notify;
}

}  // namespace

absl::Status NotifySystemd(const char* state) {
  if (std::getenv("NOTIFY_SOCKET") == nullptr) return absl::OkStatus();  // not a notify unit
  static const absl::StatusOr<SdNotify> notify = LoadSdNotify();         // once, thread-safe
  if (!notify.ok()) return notify.status();
  const int result = (*notify)(0, state);
  if (result < 0) return vrrp::os::SysError("sd_notify", state, -result);
  return absl::OkStatus();
}

}  // namespace vrrpd
