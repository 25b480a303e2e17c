// Instance: a Master that cannot add one of its addresses goes to Fault so that a peer holds it
// (issue 16, finding 3), probes the address with a backoff of 1 s doubling to 30 s, and rejoins
// the election once the probe works; that fault is ORed with the caller's; an address that
// could not be removed is removed again until it is gone. Then the leases of crash-safe VIPs
// (issue 13): added with a kernel lifetime, renewed by the Master only. All in virtual time,
// on the fakes.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "vrrp/instance.h"
#include "vrrp/testing/fakes.h"
#include "vrrp/testing/simulated_lan.h"

namespace vrrp {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'000'000);
const IpAddress kSelf = IpAddress::V4(192, 0, 2, 5);
const IpAddress kPeer = IpAddress::V4(192, 0, 2, 6);
const IpAddress kVip = IpAddress::V4(192, 0, 2, 3);
const IpAddress kExcluded = IpAddress::V4(198, 51, 100, 3);
const absl::Status kDenied =
    absl::PermissionDeniedError("RTM_NEWADDR: Operation not permitted (EPERM)");

InstanceConfig Config() {
  InstanceConfig c;
  c.name = "VI_1";
  c.router.vrid = 50;
  c.router.version = Version::kV3;
  c.router.priority = 150;
  c.router.advert_interval = Centiseconds(100);
  c.router.primary_address = kSelf;
  c.addresses = {{.address = kVip, .prefix_len = 24, .interface = "eth0"}};
  return c;
}

struct Rig {
  testing::FakeTransport transport;
  testing::FakeAddressManager addresses;
  testing::FakeAnnouncer announcer;
  std::unique_ptr<Instance> instance;
  std::vector<std::string> events;

  explicit Rig(InstanceConfig config = Config()) {
    auto created = Instance::Create(std::move(config), transport, addresses, announcer);
    INFO(created.status().ToString());
    REQUIRE(created.ok());
    instance = std::move(*created);
  }
  RouterState state() const { return instance->router().state(); }
  const std::vector<std::string>& Events() {
    while (std::optional<InstanceEvent> e = instance->PollEvent()) {
      events.push_back(DescribeEvent(*e));
    }
    return events;
  }
  bool Logged(const std::string& line) {
    const auto& all = Events();
    return std::find(all.begin(), all.end(), line) != all.end();
  }
  // Runs the instance's deadlines up to `until`, as a driver does; returns the times it was
  // called at.
  std::vector<absl::Time> RunUntil(absl::Time until) {
    std::vector<absl::Time> fired;
    for (absl::Time next = instance->NextDeadline(); next <= until;
         next = instance->NextDeadline()) {
      instance->OnTimer(next);
      fired.push_back(next);
    }
    return fired;
  }
  // The priority of the last advertisement sent (v3: the third octet).
  int LastPriority() const {
    REQUIRE_FALSE(transport.sent().empty());
    return transport.sent().back().payload[2];
  }
};

// Start alone: Master when the master-down timer (3.41 s at priority 150) runs out.
absl::Time MasterDown(Rig& rig) {
  rig.instance->Start(kT0);
  const absl::Time down = rig.instance->NextDeadline();
  rig.instance->OnTimer(down);
  return down;
}

TEST_CASE("A Master that cannot add its VIP goes to Fault and resigns with priority 0") {
  Rig rig;
  rig.addresses.Fail(kVip, kDenied);
  const absl::Time down = MasterDown(rig);
  CHECK(rig.state() == RouterState::kFault);
  CHECK(rig.instance->address_fault());
  CHECK_FALSE(rig.instance->fault_requested());
  // The Master's first advertisement, then priority 0: the peer takes over after Skew_Time.
  CHECK(rig.LastPriority() == 0);
  CHECK(rig.Logged(
      "VI_1 address_added 192.0.2.3/24 dev eth0 scope global: PERMISSION_DENIED: RTM_NEWADDR: "
      "Operation not permitted (EPERM)"));
  CHECK(rig.Logged("VI_1 transition MASTER -> FAULT (fault)"));
  CHECK(rig.instance->unplaced_addresses().size() == 1);
  CHECK(rig.instance->next_retry() == down + absl::Seconds(1));
  CHECK_FALSE(rig.addresses.Holds(kVip));
  // Silent in Fault: nothing more goes out.
  rig.transport.clear_sent();
  rig.RunUntil(down + absl::Seconds(20));
  CHECK(rig.transport.sent().empty());
}

