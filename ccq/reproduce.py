"""``ccq reproduce``: results -> figures, claims table, calculator page, README claims block.

Two separate worlds, so a quick run never overwrites the full outputs:

* full (the default): results in ``experiments/results/``, outputs in ``paper_figures/out/``.
  Both are committed. On a fresh clone every config is already in the CSVs, so nothing is
  recomputed: the figures, ``claims.csv`` and ``calculator.html`` are redrawn from the committed
  grids (about 1.5 minutes on two busy CPU cores; no figure takes more than a few seconds), and the
  README's claims block is rewritten from ``claims.csv``.
* quick (``--quick``): results in ``experiments/results/quick/``, outputs in
  ``paper_figures/out/quick/`` (both ignored by git); every figure carries a "quick grid" stamp and
  every claim's measured value starts with ``[quick grid]``.

The claims table always holds the claims of every experiment whose results exist, not only those
run by ``--only``, so a partial run cannot shrink it. Figures and the page are written
deterministically (see ``paper_figures/_style.py``), and ``tests/test_outputs.py`` checks that
the committed outputs are exactly what the committed results draw.
"""

from __future__ import annotations

import csv
import json
import re
import time
from pathlib import Path

__all__ = ["reproduce", "outputs_dir", "all_claims", "claims_markdown", "update_readme",
           "claim_pages", "QUICK_MARK"]

QUICK_MARK = "[quick grid] "
BEGIN = re.compile(r"<!-- claims: ([^>]*?) -->\n")
END = "<!-- /claims -->"


def outputs_dir(root: Path, quick: bool) -> Path:
    """Where figures, ``claims.csv`` and the page go: ``paper_figures/out[/quick]``."""
    out = Path(root) / "paper_figures" / "out"
    return out / "quick" if quick else out


def all_claims(root: Path, results: Path, experiments: dict | None = None,
               quick: bool = False) -> list:
    """Claims of every experiment whose results CSV exists in ``results``."""
    from dataclasses import replace

    from .cli import collect_claims, discover_experiments

    experiments = experiments or discover_experiments(root)
    present = {n: e for n, e in experiments.items() if (Path(results) / f"{n}.csv").exists()}
    claims = collect_claims(present, Path(results), quick)
    if quick:
        claims = [replace(c, measured=QUICK_MARK + c.measured) for c in claims]
    return claims


def _versions() -> dict:
    import matplotlib
    import numpy

    return {"matplotlib": matplotlib.__version__, "numpy": numpy.__version__}


def reproduce(
    root: Path,
    *,
    quick: bool,
    only: list[str] | None = None,
    seed: int = 0,
    out_dir: Path | None = None,
    results: Path | None = None,
    progress: bool = True,
    run: bool = True,
) -> list:
    """Run the configs not yet in the results, redraw figures, write and return the claims.

    Args:
        root: the checkout (holds ``experiments/`` and ``paper_figures/``).
        quick: small grids, separate folders, every output marked as quick.
        only: experiment names to run; figures needing them are redrawn. ``None``: all.
        seed: root PRNG seed (``jax.random.key(seed)``).
        out_dir: override the output folder (default :func:`outputs_dir`).
        results: override the results folder (default ``experiments/results[/quick]``).
        progress: progress bars on stderr.
        run: ``False`` runs no config and only redraws from the results as they are.
    """
    import jax

    from .claims import format_claims, write_claims
    from .cli import _shown, discover_experiments, discover_figures, results_dir
    from .experiment import run_experiment

    root = Path(root)
    experiments = discover_experiments(root)
    selected = only or list(experiments)
    unknown = set(selected) - set(experiments)
    if unknown:
        raise SystemExit(f"ccq: unknown experiment(s) {sorted(unknown)}; "
                         f"known: {sorted(experiments)}")
    rdir = Path(results) if results else results_dir(root, quick)
    out_dir = Path(out_dir) if out_dir else outputs_dir(root, quick)
    out_dir.mkdir(parents=True, exist_ok=True)
    key = jax.random.key(seed)
    for name in selected if run else ():
        t0 = time.perf_counter()
        path = run_experiment(experiments[name], key, rdir, quick=quick, progress=progress)
        print(f"[ccq] {name}: {_shown(path, root)} ({time.perf_counter() - t0:.1f} s)")
    figures = discover_figures(root)
    style = __import__("paper_figures._style", fromlist=["stamped"])
    for name, module in figures.items():
        needs = set(getattr(module, "REQUIRES", ()))
        if not needs & set(selected):
            continue
        if not all((rdir / f"{n}.csv").exists() for n in needs):
            print(f"[ccq] figure {name}: skipped (needs results of {sorted(needs)})")
            continue
        t0 = time.perf_counter()
        if quick:
            with style.stamped("quick grid"):
                path = module.plot(rdir, out_dir)
        else:
            path = module.plot(rdir, out_dir)
        print(f"[ccq] figure {name}: {_shown(Path(path), root)} "
              f"({time.perf_counter() - t0:.1f} s)")
    from .calculator import write_calculator

    print(f"[ccq] calculator: {_shown(write_calculator(out_dir / 'calculator.html'), root)}")
    claims = all_claims(root, rdir, experiments, quick=quick)
    write_claims(claims, out_dir / "claims.csv")
    (out_dir / "versions.json").write_text(json.dumps(_versions(), indent=1) + "\n")
    if not quick and out_dir == outputs_dir(root, False):
        for page in claim_pages(root):
            if update_readme(page, out_dir / "claims.csv"):
                print(f"[ccq] {_shown(page, root)}: claims block rewritten from claims.csv")
    print()
    print(format_claims(claims))
    return claims


