// vrrp-sim: plays a failover scenario on the simulated LAN (vrrp::SimulatedLan, virtual clock,
// no root, no network) and prints who is MASTER when, every transition with its reason and
// every VIP move, then a summary. With no file it runs the built-in seed lab.
//
//   vrrp-sim                           # the seed lab: crash, return, split brain, heal
//   vrrp-sim scenarios/lossy-v3.sim --json | jq .
//   vrrp-sim --print-seed-lab > my.sim # a starting point for your own scenario
//   vrrp-sim --svg seed-lab.svg         # the timeline as a picture too
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>

#include "fmt/format.h"
#include "report.h"
#include "scenario.h"
#include "seed_lab.h"
#include "simulation.h"
#include "svg.h"

namespace {

constexpr std::string_view kUsage = R"(Usage: vrrp-sim [options] [SCENARIO]

Runs a VRRP scenario on a simulated LAN with a virtual clock (no root, no network: the real
state machine, timers computed as RFC 5798 §6.1 / RFC 3768 §6.1 say) and prints the timeline:
every transition with its reason, every VIP move, split brain, and a summary. SCENARIO is a file
("-" reads standard input); without one, the built-in seed lab runs (lb-5 and lb-6, VRRPv2,
VIP 192.0.2.3: crash, return, one-way block, heal), which is scenarios/seed-lab.sim.

  --json            one JSON object per event and line: t (seconds, a number), router, event,
                    from, to, reason (null unless a transition), and addresses, holders, count,
                    priority, detail, vrid, masters where they apply; the last line is the
                    summary (event "summary": masters, transitions, split_brain_s, master_s)
  --svg FILE        also draw the timeline as an SVG picture in FILE: a lane per router
                    coloured by state, each transition with its reason, who holds the VIP,
                    split brain shaded ("-": the picture on stdout instead of the report)
  -v, --verbose     also show the gratuitous ARP / unsolicited NA bursts
  --print-seed-lab  print the built-in scenario and exit
  -h, --help        this help

Exit status: 0 on success, 1 on a usage error or an invalid scenario ("file:line: message").

)";

int Fail(std::string_view message) {
  fmt::print(stderr, "vrrp-sim: {}\n", message);
  return 1;
}

// Writes `text` to `path` whole or not at all: a temporary file next to it, renamed over it, so
// a failed write never leaves half a picture where the last good one was.
bool WriteFile(const std::string& path, std::string_view text, std::string* error) {
  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) {
    *error = fmt::format("cannot write {}: {}", tmp, std::strerror(errno));
    return false;
  }
  const bool written = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  const int saved = errno;
  if (std::fclose(f) != 0 || !written) {
    *error = fmt::format("cannot write {}: {}", tmp, std::strerror(written ? errno : saved));
    std::remove(tmp.c_str());
    return false;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    *error = fmt::format("cannot rename {} to {}: {}", tmp, path, std::strerror(errno));
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  bool json = false;
  bool verbose = false;
  std::string file;
  std::string svg_file;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      fmt::print("{}{}", kUsage, vrrp_sim::kScenarioHelp);
      return 0;
    }
    if (arg == "--json") {
      json = true;
    } else if (arg == "--svg") {
      if (i + 1 >= argc || argv[i + 1][0] == '\0') return Fail("--svg needs a file name");
      svg_file = argv[++i];
    } else if (arg == "-v" || arg == "--verbose") {
      verbose = true;
    } else if (arg == "--print-seed-lab") {
      fmt::print("{}", vrrp_sim::kSeedLab);
      return 0;
    } else if (arg.size() > 1 && arg[0] == '-') {
      return Fail(fmt::format("unknown option {} (see --help)", arg));
    } else if (!file.empty()) {
      return Fail(fmt::format("one scenario at a time ({} and {})", file, arg));
    } else {
      file = std::string(arg);
    }
  }

  std::string text;
  std::string label = "seed-lab.sim";
  if (file == "-") {
    std::ostringstream buffer;
    buffer << std::cin.rdbuf();
    text = buffer.str();
    label = "<stdin>";
  } else if (!file.empty()) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return Fail(fmt::format("cannot read {}: {}", file, std::strerror(errno)));
    std::ostringstream buffer;
    buffer << in.rdbuf();
    text = buffer.str();
    label = file;
  } else {
    text = std::string(vrrp_sim::kSeedLab);
  }

  absl::StatusOr<vrrp_sim::Scenario> scenario = vrrp_sim::ParseScenario(text, label);
  if (!scenario.ok()) {
    fmt::print(stderr, "{}\n", std::string(scenario.status().message()));
    return 1;
  }
  absl::StatusOr<vrrp_sim::SimResult> result = vrrp_sim::Simulate(*scenario);
  if (!result.ok()) return Fail(std::string(result.status().message()));
  if (!svg_file.empty()) {
    absl::StatusOr<std::string> svg = vrrp_sim::FormatSvg(*scenario, *result);
    if (!svg.ok()) return Fail(std::string(svg.status().message()));
    if (svg_file == "-") {
      std::fwrite(svg->data(), 1, svg->size(), stdout);
      return 0;
    }
    std::string error;
    if (!WriteFile(svg_file, *svg, &error)) return Fail(error);
  }
  const std::string out =
      json ? vrrp_sim::FormatJsonLines(*result) : vrrp_sim::FormatText(*scenario, *result, verbose);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}