TEST_CASE("An address fault is probed 1 s after, doubling to 30 s, and cleared once it works") {
  Rig rig;
  rig.addresses.Fail(kVip, kDenied);
  const absl::Time down = MasterDown(rig);
  rig.addresses.clear_calls();
  const std::vector<absl::Time> probes = rig.RunUntil(down + absl::Seconds(121));
  std::vector<int64_t> offsets;
  for (absl::Time t : probes) offsets.push_back(absl::ToInt64Seconds(t - down));
  CHECK(offsets == std::vector<int64_t>{1, 3, 7, 15, 31, 61, 91, 121});
  CHECK(rig.state() == RouterState::kFault);
  // Each probe tries the removal the resignation could not do, then the add.
  CHECK(rig.addresses.calls().size() == 2 * probes.size());

  // The cause goes away (CAP_NET_ADMIN given back): the next probe adds and removes the address
  // at once, and the instance rejoins the election as a Backup, holding nothing.
  rig.addresses.Fail(kVip, absl::OkStatus());
  rig.addresses.clear_calls();
  const absl::Time probe = rig.instance->next_retry();
  CHECK(probe == down + absl::Seconds(151));
  rig.RunUntil(probe);
  // The removal still owed first, then the probe's add and remove.
  CHECK(rig.addresses.calls() ==
        std::vector<std::string>{"remove 192.0.2.3/24 dev eth0 scope global",
                                 "add 192.0.2.3/24 dev eth0 scope global",
                                 "remove 192.0.2.3/24 dev eth0 scope global"});
  CHECK(rig.state() == RouterState::kBackup);
  CHECK(rig.Logged("VI_1 transition FAULT -> BACKUP (fault_cleared)"));
  CHECK_FALSE(rig.instance->address_fault());
  CHECK(rig.instance->unremoved_addresses().empty());
  CHECK(rig.instance->next_retry() == absl::InfiniteFuture());
  CHECK_FALSE(rig.addresses.Holds(kVip));

  // Elected normally: Master again after Master_Down_Interval, holding the address this time.
  rig.RunUntil(probe + absl::Seconds(4));
  CHECK(rig.state() == RouterState::kMaster);
  CHECK(rig.addresses.Holds(kVip));
}

TEST_CASE("A probe that adds the address removes it again before leaving Fault") {
  Rig rig;
  rig.addresses.FailAdd(kVip, kDenied);
  const absl::Time down = MasterDown(rig);
  CHECK(rig.state() == RouterState::kFault);
  CHECK(rig.instance->unremoved_addresses().empty());  // the removal itself worked
  rig.addresses.FailAdd(kVip, absl::OkStatus());
  rig.addresses.clear_calls();
  rig.RunUntil(down + absl::Seconds(1));
  CHECK(rig.addresses.calls() ==
        std::vector<std::string>{"add 192.0.2.3/24 dev eth0 scope global",
                                 "remove 192.0.2.3/24 dev eth0 scope global"});
  CHECK_FALSE(rig.addresses.Holds(kVip));
  CHECK(rig.state() == RouterState::kBackup);
}

