// NoAcceptGate (vrrp/linux/no_accept_gate.h) over vrrp::testing's FakeAddressManager and a
// filter that records its calls in the same list, without root: which addresses are filtered,
// in which order against the address itself, what a failure leaves, and what a reload changes.
#include "vrrp/linux/no_accept_gate.h"

#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "fmt/format.h"
#include "vrrp/testing/fakes.h"

namespace vrrp::os {
namespace {

using testing::FakeAddressManager;

// Records "block 192.0.2.3" / "unblock 192.0.2.3" into `log`; fails what Fail() names.
class RecordingFilter final : public AddressFilter {
 public:
  explicit RecordingFilter(std::vector<std::string>& log) : log_(log) {}
  absl::Status Block(const VirtualAddress& vip) override { return Call("block", vip); }
  absl::Status Unblock(const VirtualAddress& vip) override { return Call("unblock", vip); }
  void Fail(std::string call, absl::Status status) { failures_[call] = std::move(status); }

 private:
  absl::Status Call(std::string_view what, const VirtualAddress& vip) {
    const std::string call = fmt::format("{} {}", what, vip.address);
    log_.push_back(call);
    auto it = failures_.find(call);
    return it == failures_.end() ? absl::OkStatus() : it->second;
  }
  std::vector<std::string>& log_;
  std::map<std::string, absl::Status> failures_;
};

// The fake manager's calls, shortened to "add 192.0.2.3" / "remove 192.0.2.3", in one list
// with the filter's.
class RecordingManager final : public AddressManager {
 public:
  RecordingManager(FakeAddressManager& fake, std::vector<std::string>& log)
      : fake_(fake), log_(log) {}
  absl::Status Add(const VirtualAddress& vip) override {
    log_.push_back(fmt::format("add {}", vip.address));
    return fake_.Add(vip);
  }
  std::vector<absl::Status> AddAll(absl::Span<const VirtualAddress> vips) override {
    log_.push_back(fmt::format("add_all {}", vips.size()));
    return AddressManager::AddAll(vips);  // an "add" each
  }
  absl::Status Remove(const VirtualAddress& vip) override {
    log_.push_back(fmt::format("remove {}", vip.address));
    return fake_.Remove(vip);
  }
  absl::StatusOr<std::vector<InterfaceAddress>> List(std::string_view interface) override {
    return fake_.List(interface);
  }

 private:
  FakeAddressManager& fake_;
  std::vector<std::string>& log_;
};

VirtualAddress Vip(std::string_view address, std::string interface = "eth0") {
  return {.address = *IpAddress::Parse(address), .prefix_len = 24, .interface = interface};
}

struct Bench {
  std::vector<std::string> log;
  FakeAddressManager addresses;
  RecordingFilter filter{log};
  NoAcceptGate gate{filter};
  std::unique_ptr<AddressManager> manager =
      gate.Wrap(std::make_unique<RecordingManager>(addresses, log));

