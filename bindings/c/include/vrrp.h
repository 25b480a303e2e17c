/* vrrp.h: the C ABI of the vrrp library (libvrrp.so.0).
 *
 * For programs that cannot take a C++ ABI: nginx modules, Lua (FFI), Go (cgo), Python (ctypes),
 * and C daemons. C99; no C++ or Abseil type crosses it. Two layers:
 *
 *  - the sans-IO core, in the style of ngtcp2: a vrrp_router (one virtual router's state machine),
 *    a vrrp_endpoint (routes received packets of one interface and family by VRID), a vrrp_lan
 *    (several routers on a simulated Ethernet segment with a virtual clock, for tests). The core
 *    reads no clock and touches no socket: every call takes the caller's time, and every effect
 *    is an action the caller polls and carries out;
 *  - a Linux convenience layer, vrrp_driver: raw sockets, netlink addresses, gratuitous ARP /
 *    unsolicited NA, opened from keepalived.conf text or from instance structs, run from the
 *    caller's event loop (file descriptors plus one deadline), reporting polled events.
 *
 * Conventions:
 *  - Time is a vrrp_tstamp, integer nanoseconds on one clock the caller chooses and never moves
 *    backwards; for the driver it must be vrrp_now() (CLOCK_MONOTONIC). VRRP_TSTAMP_MAX means
 *    "never".
 *  - Functions that can fail return an int: 0 (or a count, or a length) on success, a negative
 *    VRRP_ERR_* code otherwise. vrrp_strerror() names a code; vrrp_last_error() gives the
 *    specific message of the last failure on the calling thread (a configuration error's line
 *    number, the interface that is missing), valid until the thread's next failing call.
 *  - Buffers are the caller's. A function that writes text or bytes takes (buf, len) and returns
 *    the length it wrote (text: without its NUL). When the buffer is too small it returns
 *    VRRP_ERR_NOBUF, nothing useful was written, and the caller retries with a larger buffer
 *    (doubling it; vrrp_last_error() says how many bytes were needed).
 *  - Pointers inside a struct a function filled (addresses, names, messages) belong to the
 *    handle and stay valid until the next call on that handle.
 *  - Structs the caller fills are initialised by their *_init function first, which sets every
 *    field to its default (keepalived's), so a program names only what differs and keeps
 *    compiling and behaving when fields are added at the end.
 *  - Thread-safety: none per handle. Distinct handles may be used from distinct threads.
 *  - Only symbols named vrrp_* are exported.
 */
#ifndef VRRP_H_
#define VRRP_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define VRRP_EXTERN __attribute__((visibility("default")))
#else
#define VRRP_EXTERN
#endif

/* The library's version, and the version this header was written for. */
#define VRRP_VERSION_MAJOR 0
#define VRRP_VERSION_MINOR 1
#define VRRP_VERSION_PATCH 0
/* "0.1.0" */
VRRP_EXTERN const char *vrrp_version(void);

/* ---------------------------------------------------------------------------------------------
 * Errors
 */
#define VRRP_ERR_INVALID_ARGUMENT -1 /* a bad value: the message names the field and its range */
#define VRRP_ERR_NOBUF -2            /* the caller's buffer is too small: retry with a larger one */
#define VRRP_ERR_NOT_FOUND -3        /* no such instance, key, node, interface or file */
#define VRRP_ERR_EXISTS -4           /* the key or name is taken */
#define VRRP_ERR_NOMEM -5            /* out of memory */
#define VRRP_ERR_CONFIG -6           /* a configuration text was refused: see vrrp_last_error */
#define VRRP_ERR_PERMISSION -7       /* the system refused (CAP_NET_RAW, CAP_NET_ADMIN) */
#define VRRP_ERR_SYSTEM -8           /* another system call failed: see vrrp_last_error */
#define VRRP_ERR_STATE -9            /* not possible in the handle's state */
#define VRRP_ERR_LIVELOCK -10        /* a simulated LAN ran too many events at one instant */
#define VRRP_ERR_INTERNAL -11        /* a bug of ours: please report it with vrrp_last_error */

/* "invalid argument", "buffer too small", ...; "unknown error" for anything else. */
VRRP_EXTERN const char *vrrp_strerror(int error);
/* The message of the last failing call on this thread ("" when none failed). */
VRRP_EXTERN const char *vrrp_last_error(void);

/* ---------------------------------------------------------------------------------------------
 * Time
 */
