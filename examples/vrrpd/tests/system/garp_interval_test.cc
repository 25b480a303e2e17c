// global_defs vrrp_garp_interval on the wire (root, namespaces, tshark on the client's side):
// two vrrpd instances on eth0 taking over with garp_master_repeat 5 send their ten gratuitous
// ARPs at least ~vrrp_garp_interval apart, across both instances; without the keyword they go
// in one burst; a reload (SIGHUP) with a new interval paces what is sent after it.
// keepalived 2.2.7 runs the same file for comparison; both gap series are printed
// (docs/performance.md, "Gratuitous ARP pacing"), not asserted for keepalived.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "fmt/format.h"
#include "system/checks.h"
#include "system/netns.h"
#include "vrrpd_lab.h"

namespace {

using vrrp::test::Eventually;
using vrrp::test::VrrpdLab;
using vrrp::test::WriteFile;

// `instances` instances on eth0, alone on the LAN: each becomes MASTER after
// Master_Down_Interval and announces its VIP garp_master_repeat times; garp_master_delay 0 leaves
// out the second burst; `more` goes in each instance (a refresh).
std::string Config(std::string_view global_defs, int instances = 2, std::string_view more = "") {
  std::string text = fmt::format("global_defs {{\n{}\n}}\n", global_defs);
  for (int i = 0; i < instances; ++i) {
    text += fmt::format(R"(vrrp_instance VI_{0} {{
    interface eth0
    virtual_router_id {1}
    priority 150
    advert_int 1
    garp_master_repeat 5
    garp_master_delay 0
{3}
    virtual_ipaddress {{
        192.0.2.{2}/24
    }}
}}
)",
                        i + 1, 51 + i, 3 + i, more);
  }
  return text;
}

// The gratuitous ARPs for 192.0.2.3 and .4 the client sees in `seconds` while router 1 runs
// `start` (which starts a daemon, or reloads it): their capture times in seconds.
template <typename Start>
std::vector<double> CaptureGarps(VrrpdLab& lab, Start start, int seconds = 12) {
  std::string output;
  std::thread capture([&] {
    output = lab.Client()
                 .Run(fmt::format("tshark -i eth0 -a duration:{} -f arp -Y ", seconds) +
                      "'arp.src.proto_ipv4 == arp.dst.proto_ipv4 and "
                      "(arp.src.proto_ipv4 == 192.0.2.3 or arp.src.proto_ipv4 == 192.0.2.4)' "
                      "-T fields -e frame.time_epoch 2>/dev/null")
                 .output;
  });
  // tshark takes about a second to start; the routers take over 3.6 s after they start.
  std::this_thread::sleep_for(std::chrono::seconds(2));
  start();
  capture.join();
  std::vector<double> times;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) times.push_back(std::strtod(line.c_str(), nullptr));
  }
  return times;
}

std::vector<double> GapsMs(const std::vector<double>& times) {
  std::vector<double> gaps;
  for (size_t i = 1; i < times.size(); ++i) gaps.push_back((times[i] - times[i - 1]) * 1000);
  return gaps;
}

std::string Show(const std::vector<double>& gaps) {
  std::string text;
  for (double g : gaps) text += fmt::format("{}{:.1f}", text.empty() ? "" : " ", g);
  return text;
}

bool Ready() {
  if (access("/usr/bin/tshark", X_OK) != 0) {
    WARN("skipped: needs tshark (scripts/install-deps)");
    return false;
  }
  return true;
}

TEST_CASE("vrrpd vrrp_garp_interval 0.2 spaces two instances' gratuitous ARPs on eth0") {
  VRRP_SKIP_UNLESS_ROOT();
  if (!Ready()) return;
  VrrpdLab lab("garp-interval");
  WriteFile(lab.Path("r1.conf"), Config("    vrrp_garp_interval 0.2"));
  const std::vector<double> times = CaptureGarps(lab, [&] { lab.StartVrrpd(1); });
  const std::vector<double> gaps = GapsMs(times);
  fmt::print(
      "vrrpd, vrrp_garp_interval 0.2, 2 instances x garp_master_repeat 5: {} GARPs, "
      "gaps ms: {}\n",
      times.size(), Show(gaps));
  LAB_CHECK(lab, times.size() == 10);
  for (double g : gaps) LAB_CHECK(lab, g >= 150);
  // No more than the pacing asks for: ten frames in about 1.8 s, not one per second or so.
  if (!times.empty()) LAB_CHECK(lab, times.back() - times.front() < 4.0);
}

