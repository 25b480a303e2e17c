"""The sans-IO Router and Endpoint with a fake clock: two routers exchange real advertisement
bytes through Endpoints (as the C test does, shorter), and bad input raises the VrrpError
subclass of its code with the field named."""

import ipaddress
import math

import pytest

import vrrp
from vrrp import ActionType, Drop, State

VIP = ipaddress.IPv4Address("192.0.2.3")
GROUP = vrrp.GROUP_IPV4


class Host:
    """One router behind its own Endpoint, with the addresses its actions put on its interface."""

    def __init__(self, name: str, address: str, priority: int) -> None:
        self.name = name
        self.address = ipaddress.IPv4Address(address)
        self.router = vrrp.Router(vrid=50, priority=priority, primary_address=address,
                                  virtual_addresses=[VIP], advert_interval=1.0)
        self.endpoint = vrrp.Endpoint(4)
        self.endpoint.add(1, self.router)
        self.holds: set = set()
        self.sent: list[int] = []
        self.changes: list[tuple[State, State, vrrp.Reason]] = []


class Wire:
    """Carries each host's advertisements to the others' endpoints at the fake clock's time."""

    def __init__(self, *hosts: Host) -> None:
        self.hosts = hosts
        self.now = 0.0

    def drain(self, host: Host) -> None:
        for action in host.router.poll_actions():
            if action.type == ActionType.SEND_ADVERTISEMENT:
                payload = host.router.write_advertisement(action.priority)
                host.sent.append(action.priority)
                for other in self.hosts:
                    if other is not host:
                        delivery = other.endpoint.handle_packet(self.now, payload, host.address,
                                                                GROUP)
                        assert delivery.routed and delivery.key == 1
                        assert delivery.drop == Drop.NONE, delivery
                        self.drain(other)
            elif action.type == ActionType.ADD_ADDRESSES:
                host.holds.update(action.addresses)
            elif action.type == ActionType.REMOVE_ADDRESSES:
                host.holds.difference_update(action.addresses)
            elif action.type == ActionType.STATE_CHANGED:
                host.changes.append((action.from_state, action.to_state, action.reason))

    def run_until(self, end: float) -> None:
        for host in self.hosts:
            self.drain(host)
        while True:
            due = min(host.router.expiry for host in self.hosts)
            if due > end:
                self.now = end
                return
            assert due >= self.now, "an expiry in the past"
            self.now = due
            for host in self.hosts:
                if host.router.expiry <= self.now:
                    host.router.handle_timeout(self.now)
                self.drain(host)


def test_two_routers_elect_through_their_endpoints() -> None:
    r1, r2 = Host("r1", "192.0.2.5", 150), Host("r2", "192.0.2.6", 100)
    wire = Wire(r1, r2)
    for host in (r1, r2):
        assert host.router.state == State.INIT and host.router.expiry == math.inf
        host.router.start(wire.now)
    wire.run_until(10.0)
    assert (r1.router.state, r2.router.state) == (State.MASTER, State.BACKUP)
    assert r1.holds == {VIP} and r2.holds == set()
    assert r1.changes[-1][1] == State.MASTER
    assert r2.router.master_address == r1.address
    assert r1.router.master_address == r1.address
    assert r1.router.vrid == 50 and r1.router.priority == 150
    assert r2.router.stats.advert_rcvd >= 6 and r1.router.stats.become_master == 1
    assert r2.endpoint.stats.routed == r2.router.stats.advert_rcvd

    # RFC 5798 §6.4.3: a Master shutting down sends priority 0; the Backup takes over after
    # Skew_Time, well before Master_Down_Interval.
    r1.router.shutdown(wire.now)
    wire.drain(r1)
    assert r1.sent[-1] == 0 and r1.holds == set()
    stop = wire.now
    wire.run_until(stop + 1.0)
    assert r2.router.state == State.MASTER and r2.holds == {VIP}
    assert r2.changes[-1][2] == vrrp.Reason.PRIORITY_ZERO_RECEIVED

    # r1 returns, preempts (150 > 100), and r2 lets the VIP go.
    r1.router.start(wire.now)
    wire.run_until(wire.now + 6.0)
    assert (r1.router.state, r2.router.state) == (State.MASTER, State.BACKUP)
    assert r2.holds == set() and r1.holds == {VIP}

    # A fault on the Master: it resigns with priority 0 at once.
    r1.router.set_fault(wire.now, True)
    wire.drain(r1)
    assert r1.router.state == State.FAULT and r1.sent[-1] == 0
    wire.run_until(wire.now + 1.0)
    assert r2.router.state == State.MASTER
    r1.router.set_fault(wire.now, False)
    r1.router.set_priority_delta(wire.now, -60)  # 150 - 60 = 90 < 100: stays Backup
    wire.run_until(wire.now + 6.0)
    assert (r1.router.state, r2.router.state) == (State.BACKUP, State.MASTER)
    assert r1.router.priority == 90
    r1.router.set_priority(wire.now, 200)  # 200 - 60 = 140 > 100: preempts again
    wire.run_until(wire.now + 6.0)
    assert r1.router.state == State.MASTER


