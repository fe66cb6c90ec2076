"""Example reconstructions (iDLG, one image per message) per method and attacker.

Top row: the victim's images; each further row: what the attacker reconstructs (best of Adam
and L-BFGS) from the method's message(s) at the untrained checkpoint (step 0), and, in the last
rows, at step 1000. Above each image: the recovered label and the PSNR. Recognisable digits in a
row mean the method does not protect the images, whatever its PSNR.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ccq.experiment import load_results

from ._compress_look import WIDTH
from ._style import save, standalone

REQUIRES = ("compress_inversion_examples",)
ATTACKER = {"naive": "naive", "adaptive": "adaptive", "multi4": "4 rounds"}
LATE = (("SGD (32-bit)", "naive"), ("LQ-SGD rank 2, 4-bit", "multi4"))


def plot(results_dir, out_dir):
    rows = load_results(results_dir / "compress_inversion_examples.csv")
    keys = sorted({(r["label"], r["attacker"]) for r in rows},
                  key=lambda k: (not k[0].startswith("SGD"), k))
    panels = [(k, 0) for k in keys] + [(k, 1000) for k in LATE if k in keys]
    trials = sorted({r["trial"] for r in rows})

    def image(sel, col):
        px = sorted(sel, key=lambda r: r["pixel"])
        return np.array([r[col] for r in px]).reshape(8, 8)

    fig, axes = plt.subplots(len(panels) + 1, len(trials), squeeze=False,
                             figsize=(WIDTH, 0.62 * (len(panels) + 1) + 0.3))
    for t in trials:
        first = [r for r in rows if r["trial"] == t and r["checkpoint"] == 0
                 and (r["label"], r["attacker"]) == keys[0]]
        axes[0, t].imshow(image(first, "truth"), cmap="gray_r", vmin=0, vmax=1)
        axes[0, t].set_title(f"label {first[0]['digit']}", fontsize=6)
        for i, (k, ck) in enumerate(panels, start=1):
            sel = [r for r in rows if r["trial"] == t and r["checkpoint"] == ck
                   and (r["label"], r["attacker"]) == k]
            axes[i, t].imshow(image(sel, "recon"), cmap="gray_r", vmin=0, vmax=1)
            axes[i, t].set_title(f"{sel[0]['digit_rec']}, {sel[0]['psnr']:.0f} dB", fontsize=5)
    axes[0, 0].set_ylabel("truth", fontsize=6, rotation=0, ha="right", va="center")
    for i, (k, ck) in enumerate(panels, start=1):
        axes[i, 0].set_ylabel(f"{k[0]}\n{ATTACKER[k[1]]}, step {ck}", fontsize=5.5,
                              rotation=0, ha="right", va="center")
    for ax in axes.ravel():
        ax.set_xticks([]); ax.set_yticks([])  # noqa: E702
        ax.grid(False)
    return save(fig, out_dir, "compress_inversion_examples")


if __name__ == "__main__":
    standalone(plot)
