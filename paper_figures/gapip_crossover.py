"""GapIP_tau: the crossover band tau*(P) below which optimal canonical AE beats classical.

Claim checked (arXiv 2606.20344, reconstruction): quantum wins for tau below about 1/log P.
Band (shaded), from the measured exact optimal budgets on the tau grid (log-interpolated):
upper edge, optimal AE = the best implemented classical protocol (sign sketch, SimHash, JL,
exact); lower edge, optimal AE = the HLPS optimal one-way bit rate z^2/(2 ln 2 tau^2). Open
squares: the same upper edge with ML-AE. Dotted: 1/log2 P. The verdict rule (on both edges
tau* log2 P varies <= 2x over P and its median is in [1/3, 3]: holds, in [0.1, 10]: partly)
is in experiments/gapip_scaling.band_verdict.
"""

from __future__ import annotations

import math

import numpy as np

from ccq.experiment import load_results
from experiments.gapip_scaling import crossover_band, crossover_measured  # one rule

from ._style import BOUND, new_figure, save, standalone

REQUIRES = ("gapip_scaling",)


def plot(results_dir, out_dir):
    rows = load_results(results_dir / "gapip_scaling.csv")
    band = crossover_band(rows)
    Ps = sorted(band)
    fig, (ax,) = new_figure(width=6.0, height=4.2)
    lo = np.array([band[P][0] for P in Ps])
    hi = np.array([band[P][1] for P in Ps])
    ok = ~np.isnan(lo) & ~np.isnan(hi)
    if ok.any():
        ax.fill_between(np.array(Ps)[ok], lo[ok], hi[ok], color="#0072B2", alpha=0.2,
                        label="crossover band")
    ax.loglog(Ps, hi, "o", color="#D55E00", label="AE = best implemented classical")
    ax.loglog(Ps, lo, "D", color="#000000", label="AE = optimal one-way bit rate (HLPS)")
    ax.loglog(Ps, [crossover_measured(rows, P, "mlae") for P in Ps], "s", mfc="none",
              color="#56B4E9", label="ML-AE = best implemented classical")
    if Ps:
        grid = np.geomspace(Ps[0], Ps[-1], 40)
        ax.loglog(grid, 1 / np.log2(grid), color=BOUND, ls=":", label=r"$1/\log_2 P$")
        ax.set_xticks([2**e for e in range(int(math.log2(Ps[0])), int(math.log2(Ps[-1])) + 1,
                                           6)])
        ax.set_xticklabels([f"$2^{{{e}}}$" for e in range(int(math.log2(Ps[0])),
                                                          int(math.log2(Ps[-1])) + 1, 6)])
    ax.set_xlabel("dimension P")
    ax.set_ylabel(r"crossover margin $\tau^*$ (quantum wins below)")
    ax.set_title("Where optimal amplitude estimation beats classical")
    ax.legend(fontsize=8)
    return save(fig, out_dir, "gapip_crossover")


if __name__ == "__main__":
    standalone(plot)
