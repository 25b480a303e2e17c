/* c_abi_core: the sans-IO core through vrrp.h, from C. Two routers (priorities 150 and 100, VIP
 * 192.0.2.3, primaries 192.0.2.5 and .6), each behind its own vrrp_endpoint, driven by this
 * test: it keeps a virtual clock, fires timers at vrrp_router_get_expiry, and carries each
 * SEND_ADVERTISEMENT's encoded bytes to the other host's endpoint. Then error paths, lifetimes
 * (run it under ASan) and the handle-less helpers. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <vrrp.h>

#include "check.h"

#define MS VRRP_NS_PER_MS
#define S VRRP_NS_PER_S

static vrrp_addr addr(const char *text) {
  vrrp_addr a;
  memset(&a, 0, sizeof a);
  CHECK_EQ(vrrp_addr_parse(text, &a), 0);
  return a;
}

static int addr_eq(const vrrp_addr *a, const vrrp_addr *b) {
  return a->family == b->family && memcmp(a->bytes, b->bytes, a->family == 4 ? 4 : 16) == 0;
}

/* A list of addresses holds `a`. */
static int has_addr(const vrrp_addr *list, size_t n, const vrrp_addr *a) {
  size_t i;
  for (i = 0; i < n; ++i) {
    if (addr_eq(&list[i], a)) return 1;
  }
  return 0;
}

typedef struct host {
  const char *name;
  vrrp_router *router;
  vrrp_endpoint *endpoint;
  vrrp_addr primary;
  int sending;               /* 0: its advertisements are lost (a cable cut one way) */
  vrrp_tstamp last_sent;     /* when it last put an advertisement on the wire */
  vrrp_tstamp became_master; /* the last STATE_CHANGED to MASTER */
  int master_reason;
  int added_vip, removed_vip, announced_vip;
  int sent_priority_zero;
} host;

#define N_HOSTS 2
static host hosts[N_HOSTS];
static vrrp_tstamp now;
static vrrp_addr vip, group;

static void deliver(const host *from, const uint8_t *bytes, size_t len) {
  int i;
  for (i = 0; i < N_HOSTS; ++i) {
    vrrp_packet_info info;
    vrrp_delivery d;
    if (&hosts[i] == from || hosts[i].endpoint == NULL) continue;
    memset(&info, 0, sizeof info);
    info.source = from->primary;
    info.destination = group;
    info.ttl = VRRP_TTL;
    CHECK_EQ(vrrp_endpoint_handle_packet(hosts[i].endpoint, now, bytes, len, &info, &d), 0);
    CHECK_EQ(d.routed, 1);
    CHECK_EQ(d.key, (uint64_t)(i + 1));
    CHECK_EQ(d.drop, VRRP_DROP_NONE);
  }
}

/* Carries out every host's actions until none is left (a delivery queues the receiver's). */
static void pump(void) {
  int progress = 1;
  while (progress) {
    int i;
    progress = 0;
    for (i = 0; i < N_HOSTS; ++i) {
      host *h = &hosts[i];
      vrrp_action a;
      while (vrrp_router_poll_action(h->router, &a) == 1) {
        progress = 1;
        switch (a.type) {
          case VRRP_ACTION_SEND_ADVERTISEMENT: {
            uint8_t buf[VRRP_MAX_ADVERTISEMENT_SIZE];
            int n = vrrp_router_write_advertisement(h->router, a.priority, &group, buf, sizeof buf);
            CHECK(n > 0);
            if (a.priority == 0) h->sent_priority_zero++;
            if (n > 0 && h->sending) {
              h->last_sent = now;
              deliver(h, buf, (size_t)n);
            }
            break;
          }
          case VRRP_ACTION_ADD_ADDRESSES:
            CHECK_EQ(a.n_addresses, 1);
            if (has_addr(a.addresses, a.n_addresses, &vip)) h->added_vip++;
            break;
          case VRRP_ACTION_REMOVE_ADDRESSES:
            if (has_addr(a.addresses, a.n_addresses, &vip)) h->removed_vip++;
            break;
          case VRRP_ACTION_ANNOUNCE:
            CHECK(a.count > 0);
            if (has_addr(a.addresses, a.n_addresses, &vip)) h->announced_vip++;
            break;
          case VRRP_ACTION_STATE_CHANGED:
            CHECK(a.from != a.to);
            if (a.to == VRRP_STATE_MASTER) {
              h->became_master = now;
              h->master_reason = a.reason;
            }
            break;
          default:
            CHECK(!"unknown action type");
        }
      }
    }
  }
}

