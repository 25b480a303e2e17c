// AnnouncePacer in virtual time: frames on one interface are spaced by its interval, interfaces
// and families are paced apart (a garp_group's interfaces together), zero means at once, order is
// kept, and a withdrawn instance's frames never go.
#include "vrrp/announce_pacer.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace vrrp {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'000'000);
absl::Time Ms(int64_t ms) { return kT0 + absl::Milliseconds(ms); }
IpAddress V4(const char* text) { return *IpAddress::Parse(text); }

// Runs the pacer as a driver would: wakes at each NextDeadline() until nothing is queued, and
// returns when each frame went ("owner address @ms").
std::vector<std::string> Drain(AnnouncePacer& pacer) {
  std::vector<std::string> sent;
  std::vector<PacedAnnouncement> due;
  for (int guard = 0; pacer.queued() > 0 && guard < 1000; ++guard) {
    const absl::Time at = pacer.NextDeadline();
    for (const PacedAnnouncement& a : pacer.PopDue(at, due)) {
      sent.push_back(fmt::format("{} {} {} @{}", a.owner, a.interface, a.address,
                                 absl::ToInt64Milliseconds(at - kT0)));
    }
  }
  return sent;
}

TEST_CASE("AnnouncePacer spaces one interface's gratuitous ARPs by its interval") {
  AnnouncePacer pacer({.defaults = {.arp = absl::Milliseconds(200)}});
  const IpAddress vip = V4("192.0.2.75");
  // garp_master_repeat 5: five frames offered at once; the first goes now.
  CHECK(pacer.Submit(Ms(0), "eth0", 1, vip));
  for (int i = 0; i < 4; ++i) CHECK_FALSE(pacer.Submit(Ms(0), "eth0", 1, vip));
  CHECK(pacer.queued() == 4);
  CHECK(pacer.queued(1) == 4);
  CHECK(pacer.NextDeadline() == Ms(200));
  std::vector<PacedAnnouncement> due;
  CHECK(pacer.PopDue(Ms(199), due).empty());
  CHECK(Drain(pacer) == std::vector<std::string>{"1 eth0 192.0.2.75 @200", "1 eth0 192.0.2.75 @400",
                                                 "1 eth0 192.0.2.75 @600",
                                                 "1 eth0 192.0.2.75 @800"});
  CHECK(pacer.NextDeadline() == absl::InfiniteFuture());
  // Quiet for longer than the interval: the next one goes at once again.
  CHECK(pacer.Submit(Ms(1100), "eth0", 1, vip));
  CHECK_FALSE(pacer.Submit(Ms(1150), "eth0", 1, vip));
  CHECK(pacer.NextDeadline() == Ms(1300));
}

TEST_CASE("AnnouncePacer: a late wake-up sends one frame per lane, not a burst") {
  AnnouncePacer pacer({.defaults = {.arp = absl::Milliseconds(100)}});
  const IpAddress vip = V4("192.0.2.75");
  CHECK(pacer.Submit(Ms(0), "eth0", 1, vip));
  CHECK_FALSE(pacer.Submit(Ms(0), "eth0", 1, vip));
  CHECK_FALSE(pacer.Submit(Ms(0), "eth0", 1, vip));
  std::vector<PacedAnnouncement> due;
  CHECK(pacer.PopDue(Ms(750), due).size() == 1);  // the process was busy for 650 ms
  CHECK(pacer.NextDeadline() == Ms(850));         // spaced from when it went
  CHECK(pacer.PopDue(Ms(849), due).empty());
  CHECK(pacer.PopDue(Ms(850), due).size() == 1);
}

TEST_CASE("AnnouncePacer with a zero interval sends everything at once") {
  AnnouncePacer pacer;
  for (int i = 0; i < 100; ++i) CHECK(pacer.Submit(Ms(0), "eth0", i, V4("192.0.2.75")));
  CHECK(pacer.queued() == 0);
  CHECK(pacer.NextDeadline() == absl::InfiniteFuture());
  CHECK_FALSE(pacer.pacing().enabled());
}

TEST_CASE("AnnouncePacer paces interfaces and families independently") {
  AnnouncePacer pacer(
      {.defaults = {.arp = absl::Milliseconds(100), .na = absl::Milliseconds(300)}});
  const IpAddress v4 = V4("192.0.2.75");
  const IpAddress v6 = V4("2001:db8::75");
  CHECK(pacer.Submit(Ms(0), "eth0", 1, v4));
  CHECK(pacer.Submit(Ms(0), "eth1", 2, v4));  // another interface: its own lane
  CHECK(pacer.Submit(Ms(0), "eth0", 3, v6));  // NA: its own lane and interval
  CHECK_FALSE(pacer.Submit(Ms(0), "eth0", 1, v4));
  CHECK_FALSE(pacer.Submit(Ms(0), "eth1", 2, v4));
  CHECK_FALSE(pacer.Submit(Ms(0), "eth0", 3, v6));
  CHECK(Drain(pacer) == std::vector<std::string>{"1 eth0 192.0.2.75 @100", "2 eth1 192.0.2.75 @100",
                                                 "3 eth0 2001:db8::75 @300"});
}

