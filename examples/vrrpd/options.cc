#include "options.h"

#include <string_view>

#include "absl/strings/numbers.h"
#include "fmt/format.h"
#include "metrics_server.h"

namespace vrrpd {
namespace {

enum class Flag {
  kFile,
  kForeground,
  kConsole,
  kDetail,
  kPid,
  kTest,
  kVersion,
  kHelp,
  kStatus,
  kMetrics,
  kStrict,
  kControlSocket,
  kNotifyBlock,
  kNoAdvertOffload,
  kConfigId
};

struct FlagSpec {
  char short_name;  // 0: long only
  std::string_view long_name;
  Flag flag;
  bool takes_value;
};

constexpr FlagSpec kFlags[] = {
    {'f', "use-file", Flag::kFile, true},
    {'n', "dont-fork", Flag::kForeground, false},
    {'l', "log-console", Flag::kConsole, false},
    {'D', "log-detail", Flag::kDetail, false},
    {'p', "pid", Flag::kPid, true},
    {'t', "config-test", Flag::kTest, false},
    {'v', "version", Flag::kVersion, false},
    {'h', "help", Flag::kHelp, false},
    {0, "status-file", Flag::kStatus, true},
    {0, "metrics", Flag::kMetrics, true},
    {0, "strict", Flag::kStrict, false},
    {0, "control-socket", Flag::kControlSocket, true},
    {0, "notify-block", Flag::kNotifyBlock, true},
    {0, "no-advert-offload", Flag::kNoAdvertOffload, false},
    {'i', "config-id", Flag::kConfigId, true},
};

// --notify-block's limit: beyond an hour it is no bound at all.
constexpr double kMaxNotifyBlockSeconds = 3600;

// What a flag's missing value should have been, for its error.
std::string_view ValueName(const FlagSpec& spec) {
  if (spec.flag == Flag::kMetrics) return "ADDRESS:PORT";
  if (spec.flag == Flag::kNotifyBlock) return "SECONDS";
  if (spec.flag == Flag::kConfigId) return "an id";
  return "a file name";
}

absl::Status Apply(Options& options, const FlagSpec& spec, const std::string& value) {
  // An empty --control-socket turns the socket off, as "none" does.
  if (spec.takes_value && value.empty() && spec.flag != Flag::kControlSocket) {
    return absl::InvalidArgumentError(
        fmt::format("--{} needs {}", spec.long_name, ValueName(spec)));
  }
  switch (spec.flag) {
    case Flag::kFile:
      options.config_file = value;
      break;
    case Flag::kForeground:
      options.foreground = true;
      break;
    case Flag::kConsole:
      options.log_console = true;
      break;
    case Flag::kDetail:
      options.log_detail = true;
      break;
    case Flag::kPid:
      options.pid_file = value;
      break;
    case Flag::kTest:
      options.config_test = true;
      break;
    case Flag::kVersion:
      options.version = true;
      break;
    case Flag::kHelp:
      options.help = true;
      break;
    case Flag::kStatus:
      options.status_file = value;
      break;
    case Flag::kMetrics:
      // Checked here so that a typo stops vrrpd at once, not when the daemon binds.
      if (absl::StatusOr<ListenAddress> listen = ParseListenAddress(value); !listen.ok()) {
        return absl::InvalidArgumentError(
            fmt::format("--metrics: {}", std::string(listen.status().message())));
      }
      options.metrics = value;
      break;
    case Flag::kStrict:
      options.strict = true;
      break;
    case Flag::kNoAdvertOffload:
      options.advert_offload = false;
      break;
    case Flag::kControlSocket:
      options.control_socket = value;
      break;
    case Flag::kConfigId:
      options.config_id = value;
      break;
    case Flag::kNotifyBlock: {
      double seconds = 0;
      if (!absl::SimpleAtod(value, &seconds) || !(seconds >= 0) ||
          seconds > kMaxNotifyBlockSeconds) {
        return absl::InvalidArgumentError(
            fmt::format("--notify-block: '{}' is not a number of seconds from 0 to {}", value,
                        kMaxNotifyBlockSeconds));
      }
      options.notify_block = absl::Seconds(seconds);
      break;
    }
  }
  return absl::OkStatus();
}

}  // namespace

vrrp::config::ParseOptions ConfigParseOptions(const Options& options) {
  vrrp::config::ParseOptions parse;
  parse.strict = options.strict;
  parse.config_id = options.config_id;
  return parse;
}

std::string Usage() {
  return "usage: vrrpd [-f FILE] [-n] [-l] [-D] [-p PIDFILE] [--status-file FILE] [--strict]\n"
         "             [-i ID]\n"
         "             [--metrics ADDRESS:PORT] [--notify-block SECONDS]\n"
         "       vrrpd -t [-f FILE]      check the configuration and exit 0 or 1\n"
         "       vrrpd -v | -h\n"
         "  -f, --use-file FILE    keepalived configuration (/etc/keepalived/keepalived.conf)\n"
         "  -n, --dont-fork        stay in the foreground\n"
         "  -l, --log-console      log to stderr instead of syslog\n"
         "  -D, --log-detail       also log address changes, announcements, refused packets\n"
         "  -p, --pid FILE         pid file (/run/vrrpd.pid)\n"
         "  -t, --config-test      check the configuration file and exit\n"
         "      --status-file FILE  where SIGUSR1 writes the JSON status (/run/vrrpd.json)\n"
         "      --metrics ADDRESS:PORT  Prometheus metrics at http://ADDRESS:PORT/metrics (off)\n"
         "      --strict           unknown keywords are errors, not warnings\n"
         "  -i, --config-id ID     keep the configuration's @ID lines, drop other @ lines\n"
         "                         (default: the host name up to its first '.')\n"
         "      --control-socket PATH  vrrpctl's socket (/run/vrrpd.ctl); \"none\" or \"\" "
         "disables\n"
         "      --notify-block SECONDS  how long a running notify command holds back the "
         "next\n"
         "                         of its instance or group (3; 0: none)\n"
         "      --no-advert-offload  read every advertisement a Backup receives in vrrpd,\n"
         "                         rather than let a kernel filter absorb its master's repeats\n"
         "  -v, --version          print the version and exit\n";
}

absl::StatusOr<Options> ParseOptions(const std::vector<std::string>& args,
                                     std::string_view runtime_directory) {
  Options options;
  runtime_directory = runtime_directory.substr(0, runtime_directory.find(':'));
  while (runtime_directory.size() > 1 && runtime_directory.back() == '/') {
    runtime_directory.remove_suffix(1);
  }
  if (!runtime_directory.empty()) {
    options.pid_file = fmt::format("{}/vrrpd.pid", runtime_directory);
    options.status_file = fmt::format("{}/vrrpd.json", runtime_directory);
    options.control_socket = fmt::format("{}/vrrpd.ctl", runtime_directory);
  }
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto next_value = [&](const FlagSpec& spec) -> absl::StatusOr<std::string> {
      if (i + 1 >= args.size()) {
        return absl::InvalidArgumentError(
            fmt::format("--{} needs {}", spec.long_name, ValueName(spec)));
      }
      return args[++i];
    };
    if (arg.size() > 2 && arg.compare(0, 2, "--") == 0) {
      std::string_view body = std::string_view(arg).substr(2);
      const size_t eq = body.find('=');
      std::string_view name = body.substr(0, eq);
      const FlagSpec* found = nullptr;
      for (const FlagSpec& spec : kFlags) {
        if (spec.long_name == name) found = &spec;
      }
      if (found == nullptr)
        return absl::InvalidArgumentError(fmt::format("unknown flag '{}'", arg));
      std::string value;
      if (eq != std::string_view::npos) {
        if (!found->takes_value) {
          return absl::InvalidArgumentError(fmt::format("--{} takes no value", name));
        }
        value = std::string(body.substr(eq + 1));
      } else if (found->takes_value) {
        auto v = next_value(*found);
        if (!v.ok()) return v.status();
        value = *v;
      }
      if (absl::Status s = Apply(options, *found, value); !s.ok()) return s;
      continue;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      return absl::InvalidArgumentError(fmt::format("unexpected argument '{}'", arg));
    }
    // Bundled short flags: "-nlD", "-fFILE", "-f FILE".
    for (size_t c = 1; c < arg.size(); ++c) {
      const FlagSpec* found = nullptr;
      for (const FlagSpec& spec : kFlags) {
        if (spec.short_name != 0 && spec.short_name == arg[c]) found = &spec;
      }
      if (found == nullptr) {
        return absl::InvalidArgumentError(fmt::format("unknown flag '-{}'", arg[c]));
      }
      std::string value;
      if (found->takes_value) {
        if (c + 1 < arg.size()) {
          value = arg.substr(c + 1);
        } else {
          auto v = next_value(*found);
          if (!v.ok()) return v.status();
          value = *v;
        }
        c = arg.size();
      }
      if (absl::Status s = Apply(options, *found, value); !s.ok()) return s;
    }
  }
  return options;
}

}  // namespace vrrpd