typedef int64_t vrrp_tstamp;
#define VRRP_TSTAMP_MAX INT64_MAX
#define VRRP_NS_PER_MS ((vrrp_tstamp)1000000)
#define VRRP_NS_PER_S ((vrrp_tstamp)1000000000)
/* CLOCK_MONOTONIC in nanoseconds: the clock the driver runs on. */
VRRP_EXTERN vrrp_tstamp vrrp_now(void);

/* ---------------------------------------------------------------------------------------------
 * Addresses
 */
#define VRRP_FAMILY_IPV4 4
#define VRRP_FAMILY_IPV6 6

typedef struct vrrp_addr {
  uint8_t family;    /* VRRP_FAMILY_IPV4 or VRRP_FAMILY_IPV6; 0: unset */
  uint8_t bytes[16]; /* network order; IPv4 uses the first 4 */
} vrrp_addr;

/* Parses "192.0.2.1" or "2001:db8::1" into *out. 0, or VRRP_ERR_INVALID_ARGUMENT. */
VRRP_EXTERN int vrrp_addr_parse(const char *text, vrrp_addr *out);
/* Writes the address as text with its terminating NUL ("192.0.2.1"). Returns the length
 * without the NUL; VRRP_ERR_NOBUF when len is not more than that (48 bytes always suffice);
 * VRRP_ERR_INVALID_ARGUMENT for an unset family. */
VRRP_EXTERN int vrrp_addr_format(const vrrp_addr *addr, char *buf, size_t len);

/* ---------------------------------------------------------------------------------------------
 * Names shared by every layer. The numeric values are stable (keepalived's JSON state numbers).
 */
#define VRRP_STATE_INIT 0
#define VRRP_STATE_BACKUP 1
#define VRRP_STATE_MASTER 2
#define VRRP_STATE_FAULT 3
/* "INIT", "BACKUP", "MASTER", "FAULT"; "unknown" otherwise. */
VRRP_EXTERN const char *vrrp_state_name(int state);

/* Why a transition happened. */
#define VRRP_REASON_NONE 0
#define VRRP_REASON_STARTUP 1
#define VRRP_REASON_OWNER_STARTUP 2
#define VRRP_REASON_MASTER_DOWN_TIMER 3
#define VRRP_REASON_PRIORITY_ZERO_RECEIVED 4
#define VRRP_REASON_PREEMPTED 5
#define VRRP_REASON_HIGHER_PRIORITY_RECEIVED 6
#define VRRP_REASON_FAULT 7
#define VRRP_REASON_FAULT_CLEARED 8
#define VRRP_REASON_SHUTDOWN 9
#define VRRP_REASON_RECONFIGURED 10
#define VRRP_REASON_SYNC_GROUP 11
#define VRRP_REASON_VIP_CONFLICT 12 /* yielded to a router that holds our VIP (issue 13) */
#define VRRP_REASON_BLACK_HOLE 13   /* took over from a master whose VIP nobody answers for */
/* "master_down_timer", ...: the names in logs and JSON; "unknown" otherwise. */
VRRP_EXTERN const char *vrrp_reason_name(int reason);

/* Why a received packet was refused (0: it was taken). Counted, never an error. */
#define VRRP_DROP_NONE 0
#define VRRP_DROP_TOO_SHORT 1
#define VRRP_DROP_VERSION 2
#define VRRP_DROP_TYPE 3
#define VRRP_DROP_CHECKSUM 4
#define VRRP_DROP_LENGTH 5
#define VRRP_DROP_TTL 6
#define VRRP_DROP_INVALID_AUTH_TYPE 7
#define VRRP_DROP_AUTH_TYPE_MISMATCH 8
#define VRRP_DROP_AUTH_FAILURE 9
#define VRRP_DROP_VRID 10
#define VRRP_DROP_INTERVAL 11
#define VRRP_DROP_ADDRESS_LIST 12 /* counted, yet the advertisement was acted on */
#define VRRP_DROP_FAMILY 13
#define VRRP_DROP_PEER 14
#define VRRP_DROP_COUNT 15 /* not a reason: how many there are */
/* "checksum", "auth_failure", ...: keepalived's counter names; "unknown" otherwise. */
VRRP_EXTERN const char *vrrp_drop_name(int drop);

/* ---------------------------------------------------------------------------------------------
 * Codec: advertisement bytes (the IP payload) <-> a struct. Pure functions.
 */
#define VRRP_AUTH_NONE 0
#define VRRP_AUTH_PASS 1
#define VRRP_AUTH_AH 2 /* decoded, never produced */

