"""Lan: routers on one simulated Ethernet segment with a virtual clock (vrrp_lan_*), for
election tests without root. Deterministic for a seed. Times are float seconds since the LAN's
start. Nodes are named by the number add_router returned or by their name."""

import ctypes
from typing import Any, Iterator, Optional, Union

from . import _types as t
from ._convert import AddressLike, from_ns, to_c_addr, to_ns
from ._lib import C, check, read_text
from .config import RouterConfig
from .enums import State
from .model import Event, RouterStats
from .router import _Handle

Node = Union[int, str]


class Lan(_Handle):
    """A simulated LAN. `queue_events` (default True here, unlike the C default) keeps events
    for events(); drain them, or pass False for long runs that only read the timeline."""

    _deleter = staticmethod(C.lan_del)

    def __init__(
        self,
        seed: int = 1,
        latency: float = 0.0,
        loss: float = 0.0,
        through_codec: bool = False,
        queue_events: bool = True,
    ) -> None:
        super().__init__()
        options = t.vrrp_lan_options()
        C.lan_options_init(ctypes.byref(options))
        options.seed = seed
        options.latency = to_ns(latency)
        options.loss = loss
        options.through_codec = 1 if through_codec else 0
        options.queue_events = 1 if queue_events else 0
        check(C.lan_new(ctypes.byref(self._ptr), ctypes.byref(options)))
        self._nodes: dict[str, int] = {}
        self._event = t.vrrp_event()

    def add_router(self, name: str, **config: Any) -> int:
        """Adds a router (not started) with vrrp_router_config's fields as keywords (see
        vrrp.config); returns its node number."""
        cfg = RouterConfig(**config)
        node = check(C.lan_add_router(self._h, name.encode(), cfg.pointer()))
        self._nodes[name] = node
        return node

    def node(self, node: Node) -> int:
        """The node number of a name (or of a number, unchanged)."""
        if isinstance(node, str):
            try:
                return self._nodes[node]
            except KeyError:
                raise KeyError(f"no router named {node!r} on this LAN") from None
        return node

    def start(self, node: Optional[Node] = None) -> None:
        """Starts one node, or every node when none is named."""
        if node is None:
            check(C.lan_start_all(self._h))
        else:
            check(C.lan_start(self._h, self.node(node)))

    def shutdown(self, node: Node) -> None:
        """Graceful stop: a Master resigns."""
        check(C.lan_shutdown(self._h, self.node(node)))

    def crash(self, node: Node) -> None:
        """Silent stop: no resignation, its addresses stay on its interface."""
        check(C.lan_crash(self._h, self.node(node)))

    def restart(self, node: Node) -> None:
        """Starts a crashed or shut down node again."""
        check(C.lan_restart(self._h, self.node(node)))

    def set_link_up(self, node: Node, up: bool) -> None:
        """Takes the node's link down or up."""
        check(C.lan_set_link_up(self._h, self.node(node), 1 if up else 0))

    def set_fault(self, node: Node, fault: bool) -> None:
        """Raises or clears the node's fault."""
        check(C.lan_set_fault(self._h, self.node(node), 1 if fault else 0))

    def set_priority(self, node: Node, priority: int) -> None:
        """Sets the node's configured priority."""
        check(C.lan_set_priority(self._h, self.node(node), priority))

    def set_priority_delta(self, node: Node, delta: int) -> None:
        """Sets the node's tracking delta."""
        check(C.lan_set_priority_delta(self._h, self.node(node), delta))

    def block(self, src: Node, dst: Node) -> None:
        """`dst` stops hearing `src` (one direction: a firewall dropping VRRP)."""
        check(C.lan_block(self._h, self.node(src), self.node(dst)))

    def unblock(self, src: Node, dst: Node) -> None:
        """Undoes block(src, dst)."""
        check(C.lan_unblock(self._h, self.node(src), self.node(dst)))

    def set_loss(self, src: Node, dst: Node, probability: float) -> None:
        """Loses packets from `src` to `dst` with this probability (0..1)."""
        check(C.lan_set_loss(self._h, self.node(src), self.node(dst), probability))

    def set_latency(self, src: Node, dst: Node, latency: float) -> None:
        """Delays packets from `src` to `dst` by `latency` seconds."""
        check(C.lan_set_latency(self._h, self.node(src), self.node(dst), to_ns(latency)))

    def heal(self) -> None:
        """Removes every block."""
        check(C.lan_heal(self._h))

    def run_for(self, seconds: float) -> None:
        """Runs every event for `seconds` of virtual time (LivelockError if one instant loops)."""
        check(C.lan_run_for(self._h, to_ns(seconds)))

    @property
    def now(self) -> float:
        """Virtual seconds since the LAN's start."""
        return from_ns(C.lan_now(self._h))

    def __len__(self) -> int:
        return int(C.lan_size(self._h))

    def state(self, node: Node) -> State:
        """The node's state."""
        return State(check(C.lan_state(self._h, self.node(node))))

    def alive(self, node: Node) -> bool:
        """False while the node is crashed or shut down."""
        return check(C.lan_alive(self._h, self.node(node))) == 1

    def masters(self) -> list[int]:
        """Live Masters, in node order."""
        return self._nodes_of(lambda buf, cap: C.lan_masters(self._h, buf, cap))

    def holders(self, address: AddressLike) -> list[int]:
        """Nodes holding `address` on their interface (crashed ones too), in node order."""
        addr = to_c_addr(address)
        return self._nodes_of(lambda buf, cap: C.lan_holders(self._h, ctypes.byref(addr), buf, cap))

    def _nodes_of(self, fill: Any) -> list[int]:
        cap = max(len(self), 1)
        while True:
            buf = (ctypes.c_int * cap)()
            n = check(fill(buf, cap))
            if n <= cap:
                return list(buf[:n])
            cap = n

    def names(self) -> dict[int, str]:
        """Node number -> name, of the routers added through this object."""
        return {node: name for name, node in self._nodes.items()}

    def stats(self, node: Node) -> RouterStats:
        """The node's router counters."""
        out = t.vrrp_router_stats()
        check(C.lan_get_stats(self._h, self.node(node), ctypes.byref(out)))
        return RouterStats.from_c(out)

    def timeline(self) -> str:
        """Every transition so far, one per line ("+3.41s r1 BACKUP -> MASTER (...)")."""
        return read_text(lambda buf, size: C.lan_timeline(self._h, buf, size))

    def events(self) -> Iterator[Event]:
        """Yields the events not yet polled (needs queue_events), oldest first."""
        while C.lan_poll_event(self._h, ctypes.byref(self._event)) == 1:
            yield Event.from_c(self._event)
