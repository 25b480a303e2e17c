#!/usr/bin/env bash
# vrrp-sim as a program: the built-in seed lab is scenarios/seed-lab.sim (same output), --json is
# one valid JSON object per line with the documented fields and types, the seed lab's takeovers
# happen at the times RFC 3768 §6.1's formulas give (computed here in Python), invalid scenarios
# exit 1 with "file:line: message", and the usage paths.
#
#   cli_test.sh path/to/vrrp-sim path/to/scenarios
set -u
SIM=${1:?usage: cli_test.sh VRRP_SIM SCENARIOS_DIR}
SCENARIOS=${2:?usage: cli_test.sh VRRP_SIM SCENARIOS_DIR}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/vrrp-sim-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

failures=0
checks=0
pass() { checks=$((checks + 1)); }
fail() {
  checks=$((checks + 1))
  failures=$((failures + 1))
  echo "FAIL: $*" >&2
}
expect_eq() {  # NAME EXPECTED ACTUAL
  if [[ "$2" == "$3" ]]; then pass; else fail "$1: expected '$2', got '$3'"; fi
}
expect_contains() {  # NAME HAYSTACK NEEDLE
  if [[ "$2" == *"$3"* ]]; then pass; else fail "$1: '$3' not in: $2"; fi
}

# --- The built-in lab and the shipped file give the same output. ---
"$SIM" >"$TMP/builtin.txt" 2>&1
expect_eq "no-argument exit status" 0 $?
"$SIM" "$SCENARIOS/seed-lab.sim" >"$TMP/file.txt" 2>&1
expect_eq "seed-lab.sim exit status" 0 $?
if cmp -s "$TMP/builtin.txt" "$TMP/file.txt"; then pass; else
  fail "built-in and seed-lab.sim text differ: $(diff "$TMP/builtin.txt" "$TMP/file.txt")"
fi
"$SIM" --json >"$TMP/builtin.json"
"$SIM" --json "$SCENARIOS/seed-lab.sim" >"$TMP/file.json"
if cmp -s "$TMP/builtin.json" "$TMP/file.json"; then pass; else
  fail "built-in and seed-lab.sim JSON differ"
fi
"$SIM" --print-seed-lab >"$TMP/printed.sim"
if cmp -s "$TMP/printed.sim" "$SCENARIOS/seed-lab.sim"; then pass; else
  fail "--print-seed-lab differs from seed-lab.sim"
fi
text=$(cat "$TMP/builtin.txt")
expect_contains "human takeover line" "$text" \
  "  13.01s  lb-6  BACKUP -> MASTER  (master_down_timer)  VIP 192.0.2.3 now on lb-6"
expect_contains "human split brain" "$text" "SPLIT BRAIN on vrid 50: lb-5 and lb-6 are both MASTER"
expect_contains "human summary" "$text" "vrid 50: lb-5 is MASTER; VIP 192.0.2.3 on lb-5"
expect_contains "human split brain time" "$text" "split brain: 7.00s"
if [[ "$text" == *1111* ]]; then fail "the PASS key was printed"; else pass; fi