/* The largest advertisement: VRRPv3 over IPv6 with 255 addresses. */
#define VRRP_MAX_ADVERTISEMENT_SIZE 4088
/* IP protocol number and TTL / hop limit of every VRRP packet (RFC 5798 §5.1.1.3). */
#define VRRP_IP_PROTOCOL 112
#define VRRP_TTL 255

/* What the IP layer says about a received packet. */
typedef struct vrrp_packet_info {
  vrrp_addr source;      /* the sender's address; its family is the packet's */
  vrrp_addr destination; /* the group or our unicast address: the v3 checksum covers it */
  uint8_t ttl;           /* IPv4 TTL / IPv6 hop limit; anything but 255 is dropped */
} vrrp_packet_info;

/* A decoded advertisement. `addresses` points into the vrrp_decoded it was decoded into. */
typedef struct vrrp_advertisement {
  int version; /* 2 or 3 */
  int family;  /* VRRP_FAMILY_* */
  int vrid;
  int priority;
  int interval_cs; /* centiseconds */
  int auth_type;   /* VRRP_AUTH_*, v2 only */
  size_t n_addresses;
  const vrrp_addr *addresses;
} vrrp_advertisement;

/* Decodes `payload` with no version or authentication expected (as a capture tool does):
 * checks the length, type, checksum, address count and TTL. Returns VRRP_DROP_NONE and fills
 * *out; or the first check that failed (VRRP_DROP_*, > 0) and *out is unspecified; or
 * VRRP_ERR_INVALID_ARGUMENT for a NULL pointer. out->addresses points into `storage`, which
 * must hold 255 entries. */
VRRP_EXTERN int vrrp_decode(const uint8_t *payload, size_t len, const vrrp_packet_info *info,
                            vrrp_advertisement *out, vrrp_addr storage[255]);

/* ---------------------------------------------------------------------------------------------
 * Router: one virtual router's state machine (RFC 5798 §6, RFC 3768 §6, keepalived's rules).
 */
#define VRRP_ROUTER_CONFIG_V1 1

typedef struct vrrp_router_config {
  int struct_version;                 /* VRRP_ROUTER_CONFIG_V1, set by vrrp_router_config_init */
  int vrid;                           /* virtual_router_id 1..255; no default */
  int family;                         /* VRRP_FAMILY_IPV4 (default) or _IPV6 */
  int version;                        /* 3 (default) or 2 (IPv4 only) */
  int priority;                       /* 1..255, default 100; 255 owns the addresses */
  int advert_interval_cs;             /* default 100 (1 s); v2: whole seconds */
  const vrrp_addr *virtual_addresses; /* 1..255 of `family`, no duplicates; copied */
  size_t n_virtual_addresses;
  vrrp_addr primary_address;       /* ours: the advertisement's source and the tie-break */
  int preempt;                     /* default 1; 0 is keepalived's nopreempt */
  vrrp_tstamp preempt_delay;       /* nanoseconds, 0..1000 s, default 0 */
  int accept_mode;                 /* carried only */
  int down_timer_adverts;          /* default 3 */
  int garp_master_repeat;          /* default 5 */
  vrrp_tstamp garp_master_delay;   /* default 5 s */
  vrrp_tstamp garp_master_refresh; /* default 0: none */
  int garp_master_refresh_repeat;  /* default 1 */
  int auth_type;                   /* VRRP_AUTH_NONE (default) or VRRP_AUTH_PASS (v2 only) */
  const char *auth_pass;           /* PASS: 1..8 characters; copied */
} vrrp_router_config;

/* Sets every field to its default (the struct version, priority 100, interval 1 s, ...). */
VRRP_EXTERN void vrrp_router_config_init(vrrp_router_config *config);

typedef struct vrrp_router vrrp_router;

/* Builds a router in INIT. Returns 0 and sets *out; VRRP_ERR_INVALID_ARGUMENT with the field in
 * vrrp_last_error() (e.g. "virtual_router_id 300 is out of range 1..255"); VRRP_ERR_NOMEM. */
VRRP_EXTERN int vrrp_router_new(vrrp_router **out, const vrrp_router_config *config);
/* Frees it (NULL is fine), first removing it from any endpoint it was added to. Call
 * vrrp_router_shutdown first if a Master should resign. */
VRRP_EXTERN void vrrp_router_del(vrrp_router *router);

