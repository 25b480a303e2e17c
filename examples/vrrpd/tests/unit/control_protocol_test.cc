// The control socket's protocol (control_protocol.h): every request form and its errors, the
// response framing both ways, and the status and stats text; plus --control-socket.
#include "control_protocol.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "options.h"

namespace vrrpd::control {
namespace {

using Words = std::vector<std::string>;

std::string Error(const Words& words) {
  auto r = ParseWords(words);
  REQUIRE_FALSE(r.ok());
  return std::string(r.status().message());
}

TEST_CASE("control requests: every command, from words and from a line") {
  CHECK(*ParseWords({"status"}) == Request{Command::kStatus, "", 0});
  CHECK(*ParseWords({"status", "--json"}) == Request{Command::kStatusJson, "", 0});
  CHECK(*ParseWords({"status", "json"}) == Request{Command::kStatusJson, "", 0});
  CHECK(*ParseWords({"stats"}) == Request{Command::kStats, "", 0});
  CHECK(*ParseWords({"reload"}) == Request{Command::kReload, "", 0});
  CHECK(*ParseWords({"fault", "set", "VI_1"}) == Request{Command::kFaultSet, "VI_1", 0});
  CHECK(*ParseWords({"fault", "clear", "VI_1"}) == Request{Command::kFaultClear, "VI_1", 0});
  CHECK(*ParseWords({"priority", "VI_1", "+10"}) == Request{Command::kPriority, "VI_1", 10});
  CHECK(*ParseWords({"priority", "VI_1", "-60"}) == Request{Command::kPriority, "VI_1", -60});
  CHECK(*ParseWords({"priority", "VI_1", "0"}) == Request{Command::kPriority, "VI_1", 0});
  CHECK(*ParseWords({"priority", "VI_1", "254"}) == Request{Command::kPriority, "VI_1", 254});
  CHECK(*ParseWords({"history"}) == Request{Command::kHistory, "", 0});
  CHECK(*ParseWords({"history", "--json"}) == Request{Command::kHistoryJson, "", 0});
  CHECK(*ParseWords({"history", "svg"}) == Request{Command::kHistorySvg, "", 0});

  // A request line: its newline (or socat's CRLF) and extra blanks do not matter.
  CHECK(*ParseRequest("priority  VI_1\t-60\r\n") == Request{Command::kPriority, "VI_1", -60});
  CHECK(*ParseRequest("status json\n") == Request{Command::kStatusJson, "", 0});

  // Every request survives FormatRequest -> ParseRequest.
  for (const Request& r :
       {Request{Command::kStatus, "", 0}, Request{Command::kStatusJson, "", 0},
        Request{Command::kStats, "", 0}, Request{Command::kReload, "", 0},
        Request{Command::kFaultSet, "VI_1", 0}, Request{Command::kFaultClear, "web-6", 0},
        Request{Command::kPriority, "VI_1", -60}, Request{Command::kPriority, "VI_1", 0},
        Request{Command::kHistory, "", 0}, Request{Command::kHistoryJson, "", 0},
        Request{Command::kHistorySvg, "", 0}}) {
    const std::string line = FormatRequest(r);
    INFO(line);
    CHECK(line.back() == '\n');
    CHECK(*ParseRequest(line) == r);
  }
  CHECK(FormatRequest({Command::kPriority, "VI_1", 5}) == "priority VI_1 +5\n");
}

TEST_CASE("control requests: errors say what is wrong") {
  CHECK(Error({}).find("no command") != std::string::npos);
  CHECK(Error({"frobnicate"}) ==
        "unknown command 'frobnicate' (status, stats, reload, fault, priority, history)");
  CHECK(Error({"history", "--svg"}) == "history takes json or svg, not '--svg'");
  CHECK(Error({"status", "--yaml"}) == "status takes only --json, not '--yaml'");
  CHECK(Error({"reload", "now"}) == "reload takes no arguments, not 1");
  CHECK(Error({"fault", "VI_1"}) == "fault needs set or clear and an instance name");
  CHECK(Error({"fault", "toggle", "VI_1"}) == "fault needs set or clear and an instance name");
  CHECK(Error({"priority", "VI_1"}) == "priority needs an instance name and a delta (+N, -N, 0)");
  CHECK(Error({"priority", "VI_1", "+x"}) ==
        "priority delta '+x' is not a number like +10, -60 or 0");
  CHECK(Error({"priority", "VI_1", "--5"}) ==
        "priority delta '--5' is not a number like +10, -60 or 0");
  CHECK(Error({"priority", "VI_1", "99999999999"}) ==
        "priority delta '99999999999' is not a number like +10, -60 or 0");
  CHECK(Error({"priority", "VI_1", "-255"}) == "priority delta -255 is out of range -254..+254");
  CHECK(Error({"fault", "set", std::string("V\x01I")}).find("is not an instance name") !=
        std::string::npos);
  auto nul = ParseRequest(std::string_view("status\0json\n", 12));
  CHECK_FALSE(nul.ok());
  CHECK_FALSE(ParseRequest("status\nstats\n").ok());
}

TEST_CASE("control responses: a status line and a body, both ways") {
  const Response ok{Code::kOk, "VI_1: operator fault set", "line 1\nline 2\n"};
  CHECK(FormatResponse(ok) == "ok VI_1: operator fault set\nline 1\nline 2\n");
  CHECK(*ParseResponse(FormatResponse(ok)) == ok);
  for (Code code : {Code::kUsage, Code::kDenied, Code::kNotFound, Code::kRefused, Code::kBusy}) {
    const Response r{code, "why", ""};
    CHECK(*ParseResponse(FormatResponse(r)) == r);
  }
  CHECK(FormatResponse({Code::kRefused, "two\nlines", ""}) == "refused two lines\n");
  CHECK(CodeName(Code::kNotFound) == "not-found");
  // Not an answer: empty (the daemon closed), cut short, or another program's.
  CHECK(std::string(ParseResponse("").status().message()) ==
        "vrrpd closed the connection without an answer");
  CHECK(std::string(ParseResponse("ok no newline").status().message()) ==
        "vrrpd's answer was cut short (no status line)");
  CHECK(std::string(ParseResponse("HTTP/1.1 400 Bad Request\r\n").status().message())
            .find("not an answer of vrrpd") == 0);
}

DaemonStatus TwoInstances() {
  DaemonStatus d;
  d.version = "0.1.0";
  d.pid = 42;
  d.config_file = "/etc/keepalived/keepalived.conf";
  InstanceStatus a;
  a.name = "VI_1";
  a.interface = "eth0";
  a.vrid = 51;
  a.state = vrrp::RouterState::kMaster;
  a.priority = 150;
  a.effective_priority = 90;
  a.addresses = {"192.0.2.100/24", "192.0.2.101/24"};
  a.stats.become_master = 2;
  a.stats.advert_sent = 17;
  for (int i = 0; i < 3; ++i) a.stats.drops.Count(vrrp::DropReason::kTtl);
  InstanceStatus b;
  b.name = "VI_2";
  b.interface = "eth1";
  b.vrid = 52;
  b.state = vrrp::RouterState::kFault;
  b.priority = 100;
  b.effective_priority = 100;
  b.addresses = {"198.51.100.1/24"};
  b.fault = true;
  b.fault_reasons = {"operator", "script chk failed"};
  b.master = vrrp::IpAddress::V4(198, 51, 100, 9);
  d.instances = {a, b};
  d.scripts = {{"chk", "BAD"}};
  d.sync_groups = {{"G1", {"VI_1", "VI_2"}}};
  return d;
}

TEST_CASE("control status table: one aligned row per instance, operator deltas shown") {
  const std::string table = StatusTable(TwoInstances(), {{"VI_1", -60}});
  CHECK(table ==
        "vrrpd 0.1.0 pid 42, /etc/keepalived/keepalived.conf (0 reloads)\n"
        "INSTANCE  STATE   PRIORITY               INTERFACE  VRID  VIPS                         "
        "  MASTER        FAULT\n"
        "VI_1      MASTER  150/90 (operator -60)  eth0       51    "
        "192.0.2.100/24,192.0.2.101/24  -             -\n"
        "VI_2      FAULT   100/100                eth1       52    198.51.100.1/24              "
        "  198.51.100.9  operator,script chk failed\n"
        "script chk BAD\n"
        "sync_group G1 VI_1,VI_2\n");
}

TEST_CASE("control stats: keepalived's counter names per instance") {
  const std::string text = StatsText(TwoInstances());
  CHECK(text.rfind("VI_1\n  become_master          2\n  release_master         0\n", 0) == 0);
  CHECK(text.find("  advert_sent            17\n") != std::string::npos);
  CHECK(text.find("  drops.ttl              3\n") != std::string::npos);
  CHECK(text.find("\nVI_2\n") != std::string::npos);
}

TEST_CASE("Options: --control-socket takes a path, or off with \"\" or \"none\"") {
  CHECK(ParseOptions({})->control_socket == "/run/vrrpd.ctl");
  CHECK(ControlSocketEnabled(*ParseOptions({})));
  CHECK(ParseOptions({"--control-socket", "/tmp/x.ctl"})->control_socket == "/tmp/x.ctl");
  CHECK(ParseOptions({"--control-socket=/tmp/y.ctl"})->control_socket == "/tmp/y.ctl");
  CHECK_FALSE(ControlSocketEnabled(*ParseOptions({"--control-socket", ""})));
  CHECK_FALSE(ControlSocketEnabled(*ParseOptions({"--control-socket="})));
  CHECK_FALSE(ControlSocketEnabled(*ParseOptions({"--control-socket", "none"})));
  CHECK_FALSE(ParseOptions({"--control-socket"}).ok());
  CHECK(Usage().find("--control-socket") != std::string::npos);
}

}  // namespace
}  // namespace vrrpd::control