  std::vector<std::string> Take() { return std::exchange(log, {}); }
};

using Calls = std::vector<std::string>;

// The Driver looks under the gate for the netlink manager (its renewals' notifications).
TEST_CASE("NoAcceptGate: the wrapped manager is the one it passes calls on to") {
  std::vector<std::string> log;
  FakeAddressManager addresses;
  RecordingFilter filter{log};
  NoAcceptGate gate{filter};
  auto inner = std::make_unique<RecordingManager>(addresses, log);
  AddressManager* const raw = inner.get();
  std::unique_ptr<AddressManager> manager = gate.Wrap(std::move(inner));
  CHECK(manager->wrapped() == raw);
  CHECK(raw->wrapped() == nullptr);
}

TEST_CASE("NoAcceptGate: the filter goes on before the address and off after it") {
  Bench b;
  REQUIRE(b.gate.SetNoAccept({Vip("192.0.2.3")}).ok());
  REQUIRE(b.manager->Add(Vip("192.0.2.3")).ok());
  REQUIRE(b.manager->Remove(Vip("192.0.2.3")).ok());
  CHECK(b.Take() ==
        Calls{"block 192.0.2.3", "add 192.0.2.3", "remove 192.0.2.3", "unblock 192.0.2.3"});
  CHECK(b.gate.held() == 0);
  CHECK(b.gate.blocked() == 0);
}

TEST_CASE(
    "NoAcceptGate: addresses that accept traffic, or on another interface, pass as they are") {
  Bench b;
  REQUIRE(b.gate.SetNoAccept({Vip("192.0.2.3")}).ok());
  REQUIRE(b.manager->Add(Vip("192.0.2.4")).ok());
  REQUIRE(b.manager->Add(Vip("192.0.2.3", "eth1")).ok());
  REQUIRE(b.manager->Remove(Vip("192.0.2.4")).ok());
  CHECK(b.Take() == Calls{"add 192.0.2.4", "add 192.0.2.3", "remove 192.0.2.4"});
  CHECK(b.addresses.Holds(*IpAddress::Parse("192.0.2.3")));
}

TEST_CASE("NoAcceptGate: renewing a held address's lease costs no filter call") {
  Bench b;
  REQUIRE(b.gate.SetNoAccept({Vip("192.0.2.3")}).ok());
  VirtualAddress leased = Vip("192.0.2.3");
  leased.lease_seconds = 6;
  for (int i = 0; i < 3; ++i) REQUIRE(b.manager->Add(leased).ok());
  CHECK(b.Take() == Calls{"block 192.0.2.3", "add 192.0.2.3", "add 192.0.2.3", "add 192.0.2.3"});
  // Removing one that is not held (start-up's leftover removal) touches no rule.
  REQUIRE(b.manager->Remove(Vip("192.0.2.9")).ok());
  CHECK(b.Take() == Calls{"remove 192.0.2.9"});
}

TEST_CASE("NoAcceptGate: AddAll filters as Add does and passes the batch on as one") {
  Bench b;
  REQUIRE(b.gate.SetNoAccept({Vip("192.0.2.3"), Vip("192.0.2.5"), Vip("192.0.2.6")}).ok());
  b.filter.Fail("block 192.0.2.5", absl::InternalError("blocking 192.0.2.5: Error: x"));
  b.addresses.FailAdd(*IpAddress::Parse("192.0.2.6"), absl::PermissionDeniedError("EPERM"));
  std::vector<VirtualAddress> batch = {Vip("192.0.2.3"), Vip("192.0.2.4"), Vip("192.0.2.5"),
                                       Vip("192.0.2.6")};
  for (VirtualAddress& vip : batch) vip.lease_seconds = 6;
  std::vector<absl::Status> statuses = b.manager->AddAll(batch);
  REQUIRE(statuses.size() == 4);
  CHECK(statuses[0].ok());
  CHECK(statuses[1].ok());
  CHECK(statuses[2].message() == "blocking 192.0.2.5: Error: x");  // not added: not passed on
  CHECK(statuses[3].code() == absl::StatusCode::kPermissionDenied);
  CHECK(b.Take() == Calls{"block 192.0.2.3", "block 192.0.2.5", "block 192.0.2.6", "add_all 3",
                          "add 192.0.2.3", "add 192.0.2.4", "add 192.0.2.6", "unblock 192.0.2.6"});
  CHECK(b.gate.held() == 2);
  CHECK(b.gate.blocked() == 1);
  // The next renewal of the held ones costs no filter call.
  statuses = b.manager->AddAll(absl::MakeConstSpan(batch).subspan(0, 2));
  CHECK(b.Take() == Calls{"add_all 2", "add 192.0.2.3", "add 192.0.2.4"});
}

TEST_CASE("NoAcceptGate: an address whose filter fails is not added, with the filter's error") {
  Bench b;
  REQUIRE(b.gate.SetNoAccept({Vip("192.0.2.3")}).ok());
  b.filter.Fail("block 192.0.2.3",
                absl::InternalError("nftables table inet vrrpd: blocking 192.0.2.3: Error: x"));
  absl::Status s = b.manager->Add(Vip("192.0.2.3"));
  CHECK(s.message() == "nftables table inet vrrpd: blocking 192.0.2.3: Error: x");
  CHECK(b.Take() == Calls{"block 192.0.2.3"});
  CHECK_FALSE(b.addresses.Holds(*IpAddress::Parse("192.0.2.3")));
  // Once the filter works, the Driver's retry adds it, filtered.
  b.filter.Fail("block 192.0.2.3", absl::OkStatus());
  REQUIRE(b.manager->Add(Vip("192.0.2.3")).ok());
  CHECK(b.Take() == Calls{"block 192.0.2.3", "add 192.0.2.3"});
}

TEST_CASE("NoAcceptGate: an address that cannot be added leaves no rule behind") {
  Bench b;
  REQUIRE(b.gate.SetNoAccept({Vip("192.0.2.3")}).ok());
  b.addresses.FailAdd(*IpAddress::Parse("192.0.2.3"), absl::PermissionDeniedError("EPERM"));
  CHECK(b.manager->Add(Vip("192.0.2.3")).code() == absl::StatusCode::kPermissionDenied);
  CHECK(b.Take() == Calls{"block 192.0.2.3", "add 192.0.2.3", "unblock 192.0.2.3"});
  CHECK(b.gate.blocked() == 0);
}

TEST_CASE("NoAcceptGate: an address that cannot be removed stays filtered") {
  Bench b;
  REQUIRE(b.gate.SetNoAccept({Vip("192.0.2.3")}).ok());
  REQUIRE(b.manager->Add(Vip("192.0.2.3")).ok());
  b.addresses.Fail(*IpAddress::Parse("192.0.2.3"), absl::InternalError("EBUSY"));
  b.Take();
  CHECK_FALSE(b.manager->Remove(Vip("192.0.2.3")).ok());
  CHECK(b.Take() == Calls{"remove 192.0.2.3"});
  CHECK(b.gate.blocked() == 1);
  b.addresses.Fail(*IpAddress::Parse("192.0.2.3"), absl::OkStatus());
  REQUIRE(b.manager->Remove(Vip("192.0.2.3")).ok());
  CHECK(b.Take() == Calls{"remove 192.0.2.3", "unblock 192.0.2.3"});
}

TEST_CASE("NoAcceptGate: a reload filters or frees the addresses held now") {
  Bench b;
  REQUIRE(b.gate.SetNoAccept({}).ok());
  REQUIRE(b.manager->Add(Vip("192.0.2.3")).ok());
  REQUIRE(b.manager->Add(Vip("192.0.2.4")).ok());
  b.Take();
  // 192.0.2.3's instance becomes no_accept while Master; 192.0.2.5 is not held.
  REQUIRE(b.gate.SetNoAccept({Vip("192.0.2.3"), Vip("192.0.2.5")}).ok());
  CHECK(b.Take() == Calls{"block 192.0.2.3"});
  CHECK(b.gate.blocked() == 1);
  REQUIRE(b.gate.SetNoAccept({Vip("192.0.2.3"), Vip("192.0.2.5")}).ok());
  CHECK(b.Take().empty());  // nothing changed, nothing done
  // And back to accept: the rule goes, the address stays.
  REQUIRE(b.gate.SetNoAccept({}).ok());
  CHECK(b.Take() == Calls{"unblock 192.0.2.3"});
  CHECK(b.addresses.Holds(*IpAddress::Parse("192.0.2.3")));
}

TEST_CASE("NoAcceptGate: a reload's filter failure is returned, and tried again at the next") {
  Bench b;
  REQUIRE(b.manager->Add(Vip("192.0.2.3")).ok());
  b.filter.Fail("block 192.0.2.3", absl::InternalError("no nf_tables"));
  CHECK(b.gate.SetNoAccept({Vip("192.0.2.3")}).message() == "no nf_tables");
  CHECK(b.gate.blocked() == 0);
  b.filter.Fail("block 192.0.2.3", absl::OkStatus());
  b.Take();
  REQUIRE(b.gate.SetNoAccept({Vip("192.0.2.3")}).ok());
  CHECK(b.Take() == Calls{"block 192.0.2.3"});
}

}  // namespace
}  // namespace vrrp::os
