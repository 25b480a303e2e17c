// vrrpd against the real thing: Debian's keepalived 2.2.7 and vrrpd, each in its own network
// namespace with an interface named eth0, on one bridge with a client namespace that pings the
// VIP. Each side is master in turn; the VIP moves on a graceful stop (SIGTERM: priority 0) and on
// a crash (SIGKILL: the master-down timer) in both directions; the higher priority preempts when
// it comes back; a wrong password is refused and counted on both sides; the seed lab's lb-5.conf
// and lb-6.conf run unchanged with either daemon on either side; auth_type AH (IP protocol 51,
// HMAC-MD5-96) elects and refuses a wrong key the same way.
//
// "One master" is checked three ways: the VIP is on exactly one router (`ip addr`), the logs'
// last "(VI_1) Entering ... STATE" lines say MASTER and BACKUP, and each daemon's own report
// agrees: vrrpd's status (SIGUSR1, --status-file), keepalived's JSON dump (its JSON signal).
// Every wait polls with a generous limit (nothing asserts a duration), and gives up early when a
// daemon exits on its own; a failed wait prints both daemons' state, addresses and log tails.
//
// keepalived runs with -n -l -D -G -P (foreground, console log with details, no syslog, VRRP
// only), its own pid files (-p, -r) and TMPDIR set to the test's directory, where it writes
// keepalived.stats (SIGUSR2) and keepalived.json: runs in parallel (ctest -j) never share a
// file. Its VRRP child is in the spawned process group (killed with it on a "crash"), and the
// namespace's destructor kills whatever is left in the namespace.
//
// Harness self-check: VRRPD_INTEROP_KEEPALIVED_ONLY=1 runs keepalived in vrrpd's place too, to
// tell a harness problem from a vrrpd one.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "fmt/format.h"
#include "system/checks.h"
#include "system/netns.h"
#include "system/router_lan.h"

