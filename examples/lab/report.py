#!/usr/bin/env python3
"""The seed lab's report: what the client saw around each event, and who was master when.

Reads the lab's run directory (written by examples/lab/run):
  meta            key=value lines: daemon, daemon_path, interval_ms, phase_s, ...
  events          EPOCH NAME EXPECTED_MASTER ACTION...   (the lab's actions, in order; the last
                  line, "end", closes the last window)
  client.log      START END ok LB WEB | START END fail - - REASON   (examples/lab/client.py)
  lb-5/daemon.log, lb-6/daemon.log
                  EPOCH LINE: the daemon's stderr, each line stamped on arrival, and the lab's
                  own markers "# lab: ..." ("down: SIGKILL ...", "up: start ...", ...)
  lb-5/addr.log, lb-6/addr.log
                  EPOCH LINE: `ip monitor address` in the load balancer's namespace (who holds
                  the VIP, independently of what the daemons say)

Per event (its window runs until the next event):
  requests, failed   requests started in the window, and how many of them failed
  longest gap        the longest time between two successive successful responses (by their
                     end time); a gap belongs to the window of the first request after the last
                     success. With no failure it is about the request interval.
  takeover           from the event to the expected master's "Entering MASTER STATE"
  master             the master at the end of the window, from the daemons' logs

Usage: report.py RUN_DIR [--json FILE]   (FILE "-" = stdout, then no text report)
"""
import argparse
import bisect
import collections
import json
import os
import re
import sys

LBS = ("lb-5", "lb-6")
STATE_RE = re.compile(r"\((\S+)\) Entering (MASTER|BACKUP|FAULT) STATE(.*)")
PRIO_RE = re.compile(r"\((\S+)\) Changing effective priority from (\d+) to (\d+)")
SCRIPT_RE = re.compile(r"VRRP_Script\((\S+)\) (succeeded|failed.*)")
LAB_RE = re.compile(r"# lab: (.*)")
# nginx-controller's own lines about nginx ("nginx: master process 42 exited", "nginx: up ->
# restarting (...)", "nginx: check ... failed (...)"): its native check in place of chk_nginx.
NGINX_RE = re.compile(r"\d{4}: (nginx: (?!watching|checking ).*)")


def read_meta(path):
    meta = {}
    with open(path) as f:
        for line in f:
            key, _, value = line.rstrip("\n").partition("=")
            meta[key] = value
    return meta


def read_events(path):
    events = []
    with open(path) as f:
        for line in f:
            parts = line.split(None, 3)
            if len(parts) >= 3:
                events.append({"t": float(parts[0]), "name": parts[1],
                               "expected": None if parts[2] == "-" else parts[2],
                               "action": parts[3].strip() if len(parts) > 3 else ""})
    return events


def read_client(path):
    requests = []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) < 5:
                continue  # a line cut short by the stop
            requests.append({"start": float(parts[0]), "end": float(parts[1]),
                             "ok": parts[2] == "ok", "lb": parts[3], "web": parts[4],
                             "reason": parts[5] if len(parts) > 5 else ""})
    requests.sort(key=lambda r: r["start"])
    return requests


def read_daemon_log(lb, path):
    """Returns the timeline entries of one load balancer: (t, lb, kind, text)."""
    entries = []
    if not os.path.exists(path):
        return entries
    with open(path, errors="replace") as f:
        for line in f:
            stamp, _, text = line.rstrip("\n").partition(" ")
            try:
                t = float(stamp)
            except ValueError:
                continue
            m = STATE_RE.search(text)
            if m:
                entries.append((t, lb, m.group(2), f"{m.group(2)}{m.group(3)}".strip()))
                continue
            m = LAB_RE.search(text)
            if m:
                down = m.group(1).startswith("down")
                entries.append((t, lb, "DOWN" if down else "LAB", f"[lab] {m.group(1)}"))
                continue
            m = PRIO_RE.search(text)
            if m:
                entries.append((t, lb, "PRIO", f"priority {m.group(2)} -> {m.group(3)}"))
                continue
            m = SCRIPT_RE.search(text)
            if m:
                entries.append((t, lb, "SCRIPT", f"{m.group(1)} {m.group(2)}"))
                continue
            m = NGINX_RE.search(text)
            if m:
                entries.append((t, lb, "NGINX", m.group(1)))
    return entries


