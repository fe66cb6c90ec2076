"""Compression ratio versus rank: PowerSGD and LQ-SGD on d x d matrices and ResNet-18.

Claim checked: rank-r PowerSGD compresses a d x d gradient by d / (2 r), the O(d/r) of
arXiv 2506.17974 (lines: ccq.bounds.compress.powersgd_ratio); 4-bit LQ-SGD codes multiply it by
about 8. Stars: ResNet-18 (CIFAR-10) from its layer shapes, against PowerSGD's reference
243x / 136x / 72x at ranks 1 / 2 / 4 (crosses, arXiv 1905.13727).
"""

from __future__ import annotations

import numpy as np

from ccq.bounds import compress as cb
from ccq.experiment import load_results

from ._style import BOUND, new_figure, save, standalone

REQUIRES = ("compress_ratio",)


def plot(results_dir, out_dir):
    rows = load_results(results_dir / "compress_ratio.csv")
    fig, (ax,) = new_figure(width=5.6, height=4.0)
    r_grid = np.array([1, 2, 4, 8, 16, 32], float)
    for i, d in enumerate(sorted({r["d"] for r in rows if r["model"] == "square"})):
        ax.plot(r_grid, cb.powersgd_ratio(n=d, m=d, r=r_grid), color=BOUND, lw=0.8)
        if any(r["method"] == "lqsgd4" and r["d"] == d for r in rows):
            ax.plot(r_grid, 32 * d * d / cb.lq_sgd_bits(n=d, m=d, r=r_grid, b=4), color=BOUND,
                    lw=0.8, ls="--")
        for method, marker in (("powersgd", "o"), ("lqsgd4", "s")):
            sub = sorted((r for r in rows if r["model"] == "square" and r["d"] == d
                          and r["method"] == method), key=lambda r: r["rank"])
            if sub:
                ax.plot([r["rank"] for r in sub], [r["ratio"] for r in sub], marker, ms=4,
                        color=f"C{i}", mfc="none" if method == "lqsgd4" else None,
                        label=f"d={d} {'PowerSGD' if method == 'powersgd' else 'LQ-SGD b=4'}")
    res = sorted((r for r in rows if r["model"] == "resnet18" and r["method"] == "powersgd"),
                 key=lambda r: r["rank"])
    if res:
        ax.plot([r["rank"] for r in res], [r["ratio"] for r in res], "*", ms=9, color="k",
                label="ResNet-18 PowerSGD (ccq)")
        ax.plot([1, 2, 4], [243, 136, 72], "x", ms=9, color="r", label="reference 243/136/72")
    ax.plot([], [], color=BOUND, lw=0.8, label="bound d/(2r)")
    ax.plot([], [], color=BOUND, lw=0.8, ls="--", label="LQ-SGD bound 32d^2/(4r(2d)+64)")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("rank r")
    ax.set_ylabel("compression ratio (32-bit payload / compressed)")
    ax.set_title("Compression ratio vs rank")
    ax.legend(fontsize=6, ncol=2, loc="upper right")
    return save(fig, out_dir, "compress_ratio")


if __name__ == "__main__":
    standalone(plot)