namespace vrrp {
namespace {

using test::Eventually;
using test::Mac;
using test::Netns;
using test::ReadFile;
using test::RouterLan;
using test::RunOnHost;
using test::ShellQuote;
using test::VipCount;
using test::WriteFile;

constexpr const char* kKeepalived = "/usr/sbin/keepalived";
constexpr const char* kVrrpd = VRRPD_BINARY;
constexpr const char* kConfigData = VRRPD_CONFIG_DATA;
// The seed lab's instance name; the configurations written here use it too.
constexpr const char* kInstance = "VI_1";

// Generous: a v2 takeover needs 3 s + skew, and CI runs under ASan on two busy cores.
constexpr absl::Duration kWait = absl::Seconds(20);

// Waits for `condition` (Lab::WaitFor: it gives up early when a daemon exits on its own); on a
// timeout the test fails (or, with the CHECK form, goes on) with the condition's text and the
// lab's diagnostics: each daemon's state, addresses and log tail.
#define LAB_WAIT_REQUIRE(lab, ...)                                                 \
  do {                                                                             \
    if (!(lab).WaitFor([&] { return static_cast<bool>(__VA_ARGS__); })) {          \
      FAIL("gave up waiting (timeout, or a daemon exited) for: " #__VA_ARGS__ "\n" \
           << (lab).Diagnostics());                                                \
    }                                                                              \
  } while (false)
#define LAB_WAIT_CHECK(lab, ...)                                                         \
  do {                                                                                   \
    if (!(lab).WaitFor([&] { return static_cast<bool>(__VA_ARGS__); })) {                \
      FAIL_CHECK("gave up waiting (timeout, or a daemon exited) for: " #__VA_ARGS__ "\n" \
                 << (lab).Diagnostics());                                                \
    }                                                                                    \
  } while (false)
// A check right now, with the same diagnostics when it fails.
#define LAB_CHECK(lab, ...)                                            \
  do {                                                                 \
    if (!static_cast<bool>(__VA_ARGS__)) {                             \
      FAIL_CHECK("failed: " #__VA_ARGS__ "\n" << (lab).Diagnostics()); \
    }                                                                  \
  } while (false)

bool KeepalivedOnly() {
  const char* only = std::getenv("VRRPD_INTEROP_KEEPALIVED_ONLY");
  return only != nullptr && std::string_view(only) == "1";
}

// Skips (with the message ctest's SKIP_REGULAR_EXPRESSION looks for) without root or keepalived.
#define SKIP_UNLESS_INTEROP_POSSIBLE()                                                   \
  VRRP_SKIP_UNLESS_ROOT();                                                               \
  if (access(kKeepalived, X_OK) != 0) {                                                  \
    WARN("skipped: keepalived is not installed at " << kKeepalived                       \
                                                    << " (apt-get install keepalived)"); \
    return;                                                                              \
  }                                                                                      \
  REQUIRE((KeepalivedOnly() || access(kVrrpd, X_OK) == 0))

void AppendToFile(const std::string& path, std::string_view text) {
  std::ofstream out(path, std::ios::app);
  out << text;
}

bool Exists(const std::string& path) {
  struct stat info {};
  return stat(path.c_str(), &info) == 0;
}

// The last `lines` lines of `text`, without the lines logged per gratuitous ARP / NA sent and
// per status or statistics request (the test's polling).
std::string Tail(const std::string& text, size_t lines) {
  std::vector<std::string> kept;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find("Sending gratuitous ARP on") != std::string::npos ||
        line.find("Sending unsolicited Neighbour Advert on") != std::string::npos ||
        (line.find("Printing VRRP ") != std::string::npos &&
         line.find(" on signal") != std::string::npos) ||
        line.find(": Status written to ") != std::string::npos) {
      continue;
    }
    kept.push_back(line);
  }
  std::string tail;
  for (size_t i = kept.size() > lines ? kept.size() - lines : 0; i < kept.size(); ++i) {
    tail += kept[i] + "\n";
  }
  return tail;
}

// The value of the first "key" in `json`: a string's contents or a number's text; "" when
// absent. The configurations here have one instance, so that is the instance's value.
std::string JsonValue(std::string_view json, std::string_view key) {
  const size_t at = json.find(fmt::format("\"{}\"", key));
  if (at == std::string_view::npos) return "";
  size_t i = at + key.size() + 2;
  while (i < json.size() && (json[i] == ' ' || json[i] == '\n' || json[i] == '\t')) ++i;
  if (i >= json.size() || json[i] != ':') return "";
  ++i;
  while (i < json.size() && (json[i] == ' ' || json[i] == '\n' || json[i] == '\t')) ++i;
  if (i < json.size() && json[i] == '"') {
    const size_t end = json.find('"', i + 1);
    return end == std::string_view::npos ? "" : std::string(json.substr(i + 1, end - i - 1));
  }
  size_t end = i;
  while (end < json.size() && std::string_view(",}] \n\t").find(json[end]) == std::string::npos) {
    ++end;
  }
  return std::string(json.substr(i, end - i));
}

// A number, or -1 when `text` is not one.
long Number(const std::string& text) {
  if (text.empty()) return -1;
  char* end = nullptr;
  const long value = std::strtol(text.c_str(), &end, 10);
  return *end == '\0' ? value : -1;
}

// In keepalived's statistics file: the number after `field` in the block headed `section`
// ("Authentication Errors:" / "Failure:"); -1 when absent.
long KeepalivedStat(const std::string& stats, std::string_view section, std::string_view field) {
  const size_t block = stats.find(section);
  if (block == std::string::npos) return -1;
  const size_t at = stats.find(field, block);
  if (at == std::string::npos) return -1;
  return std::strtol(stats.c_str() + at + field.size(), nullptr, 10);
}

struct Vip {
  std::string address;  // 192.0.2.3
  int prefix = 24;
  bool ipv6 = false;
};

const Vip kVip4{"192.0.2.3", 24, false};
const Vip kVip6{"2001:db8::3", 64, true};

// The signal that makes keepalived write its JSON dump: a real-time signal whose number keepalived
// itself tells (`--signum=JSON`), since it depends on the C library.
int KeepalivedJsonSignal() {
  static const int number = [] {
    const std::string out = RunOnHost(fmt::format("{} --signum=JSON", kKeepalived)).output;
    return std::atoi(out.c_str());
  }();
  REQUIRE(number > 0);
  return number;
}

enum class Kind { vrrpd, keepalived };

// One router's daemon: vrrpd or keepalived, in a namespace, with its files in its own directory.
class Daemon {
 public:
  Daemon(Kind kind, Netns& ns, std::string dir, std::string label)
      : kind_(kind), ns_(ns), dir_(std::move(dir)), label_(std::move(label)) {
    RunOnHost("mkdir -p " + ShellQuote(dir_));
  }