def read_addr_log(lb, path, vip):
    """VIP added / removed on one load balancer: (t, lb, "VIP+"|"VIP-", text)."""
    entries = []
    if not os.path.exists(path):
        return entries
    with open(path, errors="replace") as f:
        for line in f:
            stamp, _, text = line.rstrip("\n").partition(" ")
            if f" inet {vip}/" not in text:
                continue
            deleted = text.startswith("Deleted")
            entries.append((float(stamp), lb, "VIP-" if deleted else "VIP+",
                            f"VIP {vip} {'removed' if deleted else 'added'}"))
    return entries


def vip_intervals(timeline, end):
    """[(lb, from, to)]: when each load balancer had the VIP configured."""
    intervals, since = [], {}
    for t, lb, kind, _ in timeline:
        if kind == "VIP+" and lb not in since:
            since[lb] = t
        elif kind == "VIP-" and lb in since:
            intervals.append((lb, since.pop(lb), t))
    for lb, t in since.items():
        intervals.append((lb, t, end))
    intervals.sort(key=lambda i: i[1])
    return intervals


def master_intervals(timeline, end):
    """[(lb, from, to)]: when each load balancer said it was master."""
    intervals, since = [], {}
    for t, lb, kind, _ in timeline:
        if kind == "MASTER" and lb not in since:
            since[lb] = t
        elif kind in ("BACKUP", "FAULT", "DOWN") and lb in since:
            intervals.append((lb, since.pop(lb), t))
    for lb, t in since.items():
        intervals.append((lb, t, end))
    intervals.sort(key=lambda i: i[1])
    return intervals


def master_at(intervals, t):
    current = [lb for lb, a, b in intervals if a <= t < b]
    return "+".join(sorted(current)) if current else "none"


def overlap_ms(intervals):
    a = [(x, y) for lb, x, y in intervals if lb == LBS[0]]
    b = [(x, y) for lb, x, y in intervals if lb == LBS[1]]
    total = 0.0
    for x1, y1 in a:
        for x2, y2 in b:
            total += max(0.0, min(y1, y2) - max(x1, x2))
    return total * 1000


def analyse(run_dir):
    meta = read_meta(os.path.join(run_dir, "meta"))
    events = read_events(os.path.join(run_dir, "events"))
    requests = read_client(os.path.join(run_dir, "client.log"))
    vip = meta.get("vip", "192.0.2.3")
    timeline = []
    for lb in LBS:
        timeline += read_daemon_log(lb, os.path.join(run_dir, lb, "daemon.log"))
        timeline += read_addr_log(lb, os.path.join(run_dir, lb, "addr.log"), vip)
    timeline.sort()

    end_event = next((e for e in events if e["name"] == "end"), None)
    scenario = [e for e in events if e["name"] != "end"]
    t_end = end_event["t"] if end_event else (requests[-1]["end"] if requests else 0.0)
    t0 = scenario[0]["t"] if scenario else (requests[0]["start"] if requests else 0.0)
    intervals = master_intervals(timeline, t_end)
    vips = vip_intervals(timeline, t_end)
    starts = [e["t"] for e in scenario]

    def window_of(t):
        return max(0, bisect.bisect_right(starts, t) - 1)

    per = [{"requests": 0, "failed": 0, "reasons": collections.Counter(), "gap": 0.0}
           for _ in scenario]
    for r in requests:
        w = per[window_of(r["start"])]
        w["requests"] += 1
        if not r["ok"]:
            w["failed"] += 1
            w["reasons"][r["reason"]] += 1
    last_ok = None  # index of the last successful request
    for i, r in enumerate(requests):
        if not r["ok"]:
            continue
        if last_ok is not None:
            gap = r["end"] - requests[last_ok]["end"]
            w = per[window_of(requests[last_ok + 1]["start"])]
            w["gap"] = max(w["gap"], gap)
        last_ok = i
    if last_ok is not None and last_ok + 1 < len(requests):  # failing until the end
        w = per[window_of(requests[last_ok + 1]["start"])]
        w["gap"] = max(w["gap"], t_end - requests[last_ok]["end"])

    out_events = []
    for i, e in enumerate(scenario):
        w_end = starts[i + 1] if i + 1 < len(starts) else t_end
        takeover = None
        if e["expected"]:
            firsts = [t for t, lb, kind, _ in timeline
                      if lb == e["expected"] and kind == "MASTER" and e["t"] <= t < w_end]
            was = master_at(intervals, e["t"] - 1e-6)
            if firsts and was != e["expected"]:
                takeover = round((firsts[0] - e["t"]) * 1000, 1)
        out_events.append({
            "name": e["name"], "action": e["action"], "at_s": round(e["t"] - t0, 3),
            "window_s": round(w_end - e["t"], 3), "expected_master": e["expected"],
            "requests": per[i]["requests"], "failed": per[i]["failed"],
            "fail_reasons": dict(per[i]["reasons"]),
            "longest_gap_ms": round(per[i]["gap"] * 1000, 1),
            "takeover_ms": takeover,
            "master_at_end": master_at(intervals, w_end - 1e-6),
        })

    total_failed = sum(1 for r in requests if not r["ok"])
    served = collections.Counter((r["lb"], r["web"]) for r in requests if r["ok"])
    return {
        "daemon": meta.get("daemon"), "daemon_path": meta.get("daemon_path"),
        "daemon_version": meta.get("daemon_version"), "date": meta.get("date"),
        "host": meta.get("host"), "cpus": int(meta.get("cpus", "0") or 0),
        "configs": meta.get("configs", "").split(), "track_weight": meta.get("track_weight") or None,
        "controller_restart": meta.get("controller_restart") or None,
        "interval_ms": int(meta.get("interval_ms", "0") or 0),
        "connect_timeout_ms": int(meta.get("connect_timeout_ms", "0") or 0),
        "phase_s": float(meta.get("phase_s", "0") or 0),
        "requests": len(requests), "failed": total_failed,
        "served": {f"{lb} {web}": n for (lb, web), n in sorted(served.items())},
        "events": out_events,
        "masters": [{"lb": lb, "from_s": round(a - t0, 3), "to_s": round(b - t0, 3)}
                    for lb, a, b in intervals],
        "dual_master_ms": round(overlap_ms(intervals), 1),
        "vip_holders": [{"lb": lb, "from_s": round(a - t0, 3), "to_s": round(b - t0, 3)}
                        for lb, a, b in vips],
        "dual_vip_ms": round(overlap_ms(vips), 1),
        "timeline": [{"t_s": round(t - t0, 3), "lb": lb, "kind": kind, "text": text}
                     for t, lb, kind, text in timeline],
    }


