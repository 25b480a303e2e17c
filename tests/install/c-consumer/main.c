/* A C program built against the installed C ABI alone: `cc main.c $(pkg-config --cflags --libs
 * vrrp-c)`. One router with nobody else on the link: it starts in BACKUP and becomes MASTER when
 * its master-down timer runs out (3 * 1 s + Skew_Time (256 - 100) * 100 / 256 = 60 cs, RFC 5798
 * §6.1), on a clock this program keeps. Prints "vrid 50 MASTER after 3600 ms". */
#include <stdio.h>
#include <vrrp.h>

int main(void) {
  vrrp_router_config config;
  vrrp_router *router = NULL;
  vrrp_addr vip;
  vrrp_action action;
  vrrp_tstamp now = 0;
  int added = 0, rc;
  if (vrrp_addr_parse("192.0.2.3", &vip) != 0) return 1;
  vrrp_router_config_init(&config);
  config.vrid = 50;
  config.virtual_addresses = &vip;
  config.n_virtual_addresses = 1;
  if (vrrp_addr_parse("192.0.2.5", &config.primary_address) != 0) return 1;
  rc = vrrp_router_new(&router, &config);
  if (rc != 0) {
    fprintf(stderr, "vrrp_router_new: %s: %s\n", vrrp_strerror(rc), vrrp_last_error());
    return 1;
  }
  vrrp_router_start(router, now);
  /* The caller's loop: wait until the expiry, fire it, carry out the actions. */
  while (vrrp_router_state(router) != VRRP_STATE_MASTER && now < 10 * VRRP_NS_PER_S) {
    while (vrrp_router_poll_action(router, &action) == 1) {
      if (action.type == VRRP_ACTION_ADD_ADDRESSES) added = 1;
    }
    now = vrrp_router_get_expiry(router);
    if (now == VRRP_TSTAMP_MAX) break;
    vrrp_router_handle_timeout(router, now);
  }
  while (vrrp_router_poll_action(router, &action) == 1) {
    if (action.type == VRRP_ACTION_ADD_ADDRESSES) added = 1;
  }
  if (!added) fprintf(stderr, "no ADD_ADDRESSES action\n");
  printf("vrid %d %s after %lld ms\n", vrrp_router_vrid(router),
         vrrp_state_name(vrrp_router_state(router)), (long long)(now / VRRP_NS_PER_MS));
  vrrp_router_del(router);
  return added ? 0 : 1;
}