TEST_CASE("vrrpd without vrrp_garp_interval sends the gratuitous ARPs in one burst") {
  VRRP_SKIP_UNLESS_ROOT();
  if (!Ready()) return;
  VrrpdLab lab("garp-burst");
  WriteFile(lab.Path("r1.conf"), Config(""));
  const std::vector<double> times = CaptureGarps(lab, [&] { lab.StartVrrpd(1); });
  fmt::print("vrrpd, no vrrp_garp_interval: {} GARPs, gaps ms: {}\n", times.size(),
             Show(GapsMs(times)));
  LAB_CHECK(lab, times.size() == 10);
  // Both instances take over in the same turn (same timers, started together): each one's five
  // frames at least go back to back, far closer than the interval of the test above.
  const std::vector<double> gaps = GapsMs(times);
  LAB_CHECK(lab, std::count_if(gaps.begin(), gaps.end(), [](double g) { return g < 50; }) >= 8);
}

TEST_CASE("vrrpd SIGHUP: a new vrrp_garp_interval paces the announcements sent after it") {
  VRRP_SKIP_UNLESS_ROOT();
  if (!Ready()) return;
  VrrpdLab lab("garp-reload");
  // One instance that, once MASTER, announces its VIP three times every two seconds.
  const std::string refresh = "    garp_master_refresh 2\n    garp_master_refresh_repeat 3";
  WriteFile(lab.Path("r1.conf"), Config("    vrrp_garp_interval 0.05", 1, refresh));
  const std::vector<double> before = CaptureGarps(
      lab, [&] { lab.StartVrrpd(1); }, 10);
  WriteFile(lab.Path("r1.conf"), Config("    vrrp_garp_interval 0.4", 1, refresh));
  double reloaded = 0;  // when the reload was done, in the capture's clock (the epoch)
  std::vector<double> after = CaptureGarps(
      lab,
      [&] {
        kill(lab.Pid(1), SIGHUP);
        LAB_REQUIRE(lab, Eventually([&] { return lab.Logged(1, "Reload finished"); }));
        reloaded = absl::ToDoubleSeconds(absl::Now() - absl::UnixEpoch());
      },
      10);
  // The capture began 2 s before the reload: only what came after it counts.
  std::erase_if(after, [&](double t) { return t < reloaded; });
  // The gaps inside a burst (those between refreshes are about 2 s, less the burst).
  auto inside = [](const std::vector<double>& times) {
    std::vector<double> gaps = GapsMs(times);
    std::erase_if(gaps, [](double g) { return g > 1000; });
    return gaps;
  };
  const std::vector<double> gaps_before = inside(before);
  const std::vector<double> gaps_after = inside(after);
  fmt::print("vrrpd reload, gaps inside bursts: at 0.05 s: {}; after SIGHUP at 0.4 s: {}\n",
             Show(gaps_before), Show(gaps_after));
  LAB_REQUIRE(lab, gaps_before.size() >= 4);
  LAB_REQUIRE(lab, gaps_after.size() >= 4);
  for (double g : gaps_before) LAB_CHECK(lab, g >= 40);
  // Not paced at 0.4 s before the reload (generous: 50 ms expected)...
  LAB_CHECK(lab, std::count_if(gaps_before.begin(), gaps_before.end(),
                               [](double g) { return g < 300; }) >= 2);
  // ...and every gap at least about 0.4 s after it.
  for (double g : gaps_after) LAB_CHECK(lab, g >= 300);
}

TEST_CASE("keepalived with the same vrrp_garp_interval, for comparison") {
  VRRP_SKIP_UNLESS_ROOT();
  if (!Ready()) return;
  if (access("/usr/sbin/keepalived", X_OK) != 0) {
    WARN("skipped: needs keepalived");
    return;
  }
  VrrpdLab lab("garp-keepalived");
  WriteFile(lab.Path("r1.conf"), Config("    vrrp_garp_interval 0.2"));
  const std::vector<double> times = CaptureGarps(lab, [&] { lab.StartKeepalived(1); });
  fmt::print(
      "keepalived 2.2.7, vrrp_garp_interval 0.2, 2 instances x garp_master_repeat 5: {} "
      "GARPs, gaps ms: {}\n",
      times.size(), Show(GapsMs(times)));
  // Only that it announced: how it spaces them is keepalived's business, the figures are for
  // docs/performance.md.
  LAB_CHECK(lab, !times.empty());
}

}  // namespace
