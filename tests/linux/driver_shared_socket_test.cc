// The driver's one socket per (interface, family): 100 instances on each of two routers in two
// namespaces share one raw socket each, elect one master per VRID, and the backup's socket
// routes every packet to its instance by VRID (packets for a VRID nobody runs are counted once).
// A reload keeps the socket; two instances that would take the same packets are refused. The
// backup's filter absorbs the repeats of its masters' advertisements and it still takes over
// when it would have without it.
#include <linux/capability.h>

#include <array>
#include <catch2/catch.hpp>
#include <functional>

#include "absl/time/time.h"
#include "fmt/format.h"
#include "system/checks.h"
#include "system/netns.h"
#include "vrrp/codec.h"
#include "vrrp/linux/driver.h"
#include "vrrp/linux/event_loop.h"
#include "vrrp/linux/raw_socket.h"

namespace vrrp::os {
namespace {

using vrrp::test::Netns;
using vrrp::test::RunLoopUntil;

constexpr int kInstances = 100;

DriverInstance Spec(int vrid, int priority, const std::string& interface) {
  DriverInstance spec;
  spec.interface = interface;
  InstanceConfig& c = spec.config;
  c.name = fmt::format("VI_{}", vrid);
  c.router.vrid = vrid;
  c.router.version = Version::kV3;
  c.router.priority = priority;
  c.router.advert_interval = Centiseconds(10);
  c.router.garp_master_repeat = 1;
  c.router.garp_master_delay = absl::ZeroDuration();
  c.addresses = {{.address = IpAddress::V4(198, 51, 100, static_cast<uint8_t>(vrid)),
                  .prefix_len = 32,
                  .interface = interface}};
  return spec;
}

std::vector<DriverInstance> Specs(int first, int last, int priority, const std::string& ifname) {
  std::vector<DriverInstance> specs;
  for (int vrid = first; vrid <= last; ++vrid) specs.push_back(Spec(vrid, priority, ifname));
  return specs;
}

size_t CountIn(const Driver& d, RouterState state) {
  size_t n = 0;
  for (const auto& i : d.instances()) n += i->router().state() == state ? 1 : 0;
  return n;
}

// `before` runs in the namespace's thread first (to drop a capability there).
std::unique_ptr<Driver> CreateIn(const Netns& ns, std::vector<DriverInstance> specs, absl::Time now,
                                 const std::function<void()>& before = {}) {
  std::unique_ptr<Driver> driver;
  REQUIRE(ns.Inside([&] {
              if (before) before();
              DriverOptions options;
              options.instances = std::move(specs);
              auto created = Driver::Create(std::move(options));
              INFO(created.status().ToString());
              REQUIRE(created.ok());
              driver = std::move(*created);
              REQUIRE(driver->Start(now).ok());
            }).ok());
  return driver;
}

// vrrp::test::LinkedPair (a0, 192.0.2.5, in `a`; b0, 192.0.2.6, in `b`) and one loop.
struct Lab {
  std::unique_ptr<Netns> a;
  std::unique_ptr<Netns> b;
  std::unique_ptr<EventLoop> loop;
};

Lab MakeLab() {
  auto pair = vrrp::test::LinkedPair::Create();
  INFO(pair.status().ToString());
  REQUIRE(pair.ok());
  auto loop = EventLoop::Create();
  REQUIRE(loop.ok());
  return Lab{std::move(pair->a), std::move(pair->b), std::move(*loop)};
}

TEST_CASE("Driver: 100 instances share one socket per interface and elect one master each") {
  VRRP_SKIP_UNLESS_ROOT();
  Lab lab = MakeLab();

  // a runs VRIDs 1..100 at priority 150 and VRID 150 that b does not run; b runs 1..100 at 100.
  std::vector<DriverInstance> a_specs = Specs(1, kInstances, 150, "a0");
  a_specs.push_back(Spec(150, 150, "a0"));
  auto da = CreateIn(*lab.a, a_specs, lab.loop->Now());
  auto db = CreateIn(*lab.b, Specs(1, kInstances, 100, "b0"), lab.loop->Now());
  CHECK(da->stats().sockets == 1);
  CHECK(db->stats().sockets == 1);
  REQUIRE(da->Attach(*lab.loop).ok());
  REQUIRE(db->Attach(*lab.loop).ok());

  REQUIRE(RunLoopUntil(*lab.loop, [&] {
    return CountIn(*da, RouterState::kMaster) == kInstances + 1 &&
           CountIn(*db, RouterState::kBackup) == kInstances && db->stats().other_vrid > 0;
  }));
  // Every backup hears its own master through the shared socket, and nothing else.
  for (const auto& instance : db->instances()) {
    INFO(instance->name());
    CHECK(instance->router().stats().advert_rcvd > 0);
    CHECK(instance->router().stats().drops.Total() == 0);
    CHECK(instance->router().master_address() == IpAddress::V4(192, 0, 2, 5));
  }
  const DriverStats bs = db->stats();
  CHECK(bs.received > static_cast<uint64_t>(kInstances));
  CHECK(bs.other_peer == 0);
  CHECK(bs.too_short == 0);
  // Address changes are effects that follow the advertisements, in slices: wait for them.
  CHECK(RunLoopUntil(*lab.loop, [&] {
    return lab.a->Run("ip -o addr show dev a0 | grep -c '198.51.100.'").output == "101\n";
  }));

  // A reload that adds an instance keeps the one socket (same fd) and every Master.
  const std::vector<int> fds_before = da->fds();
  std::vector<DriverInstance> grown = a_specs;
  grown.push_back(Spec(151, 150, "a0"));
  REQUIRE(lab.a->Inside([&] { REQUIRE(da->Update(lab.loop->Now(), grown).ok()); }).ok());
  CHECK(da->fds() == fds_before);
  CHECK(da->stats().sockets == 1);
  CHECK(CountIn(*da, RouterState::kMaster) == kInstances + 1);

  // Two instances on a0 with VRID 7 would take each other's packets: refused, by name, and
  // nothing running changes.
  std::vector<DriverInstance> clash = grown;
  DriverInstance twin = Spec(7, 120, "a0");
  twin.config.name = "VI_7_twin";
  clash.push_back(twin);
  absl::Status refused;
  REQUIRE(lab.a->Inside([&] { refused = da->Update(lab.loop->Now(), clash); }).ok());
  CHECK(refused.code() == absl::StatusCode::kInvalidArgument);
  CHECK(std::string(refused.message()) ==
        "VI_7_twin: virtual_router_id 7 on a0 (IPv4) is already used by VI_7");
  CHECK(da->instances().size() == static_cast<size_t>(kInstances + 2));
  CHECK(CountIn(*da, RouterState::kBackup) + CountIn(*da, RouterState::kMaster) ==
        static_cast<size_t>(kInstances + 2));

  da->Shutdown(lab.loop->Now());
  db->Shutdown(lab.loop->Now());
  da->Detach();
  db->Detach();
  CHECK(lab.a->Run("ip -o addr show dev a0 | grep -c '198.51.100.' || true").output == "0\n");
}

TEST_CASE("Driver: unicast instances share a VRID on one socket when their peers differ") {
  VRRP_SKIP_UNLESS_ROOT();
  auto a = Netns::Create();
  REQUIRE(a.ok());
  REQUIRE((*a)->AddVeth("u0", "u1").ok());
  REQUIRE((*a)->Check("ip addr add 192.0.2.5/24 dev u0").ok());
  DriverInstance one = Spec(9, 150, "u0");
  one.config.unicast_peers = {IpAddress::V4(192, 0, 2, 6)};
  DriverInstance two = Spec(9, 150, "u0");
  two.config.name = "VI_9_b";
  two.config.addresses[0].address = IpAddress::V4(198, 51, 100, 99);
  two.config.unicast_peers = {IpAddress::V4(192, 0, 2, 7)};
  REQUIRE((*a)->Inside([&] {
                DriverOptions options;
                options.instances = {one, two};
                auto d = Driver::Create(options);
                INFO(d.status().ToString());
                REQUIRE(d.ok());
                CHECK((*d)->stats().sockets == 1);
                // A multicast instance on the same VRID would hear both peers' packets.
                options.instances.push_back(Spec(9, 100, "u0"));
                options.instances.back().config.name = "VI_9_mcast";
                auto clash = Driver::Create(options);
                CHECK(clash.status().code() == absl::StatusCode::kInvalidArgument);
              })
              .ok());
}

}  // namespace
}  // namespace vrrp::os

