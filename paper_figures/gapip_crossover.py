"""GapIP_tau: the margin tau*(P) below which canonical AE beats the best classical protocol.

Claim checked (arXiv 2606.20344, reconstruction): quantum wins when tau^-1 log P < tau^-2 up to
constants, i.e. for tau below about 1/log P. Markers: measured crossover (AE's measured qubits
equal the cheapest of SimHash, JL and exact bits, log-interpolated on the tau grid; missing
where AE never wins on the grid; open squares: the same with control-free ML-AE); solid
line: the same crossover from the sufficient bounds of
ccq.bounds.gapip; dotted: the heuristic 1/log2 P.
"""

from __future__ import annotations

import numpy as np

from ccq.bounds import gapip as bounds
from ccq.experiment import load_results
from experiments.gapip_scaling import crossover_measured  # one rule for claim and figure

from ._style import BOUND, QUANTUM, new_figure, save, standalone

REQUIRES = ("gapip_scaling",)


def plot(results_dir, out_dir):
    rows = load_results(results_dir / "gapip_scaling.csv")
    Ps = sorted({r["P"] for r in rows})
    fig, (ax,) = new_figure(width=5.6, height=4.0)
    meas = [crossover_measured(rows, P) for P in Ps]
    ax.loglog(Ps, meas, "o", color=QUANTUM, label=r"measured $\tau^*$ (AE = best classical)")
    ax.loglog(Ps, [crossover_measured(rows, P, "mlae") for P in Ps], "s", mfc="none", color=QUANTUM,
              label=r"measured $\tau^*$ with ML-AE")
    grid = np.geomspace(Ps[0], Ps[-1], 40)
    ax.loglog(grid, [bounds.crossover_tau(int(P)) for P in grid], color=BOUND, lw=1.5,
              label=r"$\tau^*$ from ccq.bounds.gapip")
    ax.loglog(grid, 1 / np.log2(grid), color=BOUND, ls=":", label=r"$1/\log_2 P$")
    ax.set_xlabel("dimension P")
    ax.set_ylabel(r"crossover margin $\tau^*$")
    ax.set_title("Where quantum estimation beats classical sketches")
    ax.legend(fontsize=8)
    return save(fig, out_dir, "gapip_crossover")


if __name__ == "__main__":
    standalone(plot)
