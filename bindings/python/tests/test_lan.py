"""Elections on the simulated LAN, without root: the seed lab's lb-5 / lb-6 pair (VRID 50,
VRRPv2, PASS "1111", priorities 150 / 100, VIP 192.0.2.3, advertisements every second), every
advertisement carried through the codec."""

import pytest

import vrrp
from vrrp import EventType, State

VIP = "192.0.2.3"
SEED = dict(vrid=50, version=2, auth_pass="1111", advert_interval=1.0,
            virtual_addresses=[VIP])


@pytest.fixture
def lan() -> vrrp.Lan:
    lan = vrrp.Lan(through_codec=True)
    assert lan.add_router("lb-5", priority=150, primary_address="192.0.2.5", **SEED) == 0
    assert lan.add_router("lb-6", priority=100, primary_address="192.0.2.6", **SEED) == 1
    lan.start()
    lan.run_for(5)
    yield lan
    lan.close()


def run_until(lan: vrrp.Lan, condition, limit: float, step: float = 0.1) -> float:
    """Runs the LAN in steps until condition() holds; returns the virtual seconds it took."""
    start = lan.now
    while not condition():
        assert lan.now - start < limit, f"not within {limit} s:\n{lan.timeline()}"
        lan.run_for(step)
    return lan.now - start


def test_lb5_is_master(lan: vrrp.Lan) -> None:
    assert lan.masters() == [0]
    assert lan.state("lb-5") == State.MASTER and lan.state(1) == State.BACKUP
    assert lan.holders(VIP) == [0]
    assert "lb-5" in lan.timeline() and "MASTER" in lan.timeline()
    transitions = [e for e in lan.events() if e.type == EventType.TRANSITION]
    assert (transitions[-1].instance, transitions[-1].to_state) == ("lb-5", State.MASTER)
    assert all(0 <= e.time <= lan.now for e in transitions)
    stats = lan.stats("lb-6")
    assert stats.advert_rcvd >= 1 and stats.become_master == 0 and not stats.drops


def test_crash_failover_and_return(lan: vrrp.Lan) -> None:
    lan.crash("lb-5")
    took = run_until(lan, lambda: lan.masters() == [1], limit=4.0)
    # RFC 3768 §6.1: Master_Down_Interval = 3 * 1 s + (256 - 100) / 256 s.
    assert 3.0 <= took <= 4.0
    assert not lan.alive("lb-5")
    # A crash is silent: lb-5 still holds the VIP, so both do.
    assert lan.holders(VIP) == [0, 1]
    lan.restart("lb-5")
    run_until(lan, lambda: lan.masters() == [0], limit=6.0)
    lan.run_for(1)
    assert lan.masters() == [0] and lan.holders(VIP) == [0]
    events = list(lan.events())
    preempted = [e for e in events if e.type == EventType.TRANSITION and e.instance == "lb-6"
                 and e.from_state == State.MASTER]
    assert preempted and preempted[-1].to_state == State.BACKUP


def test_one_way_block_splits_and_heal_rejoins(lan: vrrp.Lan) -> None:
    lan.block("lb-5", "lb-6")
    run_until(lan, lambda: lan.masters() == [0, 1], limit=4.0)
    assert lan.holders(VIP) == [0, 1]
    lan.heal()
    run_until(lan, lambda: lan.masters() == [0], limit=3.0)
    assert lan.holders(VIP) == [0]


def test_nodes_are_checked(lan: vrrp.Lan) -> None:
    with pytest.raises(vrrp.NotFoundError):
        lan.crash(7)
    with pytest.raises(KeyError):
        lan.crash("lb-7")
    with pytest.raises(vrrp.ExistsError):
        lan.add_router("lb-5", priority=120, **SEED)
    with pytest.raises(vrrp.InvalidArgumentError, match="virtual_router_id"):
        lan.add_router("lb-9", **{**SEED, "vrid": 300})
    assert len(lan) == 2


def test_closed_lan_refuses_calls_and_closes_once() -> None:
    lan = vrrp.Lan()
    lan.close()
    lan.close()
    with pytest.raises(ValueError, match="closed"):
        lan.run_for(1)
    with vrrp.Lan(seed=7, loss=0.1, latency=0.001) as other:
        other.add_router("a", vrid=1, primary_address="fe80::5",
                         virtual_addresses=["2001:db8::3"])
        other.start()
        other.run_for(5)
        assert other.masters() == [0]
    assert other.closed
