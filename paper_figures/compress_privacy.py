"""Privacy against utility: reconstruction PSNR against bits per message and against accuracy.

Claims checked (arXiv 2506.17974): LQ-SGD's messages resist gradient inversion better than plain
SGD's. Each point is one method (digits MLP, one image per message, B = 1): the median over
images of the PSNR of the strongest attack the method faced (highest PSNR over DLG / iDLG / IG,
naive / adaptive / four-round attackers and Adam / L-BFGS; filled), and of the naive one-round
attacker (hollow); bars: interquartile range of the strongest. Higher PSNR = better
reconstruction = less privacy. Top: against the bits one message costs; middle: against the
method's final test accuracy on the same model (``compress_training``, seed mean), so methods
are compared at matched bits and at matched accuracy; bottom: strongest-attack PSNR at the
parameters after 0, 100 and 1000 SGD steps. There is no agreed PSNR threshold for "private":
read the curves against each other (the claims do the paired comparisons).
"""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import NullFormatter

from ccq.experiment import load_results

from ._compress_look import column_figure, family_legend, look
from ._style import save, standalone

REQUIRES = ("compress_privacy", "compress_training")
OVER_TIME = ("SGD (32-bit)", "LQ-SGD rank 2, 4-bit", "PowerSGD rank 2", "Top-k 10% + EF",
             "pruning 90% (no EF)", "DP-SGD sigma=1")


def strongest(rows, label, checkpoint, attackers=None):
    """Per image: highest PSNR over attacks/attackers (best optimiser)."""
    best = {}
    for r in rows:
        if (r["label"] == label and r["checkpoint"] == checkpoint and r["optimizer"] == "best"
                and r["batch"] == 1 and (attackers is None or r["attacker"] in attackers)):
            best[r["trial"]] = max(best.get(r["trial"], -np.inf), r["psnr"])
    return np.array(list(best.values()))


def final_accuracy(training, label):
    g = [r for r in training if r["model"] == "mlp" and r["label"] == label]
    if not g:
        return np.nan
    last = max(r["step"] for r in g)
    return float(np.mean([r["test_accuracy"] for r in g if r["step"] == last]))


def plot(results_dir, out_dir):
    rows = load_results(results_dir / "compress_privacy.csv")
    training = load_results(results_dir / "compress_training.csv")
    labels = sorted({r["label"] for r in rows})
    bits = {r["label"]: r["bits_per_message"] for r in rows}
    fig, axes = column_figure(3, 2.4)
    for lbl in labels:
        st = look(lbl)
        worst = strongest(rows, lbl, 0)
        naive = strongest(rows, lbl, 0, ("naive",))
        if not worst.size:
            continue
        q = np.percentile(worst, [25, 50, 75])
        for ax, x in ((axes[0], bits[lbl]), (axes[1], final_accuracy(training, lbl))):
            if np.isnan(x):
                continue
            ax.errorbar(x, q[1], yerr=[[q[1] - q[0]], [q[2] - q[1]]], ls="", ms=5,
                        capsize=1.5, lw=0.8, mec="white", mew=0.4, **st)
            if naive.size:
                ax.plot(x, np.median(naive), ls="", marker=st["marker"], ms=5, mfc="none",
                        mec=st["color"], mew=0.8)
    ckpts = sorted({r["checkpoint"] for r in rows})
    for lbl in OVER_TIME:
        meds = [np.median(v) if (v := strongest(rows, lbl, c)).size else np.nan for c in ckpts]
        if not np.all(np.isnan(meds)):
            axes[2].plot(ckpts, meds, lw=1, ms=4, label=lbl, **look(lbl))
    axes[0].set_xscale("log")
    axes[0].xaxis.set_minor_formatter(NullFormatter())   # minor labels overlap at 3.4 inches
    axes[0].set_xlabel("bits per message (one worker, one step)")
    axes[1].set_xlabel("final test accuracy (digits MLP, 1000 steps)")
    axes[2].set_xscale("symlog", linthresh=100)
    axes[2].set_xlabel("attacked checkpoint (SGD steps already trained)")
    for ax in axes:
        ax.set_ylabel("reconstruction PSNR (dB)")
    family_legend(axes[0], labels, loc="center right", ncol=2)
    axes[2].legend(loc="upper right", fontsize=5.5)
    axes[0].set_title("filled: strongest attack; hollow: naive one-round attacker", fontsize=7)
    return save(fig, out_dir, "compress_privacy")


if __name__ == "__main__":
    standalone(plot)
