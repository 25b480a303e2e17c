#include "status.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace vrrpd {
namespace {

DaemonStatus Sample() {
  DaemonStatus status;
  status.version = "0.1.0";
  status.pid = 42;
  status.config_file = "/etc/keepalived/\"odd\".conf";
  InstanceStatus vi;
  vi.name = "VI_1";
  vi.interface = "eth0";
  vi.vrid = 50;
  vi.version = 2;
  vi.state = vrrp::RouterState::kMaster;
  vi.priority = 150;
  vi.effective_priority = 130;
  vi.addresses = {"192.0.2.3/24"};
  vi.stats.become_master = 1;
  vi.stats.drops.Count(vrrp::DropReason::kAuthFailure);
  vi.stats.drops.Count(vrrp::DropReason::kAuthFailure);
  vi.stats.last_transition_reason = vrrp::TransitionReason::kMasterDownTimer;
  status.instances.push_back(vi);
  status.scripts = {{"chk_nginx", "BAD"}};
  status.sync_groups = {{"G1", {"VI_1"}}};
  return status;
}

TEST_CASE("vrrpd status: the documented fields, strings escaped") {
  const std::string json = StatusJson(Sample());
  for (const char* part : {"\"version\": \"0.1.0\"",
                           "\"pid\": 42",
                           R"("config": "/etc/keepalived/\"odd\".conf")",
                           "\"name\": \"VI_1\"",
                           "\"interface\": \"eth0\"",
                           "\"vrid\": 50",
                           "\"version\": 2",
                           "\"family\": \"ipv4\"",
                           "\"state\": \"MASTER\"",
                           "\"priority\": 150",
                           "\"effective_priority\": 130",
                           "\"addresses\": [\"192.0.2.3/24\"]",
                           "\"fault\": false",
                           "\"master\": null",
                           "\"last_transition_reason\": \"master_down_timer\"",
                           "\"become_master\": 1",
                           "\"auth_failure\": 2",
                           "\"too_short\": 0",
                           "\"family\": 0",
                           R"({"name": "chk_nginx", "status": "BAD"})",
                           R"({"name": "G1", "instances": ["VI_1"]})"}) {
    INFO(part);
    CHECK(json.find(part) != std::string::npos);
  }
}

// Two instances (one IPv6 Backup in fault, with a master), two scripts, two groups.
DaemonStatus Full() {
  DaemonStatus status = Sample();
  InstanceStatus v6;
  v6.name = "VI_6\tx";
  v6.interface = "eth1";
  v6.vrid = 51;
  v6.version = 3;
  v6.family = vrrp::Family::kIPv6;
  v6.state = vrrp::RouterState::kBackup;
  v6.priority = 100;
  v6.effective_priority = 100;
  v6.addresses = {"2001:db8::3/64", "2001:db8::4/64"};
  v6.fault = true;
  v6.fault_reasons = {"interface eth1 down", "script chk \"x\" failed"};
  v6.master = *vrrp::IpAddress::Parse("fe80::6");
  v6.stats.advert_rcvd = 7;
  v6.stats.advert_sent = 3;
  v6.stats.release_master = 2;
  v6.stats.pri_zero_rcvd = 1;
  v6.stats.pri_zero_sent = 4;
  v6.stats.drops.Count(vrrp::DropReason::kChecksum);
  v6.stats.last_transition_reason = vrrp::TransitionReason::kHigherPriorityReceived;
  status.instances.push_back(v6);
  status.scripts = {{"chk_nginx", "BAD"}, {"chk_b", "INIT"}};
  status.sync_groups = {{"G1", {"VI_1"}}, {"G2", {"VI_1", "VI_6\tx"}}};
  status.receive = {.received = 12, .other_vrid = 3, .other_peer = 1};
  status.track_files = {{"maint", -3}, {"prio\"", 0}};
  status.track_processes = {{"haproxy", 2, true}, {"nginx", 0, false}};
  status.route_failures = 2;
  return status;
}

