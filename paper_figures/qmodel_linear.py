"""Linear classifiers sign(w.x): bits Alice sends vs data dimension N, at margin tau = 0.2.

Claim checked (arXiv 2310.07136, abstract): for linear classifiers the quantum communication
advantage nearly vanishes. Markers: the smallest SimHash sketch (sign bits) and JL sketch (32-bit
projections) whose classifier reaches error <= 2% (the exact classifier has none), measured per N.
Lines: shipping x (N * 32 bits), the SimHash sufficiency bound pi^2 ln(1/delta) / (2 tau^2) from
ccq.bounds.qmodel, and the qubits of a quantum Hadamard test ((log2 N + 1) qubits per shot,
formula only). The sketches do not grow with N; the quantum test grows like log N.
"""

from __future__ import annotations

import numpy as np

from ccq.bounds import qmodel as qb
from ccq.experiment import columns, load_results

from ._style import BOUND, CLASSICAL, PALETTE, QUANTUM, legend_below, new_figure, save, standalone

REQUIRES = ("qmodel_linear",)


def plot(results_dir, out_dir):
    rows = sorted(load_results(results_dir / "qmodel_linear.csv"), key=lambda r: r["N"])
    N, sim, jl, ship, q, tau = columns(rows, "N", "simhash_bits", "jl_bits", "ship_data_bits",
                                       "quantum_hadamard_qubits", "tau")
    fig, (ax,) = new_figure(height=3.8)
    ax.plot(N, ship, "-", color=CLASSICAL, label="ship x (N x 32 bits)")
    ax.plot(N, sim, "o", color=CLASSICAL, mfc="none", label="SimHash sketch (measured bits)")
    ax.plot(N, jl, "s", color=PALETTE[3], mfc="none", label="JL sketch (measured, 32 bits each)")
    ax.plot(N, q, "--", color=QUANTUM, label="quantum Hadamard test (qubits, formula)")
    ax.axhline(qb.linear_sketch_bits(tau=float(tau[0]), delta=0.02), color=BOUND, lw=1,
               ls=":", label=r"SimHash bound $\pi^2\ln(1/\delta)/(2\tau^2)$")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("data dimension N")
    ax.set_ylabel("communication (bits or qubits)")
    ax.set_title(f"Linear classifier sign(w.x), margin tau = {tau[0]:g}:\nno advantage")
    legend_below(ax)
    ax.set_ylim(top=np.max(ship) * 3)
    return save(fig, out_dir, "qmodel_linear")


if __name__ == "__main__":
    standalone(plot)
