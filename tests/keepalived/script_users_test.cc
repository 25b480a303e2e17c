// A daemon that cannot switch users (vrrpd as User=vrrpd under its systemd unit) refuses, at
// load, a configuration whose commands name another user, each one with its line; it runs the
// others as itself, never defaulting to keepalived_script.
#include "vrrp/keepalived/script_users.h"

#include <catch2/catch.hpp>
#include <string>

#include "fmt/format.h"
#include "vrrp/keepalived/script_checker.h"

namespace vrrp::keepalived {
namespace {

os::ProcessIdentity Nobody() {
  absl::StatusOr<os::Credentials> nobody = os::ResolveCredentials("nobody", "");
  REQUIRE(nobody.ok());
  return os::ProcessIdentity{.uid = nobody->uid, .gid = nobody->gid, .can_switch_user = false};
}

vrrp::config::Configuration Parse(const std::string& text) {
  auto conf = vrrp::config::ParseString(text, "k.conf");
  REQUIRE(conf.ok());
  return *std::move(conf);
}

// Line 1 global_defs; the instance's notify_master on line 9, its track_script on line 11, the
// tracked vrrp_script on line 15, an untracked one on line 19.
std::string Config(const std::string& global, const std::string& notify_user,
                   const std::string& script_user) {
  return fmt::format(R"(global_defs {{
  {0}
}}
vrrp_instance VI_1 {{
  interface eth0
  virtual_router_id 51
  priority 100
  virtual_ipaddress {{ 192.0.2.10/24 }}
  notify_master "/bin/true" {1}
  track_script {{
    chk
  }}
}}
vrrp_script chk {{
  script "/bin/true"
  {2}
}}
vrrp_script unused {{
  script "/bin/true"
  user root
}}
)",
                     global, notify_user, script_user);
}

TEST_CASE("script users: a non-root daemon runs commands that name no other user") {
  const os::ProcessIdentity nobody = Nobody();
  CHECK(CheckScriptUsers(Parse(Config("router_id a", "", "")), nobody).ok());
  CHECK(CheckScriptUsers(Parse(Config("script_user nobody", "", "")), nobody).ok());
  CHECK(CheckScriptUsers(Parse(Config("router_id a", "nobody", "user nobody")), nobody).ok());
  // keepalived_script is root's way not to run scripts as root: not the default here.
  CHECK(DefaultScriptUser(vrrp::config::GlobalDefs{}, nobody).user.empty());
}

TEST_CASE("script users: a non-root daemon refuses commands that name another user") {
  const os::ProcessIdentity nobody = Nobody();
  const std::string why =
      fmt::format("this process runs as uid {} (nobody), gid {}, without CAP_SETUID and CAP_SETGID",
                  nobody.uid, nobody.gid);

  SECTION("global_defs script_user: every command that names none, each with its line") {
    absl::Status s = CheckScriptUsers(Parse(Config("script_user root", "", "")), nobody);
    CHECK(s.code() == absl::StatusCode::kFailedPrecondition);
    CHECK(std::string(s.message())
              .rfind(
                  fmt::format("k.conf:14: vrrp_script chk: cannot run commands as user 'root' (uid "
                              "0): {}; k.conf:9: vrrp_instance VI_1 notify_master: cannot run "
                              "commands as user 'root' (uid 0): {} (run vrrpd as root",
                              why, why),
                  0) == 0);
  }
  SECTION("a command's own user") {
    absl::Status s = CheckScriptUsers(Parse(Config("router_id a", "root", "")), nobody);
    CHECK(s.code() == absl::StatusCode::kFailedPrecondition);
    CHECK(s.message().find("k.conf:9: vrrp_instance VI_1 notify_master: cannot run commands as "
                           "user 'root'") != std::string::npos);
    CHECK(s.message().find("vrrp_script") == std::string::npos);
  }
  SECTION("a vrrp_script's user; an untracked script never runs and is not checked") {
    absl::Status s = CheckScriptUsers(Parse(Config("router_id a", "", "user root")), nobody);
    CHECK(s.message().find("k.conf:14: vrrp_script chk: ") == 0);
    CHECK(s.message().find("unused") == std::string::npos);
  }
  SECTION("an unknown user is named as such") {
    absl::Status s =
        CheckScriptUsers(Parse(Config("script_user vrrpd-no-such-user", "", "")), nobody);
    CHECK(s.message().find("vrrp_script chk: unknown user 'vrrpd-no-such-user'") !=
          std::string::npos);
  }
}

TEST_CASE("script users: a daemon that can switch users may name anyone") {
  os::ProcessIdentity capable = Nobody();
  capable.can_switch_user = true;
  CHECK(CheckScriptUsers(Parse(Config("script_user root", "root", "user root")), capable).ok());
  CHECK(CheckScriptUsers(Parse(Config("script_user root", "", "")),
                         os::ProcessIdentity{.uid = 0, .gid = 0, .can_switch_user = true})
            .ok());
}

}  // namespace
}  // namespace vrrp::keepalived