def test_endpoint_routing_and_drops() -> None:
    r1 = vrrp.Router(vrid=50, priority=150, primary_address="192.0.2.5", virtual_addresses=[VIP])
    payload = r1.write_advertisement(150)
    assert payload[0] == 0x31 and payload[1] == 50  # v3 advertisement, VRID 50
    endpoint = vrrp.Endpoint(4)
    other = vrrp.Router(vrid=51, primary_address="192.0.2.6", virtual_addresses=["192.0.2.4"])
    endpoint.add(7, other)
    delivery = endpoint.handle_packet(0.0, payload, "192.0.2.5", GROUP)
    assert not delivery.routed and delivery.drop == Drop.VRID
    assert endpoint.stats.drops == {Drop.VRID: 1}
    assert other.handle_packet(0.0, payload, "192.0.2.5", GROUP) == Drop.VRID
    assert other.stats.drops.get(Drop.VRID) == 1
    assert other.handle_packet(0.0, payload, "192.0.2.5", GROUP, ttl=1) == Drop.TTL
    with pytest.raises(vrrp.ExistsError):
        endpoint.add(7, r1)
    with pytest.raises(vrrp.NotFoundError):
        endpoint.remove(8)
    endpoint.remove(7)
    with pytest.raises(vrrp.InvalidArgumentError):
        endpoint.add(9, vrrp.Router(vrid=52, primary_address="2001:db8::6",
                                    virtual_addresses=["2001:db8::3"]))
    endpoint.close()
    endpoint.close()  # idempotent: no double free
    with pytest.raises(ValueError):
        endpoint.add(1, r1)
    r1.close()
    other.close()


@pytest.mark.parametrize(
    "config,field",
    [
        (dict(vrid=300, virtual_addresses=[VIP]), "virtual_router_id"),
        (dict(vrid=0, virtual_addresses=[VIP]), "virtual_router_id"),
        (dict(vrid=5, virtual_addresses=[VIP], priority=0), "priority"),
        (dict(vrid=5, virtual_addresses=[VIP], priority=256), "priority"),
        (dict(vrid=5, virtual_addresses=[VIP, VIP]), "192.0.2.3"),
        (dict(vrid=5, virtual_addresses=[VIP], version=2, auth_pass="123456789"), "auth_pass"),
        (dict(vrid=5, virtual_addresses=["2001:db8::3"], primary_address="2001:db8::5",
              version=2), "version"),
        (dict(vrid=5, virtual_addresses=[VIP], primary_address="224.0.0.18"), "primary_address"),
        (dict(vrid=5, virtual_addresses=[VIP], auth_pass="1111"), "auth"),
    ],
)
def test_bad_configuration_names_the_field(config: dict, field: str) -> None:
    with pytest.raises(vrrp.InvalidArgumentError) as error:
        vrrp.Router(**{"primary_address": "192.0.2.5", **config})
    assert error.value.code == vrrp.ErrorCode.INVALID_ARGUMENT
    assert field.lower() in error.value.message.lower(), error.value.message
    assert isinstance(error.value, vrrp.VrrpError) and isinstance(error.value, ValueError)


def test_no_virtual_address_is_an_election_only_router() -> None:
    # keepalived runs an instance without VIPs (notify scripts move a cloud address); so does
    # the core since issue 14. RFC 5798 §5.2.5 asks for one: vrrp_strict refuses none.
    router = vrrp.Router(vrid=5, primary_address="192.0.2.5", virtual_addresses=[])
    router.close()


def test_bad_arguments() -> None:
    with pytest.raises(TypeError, match="vird"):
        vrrp.Router(vird=5, virtual_addresses=[VIP])
    with pytest.raises(TypeError):
        vrrp.Router(vrid="5", virtual_addresses=[VIP])
    router = vrrp.Router(vrid=5, primary_address="192.0.2.5", virtual_addresses=[VIP])
    with pytest.raises(vrrp.InvalidArgumentError):
        router.write_advertisement(300)
    with pytest.raises(vrrp.InvalidArgumentError):
        router.write_advertisement(100, "ff02::12")
    with pytest.raises(vrrp.InvalidArgumentError):
        router.set_priority(0.0, 0)
    with pytest.raises(ValueError):
        router.handle_packet(0.0, b"", "192.0.2.5", GROUP, ttl=256)
    with pytest.raises(vrrp.InvalidArgumentError):
        vrrp.Endpoint(5)
    router.close()
    with pytest.raises(ValueError, match="closed"):
        router.start(0.0)
