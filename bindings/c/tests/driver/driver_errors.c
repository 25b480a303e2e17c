/* The driver's refusals through vrrp.h, and what a good open gives before any start: bad
 * keepalived.conf text (VRRP_ERR_CONFIG with the line), an unknown interface (no error: the
 * instance waits for it in FAULT), bad structs (INVALID_ARGUMENT naming the field), NULL
 * arguments, the warnings of what is not applied. The good opens use INTERFACE, an Ethernet one
 * with an IPv4 address (the announcer needs Ethernet): as root, run it in a network namespace of
 * its own on a veth pair (driver_errors.sh does); without root the open must fail with
 * VRRP_ERR_PERMISSION naming CAP_NET_RAW, which this checks instead.
 *
 *   driver_errors INTERFACE   exit 0 when every check passed, 1 otherwise
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../check.h"
#include "vrrp.h"

static const char *interface_name = "lo";

static int contains(const char *haystack, const char *needle) {
  return strstr(haystack, needle) != NULL;
}

/* A keepalived.conf of one instance on `interface`, with whatever `extra` adds to it. */
static void conf_text(char *buf, size_t len, const char *interface, const char *extra) {
  snprintf(buf, len,
           "vrrp_script chk_nginx {\n"
           "  script \"/bin/true\"\n"
           "}\n"
           "vrrp_instance VI_1 {\n"
           "  interface %s\n"
           "  virtual_router_id 50\n"
           "  priority 150\n"
           "  advert_int 1\n"
           "  virtual_ipaddress {\n"
           "    192.0.2.3/24\n"
           "  }\n"
           "%s"
           "}\n",
           interface, extra);
}

static void test_config_errors(void) {
  vrrp_driver *d = (vrrp_driver *)1;
  /* Line 3: a priority out of range. */
  const char *bad =
      "vrrp_instance VI_1 {\n  interface lo\n  priority 300\n"
      "  virtual_router_id 50\n  virtual_ipaddress {\n 192.0.2.3\n }\n}\n";
  CHECK(vrrp_driver_open_conf(&d, bad, NULL) == VRRP_ERR_CONFIG);
  CHECK(d == NULL);
  CHECK(contains(vrrp_last_error(), "keepalived.conf:3:"));
  CHECK(contains(vrrp_last_error(), "priority"));

  /* An unterminated block. */
  CHECK(vrrp_driver_open_conf(&d, "vrrp_instance VI_1 {\n  interface lo\n", NULL) ==
        VRRP_ERR_CONFIG);
  CHECK(contains(vrrp_last_error(), "keepalived.conf:"));

  /* A track_script naming no vrrp_script: refused by the parser, at its line (6). */
  char text[2048];
  conf_text(text, sizeof text, "lo", "  track_script {\n    chk_missing\n  }\n");
  CHECK(vrrp_driver_open_conf(&d, text, NULL) == VRRP_ERR_CONFIG);
  CHECK(contains(vrrp_last_error(), "chk_missing"));

  /* An include that matches nothing is only a warning, as in keepalived: a driver of no
   * instances (netlink only, no root needed), whose warnings name the line. */
  CHECK(vrrp_driver_open_conf(&d, "\n\ninclude /nonexistent/vrrp-c-abi-test.conf\n", NULL) == 0);
  char warnings[1024];
  CHECK(vrrp_driver_warnings(d, warnings, sizeof warnings) > 0);
  CHECK(contains(warnings, "keepalived.conf:3:"));
  vrrp_driver_del(d);
}

/* An interface that does not exist yet is no error (a boot before the link is there): the
 * instance starts in FAULT with VRRP_EVENT_INTERFACE_WAITING naming it, and runs once it
 * appears. Without root the raw socket cannot open at all: VRRP_ERR_PERMISSION, whatever the
 * interface, so a missing capability is never mistaken for an interface to wait for. */
static void check_waits(int rc, vrrp_driver *d, const char *name) {
  if (geteuid() != 0) {
    CHECK(rc == VRRP_ERR_PERMISSION);
    CHECK(d == NULL);
    return;
  }
  CHECK(rc == 0);
  if (rc != 0) return;
  CHECK(vrrp_driver_start(d, vrrp_now()) == 0);
  int waiting = 0;
  vrrp_event e;
  while (vrrp_driver_poll_event(d, &e) > 0) {
    if (e.type == VRRP_EVENT_INTERFACE_WAITING && contains(e.message, name)) waiting = 1;
  }
  CHECK(waiting);
  const int64_t id = vrrp_driver_find(d, "VI_1");
  CHECK(id > 0);
  if (id > 0) CHECK(vrrp_driver_state(d, (uint32_t)id) == VRRP_STATE_FAULT);
  vrrp_driver_del(d);
}

