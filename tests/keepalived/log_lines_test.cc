#include "vrrp/keepalived/log_lines.h"

#include <catch2/catch.hpp>

namespace vrrp::keepalived {
namespace {

using Kind = vrrp::InstanceEvent::Kind;
using Level = LogLevel;
using vrrp::RouterState;
using vrrp::TransitionReason;

vrrp::InstanceEvent Transition(RouterState from, RouterState to, TransitionReason reason) {
  vrrp::InstanceEvent e;
  e.kind = Kind::kTransition;
  e.instance = "VI_1";
  e.transition = {.from = from, .to = to, .reason = reason};
  return e;
}

std::vector<std::string> Texts(const std::vector<LogLine>& lines) {
  std::vector<std::string> texts;
  for (const LogLine& l : lines) texts.push_back(l.text);
  return texts;
}

TEST_CASE("vrrpd log: transitions read as keepalived 2.2.7 logs them, VIP lines in detail") {
  const EventContext context{.interface = "eth0",
                             .effective_priority = 100,
                             .master = vrrp::IpAddress::V4(192, 0, 2, 5),
                             .master_priority = 150};
  using V = std::vector<std::string>;
  CHECK(Texts(EventLogLines(
            Transition(RouterState::kInitialize, RouterState::kBackup, TransitionReason::kStartup),
            context)) == V{"(VI_1) Entering BACKUP STATE (init)"});
  CHECK(Texts(EventLogLines(Transition(RouterState::kBackup, RouterState::kMaster,
                                       TransitionReason::kMasterDownTimer),
                            context)) == V{"(VI_1) Receive advertisement timeout",
                                           "(VI_1) Entering MASTER STATE", "(VI_1) setting VIPs."});
  CHECK(Texts(EventLogLines(Transition(RouterState::kMaster, RouterState::kBackup,
                                       TransitionReason::kHigherPriorityReceived),
                            context)) ==
        V{"(VI_1) Master received advert from 192.0.2.5 with higher priority 150, ours 100",
          "(VI_1) removing VIPs.", "(VI_1) Entering BACKUP STATE"});
  CHECK(Texts(EventLogLines(
            Transition(RouterState::kMaster, RouterState::kFault, TransitionReason::kFault),
            context)) == V{"(VI_1) removing VIPs.", "(VI_1) Entering FAULT STATE"});
  CHECK(Texts(EventLogLines(
            Transition(RouterState::kMaster, RouterState::kInitialize, TransitionReason::kShutdown),
            context)) == V{"(VI_1) sent 0 priority", "(VI_1) removing VIPs."});
  CHECK(EventLogLines(
            Transition(RouterState::kBackup, RouterState::kInitialize, TransitionReason::kShutdown),
            context)
            .empty());
}

TEST_CASE("vrrpd log: a wrong password and a refused source are always logged, others in detail") {
  vrrp::InstanceEvent e;
  e.kind = Kind::kDrop;
  e.instance = "VI_1";
  e.peer = vrrp::IpAddress::V4(192, 0, 2, 6);
  e.drop = vrrp::DropReason::kAuthFailure;
  auto lines = EventLogLines(e, {});
  REQUIRE(lines.size() == 1);
  CHECK(lines[0] == LogLine{Level::kInfo, "(VI_1) received an invalid passwd!"});
  // AH with another key: keepalived's IPSEC-AH line, always.
  e.drop = vrrp::DropReason::kAhIcv;
  lines = EventLogLines(e, {});
  REQUIRE(lines.size() == 1);
  CHECK(lines[0] == LogLine{Level::kInfo,
                            "(VI_1) IPSEC-AH : invalid IPSEC HMAC-MD5 value. Due to fields "
                            "mutation or bad password !"});
  // check_unicast_src refused the source: asked for, so always logged.
  e.drop = vrrp::DropReason::kPeer;
  lines = EventLogLines(e, {});
  REQUIRE(lines.size() == 1);
  CHECK(lines[0] == LogLine{Level::kInfo,
                            "(VI_1) advertisement from 192.0.2.6 dropped: not a unicast_peer "
                            "(check_unicast_src)"});
  e.drop = vrrp::DropReason::kChecksum;
  lines = EventLogLines(e, {});
  REQUIRE(lines.size() == 1);
  CHECK(lines[0] ==
        LogLine{Level::kDetail, "(VI_1) advertisement from 192.0.2.6 dropped: checksum"});
}

TEST_CASE("vrrpd log: addresses and announcements, failures are errors") {
  vrrp::InstanceEvent e;
  e.instance = "VI_1";
  e.address = vrrp::VirtualAddress{
      .address = vrrp::IpAddress::V4(192, 0, 2, 3), .prefix_len = 24, .interface = "eth0"};
  e.kind = Kind::kAnnounced;
  e.count = 5;
  auto lines = EventLogLines(e, {.interface = "eth0"});
  REQUIRE(lines.size() == 1);
  CHECK(lines[0] ==
        LogLine{Level::kDetail, "(VI_1) Sending/queueing gratuitous ARPs on eth0 for 192.0.2.3"});
  e.kind = Kind::kAddressAdded;
  e.status = absl::PermissionDeniedError("RTM_NEWADDR: Operation not permitted");
  lines = EventLogLines(e, {});
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].level == Level::kError);
  CHECK(lines[0].text.find("(VI_1) cannot add VIP 192.0.2.3/24") == 0);
  CHECK(lines[0].text.find("Operation not permitted") != std::string::npos);
}