  bool is_vrrpd() const { return kind_ == Kind::vrrpd; }
  const Netns& ns() const { return ns_; }
  std::string log_path() const { return dir_ + "/log"; }
  std::string status_path() const { return dir_ + "/status.json"; }

  // Starts the daemon on `config` in the foreground; its output goes to the log, after a marker
  // line, so that LastState() reads this run only.
  void Start(const std::string& config) {
    REQUIRE(pid_ < 0);
    std::string command;
    if (is_vrrpd()) {
      command = fmt::format("exec {} -n -l -D -f {} -p {} --status-file {} --control-socket none",
                            kVrrpd, ShellQuote(config), ShellQuote(dir_ + "/vrrpd.pid"),
                            ShellQuote(status_path()));
    } else {
      // TMPDIR: where keepalived writes keepalived.stats (and .data, .json) on a signal.
      command = fmt::format(
          "export TMPDIR={0}; rm -f {0}/keepalived.pid {0}/vrrp.pid; "
          "exec {1} -n -l -D -G -P -f {2} -p {0}/keepalived.pid -r {0}/vrrp.pid",
          ShellQuote(dir_), kKeepalived, ShellQuote(config));
    }
    AppendToFile(log_path(), fmt::format("=== test: start #{}: {}\n", ++starts_, command));
    start_offset_ = ReadFile(log_path()).size();
    auto pid = ns_.Spawn(command, log_path());
    REQUIRE(pid.ok());
    pid_ = *pid;
    exit_note_.clear();
  }

  // SIGTERM, and waits for the exit: vrrpd (a master: priority 0, VIPs removed) exits 0.
  void Stop() {
    REQUIRE(pid_ > 0);
    REQUIRE(kill(pid_, SIGTERM) == 0);
    int status = 0;
    const bool exited = Eventually([&] { return waitpid(pid_, &status, WNOHANG) == pid_; }, kWait);
    if (!exited) {
      FAIL(label_ << " did not exit within " << absl::FormatDuration(kWait) << " of SIGTERM\n"
                  << Tail(ReadFile(log_path()), 30));
    }
    AppendToFile(log_path(), fmt::format("=== test: stopped (SIGTERM), wait status {}\n", status));
    pid_ = -1;
    INFO(label_ << " log:\n" << Tail(ReadFile(log_path()), 30));
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }

  // SIGKILL to the process group (keepalived's VRRP child too): nothing is cleaned up.
  void Crash() {
    REQUIRE(pid_ > 0);
    REQUIRE(kill(-pid_, SIGKILL) == 0);
    waitpid(pid_, nullptr, 0);
    AppendToFile(log_path(), "=== test: killed (SIGKILL)\n");
    pid_ = -1;
  }

  bool running() const { return pid_ > 0; }
  bool exited_on_its_own() const { return !exit_note_.empty(); }