static void test_unknown_interface(void) {
  char name[32];
  char text[2048];
  snprintf(name, sizeof name, "nosuch%d", (int)getpid() % 100000);
  conf_text(text, sizeof text, name, "");
  vrrp_driver *d = NULL;
  int rc = vrrp_driver_open_conf(&d, text, NULL);
  check_waits(rc, d, name);

  /* The same from a struct. */
  vrrp_addr vip;
  CHECK(vrrp_addr_parse("192.0.2.3", &vip) == 0);
  vrrp_instance_config c;
  vrrp_instance_config_init(&c);
  c.name = "VI_1";
  c.interface = name;
  c.router.vrid = 50;
  c.router.virtual_addresses = &vip;
  c.router.n_virtual_addresses = 1;
  d = NULL;
  rc = vrrp_driver_open(&d, &c, 1, NULL);
  check_waits(rc, d, name);
}

static void test_bad_structs(void) {
  vrrp_addr vip;
  CHECK(vrrp_addr_parse("192.0.2.3", &vip) == 0);
  vrrp_instance_config c;
  vrrp_instance_config_init(&c);
  CHECK(c.struct_version == VRRP_INSTANCE_CONFIG_V1);
  CHECK(c.router.struct_version == VRRP_ROUTER_CONFIG_V1);
  CHECK(c.router.priority == 100);
  c.name = "VI_1";
  c.interface = "lo";
  c.router.virtual_addresses = &vip;
  c.router.n_virtual_addresses = 1;
  vrrp_driver *d = (vrrp_driver *)1;

  /* vrid left at 0: refused before anything is opened. */
  CHECK(vrrp_driver_open(&d, &c, 1, NULL) == VRRP_ERR_INVALID_ARGUMENT);
  CHECK(d == NULL);
  CHECK(contains(vrrp_last_error(), "instances[0]"));
  CHECK(contains(vrrp_last_error(), "virtual_router_id"));

  c.router.vrid = 50;
  c.prefix_len = 33;
  CHECK(vrrp_driver_open(&d, &c, 1, NULL) == VRRP_ERR_INVALID_ARGUMENT);
  CHECK(contains(vrrp_last_error(), "prefix_len 33"));
  c.prefix_len = 0;

  c.interface = NULL;
  CHECK(vrrp_driver_open(&d, &c, 1, NULL) == VRRP_ERR_INVALID_ARGUMENT);
  CHECK(contains(vrrp_last_error(), "interface"));
  c.interface = "lo";

  vrrp_addr peer = {0};
  c.unicast_peers = &peer; /* family unset */
  c.n_unicast_peers = 1;
  CHECK(vrrp_driver_open(&d, &c, 1, NULL) == VRRP_ERR_INVALID_ARGUMENT);
  CHECK(contains(vrrp_last_error(), "unicast_peers[0]"));
  c.unicast_peers = NULL;
  c.n_unicast_peers = 0;

  vrrp_instance_config two[2] = {c, c};
  two[1].name = "VI_2";
  two[1].router.vrid = 0;
  CHECK(vrrp_driver_open(&d, two, 2, NULL) == VRRP_ERR_INVALID_ARGUMENT);
  CHECK(contains(vrrp_last_error(), "instances[1]"));

  vrrp_instance_config stale = c;
  stale.struct_version = 0;
  CHECK(vrrp_driver_open(&d, &stale, 1, NULL) == VRRP_ERR_INVALID_ARGUMENT);
  CHECK(contains(vrrp_last_error(), "vrrp_instance_config_init"));

  vrrp_driver_options o;
  vrrp_driver_options_init(&o);
  CHECK(o.struct_version == VRRP_DRIVER_OPTIONS_V1);
  CHECK(o.remove_leftover_addresses == 1);
  CHECK(o.manage_addresses_externally == 0);
  CHECK(o.receive_holdoff == VRRP_NS_PER_MS);
  o.receive_holdoff = -1;
  CHECK(vrrp_driver_open(&d, &c, 1, &o) == VRRP_ERR_INVALID_ARGUMENT);
  CHECK(contains(vrrp_last_error(), "receive_holdoff"));
  o.receive_holdoff = 0;
  o.struct_version = 7;
  CHECK(vrrp_driver_open(&d, &c, 1, &o) == VRRP_ERR_INVALID_ARGUMENT);
  CHECK(contains(vrrp_last_error(), "vrrp_driver_options_init"));
}

