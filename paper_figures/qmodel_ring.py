"""The superdense ring training the distributed quantum model (digits 0-4 vs 5-9, 6 qubits).

Claim checked (arXiv 2606.20344): the superdense all-reduce is a drop-in whether the learning is
quantum or classical. N = 4 workers each hold a replica of the two-party quantum model and
all-reduce its 176 gradient entries over the ring. (a) Test accuracy vs step: classical ring in
float32 and in 16-bit fixed point (wide grey line), superdense ring at Werner fidelity F
(solid: no code, dotted: 3-fold symbol repetition); at F = 1 the superdense curve coincides
with the classical 16-bit one (checked when drawing, said in the legend only when it holds).
(b) What one worker's outgoing link carries per training step: classical bits, online qubits,
ebits consumed (distributed offline), beside the qubits the worker's two-party model would spend
measuring its gradients (256 shots; not simulated, the gradients are exact). Mean over seeds.
"""

from __future__ import annotations

import numpy as np

from ccq.experiment import load_results

from ._style import BOUND, CLASSICAL, PAGE_WIDTH, PALETTE, QUANTUM, new_figure, save, standalone

REQUIRES = ("qmodel_ring",)
FID_COLORS = (PALETTE[0], PALETTE[3], PALETTE[2], PALETTE[1], PALETTE[4])
STYLES = {"none": "-", "repetition3": ":"}


def _curve(rows, key="test_accuracy"):
    steps = sorted({r["step"] for r in rows})
    return np.array(steps), np.array([np.mean([r[key] for r in rows if r["step"] == s])
                                      for s in steps])


def plot(results_dir, out_dir):
    from matplotlib.lines import Line2D

    rows = load_results(results_dir / "qmodel_ring.csv")
    fig, (ax, ax_bar) = new_figure(ncols=2, width=PAGE_WIDTH / 2, height=3.0)
    classical = [r for r in rows if r["link"] == "classical"]
    sd = [r for r in rows if r["link"] == "superdense"]
    for link, label, lw in (("classical-f32", "classical ring, float32", 1.0),
                            ("classical", "classical ring, 16-bit", 5.0)):
        sub = [r for r in rows if r["link"] == link]
        if sub:
            ax.plot(*_curve(sub), color="#999999" if lw > 1 else BOUND, lw=lw,
                    alpha=0.5 if lw > 1 else 1, ls="-" if lw > 1 else "-.", label=label,
                    zorder=1)
    same = False
    fids = sorted({r["fidelity"] for r in sd}, reverse=True)
    for i, f in enumerate(fids):
        for code, ls in STYLES.items():
            sub = [r for r in sd if r["fidelity"] == f and r["code"] == code]
            if not sub:
                continue
            acc = _curve(sub)
            if f == 1.0 and code == "none" and classical:
                same = bool(np.array_equal(acc[1], _curve(classical)[1]))
            ax.plot(*acc, ls=ls, color=FID_COLORS[i % len(FID_COLORS)], lw=1.2, zorder=2)
    handles = [Line2D([], [], color=FID_COLORS[i % len(FID_COLORS)], lw=1.5,
                      label=f"superdense, F = {f:g}") for i, f in enumerate(fids)]
    handles += [h for h in ax.get_lines() if not h.get_label().startswith("_")]
    handles += [Line2D([], [], color=BOUND, ls=":", label="superdense + 3x repetition")]
    if same:
        for h in handles:
            if h.get_label() == "classical ring, 16-bit":
                h.set_label("classical ring, 16-bit\n(identical: superdense F = 1)")
    ax.legend(handles=handles, fontsize=6, loc="lower right")
    ax.set_xlabel("training step")
    ax.set_ylabel("test accuracy (0-4 vs 5-9)")
    ax.set_title("(a) quantum model, only the all-reduce differs")

    last = max(r["step"] for r in rows)
    bars = []
    for label, link, code in (("classical\n16-bit", "classical", "none"),
                              ("superdense", "superdense", "none"),
                              ("superdense\n+ 3x rep.", "superdense", "repetition3")):
        sub = [r for r in rows if r["link"] == link and r["code"] == code and r["step"] == last
               and (link == "classical" or r["fidelity"] == min(
                   x["fidelity"] for x in sd if x["code"] == code))]
        if sub:
            r = sub[0]
            # the per-step stats are means over the logged interval (constant per step)
            bars.append((label, r["classical_bits"], r["qubits"], r["ebits"]))
    x = np.arange(len(bars))
    if bars:
        ax_bar.bar(x - 0.25, [b[1] for b in bars], 0.25, color=CLASSICAL, label="classical bits")
        ax_bar.bar(x, [b[2] for b in bars], 0.25, color=QUANTUM, label="online qubits")
        ax_bar.bar(x + 0.25, [b[3] for b in bars], 0.25, color=PALETTE[5],
                   label="ebits (offline)")
        est = rows[0]["estimation_qubits"]
        ax_bar.axhline(est, color=BOUND, ls="--", lw=1,
                       label=f"in-worker gradient\nmeasurement ({est:.2g} qubits)")
        ax_bar.set_xticks(x, [b[0] for b in bars])
    ax_bar.set_yscale("symlog", linthresh=10)
    ax_bar.set_ylim(0, 1e13)
    ax_bar.set_xlabel("ring link")
    ax_bar.set_ylabel("per worker per training step")
    ax_bar.set_title("(b) one worker's link, 176 gradient entries")
    ax_bar.legend(fontsize=6, loc="upper right", ncol=2)
    return save(fig, out_dir, "qmodel_ring")


if __name__ == "__main__":
    standalone(plot)