TEST_CASE("vrrpd log: a send failed on a link gone down is a warning, any other an error") {
  vrrp::InstanceEvent e;
  e.instance = "VI_1";
  e.kind = Kind::kSendFailed;
  e.peer = vrrp::IpAddress::V4(224, 0, 0, 18);
  e.status = absl::UnavailableError("sendmmsg on eth0: Network is unreachable (ENETUNREACH)");
  auto lines = EventLogLines(e, {});
  REQUIRE(lines.size() == 1);
  CHECK(lines[0] == LogLine{Level::kWarning,
                            "(VI_1) cannot send advertisement to 224.0.0.18: sendmmsg on eth0: "
                            "Network is unreachable (ENETUNREACH)"});
  e.status = absl::InvalidArgumentError("sendmmsg on eth0: Invalid argument (EINVAL)");
  lines = EventLogLines(e, {});
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].level == Level::kError);
}

TEST_CASE("vrrpd log: IPv6 announcements are unsolicited neighbour adverts") {
  vrrp::InstanceEvent e;
  e.instance = "VI_6";
  e.kind = Kind::kAnnounced;
  auto ip = vrrp::IpAddress::Parse("2001:db8::3");
  REQUIRE(ip.ok());
  e.address = vrrp::VirtualAddress{.address = *ip, .prefix_len = 64, .interface = "eth0"};
  auto lines = EventLogLines(e, {});
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].text ==
        "(VI_6) Sending/queueing Unsolicited Neighbour Adverts on eth0 for 2001:db8::3");
}

TEST_CASE("vrrpd log: refused packets are logged once per 10 s per instance and reason") {
  DropLogLimiter limiter;
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  uint64_t suppressed = 99;
  CHECK(limiter.Admit("VI_1", vrrp::DropReason::kAuthFailure, t0, suppressed));
  CHECK(suppressed == 0);
  for (int i = 1; i <= 9; ++i) {
    CHECK_FALSE(
        limiter.Admit("VI_1", vrrp::DropReason::kAuthFailure, t0 + absl::Seconds(i), suppressed));
  }
  // Another reason, another instance: their own budget.
  CHECK(limiter.Admit("VI_1", vrrp::DropReason::kChecksum, t0 + absl::Seconds(1), suppressed));
  CHECK(limiter.Admit("VI_2", vrrp::DropReason::kAuthFailure, t0 + absl::Seconds(1), suppressed));
  CHECK(limiter.Admit("VI_1", vrrp::DropReason::kAuthFailure, t0 + absl::Seconds(10), suppressed));
  CHECK(suppressed == 9);
}

}  // namespace
}  // namespace vrrp::keepalived
