#include "vrrp/linux/shared_library.h"

#include <catch2/catch.hpp>
#include <cstring>
#include <string>

namespace vrrp::os {
namespace {

TEST_CASE("SharedLibrary binds a library's functions with their own types") {
  absl::StatusOr<SharedLibrary> libc = SharedLibrary::Open("libc.so.6", "the test", "libc6");
  REQUIRE(libc.ok());
  CHECK(libc->soname() == "libc.so.6");
  decltype(&std::strlen) length = nullptr;
  REQUIRE(libc->Bind("strlen", length).ok());
  CHECK(length("vrrp") == 4);
}

TEST_CASE("SharedLibrary: a missing library names the feature and the Debian package") {
  absl::StatusOr<SharedLibrary> missing =
      SharedLibrary::Open("libvrrp-test-none.so.7", "no_accept", "libvrrp-test-none7");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == absl::StatusCode::kFailedPrecondition);
  const std::string message(missing.status().message());
  INFO(message);
  CHECK(message.rfind("libvrrp-test-none.so.7 (needed for no_accept) cannot be loaded: ", 0) == 0);
  CHECK(message.find("No such file") != std::string::npos);  // dlerror's reason
  CHECK(message.find(": install Debian's libvrrp-test-none7") != std::string::npos);
}

TEST_CASE("SharedLibrary: a missing symbol is named, and the pointer left alone") {
  absl::StatusOr<SharedLibrary> libc = SharedLibrary::Open("libc.so.6", "the test", "libc6");
  REQUIRE(libc.ok());
  decltype(&std::strlen) none = nullptr;
  absl::Status s = libc->Bind("vrrp_no_such_function", none);
  CHECK(s.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(std::string(s.message()).rfind("libc.so.6 has no symbol vrrp_no_such_function: ", 0) == 0);
  CHECK(none == nullptr);
}

}  // namespace
}  // namespace vrrp::os
