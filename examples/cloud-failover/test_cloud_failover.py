"""cloud_failover.py in two namespaces (root): each side runs the daemon against its own
keepalived.conf with hooks that log to a file. The hook runs on the Master; a failing hook on
the Master faults it so the other side becomes Master (and its hook runs); once the hook works
again, the retry clears the fault and the first side takes over again. No VIP is ever put on an
interface: the addresses are managed by the hooks."""

import pathlib

from netns import conf, pair, stop, wait_for  # noqa: F401 (pair is a fixture)

DAEMON = pathlib.Path(__file__).resolve().parent / "cloud_failover.py"
VIP = "192.0.2.3"


def hook(log: pathlib.Path, word: str, fail_flag: pathlib.Path) -> str:
    """A hook command that logs `word` and fails while `fail_flag` exists."""
    return f"/bin/sh -c 'echo {word} >> {log}; test ! -e {fail_flag}'"


def lines(path: pathlib.Path) -> list:
    return path.read_text().split() if path.exists() else []


def test_hook_failure_moves_mastership(pair, tmp_path: pathlib.Path) -> None:
    procs, logs = {}, {}
    fail_a = tmp_path / "fail-a"
    fail_a.touch()  # a's hook fails until this goes
    for side, priority, flag in ((pair.a, 150, fail_a), (pair.b, 100, tmp_path / "never")):
        path = tmp_path / f"{side.ns}.conf"
        path.write_text(conf(side, priority))
        logs[side] = tmp_path / f"{side.ns}.log"
        procs[side] = side.spawn([str(DAEMON), str(path), "--retry", "1", "--timeout", "5",
                                  "--on-master", hook(logs[side], "master", flag),
                                  "--on-backup", hook(logs[side], "backup", tmp_path / "never")])

    def explain() -> str:
        return "\n".join(f"--- {s.ns}: {lines(logs[s])}\n{stop(p)}" for s, p in procs.items())

    # a wins (150), its hook runs and fails: a faults, b becomes Master and its hook runs.
    wait_for(lambda: "master" in lines(logs[pair.a]), 15, "a's on-master hook runs", explain)
    wait_for(lambda: "master" in lines(logs[pair.b]), 10, "b's on-master hook runs", explain)
    # a keeps retrying its failed hook every second while b is Master.
    wait_for(lambda: lines(logs[pair.a]).count("master") >= 3, 10, "a retries", explain)
    assert lines(logs[pair.b]) == ["master"]

    fail_a.unlink()  # a's hook works again: the retry clears the fault and a preempts b
    wait_for(lambda: "backup" in lines(logs[pair.b]), 15, "b leaves MASTER", explain)
    assert lines(logs[pair.b]) == ["master", "backup"]
    # The driver managed no address: the hooks do.
    assert not pair.a.has_address(VIP) and not pair.b.has_address(VIP)
    out_a, out_b = stop(procs[pair.a]), stop(procs[pair.b])
    assert "FAULT" in out_a, out_a
    assert procs[pair.a].returncode == 0 and procs[pair.b].returncode == 0, out_a + out_b
