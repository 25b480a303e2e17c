#!/usr/bin/python3
"""Many VRRP instances: vrrpd against keepalived, side by side, in network namespaces.

A benchmark, not a test: it prints what it measures and never fails on a number.

Topology (per run, created by this script, removed on every exit path): two pairs run at the
same time, each on its own segments, each segment a Linux bridge in a "switch" namespace of its
own and veth pairs to the two routers' namespaces:

    vrrpd master (prio 150) --eth0..3-- [switch ns: br0..br3] --eth0..3-- vrrpd backup (prio 100)
    keepalived master (150) --eth0..3-- [switch ns: br0..br3] --eth0..3-- keepalived backup (100)

The switch's bridges run no netfilter (bridge-nf-call-* set to 0 in its namespace, as a
physical switch filters nothing; --bridge-netfilter keeps the host's br_netfilter hooks).

N instances: VRIDs 1..250 on eth0, then 1..250 on eth1 and so on (4 segments for 1000). Both
routers of a pair get the same generated keepalived.conf but for the priority: VRRPv3
(`vrrp_version 3`), `advert_int` as asked, one /32 VIP per instance. Addresses (documentation
ranges only): segment s is 192.0.2.16s/28 (master .16s+1, backup .16s+2); the VIP of VRID v is
198.51.100.v/32 on every segment, so at 1000 instances the same VIP sits on four interfaces of
one namespace (Linux, vrrpd and keepalived all accept that).

Phases of a run (one run per --interval x --instances):
  settle    start the two masters, wait until every instance is MASTER (its log and its VIP
            count), then the two backups, until every instance is BACKUP, with no state change
            for max(1 s, 4 intervals); after --settle-timeout it says so and goes on (the
            transitions column then shows the flapping)
  window    over --seconds: CPU % of one core (utime+stime of all the daemon's processes from
            /proc, keepalived has a parent and a VRRP child), RSS (sum of VmRSS at the end),
            "Entering ... STATE" lines logged during the window (the goal is 0)
  failover  dumpcap on the pair's bridges (`ip proto 112`), SIGKILL the master's process
            group; per VRID and segment: gap = backup's first advert after the kill - master's
            last advert; bound = Master_Down_Interval = 3 x interval + Skew_Time with RFC 5798
            §6.1 integer centiseconds (skew_cs = (256 - 100) x interval_cs // 256: 360 ms at
            100 ms); p50/p99/max of gap - bound over the instances, vrrpd first, then
            keepalived. "excluded": the backup was not in BACKUP at the kill (no clean
            failover); "its own": the bound the daemon computes (keepalived's Skew_Time is in
            microseconds: 360.94 ms at 100 ms, 3609.4 ms at 1 s).
--lateness: one master alone per daemon, advert_int 0.01, --lateness-instances, with a busy
            loop (`yes`) on every core beside it; over --lateness-seconds, lateness = interval
            between consecutive adverts of a VRID - 10 ms, p50/p99/p99.9/max; with and without
            `vrrp_rt_priority 50`, `vrrp_priority -10`, `vrrp_no_swap` in global_defs.
--receive-split S: after each window, perf (kernel call chains, 1999 Hz) on every daemon for S
            seconds; "rx share" is the share of its samples under net_rx_action: the bridge's
            and the receiving router's work on each frame it sent, which veth runs in the
            sender's softirq and a physical NIC would not put on the sender's CPU; "own CPU %"
            is CPU % without it. Needs perf (Debian: linux-perf).
--soak-minutes M: one more run at --soak-instances (1000) and 100 ms whose window is M minutes,
            counting transitions (goal: 0); no failover.

Usage (as root, from the repository root):
  sudo /usr/bin/python3 bench/scale.py [--vrrpd PATH] [--keepalived PATH]
      [--daemons "vrrpd keepalived"] [--instances "1 10 100 250 1000"] [--interval "0.1 1"]
      [--seconds 30] [--settle-timeout 60] [--no-failover]
      [--lateness | --lateness-only] [--lateness-instances "1 100"] [--lateness-seconds 20]
      [--rt-globals "vrrp_rt_priority 50; vrrp_priority -10; vrrp_no_swap"]
      [--receive-split 15]
      [--soak-minutes 10] [--soak-instances 1000] [--json FILE] [--keep-files]
      [--bridge-netfilter]
  e.g. the "before" figures of docs/performance.md:
  sudo /usr/bin/python3 bench/scale.py --vrrpd /tmp/vrrpd-before --interval 0.1 --lateness

Needs root, iproute2, keepalived, tshark (dumpcap). Time on the 2-CPU VM: about 40 s per run
(N, interval) at 100 ms with the default 30 s window, 60-65 s at 1 s (elections and takeovers
take 3.6 s each), plus up to 2 x --settle-timeout when a pair never settles (the old vrrpd at
1000 instances); --lateness about 3.5 min; all defaults (10 runs) about 10 min. Ctrl-C or an
error stops it cleanly: every process it started is killed and its namespaces deleted. Figures
are noisy on a shared machine, and the two pairs share the CPUs: compare within a run.
"""
import argparse
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

