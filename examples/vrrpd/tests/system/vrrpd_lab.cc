#include "vrrpd_lab.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdio>

#include "absl/time/time.h"
#include "fmt/format.h"
#include "system/checks.h"

namespace vrrp::test {

VrrpdLab::VrrpdLab(std::string_view name) {
  std::string templ = fmt::format("/tmp/vrrpd-{}-XXXXXX", name);
  REQUIRE(mkdtemp(templ.data()) != nullptr);
  dir_ = templ;
  // Scripts may run as another user (script_user) and must reach their files.
  chmod(dir_.c_str(), 0755);
  auto created = RouterLan::Create();
  REQUIRE(created.ok());
  net_ = std::move(*created);
}

VrrpdLab::~VrrpdLab() {
  for (pid_t& pid : pid_) {
    if (pid <= 0) continue;
    kill(-pid, SIGCONT);  // a stopped daemon dies of SIGKILL as well; this lets it be reaped
    kill(-pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    pid = -1;
  }
  net_.reset();
  if (!dir_.empty()) RunOnHost("rm -rf " + ShellQuote(dir_));
}

std::string VrrpdLab::Path(std::string_view name) const { return fmt::format("{}/{}", dir_, name); }

Netns& VrrpdLab::Router(int n) { return n == 1 ? *net_->r1 : *net_->r2; }

std::string VrrpdLab::Address(int n) { return n == 1 ? "192.0.2.5" : "192.0.2.6"; }

pid_t VrrpdLab::StartVrrpd(int n, const Run& run) {
  const std::string command = fmt::format(
      "cd / && {env} exec {prefix} {vrrpd} -n -l -D -f {dir}/r{n}.conf -p {dir}/r{n}.pid "
      "--status-file {dir}/r{n}.json --control-socket {dir}/r{n}.ctl {flags}",
      fmt::arg("env", run.env), fmt::arg("prefix", run.prefix), fmt::arg("vrrpd", VRRPD_BINARY),
      fmt::arg("dir", dir_), fmt::arg("n", n), fmt::arg("flags", run.flags));
  auto pid = Router(n).Spawn(command, Path(fmt::format("r{}.log", n)));
  REQUIRE(pid.ok());
  pid_[n] = *pid;
  return *pid;
}

pid_t VrrpdLab::StartKeepalived(int n) {
  // -G -P: the VRRP process only; its pid files and TMPDIR (its dump files) in our directory.
  const std::string command = fmt::format(
      "export TMPDIR={0}; exec /usr/sbin/keepalived -n -l -D -G -P -f {0}/r{1}.conf "
      "-p {0}/k{1}.pid -r {0}/v{1}.pid",
      dir_, n);
  auto pid = Router(n).Spawn(command, Path(fmt::format("r{}.log", n)));
  REQUIRE(pid.ok());
  pid_[n] = *pid;
  return *pid;
}

void VrrpdLab::Crash(int n) {
  REQUIRE(kill(-pid_[n], SIGKILL) == 0);
  waitpid(pid_[n], nullptr, 0);
  pid_[n] = -1;
}

std::string VrrpdLab::Log(int n) const { return ReadFile(Path(fmt::format("r{}.log", n))); }

bool VrrpdLab::Logged(int n, std::string_view text) const {
  return Log(n).find(text) != std::string::npos;
}

bool VrrpdLab::Maps(int n, std::string_view library) const {
  return ReadFile(fmt::format("/proc/{}/maps", pid_[n])).find(library) != std::string::npos;
}

std::string VrrpdLab::Logs() const {
  return fmt::format("--- r1 log:\n{}--- r2 log:\n{}", Log(1), Log(2));
}

std::string VrrpdLab::Query(int n, const std::string& expression) {
  const std::string path = Path(fmt::format("r{}.json", n));
  std::remove(path.c_str());
  kill(pid_[n], SIGUSR1);
  if (!Eventually([&] { return !ReadFile(path).empty(); }, absl::Seconds(5))) return "<none>";
  const std::string script =
      fmt::format("import json,sys; d=json.load(open(sys.argv[1])); print(*[{}])", expression);
  auto result = RunOnHost(fmt::format("python3 -c {} {}", ShellQuote(script), path));
  std::string out = result.output;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

int VrrpdLab::Holds(int n, const std::string& vip) { return VipCount(Router(n), vip); }

bool VrrpdLab::SoleHolder(int n, const std::string& vip) {
  return Holds(n, vip) == 1 && Holds(3 - n, vip) == 0;
}

}  // namespace vrrp::test
