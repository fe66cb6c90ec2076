"""Swap-test acceptance probability versus overlap: exact curve, circuit and shot estimates.

Claim checked: the swap test accepts with probability (1 + |<psi|phi>|^2)/2. The line is the
closed form from ccq.bounds; markers are mean shot estimates over random state pairs with the
given overlap (error bars: one standard deviation across pairs), per register size n.
"""

from __future__ import annotations

import numpy as np

from ccq.bounds import swap
from ccq.experiment import columns, load_results

from ._style import BOUND, legend_below, new_figure, save, series, standalone

REQUIRES = ("swap_test",)


def plot(results_dir, out_dir):
    rows = load_results(results_dir / "swap_test.csv")
    fig, (ax,) = new_figure(height=3.6)
    grid = np.linspace(0, 1, 101)
    ax.plot(grid, swap.acceptance(overlap=grid), color=BOUND, lw=1.5,
            label=r"$(1+|\langle\psi|\phi\rangle|^2)/2$")
    for i, n in enumerate(sorted({r["n_qubits"] for r in rows})):
        sub = sorted((r for r in rows if r["n_qubits"] == n), key=lambda r: r["overlap"])
        o, m, s, shots = columns(sub, "overlap", "estimate_mean", "estimate_std", "shots")
        st = series(i)
        ax.errorbar(o + 0.012 * (i - 1.5), m, yerr=s, fmt=st["marker"], ms=4, capsize=2,
                    color=st["color"], label=f"n = {n} qubits, {shots[0]} shots")
    ax.set_xlabel(r"overlap $|\langle\psi|\phi\rangle|^2$")
    ax.set_ylabel("Pr[accept]")
    ax.set_title("Swap test: sampled vs exact acceptance")
    legend_below(ax, ncol=2)
    return save(fig, out_dir, "swap_test")


if __name__ == "__main__":
    standalone(plot)
