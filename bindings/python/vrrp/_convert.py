"""Conversions between Python values and vrrp.h's: addresses and time.

Time in this package is float seconds: on the caller's clock for Router and Endpoint (the same
clock for every call), since the LAN's start for Lan, and time.monotonic()'s clock (which is
vrrp_now()'s, CLOCK_MONOTONIC) for Driver, whose methods read vrrp_now() themselves when `now`
is omitted. A float keeps nanoseconds exactly for clock values below about 26 days (2**51 ns); past that the
Driver's own reading (now omitted) stays exact and a caller's float is rounded to the nearest
nanosecond. "Never" (VRRP_TSTAMP_MAX) is math.inf.
"""

import ctypes
import ipaddress
import math
from typing import Iterable, Optional, Union

from . import _types as t
from ._lib import C, check

IPAddress = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]
AddressLike = Union[str, bytes, IPAddress]


def to_ns(seconds: float) -> int:
    """Seconds (float or int) to a vrrp_tstamp; math.inf to VRRP_TSTAMP_MAX."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"a time must be a number of seconds, not {type(seconds).__name__}")
    if seconds == math.inf:
        return t.TSTAMP_MAX
    if math.isnan(seconds) or seconds == -math.inf:
        raise ValueError(f"a time must be finite, not {seconds}")
    ns = round(seconds * t.NS_PER_S)
    return max(-t.TSTAMP_MAX, min(ns, t.TSTAMP_MAX))


def from_ns(ns: int) -> float:
    """A vrrp_tstamp to seconds; VRRP_TSTAMP_MAX to math.inf."""
    if ns >= t.TSTAMP_MAX:
        return math.inf
    return ns / t.NS_PER_S


def to_address(value: AddressLike) -> IPAddress:
    """An IPv4Address or IPv6Address from text, packed bytes (4 or 16) or an address."""
    if isinstance(value, (ipaddress.IPv4Address, ipaddress.IPv6Address)):
        return value
    if isinstance(value, (str, bytes)):
        return ipaddress.ip_address(value)
    raise TypeError(f"an address must be a str, bytes or ipaddress object, not {type(value).__name__}")


def to_c_addr(value: Optional[AddressLike]) -> t.vrrp_addr:
    """A vrrp_addr; None gives an unset one (family 0)."""
    out = t.vrrp_addr()
    if value is None:
        return out
    address = to_address(value)
    packed = address.packed
    out.family = t.FAMILY_IPV4 if address.version == 4 else t.FAMILY_IPV6
    ctypes.memmove(out.bytes, packed, len(packed))
    return out


def to_c_addrs(values: Iterable[AddressLike]) -> "ctypes.Array[t.vrrp_addr]":
    """A C array of vrrp_addr (kept alive by the caller while the C side reads it)."""
    items = [to_c_addr(v) for v in values]
    array = (t.vrrp_addr * len(items))(*items)
    return array


def from_c_addr(addr: t.vrrp_addr) -> Optional[IPAddress]:
    """An IPv4Address / IPv6Address, or None for an unset vrrp_addr."""
    if addr.family == t.FAMILY_IPV4:
        return ipaddress.IPv4Address(bytes(addr.bytes[:4]))
    if addr.family == t.FAMILY_IPV6:
        return ipaddress.IPv6Address(bytes(addr.bytes))
    return None


def from_c_addrs(pointer: "ctypes._Pointer[t.vrrp_addr]", count: int) -> tuple[IPAddress, ...]:
    """The addresses of a (pointer, count) pair, copied out."""
    if count == 0 or not pointer:
        return ()
    out = []
    for i in range(count):
        address = from_c_addr(pointer[i])
        if address is not None:
            out.append(address)
    return tuple(out)


def family_of(value: AddressLike) -> int:
    """VRRP_FAMILY_IPV4 or _IPV6 of an address."""
    return t.FAMILY_IPV4 if to_address(value).version == 4 else t.FAMILY_IPV6


def to_bytes(payload: Union[bytes, bytearray, memoryview]) -> "ctypes.Array[ctypes.c_uint8]":
    """A C copy of a payload (never NULL, even when empty)."""
    data = bytes(payload)
    return (ctypes.c_uint8 * max(len(data), 1)).from_buffer_copy(data or b"\0")


def text(raw: Optional[bytes]) -> str:
    """A C string to str ("" for NULL)."""
    return raw.decode("utf-8", "replace") if raw else ""


def format_addr(addr: t.vrrp_addr) -> str:
    """vrrp_addr_format, for checking our conversions against the library's."""
    buf = ctypes.create_string_buffer(t.ADDR_TEXT_SIZE)
    n = check(C.addr_format(ctypes.byref(addr), buf, len(buf)))
    return buf.raw[:n].decode()


def parse_addr(value: str) -> t.vrrp_addr:
    """vrrp_addr_parse: the library's parser (InvalidArgumentError for bad text)."""
    out = t.vrrp_addr()
    check(C.addr_parse(value.encode(), ctypes.byref(out)))
    return out