/* Inputs. After each, poll its actions until none is left, then re-read the expiry. */
VRRP_EXTERN void vrrp_router_start(vrrp_router *router, vrrp_tstamp now);
VRRP_EXTERN void vrrp_router_shutdown(vrrp_router *router, vrrp_tstamp now);
/* One received VRRP message (the IP payload) for this router alone (for several on one
 * interface, use a vrrp_endpoint). Returns VRRP_DROP_NONE when it was taken; a VRRP_DROP_*
 * reason (> 0) counted on the router (VRRP_DROP_ADDRESS_LIST was still acted on, the others
 * changed nothing); VRRP_ERR_INVALID_ARGUMENT for NULL pointers. Then poll actions. */
VRRP_EXTERN int vrrp_router_handle_packet(vrrp_router *router, vrrp_tstamp now,
                                          const uint8_t *payload, size_t len,
                                          const vrrp_packet_info *info);
/* Fires every timer that is due; a no-op before vrrp_router_get_expiry(). Then poll actions. */
VRRP_EXTERN void vrrp_router_handle_timeout(vrrp_router *router, vrrp_tstamp now);
/* When to call vrrp_router_handle_timeout next; VRRP_TSTAMP_MAX when no timer runs. */
VRRP_EXTERN vrrp_tstamp vrrp_router_get_expiry(const vrrp_router *router);
/* The configured priority, 1..255. 0, or VRRP_ERR_INVALID_ARGUMENT. Then poll actions. */
VRRP_EXTERN int vrrp_router_set_priority(vrrp_router *router, vrrp_tstamp now, int priority);
/* Tracking's sum of weights: the effective priority is base + delta, clamped to 1..254 (an
 * owner stays 255). A Master advertises the change at once. Then poll actions. */
VRRP_EXTERN void vrrp_router_set_priority_delta(vrrp_router *router, vrrp_tstamp now, int delta);
/* Raises (1) or clears (0) a fault (keepalived's FAULT): a Master resigns with priority 0 and
 * removes its addresses; clearing restarts as at startup. Idempotent. Then poll actions. */
VRRP_EXTERN void vrrp_router_set_fault(vrrp_router *router, vrrp_tstamp now, int fault);

/* What the router asks its caller to do, in order. */
#define VRRP_ACTION_SEND_ADVERTISEMENT 1 /* priority: write_advertisement, then send it */
#define VRRP_ACTION_ADD_ADDRESSES 2      /* addresses: put them on the interface */
#define VRRP_ACTION_REMOVE_ADDRESSES 3   /* addresses: take them off */
#define VRRP_ACTION_ANNOUNCE 4           /* addresses, count: gratuitous ARP / unsolicited NA */
#define VRRP_ACTION_STATE_CHANGED 5      /* from, to, reason: log it, notify */

typedef struct vrrp_action {
  int type;             /* VRRP_ACTION_* */
  int priority;         /* SEND_ADVERTISEMENT: 0 when resigning */
  int count;            /* ANNOUNCE: frames per address */
  int from, to, reason; /* STATE_CHANGED: VRRP_STATE_*, VRRP_REASON_* */
  size_t n_addresses;
  const vrrp_addr *addresses; /* ADD, REMOVE, ANNOUNCE; valid until the next call on it */
} vrrp_action;

/* Takes the oldest action not yet polled. Returns 1 and fills *out; 0 when none is left (the
 * caller then waits until vrrp_router_get_expiry or the next packet). */
VRRP_EXTERN int vrrp_router_poll_action(vrrp_router *router, vrrp_action *out);
/* Encodes the advertisement for a SEND_ADVERTISEMENT action of `priority` to `destination`
 * (224.0.0.18 / ff02::12 or a unicast peer: the v3 checksum covers it) into buf. Returns the
 * bytes written, to send as the payload of an IP packet with protocol 112 and TTL 255 from the
 * primary address; VRRP_ERR_NOBUF when len is too small (VRRP_MAX_ADVERTISEMENT_SIZE always
 * suffices); VRRP_ERR_INVALID_ARGUMENT for a priority outside 0..255 or a destination of the
 * wrong family. */
VRRP_EXTERN int vrrp_router_write_advertisement(vrrp_router *router, int priority,
                                                const vrrp_addr *destination, uint8_t *buf,
                                                size_t len);

/* Observation. */
VRRP_EXTERN int vrrp_router_state(const vrrp_router *router);              /* VRRP_STATE_* */
VRRP_EXTERN int vrrp_router_effective_priority(const vrrp_router *router); /* 1..255 */
VRRP_EXTERN int vrrp_router_vrid(const vrrp_router *router);
/* The last master heard (ourselves while Master): 1 and *out set, or 0 before any. */
VRRP_EXTERN int vrrp_router_master_address(const vrrp_router *router, vrrp_addr *out);

