"""The committed outputs (paper_figures/out/) are exactly what the committed results draw, every
figure passes the hygiene rules, the README's claims block is what claims.csv renders, and a quick
run is kept apart and marked.

Regenerate the committed outputs after changing results, a figure or a claim with one command:
``python -m ccq reproduce`` (nothing is recomputed when the results hold every config).
"""

import json
from pathlib import Path

import matplotlib
import pytest

from ccq.cli import discover_figures
from ccq.reproduce import (
    QUICK_MARK,
    all_claims,
    claims_markdown,
    outputs_dir,
    readme_block,
    reproduce,
)

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "experiments" / "results"
OUT = outputs_dir(ROOT, quick=False)
MODULES = discover_figures(ROOT)
STYLE = __import__("paper_figures._style", fromlist=["hygiene"])
REGENERATE = "regenerate with `python -m ccq reproduce` and commit paper_figures/out/"

# Figures owned by other branches that still break a hygiene rule. strict: once a figure is fixed
# its entry must go (the test then fails as XPASS), so the list only shrinks.
KNOWN_UNHYGIENIC: dict[str, str] = {}


def _same_renderer() -> bool:
    path = OUT / "versions.json"
    if not path.exists():
        return False
    return json.loads(path.read_text())["matplotlib"] == matplotlib.__version__


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    """Every figure drawn once from the committed results: ``{name: (out_dir, problems)}``."""
    out = tmp_path_factory.mktemp("figures")
    found = {}

    def hook(fig, name):
        found[name] = STYLE.hygiene(fig)

    STYLE.AFTER_DRAW.append(hook)
    try:
        done = {}
        for name, module in MODULES.items():
            if all((RESULTS / f"{r}.csv").exists() for r in module.REQUIRES):
                module.plot(RESULTS, out)
                done[name] = found.get(name, ["figure was not written with _style.save"])
        return out, done
    finally:
        STYLE.AFTER_DRAW.remove(hook)


def test_every_figure_has_committed_results():
    assert len(MODULES) >= 20, sorted(MODULES)
    missing = {n: m.REQUIRES for n, m in MODULES.items()
               if not all((RESULTS / f"{r}.csv").exists() for r in m.REQUIRES)}
    assert not missing, f"figures without committed full results: {missing}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_figure_hygiene(name, drawn, request):
    if name in KNOWN_UNHYGIENIC:
        request.applymarker(pytest.mark.xfail(reason=KNOWN_UNHYGIENIC[name], strict=True))
    _, done = drawn
    assert done[name] == [], f"{name}: {done[name]}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_committed_figure_is_what_the_results_draw(name, drawn):
    out, _ = drawn
    for ext in ("svg", "png"):
        committed = OUT / f"{name}.{ext}"
        assert committed.exists(), f"{committed} is missing; {REGENERATE}"
    if not _same_renderer():
        pytest.skip(f"committed figures were drawn by another matplotlib than "
                    f"{matplotlib.__version__} ({OUT / 'versions.json'}); {REGENERATE}")
    assert (out / f"{name}.svg").read_text() == (OUT / f"{name}.svg").read_text(), \
        f"{name}.svg differs from the committed one; {REGENERATE}"
    assert (out / f"{name}.png").read_bytes() == (OUT / f"{name}.png").read_bytes(), \
        f"{name}.png differs from the committed one; {REGENERATE}"


def test_committed_claims_csv_is_what_the_results_give(tmp_path):
    from ccq.claims import write_claims

    fresh = write_claims(all_claims(ROOT, RESULTS), tmp_path / "claims.csv").read_text()
    assert fresh == (OUT / "claims.csv").read_text(), f"claims.csv is stale; {REGENERATE}"


def test_committed_calculator_page_is_current():
    from ccq.calculator import calculator_html

    assert calculator_html() == (OUT / "calculator.html").read_text(encoding="utf-8"), \
        f"calculator.html is stale; {REGENERATE}"


def test_readme_claims_block_is_rendered_from_claims_csv():
    ids, table, _ = readme_block((ROOT / "README.md").read_text(encoding="utf-8"))
    assert len(ids) >= 15
    assert table == claims_markdown(OUT / "claims.csv", ids), f"README claims block; {REGENERATE}"


def test_quick_outputs_are_apart_and_marked(tmp_path):
    quick_out = outputs_dir(ROOT, quick=True)
    assert quick_out != OUT and quick_out.is_relative_to(OUT)
    ignore = (ROOT / ".gitignore").read_text().split()
    assert "paper_figures/out/quick/" in ignore and "experiments/results/quick/" in ignore
    assert "paper_figures/out/" not in ignore
    claims = reproduce(ROOT, quick=True, only=["superdense_noise"], results=tmp_path / "res",
                       out_dir=tmp_path / "out", progress=False)
    assert claims and all(c.measured.startswith(QUICK_MARK) for c in claims)
    assert "quick grid" in (tmp_path / "out" / "superdense_noise.svg").read_text()
    assert not (tmp_path / "out" / "README.md").exists()


def test_help_says_which_commands_need_a_checkout(capsys):
    from ccq import cli

    assert cli.main(["--help"]) == 0       # main returns the exit status, never raises
    text = " ".join(capsys.readouterr().out.split())
    assert "reproduce, list and claims read experiments/ and paper_figures/" in text
    assert "bounds and calc work from any install" in text
