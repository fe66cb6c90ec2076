"""Secure-aggregation cost over the plain sum, per 16-bit coordinate, vs number of parties.

Claim checked: what GHZ secure aggregation (key protocol; direct encoding) costs: how its bits,
ebits and distribution qubits compare with Bonawitz-style pairwise masks and one-time pads
(totals over all parties, per coordinate, vectors of 2^20 entries). Markers: the protocols'
own Cost records; faint lines: the closed forms in ccq.bounds.ghz and ccq.bounds.ghz_key.
Every cost is divided by the N b bits of an insecure plain sum (totals over all parties).
(a) quantum resources, (b) classical bits; where two series coincide (e.g. pairwise masks and
one-time pads for small N) the hollow marker is drawn around the filled one.
"""

from __future__ import annotations

import numpy as np

from ccq.bounds import ghz as gb
from ccq.bounds import ghz_key as gkb
from ccq.experiment import columns, load_results

from ._style import (
    BOUND,
    CLASSICAL,
    PALETTE,
    QUANTUM,
    integer_grid,
    new_figure,
    save,
    standalone,
)

REQUIRES = ("secure_agg_cost",)
P_COST = 2**20


def _curves(grid, b):
    """(panel, scheme, column, closed form on ``grid``, colour, marker, filled, label)."""
    return [
        (0, "ghz_key", "qubits_per_coord", gkb.qubits_per_coordinate(N=grid, b=b),
         PALETTE[2], "v", False, "GHZ key protocol: qubits (line: 1 copy/coordinate)"),
        (0, "ghz_verified", "qubits_per_coord", gb.qubits_per_coordinate(N=grid, b=b),
         QUANTUM, "^", False, "GHZ verified: distribution qubits"),
        (0, "ghz_verified", "ebits_per_coord", gb.ebits_per_coordinate(N=grid, b=b),
         PALETTE[4], "s", True, "GHZ verified: ebits (2 copies)"),
        (1, "ghz_key", "bits_per_coord", gkb.bits_per_coordinate(N=grid, b=b),
         PALETTE[2], "P", True, "GHZ key protocol: public bits"),
        (1, "ghz_verified", "bits_per_coord", gb.verified_bits_per_coordinate(N=grid, b=b),
         QUANTUM, "o", True, "GHZ verified: classical bits"),
        (1, "pairwise_mask", "bits_per_coord",
         grid * gb.pairwise_mask_bits(N=grid, P=P_COST, b=b) / P_COST,
         CLASSICAL, "D", False, "pairwise masks: bits"),
        (1, "otp", "bits_per_coord", grid * gb.otp_bits(N=grid, P=P_COST, b=b) / P_COST,
         PALETTE[3], "x", True, "one-time pads: bits (+ as many key bits)"),
    ]


def plot(results_dir, out_dir):
    rows = [r for r in load_results(results_dir / "secure_agg_cost.csv") if r["b"] == 16]
    fig, axes = new_figure(ncols=2, width=3.6, height=3.9)
    ns = np.array(sorted({r["n_parties"] for r in rows}), dtype=float)
    grid = integer_grid(2, max(ns.max(), 2), 40)
    b = 16
    for panel, scheme, col, line, color, marker, filled, label in _curves(grid, b):
        sub = sorted((r for r in rows if r["scheme"] == scheme), key=lambda r: r["n_parties"])
        if not sub:
            continue
        ax = axes[panel]
        n, y = columns(sub, "n_parties", col)
        ax.plot(grid, line / (grid * b), color=color, lw=0.8, alpha=0.6)
        # hollow markers are drawn larger than filled ones, so coinciding series stay visible
        ax.plot(n, y / (n * b), marker, color=color, ls="none", label=label,
                ms=4 if filled else 6, mfc=color if filled else "none", mew=1)
    for ax in axes:
        ax.axhline(1.0, color=BOUND, ls="--", lw=1, label="plain (insecure) sum: N b bits")
        ax.set_xscale("log", base=2)
        ax.set_ylim(0, None)
        ax.set_xlabel("parties N")
        ax.legend(fontsize=6.5, loc="upper center", bbox_to_anchor=(0.5, -0.18), frameon=False)
    for ax in axes:
        ax.set_ylabel("cost / (N b) per aggregated coordinate")
    axes[0].set_title("(a) quantum resources, b = 16")
    axes[1].set_title("(b) classical bits, b = 16")
    return save(fig, out_dir, "secure_agg_cost")


if __name__ == "__main__":
    standalone(plot)
