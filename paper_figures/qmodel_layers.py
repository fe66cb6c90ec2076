"""Distributed quantum model: communication vs depth L at fixed N.

Claim checked (reconstruction of arXiv 2310.07136): inference costs 2L messages per shot, so
qubits ~ L; one gradient step with the Hadamard-test estimator costs 4L - 2l + 1 messages for
layer l, 3 L^2 in all, so qubits ~ L^2 (plus the angle shifts, ~ L^2 too). Markers: measured
minimal budgets times counted costs (eps = 0.05); lines: c L and c L^2 through the first point.
"""

from __future__ import annotations

from ccq.experiment import columns, load_results

from ._style import BOUND, QUANTUM, legend_below, new_figure, save, standalone

REQUIRES = ("qmodel_scaling",)


def plot(results_dir, out_dir):
    rows = load_results(results_dir / "qmodel_scaling.csv")
    n0 = min(r["n_qubits"] for r in rows if r["layers"] != 2)
    rows = sorted((r for r in rows if r["n_qubits"] == n0), key=lambda r: r["layers"])
    L, inf, grad = columns(rows, "layers", "inference_qubits", "gradient_qubits")
    fig, (ax,) = new_figure(height=3.2)
    ax.plot(L, inf, "o", color=QUANTUM, label="inference (measured)")
    ax.plot(L, grad, "s", color=QUANTUM, mfc="none", label="gradient step (measured)")
    ax.plot(L, inf[0] * L / L[0], color=BOUND, lw=1, ls=":", label=r"$\propto L$")
    ax.plot(L, grad[0] * (L / L[0]) ** 2, color=BOUND, lw=1, ls="--", label=r"$\propto L^2$")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks(L, [str(int(v)) for v in L])
    ax.set_xlabel("layers L")
    ax.set_ylabel("qubits")
    ax.set_title(f"Communication vs depth, N = 2^{n0}")
    legend_below(ax, ncol=2)
    return save(fig, out_dir, "qmodel_layers")


if __name__ == "__main__":
    standalone(plot)
