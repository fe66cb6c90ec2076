"""Contract test over every figure script: it redraws from the committed full-grid results.

Figures read results and bounds only, so this is cheap, and it catches what a quick run can miss:
a figure that breaks on the full grid's shapes, or evaluates a bound outside its domain.
"""

from pathlib import Path

import pytest

from ccq.cli import discover_figures

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "experiments" / "results"
MODULES = discover_figures(ROOT)
FIGURES = sorted(MODULES)


def test_every_figure_script_is_discovered():
    assert len(FIGURES) >= 20, FIGURES


@pytest.mark.parametrize("name", FIGURES)
def test_figure_redraws_from_committed_results(name, tmp_path):
    module = MODULES[name]
    missing = [r for r in module.REQUIRES if not (RESULTS / f"{r}.csv").exists()]
    if missing:
        pytest.skip(f"no committed full results for {missing} (run `ccq reproduce --only ...`)")
    path = Path(module.plot(RESULTS, tmp_path))
    assert path.exists() and path.stat().st_size > 10_000, path
