"""Router configuration by keyword arguments, mirroring vrrp_router_config's fields.

Names are the C fields', with times in seconds: `advert_interval` (advert_interval_cs / 100),
`preempt_delay`, `garp_master_delay` and `garp_master_refresh`. Every field not given keeps
vrrp_router_config_init's default (keepalived's); the library validates the whole and names the
field at fault (InvalidArgumentError).
"""

import ctypes
from typing import Any, Iterable, Optional

from . import _types as t
from ._convert import AddressLike, family_of, to_c_addr, to_c_addrs, to_ns
from ._lib import C
from .enums import AuthType

_INT_FIELDS = (
    "vrid",
    "family",
    "version",
    "priority",
    "accept_mode",
    "down_timer_adverts",
    "garp_master_repeat",
    "garp_master_refresh_repeat",
)
_SECONDS_FIELDS = ("preempt_delay", "garp_master_delay", "garp_master_refresh")
FIELDS = frozenset(
    _INT_FIELDS
    + _SECONDS_FIELDS
    + (
        "advert_interval",
        "virtual_addresses",
        "primary_address",
        "preempt",
        "auth_type",
        "auth_pass",
    )
)


class RouterConfig:
    """A filled vrrp_router_config and the C memory its pointers refer to (kept alive here)."""

    def __init__(self, **kwargs: Any) -> None:
        unknown = sorted(set(kwargs) - FIELDS)
        if unknown:
            raise TypeError(f"unknown router configuration field(s): {', '.join(unknown)}")
        self.struct = t.vrrp_router_config()
        C.router_config_init(ctypes.byref(self.struct))
        s = self.struct
        vips: Iterable[AddressLike] = kwargs.get("virtual_addresses", ())
        if isinstance(vips, (str, bytes)):
            vips = [vips]
        vips = list(vips)
        # The family follows the addresses unless given: one place to say it is IPv6.
        if "family" not in kwargs and vips:
            s.family = family_of(vips[0])
        for name in _INT_FIELDS:
            if name in kwargs:
                setattr(s, name, _int(name, kwargs[name]))
        for name in _SECONDS_FIELDS:
            if name in kwargs:
                setattr(s, name, to_ns(kwargs[name]))
        if "advert_interval" in kwargs:
            s.advert_interval_cs = _int("advert_interval", round(kwargs["advert_interval"] * 100))
        if "preempt" in kwargs:
            s.preempt = 1 if kwargs["preempt"] else 0
        self._vips = to_c_addrs(vips)
        s.virtual_addresses = ctypes.cast(self._vips, ctypes.POINTER(t.vrrp_addr))
        s.n_virtual_addresses = len(vips)
        primary: Optional[AddressLike] = kwargs.get("primary_address")
        s.primary_address = to_c_addr(primary)
        self._pass: Optional[bytes] = None
        if kwargs.get("auth_pass") is not None:
            self._pass = str(kwargs["auth_pass"]).encode()
            s.auth_pass = self._pass
            # A password means PASS authentication unless the type is given.
            s.auth_type = AuthType.PASS
        if "auth_type" in kwargs:
            s.auth_type = _int("auth_type", kwargs["auth_type"])

    def pointer(self) -> "ctypes._Pointer[t.vrrp_router_config]":
        """A pointer to the struct, for vrrp_router_new and vrrp_lan_add_router."""
        return ctypes.pointer(self.struct)


def _int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if not -(2**31) <= value < 2**31:
        raise ValueError(f"{name} {value} does not fit a C int")
    return value
