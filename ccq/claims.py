"""Claims from the papers beside what ccq measured, with a plain verdict.

Every experiment module may define ``claims(rows) -> list[Claim]``; ``ccq reproduce`` collects
them into ``paper_figures/out/claims.csv`` and prints them as a table.

A verdict is only as good as the grid it rests on: :func:`evaluate_claims` counts the configs of
the grid present in the results (``configs`` of ``grid``) and replaces the verdict of a claim
on an incomplete grid by ``"incomplete"`` (shown as ``incomplete (k/n)``), unless the experiment
declares, in ``Experiment.needs``, the subset of configs that claim rests on and that subset is
complete. A ``claims`` function that raises gives a row saying so (verdict ``"error"``, or
``"incomplete"`` on a partial grid, where the missing configs are the likely cause), never a
traceback.
"""

from __future__ import annotations

import csv
import dataclasses
import textwrap
from collections.abc import Iterable, Mapping
from pathlib import Path

__all__ = ["Claim", "VERDICTS", "write_claims", "format_claims", "evaluate_claims",
           "collect_claims"]

VERDICTS = (
    "holds",            # measured behaviour matches the claim
    "fails",            # measured behaviour contradicts the claim
    "partly",           # holds under stated conditions only (the row says which)
    "finding",          # not a paper claim: something ccq measured that a reader should know
    "not measured",     # the experiment producing the number has not been run
    "incomplete",       # some configs the claim rests on are missing: no verdict yet
    "error",            # the claim could not be evaluated (the row says why)
)


@dataclasses.dataclass(frozen=True)
class Claim:
    """One row of the claims table.

    Args:
        id: stable identifier, e.g. ``"swap.acceptance"``; never renamed once published.
        source: the paper (arXiv id) or ``"ccq"`` for findings of our own.
        claim: the claim in words.
        claimed: the claimed value or scaling.
        measured: what ccq measured, with its uncertainty.
        verdict: one of :data:`VERDICTS`.
        configs: how many configs of the grid the claim was evaluated on (set by
            :func:`evaluate_claims`; ``None`` when not known).
        grid: how many configs the claim rests on in the full grid.

    Examples:
        >>> Claim("x.y", "arXiv 0000.00000", "a claim", "2", "2.0 +- 0.1", "holds").verdict
        'holds'
    """

    id: str
    source: str
    claim: str
    claimed: str
    measured: str
    verdict: str
    configs: int | None = None
    grid: int | None = None

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, got {self.verdict!r}")

    @property
    def shown_verdict(self) -> str:
        """The verdict as printed: ``incomplete (k/n)`` says on how much of the grid."""
        if self.verdict == "incomplete" and self.grid is not None:
            return f"incomplete ({self.configs}/{self.grid})"
        return self.verdict


def _error(exp_name: str, what: str, k: int | None = None, n: int | None = None) -> Claim:
    return Claim(f"{exp_name}.claims", "ccq", f"the claims of {exp_name}", "", what, "error",
                 k, n)