  // Teardown: SIGKILL to the group if it runs, no checks.
  void Kill() {
    if (pid_ < 0) return;
    kill(-pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  // Whether it still runs; an unexpected exit is noted for the diagnostics.
  bool Alive() {
    if (pid_ < 0) return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_note_ = fmt::format("EXITED on its own, wait status {} (exit code {}, signal {})",
                               status, WIFEXITED(status) ? WEXITSTATUS(status) : -1,
                               WIFSIGNALED(status) ? WTERMSIG(status) : 0);
      pid_ = -1;
      return false;
    }
    return true;
  }

  // The log of the current (or last) run.
  std::string RunLog() const {
    const std::string log = ReadFile(log_path());
    return start_offset_ <= log.size() ? log.substr(start_offset_) : log;
  }

  // The state of the last "(VI_1) Entering <STATE> STATE" line of this run; "" before any.
  std::string LastState() const {
    const std::string log = RunLog();
    const std::string marker = fmt::format("({}) Entering ", kInstance);
    const size_t at = log.rfind(marker);
    if (at == std::string::npos) return "";
    const size_t begin = at + marker.size();
    return log.substr(begin, log.find(' ', begin) - begin);
  }

  bool LogHas(std::string_view text) const { return RunLog().find(text) != std::string::npos; }

  // vrrpd's status (SIGUSR1 writes it to --status-file); "" when it does not come.
  std::string Status() {
    REQUIRE(is_vrrpd());
    if (!Alive()) return "";
    std::remove(status_path().c_str());
    REQUIRE(kill(pid_, SIGUSR1) == 0);
    // Written atomically (a temporary file renamed), so once it exists it is whole.
    if (!Eventually([&] { return Exists(status_path()); }, absl::Seconds(5),
                    absl::Milliseconds(20))) {
      return "";
    }
    return ReadFile(status_path());
  }

  // keepalived's statistics (SIGUSR2 writes $TMPDIR/keepalived.stats); "" when they do not come.
  std::string KeepalivedStats() {
    REQUIRE(!is_vrrpd());
    if (!Alive()) return "";
    const std::string path = dir_ + "/keepalived.stats";
    std::remove(path.c_str());
    REQUIRE(kill(pid_, SIGUSR2) == 0);
    // Not written atomically: wait for the last block's last line.
    std::string stats;
    Eventually(
        [&] {
          stats = ReadFile(path);
          const size_t last = stats.find("Priority Zero:");
          return last != std::string::npos && stats.find("Sent:", last) != std::string::npos &&
                 stats.back() == '\n';
        },
        absl::Seconds(5), absl::Milliseconds(20));
    return stats;
  }

  // keepalived's JSON dump (its JSON signal writes $TMPDIR/keepalived.json); "" when it does
  // not come.
  std::string KeepalivedJson() {
    REQUIRE(!is_vrrpd());
    if (!Alive()) return "";
    const std::string path = dir_ + "/keepalived.json";
    std::remove(path.c_str());
    REQUIRE(kill(pid_, KeepalivedJsonSignal()) == 0);
    // Not written atomically: wait for the closing bracket of its array.
    std::string json;
    Eventually(
        [&] {
          json = ReadFile(path);
          const size_t last = json.find_last_not_of(" \n");
          return last != std::string::npos && json[last] == ']';
        },
        absl::Seconds(5), absl::Milliseconds(20));
    return json;
  }

  // The state the daemon itself reports: vrrpd's status file, keepalived's JSON dump (its
  // "state" is a number: 0 init, 1 backup, 2 master, 3 fault).
  std::string ReportedState() {
    if (is_vrrpd()) return JsonValue(Status(), "state");
    const std::string state = JsonValue(KeepalivedJson(), "state");
    if (state == "0") return "INIT";
    if (state == "1") return "BACKUP";
    if (state == "2") return "MASTER";
    if (state == "3") return "FAULT";
    return state;
  }

  // Advertisements refused for a wrong password; -1 when the counter cannot be read.
  long AuthFailures() {
    if (is_vrrpd()) return Number(JsonValue(Status(), "auth_failure"));
    return KeepalivedStat(KeepalivedStats(), "Authentication Errors:", "Failure:");
  }

  // Priority-0 advertisements received (a master's graceful stop); -1 when unreadable.
  long PriorityZeroReceived() {
    if (is_vrrpd()) return Number(JsonValue(Status(), "pri_zero_rcvd"));
    return KeepalivedStat(KeepalivedStats(), "Priority Zero:", "Received:");
  }

  std::string Diagnostics() {
    const bool alive = Alive();
    return fmt::format("--- {} in {}, {}\n{}{}", label_, ns_.name(),
                       alive ? fmt::format("running, pid {}", pid_)
                             : (exit_note_.empty() ? "not running" : exit_note_),
                       Trim(ns_.Run("ip -br addr show dev eth0").output),
                       Tail(ReadFile(log_path()), 40));
  }

 private:
  static std::string Trim(std::string text) {
    return text.empty() || text.back() == '\n' ? text : text + "\n";
  }

  Kind kind_;
  Netns& ns_;
  std::string dir_;
  std::string label_;
  pid_t pid_ = -1;
  int starts_ = 0;
  size_t start_offset_ = 0;
  std::string exit_note_;
};

// Two routers (namespaces "a" with 192.0.2.5 / 2001:db8::5 and "b" with .6 / ::6, eth0 in
// each) and a client (.10 / ::10) on one bridge, a temporary directory for configurations,
// logs, pid and status files, and the daemons.
class Lab {
 public:
  Lab() {
    char dir_template[] = "/tmp/vrrpd-interop-XXXXXX";
    REQUIRE(mkdtemp(dir_template) != nullptr);
    dir_.path = dir_template;
    auto net = RouterLan::Create();
    REQUIRE(net.ok());
    net_ = std::move(*net);
  }