/* Fires the timers in order of expiry up to `until`, then sets the clock there. */
static void run_until(vrrp_tstamp until) {
  for (;;) {
    vrrp_tstamp next = VRRP_TSTAMP_MAX;
    int i;
    for (i = 0; i < N_HOSTS; ++i) {
      vrrp_tstamp e = vrrp_router_get_expiry(hosts[i].router);
      if (e < next) next = e;
    }
    if (next > until) break;
    CHECK(next >= now); /* a router never asks to be called in the past */
    now = next;
    for (i = 0; i < N_HOSTS; ++i) vrrp_router_handle_timeout(hosts[i].router, now);
    pump();
  }
  now = until;
}

static vrrp_router *new_router(int vrid, int priority, const char *primary, int version,
                               const char *pass) {
  vrrp_router_config c;
  vrrp_router *r = NULL;
  vrrp_router_config_init(&c);
  c.vrid = vrid;
  c.priority = priority;
  c.version = version;
  c.virtual_addresses = &vip;
  c.n_virtual_addresses = 1;
  c.primary_address = addr(primary);
  if (pass != NULL) {
    c.auth_type = VRRP_AUTH_PASS;
    c.auth_pass = pass;
  }
  CHECK_EQ(vrrp_router_new(&r, &c), 0);
  CHECK(r != NULL);
  return r;
}

