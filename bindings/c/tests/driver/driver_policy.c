/* keepalived's policy through vrrp.h's driver: track_interface and vrrp_sync_group from
 * keepalived.conf, combined with the embedder's own fault and priority delta. Run as root by
 * driver_policy.sh in a network namespace of its own with three veth pairs: cae0 (up, with
 * 192.0.2.5/24: every instance runs there), cae2 and cae4 (down: tracked).
 *
 *   VI_1 (VRID 50) tracks cae2 (weight 0: FAULT while it is down), VI_2 (VRID 51) is in sync
 *   group G1 with VI_1; VI_3 (VRID 52, priority 100) tracks cae4 with weight -10.
 *
 * Checks: VI_1 starts in FAULT (FAULT_REASONS "interface cae2 down") and takes VI_2 with it
 * ("sync group G1: VI_1 in fault"), G1 reports FAULT; VI_3's effective priority is 90 and the
 * embedder's delta adds to it (95) and stays after the policy's next passes; with cae2 up but
 * the embedder's fault on VI_2, VI_1 stays in FAULT because of its group; cleared, both are
 * BACKUP and G1 reports BACKUP; with cae4 up VI_3 is at 105.
 *
 *   driver_policy      exit 0 when every check passed, 1 otherwise, 77 when not root
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../check.h"
#include "vrrp.h"

static const char kConf[] =
    "vrrp_sync_group G1 {\n"
    "  group {\n"
    "    VI_1\n"
    "    VI_2\n"
    "  }\n"
    "}\n"
    "vrrp_instance VI_1 {\n"
    "  interface cae0\n"
    "  virtual_router_id 50\n"
    "  priority 150\n"
    "  advert_int 1\n"
    "  track_interface {\n"
    "    cae2\n"
    "  }\n"
    "  virtual_ipaddress {\n"
    "    192.0.2.3/24\n"
    "  }\n"
    "}\n"
    "vrrp_instance VI_2 {\n"
    "  interface cae0\n"
    "  virtual_router_id 51\n"
    "  priority 150\n"
    "  advert_int 1\n"
    "  virtual_ipaddress {\n"
    "    192.0.2.4/24\n"
    "  }\n"
    "}\n"
    "vrrp_instance VI_3 {\n"
    "  interface cae0\n"
    "  virtual_router_id 52\n"
    "  priority 100\n"
    "  advert_int 1\n"
    "  track_interface {\n"
    "    cae4 weight -10\n"
    "  }\n"
    "  virtual_ipaddress {\n"
    "    192.0.2.7/24\n"
    "  }\n"
    "}\n";

/* What the events said, as the test needs it. */
static char log_text[65536];
static size_t log_len = 0;

static void drain(vrrp_driver *d) {
  vrrp_event e;
  while (vrrp_driver_poll_event(d, &e) == 1) {
    printf("%s\n", e.text);
    int n = snprintf(log_text + log_len, sizeof log_text - log_len, "%s\n", e.text);
    if (n > 0 && (size_t)n < sizeof log_text - log_len) log_len += (size_t)n;
    CHECK(e.instance != NULL && e.group != NULL && e.message != NULL && e.text != NULL);
    if (e.type == VRRP_EVENT_FAULT_REASONS) CHECK(e.instance_id > 0 && e.instance[0] != '\0');
    if (e.type == VRRP_EVENT_GROUP_STATE) CHECK(strcmp(e.group, "G1") == 0 && e.instance_id == 0);
  }
  fflush(stdout);
}

static int logged(const char *text) { return strstr(log_text, text) != NULL; }

/* Runs the driver's loop for `ms` milliseconds, or until `until` is in the events. */
static void run(vrrp_driver *d, int ms, const char *until) {
  int fds[16];
  int n = vrrp_driver_fds(d, fds, 16);
  CHECK(n > 0 && n <= 16);
  if (n <= 0 || n > 16) return;
  struct pollfd pfds[16];
  for (int i = 0; i < n; ++i) pfds[i] = (struct pollfd){.fd = fds[i], .events = POLLIN};
  const vrrp_tstamp end = vrrp_now() + ms * VRRP_NS_PER_MS;
  while (vrrp_now() < end && (until == NULL || !logged(until))) {
    vrrp_tstamp next = vrrp_driver_get_expiry(d);
    if (next > end) next = end;
    vrrp_tstamp wait = next - vrrp_now();
    int timeout = wait <= 0 ? 0 : (int)((wait + VRRP_NS_PER_MS - 1) / VRRP_NS_PER_MS);
    if (poll(pfds, (nfds_t)n, timeout) < 0) break;
    for (int i = 0; i < n; ++i) {
      if (pfds[i].revents != 0) vrrp_driver_handle_readable(d, vrrp_now(), pfds[i].fd);
    }
    if (vrrp_now() >= vrrp_driver_get_expiry(d)) vrrp_driver_handle_timeout(d, vrrp_now());
    drain(d);
  }
}