namespace vrrp::os {
namespace {

uint64_t AdvertsReceived(const Driver& d) {
  uint64_t n = 0;
  for (const auto& i : d.instances()) n += i->router().stats().advert_rcvd;
  return n;
}

// Runs the loop until every instance of `d` is Master, noting when each became so.
std::vector<absl::Time> TakeoverTimes(EventLoop& loop, const Driver& d) {
  std::vector<absl::Time> at(d.instances().size(), absl::InfiniteFuture());
  CHECK(RunLoopUntil(loop, [&] {
    bool all = true;
    for (size_t i = 0; i < at.size(); ++i) {
      if (at[i] == absl::InfiniteFuture() &&
          d.instances()[i]->router().state() == RouterState::kMaster) {
        at[i] = loop.Now();
      }
      all = all && at[i] != absl::InfiniteFuture();
    }
    return all;
  }));
  return at;
}

TEST_CASE("Driver: a Backup's repeated adverts are absorbed in the kernel, takeovers keep time") {
  VRRP_SKIP_UNLESS_ROOT();
  constexpr int kRouters = 20;
  Lab lab = MakeLab();
  auto da = CreateIn(*lab.a, Specs(1, kRouters, 150, "a0"), lab.loop->Now());
  auto db = CreateIn(*lab.b, Specs(1, kRouters, 100, "b0"), lab.loop->Now());
  INFO(db->advert_offload_status().ToString());
  REQUIRE(db->advert_offload_status().ok());
  REQUIRE(da->Attach(*lab.loop).ok());
  REQUIRE(db->Attach(*lab.loop).ok());
  REQUIRE(RunLoopUntil(*lab.loop, [&] {
    return CountIn(*da, RouterState::kMaster) == kRouters &&
           CountIn(*db, RouterState::kBackup) == kRouters;
  }));

  // Two seconds of 10 adverts a second per VRID: most absorbed, all counted, no transition.
  const uint64_t received_before = db->stats().received;
  const uint64_t counted_before = AdvertsReceived(*db);
  const absl::Time start = lab.loop->Now();
  RunLoopUntil(*lab.loop, [&] { return lab.loop->Now() - start > absl::Seconds(2); });
  const uint64_t went_up = db->stats().received - received_before;
  const uint64_t counted = AdvertsReceived(*db) - counted_before;
  INFO("went up " << went_up << ", counted " << counted << ", absorbed " << db->stats().absorbed);
  CHECK(CountIn(*db, RouterState::kBackup) == kRouters);
  CHECK(counted >= kRouters * 15);  // 20 a VRID, less what is absorbed and not yet told
  CHECK(went_up * 2 < counted);     // about one in three goes up
  CHECK(db->stats().absorbed > 0);
  for (const auto& instance : db->instances()) {
    CHECK(instance->router().stats().become_master == 0);
  }

  // VI_1's priority raised above its master's: it preempts when the master-down timer started
  // by the master's last advert runs out (320 ms at priority 200), not earlier from the last
  // one that went up.
  const InstanceId first = db->ids().front();
  const absl::Time raised = lab.loop->Now();
  db->SetPriorityDelta(raised, first, 100);
  absl::Time preempted = absl::InfiniteFuture();
  REQUIRE(RunLoopUntil(*lab.loop, [&] {
    if (db->router(first)->state() == RouterState::kMaster) preempted = lab.loop->Now();
    return preempted != absl::InfiniteFuture();
  }));
  CHECK(preempted - raised >= absl::Milliseconds(320 - 100 - 5));

  // The master stops (its loop no longer runs it, as if it died) just after adverts that were
  // absorbed: each backup takes over one Master_Down_Interval (360 ms) after them, not after
  // the last one that went up (100 or 200 ms earlier).
  const uint64_t absorbed = db->stats().absorbed;
  REQUIRE(RunLoopUntil(*lab.loop, [&] { return db->stats().absorbed > absorbed; }));
  da->Detach();
  const absl::Time stopped = lab.loop->Now();
  std::vector<absl::Time> takeovers = TakeoverTimes(*lab.loop, *db);
  for (size_t i = 1; i < takeovers.size(); ++i) {
    INFO(db->instances()[i]->name());
    CHECK(takeovers[i] - stopped >= absl::Milliseconds(360 - 50));
    CHECK(takeovers[i] - stopped <= absl::Milliseconds(360 + 200));
  }
  db->Shutdown(lab.loop->Now());
  db->Detach();
  da->Shutdown(lab.loop->Now());
}

}  // namespace
}  // namespace vrrp::os

