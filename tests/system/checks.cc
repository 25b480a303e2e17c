#include "system/checks.h"

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "fmt/format.h"

namespace vrrp::test {

bool Eventually(const std::function<bool()>& predicate, absl::Duration limit,
                absl::Duration interval) {
  const auto end = std::chrono::steady_clock::now() + absl::ToChronoMilliseconds(limit);
  while (std::chrono::steady_clock::now() < end) {
    if (predicate()) return true;
    std::this_thread::sleep_for(absl::ToChronoMilliseconds(interval));
  }
  return predicate();
}

bool RunLoopUntil(vrrp::os::EventLoop& loop, const std::function<bool()>& predicate,
                  absl::Duration limit) {
  const absl::Time end = loop.Now() + limit;
  while (!predicate() && loop.Now() < end) {
    if (!loop.RunOnce(absl::Milliseconds(10)).ok()) return false;
  }
  return predicate();
}

int VipCount(const Netns& ns, std::string_view address, std::string_view interface) {
  const std::string out = ns.Run(fmt::format("ip -o addr show dev {}", interface)).output;
  const std::string needle = fmt::format(" {}/", address);
  int count = 0;
  for (size_t at = out.find(needle); at != std::string::npos; at = out.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

std::string Mac(const Netns& ns, std::string_view interface) {
  std::string mac = ns.Run(fmt::format("cat /sys/class/net/{}/address", interface)).output;
  while (!mac.empty() && (mac.back() == '\n' || mac.back() == ' ')) mac.pop_back();
  return mac;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteFile(const std::string& path, std::string_view text) {
  std::ofstream(path, std::ios::trunc) << text;
}

}  // namespace vrrp::test