TEST_CASE("A Master that cannot add an excluded address goes to Fault too") {
  InstanceConfig config = Config();
  config.excluded_addresses = {{.address = kExcluded, .prefix_len = 32, .interface = "eth1"}};
  Rig rig(config);
  rig.addresses.FailAdd(kExcluded, kDenied);
  MasterDown(rig);
  CHECK(rig.state() == RouterState::kFault);
  // The address that was added is given back with the mastership.
  CHECK_FALSE(rig.addresses.Holds(kVip));
  REQUIRE(rig.instance->unplaced_addresses().size() == 1);
  CHECK(rig.instance->unplaced_addresses()[0].address == kExcluded);
}

TEST_CASE("The address fault and the caller's fault are ORed: neither clears the other") {
  Rig rig;
  rig.addresses.FailAdd(kVip, kDenied);
  const absl::Time down = MasterDown(rig);
  REQUIRE(rig.instance->address_fault());

  SECTION("the caller's fault is raised and cleared while the address still fails") {
    rig.instance->SetFault(down + absl::Milliseconds(100), true);
    rig.instance->SetFault(down + absl::Milliseconds(200), false);
    CHECK(rig.state() == RouterState::kFault);
    // Its cause came back: the address is probed at once rather than after the backoff.
    CHECK(rig.instance->next_retry() == down + absl::Milliseconds(200));
    rig.RunUntil(down + absl::Milliseconds(200));
    CHECK(rig.state() == RouterState::kFault);
  }
  SECTION("the probe works while the caller's fault is raised: Fault until it clears too") {
    rig.instance->SetFault(down + absl::Milliseconds(100), true);
    rig.addresses.FailAdd(kVip, absl::OkStatus());
    rig.RunUntil(down + absl::Seconds(1));
    CHECK_FALSE(rig.instance->address_fault());
    CHECK(rig.state() == RouterState::kFault);
    rig.instance->SetFault(down + absl::Seconds(2), false);
    CHECK(rig.state() == RouterState::kBackup);
  }
}

TEST_CASE("An address that could not be removed is removed again until it is gone") {
  Rig rig;
  const absl::Time down = MasterDown(rig);
  REQUIRE(rig.addresses.Holds(kVip));
  rig.addresses.Fail(kVip, absl::UnavailableError("RTM_DELADDR: No buffer space (ENOBUFS)"));
  const absl::Time step_down = down + absl::Seconds(5);
  rig.instance->SetFault(step_down, true);  // a tracked check: Master leaves, the removal fails
  CHECK(rig.state() == RouterState::kFault);
  CHECK(rig.addresses.Holds(kVip));
  CHECK(rig.instance->unremoved_addresses().size() == 1);
  CHECK(rig.instance->next_retry() == step_down + absl::Seconds(1));
  rig.RunUntil(step_down + absl::Seconds(1));
  CHECK(rig.instance->next_retry() == step_down + absl::Seconds(3));
  rig.addresses.Fail(kVip, absl::OkStatus());
  rig.RunUntil(step_down + absl::Seconds(3));
  CHECK_FALSE(rig.addresses.Holds(kVip));
  CHECK(rig.instance->unremoved_addresses().empty());
  CHECK(rig.instance->next_retry() == absl::InfiniteFuture());
  // Not an address fault: clearing the caller's fault rejoins the election.
  rig.instance->SetFault(step_down + absl::Seconds(4), false);
  CHECK(rig.state() == RouterState::kBackup);
}

TEST_CASE("A reload that drops the failing address ends the address fault") {
  Rig rig;
  rig.addresses.FailAdd(kVip, kDenied);
  const absl::Time down = MasterDown(rig);
  REQUIRE(rig.state() == RouterState::kFault);
  InstanceConfig next = Config();
  next.addresses = {
      {.address = IpAddress::V4(192, 0, 2, 4), .prefix_len = 24, .interface = "eth0"}};
  REQUIRE(rig.instance->Reconfigure(down + absl::Milliseconds(500), next).ok());
  CHECK_FALSE(rig.instance->address_fault());
  CHECK(rig.state() == RouterState::kBackup);
}

