#include "vrrp/linux/sys_error.h"

#include <catch2/catch.hpp>
#include <cerrno>

namespace vrrp::os {
namespace {

TEST_CASE("SysError names the call, the object and errno, with a specific code") {
  absl::Status s = SysError("setsockopt(IP_ADD_MEMBERSHIP)", "eth0", EPERM);
  CHECK(s.code() == absl::StatusCode::kPermissionDenied);
  CHECK(std::string(s.message()) ==
        "setsockopt(IP_ADD_MEMBERSHIP) on eth0: Operation not permitted (EPERM)");
  CHECK(SysError("if_nametoindex", "nope0", ENODEV).code() == absl::StatusCode::kNotFound);
  CHECK(SysError("RTM_NEWADDR", "192.0.2.3/24 dev eth0", EEXIST).code() ==
        absl::StatusCode::kAlreadyExists);
  absl::Status unknown = SysError("x", "", 4095);
  CHECK(unknown.code() == absl::StatusCode::kInternal);
  CHECK(std::string(unknown.message()).find("errno 4095") != std::string::npos);
}

}  // namespace
}  // namespace vrrp::os
