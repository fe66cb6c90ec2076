"""Example reconstructions (iDLG, one image per message) per method and attacker.

Top row: the victim's images; each further row: what the attacker reconstructs (best of Adam
and L-BFGS) from the method's message(s) at the untrained checkpoint (step 0), and, in the last
rows, at step 1000. Above each image: its PSNR. Recognisable digits in a row mean the method
does not protect the images, whatever its PSNR. Reads the pixels ``compress_privacy`` keeps
for its first four images.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ccq.experiment import load_results

from ._compress_look import WIDTH
from ._style import save, standalone

REQUIRES = ("compress_privacy",)
ATTACKER = {"naive": "naive", "adaptive": "adaptive", "multi4": "4 rounds"}
SHOWN = (("SGD (32-bit)", "naive"), ("LQ-SGD rank 2, 4-bit", "naive"),
         ("LQ-SGD rank 2, 4-bit", "adaptive"), ("LQ-SGD rank 2, 4-bit", "multi4"),
         ("PowerSGD rank 2", "adaptive"), ("DP-SGD sigma=1", "naive"),
         ("pruning 90% (no EF)", "naive"))
LATE = (("SGD (32-bit)", "naive"), ("LQ-SGD rank 2, 4-bit", "multi4"))


def _img(cell):
    return np.array([float(v) for v in str(cell).split()]).reshape(8, 8)


def plot(results_dir, out_dir):
    rows = [r for r in load_results(results_dir / "compress_privacy.csv")
            if r["attack"] == "idlg" and r["batch"] == 1 and r["optimizer"] == "best"
            and str(r.get("truth_px", "")).strip()]
    have = {(r["label"], r["attacker"], r["checkpoint"]) for r in rows}
    panels = [(k, 0) for k in SHOWN if (*k, 0) in have]
    panels += [(k, 1000) for k in LATE if (*k, 1000) in have]
    trials = sorted({r["trial"] for r in rows})
    plt.rcdefaults()   # as every figure: nothing leaks from the figure drawn before
    plt.rcParams.update({"font.size": 8, "svg.fonttype": "none", "path.simplify": False})
    if not trials:     # a partial grid that has not stored any pixels yet
        fig = plt.figure(figsize=(WIDTH, 1.0))
        fig.text(0.5, 0.5, "no reconstructions stored yet (partial compress_privacy grid)",
                 ha="center", va="center", fontsize=7)
        return save(fig, out_dir, "compress_inversion_examples")
    cell = {(r["trial"], r["checkpoint"], r["label"], r["attacker"]): r for r in rows}
    fig, axes = plt.subplots(len(panels) + 1, len(trials), squeeze=False,
                             figsize=(WIDTH, 0.62 * (len(panels) + 1) + 0.3))
    for j, t in enumerate(trials):
        truth = next(r for r in rows if r["trial"] == t)
        axes[0, j].imshow(_img(truth["truth_px"]), cmap="gray_r", vmin=0, vmax=1)
        for i, ((lbl, att), ck) in enumerate(panels, start=1):
            r = cell.get((t, ck, lbl, att))
            if r is None:
                continue
            axes[i, j].imshow(_img(r["recon_px"]), cmap="gray_r", vmin=0, vmax=1)
            axes[i, j].set_title(f"{r['psnr']:.0f} dB", fontsize=6, pad=1.5)
    axes[0, 0].set_ylabel("truth", fontsize=6, rotation=0, ha="right", va="center")
    for i, ((lbl, att), ck) in enumerate(panels, start=1):
        axes[i, 0].set_ylabel(f"{lbl}\n{ATTACKER[att]}, step {ck}", fontsize=6, rotation=0,
                              ha="right", va="center")
    for ax in axes.ravel():
        ax.set_xticks([]); ax.set_yticks([])  # noqa: E702
        ax.grid(False)
        for spine in ax.spines.values():
            spine.set_linewidth(0.5)
            spine.set_color("#888888")
    return save(fig, out_dir, "compress_inversion_examples")


if __name__ == "__main__":
    standalone(plot)