TEST_CASE("AnnouncePacer: a garp_group paces its interfaces together with its own intervals") {
  AnnouncePacer pacer({.defaults = {.arp = absl::Milliseconds(100)},
                       .groups = {{.intervals = {.arp = absl::Milliseconds(500)},
                                   .interfaces = {"eth1", "eth2"}}}});
  const IpAddress vip = V4("192.0.2.75");
  CHECK(pacer.Submit(Ms(0), "eth1", 1, vip));
  CHECK_FALSE(pacer.Submit(Ms(0), "eth2", 2, vip));  // behind the same switch: waits
  CHECK(pacer.Submit(Ms(0), "eth0", 3, vip));        // not in the group: the global interval
  CHECK_FALSE(pacer.Submit(Ms(0), "eth0", 3, vip));
  // The group sets no NA interval: its NAs are not paced (no inheritance from the global).
  CHECK(pacer.Submit(Ms(0), "eth1", 1, V4("2001:db8::75")));
  CHECK(pacer.Submit(Ms(0), "eth1", 1, V4("2001:db8::75")));
  CHECK(Drain(pacer) ==
        std::vector<std::string>{"3 eth0 192.0.2.75 @100", "2 eth2 192.0.2.75 @500"});
}

TEST_CASE("AnnouncePacer keeps the order frames were offered in") {
  AnnouncePacer pacer({.defaults = {.arp = absl::Milliseconds(10)}});
  CHECK(pacer.Submit(Ms(0), "eth0", 1, V4("192.0.2.1")));
  for (int i = 2; i <= 5; ++i) {
    CHECK_FALSE(pacer.Submit(Ms(0), "eth0", i, V4(fmt::format("192.0.2.{}", i).c_str())));
  }
  CHECK(Drain(pacer) == std::vector<std::string>{"2 eth0 192.0.2.2 @10", "3 eth0 192.0.2.3 @20",
                                                 "4 eth0 192.0.2.4 @30", "5 eth0 192.0.2.5 @40"});
}

TEST_CASE("AnnouncePacer: a withdrawn instance's queued frames are never sent") {
  AnnouncePacer pacer({.defaults = {.arp = absl::Milliseconds(100)}});
  const IpAddress a = V4("192.0.2.75");
  const IpAddress b = V4("192.0.2.76");
  CHECK(pacer.Submit(Ms(0), "eth0", 1, a));
  CHECK_FALSE(pacer.Submit(Ms(0), "eth0", 1, a));
  CHECK_FALSE(pacer.Submit(Ms(0), "eth0", 2, b));
  CHECK_FALSE(pacer.Submit(Ms(0), "eth0", 1, a));
  CHECK_FALSE(pacer.Submit(Ms(0), "eth0", 2, b));
  std::vector<PacedAnnouncement> due;
  CHECK(pacer.PopDue(Ms(100), due).size() == 1);  // instance 1's second frame went
  // Instance 1 leaves MASTER: what it still had queued goes nowhere; 2's keep their turns.
  CHECK(pacer.Withdraw(1) == 1);
  CHECK(pacer.queued(1) == 0);
  CHECK(pacer.Withdraw(1) == 0);
  CHECK(pacer.queued() == 2);
  CHECK(Drain(pacer) ==
        std::vector<std::string>{"2 eth0 192.0.2.76 @200", "2 eth0 192.0.2.76 @300"});
}

TEST_CASE("AnnouncePacer: new intervals apply to frames sent after a reconfiguration") {
  AnnouncePacer pacer({.defaults = {.arp = absl::Milliseconds(1000)}});
  const IpAddress vip = V4("192.0.2.75");
  CHECK(pacer.Submit(Ms(0), "eth0", 1, vip));
  CHECK_FALSE(pacer.Submit(Ms(0), "eth0", 1, vip));
  CHECK_FALSE(pacer.Submit(Ms(0), "eth0", 1, vip));
  CHECK(pacer.NextDeadline() == Ms(1000));
  // A reload shortens the interval: the queued frames follow the new one, counted from the
  // frame already sent.
  pacer.Configure({.defaults = {.arp = absl::Milliseconds(50)}});
  CHECK(pacer.NextDeadline() == Ms(50));
  CHECK(Drain(pacer) ==
        std::vector<std::string>{"1 eth0 192.0.2.75 @50", "1 eth0 192.0.2.75 @100"});
  // Moving eth0 into a group keeps its last send: the group's interval counts from it.
  pacer.Configure({.groups = {{.intervals = {.arp = absl::Milliseconds(300)},
                               .interfaces = {"eth0", "eth1"}}}});
  CHECK_FALSE(pacer.Submit(Ms(150), "eth1", 2, vip));
  CHECK(pacer.NextDeadline() == Ms(400));
  // Pacing switched off: what waits goes at the next wake-up, in order.
  pacer.Configure({});
  CHECK(pacer.NextDeadline() == Ms(100));
  CHECK(Drain(pacer) == std::vector<std::string>{"2 eth1 192.0.2.75 @100"});
}

}  // namespace
}  // namespace vrrp
