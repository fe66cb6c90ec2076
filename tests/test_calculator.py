"""``ccq calc`` and the HTML calculator: compiled from the same sympy bounds, and they agree.

The topic tables reference bounds by the naming contract; the GapIP bounds here are small fixtures
under those names (the real ones land with issue 3), so the tables, winners and crossovers are
tested today. The real-browser test is in ``test_calculator_browser.py``.
"""

import json
import math
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest
import sympy as sp

from ccq import calculator, cli
from ccq.bounds import Bound, registry
from ccq.bounds._bound import point_in_domain
from ccq.calculator import (
    TOPICS,
    Method,
    Topic,
    calc_main,
    calculator_html,
    evaluate_topic,
    javascript_function,
)

tau, delta = sp.symbols("tau delta", positive=True)
P = sp.Symbol("P", positive=True, integer=True)
b = sp.Symbol("b", positive=True, integer=True)
_n = 1 + sp.ceiling(sp.log(P, 2))


def fixture_bounds():
    """GapIP-shaped fixtures under contract names (not the real bounds of issue 3)."""
    fx = [
        Bound("gapip.swap_qubits", 2 * _n * 8 * sp.log(1 / delta) / tau**2, "fixture", "upper",
              "test fixture", quantity="qubits"),
        Bound("gapip.ae_qubits", 2 * _n * sp.pi / tau * sp.log(1 / delta), "fixture", "upper",
              "test fixture", quantity="qubits"),
        Bound("gapip.ae_rounds", sp.pi / tau * sp.log(1 / delta), "fixture", "upper",
              "test fixture", quantity="rounds"),
        Bound("gapip.simhash_bits", sp.pi**2 * sp.log(1 / delta) / (2 * tau**2), "fixture",
              "upper", "test fixture", quantity="bits"),
        Bound("gapip.exact_bits", P * b, "fixture", "upper", "test fixture", quantity="bits"),
        Bound("gapip.classical_lower", sp.Min(1 / tau**2, P), "fixture", "lower",
              "test fixture", quantity="bits"),
        Bound("fx.break_even", sp.Float(0.6667), "a number", "exact", "test fixture",
              quantity="fidelity"),
    ]
    return {**without("gapip."), **{f.name: f for f in fx}}


#: the GapIP table as plain bound names (the real one rounds budgets up like the protocols)
FX_TOPIC = Topic("gapipfx", "GapIP_tau fixture", "tau", (
    Method("swap test (augmented)", "quantum", {"qubits": "gapip.swap_qubits", "rounds": 1}),
    Method("amplitude estimation", "quantum",
           {"qubits": "gapip.ae_qubits", "rounds": "gapip.ae_rounds"}),
    Method("SimHash (public coins)", "classical", {"bits": "gapip.simhash_bits", "rounds": 1}),
    Method("Gaussian / JL sketch", "classical", {"bits": "gapip.jl_bits", "rounds": 1}),
    Method("send g (b bits per entry)", "classical", {"bits": "gapip.exact_bits", "rounds": 1}),
    Method("classical lower bound (Gap-Hamming)", "lower bound",
           {"bits": "gapip.classical_lower"}),
), crossovers=(("amplitude estimation", "SimHash (public coins)"),
               ("swap test (augmented)", "SimHash (public coins)")))


@pytest.fixture
def fx_topic(monkeypatch):
    monkeypatch.setitem(calculator.TOPICS, "gapipfx", FX_TOPIC)
    return FX_TOPIC


def without(*prefixes):
    """The registry less some topics: the state before their branches merged, on any branch."""
    return {k: v for k, v in registry().items() if not k.startswith(prefixes)}


