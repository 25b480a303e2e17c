/* c_abi_lan: the simulated LAN through vrrp.h, from C. The seed scenario's lb-5 / lb-6 pair
 * (VRID 50, priorities 150 and 100, VIP 192.0.2.3, advert_int 1 s, VRRPv2 with PASS "1111",
 * carried as bytes through each receiver's codec): election, crash, restart and preemption,
 * a one-way block (split brain) and its heal, the timeline and the polled events. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vrrp.h>

#include "check.h"

#define MS VRRP_NS_PER_MS
#define S VRRP_NS_PER_S

static vrrp_addr vip;

static int add(vrrp_lan *lan, const char *name, int priority, const char *primary,
               const char *pass) {
  vrrp_router_config c;
  vrrp_router_config_init(&c);
  c.vrid = 50;
  c.version = 2;
  c.priority = priority;
  c.advert_interval_cs = 100;
  c.virtual_addresses = &vip;
  c.n_virtual_addresses = 1;
  CHECK_EQ(vrrp_addr_parse(primary, &c.primary_address), 0);
  c.auth_type = VRRP_AUTH_PASS;
  c.auth_pass = pass;
  return vrrp_lan_add_router(lan, name, &c);
}

/* The timeline, in a buffer grown until it fits (the caller frees it). */
static char *timeline(const vrrp_lan *lan) {
  size_t len = 64;
  for (;;) {
    char *buf = malloc(len);
    int n;
    if (buf == NULL) return NULL;
    n = vrrp_lan_timeline(lan, buf, len);
    if (n >= 0) return buf;
    free(buf);
    if (n != VRRP_ERR_NOBUF) return NULL;
    len *= 2;
  }
}

