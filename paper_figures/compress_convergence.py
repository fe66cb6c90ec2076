"""Test accuracy against training steps (convergence speed), selected methods, per model.

Claim checked (arXiv 2506.17974): LQ-SGD converges fast. Lines: mean over seeds; bands: 95%
t-interval over seeds (same init and batches per seed under every method). The dotted line is
the target used by the claims (95% of SGD's final accuracy); steps-to-target and bits-to-target
are in the claims table. Methods not drawn here are in ``compress_accuracy_bits``. Right
column: each method's mean accuracy minus SGD's, in percentage points, with SGD's own 95% band
around zero (grey), so curves that coincide on the left can be told apart; a method far below
SGD (DP-SGD) leaves that panel.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from scipy import stats

from ccq.experiment import load_results

from ._compress_look import method_looks
from ._style import PAGE_WIDTH, RC, save, standalone

REQUIRES = ("compress_training",)
SHOWN = ("SGD (32-bit)", "LQ-SGD rank 2, 4-bit", "LQ-SGD rank 1, 4-bit", "PowerSGD rank 2",
         "Top-k 10% + EF", "QSGD s=4", "DP-SGD sigma=1")
TITLES = {"mlp": "digits, MLP", "cnn": "digits, CNN", "synth": "teacher-student, MLP"}
DASHES = {"LQ-SGD rank 1, 4-bit": (3, 1.5)}


def _curves(sub, lbl):
    """``(steps, mean, half)`` of one method: seed mean and 95% t half-width per step."""
    g = [r for r in sub if r["label"] == lbl]
    steps = sorted({r["step"] for r in g})
    acc = [np.array([r["test_accuracy"] for r in g if r["step"] == s]) for s in steps]
    mean = np.array([a.mean() for a in acc])
    half = np.array([stats.t.ppf(0.975, a.size - 1) * a.std(ddof=1) / np.sqrt(a.size)
                     if a.size > 1 else 0.0 for a in acc])
    return np.array(steps), mean, half


def plot(results_dir, out_dir):
    rows = load_results(results_dir / "compress_training.csv")
    models = [m for m in TITLES if any(r["model"] == m for r in rows)]
    plt.rcdefaults()      # as _style.new_figure: nothing leaks from the figure drawn before
    plt.rcParams.update(RC)
    fig, grid = plt.subplots(max(len(models), 1), 2, squeeze=False, layout="constrained",
                             figsize=(PAGE_WIDTH, 2.2 * max(len(models), 1) + 0.6))
    looks = method_looks(SHOWN)
    for (ax, gap), model in zip(grid, models, strict=False):
        sub = [r for r in rows if r["model"] == model]
        base = _curves(sub, SHOWN[0]) if any(r["label"] == SHOWN[0] for r in sub) else None
        for lbl in SHOWN:
            if not any(r["label"] == lbl for r in sub):
                continue
            steps, mean, half = _curves(sub, lbl)
            st = looks[lbl]
            kw = {"lw": 1.1, "color": st["color"], "marker": st["marker"], "ms": 3,
                  "markevery": 4, "dashes": DASHES.get(lbl, (None, None))}
            ax.plot(steps, mean, label=lbl, **kw)
            ax.fill_between(steps, mean - half, mean + half, color=st["color"], alpha=0.2, lw=0)
            if base is not None:
                common, i, j = np.intersect1d(steps, base[0], return_indices=True)
                if lbl == SHOWN[0]:     # SGD: its own 95% band around zero
                    gap.fill_between(common, -100 * half[i], 100 * half[i], color="0.6",
                                     alpha=0.3, lw=0, label="SGD's 95% band")
                else:
                    gap.plot(common, 100 * (mean[i] - base[1][j]), label=lbl, **kw)
        if base is not None:
            last = base[0].max()
            target = 0.95 * base[1][base[0] == last].mean()
            ax.axhline(target, ls=":", lw=0.8, color="0.3")
        ax.set_title(f"{TITLES[model]}: test accuracy", fontsize=8)
        ax.set_ylabel("test accuracy")
        gap.axhline(0, color="k", lw=0.6)
        gap.set_ylim(-4, 2)      # a method far below (DP-SGD) leaves the panel: see the left
        gap.set_title(f"{TITLES[model]}: difference to SGD", fontsize=8)
        gap.set_ylabel("accuracy - SGD (points)")
        for a in (ax, gap):
            a.set_xlabel("training step (N = 4 workers)")
    handles, labels = grid[0][0].get_legend_handles_labels()
    extra = [(h, lab) for h, lab in zip(*grid[0][1].get_legend_handles_labels(), strict=True)
             if lab not in labels]
    handles += [h for h, _ in extra]
    labels += [lab for _, lab in extra]
    fig.legend(handles, labels, loc="outside lower center", ncol=4, fontsize=6.5, frameon=False)
    return save(fig, out_dir, "compress_convergence")


if __name__ == "__main__":
    standalone(plot)
