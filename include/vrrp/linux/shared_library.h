// Optional libraries loaded when a feature first needs them, not at start-up.
//
// libnftables (no_accept / vrrp_strict), libmicrohttpd (vrrpd --metrics) and libsystemd
// (sd_notify under systemd) pull in about 4.5 MB of resident pages between them (gnutls,
// p11-kit, gmp, gcrypt, ...) in every process that links them, whether the feature is used or
// not: at 1,000 instances that was the difference between vrrpd's RSS and keepalived's
// (docs/performance.md, "Many instances"). So they are dlopen(3)ed on first use:
//
//   static const absl::StatusOr<NftApi> api = LoadNftApi();   // once per process
//
//   absl::StatusOr<vrrp::os::SharedLibrary> lib =
//       vrrp::os::SharedLibrary::Open("libnftables.so.1", "no_accept", "libnftables1");
//   decltype(&nft_ctx_new) ctx_new = nullptr;
//   if (absl::Status s = lib->Bind("nft_ctx_new", ctx_new); !s.ok()) return s;
//
// The declarations still come from the library's header, so each pointer has the header's
// exact type. A library is never closed: some (gnutls under libmicrohttpd) register exit
// handlers and threads that dlclose would leave dangling.
#ifndef VRRP_LINUX_SHARED_LIBRARY_H_
#define VRRP_LINUX_SHARED_LIBRARY_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace vrrp::os {

class SharedLibrary {
 public:
  // dlopen(`soname`, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE). The error names the library, the
  // feature that needed it (`needed_for`) and the Debian package that has it: "libnftables.so.1
  // (needed for no_accept) cannot be loaded: ...: install Debian's libnftables1".
  static absl::StatusOr<SharedLibrary> Open(std::string soname, std::string_view needed_for,
                                            std::string_view debian_package);

  // Points `out` at the symbol `name`, or says which symbol the library lacks.
  template <typename Function>
  absl::Status Bind(const char* name, Function*& out) const {
    absl::StatusOr<void*> address = Symbol(name);
    if (!address.ok()) return address.status();
    out = reinterpret_cast<Function*>(*address);
    return absl::OkStatus();
  }

  const std::string& soname() const { return soname_; }

 private:
  SharedLibrary(void* handle, std::string soname) : handle_(handle), soname_(std::move(soname)) {}
  absl::StatusOr<void*> Symbol(const char* name) const;

  void* handle_;  // never dlclose'd (see above)
  std::string soname_;
};

}  // namespace vrrp::os

#endif  // VRRP_LINUX_SHARED_LIBRARY_H_
