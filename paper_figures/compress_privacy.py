"""Reconstruction quality (PSNR) of gradient inversion per compressor, naive vs adaptive.

Claims checked (arXiv 2506.17974): compressed gradients resist inversion better than plain SGD;
ccq asks whether that survives an attacker who optimises through the compressor. Bars: median
PSNR (dB, higher = better reconstruction = worse privacy) over the images of each config, for
each attack and batch size present (filled: naive attacker, hatched: adaptive); the dashed line
is plain SGD under the same attack. Error bars: interquartile range.
"""

from __future__ import annotations

import numpy as np

from ccq.experiment import load_results

from ._style import new_figure, save, standalone

REQUIRES = ("compress_privacy",)


def plot(results_dir, out_dir):
    rows = load_results(results_dir / "compress_privacy.csv")
    cells = sorted({(r["attack"], r["batch"]) for r in rows})
    comps = sorted({r["compressor"] for r in rows if r["compressor"] != "sgd"})
    fig, (ax,) = new_figure(width=max(5.2, 1.1 * len(comps) * max(1, len(cells)) ** 0.5),
                            height=4.0)
    width = 0.8 / (2 * len(cells))
    for j, (attack, b) in enumerate(cells):
        base = [r["psnr"] for r in rows if r["compressor"] == "sgd" and r["attack"] == attack
                and r["batch"] == b]
        for a, attacker in enumerate(("naive", "adaptive")):
            meds, los, his = [], [], []
            for c in comps:
                v = [r["psnr"] for r in rows if r["compressor"] == c and r["attacker"] == attacker
                     and r["attack"] == attack and r["batch"] == b]
                q = np.percentile(v, [25, 50, 75]) if v else [np.nan] * 3
                meds.append(q[1]); los.append(q[1] - q[0]); his.append(q[2] - q[1])  # noqa: E702
            x = np.arange(len(comps)) + (2 * j + a - len(cells) + 0.5) * width
            ax.bar(x, meds, width, yerr=[los, his], color=f"C{j}", capsize=2,
                   hatch="//" if attacker == "adaptive" else None, alpha=0.85,
                   label=f"{attack.upper()} B={b} {attacker}")
        if base:
            ax.axhline(np.median(base), color=f"C{j}", ls="--", lw=1,
                       label=f"SGD {attack.upper()} B={b}")
    ax.set_xticks(np.arange(len(comps)))
    ax.set_xticklabels(comps, rotation=30, ha="right", fontsize=8)
    ax.set_ylabel("reconstruction PSNR (dB)")
    ax.set_title("Gradient inversion vs compression (digits MLP)")
    ax.legend(fontsize=6, ncol=2)
    return save(fig, out_dir, "compress_privacy")


if __name__ == "__main__":
    standalone(plot)
