"""Training the two-party model on digits (0-4 vs 5-9, N = 64): test accuracy vs communication.

Claim in context (arXiv 2310.07136): distributed models can be trained by gradient descent with
communication polylogarithmic in N. Blue: the quantum model trained with measured gradients
(counted qubits of the shot-sampled inference, Hadamard-test and parameter-shift protocols, summed
over batches and steps). Red: Alice ships m labelled examples (m (N x 32 + 1) bits) and Bob fits a
logistic regression. Dashed: the same quantum model with exact gradients (no communication
defined), final accuracy. At N = 64 shipping the data is far cheaper: the quantum advantage is
asymptotic in N (see qmodel_scaling), not present at this size.
"""

from __future__ import annotations

from ccq.experiment import columns, load_results

from ._style import CLASSICAL, QUANTUM, legend_below, new_figure, save, standalone

REQUIRES = ("qmodel_training",)


def plot(results_dir, out_dir):
    rows = load_results(results_dir / "qmodel_training.csv")
    q = sorted((r for r in rows if r["variant"] == "quantum_sampled"), key=lambda r: r["step"])
    e = sorted((r for r in rows if r["variant"] == "quantum_exact"), key=lambda r: r["step"])
    c = sorted((r for r in rows if r["variant"] == "classical_ship"), key=lambda r: r["bits"])
    fig, (ax,) = new_figure(height=3.4)
    qq, qa = columns([r for r in q if r["qubits"] > 0], "qubits", "test_accuracy")
    ax.plot(qq, qa, "o-", color=QUANTUM, ms=4,
            label=f"quantum, measured gradients ({q[0]['shots']} shots/copies)")
    cb, ca = columns(c, "bits", "test_accuracy")
    ax.plot(cb, ca, "s-", color=CLASSICAL, ms=4, label="classical: ship m examples + logistic reg.")
    if e:
        ax.axhline(e[-1]["test_accuracy"], color=QUANTUM, ls="--", lw=1,
                   label=f"quantum, exact gradients, step {e[-1]['step']}")
    ax.set_xscale("log")
    ax.set_xlabel("total training communication (qubits or bits)")
    ax.set_ylabel("test accuracy")
    ax.set_title("Digits 0-4 vs 5-9, N = 64, L = 2")
    legend_below(ax)
    return save(fig, out_dir, "qmodel_training")


if __name__ == "__main__":
    standalone(plot)
