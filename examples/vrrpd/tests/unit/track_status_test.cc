// track_file and track_process in what vrrpd shows: vrrpctl status's lines and the Prometheus
// exposition's gauges (the status file's JSON is checked byte for byte in status_test.cc).
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <string>

#include "control_protocol.h"
#include "fmt/format.h"
#include "status.h"
#include "vrrp/prometheus.h"

namespace vrrpd {
namespace {

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_CASE("vrrpctl status lists each tracked file's value and each tracked process's quorum") {
  DaemonStatus d;
  d.version = "0.1.0";
  d.track_files = {{"maint", 3}};
  d.track_processes = {{"haproxy", 2, true}, {"nginx", 0, false}};
  const std::string table = control::StatusTable(d, {});
  CHECK(Contains(table, "\ntrack_file maint 3\n"));
  CHECK(Contains(table, "\ntrack_process haproxy 2 running, quorum held\n"));
  CHECK(Contains(table, "\ntrack_process nginx 0 running, quorum lost\n"));
}

TEST_CASE("Prometheus: track_file values and track_process counts and quorums") {
  vrrp::MetricsSnapshot s;
  s.track_files = {{"maint", -3}, {"with \"quote\"", 0}};
  s.track_processes = {{"haproxy", 2, true}, {"nginx", 0, false}};
  const std::string text = vrrp::PrometheusText(s);
  CHECK(Contains(text, "# TYPE vrrpd_track_file_value gauge\n"));
  CHECK(Contains(text, "vrrpd_track_file_value{name=\"maint\"} -3\n"));
  CHECK(Contains(text, "vrrpd_track_file_value{name=\"with \\\"quote\\\"\"} 0\n"));
  CHECK(Contains(text, "vrrpd_track_process_running{name=\"haproxy\"} 2\n"));
  CHECK(Contains(text, "vrrpd_track_process_quorum{name=\"haproxy\"} 1\n"));
  CHECK(Contains(text, "vrrpd_track_process_quorum{name=\"nginx\"} 0\n"));
  if (access("/usr/bin/promtool", X_OK) != 0) {
    WARN("skipped: /usr/bin/promtool missing (Debian's prometheus package)");
    return;
  }
  char path[] = "/tmp/prometheus-track-XXXXXX";
  const int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  close(fd);
  { std::ofstream(path) << text; }
  FILE* p = popen(fmt::format("/usr/bin/promtool check metrics < {} 2>&1", path).c_str(), "r");
  REQUIRE(p != nullptr);
  std::string output;
  char buf[256];
  while (fgets(buf, sizeof(buf), p) != nullptr) output += buf;
  const int status = pclose(p);
  std::remove(path);
  INFO(output);
  CHECK(status == 0);
}

}  // namespace
}  // namespace vrrpd