  // SIGKILL is quicker than the namespaces' SIGTERM and grace period; their destructors then
  // kill anything left (keepalived's VRRP child) and delete them, and the directory goes last.
  ~Lab() {
    for (auto& daemon : daemons_) daemon->Kill();
  }

  // Whether every daemon that should run does.
  bool AllAlive() {
    bool all = true;
    for (auto& daemon : daemons_) {
      if (daemon->running()) daemon->Alive();
      if (daemon->exited_on_its_own()) all = false;
    }
    return all;
  }

  // The daemon of router `ns` (a or b): vrrpd, or keepalived for `Kind::keepalived` and in the
  // harness self-check.
  Daemon& Add(Kind kind, bool on_a, const std::string& role) {
    const Kind actual = KeepalivedOnly() ? Kind::keepalived : kind;
    const std::string name = kind == Kind::vrrpd ? "vrrpd" : "keepalived";
    const std::string label =
        fmt::format("{} ({}, {}{})", name, role, on_a ? "192.0.2.5" : "192.0.2.6",
                    actual != kind ? ", played by keepalived" : "");
    daemons_.push_back(std::make_unique<Daemon>(actual, on_a ? *net_->r1 : *net_->r2,
                                                fmt::format("{}/{}", dir_.path, name), label));
    return *daemons_.back();
  }

  // A configuration file in the lab's directory.
  std::string Write(const std::string& name, const std::string& text) const {
    const std::string path = fmt::format("{}/{}", dir_.path, name);
    WriteFile(path, text);
    return path;
  }

  // The client reaches `vip` (ping) at `owner`'s MAC: the owner's gratuitous ARPs / unsolicited
  // NAs moved the client's neighbour entry.
  bool ClientReaches(const Vip& vip, const Daemon& owner) const {
    const std::string ping =
        fmt::format("ping {} -c 1 -W 1 {}", vip.ipv6 ? "-6" : "-4", vip.address);
    if (net_->client->Run(ping).exit_code != 0) return false;
    return net_->client->Run(fmt::format("ip neigh show {} dev eth0", vip.address))
               .output.find(Mac(owner.ns())) != std::string::npos;
  }

  // Eventually(condition), but a daemon that exits on its own (a crash, a refused configuration)
  // ends the wait at once: the condition's value then.
  bool WaitFor(const std::function<bool()>& condition) {
    Eventually([&] { return condition() || !AllAlive(); }, kWait);
    return condition();
  }

  std::string Diagnostics() {
    std::string text = "\n";
    for (auto& daemon : daemons_) text += daemon->Diagnostics();
    text += "--- client neighbours:\n" + net_->client->Run("ip neigh show dev eth0").output;
    return text;
  }

 private:
  struct TempDir {
    std::string path;
    ~TempDir() {
      if (!path.empty()) RunOnHost("rm -rf " + ShellQuote(path));
    }
  };

