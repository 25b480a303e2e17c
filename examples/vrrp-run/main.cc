// vrrp-run: one virtual router on one interface, configured from the command line — the
// smallest complete embedding of the library (vrrp::os::Driver on our event loop). The
// keepalived-compatible daemon (vrrpd) is the full-featured one; this is for labs and tests.
//
//   vrrp-run --interface eth0 --vrid 50 --priority 150 --vip 192.0.2.3/24
//            [--version 2|3] [--interval-cs 100] [--pass KEY] [--peer ADDR]... [--nopreempt]
//            [--name VIP_1]
//
// One line per event on stdout (wall-clock time, instance, event). SIGTERM / SIGINT stop it
// gracefully: a Master sends priority 0 and removes its addresses.
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "fmt/format.h"
#include "vrrp/linux/driver.h"
#include "vrrp/linux/event_loop.h"

namespace {

constexpr std::string_view kUsage =
    "usage: vrrp-run --interface IFACE --vrid N --priority N --vip ADDR/PREFIX [--vip ...]\n"
    "                [--version 2|3] [--interval-cs N] [--pass KEY] [--peer ADDR]...\n"
    "                [--nopreempt] [--name NAME]\n";

[[noreturn]] void Die(std::string_view message) {
  fmt::print(stderr, "vrrp-run: {}\n", message);
  std::exit(1);
}

int ParseInt(std::string_view flag, std::string_view text) {
  int value = 0;
  if (!absl::SimpleAtoi(absl::string_view(text.data(), text.size()), &value)) {
    Die(fmt::format("{} needs a number, not '{}'", flag, text));
  }
  return value;
}

vrrp::VirtualAddress ParseVip(std::string_view text, const std::string& interface) {
  vrrp::VirtualAddress vip;
  vip.interface = interface;
  // ADDRESS[/PREFIX], the host length by default.
  absl::StatusOr<vrrp::IpPrefix> prefix = vrrp::IpPrefix::Parse(text);
  if (!prefix.ok()) Die(fmt::format("--vip: {}", std::string(prefix.status().message())));
  vip.address = prefix->address;
  vip.prefix_len = static_cast<uint8_t>(prefix->prefix_len);
  return vip;
}

}  // namespace

int main(int argc, char** argv) {
  vrrp::os::DriverInstance spec;
  vrrp::InstanceConfig& config = spec.config;
  config.name = "VIP_1";
  std::vector<std::string> vips;
  std::string pass;
  for (int i = 1; i < argc; ++i) {
    std::string_view flag = argv[i];
    auto value = [&]() -> std::string_view {
      if (i + 1 >= argc) Die(fmt::format("{} needs a value", flag));
      return argv[++i];
    };
    if (flag == "--interface") {
      spec.interface = value();
    } else if (flag == "--vrid") {
      config.router.vrid = ParseInt(flag, value());
    } else if (flag == "--priority") {
      config.router.priority = ParseInt(flag, value());
    } else if (flag == "--vip") {
      vips.emplace_back(value());
    } else if (flag == "--version") {
      int v = ParseInt(flag, value());
      if (v != 2 && v != 3) Die("--version is 2 or 3");
      config.router.version = v == 2 ? vrrp::Version::kV2 : vrrp::Version::kV3;
    } else if (flag == "--interval-cs") {
      config.router.advert_interval = vrrp::Centiseconds(ParseInt(flag, value()));
    } else if (flag == "--pass") {
      pass = value();
    } else if (flag == "--peer") {
      auto ip = vrrp::IpAddress::Parse(value());
      if (!ip.ok()) Die(fmt::format("--peer: {}", std::string(ip.status().message())));
      config.unicast_peers.push_back(*ip);
    } else if (flag == "--nopreempt") {
      config.router.preempt = false;
    } else if (flag == "--name") {
      config.name = value();
    } else if (flag == "-h" || flag == "--help") {
      fmt::print("{}", kUsage);
      return 0;
    } else {
      Die(fmt::format("unknown flag '{}'\n{}", flag, kUsage));
    }
  }
  if (spec.interface.empty() || vips.empty()) Die(fmt::format("missing flags\n{}", kUsage));
  for (const std::string& v : vips) config.addresses.push_back(ParseVip(v, spec.interface));
  config.router.family = config.addresses.front().address.family();
  if (!pass.empty()) {
    auto key = vrrp::PassKey::Create(pass);
    if (!key.ok()) Die(fmt::format("--pass: {}", std::string(key.status().message())));
    config.auth_type = vrrp::AuthType::kPass;
    config.pass_key = *key;
  }

  vrrp::os::DriverOptions options;
  options.instances.push_back(std::move(spec));
  options.on_error = [](const absl::Status& s) {
    fmt::print(stderr, "vrrp-run: {}\n", s.ToString());
  };
  auto driver = vrrp::os::Driver::Create(std::move(options));
  if (!driver.ok()) Die(driver.status().ToString());
  auto loop = vrrp::os::EventLoop::Create();
  if (!loop.ok()) Die(loop.status().ToString());

  // SIGTERM / SIGINT arrive as a readable fd, handled between events like everything else.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigprocmask(SIG_BLOCK, &signals, nullptr);
  vrrp::os::UniqueFd sfd(signalfd(-1, &signals, SFD_NONBLOCK | SFD_CLOEXEC));
  if (!sfd.valid()) Die("signalfd failed");

  // Events are polled after each of the driver's turns (and after our own calls into it).
  auto print_events = [&] {
    while (std::optional<vrrp::InstanceEvent> e = (*driver)->PollEvent()) {
      fmt::print("{} {}\n",
                 absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", absl::Now(), absl::UTCTimeZone()), *e);
    }
    std::fflush(stdout);
  };
  if (absl::Status s = (*driver)->Start((*loop)->Now()); !s.ok()) Die(s.ToString());
  print_events();
  if (absl::Status s = (*driver)->Attach(**loop, print_events); !s.ok()) Die(s.ToString());
  if (absl::Status s = (*loop)->Watch(sfd.get(),
                                      [&](uint32_t) {
                                        signalfd_siginfo info;
                                        (void)!read(sfd.get(), &info, sizeof(info));
                                        (*driver)->Shutdown((*loop)->Now());
                                        print_events();
                                        (*loop)->Stop();
                                      });
      !s.ok()) {
    Die(s.ToString());
  }
  if (absl::Status s = (*loop)->Run(); !s.ok()) Die(s.ToString());
  (*driver)->Detach();
  return 0;
}
