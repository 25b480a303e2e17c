// The two-router lab of vrrpd's system tests: RouterLan's namespaces (r1 192.0.2.5, r2
// 192.0.2.6 and a client 192.0.2.10 on one bridge, eth0 in each) and a temporary directory with
// each router's files: r<N>.conf, r<N>.log (its console), r<N>.pid, r<N>.json (status),
// r<N>.ctl (control socket).
//
//   VRRP_SKIP_UNLESS_ROOT();
//   vrrp::test::VrrpdLab lab("metrics");
//   WriteFile(lab.Path("r1.conf"), config);
//   lab.StartVrrpd(1, {.flags = "--metrics 192.0.2.5:9650"});
//   LAB_REQUIRE(lab, Eventually([&] { return lab.SoleHolder(1, "192.0.2.3"); }));
//
// The destructor kills the daemons it started (their whole process group, stopped or not),
// deletes the namespaces and the directory.
#ifndef VRRPD_TESTS_SYSTEM_VRRPD_LAB_H_
#define VRRPD_TESTS_SYSTEM_VRRPD_LAB_H_

#include <sys/types.h>

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "system/netns.h"
#include "system/router_lan.h"

namespace vrrp::test {

// CHECK / REQUIRE that print both routers' logs when they fail.
#define LAB_CHECK(lab, ...)                              \
  do {                                                   \
    const bool lab_ok_ = static_cast<bool>(__VA_ARGS__); \
    if (!lab_ok_) UNSCOPED_INFO((lab).Logs());           \
    CHECK(lab_ok_);                                      \
  } while (false)
#define LAB_REQUIRE(lab, ...)                            \
  do {                                                   \
    const bool lab_ok_ = static_cast<bool>(__VA_ARGS__); \
    if (!lab_ok_) UNSCOPED_INFO((lab).Logs());           \
    REQUIRE(lab_ok_);                                    \
  } while (false)

class VrrpdLab {
 public:
  // How StartVrrpd runs the daemon, besides its standard files.
  struct Run {
    std::string env;     // VAR=value ... before the command
    std::string flags;   // more vrrpd flags (--metrics ..., --notify-block ...)
    std::string prefix;  // a command vrrpd runs under (setpriv ...)
  };

  // `name` goes into the directory's name (/tmp/vrrpd-<name>-XXXXXX), for whoever finds one
  // left behind by a killed test.
  explicit VrrpdLab(std::string_view name);
  ~VrrpdLab();
  VrrpdLab(const VrrpdLab&) = delete;
  VrrpdLab& operator=(const VrrpdLab&) = delete;

  const std::string& dir() const { return dir_; }
  std::string Path(std::string_view name) const;
  Netns& Router(int n);
  Netns& Client() { return *net_->client; }
  static std::string Address(int n);  // r<n>'s address on eth0

  // vrrpd on router n, in the foreground (-n), logging to its console (-l) with details (-D),
  // from /, with r<n>.conf and its standard files; returns its pid.
  pid_t StartVrrpd(int n, const Run& run);
  pid_t StartVrrpd(int n) { return StartVrrpd(n, Run{}); }
  // keepalived 2.2.7 (Debian's) on router n with r<n>.conf, pid files k<n>.pid and v<n>.pid.
  pid_t StartKeepalived(int n);
  pid_t Pid(int n) const { return pid_[n]; }
  // SIGKILL to router n's daemon and its process group (keepalived's VRRP child too): nothing
  // is cleaned up, as in a crash.
  void Crash(int n);

  std::string Log(int n) const;
  bool Logged(int n, std::string_view text) const;
  // Whether router n's daemon has `library` (e.g. "libnftables.so") mapped: the optional
  // libraries are loaded only by the features that use them (vrrp/linux/shared_library.h).
  bool Maps(int n, std::string_view library) const;
  std::string Logs() const;  // both, for a failure's message

  // The status file after SIGUSR1, parsed by python3 and queried with `expression` on `d`
  // (e.g. "d['instances'][0]['state']"); "<none>" when no file came.
  std::string Query(int n, const std::string& expression);

  int Holds(int n, const std::string& vip);        // copies of `vip` on r<n>'s eth0
  bool SoleHolder(int n, const std::string& vip);  // r<n> holds it, the other does not

 private:
  std::string dir_;
  std::unique_ptr<RouterLan> net_;
  pid_t pid_[3] = {-1, -1, -1};  // by router number
};

}  // namespace vrrp::test

#endif  // VRRPD_TESTS_SYSTEM_VRRPD_LAB_H_