static void test_nulls(void) {
  vrrp_driver *d = NULL;
  CHECK(vrrp_driver_open_conf(NULL, "", NULL) == VRRP_ERR_INVALID_ARGUMENT);
  CHECK(vrrp_driver_open_conf(&d, NULL, NULL) == VRRP_ERR_INVALID_ARGUMENT);
  CHECK(contains(vrrp_last_error(), "keepalived_conf is NULL"));
  CHECK(vrrp_driver_open(NULL, NULL, 0, NULL) == VRRP_ERR_INVALID_ARGUMENT);
  CHECK(vrrp_driver_open(&d, NULL, 1, NULL) == VRRP_ERR_INVALID_ARGUMENT);
  CHECK(contains(vrrp_last_error(), "instances is NULL"));
  char buf[8];
  int fds[4];
  vrrp_event e;
  CHECK(vrrp_driver_warnings(NULL, buf, sizeof buf) == VRRP_ERR_INVALID_ARGUMENT);
  CHECK(vrrp_driver_start(NULL, vrrp_now()) == VRRP_ERR_INVALID_ARGUMENT);
  CHECK(vrrp_driver_fds(NULL, fds, 4) == VRRP_ERR_INVALID_ARGUMENT);
  CHECK(vrrp_driver_poll_event(NULL, &e) == VRRP_ERR_INVALID_ARGUMENT);
  CHECK(vrrp_driver_find(NULL, "VI_1") == VRRP_ERR_INVALID_ARGUMENT);
  CHECK(vrrp_driver_set_fault(NULL, vrrp_now(), 1, 1) == VRRP_ERR_INVALID_ARGUMENT);
  CHECK(vrrp_driver_set_priority_delta(NULL, vrrp_now(), 1, 1) == VRRP_ERR_INVALID_ARGUMENT);
  CHECK(vrrp_driver_state(NULL, 1) == VRRP_ERR_INVALID_ARGUMENT);
  CHECK(vrrp_driver_status_json(NULL, buf, sizeof buf) == VRRP_ERR_INVALID_ARGUMENT);
  CHECK(vrrp_driver_get_expiry(NULL) == VRRP_TSTAMP_MAX);
  /* The void ones must not crash. */
  vrrp_driver_shutdown(NULL, vrrp_now());
  vrrp_driver_handle_readable(NULL, vrrp_now(), 0);
  vrrp_driver_handle_timeout(NULL, vrrp_now());
  vrrp_driver_del(NULL);
  vrrp_driver_options_init(NULL);
  vrrp_instance_config_init(NULL);
}

/* A good configuration on interface_name: opened as root (in a namespace of its own), refused
 * with VRRP_ERR_PERMISSION otherwise. */
