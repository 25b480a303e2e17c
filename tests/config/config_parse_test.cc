// keepalived.conf files parsed to typed values: the seed lab's two files exactly, v3 over both
// families, includes with globs, comments everywhere.
#include <catch2/catch.hpp>
#include <string>

#include "config/config_test_helpers.h"
#include "fmt/format.h"
#include "vrrp/config/config.h"

namespace vrrp::config {
namespace {

using testing::MustParse;

const std::string kDataDir = std::string(VRRP_VECTORS_DIR) + "/../config/data";

Configuration MustParseFile(const std::string& name) {
  absl::StatusOr<Configuration> conf = ParseFile(kDataDir + "/" + name);
  INFO(conf.status().ToString());
  REQUIRE(conf.ok());
  return *std::move(conf);
}

IpAddress Ip(std::string_view text) {
  absl::StatusOr<IpAddress> ip = IpAddress::Parse(text);
  REQUIRE(ip.ok());
  return *ip;
}

void CheckSeedLab(const Configuration& conf, const std::string& file, const char* router_id,
                  InitialState state, int priority) {
  CHECK(conf.warnings.empty());
  CHECK(conf.global.router_id == router_id);
  CHECK(conf.global.where == Location{file, 2});
  REQUIRE(conf.scripts.size() == 1);
  const VrrpScript& script = conf.scripts[0];
  CHECK(script.name == "chk_nginx");
  CHECK(script.where == Location{file, 6});
  CHECK(script.script.command == "/usr/bin/pgrep nginx");
  CHECK(script.script.where == Location{file, 7});
  CHECK(script.interval == absl::Seconds(2));
  CHECK(script.timeout == absl::Seconds(2));
  CHECK(script.weight == -20);
  CHECK(script.rise == 1);
  CHECK(script.fall == 1);
  CHECK_FALSE(script.init_fail);

  REQUIRE(conf.instances.size() == 1);
  const VrrpInstance& vi = conf.instances[0];
  CHECK(vi.where == Location{file, 12});
  CHECK(vi.config.name == "VI_1");
  const RouterConfig& r = vi.config.router;
  CHECK(r.vrid == 50);
  CHECK(r.family == Family::kIPv4);
  CHECK(r.version == Version::kV2);  // keepalived's default version
  CHECK(r.priority == priority);
  CHECK(r.advert_interval == Centiseconds(100));
  CHECK(r.preempt);
  CHECK(r.preempt_delay == absl::ZeroDuration());
  CHECK(r.accept_mode);  // keepalived's default without vrrp_strict
  CHECK(r.down_timer_adverts == 3);
  CHECK(r.garp_master_repeat == 5);
  CHECK(r.garp_master_delay == absl::Seconds(5));
  CHECK(r.garp_master_refresh == absl::ZeroDuration());
  CHECK(r.garp_master_refresh_repeat == 1);
  CHECK(r.primary_address.IsUnspecified());  // the driver takes the interface's
  CHECK(vi.config.auth_type == AuthType::kPass);
  const std::array<uint8_t, 8> key{'1', '1', '1', '1', 0, 0, 0, 0};  // "31313131 00000000"
  CHECK(vi.config.pass_key.wire_bytes() == key);
  CHECK(vi.config.v3_ipv4_pseudo_header);
  REQUIRE(vi.config.addresses.size() == 1);
  const VirtualAddress expected{
      .address = IpAddress::V4(192, 0, 2, 3), .prefix_len = 24, .interface = "eth0"};
  CHECK(vi.config.addresses[0] == expected);
  CHECK(vi.address_locations == std::vector<Location>{{file, 23}});
  CHECK(vi.extras.interface == "eth0");
  CHECK(vi.extras.state == state);
  CHECK(vi.extras.state_configured);
  CHECK_FALSE(vi.extras.source.has_value());
  CHECK(vi.extras.mcast_group == IpAddress::V4(224, 0, 0, 18));
  CHECK(vi.extras.unicast_peers.empty());
  CHECK(vi.extras.excluded_addresses.empty());
  CHECK(vi.extras.track_interfaces.empty());
  REQUIRE(vi.extras.track_scripts.size() == 1);
  CHECK(vi.extras.track_scripts[0].name == "chk_nginx");
  CHECK_FALSE(vi.extras.track_scripts[0].weight.has_value());
  CHECK(vi.extras.track_scripts[0].where == Location{file, 26});
  CHECK_FALSE(vi.extras.notify.master.has_value());
  CHECK(vi.locations.at("priority") == Location{file, 16});
  CHECK(conf.FindInstance("VI_1") == &vi);
  CHECK(conf.FindScript("chk_nginx") == &script);
  CHECK(conf.FindInstance("VI_2") == nullptr);
  // What the core will run.
  CHECK(ValidateInstanceConfig([&] {
          InstanceConfig c = vi.config;
          c.router.primary_address = IpAddress::V4(192, 0, 2, 5);
          return c;
        }())
            .ok());
}

TEST_CASE("The seed lab's lb-5.conf parses to the Master's exact values") {
  const std::string file = kDataDir + "/lb-5.conf";
  CheckSeedLab(MustParseFile("lb-5.conf"), file, "lb-5", InitialState::kMaster, 150);
}

TEST_CASE("The seed lab's lb-6.conf parses to the Backup's exact values") {
  const std::string file = kDataDir + "/lb-6.conf";
  CheckSeedLab(MustParseFile("lb-6.conf"), file, "lb-6", InitialState::kBackup, 100);
}

TEST_CASE("A v3 IPv4 configuration with unicast, tracking and notify commands") {
  const Configuration conf = MustParseFile("v3-ipv4.conf");
  const std::string file = kDataDir + "/v3-ipv4.conf";
  CHECK(conf.warnings.empty());
  CHECK(conf.global.vrrp_version == Version::kV3);
  CHECK(conf.global.script_user == "keepalived_script");
  CHECK(conf.global.enable_script_security);
  CHECK_FALSE(conf.global.vrrp_strict);
  REQUIRE(conf.instances.size() == 1);
  const VrrpInstance& vi = conf.instances[0];
  CHECK(vi.where == Location{file, 11});  // the brace is on the next line
  const RouterConfig& r = vi.config.router;
  CHECK(r.version == Version::kV3);
  CHECK(r.vrid == 51);
  CHECK(r.priority == 200);
  CHECK(r.advert_interval == Centiseconds(5));
  CHECK_FALSE(r.preempt);
  CHECK(r.preempt_delay == absl::Seconds(30));
  CHECK(r.accept_mode);
  CHECK(r.down_timer_adverts == 4);
  CHECK(r.garp_master_delay == absl::Seconds(10));  // global_defs defaults
  CHECK(r.garp_master_repeat == 3);
  CHECK(r.garp_master_refresh == absl::Seconds(60));
  CHECK(r.garp_master_refresh_repeat == 2);
  CHECK(r.primary_address == IpAddress::V4(192, 0, 2, 5));
  CHECK(vi.config.auth_type == AuthType::kNone);
  REQUIRE(vi.config.addresses.size() == 2);
  const VirtualAddress first{.address = IpAddress::V4(192, 0, 2, 3),
                             .prefix_len = 24,
                             .interface = "eth1",
                             .label = "eth1:vip",
                             .scope = AddressScope::kGlobal,
                             .broadcast = IpAddress::V4(192, 0, 2, 255)};
  CHECK(vi.config.addresses[0] == first);
  const VirtualAddress second{.address = IpAddress::V4(198, 51, 100, 3),
                              .prefix_len = 32,
                              .interface = "eth2",
                              .prefix_route = false};
  CHECK(vi.config.addresses[1] == second);
  CHECK(vi.address_locations == std::vector<Location>{{file, 30}, {file, 31}});
  const InstanceExtras& x = vi.extras;
  CHECK(x.interface == "eth1");
  CHECK(x.state == InitialState::kBackup);  // MASTER would clear nopreempt
  CHECK(x.source == IpAddress::V4(192, 0, 2, 5));
  CHECK(x.unicast_peers ==
        std::vector<IpAddress>{IpAddress::V4(192, 0, 2, 6), IpAddress::V4(192, 0, 2, 7)});
  REQUIRE(x.excluded_addresses.size() == 1);
  CHECK(x.excluded_addresses[0].address == Ip("2001:db8::99"));
  CHECK(x.excluded_addresses[0].prefix_len == 64);
  CHECK(x.excluded_addresses[0].interface == "eth1");
  REQUIRE(x.track_interfaces.size() == 2);
  CHECK(x.track_interfaces[0].name == "eth3");
  CHECK(x.track_interfaces[0].weight == 0);
  CHECK(x.track_interfaces[1].name == "eth2");
  CHECK(x.track_interfaces[1].weight == -30);
  CHECK(x.track_interfaces[1].where == Location{file, 38});
  REQUIRE(x.notify.master.has_value());
  CHECK(x.notify.master->command == "/etc/keepalived/notify.sh master");
  CHECK(x.notify.master->where == Location{file, 40});
  CHECK(x.notify.backup->command == "/etc/keepalived/backup.sh");
  CHECK(x.notify.fault->command == "/etc/keepalived/notify.sh fault");
  CHECK(x.notify.fault->user == "root");
  CHECK(x.notify.fault->group == "root");
  CHECK(x.notify.stop->command == "/bin/true");
  CHECK(x.notify.notify->command == "/etc/keepalived/notify.sh");
}

TEST_CASE("A v3 IPv6 configuration: version and group follow the family") {
  const Configuration conf = MustParseFile("v3-ipv6.conf");
  CHECK(conf.warnings.empty());
  REQUIRE(conf.instances.size() == 1);
  const VrrpInstance& vi = conf.instances[0];
  CHECK(vi.config.router.family == Family::kIPv6);
  CHECK(vi.config.router.version == Version::kV3);
  CHECK(vi.config.router.advert_interval == Centiseconds(100));
  CHECK(vi.extras.mcast_group == Ip("ff02::12"));
  CHECK(vi.extras.state == InitialState::kBackup);
  REQUIRE(vi.config.addresses.size() == 2);
  CHECK(vi.config.addresses[0].address == Ip("2001:db8::3"));
  CHECK(vi.config.addresses[0].prefix_len == 64);
  CHECK(vi.config.addresses[1].prefix_len == 128);  // a host address by default
  CHECK_FALSE(vi.config.addresses[1].ipv6_dad);
}

TEST_CASE("Includes: globs in order, relative to the including file, inside blocks") {
  const Configuration conf = MustParseFile("main-include.conf");
  CHECK(conf.global.router_id == "inc");
  REQUIRE(conf.scripts.size() == 1);
  CHECK(conf.scripts[0].where == Location{kDataDir + "/conf.d/10-script.conf", 1});
  REQUIRE(conf.instances.size() == 1);
  const VrrpInstance& vi = conf.instances[0];
  CHECK(vi.where == Location{kDataDir + "/conf.d/20-instance.conf", 1});
  REQUIRE(vi.config.addresses.size() == 1);
  CHECK(vi.config.addresses[0].address == IpAddress::V4(192, 0, 2, 77));
  CHECK(vi.address_locations[0] == Location{kDataDir + "/conf.d/../addresses.inc", 1});
  // The include that matches nothing is a warning, at its own line.
  REQUIRE(conf.warnings.size() == 1);
  CHECK(ToString(conf.warnings[0]) ==
        kDataDir + "/main-include.conf:4: include " + kDataDir + "/none.d/*.conf matches no file");
}

TEST_CASE("An include cycle is an error naming the chain") {
  absl::StatusOr<Configuration> conf = ParseFile(kDataDir + "/cycle-a.conf");
  REQUIRE_FALSE(conf.ok());
  CHECK(conf.status().code() == absl::StatusCode::kInvalidArgument);
  const std::string message(conf.status().message());
  CHECK_THAT(message, Catch::StartsWith(kDataDir + "/cycle-b.conf:1: include cycle: "));
  CHECK_THAT(message, Catch::EndsWith("cycle-a.conf"));
  CHECK_THAT(message, Catch::Contains("cycle-b.conf -> "));
}

TEST_CASE("Includes from memory: braces expansion is not needed, cycles to self detected") {
  MemoryFileSource files;
  files.Add("/etc/keepalived/keepalived.conf", "include conf.d/*.conf\n");
  files.Add("/etc/keepalived/conf.d/b.conf",
            "vrrp_instance B { interface eth0\n virtual_router_id 2\n"
            " virtual_ipaddress { 192.0.2.2 } }\n");
  files.Add("/etc/keepalived/conf.d/a.conf",
            "vrrp_instance A { interface eth0\n virtual_router_id 1\n"
            " virtual_ipaddress { 192.0.2.1 } }\n");
  files.Add("/etc/keepalived/conf.d/a.conf.bak", "this is not included");
  ParseOptions options;
  options.files = &files;
  absl::StatusOr<Configuration> conf = ParseFile("/etc/keepalived/keepalived.conf", options);
  REQUIRE(conf.ok());
  REQUIRE(conf->instances.size() == 2);
  CHECK(conf->instances[0].config.name == "A");  // glob order, not write order
  CHECK(conf->instances[1].config.name == "B");
  CHECK(conf->warnings.empty());

  files.Add("self.conf", "global_defs {\n}\ninclude self.conf\n");
  conf = ParseFile("self.conf", options);
  REQUIRE_FALSE(conf.ok());
  CHECK(conf.status().message() == "self.conf:3: include cycle: self.conf -> self.conf");
}

TEST_CASE("Comments anywhere, non-ASCII text, several statements and values per line") {
  const Configuration conf = MustParse(
      "# Configuration — für den Lastverteiler ✓\n"
      "! keepalived style comment\n"
      "global_defs { router_id \"my router\" } # trailing ‘comment’\n"
      "vrrp_script chk { script pgrep -x nginx  ! unquoted command\n"
      "  interval 0.5 fall 2 rise 3 weight 10 reverse user nobody nogroup init_fail }\n"
      "vrrp_instance VI_1 { state BACKUP interface eth0 virtual_router_id 9 # 注释\n"
      "  priority 110 ! a comment after a value\n"
      "  virtual_ipaddress { 192.0.2.10/24 192.0.2.11/24 dev eth1 192.0.2.12 }#c\n"
      "  unicast_peer { 192.0.2.20 192.0.2.21 }\n"
      "  track_script { chk weight -5 }\n"
      "  notify_master \"/bin/echo master # not a comment\"\n"
      "}\n");
  CHECK(conf.warnings.empty());
  CHECK(conf.global.router_id == "my router");
  REQUIRE(conf.scripts.size() == 1);
  const VrrpScript& s = conf.scripts[0];
  CHECK(s.script.command == "pgrep -x nginx");
  CHECK(s.interval == absl::Milliseconds(500));
  CHECK(s.fall == 2);
  CHECK(s.rise == 3);
  CHECK(s.weight == 10);
  CHECK(s.reverse);
  CHECK(s.user == "nobody");
  CHECK(s.group == "nogroup");
  CHECK(s.init_fail);
  REQUIRE(conf.instances.size() == 1);
  const VrrpInstance& vi = conf.instances[0];
  CHECK(vi.config.router.priority == 110);
  CHECK(vi.config.router.vrid == 9);
  REQUIRE(vi.config.addresses.size() == 3);
  CHECK(vi.config.addresses[1].interface == "eth1");
  CHECK(vi.config.addresses[2].interface == "eth0");
  CHECK(vi.config.addresses[2].prefix_len == 32);
  CHECK(vi.extras.unicast_peers.size() == 2);
  REQUIRE(vi.extras.track_scripts.size() == 1);
  CHECK(vi.extras.track_scripts[0].weight == -5);
  CHECK(vi.extras.notify.master->command == "/bin/echo master # not a comment");
  CHECK(vi.locations.at("priority") == Location{"keepalived.conf", 7});
}

TEST_CASE("Address options: scope, brd +, -nodad, noprefixroute, global multicast groups") {
  const Configuration conf = MustParse(R"(
global_defs {
  vrrp_mcast_group4 224.0.0.19
  vrrp_mcast_group6 ff02::13
  vrrp_strict
}
vrrp_instance V4 {
  interface eth0
  virtual_router_id 1
  virtual_ipaddress {
    192.0.2.3/24 brd + scope link
    192.0.2.4/16 broadcast 192.0.255.255 scope site noprefixroute
    192.0.2.5 scope host
  }
}
vrrp_instance V6 {
  interface eth0
  virtual_router_id 1
  virtual_ipaddress {
    2001:db8::3/64 -nodad
  }
}
)");
  const VrrpInstance& v4 = conf.instances[0];
  CHECK(v4.config.addresses[0].broadcast == IpAddress::V4(192, 0, 2, 255));
  CHECK(v4.config.addresses[0].scope == AddressScope::kLink);
  CHECK(v4.config.addresses[1].broadcast == IpAddress::V4(192, 0, 255, 255));
  CHECK(v4.config.addresses[1].scope == AddressScope::kSite);
  CHECK_FALSE(v4.config.addresses[1].prefix_route);
  CHECK(v4.config.addresses[2].scope == AddressScope::kHost);
  CHECK(v4.extras.mcast_group == IpAddress::V4(224, 0, 0, 19));
  CHECK_FALSE(v4.config.router.accept_mode);  // vrrp_strict: no_accept by default
  const VrrpInstance& v6 = conf.instances[1];
  CHECK(v6.extras.mcast_group == Ip("ff02::13"));
  CHECK(v6.config.router.version == Version::kV3);
  CHECK_FALSE(v6.config.addresses[0].ipv6_dad);
  // Same VRID on one interface is fine across families (RFC 5798 §7.3: different MACs).
  CHECK(v4.config.router.vrid == v6.config.router.vrid);
}

TEST_CASE("Instance keywords override global_defs, in any order") {
  const Configuration conf = MustParse(R"(
vrrp_instance VI_1 {
  garp_master_delay 1
  garp_master_repeat 0
  no_accept
  version 3
  interface eth0
  virtual_router_id 1
  virtual_ipaddress { 192.0.2.3 }
}
global_defs {
  vrrp_garp_master_delay 20
  vrrp_garp_master_repeat 2
  vrrp_version 2
}
)");
  const RouterConfig& r = conf.instances[0].config.router;
  CHECK(r.garp_master_delay == absl::Seconds(1));
  CHECK(r.garp_master_repeat == 0);
  CHECK(r.version == Version::kV3);
  CHECK_FALSE(r.accept_mode);
}

}  // namespace
}  // namespace vrrp::config

