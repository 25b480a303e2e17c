"""vrrp: VRRP (keepalived-compatible) for Python, over libvrrp's C ABI (vrrp.h) with ctypes.

- Router, Endpoint, decode: the sans-IO core (your clock, your sockets).
- Lan: routers on a simulated LAN with a virtual clock (election tests without root).
- Driver: instances on real Linux interfaces, from keepalived.conf text.

Times are float seconds (see vrrp._convert); addresses are ipaddress objects (text is accepted
wherever an address is taken); failures raise VrrpError subclasses.
"""

from ._convert import from_ns, to_ns
from ._lib import C as _C
from ._types import MAX_ADVERTISEMENT_SIZE
from .driver import Driver, now
from .enums import ActionType, AuthType, Drop, ErrorCode, EventType, Family, Reason, State
from .errors import (
    ConfigError,
    DecodeError,
    ExistsError,
    InternalError,
    InvalidArgumentError,
    LivelockError,
    NoBufferError,
    NoMemoryError,
    NotFoundError,
    PermissionDeniedError,
    StateError,
    SystemCallError,
    VrrpError,
)
from .lan import Lan
from .model import Action, Advertisement, Delivery, EndpointStats, Event, RouterStats
from .router import GROUP_IPV4, GROUP_IPV6, Endpoint, Router, decode


def library_version() -> str:
    """The loaded libvrrp's version ("0.1.0")."""
    raw: bytes = _C.version()
    return raw.decode()


__version__ = "0.1.0"

__all__ = [
    "Action",
    "ActionType",
    "Advertisement",
    "AuthType",
    "ConfigError",
    "DecodeError",
    "Delivery",
    "Driver",
    "Drop",
    "Endpoint",
    "EndpointStats",
    "ErrorCode",
    "Event",
    "EventType",
    "ExistsError",
    "Family",
    "GROUP_IPV4",
    "GROUP_IPV6",
    "InternalError",
    "InvalidArgumentError",
    "Lan",
    "LivelockError",
    "MAX_ADVERTISEMENT_SIZE",
    "NoBufferError",
    "NoMemoryError",
    "NotFoundError",
    "PermissionDeniedError",
    "Reason",
    "Router",
    "RouterStats",
    "State",
    "StateError",
    "SystemCallError",
    "VrrpError",
    "decode",
    "from_ns",
    "library_version",
    "now",
    "to_ns",
]