def evaluate_claims(experiment, rows: list[dict], *, quick: bool = False) -> list[Claim]:
    """The experiment's claims with the number of configs each rests on; never raises.

    Only rows of configs in the experiment's current grid (``quick`` or full) are passed to
    ``experiment.claims``. A claim whose configs (all of the grid, or the subset
    ``experiment.needs[claim.id](config)`` selects) are not all present gets the verdict
    ``"incomplete"`` (``"not measured"`` if none is present) and its measured text is kept,
    prefixed by the count.

    Examples:
        >>> import dataclasses
        >>> from ccq.experiment import Experiment, config_hash
        >>> @dataclasses.dataclass(frozen=True)
        ... class C:
        ...     n: int
        >>> exp = Experiment("demo", lambda k, c: {"x": c.n}, grid=[C(1), C(2)], quick=[],
        ...     claims=lambda rows: [Claim("demo.x", "ccq", "x", "", str(len(rows)), "holds")])
        >>> [c.shown_verdict for c in evaluate_claims(exp, [{"config_hash": config_hash(
        ...     "demo", C(1)), "n": 1, "x": 1}])]
        ['incomplete (1/2)']
    """
    from .experiment import config_hash

    name = experiment.name
    if experiment.claims is None:
        return []
    try:
        grid = {config_hash(name, c, experiment.version): c for c in experiment.configs(quick)}
        rows = [r for r in rows if str(r.get("config_hash")) in grid]
        present = {str(r["config_hash"]) for r in rows}
        needs: Mapping = getattr(experiment, "needs", None) or {}
    except Exception as err:   # noqa: BLE001 - a broken grid is a row, not a traceback
        return [_error(name, f"grid could not be read: {type(err).__name__}: {err}")]
    k, n = len(present), len(grid)
    try:
        got = list(experiment.claims(rows))
        bad = [c for c in got if not isinstance(c, Claim)]
        if bad:
            raise TypeError(f"claims returned {type(bad[0]).__name__}, not Claim")
    except Exception as err:   # noqa: BLE001 - a claim function that raises is reported
        where = f" on {k}/{n} configs" if k < n else ""
        row = _error(name, f"claims(rows) raised {type(err).__name__}: {err}{where}", k, n)
        # on a partial grid the missing configs are the likely cause: no verdict, say so
        return [dataclasses.replace(row, verdict="incomplete") if k < n else row]
    out = []
    for c in got:
        subset = set(grid)
        if c.id in needs:
            try:
                subset = {h for h, cfg in grid.items() if needs[c.id](cfg)}
            except Exception as err:   # noqa: BLE001
                out.append(_error(name, f"needs[{c.id!r}] raised {type(err).__name__}: {err}"))
                continue
        kc, nc = len(present & subset), len(subset)
        if kc < nc:
            verdict = "not measured" if kc == 0 else "incomplete"
            c = dataclasses.replace(c, verdict=verdict, measured=f"on {kc}/{nc} configs: "
                                    f"{c.measured}")
        out.append(dataclasses.replace(c, configs=kc, grid=nc))
    return out


def collect_claims(experiments: Mapping, results_dir: Path, *, quick: bool = False) -> list:
    """Claims of every experiment from ``results_dir/<name>.csv``; never raises.

    An unusable results file, a claim function that raises and repeated claim ids each give a
    row with verdict ``"error"``.
    """
    from .experiment import load_results

    claims = []
    for name, exp in experiments.items():
        if exp.claims is None:
            continue
        try:
            rows = load_results(Path(results_dir) / f"{name}.csv", exp)
        except Exception as err:   # noqa: BLE001 - e.g. ResultsError: one row, not a traceback
            claims.append(_error(name, f"results unusable: {err}"))
            continue
        claims.extend(evaluate_claims(exp, rows, quick=quick))
    ids = [c.id for c in claims]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        claims.append(Claim(dup, "ccq", "claim ids are unique", "",
                            f"claim id {dup!r} is stated {ids.count(dup)} times", "error"))
    return claims


def write_claims(claims: Iterable[Claim], path: Path) -> Path:
    """Write the claims as CSV (one row per claim, columns as the :class:`Claim` fields)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fields = [f.name for f in dataclasses.fields(Claim)]
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        for c in claims:
            writer.writerow(dataclasses.asdict(c))
    return path


def format_claims(claims: Iterable[Claim], width: int = 36) -> str:
    """A plain-text table of the claims for the terminal."""
    rows = [("id", "claimed", "measured", "verdict")]
    rows += [(c.id, c.claimed, c.measured, c.shown_verdict) for c in claims]
    wrapped = [[textwrap.wrap(str(cell), width) or [""] for cell in r] for r in rows]
    widths = [max(len(line) for r in wrapped for line in r[i]) for i in range(4)]
    out = []
    for k, r in enumerate(wrapped):
        for j in range(max(len(cell) for cell in r)):
            cells = [(cell[j] if j < len(cell) else "").ljust(w)
                     for cell, w in zip(r, widths, strict=True)]
            out.append("  ".join(cells).rstrip())
        if k == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)
