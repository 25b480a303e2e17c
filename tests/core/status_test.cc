// InstanceStatus as JSON (vrrpd's status file, an embedder's status endpoint), RouterStats'
// counters as JSON, and the string escaping under both (RFC 8259 §7).
#include "vrrp/status.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "fmt/format.h"
#include "vrrp/json.h"

namespace vrrp {
namespace {

TEST_CASE("JSON: strings are quoted and escaped as RFC 8259 §7 requires") {
  CHECK(JsonString("") == R"("")");
  CHECK(JsonString("192.0.2.3") == R"("192.0.2.3")");
  CHECK(JsonString("a\"b") == R"("a\"b")");
  CHECK(JsonString("a\\b") == R"("a\\b")");
  CHECK(JsonString("l1\nl2\tx\r\b\f") == R"("l1\nl2\tx\r\b\f")");
  CHECK(JsonString(std::string_view("\x01\x1f\x7f", 3)) == R"("\u0001\u001f\u007f")");
  CHECK(JsonString(std::string_view("\0", 1)) == R"("\u0000")");
  CHECK(JsonString("caf\xc3\xa9") == "\"caf\xc3\xa9\"");             // UTF-8 passes through
  CHECK(JsonString("/etc/keepalived/") == R"("/etc/keepalived/")");  // '/' needs no escape
}

TEST_CASE("JSON: string arrays on one line") {
  CHECK(JsonStringArray({}) == "[]");
  CHECK(JsonStringArray({"VI_1"}) == R"(["VI_1"])");
  const std::vector<std::string> names = {"VI_1", "say \"hi\""};
  CHECK(JsonStringArray(names) == R"(["VI_1", "say \"hi\""])");
}

TEST_CASE("Status: RouterStats counters under keepalived's names, every drop reason") {
  RouterStats s;
  s.become_master = 1;
  s.release_master = 2;
  s.advert_rcvd = 3;
  s.advert_sent = 4;
  s.pri_zero_rcvd = 5;
  s.pri_zero_sent = 6;
  s.drops.Count(DropReason::kAuthFailure);
  s.drops.Count(DropReason::kAuthFailure);
  s.drops.Count(DropReason::kPeer);
  CHECK(RouterStatsJson(s) ==
        "{\"become_master\": 1, \"release_master\": 2, \"advert_rcvd\": 3, \"advert_sent\": 4, "
        "\"pri_zero_rcvd\": 5, \"pri_zero_sent\": 6, \"drops\": {\"too_short\": 0, "
        "\"version\": 0, \"type\": 0, \"checksum\": 0, \"length\": 0, \"ttl\": 0, "
        "\"invalid_auth_type\": 0, \"auth_type_mismatch\": 0, \"auth_failure\": 2, \"vrid\": 0, "
        "\"interval\": 0, \"address_list\": 0, \"family\": 0, \"peer\": 1, \"ah_short\": 0, "
        "\"ah_header\": 0, \"ah_icv\": 0, \"ah_spi\": 0, \"ah_replay\": 0, \"distrusted\": 0}}");
  // Every reason but kNone, each once.
  const std::string json = RouterStatsJson(RouterStats{});
  for (size_t i = 1; i < kDropReasonCount; ++i) {
    const std::string key = fmt::format("\"{}\": ", DropReasonName(static_cast<DropReason>(i)));
    INFO(key);
    CHECK(json.find(key) != std::string::npos);
  }
  CHECK(json.find("\"none\"") == std::string::npos);
}

InstanceStatus Master() {
  InstanceStatus s;
  s.name = "VI_1";
  s.interface = "eth0";
  s.vrid = 50;
  s.version = 2;
  s.state = RouterState::kMaster;
  s.priority = 150;
  s.effective_priority = 130;
  s.addresses = {"192.0.2.3/24"};
  s.stats.become_master = 1;
  s.stats.last_transition_reason = TransitionReason::kMasterDownTimer;
  return s;
}

TEST_CASE("Status: an instance over six lines, lined up inside its brace") {
  const InstanceStatus s = Master();
  CHECK(InstanceStatusJson(s) ==
        "{\"name\": \"VI_1\", \"interface\": \"eth0\", \"vrid\": 50, \"version\": 2, "
        "\"family\": \"ipv4\",\n"
        " \"state\": \"MASTER\", \"priority\": 150, \"effective_priority\": 130,\n"
        " \"addresses\": [\"192.0.2.3/24\"], \"fault\": false, \"fault_reasons\": [], "
        "\"master\": null,\n"
        " \"last_transition_reason\": \"master_down_timer\",\n"
        " \"stats\": " +
            RouterStatsJson(s.stats) +
            ",\n"
            " \"vip_conflicts\": {\"claims\": 0, \"yields\": 0, \"reclaims\": 0, "
            "\"rejoins\": 0, \"probes\": 0, \"black_holes\": 0, \"takeovers\": 0}}");
  // Indented as an item of an array: the first line by `indent`, the others by one more.
  CHECK(InstanceStatusJson(s, 4) ==
        "    {\"name\": \"VI_1\", \"interface\": \"eth0\", \"vrid\": 50, \"version\": 2, "
        "\"family\": \"ipv4\",\n"
        "     \"state\": \"MASTER\", \"priority\": 150, \"effective_priority\": 130,\n"
        "     \"addresses\": [\"192.0.2.3/24\"], \"fault\": false, \"fault_reasons\": [], "
        "\"master\": null,\n"
        "     \"last_transition_reason\": \"master_down_timer\",\n"
        "     \"stats\": " +
            RouterStatsJson(s.stats) +
            ",\n     \"vip_conflicts\": " + VipConflictStatsJson(s.conflicts) + "}");
  CHECK(InstanceStatusJson(s, -2) == InstanceStatusJson(s, 0));
}

TEST_CASE("Status: a faulty IPv6 Backup names its master and its faults, strings escaped") {
  InstanceStatus s;
  s.name = "VI_6\t\"x\"";
  s.interface = "eth1";
  s.vrid = 51;
  s.version = 3;
  s.family = Family::kIPv6;
  s.state = RouterState::kBackup;
  s.priority = 100;
  s.effective_priority = 90;
  s.addresses = {"2001:db8::3/64", "2001:db8::4/64"};
  s.fault = true;
  s.fault_reasons = {"interface eth1 down", "script chk failed"};
  s.master = *IpAddress::Parse("fe80::6");
  s.stats.last_transition_reason = TransitionReason::kHigherPriorityReceived;
  const std::string json = InstanceStatusJson(s);
  for (const char* part :
       {R"({"name": "VI_6\t\"x\"", "interface": "eth1", "vrid": 51)",
        R"("version": 3, "family": "ipv6",)",
        R"("state": "BACKUP", "priority": 100, "effective_priority": 90,)",
        R"("addresses": ["2001:db8::3/64", "2001:db8::4/64"], "fault": true)",
        R"("fault_reasons": ["interface eth1 down", "script chk failed"])",
        R"("master": "fe80::6",)", R"("last_transition_reason": "higher_priority_received",)"}) {
    INFO(part);
    CHECK(json.find(part) != std::string::npos);
  }
  for (RouterState state : {RouterState::kInitialize, RouterState::kFault}) {
    s.state = state;
    CHECK(InstanceStatusJson(s).find(fmt::format("\"state\": \"{}\"", RouterStateName(state))) !=
          std::string::npos);
  }
}

}  // namespace
}  // namespace vrrp
