// dont_track_primary in namespaces (root only; skips otherwise): a vrrpd Master on router 1
// whose eth0 is set down (`ip link set eth0 down`, keepalived.conf(5)'s example) enters FAULT
// and gives up its VIP without the keyword, and stays MASTER holding it with the keyword (IPv4
// addresses stay on an interface set down). Either way it is MASTER again once the link is up.
// keepalived 2.2.7 in its place is the reference for both. advert_int 1 s.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

#include "fmt/format.h"
#include "system/checks.h"
#include "system/netns.h"
#include "vrrpd_lab.h"

namespace vrrp {
namespace {

using test::Eventually;
using test::WriteFile;

constexpr const char* kVip = "192.0.2.100";

std::string Config(std::string_view keyword) {
  return fmt::format(R"(vrrp_instance VI_1 {{
    interface eth0
    virtual_router_id 62
    priority 100
    advert_int 1
    {}
    virtual_ipaddress {{
        {}/24
    }}
}}
)",
                     keyword, kVip);
}

enum class Kind { kVrrpd, kKeepalived };

struct Lab : test::VrrpdLab {
  Lab() : VrrpdLab("dont-track") {}

  // Router 1 alone, Master after about 3.6 s.
  void StartMaster(Kind kind, std::string_view keyword) {
    WriteFile(Path("r1.conf"), Config(keyword));
    if (kind == Kind::kVrrpd) {
      StartVrrpd(1);
    } else {
      StartKeepalived(1);
    }
    LAB_REQUIRE(*this, Eventually([&] { return Holds(1, kVip) == 1; }, absl::Seconds(20)));
  }
  void SetLink(bool up) {
    REQUIRE(Router(1).Check(fmt::format("ip link set eth0 {}", up ? "up" : "down")).ok());
  }
  bool EntersFault() {
    return Eventually([&] { return Logged(1, "(VI_1) Entering FAULT STATE"); }, absl::Seconds(10));
  }
  // Longer than a Backup that heard nothing waits (3.6 s), twice over: no FAULT came.
  bool StaysOutOfFault() {
    return !Eventually([&] { return Logged(1, "FAULT"); }, absl::Seconds(8));
  }
};

#define SKIP_UNLESS_ROOT_AND_VRRPD() \
  VRRP_SKIP_UNLESS_ROOT();           \
  REQUIRE(access(VRRPD_BINARY, X_OK) == 0)

TEST_CASE("vrrpd: a link set down means FAULT, unless dont_track_primary") {
  SKIP_UNLESS_ROOT_AND_VRRPD();
  Lab lab;
  SECTION("without dont_track_primary: FAULT, the VIP removed") {
    lab.StartMaster(Kind::kVrrpd, "");
    lab.SetLink(false);
    LAB_REQUIRE(lab, lab.EntersFault());
    CHECK(lab.Query(1, "d['instances'][0]['state']") == "FAULT");
    LAB_CHECK(lab, Eventually([&] { return lab.Holds(1, kVip) == 0; }));
  }
  SECTION("with dont_track_primary: still MASTER, the VIP kept") {
    lab.StartMaster(Kind::kVrrpd, "dont_track_primary");
    lab.SetLink(false);
    LAB_CHECK(lab, lab.StaysOutOfFault());
    CHECK(lab.Query(1, "d['instances'][0]['state']") == "MASTER");
    CHECK(lab.Query(1, "d['instances'][0]['fault_reasons']") == "[]");
    CHECK(lab.Holds(1, kVip) == 1);
  }
  lab.SetLink(true);
  LAB_CHECK(lab, Eventually([&] { return lab.Query(1, "d['instances'][0]['state']") == "MASTER"; },
                            absl::Seconds(20)));
  CHECK(lab.Holds(1, kVip) == 1);
}

// The reference: keepalived 2.2.7 does the same with and without the keyword.
TEST_CASE("keepalived: a link set down means FAULT, unless dont_track_primary") {
  SKIP_UNLESS_ROOT_AND_VRRPD();
  if (access("/usr/sbin/keepalived", X_OK) != 0) {
    WARN("skipped: keepalived is not installed");
    return;
  }
  Lab lab;
  SECTION("without") {
    lab.StartMaster(Kind::kKeepalived, "");
    lab.SetLink(false);
    LAB_CHECK(lab, lab.EntersFault());
  }
  SECTION("with") {
    lab.StartMaster(Kind::kKeepalived, "dont_track_primary");
    lab.SetLink(false);
    LAB_CHECK(lab, lab.StaysOutOfFault());
    CHECK(lab.Holds(1, kVip) == 1);
  }
}

}  // namespace
}  // namespace vrrp