TEST_CASE("vrrpd status: byte for byte the document readers already parse") {
  // Written by vrrpd before the instances' part moved into the library (vrrp/status.h); the
  // layout is part of the interface (README.md), so it must not drift: fields are only added,
  // at the end ("receive", issue 16; "track_files", "track_processes", issue 13).
  // clang-format off
  CHECK(StatusJson(Full()) ==
      R"({)" "\n"
      R"(  "version": "0.1.0", "pid": 42, "config": "/etc/keepalived/\"odd\".conf", )"
      R"("reloads": 0,)" "\n"
      R"(  "instances": [)" "\n"
      R"(    {"name": "VI_1", "interface": "eth0", "vrid": 50, "version": 2, )"
      R"("family": "ipv4",)" "\n"
      R"(     "state": "MASTER", "priority": 150, "effective_priority": 130,)" "\n"
      R"(     "addresses": ["192.0.2.3/24"], "fault": false, "fault_reasons": [], )"
      R"("master": null,)" "\n"
      R"(     "last_transition_reason": "master_down_timer",)" "\n"
      R"(     "stats": {"become_master": 1, "release_master": 0, "advert_rcvd": 0, )"
      R"("advert_sent": 0, "pri_zero_rcvd": 0, "pri_zero_sent": 0, )"
      R"("drops": {"too_short": 0, "version": 0, "type": 0, "checksum": 0, "length": 0, )"
      R"("ttl": 0, "invalid_auth_type": 0, "auth_type_mismatch": 0, "auth_failure": 2, )"
      R"("vrid": 0, "interval": 0, "address_list": 0, "family": 0, "peer": 0, "ah_short": 0, )"
      R"("ah_header": 0, "ah_icv": 0, "ah_spi": 0, "ah_replay": 0, "distrusted": 0}},)"
        "\n"
        R"(     "vip_conflicts": {"claims": 0, "yields": 0, "reclaims": 0, "rejoins": 0, )"
        R"("probes": 0, "black_holes": 0, "takeovers": 0}},)" "\n"
      R"(    {"name": "VI_6\tx", "interface": "eth1", "vrid": 51, "version": 3, )"
      R"("family": "ipv6",)" "\n"
      R"(     "state": "BACKUP", "priority": 100, "effective_priority": 100,)" "\n"
      R"(     "addresses": ["2001:db8::3/64", "2001:db8::4/64"], "fault": true, )"
      R"("fault_reasons": ["interface eth1 down", "script chk \"x\" failed"], )"
      R"("master": "fe80::6",)" "\n"
      R"(     "last_transition_reason": "higher_priority_received",)" "\n"
      R"(     "stats": {"become_master": 0, "release_master": 2, "advert_rcvd": 7, )"
      R"("advert_sent": 3, "pri_zero_rcvd": 1, "pri_zero_sent": 4, )"
      R"("drops": {"too_short": 0, "version": 0, "type": 0, "checksum": 1, "length": 0, )"
      R"("ttl": 0, "invalid_auth_type": 0, "auth_type_mismatch": 0, "auth_failure": 0, )"
      R"("vrid": 0, "interval": 0, "address_list": 0, "family": 0, "peer": 0, "ah_short": 0, )"
      R"("ah_header": 0, "ah_icv": 0, "ah_spi": 0, "ah_replay": 0, "distrusted": 0}},)"
        "\n"
        R"(     "vip_conflicts": {"claims": 0, "yields": 0, "reclaims": 0, "rejoins": 0, )"
        R"("probes": 0, "black_holes": 0, "takeovers": 0}})" "\n"
      R"(  ],)" "\n"
      R"(  "scripts": [{"name": "chk_nginx", "status": "BAD"}, {"name": "chk_b", )"
      R"("status": "INIT"}],)" "\n"
      R"(  "sync_groups": [{"name": "G1", "instances": ["VI_1"]}, {"name": "G2", )"
      R"("instances": ["VI_1", "VI_6\tx"]}],)" "\n"
      R"(  "receive": {"received": 12, "other_vrid": 3, "other_peer": 1, "too_short": 0, )"
      R"("errors": 0},)" "\n"
      R"(  "track_files": [{"name": "maint", "value": -3}, {"name": "prio\"", "value": 0}],)" "\n"
      R"(  "track_processes": [{"name": "haproxy", "running": 2, "quorum": true}, )"
      R"({"name": "nginx", "running": 0, "quorum": false}],)" "\n"
      R"(  "route_failures": 2)" "\n"
      R"(})" "\n");
  CHECK(StatusJson(DaemonStatus{}) ==
      R"({)" "\n"
      R"(  "version": "", "pid": 0, "config": "", "reloads": 0,)" "\n"
      R"(  "instances": [)" "\n"
      R"(  ],)" "\n"
      R"(  "scripts": [],)" "\n"
      R"(  "sync_groups": [],)" "\n"
      R"(  "receive": {"received": 0, "other_vrid": 0, "other_peer": 0, "too_short": 0, )"
      R"("errors": 0},)" "\n"
      R"(  "track_files": [],)" "\n"
      R"(  "track_processes": [],)" "\n"
      R"(  "route_failures": 0)" "\n"
      R"(})" "\n");
  // clang-format on
}

TEST_CASE("vrrpd status: python's json module reads it") {
  char dir[] = "/tmp/vrrpd-status-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  const std::string path = std::string(dir) + "/status.json";
  REQUIRE(WriteFileAtomically(path, StatusJson(Sample())).ok());
  const std::string command =
      "python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); "
      "assert d[\"instances\"][0][\"stats\"][\"drops\"][\"auth_failure\"] == 2' " +
      path;
  CHECK(std::system(command.c_str()) == 0);
  std::remove(path.c_str());
  rmdir(dir);
}

TEST_CASE("vrrpd status: written atomically, replacing the old file, errors name the path") {
  char dir[] = "/tmp/vrrpd-status-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  const std::string path = std::string(dir) + "/status.json";
  REQUIRE(WriteFileAtomically(path, "old").ok());
  REQUIRE(WriteFileAtomically(path, "new").ok());
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  CHECK(text.str() == "new");
  CHECK(access((path + ".tmp").c_str(), F_OK) != 0);  // no temporary left behind
  absl::Status s = WriteFileAtomically(std::string(dir) + "/missing/status.json", "x");
  CHECK_FALSE(s.ok());
  CHECK(std::string(s.message()).find("/missing/status.json.tmp") != std::string::npos);
  std::remove(path.c_str());
  rmdir(dir);
}

}  // namespace
}  // namespace vrrpd
