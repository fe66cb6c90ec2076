"""Compression ratio versus rank: PowerSGD and LQ-SGD on d x d matrices and ResNet-18.

Claim checked: rank-r PowerSGD compresses a d x d gradient by d / (2 r), the O(d/r) of
arXiv 2506.17974 (lines: ccq.bounds.compress.powersgd_ratio); 4-bit LQ-SGD codes multiply it by
about 8 (dashed: 32 d^2 / ccq.bounds.compress.lq_sgd_bits). Colour: matrix size d; filled
circles PowerSGD, hollow squares LQ-SGD. Stars: ResNet-18 (CIFAR-10) from its layer shapes,
against PowerSGD's reference 243x / 136x / 72x at ranks 1 / 2 / 4 (crosses, arXiv 1905.13727).
"""

from __future__ import annotations

import numpy as np

from ccq.bounds import compress as cb
from ccq.experiment import load_results

from ._style import BOUND, CLASSICAL, COLUMN_WIDTH, PALETTE, new_figure, save, standalone

REQUIRES = ("compress_ratio",)
METHODS = (("powersgd", "o", "PowerSGD"), ("lqsgd4", "s", "LQ-SGD 4-bit"))


def plot(results_dir, out_dir):
    rows = load_results(results_dir / "compress_ratio.csv")
    fig, (ax,) = new_figure(width=COLUMN_WIDTH, height=4.6)
    r_grid = np.array([1, 2, 4, 8, 16, 32], float)
    bound_label = {"powersgd": "PowerSGD bound d/(2r)", "lqsgd4": "LQ-SGD 4-bit bound"}
    for i, d in enumerate(sorted({r["d"] for r in rows if r["model"] == "square"})):
        colour = PALETTE[i % len(PALETTE)]
        for method, marker, name in METHODS:
            sub = sorted((r for r in rows if r["model"] == "square" and r["d"] == d
                          and r["method"] == method), key=lambda r: r["rank"])
            if not sub:
                continue
            if method == "powersgd":
                line = cb.powersgd_ratio(n=d, m=d, r=r_grid)
            else:
                line = 32 * d * d / cb.lq_sgd_bits(n=d, m=d, r=r_grid, b=4)
            ax.plot(r_grid, line, color=BOUND, lw=0.8, ls="-" if method == "powersgd" else "--",
                    label=bound_label.pop(method, None))   # each bound labelled once
            ax.plot([r["rank"] for r in sub], [r["ratio"] for r in sub], marker, ms=4,
                    color=colour, mfc="none" if method == "lqsgd4" else colour,
                    label=f"d = {d}, {name}")
    res = sorted((r for r in rows if r["model"] == "resnet18" and r["method"] == "powersgd"),
                 key=lambda r: r["rank"])
    if res:
        ax.plot([r["rank"] for r in res], [r["ratio"] for r in res], "*", ms=8, color="k",
                label="ResNet-18, PowerSGD (ccq)")
        ax.plot([1, 2, 4], [243, 136, 72], "x", ms=8, color=CLASSICAL, mew=1.2,
                label="ResNet-18, PowerSGD paper")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("rank r")
    ax.set_ylabel("compression ratio (32-bit payload / compressed)")
    ax.set_title("Compression ratio vs rank, d x d matrices")
    handles, labels = ax.get_legend_handles_labels()
    order = sorted(range(len(labels)), key=lambda k: "bound" in labels[k])   # bounds last
    ax.legend([handles[k] for k in order], [labels[k] for k in order], fontsize=6.5, ncol=2,
              loc="upper center", bbox_to_anchor=(0.45, -0.14), frameon=False)
    return save(fig, out_dir, "compress_ratio")


if __name__ == "__main__":
    standalone(plot)
