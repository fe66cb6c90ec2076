"""Privacy against utility: reconstruction PSNR per method, beside its bits and its accuracy.

Claims checked (arXiv 2506.17974): LQ-SGD's messages resist gradient inversion better than plain
SGD's. One row per method (digits MLP, one image per message, B = 1), rows sorted by the bits one
message costs, so methods are read at matched bits (neighbouring rows) and at matched accuracy
(right-hand panel). (a) At the untrained parameters: the median over images of the PSNR of the
strongest attack the method faced (highest PSNR over DLG / iDLG / IG, naive / adaptive /
four-round attackers and Adam / L-BFGS; filled, bar: interquartile range) and of the naive
one-round attacker (hollow, drawn larger so a coinciding filled marker stays visible).
(b) Strongest-attack median PSNR at the parameters after 0, 100 and 1000 SGD steps.
(c) Bits per message (one worker, one step). (d) The method's final test accuracy on the same
model (``compress_training``, seed mean). Higher PSNR = better reconstruction = less privacy.
There is no agreed PSNR threshold for "private": read the rows against each other (the claims
do the paired comparisons). Draws from any complete or partial grid: a method without rows
is left out, a missing accuracy leaves its cell empty.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import (
    FormatStrFormatter,
    FuncFormatter,
    LogLocator,
    MaxNLocator,
    NullFormatter,
)

from ccq.experiment import load_results

from ._compress_look import method_looks
from ._style import PAGE_WIDTH, PALETTE, RC, save, standalone

REQUIRES = ("compress_privacy", "compress_training")
CHECKPOINT_LOOK = {0: ("o", "#000000", "none", 6), 100: ("s", PALETTE[0], "none", 4.5),
                   1000: ("D", PALETTE[1], PALETTE[1], 3)}   # marker, colour, fill, size


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
    bits = {r["label"]: r["bits_per_message"] for r in rows}
    labels = sorted({r["label"] for r in rows if r["batch"] == 1},
                    key=lambda lbl: (bits[lbl], lbl))
    looks = method_looks(labels)    # same colour and marker per method as compress_accuracy_bits
    plt.rcdefaults()      # as _style.new_figure: nothing leaks from the figure drawn before
    plt.rcParams.update(RC)
    fig, (a, b, c, d) = plt.subplots(
        1, 4, sharey=True, figsize=(PAGE_WIDTH, 1.9 + 0.2 * max(len(labels), 5)),
        gridspec_kw={"width_ratios": (2.5, 2.5, 1.5, 1.5)})
    ckpts = sorted({r["checkpoint"] for r in rows})
    drawn_ckpt = set()
    for y, lbl in enumerate(labels):
        st = looks[lbl]
        worst = strongest(rows, lbl, 0)
        naive = strongest(rows, lbl, 0, ("naive",))
        if worst.size:
            q = np.percentile(worst, [25, 50, 75])
            a.errorbar(q[1], y, xerr=[[q[1] - q[0]], [q[2] - q[1]]], ls="", ms=4.5, capsize=1.5,
                       lw=0.8, ecolor=st["color"], **st)
        if naive.size:
            a.plot(np.median(naive), y, ls="", marker=st["marker"], ms=7, mfc="none",
                   color=st["color"], mew=0.8)
        meds = {ck: np.median(v) for ck in ckpts if (v := strongest(rows, lbl, ck)).size}
        if meds:
            b.plot(list(meds.values()), [y] * len(meds), color="#BBBBBB", lw=0.8, zorder=1)
        for ck, med in meds.items():
            marker, colour, fill, size = CHECKPOINT_LOOK.get(ck, ("v", PALETTE[2], "none", 4))
            first = ck not in drawn_ckpt
            drawn_ckpt.add(ck)
            b.plot(med, y, ls="", marker=marker, color=colour, mfc=fill, ms=size, mew=0.9,
                   label=f"after {ck} steps" if first else None, zorder=2)
        c.plot(bits[lbl], y, ls="", ms=4.5, **st)
        acc = final_accuracy(training, lbl)
        if np.isfinite(acc):
            d.plot(acc, y, ls="", ms=4.5, **st)
    a.set_yticks(range(len(labels)), labels)
    a.set_ylim(len(labels) - 0.5, -0.5)            # fewest bits on top
    a.set_ylabel("method (sorted by bits)")
    a.set_xlabel("reconstruction PSNR (dB)")
    a.set_title("(a) untrained model")
    key = [plt.Line2D([], [], ls="", marker="o", color="k", ms=4.5),
           plt.Line2D([], [], ls="", marker="o", mec="k", mfc="none", ms=7)]
    a.legend(key, ["strongest attack (median, IQR)", "naive attacker (median)"],
             fontsize=6.5, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=1,
             frameon=False)
    b.set_xlabel("strongest-attack PSNR (dB)")
    b.set_title("(b) by checkpoint (median)")
    lo = min(a.get_xlim()[0], b.get_xlim()[0])
    hi = max(a.get_xlim()[1], b.get_xlim()[1])
    a.set_xlim(lo, hi)
    b.set_xlim(lo, hi)
    if drawn_ckpt:
        b.legend(fontsize=6.5, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2,
                 frameon=False, handletextpad=0.2, columnspacing=0.8)
    c.set_xscale("log")
    c.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 3.0), numticks=6))
    c.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x / 1000:g}k"))
    c.xaxis.set_minor_formatter(NullFormatter())
    c.set_xlabel("bits per message")
    c.set_title("(c) cost")
    d.xaxis.set_major_locator(MaxNLocator(2))
    d.xaxis.set_major_formatter(FormatStrFormatter("%.2f"))
    d.set_xlabel("test accuracy")
    d.set_title("(d) final utility")
    for ax in (a, b, c, d):
        ax.grid(True, axis="x")
        ax.grid(False, axis="y")
        ax.tick_params(axis="y", length=0)
    return save(fig, out_dir, "compress_privacy")


if __name__ == "__main__":
    standalone(plot)
