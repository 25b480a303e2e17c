#!/usr/bin/env python3
"""Times failovers on real Linux networking, against the protocol's bound.

Two routers (examples/vrrp-run, VRRPv3, priorities 150 and 100) on a bridge in network namespaces
this script creates (documentation addresses only), and tshark on the bridge. For each scenario
and advertisement interval, N runs:

  crash     SIGKILL the master: gap = first advert of the backup - last advert of the master;
            bound = Master_Down_Interval = 3 x interval + Skew_Time (RFC 5798 §6.1)
  graceful  SIGTERM the master (priority 0): gap = backup's first advert - the priority-0 advert;
            bound = Skew_Time (RFC 5798 §6.4.2: a Backup that hears priority 0 waits Skew_Time)
  linkdown  the master's link goes down: same gap and bound as crash

It prints, per case, the median gap, the bound and the median overshoot (gap - bound), and
writes them as JSON with --json. A measurement, not a test: nothing here fails on a number.

Usage: bench/failover.py --vrrp-run build/gcc/examples/vrrp-run/vrrp-run [--runs 5]
                         [--intervals 100,10,1] [--scenarios crash,graceful,linkdown]
Needs root (namespaces), iproute2 and tshark.
"""
import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time

PREFIX = f"vrrpf{os.getpid()}"
R1, R2 = "192.0.2.5", "192.0.2.6"
VIP = "192.0.2.3"


def sh(cmd, check=True):
    r = subprocess.run(cmd, shell=True, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise RuntimeError(f"`{cmd}` failed: {r.stdout}{r.stderr}")
    return r.stdout


def ns(name, cmd, check=True):
    return sh(f"ip netns exec {PREFIX}-{name} sh -c '{cmd}'", check)


class Lab:
    def __init__(self):
        for n in ("br", "r1", "r2"):
            sh(f"ip netns add {PREFIX}-{n}")
            ns(n, "ip link set lo up")
        ns("br", "ip link add br0 type bridge mcast_snooping 0 && ip link set br0 up")
        for i, n in enumerate(("r1", "r2")):
            sh(f"ip link add p{i}-{PREFIX[-6:]} netns {PREFIX}-br type veth peer name eth0 "
               f"netns {PREFIX}-{n}")
            ns("br", f"ip link set p{i}-{PREFIX[-6:]} master br0 up")
            ns(n, "ip link set eth0 up")
        ns("r1", f"ip addr add {R1}/24 dev eth0")
        ns("r2", f"ip addr add {R2}/24 dev eth0")

    def close(self):
        for n in ("r1", "r2", "br"):
            sh(f"ip netns pids {PREFIX}-{n} | xargs -r kill -9", check=False)
            sh(f"ip netns del {PREFIX}-{n}", check=False)


def vip_on(name):
    return f" {VIP}/" in ns(name, "ip -o addr show dev eth0", check=False)


def wait_for(predicate, limit):
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def skew_cs(priority, interval_cs):
    return ((256 - priority) * interval_cs) // 256


def one_run(binary, scenario, interval_cs):
    flags = f"--interface eth0 --vrid 50 --vip {VIP}/24 --version 3 --interval-cs {interval_cs}"
    log = tempfile.NamedTemporaryFile(prefix="vrrpf-", suffix=".txt", delete=False).name
    r1 = subprocess.Popen(["ip", "netns", "exec", f"{PREFIX}-r1", binary] + flags.split()
                          + ["--priority", "150"], stdout=subprocess.DEVNULL,
                          start_new_session=True)
    r2 = subprocess.Popen(["ip", "netns", "exec", f"{PREFIX}-r2", binary] + flags.split()
                          + ["--priority", "100"], stdout=subprocess.DEVNULL,
                          start_new_session=True)
    interval = interval_cs / 100
    capture = None
    try:
        if not wait_for(lambda: vip_on("r1"), 10 + 5 * interval):
            raise RuntimeError("r1 never became master")
        # Capture from here: tshark takes a second or two to start, so wait until it has seen
        # the master's adverts before doing anything to it.
        capture = subprocess.Popen(
            ["ip", "netns", "exec", f"{PREFIX}-br", "tshark", "-l", "-n", "-i", "br0", "-f",
             "ip proto 112", "-T", "fields", "-E", "separator=,", "-e", "frame.time_epoch",
             "-e", "ip.src", "-e", "vrrp.prio"],
            stdout=open(log, "w"), stderr=subprocess.DEVNULL)
        if not wait_for(lambda: open(log).read().count(R1) >= 3, 20 + 5 * interval):
            raise RuntimeError("tshark saw no adverts from r1")
        if scenario == "crash":
            os.killpg(r1.pid, signal.SIGKILL)
        elif scenario == "graceful":
            os.killpg(r1.pid, signal.SIGTERM)
        else:
            ns("r1", "ip link set eth0 down")
        if not wait_for(lambda: vip_on("r2"), 10 + 5 * interval):
            raise RuntimeError("r2 never took over")
        time.sleep(max(0.5, 3 * interval))
    finally:
        if capture is not None:
            capture.terminate()
            capture.wait()
        for p in (r1, r2):
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait()
        ns("r1", "ip link set eth0 up", check=False)
        ns("r1", f"ip addr del {VIP}/24 dev eth0", check=False)
        ns("r2", f"ip addr del {VIP}/24 dev eth0", check=False)
    packets = []
    with open(log) as f:
        for line in f:
            parts = line.strip().split(",")
            if len(parts) == 3 and parts[2]:
                packets.append((float(parts[0]), parts[1], int(parts[2])))
    os.unlink(log)
    first_r2 = next((t for t, src, prio in packets if src == R2), None)
    if first_r2 is None:
        raise RuntimeError("no advert from r2 captured")
    before = [(t, prio) for t, src, prio in packets if src == R1 and t < first_r2]
    if scenario == "graceful":
        zero = [t for t, prio in before if prio == 0]
        if not zero:
            raise RuntimeError("no priority-0 advert captured")
        start = zero[-1]
        bound_cs = skew_cs(100, interval_cs)
    else:
        start = max(t for t, prio in before if prio > 0)
        bound_cs = 3 * interval_cs + skew_cs(100, interval_cs)
    return (first_r2 - start) * 1000, bound_cs * 10


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vrrp-run", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--intervals", default="100,10,1", help="centiseconds")
    parser.add_argument("--scenarios", default="crash,graceful,linkdown")
    parser.add_argument("--json", help="write results here")
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("failover.py: needs root to create network namespaces")
    lab = Lab()
    results = []
    try:
        for interval_cs in [int(x) for x in args.intervals.split(",")]:
            for scenario in args.scenarios.split(","):
                gaps, bound = [], None
                for _ in range(args.runs):
                    gap, bound = one_run(args.vrrp_run, scenario, interval_cs)
                    gaps.append(gap)
                med = statistics.median(gaps)
                row = {"scenario": scenario, "interval_ms": interval_cs * 10,
                       "runs": len(gaps), "median_gap_ms": round(med, 3),
                       "bound_ms": bound, "median_overshoot_ms": round(med - bound, 3),
                       "min_gap_ms": round(min(gaps), 3), "max_gap_ms": round(max(gaps), 3)}
                results.append(row)
                print(f"{scenario:9} interval {interval_cs * 10:5} ms: median gap {med:9.3f} ms,"
                      f" bound {bound:7.1f} ms, overshoot {med - bound:+8.3f} ms"
                      f" (min {min(gaps):.3f}, max {max(gaps):.3f}, n={len(gaps)})", flush=True)
    finally:
        lab.close()
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
