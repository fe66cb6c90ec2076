"""Contract tests over the committed full-grid results: every experiment's claims evaluate on
them (every figure redraws from them: tests/test_outputs.py).

Figures and claims read results and bounds only, so this is cheap, and it catches what a quick
run can miss: a figure or claim that breaks on the full grid's shapes or values (a bound evaluated
outside its domain, a ratio whose denominator underflows).
"""

from pathlib import Path

import pytest

from ccq.claims import VERDICTS
from ccq.cli import discover_experiments, discover_figures
from ccq.experiment import load_results

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "experiments" / "results"
MODULES = discover_figures(ROOT)
FIGURES = sorted(MODULES)
EXPERIMENTS = discover_experiments(ROOT)


def test_every_figure_script_is_discovered():
    assert len(FIGURES) >= 20, FIGURES


@pytest.mark.parametrize("name", sorted(EXPERIMENTS))
def test_claims_evaluate_on_committed_results(name):
    exp = EXPERIMENTS[name]
    path = RESULTS / f"{name}.csv"
    if exp.claims is None:
        pytest.skip(f"{name} states no claims")
    if not path.exists():
        pytest.skip(f"no committed full results for {name}")
    claims = exp.claims(load_results(path))
    assert claims, name
    for claim in claims:
        assert claim.verdict in VERDICTS, claim
        assert claim.verdict != "not measured", claim   # a full grid measures every claim
