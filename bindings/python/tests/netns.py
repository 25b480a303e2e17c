"""Network namespaces for the root tests: two namespaces joined by a veth pair, named with the
test's PID so that parallel runs never collide, removed by the fixture's finalizer. Only
documentation addresses (192.0.2.0/24); nothing is sent outside the namespaces made here."""

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Callable, Optional

import pytest

PYTHON = "/usr/bin/python3"
# The package beside these tests, for the processes spawned in namespaces.
PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def ip(*args: str, check: bool = True) -> str:
    """Runs `ip ARGS` and returns its output."""
    done = subprocess.run(["ip", *args], capture_output=True, text=True)
    if check and done.returncode != 0:
        raise RuntimeError(f"ip {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def require_root() -> None:
    """Skips the test with a clear message unless it runs as root."""
    if os.geteuid() != 0:
        pytest.skip("needs root (network namespaces, raw sockets): run as root to include it")
    if subprocess.run(["ip", "netns", "list"], capture_output=True).returncode != 0:
        pytest.skip("`ip netns` does not work here")


@dataclass(eq=False)
class Side:
    """One namespace, its veth end, and its address."""

    ns: str
    ifname: str
    address: str
    procs: list = field(default_factory=list)

    def has_address(self, address: str) -> bool:
        """Whether `ip -n NS addr` lists `address` on this side."""
        return f" {address}/" in ip("-n", self.ns, "-4", "addr", "show", "dev", self.ifname)

    def spawn(self, args: list, **kwargs) -> subprocess.Popen:
        """Starts `ip netns exec NS /usr/bin/python3 ARGS` (stdout and stderr to one pipe), with
        the package on its path."""
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (PACKAGE_DIR, os.path.dirname(os.path.abspath(__file__)),
                        env.get("PYTHONPATH")) if p)
        proc = subprocess.Popen(["ip", "netns", "exec", self.ns, PYTHON, *args],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                env=env, **kwargs)
        self.procs.append(proc)
        return proc


class Pair:
    """Namespaces a and b, veth ends up, addresses 192.0.2.5/24 and 192.0.2.6/24."""

    def __init__(self, tag: str) -> None:
        pid = os.getpid()
        self.a = Side(f"vrrp-py{tag}-a-{pid}", f"v{tag}a{pid}"[:15], "192.0.2.5")
        self.b = Side(f"vrrp-py{tag}-b-{pid}", f"v{tag}b{pid}"[:15], "192.0.2.6")
        try:
            for side in (self.a, self.b):
                ip("netns", "add", side.ns)
                ip("-n", side.ns, "link", "set", "lo", "up")
            ip("link", "add", self.a.ifname, "netns", self.a.ns, "type", "veth", "peer", "name",
               self.b.ifname, "netns", self.b.ns)
            for side in (self.a, self.b):
                ip("-n", side.ns, "addr", "add", f"{side.address}/24", "dev", side.ifname)
                ip("-n", side.ns, "link", "set", side.ifname, "up")
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        """Stops every process started here and removes both namespaces (and so the veth)."""
        for side in (self.a, self.b):
            for proc in side.procs:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
        for side in (self.a, self.b):
            ip("netns", "del", side.ns, check=False)


def wait_for(condition: Callable[[], bool], limit: float, what: str,
             explain: Optional[Callable[[], str]] = None) -> float:
    """Polls condition() every 0.1 s until it holds; fails after `limit` seconds (a generous
    bound for failure only: never a speed assertion). Returns the seconds it took."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > limit:
            detail = explain() if explain else ""
            pytest.fail(f"{what}: not within {limit} s\n{detail}")
        time.sleep(0.1)
    return time.monotonic() - start


def stop(proc: subprocess.Popen, timeout: float = 10.0) -> str:
    """SIGTERMs a spawned process and returns its output."""
    if proc.poll() is None:
        proc.terminate()
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out or ""


@pytest.fixture
def pair(request) -> Pair:
    """Two namespaces joined by a veth pair (root only), removed afterwards."""
    require_root()
    tag = getattr(request, "param", "t")
    made = Pair(tag)
    request.addfinalizer(made.close)
    return made


def conf(side: Side, priority: int, vip: str = "192.0.2.3", extra: str = "") -> str:
    """keepalived.conf text of instance VI_1 (VRID 50, VRRPv2, PASS) on the side's veth."""
    return f"""
vrrp_instance VI_1 {{
    state BACKUP
    interface {side.ifname}
    virtual_router_id 50
    priority {priority}
    advert_int 1
    version 2
    authentication {{
        auth_type PASS
        auth_pass 1111
    }}
    virtual_ipaddress {{
        {vip}/24
    }}
{extra}}}
"""


if __name__ == "__main__":
    sys.exit("a helper module of the tests: run pytest")
