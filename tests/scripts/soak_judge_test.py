"""scripts/soak's judgement of the VIP samples after a fault (no root: pure functions).

A sample is (time, (host a holds the VIP, host b holds it)). The fault ended at 10.0; the pair's
bound (Master_Down_Interval + slack) is 1.0 s and a blip is at most 0.3 s.
"""
import importlib.machinery
import importlib.util
import os
import sys

sys.dont_write_bytecode = True   # no __pycache__ beside scripts/soak
HERE = os.path.dirname(os.path.abspath(__file__))
SOAK = os.path.join(HERE, "..", "..", "scripts", "soak")


def load_soak():
    loader = importlib.machinery.SourceFileLoader("soak", SOAK)
    spec = importlib.util.spec_from_loader("soak", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


soak = load_soak()
A, B, BOTH, NONE = (True, False), (False, True), (True, True), (False, False)


def series(*spans):
    """Samples every 50 ms: spans of (from, to, holders)."""
    out = []
    for start, end, holds in spans:
        t = start
        while t < end - 1e-9:
            out.append((round(t, 3), holds))
            t += 0.05
    return out


def judge(samples, until=20.0):
    return soak.judge(samples, 10.0, until, 1.0, 0.3)


def test_one_holder_throughout_converges_at_once():
    converged, blips, late, _ = judge(series((9.0, 20.0, A)))
    assert converged == 0.0 and blips == 0 and late == []


def test_two_holders_resolved_within_the_bound():
    converged, blips, late, _ = judge(series((10.0, 10.6, BOTH), (10.6, 20.0, A)))
    assert abs(converged - 0.6) < 1e-6 and late == []


def test_nobody_until_past_the_bound_is_late():
    converged, _, _, _ = judge(series((10.0, 11.5, NONE), (11.5, 20.0, B)))
    assert converged > 1.0


def test_never_one_holder():
    converged, _, late, _ = judge(series((10.0, 20.0, BOTH)))
    assert converged is None


def test_a_hand_over_seen_by_one_poll_is_a_blip():
    converged, blips, late, _ = judge(series((10.0, 14.0, B), (14.0, 14.05, BOTH),
                                             (14.05, 20.0, A)))
    assert converged == 0.0 and blips == 1 and late == []


def test_two_holders_after_convergence_are_reported():
    converged, blips, late, _ = judge(series((10.0, 15.0, A), (15.0, 16.0, BOTH),
                                             (16.0, 20.0, A)))
    assert converged == 0.0
    assert late == [(15.0, 16.0, 2)]


def test_a_long_deviation_that_began_early_sets_the_convergence():
    # One holder at the end of the fault, then both from 10.5 to 11.2: converged at 11.2.
    converged, _, late, _ = judge(series((10.0, 10.5, A), (10.5, 11.2, BOTH), (11.2, 20.0, A)))
    assert abs(converged - 1.2) < 1e-6 and late == []


def test_samples_outside_the_window_do_not_count():
    samples = series((5.0, 10.0, BOTH), (10.0, 20.0, A), (20.0, 25.0, NONE))
    converged, blips, late, _ = judge(samples, until=20.0)
    assert converged == 0.0 and blips == 0 and late == []


def test_skew_time_in_integer_centiseconds():
    # RFC 5798 §6.1: ((256 - 100) x 100 cs) / 256 = 60 cs; at 0.1 s: 6 cs.
    assert soak.skew(100, 1.0) == 0.6
    assert soak.skew(100, 0.1) == 0.06


def test_no_holder_after_convergence_is_reported():
    converged, _, late, _ = judge(series((10.0, 15.0, B), (15.0, 16.0, NONE), (16.0, 20.0, B)))
    assert converged == 0.0
    assert late == [(15.0, 16.0, 0)]


class FakeHost:
    vrrpd = True
    name = "p0a"

    def __init__(self, log):
        self.log = log


def reload_fault(tmp_path, kind, before, after):
    log = tmp_path / "daemon.log"
    log.write_text(before)
    fault = soak.Fault(kind, "p0a", "")
    fault.host, fault.log_offset = FakeHost(str(log)), len(before)
    with open(log, "a") as f:
        f.write(after)
    return soak.reload_logged(fault)


def test_a_broken_file_must_be_refused_then_the_good_one_read(tmp_path):
    refused = "Reload refused, the running configuration stays: x\nReload finished: 1 instances\n"
    assert reload_fault(tmp_path, "hup_bad", "", refused) is None
    # The same lines before the fault do not count.
    assert "Reload refused" in reload_fault(tmp_path, "hup_bad", refused,
                                            "Reload finished: 1 instances\n")
    assert "Reload finished" in reload_fault(tmp_path, "hup_good", "", "Reloading\n")


def test_a_hole_in_the_samples_is_not_a_late_convergence():
    # One holder until the fault's end, then no sample until 11.6 (a starved monitor).
    converged, _, _, unobserved = judge(series((9.0, 9.95, A), (11.6, 20.0, A)))
    assert converged > 1.0 and unobserved


def test_a_late_convergence_seen_in_the_samples_is_observed():
    converged, _, _, unobserved = judge(series((10.0, 11.5, BOTH), (11.5, 20.0, A)))
    assert converged > 1.0 and not unobserved
    # Two holders seen until 10.4, then a hole until 11.6: not evidence either way.
    converged, _, _, unobserved = judge(series((10.0, 10.4, BOTH), (11.6, 20.0, A)))
    assert converged > 1.0 and unobserved