TEST_CASE("On a simulated LAN a Master that cannot add its VIP leaves it to the healthy peer") {
  SimulatedLan lan;
  RouterConfig high = Config().router;
  high.primary_address = kSelf;
  high.virtual_addresses = {kVip};
  RouterConfig low = high;
  low.priority = 100;
  low.primary_address = kPeer;
  auto a = lan.AddRouter("a", high);
  auto b = lan.AddRouter("b", low);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  lan.FailAddresses(*a, kDenied);
  lan.StartAll();
  REQUIRE(lan.RunFor(absl::Seconds(20)).ok());
  CHECK(lan.router(*a).state() == RouterState::kFault);
  CHECK(lan.router(*b).state() == RouterState::kMaster);
  CHECK(lan.Holders(kVip) == std::vector<NodeId>{*b});
  // Fixed: a's probe works, it rejoins as Backup and preempts with its higher priority.
  lan.FailAddresses(*a, absl::OkStatus());
  REQUIRE(lan.RunFor(absl::Seconds(40)).ok());
  CHECK(lan.router(*a).state() == RouterState::kMaster);
  CHECK(lan.Holders(kVip) == std::vector<NodeId>{*a});
}

// --- Leases ---

TEST_CASE("VipLeaseFor covers the longest Master_Down_Interval plus a renewal and a margin") {
  RouterConfig r = Config().router;
  CHECK(VipLeaseFor(r) == 6);  // (3 + 1) × 1 s + 1 s + 1 s
  CHECK(VipLeaseRenewal(r, 6) == absl::Seconds(1));
  r.advert_interval = Centiseconds(10);  // v3, 100 ms: at least 3 s, renewed every 1.5 s
  CHECK(VipLeaseFor(r) == 3);
  CHECK(VipLeaseRenewal(r, 3) == absl::Milliseconds(1500));  // half the lease: 3 - 0.4 - 1 > 1.5
  // A long explicit lease is renewed twice per lease, not once a second.
  CHECK(VipLeaseRenewal(r, 10) == absl::Seconds(5));
  r.advert_interval = Centiseconds(300);
  CHECK(VipLeaseFor(r) == 16);  // 12 + 3 + 1
  CHECK(VipLeaseRenewal(r, 16) == absl::Seconds(3));
  r.down_timer_adverts = 10;
  CHECK(VipLeaseFor(r) == 37);  // 33 + 3 + 1
  // A lease shorter than the longest down interval cannot keep a stalled Master's addresses:
  // renewed as often as the kernel can tell, once a second.
  CHECK(VipLeaseRenewal(r, 6) == absl::Seconds(1));
  CHECK(VipLeaseRenewal(r, 1) == absl::Seconds(1));
  // Every auto lease outlives a stall of any peer's Master_Down_Interval after a renewal period.
  for (int cs : {10, 55, 100, 250, 4095}) {
    r.advert_interval = Centiseconds(cs);
    r.down_timer_adverts = 3;
    INFO(cs);
    const absl::Duration longest_down =
        MasterDownInterval(Version::kV3, 1, r.advert_interval).ToDuration();
    // ... with the margin for a late timer (1 s) left over.
    CHECK(absl::Seconds(VipLeaseFor(r)) >=
          longest_down + VipLeaseRenewal(r, VipLeaseFor(r)) + absl::Seconds(1));
  }
}

