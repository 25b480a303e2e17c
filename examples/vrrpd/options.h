// vrrpd's command line: keepalived's flags where they make sense (keepalived(8)), plus a few of
// our own. Parsing is a pure function so that every flag and every error is unit-tested.
#ifndef VRRPD_OPTIONS_H_
#define VRRPD_OPTIONS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "vrrp/config/config.h"

namespace vrrpd {

struct Options {
  std::string config_file = "/etc/keepalived/keepalived.conf";  // -f, --use-file
  bool foreground = false;                                      // -n, --dont-fork
  bool log_console = false;                                     // -l, --log-console
  bool log_detail = false;                                      // -D, --log-detail
  std::string pid_file = "/run/vrrpd.pid";                      // -p, --pid
  bool config_test = false;                                     // -t, --config-test
  bool version = false;                                         // -v, --version
  bool help = false;                                            // -h, --help
  std::string status_file = "/run/vrrpd.json";                  // --status-file
  bool strict = false;                                          // --strict
  // -i, --config-id ID: keepalived's, for `@ID` lines; unset: the host name up to its first '.'.
  std::optional<std::string> config_id;
  std::string metrics;  // --metrics ADDRESS:PORT: Prometheus /metrics there; empty: off
  // --control-socket: vrrpctl's unix socket; "" or "none" turns it off (ControlSocketEnabled).
  std::string control_socket = "/run/vrrpd.ctl";
  // --notify-block SECONDS: how long a running notify command holds back the next one of its
  // instance or group (notifier.h). Ours, not keepalived's, whose scripts never wait for each
  // other: a command-line flag so that keepalived.conf stays keepalived's.
  absl::Duration notify_block = absl::Seconds(3);
  // --no-advert-offload: DriverOptions::advert_offload off (an eBPF filter absorbs a Backup's
  // repeats of its master's advertisement in the kernel; vrrp/linux/advert_offload.h).
  bool advert_offload = true;
};

// Whether --control-socket names a socket rather than turning it off.
inline bool ControlSocketEnabled(const Options& options) {
  return !options.control_socket.empty() && options.control_socket != "none";
}

// How the configuration file is read with these flags (-t, start and reload alike).
vrrp::config::ParseOptions ConfigParseOptions(const Options& options);

// The usage text printed by -h and after a flag error.
std::string Usage();

// `args` without the program name. Errors name the flag: "-f needs a file name",
// "unknown flag '--foo'". keepalived's short flags may be bundled ("-nlD"), and a long flag's
// value may follow '=' ("--use-file=/etc/k.conf").
// `runtime_directory` is $RUNTIME_DIRECTORY, which systemd sets for a unit with
// RuntimeDirectory= (systemd.exec(5); a colon-separated list, the first is ours): when given, the
// default pid, status and control-socket paths are in it instead of /run, which a daemon run as
// a non-root user with capabilities cannot write.
absl::StatusOr<Options> ParseOptions(const std::vector<std::string>& args,
                                     std::string_view runtime_directory = {});

}  // namespace vrrpd

#endif  // VRRPD_OPTIONS_H_
