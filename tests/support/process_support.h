// What the vrrpd unit tests share: a throw-away directory, whole-file reads and writes, and an
// event loop driven until a condition holds (never an assertion on how fast).
#ifndef VRRP_TESTS_SUPPORT_PROCESS_SUPPORT_H_
#define VRRP_TESTS_SUPPORT_PROCESS_SUPPORT_H_

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "vrrp/linux/event_loop.h"

namespace vrrp::test {

// A fresh directory under /tmp, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    char name[] = "/tmp/vrrpd-test-XXXXXX";
    REQUIRE(mkdtemp(name) != nullptr);
    path_ = name;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

inline void WriteFile(const std::string& path, const std::string& text, mode_t mode = 0644) {
  std::ofstream(path) << text;
  REQUIRE(chmod(path.c_str(), mode) == 0);
}

inline std::unique_ptr<vrrp::os::EventLoop> NewLoop() {
  auto loop = vrrp::os::EventLoop::Create();
  REQUIRE(loop.ok());
  return std::move(*loop);
}

// Drives the loop until `done()` or a generous deadline.
inline bool WaitFor(vrrp::os::EventLoop& loop, const std::function<bool()>& done,
                    absl::Duration max_wait = absl::Seconds(10)) {
  const absl::Time deadline = loop.Now() + max_wait;
  while (!done() && loop.Now() < deadline) REQUIRE(loop.RunOnce(absl::Milliseconds(20)).ok());
  return done();
}

}  // namespace vrrp::test

#endif  // VRRP_TESTS_SUPPORT_PROCESS_SUPPORT_H_