  TempDir dir_;  // first, so that it is removed last
  // a is r1 (192.0.2.5, 2001:db8::5), b is r2 (.6, ::6); the client is .10, ::10.
  std::unique_ptr<RouterLan> net_;
  std::vector<std::unique_ptr<Daemon>> daemons_;
};

// `master` alone holds the VIP and says MASTER, `backup` says BACKUP (in their logs and their
// own reports).
void RequireSoleMaster(Lab& lab, Daemon& master, Daemon& backup, const Vip& vip) {
  LAB_WAIT_REQUIRE(lab, VipCount(master.ns(), vip.address) == 1 &&
                            VipCount(backup.ns(), vip.address) == 0 &&
                            master.LastState() == "MASTER" && backup.LastState() == "BACKUP");
  LAB_CHECK(lab, master.ReportedState() == "MASTER");
  LAB_CHECK(lab, backup.ReportedState() == "BACKUP");
}

// With its peer gone, `survivor` holds the VIP and says MASTER, and the client follows.
void RequireTakeover(Lab& lab, Daemon& survivor, const Vip& vip) {
  LAB_WAIT_REQUIRE(lab,
                   VipCount(survivor.ns(), vip.address) == 1 && survivor.LastState() == "MASTER");
  LAB_CHECK(lab, survivor.ReportedState() == "MASTER");
  LAB_WAIT_CHECK(lab, lab.ClientReaches(vip, survivor));
}

// The whole exchange between a higher-priority `high` and a lower-priority `low`: election, crash,
// preemption over the leftover VIP, graceful stop. (Each transition of a v2 pair costs about
// 3.5 s of master-down timer, so the crash and the preemption share one restart.)
void HandOver(Lab& lab, Daemon& high, const std::string& high_config, Daemon& low,
              const std::string& low_config, const Vip& vip) {
  high.Start(high_config);
  low.Start(low_config);
  RequireSoleMaster(lab, high, low, vip);
  LAB_WAIT_CHECK(lab, lab.ClientReaches(vip, high));

  // Crash: no priority 0, so the backup takes over when its master-down timer fires; the VIP
  // stays behind on the killed side (keepalived leaves it too).
  high.Crash();
  RequireTakeover(lab, low, vip);
  LAB_WAIT_CHECK(lab, low.LogHas(fmt::format("({}) Receive advertisement timeout", kInstance)));

  // Back with the higher priority, over its leftover VIP: it takes the VIP back (preemption),
  // one VIP on one router again.
  high.Start(high_config);
  RequireSoleMaster(lab, high, low, vip);
  // The master that stood down says why, in keepalived's words ("(VI_1) Master received advert
  // from 192.0.2.5 with higher priority 150, ours 100").
  LAB_WAIT_CHECK(lab, low.LogHas(fmt::format("({}) Master received advert from ", kInstance)) &&
                          low.LogHas(" with higher priority "));
  LAB_WAIT_CHECK(lab, lab.ClientReaches(vip, high));

  // Graceful stop: the master sends priority 0 and removes its VIP before it exits; the backup
  // takes over after its skew time, without waiting for the master-down timer.
  high.Stop();
  LAB_CHECK(lab, VipCount(high.ns(), vip.address) == 0);
  RequireTakeover(lab, low, vip);
  LAB_CHECK(lab, low.PriorityZeroReceived() > 0);
}

// One instance (VRID 50, state BACKUP on eth0) in keepalived's syntax, which both daemons read,
// with `settings` (lines of the vrrp_instance block) between its priority and its VIP.
std::string OneInstanceConf(const std::string& router_id, int priority, const Vip& vip,
                            const std::string& settings) {
  return fmt::format(
      "global_defs {{\n"
      "    router_id {}\n"
      "}}\n"
      "vrrp_instance {} {{\n"
      "    state BACKUP\n"
      "    interface eth0\n"
      "    virtual_router_id 50\n"
      "    priority {}\n"
      "{}"
      "    virtual_ipaddress {{\n"
      "        {}/{}\n"
      "    }}\n"
      "}}\n",
      router_id, kInstance, priority, settings, vip.address, vip.prefix);
}

// VRRPv3 at 100 ms adverts.
std::string V3Config(const std::string& router_id, int priority, const Vip& vip) {
  return OneInstanceConf(router_id, priority, vip, "    version 3\n    advert_int 0.1\n");
}

// VRRPv2 with keepalived's auth_type AH (IPsec AH, HMAC-MD5-96 keyed with auth_pass;
// vrrp/ah.h), 1 s adverts.
std::string V2AhConfig(const std::string& router_id, int priority, const std::string& pass) {
  return OneInstanceConf(router_id, priority, kVip4,
                         fmt::format("    advert_int 1\n"
                                     "    authentication {{\n"
                                     "        auth_type AH\n"
                                     "        auth_pass {}\n"
                                     "    }}\n",
                                     pass));
}

std::string SeedConfig(const std::string& name) {
  return fmt::format("{}/{}.conf", kConfigData, name);
}

// The seed lab's files, unchanged. Both track chk_nginx ("/usr/bin/pgrep nginx", weight -20),
// and pgrep sees every process of the host's PID namespace (a network namespace does not hide
// them), so whether it succeeds depends on the machine. It does not matter: lb-5's effective
// priority is 150 or 130, lb-6's 100 or 80, and 130 > 100, so lb-5 is master whatever nginx does.
TEST_CASE("Seed lab unchanged, VRRPv2 PASS: vrrpd runs lb-5 and is master, keepalived runs lb-6") {
  SKIP_UNLESS_INTEROP_POSSIBLE();
  Lab lab;
  Daemon& lb5 = lab.Add(Kind::vrrpd, /*on_a=*/true, "lb-5");
  Daemon& lb6 = lab.Add(Kind::keepalived, /*on_a=*/false, "lb-6");
  HandOver(lab, lb5, SeedConfig("lb-5"), lb6, SeedConfig("lb-6"), kVip4);
}

TEST_CASE("Seed lab unchanged, VRRPv2 PASS: keepalived runs lb-5 and is master, vrrpd runs lb-6") {
  SKIP_UNLESS_INTEROP_POSSIBLE();
  Lab lab;
  Daemon& lb5 = lab.Add(Kind::keepalived, /*on_a=*/true, "lb-5");
  Daemon& lb6 = lab.Add(Kind::vrrpd, /*on_a=*/false, "lb-6");
  HandOver(lab, lb5, SeedConfig("lb-5"), lb6, SeedConfig("lb-6"), kVip4);
}

TEST_CASE("VRRPv3 IPv4 at 100 ms: each side master in turn, crash, preemption, graceful stop") {
  SKIP_UNLESS_INTEROP_POSSIBLE();
  Lab lab;
  SECTION("vrrpd priority 150, keepalived 100") {
    Daemon& vrrpd = lab.Add(Kind::vrrpd, true, "priority 150");
    Daemon& keepalived = lab.Add(Kind::keepalived, false, "priority 100");
    HandOver(lab, vrrpd, lab.Write("vrrpd.conf", V3Config("vrrpd", 150, kVip4)), keepalived,
             lab.Write("keepalived.conf", V3Config("keepalived", 100, kVip4)), kVip4);
  }
  SECTION("keepalived priority 150, vrrpd 100") {
    Daemon& keepalived = lab.Add(Kind::keepalived, true, "priority 150");
    Daemon& vrrpd = lab.Add(Kind::vrrpd, false, "priority 100");
    HandOver(lab, keepalived, lab.Write("keepalived.conf", V3Config("keepalived", 150, kVip4)),
             vrrpd, lab.Write("vrrpd.conf", V3Config("vrrpd", 100, kVip4)), kVip4);
  }
}

TEST_CASE("VRRPv3 IPv6 at 100 ms: each side master in turn, crash, preemption, graceful stop") {
  SKIP_UNLESS_INTEROP_POSSIBLE();
  Lab lab;
  SECTION("vrrpd priority 150, keepalived 100") {
    Daemon& vrrpd = lab.Add(Kind::vrrpd, true, "priority 150");
    Daemon& keepalived = lab.Add(Kind::keepalived, false, "priority 100");
    HandOver(lab, vrrpd, lab.Write("vrrpd.conf", V3Config("vrrpd", 150, kVip6)), keepalived,
             lab.Write("keepalived.conf", V3Config("keepalived", 100, kVip6)), kVip6);
  }
  SECTION("keepalived priority 150, vrrpd 100") {
    Daemon& keepalived = lab.Add(Kind::keepalived, true, "priority 150");
    Daemon& vrrpd = lab.Add(Kind::vrrpd, false, "priority 100");
    HandOver(lab, keepalived, lab.Write("keepalived.conf", V3Config("keepalived", 150, kVip6)),
             vrrpd, lab.Write("vrrpd.conf", V3Config("vrrpd", 100, kVip6)), kVip6);
  }
}

// AH's sequence numbers matter here: after the crash the restarted router starts from 1, which
// the survivor (now master) refuses as replays until the restarted one has heard it and numbers
// above it (keepalived's rule, which vrrpd follows), so the preemption also proves that rule
// works both ways.
TEST_CASE("VRRPv2 AH: each side master in turn, crash, preemption, graceful stop") {
  SKIP_UNLESS_INTEROP_POSSIBLE();
  Lab lab;
  SECTION("vrrpd priority 150, keepalived 100") {
    Daemon& vrrpd = lab.Add(Kind::vrrpd, true, "priority 150, AH");
    Daemon& keepalived = lab.Add(Kind::keepalived, false, "priority 100, AH");
    HandOver(lab, vrrpd, lab.Write("vrrpd.conf", V2AhConfig("vrrpd", 150, "ah-key-1")), keepalived,
             lab.Write("keepalived.conf", V2AhConfig("keepalived", 100, "ah-key-1")), kVip4);
  }
  SECTION("keepalived priority 150, vrrpd 100") {
    Daemon& keepalived = lab.Add(Kind::keepalived, true, "priority 150, AH");
    Daemon& vrrpd = lab.Add(Kind::vrrpd, false, "priority 100, AH");
    HandOver(lab, keepalived,
             lab.Write("keepalived.conf", V2AhConfig("keepalived", 150, "ah-key-1")), vrrpd,
             lab.Write("vrrpd.conf", V2AhConfig("vrrpd", 100, "ah-key-1")), kVip4);
  }
}

// AH with two keys: each refuses the other's packets (the ICV does not verify), so each becomes
// master, and each counts them: keepalived as an authentication failure in its statistics,
// vrrpd as stats.drops.ah_icv.
TEST_CASE("VRRPv2 AH, wrong key: vrrpd and keepalived refuse each other's adverts and count them") {
  SKIP_UNLESS_INTEROP_POSSIBLE();
  Lab lab;
  Daemon& vrrpd = lab.Add(Kind::vrrpd, true, "priority 150, AH key 1");
  Daemon& keepalived = lab.Add(Kind::keepalived, false, "priority 100, AH key 2");
  vrrpd.Start(lab.Write("vrrpd.conf", V2AhConfig("vrrpd", 150, "ah-key-1")));
  keepalived.Start(lab.Write("keepalived.conf", V2AhConfig("keepalived", 100, "ah-key-2")));

  // Both say so in keepalived's words, and count it.
  const std::string refused = fmt::format(
      "({}) IPSEC-AH : invalid IPSEC HMAC-MD5 value. Due to fields mutation or bad password !",
      kInstance);
  LAB_WAIT_REQUIRE(lab, keepalived.LogHas(refused));
  LAB_CHECK(lab, keepalived.AuthFailures() > 0);
  LAB_WAIT_REQUIRE(lab, vrrpd.LogHas(refused));
  LAB_CHECK(lab, vrrpd.is_vrrpd() ? Number(JsonValue(vrrpd.Status(), "ah_icv")) > 0
                                  : vrrpd.AuthFailures() > 0);
  LAB_WAIT_CHECK(lab, VipCount(vrrpd.ns(), kVip4.address) == 1 &&
                          VipCount(keepalived.ns(), kVip4.address) == 1 &&
                          vrrpd.LastState() == "MASTER" && keepalived.LastState() == "MASTER");
}

// vrrpd runs lb-5 unchanged (PASS 1111), keepalived lb-6 with another password. Each refuses
// the other's advertisements, so each times out and becomes master (the VIP on both: what a
// password mismatch does), and each counts the refusals: keepalived logs "(VI_1) received an
// invalid passwd!" (with -D) and its statistics (SIGUSR2) show "Authentication Errors: ...
// Failure: N"; vrrpd's status shows stats.drops.auth_failure.
TEST_CASE("Wrong password: vrrpd and keepalived refuse each other's adverts and count them") {
  SKIP_UNLESS_INTEROP_POSSIBLE();
  Lab lab;
  Daemon& vrrpd = lab.Add(Kind::vrrpd, true, "lb-5, PASS 1111");
  Daemon& keepalived = lab.Add(Kind::keepalived, false, "lb-6, PASS 2222");
  std::string lb6 = ReadFile(SeedConfig("lb-6"));
  const size_t pass = lb6.find("auth_pass 1111");
  REQUIRE(pass != std::string::npos);
  lb6.replace(pass, 14, "auth_pass 2222");
  vrrpd.Start(SeedConfig("lb-5"));
  keepalived.Start(lab.Write("lb-6-wrong-pass.conf", lb6));

  const std::string refused = fmt::format("({}) received an invalid passwd!", kInstance);
  LAB_WAIT_REQUIRE(lab, keepalived.LogHas(refused));
  LAB_CHECK(lab, keepalived.AuthFailures() > 0);
  LAB_WAIT_REQUIRE(lab, vrrpd.AuthFailures() > 0);
  LAB_CHECK(lab, vrrpd.LogHas(refused));
  // Neither accepted the other as master.
  LAB_WAIT_CHECK(lab, VipCount(vrrpd.ns(), kVip4.address) == 1 &&
                          VipCount(keepalived.ns(), kVip4.address) == 1 &&
                          vrrpd.LastState() == "MASTER" && keepalived.LastState() == "MASTER");
}

}  // namespace
}  // namespace vrrp