typedef struct vrrp_router_stats {
  uint64_t become_master;
  uint64_t release_master;
  uint64_t advert_rcvd;
  uint64_t advert_sent;
  uint64_t pri_zero_rcvd;
  uint64_t pri_zero_sent;
  uint64_t drops[VRRP_DROP_COUNT]; /* by VRRP_DROP_*; drops[0] unused */
  int last_transition_reason;
} vrrp_router_stats;
VRRP_EXTERN void vrrp_router_get_stats(const vrrp_router *router, vrrp_router_stats *out);

/* ---------------------------------------------------------------------------------------------
 * Endpoint: the receive path of one interface and family, shared by the routers on it. A packet
 * is checked once and handed to the router of its VRID.
 */
typedef struct vrrp_endpoint vrrp_endpoint;

/* family: VRRP_FAMILY_*. 0, VRRP_ERR_INVALID_ARGUMENT or VRRP_ERR_NOMEM. */
VRRP_EXTERN int vrrp_endpoint_new(vrrp_endpoint **out, int family);
/* Frees it (NULL is fine); the routers stay, no longer routed to. */
VRRP_EXTERN void vrrp_endpoint_del(vrrp_endpoint *endpoint);
/* Routes the router's VRID to `router` under `key` (the caller's id for it). With unicast
 * peers, only packets from them reach it (several routers may then share a VRID); another
 * source's packet is the router's VRRP_DROP_PEER when it is alone on its VRID, else the
 * endpoint's. 0;
 * VRRP_ERR_INVALID_ARGUMENT (the router's family is not the endpoint's); VRRP_ERR_EXISTS (the
 * key is taken, or another router would take the same packets). */
VRRP_EXTERN int vrrp_endpoint_add(vrrp_endpoint *endpoint, uint64_t key, vrrp_router *router,
                                  const vrrp_addr *unicast_peers, size_t n_unicast_peers);
/* 0, or VRRP_ERR_NOT_FOUND. */
VRRP_EXTERN int vrrp_endpoint_remove(vrrp_endpoint *endpoint, uint64_t key);

typedef struct vrrp_delivery {
  int routed;   /* 1: it reached the router of `key`; poll that router's actions */
  uint64_t key; /* when routed */
  int drop;     /* VRRP_DROP_*: why it was refused (counted on the router when routed, on the
                   endpoint otherwise); VRRP_DROP_NONE when taken */
} vrrp_delivery;

/* One received VRRP message with its metadata. Returns 0 and fills *out (then, when
 * out->routed, poll that router's actions); VRRP_ERR_INVALID_ARGUMENT for NULL pointers. */
VRRP_EXTERN int vrrp_endpoint_handle_packet(vrrp_endpoint *endpoint, vrrp_tstamp now,
                                            const uint8_t *payload, size_t len,
                                            const vrrp_packet_info *info, vrrp_delivery *out);

typedef struct vrrp_endpoint_stats {
  uint64_t received;
  uint64_t routed;
  uint64_t drops[VRRP_DROP_COUNT]; /* TOO_SHORT, VRID, PEER */
} vrrp_endpoint_stats;
VRRP_EXTERN void vrrp_endpoint_get_stats(const vrrp_endpoint *endpoint, vrrp_endpoint_stats *out);

/* ---------------------------------------------------------------------------------------------
 * Events: what happened to an instance of the driver or a node of the simulated LAN.
 */
#define VRRP_EVENT_TRANSITION 1       /* from, to, reason */
#define VRRP_EVENT_DROP 2             /* drop, peer: a received packet refused */
#define VRRP_EVENT_ADDRESS_ADDED 3    /* address, prefix_len (error: it failed, message why) */
#define VRRP_EVENT_ADDRESS_REMOVED 4  /* address, prefix_len (error: it failed) */
#define VRRP_EVENT_ANNOUNCED 5        /* address, count */
#define VRRP_EVENT_SEND_FAILED 6      /* peer = destination, message */
#define VRRP_EVENT_SYNC_WAITING 7     /* held by its sync group */
#define VRRP_EVENT_PRIORITY_CHANGED 8 /* count = new effective priority, previous = old */
#define VRRP_EVENT_GROUP_STATE 9      /* driver with a sync group: group, to = its state */
#define VRRP_EVENT_STEP_DOWN 10       /* driver: a sync group made `instance` step down */
/* driver: the instance's tracked faults changed; message lists them ("" when none) */
#define VRRP_EVENT_FAULT_REASONS 11
/* driver: the interface does not exist yet or has no address to send from; message says which.
 * The instance waits in FAULT and leaves it when the interface or the address appears. */
