// The Prometheus exposition: keepalived-exporter's names, types and labels with our values,
// the vrrpd_* extras, escaping, and a check by a real Prometheus parser (promtool, from
// Debian's prometheus package) of a snapshot with every kind of series.
#include "vrrp/prometheus.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>

#include "fmt/format.h"

namespace vrrp {
namespace {

bool Contains(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

InstanceMetrics Master() {
  InstanceMetrics m;
  m.status.name = "VI_1";
  m.status.interface = "eth0";
  m.status.vrid = 50;
  m.status.state = RouterState::kMaster;
  m.status.priority = 150;
  m.status.effective_priority = 130;
  m.status.stats.advert_sent = 17;
  m.status.stats.advert_rcvd = 3;
  m.status.stats.become_master = 2;
  m.status.stats.release_master = 1;
  m.status.stats.pri_zero_rcvd = 4;
  m.status.stats.pri_zero_sent = 5;
  m.status.stats.drops.Count(DropReason::kLength);
  for (int i = 0; i < 2; ++i) m.status.stats.drops.Count(DropReason::kInterval);
  for (int i = 0; i < 3; ++i) m.status.stats.drops.Count(DropReason::kTtl);
  for (int i = 0; i < 4; ++i) m.status.stats.drops.Count(DropReason::kType);
  for (int i = 0; i < 5; ++i) m.status.stats.drops.Count(DropReason::kAddressList);
  for (int i = 0; i < 6; ++i) m.status.stats.drops.Count(DropReason::kInvalidAuthType);
  for (int i = 0; i < 7; ++i) m.status.stats.drops.Count(DropReason::kAuthTypeMismatch);
  for (int i = 0; i < 8; ++i) m.status.stats.drops.Count(DropReason::kAuthFailure);
  for (int i = 0; i < 9; ++i) m.status.stats.drops.Count(DropReason::kChecksum);
  m.status.stats.last_transition = absl::UnixEpoch() + absl::Seconds(100);
  m.status.stats.last_transition_reason = TransitionReason::kMasterDownTimer;
  m.addresses = {{"192.0.2.3/24", "eth0"}, {"198.51.100.7/32", "eth1"}};
  m.excluded_addresses = {{"2001:db8::7/64", ""}};
  m.garp_master_delay = absl::Seconds(5);
  return m;
}

InstanceMetrics Backup() {
  InstanceMetrics m;
  m.status.name = "VI_2";
  m.status.interface = "eth1";
  m.status.vrid = 51;
  m.status.state = RouterState::kBackup;
  m.status.priority = 100;
  m.status.effective_priority = 100;
  m.master_down_deadline = absl::UnixEpoch() + absl::Milliseconds(1500);
  return m;
}

// Routers' clock at 1000 s, the wall clock then at 1,700,000,000 s.
MetricsSnapshot Snapshot() {
  MetricsSnapshot s;
  s.instances = {Master(), Backup()};
  s.scripts = {{"chk_good", "GOOD"}, {"chk_bad", "BAD"}, {"chk_new", "INIT"}};
  s.reloads = 3;
  s.receive = {.received = 40, .other_vrid = 7, .other_peer = 2, .too_short = 1, .errors = 0};
  s.now = absl::UnixEpoch() + absl::Seconds(1000);
  s.wall_now = absl::FromUnixSeconds(1700000000);
  return s;
}

TEST_CASE("Prometheus: keepalived_vrrp_state per address, keepalived's state numbers") {
  CHECK(KeepalivedStateValue(RouterState::kInitialize) == 0);
  CHECK(KeepalivedStateValue(RouterState::kBackup) == 1);
  CHECK(KeepalivedStateValue(RouterState::kMaster) == 2);
  CHECK(KeepalivedStateValue(RouterState::kFault) == 3);
  const std::string text = PrometheusText(Snapshot());
  CHECK(Contains(text, "keepalived_up 1"));
  CHECK(Contains(text, "# TYPE keepalived_vrrp_state gauge"));
  CHECK(Contains(
      text,
      R"(keepalived_vrrp_state{iname="VI_1",intf="eth0",vrid="50",ip_address="192.0.2.3/24"} 2)"));
  // An address's own interface (keepalived's `dev`) is its intf.
  CHECK(Contains(
      text,
      R"(keepalived_vrrp_state{iname="VI_1",intf="eth1",vrid="50",ip_address="198.51.100.7/32"} 2)"));
  // No address: one series, ip_address "" (as keepalived-exporter for old keepalived).
  CHECK(Contains(text,
                 R"(keepalived_vrrp_state{iname="VI_2",intf="eth1",vrid="51",ip_address=""} 1)"));
  // Excluded addresses: their own family; no address gives no series there.
  CHECK(Contains(
      text,
      R"(keepalived_vrrp_excluded_state{iname="VI_1",intf="eth0",vrid="50",ip_address="2001:db8::7/64"} 2)"));
  CHECK(text.find("keepalived_vrrp_excluded_state{iname=\"VI_2\"") == std::string::npos);
}

TEST_CASE("Prometheus: every keepalived-exporter counter, from RouterStats") {
  const std::string text = PrometheusText(Snapshot());
  const std::string labels = R"({iname="VI_1",intf="eth0",vrid="50"})";
  const std::map<std::string, int> expected = {
      {"keepalived_advertisements_received_total", 3},
      {"keepalived_advertisements_sent_total", 17},
      {"keepalived_become_master_total", 2},
      {"keepalived_release_master_total", 1},
      {"keepalived_packet_length_errors_total", 1},
      {"keepalived_advertisements_interval_errors_total", 2},
      {"keepalived_ip_ttl_errors_total", 3},
      {"keepalived_invalid_type_received_total", 4},
      {"keepalived_address_list_errors_total", 5},
      {"keepalived_authentication_invalid_total", 6},
      {"keepalived_authentication_mismatch_total", 7},
      {"keepalived_authentication_failure_total", 8},
      {"keepalived_priority_zero_received_total", 4},
      {"keepalived_priority_zero_sent_total", 5},
      {"keepalived_gratuitous_arp_delay_total", 5},
  };
  for (const auto& [name, value] : expected) {
    INFO(name);
    CHECK(Contains(text, fmt::format("# TYPE {} counter", name)));
    CHECK(Contains(text, fmt::format("{}{} {}", name, labels, value)));
    CHECK(Contains(text, fmt::format(R"({}{{iname="VI_2",intf="eth1",vrid="51"}} 0)", name)));
  }
}

// keepalived counts an AH packet too short for its headers as a length error and every other
// AH failure as an authentication failure; the exporter's counters say the same of vrrpd, and
// vrrpd_drops_total has each reason apart.
TEST_CASE("Prometheus: AH failures count in keepalived's length and authentication counters") {
  MetricsSnapshot s = Snapshot();
  DropCounters& drops = s.instances[0].status.stats.drops;
  const std::pair<DropReason, int> ah[] = {{DropReason::kAhShort, 10},
                                           {DropReason::kAhHeader, 20},
                                           {DropReason::kAhIcv, 30},
                                           {DropReason::kAhSpi, 40},
                                           {DropReason::kAhReplay, 50}};
  for (const auto& [reason, count] : ah) {
    for (int i = 0; i < count; ++i) drops.Count(reason);
  }
  const std::string text = PrometheusText(s);
  const std::string labels = R"({iname="VI_1",intf="eth0",vrid="50"})";
  CHECK(Contains(text, "keepalived_packet_length_errors_total" + labels + " 11"));
  CHECK(Contains(text, "keepalived_authentication_failure_total" + labels + " 148"));
  for (const auto& [reason, count] : ah) {
    CHECK(Contains(
        text,
        fmt::format(R"(vrrpd_drops_total{{iname="VI_1",intf="eth0",vrid="50",reason="{}"}} {})",
                    DropReasonName(reason), count)));
  }
}

TEST_CASE("Prometheus: script status GOOD 1, BAD 0, no sample before a first result") {
  const std::string text = PrometheusText(Snapshot());
  CHECK(Contains(text, "# TYPE keepalived_script_status gauge"));
  CHECK(Contains(text, R"(keepalived_script_status{name="chk_good"} 1)"));
  CHECK(Contains(text, R"(keepalived_script_status{name="chk_bad"} 0)"));
  CHECK(text.find("chk_new") == std::string::npos);
}

TEST_CASE("Prometheus: vrrpd extras: priorities, deadline and transition as Unix times, drops") {
  const std::string text = PrometheusText(Snapshot());
  const std::string l1 = R"(iname="VI_1",intf="eth0",vrid="50")";
  const std::string l2 = R"(iname="VI_2",intf="eth1",vrid="51")";
  CHECK(Contains(text, "vrrpd_priority{" + l1 + "} 150"));
  CHECK(Contains(text, "vrrpd_effective_priority{" + l1 + "} 130"));
  CHECK(Contains(text, "vrrpd_fault{" + l1 + "} 0"));
  // Routers' clock 1.5 s, now 1000 s: 998.5 s before the wall clock's 1,700,000,000.
  CHECK(Contains(text, "vrrpd_master_down_deadline_timestamp_seconds{" + l2 + "} 1699999001.500"));
  CHECK(text.find("vrrpd_master_down_deadline_timestamp_seconds{" + l1) == std::string::npos);
  CHECK(Contains(text, "vrrpd_last_transition_timestamp_seconds{" + l1 + "} 1699999100.000"));
  CHECK(text.find("vrrpd_last_transition_timestamp_seconds{" + l2) == std::string::npos);
  CHECK(Contains(text, "vrrpd_last_transition_info{" + l1 +
                           R"(,reason="master_down_timer",state="MASTER"} 1)"));
  CHECK(Contains(text, "vrrpd_last_transition_info{" + l2 + R"(,reason="none",state="BACKUP"} 1)"));
  CHECK(Contains(text, "vrrpd_drops_total{" + l1 + R"(,reason="checksum"} 9)"));
  CHECK(Contains(text, "vrrpd_drops_total{" + l1 + R"(,reason="auth_failure"} 8)"));
  CHECK(Contains(text, "vrrpd_drops_total{" + l2 + R"(,reason="peer"} 0)"));
  CHECK(text.find(R"(reason="none"})") == std::string::npos);  // an accepted packet, no drop
  CHECK(Contains(text, "vrrpd_reloads_total 3"));
  // Issue 16: packets for a VRID nobody runs here were counted nowhere an operator could see.
  CHECK(Contains(text, "vrrpd_received_packets_total 40"));
  CHECK(Contains(text, "vrrpd_unrouted_packets_total{reason=\"vrid\"} 7"));
  CHECK(Contains(text, "vrrpd_unrouted_packets_total{reason=\"peer\"} 2"));
  CHECK(Contains(text, "vrrpd_unrouted_packets_total{reason=\"too_short\"} 1"));
  CHECK(Contains(text, "vrrpd_unrouted_packets_total{reason=\"read_error\"} 0"));
  CHECK(Contains(text, "vrrpd_snapshot_timestamp_seconds 1700000000.000"));
}

TEST_CASE("Prometheus: label values escaped, each family's HELP and TYPE once, before it") {
  MetricsSnapshot s;
  InstanceMetrics m = Master();
  m.status.name = "a\"b\\c\nd";
  s.instances = {m};
  s.scripts = {{"say \"hi\"", "GOOD"}};
  const std::string text = PrometheusText(s);
  CHECK(text.find(R"(iname="a\"b\\c\nd")") != std::string::npos);
  CHECK(Contains(text, R"(keepalived_script_status{name="say \"hi\""} 1)"));
  // Every line is a comment or a sample; a family's samples follow its TYPE, contiguous.
  std::istringstream lines(text);
  std::string line, family;
  std::map<std::string, int> types;
  while (std::getline(lines, line)) {
    REQUIRE(!line.empty());
    if (line.rfind("# TYPE ", 0) == 0) {
      family = line.substr(7, line.find(' ', 7) - 7);
      ++types[family];
      continue;
    }
    if (line[0] == '#') continue;
    INFO(line);
    CHECK(line.compare(0, family.size(), family) == 0);
  }
  for (const auto& [name, count] : types) CHECK(count == 1);
  CHECK(text.back() == '\n');
}

TEST_CASE("Prometheus: the exposition passes promtool check metrics") {
  if (access("/usr/bin/promtool", X_OK) != 0) {
    WARN("skipped: /usr/bin/promtool missing (Debian's prometheus package, scripts/install-deps)");
    return;
  }
  MetricsSnapshot s = Snapshot();
  InstanceMetrics odd = Master();
  odd.status.name = "with \"quotes\" and \\";
  odd.status.state = RouterState::kFault;
  odd.status.fault = true;
  s.instances.push_back(odd);
  char path[] = "/tmp/prometheus-test-XXXXXX";
  const int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  close(fd);
  { std::ofstream(path) << PrometheusText(s); }
  // promtool reads the exposition on stdin; it exits non-zero on a parse error or a lint
  // problem (a counter without _total, a missing HELP...), and says which.
  FILE* p = popen(fmt::format("/usr/bin/promtool check metrics < {} 2>&1", path).c_str(), "r");
  REQUIRE(p != nullptr);
  std::string output;
  char buffer[512];
  while (fgets(buffer, sizeof(buffer), p) != nullptr) output += buffer;
  const int status = pclose(p);
  std::remove(path);
  INFO(output);
  CHECK(status == 0);
}

}  // namespace
}  // namespace vrrp
