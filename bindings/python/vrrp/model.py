"""The package's value types: what routers ask for (Action), what happened (Event), a decoded
advertisement (Advertisement), counters (RouterStats, EndpointStats), where an Endpoint routed a
packet (Delivery). Addresses are ipaddress objects; times float seconds (see vrrp._convert)."""

import ctypes
from dataclasses import dataclass, field
from typing import Optional

from . import _types as t
from ._convert import IPAddress, from_c_addr, from_c_addrs, from_ns, text
from .enums import ActionType, AuthType, Drop, EventType, Reason, State


def _enum(cls: type, value: int) -> int:
    """cls(value), or the bare int when a newer library sends a value this package lacks."""
    try:
        return cls(value)  # type: ignore[no-any-return]
    except ValueError:
        return value


@dataclass(frozen=True)
class Action:
    """One thing a Router asks its caller to do (vrrp_action), in order.

    SEND_ADVERTISEMENT: `priority` (0 when resigning): call Router.write_advertisement and send
    it. ADD_ADDRESSES / REMOVE_ADDRESSES: `addresses`. ANNOUNCE: `addresses`, `count` frames
    each. STATE_CHANGED: `from_state`, `to_state`, `reason`.
    """

    type: ActionType
    priority: int = 0
    count: int = 0
    from_state: State = State.INIT
    to_state: State = State.INIT
    reason: Reason = Reason.NONE
    addresses: tuple[IPAddress, ...] = ()

    @classmethod
    def from_c(cls, a: t.vrrp_action) -> "Action":
        """Copies a polled vrrp_action (its address array is valid only until the next call)."""
        return cls(
            type=_enum(ActionType, a.type),  # type: ignore[arg-type]
            priority=a.priority,
            count=a.count,
            from_state=_enum(State, a.from_),  # type: ignore[arg-type]
            to_state=_enum(State, a.to),  # type: ignore[arg-type]
            reason=_enum(Reason, a.reason),  # type: ignore[arg-type]
            addresses=from_c_addrs(a.addresses, a.n_addresses),
        )


@dataclass(frozen=True)
class Event:
    """What happened to a driver instance or a simulated LAN node (vrrp_event), copied out.

    `time` is seconds: vrrp_now()'s clock for a Driver, since the LAN's start for a Lan.
    """

    type: EventType
    instance_id: int
    instance: str
    group: str
    time: float
    from_state: State
    to_state: State
    reason: Reason
    drop: Drop
    peer: Optional[IPAddress]
    address: Optional[IPAddress]
    prefix_len: int
    interface: str
    count: int
    previous: int
    error: int
    message: str
    text: str

    @classmethod
    def from_c(cls, e: t.vrrp_event) -> "Event":
        """Copies a polled vrrp_event (its strings belong to the handle until its next call)."""
        return cls(
            type=_enum(EventType, e.type),  # type: ignore[arg-type]
            instance_id=e.instance_id,
            instance=text(e.instance),
            group=text(e.group),
            time=from_ns(e.time),
            from_state=_enum(State, e.from_),  # type: ignore[arg-type]
            to_state=_enum(State, e.to),  # type: ignore[arg-type]
            reason=_enum(Reason, e.reason),  # type: ignore[arg-type]
            drop=_enum(Drop, e.drop),  # type: ignore[arg-type]
            peer=from_c_addr(e.peer),
            address=from_c_addr(e.address),
            prefix_len=e.prefix_len,
            interface=text(e.interface),
            count=e.count,
            previous=e.previous,
            error=e.error,
            message=text(e.message),
            text=text(e.text),
        )

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Advertisement:
    """A decoded VRRP advertisement (vrrp_advertisement). `interval_cs` is the advertisement
    interval in centiseconds as the codec reports it for both versions (a v2 packet's whole
    seconds times 100); `interval` is the same in seconds."""

    version: int
    family: int
    vrid: int
    priority: int
    interval_cs: int
    auth_type: AuthType
    addresses: tuple[IPAddress, ...]

    @property
    def interval(self) -> float:
        """The advertisement interval in seconds."""
        return self.interval_cs / 100

    @classmethod
    def from_c(cls, a: t.vrrp_advertisement) -> "Advertisement":
        """Copies a decoded vrrp_advertisement out of its storage."""
        return cls(
            version=a.version,
            family=a.family,
            vrid=a.vrid,
            priority=a.priority,
            interval_cs=a.interval_cs,
            auth_type=_enum(AuthType, a.auth_type),  # type: ignore[arg-type]
            addresses=from_c_addrs(a.addresses, a.n_addresses),
        )


def _drops(array: "ctypes.Array[ctypes.c_uint64]") -> dict[Drop, int]:
    return {Drop(i): int(array[i]) for i in range(1, t.DROP_COUNT) if array[i]}


@dataclass(frozen=True)
class RouterStats:
    """A router's counters (vrrp_router_stats); `drops` maps each Drop seen to its count."""

    become_master: int
    release_master: int
    advert_rcvd: int
    advert_sent: int
    pri_zero_rcvd: int
    pri_zero_sent: int
    drops: dict[Drop, int] = field(default_factory=dict)
    last_transition_reason: Reason = Reason.NONE

    @classmethod
    def from_c(cls, s: t.vrrp_router_stats) -> "RouterStats":
        """Copies a vrrp_router_stats."""
        return cls(
            become_master=s.become_master,
            release_master=s.release_master,
            advert_rcvd=s.advert_rcvd,
            advert_sent=s.advert_sent,
            pri_zero_rcvd=s.pri_zero_rcvd,
            pri_zero_sent=s.pri_zero_sent,
            drops=_drops(s.drops),
            last_transition_reason=_enum(Reason, s.last_transition_reason),  # type: ignore[arg-type]
        )


@dataclass(frozen=True)
class EndpointStats:
    """An endpoint's counters (vrrp_endpoint_stats): packets received, routed, and its drops."""

    received: int
    routed: int
    drops: dict[Drop, int] = field(default_factory=dict)

    @classmethod
    def from_c(cls, s: t.vrrp_endpoint_stats) -> "EndpointStats":
        """Copies a vrrp_endpoint_stats."""
        return cls(received=s.received, routed=s.routed, drops=_drops(s.drops))


@dataclass(frozen=True)
class Delivery:
    """Where Endpoint.handle_packet sent a packet (vrrp_delivery): `routed` to the router of
    `key` (then poll that router's actions), and `drop`, why it was refused (Drop.NONE: taken)."""

    routed: bool
    key: int
    drop: Drop
