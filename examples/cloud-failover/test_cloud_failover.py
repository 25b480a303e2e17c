"""cloud_failover.py in two namespaces (root): each side runs the daemon against its own
keepalived.conf with hooks that log to a file. The hook runs on the Master; a failing hook on
the Master faults it so the other side becomes Master (and its hook runs); --retry later it
rejoins the election, wins (higher priority) and runs its hook again; once the hook works, it
stays Master. No VIP is ever put on an
interface: the addresses are managed by the hooks."""

import pathlib
import time

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
    # --retry 1 later a rejoins, preempts b (150 > 100), runs its hook again and fails again: it
    # never runs --on-master while it is not Master.
    wait_for(lambda: lines(logs[pair.a]).count("master") >= 2, 15, "a retries", explain)
    assert lines(logs[pair.b])[:2] == ["master", "backup"], explain()

    # a's hook works again: the first run that starts after this succeeds, and a stays Master.
    runs_a = lines(logs[pair.a]).count("master")
    fail_a.unlink()
    wait_for(lambda: lines(logs[pair.a]).count("master") > runs_a
             and lines(logs[pair.b])[-1:] == ["backup"], 15, "a wins with a working hook",
             explain)
    settled_b = len(lines(logs[pair.b]))
    time.sleep(5)  # longer than a hold (1 s) plus a preemption (3.4 s): no further flap
    assert len(lines(logs[pair.b])) == settled_b, explain()
    # The driver managed no address: the hooks do.
    assert not pair.a.has_address(VIP) and not pair.b.has_address(VIP)
    out_a, out_b = stop(procs[pair.a]), stop(procs[pair.b])
    assert "FAULT" in out_a, out_a
    assert procs[pair.a].returncode == 0 and procs[pair.b].returncode == 0, out_a + out_b
