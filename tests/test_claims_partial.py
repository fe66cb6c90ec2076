"""Verdicts rest on the grid they claim: partial grids say "incomplete", never a wrong verdict.

Every experiment's claims are evaluated on prefixes (by config, in file order) of its committed
full grid; a claim shows a verdict there only if it equals the full grid's verdict, which happens
only when the experiment declares (``Experiment.needs``) a subset already complete.
"""

import dataclasses
import warnings
from pathlib import Path

import pytest

from ccq.claims import VERDICTS, Claim, collect_claims, evaluate_claims, format_claims
from ccq.cli import discover_experiments
from ccq.experiment import Experiment, config_hash, load_results

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "experiments" / "results"
EXPERIMENTS = discover_experiments(ROOT)
WITH_RESULTS = sorted(n for n, e in EXPERIMENTS.items()
                      if e.claims is not None and (RESULTS / f"{n}.csv").exists())


def _prefix(rows, fraction):
    order = list(dict.fromkeys(str(r["config_hash"]) for r in rows))
    keep = set(order[: int(len(order) * fraction)])
    return [r for r in rows if str(r["config_hash"]) in keep]


#: committed grids known to be partial (none since the compress grids were rerun in full; a grid
#: committed partial must be listed here and its docs page must say why and how to rerun it)
KNOWN_INCOMPLETE: set[str] = set()


@pytest.mark.parametrize("name", WITH_RESULTS)
def test_prefix_of_committed_grid_is_incomplete_not_a_different_verdict(name):
    exp = EXPERIMENTS[name]
    rows = load_results(RESULTS / f"{name}.csv", exp)
    full = {c.id: c for c in evaluate_claims(exp, rows)}
    if name in KNOWN_INCOMPLETE:   # committed partial: every claim on it must say so
        assert any(c.configs is not None and c.configs < c.grid for c in full.values()), \
            f"{name} is complete now: remove it from KNOWN_INCOMPLETE"
        for c in full.values():
            if c.configs is not None and c.configs < c.grid:
                assert c.verdict in ("incomplete", "not measured", "error"), c
    else:
        for c in full.values():    # the committed grid is complete: real verdicts
            assert c.configs == c.grid and c.verdict not in ("incomplete", "error"), c
    for fraction in (0.25, 0.5):
        for c in evaluate_claims(exp, _prefix(rows, fraction)):
            assert c.verdict in VERDICTS
            if c.configs is not None and c.configs < c.grid:
                assert c.verdict in ("incomplete", "not measured", "error"), c
                if c.verdict != "not measured":
                    assert c.shown_verdict == f"{c.verdict} ({c.configs}/{c.grid})" or \
                        c.verdict == "error"
            elif c.id in full:
                assert c.verdict == full[c.id].verdict, (fraction, c, full[c.id])


@dataclasses.dataclass(frozen=True)
class C:
    n: int


def _exp(claims, needs=None):
    return Experiment("demo", lambda k, c: {"x": c.n}, grid=[C(1), C(2), C(3)], quick=[C(1)],
                      claims=claims, needs=needs)


def _rows(*ns):
    return [{"config_hash": config_hash("demo", C(n)), "n": n, "x": n} for n in ns]


def _holds(rows):
    return [Claim("demo.a", "ccq", "a", "", f"{len(rows)} rows", "holds"),
            Claim("demo.b", "ccq", "b", "", "", "holds")]


def test_declared_subset_keeps_its_verdict_and_counts_are_reported():
    exp = _exp(_holds, needs={"demo.b": lambda c: c.n <= 2})
    got = {c.id: c for c in evaluate_claims(exp, _rows(1, 2))}
    assert got["demo.a"].shown_verdict == "incomplete (2/3)"
    assert got["demo.a"].measured.startswith("on 2/3 configs")
    assert (got["demo.b"].verdict, got["demo.b"].configs, got["demo.b"].grid) == ("holds", 2, 2)
    full = {c.id: c for c in evaluate_claims(exp, _rows(1, 2, 3))}
    assert full["demo.a"].verdict == "holds" and full["demo.a"].configs == 3
    assert evaluate_claims(exp, [])[0].verdict == "not measured"
    assert evaluate_claims(exp, _rows(1), quick=True)[0].verdict == "holds"   # quick grid


def test_rows_of_other_grids_or_versions_are_not_counted():
    stale = [{"config_hash": config_hash("demo", C(3), version=0), "n": 3, "x": 3}]
    got = evaluate_claims(_exp(_holds), _rows(1, 2) + stale)
    assert got[0].measured.endswith("2 rows") and got[0].configs == 2


def test_a_claim_function_that_raises_is_a_row_not_a_traceback(tmp_path):
    def broken(rows):
        return [next(r for r in rows if r["n"] == 3)]     # StopIteration on a partial grid

    got = evaluate_claims(_exp(broken), _rows(1))
    assert len(got) == 1 and got[0].shown_verdict == "incomplete (1/3)"
    assert "StopIteration" in got[0].measured and "1/3" in got[0].measured
    got = evaluate_claims(_exp(lambda rows: 1 / 0), _rows(1, 2, 3))      # on the full grid
    assert got[0].verdict == "error" and "ZeroDivisionError" in got[0].measured
    (tmp_path / "demo.csv").write_text("not,a,results,file\r\n1,2,3,4\r\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rows = collect_claims({"demo": _exp(_holds)} | {
            n: dataclasses.replace(_exp(_holds), name=n) for n in ("dup", "dup2")}, tmp_path)
    assert rows[0].verdict == "error" and "results unusable" in rows[0].measured
    # "dup" and "dup2" state the same claim ids: reported as rows, not raised
    assert [c.id for c in rows if c.verdict == "error"] == ["demo.claims", "demo.a", "demo.b"]
    assert "error" in format_claims(rows)
