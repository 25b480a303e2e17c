"""Driver: VRRP instances on real Linux interfaces (vrrp_driver_*): raw sockets, netlink
addresses, gratuitous ARP / unsolicited NA. Needs CAP_NET_RAW and CAP_NET_ADMIN.

Run it from your own event loop (fds(), handle_readable(), handle_timeout(), expiry, then
events()), or, for a program with no loop of its own, with run(). Times are float seconds on
time.monotonic()'s clock (vrrp_now(), CLOCK_MONOTONIC); omit `now` and the driver reads it.
"""

import ctypes
import json
import math
import selectors
from typing import Any, Callable, Iterator, Optional, Union

from . import _types as t
from ._convert import from_ns, to_ns
from ._lib import C, check, read_text
from .enums import State
from .model import Event
from .router import _Handle

Instance = Union[int, str]


def _now(now: Optional[float]) -> int:
    return int(C.now()) if now is None else to_ns(now)


def now() -> float:
    """vrrp_now(): CLOCK_MONOTONIC in seconds, the driver's clock (time.monotonic()'s)."""
    return from_ns(C.now())


class Driver(_Handle):
    """VRRP instances on this host's interfaces. Open with Driver.from_conf(text); use as a
    context manager, or close(): closing shuts every instance down (a Master resigns and removes
    its addresses) and frees the driver."""

    _deleter = staticmethod(C.driver_del)

    def __init__(self) -> None:
        """Use Driver.from_conf()."""
        super().__init__()
        self._event = t.vrrp_event()
        self._started = False

    @classmethod
    def from_conf(
        cls,
        text: str,
        manage_addresses_externally: bool = False,
        remove_leftover_addresses: bool = True,
        receive_holdoff: Optional[float] = None,
    ) -> "Driver":
        """Opens the vrrp_instance / vrrp_sync_group / track_interface of keepalived.conf text
        (vrrp_script checks are not run: call set_fault from your own health check).

        manage_addresses_externally: elect only; the driver reports ADDRESS_ADDED/REMOVED events
        without touching the interface (a cloud moves the address by an API call).
        receive_holdoff: seconds a busy socket's packets may wait to be read together (library
        default 1 ms). Raises ConfigError (with the line), PermissionDeniedError, NotFoundError
        (an interface) or SystemCallError."""
        options = t.vrrp_driver_options()
        C.driver_options_init(ctypes.byref(options))
        options.manage_addresses_externally = 1 if manage_addresses_externally else 0
        options.remove_leftover_addresses = 1 if remove_leftover_addresses else 0
        if receive_holdoff is not None:
            options.receive_holdoff = to_ns(receive_holdoff)
        driver = cls()
        check(C.driver_open_conf(ctypes.byref(driver._ptr), text.encode(), ctypes.byref(options)))
        return driver

    def warnings(self) -> list[str]:
        """What the configuration asked for that was read but not applied, one per entry."""
        out = read_text(lambda buf, size: C.driver_warnings(self._h, buf, size))
        return [line for line in out.splitlines() if line]

    def start(self, now: Optional[float] = None) -> None:
        """Removes leftovers, reads each interface, starts the instances in BACKUP. Then drain
        events() and re-read expiry."""
        check(C.driver_start(self._h, _now(now)))
        self._started = True

    def shutdown(self, now: Optional[float] = None) -> None:
        """Every instance shuts down (Masters resign and remove their addresses)."""
        C.driver_shutdown(self._h, _now(now))

    def fds(self) -> list[int]:
        """The descriptors to watch for readability (they change only on open)."""
        cap = 16
        while True:
            buf = (ctypes.c_int * cap)()
            n = check(C.driver_fds(self._h, buf, cap))
            if n <= cap:
                return list(buf[:n])
            cap = n

    def handle_readable(self, fd: int, now: Optional[float] = None) -> None:
        """`fd` is readable. Then drain events() and re-read expiry."""
        C.driver_handle_readable(self._h, _now(now), fd)

    def handle_timeout(self, now: Optional[float] = None) -> None:
        """The expiry passed (an early call is a no-op). Then drain events(), re-read expiry."""
        C.driver_handle_timeout(self._h, _now(now))

    @property
    def expiry(self) -> float:
        """When to call handle_timeout next, on vrrp.now()'s clock; math.inf: never."""
        return from_ns(C.driver_get_expiry(self._h))

    def events(self) -> Iterator[Event]:
        """Yields the events not yet polled, oldest first."""
        while C.driver_poll_event(self._h, ctypes.byref(self._event)) == 1:
            yield Event.from_c(self._event)

    def find(self, name: str) -> int:
        """The id of instance `name` (NotFoundError when there is none)."""
        return int(check(C.driver_find(self._h, name.encode())))

    def _id(self, instance: Instance) -> int:
        return self.find(instance) if isinstance(instance, str) else instance

    def set_fault(self, instance: Instance, fault: bool, now: Optional[float] = None) -> None:
        """Your health check: True puts the instance in FAULT (a Master resigns at once), False
        clears it. `instance` is a name or an id. Then drain events()."""
        check(C.driver_set_fault(self._h, _now(now), self._id(instance), 1 if fault else 0))

    def set_priority_delta(self, instance: Instance, delta: int, now: Optional[float] = None) -> None:
        """Tracking weights: effective priority = configured + delta (clamped 1..254)."""
        check(C.driver_set_priority_delta(self._h, _now(now), self._id(instance), delta))

    def state(self, instance: Instance) -> State:
        """The instance's state."""
        return State(check(C.driver_state(self._h, self._id(instance))))

    def status(self) -> Any:
        """Every instance's state, configuration and counters, parsed from vrrp_driver_status_json:
        a list of one dict per instance ("name", "state", "priority", "addresses", "fault",
        "fault_reasons", ..., "stats" with keepalived's counter names)."""
        return json.loads(read_text(lambda buf, size: C.driver_status_json(self._h, buf, size)))

    def run(
        self,
        on_event: Callable[[Event], Any],
        until: Optional[Callable[[], bool]] = None,
        poll_interval: float = 0.5,
    ) -> None:
        """A loop for programs without one: starts the driver if needed, then waits on its
        descriptors and deadline with selectors, calling on_event(event) for every event.

        `until` (optional) is called after each turn and at least every `poll_interval` seconds;
        the loop returns when it returns True (it may also do periodic work of yours). Without
        it the loop runs until an exception, e.g. one a signal handler raises (SystemExit from
        sys.exit in a SIGTERM handler): the driver is left open for close() or the `with` block
        to shut down."""
        if not self._started:
            self.start()
        self._dispatch(on_event)
        with selectors.DefaultSelector() as selector:
            for fd in self.fds():
                selector.register(fd, selectors.EVENT_READ)
            while until is None or not until():
                wait = max(0.0, self.expiry - now())
                if until is not None:
                    wait = min(wait, poll_interval)
                for key, _ in selector.select(None if math.isinf(wait) else wait):
                    self.handle_readable(key.fd)
                    self._dispatch(on_event)
                if self.expiry <= now():
                    self.handle_timeout()
                self._dispatch(on_event)

    def _dispatch(self, on_event: Callable[[Event], Any]) -> None:
        for event in self.events():
            on_event(event)
