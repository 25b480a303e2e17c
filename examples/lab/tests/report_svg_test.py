#!/usr/bin/env python3
"""report.py --svg on a recorded lab report (report-vrrpd.json: `examples/lab/run --json` with
vrrpd, trimmed), without root or nginx: the picture, read back with an XML parser, has a lane
per load balancer whose MASTER spans and VIP strips are the report's own intervals (computed by
report.py's analysis, not by the drawing), a marker per state change and lab action, split
brain shaded for exactly the report's both-MASTER time, every failed request counted in the
client row, and the lab's events as notes; text is escaped; the same report gives the same
bytes; bad input is an error message, not a traceback.

  report_svg_test.py   (finds report.py and the fixture next to itself)
"""
import copy
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
REPORT_PY = os.path.join(HERE, "..", "report.py")
FIXTURE = os.path.join(HERE, "report-vrrpd.json")
SVG = "{http://www.w3.org/2000/svg}"
NS = {"svg": SVG[1:-1]}
failures = []


def check(cond, message):
    if not cond:
        failures.append(message)
        print("FAIL:", message, file=sys.stderr)


def report_py(*args):
    return subprocess.run([sys.executable, REPORT_PY, *args], capture_output=True, text=True,
                          timeout=60)


def spans(elements):
    return [(float(e.get("data-begin")), float(e.get("data-end"))) for e in elements]


def close(a, b, eps=0.0015):
    return len(a) == len(b) and all(abs(x - y) <= eps for p, q in zip(a, b) for x, y in zip(p, q))