static void test_election(void) {
  const vrrp_tstamp t0 = 1000 * S;
  vrrp_addr master;
  vrrp_router_stats stats;
  vrrp_endpoint_stats es;
  int i;
  memset(hosts, 0, sizeof hosts);
  hosts[0].name = "lb-5";
  hosts[0].primary = addr("192.0.2.5");
  hosts[0].router = new_router(50, 150, "192.0.2.5", 3, NULL);
  hosts[1].name = "lb-6";
  hosts[1].primary = addr("192.0.2.6");
  hosts[1].router = new_router(50, 100, "192.0.2.6", 3, NULL);
  for (i = 0; i < N_HOSTS; ++i) {
    hosts[i].sending = 1;
    CHECK_EQ(vrrp_endpoint_new(&hosts[i].endpoint, VRRP_FAMILY_IPV4), 0);
    CHECK_EQ(vrrp_endpoint_add(hosts[i].endpoint, (uint64_t)(i + 1), hosts[i].router, NULL, 0), 0);
    CHECK_EQ(vrrp_router_state(hosts[i].router), VRRP_STATE_INIT);
    CHECK_EQ(vrrp_router_get_expiry(hosts[i].router), VRRP_TSTAMP_MAX);
  }

  /* Both start as Backup; the 150 becomes Master after its Master_Down_Interval, 3 * 1 s +
   * Skew_Time (256 - 150) * 100 / 256 = 41 cs (RFC 5798 §6.1), before the 100's 3.60 s. */
  now = t0;
  for (i = 0; i < N_HOSTS; ++i) vrrp_router_start(hosts[i].router, now);
  pump();
  CHECK_EQ(vrrp_router_state(hosts[0].router), VRRP_STATE_BACKUP);
  CHECK_EQ(vrrp_router_get_expiry(hosts[0].router), t0 + 3410 * MS);
  CHECK_EQ(vrrp_router_get_expiry(hosts[1].router), t0 + 3600 * MS);
  run_until(t0 + 10 * S);
  CHECK_EQ(vrrp_router_state(hosts[0].router), VRRP_STATE_MASTER);
  CHECK_EQ(vrrp_router_state(hosts[1].router), VRRP_STATE_BACKUP);
  CHECK_EQ(hosts[0].became_master, t0 + 3410 * MS);
  CHECK_EQ(hosts[0].master_reason, VRRP_REASON_MASTER_DOWN_TIMER);
  CHECK_EQ(hosts[1].became_master, 0);
  CHECK_EQ(hosts[0].added_vip, 1);
  CHECK(hosts[0].announced_vip >= 1);
  CHECK_EQ(hosts[1].added_vip, 0);
  CHECK_EQ(vrrp_router_effective_priority(hosts[0].router), 150);
  CHECK_EQ(vrrp_router_vrid(hosts[1].router), 50);
  CHECK_EQ(vrrp_router_master_address(hosts[1].router, &master), 1);
  CHECK(addr_eq(&master, &hosts[0].primary));
  vrrp_router_get_stats(hosts[1].router, &stats);
  CHECK(stats.advert_rcvd >= 6); /* one a second from 3.41 s to 10 s */
  CHECK_EQ(stats.become_master, 0);
  vrrp_router_get_stats(hosts[0].router, &stats);
  CHECK_EQ(stats.become_master, 1);
  CHECK(stats.advert_sent >= 6);
  CHECK_EQ(stats.last_transition_reason, VRRP_REASON_MASTER_DOWN_TIMER);
  vrrp_endpoint_get_stats(hosts[1].endpoint, &es);
  CHECK(es.received >= 6);
  CHECK_EQ(es.received, es.routed);

  /* The 150's advertisements stop reaching the wire: the 100 takes over Master_Down_Interval
   * after the last one it heard, 3 * 1 s + (256 - 100) * 100 / 256 = 60 cs: 3.60 s. */
  hosts[0].sending = 0;
  run_until(t0 + 20 * S);
  CHECK_EQ(vrrp_router_state(hosts[1].router), VRRP_STATE_MASTER);
  CHECK_EQ(hosts[1].became_master - hosts[0].last_sent, 3600 * MS);
  CHECK_EQ(hosts[1].master_reason, VRRP_REASON_MASTER_DOWN_TIMER);
  CHECK_EQ(hosts[1].added_vip, 1);
  CHECK(hosts[1].announced_vip >= 1);

  /* Its advertisements come back: the 100 hears a higher priority and steps down (§6.4.3). */
  hosts[0].sending = 1;
  run_until(t0 + 25 * S);
  CHECK_EQ(vrrp_router_state(hosts[0].router), VRRP_STATE_MASTER);
  CHECK_EQ(vrrp_router_state(hosts[1].router), VRRP_STATE_BACKUP);
  CHECK_EQ(hosts[1].removed_vip, 1);
  vrrp_router_get_stats(hosts[1].router, &stats);
  CHECK_EQ(stats.last_transition_reason, VRRP_REASON_HIGHER_PRIORITY_RECEIVED);

  /* A resignation: the 150 shuts down and sends priority 0; the Backup takes over after its
   * Skew_Time, 60 cs (RFC 5798 §6.4.2), not a whole Master_Down_Interval. */
  {
    const vrrp_tstamp resign = now + 123 * MS;
    run_until(resign);
    vrrp_router_shutdown(hosts[0].router, now);
    pump();
    CHECK_EQ(vrrp_router_state(hosts[0].router), VRRP_STATE_INIT);
    CHECK_EQ(hosts[0].sent_priority_zero, 1);
    CHECK_EQ(hosts[0].removed_vip, 1);
    run_until(resign + 5 * S);
    CHECK_EQ(vrrp_router_state(hosts[1].router), VRRP_STATE_MASTER);
    CHECK_EQ(hosts[1].became_master, resign + 600 * MS);
    CHECK_EQ(hosts[1].master_reason, VRRP_REASON_PRIORITY_ZERO_RECEIVED);
    vrrp_router_get_stats(hosts[1].router, &stats);
    CHECK_EQ(stats.pri_zero_rcvd, 1);
  }

  /* Delete the router first, then its endpoint (the other order is below). */
  for (i = 0; i < N_HOSTS; ++i) {
    vrrp_router_del(hosts[i].router);
    vrrp_endpoint_del(hosts[i].endpoint);
  }
}

