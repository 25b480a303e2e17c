/* Prints the layout of vrrp.h's structs and its constants, as the C compiler sees them, for
 * test_abi.py to compare with the ctypes mirrors (vrrp/_types.py). One line each:
 *   struct <name> <sizeof> <alignof>
 *   field <struct> <field> <offsetof> <sizeof>
 *   const <name> <value>
 * The fields are listed here by hand from vrrp.h; a field vrrp.h gains and this file lacks still
 * fails the test through the struct's size. */
#include <inttypes.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdio.h>

#include "vrrp.h"

#define STRUCT(s) printf("struct %s %zu %zu\n", #s, sizeof(s), alignof(s))
#define FIELD(s, f) printf("field %s %s %zu %zu\n", #s, #f, offsetof(s, f), sizeof(((s *)0)->f))
#define CONST(c) printf("const %s %" PRId64 "\n", #c, (int64_t)(c))

int main(void) {
  STRUCT(vrrp_addr);
  FIELD(vrrp_addr, family);
  FIELD(vrrp_addr, bytes);

  STRUCT(vrrp_packet_info);
  FIELD(vrrp_packet_info, source);
  FIELD(vrrp_packet_info, destination);
  FIELD(vrrp_packet_info, ttl);

  STRUCT(vrrp_advertisement);
  FIELD(vrrp_advertisement, version);
  FIELD(vrrp_advertisement, family);
  FIELD(vrrp_advertisement, vrid);
  FIELD(vrrp_advertisement, priority);
  FIELD(vrrp_advertisement, interval_cs);
  FIELD(vrrp_advertisement, auth_type);
  FIELD(vrrp_advertisement, n_addresses);
  FIELD(vrrp_advertisement, addresses);

  STRUCT(vrrp_router_config);
  FIELD(vrrp_router_config, struct_version);
  FIELD(vrrp_router_config, vrid);
  FIELD(vrrp_router_config, family);
  FIELD(vrrp_router_config, version);
  FIELD(vrrp_router_config, priority);
  FIELD(vrrp_router_config, advert_interval_cs);
  FIELD(vrrp_router_config, virtual_addresses);
  FIELD(vrrp_router_config, n_virtual_addresses);
  FIELD(vrrp_router_config, primary_address);
  FIELD(vrrp_router_config, preempt);
  FIELD(vrrp_router_config, preempt_delay);
  FIELD(vrrp_router_config, accept_mode);
  FIELD(vrrp_router_config, down_timer_adverts);
  FIELD(vrrp_router_config, garp_master_repeat);
  FIELD(vrrp_router_config, garp_master_delay);
  FIELD(vrrp_router_config, garp_master_refresh);
  FIELD(vrrp_router_config, garp_master_refresh_repeat);
  FIELD(vrrp_router_config, auth_type);
  FIELD(vrrp_router_config, auth_pass);

  STRUCT(vrrp_action);
  FIELD(vrrp_action, type);
  FIELD(vrrp_action, priority);
  FIELD(vrrp_action, count);
  FIELD(vrrp_action, from);
  FIELD(vrrp_action, to);
  FIELD(vrrp_action, reason);
  FIELD(vrrp_action, n_addresses);
  FIELD(vrrp_action, addresses);

  STRUCT(vrrp_router_stats);
  FIELD(vrrp_router_stats, become_master);
  FIELD(vrrp_router_stats, release_master);
  FIELD(vrrp_router_stats, advert_rcvd);
  FIELD(vrrp_router_stats, advert_sent);
  FIELD(vrrp_router_stats, pri_zero_rcvd);
  FIELD(vrrp_router_stats, pri_zero_sent);
  FIELD(vrrp_router_stats, drops);
  FIELD(vrrp_router_stats, last_transition_reason);

  STRUCT(vrrp_delivery);
  FIELD(vrrp_delivery, routed);
  FIELD(vrrp_delivery, key);
  FIELD(vrrp_delivery, drop);

  STRUCT(vrrp_endpoint_stats);
  FIELD(vrrp_endpoint_stats, received);
  FIELD(vrrp_endpoint_stats, routed);
  FIELD(vrrp_endpoint_stats, drops);

  STRUCT(vrrp_event);
  FIELD(vrrp_event, type);
  FIELD(vrrp_event, instance_id);
  FIELD(vrrp_event, instance);
  FIELD(vrrp_event, group);
  FIELD(vrrp_event, time);
  FIELD(vrrp_event, from);
  FIELD(vrrp_event, to);
  FIELD(vrrp_event, reason);
  FIELD(vrrp_event, drop);
  FIELD(vrrp_event, peer);
  FIELD(vrrp_event, address);
  FIELD(vrrp_event, prefix_len);
  FIELD(vrrp_event, interface);
  FIELD(vrrp_event, count);
  FIELD(vrrp_event, previous);
  FIELD(vrrp_event, error);
  FIELD(vrrp_event, message);
  FIELD(vrrp_event, text);

  STRUCT(vrrp_lan_options);
  FIELD(vrrp_lan_options, seed);
  FIELD(vrrp_lan_options, latency);
  FIELD(vrrp_lan_options, loss);
  FIELD(vrrp_lan_options, through_codec);
  FIELD(vrrp_lan_options, queue_events);

  STRUCT(vrrp_driver_options);
  FIELD(vrrp_driver_options, struct_version);
  FIELD(vrrp_driver_options, remove_leftover_addresses);
  FIELD(vrrp_driver_options, manage_addresses_externally);
  FIELD(vrrp_driver_options, receive_holdoff);

  STRUCT(vrrp_instance_config);
  FIELD(vrrp_instance_config, struct_version);
  FIELD(vrrp_instance_config, name);
  FIELD(vrrp_instance_config, interface);
  FIELD(vrrp_instance_config, router);
  FIELD(vrrp_instance_config, prefix_len);
  FIELD(vrrp_instance_config, unicast_peers);
  FIELD(vrrp_instance_config, n_unicast_peers);
  FIELD(vrrp_instance_config, source);

  CONST(VRRP_VERSION_MAJOR);
  CONST(VRRP_VERSION_MINOR);
  CONST(VRRP_VERSION_PATCH);
  CONST(VRRP_TSTAMP_MAX);
  CONST(VRRP_NS_PER_MS);
  CONST(VRRP_NS_PER_S);
  CONST(VRRP_FAMILY_IPV4);
  CONST(VRRP_FAMILY_IPV6);
  CONST(VRRP_MAX_ADVERTISEMENT_SIZE);
  CONST(VRRP_IP_PROTOCOL);
  CONST(VRRP_TTL);
  CONST(VRRP_DROP_COUNT);
  CONST(VRRP_ROUTER_CONFIG_V1);
  CONST(VRRP_DRIVER_OPTIONS_V1);
  CONST(VRRP_INSTANCE_CONFIG_V1);

  CONST(VRRP_ERR_INVALID_ARGUMENT);
  CONST(VRRP_ERR_NOBUF);
  CONST(VRRP_ERR_NOT_FOUND);
  CONST(VRRP_ERR_EXISTS);
  CONST(VRRP_ERR_NOMEM);
  CONST(VRRP_ERR_CONFIG);
  CONST(VRRP_ERR_PERMISSION);
  CONST(VRRP_ERR_SYSTEM);
  CONST(VRRP_ERR_STATE);
  CONST(VRRP_ERR_LIVELOCK);
  CONST(VRRP_ERR_INTERNAL);

  CONST(VRRP_STATE_INIT);
  CONST(VRRP_STATE_BACKUP);
  CONST(VRRP_STATE_MASTER);
  CONST(VRRP_STATE_FAULT);

  CONST(VRRP_REASON_NONE);
  CONST(VRRP_REASON_STARTUP);
  CONST(VRRP_REASON_OWNER_STARTUP);
  CONST(VRRP_REASON_MASTER_DOWN_TIMER);
  CONST(VRRP_REASON_PRIORITY_ZERO_RECEIVED);
  CONST(VRRP_REASON_PREEMPTED);
  CONST(VRRP_REASON_HIGHER_PRIORITY_RECEIVED);
  CONST(VRRP_REASON_FAULT);
  CONST(VRRP_REASON_FAULT_CLEARED);
  CONST(VRRP_REASON_SHUTDOWN);
  CONST(VRRP_REASON_RECONFIGURED);
  CONST(VRRP_REASON_SYNC_GROUP);
  CONST(VRRP_REASON_VIP_CONFLICT);
  CONST(VRRP_REASON_BLACK_HOLE);

  CONST(VRRP_DROP_NONE);
  CONST(VRRP_DROP_TOO_SHORT);
  CONST(VRRP_DROP_VERSION);
  CONST(VRRP_DROP_TYPE);
  CONST(VRRP_DROP_CHECKSUM);
  CONST(VRRP_DROP_LENGTH);
  CONST(VRRP_DROP_TTL);
  CONST(VRRP_DROP_INVALID_AUTH_TYPE);
  CONST(VRRP_DROP_AUTH_TYPE_MISMATCH);
  CONST(VRRP_DROP_AUTH_FAILURE);
  CONST(VRRP_DROP_VRID);
  CONST(VRRP_DROP_INTERVAL);
  CONST(VRRP_DROP_ADDRESS_LIST);
  CONST(VRRP_DROP_FAMILY);
  CONST(VRRP_DROP_PEER);

  CONST(VRRP_AUTH_NONE);
  CONST(VRRP_AUTH_PASS);
  CONST(VRRP_AUTH_AH);

  CONST(VRRP_ACTION_SEND_ADVERTISEMENT);
  CONST(VRRP_ACTION_ADD_ADDRESSES);
  CONST(VRRP_ACTION_REMOVE_ADDRESSES);
  CONST(VRRP_ACTION_ANNOUNCE);
  CONST(VRRP_ACTION_STATE_CHANGED);

  CONST(VRRP_EVENT_TRANSITION);
  CONST(VRRP_EVENT_DROP);
  CONST(VRRP_EVENT_ADDRESS_ADDED);
  CONST(VRRP_EVENT_ADDRESS_REMOVED);
  CONST(VRRP_EVENT_ANNOUNCED);
  CONST(VRRP_EVENT_SEND_FAILED);
  CONST(VRRP_EVENT_SYNC_WAITING);
  CONST(VRRP_EVENT_PRIORITY_CHANGED);
  CONST(VRRP_EVENT_GROUP_STATE);
  CONST(VRRP_EVENT_STEP_DOWN);
  CONST(VRRP_EVENT_FAULT_REASONS);
  CONST(VRRP_EVENT_INTERFACE_WAITING);
  CONST(VRRP_EVENT_VIP_CONFLICT);
  CONST(VRRP_EVENT_BLACK_HOLE);
  return 0;
}
