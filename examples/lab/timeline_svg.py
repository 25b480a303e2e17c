"""The lab's timeline as an SVG picture: the design of vrrp/timeline_svg.h, in Python.

vrrp-sim draws its runs with the library's C++ renderer (lib/core/timeline_svg.cc); the lab is
Python, so it draws the same picture here from report.py's data: a lane per load balancer
coloured by state (INIT, BACKUP, MASTER, FAULT, DOWN), a marker at each transition with its
reason, a strip while the load balancer holds the VIP, split brain (both MASTER) shaded across
the lanes, the lab's actions as dashed notes, and beneath the lanes the client's failed
requests. Keep the sizes, colours and classes in step with timeline_svg.cc.

  svg = timeline_svg.render({"title": ..., "begin": -3.6, "end": 76.1,
                             "lanes": [{"name": "lb-5", "detail": "...", "group": "vrid 50",
                                        "initial": "DOWN"}, ...],
                             "changes": [{"at": 7.478, "router": "lb-6", "from": "BACKUP",
                                          "to": "MASTER", "reason": ""},
                                         {"at": 7.479, "router": "lb-6", "holds_vip": True,
                                          "vips": "192.0.2.3"}, ...],
                             "notes": [{"at": 4.02, "text": "crash"}, ...],
                             "failures": [{"t": 4.03, "end": 4.031, "reason": "refused"}, ...]})

Plain SVG 1.1, no script or external resource; the same input gives the same bytes; every
text is escaped. Times in data- attributes are seconds with three decimals.
"""

import collections

STATES = ("INIT", "BACKUP", "MASTER", "FAULT", "DOWN")

WIDTH = 960.0
LEFT = 130.0
RIGHT = 24.0
PLOT = WIDTH - LEFT - RIGHT
PLOT_TOP = 56.0
NOTE_ROW_HEIGHT = 12.0
NOTE_ROWS = 3
LANE_HEIGHT = 74.0
LABEL_ROWS = 3
LABEL_ROW_HEIGHT = 11.0
BAR_TOP = 36.0
BAR_HEIGHT = 20.0
VIP_TOP = 58.0
VIP_HEIGHT = 6.0
FAIL_HEIGHT = 34.0  # the client's row
FAIL_BAR_TOP = 12.0
FAIL_BAR_HEIGHT = 14.0
CHAR_WIDTH = 5.6  # an estimate for placing labels, as in timeline_svg.cc
# Failed requests closer than this to the previous one join its mark: at 20 ms a request, a
# failover's hundreds of failures are one mark, not hundreds of overlapping hairlines.
FAIL_JOIN_S = 0.25

STYLE = (
    "text{font-family:sans-serif;font-size:10px;fill:#222}"
    ".title{font-size:14px;font-weight:bold}"
    ".name{font-size:12px;font-weight:bold}"
    ".detail{font-size:9px;fill:#555}"
    ".state-INIT{fill:#d9d9d9}.state-BACKUP{fill:#9ecae1}.state-MASTER{fill:#31a354}"
    ".state-FAULT{fill:#fd8d3c}.state-DOWN{fill:#404040}"
    ".vip{fill:#6a51a3}"
    ".split-brain{fill:#e31a1c;fill-opacity:0.18;stroke:#e31a1c;stroke-opacity:0.6}"
    ".split-label{fill:#a50f15;font-size:9px}"
    ".transition line{stroke:#333;stroke-opacity:0.6}"
    ".transition circle{fill:#fff;stroke:#222}"
    ".note line{stroke:#666;stroke-dasharray:4 3}"
    ".note text{fill:#444;font-style:italic}"
    ".grid line{stroke:#e4e4e4}.axis line{stroke:#333}"
    ".failures{fill:#cb181d}.fail-count{fill:#cb181d;font-size:9px}"
)


def escape(text):
    """XML text and attribute values; characters XML 1.0 cannot carry become '?'."""
    out = []
    for ch in str(text):
        code = ord(ch)
        if ch == "&":
            out.append("&amp;")
        elif ch == "<":
            out.append("&lt;")
        elif ch == ">":
            out.append("&gt;")
        elif ch == '"':
            out.append("&quot;")
        elif ch == "'":
            out.append("&#39;")
        elif (code < 0x20 and ch not in "\t\n") or code == 0x7F or 0xD800 <= code <= 0xDFFF \
                or code in (0xFFFE, 0xFFFF):
            out.append("?")
        else:
            out.append(ch)
    return "".join(out)


def secs(t):
    return f"{t:.3f}"


def num(v):
    return f"{v:.1f}"


