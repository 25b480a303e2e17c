"""Router (one virtual router's sans-IO state machine), Endpoint (an interface's receive path)
and decode (a capture tool's view of one advertisement), over vrrp_router_*, vrrp_endpoint_*
and vrrp_decode. Nothing here reads a clock or touches a socket: every input takes `now` (float
seconds on one clock of the caller's) and every effect is an Action to poll."""

import ctypes
import ipaddress
from typing import Any, Iterable, Iterator, Optional, Union

from . import _types as t
from ._convert import (
    AddressLike,
    IPAddress,
    from_c_addr,
    from_ns,
    to_bytes,
    to_c_addr,
    to_c_addrs,
    to_ns,
)
from ._lib import C, check
from .config import RouterConfig
from .enums import Drop, State
from .errors import DecodeError
from .model import Action, Advertisement, Delivery, EndpointStats, RouterStats

Payload = Union[bytes, bytearray, memoryview]

# RFC 5798 §5.1.1.2 / §5.1.2.2: the multicast destinations of advertisements.
GROUP_IPV4 = ipaddress.IPv4Address("224.0.0.18")
GROUP_IPV6 = ipaddress.IPv6Address("ff02::12")


def packet_info(source: AddressLike, destination: AddressLike, ttl: int = t.TTL) -> t.vrrp_packet_info:
    """A vrrp_packet_info for a received packet."""
    if not 0 <= ttl <= 255:
        raise ValueError(f"ttl {ttl} is out of range 0..255")
    return t.vrrp_packet_info(to_c_addr(source), to_c_addr(destination), ttl)


class _Handle:
    """Owns one C handle; frees it once, in close() or when collected."""

    _deleter: Any = None

    def __init__(self) -> None:
        self._ptr = ctypes.c_void_p()

    @property
    def _h(self) -> ctypes.c_void_p:
        if not self._ptr:
            raise ValueError(f"{type(self).__name__} is closed")
        return self._ptr

    @property
    def closed(self) -> bool:
        """True once close() ran."""
        return not self._ptr

    def close(self) -> None:
        """Frees the C handle now (idempotent)."""
        ptr, self._ptr = self._ptr, ctypes.c_void_p()
        if ptr and self._deleter is not None:
            type(self)._deleter(ptr)

    def __del__(self) -> None:
        # During interpreter shutdown the module globals may be gone; a handle then leaks, which
        # the process's exit reclaims.
        try:
            self.close()
        except Exception:
            pass

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Router(_Handle):
    """One virtual router (RFC 5798 §6): Router(vrid=50, virtual_addresses=["192.0.2.3"], ...).

    Keyword arguments are vrrp_router_config's fields (see vrrp.config). After each input
    (start, shutdown, handle_packet, handle_timeout, set_*), drain poll_actions() and re-read
    expiry."""

    _deleter = staticmethod(C.router_del)

    def __init__(self, **config: Any) -> None:
        super().__init__()
        cfg = RouterConfig(**config)
        check(C.router_new(ctypes.byref(self._ptr), cfg.pointer()))
        self._action = t.vrrp_action()
        self.family: int = cfg.struct.family

    def start(self, now: float) -> None:
        """Starts in INIT -> BACKUP (or MASTER for an owner, priority 255)."""
        C.router_start(self._h, to_ns(now))

    def shutdown(self, now: float) -> None:
        """Stops; a Master resigns (advertises priority 0) and removes its addresses."""
        C.router_shutdown(self._h, to_ns(now))

    def handle_packet(
        self,
        now: float,
        payload: Payload,
        source: AddressLike,
        destination: AddressLike,
        ttl: int = t.TTL,
    ) -> Drop:
        """One received advertisement (the IP payload) for this router. Returns Drop.NONE when it
        was taken, else why it was refused (counted; ADDRESS_LIST was still acted on)."""
        data = to_bytes(payload)
        info = packet_info(source, destination, ttl)
        rc = check(C.router_handle_packet(self._h, to_ns(now), data, len(payload), ctypes.byref(info)))
        return Drop(rc)

    def handle_timeout(self, now: float) -> None:
        """Fires every timer due at `now` (a no-op before expiry)."""
        C.router_handle_timeout(self._h, to_ns(now))

    @property
    def expiry(self) -> float:
        """When to call handle_timeout next (math.inf: no timer runs)."""
        return from_ns(C.router_get_expiry(self._h))

    def set_priority(self, now: float, priority: int) -> None:
        """Sets the configured priority (1..255)."""
        check(C.router_set_priority(self._h, to_ns(now), priority))

    def set_priority_delta(self, now: float, delta: int) -> None:
        """Tracking's sum of weights: effective priority = base + delta, clamped to 1..254."""
        C.router_set_priority_delta(self._h, to_ns(now), delta)

    def set_fault(self, now: float, fault: bool) -> None:
        """Raises or clears keepalived's FAULT (a Master resigns with priority 0)."""
        C.router_set_fault(self._h, to_ns(now), 1 if fault else 0)

    def poll_actions(self) -> Iterator[Action]:
        """Yields the actions not yet polled, oldest first, until none is left."""
        while C.router_poll_action(self._h, ctypes.byref(self._action)) == 1:
            yield Action.from_c(self._action)

    def write_advertisement(self, priority: int, destination: Optional[AddressLike] = None) -> bytes:
        """The advertisement of a SEND_ADVERTISEMENT action's `priority`, to `destination`
        (default: the family's multicast group; the v3 checksum covers it), as the payload of an
        IP packet with protocol 112 and TTL 255."""
        if destination is None:
            destination = GROUP_IPV4 if self.family == t.FAMILY_IPV4 else GROUP_IPV6
        dest = to_c_addr(destination)
        buf = (ctypes.c_uint8 * t.MAX_ADVERTISEMENT_SIZE)()
        n = check(C.router_write_advertisement(self._h, priority, ctypes.byref(dest), buf, len(buf)))
        return bytes(buf[:n])

    @property
    def state(self) -> State:
        """The current state."""
        return State(C.router_state(self._h))

    @property
    def priority(self) -> int:
        """The effective priority (1..255)."""
        return int(C.router_effective_priority(self._h))

    @property
    def vrid(self) -> int:
        """The virtual router id."""
        return int(C.router_vrid(self._h))

    @property
    def master_address(self) -> Optional[IPAddress]:
        """The last Master heard (ourselves while Master), or None before any."""
        out = t.vrrp_addr()
        if C.router_master_address(self._h, ctypes.byref(out)) != 1:
            return None
        return from_c_addr(out)

    @property
    def stats(self) -> RouterStats:
        """The router's counters."""
        out = t.vrrp_router_stats()
        C.router_get_stats(self._h, ctypes.byref(out))
        return RouterStats.from_c(out)