# ---------------------------------------------------------------------------------- topics
def test_topic_table_winner_and_exact_crossover():
    bounds = fixture_bounds()
    out = evaluate_topic(FX_TOPIC, {"tau": 0.01, "P": 10**9, "delta": 0.01, "b": 16}, bounds)
    rows = {r["label"]: r for r in out["methods"]}
    ae = rows["amplitude estimation"]
    assert ae["costs"]["qubits"] == pytest.approx(2 * 31 * math.pi / 0.01 * math.log(100))
    assert ae["costs"]["rounds"] == pytest.approx(math.pi / 0.01 * math.log(100))
    assert ae["total"] == ae["costs"]["qubits"]          # rounds are not communication
    assert rows["send g (b bits per entry)"]["total"] == 16 * 10**9
    assert out["winner"] == "amplitude estimation"
    assert not rows["Gaussian / JL sketch"]["available"]
    assert out["skipped"] == ["gapip.jl_bits"]
    [ae_vs_simhash] = [c for c in out["crossovers"] if c["a"] == "amplitude estimation"]
    [root] = ae_vs_simhash["roots"]
    assert root["method"] == "exact"
    # 2 (1 + 30) pi / tau = pi^2 / (2 tau^2)  <=>  tau* = pi / (4 * 31)
    assert root["value"] == pytest.approx(math.pi / 124, rel=1e-12)
    assert "pi" in root["formula"]


def test_topic_with_every_name_missing_runs_and_says_so():
    out = evaluate_topic("ring", {"N": 8}, without("ring."))
    assert out["winner"] is None and out["crossovers"] == []
    assert "ring.classical_bits_per_link" in out["skipped"]


