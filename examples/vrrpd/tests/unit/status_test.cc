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

TEST_CASE("vrrpd status: written atomically, replacing the old file; errors name the path") {
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
