"""GapIP_tau: communication for worst-case error <= 0.05 versus the dimension P at fixed tau.

Claim checked (arXiv 2606.20344, reconstruction): quantum communication grows like log P (the
1 + ceil(log2 P)-qubit register), sending g exactly grows like P, public-coin sketches do not
depend on P. Markers: measured minimal budgets costed at each P (the error depends on (g, h)
only through <g,h>, so one search per method serves every P); lines: the bounds of
ccq.bounds.gapip at the same tau.
"""

from __future__ import annotations

import numpy as np

from ccq.bounds import gapip as bounds
from ccq.experiment import columns, load_results

from ._style import CLASSICAL, QUANTUM, new_figure, save, standalone
from .gapip_tau import OPEN, STYLE

REQUIRES = ("gapip_scaling",)
TAU_REF = 0.01


def plot(results_dir, out_dir):
    rows = load_results(results_dir / "gapip_scaling.csv")
    taus = sorted({r["tau"] for r in rows})
    tau = TAU_REF if TAU_REF in taus else taus[0]
    fig, (ax,) = new_figure(width=8.4, height=4.4)
    for method, (color, marker, label) in STYLE.items():
        sub = sorted((r for r in rows if r["method"] == method and r["tau"] == tau
                      and r["budget"] > 0), key=lambda r: r["P"])
        if not sub:
            continue
        P, comm = columns(sub, "P", "communication")
        ax.loglog(P, comm, marker=marker, color=color, lw=1, ms=5,
                  mfc="none" if method in OPEN else color, label=label)
    Ps = np.geomspace(min(r["P"] for r in rows), max(r["P"] for r in rows), 60)
    ax.loglog(Ps, bounds.ae_qubits(tau=tau, P=Ps, delta=0.05), color=QUANTUM, ls="--", lw=1,
              alpha=0.6, label="AE sufficient budget (BHMT + median bound)")
    ax.loglog(Ps, Ps * np.ceil(bounds.exact_entry_bits(P=Ps, tau=tau)), color=CLASSICAL,
              ls="--", lw=1, alpha=0.6, label="send g: P x sufficient bits per entry")
    ax.set_xlabel("dimension P (entries of g)")
    ax.set_ylabel("communication for error $\\leq 0.05$ (qubits or bits)")
    ax.set_title(f"GapIP$_\\tau$ at $\\tau$ = {tau:g}")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0))
    return save(fig, out_dir, "gapip_dimension")


if __name__ == "__main__":
    standalone(plot)
