"""ctypes mirrors of vrrp.h's structs and constants.

Each Structure lists vrrp.h's fields in the header's order with the same C types, so ctypes lays
it out as the C compiler does. tests/test_abi.py compares every size and offset with a C program
compiled against the header: a field added to vrrp.h and not here fails that test.
"""

import ctypes
from ctypes import (
    POINTER,
    Structure,
    c_char_p,
    c_double,
    c_int,
    c_int64,
    c_size_t,
    c_uint8,
    c_uint32,
    c_uint64,
)

# vrrp.h's #defines that are not enums (those are in vrrp.enums).
VERSION_MAJOR = 0
VERSION_MINOR = 1
VERSION_PATCH = 0
TSTAMP_MAX = 2**63 - 1
NS_PER_MS = 1_000_000
NS_PER_S = 1_000_000_000
FAMILY_IPV4 = 4
FAMILY_IPV6 = 6
MAX_ADVERTISEMENT_SIZE = 4088
IP_PROTOCOL = 112
TTL = 255
DROP_COUNT = 15
ROUTER_CONFIG_V1 = 1
DRIVER_OPTIONS_V1 = 1
INSTANCE_CONFIG_V1 = 1
# vrrp_decode's storage holds this many addresses; an advertisement carries at most as many.
MAX_ADDRESSES = 255
# vrrp_addr_format: "48 bytes always suffice".
ADDR_TEXT_SIZE = 48

vrrp_tstamp = c_int64


class vrrp_addr(Structure):
    """struct vrrp_addr: a family (4, 6; 0 unset) and 16 bytes in network order."""

    _fields_ = [("family", c_uint8), ("bytes", c_uint8 * 16)]


class vrrp_packet_info(Structure):
    """struct vrrp_packet_info: what the IP layer says about a received packet."""

    _fields_ = [("source", vrrp_addr), ("destination", vrrp_addr), ("ttl", c_uint8)]


class vrrp_advertisement(Structure):
    """struct vrrp_advertisement: a decoded advertisement."""

    _fields_ = [
        ("version", c_int),
        ("family", c_int),
        ("vrid", c_int),
        ("priority", c_int),
        ("interval_cs", c_int),
        ("auth_type", c_int),
        ("n_addresses", c_size_t),
        ("addresses", POINTER(vrrp_addr)),
    ]


class vrrp_router_config(Structure):
    """struct vrrp_router_config: one virtual router's configuration."""

    _fields_ = [
        ("struct_version", c_int),
        ("vrid", c_int),
        ("family", c_int),
        ("version", c_int),
        ("priority", c_int),
        ("advert_interval_cs", c_int),
        ("virtual_addresses", POINTER(vrrp_addr)),
        ("n_virtual_addresses", c_size_t),
        ("primary_address", vrrp_addr),
        ("preempt", c_int),
        ("preempt_delay", vrrp_tstamp),
        ("accept_mode", c_int),
        ("down_timer_adverts", c_int),
        ("garp_master_repeat", c_int),
        ("garp_master_delay", vrrp_tstamp),
        ("garp_master_refresh", vrrp_tstamp),
        ("garp_master_refresh_repeat", c_int),
        ("auth_type", c_int),
        ("auth_pass", c_char_p),
    ]


class vrrp_action(Structure):
    """struct vrrp_action: what a router asks its caller to do."""

    _fields_ = [
        ("type", c_int),
        ("priority", c_int),
        ("count", c_int),
        ("from_", c_int),
        ("to", c_int),
        ("reason", c_int),
        ("n_addresses", c_size_t),
        ("addresses", POINTER(vrrp_addr)),
    ]


class vrrp_router_stats(Structure):
    """struct vrrp_router_stats: a router's counters."""

    _fields_ = [
        ("become_master", c_uint64),
        ("release_master", c_uint64),
        ("advert_rcvd", c_uint64),
        ("advert_sent", c_uint64),
        ("pri_zero_rcvd", c_uint64),
        ("pri_zero_sent", c_uint64),
        ("drops", c_uint64 * DROP_COUNT),
        ("last_transition_reason", c_int),
    ]


class vrrp_delivery(Structure):
    """struct vrrp_delivery: where an endpoint routed a packet."""

    _fields_ = [("routed", c_int), ("key", c_uint64), ("drop", c_int)]


class vrrp_endpoint_stats(Structure):
    """struct vrrp_endpoint_stats: an endpoint's counters."""

    _fields_ = [
        ("received", c_uint64),
        ("routed", c_uint64),
        ("drops", c_uint64 * DROP_COUNT),
    ]


class vrrp_event(Structure):
    """struct vrrp_event: what happened to a driver instance or a simulated LAN node."""

    _fields_ = [
        ("type", c_int),
        ("instance_id", c_uint32),
        ("instance", c_char_p),
        ("group", c_char_p),
        ("time", vrrp_tstamp),
        ("from_", c_int),
        ("to", c_int),
        ("reason", c_int),
        ("drop", c_int),
        ("peer", vrrp_addr),
        ("address", vrrp_addr),
        ("prefix_len", c_int),
        ("interface", c_char_p),
        ("count", c_int),
        ("previous", c_int),
        ("error", c_int),
        ("message", c_char_p),
        ("text", c_char_p),
    ]


class vrrp_lan_options(Structure):
    """struct vrrp_lan_options: a simulated LAN's seed, latency, loss and modes."""

    _fields_ = [
        ("seed", c_uint64),
        ("latency", vrrp_tstamp),
        ("loss", c_double),
        ("through_codec", c_int),
        ("queue_events", c_int),
    ]


class vrrp_driver_options(Structure):
    """struct vrrp_driver_options: how the Linux driver treats addresses and sockets."""

    _fields_ = [
        ("struct_version", c_int),
        ("remove_leftover_addresses", c_int),
        ("manage_addresses_externally", c_int),
        ("receive_holdoff", vrrp_tstamp),
    ]


class vrrp_instance_config(Structure):
    """struct vrrp_instance_config: one instance for vrrp_driver_open."""

    _fields_ = [
        ("struct_version", c_int),
        ("name", c_char_p),
        ("interface", c_char_p),
        ("router", vrrp_router_config),
        ("prefix_len", c_int),
        ("unicast_peers", POINTER(vrrp_addr)),
        ("n_unicast_peers", c_size_t),
        ("source", vrrp_addr),
    ]


# Every mirrored struct by its C name, for the layout test.
STRUCTS: dict[str, type[ctypes.Structure]] = {
    cls.__name__: cls
    for cls in (
        vrrp_addr,
        vrrp_packet_info,
        vrrp_advertisement,
        vrrp_router_config,
        vrrp_action,
        vrrp_router_stats,
        vrrp_delivery,
        vrrp_endpoint_stats,
        vrrp_event,
        vrrp_lan_options,
        vrrp_driver_options,
        vrrp_instance_config,
    )
}
