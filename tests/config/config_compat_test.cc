// keepalived.conf as people write it (issue 14): what keepalived 2.2.7 runs, vrrpd runs too, with
// a warning that says what it did. Pasted Unicode white space, extra words after a keyword,
// addresses written with a prefix, a VIP listed twice, no VIP, `state SLAVE`, MASTER with
// nopreempt, vrrp_strict's configuration rules, AH, and keepalived's preprocessor.
#include <array>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "config/config_test_helpers.h"
#include "fmt/format.h"
#include "vrrp/config/config.h"

namespace vrrp::config {
namespace {

using testing::Instance;

// The files of these tests are called k.conf, which the warnings' texts name.
Configuration MustParse(std::string_view text, const ParseOptions& options = {}) {
  return testing::MustParse(text, options, "k.conf");
}

std::vector<std::string> Warnings(const Configuration& conf) {
  std::vector<std::string> out;
  for (const Warning& w : conf.warnings) out.push_back(ToString(w));
  return out;
}

std::string ErrorOf(std::string_view text, ParseOptions options = {}) {
  absl::StatusOr<Configuration> conf = ParseString(text, "k.conf", options);
  return conf.ok() ? "(parsed)" : std::string(conf.status().message());
}

ParseOptions WithId(std::string id) {
  ParseOptions options;
  options.config_id = std::move(id);
  return options;
}

TEST_CASE("Compat: Unicode white space pasted from web pages is white space, said once") {
  // U+00A0 and U+3000 in the indentation, U+2003 between a keyword and its value, a byte order
  // mark, comments in Chinese and Russian.
  const std::string text =
      "\xEF\xBB\xBF# 主备配置\n"
      "vrrp_instance VI_1 {\n"
      "\xC2\xA0\xC2\xA0interface eth0\n"
      "\xE3\x80\x80virtual_router_id\xE2\x80\x83"
      "51  # Виртуальный маршрутизатор\n"
      "\xC2\xA0 priority 150\n"
      "  virtual_ipaddress {\n\xE3\x80\x80\xE3\x80\x80"
      "192.0.2.3/24\n  }\n}\n";
  const Configuration conf = MustParse(text);
  REQUIRE(conf.instances.size() == 1);
  CHECK(conf.instances[0].config.router.vrid == 51);
  CHECK(conf.instances[0].config.router.priority == 150);
  CHECK(conf.instances[0].extras.interface == "eth0");
  CHECK(Warnings(conf) ==
        std::vector<std::string>{"k.conf:1: Unicode white space (U+FEFF) read as a space, here and "
                                 "wherever else the file has it (pasted text?)"});
  // GBK's ideographic space (A1 A1) and a GBK comment in a file that is not UTF-8; a GBK
  // character whose trail byte is A1 stays one character of its word.
  const Configuration gbk = MustParse(
      "# \xD6\xF7\xB1\xB8\n"
      "vrrp_instance VI_\xB0\xA1 {\n"
      "\xA1\xA1interface eth0\n"
      "\xA1\xA1virtual_router_id 52\n"
      "\xA1\xA1virtual_ipaddress { 192.0.2.4 }\n}\n");
  REQUIRE(gbk.instances.size() == 1);
  CHECK(gbk.instances[0].config.name == "VI_\xB0\xA1");
  CHECK(gbk.instances[0].config.router.vrid == 52);
  CHECK(Warnings(gbk) ==
        std::vector<std::string>{"k.conf:3: Unicode white space (U+3000) read as a space, here and "
                                 "wherever else the file has it (pasted text?)"});
  // A byte that is neither UTF-8 nor followed by a GBK trail byte does not take the blank after it.
  const Configuration lone = MustParse(Instance("  notify_master /bin/x\xB0 nobody"));
  CHECK(lone.instances[0].extras.notify.master->command == "/bin/x\xB0");
  CHECK(lone.instances[0].extras.notify.master->user == "nobody");
  // Other non-ASCII text is no blank: a word keeps it.
  const Configuration word = MustParse(Instance("  notify_master /usr/bin/été"));
  CHECK(word.instances[0].extras.notify.master->command == "/usr/bin/été");
  CHECK(word.warnings.empty());
}

TEST_CASE("Compat: words after a keyword that takes none are ignored, with a warning") {
  const Configuration conf = MustParse("global_defs {\n  enable_script_security 1\n}\n" +
                                       Instance("  nopreempt 1\n  priority 90 extra words"));
  CHECK(conf.global.enable_script_security);
  CHECK_FALSE(conf.instances[0].config.router.preempt);
  CHECK(conf.instances[0].config.router.priority == 90);
  CHECK(Warnings(conf) ==
        std::vector<std::string>{"k.conf:2: 'enable_script_security' does not take '1': ignored",
                                 "k.conf:8: 'nopreempt' does not take '1': ignored",
                                 "k.conf:9: 'priority' does not take 'extra words': ignored"});
  // Not an unknown keyword, so --strict reads the file too.
  ParseOptions strict;
  strict.strict = true;
  CHECK(ErrorOf(Instance("  nopreempt 1"), strict) == "(parsed)");
  // Several statements on a line are still statements.
  const Configuration line = MustParse(Instance("  nopreempt priority 80"));
  CHECK(line.instances[0].config.router.priority == 80);
  CHECK(line.warnings.empty());
}

TEST_CASE("Compat: unicast addresses written with a prefix length are addresses") {
  const Configuration conf =
      MustParse(Instance("  unicast_src_ip 192.0.2.5/24\n  unicast_peer {\n    192.0.2.6/24\n  }"));
  const InstanceExtras& x = conf.instances[0].extras;
  CHECK(x.source == IpAddress::V4(192, 0, 2, 5));
  CHECK(x.unicast_peers == std::vector<IpAddress>{IpAddress::V4(192, 0, 2, 6)});
  CHECK(Warnings(conf) ==
        std::vector<std::string>{"k.conf:5: unicast_src_ip 192.0.2.5/24: the prefix length /24 is "
                                 "ignored (an address, not a network, is expected)",
                                 "k.conf:7: unicast_peer 192.0.2.6/24: the prefix length /24 is "
                                 "ignored (an address, not a network, is expected)"});
  CHECK(ErrorOf(Instance("  unicast_src_ip 192.0.2.5/40")) ==
        "k.conf:5: unicast_src_ip '192.0.2.5/40' is not an IP address");
}

TEST_CASE("Compat: a VIP listed twice is used once") {
  const Configuration conf =
      MustParse(Instance("  virtual_ipaddress {\n    192.0.2.4\n    192.0.2.3/24 dev eth0\n  }"));
  std::vector<IpAddress> vips;
  for (const VirtualAddress& a : conf.instances[0].config.addresses) vips.push_back(a.address);
  CHECK(vips == std::vector<IpAddress>{IpAddress::V4(192, 0, 2, 3), IpAddress::V4(192, 0, 2, 4)});
  CHECK(conf.instances[0].address_locations.size() == 2);
  CHECK(Warnings(conf) == std::vector<std::string>{"k.conf:7: virtual_ipaddress 192.0.2.3 is "
                                                   "listed twice (first at k.conf:4): used once"});
}

TEST_CASE(
    "Compat: track_interface of the instance's own interface is ignored, as keepalived does") {
  const Configuration conf =
      MustParse(Instance("  track_interface {\n    eth0 weight -50\n    eth1 weight -20\n  }"));
  const std::vector<TrackedInterface>& tracked = conf.instances[0].extras.track_interfaces;
  REQUIRE(tracked.size() == 1);
  CHECK(tracked[0].name == "eth1");
  CHECK(Warnings(conf) ==
        std::vector<std::string>{"k.conf:6: VI_1: track_interface eth0 is the instance's own "
                                 "interface, which it follows anyway: ignored"});
}

TEST_CASE("Compat: an instance without virtual_ipaddress only elects") {
  const Configuration conf = MustParse(
      "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 5\n"
      " notify_master /usr/local/bin/move-cloud-ip\n}\n");
  CHECK(conf.instances[0].config.addresses.empty());
  CHECK(Warnings(conf) == std::vector<std::string>{
                              "k.conf:1: vrrp_instance VI_1 has no virtual_ipaddress: it is "
                              "elected and runs its notify commands, and advertises no address"});
}

TEST_CASE("Compat: state other than MASTER or BACKUP starts as BACKUP") {
  const Configuration conf = MustParse(Instance("  state SLAVE"));
  CHECK(conf.instances[0].extras.state == InitialState::kBackup);
  CHECK(Warnings(conf) == std::vector<std::string>{
                              "k.conf:5: state 'SLAVE' is not MASTER or BACKUP: read as BACKUP"});
}

TEST_CASE("Compat: state MASTER clears nopreempt, as keepalived does, and says so") {
  for (const char* body : {"  state MASTER\n  nopreempt", "  nopreempt\n  state MASTER"}) {
    INFO(body);
    const Configuration conf = MustParse(Instance(body));
    CHECK(conf.instances[0].config.router.preempt);
    REQUIRE(conf.warnings.size() == 1);
    CHECK(conf.warnings[0].message ==
          "VI_1: nopreempt does not work with state MASTER: cleared (as keepalived does); use "
          "state BACKUP on every router for nopreempt");
  }
  const Configuration backup = MustParse(Instance("  state BACKUP\n  nopreempt"));
  CHECK_FALSE(backup.instances[0].config.router.preempt);
  CHECK(backup.warnings.empty());
}

TEST_CASE("Compat: auth_type AH runs with auth_pass as its key, on VRRPv2 only") {
  const Configuration conf =
      MustParse(Instance("  authentication {\n    auth_type AH\n    auth_pass secret1234\n  }"));
  const auto& c = conf.instances[0].config;
  CHECK(c.auth_type == AuthType::kAh);
  // keepalived keys the HMAC with the field's 8 bytes: the first 8 characters, with a warning.
  const std::array<uint8_t, 8> key{'s', 'e', 'c', 'r', 'e', 't', '1', '2'};
  CHECK(c.pass_key.wire_bytes() == key);
  REQUIRE(conf.warnings.size() == 1);
  CHECK(ToString(conf.warnings[0]) ==
        "k.conf:7: auth_pass is longer than 8 characters, truncated to its first 8");

  // VRRPv3 has no authentication (RFC 5798 §9): keepalived's warning, and none is used.
  const Configuration v3 = MustParse(
      Instance("  version 3\n  authentication {\n    auth_type AH\n    auth_pass x\n  }"));
  CHECK(v3.instances[0].config.auth_type == AuthType::kNone);
  REQUIRE(v3.warnings.size() == 1);
  CHECK(ToString(v3.warnings[0]) ==
        "k.conf:6: VI_1: VRRP version 3 does not support authentication. Ignoring.");
}

TEST_CASE("Compat: vrrp_strict applies keepalived's configuration rules and says what it changes") {
  const std::string strict = "global_defs {\n  vrrp_strict\n}\n";  // the instance at line 4
  CHECK(ErrorOf(strict + "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 5\n}\n") ==
        "k.conf:4: vrrp_instance VI_1 has no virtual_ipaddress, which vrrp_strict requires (RFC "
        "5798 §5.2.5: at least one address)");
  CHECK(ErrorOf(strict + Instance("  unicast_peer {\n    192.0.2.9\n  }")) ==
        "k.conf:8: unicast_peer cannot be used with vrrp_strict (RFC 5798 sends to the group)");
  const Configuration conf =
      MustParse(strict + Instance("  state MASTER\n  priority 200\n  preempt_delay 10\n  accept"));
  const VrrpInstance& vi = conf.instances[0];
  CHECK(vi.extras.state == InitialState::kBackup);
  CHECK(vi.config.router.preempt_delay == absl::ZeroDuration());
  CHECK_FALSE(vi.config.router.accept_mode);
  CHECK(Warnings(conf) ==
        std::vector<std::string>{
            "k.conf:8: VI_1: vrrp_strict: state MASTER is for the address owner (priority 255) "
            "only: read as BACKUP",
            "k.conf:10: VI_1: vrrp_strict: preempt_delay is not in the RFC: set to 0",
            "k.conf:11: VI_1: vrrp_strict: accept mode is not in RFC 3768 (VRRPv2): cleared"});
  // The owner accepts (keepalived.conf(5): accept is set if priority is 255), and may start as
  // MASTER: nothing to say.
  const Configuration owner = MustParse(strict + Instance("  state MASTER\n  priority 255"));
  CHECK(owner.instances[0].config.router.accept_mode);
  CHECK(owner.instances[0].extras.state == InitialState::kMaster);
  CHECK(owner.warnings.empty());
  // no_accept, implied or written, is acted on (vrrpd's nftables filter,
  // vrrp/keepalived/no_accept.h): nothing to warn about.
  const Configuration implied = MustParse(strict + Instance(""));
  CHECK_FALSE(implied.instances[0].config.router.accept_mode);
  CHECK(implied.warnings.empty());
  CHECK(MustParse(Instance("  no_accept")).warnings.empty());
}

TEST_CASE("Compat: @ID lines are kept for their config id only, @^ID for the others") {
  const std::string text =
      "global_defs {\n"
      "  @lb1 router_id first\n"
      "  @lb2 router_id second\n"
      "}\n"
      "vrrp_instance VI_1 {\n"
      "  interface eth0\n"
      "  virtual_router_id 5\n"
      "  @lb1 priority 150\n"
      "  @^lb1 priority 100\n"
      "  unicast_peer {\n"
      "    @^lb1 192.0.2.1\n"
      "    @^lb2 192.0.2.2\n"
      "  }\n"
      "  virtual_ipaddress { 192.0.2.10 }\n"
      "}\n";
  const Configuration lb1 = MustParse(text, WithId("lb1"));
  CHECK(lb1.global.router_id == "first");
  CHECK(lb1.instances[0].config.router.priority == 150);
  CHECK(lb1.instances[0].extras.unicast_peers ==
        std::vector<IpAddress>{IpAddress::V4(192, 0, 2, 2)});
  const Configuration lb2 = MustParse(text, WithId("lb2"));
  CHECK(lb2.global.router_id == "second");
  CHECK(lb2.instances[0].config.router.priority == 100);
  CHECK(lb2.instances[0].extras.unicast_peers ==
        std::vector<IpAddress>{IpAddress::V4(192, 0, 2, 1)});
  const Configuration other = MustParse(text, WithId("lb3"));
  CHECK(other.global.router_id.empty());
  CHECK(other.instances[0].extras.unicast_peers.size() == 2);
  CHECK(lb1.warnings.empty());
  CHECK(ErrorOf("@ router_id x\n") == "k.conf:1: '@' needs a config id after it");
}

TEST_CASE("Compat: $NAME definitions and substitutions, as keepalived.conf(5) states them") {
  const std::string text =
      "@lb1 $PRIO=150\n"
      "@lb2 $PRIO=100\n"
      "$BASE=192.0.2.${SUB}\n"
      "$SUB=7\n"
      "$IFACE=eth1\n"
      "vrrp_instance VI_1 {\n"
      "  interface $IFACE\n"
      "  virtual_router_id 5\n"
      "  priority $PRIO\n"
      "  notify_master \"/bin/echo $UNDEFINED ${ALSO_UNDEFINED} $PRIO\"\n"
      "  virtual_ipaddress {\n"
      "    ${BASE}0/24\n"
      "  }\n"
      "}\n";
  const Configuration conf = MustParse(text, WithId("lb2"));
  const VrrpInstance& vi = conf.instances[0];
  CHECK(vi.extras.interface == "eth1");
  CHECK(vi.config.router.priority == 100);
  CHECK(vi.config.addresses.at(0).address == IpAddress::V4(192, 0, 2, 70));
  // Undefined names stay as written (a script's own $variables); $NAME needs a blank after it.
  CHECK(vi.extras.notify.master->command == "/bin/echo $UNDEFINED ${ALSO_UNDEFINED} $PRIO");
  CHECK(vi.locations.at("priority") == Location{"k.conf", 9});
}

TEST_CASE("Compat: multi-line definitions and ~SEQ make instances") {
  const std::string text =
      "$INSTANCE= \\\n"
      "vrrp_instance VI_${N} { \\\n"
      "  interface eth0 \\\n"
      "  virtual_router_id ${N} \\\n"
      "  @lb1 priority 150 \\\n"
      "  virtual_ipaddress { 192.0.2.${N}/24 } \\\n"
      "}\n"
      "$N=1\n"
      "$INSTANCE\n"
      "~SEQ(N2, 2, 2, 6) vrrp_instance SEQ_${N2} { interface eth1 virtual_router_id ${N2} "
      "virtual_ipaddress { 198.51.100.${N2} } }\n"
      "~SEQx(H, 10, 11) vrrp_instance HEX_${H} { interface eth${H} virtual_router_id 100 "
      "virtual_ipaddress { 2001:db8::${H} } }\n";
  const Configuration conf = MustParse(text, WithId("lb1"));
  std::vector<std::string> names;
  for (const VrrpInstance& vi : conf.instances) names.push_back(vi.config.name);
  CHECK(names == std::vector<std::string>{"VI_1", "SEQ_2", "SEQ_4", "SEQ_6", "HEX_a", "HEX_b"});
  CHECK(conf.instances[0].config.router.priority == 150);
  CHECK(conf.instances[3].config.router.vrid == 6);
  CHECK(conf.instances[4].config.addresses.at(0).address == *IpAddress::Parse("2001:db8::a"));
  CHECK(conf.instances[4].extras.interface == "etha");
  CHECK(conf.instances[0].where == Location{"k.conf", 9});
  CHECK(conf.instances[5].where == Location{"k.conf", 11});
  // Counting down, and the defaults of START and STEP.
  CHECK(MustParse("~SEQ(V, 3, 1) vrrp_instance D_$V { interface eth0 virtual_router_id $V }\n")
            .instances.size() == 3);
  CHECK(MustParse("~SEQ(V, 2) vrrp_instance E_$V { interface eth0 virtual_router_id $V }\n")
            .instances.at(1)
            .config.name == "E_2");
}

TEST_CASE("Compat: the preprocessor refuses what would never end") {
  CHECK(ErrorOf("$A=${A}x\nrouter ${A}\n") ==
        "k.conf:2: preprocessor: substitution does not end after 64 passes (does a definition "
        "use itself?)");
  CHECK(ErrorOf("~SEQ(V, 1, 0, 5) x\n") ==
        "k.conf:1: ~SEQ: a step of 0 never ends (~SEQ(VAR, START, STEP, END))");
  CHECK(ErrorOf("~SEQ(V, 1, 1, 100000000) x\n") ==
        "k.conf:1: ~SEQ: 100000000 values, more than 65536 (~SEQ(VAR, START, STEP, END))");
  CHECK(ErrorOf("~SEQ(V, one) x\n") ==
        "k.conf:1: ~SEQ: 'one' is not a number (~SEQ(VAR, START, STEP, END))");
  CHECK(ErrorOf("~SEQ V x\n") ==
        "k.conf:1: ~SEQ: '(' ... ')' expected (~SEQ(VAR, START, STEP, END))");
}

}  // namespace
}  // namespace vrrp::config
