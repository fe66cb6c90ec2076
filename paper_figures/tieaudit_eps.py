"""TieAudit_eps: minimal communication versus the promise gap eps at fixed P = 2^20.

Claim checked: the quantum cost grows like eps^-2 (copies K ~ ln(1/delta)/(2 eps^2)) and the
one-way birthday cost like eps^-1 at fixed P. Markers: smallest budgets with exact worst-case
error <= delta; lines: the sufficient budgets from ccq.bounds.tieaudit; the dashed line is the
birthday-class lower bound (eps-free); the dotted line is P (sending all signs).
"""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import NullFormatter

from ccq.bounds import tieaudit as tb
from ccq.experiment import columns, load_results

from ._style import BOUND, new_figure, save, standalone
from .tieaudit_scaling import STYLE

REQUIRES = ("tieaudit_eps",)


def plot(results_dir, out_dir):
    rows = load_results(results_dir / "tieaudit_eps.csv")
    fig, (ax,) = new_figure(width=6.2, height=4.2)
    for method, (color, marker, label) in STYLE.items():
        sub = sorted((r for r in rows if r["method"] == method), key=lambda r: r["eps"])
        if not sub:
            continue
        e, comm = columns(sub, "eps", "communication")
        ax.plot(e, comm, marker=marker, ls="none", color=color, ms=5, label=label)
    if rows:
        P, delta = rows[0]["P"], rows[0]["delta"]
        grid = np.logspace(np.log10(min(r["eps"] for r in rows)), np.log10(0.5), 100)
        qcolor, bcolor = STYLE["quantum"][0], STYLE["birthday"][0]
        ax.plot(grid, tb.quantum_qubits(eps=grid, P=P, delta=delta), color=qcolor, lw=1,
                alpha=0.7, label="quantum sufficient (bound)")
        ax.plot(grid, np.minimum(P, tb.birthday_bits(eps=grid, P=P, delta=delta)), color=bcolor,
                lw=1, alpha=0.7, label="birthday sufficient (bound)")
        ax.axhline(tb.classical_lower(P=P, delta=delta), color=BOUND, ls="--", lw=1.2,
                   label="birthday-class lower bound")
        ax.axhline(P, color=BOUND, ls=":", lw=1, label="P (all signs)")
        ax.set_title(f"TieAudit: minimal communication vs eps, P = 2^{P.bit_length() - 1}, "
                     f"delta = {delta:g}")
    ax.set_xscale("log")
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_yscale("log")
    ax.set_xlabel("promise gap eps")
    ax.set_ylabel("communication for error <= delta (qubits or bits)")
    ax.legend(fontsize=7, loc="lower left")
    return save(fig, out_dir, "tieaudit_eps")


if __name__ == "__main__":
    standalone(plot)
