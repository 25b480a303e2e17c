// vrrpctl: vrrpd's control command, a client of its control socket (README.md, vrrpctl.8).
//
//   vrrpctl status [--json]          vrrpctl fault set|clear INSTANCE
//   vrrpctl stats                    vrrpctl priority INSTANCE +N|-N|0
//   vrrpctl reload                   vrrpctl history [--json | --svg FILE]
//
// Exit codes (kExit*): 0 done, 1 vrrpd not running, 2 usage, 3 refused by the daemon (no such
// instance, a reload refused), 4 permission denied, 5 no answer or a broken one.
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "control_client.h"
#include "control_protocol.h"
#include "fmt/format.h"

namespace {

using vrrpd::control::Code;

constexpr int kExitOk = 0;
constexpr int kExitNotRunning = 1;
constexpr int kExitUsage = 2;
constexpr int kExitRefused = 3;
constexpr int kExitDenied = 4;
constexpr int kExitFailed = 5;

constexpr const char* kUsage =
    "usage: vrrpctl [-s SOCKET] [-t SECONDS] COMMAND\n"
    "  status [--json]            instances: state, priorities, VIPs, master, fault reasons\n"
    "  stats                      every instance's counters (keepalived's names)\n"
    "  reload                     re-read the configuration (as SIGHUP); errors are shown\n"
    "  fault set|clear INSTANCE   hold an instance in FAULT (drain a node), or release it\n"
    "  priority INSTANCE +N|-N|0  add an operator delta to its priority (0 clears it)\n"
    "  history [--json]           what happened lately: transitions and their reasons, VIPs,\n"
    "                             priority changes (the last 4096 events)\n"
    "  history --svg FILE         the same as a timeline picture (SVG; FILE - for stdout)\n"
    "  -s, --socket PATH          vrrpd's control socket (/run/vrrpd.ctl, else\n"
    "                             /run/vrrpd/vrrpd.ctl: vrrpd under RuntimeDirectory=vrrpd)\n"
    "  -t, --timeout SECONDS      how long to wait for an answer (10)\n"
    "exit: 0 done, 1 vrrpd not running, 2 usage, 3 refused, 4 permission denied, 5 no answer\n";

int Usage(const std::string& error) {
  fmt::print(stderr, "vrrpctl: {}\n{}", error, kUsage);
  return kExitUsage;
}

// vrrpd's default socket: /run/vrrpd.ctl, or in its systemd RuntimeDirectory=vrrpd when run as
// a non-root user (vrrpd's options.h), which an operator's shell does not know of.
std::string DefaultSocket() {
  constexpr const char* kRun = "/run/vrrpd.ctl";
  constexpr const char* kRuntimeDirectory = "/run/vrrpd/vrrpd.ctl";
  struct stat st {};
  if (stat(kRun, &st) != 0 && stat(kRuntimeDirectory, &st) == 0) return kRuntimeDirectory;
  return kRun;
}

}  // namespace

int main(int argc, char** argv) {
  std::string socket = DefaultSocket();
  absl::Duration timeout = absl::Seconds(10);
  std::vector<std::string> words;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](const std::string& flag) -> const char* {
      if (i + 1 >= argc) return nullptr;
      (void)flag;
      return argv[++i];
    };
    if (!words.empty() || arg.empty() || arg[0] != '-' || arg == "--json") {
      words.push_back(arg);  // the command and its arguments ("-60" is a delta, not a flag)
    } else if (arg == "-h" || arg == "--help") {
      fmt::print("{}", kUsage);
      return kExitOk;
    } else if (arg == "-s" || arg == "--socket") {
      const char* v = value(arg);
      if (v == nullptr || *v == '\0') return Usage(arg + " needs a socket path");
      socket = v;
    } else if (arg == "-t" || arg == "--timeout") {
      const char* v = value(arg);
      int seconds = 0;
      if (v == nullptr || std::sscanf(v, "%d", &seconds) != 1 || seconds <= 0 || seconds > 3600) {
        return Usage(arg + " needs a number of seconds (1..3600)");
      }
      timeout = absl::Seconds(seconds);
    } else {
      return Usage(fmt::format("unknown flag '{}'", arg));
    }
  }
  // history --svg FILE: the daemon draws, we write the file (the daemon may not reach it).
  std::string svg_file;
  if (words.size() == 3 && words[0] == "history" && words[1] == "--svg") {
    svg_file = words[2];
    if (svg_file.empty()) return Usage("history --svg needs a file name (- for stdout)");
    words = {"history", "svg"};
  } else if (words.size() == 2 && words[0] == "history" && words[1] == "--svg") {
    return Usage("history --svg needs a file name (- for stdout)");
  }
  auto request = vrrpd::control::ParseWords(words);
  if (!request.ok()) return Usage(std::string(request.status().message()));

  auto response = vrrpd::control::Call(socket, *request, timeout);
  if (!response.ok()) {
    fmt::print(stderr, "vrrpctl: {}\n", std::string(response.status().message()));
    switch (response.status().code()) {
      case absl::StatusCode::kUnavailable:
        return kExitNotRunning;
      case absl::StatusCode::kPermissionDenied:
        return kExitDenied;
      case absl::StatusCode::kInvalidArgument:
        return kExitUsage;
      default:
        return kExitFailed;
    }
  }
  if (!svg_file.empty() && svg_file != "-" && response->code == Code::kOk) {
    std::ofstream out(svg_file, std::ios::binary | std::ios::trunc);
    out << response->body;
    out.close();
    if (!out) {
      fmt::print(stderr, "vrrpctl: cannot write {}\n", svg_file);
      return kExitFailed;
    }
    fmt::print("{}: {} bytes\n", svg_file, response->body.size());
    return kExitOk;
  }
  std::fwrite(response->body.data(), 1, response->body.size(), stdout);
  switch (response->code) {
    case Code::kOk:
      // The table and the JSON speak for themselves; a command's answer is its message.
      if (response->body.empty()) fmt::print("{}\n", response->message);
      return kExitOk;
    case Code::kDenied:
      fmt::print(stderr, "vrrpctl: {}: {}\n", vrrpd::control::DeniedMessage(socket),
                 response->message);
      return kExitDenied;
    case Code::kUsage:
      fmt::print(stderr, "vrrpctl: vrrpd refused the request: {}\n", response->message);
      return kExitUsage;
    case Code::kNotFound:
    case Code::kRefused:
    case Code::kBusy:
      fmt::print(stderr, "vrrpctl: {}\n", response->message);
      return kExitRefused;
  }
  return kExitFailed;
}
