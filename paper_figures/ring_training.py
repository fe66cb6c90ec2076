"""Drop-in training under the superdense ring: test accuracy vs step, by fidelity and code.

Claim checked (arXiv 2606.20344): the superdense all-reduce needs no change to the model or
the gradient computation -- at F = 1 the curve coincides with the classical 16-bit ring. Beyond
the paper: Werner noise F < 1 corrupts fixed-point words; curves for F in {0.99, 0.95, 0.9,
0.8} without a code (solid), with a parity check symbol per word (dashed, detected words
erased) and with 3-fold symbol repetition (dotted). Mean over seeds; digits, MLP 64-16-10,
N = 4 workers. The legend gives the online channel uses per worker relative to the classical
ring.
"""

from __future__ import annotations

import numpy as np

from ccq.experiment import load_results

from ._style import CLASSICAL, new_figure, save, standalone

REQUIRES = ("ring_training",)
STYLES = {"none": "-", "parity": "--", "repetition3": ":"}


def _curve(rows):
    steps = sorted({r["step"] for r in rows})
    acc = [np.mean([r["test_accuracy"] for r in rows if r["step"] == s]) for s in steps]
    return np.array(steps), np.array(acc)


def plot(results_dir, out_dir):
    import matplotlib.pyplot as plt

    rows = load_results(results_dir / "ring_training.csv")
    fig, (ax,) = new_figure(width=9.5, height=4.4)
    classical = [r for r in rows if r["link"] == "classical"]
    ref_uses = max((r["bits_per_worker"] for r in classical), default=1.0)
    for link, label in (("classical-f32", "classical float32"),
                        ("classical", "classical 16-bit")):
        sub = [r for r in rows if r["link"] == link]
        if sub:
            ax.plot(*_curve(sub), color=CLASSICAL, lw=2.5 if link == "classical" else 1,
                    alpha=0.6, label=label)
    fids = sorted({r["fidelity"] for r in rows if r["link"] == "superdense"}, reverse=True)
    cmap = plt.get_cmap("viridis")
    for i, f in enumerate(fids):
        for code, ls in STYLES.items():
            sub = [r for r in rows if r["link"] == "superdense" and r["fidelity"] == f
                   and r["code"] == code]
            if not sub:
                continue
            last = max(r["step"] for r in sub)
            uses = np.mean([r["bits_per_worker"] for r in sub if r["step"] == last])
            ref = np.mean([r["bits_per_worker"] for r in classical if r["step"] == last]) \
                if classical else ref_uses
            ax.plot(*_curve(sub), ls=ls, color=cmap(i / max(len(fids) - 1, 1)),
                    label=f"superdense F={f:g}, {code} ({uses / ref:.2f}x uses)")
    ax.set_xlabel("training step")
    ax.set_ylabel("test accuracy (digits)")
    ax.set_title("Data-parallel training, only the all-reduce differs")
    ax.legend(fontsize=6.5, loc="center left", bbox_to_anchor=(1.01, 0.5))
    return save(fig, out_dir, "ring_training")


if __name__ == "__main__":
    standalone(plot)