namespace vrrp::config {
namespace {

TEST_CASE("skip_check_adv_addr: global default, instance override, optional boolean") {
  const Configuration conf = MustParse(R"(
global_defs {
  vrrp_skip_check_adv_addr
}
vrrp_instance A {
  interface eth0
  virtual_router_id 1
  virtual_ipaddress { 192.0.2.3 }
}
vrrp_instance B {
  interface eth0
  virtual_router_id 2
  skip_check_adv_addr off
  virtual_ipaddress { 192.0.2.4 }
}
vrrp_instance C {
  interface eth1
  virtual_router_id 3
  virtual_ipaddress { 192.0.2.5 }
  skip_check_adv_addr
}
)");
  CHECK(conf.instances[0].config.router.skip_address_check_from_master);
  CHECK_FALSE(conf.instances[1].config.router.skip_address_check_from_master);
  CHECK(conf.instances[2].config.router.skip_address_check_from_master);
  // The address-list check itself stays keepalived's: another list is discarded.
  CHECK(conf.instances[0].config.router.discard_address_mismatch);
  const Configuration plain = MustParse(R"(
vrrp_instance A {
  interface eth0
  virtual_router_id 1
  virtual_ipaddress { 192.0.2.3 }
}
)");
  CHECK_FALSE(plain.instances[0].config.router.skip_address_check_from_master);
}

TEST_CASE("Sync groups keep their members and notify commands") {
  absl::StatusOr<Configuration> conf = ParseString(R"(vrrp_sync_group VG_1 {
  group {
    VI_A
    VI_B
  }
  notify_master "/etc/keepalived/group.sh master"
  notify_backup /etc/keepalived/group-backup.sh
  notify_fault /etc/keepalived/group-fault.sh
  notify_stop /etc/keepalived/group-stop.sh
  notify /etc/keepalived/group.sh
}
vrrp_instance VI_A { interface eth0
  virtual_router_id 1
  virtual_ipaddress { 192.0.2.1 } }
vrrp_instance VI_B { interface eth1
  virtual_router_id 1
  virtual_ipaddress { 198.51.100.1 } }
)",
                                                   "keepalived.conf");
  REQUIRE(conf.ok());
  REQUIRE(conf->sync_groups.size() == 1);
  const SyncGroup& g = conf->sync_groups[0];
  CHECK(g.name == "VG_1");
  CHECK(g.where == Location{"keepalived.conf", 1});
  CHECK(g.instances == std::vector<std::string>{"VI_A", "VI_B"});
  CHECK(g.notify.master->command == "/etc/keepalived/group.sh master");
  CHECK(g.notify.master->where == Location{"keepalived.conf", 6});
  CHECK(g.notify.backup->command == "/etc/keepalived/group-backup.sh");
  CHECK(g.notify.fault->command == "/etc/keepalived/group-fault.sh");
  CHECK(g.notify.stop->command == "/etc/keepalived/group-stop.sh");
  CHECK(g.notify.notify->command == "/etc/keepalived/group.sh");
  CHECK_FALSE(g.tracking_weight);
  // Same VRID on two interfaces is fine.
  CHECK(conf->instances.size() == 2);
  CHECK(conf->warnings.empty());
}