def place_label(row_ends, begin, end):
    """The first row whose last label ends before this one starts, else the soonest to end."""
    row = min(range(len(row_ends)), key=lambda r: row_ends[r])
    for r, e in enumerate(row_ends):
        if e + 4 <= begin:
            row = r
            break
    row_ends[row] = end
    return row


def label_span(x, text):
    """(begin, end, text_x, anchor_end): right of the line, or left when it would not fit."""
    w = CHAR_WIDTH * len(text)
    if x + 3 + w > WIDTH - 2:
        return x - 3 - w, x - 3, x - 3, True
    return x + 3, x + 3 + w, x + 3, False


def tick_step(length):
    for step in (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60,
                 300, 600):
        if length / step <= 12:
            return step
    return (int(length / 12 / 3600) + 1) * 3600


def tick_label(t):
    if abs(t - round(t)) < 1e-9:
        return f"{round(t)}s"
    return f"{t:.1f}s" if abs(t * 10 - round(t * 10)) < 1e-9 else f"{t:.3f}s"


def validate(p):
    if not p["end"] > p.get("begin", 0.0):
        raise ValueError(f"timeline: the end ({p['end']}) must be after the start")
    names = [lane["name"] for lane in p["lanes"]]
    if not names:
        raise ValueError("timeline: no lane")
    if len(set(names)) != len(names):
        raise ValueError("timeline: two lanes have the same name")
    last = None
    for i, c in enumerate(p["changes"]):
        if c["router"] not in names:
            raise ValueError(f"timeline: change {i} names no lane: {c['router']!r}")
        if last is not None and c["at"] < last:
            raise ValueError(f"timeline: change {i} at {c['at']} comes after one at {last}")
        if ("to" in c) != ("from" in c) or c.get("to", "INIT") not in STATES \
                or c.get("from", "INIT") not in STATES:
            raise ValueError(f"timeline: change {i} has a bad from/to")
        last = c["at"]


def split_brains(p):
    """[(begin, end, [routers])]: two or more lanes of one group MASTER at once, judged once
    per instant after all of that instant's changes."""
    lanes = p["lanes"]
    order = {lane["name"]: i for i, lane in enumerate(lanes)}
    state = {lane["name"]: lane.get("initial", "INIT") for lane in lanes}
    group = {lane["name"]: lane.get("group", "") for lane in lanes}
    begin = p.get("begin", 0.0)
    opened, done = {}, []

    def judge(now):
        masters = collections.defaultdict(list)
        for name in order:
            if state[name] == "MASTER" and group[name]:
                masters[group[name]].append(name)
        for g in list(opened):
            if len(masters.get(g, [])) < 2:
                b, routers = opened.pop(g)
                done.append((b, now, routers))
        for g, names in masters.items():
            if len(names) < 2:
                continue
            b, routers = opened.setdefault(g, (now, []))
            for n in names:
                if n not in routers:
                    routers.append(n)
            routers.sort(key=order.get)

    changes = p["changes"]
    if not changes or changes[0]["at"] > begin:
        judge(begin)
    i = 0
    while i < len(changes):
        now = changes[i]["at"]
        while i < len(changes) and changes[i]["at"] == now:
            if "to" in changes[i]:
                state[changes[i]["router"]] = changes[i]["to"]
            i += 1
        judge(now)
    for g, (b, routers) in opened.items():
        done.append((b, p["end"], routers))
    done.sort(key=lambda s: s[0])
    return done


def failure_marks(failures, join_s=FAIL_JOIN_S):
    """[(begin, end, count, Counter of reasons)]: failed requests joined when close together."""
    marks = []
    for f in sorted(failures, key=lambda f: f["t"]):
        if marks and f["t"] - marks[-1][1] <= join_s:
            b, e, n, reasons = marks[-1]
            reasons[f["reason"] or "failed"] += 1
            marks[-1] = (b, max(e, f["t"]), n + 1, reasons)
        else:
            marks.append((f["t"], f["t"], 1, collections.Counter([f["reason"] or "failed"])))
    return marks


