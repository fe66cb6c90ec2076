"""Distributed quantum model: communication for inference and one gradient step vs N (L = 2).

Claim checked (arXiv 2310.07136, reconstruction): inference and gradient training of the
Alice/Bob model need communication polylogarithmic in N, against Omega(N) classically. Markers are
measured: qubits at the smallest shot/copy budget meeting eps = 0.05 (inference: exact binomial
tails; gradient: Hadamard-test copies for Bob's L N phases + parameter shift for the HEA angles, max
error over coordinates) and the bits of the classical baselines (counted protocol costs).
Parameter shift for all P parameters is shown where it was simulated. Lines: the closed-form
bounds of ccq.bounds.qmodel. Also shown (hollow): the copies needed for a *relative* l2 error of
0.5, which grow with N because the gradient shrinks (see docs/distributed_models.md).
"""

from __future__ import annotations

import numpy as np

from ccq.bounds import qmodel as qb
from ccq.experiment import columns, load_results

from ._style import BOUND, CLASSICAL, PALETTE, QUANTUM, new_figure, save, standalone

REQUIRES = ("qmodel_scaling",)


def gradient_bound(N, L, eps, delta):
    """Sufficient qubits for one gradient: Hadamard tests for the L N phases plus parameter
    shift for the 4 L log2 N HEA angles (each copy one forward pass), from ccq.bounds.qmodel."""
    angles = 4 * L * np.log2(N)
    return (qb.gradient_qubits(N=N, L=L, eps=eps, delta=delta)
            + qb.paramshift_copies(P=angles, eps=eps, delta=delta)
            * qb.inference_qubits(N=N, L=L))


def plot(results_dir, out_dir):
    rows = [r for r in load_results(results_dir / "qmodel_scaling.csv") if r["layers"] == 2]
    rows.sort(key=lambda r: r["N"])
    N, inf, grad, data, model, ps, rel = columns(
        rows, "N", "inference_qubits", "gradient_qubits", "classical_data_bits",
        "classical_model_bits", "paramshift_qubits", "mass_qubits_rel")
    fig, (ax,) = new_figure(width=8.4, height=4.2)
    # the model lives on n = log2 N qubits: the bounds are drawn at powers of two
    grid = 2 ** np.arange(int(np.log2(N.min())), int(np.log2(N.max())) + 1)
    ax.plot(N, inf, "o", color=QUANTUM, label="quantum inference (measured)")
    ax.plot(grid, qb.inference_total_qubits(N=grid, L=2, eps=0.05, delta=0.05), color=BOUND,
            lw=1, ls=":", label="inference bound 2L log2N x 2ln(2/delta)/eps^2")
    ax.plot(N, grad, "s", color=QUANTUM, mfc="none", ms=6,
            label="quantum gradient step, copy-reusing (measured)")
    ax.plot(grid, gradient_bound(grid, 2, 0.05, 0.05), color=BOUND, lw=1, ls="-.",
            label="gradient bound (Hadamard tests + angle shifts)")
    ok = np.isfinite(ps)
    if ok.any():
        ax.plot(N[ok], ps[ok], "^", color=PALETTE[4], label="quantum gradient, parameter shift")
    ax.plot(N, rel, "d", color=PALETTE[5], mfc="none",
            label="Hadamard-test qubits for relative l2 error 0.5")
    ax.plot(N, data, "-", color=CLASSICAL, label="classical: ship x (N x 32 bits)")
    ax.plot(N, model, "--", color=CLASSICAL, label="classical: ship Bob's model")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("data dimension N (log2 N qubits)")
    ax.set_ylabel("communication (qubits or bits)")
    ax.set_title("Two-party model, L = 2, eps = 0.05")
    ax.legend(fontsize=6.5, loc="center left", bbox_to_anchor=(1.01, 0.5))
    return save(fig, out_dir, "qmodel_scaling")


if __name__ == "__main__":
    standalone(plot)
