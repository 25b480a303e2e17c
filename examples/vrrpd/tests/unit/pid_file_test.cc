#include "pid_file.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>

namespace vrrpd {
namespace {

TEST_CASE("vrrpd pid file: written, exclusive while held, removed at the end") {
  char dir[] = "/tmp/vrrpd-pid-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  const std::string path = std::string(dir) + "/vrrpd.pid";
  {
    auto first = PidFile::Create(path);
    REQUIRE(first.ok());
    int pid = 0;
    std::ifstream(path) >> pid;
    CHECK(pid == getpid());
    auto second = PidFile::Create(path);
    REQUIRE_FALSE(second.ok());
    CHECK(second.status().code() == absl::StatusCode::kAlreadyExists);
    CHECK(std::string(second.status().message()).find("already running") != std::string::npos);
  }
  CHECK(access(path.c_str(), F_OK) != 0);
  SECTION("a stale file (no process holds it) is replaced") {
    std::ofstream(path) << "999999\n";
    auto again = PidFile::Create(path);
    REQUIRE(again.ok());
  }
  SECTION("an unwritable place is an error naming the file") {
    auto bad = PidFile::Create(std::string(dir) + "/no/such/dir/vrrpd.pid");
    REQUIRE_FALSE(bad.ok());
    CHECK(std::string(bad.status().message()).find("/no/such/dir/vrrpd.pid") != std::string::npos);
  }
  rmdir(dir);
}

}  // namespace
}  // namespace vrrpd