def test_topic_tables_reference_contract_names():
    for topic in TOPICS.values():
        for m in topic.methods:
            assert m.family in ("quantum", "classical", "lower bound", "reference")
            for ref in m.costs.values():
                for name in re.findall(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+", str(ref)):
                    assert name.split(".")[0] in {
                        "gapip", "tieaudit", "ring", "superdense", "ghz", "securagg", "compress",
                        "qmodel", "ae", "sampling", "concentration", "encoding", "swap",
                        "latency"}, name
        for a, c in topic.crossovers:
            topic.method(a), topic.method(c)


# ---------------------------------------------------------------------------------- ccq calc
def test_calc_topic_text_and_json(capsys, fx_topic):
    bounds = fixture_bounds()
    assert calc_main(["gapipfx", "--tau", "0.01", "--dim", "1e9", "delta=0.01"], bounds) == 0
    text = capsys.readouterr().out
    assert "amplitude estimation" in text and "winner" in text and "tau* = 0.0253354 [exact" in text
    assert "b=8 (default)" in text and "skipped (not in ccq.bounds yet): gapip.jl_bits" in text
    calc_main(["gapipfx", "--tau=0.01", "--dim", "1e9", "--json"], bounds)
    out = json.loads(capsys.readouterr().out)
    assert out["params"]["P"] == 10**9 and out["winner"] == "amplitude estimation"
    assert {r["label"] for r in out["methods"] if r["available"]} >= {"SimHash (public coins)"}


def test_calc_lists_topics_and_evaluates_bounds(capsys):
    calc_main([], without("ring."))
    listing = capsys.readouterr().out
    assert re.search(r"ring +not available yet", listing)
    assert re.search(r"estimation +\d method", listing)
    calc_main(["bound", "sampling.threshold_shots", "gap=0.1", "delta=0.05"])
    assert "599.146" in capsys.readouterr().out
    calc_main(["bound", "concentration.median_repetitions", "--delta", "1e-3", "--p", "0.75",
               "--json"])
    out = json.loads(capsys.readouterr().out)
    assert out["value"] == pytest.approx(math.log(1e3) / (2 * 0.25**2))
    assert out["domains"]["p"] == "(1/2, 1]"
    calc_main(["crossover", "sampling.hoeffding_shots", "concentration.bhmt_queries_worst", "eps",
               "delta=0.05"])
    assert "eps* = 0.441" in capsys.readouterr().out


@pytest.mark.parametrize(("argv", "message"), [
    (["gapipp"], "unknown topic 'gapipp'"),
    (["bound", "sampling.threshold_shot", "gap=0.1", "delta=0.1"],
     "did you mean sampling.threshold_shots"),
    (["bound", "sampling.threshold_shots", "gap=0.1"], r"needs values for \['delta'\]"),
    (["bound", "sampling.threshold_shots", "gap=0.1", "delta=1.5"],
     r"delta=1.5 is outside \(0, 1\)"),
    (["bound", "sampling.threshold_shots", "gap=0.1", "delta=0.1", "tau=3"],
     r"has no symbol\(s\) \['tau'\]"),
    (["bound", "sampling.threshold_shots", "gap=x"], "gap must be a number"),
    (["gapip", "--tau", "2", "--dim", "1e9"], r"tau=2 is outside \(0, 1\]"),
    (["gapip", "--dim", "1000.5"], "P=1000.5 must be an integer"),
    (["gapip", "--widht", "3"], r"unknown parameter\(s\) \['widht'\]"),
    (["sampling.threshold_shots"], "is a bound; use `ccq calc bound"),
])
def test_calc_errors_are_clear(argv, message):
    with pytest.raises(SystemExit, match=message):
        calc_main(argv, fixture_bounds())


def test_calc_through_the_cli_exits_non_zero():
    bad = subprocess.run([sys.executable, "-m", "ccq", "calc", "bound", "swap.acceptance",
                          "overlap=2"], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "overlap=2 is outside [0, 1]" in bad.stderr


def test_cli_dispatches_calc_and_lists_it(capsys):
    assert cli.main(["calc", "bound", "swap.acceptance", "overlap=1"]) == 0
    assert "1" in capsys.readouterr().out
    assert cli.main(["--help"]) == 0
    assert "calc" in capsys.readouterr().out


# ---------------------------------------------------------------------------------- the page
def test_every_bound_compiles_or_is_listed_as_skipped(tmp_path, capsys):
    page = calculator_html()
    for name in registry():
        assert (f'"{name}"' in page) or (name in page and "Not compiled" in page)
    scripts = "".join(page.split("<script>")[1:])
    assert "http" not in scripts and "<script src" not in page and "<link" not in page  # offline
    for topic in TOPICS:
        assert f'"name": "{topic}"' in page
    calc_main(["--html", str(tmp_path / "c.html")])
    assert (tmp_path / "c.html").read_text(encoding="utf-8") == page


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_javascript_values_equal_python_values():
    cases = []
    for name, bound in fixture_bounds().items():
        js = javascript_function(bound)
        if js is None:
            continue
        for u in (0.2, 0.7):
            values = point_in_domain(bound, dict.fromkeys(bound.symbols, u))
            with np.errstate(all="ignore"):
                expected = np.asarray(bound.numeric(**values))
            if np.iscomplexobj(expected) or not np.isfinite(expected):
                continue        # outside the formula's real domain, where no range is declared
            cases.append((name, js, values, float(expected)))
    script = "const out = [];\n" + "\n".join(
        f"out.push(({js})({json.dumps(v)}));" for _, js, v, _ in cases
    ) + "\nconsole.log(JSON.stringify(out));"
    got = json.loads(subprocess.run(["node", "-e", script], capture_output=True, text=True,
                                    check=True, timeout=60).stdout)
    for (name, _, _, expected), value in zip(cases, got, strict=True):
        assert value == pytest.approx(expected, rel=1e-12), name


def test_every_bound_declares_what_it_counts():
    # an overlap and a difference of overlaps are the only plain values
    plain = {n for n, b in registry().items() if b.quantity == "value"}
    assert plain <= {"encoding.augmented_overlap", "gapip.overlap_gap"}, sorted(plain)
    for n, b in registry().items():
        head = n.split(".")[1]
        if head.endswith(("_bits", "_qubits")) and "expansion" not in head:
            assert b.quantity in ("bits", "qubits"), n


def test_calc_latency_network_presets(capsys):
    from ccq.calculator import NETWORKS

    assert calc_main(["latency", "--network", "tomorrow_datacenter", "--tau", "0.01",
                      "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {k: out["params"][k] for k in ("km", "R", "B")} == NETWORKS["tomorrow_datacenter"]
    assert out["winner"] is not None and out["metric"] == ["seconds"]
    # an explicit value overrides the preset's
    calc_main(["latency", "--network", "today_metro", "R=1e9", "--json"])
    assert json.loads(capsys.readouterr().out)["params"]["R"] == 10**9
    for argv in (["latency", "--network", "nope"], ["gapip", "--network", "today_metro"]):
        with pytest.raises(SystemExit, match="network"):
            calc_main(argv)