TEST_CASE("A leased VIP is added with its lifetime and renewed by the Master only") {
  InstanceConfig config = Config();
  config.vip_lease_seconds = 6;
  Rig rig(config);
  const absl::Time down = MasterDown(rig);
  CHECK(rig.addresses.calls() ==
        std::vector<std::string>{"add 192.0.2.3/24 dev eth0 scope global valid_lft 6 "
                                 "preferred_lft 6"});
  REQUIRE(rig.addresses.held().size() == 1);
  CHECK_FALSE(rig.addresses.held()[0].permanent);
  rig.addresses.clear_calls();
  rig.events.clear();
  (void)rig.Events();
  rig.events.clear();
  // Renewed every second (VipLeaseRenewal), silently.
  rig.RunUntil(down + absl::Seconds(3));
  CHECK(rig.addresses.calls() ==
        std::vector<std::string>(
            3, "add 192.0.2.3/24 dev eth0 scope global valid_lft 6 preferred_lft 6"));
  CHECK(rig.Events().empty());
  // A Backup holds nothing and renews nothing.
  rig.instance->SetFault(down + absl::Seconds(3) + absl::Milliseconds(500), true);
  rig.addresses.clear_calls();
  rig.RunUntil(down + absl::Seconds(30));
  CHECK(rig.addresses.calls().empty());
  CHECK(rig.instance->NextDeadline() == absl::InfiniteFuture());
}

TEST_CASE("A failed renewal is a failed add: the Master goes to Fault before the lease ends") {
  InstanceConfig config = Config();
  config.vip_lease_seconds = 6;
  Rig rig(config);
  const absl::Time down = MasterDown(rig);
  rig.addresses.FailAdd(kVip, kDenied);
  rig.RunUntil(down + absl::Seconds(1));
  CHECK(rig.state() == RouterState::kFault);
  CHECK(rig.LastPriority() == 0);
  CHECK_FALSE(rig.addresses.Holds(kVip));
  CHECK(rig.instance->address_fault());
}

// A Master with a lease on its VIP and an excluded address, deferring its effects as the Driver
// makes it, whose renewal of the excluded address fails; the renewal is due at the returned time.
absl::Time DeferredRenewalFails(Rig& rig) {
  rig.instance->set_defer_effects(true);
  const absl::Time down = MasterDown(rig);
  rig.instance->FlushDeferred(down);  // the takeover's adds
  REQUIRE(rig.state() == RouterState::kMaster);
  REQUIRE(rig.addresses.Holds(kExcluded));
  rig.addresses.FailAdd(kExcluded, kDenied);
  rig.addresses.clear_calls();
  (void)rig.Events();
  rig.events.clear();
  const absl::Time renewal = down + absl::Seconds(1);
  REQUIRE(rig.instance->NextDeadline() == renewal);
  rig.instance->OnTimer(renewal);
  REQUIRE(rig.instance->has_deferred());
  return renewal;
}

TEST_CASE("A batched renewal has the outcome of the instance's own: the failed address faults") {
  InstanceConfig config = Config();
  config.vip_lease_seconds = 6;
  config.excluded_addresses = {{.address = kExcluded, .prefix_len = 32, .interface = "eth1"}};
  // The instance renews by itself (FlushDeferred); the driver's way: TakeRenewals, one AddAll
  // for every instance's addresses (here a manager of its own), OnRenewed.
  Rig own(config);
  Rig batched(config);
  const absl::Time renewal = DeferredRenewalFails(own);
  REQUIRE(DeferredRenewalFails(batched) == renewal);
  own.instance->FlushDeferred(renewal);

  std::vector<VirtualAddress> due;
  REQUIRE(batched.instance->TakeRenewals(renewal, due) == 2);
  const std::string leased = "scope global valid_lft 6 preferred_lft 6";
  REQUIRE(due.size() == 2);
  CHECK(ToString(due[0]) == "192.0.2.3/24 dev eth0 " + leased);
  CHECK(ToString(due[1]) == "198.51.100.3/32 dev eth1 " + leased);
  CHECK_FALSE(batched.instance->has_deferred());  // taken: FlushDeferred would not renew again
  const std::vector<absl::Status> statuses = batched.addresses.AddAll(due);
  REQUIRE(statuses.size() == 2);
  CHECK(statuses[0].ok());
  CHECK(statuses[1] == kDenied);
  batched.instance->OnRenewed(renewal, statuses);

  // The same adds, events, fault, probe schedule and resignation either way.
  CHECK(batched.addresses.calls() == own.addresses.calls());
  CHECK(batched.Events() == own.Events());
  CHECK(batched.Logged("VI_1 address_added 198.51.100.3/32 dev eth1 " + leased +
                       ": PERMISSION_DENIED: RTM_NEWADDR: Operation not permitted (EPERM)"));
  CHECK(batched.Logged("VI_1 transition MASTER -> FAULT (fault)"));
  CHECK(batched.state() == RouterState::kFault);
  CHECK(batched.instance->address_fault());
  CHECK(batched.LastPriority() == 0);
  CHECK(batched.instance->unplaced_addresses() == own.instance->unplaced_addresses());
  REQUIRE(batched.instance->unplaced_addresses().size() == 1);
  CHECK(batched.instance->unplaced_addresses()[0].address == kExcluded);
  CHECK(batched.instance->next_retry() == renewal + absl::Seconds(1));
  CHECK(batched.instance->next_retry() == own.instance->next_retry());
  CHECK_FALSE(batched.addresses.Holds(kVip));  // resigned: removed, as by the instance itself
  CHECK_FALSE(own.addresses.Holds(kVip));
}