static void test_failover(void) {
  vrrp_lan_options options;
  vrrp_lan *lan = NULL;
  int lb5, lb6, nodes[4];
  vrrp_router_stats stats;
  vrrp_event event;
  char *text;
  int transitions = 0, lb5_first_master = 0, lb6_took_over = 0;
  vrrp_tstamp crash_time;

  vrrp_lan_options_init(&options);
  CHECK_EQ(options.seed, 1);
  CHECK_EQ(options.latency, 0);
  CHECK_EQ(options.through_codec, 0);
  CHECK_EQ(options.queue_events, 0);
  options.through_codec = 1;
  options.queue_events = 1;
  CHECK_EQ(vrrp_lan_new(&lan, &options), 0);
  lb5 = add(lan, "lb-5", 150, "192.0.2.5", "1111");
  lb6 = add(lan, "lb-6", 100, "192.0.2.6", "1111");
  CHECK_EQ(lb5, 0);
  CHECK_EQ(lb6, 1);
  CHECK_EQ(vrrp_lan_size(lan), 2);
  CHECK_EQ(vrrp_lan_state(lan, lb5), VRRP_STATE_INIT);

  /* Election: lb-5 after its master-down interval (3 s + 41 cs of v2 skew, RFC 3768 §6.1). */
  CHECK_EQ(vrrp_lan_start_all(lan), 0);
  CHECK_EQ(vrrp_lan_run_for(lan, 10 * S), 0);
  CHECK_EQ(vrrp_lan_now(lan), 10 * S);
  CHECK_EQ(vrrp_lan_state(lan, lb5), VRRP_STATE_MASTER);
  CHECK_EQ(vrrp_lan_state(lan, lb6), VRRP_STATE_BACKUP);
  CHECK_EQ(vrrp_lan_masters(lan, nodes, 4), 1);
  CHECK_EQ(nodes[0], lb5);
  CHECK_EQ(vrrp_lan_holders(lan, &vip, nodes, 4), 1);
  CHECK_EQ(nodes[0], lb5);
  CHECK_EQ(vrrp_lan_get_stats(lan, lb6, &stats), 0);
  CHECK(stats.advert_rcvd >= 6);
  CHECK_EQ(stats.drops[VRRP_DROP_AUTH_FAILURE], 0);

  /* Crash lb-5 (silent, its address stays): lb-6 takes over within 4 s; both hold the VIP. */
  crash_time = vrrp_lan_now(lan);
  CHECK_EQ(vrrp_lan_crash(lan, lb5), 0);
  CHECK_EQ(vrrp_lan_alive(lan, lb5), 0);
  CHECK_EQ(vrrp_lan_run_for(lan, 4 * S), 0);
  CHECK_EQ(vrrp_lan_state(lan, lb6), VRRP_STATE_MASTER);
  CHECK_EQ(vrrp_lan_masters(lan, nodes, 4), 1);
  CHECK_EQ(nodes[0], lb6);
  CHECK_EQ(vrrp_lan_holders(lan, &vip, nodes, 4), 2);
  CHECK_EQ(nodes[0], lb5);
  CHECK_EQ(nodes[1], lb6);
  CHECK_EQ(vrrp_lan_holders(lan, &vip, nodes, 1), 2); /* the count, even past cap */

  /* Restart lb-5: it comes back as Backup, hears the lower priority, preempts. */
  CHECK_EQ(vrrp_lan_restart(lan, lb5), 0);
  CHECK_EQ(vrrp_lan_alive(lan, lb5), 1);
  CHECK_EQ(vrrp_lan_run_for(lan, 10 * S), 0);
  CHECK_EQ(vrrp_lan_state(lan, lb5), VRRP_STATE_MASTER);
  CHECK_EQ(vrrp_lan_state(lan, lb6), VRRP_STATE_BACKUP);
  CHECK_EQ(vrrp_lan_holders(lan, &vip, nodes, 4), 1);
  CHECK_EQ(nodes[0], lb5);

  /* lb-6 stops hearing lb-5 (one way): two Masters. Heal: one again. */
  CHECK_EQ(vrrp_lan_block(lan, lb5, lb6), 0);
  CHECK_EQ(vrrp_lan_run_for(lan, 10 * S), 0);
  CHECK_EQ(vrrp_lan_masters(lan, nodes, 4), 2);
  CHECK_EQ(vrrp_lan_heal(lan), 0);
  CHECK_EQ(vrrp_lan_run_for(lan, 5 * S), 0);
  CHECK_EQ(vrrp_lan_masters(lan, nodes, 4), 1);
  CHECK_EQ(nodes[0], lb5);

  text = timeline(lan);
  CHECK(text != NULL);
  if (text != NULL) {
    CHECK_CONTAINS(text, "lb-5 BACKUP -> MASTER (master_down_timer)");
    CHECK_CONTAINS(text, "lb-6 BACKUP -> MASTER");
    CHECK_CONTAINS(text, "lb-5 crash");
    free(text);
  }
  CHECK_EQ(vrrp_lan_timeline(lan, NULL, 0), VRRP_ERR_NOBUF);

  /* The events, in order, with names; times are since the LAN's start. */
  while (vrrp_lan_poll_event(lan, &event) == 1) {
    CHECK(event.instance != NULL && event.text != NULL && event.message != NULL);
    if (event.type != VRRP_EVENT_TRANSITION) continue;
    ++transitions;
    CHECK(strcmp(event.instance, "lb-5") == 0 || strcmp(event.instance, "lb-6") == 0);
    CHECK(event.instance_id == 1 || event.instance_id == 2);
    CHECK_CONTAINS(event.text, vrrp_state_name(event.to));
    if (strcmp(event.instance, "lb-5") == 0 && event.to == VRRP_STATE_MASTER && !lb5_first_master) {
      lb5_first_master = 1;
      CHECK_EQ(event.time, 3410 * MS);
      CHECK_EQ(event.reason, VRRP_REASON_MASTER_DOWN_TIMER);
      CHECK_EQ(event.from, VRRP_STATE_BACKUP);
    }
    if (strcmp(event.instance, "lb-6") == 0 && event.to == VRRP_STATE_MASTER && !lb6_took_over) {
      lb6_took_over = 1;
      CHECK(event.time > crash_time);
      CHECK(event.time <= crash_time + 4 * S);
      CHECK_EQ(event.reason, VRRP_REASON_MASTER_DOWN_TIMER);
    }
  }
  CHECK(transitions >= 6);
  CHECK(lb5_first_master);
  CHECK(lb6_took_over);
  CHECK_EQ(vrrp_lan_poll_event(lan, &event), 0);

  /* Errors: a taken name, a bad configuration, a node that does not exist, bad values. */
  CHECK_EQ(add(lan, "lb-5", 120, "192.0.2.7", "1111"), VRRP_ERR_EXISTS);
  CHECK_CONTAINS(vrrp_last_error(), "lb-5");
  CHECK_EQ(add(lan, "lb-7", 120, "192.0.2.7", "123456789"), VRRP_ERR_INVALID_ARGUMENT);
  CHECK_EQ(vrrp_lan_start(lan, 2), VRRP_ERR_NOT_FOUND);
  CHECK_EQ(vrrp_lan_crash(lan, -1), VRRP_ERR_NOT_FOUND);
  CHECK_EQ(vrrp_lan_state(lan, 7), VRRP_ERR_NOT_FOUND);
  CHECK_EQ(vrrp_lan_alive(lan, 7), VRRP_ERR_NOT_FOUND);
  CHECK_EQ(vrrp_lan_block(lan, 0, 9), VRRP_ERR_NOT_FOUND);
  CHECK_EQ(vrrp_lan_set_loss(lan, 0, 1, 1.5), VRRP_ERR_INVALID_ARGUMENT);
  CHECK_EQ(vrrp_lan_set_latency(lan, 0, 1, -1), VRRP_ERR_INVALID_ARGUMENT);
  CHECK_EQ(vrrp_lan_set_priority(lan, 0, 0), VRRP_ERR_INVALID_ARGUMENT);
  CHECK_EQ(vrrp_lan_run_for(lan, -1), VRRP_ERR_INVALID_ARGUMENT);
  CHECK_EQ(vrrp_lan_masters(lan, NULL, 4), VRRP_ERR_INVALID_ARGUMENT);
  CHECK_EQ(vrrp_lan_masters(lan, NULL, 0), 1);
  CHECK_EQ(vrrp_lan_get_stats(lan, 5, &stats), VRRP_ERR_NOT_FOUND);
  CHECK_EQ(vrrp_lan_size(NULL), VRRP_ERR_INVALID_ARGUMENT);

  /* A lower priority on the Master: it advertises it, lb-6 (100 > 90) preempts. */
  CHECK_EQ(vrrp_lan_set_priority(lan, lb5, 90), 0);
  CHECK_EQ(vrrp_lan_run_for(lan, 5 * S), 0);
  CHECK_EQ(vrrp_lan_state(lan, lb6), VRRP_STATE_MASTER);
  CHECK_EQ(vrrp_lan_state(lan, lb5), VRRP_STATE_BACKUP);
  vrrp_lan_del(lan);
}