def fmt_ms(value):
    return "-" if value is None else f"{value:.0f} ms"


def print_text(report, out):
    w = out.write
    w(f"\nReport: {report['daemon']} ({report['daemon_path']}), {report['date']}, "
      f"{report['cpus']} CPUs\n")
    pct = 100.0 * report["failed"] / report["requests"] if report["requests"] else 0.0
    w(f"client: {report['requests']} requests (one every {report['interval_ms']} ms), "
      f"{report['failed']} failed ({pct:.1f} %); connect timeout {report['connect_timeout_ms']} ms\n")
    if report["track_weight"]:
        w(f"configs: variant with chk_nginx weight -{report['track_weight']}\n")
    if report.get("controller_restart"):
        w(f"controller restart command: {report['controller_restart']}\n")
    w("\n")
    w(f"{'event':<12} {'at':>7}  {'requests':>8} {'failed':>6} {'longest gap':>11}  "
      f"{'takeover':>9}  {'master after':<12} action\n")
    for e in report["events"]:
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(e["fail_reasons"].items()))
        w(f"{e['name']:<12} {e['at_s']:>6.1f}s  {e['requests']:>8} {e['failed']:>6} "
          f"{fmt_ms(e['longest_gap_ms']):>11}  {fmt_ms(e['takeover_ms']):>9}  "
          f"{e['master_at_end']:<12} {e['action']}" + (f" [{reasons}]" if reasons else "") + "\n")
    w("\nMaster (from the daemons' logs; seconds since the client started):\n")
    for m in report["masters"]:
        w(f"  {m['from_s']:>8.3f} .. {m['to_s']:>8.3f}  {m['lb']}\n")
    w(f"  both claimed MASTER for {report['dual_master_ms']:.0f} ms in total\n")
    w("\nVIP configured (ip monitor address):\n")
    for m in report["vip_holders"]:
        w(f"  {m['from_s']:>8.3f} .. {m['to_s']:>8.3f}  {m['lb']}\n")
    w(f"  on both for {report['dual_vip_ms']:.0f} ms in total\n")
    w("\nTimeline (state changes, priority changes, scripts or the controller's nginx checks, "
      "the lab's actions):\n")
    for t in report["timeline"]:
        w(f"  {t['t_s']:>8.3f}  {t['lb']}  {t['text']}\n")
    served = ", ".join(f"{k}: {v}" for k, v in report["served"].items())
    w(f"\nAnswered by: {served}\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("run_dir")
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args()
    report = analyse(args.run_dir)
    if args.json == "-":
        json.dump(report, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return
    print_text(report, sys.stdout)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
