"""Test accuracy versus cumulative bits per ring link, per compressor (digits MLP, 4 workers).

Claim checked (arXiv 2506.17974): LQ-SGD keeps SGD's accuracy while sending far fewer bits.
Curves are means over seeds of the test accuracy after each evaluation, against the bits each
directed ring link carried so far (all-reduce for SGD/PowerSGD, all-gather for Top-k, QSGD,
sign-MV and LQ-SGD's log codes). Further left at the same height is more communication-efficient.
"""

from __future__ import annotations

import numpy as np

from ccq.experiment import load_results

from ._style import new_figure, save, standalone

REQUIRES = ("compress_training",)


def plot(results_dir, out_dir):
    rows = load_results(results_dir / "compress_training.csv")
    fig, (ax,) = new_figure(width=6.4, height=4.2)
    labels = sorted({r["label"] for r in rows}, key=lambda s: (s.split()[0], s))
    for i, lbl in enumerate(labels):
        sub = [r for r in rows if r["label"] == lbl]
        steps = sorted({r["step"] for r in sub})
        bits = [np.mean([r["link_bits_cum"] for r in sub if r["step"] == s]) for s in steps]
        acc = [np.mean([r["test_accuracy"] for r in sub if r["step"] == s]) for s in steps]
        style = "-" if lbl.startswith(("LQ", "SGD")) else "--"
        ax.plot(bits, acc, style, marker="o", ms=3, lw=1.8 if lbl.startswith("LQ") else 1.0,
                color=f"C{i % 10}", label=lbl)
    ax.set_xscale("log")
    ax.set_xlabel("cumulative bits per directed ring link")
    ax.set_ylabel("test accuracy")
    ax.set_title("Digits, 4 workers: accuracy vs communication")
    ax.legend(fontsize=6.5, ncol=2)
    return save(fig, out_dir, "compress_accuracy_bits")


if __name__ == "__main__":
    standalone(plot)