/* Through the codec, a wrong PASS key is refused by the receiver and counted there. */
static void test_wrong_key(void) {
  vrrp_lan_options options;
  vrrp_lan *lan = NULL;
  vrrp_router_stats stats;
  vrrp_event event;
  int drops = 0, nodes[2];
  vrrp_lan_options_init(&options);
  options.through_codec = 1;
  options.queue_events = 1;
  options.loss = 2.0;
  CHECK_EQ(vrrp_lan_new(&lan, &options), VRRP_ERR_INVALID_ARGUMENT);
  options.loss = 0.0;
  CHECK_EQ(vrrp_lan_new(&lan, &options), 0);
  CHECK_EQ(add(lan, "lb-5", 150, "192.0.2.5", "1111"), 0);
  CHECK_EQ(add(lan, "lb-6", 100, "192.0.2.6", "2222"), 1);
  CHECK_EQ(vrrp_lan_start_all(lan), 0);
  CHECK_EQ(vrrp_lan_run_for(lan, 10 * S), 0);
  /* Neither accepts the other: both are Master (keepalived logs the same split brain). */
  CHECK_EQ(vrrp_lan_masters(lan, nodes, 2), 2);
  CHECK_EQ(vrrp_lan_get_stats(lan, 1, &stats), 0);
  CHECK(stats.drops[VRRP_DROP_AUTH_FAILURE] > 0);
  while (vrrp_lan_poll_event(lan, &event) == 1) {
    if (event.type == VRRP_EVENT_DROP && event.drop == VRRP_DROP_AUTH_FAILURE) ++drops;
  }
  CHECK(drops > 0);
  vrrp_lan_del(lan);
}

int main(void) {
  CHECK_EQ(vrrp_addr_parse("192.0.2.3", &vip), 0);
  test_failover();
  test_wrong_key();
  return check_result("c_abi_lan");
}