# --- JSON: fields, types, and the seed lab's times from the RFC formulas. ---
out=$(python3 - "$TMP/builtin.json" <<'PY' 2>&1
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert lines, "no output"
events = []
for n, line in enumerate(lines, 1):
    o = json.loads(line)
    assert isinstance(o, dict), f"line {n}: not an object"
    for k in ("t", "router", "event", "from", "to", "reason"):
        assert k in o, f"line {n}: no {k}"
    assert isinstance(o["t"], (int, float)) and not isinstance(o["t"], bool), f"line {n}: t"
    assert isinstance(o["router"], str) and isinstance(o["event"], str), f"line {n}"
    if o["event"] == "transition":
        for k in ("from", "to", "reason"):
            assert isinstance(o[k], str), f"line {n}: {k} is not a string"
    else:
        assert o["from"] is None and o["to"] is None and o["reason"] is None, f"line {n}"
    if o["event"] in ("vip_add", "vip_remove", "announce"):
        assert isinstance(o["addresses"], list) and all(isinstance(a, str) for a in o["addresses"])
    events.append(o)
times = [o["t"] for o in events]
assert times == sorted(times), "time goes backwards"
summary = events[-1]
assert summary["event"] == "summary", "last line is not the summary"
assert summary["masters"] == ["lb-5"], summary
assert isinstance(summary["transitions"], int) and isinstance(summary["split_brain_s"], float)

# RFC 3768 §6.1: Skew_Time = (256 - Priority) / 256 s (whole centiseconds, truncated);
# Master_Down_Interval = 3 * Advertisement_Interval + Skew_Time.
down = lambda p: 300 + (256 - p) * 100 // 256
cs = lambda t: round(t * 100)
lb5 = down(150)                              # 3.41 s: lb-5's timer expires first
lb6 = lb5 + (1000 - lb5) // 100 * 100 + down(100)  # 3.60 s after lb-5's last advert before 10 s
back = 2000 + down(150)                      # lb-5 returns at 20 s and preempts
split = back + (3000 - back) // 100 * 100 + down(100)  # lb-6 deaf to lb-5 from 30 s
healed = split + -(-(4000 - split) // 100) * 100       # lb-6's first advert after 40 s
want = [
    (0, "lb-5", "INIT", "BACKUP", "startup"),
    (0, "lb-6", "INIT", "BACKUP", "startup"),
    (lb5, "lb-5", "BACKUP", "MASTER", "master_down_timer"),
    (lb6, "lb-6", "BACKUP", "MASTER", "master_down_timer"),
    (2000, "lb-5", "INIT", "BACKUP", "startup"),
    (back, "lb-5", "BACKUP", "MASTER", "preempted"),
    (back, "lb-6", "MASTER", "BACKUP", "higher_priority_received"),
    (split, "lb-6", "BACKUP", "MASTER", "master_down_timer"),
    (healed, "lb-6", "MASTER", "BACKUP", "higher_priority_received"),
]
got = [(cs(o["t"]), o["router"], o["from"], o["to"], o["reason"])
       for o in events if o["event"] == "transition"]
assert got == want, f"transitions\n got  {got}\n want {want}"
assert (lb6, split, healed) == (1301, 3301, 4001)

# Replay: the masters at each instant (crashed routers are not masters).
def masters_at(t_cs):
    state, alive = {}, {}
    for o in events:
        if cs(o["t"]) > t_cs:
            break
        if o["event"] == "transition":
            state[o["router"]] = o["to"]
        elif o["event"] == "crash":
            alive[o["router"]] = False
        elif o["event"] == "restart":
            alive[o["router"]] = True
            state[o["router"]] = "INIT"
    return sorted(r for r, s in state.items() if s == "MASTER" and alive.get(r, True))
assert masters_at(3500) == ["lb-5", "lb-6"], masters_at(3500)   # during the block
assert masters_at(3999) == ["lb-5", "lb-6"]
assert masters_at(healed) == ["lb-5"], masters_at(healed)       # one after the heal
assert masters_at(1500) == ["lb-6"]
sb = [o for o in events if o["event"].startswith("split_brain")]
assert [(o["event"], cs(o["t"])) for o in sb] == [("split_brain", split), ("split_brain_over", healed)]
assert cs(summary["split_brain_s"]) == healed - split
print("ok")
PY
)
expect_eq "seed lab JSON" ok "$out"

# Every shipped scenario runs and gives valid JSON.
for f in "$SCENARIOS"/*.sim; do
  if "$SIM" --json "$f" >"$TMP/s.json" 2>"$TMP/s.err" &&
     python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$TMP/s.json"; then
    pass
  else
    fail "$f: $(cat "$TMP/s.err")"
  fi
done

# --- Invalid scenarios: exit 1, "file:line: message" on stderr, nothing on stdout. ---
ROUTERS='router a address 192.0.2.1 vip 192.0.2.100
router b address 192.0.2.2 vip 192.0.2.100'
bad() {  # NAME EXPECTED_MESSAGE_AFTER_FILE BODY
  printf '%s\n' "$3" >"$TMP/bad.sim"
  "$SIM" "$TMP/bad.sim" >"$TMP/bad.out" 2>"$TMP/bad.err"
  expect_eq "$1: exit status" 1 $?
  expect_eq "$1: message" "$TMP/bad.sim:$2" "$(cat "$TMP/bad.err")"
  expect_eq "$1: stdout" "" "$(cat "$TMP/bad.out")"
}
bad "unknown keyword" "3: unknown keyword 'routr'" "$ROUTERS
routr c
run until 5"
bad "bad number" "1: bad number 'high' for priority" \
  "router a address 192.0.2.1 vip 192.0.2.100 priority high"
bad "unknown router" "3: unknown router c" "$ROUTERS
t=1 crash c
run until 5"
bad "time backwards" "4: time goes backwards: t=2 comes after t=3 (line 3)" "$ROUTERS
t=3 crash a
t=2 restart a
run until 5"
bad "missing value" "1: missing value for vrid" "router a address 192.0.2.1 vip 192.0.2.100 vrid"
bad "missing run until" "3: missing \`run until SECONDS\` at the end of the scenario" "$ROUTERS
t=1 heal"
bad "config validation" "1: router a: advert_int 50cs is not a whole number of seconds, which VRRPv2 requires" \
  "router a address 192.0.2.1 vip 192.0.2.100 interval 0.5"

# --- Usage. ---
help=$("$SIM" --help)
expect_eq "--help exit status" 0 $?
expect_contains "--help" "$help" "Usage: vrrp-sim"
expect_contains "--help grammar" "$help" "block A->B"
"$SIM" -h >/dev/null
expect_eq "-h exit status" 0 $?
"$SIM" --frobnicate >/dev/null 2>"$TMP/err"
expect_eq "unknown option exit status" 1 $?
expect_contains "unknown option" "$(cat "$TMP/err")" "unknown option --frobnicate"
"$SIM" "$TMP/does-not-exist.sim" >/dev/null 2>"$TMP/err"
expect_eq "missing file exit status" 1 $?
expect_contains "missing file" "$(cat "$TMP/err")" "cannot read $TMP/does-not-exist.sim"
"$SIM" - <"$SCENARIOS/seed-lab.sim" >"$TMP/stdin.txt"
if cmp -s "$TMP/stdin.txt" "$TMP/builtin.txt"; then pass; else fail "stdin output differs"; fi

echo "$checks checks, $failures failed"
[[ $failures -eq 0 ]]
