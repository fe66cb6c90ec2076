"""Secure-aggregation cost over the plain sum, per 16-bit coordinate, vs number of parties.

Claim checked: what GHZ secure aggregation (key protocol; direct encoding) costs: how its bits,
ebits and distribution qubits compare with Bonawitz-style pairwise masks and one-time pads
(totals over all parties, per coordinate, vectors of 2^20 entries). Markers: the protocols'
own Cost records; lines: the closed forms in ccq.bounds.ghz (securagg.*, ghz.*). Every cost
is divided by the N b bits of an insecure plain sum (totals over all parties).
"""

from __future__ import annotations

import numpy as np

from ccq.bounds import ghz as gb
from ccq.bounds import ghz_key as gkb
from ccq.experiment import columns, load_results

from ._style import BOUND, CLASSICAL, QUANTUM, integer_grid, new_figure, save, standalone

REQUIRES = ("secure_agg_cost",)
P_COST = 2**20


def plot(results_dir, out_dir):
    rows = [r for r in load_results(results_dir / "secure_agg_cost.csv") if r["b"] == 16]
    fig, (ax,) = new_figure(width=6.2, height=4.2)
    ns = np.array(sorted({r["n_parties"] for r in rows}), dtype=float)
    grid = integer_grid(2, max(ns.max(), 2), 40)
    b = 16
    curves = [
        ("ghz_key", "qubits_per_coord", gkb.qubits_per_coordinate(N=grid, b=b),
         "#009E73", "v", "GHZ key protocol: qubits (line: 1 copy/coordinate)"),
        ("ghz_key", "bits_per_coord", gkb.bits_per_coordinate(N=grid, b=b),
         "#009E73", "P", "GHZ key protocol: public bits"),
        ("ghz_verified", "bits_per_coord", gb.verified_bits_per_coordinate(N=grid, b=b),
         QUANTUM, "o", "GHZ verified: classical bits"),
        ("ghz_verified", "ebits_per_coord", gb.ebits_per_coordinate(N=grid, b=b),
         QUANTUM, "s", "GHZ verified: ebits (2 copies)"),
        ("ghz_verified", "qubits_per_coord", gb.qubits_per_coordinate(N=grid, b=b),
         QUANTUM, "^", "GHZ verified: distribution qubits"),
        ("pairwise_mask", "bits_per_coord",
         grid * gb.pairwise_mask_bits(N=grid, P=P_COST, b=b) / P_COST,
         CLASSICAL, "o", "pairwise masks: bits"),
        ("otp", "bits_per_coord", grid * gb.otp_bits(N=grid, P=P_COST, b=b) / P_COST,
         "#d08c2c", "D", "one-time pads: bits (+ as many key bits)"),
    ]
    for scheme, col, line, color, marker, label in curves:
        sub = sorted((r for r in rows if r["scheme"] == scheme), key=lambda r: r["n_parties"])
        if not sub:
            continue
        n, y = columns(sub, "n_parties", col)
        ax.plot(grid, line / (grid * b), color=color, lw=1, alpha=0.6)
        ax.plot(n, y / (n * b), marker, color=color, ms=5, ls="none", label=label,
                mfc="none" if marker in "s^v" else color)
    ax.axhline(1.0, color=BOUND, ls="--", lw=1, label="plain (insecure) sum: N b bits")
    ax.set_xscale("log", base=2)
    ax.set_ylim(0, None)
    ax.set_xlabel("parties N")
    ax.set_ylabel("cost / (N b)  per aggregated coordinate")
    ax.set_title("Secure aggregation, b = 16 (lines: ccq.bounds)")
    ax.legend(fontsize=7, loc="lower right")
    return save(fig, out_dir, "secure_agg_cost")


if __name__ == "__main__":
    standalone(plot)
