"""Drop-in training under the superdense ring: test accuracy and loss vs step, by F and code.

Claim checked (arXiv 2606.20344): the superdense all-reduce needs no change to the model or
the gradient computation -- at F = 1 the curve coincides with the classical 16-bit ring. Beyond
the paper: Werner noise F < 1 corrupts fixed-point words; curves for F in {0.99, 0.95, 0.9,
0.8} (left: test accuracy, right: test loss) without a code (solid), with a parity check
symbol per word (dashed, detected words erased) and with 3-fold symbol repetition (dotted).
Mean over seeds; digits, MLP 64-16-10, N = 4 workers. The legend gives the online channel
uses per worker relative to the classical ring.
"""

from __future__ import annotations

import numpy as np

from ccq.experiment import load_results

from ._style import CLASSICAL, new_figure, save, standalone

REQUIRES = ("ring_training",)
STYLES = {"none": "-", "parity": "--", "repetition3": ":"}


def _curve(rows, key="test_accuracy"):
    steps = sorted({r["step"] for r in rows})
    val = [np.mean([r[key] for r in rows if r["step"] == s]) for s in steps]
    return np.array(steps), np.array(val)


def plot(results_dir, out_dir):
    import matplotlib.pyplot as plt

    rows = load_results(results_dir / "ring_training.csv")
    fig, (ax, ax_loss) = new_figure(ncols=2, width=6.2, height=4.4)
    classical = [r for r in rows if r["link"] == "classical"]
    ref_uses = max((r["bits_per_worker"] for r in classical), default=1.0)
    for link, label in (("classical-f32", "classical float32"),
                        ("classical", "classical 16-bit")):
        sub = [r for r in rows if r["link"] == link]
        if sub:
            for a, key in ((ax, "test_accuracy"), (ax_loss, "test_loss")):
                a.plot(*_curve(sub, key), color=CLASSICAL, lw=2.5 if link == "classical" else 1,
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
            color = cmap(i / max(len(fids) - 1, 1))
            ax.plot(*_curve(sub), ls=ls, color=color,
                    label=f"superdense F={f:g}, {code} ({uses / ref:.2f}x uses)")
            ax_loss.plot(*_curve(sub, "test_loss"), ls=ls, color=color)
    ax.set_xlabel("training step")
    ax.set_ylabel("test accuracy (digits)")
    ax.set_title("Data-parallel training, only the all-reduce differs")
    ax_loss.set_xlabel("training step")
    ax_loss.set_ylabel("test cross-entropy (nats)")
    ax_loss.set_yscale("log")
    ax_loss.set_title("test loss (same line styles)")
    ax_loss.legend(*ax.get_legend_handles_labels(), fontsize=6, loc="center left",
                   bbox_to_anchor=(1.01, 0.5))
    return save(fig, out_dir, "ring_training")


if __name__ == "__main__":
    standalone(plot)
