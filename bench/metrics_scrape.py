#!/usr/bin/env python3
"""How long a Prometheus scrape of a large vrrpd takes (issue 15: under 50 ms at 1,000
instances). A benchmark, not a test: it prints figures and asserts nothing.

One namespace, four veth pairs (eth0..eth3, their peers in the same namespace with no address,
so nobody answers and every instance becomes Master), N VRRPv3 instances at advert_int 1 with
one /32 VIP each (250 VRIDs per interface), vrrpd --metrics on 192.0.2.1:9650. Once all are
Master, curl scrapes /metrics from inside the namespace: `--random` scrapes at random moments
(the text is usually rendered already), then `--fresh` scrapes each right after a new snapshot
(vrrpd publishes one a second; the scrape then pays for the render). Prints median, p90 and max
of curl's time_total, and the exposition's size.

  sudo /usr/bin/python3 bench/metrics_scrape.py --vrrpd build/gcc/examples/vrrpd/vrrpd
"""
import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

NS = f"vm{os.getpid()}"


def sh(cmd, check=True):
    r = subprocess.run(cmd, shell=True, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise RuntimeError(f"`{cmd}` failed: {r.stdout}{r.stderr}")
    return r.stdout


def config(n):
    out = ["global_defs {\n    vrrp_version 3\n}\n"]
    for i in range(n):
        vrid, iface = i % 250 + 1, i // 250
        # 198.51.100.0/24 holds 254 hosts: the VIPs repeat per interface, as in scale.py.
        out.append(f"vrrp_instance VI_{i + 1} {{\n    interface eth{iface}\n"
                   f"    virtual_router_id {vrid}\n    priority 150\n    advert_int 1\n"
                   f"    virtual_ipaddress {{\n        198.51.100.{vrid}/32\n    }}\n}}\n")
    return "".join(out)


def scrape():
    out = sh(f"ip netns exec {NS} curl -s -o /dev/null -w '%{{time_total}} %{{size_download}}' "
             "--max-time 10 http://192.0.2.1:9650/metrics")
    seconds, size = out.split()
    return float(seconds) * 1000, int(size)


def summary(name, times):
    times = sorted(times)
    p90 = times[min(len(times) - 1, int(round(0.9 * (len(times) - 1))))]
    print(f"{name}: {len(times)} scrapes, median {statistics.median(times):.1f} ms, "
          f"p90 {p90:.1f} ms, max {times[-1]:.1f} ms")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--vrrpd", required=True)
    p.add_argument("--instances", type=int, default=1000)
    p.add_argument("--random", type=int, default=30, help="scrapes at random moments")
    p.add_argument("--fresh", type=int, default=20, help="scrapes right after a snapshot")
    args = p.parse_args()
    if os.geteuid() != 0:
        sys.exit("metrics_scrape.py: needs root (network namespaces)")
    work = tempfile.mkdtemp(prefix="vrrp-scrape-")
    sh(f"ip netns add {NS}")
    daemon = None
    try:
        sh(f"ip -n {NS} link set lo up")
        for i in range(4):
            sh(f"ip -n {NS} link add eth{i} type veth peer name peer{i}")
            sh(f"ip -n {NS} link set eth{i} up && ip -n {NS} link set peer{i} up")
        sh(f"ip -n {NS} addr add 192.0.2.1/24 dev eth0")
        for i in range(1, 4):
            sh(f"ip -n {NS} addr add 192.0.2.{i + 1}/32 dev eth{i}")
        with open(f"{work}/vrrpd.conf", "w") as f:
            f.write(config(args.instances))
        log = open(f"{work}/vrrpd.log", "w")
        daemon = subprocess.Popen(
            ["ip", "netns", "exec", NS, args.vrrpd, "-n", "-l", "-f", f"{work}/vrrpd.conf",
             "-p", f"{work}/pid", "--status-file", f"{work}/status.json", "--control-socket",
             f"{work}/ctl", "--metrics", "192.0.2.1:9650"], stdout=log, stderr=log)
        deadline = time.time() + 60
        while time.time() < deadline:
            if sh(f"ip -n {NS} -o addr show", check=False).count("198.51.100.") >= args.instances:
                break
            time.sleep(0.5)
        else:
            sys.exit("not every instance became Master within 60 s")
        time.sleep(2)
        ms, size = scrape()
        print(f"{args.instances} instances, exposition {size / 1e6:.2f} MB, load average "
              f"{os.getloadavg()[0]:.2f}")
        rnd = []
        for _ in range(args.random):
            time.sleep(random.uniform(0.1, 1.5))
            rnd.append(scrape()[0])
        summary("random moments", rnd)
        # vrrpd publishes a snapshot every second and renders it at the first scrape after:
        # scrapes 1.05 s apart each find a new snapshot, so each pays for a render.
        fresh = []
        for _ in range(args.fresh):
            time.sleep(1.05)
            fresh.append(scrape()[0])
        summary("one per second (a new snapshot each time)", fresh)
    finally:
        if daemon is not None:
            daemon.terminate()
            try:
                daemon.wait(timeout=20)
            except subprocess.TimeoutExpired:
                daemon.kill()
        sh(f"ip netns del {NS}", check=False)
        sh(f"rm -rf {work}", check=False)


if __name__ == "__main__":
    main()