namespace vrrp::os {
namespace {

std::vector<uint8_t> Advert(uint8_t vrid, uint8_t priority, const IpAddress& source) {
  Advertisement adv;
  adv.version = Version::kV3;
  adv.family = Family::kIPv4;
  adv.vrid = vrid;
  adv.priority = priority;
  adv.interval = Centiseconds(10);
  adv.addresses.push_back(IpAddress::V4(198, 51, 100, vrid));
  std::array<uint8_t, kMaxAdvertisementSize> buf;
  auto n = EncodeAdvertisement(adv, {.source = source, .destination = kMulticastGroupV4},
                               absl::MakeSpan(buf));
  REQUIRE(n.ok());
  return std::vector<uint8_t>(buf.begin(), buf.begin() + static_cast<long>(*n));
}

// The filter is armed only with the packet the router took as its master's, never with another
// one read in the same batch: here a lower-priority router's advert, which the Backup discards
// (it preempts it), always follows the master's in one sendmmsg. Armed with it, the Backup would
// take its repeats for the master's and never take over once the master stops.
TEST_CASE("Driver: the filter follows the master's advert, not a discarded one of its batch") {
  VRRP_SKIP_UNLESS_ROOT();
  Lab lab = MakeLab();
  REQUIRE(lab.a->Check("ip addr add 192.0.2.7/24 dev a0").ok());
  std::unique_ptr<RawSocketTransport> peers;
  REQUIRE(lab.a
              ->Inside([&] {
                auto opened = RawSocketTransport::Open({.interface = "a0"});
                REQUIRE(opened.ok());
                peers = std::move(*opened);
              })
              .ok());
  const IpAddress master = IpAddress::V4(192, 0, 2, 5);
  const IpAddress low = IpAddress::V4(192, 0, 2, 7);
  const std::vector<uint8_t> from_master = Advert(1, 150, master);
  const std::vector<uint8_t> from_low = Advert(1, 50, low);
  auto db = CreateIn(*lab.b, Specs(1, 1, 100, "b0"), lab.loop->Now());
  REQUIRE(db->advert_offload_status().ok());
  REQUIRE(db->Attach(*lab.loop).ok());

  bool master_alive = true;
  absl::Time next_send = lab.loop->Now();
  auto send_due = [&] {
    if (lab.loop->Now() < next_send) return;
    next_send += absl::Milliseconds(100);
    peers->BeginBatch();
    if (master_alive) (void)peers->Send(from_master, master, kMulticastGroupV4);
    (void)peers->Send(from_low, low, kMulticastGroupV4);
    REQUIRE(peers->Flush().ok());
  };
  const Router& router = *db->router(db->ids().front());
  const absl::Time start = lab.loop->Now();
  RunLoopUntil(*lab.loop, [&] {
    send_due();
    return lab.loop->Now() - start > absl::Seconds(2);
  });
  REQUIRE(router.state() == RouterState::kBackup);
  CHECK(router.master_address() == master);
  CHECK(db->stats().absorbed > 0);

  // The master stops; the low one goes on. The Backup preempts it one Master_Down_Interval
  // (360 ms) after the master's last advert.
  master_alive = false;
  const absl::Time stopped = lab.loop->Now();
  absl::Time took_over = absl::InfiniteFuture();
  RunLoopUntil(
      *lab.loop,
      [&] {
        send_due();
        if (router.state() == RouterState::kMaster) took_over = lab.loop->Now();
        return took_over != absl::InfiniteFuture();
      },
      absl::Seconds(3));
  CHECK(took_over - stopped <= absl::Milliseconds(360 + 200));
  db->Shutdown(lab.loop->Now());
  db->Detach();
}

}  // namespace
}  // namespace vrrp::os

