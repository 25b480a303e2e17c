#!/usr/bin/env python3
"""vrrp-sim --svg, read back with an XML parser: the seed lab's picture has the two lanes, every
transition of the timeline (--json) with its reason, the VIP strips and a split-brain span for
the one-way block; every shipped scenario draws a valid picture; names are escaped; the same
run gives the same bytes; docs/images/seed-lab.svg is what the tool draws today; a file that
cannot be written is an error, not a crash.

  svg_test.py path/to/vrrp-sim path/to/scenarios path/to/docs/images
"""
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

SIM, SCENARIOS, IMAGES = sys.argv[1:4]
NS = {"svg": "http://www.w3.org/2000/svg"}
failures = []


def check(cond, message):
    if not cond:
        failures.append(message)
        print("FAIL:", message, file=sys.stderr)


def run(*args, stdin=None):
    return subprocess.run([SIM, *args], input=stdin, capture_output=True, text=True, timeout=60)


def parse(path):
    root = ET.parse(path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg", root.tag
    return root


with tempfile.TemporaryDirectory() as tmp:
    svg_path = os.path.join(tmp, "seed.svg")
    r = run("--svg", svg_path)
    check(r.returncode == 0, f"--svg exit status {r.returncode}: {r.stderr}")
    check("timeline (virtual seconds" in r.stdout, "--svg FILE still prints the report")
    root = parse(svg_path)
    check(root.get("version") == "1.1" and root.get("data-end") == "50.00", "svg attributes")

    # The two lanes, in declaration order.
    lanes = root.findall(".//svg:g[@class='lane']", NS)
    check([g.get("data-router") for g in lanes] == ["lb-5", "lb-6"],
          f"lanes: {[g.get('data-router') for g in lanes]}")
    names = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")
             if t.get("class") == "name"]
    check(names == ["lb-5", "lb-6"], f"lane names {names}")

    # Every transition of the timeline, with its reason, in its own lane, labelled and titled.
    events = [json.loads(line) for line in run("--json").stdout.splitlines()]
    want = [(f"{e['t']:.2f}", e["router"], e["from"], e["to"], e["reason"])
            for e in events if e["event"] == "transition"]
    got = []
    for lane in lanes:
        for g in lane.findall("svg:g[@class='transition']", NS):
            check(g.get("data-router") == lane.get("data-router"), "transition in its lane")
            if g.get("data-reason") in ("crashed", "restarted"):
                continue  # the host's, not the state machine's: checked below
            got.append((g.get("data-t"), g.get("data-router"), g.get("data-from"),
                        g.get("data-to"), g.get("data-reason")))
            label = g.find("svg:text", NS)
            check(label is not None and label.text == g.get("data-reason"),
                  f"label of {g.attrib}")
            title = g.find("svg:title", NS)
            check(title is not None and g.get("data-reason") in title.text, "tooltip")
    check(sorted(got, key=lambda x: (float(x[0]), x[1])) ==
          sorted(want, key=lambda x: (float(x[0]), x[1])),
          f"transitions\n got  {got}\n want {want}")
    # The crash and the restart are markers too (lb-5 is DOWN from 10 to 20 s).
    crash = root.findall(".//svg:g[@data-reason='crashed']", NS)
    check([(g.get("data-router"), g.get("data-t"), g.get("data-to")) for g in crash] ==
          [("lb-5", "10.00", "DOWN")], f"crash marker {[g.attrib for g in crash]}")
    restart = root.findall(".//svg:g[@data-reason='restarted']", NS)
    check([(g.get("data-router"), g.get("data-t"), g.get("data-to")) for g in restart] ==
          [("lb-5", "20.00", "INIT")], f"restart marker {[g.attrib for g in restart]}")
    down = [(s.get("data-begin"), s.get("data-end")) for s in
            lanes[0].findall("svg:rect[@data-state='DOWN']", NS)]
    check(down == [("10.00", "20.00")], f"lb-5 DOWN {down}")
    masters = [(s.get("data-begin"), s.get("data-end")) for s in
               lanes[1].findall("svg:rect[@data-state='MASTER']", NS)]
    check(masters == [("13.01", "23.41"), ("33.01", "40.01")], f"lb-6 MASTER {masters}")

    # The VIP: lb-5 keeps it while crashed, until its restart clears the stale address.
    vip5 = [(v.get("data-begin"), v.get("data-end")) for v in
            lanes[0].findall("svg:rect[@class='vip']", NS)]
    check(vip5 == [("3.41", "20.00"), ("23.41", "50.00")], f"lb-5 VIP {vip5}")
    vip6 = [(v.get("data-begin"), v.get("data-end")) for v in
            lanes[1].findall("svg:rect[@class='vip']", NS)]
    check(vip6 == [("13.01", "23.41"), ("33.01", "40.01")], f"lb-6 VIP {vip6}")

    # One split brain: the one-way block, 33.01 to 40.01, both routers; not the crash.
    spans = root.findall(".//svg:rect[@class='split-brain']", NS)
    check([(s.get("data-begin"), s.get("data-end"), s.get("data-routers")) for s in spans] ==
          [("33.01", "40.01", "lb-5,lb-6")], f"split brain {[s.attrib for s in spans]}")
    summary = events[-1]
    check(abs(summary["split_brain_s"] - 7.0) < 1e-9, "the text report agrees: 7 s")
    notes = [(n.get("data-t"), n.find("svg:text", NS).text)
             for n in root.findall(".//svg:g[@class='note']", NS)]
    check(notes == [("30.00", "block lb-5 -> lb-6"), ("40.00", "heal")], f"notes {notes}")
    ticks = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")
             if t.get("class") == "tick"]
    check(ticks == ["0s", "5s", "10s", "15s", "20s", "25s", "30s", "35s", "40s", "45s", "50s"],
          f"ticks {ticks}")
    check(root.find(".//svg:g[@class='legend']", NS) is not None, "legend")
    text = open(svg_path, encoding="utf-8").read()
    for bad in ("<script", "href", "url(", "@import", "1111"):
        check(bad not in text, f"{bad!r} in the picture")

    # Same run, same bytes; "-" puts the picture on stdout instead of the report.
    again = os.path.join(tmp, "again.svg")
    run("--svg", again)
    check(open(again, "rb").read() == open(svg_path, "rb").read(), "not deterministic")
    r = run("--svg", "-")
    check(r.returncode == 0 and r.stdout == text, "--svg - differs from the file")

    # The README's picture is what the tool draws now.
    shipped = os.path.join(IMAGES, "seed-lab.svg")
    check(os.path.exists(shipped) and open(shipped, "rb").read() == open(svg_path, "rb").read(),
          f"{shipped} is out of date: regenerate it with `vrrp-sim --svg {shipped}`")

    # Every shipped scenario draws a picture that parses, with a lane per router.
    for name in sorted(os.listdir(SCENARIOS)):
        out = os.path.join(tmp, name + ".svg")
        r = run(os.path.join(SCENARIOS, name), "--svg", out)
        check(r.returncode == 0, f"{name}: {r.stderr}")
        if r.returncode == 0:
            routers = [line.split()[1] for line in open(os.path.join(SCENARIOS, name))
                       if line.startswith("router ")]
            got = [g.get("data-router") for g in parse(out).findall(".//svg:g[@class='lane']", NS)]
            check(got == routers, f"{name}: lanes {got}, want {routers}")

    # A title that is XML (router names cannot be: the grammar allows [A-Za-z0-9_.-]; the
    # renderer's own test covers names): escaped, the document still parses.
    scenario = ("title R&D <lab> \"x\" 'y'\n"
                "router a address 192.0.2.1 vip 192.0.2.100 priority 200\n"
                "router b address 192.0.2.2 vip 192.0.2.100\n"
                "t=5 crash a\nrun until 10\n")
    out = os.path.join(tmp, "esc.svg")
    r = run("-", "--svg", out, stdin=scenario)
    check(r.returncode == 0, f"escaping scenario: {r.stderr}")
    if r.returncode == 0:
        root = parse(out)
        check(root.find("svg:title", NS).text == 'vrrp-sim: R&D <lab> "x" \'y\'',
              f"escaped title {root.find('svg:title', NS).text!r}")

    # A file that cannot be written: exit 1 with the reason, no partial file left behind.
    bad = os.path.join(tmp, "no-such-dir", "x.svg")
    r = run("--svg", bad)
    check(r.returncode == 1 and "cannot write" in r.stderr and "No such file" in r.stderr,
          f"unwritable: {r.returncode} {r.stderr!r}")
    r = run("--svg")
    check(r.returncode == 1 and "--svg needs a file name" in r.stderr, f"no file: {r.stderr!r}")
    check(not any(f.endswith(".tmp") for f in os.listdir(tmp)), "a .tmp file was left")

print(f"{'FAILED' if failures else 'ok'}: {len(failures)} failure(s)")
sys.exit(1 if failures else 0)