report = json.load(open(FIXTURE))
with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "lab.svg")
    r = report_py("--from-json", FIXTURE, "--svg", out)
    check(r.returncode == 0, f"exit status {r.returncode}: {r.stderr}")
    check("Report: vrrpd" in r.stdout, "the text report is still printed")
    root = ET.parse(out).getroot()
    check(root.tag == SVG + "svg" and root.get("version") == "1.1", "an SVG 1.1 document")

    lanes = root.findall(".//svg:g[@class='lane']", NS)
    check([g.get("data-router") for g in lanes] == ["lb-5", "lb-6"], "one lane per LB")
    for lane in lanes:
        lb = lane.get("data-router")
        masters = [(m["from_s"], m["to_s"]) for m in report["masters"] if m["lb"] == lb]
        got = spans(lane.findall("svg:rect[@data-state='MASTER']", NS))
        check(close(got, masters), f"{lb} MASTER spans {got} != report {masters}")
        vips = [(m["from_s"], m["to_s"]) for m in report["vip_holders"] if m["lb"] == lb]
        got = spans(lane.findall("svg:rect[@class='vip']", NS))
        check(close(got, vips), f"{lb} VIP strips {got} != report {vips}")
        # A marker per state line in the daemon's log and per lab kill / start.
        want = [e for e in report["timeline"] if e["lb"] == lb and (
            e["kind"] in ("MASTER", "BACKUP", "FAULT", "DOWN") or
            (e["kind"] == "LAB" and e["text"].startswith("[lab] up")))]
        marks = lane.findall("svg:g[@class='transition']", NS)
        check([float(m.get("data-t")) for m in marks] == [e["t_s"] for e in want],
              f"{lb}: {len(marks)} markers for {len(want)} state changes")
        for m, e in zip(marks, want):
            to = {"LAB": "INIT"}.get(e["kind"], e["kind"])
            check(m.get("data-to") == to, f"{lb} marker at {e['t_s']}: to {m.get('data-to')}")
            label = m.find("svg:text", NS).text
            check(label == (m.get("data-reason") or to), f"label {label!r}")
        kills = [m for m in marks if m.get("data-to") == "DOWN"]
        if lb == "lb-5":
            check([m.get("data-reason") for m in kills][:2] ==
                  ["SIGKILL vrrpd and nginx", "SIGTERM vrrpd"], "lb-5's kill and stop")

    # Split brain: exactly the report's both-MASTER time.
    sb = spans(root.findall(".//svg:rect[@class='split-brain']", NS))
    total_ms = sum(b - a for a, b in sb) * 1000
    check(abs(total_ms - report["dual_master_ms"]) <= 2,
          f"split brain {total_ms:.1f} ms != report {report['dual_master_ms']} ms")
    for rect in root.findall(".//svg:rect[@class='split-brain']", NS):
        check(rect.get("data-routers") == "lb-5,lb-6", "split brain names both")

    # The client's row: every failed request is in one mark, where it happened.
    client = root.find(".//svg:g[@class='client']", NS)
    check(client is not None and int(client.get("data-failed")) == report["failed"],
          "client row with the failed count")
    marks = root.findall(".//svg:rect[@class='failures']", NS)
    check(sum(int(m.get("data-count")) for m in marks) == report["failed"],
          "marks count every failure")
    for f in report["failed_requests"]:
        check(any(float(m.get("data-begin")) <= f["t_s"] <= float(m.get("data-end"))
                  for m in marks), f"failed request at {f['t_s']} in no mark")
    crash = next(e for e in report["events"] if e["name"] == "crash")
    in_crash = [m for m in marks if crash["at_s"] <= float(m.get("data-begin")) <
                crash["at_s"] + crash["window_s"]]
    check(sum(int(m.get("data-count")) for m in in_crash) == crash["failed"],
          "the crash phase's failures are under the crash")

    notes = [n.find("svg:text", NS).text for n in root.findall(".//svg:g[@class='note']", NS)]
    for e in report["events"]:
        check(e["name"] in notes, f"event {e['name']} has no note")
    ticks = root.findall(".//svg:text[@class='tick']", NS)
    check(3 <= len(ticks) <= 13, f"{len(ticks)} ticks")
    check(root.find(".//svg:g[@class='legend']", NS) is not None, "legend")
    text = open(out, encoding="utf-8").read()
    for bad in ("<script", "href", "url(", "@import"):
        check(bad not in text, f"{bad!r} in the picture")

    # Same report, same bytes; the JSON path gives the same as the picture of the same data.
    again = os.path.join(tmp, "again.svg")
    report_py("--from-json", FIXTURE, "--svg", again)
    check(open(again, "rb").read() == open(out, "rb").read(), "not deterministic")

    # Text that is XML, escaped; a report from before failed_requests has no client row.
    odd = copy.deepcopy(report)
    odd["daemon"] = "a&b <c> \"d\""
    odd["timeline"][0]["text"] = odd["timeline"][0]["text"] + " <&>"
    odd["timeline"].append({"t_s": 1.0, "lb": "lb-5", "kind": "PRIO", "text": "priority 1 -> <2>"})
    odd["timeline"].sort(key=lambda e: e["t_s"])
    del odd["failed_requests"]
    path = os.path.join(tmp, "odd.json")
    json.dump(odd, open(path, "w"))
    r = report_py("--from-json", path, "--svg", os.path.join(tmp, "odd.svg"))
    check(r.returncode == 0, f"odd report: {r.stderr}")
    if r.returncode == 0:
        odd_root = ET.parse(os.path.join(tmp, "odd.svg")).getroot()
        check(odd_root.find("svg:title", NS).text.startswith('Seed lab: a&b <c> "d"'), "title")
        check(odd_root.find(".//svg:g[@class='client']", NS) is None, "no client row")
        check(any(n.find("svg:text", NS).text == "lb-5 priority 1 -> <2>"
                  for n in odd_root.findall(".//svg:g[@class='note']", NS)), "escaped note")

    # A split brain the recorded run did not have (vrrpd handed over cleanly: 0 ms): lb-6
    # claims MASTER for 2 s while lb-5 is MASTER, shaded across both lanes for exactly that.
    split = copy.deepcopy(report)
    split["timeline"] += [{"t_s": 50.0, "lb": "lb-6", "kind": "MASTER", "text": "MASTER"},
                          {"t_s": 52.0, "lb": "lb-6", "kind": "BACKUP", "text": "BACKUP"}]
    split["timeline"].sort(key=lambda e: e["t_s"])
    path = os.path.join(tmp, "split.json")
    json.dump(split, open(path, "w"))
    r = report_py("--from-json", path, "--svg", os.path.join(tmp, "split.svg"))
    check(r.returncode == 0, f"split report: {r.stderr}")
    if r.returncode == 0:
        rects = ET.parse(os.path.join(tmp, "split.svg")).getroot().findall(
            ".//svg:rect[@class='split-brain']", NS)
        check([(e.get("data-begin"), e.get("data-end"), e.get("data-routers")) for e in rects]
              == [("50.000", "52.000", "lb-5,lb-6")], f"split brain {[e.attrib for e in rects]}")

    # Bad input: a message and a non-zero exit, never a traceback or half a file.
    def refused(args, needle):
        r = report_py(*args)
        check(r.returncode != 0 and needle in r.stderr and "Traceback" not in r.stderr,
              f"{args}: {r.returncode} {r.stderr!r}")
    json.dump([1, 2], open(os.path.join(tmp, "list.json"), "w"))
    refused(["--from-json", os.path.join(tmp, "list.json"), "--svg", os.path.join(tmp, "x.svg")],
            "not a lab report")
    open(os.path.join(tmp, "broken.json"), "w").write("{")
    refused(["--from-json", os.path.join(tmp, "broken.json"), "--svg", os.path.join(tmp, "x.svg")],
            "report.py:")
    refused(["--from-json", os.path.join(tmp, "missing.json")], "No such file")
    refused(["--from-json", FIXTURE, "--svg", os.path.join(tmp, "no-dir", "x.svg")],
            "cannot write")
    refused([tmp, "--from-json", FIXTURE], "either a run directory or --from-json")
    refused(["--from-json", FIXTURE, "--json", "-", "--svg", "-"], "both write to stdout")
    check(not os.path.exists(os.path.join(tmp, "x.svg")), "a picture from bad input")
    check(not any(f.endswith(".tmp") for f in os.listdir(tmp)), "a .tmp file was left")

print(f"{'FAILED' if failures else 'ok'}: {len(failures)} failure(s)")
sys.exit(1 if failures else 0)