namespace vrrp::os {
namespace {

// Without CAP_BPF the filter cannot be attached: the Driver says why and reads every packet, and
// the Backup follows its master and takes over as before.
TEST_CASE("Driver: without CAP_BPF every advert is read, and the Backup takes over on time") {
  VRRP_SKIP_UNLESS_ROOT();
  if (!vrrp::test::UnprivilegedBpfDisabled()) {
    WARN("skipped: kernel.unprivileged_bpf_disabled is 0 here, eBPF needs no capability");
    return;
  }
  Lab lab = MakeLab();
  auto da = CreateIn(*lab.a, Specs(1, 5, 150, "a0"), lab.loop->Now());
  auto db = CreateIn(*lab.b, Specs(1, 5, 100, "b0"), lab.loop->Now(), [] {
    // CAP_SYS_ADMIN grants eBPF too.
    REQUIRE(vrrp::test::DropEffectiveCapability(CAP_BPF).ok());
    REQUIRE(vrrp::test::DropEffectiveCapability(CAP_SYS_ADMIN).ok());
  });
  CHECK(db->advert_offload_status().code() == absl::StatusCode::kPermissionDenied);
  CHECK(std::string(db->advert_offload_status().message()).find("CAP_BPF") != std::string::npos);
  REQUIRE(da->Attach(*lab.loop).ok());
  REQUIRE(db->Attach(*lab.loop).ok());
  REQUIRE(RunLoopUntil(*lab.loop, [&] {
    return CountIn(*da, RouterState::kMaster) == 5 && CountIn(*db, RouterState::kBackup) == 5;
  }));
  const uint64_t before = db->stats().received;
  const absl::Time start = lab.loop->Now();
  RunLoopUntil(*lab.loop, [&] { return lab.loop->Now() - start > absl::Seconds(1); });
  CHECK(db->stats().absorbed == 0);
  CHECK(db->stats().received - before >= 5 * 8);  // all of 10 a second each, give or take
  da->Detach();
  const absl::Time stopped = lab.loop->Now();
  for (absl::Time at : TakeoverTimes(*lab.loop, *db)) {
    CHECK(at - stopped >= absl::Milliseconds(360 - 100 - 5));
    CHECK(at - stopped <= absl::Milliseconds(360 + 200));
  }
  db->Shutdown(lab.loop->Now());
  db->Detach();
  da->Shutdown(lab.loop->Now());
}

}  // namespace
}  // namespace vrrp::os
