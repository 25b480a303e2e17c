// vrrp::testing's fakes keep the contracts of the interfaces they stand for (idempotent address
// changes, a transport that skips what does not fit), so a test that passes on them means
// something for the real ones.
#include <array>
#include <catch2/catch.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "vrrp/testing/fakes.h"

namespace vrrp::testing {
namespace {

const IpAddress kA = IpAddress::V4(192, 0, 2, 5);
const IpAddress kB = IpAddress::V4(192, 0, 2, 6);
const IpAddress kVip = IpAddress::V4(192, 0, 2, 3);

VirtualAddress Vip(uint8_t prefix, std::string interface = "eth0") {
  return {.address = kVip, .prefix_len = prefix, .interface = std::move(interface)};
}

TEST_CASE("FakeTransport records sends, fails when told, and hands back queued packets") {
  FakeTransport t;
  const std::vector<uint8_t> bytes = {0x31, 0x32, 0x96};
  REQUIRE(t.Send(bytes, kA, kMulticastGroupV4).ok());
  REQUIRE(t.sent().size() == 1);
  CHECK(t.sent()[0].payload == bytes);
  CHECK(t.sent()[0].source == kA);
  CHECK(t.sent()[0].destination == kMulticastGroupV4);

  t.FailSends(absl::UnavailableError("sendmsg: Network is down"));
  CHECK(t.Send(bytes, kA, kB).code() == absl::StatusCode::kUnavailable);
  CHECK(t.sent().size() == 1);
  CHECK(t.failed_sends() == 1);
  t.FailSends(absl::OkStatus());
  CHECK(t.Send(bytes, kA, kB).ok());
  t.clear_sent();
  CHECK(t.sent().empty());

  std::array<uint8_t, 4> buffer{};
  t.QueueReceived({1, 2, 3, 4, 5}, {.source = kB, .destination = kMulticastGroupV4});  // too big
  t.QueueReceived({7, 8}, {.source = kB, .destination = kMulticastGroupV4, .ttl = 64}, 3);
  absl::StatusOr<std::optional<ReceivedPacket>> got = t.Receive(absl::MakeSpan(buffer));
  REQUIRE(got.ok());
  REQUIRE(got->has_value());
  CHECK(std::vector<uint8_t>((*got)->payload.begin(), (*got)->payload.end()) ==
        std::vector<uint8_t>{7, 8});
  CHECK((*got)->info.source == kB);
  CHECK(int((*got)->info.ttl) == 64);
  CHECK((*got)->ifindex == 3);
  CHECK(t.skipped() == 1);
  got = t.Receive(absl::MakeSpan(buffer));
  REQUIRE(got.ok());
  CHECK_FALSE(got->has_value());
  t.FailReceive(absl::InternalError("recvmsg"));
  CHECK(t.Receive(absl::MakeSpan(buffer)).status().code() == absl::StatusCode::kInternal);
}

TEST_CASE("FakeAddressManager is idempotent per interface, address and prefix, as the kernel") {
  FakeAddressManager m;
  REQUIRE(m.Add(Vip(24)).ok());
  REQUIRE(m.Add(Vip(24)).ok());  // already there: success, still once
  CHECK(m.held().size() == 1);
  REQUIRE(m.Add(Vip(32, "eth1")).ok());
  CHECK(m.held().size() == 2);
  CHECK(m.addresses() == std::set<IpAddress>{kVip});
  REQUIRE(m.List("eth1").ok());
  CHECK(m.List("eth1")->size() == 1);
  REQUIRE(m.Remove(Vip(32)).ok());  // not on eth0 with /32: nothing to do
  CHECK(m.held().size() == 2);
  REQUIRE(m.Remove(Vip(24)).ok());
  CHECK(m.List("eth0")->empty());
  CHECK(m.calls() == std::vector<std::string>{
                         "add 192.0.2.3/24 dev eth0 scope global",
                         "add 192.0.2.3/24 dev eth0 scope global",
                         "add 192.0.2.3/32 dev eth1 scope global",
                         "remove 192.0.2.3/32 dev eth0 scope global",
                         "remove 192.0.2.3/24 dev eth0 scope global",
                     });

  m.Fail(kVip, absl::PermissionDeniedError("RTM_DELADDR"));
  CHECK(m.Remove(Vip(32, "eth1")).code() == absl::StatusCode::kPermissionDenied);
  CHECK(m.Holds(kVip));
  m.Fail(kVip, absl::OkStatus());
  CHECK(m.Remove(Vip(32, "eth1")).ok());
  CHECK_FALSE(m.Holds(kVip));
  m.FailList(absl::NotFoundError("no eth0"));
  CHECK(m.List("eth0").status().code() == absl::StatusCode::kNotFound);
}

TEST_CASE("FakeAnnouncer counts per address and fails when told") {
  FakeAnnouncer a;
  REQUIRE(a.Announce(kVip).ok());
  REQUIRE(a.Announce(kVip).ok());
  REQUIRE(a.Announce(kA).ok());
  CHECK(a.count(kVip) == 2);
  CHECK(a.count(kB) == 0);
  CHECK(a.announced() == std::vector<IpAddress>{kVip, kVip, kA});
  a.Fail(absl::UnavailableError("link down"));
  CHECK_FALSE(a.Announce(kVip).ok());
  CHECK(a.count(kVip) == 2);
  a.clear();
  CHECK(a.announced().empty());
  CHECK(a.count(kVip) == 0);
}

}  // namespace
}  // namespace vrrp::testing
