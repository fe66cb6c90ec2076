"""Drop-in training under the superdense ring: test accuracy and loss vs step, by F and code.

Claim checked (arXiv 2606.20344): the superdense all-reduce needs no change to the model or
the gradient computation -- at F = 1 the curve coincides with the classical 16-bit ring. Beyond
the paper: Werner noise F < 1 corrupts fixed-point words; curves for F in {0.99, 0.95, 0.9,
0.8} (left: test accuracy, right: test loss) without a code (solid), with a parity check
symbol per word (dashed, detected words erased) and with 3-fold symbol repetition (dotted).
Mean over seeds; digits, MLP 64-16-10, N = 4 workers. The legend gives the online channel
uses per worker relative to the classical ring. The classical 16-bit ring is the wide grey line
underneath; the superdense curves at F = 1 coincide with it exactly (checked when drawing, and
said in the legend only when it holds).
"""

from __future__ import annotations

import numpy as np

from ccq.experiment import load_results

from ._style import BOUND, PAGE_WIDTH, PALETTE, new_figure, save, standalone

REQUIRES = ("ring_training",)
STYLES = {"none": "-", "parity": "--", "repetition3": ":"}
CODES = {"none": "no code", "parity": "parity check", "repetition3": "3x repetition"}
FID_COLORS = (PALETTE[0], PALETTE[3], PALETTE[2], PALETTE[1], PALETTE[4], PALETTE[7])


def _curve(rows, key="test_accuracy"):
    steps = sorted({r["step"] for r in rows})
    val = [np.mean([r[key] for r in rows if r["step"] == s]) for s in steps]
    return np.array(steps), np.array(val)


def _uses(rows, classical):
    last = max(r["step"] for r in rows)
    ref = np.mean([r["bits_per_worker"] for r in classical if r["step"] == last])
    return np.mean([r["bits_per_worker"] for r in rows if r["step"] == last]) / ref


def plot(results_dir, out_dir):
    from matplotlib.lines import Line2D

    rows = load_results(results_dir / "ring_training.csv")
    fig, (ax, ax_loss) = new_figure(ncols=2, width=PAGE_WIDTH / 2, height=3.0)
    classical = [r for r in rows if r["link"] == "classical"]
    sd = [r for r in rows if r["link"] == "superdense"]
    fids = sorted({r["fidelity"] for r in sd}, reverse=True)
    same = []
    # The classical 16-bit ring is drawn wide and light underneath: where a superdense curve is
    # identical to it (F = 1), both stay visible, and the legend says so.
    for link, label, lw in (("classical-f32", "classical ring, float32", 1.0),
                            ("classical", "classical ring, 16-bit", 5.0)):
        sub = [r for r in rows if r["link"] == link]
        if not sub:
            continue
        for a, key in ((ax, "test_accuracy"), (ax_loss, "test_loss")):
            a.plot(*_curve(sub, key), color="#999999" if lw > 1 else BOUND, lw=lw,
                   alpha=0.5 if lw > 1 else 1, ls="-" if lw > 1 else "-.",
                   label=label if a is ax else None, zorder=1)
    for i, f in enumerate(fids):
        color = FID_COLORS[i % len(FID_COLORS)]
        for code, ls in STYLES.items():
            sub = [r for r in sd if r["fidelity"] == f and r["code"] == code]
            if not sub:
                continue
            acc = _curve(sub)
            if classical and np.array_equal(acc[1], _curve(classical)[1]) and np.array_equal(
                    _curve(sub, "test_loss")[1], _curve(classical, "test_loss")[1]):
                same.append((f, code))
            ax.plot(*acc, ls=ls, color=color, lw=1.2, zorder=2)
            ax_loss.plot(*_curve(sub, "test_loss"), ls=ls, color=color, lw=1.2, zorder=2)
    ax.set_xlabel("training step")
    ax.set_ylabel("test accuracy (digits)")
    ax.set_title("(a) accuracy; only the all-reduce differs")
    ax_loss.set_xlabel("training step")
    ax_loss.set_ylabel("test cross-entropy (nats)")
    ax_loss.set_yscale("log")
    ax_loss.set_title("(b) loss")
    handles = [Line2D([], [], color=FID_COLORS[i % len(FID_COLORS)], lw=1.5,
                      label=f"superdense, F = {f:g}") for i, f in enumerate(fids)]
    handles += [h for h in ax.get_lines() if not h.get_label().startswith("_")]
    if same:
        f0 = same[0][0]
        codes = [c for f, c in same if f == f0]
        which = "every code" if len(codes) == len(STYLES) else ", ".join(CODES[c] for c in codes)
        handles[-1].set_label(f"{handles[-1].get_label()}\n(identical: superdense F = {f0:g}, "
                              f"{which})")
    ax.legend(handles=handles, loc="lower right", fontsize=6)
    code_handles = [
        Line2D([], [], color=BOUND, ls=ls,
               label=f"{CODES[c]} ({_uses([r for r in sd if r['code'] == c], classical):.2f}x)")
        for c, ls in STYLES.items() if classical and any(r["code"] == c for r in sd)]
    ax_loss.legend(handles=code_handles, loc="upper right", fontsize=6,
                   title="code (online uses vs classical)", title_fontsize=6)
    return save(fig, out_dir, "ring_training")


if __name__ == "__main__":
    standalone(plot)
