#!/usr/bin/python3
"""cloud_failover: VRRP elects, hooks move the address (a cloud's API call, not ARP). An
--on-master hook that fails (exit status, timeout) faults the instance so the peer takes over;
--retry seconds later the fault is cleared and the instance rejoins the election."""
import argparse
import shlex
import signal
import subprocess
import sys

import vrrp


class Failover:
    """Runs one hook at a time beside the election (never blocking its advertisements)."""

    def __init__(self, driver: vrrp.Driver, args: argparse.Namespace) -> None:
        self.driver, self.args = driver, args
        self.proc: subprocess.Popen | None = None
        self.hook, self.deadline = "", 0.0
        self.held_until: float | None = None  # in FAULT after a failed hook, until then

    def on_event(self, event: vrrp.Event) -> None:
        """Starts the hook of a transition of our instance."""
        if event.type == vrrp.EventType.TRANSITION and event.instance == self.args.instance:
            print(event.text, flush=True)
            if event.to_state == vrrp.State.MASTER:
                self.start(self.args.on_master)
            elif event.from_state == vrrp.State.MASTER:
                self.start(self.args.on_backup)

    def start(self, hook: str) -> None:
        """Runs `hook`; a newer state's hook replaces one still running."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = subprocess.Popen(shlex.split(hook)) if hook else None
        self.hook, self.deadline = hook, vrrp.now() + self.args.timeout

    def tick(self) -> bool:
        """Called by Driver.run at least every 0.2 s: ends a hold, reaps the hook, faults."""
        now = vrrp.now()
        if self.held_until is not None and now >= self.held_until:
            self.held_until = None  # rejoin as BACKUP; winning runs --on-master again
            self.driver.set_fault(self.args.instance, False)
        if self.proc is None or (self.proc.poll() is None and now < self.deadline):
            return False
        self.proc.kill()  # a no-op when it exited; it timed out otherwise
        rc, self.proc = self.proc.wait(), None
        print(f"hook exited {rc}: {self.hook}", flush=True)
        # Only a failed claim faults: never retry it while the peer may hold the address.
        if rc != 0 and self.hook == self.args.on_master and self.held_until is None:
            self.driver.set_fault(self.args.instance, True)  # resigns with priority 0
            self.held_until = now + self.args.retry
        return False


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("conf", help="keepalived.conf with the vrrp_instance")
    p.add_argument("--instance", default="VI_1", help="its name (default VI_1)")
    p.add_argument("--on-master", default="", help="command run on becoming MASTER")
    p.add_argument("--on-backup", default="", help="command run on leaving MASTER")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds a hook may run")
    p.add_argument("--retry", type=float, default=10.0,
                   help="seconds in FAULT after a failed --on-master")
    args = p.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with open(args.conf) as f:
        text = f.read()
    with vrrp.Driver.from_conf(text, manage_addresses_externally=True) as driver:
        failover = Failover(driver, args)
        driver.run(failover.on_event, until=failover.tick, poll_interval=0.2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