static int effective_priority(const vrrp_driver *d, const char *name) {
  static char json[16384];
  if (vrrp_driver_status_json(d, json, sizeof json) < 0) return -1;
  char key[64];
  snprintf(key, sizeof key, "\"name\": \"%s\"", name);
  const char *at = strstr(json, key);
  if (at == NULL) return -1;
  at = strstr(at, "\"effective_priority\": ");
  return at == NULL ? -1 : atoi(at + strlen("\"effective_priority\": "));
}

static int link_set(const char *interface, const char *state) {
  char command[128];
  snprintf(command, sizeof command, "ip link set %s %s", interface, state);
  return system(command);
}

int main(void) {
  if (geteuid() != 0) {
    printf("SKIP: the policy test needs root (raw sockets, links)\n");
    return 77;
  }
  vrrp_driver *d = NULL;
  int rc = vrrp_driver_open_conf(&d, kConf, NULL);
  CHECK(rc == 0);
  if (rc != 0) return 1;
  const uint32_t vi1 = (uint32_t)vrrp_driver_find(d, "VI_1");
  const uint32_t vi2 = (uint32_t)vrrp_driver_find(d, "VI_2");
  const uint32_t vi3 = (uint32_t)vrrp_driver_find(d, "VI_3");
  CHECK(vi1 > 0 && vi2 > 0 && vi3 > 0);

  /* Started with cae2 and cae4 down. */
  CHECK(vrrp_driver_start(d, vrrp_now()) == 0);
  drain(d);
  CHECK(vrrp_driver_state(d, vi1) == VRRP_STATE_FAULT);
  CHECK(vrrp_driver_state(d, vi2) == VRRP_STATE_FAULT);
  CHECK(vrrp_driver_state(d, vi3) == VRRP_STATE_BACKUP);
  CHECK(logged("VI_1 fault_reasons interface cae2 down"));
  CHECK(logged("VI_2 fault_reasons sync group G1: VI_1 in fault"));
  CHECK(logged("G1 group_state FAULT"));
  CHECK(effective_priority(d, "VI_3") == 90);

  /* The embedder's delta adds to the policy's, and no later pass of the policy undoes it. */
  CHECK(vrrp_driver_set_priority_delta(d, vrrp_now(), vi3, 5) == 0);
  CHECK(effective_priority(d, "VI_3") == 95);
  CHECK(vrrp_driver_set_fault(d, vrrp_now(), vi1, 0) == 0); /* a call that applies the policy */
  run(d, 200, NULL);
  CHECK(effective_priority(d, "VI_3") == 95);

  /* The embedder's fault on VI_2 holds VI_1 in FAULT through the group once cae2 is up. */
  CHECK(vrrp_driver_set_fault(d, vrrp_now(), vi2, 1) == 0);
  drain(d);
  CHECK(link_set("cae2", "up") == 0);
  run(d, 3000, "VI_1 fault_reasons sync group G1: VI_2 in fault");
  CHECK(logged("VI_1 fault_reasons sync group G1: VI_2 in fault"));
  CHECK(vrrp_driver_state(d, vi1) == VRRP_STATE_FAULT);
  CHECK(vrrp_driver_state(d, vi2) == VRRP_STATE_FAULT);
  char json[16384];
  CHECK(vrrp_driver_status_json(d, json, sizeof json) > 0);
  CHECK(strstr(json, "vrrp_driver_set_fault") != NULL);

  /* Cleared: both Backup, the group too, no reasons left. */
  CHECK(vrrp_driver_set_fault(d, vrrp_now(), vi2, 0) == 0);
  drain(d);
  CHECK(vrrp_driver_state(d, vi1) == VRRP_STATE_BACKUP);
  CHECK(vrrp_driver_state(d, vi2) == VRRP_STATE_BACKUP);
  CHECK(logged("VI_1 fault_reasons none"));
  CHECK(logged("VI_2 fault_reasons none"));
  CHECK(logged("G1 group_state BACKUP"));

  /* cae4 up: the track's -10 goes, the embedder's +5 stays. */
  CHECK(link_set("cae4", "up") == 0);
  run(d, 3000, "VI_3 priority_changed 95 -> 105");
  CHECK(logged("VI_3 priority_changed 95 -> 105"));
  CHECK(effective_priority(d, "VI_3") == 105);

  vrrp_driver_del(d);
  return check_result("track_interface, sync group and the embedder's fault and delta");
}