TEST_CASE("Sync groups take sync_group_tracking_weight, and global_tracking for it") {
  for (const char* keyword : {"sync_group_tracking_weight", "global_tracking"}) {
    INFO(keyword);
    absl::StatusOr<Configuration> conf =
        ParseString(fmt::format("vrrp_sync_group G {{\n  group {{ VI_A }}\n  {}\n}}\n"
                                "vrrp_instance VI_A {{ interface eth0\n  virtual_router_id 1\n"
                                "  virtual_ipaddress {{ 192.0.2.1 }} }}\n",
                                keyword),
                    "keepalived.conf");
    REQUIRE(conf.ok());
    CHECK(conf->sync_groups[0].tracking_weight);
    CHECK(conf->warnings.empty());
  }
}

TEST_CASE("global_defs notify_fifo, vrrp_notify_fifo and their scripts") {
  const Configuration plain = MustParse("global_defs {\n  router_id r1\n}\n");
  CHECK_FALSE(plain.global.notify_fifo.configured());
  CHECK_FALSE(plain.global.vrrp_notify_fifo.configured());

  // keepalived.conf(5): FIFO_NAME [username [groupname]], STRING|QUOTED_STRING [username
  // [groupname]]; the script may come before its FIFO.
  const Configuration conf = MustParse(
      "global_defs {\n"
      "  notify_fifo_script \"/usr/local/bin/reader --all\" reader readers\n"
      "  notify_fifo /run/keepalived.fifo keepalived_script\n"
      "  vrrp_notify_fifo /run/vrrp.fifo keepalived_script adm\n"
      "  vrrp_notify_fifo_script /usr/local/bin/vrrp-reader\n"
      "}\n");
  CHECK(conf.warnings.empty());
  const NotifyFifo& all = conf.global.notify_fifo;
  CHECK(all.path == "/run/keepalived.fifo");
  CHECK(all.user == "keepalived_script");
  CHECK(all.group.empty());
  CHECK(all.where == Location{"keepalived.conf", 3});
  REQUIRE(all.script.has_value());
  CHECK(all.script->command == "/usr/local/bin/reader --all");
  CHECK(all.script->user == "reader");
  CHECK(all.script->group == "readers");
  const NotifyFifo& vrrp = conf.global.vrrp_notify_fifo;
  CHECK(vrrp.path == "/run/vrrp.fifo");
  CHECK(vrrp.user == "keepalived_script");
  CHECK(vrrp.group == "adm");
  REQUIRE(vrrp.script.has_value());
  CHECK(vrrp.script->command == "/usr/local/bin/vrrp-reader");
  CHECK(vrrp.script->user.empty());

  // A later one replaces an earlier one, owner included.
  const Configuration again =
      MustParse("global_defs {\n  notify_fifo /run/a.fifo root\n  notify_fifo /run/b.fifo\n}\n");
  CHECK(again.global.notify_fifo.path == "/run/b.fifo");
  CHECK(again.global.notify_fifo.user.empty());
}