/* v2 with PASS: a wrong key is an auth_failure drop, counted, and changes nothing. */
static void test_v2_auth(void) {
  vrrp_router *ours = new_router(51, 100, "192.0.2.5", 2, "1111");
  vrrp_router *right = new_router(51, 150, "192.0.2.6", 2, "1111");
  vrrp_router *wrong = new_router(51, 150, "192.0.2.7", 2, "2222");
  vrrp_endpoint *endpoint = NULL;
  vrrp_router_stats stats;
  vrrp_packet_info info;
  vrrp_delivery d;
  uint8_t buf[VRRP_MAX_ADVERTISEMENT_SIZE];
  int n;
  memset(&info, 0, sizeof info);
  info.destination = group;
  info.ttl = VRRP_TTL;
  vrrp_router_start(ours, 0);

  info.source = addr("192.0.2.7");
  n = vrrp_router_write_advertisement(wrong, 150, &group, buf, sizeof buf);
  CHECK_EQ(n, 20); /* 8 + one address + 8 bytes of authentication data (RFC 3768 §5.1) */
  CHECK_EQ(vrrp_router_handle_packet(ours, 1 * S, buf, (size_t)n, &info), VRRP_DROP_AUTH_FAILURE);
  vrrp_router_get_stats(ours, &stats);
  CHECK_EQ(stats.drops[VRRP_DROP_AUTH_FAILURE], 1);

  info.source = addr("192.0.2.6");
  n = vrrp_router_write_advertisement(right, 150, &group, buf, sizeof buf);
  CHECK_EQ(vrrp_router_handle_packet(ours, 2 * S, buf, (size_t)n, &info), VRRP_DROP_NONE);
  vrrp_router_get_stats(ours, &stats);
  CHECK_EQ(stats.advert_rcvd, 1);
  CHECK_EQ(stats.drops[VRRP_DROP_AUTH_FAILURE], 1);
  /* The valid master's advertisement reset the master-down timer: 3 s + 60 cs from 2 s. */
  CHECK_EQ(vrrp_router_get_expiry(ours), 5600 * MS);

  /* Through an endpoint, the drop is counted on the router it reached. */
  CHECK_EQ(vrrp_endpoint_new(&endpoint, VRRP_FAMILY_IPV4), 0);
  CHECK_EQ(vrrp_endpoint_add(endpoint, 7, ours, NULL, 0), 0);
  info.source = addr("192.0.2.7");
  n = vrrp_router_write_advertisement(wrong, 150, &group, buf, sizeof buf);
  CHECK_EQ(vrrp_endpoint_handle_packet(endpoint, 3 * S, buf, (size_t)n, &info, &d), 0);
  CHECK_EQ(d.routed, 1);
  CHECK_EQ(d.key, 7);
  CHECK_EQ(d.drop, VRRP_DROP_AUTH_FAILURE);
  vrrp_router_get_stats(ours, &stats);
  CHECK_EQ(stats.drops[VRRP_DROP_AUTH_FAILURE], 2);

  /* A TTL that is not 255 (RFC 3768 §7.1): a ttl drop. */
  info.ttl = 64;
  CHECK_EQ(vrrp_router_handle_packet(ours, 3 * S, buf, (size_t)n, &info), VRRP_DROP_TTL);
  info.ttl = VRRP_TTL;

  /* Endpoint deleted first, then its router: the router must not touch the endpoint. */
  vrrp_endpoint_del(endpoint);
  vrrp_router_del(ours);
  vrrp_router_del(right);
  vrrp_router_del(wrong);
}