TEST_CASE("A renewal is batched only when nothing else waits, and never for a Backup") {
  InstanceConfig config = Config();
  config.vip_lease_seconds = 6;
  Rig rig(config);
  rig.instance->set_defer_effects(true);
  std::vector<VirtualAddress> due;
  // Nothing due: nothing taken.
  CHECK(rig.instance->TakeRenewals(kT0, due) == 0);
  const absl::Time down = MasterDown(rig);
  // The takeover's adds wait: the renewal may not overtake them (it is not due yet anyway).
  REQUIRE(rig.instance->has_deferred());
  CHECK(rig.instance->TakeRenewals(down, due) == 0);
  CHECK(rig.instance->has_deferred());
  rig.instance->FlushDeferred(down);
  rig.addresses.clear_calls();
  // Due, then out of Master before the driver took it (a fault, which carries out what waits
  // first): no renewal, only the resignation's removal, as before.
  const absl::Time renewal = down + absl::Seconds(1);
  rig.instance->OnTimer(renewal);
  rig.instance->SetFault(renewal, true);  // not hot: carries out what waits, then resigns
  CHECK(rig.instance->TakeRenewals(renewal, due) == 0);
  CHECK(due.empty());
  CHECK_FALSE(rig.instance->has_deferred());
  CHECK(rig.addresses.calls() ==
        std::vector<std::string>{"remove 192.0.2.3/24 dev eth0 scope global"});
  // A lost answer (a manager that gave fewer statuses than addresses) is a failed renewal.
  Rig short_answer(config);
  short_answer.instance->set_defer_effects(true);
  const absl::Time down2 = MasterDown(short_answer);
  short_answer.instance->FlushDeferred(down2);
  short_answer.instance->OnTimer(down2 + absl::Seconds(1));
  REQUIRE(short_answer.instance->TakeRenewals(down2 + absl::Seconds(1), due) == 1);
  short_answer.instance->OnRenewed(down2 + absl::Seconds(1), {});
  CHECK(short_answer.state() == RouterState::kFault);
  CHECK(
      short_answer.Logged("VI_1 address_added 192.0.2.3/24 dev eth0 scope global valid_lft 6 "
                          "preferred_lft 6: INTERNAL: no outcome for the renewal of "
                          "192.0.2.3/24 dev eth0 scope global"));
}

