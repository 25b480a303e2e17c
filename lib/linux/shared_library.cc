#include "vrrp/linux/shared_library.h"

#include <dlfcn.h>

#include <utility>

#include "fmt/format.h"

namespace vrrp::os {
namespace {

std::string LastDlError() {
  const char* error = dlerror();
  return error != nullptr ? error : "no reason given";
}

}  // namespace

absl::StatusOr<SharedLibrary> SharedLibrary::Open(std::string soname, std::string_view needed_for,
                                                  std::string_view debian_package) {
  // RTLD_LOCAL: the library's symbols serve only the pointers bound here. RTLD_NODELETE: kept
  // for the life of the process whatever happens to the handle.
  void* handle = dlopen(soname.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  if (handle == nullptr) {
    return absl::FailedPreconditionError(
        fmt::format("{} (needed for {}) cannot be loaded: {}: install Debian's {}", soname,
                    needed_for, LastDlError(), debian_package));
  }
  return SharedLibrary(handle, std::move(soname));
}

absl::StatusOr<void*> SharedLibrary::Symbol(const char* name) const {
  dlerror();  // clear: a symbol may legitimately be null, so the error is what tells
  void* address = dlsym(handle_, name);
  if (address == nullptr) {
    return absl::FailedPreconditionError(
        fmt::format("{} has no symbol {}: {}", soname_, name, LastDlError()));
  }
  return address;
}

}  // namespace vrrp::os