def render(p):
    """The SVG document for picture `p` (see the module docstring). ValueError on bad input."""
    validate(p)
    begin, end = p.get("begin", 0.0), p["end"]
    lanes, changes, notes = p["lanes"], p["changes"], p.get("notes", [])
    failures = p.get("failures")
    span = end - begin

    def x_of(t):
        return LEFT + PLOT * (min(max(t, begin), end) - begin) / span

    lanes_top = PLOT_TOP + (NOTE_ROWS * NOTE_ROW_HEIGHT + 2 if notes else 0)
    lanes_bottom = lanes_top + LANE_HEIGHT * len(lanes)
    fail_top = lanes_bottom
    if failures is not None:
        lanes_bottom_all = lanes_bottom + FAIL_HEIGHT
    else:
        lanes_bottom_all = lanes_bottom
    axis_y = lanes_bottom_all + 6
    height = axis_y + 28

    out = []
    w = out.append
    w('<?xml version="1.0" encoding="UTF-8"?>\n')
    w(f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{num(WIDTH)}" '
      f'height="{num(height)}" viewBox="0 0 {num(WIDTH)} {num(height)}" class="vrrp-timeline" '
      f'data-begin="{secs(begin)}" data-end="{secs(end)}">\n')
    title = escape(p.get("title", ""))
    w(f"<title>{title}</title>\n<style>{STYLE}</style>\n")
    w('<rect width="100%" height="100%" fill="#fff"/>\n')
    w(f'<text class="title" x="8" y="22">{title}</text>\n')

    w('<g class="legend">\n')
    lx = 8.0

    def legend(cls, text, strip):
        nonlocal lx
        w(f'<rect class="swatch {cls}" x="{num(lx)}" y="{"37.0" if strip else "33.0"}" width="14" '
          f'height="{5 if strip else 12}"/>')
        w(f'<text x="{num(lx + 18)}" y="43">{text}</text>\n')
        lx += 18 + CHAR_WIDTH * len(text) + 14

    for s in STATES:
        legend(f"state-{s}", "DOWN (crashed or stopped)" if s == "DOWN" else s, False)
    legend("vip", "holds the VIP", True)
    legend("split-brain", "split brain (two MASTERs)", False)
    if failures is not None:
        legend("failures", "failed requests", False)
    w("</g>\n")

    step = tick_step(span)
    ticks = []
    k = -int(-begin // step)  # the first tick at or after the beginning
    while k * step <= end + 1e-9:
        ticks.append((num(x_of(k * step)), tick_label(k * step)))
        k += 1
    # Grid lines first, so the bars cover them; the axis under the lanes.
    w('<g class="grid">\n')
    for x, _ in ticks:
        w(f'<line x1="{x}" y1="{num(lanes_top)}" x2="{x}" y2="{num(axis_y)}"/>\n')
    w('</g>\n<g class="axis">\n')
    w(f'<line x1="{num(LEFT)}" y1="{num(axis_y)}" x2="{num(LEFT + PLOT)}" y2="{num(axis_y)}"/>\n')
    for x, label in ticks:
        w(f'<line x1="{x}" y1="{num(axis_y)}" x2="{x}" y2="{num(axis_y + 4)}"/>'
          f'<text class="tick" x="{x}" y="{num(axis_y + 16)}" text-anchor="middle">{label}</text>\n')
    w("</g>\n")

    # Each lane's states and VIP holding, as spans between its changes.
    now = {lane["name"]: lane.get("initial", "INIT") for lane in lanes}
    since = {lane["name"]: begin for lane in lanes}
    held = {}
    states = collections.defaultdict(list)
    vips = collections.defaultdict(list)
    for c in changes:
        r = c["router"]
        if "to" in c and c["to"] != now[r]:
            if c["at"] > since[r]:
                states[r].append((now[r], since[r], c["at"]))
            now[r], since[r] = c["to"], c["at"]
        if "holds_vip" in c:
            if c["holds_vip"] and r not in held:
                held[r] = (c["at"], c.get("vips", ""))
            elif not c["holds_vip"] and r in held:
                t0, text = held.pop(r)
                if c["at"] > t0:
                    vips[r].append((t0, c["at"], text))
    for lane in lanes:
        r = lane["name"]
        if end > since[r]:
            states[r].append((now[r], since[r], end))
        if r in held and end > held[r][0]:
            vips[r].append((held[r][0], end, held[r][1]))

    for i, lane in enumerate(lanes):
        r = lane["name"]
        top = lanes_top + LANE_HEIGHT * i
        name = escape(r)
        w(f'<g class="lane" id="lane-{i}" data-router="{name}" '
          f'data-group="{escape(lane.get("group", ""))}">\n')
        w(f'<text class="name" x="8" y="{num(top + BAR_TOP + 14)}">{name}</text>\n')
        if lane.get("detail"):
            w(f'<text class="detail" x="8" y="{num(top + BAR_TOP + 27)}">'
              f'{escape(lane["detail"])}</text>\n')
        for s, a, b in states[r]:
            x0 = x_of(a)
            w(f'<rect class="state state-{s}" data-state="{s}" data-begin="{secs(a)}" '
              f'data-end="{secs(b)}" x="{num(x0)}" y="{num(top + BAR_TOP)}" '
              f'width="{num(x_of(b) - x0)}" height="{num(BAR_HEIGHT)}">'
              f"<title>{name} {s} {secs(a)}s..{secs(b)}s</title></rect>\n")
        for a, b, text in vips[r]:
            x0 = x_of(a)
            what = escape(f"VIP {text}" if text else "the VIP")
            w(f'<rect class="vip" data-begin="{secs(a)}" data-end="{secs(b)}" x="{num(x0)}" '
              f'y="{num(top + VIP_TOP)}" width="{num(x_of(b) - x0)}" height="{num(VIP_HEIGHT)}">'
              f"<title>{name} holds {what} {secs(a)}s..{secs(b)}s</title></rect>\n")
        row_ends = [-1e9] * LABEL_ROWS
        for c in changes:
            if c["router"] != r or "to" not in c:
                continue
            reason = c.get("reason", "")
            text = reason or c["to"]
            x = x_of(c["at"])
            lb, le, tx, anchor_end = label_span(x, text)
            row = place_label(row_ends, lb, le)
            baseline = top + 10 + LABEL_ROW_HEIGHT * row
            because = f" ({escape(reason)})" if reason else ""
            anchor = ' text-anchor="end"' if anchor_end else ""
            w(f'<g class="transition" data-router="{name}" data-t="{secs(c["at"])}" '
              f'data-from="{c["from"]}" data-to="{c["to"]}" data-reason="{escape(reason)}">'
              f'<title>{secs(c["at"])}s {name}: {c["from"]} -&gt; {c["to"]}{because}</title>'
              f'<line x1="{num(x)}" y1="{num(baseline - 8)}" x2="{num(x)}" '
              f'y2="{num(top + BAR_TOP + BAR_HEIGHT)}"/>'
              f'<circle cx="{num(x)}" cy="{num(top + BAR_TOP)}" r="3"/>'
              f'<text x="{num(tx)}" y="{num(baseline)}"{anchor}>{escape(text)}</text></g>\n')
        w("</g>\n")

    if failures is not None:
        w(f'<g class="client" data-failed="{len(failures)}">\n')
        w(f'<text class="name" x="8" y="{num(fail_top + FAIL_BAR_TOP + 11)}">client</text>\n')
        w(f'<text class="detail" x="8" y="{num(fail_top + FAIL_BAR_TOP + 23)}">'
          f"failed requests</text>\n")
        for a, b, n, reasons in failure_marks(failures):
            x0 = x_of(a)
            width = max(2.0, x_of(b) - x0)
            why = ", ".join(f"{k} {v}" for k, v in sorted(reasons.items()))
            w(f'<rect class="failures" data-begin="{secs(a)}" data-end="{secs(b)}" '
              f'data-count="{n}" x="{num(x0)}" y="{num(fail_top + FAIL_BAR_TOP)}" '
              f'width="{num(width)}" height="{num(FAIL_BAR_HEIGHT)}">'
              f"<title>{n} failed {secs(a)}s..{secs(b)}s: {escape(why)}</title></rect>")
            w(f'<text class="fail-count" x="{num(x0 + width + 2)}" '
              f'y="{num(fail_top + FAIL_BAR_TOP + 11)}">{n}</text>\n')
        w("</g>\n")

    for a, b, routers in split_brains(p):
        x0 = x_of(a)
        width = x_of(b) - x0
        length = f"{b - a:.3f}"
        who = escape(f"{routers[0]} and {routers[1]} both" if len(routers) == 2
                     else ",".join(routers) + " all")
        w(f'<g class="split"><rect class="split-brain" data-begin="{secs(a)}" '
          f'data-end="{secs(b)}" data-routers="{escape(",".join(routers))}" x="{num(x0)}" '
          f'y="{num(lanes_top)}" width="{num(width)}" height="{num(lanes_bottom - lanes_top)}">'
          f"<title>split brain {length}s ({secs(a)}s..{secs(b)}s): {who} MASTER</title></rect>")
        if width >= 80:
            w(f'<text class="split-label" x="{num(x0 + width / 2)}" y="{num(lanes_bottom - 2)}" '
              f'text-anchor="middle">split brain {length}s</text>')
        w("</g>\n")

    note_ends = [-1e9] * NOTE_ROWS
    for n in notes:
        x = x_of(n["at"])
        lb, le, tx, anchor_end = label_span(x, n["text"])
        row = place_label(note_ends, lb, le)
        baseline = PLOT_TOP + 10 + NOTE_ROW_HEIGHT * row
        anchor = ' text-anchor="end"' if anchor_end else ""
        text = escape(n["text"])
        w(f'<g class="note" data-t="{secs(n["at"])}"><title>{secs(n["at"])}s {text}</title>'
          f'<line x1="{num(x)}" y1="{num(baseline - 8)}" x2="{num(x)}" '
          f'y2="{num(lanes_bottom_all)}"/>'
          f'<text x="{num(tx)}" y="{num(baseline)}"{anchor}>{text}</text></g>\n')
    w("</svg>\n")
    return "".join(out)
