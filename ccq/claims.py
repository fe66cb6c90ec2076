"""Claims from the papers beside what ccq measured, with a plain verdict.

Every experiment module may define ``claims(rows) -> list[Claim]``; ``ccq reproduce`` collects
them into ``paper_figures/out/claims.csv`` and prints them as a table.
"""

from __future__ import annotations

import csv
import dataclasses
import textwrap
from collections.abc import Iterable
from pathlib import Path

__all__ = ["Claim", "VERDICTS", "write_claims", "format_claims"]

VERDICTS = (
    "holds",            # measured behaviour matches the claim
    "fails",            # measured behaviour contradicts the claim
    "partly",           # holds under stated conditions only (the row says which)
    "finding",          # not a paper claim: something ccq measured that a reader should know
    "not measured",     # the experiment producing the number has not been run
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

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, got {self.verdict!r}")


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
    rows += [(c.id, c.claimed, c.measured, c.verdict) for c in claims]
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
