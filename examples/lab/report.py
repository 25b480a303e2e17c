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

The report as a picture (--svg FILE): timeline_svg.py draws a lane per load balancer (its
state over time from the daemon's log, the lab's kills and starts as DOWN, the VIP from `ip
monitor`), both-MASTER spans shaded, the lab's events as notes, and the client's failed
requests beneath (the JSON's failed_requests).

Usage: report.py RUN_DIR [--json FILE] [--svg FILE]   (FILE "-" = stdout, then no text report)
       report.py --from-json REPORT.json [--svg FILE]  (a report written before, e.g. by --json)
"""
import argparse
import bisect
import collections
import json
import os
import re
import sys

import timeline_svg

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
        # Each failed request, for the picture's client row: when it started and ended, why.
        "failed_requests": [{"t_s": round(r["start"] - t0, 3), "end_s": round(r["end"] - t0, 3),
                             "reason": r["reason"]} for r in requests if not r["ok"]],
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


def picture(report):
    """The report as timeline_svg's input: times are the report's (seconds since the client
    started; the warm-up is negative)."""
    changes, notes = [], []
    state = {lb: "DOWN" for lb in LBS}  # nothing runs until the lab's "up"
    for e in report["timeline"]:
        lb, kind, text, t = e["lb"], e["kind"], e["text"], e["t_s"]
        if lb not in state:
            continue
        to, reason = None, ""
        if kind in ("MASTER", "BACKUP", "FAULT"):
            # keepalived's lines name no reason; "Entering BACKUP STATE (init)" has one.
            to, reason = kind, text[len(kind):].strip().strip("()")
        elif kind == "DOWN":
            to, reason = "DOWN", text.split("down:", 1)[-1].strip()
        elif kind == "LAB" and text.startswith("[lab] up"):
            to, reason = "INIT", "started"
        elif kind in ("VIP+", "VIP-"):
            changes.append({"at": t, "router": lb, "holds_vip": kind == "VIP+",
                            "vips": text.split()[1] if len(text.split()) > 1 else ""})
        elif kind == "PRIO":
            notes.append({"at": t, "text": f"{lb} {text}"})
        if to is not None:
            changes.append({"at": t, "router": lb, "from": state[lb], "to": to,
                            "reason": reason})
            state[lb] = to
    for e in report["events"]:
        notes.append({"at": e["at_s"], "text": e["name"]})
    notes.sort(key=lambda n: n["at"])
    times = [e["t_s"] for e in report["timeline"]] + [0.0]
    ends = [e["at_s"] + e["window_s"] for e in report["events"]] or [max(times)]
    begin, end = min(times), max(ends + times)
    if end <= begin:
        end = begin + 1.0
    failures = report.get("failed_requests")
    daemon = report.get("daemon") or "VRRP"
    return {
        "title": f"Seed lab: {daemon}, {report.get('date') or ''}".rstrip(", "),
        "begin": begin, "end": end,
        "lanes": [{"name": lb, "detail": daemon, "group": "vip", "initial": "DOWN"}
                  for lb in LBS],
        "changes": changes, "notes": notes,
        "failures": None if failures is None else
        [{"t": f["t_s"], "end": f["end_s"], "reason": f["reason"]} for f in failures],
    }


def write_file(path, text):
    """Whole or not at all: a temporary file renamed over PATH."""
    tmp = path + ".tmp"
    try:
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, path)
    except OSError:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("run_dir", nargs="?")
    parser.add_argument("--json", metavar="FILE")
    parser.add_argument("--svg", metavar="FILE", help="the timeline as an SVG picture")
    parser.add_argument("--from-json", metavar="REPORT",
                        help="read a report written by --json instead of a run directory")
    args = parser.parse_args()
    if (args.run_dir is None) == (args.from_json is None):
        parser.error("give either a run directory or --from-json REPORT")
    if args.json == "-" and args.svg == "-":
        parser.error("--json - and --svg - would both write to stdout")
    try:
        if args.from_json:
            with open(args.from_json) as f:
                report = json.load(f)
            if not isinstance(report, dict) or not all(
                    k in report for k in ("events", "timeline", "masters", "vip_holders")):
                sys.exit(f"report.py: {args.from_json}: not a lab report (written by --json)")
        else:
            report = analyse(args.run_dir)
        svg = timeline_svg.render(picture(report)) if args.svg else None
    except (OSError, ValueError) as e:
        sys.exit(f"report.py: {e}")
    except (KeyError, TypeError, AttributeError) as e:
        sys.exit(f"report.py: {args.from_json or args.run_dir}: not a lab report "
                 f"({type(e).__name__}: {e})")
    if args.svg == "-":
        sys.stdout.write(svg)
    if args.json == "-":
        json.dump(report, sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif args.svg != "-":
        print_text(report, sys.stdout)
    if args.json and args.json != "-":
        with open(args.json, "w") as f:
            json.dump(report, f, indent=2)
            f.write("\n")
    if args.svg and args.svg != "-":
        try:
            write_file(args.svg, svg)
        except OSError as e:
            sys.exit(f"report.py: cannot write {args.svg}: {e}")


if __name__ == "__main__":
    main()
