#include "vrrp/linux/link_monitor.h"

#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <poll.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <vector>

#include "system/netns.h"
#include "vrrp/linux/address_manager.h"
#include "vrrp/linux/raw_socket.h"

namespace vrrp::os {
namespace {

// An RTM_NEWLINK laid out by hand from <linux/netlink.h> and <linux/rtnetlink.h>: nlmsghdr,
// ifinfomsg, then an IFLA_IFNAME attribute.
std::vector<uint8_t> LinkMessage(uint16_t type, int ifindex, unsigned flags, const char* name) {
  const size_t name_len = std::strlen(name) + 1;
  const size_t attr_len = RTA_LENGTH(name_len);
  const size_t total = NLMSG_LENGTH(sizeof(ifinfomsg)) + RTA_ALIGN(attr_len);
  std::vector<uint8_t> m(total, 0);
  nlmsghdr h{};
  h.nlmsg_len = static_cast<uint32_t>(total);
  h.nlmsg_type = type;
  std::memcpy(m.data(), &h, sizeof(h));
  ifinfomsg info{};
  info.ifi_family = AF_UNSPEC;
  info.ifi_index = ifindex;
  info.ifi_flags = flags;
  std::memcpy(m.data() + NLMSG_HDRLEN, &info, sizeof(info));
  rtattr a{};
  a.rta_len = static_cast<uint16_t>(attr_len);
  a.rta_type = IFLA_IFNAME;
  uint8_t* at = m.data() + NLMSG_LENGTH(sizeof(ifinfomsg));
  std::memcpy(at, &a, sizeof(a));
  std::memcpy(at + sizeof(rtattr), name, name_len);
  return m;
}

TEST_CASE("ParseLinkNotification reads link state and name") {
  auto up = ParseLinkNotification(LinkMessage(RTM_NEWLINK, 7, IFF_UP | IFF_RUNNING, "eth0"));
  REQUIRE(up.ok());
  REQUIRE(up->has_value());
  CHECK((*up)->kind == LinkEvent::Kind::kLink);
  CHECK((*up)->ifindex == 7);
  CHECK((*up)->interface == "eth0");
  CHECK((*up)->up);
  // Administratively up without carrier is not usable.
  auto no_carrier = ParseLinkNotification(LinkMessage(RTM_NEWLINK, 7, IFF_UP, "eth0"));
  REQUIRE(no_carrier.ok());
  CHECK_FALSE((*no_carrier)->up);
  auto removed = ParseLinkNotification(LinkMessage(RTM_DELLINK, 7, IFF_UP | IFF_RUNNING, "eth0"));
  REQUIRE(removed.ok());
  CHECK((*removed)->kind == LinkEvent::Kind::kLinkRemoved);
  CHECK_FALSE((*removed)->up);
}

TEST_CASE("ParseLinkNotification ignores other messages and refuses malformed ones") {
  auto route = LinkMessage(RTM_NEWROUTE, 7, 0, "x");
  auto ignored = ParseLinkNotification(route);
  REQUIRE(ignored.ok());
  CHECK_FALSE(ignored->has_value());
  const auto good = LinkMessage(RTM_NEWLINK, 7, IFF_UP, "eth0");
  // Every truncation is an error (or, past the fixed headers, a shorter nlmsg_len), never a crash.
  for (size_t n = 0; n < good.size(); ++n) {
    std::vector<uint8_t> cut(good.begin(), good.begin() + static_cast<long>(n));
    CHECK_FALSE(ParseLinkNotification(cut).ok());
  }
  // An attribute claiming more than the message holds.
  auto bad_attr = good;
  rtattr a;
  std::memcpy(&a, bad_attr.data() + NLMSG_LENGTH(sizeof(ifinfomsg)), sizeof(a));
  a.rta_len = 200;
  std::memcpy(bad_attr.data() + NLMSG_LENGTH(sizeof(ifinfomsg)), &a, sizeof(a));
  auto refused = ParseLinkNotification(bad_attr);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == absl::StatusCode::kDataLoss);
}

TEST_CASE("ParseLinkDatagram reads every message of a datagram and counts the malformed") {
  // What LinkMonitor::Process hands it: several messages, each starting NLMSG_ALIGNed, one of
  // them broken. The first one's nlmsg_len leaves out its last attribute's padding ("eth10\0"
  // is 6 bytes), so the next one starts 2 bytes after it ends.
  std::vector<uint8_t> datagram = LinkMessage(RTM_NEWLINK, 7, IFF_UP | IFF_RUNNING, "eth10");
  const uint32_t first_len = static_cast<uint32_t>(datagram.size() - 2);
  std::memcpy(datagram.data(), &first_len, sizeof(first_len));
  auto append = [&](const std::vector<uint8_t>& m) {
    datagram.resize(NLMSG_ALIGN(datagram.size()), 0);
    datagram.insert(datagram.end(), m.begin(), m.end());
  };
  auto broken = LinkMessage(RTM_NEWLINK, 8, IFF_UP, "eth1");
  rtattr a;
  std::memcpy(&a, broken.data() + NLMSG_LENGTH(sizeof(ifinfomsg)), sizeof(a));
  a.rta_len = 200;  // runs past its message
  std::memcpy(broken.data() + NLMSG_LENGTH(sizeof(ifinfomsg)), &a, sizeof(a));
  append(broken);
  append(LinkMessage(RTM_NEWROUTE, 9, 0, "x"));  // not ours: no event, not malformed
  append(LinkMessage(RTM_DELLINK, 7, 0, "eth10"));
  std::vector<LinkEvent> events;
  auto collect = [&](const LinkEvent& e) { events.push_back(e); };
  CHECK(ParseLinkDatagram(datagram, collect) == 1);
  REQUIRE(events.size() == 2);
  CHECK(events[0].interface == "eth10");
  CHECK(events[0].up);
  CHECK(events[1].kind == LinkEvent::Kind::kLinkRemoved);

  // A length past the end stops the walk, counted once; trailing bytes shorter than a header
  // are nothing.
  events.clear();
  auto good = LinkMessage(RTM_NEWLINK, 7, IFF_UP, "eth0");
  std::vector<uint8_t> overlong = good;
  overlong.insert(overlong.end(), good.begin(), good.end());
  const uint32_t too_long = static_cast<uint32_t>(good.size() + 1);
  std::memcpy(overlong.data() + good.size(), &too_long, sizeof(too_long));
  CHECK(ParseLinkDatagram(overlong, collect) == 1);
  CHECK(events.size() == 1);
  std::vector<uint8_t> tail = good;
  tail.resize(good.size() + 8, 0xff);
  CHECK(ParseLinkDatagram(tail, collect) == 0);
  CHECK(events.size() == 2);
  CHECK(ParseLinkDatagram({}, collect) == 0);
}

TEST_CASE("InterfaceIsUp names a missing interface") {
  auto missing = InterfaceIsUp("vrrp-nope0");
  REQUIRE_FALSE(missing.ok());
  CHECK(std::string(missing.status().message()).find("vrrp-nope0") != std::string::npos);
}

// Collects events from `monitor` until `done` says so or 3 s pass.
std::vector<LinkEvent> Collect(LinkMonitor& monitor,
                               const std::function<bool(const LinkEvent&)>& done) {
  std::vector<LinkEvent> events;
  for (int i = 0; i < 30; ++i) {
    pollfd p{monitor.fd(), POLLIN, 0};
    if (poll(&p, 1, 100) != 1) continue;
    bool finished = false;
    REQUIRE(monitor
                .Process([&](const LinkEvent& e) {
                  events.push_back(e);
                  if (done(e)) finished = true;
                })
                .ok());
    if (finished) break;
  }
  return events;
}

// A LinkMonitor opened inside `ns` (it then watches that namespace).
std::unique_ptr<LinkMonitor> MonitorIn(const vrrp::test::Netns& ns,
                                       LinkMonitorOptions options = {}) {
  std::unique_ptr<LinkMonitor> monitor;
  REQUIRE(ns.Inside([&] {
              auto opened = LinkMonitor::Open(options);
              REQUIRE(opened.ok());
              monitor = std::move(*opened);
            }).ok());
  return monitor;
}

TEST_CASE("LinkMonitor reports link down/up and address changes from the kernel") {
  VRRP_SKIP_UNLESS_ROOT();
  auto ns = vrrp::test::Netns::Create();
  REQUIRE(ns.ok());
  REQUIRE((*ns)->AddVeth("m0", "m1").ok());
  std::unique_ptr<LinkMonitor> monitor = MonitorIn(**ns);
  REQUIRE((*ns)
              ->Inside([&] {
                auto up = InterfaceIsUp("m0");
                REQUIRE(up.ok());
                CHECK(*up);
              })
              .ok());

  REQUIRE((*ns)->Check("ip link set m1 down").ok());  // m0 loses carrier
  auto down = Collect(*monitor, [](const LinkEvent& e) {
    return e.kind == LinkEvent::Kind::kLink && e.interface == "m0" && !e.up;
  });
  REQUIRE_FALSE(down.empty());
  CHECK_FALSE(down.back().up);
  CHECK(down.back().interface == "m0");

  REQUIRE((*ns)->Check("ip link set m1 up").ok());
  auto up = Collect(*monitor, [](const LinkEvent& e) {
    return e.kind == LinkEvent::Kind::kLink && e.interface == "m0" && e.up;
  });
  REQUIRE_FALSE(up.empty());
  CHECK(up.back().up);

  REQUIRE((*ns)->Check("ip addr add 198.51.100.7/24 dev m0").ok());
  auto added = Collect(*monitor,
                       [](const LinkEvent& e) { return e.kind == LinkEvent::Kind::kAddressAdded; });
  REQUIRE_FALSE(added.empty());
  CHECK(added.back().address == IpAddress::V4(198, 51, 100, 7));

  REQUIRE((*ns)->Check("ip addr del 198.51.100.7/24 dev m0").ok());
  auto removed = Collect(
      *monitor, [](const LinkEvent& e) { return e.kind == LinkEvent::Kind::kAddressRemoved; });
  REQUIRE_FALSE(removed.empty());
  CHECK(removed.back().address == IpAddress::V4(198, 51, 100, 7));
  CHECK(monitor->malformed() == 0);
}

// vrrpd's tracking monitor: links only, so that VIP lease renewals (an address notification per
// VIP and second) never wake it.
TEST_CASE("LinkMonitor without the address groups reports links and no address change") {
  VRRP_SKIP_UNLESS_ROOT();
  auto ns = vrrp::test::Netns::Create();
  REQUIRE(ns.ok());
  REQUIRE((*ns)->AddVeth("m0", "m1").ok());
  std::unique_ptr<LinkMonitor> monitor = MonitorIn(**ns, {.addresses = false});
  REQUIRE((*ns)
              ->Check("ip addr add 198.51.100.7/24 dev m0 && ip addr del 198.51.100.7/24 dev m0 "
                      "&& ip link set m1 down")
              .ok());
  auto events = Collect(*monitor, [](const LinkEvent& e) {
    return e.kind == LinkEvent::Kind::kLink && e.interface == "m0" && !e.up;
  });
  REQUIRE_FALSE(events.empty());
  for (const LinkEvent& e : events) {
    CHECK(e.kind != LinkEvent::Kind::kAddressAdded);
    CHECK(e.kind != LinkEvent::Kind::kAddressRemoved);
  }
}

// The Driver's lease renewals come from the address manager's batch socket: the monitor set to
// ignore that port hears none of its additions, and still hears the same manager's Add, its
// removals, and `ip addr add` (the filter is the kernel's, so "none" means none was queued).
TEST_CASE("LinkMonitor ignores the additions of one netlink port only") {
  VRRP_SKIP_UNLESS_ROOT();
  auto ns = vrrp::test::Netns::Create();
  REQUIRE(ns.ok());
  REQUIRE((*ns)->AddVeth("m0", "m1").ok());
  std::unique_ptr<LinkMonitor> monitor = MonitorIn(**ns);
  std::unique_ptr<NetlinkAddressManager> manager;
  REQUIRE((*ns)
              ->Inside([&] {
                auto made = NetlinkAddressManager::Open();
                REQUIRE(made.ok());
                manager = std::move(*made);
                REQUIRE(monitor->IgnoreAddressesAddedBy(manager->batch_port_id()).ok());
              })
              .ok());
  auto vip = [](uint8_t last) {
    return VirtualAddress{.address = IpAddress::V4(198, 51, 100, last),
                          .prefix_len = 32,
                          .interface = "m0",
                          .lease_seconds = 30};
  };
  const std::vector<VirtualAddress> batch = {vip(1), vip(2), vip(3)};
  for (const absl::Status& s : manager->AddAll(batch)) REQUIRE(s.ok());
  for (const absl::Status& s : manager->AddAll(batch)) REQUIRE(s.ok());  // renewed: notified
  REQUIRE(manager->Add(vip(4)).ok());
  REQUIRE(manager->Remove(vip(1)).ok());
  REQUIRE((*ns)->Check("ip addr add 198.51.100.5/32 dev m0").ok());
  std::vector<LinkEvent> events = Collect(*monitor, [](const LinkEvent& e) {
    return e.kind == LinkEvent::Kind::kAddressAdded && e.address == IpAddress::V4(198, 51, 100, 5);
  });
  std::vector<std::string> seen;
  for (const LinkEvent& e : events) {
    if (e.kind == LinkEvent::Kind::kLink || !e.address) continue;
    seen.push_back(fmt::format("{} {}", e.kind == LinkEvent::Kind::kAddressAdded ? "+" : "-",
                               e.address->ToString()));
  }
  CHECK(seen == std::vector<std::string>{"+ 198.51.100.4", "- 198.51.100.1", "+ 198.51.100.5"});
  // They were added all the same.
  auto listed = manager->List("m0");
  REQUIRE(listed.ok());
  CHECK(std::count_if(listed->begin(), listed->end(), [](const InterfaceAddress& a) {
          return a.vip.address == IpAddress::V4(198, 51, 100, 2);
        }) == 1);
}

TEST_CASE("An IPv6 address under DAD is tentative: notified so, and no source until DAD ends") {
  VRRP_SKIP_UNLESS_ROOT();
  auto ns = vrrp::test::Netns::Create();
  REQUIRE(ns.ok());
  REQUIRE((*ns)->AddVeth("m0", "m1").ok());
  REQUIRE((*ns)
              ->Check("sysctl -qw net.ipv6.conf.m0.accept_dad=1 net.ipv6.conf.m0.dad_transmits=1")
              .ok());
  std::unique_ptr<LinkMonitor> monitor;
  auto sources = [&] {
    std::vector<IpAddress> out;
    REQUIRE((*ns)
                ->Inside([&] {
                  auto found = InterfaceSourceAddresses("m0", Family::kIPv6);
                  REQUIRE(found.ok());
                  out = *found;
                })
                .ok());
    return out;
  };
  monitor = MonitorIn(**ns);
  const IpAddress ll = *IpAddress::Parse("fe80::77");
  auto has_ll = [&](const std::vector<IpAddress>& list) {
    return std::find(list.begin(), list.end(), ll) != list.end();
  };
  REQUIRE((*ns)->Check("ip addr add fe80::77/64 dev m0").ok());
  auto tentative = Collect(*monitor, [&](const LinkEvent& e) {
    return e.kind == LinkEvent::Kind::kAddressAdded && e.address == ll;
  });
  REQUIRE_FALSE(tentative.empty());
  CHECK(tentative.back().tentative);
  CHECK_FALSE(has_ll(sources()));  // DAD takes about a second (one probe, RetransTimer)

  auto done = Collect(*monitor, [&](const LinkEvent& e) {
    return e.kind == LinkEvent::Kind::kAddressAdded && e.address == ll && !e.tentative;
  });
  REQUIRE_FALSE(done.empty());
  CHECK_FALSE(done.back().tentative);
  CHECK(has_ll(sources()));
}

}  // namespace
}  // namespace vrrp::os
