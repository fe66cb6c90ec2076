"""Final test accuracy against total bits on the wire, per method, with the Pareto front.

Claims checked (arXiv 2506.17974): LQ-SGD keeps SGD's accuracy with far fewer bits. One panel
per model (digits MLP, digits CNN, synthetic teacher-student). Each point is one method after
the full run: mean test accuracy over seeds (bar: 95% t-interval) against the mean bits one
directed ring link carried in total (N = 4; all-reduce for SGD/PowerSGD/DP-SGD, all-gather for
the others). The dashed staircase is the Pareto front (no method both cheaper and better).
Colour gives the family, marker the method within it (legend below the last panel).
"""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import NullFormatter

from ccq.experiment import load_results

from ._compress_look import column_figure, method_legend, method_looks
from ._style import save, standalone

REQUIRES = ("compress_training",)
TITLES = {"mlp": "digits, MLP (2,410 params)", "cnn": "digits, CNN (9,930 params)",
          "synth": "teacher-student, MLP (68,362 params)"}


def _t95(n):
    from scipy import stats
    return stats.t.ppf(0.975, n - 1) if n > 1 else np.nan


def plot(results_dir, out_dir):
    rows = load_results(results_dir / "compress_training.csv")
    models = [m for m in TITLES if any(r["model"] == m for r in rows)]
    fig, axes = column_figure(len(models), 2.3)
    fig.set_figheight(2.3 * len(models) + 1.3)       # room for the method legend
    looks = method_looks({r["label"] for r in rows})
    for ax, model in zip(axes, models, strict=True):
        sub = [r for r in rows if r["model"] == model]
        pts, spans = {}, []
        for lbl in sorted({r["label"] for r in sub}):
            g = [r for r in sub if r["label"] == lbl]
            last = max(r["step"] for r in g)
            fin = [r for r in g if r["step"] == last]
            acc = np.array([r["test_accuracy"] for r in fin])
            bits = float(np.mean([r["link_bits_cum"] for r in fin]))
            half = _t95(acc.size) * acc.std(ddof=1) / np.sqrt(acc.size) if acc.size > 1 else 0
            pts[lbl] = (bits, acc.mean())
            spans += [acc.mean() - half, acc.mean() + half]
            ax.errorbar(bits, acc.mean(), yerr=half, ls="", ms=4.5, mec="white", mew=0.4,
                        capsize=1.5, lw=0.8, ecolor=looks[lbl]["color"], **looks[lbl])
        front = sorted((b, a) for lbl, (b, a) in pts.items()
                       if not any(b2 <= b and a2 >= a and (b2, a2) != (b, a)
                                  for b2, a2 in pts.values()))
        if front:
            fb, fa = zip(*front, strict=True)
            ax.step(fb, fa, where="post", ls="--", lw=0.8, color="0.4", zorder=0)
        ax.set_xscale("log")
        ax.xaxis.set_minor_formatter(NullFormatter())   # minor labels overlap at 3.4 inches
        ax.set_title(TITLES[model], fontsize=8)
        ax.set_ylabel("final test accuracy")
        lo, hi = np.nanmin(spans), np.nanmax(spans)      # every interval fits
        pad = 0.05 * (hi - lo) + 1e-3
        ax.set_ylim(max(0.0, lo - pad), min(1.0, hi + pad) if hi <= 1 else hi + pad)
    for ax in axes:                 # panels have their own bit ranges: each says what x is
        ax.set_xlabel("total bits per directed ring link (N = 4)")
    method_legend(axes[-1], looks, ncol=2, offset=0.3)
    return save(fig, out_dir, "compress_accuracy_bits")


if __name__ == "__main__":
    standalone(plot)
