"""The Linux driver from Python. Without root: configuration errors. As root: two Python-driven
routers, each a process in its own namespace (`ip netns exec NS /usr/bin/python3 ...` running
Driver.from_conf(...).run(...)), joined by a veth pair, move the real VIP 192.0.2.3: it moves
to the Backup when the Master's process gets SIGTERM."""

import pathlib

import pytest

import vrrp
from netns import conf, pair, stop, wait_for  # noqa: F401 (pair is a fixture)

HERE = pathlib.Path(__file__).resolve().parent
VIP = "192.0.2.3"


def test_bad_configuration_raises_config_error_with_the_line() -> None:
    text = "vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 300\n}\n"
    with pytest.raises(vrrp.ConfigError) as error:
        vrrp.Driver.from_conf(text)
    assert error.value.code == vrrp.ErrorCode.CONFIG
    assert "3" in error.value.message and "virtual_router_id" in error.value.message
    with pytest.raises(vrrp.ConfigError):
        vrrp.Driver.from_conf("vrrp_instance {")


def test_vip_moves_when_the_master_is_terminated(pair, tmp_path: pathlib.Path) -> None:
    procs = {}
    for side, priority in ((pair.a, 150), (pair.b, 100)):
        path = tmp_path / f"{side.ns}.conf"
        path.write_text(conf(side, priority))
        procs[side.ns] = side.spawn([str(HERE / "driver_node.py"), str(path)])
    a, b = procs[pair.a.ns], procs[pair.b.ns]

    def explain() -> str:
        return "\n".join(f"--- {ns}\n{stop(p)}" for ns, p in procs.items())

    wait_for(lambda: pair.a.has_address(VIP), 15, "a (priority 150) holds the VIP", explain)
    assert not pair.b.has_address(VIP)
    assert a.poll() is None and b.poll() is None
    out_a = stop(a)  # SIGTERM: a resigns with priority 0 and removes the VIP
    wait_for(lambda: pair.b.has_address(VIP), 10, "b takes the VIP", explain)
    assert not pair.a.has_address(VIP)
    out_b = stop(b)
    assert a.returncode == 0, out_a
    assert "NOT_FOUND NOT_FOUND warnings=[]" in out_a, out_a
    assert "FIND VI_1 " in out_a and "STATE BACKUP" in out_a and "STATUS VI_1 1" in out_a
    assert "EVENT TRANSITION VI_1 MASTER" in out_a, out_a
    assert "EVENT ADDRESS_ADDED VI_1" in out_a, out_a
    assert "EVENT TRANSITION VI_1 MASTER" in out_b, out_b
    assert not pair.b.has_address(VIP)  # b's own SIGTERM removed it
