#!/usr/bin/python3
"""cloud_failover: VRRP elects, hooks move the address (a cloud's API call, not ARP). A hook that
fails (exit status, timeout) faults the instance so the peer takes over, is retried every
--retry seconds, and clears the fault once it succeeds."""
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
        self.hook, self.deadline, self.retry_at = "", 0.0, 0.0
        self.failed: str | None = None  # the hook to retry while the instance is faulted

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
        """Called by Driver.run at least every 0.2 s: reaps the hook, faults or retries."""
        now = vrrp.now()
        if self.proc is None and self.failed is not None and now >= self.retry_at:
            self.start(self.failed)
        if self.proc is None or (self.proc.poll() is None and now < self.deadline):
            return False
        self.proc.kill()  # a no-op when it exited; it timed out otherwise
        rc, self.proc = self.proc.wait(), None
        print(f"hook exited {rc}: {self.hook}", flush=True)
        if rc == 0 and self.hook == self.failed:  # the retry worked: back in the election
            self.failed = None
            self.driver.set_fault(self.args.instance, False)
        elif rc != 0:
            if self.failed is None:
                self.driver.set_fault(self.args.instance, True)
            self.failed, self.retry_at = self.hook, now + self.args.retry
        return False


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("conf", help="keepalived.conf with the vrrp_instance")
    p.add_argument("--instance", default="VI_1", help="its name (default VI_1)")
    p.add_argument("--on-master", default="", help="command run on becoming MASTER")
    p.add_argument("--on-backup", default="", help="command run on leaving MASTER")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds a hook may run")
    p.add_argument("--retry", type=float, default=10.0, help="seconds between retries")
    args = p.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with open(args.conf) as f, vrrp.Driver.from_conf(f.read(), True) as driver:
        failover = Failover(driver, args)
        driver.run(failover.on_event, until=failover.tick, poll_interval=0.2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
