"""Test accuracy against training steps (convergence speed), selected methods, per model.

Claim checked (arXiv 2506.17974): LQ-SGD converges fast. Lines: mean over seeds; bands: 95%
t-interval over seeds (same init and batches per seed under every method). The dotted line is
the target used by the claims (95% of SGD's final accuracy); steps-to-target and bits-to-target
are in the claims table. Methods not drawn here are in ``compress_accuracy_bits``.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from ccq.experiment import load_results

from ._compress_look import column_figure, look
from ._style import save, standalone

REQUIRES = ("compress_training",)
SHOWN = ("SGD (32-bit)", "LQ-SGD rank 2, 4-bit", "LQ-SGD rank 1, 4-bit", "PowerSGD rank 2",
         "Top-k 10% + EF", "QSGD s=4", "DP-SGD sigma=1")
TITLES = {"mlp": "digits, MLP", "cnn": "digits, CNN", "synth": "teacher-student, MLP"}
DASHES = {"LQ-SGD rank 1, 4-bit": (3, 1.5)}


def plot(results_dir, out_dir):
    rows = load_results(results_dir / "compress_training.csv")
    models = [m for m in TITLES if any(r["model"] == m for r in rows)]
    fig, axes = column_figure(len(models), 2.2)
    for ax, model in zip(axes, models, strict=True):
        sub = [r for r in rows if r["model"] == model]
        for lbl in SHOWN:
            g = [r for r in sub if r["label"] == lbl]
            if not g:
                continue
            steps = sorted({r["step"] for r in g})
            acc = [np.array([r["test_accuracy"] for r in g if r["step"] == s]) for s in steps]
            mean = np.array([a.mean() for a in acc])
            half = np.array([stats.t.ppf(0.975, a.size - 1) * a.std(ddof=1) / np.sqrt(a.size)
                             if a.size > 1 else 0.0 for a in acc])
            st = look(lbl)
            ax.plot(steps, mean, lw=1.1, color=st["color"], marker=st["marker"], ms=3,
                    markevery=4, dashes=DASHES.get(lbl, (None, None)), label=lbl)
            ax.fill_between(steps, mean - half, mean + half, color=st["color"], alpha=0.2,
                            lw=0)
        sgd = [r for r in sub if r["label"].startswith("SGD")]
        if sgd:
            last = max(r["step"] for r in sgd)
            target = 0.95 * np.mean([r["test_accuracy"] for r in sgd if r["step"] == last])
            ax.axhline(target, ls=":", lw=0.8, color="0.3")
        ax.set_title(TITLES[model], fontsize=8)
        ax.set_ylabel("test accuracy")
    for ax in axes:
        ax.set_xlabel("training step (N = 4 workers, batch 32 each)")
    axes[0].legend(loc="lower right", ncol=1)
    return save(fig, out_dir, "compress_convergence")


if __name__ == "__main__":
    standalone(plot)