TEST_CASE("global_defs process scheduling: vrrp_priority, vrrp_rt_priority, rlimit, no_swap") {
  // Unset by default: vrrpd leaves the process as it was started.
  const Configuration plain = MustParse("global_defs {\n  router_id r1\n}\n");
  CHECK_FALSE(plain.global.vrrp_priority.has_value());
  CHECK_FALSE(plain.global.vrrp_rt_priority.has_value());
  CHECK_FALSE(plain.global.vrrp_rlimit_rttime.has_value());
  CHECK_FALSE(plain.global.vrrp_no_swap);

  const Configuration conf = MustParse(
      "global_defs {\n  vrrp_priority -20\n  vrrp_rt_priority 99\n"
      "  vrrp_rlimit_rttime 4294967295\n  vrrp_no_swap\n}\n");
  CHECK(conf.warnings.empty());
  CHECK(conf.global.vrrp_priority == -20);
  CHECK(conf.global.vrrp_rt_priority == 99);
  CHECK(conf.global.vrrp_rlimit_rttime == int64_t{4294967295});
  CHECK(conf.global.vrrp_no_swap);

  // The other ends of the ranges; a later global_defs block overrides an earlier one.
  const Configuration again = MustParse(
      "global_defs {\n  vrrp_priority 19\n  vrrp_rt_priority 1\n}\n"
      "global_defs {\n  vrrp_priority 0\n  vrrp_rlimit_rttime 1\n  vrrp_rt_priority 2\n}\n");
  CHECK(again.warnings.empty());
  CHECK(again.global.vrrp_priority == 0);
  CHECK(again.global.vrrp_rt_priority == 2);
  CHECK(again.global.vrrp_rlimit_rttime == 1);
  CHECK_FALSE(again.global.vrrp_no_swap);

  // keepalived's deprecated spelling still sets the limit.
  const Configuration old =
      MustParse("global_defs {\n  vrrp_rt_priority 50\n  vrrp_rlimit_rtime 25000\n}\n");
  CHECK(old.global.vrrp_rlimit_rttime == 25000);
}

TEST_CASE("A vrrp_script timeout defaults to its interval unless given") {
  absl::StatusOr<Configuration> conf = ParseString(
      "vrrp_script a {\n script x\n interval 3\n}\n"
      "vrrp_script b {\n script y\n interval 3\n timeout 1.5\n}\n",
      "keepalived.conf");
  REQUIRE(conf.ok());
  CHECK(conf->FindScript("a")->timeout == absl::Seconds(3));
  CHECK(conf->FindScript("b")->timeout == absl::Milliseconds(1500));
  CHECK(conf->FindScript("b")->interval == absl::Seconds(3));
}

}  // namespace
}  // namespace vrrp::config