static void test_errors(void) {
  vrrp_router_config c;
  vrrp_router *r = NULL, *r2 = NULL, *v6 = NULL;
  vrrp_endpoint *endpoint = NULL, *endpoint6 = NULL;
  vrrp_action action;
  vrrp_packet_info info;
  vrrp_delivery d;
  vrrp_advertisement adv;
  static vrrp_addr storage[255];
  uint8_t buf[VRRP_MAX_ADVERTISEMENT_SIZE];
  vrrp_addr v6_vip = addr("2001:db8::3");
  int n;

  /* Defaults are keepalived's. */
  vrrp_router_config_init(&c);
  CHECK_EQ(c.struct_version, VRRP_ROUTER_CONFIG_V1);
  CHECK_EQ(c.vrid, 0);
  CHECK_EQ(c.family, VRRP_FAMILY_IPV4);
  CHECK_EQ(c.version, 3);
  CHECK_EQ(c.priority, 100);
  CHECK_EQ(c.advert_interval_cs, 100);
  CHECK_EQ(c.preempt, 1);
  CHECK_EQ(c.preempt_delay, 0);
  CHECK_EQ(c.down_timer_adverts, 3);
  CHECK_EQ(c.garp_master_repeat, 5);
  CHECK_EQ(c.garp_master_delay, 5 * S);
  CHECK_EQ(c.garp_master_refresh, 0);
  CHECK_EQ(c.garp_master_refresh_repeat, 1);
  CHECK_EQ(c.auth_type, VRRP_AUTH_NONE);
  CHECK(c.auth_pass == NULL);

  /* vrid 0 is "no default"; 300 is out of range; both name the field. */
  c.virtual_addresses = &vip;
  c.n_virtual_addresses = 1;
  c.primary_address = addr("192.0.2.5");
  CHECK_EQ(vrrp_router_new(&r, &c), VRRP_ERR_INVALID_ARGUMENT);
  CHECK_CONTAINS(vrrp_last_error(), "virtual_router_id");
  CHECK(r == NULL);
  c.vrid = 300;
  CHECK_EQ(vrrp_router_new(&r, &c), VRRP_ERR_INVALID_ARGUMENT);
  CHECK_CONTAINS(vrrp_last_error(), "virtual_router_id 300");
  c.vrid = 50;
  c.struct_version = 0;
  CHECK_EQ(vrrp_router_new(&r, &c), VRRP_ERR_INVALID_ARGUMENT);
  CHECK_CONTAINS(vrrp_last_error(), "vrrp_router_config_init");
  c.struct_version = VRRP_ROUTER_CONFIG_V1;
  c.auth_type = VRRP_AUTH_PASS; /* with v3: refused */
  c.auth_pass = "1111";
  CHECK_EQ(vrrp_router_new(&r, &c), VRRP_ERR_INVALID_ARGUMENT);
  c.auth_type = VRRP_AUTH_NONE;
  c.virtual_addresses = &v6_vip; /* an IPv6 VIP on an IPv4 router */
  CHECK_EQ(vrrp_router_new(&r, &c), VRRP_ERR_INVALID_ARGUMENT);
  c.virtual_addresses = NULL; /* count without a list */
  CHECK_EQ(vrrp_router_new(&r, &c), VRRP_ERR_INVALID_ARGUMENT);
  c.virtual_addresses = &vip;

  /* NULL pointers. */
  CHECK_EQ(vrrp_router_new(NULL, &c), VRRP_ERR_INVALID_ARGUMENT);
  CHECK_CONTAINS(vrrp_last_error(), "NULL");
  CHECK_EQ(vrrp_router_new(&r, NULL), VRRP_ERR_INVALID_ARGUMENT);
  CHECK_EQ(vrrp_router_poll_action(NULL, &action), VRRP_ERR_INVALID_ARGUMENT);
  CHECK_EQ(vrrp_router_state(NULL), VRRP_ERR_INVALID_ARGUMENT);
  CHECK_EQ(vrrp_router_get_expiry(NULL), VRRP_TSTAMP_MAX);
  CHECK_EQ(vrrp_endpoint_new(NULL, VRRP_FAMILY_IPV4), VRRP_ERR_INVALID_ARGUMENT);
  CHECK_EQ(vrrp_endpoint_new(&endpoint, 5), VRRP_ERR_INVALID_ARGUMENT);
  CHECK_EQ(vrrp_decode(NULL, 8, &info, &adv, storage), VRRP_ERR_INVALID_ARGUMENT);
  CHECK_EQ(vrrp_lan_new(NULL, NULL), VRRP_ERR_INVALID_ARGUMENT);
  vrrp_router_del(NULL); /* fine */
  vrrp_endpoint_del(NULL);
  vrrp_lan_del(NULL);
  vrrp_router_start(NULL, 0);
  vrrp_router_get_stats(NULL, NULL);
  vrrp_router_config_init(NULL);

  CHECK_EQ(vrrp_router_new(&r, &c), 0);
  if (r == NULL) {
    fprintf(stderr, "vrrp_router_new: %s\n", vrrp_last_error());
    return;
  }
  CHECK_EQ(vrrp_router_poll_action(r, NULL), VRRP_ERR_INVALID_ARGUMENT);
  CHECK_EQ(vrrp_router_poll_action(r, &action), 0); /* nothing before start */
  CHECK_EQ(vrrp_router_set_priority(r, 0, 0), VRRP_ERR_INVALID_ARGUMENT);
  CHECK_EQ(vrrp_router_set_priority(r, 0, 256), VRRP_ERR_INVALID_ARGUMENT);
  CHECK_EQ(vrrp_router_set_priority(r, 0, 120), 0);
  CHECK_EQ(vrrp_router_effective_priority(r), 120);

  /* Buffers: too small is NOBUF (nothing useful written); the wrong family is refused. */
  CHECK_EQ(vrrp_router_write_advertisement(r, 100, &group, buf, 4), VRRP_ERR_NOBUF);
  CHECK_EQ(vrrp_router_write_advertisement(r, 100, &group, NULL, 0), VRRP_ERR_NOBUF);
  CHECK_EQ(vrrp_router_write_advertisement(r, 100, &v6_vip, buf, sizeof buf),
           VRRP_ERR_INVALID_ARGUMENT);
  CHECK_EQ(vrrp_router_write_advertisement(r, 256, &group, buf, sizeof buf),
           VRRP_ERR_INVALID_ARGUMENT);
  CHECK_EQ(vrrp_router_write_advertisement(r, 100, NULL, buf, sizeof buf),
           VRRP_ERR_INVALID_ARGUMENT);
  n = vrrp_router_write_advertisement(r, 100, &group, buf, sizeof buf);
  CHECK_EQ(n, 12); /* v3 IPv4, one address: 8 + 4 (RFC 5798 §5.1) */

  /* The codec on its own: our own advertisement decodes; a truncated one is too short. */
  memset(&info, 0, sizeof info);
  info.source = addr("192.0.2.5");
  info.destination = group;
  info.ttl = VRRP_TTL;
  CHECK_EQ(vrrp_decode(buf, (size_t)n, &info, &adv, storage), VRRP_DROP_NONE);
  CHECK_EQ(adv.version, 3);
  CHECK_EQ(adv.vrid, 50);
  CHECK_EQ(adv.priority, 100);
  CHECK_EQ(adv.interval_cs, 100);
  CHECK_EQ(adv.n_addresses, 1);
  CHECK(addr_eq(&adv.addresses[0], &vip));
  CHECK_EQ(vrrp_decode(buf, 5, &info, &adv, storage), VRRP_DROP_TOO_SHORT);
  buf[7] ^= 0xff; /* the checksum */
  CHECK_EQ(vrrp_decode(buf, (size_t)n, &info, &adv, storage), VRRP_DROP_CHECKSUM);
  buf[7] ^= 0xff;
  CHECK_EQ(vrrp_router_handle_packet(r, 0, NULL, 12, &info), VRRP_ERR_INVALID_ARGUMENT);
  CHECK_EQ(vrrp_router_handle_packet(r, 0, buf, (size_t)n, NULL), VRRP_ERR_INVALID_ARGUMENT);

  /* Endpoints: a key used twice; a second router taking the same packets; another family. */
  CHECK_EQ(vrrp_endpoint_new(&endpoint, VRRP_FAMILY_IPV4), 0);
  CHECK_EQ(vrrp_endpoint_new(&endpoint6, VRRP_FAMILY_IPV6), 0);
  r2 = new_router(60, 100, "192.0.2.5", 3, NULL);
  CHECK_EQ(vrrp_endpoint_add(endpoint, 1, r, NULL, 0), 0);
  CHECK_EQ(vrrp_endpoint_add(endpoint, 1, r2, NULL, 0), VRRP_ERR_EXISTS);
  CHECK_EQ(vrrp_endpoint_add(endpoint, 2, r, NULL, 0), VRRP_ERR_EXISTS);
  CHECK_EQ(vrrp_endpoint_add(endpoint6, 1, r, NULL, 0), VRRP_ERR_INVALID_ARGUMENT);
  CHECK_EQ(vrrp_endpoint_add(endpoint, 3, NULL, NULL, 0), VRRP_ERR_INVALID_ARGUMENT);
  CHECK_EQ(vrrp_endpoint_add(endpoint, 3, r2, NULL, 1), VRRP_ERR_INVALID_ARGUMENT);
  CHECK_EQ(vrrp_endpoint_add(endpoint, 2, r2, NULL, 0), 0);
  CHECK_EQ(vrrp_endpoint_remove(endpoint, 99), VRRP_ERR_NOT_FOUND);
  CHECK_EQ(vrrp_endpoint_remove(endpoint, 2), 0);
  CHECK_EQ(vrrp_endpoint_add(endpoint, 2, r2, NULL, 0), 0);
  CHECK_EQ(vrrp_endpoint_handle_packet(endpoint, 0, buf, (size_t)n, &info, NULL),
           VRRP_ERR_INVALID_ARGUMENT);
  CHECK_EQ(vrrp_endpoint_handle_packet(endpoint, 0, buf, (size_t)n, &info, &d), 0);
  CHECK_EQ(d.routed, 1);
  CHECK_EQ(d.key, 1);

  /* A router deleted while still routed: the endpoint forgets it, and its VRID is unknown. */
  vrrp_router_del(r);
  CHECK_EQ(vrrp_endpoint_handle_packet(endpoint, 0, buf, (size_t)n, &info, &d), 0);
  CHECK_EQ(d.routed, 0);
  CHECK_EQ(d.drop, VRRP_DROP_VRID);
  CHECK_EQ(vrrp_endpoint_remove(endpoint, 1), VRRP_ERR_NOT_FOUND);
  {
    vrrp_endpoint_stats es;
    vrrp_endpoint_get_stats(endpoint, &es);
    CHECK_EQ(es.received, 2);
    CHECK_EQ(es.routed, 1);
    CHECK_EQ(es.drops[VRRP_DROP_VRID], 1);
  }
  /* A router in two endpoints, deleted after one of them. */
  {
    vrrp_router_config c6;
    vrrp_router_config_init(&c6);
    c6.vrid = 60;
    c6.family = VRRP_FAMILY_IPV6;
    c6.virtual_addresses = &v6_vip;
    c6.n_virtual_addresses = 1;
    c6.primary_address = addr("fe80::5");
    CHECK_EQ(vrrp_router_new(&v6, &c6), 0);
    CHECK_EQ(vrrp_endpoint_add(endpoint6, 9, v6, NULL, 0), 0);
  }
  vrrp_endpoint_del(endpoint);
  vrrp_router_del(r2);
  vrrp_router_del(v6);
  vrrp_endpoint_del(endpoint6);
}