static void test_open(void) {
  char text[2048];
  conf_text(text, sizeof text, interface_name,
            "  track_script {\n    chk_nginx\n  }\n  notify_master \"/bin/true\"\n"
            "  no_accept\n  use_vmac\n");
  vrrp_driver *d = NULL;
  int rc = vrrp_driver_open_conf(&d, text, NULL);
  if (geteuid() != 0) {
    CHECK(rc == VRRP_ERR_PERMISSION);
    CHECK(contains(vrrp_last_error(), "CAP_NET_RAW"));
    CHECK(d == NULL);
    printf("not root: open refused with VRRP_ERR_PERMISSION: %s\n", vrrp_last_error());
    return;
  }
  CHECK(rc == 0);
  if (rc != 0) return;

  char warnings[4096];
  int n = vrrp_driver_warnings(d, warnings, sizeof warnings);
  CHECK(n > 0);
  CHECK(contains(warnings,
                 "track_script chk_nginx of VI_1: scripts are not run by libvrrp; call "
                 "vrrp_driver_set_fault"));
  CHECK(contains(warnings, "notify_master of VI_1"));
  CHECK(contains(warnings, "VI_1: no_accept: libvrrp adds no firewall rules"));
  CHECK(contains(warnings, "VI_1: use_vmac: libvrrp makes no macvlan link"));
  CHECK(vrrp_driver_warnings(d, warnings, 4) == VRRP_ERR_NOBUF);
  CHECK(vrrp_driver_warnings(d, NULL, 0) == VRRP_ERR_NOBUF);

  int64_t id = vrrp_driver_find(d, "VI_1");
  CHECK(id > 0);
  CHECK(vrrp_driver_find(d, "VI_9") == VRRP_ERR_NOT_FOUND);
  CHECK(contains(vrrp_last_error(), "VI_9"));
  CHECK(vrrp_driver_state(d, (uint32_t)id) == VRRP_STATE_INIT);
  CHECK(vrrp_driver_state(d, 999) == VRRP_ERR_NOT_FOUND);
  CHECK(vrrp_driver_set_fault(d, vrrp_now(), 999, 1) == VRRP_ERR_NOT_FOUND);
  CHECK(vrrp_driver_set_priority_delta(d, vrrp_now(), 999, 1) == VRRP_ERR_NOT_FOUND);

  int fds[8];
  int nfds = vrrp_driver_fds(d, fds, 8);
  CHECK(nfds >= 2); /* the link monitor and the interface's IPv4 socket */
  CHECK(vrrp_driver_fds(d, NULL, 0) == nfds);

  char json[4096];
  n = vrrp_driver_status_json(d, json, sizeof json);
  CHECK(n > 0);
  CHECK(contains(json, "\"name\": \"VI_1\""));
  CHECK(contains(json, "\"state\": \"INIT\""));
  CHECK(contains(json, "192.0.2.3/24"));
  CHECK(vrrp_driver_status_json(d, json, 3) == VRRP_ERR_NOBUF);

  /* Started, it is a Backup at once (the master-down timer runs); a second start is refused. */
  CHECK(vrrp_driver_start(d, vrrp_now()) == 0);
  CHECK(vrrp_driver_state(d, (uint32_t)id) == VRRP_STATE_BACKUP);
  CHECK(vrrp_driver_get_expiry(d) < VRRP_TSTAMP_MAX);
  CHECK(vrrp_driver_start(d, vrrp_now()) == VRRP_ERR_STATE);
  vrrp_event e;
  int transitions = 0;
  while (vrrp_driver_poll_event(d, &e) == 1) {
    CHECK(e.text != NULL && e.instance != NULL && e.group != NULL && e.message != NULL &&
          e.interface != NULL);
    if (e.type == VRRP_EVENT_TRANSITION) {
      ++transitions;
      CHECK(e.to == VRRP_STATE_BACKUP);
      CHECK(e.instance_id == (uint32_t)id);
      CHECK(strcmp(e.instance, "VI_1") == 0);
    }
  }
  CHECK(transitions == 1);

  /* The embedder's fault: FAULT at once, and the status says why. */
  CHECK(vrrp_driver_set_fault(d, vrrp_now(), (uint32_t)id, 1) == 0);
  CHECK(vrrp_driver_state(d, (uint32_t)id) == VRRP_STATE_FAULT);
  n = vrrp_driver_status_json(d, json, sizeof json);
  CHECK(contains(json, "vrrp_driver_set_fault"));
  CHECK(vrrp_driver_set_priority_delta(d, vrrp_now(), (uint32_t)id, -20) == 0);
  CHECK(vrrp_driver_set_fault(d, vrrp_now(), (uint32_t)id, 0) == 0);
  CHECK(vrrp_driver_state(d, (uint32_t)id) == VRRP_STATE_BACKUP);
  n = vrrp_driver_status_json(d, json, sizeof json);
  CHECK(contains(json, "\"effective_priority\": 130"));
  /* A huge delta is clamped (effective 1..254), not an overflow. */
  CHECK(vrrp_driver_set_priority_delta(d, vrrp_now(), (uint32_t)id, 2147483647) == 0);
  n = vrrp_driver_status_json(d, json, sizeof json);
  CHECK(contains(json, "\"effective_priority\": 254"));

  vrrp_driver_shutdown(d, vrrp_now());
  CHECK(vrrp_driver_state(d, (uint32_t)id) == VRRP_STATE_INIT);
  CHECK(vrrp_driver_set_fault(d, vrrp_now(), (uint32_t)id, 1) == VRRP_ERR_STATE);
  CHECK(vrrp_driver_start(d, vrrp_now()) == VRRP_ERR_STATE);
  vrrp_driver_del(d);

  /* From a struct, with the addresses managed by the embedder; deleted without a start. */
  vrrp_addr vip;
  CHECK(vrrp_addr_parse("192.0.2.3", &vip) == 0);
  vrrp_instance_config c;
  vrrp_instance_config_init(&c);
  c.name = "VI_S";
  c.interface = interface_name;
  c.router.vrid = 51;
  c.router.virtual_addresses = &vip;
  c.router.n_virtual_addresses = 1;
  vrrp_driver_options o;
  vrrp_driver_options_init(&o);
  o.manage_addresses_externally = 1;
  CHECK(vrrp_driver_open(&d, &c, 1, &o) == 0);
  CHECK(vrrp_driver_warnings(d, warnings, sizeof warnings) == 0);
  CHECK(vrrp_driver_find(d, "VI_S") > 0);
  vrrp_driver_del(d);

  /* Two instances with one VRID on one interface: refused, nothing left open. */
  vrrp_instance_config two[2] = {c, c};
  two[1].name = "VI_T";
  rc = vrrp_driver_open(&d, two, 2, &o);
  CHECK(rc == VRRP_ERR_INVALID_ARGUMENT || rc == VRRP_ERR_EXISTS);
  CHECK(d == NULL);
}

int main(int argc, char **argv) {
  if (argc > 1) interface_name = argv[1];
  test_config_errors();
  test_unknown_interface();
  test_bad_structs();
  test_nulls();
  test_open();
  return check_result(geteuid() == 0 ? "driver errors (as root)" : "driver errors (not root)");
}