PREFIX = f"vs{os.getpid()}"
HZ = os.sysconf("SC_CLK_TCK")
PER_SEGMENT = 250                      # VRIDs 1..250 on each segment
MASTER_PRIO, BACKUP_PRIO = 150, 100
RT_GLOBALS = ["vrrp_rt_priority 50", "vrrp_priority -10", "vrrp_no_swap"]
STATE_RE = re.compile(rb"\((VI_\d+)\) Entering (\w+) STATE")
NOTE_RE = re.compile(rb"warn|error|unknown|fail|died|exited|rlimit", re.I)   # worth showing
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Everything to undo, whatever happens: namespaces and the processes started in them.
NAMESPACES = []
PROCESSES = []


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


BRIDGE_NETFILTER = False  # --bridge-netfilter


def run(*args, check=True):
    r = subprocess.run(args, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise RuntimeError(f"`{' '.join(args)}` failed: {r.stdout}{r.stderr}")
    return r.stdout


def spawn(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=None):
    """A process in a session of its own (Ctrl-C reaches only us; killpg reaches all of it)."""
    p = subprocess.Popen(args, stdout=stdout, stderr=stderr, env=env, start_new_session=True)
    PROCESSES.append(p)
    return p


def kill(p, sig=signal.SIGKILL):
    """Signals the process group of one of our processes, unless it is already reaped (its
    number could then belong to someone else)."""
    if p.poll() is not None:
        return
    try:
        os.killpg(p.pid, sig)
    except ProcessLookupError:
        pass


def add_netns(name):
    run("ip", "netns", "add", name)
    NAMESPACES.append(name)
    run("ip", "-n", name, "link", "set", "lo", "up")
    return name


def cleanup():
    """Kills every process this script started and deletes its namespaces."""
    for p in PROCESSES:
        kill(p)
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
    PROCESSES.clear()
    for ns in reversed(list(NAMESPACES)):
        remove_netns(ns)


def remove_netns(name):
    """Kills what still runs in one of our namespaces (only our processes run there), then
    deletes it, and with it its interfaces and addresses."""
    for pid in run("ip", "netns", "pids", name, check=False).split():
        try:
            os.kill(int(pid), signal.SIGKILL)
        except (ProcessLookupError, ValueError):
            pass
    run("ip", "netns", "del", name, check=False)
    if name in NAMESPACES:
        NAMESPACES.remove(name)


def wait_for(predicate, limit, step=0.1):
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def percentile(values, p):
    """Nearest rank; None when there is nothing."""
    if not values:
        return None
    s = sorted(values)
    return s[min(len(s) - 1, max(0, math.ceil(p / 100 * len(s)) - 1))]


def fmt(v, spec="8.2f"):
    return f"{v:{spec}}" if v is not None else f"{'-':>{int(spec.split('.')[0])}}"


# --- addresses and configuration -----------------------------------------------------------

def segments_for(n):
    return max(1, math.ceil(n / PER_SEGMENT))


def router_address(segment, role):
    return f"192.0.2.{16 * segment + (1 if role == 'master' else 2)}"


def instances(n):
    """(name, segment, vrid) for instances 1..n."""
    return [(f"VI_{i + 1}", i // PER_SEGMENT, i % PER_SEGMENT + 1) for i in range(n)]


def vip(vrid):
    return f"198.51.100.{vrid}"


def write_config(path, n, priority, interval, extra_globals=()):
    lines = ["global_defs {", "  vrrp_version 3"] + [f"  {g}" for g in extra_globals] + ["}"]
    for name, segment, vrid in instances(n):
        lines += [f"vrrp_instance {name} {{", f"  interface eth{segment}",
                  f"  virtual_router_id {vrid}", f"  priority {priority}",
                  f"  advert_int {interval}", "  virtual_ipaddress {", f"    {vip(vrid)}/32",
                  "  }", "}"]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def skew_cs(priority, interval_cs):
    return ((256 - priority) * interval_cs) // 256


def bound_ms(interval):
    """RFC 5798 §6.1 Master_Down_Interval of the backup, in whole centiseconds."""
    cs = round(interval * 100)
    return 10 * (3 * cs + skew_cs(BACKUP_PRIO, cs))


def own_bound_ms(kind, interval):
    """The Master_Down_Interval the daemon itself computes: keepalived 2.2.7 keeps Skew_Time
    in microseconds, (256 - priority) x interval / 256, so 360.94 ms at 100 ms, 3609.4 ms at
    1 s: above the RFC's whole centiseconds by 0.94 ms and 9.4 ms."""
    if kind == "keepalived":
        return 1000 * (3 * interval + (256 - BACKUP_PRIO) * interval / 256)
    return bound_ms(interval)


# --- topology and daemons ------------------------------------------------------------------

class Topology:
    """A switch namespace with one bridge per segment, and router namespaces wired to it."""

    def __init__(self, tag, nsegments, roles):
        self.switch = add_netns(f"{PREFIX}-{tag}-sw")
        # The switch stands for a physical one, which filters nothing. With br_netfilter loaded
        # (Docker loads it) the host's bridges run every frame through iptables, and that work
        # falls on the sender (veth hands the frame over in the sender's own softirq): about a
        # third of a 1,000-instance Master's CPU, the same per frame for both daemons.
        # --bridge-netfilter keeps it (the figures of docs/performance.md before 2026-12-03).
        if not BRIDGE_NETFILTER and os.path.isdir("/proc/sys/net/bridge"):
            for table in ("iptables", "ip6tables", "arptables"):
                run("ip", "netns", "exec", self.switch, "sysctl", "-qw",
                    f"net.bridge.bridge-nf-call-{table}=0")
        self.bridges = [f"br{s}" for s in range(nsegments)]
        self.routers = {}
        for br in self.bridges:
            run("ip", "-n", self.switch, "link", "add", br, "type", "bridge", "mcast_snooping", "0")
            run("ip", "-n", self.switch, "link", "set", br, "up")
        for role in roles:
            ns = add_netns(f"{PREFIX}-{tag}-{role[0]}")
            self.routers[role] = ns
            for s, br in enumerate(self.bridges):
                port = f"{role[0]}{s}"
                run("ip", "-n", self.switch, "link", "add", port, "type", "veth", "peer", "name",
                    f"eth{s}", "netns", ns)
                run("ip", "-n", self.switch, "link", "set", port, "master", br, "up")
                run("ip", "-n", ns, "link", "set", f"eth{s}", "up")
                run("ip", "-n", ns, "addr", "add", f"{router_address(s, role)}/28",
                    "dev", f"eth{s}")

    def close(self):
        for ns in list(self.routers.values()) + [self.switch]:
            remove_netns(ns)


class Daemon:
    """One vrrpd or keepalived in a router namespace; follows its log incrementally."""

    def __init__(self, kind, role, ns, conf, workdir, binaries):
        self.kind, self.role, self.ns = kind, role, ns
        d = os.path.join(workdir, f"{kind}-{role}")
        os.makedirs(d, exist_ok=True)
        self.log = os.path.join(d, "log")
        if kind == "vrrpd":
            args = [binaries["vrrpd"], "-n", "-l", "-f", conf, "-p", f"{d}/pid",
                    "--status-file", f"{d}/status.json", "--control-socket", f"{d}/ctl"]
        else:
            args = [binaries["keepalived"], "-n", "-l", "--vrrp", "-f", conf,
                    "-p", f"{d}/pid", "-r", f"{d}/vrrp.pid"]
        env = dict(os.environ, TMPDIR=d)
        self.proc = spawn(["ip", "netns", "exec", ns] + args, stdout=open(self.log, "wb"),
                          stderr=subprocess.STDOUT, env=env)
        self.pos, self.rest = 0, b""
        self.state = {}          # instance -> last state entered
        self.entered = 0         # "Entering ... STATE" lines so far
        self.notes = []          # warnings and errors it logged

    def follow(self):
        with open(self.log, "rb") as f:
            f.seek(self.pos)
            data = f.read()
        self.pos += len(data)
        data = self.rest + data
        lines = data.split(b"\n")
        self.rest = lines.pop()
        for line in lines:
            m = STATE_RE.search(line)
            if m:
                self.state[m.group(1).decode()] = m.group(2).decode()
                self.entered += 1
            elif len(self.notes) < 5 and NOTE_RE.search(line):
                self.notes.append(line.decode(errors="replace").strip())

    def count(self, state):
        return sum(1 for s in self.state.values() if s == state)

    def vips(self):
        out = run("ip", "-n", self.ns, "-o", "-4", "addr", "show", check=False)
        return sum(1 for line in out.splitlines() if " 198.51.100." in line)

    def pids(self):
        return [int(p) for p in run("ip", "netns", "pids", self.ns, check=False).split()]

    def alive(self):
        return self.proc.poll() is None

    def settled(self, n):
        want = "MASTER" if self.role == "master" else "BACKUP"
        return self.alive() and self.count(want) == n and self.vips() == (
            n if self.role == "master" else 0)


def cpu_ticks(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])   # utime, stime (fields 14, 15)
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total


def rss_kb(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                total += sum(int(line.split()[1]) for line in f if line.startswith("VmRSS"))
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total


def sched(pids):
    """Scheduling of the daemon's processes, e.g. 'RR 50' or 'nice -10'."""
    out = []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        nice, rt, policy = int(fields[16]), int(fields[37]), int(fields[38])
        names = {1: "FIFO", 2: "RR"}
        out.append(f"{names[policy]} {rt}" if policy in names else f"nice {nice}")
    return ",".join(out)


# --- capture -------------------------------------------------------------------------------

class Capture:
    """dumpcap on bridges of a switch namespace, VRRP only, into a pcapng file."""

    def __init__(self, ns, bridges, path, duration=None):
        self.path = path
        self.err = path + ".err"
        args = ["ip", "netns", "exec", ns, "dumpcap", "-q", "-n", "-s", "80", "-B", "64",
                "-f", "ip proto 112"]
        for br in bridges:
            args += ["-i", br]
        if duration:
            args += ["-a", f"duration:{duration}"]
        self.proc = spawn(args + ["-w", path], stderr=open(self.err, "w"))
        if not wait_for(lambda: "Capturing on" in open(self.err).read(), 20):
            raise RuntimeError(f"dumpcap did not start: {open(self.err).read()}")

    def stop(self):
        kill(self.proc, signal.SIGTERM)
        self.proc.wait()

    def dropped(self):
        """Packets the kernel or dumpcap dropped, from dumpcap's closing report."""
        report = open(self.err).read()
        return sum(int(m) for m in re.findall(r"received/dropped on interface .*?: \d+/(\d+)",
                                              report))

    def packets(self):
        """[(time, source, vrid, priority)]"""
        out = run("tshark", "-r", self.path, "-n", "-T", "fields", "-E", "separator=,",
                  "-e", "frame.time_epoch", "-e", "ip.src", "-e", "vrrp.virt_rtr_id",
                  "-e", "vrrp.prio", "-Y", "vrrp")
        packets = []
        for line in out.splitlines():
            parts = line.split(",")
            if len(parts) == 4 and parts[2] and parts[3]:
                packets.append((float(parts[0]), parts[1], int(parts[2]), int(parts[3])))
        return packets


# --- phases --------------------------------------------------------------------------------

def start_pairs(kinds, n, interval, workdir, binaries, timeout):
    """Phases 1 and 2a: the topologies and the four daemons, settled.

    The masters start first and the backups once the masters hold every VIP (or after
    `timeout`): started together, the two routers' Master_Down timers (340 and 360 ms at
    100 ms) expire almost at once while a large configuration is still being read, and the
    preemption that follows is slow in keepalived (18 s at 300 instances on the 2-CPU VM).
    Returns the pairs and, per kind, the seconds the backups took to settle (None: they did
    not within `timeout`; False: a daemon exited)."""
    pairs = {}
    for kind in kinds:
        topo = Topology(kind[0], segments_for(n), ["master", "backup"])
        pairs[kind] = {"topology": topo, "daemons": {}}
    for role, prio in (("master", MASTER_PRIO), ("backup", BACKUP_PRIO)):
        for kind, pair in pairs.items():
            conf = os.path.join(workdir, f"{kind}-{role}.conf")
            write_config(conf, n, prio, interval)
            pair["daemons"][role] = Daemon(kind, role, pair["topology"].routers[role], conf,
                                           workdir, binaries)
        log(f"  started the {role}s; waiting until they settle")
        settled = settle(pairs, n, interval, timeout)
    return pairs, settled


def settle(pairs, n, interval, timeout):
    """Waits until every started daemon has all its instances in the state of its role (its
    log and its VIP count) with no state change for max(1 s, 4 intervals)."""
    quiet = max(1.0, 4 * interval)
    start = time.monotonic()
    last_report = start
    result = {kind: None for kind in pairs}
    calm_since = {kind: None for kind in pairs}
    entered = {kind: -1 for kind in pairs}
    while True:
        now = time.monotonic()
        for kind, pair in pairs.items():
            if result[kind] is not None:
                continue
            ds = pair["daemons"].values()
            for d in ds:
                d.follow()
            total = sum(d.entered for d in ds)
            if not all(d.alive() for d in ds):
                result[kind] = False
                log(f"  WARNING: {kind}: a daemon exited ({progress(pair, n)}); its log ends:")
                for d in ds:
                    if not d.alive():
                        log(f"    {d.kind} {d.role}: {tail(d.log)}")
            elif all(d.settled(n) for d in ds) and total == entered[kind]:
                if now - calm_since[kind] >= quiet:
                    result[kind] = round(calm_since[kind] - start, 1)
                    log(f"  {kind}: settled after {result[kind]} s")
            else:
                calm_since[kind] = now
            entered[kind] = total
        if all(v is not None for v in result.values()):
            return result
        if now - start > timeout:
            for kind, settled_after in result.items():
                if settled_after is None:
                    log(f"  WARNING: {kind} did not settle within {timeout:g} s "
                        f"({progress(pairs[kind], n)}); going on")
            return result
        if now - last_report >= 10:
            last_report = now
            log("  waiting: " + "; ".join(f"{k}: {progress(p, n)}" for k, p in pairs.items()
                                           if result[k] is None))
        time.sleep(0.25)


def tail(path, lines=3):
    with open(path, errors="replace") as f:
        return " | ".join(line.strip() for line in f.readlines()[-lines:])


def progress(pair, n):
    out = []
    for d in pair["daemons"].values():
        want = "MASTER" if d.role == "master" else "BACKUP"
        out.append(f"{d.role} {d.count(want)}/{n} {want} {d.vips()} VIPs, "
                   f"{d.entered} transitions" + ("" if d.alive() else " EXITED"))
    return ", ".join(out)


def measure_window(pairs, seconds):
    """Phase 2b: CPU, RSS and transitions of all daemons over the same window."""
    daemons = [d for pair in pairs.values() for d in pair["daemons"].values()]
    before = {}
    for d in daemons:
        d.follow()
        before[d] = (d.pids(), d.entered)
    t0 = time.monotonic()
    ticks0 = {d: cpu_ticks(before[d][0]) for d in daemons}
    time.sleep(seconds)
    elapsed = time.monotonic() - t0
    rows = []
    for d in daemons:
        pids = d.pids()
        ticks1 = cpu_ticks(pids)
        d.follow()
        rows.append({"daemon": d.kind, "role": d.role, "processes": len(pids),
                     "alive": d.alive(),
                     "cpu_pct": round(100 * (ticks1 - ticks0[d]) / HZ / elapsed, 2),
                     "rss_mb": round(rss_kb(pids) / 1024, 1),
                     "transitions": d.entered - before[d][1]})
    return rows


def receive_split(rows, pairs, seconds, workdir):
    """--receive-split: the share of each daemon's CPU that is the receiving side's work.

    Over veth, a frame sent is carried through the bridge and the receiver's IP stack (up to its
    socket) in the sender's own softirq (veth_xmit -> netif_rx -> net_rx_action on the sending
    task), so the master is charged for the switch's and the other host's work; on a physical
    NIC neither is on the sender's CPU. perf samples each daemon for `seconds` (kernel call
    chains, 1999 Hz) after the window; the share of samples under net_rx_action is that work, and
    own_cpu_pct is cpu_pct without it. Both daemons get the same treatment."""
    daemons = [d for pair in pairs.values() for d in pair["daemons"].values()]
    records = []
    for d in daemons:
        data = os.path.join(workdir, f"receive-split-{d.kind}-{d.role}.data")
        pids = ",".join(str(p) for p in d.pids())
        records.append((d, data, spawn(["perf", "record", "-q", "-F", "1999", "-g", "-p", pids,
                                        "-o", data, "--", "sleep", str(seconds)])))
    shares = {}
    for d, data, proc in records:
        # A perf that could not record (a kernel refusing perf events, a daemon gone) leaves the
        # row without a split rather than with a share of 0 that would read as "no receive work".
        if proc.wait() != 0 or not os.path.isfile(data):
            log(f"  receive split: perf recorded nothing for {d.kind} {d.role} "
                f"(exit {proc.returncode})")
            continue
        r = subprocess.run(["perf", "report", "-i", data, "--stdio", "--children", "--sort",
                            "sym", "-g", "none", "--percent-limit", "0"],
                           capture_output=True, text=True)
        if r.returncode != 0:
            log(f"  receive split: perf report failed for {d.kind} {d.role}: {r.stderr.strip()}")
            continue
        report = r.stdout
        share = 0.0
        for line in report.splitlines():
            fields = line.split()
            if len(fields) >= 4 and fields[-1] == "net_rx_action" and fields[0].endswith("%"):
                share = float(fields[0].rstrip("%")) / 100
                break
        shares[(d.kind, d.role)] = share
    for row in rows:
        share = shares.get((row["daemon"], row["role"]))
        if share is None:
            continue
        row["receive_share"] = round(share, 3)
        row["own_cpu_pct"] = round(row["cpu_pct"] * (1 - share), 2)


def failover(kind, pair, n, interval, workdir, settled):
    """Phase 3: SIGKILL the master, capture the takeover, gap - bound per instance.

    Excluded: instances whose backup was not in BACKUP at the kill (its log) or had sent
    adverts in the second before it (the capture): their takeover was not caused by the kill.
    Missing: no takeover advert, or no advert of the master before it, in the capture."""
    topo, master, backup = pair["topology"], pair["daemons"]["master"], pair["daemons"]["backup"]
    cap = Capture(topo.switch, topo.bridges, os.path.join(workdir, f"{kind}-failover.pcapng"))
    time.sleep(max(1.0, 3 * interval))              # some adverts of the master first
    backup.follow()
    not_backup = {name for name, _, _ in instances(n) if backup.state.get(name) != "BACKUP"}
    t_kill = time.time()
    # One killpg for the whole group: keepalived's VRRP child is in its parent's group, and
    # killed one by one the child could see its parent die first and send priority-0 adverts.
    kill(master.proc)
    for pid in master.pids():
        os.kill(pid, signal.SIGKILL)
    took_over = wait_for(lambda: backup.vips() == n, 30 + 10 * interval, 0.05)
    time.sleep(max(0.5, 2 * interval))
    cap.stop()
    packets = cap.packets()
    if cap.dropped():
        log(f"  WARNING: dumpcap dropped {cap.dropped()} packets; gaps may be too long")
    bound = bound_ms(interval)
    last_master, first_backup, backup_before = {}, {}, set()
    src_of = {}
    for _, segment, vrid in instances(n):
        src_of[(router_address(segment, "master"))] = ("master", segment)
        src_of[(router_address(segment, "backup"))] = ("backup", segment)
    for t, src, vrid, prio in packets:
        if src not in src_of:
            continue
        role, segment = src_of[src]
        key = (segment, vrid)
        if role == "backup":
            if t <= t_kill:
                backup_before.add(key)                 # it was already sending: not settled
            elif key not in first_backup:
                first_backup[key] = t
    for t, src, vrid, prio in packets:
        if src_of.get(src, ("",))[0] == "master" and prio > 0:
            key = (src_of[src][1], vrid)
            if key in first_backup and t < first_backup[key]:
                last_master[key] = max(t, last_master.get(key, 0))
    overshoots, missing, excluded = [], 0, 0
    for name, segment, vrid in instances(n):
        key = (segment, vrid)
        if key in backup_before or name in not_backup:
            excluded += 1                              # the backup was not a backup then
        elif key in first_backup and key in last_master:
            overshoots.append((first_backup[key] - last_master[key]) * 1000 - bound)
        else:
            missing += 1
    return {"daemon": kind, "instances": n, "interval_s": interval, "bound_ms": bound,
            "own_bound_ms": round(own_bound_ms(kind, interval), 2), "settled": settled,
            "measured": len(overshoots), "missing": missing, "excluded": excluded,
            "all_vips_moved": took_over, "packets": len(packets), "dropped": cap.dropped(),
            "p50_ms": r3(percentile(overshoots, 50)), "p99_ms": r3(percentile(overshoots, 99)),
            "max_ms": r3(max(overshoots) if overshoots else None)}


def r3(v):
    return round(v, 3) if v is not None else None


def run_scale(args, binaries, n, interval, seconds, do_failover, workdir):
    """One run: start, settle, window, failovers, teardown."""
    log(f"run: {n} instances, advert_int {interval} s, daemons {' '.join(args.daemons)} "
        f"({segments_for(n)} segment(s) per pair)")
    t0 = time.monotonic()
    workdir = os.path.join(workdir, f"n{n}-i{interval}-{int(seconds)}s")
    os.makedirs(workdir)
    pairs = {}
    try:
        pairs, settled = start_pairs(args.daemons, n, interval, workdir, binaries,
                                     args.settle_timeout)
        t1 = time.monotonic()
        log(f"  measuring for {seconds} s")
        rows = measure_window(pairs, seconds)
        for row in rows:
            row.update(instances=n, interval_s=interval, settled_after_s=settled[row["daemon"]])
        if args.receive_split > 0:
            log(f"  receive split: perf on each daemon for {args.receive_split} s")
            receive_split(rows, pairs, args.receive_split, workdir)
        t2 = time.monotonic()
        fails = []
        if do_failover:
            for kind, pair in pairs.items():
                if not all(d.alive() for d in pair["daemons"].values()):
                    log(f"  failover: skipped for {kind}, a daemon has exited")
                    continue
                log(f"  failover: SIGKILL the {kind} master")
                fails.append(failover(kind, pair, n, interval, workdir,
                                      isinstance(settled[kind], float)))
        t3 = time.monotonic()
        for pair in pairs.values():
            for d in pair["daemons"].values():
                d.follow()
                for note in d.notes[:3]:
                    log(f"  {d.kind} {d.role} logged: {note}")
        log(f"  run took {t3 - t0:.0f} s (start+settle {t1 - t0:.0f} s, window {t2 - t1:.0f} s,"
            f" failover {t3 - t2:.0f} s)")
        print_window(rows)
        if fails:
            print_failover(fails)
        return rows, fails
    finally:
        for pair in pairs.values():
            for d in pair["daemons"].values():
                kill(d.proc)
                d.proc.wait()
            pair["topology"].close()


def lateness(args, binaries, workdir):
    """Phase 4: a master alone at 10 ms with every core busy; adverts' lateness."""
    results = []
    hogs = []
    for kind in args.daemons:
        for n in args.lateness_instances:
            for rt in (False, True):
                label = f"{kind} {n} inst {'rt' if rt else 'default'}"
                log(f"lateness: {label}")
                rundir = os.path.join(workdir, f"lateness-{kind}-{n}-{'rt' if rt else 'default'}")
                os.makedirs(rundir)
                topo = Topology(f"l{kind[0]}", 1, ["master"])
                conf = os.path.join(rundir, f"{kind}.conf")
                write_config(conf, n, MASTER_PRIO, 0.01, args.rt_globals if rt else ())
                d = Daemon(kind, "master", topo.routers["master"], conf, rundir, binaries)
                try:
                    if not wait_for(lambda: (d.follow(), d.settled(n))[1], 30, 0.2):
                        log(f"  WARNING: {kind} never had all {n} instances MASTER; measuring")
                    entered = d.entered
                    hogs = [spawn(["ip", "netns", "exec", topo.switch, "yes"])
                            for _ in range(os.cpu_count() or 2)]
                    time.sleep(1)
                    pcap = os.path.join(rundir, "adverts.pcapng")
                    cap = Capture(topo.switch, topo.bridges, pcap, args.lateness_seconds)
                    cap.proc.wait(timeout=args.lateness_seconds + 30)
                    if cap.dropped():
                        log(f"  WARNING: dumpcap dropped {cap.dropped()} packets")
                    for h in hogs:
                        kill(h)
                        h.wait()
                    d.follow()
                    times = {}
                    for t, _, vrid, _ in cap.packets():
                        times.setdefault(vrid, []).append(t)
                    late = [(b - a) * 1000 - 10 for ts in times.values()
                            for a, b in zip(ts, ts[1:])]
                    row = {"daemon": kind, "instances": n, "rt_globals": rt,
                           "sched": sched(d.pids()), "samples": len(late),
                           "p50_ms": r3(percentile(late, 50)), "p99_ms": r3(percentile(late, 99)),
                           "p999_ms": r3(percentile(late, 99.9)),
                           "max_ms": r3(max(late) if late else None),
                           "transitions": d.entered - entered, "notes": d.notes[:3]}
                    results.append(row)
                    for note in d.notes[:3]:
                        log(f"  {kind} logged: {note}")
                finally:
                    for h in hogs:
                        kill(h)
                    kill(d.proc)
                    d.proc.wait()
                    topo.close()
    print_lateness(results)
    return results


# --- output --------------------------------------------------------------------------------

def print_window(rows):
    split = any("own_cpu_pct" in r for r in rows)
    extra = f" {'rx share':>8} {'own CPU %':>9}" if split else ""
    print(f"\n{'N':>5} {'interval':>8} {'daemon':<10} {'role':<6} {'settled':>8} {'procs':>5} "
          f"{'CPU %':>7} {'RSS MB':>7} {'transitions':>11}{extra}")
    for r in rows:
        settled = f"{r['settled_after_s']} s" if isinstance(r["settled_after_s"], float) else "NO"
        procs = str(r["processes"]) + ("" if r["alive"] else " DEAD")
        extra = ""
        if "own_cpu_pct" in r:
            extra = f" {100 * r['receive_share']:>7.1f}% {r['own_cpu_pct']:>9.2f}"
        print(f"{r['instances']:>5} {r['interval_s']:>7}s {r['daemon']:<10} {r['role']:<6} "
              f"{settled:>8} {procs:>5} {r['cpu_pct']:>7.2f} {r['rss_mb']:>7.1f} "
              f"{r['transitions']:>11}{extra}")
    print(flush=True)


def print_failover(rows):
    print(f"{'N':>5} {'interval':>8} {'daemon':<10} {'bound':>7} {'its own':>8} {'measured':>8} "
          f"{'missing':>7} {'excluded':>8} {'p50':>8} {'p99':>8} {'max':>8}   (gap - bound, ms)")
    for r in rows:
        print(f"{r['instances']:>5} {r['interval_s']:>7}s {r['daemon']:<10} {r['bound_ms']:>5}ms "
              f"{r['own_bound_ms']:>8.2f} {r['measured']:>8} {r['missing']:>7} "
              f"{r['excluded']:>8} {fmt(r['p50_ms'])} {fmt(r['p99_ms'])} {fmt(r['max_ms'])}"
              + ("" if r["settled"] else "   pair NOT settled: not a clean failover"))
    print(flush=True)


def print_lateness(rows):
    print(f"\n{'daemon':<10} {'N':>4} {'globals':<8} {'sched':<14} {'samples':>8} {'p50':>8} "
          f"{'p99':>8} {'p99.9':>8} {'max':>8} {'trans.':>6}   (interval - 10 ms, ms)")
    for r in rows:
        print(f"{r['daemon']:<10} {r['instances']:>4} {'rt' if r['rt_globals'] else 'default':<8} "
              f"{r['sched'][:14]:<14} {r['samples']:>8} {fmt(r['p50_ms'], '8.3f')} "
              f"{fmt(r['p99_ms'], '8.3f')} {fmt(r['p999_ms'], '8.3f')} "
              f"{fmt(r['max_ms'], '8.3f')} {r['transitions']:>6}")
    print(flush=True)


# --- main ----------------------------------------------------------------------------------

def parse_args():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--vrrpd", default=os.path.join(REPO, "build/gcc/examples/vrrpd/vrrpd"))
    p.add_argument("--keepalived", default=shutil.which("keepalived") or "/usr/sbin/keepalived")
    p.add_argument("--daemons", default="vrrpd keepalived", help="which pairs to run")
    p.add_argument("--instances", default="1 10 100 250 1000")
    p.add_argument("--interval", default="0.1 1", help="advert_int values, seconds")
    p.add_argument("--seconds", type=float, default=30, help="measured window")
    p.add_argument("--settle-timeout", type=float, default=60)
    p.add_argument("--no-failover", action="store_true")
    p.add_argument("--lateness", action="store_true", help="also run the lateness phase")
    p.add_argument("--lateness-only", action="store_true", help="only the lateness phase")
    p.add_argument("--lateness-instances", default="1 100")
    p.add_argument("--lateness-seconds", type=float, default=20)
    p.add_argument("--rt-globals", default="; ".join(RT_GLOBALS),
                   help="global_defs lines of the lateness phase's second case, ';'-separated")
    p.add_argument("--soak-minutes", type=float, default=0)
    p.add_argument("--soak-instances", type=int, default=1000)
    p.add_argument("--json", help="write every result here")
    p.add_argument("--keep-files", action="store_true", help="keep configurations, logs, pcaps")
    p.add_argument("--bridge-netfilter", action="store_true",
                   help="leave br_netfilter's iptables hooks on the switch's bridges")
    p.add_argument("--receive-split", type=float, default=0, metavar="SECONDS",
                   help="after each window, perf each daemon this long and report its CPU "
                        "without the receiving side's work that veth charges to the sender")
    args = p.parse_args()
    args.daemons = args.daemons.split()
    args.instances = [int(x) for x in args.instances.split()]
    args.intervals = [float(x) for x in args.interval.split()]
    args.lateness_instances = [int(x) for x in args.lateness_instances.split()]
    args.rt_globals = [g.strip() for g in args.rt_globals.split(";") if g.strip()]
    for kind in args.daemons:
        if kind not in ("vrrpd", "keepalived"):
            p.error(f"--daemons: unknown daemon {kind}")
    if max(args.instances + [args.soak_instances]) > 4 * PER_SEGMENT:
        p.error(f"at most {4 * PER_SEGMENT} instances (4 segments of {PER_SEGMENT})")
    if max(args.lateness_instances) > PER_SEGMENT:
        p.error(f"--lateness-instances: at most {PER_SEGMENT} (one segment)")
    return args


def check_environment(args):
    if os.geteuid() != 0:
        sys.exit("scale.py: needs root (it creates network namespaces); run it with sudo")
    binaries = {"vrrpd": args.vrrpd, "keepalived": args.keepalived}
    for kind in args.daemons:
        if not (os.path.isfile(binaries[kind]) and os.access(binaries[kind], os.X_OK)):
            sys.exit(f"scale.py: no {kind} at {binaries[kind]} (--{kind} PATH)")
    for tool in ("ip", "dumpcap", "tshark"):
        if not shutil.which(tool):
            sys.exit(f"scale.py: {tool} is missing (scripts/install-deps installs it)")
    if args.receive_split > 0 and not shutil.which("perf"):
        sys.exit("scale.py: --receive-split needs perf (Debian: apt-get install linux-perf)")
    return binaries


def on_signal(signum, _frame):
    raise KeyboardInterrupt(signal.Signals(signum).name)


def main():
    args = parse_args()
    binaries = check_environment(args)
    signal.signal(signal.SIGINT, on_signal)     # even when started with SIGINT ignored (`&`)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    global BRIDGE_NETFILTER
    BRIDGE_NETFILTER = args.bridge_netfilter
    workdir = tempfile.mkdtemp(prefix=f"vrrp-scale-{os.getpid()}-")
    results = {"date": time.strftime("%Y-%m-%d %H:%M"), "machine": os.uname().release,
               "bridge_netfilter": BRIDGE_NETFILTER,
               "cpus": os.cpu_count(), "binaries": binaries, "window": [], "failover": [],
               "lateness": [], "soak": []}
    log(f"scale.py: namespaces {PREFIX}-*, work files in {workdir}")
    try:
        if not args.lateness_only:
            for interval in args.intervals:
                for n in args.instances:
                    rows, fails = run_scale(args, binaries, n, interval, args.seconds,
                                            not args.no_failover, workdir)
                    results["window"] += rows
                    results["failover"] += fails
        if args.lateness or args.lateness_only:
            results["lateness"] = lateness(args, binaries, workdir)
        if args.soak_minutes > 0:
            log(f"soak: {args.soak_instances} instances at 100 ms for {args.soak_minutes} min")
            rows, _ = run_scale(args, binaries, args.soak_instances, 0.1,
                                args.soak_minutes * 60, False, workdir)
            results["soak"] = rows
    except KeyboardInterrupt as e:
        log(f"interrupted ({e or 'Ctrl-C'})")
        return 130
    except Exception as e:  # noqa: BLE001 — report, then clean up below
        log(f"error: {e}")
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)     # a second Ctrl-C must not stop cleanup
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        log("cleaning up")
        cleanup()
        if args.keep_files:
            log(f"work files (configurations, logs, captures) kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
        if args.json:
            with open(args.json, "w") as f:
                json.dump(results, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