static void test_helpers(void) {
  const char *texts[] = {"192.0.2.3", "2001:db8::3", "198.51.100.255", "fe80::1"};
  size_t i;
  vrrp_addr a;
  char buf[48];
  for (i = 0; i < sizeof texts / sizeof texts[0]; ++i) {
    CHECK_EQ(vrrp_addr_parse(texts[i], &a), 0);
    CHECK_EQ(vrrp_addr_format(&a, buf, sizeof buf), (int)strlen(texts[i]));
    CHECK_STREQ(buf, texts[i]);
  }
  CHECK_EQ(vrrp_addr_parse("192.0.2.3", &a), 0);
  CHECK_EQ(a.family, VRRP_FAMILY_IPV4);
  CHECK_EQ(a.bytes[0], 192);
  CHECK_EQ(a.bytes[3], 3);
  CHECK_EQ(vrrp_addr_format(&a, buf, 9), VRRP_ERR_NOBUF); /* 9 characters need 10 bytes */
  CHECK_EQ(vrrp_addr_format(&a, buf, 10), 9);
  CHECK_EQ(vrrp_addr_parse("192.0.2.300", &a), VRRP_ERR_INVALID_ARGUMENT);
  CHECK_EQ(vrrp_addr_parse("not an address", &a), VRRP_ERR_INVALID_ARGUMENT);
  CHECK_EQ(vrrp_addr_parse(NULL, &a), VRRP_ERR_INVALID_ARGUMENT);
  memset(&a, 0, sizeof a);
  CHECK_EQ(vrrp_addr_format(&a, buf, sizeof buf), VRRP_ERR_INVALID_ARGUMENT);

  CHECK_STREQ(vrrp_strerror(0), "success");
  CHECK_STREQ(vrrp_strerror(VRRP_ERR_INVALID_ARGUMENT), "invalid argument");
  CHECK_STREQ(vrrp_strerror(VRRP_ERR_NOBUF), "buffer too small");
  CHECK_STREQ(vrrp_strerror(VRRP_ERR_EXISTS), "already exists");
  CHECK_STREQ(vrrp_strerror(VRRP_ERR_LIVELOCK), "livelock in the simulated LAN");
  CHECK_STREQ(vrrp_strerror(-1000), "unknown error");
  CHECK_STREQ(vrrp_state_name(VRRP_STATE_MASTER), "MASTER");
  CHECK_STREQ(vrrp_state_name(VRRP_STATE_BACKUP), "BACKUP");
  CHECK_STREQ(vrrp_state_name(42), "unknown");
  CHECK_STREQ(vrrp_reason_name(VRRP_REASON_MASTER_DOWN_TIMER), "master_down_timer");
  CHECK_STREQ(vrrp_reason_name(VRRP_REASON_PRIORITY_ZERO_RECEIVED), "priority_zero_received");
  /* The last ones too (VIP_CONFLICT once read "unknown": the bound lagged the list). */
  CHECK_STREQ(vrrp_reason_name(VRRP_REASON_VIP_CONFLICT), "vip_conflict");
  CHECK_STREQ(vrrp_reason_name(VRRP_REASON_BLACK_HOLE), "black_hole");
  CHECK_STREQ(vrrp_reason_name(VRRP_REASON_BLACK_HOLE + 1), "unknown");
  CHECK_STREQ(vrrp_drop_name(VRRP_DROP_AUTH_FAILURE), "auth_failure");
  CHECK_STREQ(vrrp_drop_name(VRRP_DROP_CHECKSUM), "checksum");
  CHECK_STREQ(vrrp_drop_name(VRRP_DROP_COUNT), "unknown");
  CHECK_STREQ(vrrp_version(), "0.1.0");
  CHECK(vrrp_now() > 0);
}

int main(void) {
  vip = addr("192.0.2.3");
  group = addr("224.0.0.18");
  test_election();
  test_v2_auth();
  test_errors();
  test_helpers();
  return check_result("c_abi_core");
}
