"""Gradient estimators: copies of the circuit needed vs the number of parameters P (L = 2).

Claim checked (arXiv 2310.07136 via docs/protocols.md section 5): copy-reusing estimators make
gradient communication polylogarithmic in the parameters per unitary, while parameter shift costs
O(P log P / eps^2) copies. Markers (measured minimal budgets, eps = 0.05 in max-norm):
parameter shift for all P = L (N + 4 log2 N) parameters (2P circuits x shots), and the Hadamard
test that samples all N phases of a layer at once (copies per layer). Lines: the sufficiency bounds
4 P ln(2P/delta)/eps^2 and 8 ln(2P/delta)/eps^2 from ccq.bounds.qmodel. Hollow diamonds: the
Hadamard-test copies for a relative l2 error of 0.5, which grow with P because the gradient
shrinks at random initialisation.
"""

from __future__ import annotations

import numpy as np

from ccq.bounds import qmodel as qb
from ccq.experiment import columns, load_results

from ._style import BOUND, PALETTE, QUANTUM, integer_grid, new_figure, save, standalone

REQUIRES = ("qmodel_scaling",)


def plot(results_dir, out_dir):
    rows = sorted((r for r in load_results(results_dir / "qmodel_scaling.csv")
                   if r["layers"] == 2), key=lambda r: r["P"])
    P, ps, mass, rel = columns(rows, "P", "paramshift_copies", "mass_copies", "mass_copies_rel")
    fig, (ax,) = new_figure(width=8.0)
    grid = integer_grid(P.min(), P.max(), 50)
    ok = np.isfinite(ps)
    ax.plot(P[ok], ps[ok], "^", color=PALETTE[4], label="parameter shift (measured)")
    ax.plot(grid, qb.paramshift_copies(P=grid, eps=0.05, delta=0.05), color=PALETTE[4], lw=1,
            ls=":", label=r"bound $4P\ln(2P/\delta)/\epsilon^2$")
    ax.plot(P, mass, "o", color=QUANTUM, label="Hadamard test, max-norm eps (measured)")
    # the Hadamard-test bound counts the L N phases, which is P up to the 4 L log2 N angles
    ax.plot(grid, qb.mass_copies(P=grid, eps=0.05, delta=0.05), color=BOUND, lw=1, ls=":",
            label=r"bound $8\ln(2P/\delta)/\epsilon^2$")
    ax.plot(P, rel, "d", color=PALETTE[5], mfc="none", label="Hadamard test, relative l2 0.5")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("number of parameters P")
    ax.set_ylabel("copies of the circuit")
    ax.set_title("Gradient estimators: copies vs parameters (eps = 0.05)")
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5))
    return save(fig, out_dir, "qmodel_estimators")


if __name__ == "__main__":
    standalone(plot)