class Endpoint(_Handle):
    """The receive path of one interface and family: routes each packet, checked once, to the
    router of its VRID (vrrp_endpoint). Endpoint(family=4)."""

    _deleter = staticmethod(C.endpoint_del)

    def __init__(self, family: int = t.FAMILY_IPV4) -> None:
        super().__init__()
        check(C.endpoint_new(ctypes.byref(self._ptr), family))
        # The C side points at the routers: keep them alive while they are routed to.
        self._routers: dict[int, Router] = {}

    def add(self, key: int, router: Router, unicast_peers: Iterable[AddressLike] = ()) -> None:
        """Routes `router`'s VRID to it under `key` (your id for it); with unicast peers, only
        their packets reach it. ExistsError when the key or the packets are taken."""
        peers = to_c_addrs(unicast_peers)
        check(
            C.endpoint_add(
                self._h, key, router._h, ctypes.cast(peers, ctypes.POINTER(t.vrrp_addr)), len(peers)
            )
        )
        self._routers[key] = router

    def remove(self, key: int) -> None:
        """Stops routing to the router of `key` (NotFoundError when none)."""
        check(C.endpoint_remove(self._h, key))
        self._routers.pop(key, None)

    def router(self, key: int) -> Router:
        """The router added under `key`."""
        return self._routers[key]

    def handle_packet(
        self,
        now: float,
        payload: Payload,
        source: AddressLike,
        destination: AddressLike,
        ttl: int = t.TTL,
    ) -> Delivery:
        """One received VRRP message; when the result is routed, poll that router's actions."""
        data = to_bytes(payload)
        info = packet_info(source, destination, ttl)
        out = t.vrrp_delivery()
        check(
            C.endpoint_handle_packet(
                self._h, to_ns(now), data, len(payload), ctypes.byref(info), ctypes.byref(out)
            )
        )
        return Delivery(routed=bool(out.routed), key=int(out.key), drop=Drop(out.drop))

    @property
    def stats(self) -> EndpointStats:
        """The endpoint's counters (drops it made before any router: TOO_SHORT, VRID, PEER)."""
        out = t.vrrp_endpoint_stats()
        C.endpoint_get_stats(self._h, ctypes.byref(out))
        return EndpointStats.from_c(out)

    def close(self) -> None:
        """Frees the endpoint; its routers stay (no longer routed to)."""
        super().close()
        self._routers = {}


def decode(
    payload: Payload, source: AddressLike, destination: AddressLike, ttl: int = t.TTL
) -> Advertisement:
    """Decodes one advertisement (the IP payload) as a capture tool does, expecting no version or
    authentication. Raises DecodeError with the first check that failed."""
    data = to_bytes(payload)
    info = packet_info(source, destination, ttl)
    out = t.vrrp_advertisement()
    storage = (t.vrrp_addr * t.MAX_ADDRESSES)()
    rc = check(C.decode(data, len(payload), ctypes.byref(info), ctypes.byref(out), storage))
    if rc != Drop.NONE:
        raise DecodeError(Drop(rc))
    return Advertisement.from_c(out)