#define VRRP_EVENT_INTERFACE_WAITING 12
/* another MAC claimed one of our VIPs while MASTER: address, message = "<mac>: <outcome>"
 * (outcome reclaimed, identifying or yielded), peer = the router yielded to (yielded) */
#define VRRP_EVENT_VIP_CONFLICT 13
/* the black-hole check: the MASTER (peer) advertises address but nobody answered a probe */
#define VRRP_EVENT_BLACK_HOLE 14

typedef struct vrrp_event {
  int type;             /* VRRP_EVENT_* */
  uint32_t instance_id; /* stable for the instance's life; 0 for group events */
  const char *instance; /* its name ("VIP_1"); "" for group events */
  const char *group;    /* GROUP_STATE, STEP_DOWN: the sync group; "" otherwise */
  vrrp_tstamp time;
  int from, to, reason; /* TRANSITION; GROUP_STATE sets `to` */
  int drop;             /* DROP */
  vrrp_addr peer;       /* DROP: source; SEND_FAILED: destination */
  vrrp_addr address;    /* ADDRESS_*, ANNOUNCED */
  int prefix_len;
  const char *interface; /* ADDRESS_*: where */
  int count;
  int previous;
  int error;           /* 0, or a VRRP_ERR_* for a failure */
  const char *message; /* the failure or the detail; "" otherwise */
  const char *text;    /* the whole event on one line, as logged */
} vrrp_event;

/* ---------------------------------------------------------------------------------------------
 * Simulated LAN: routers on one segment, a virtual clock, crashes and one-way blocks. Election
 * tests without root; deterministic for a seed. Times are nanoseconds since the LAN's start.
 */
typedef struct vrrp_lan vrrp_lan;

typedef struct vrrp_lan_options {
  uint64_t seed;       /* loss generator, default 1 */
  vrrp_tstamp latency; /* every link's, default 0 */
  double loss;         /* 0..1, default 0 */
  int through_codec;   /* 1: carry encoded bytes through each receiver's codec; default 0 */
  int queue_events;    /* 1: keep events for vrrp_lan_poll_event; default 0 */
} vrrp_lan_options;
VRRP_EXTERN void vrrp_lan_options_init(vrrp_lan_options *options);

/* options may be NULL (defaults). 0, VRRP_ERR_INVALID_ARGUMENT or VRRP_ERR_NOMEM. */
VRRP_EXTERN int vrrp_lan_new(vrrp_lan **out, const vrrp_lan_options *options);
VRRP_EXTERN void vrrp_lan_del(vrrp_lan *lan);

/* Adds a router named `name` (not started). Returns its node number (>= 0, in order of
 * addition); VRRP_ERR_INVALID_ARGUMENT (bad configuration) or VRRP_ERR_EXISTS (name taken). */
VRRP_EXTERN int vrrp_lan_add_router(vrrp_lan *lan, const char *name,
                                    const vrrp_router_config *config);
/* Events at the LAN's current time. Each returns 0, or VRRP_ERR_NOT_FOUND for a node that
 * does not exist (VRRP_ERR_INVALID_ARGUMENT for a bad value). */
VRRP_EXTERN int vrrp_lan_start(vrrp_lan *lan, int node);
VRRP_EXTERN int vrrp_lan_start_all(vrrp_lan *lan);
VRRP_EXTERN int vrrp_lan_shutdown(vrrp_lan *lan, int node); /* graceful: a Master resigns */
VRRP_EXTERN int vrrp_lan_crash(vrrp_lan *lan, int node);    /* silent; its addresses stay */
VRRP_EXTERN int vrrp_lan_restart(vrrp_lan *lan, int node);
VRRP_EXTERN int vrrp_lan_set_link_up(vrrp_lan *lan, int node, int up);
VRRP_EXTERN int vrrp_lan_set_fault(vrrp_lan *lan, int node, int fault);
VRRP_EXTERN int vrrp_lan_set_priority(vrrp_lan *lan, int node, int priority);
VRRP_EXTERN int vrrp_lan_set_priority_delta(vrrp_lan *lan, int node, int delta);
/* Per direction: `to` stops hearing `from` (a firewall dropping VRRP), and back. */
VRRP_EXTERN int vrrp_lan_block(vrrp_lan *lan, int from, int to);
VRRP_EXTERN int vrrp_lan_unblock(vrrp_lan *lan, int from, int to);
VRRP_EXTERN int vrrp_lan_set_loss(vrrp_lan *lan, int from, int to, double probability);
VRRP_EXTERN int vrrp_lan_set_latency(vrrp_lan *lan, int from, int to, vrrp_tstamp latency);
VRRP_EXTERN int vrrp_lan_heal(vrrp_lan *lan); /* removes every block */

