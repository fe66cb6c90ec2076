"""Example reconstructions (Inverting Gradients, one image per message) per compressor.

Top row: the victim's images; each further row: what the attacker reconstructs from the
compressor's message (naive: treats it as the gradient; adaptive: optimises through the
compressor). The label above each image is the recovered label. Recognisable digits in a row
mean the compressor does not protect the images, whatever its PSNR gap to SGD.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ccq.experiment import load_results

from ._style import save, standalone

REQUIRES = ("compress_inversion_examples",)


def plot(results_dir, out_dir):
    rows = load_results(results_dir / "compress_inversion_examples.csv")
    keys = sorted({(r["compressor"], r["attacker"]) for r in rows},
                  key=lambda k: (k[0] != "sgd", k))
    trials = sorted({r["trial"] for r in rows})

    def image(sel, col):
        px = sorted(sel, key=lambda r: r["pixel"])
        return np.array([r[col] for r in px]).reshape(8, 8)

    fig, axes = plt.subplots(len(keys) + 1, len(trials), squeeze=False,
                             figsize=(1.1 * len(trials) + 1.6, 1.1 * (len(keys) + 1)))
    for t in trials:
        first = [r for r in rows if r["trial"] == t and (r["compressor"], r["attacker"]) == keys[0]]
        axes[0, t].imshow(image(first, "truth"), cmap="gray_r", vmin=0, vmax=1)
        axes[0, t].set_title(f"label {first[0]['label']}", fontsize=7)
        for i, k in enumerate(keys, start=1):
            sel = [r for r in rows if r["trial"] == t and (r["compressor"], r["attacker"]) == k]
            axes[i, t].imshow(image(sel, "recon"), cmap="gray_r", vmin=0, vmax=1)
            axes[i, t].set_title(f"-> {sel[0]['label_rec']}", fontsize=6)
    for i, k in enumerate([("truth", ""), *keys]):
        axes[i, 0].set_ylabel(f"{k[0]}\n{k[1]}", fontsize=7, rotation=0, ha="right", va="center")
    for ax in axes.ravel():
        ax.set_xticks([]); ax.set_yticks([])  # noqa: E702
        ax.grid(False)
    fig.suptitle("IG reconstructions from compressed messages (8x8 digits)", fontsize=9)
    return save(fig, out_dir, "compress_inversion_examples")


if __name__ == "__main__":
    standalone(plot)