TEST_CASE("An owner's addresses are never leased: they are the interface's own") {
  InstanceConfig config = Config();
  config.router.priority = 255;
  config.vip_lease_seconds = 6;
  Rig rig(config);
  rig.instance->Start(kT0);
  REQUIRE(rig.state() == RouterState::kMaster);
  CHECK(rig.addresses.calls() ==
        std::vector<std::string>{"add 192.0.2.3/24 dev eth0 scope global"});
  CHECK(rig.instance->NextDeadline() == kT0 + absl::Seconds(1));  // the advertisement only
  rig.RunUntil(kT0 + absl::Seconds(5));
  CHECK(rig.addresses.calls().size() == 1);
}

TEST_CASE("With deferred effects a renewal waits for FlushDeferred, behind the advertisements") {
  InstanceConfig config = Config();
  config.vip_lease_seconds = 6;
  Rig rig(config);
  const absl::Time down = MasterDown(rig);
  rig.instance->set_defer_effects(true);
  rig.addresses.clear_calls();
  rig.transport.clear_sent();
  rig.instance->OnTimer(down + absl::Seconds(1));  // advertisement and renewal both due
  CHECK(rig.transport.sent().size() == 1);
  CHECK(rig.addresses.calls().empty());
  CHECK(rig.instance->has_deferred());
  rig.instance->FlushDeferred(down + absl::Seconds(1));
  CHECK(rig.addresses.calls().size() == 1);
  CHECK_FALSE(rig.instance->has_deferred());
  CHECK(rig.instance->NextDeadline() == down + absl::Seconds(2));
}

TEST_CASE("A reload that changes the lease renews at once, and 0 makes the VIP permanent again") {
  InstanceConfig config = Config();
  config.vip_lease_seconds = 6;
  Rig rig(config);
  const absl::Time down = MasterDown(rig);
  rig.addresses.clear_calls();
  config.vip_lease_seconds = 9;
  REQUIRE(rig.instance->Reconfigure(down + absl::Milliseconds(100), config).ok());
  CHECK(rig.addresses.calls() ==
        std::vector<std::string>{
            "add 192.0.2.3/24 dev eth0 scope global valid_lft 9 preferred_lft 9"});
  rig.addresses.clear_calls();
  config.vip_lease_seconds = 0;
  REQUIRE(rig.instance->Reconfigure(down + absl::Milliseconds(200), config).ok());
  CHECK(rig.addresses.calls() ==
        std::vector<std::string>{"remove 192.0.2.3/24 dev eth0 scope global",
                                 "add 192.0.2.3/24 dev eth0 scope global"});
  REQUIRE(rig.addresses.held().size() == 1);
  CHECK(rig.addresses.held()[0].permanent);
  CHECK(rig.state() == RouterState::kMaster);
}

TEST_CASE("Start-up reconciliation removes a leased VIP an earlier run left behind") {
  testing::FakeAddressManager manager;
  VirtualAddress vip = Config().addresses[0];
  VirtualAddress leased = vip;
  leased.lease_seconds = 6;
  REQUIRE(manager.Add(leased).ok());
  auto removed = RemoveLeftoverAddresses(manager, "eth0", absl::MakeConstSpan(&vip, 1));
  REQUIRE(removed.ok());
  REQUIRE(removed->size() == 1);
  CHECK_FALSE((*removed)[0].permanent);
  CHECK_FALSE(manager.Holds(kVip));
}

TEST_CASE("A lease shorter than 3 s or longer than a day is refused, naming the instance") {
  InstanceConfig config = Config();
  config.vip_lease_seconds = kMaxLeaseSeconds + 1;
  absl::Status s = ValidateInstanceConfig(config);
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK(s.message() == "VI_1: vip_lease_time 86401 is out of range 3..86400 (0: permanent)");
  config.vip_lease_seconds = 2;  // could lapse between two renewals a second apart
  CHECK(ValidateInstanceConfig(config).message() ==
        "VI_1: vip_lease_time 2 is out of range 3..86400 (0: permanent)");
  config.vip_lease_seconds = 3;
  CHECK(ValidateInstanceConfig(config).ok());
}

}  // namespace
}  // namespace vrrp