/* Runs every event for `duration` nanoseconds of virtual time. 0; VRRP_ERR_LIVELOCK. */
VRRP_EXTERN int vrrp_lan_run_for(vrrp_lan *lan, vrrp_tstamp duration);
VRRP_EXTERN vrrp_tstamp vrrp_lan_now(const vrrp_lan *lan);

/* Observation. vrrp_lan_state: VRRP_STATE_*, or VRRP_ERR_NOT_FOUND. */
VRRP_EXTERN int vrrp_lan_size(const vrrp_lan *lan);
VRRP_EXTERN int vrrp_lan_state(const vrrp_lan *lan, int node);
VRRP_EXTERN int vrrp_lan_alive(const vrrp_lan *lan, int node); /* 1, 0, or NOT_FOUND */
/* Live Masters, in node order: writes up to cap node numbers, returns how many there are. */
VRRP_EXTERN int vrrp_lan_masters(const vrrp_lan *lan, int *nodes, size_t cap);
/* Nodes holding `address` on their interface (crashed ones too), as vrrp_lan_masters. */
VRRP_EXTERN int vrrp_lan_holders(const vrrp_lan *lan, const vrrp_addr *address, int *nodes,
                                 size_t cap);
VRRP_EXTERN int vrrp_lan_get_stats(const vrrp_lan *lan, int node, vrrp_router_stats *out);
/* The timeline, one entry per line ("+3.41s r1 BACKUP -> MASTER (master_down_timer)"), with
 * its NUL. Returns the length without the NUL; VRRP_ERR_NOBUF when len is not more. */
VRRP_EXTERN int vrrp_lan_timeline(const vrrp_lan *lan, char *buf, size_t len);
/* With options.queue_events: the oldest event not yet polled. 1 and *out filled; 0 none. */
VRRP_EXTERN int vrrp_lan_poll_event(vrrp_lan *lan, vrrp_event *out);

/* ---------------------------------------------------------------------------------------------
 * Linux driver: runs instances on real interfaces. Needs CAP_NET_RAW and CAP_NET_ADMIN.
 */
typedef struct vrrp_driver vrrp_driver;

#define VRRP_DRIVER_OPTIONS_V1 1
typedef struct vrrp_driver_options {
  int struct_version; /* VRRP_DRIVER_OPTIONS_V1, set by vrrp_driver_options_init */
  /* 1 (default): remove our virtual addresses an earlier, killed run left on the interfaces. */
  int remove_leftover_addresses;
  /* 0 (default): the driver adds and removes the virtual addresses and announces them. 1: it
   * only elects, and reports ADDRESS_ADDED / ADDRESS_REMOVED events as if it had (for a cloud
   * where the address moves by an API call, or a program that moves it itself). */
  int manage_addresses_externally;
  /* How long a busy socket's packets may wait to be read together (nanoseconds, default 1 ms;
   * 0: read each at once). */
  vrrp_tstamp receive_holdoff;
} vrrp_driver_options;
VRRP_EXTERN void vrrp_driver_options_init(vrrp_driver_options *options);

/* One instance, for vrrp_driver_open (keepalived's vrrp_instance). */
#define VRRP_INSTANCE_CONFIG_V1 1
typedef struct vrrp_instance_config {
  int struct_version;        /* VRRP_INSTANCE_CONFIG_V1, set by vrrp_instance_config_init */
  const char *name;          /* unique, e.g. "VI_1" */
  const char *interface;     /* e.g. "eth0" */
  vrrp_router_config router; /* virtual_addresses: the VIPs; primary_address may be unset */
  int prefix_len; /* of every VIP on the interface; 0 (default): the host prefix, /32 or /128 */
  const vrrp_addr *unicast_peers; /* none (default): multicast */
  size_t n_unicast_peers;
  vrrp_addr source; /* unset (default): the interface's first address / link-local */
} vrrp_instance_config;
VRRP_EXTERN void vrrp_instance_config_init(vrrp_instance_config *config);

/* Opens from keepalived.conf text (vrrp_instance, vrrp_sync_group, track_interface; includes
 * are read relative to the current directory). vrrp_script checks are not run: a program
 * checks its own health and calls vrrp_driver_set_fault. options may be NULL. Opens everything
 * or nothing. Returns 0 and *out; VRRP_ERR_CONFIG (the line in vrrp_last_error);
 * VRRP_ERR_PERMISSION; VRRP_ERR_NOT_FOUND (an interface); VRRP_ERR_SYSTEM. Then
 * vrrp_driver_start. What the text asked for that was read but not applied is listed by
 * vrrp_driver_warnings. */