# ---------------------------------------------------------------- README claims block


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def claims_markdown(claims_csv: Path, ids: list[str]) -> str:
    """The README table of the claims ``ids`` (in that order), read from ``claims_csv``.

    Examples:
        >>> import tempfile, pathlib
        >>> from ccq.claims import Claim, write_claims
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "claims.csv"
        >>> _ = write_claims([Claim("a.b", "arXiv 1", "x | y", "2", "2.0", "holds")], p)
        >>> print(claims_markdown(p, ["a.b"]))
        | claim | source | claimed | measured | verdict |
        |---|---|---|---|---|
        | x \\| y | arXiv 1 | 2 | 2.0 | **holds** |
    """
    with Path(claims_csv).open(newline="") as fh:
        rows = {r["id"]: r for r in csv.DictReader(fh)}
    missing = [i for i in ids if i not in rows]
    if missing:
        raise KeyError(f"claim ids {missing} are not in {claims_csv}; "
                       f"known: {sorted(rows)}")
    lines = ["| claim | source | claimed | measured | verdict |", "|---|---|---|---|---|"]
    for i in ids:
        r = rows[i]
        lines.append(f"| {_cell(r['claim'])} | {_cell(r['source'])} | {_cell(r['claimed'])} "
                     f"| {_cell(r['measured'])} | **{_cell(r['verdict'])}** |")
    return "\n".join(lines)


def claim_pages(root: Path) -> list[Path]:
    """The pages that quote claims: README.md and every docs/ chapter with a claims block.

    Examples:
        >>> import tempfile, pathlib
        >>> root = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (root / "README.md").write_text("# x")
        >>> [p.name for p in claim_pages(root)]
        ['README.md']
    """
    root = Path(root)
    pages = [root / "README.md"] if (root / "README.md").exists() else []
    docs = root / "docs"
    return pages + [p for p in sorted(docs.glob("*.md")) if BEGIN.search(p.read_text("utf-8"))]


def readme_block(text: str) -> tuple[list[str], str, tuple[int, int]]:
    """``(ids, table, (start, end))`` of the README's claims block between its markers."""
    m = BEGIN.search(text)
    end = text.find(END, m.end()) if m else -1
    if not m or end < 0:
        raise ValueError(f"the page has no '<!-- claims: ID ... -->' ... '{END}' block")
    return m.group(1).split(), text[m.end():end].strip("\n"), (m.end(), end)


def update_readme(readme: Path, claims_csv: Path) -> bool:
    """Rewrite the README's claims block from ``claims_csv``; return whether it changed."""
    readme = Path(readme)
    text = readme.read_text(encoding="utf-8")
    ids, old, (start, end) = readme_block(text)
    new = claims_markdown(claims_csv, ids)
    if new == old:
        return False
    readme.write_text(text[:start] + new + "\n" + text[end:], encoding="utf-8")
    return True