VRRP_EXTERN int vrrp_driver_open_conf(vrrp_driver **out, const char *keepalived_conf,
                                      const vrrp_driver_options *options);
/* Opens from instance structs, as vrrp_driver_open_conf. */
VRRP_EXTERN int vrrp_driver_open(vrrp_driver **out, const vrrp_instance_config *instances,
                                 size_t n_instances, const vrrp_driver_options *options);
/* Shuts every instance down (a Master resigns and removes its addresses) if it still runs,
 * then closes everything. NULL is fine. */
VRRP_EXTERN void vrrp_driver_del(vrrp_driver *driver);

/* Warnings the configuration gave (one per line, NUL-terminated), as vrrp_addr_format. */
VRRP_EXTERN int vrrp_driver_warnings(const vrrp_driver *driver, char *buf, size_t len);

/* Removes leftovers, reads each interface and starts the instances in BACKUP. 0, or an error
 * (the driver can then only be deleted). Then poll events and re-read the expiry. */
VRRP_EXTERN int vrrp_driver_start(vrrp_driver *driver, vrrp_tstamp now);
/* Every instance shuts down (Masters resign with priority 0 and remove their addresses). */
VRRP_EXTERN void vrrp_driver_shutdown(vrrp_driver *driver, vrrp_tstamp now);

/* For a foreign event loop: the descriptors to watch for readability (writes up to cap,
 * returns how many there are). They change when an interface the driver waits for appears or
 * one it uses is deleted (VRRP_EVENT_INTERFACE_WAITING): re-read them after
 * vrrp_driver_handle_readable. */
VRRP_EXTERN int vrrp_driver_fds(const vrrp_driver *driver, int *fds, size_t cap);
/* `fd` is readable (a call when nothing waits is a no-op). Then poll events and re-read the
 * expiry. */
VRRP_EXTERN void vrrp_driver_handle_readable(vrrp_driver *driver, vrrp_tstamp now, int fd);
/* The expiry passed (an early call is a no-op). Then poll events and re-read the expiry. */
VRRP_EXTERN void vrrp_driver_handle_timeout(vrrp_driver *driver, vrrp_tstamp now);
/* When to call vrrp_driver_handle_timeout next (vrrp_now clock); VRRP_TSTAMP_MAX never. */
VRRP_EXTERN vrrp_tstamp vrrp_driver_get_expiry(const vrrp_driver *driver);
/* The oldest event not yet polled: 1 and *out filled; 0 when none is left. */
VRRP_EXTERN int vrrp_driver_poll_event(vrrp_driver *driver, vrrp_event *out);

/* The id of the instance `name`: > 0, or VRRP_ERR_NOT_FOUND. */
VRRP_EXTERN int64_t vrrp_driver_find(const vrrp_driver *driver, const char *name);
/* The embedder's health check: 1 puts the instance in FAULT (a Master resigns at once with
 * priority 0), 0 clears it. 0; VRRP_ERR_NOT_FOUND; VRRP_ERR_STATE after a shutdown. Then poll
 * events and re-read the expiry. */
VRRP_EXTERN int vrrp_driver_set_fault(vrrp_driver *driver, vrrp_tstamp now, uint32_t id, int fault);
/* Weights: the effective priority is the configured one plus `delta` (clamped 1..254), added to
 * the weights of the configuration's track_interface. Returns as vrrp_driver_set_fault. */
VRRP_EXTERN int vrrp_driver_set_priority_delta(vrrp_driver *driver, vrrp_tstamp now, uint32_t id,
                                               int delta);
/* VRRP_STATE_*, or VRRP_ERR_NOT_FOUND. */
VRRP_EXTERN int vrrp_driver_state(const vrrp_driver *driver, uint32_t id);
/* Every instance's state, configuration and counters as a JSON list, one object per instance
 * as vrrpd's status file has it: {"name": "VI_1", "interface": "eth0", "vrid": 50, "state":
 * "MASTER", "priority": 150, "effective_priority": 150, "addresses": ["192.0.2.3/24"], "fault":
 * false, "fault_reasons": [], "master": null, ..., "stats": {"become_master": 1, ..., "drops":
 * {...}}} (the counters carry keepalived's names). Written as vrrp_addr_format writes. */
VRRP_EXTERN int vrrp_driver_status_json(const vrrp_driver *driver, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* VRRP_H_ */
