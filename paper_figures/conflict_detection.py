"""Server-to-client conflict detection on the real gradients of data-parallel training (digits).

(a) Communication per client per step of deciding the sign of <g, h> at the optimal budgets
(worst-case error <= 0.05 over the promise |<g,h>| >= tau), quantum (qubits: amplitude
estimation, projective test) against the best classical one-way sketches (bits: sign, SimHash),
at tau = 0.02 and 0.2, and the reference of broadcasting g (P x 32 bits, dashed). (b) Test
accuracy with 2 of 8 clients sending sign-flipped gradients: no detection, the exact sign
(oracle), and skipping the clients flagged by a GapIP detector at the previous step (at tau =
0.02 and, light blue, amplitude estimation at tau = 0.2, whose answers inside the promise gap
can let the faulty clients capture the aggregate). (c) The same with 2 of 8 clients trained on
shifted labels. (d) Fraction of (client, step) pairs whose
overlap fell inside the promise gap |<g,h>| < tau, and the decision accuracy against the exact
sign of <g,h>, per detector, pooled over corruptions and seeds. Mean over seeds.
"""

from __future__ import annotations

import numpy as np

from ccq.experiment import load_results

from ._style import BOUND, CLASSICAL, PAGE_WIDTH, PALETTE, QUANTUM, new_figure, save, standalone

REQUIRES = ("conflict_detection",)
NAMES = {"ae": "amplitude est.", "projective": "projective", "sign": "sign sketch",
         "simhash": "SimHash"}
SHORT = {"ae": "AE", "projective": "proj.", "sign": "sign", "simhash": "SH"}
COLORS = {"ae": QUANTUM, "projective": PALETTE[5], "sign": CLASSICAL, "simhash": PALETTE[3]}


def _curve(rows):
    steps = sorted({r["step"] for r in rows})
    return np.array(steps), np.array([np.mean([r["test_accuracy"] for r in rows
                                               if r["step"] == s]) for s in steps])


def _sel(rows, **kw):
    return [r for r in rows if all(r[k] == v for k, v in kw.items())]


def plot(results_dir, out_dir):
    rows = load_results(results_dir / "conflict_detection.csv")
    fig, axes = new_figure(ncols=2, nrows=2, width=PAGE_WIDTH / 2, height=5.6)
    (ax_cost, ax_flip), (ax_lab, ax_gap) = axes
    taus = sorted({r["tau"] for r in rows if r["tau"] > 0})
    methods = [m for m in NAMES if any(r["detector"] == m for r in rows)]
    width = 0.8 / max(len(methods), 1)
    broadcast = rows[0]["broadcast_bits"]
    for j, m in enumerate(methods):
        vals = []
        for tau in taus:
            sub = _sel(rows, detector=m, tau=tau)
            vals.append(sub[0]["detect_qubits"] + sub[0]["detect_bits"] if sub else np.nan)
        unit = "qubits" if m in ("ae", "projective") else "bits"
        ax_cost.bar(np.arange(len(taus)) + (j - (len(methods) - 1) / 2) * width, vals,
                    width, color=COLORS[m], label=f"{NAMES[m]} ({unit})",
                    hatch=None if unit == "qubits" else "//", edgecolor="white", lw=0)
    ax_cost.axhline(broadcast, color=BOUND, ls="--", lw=1,
                    label=f"broadcast g ({broadcast:.0f} bits)")
    ax_cost.set_xticks(np.arange(len(taus)), [f"tau = {t:g}" for t in taus])
    ax_cost.set_yscale("log")
    ax_cost.set_ylim(50, 2e6)
    ax_cost.set_xlabel("promised margin")
    ax_cost.set_ylabel("communication per client per step")
    ax_cost.set_title("(a) detection vs broadcast, P = 1210")
    ax_cost.legend(fontsize=6, loc="upper center", ncol=2)

    small = min(taus) if taus else 0.0
    large = max(taus) if taus else 0.0
    for ax, corr, title in ((ax_flip, "signflip", "(b) 2 of 8 clients flip their gradient"),
                            (ax_lab, "labels", "(c) 2 of 8 clients train on shifted labels")):
        ref = _sel(rows, corruption="none", detector="none")
        if ref:
            ax.plot(*_curve(ref), color="#999999", lw=4, alpha=0.5, label="all honest")
        for det, tau, color, ls, label in (
                ("none", 0.0, BOUND, "-.", "no detection"),
                ("exact", 0.0, "black", ":", "skip on exact sign"),
                ("ae", small, QUANTUM, "-", f"skip on amplitude est., tau = {small:g}"),
                ("sign", small, CLASSICAL, "--", f"skip on sign sketch, tau = {small:g}"),
                ("ae", large, PALETTE[5], (0, (4, 1, 1, 1)),
                 f"skip on amplitude est., tau = {large:g}")):
            sub = _sel(rows, corruption=corr, detector=det, tau=tau)
            if sub:
                ax.plot(*_curve(sub), color=color, ls=ls, lw=1.2, label=label)
        ax.set_xlabel("training step")
        ax.set_ylabel("test accuracy (digits)")
        ax.set_title(title)
        if ax.get_lines():
            ax.legend(fontsize=6, loc="lower right")

    labels, gaps, accs, outs = [], [], [], []
    for m in methods:
        for tau in taus:
            sub = _sel(rows, detector=m, tau=tau)
            if not sub:
                continue
            labels.append(f"{SHORT[m]}\n{tau:g}")
            gaps.append(np.mean([r["frac_gap"] for r in sub]))
            accs.append(np.mean([r["decision_accuracy"] for r in sub]))
            outs.append(np.nanmean([r["decision_accuracy_outside_gap"] for r in sub]))
    x = np.arange(len(labels))
    ax_gap.bar(x - 0.2, gaps, 0.4, color=BOUND, label="in the gap |<g,h>| < tau")
    ax_gap.bar(x + 0.2, [1 - a for a in accs], 0.4, color=PALETTE[4],
               label="wrong sign (all pairs)")
    ax_gap.plot(x + 0.2, [1 - a for a in outs], "k_", ms=8, mew=1.5,
                label="wrong sign, outside the gap")
    ax_gap.axhline(0.05, color="black", lw=0.8, ls=":", label="target error 0.05")
    ax_gap.text(0.99, 0.78, "AE: amplitude estimation, proj.: projective test,\n"
                "sign: sign sketch, SH: SimHash", fontsize=6,
                ha="right", va="top", transform=ax_gap.transAxes)
    ax_gap.set_xticks(x, labels, fontsize=6)
    ax_gap.set_ylim(0, 0.18)
    ax_gap.set_ylabel("fraction of (client, step) pairs")
    ax_gap.set_xlabel("detector and tau")
    ax_gap.set_title("(d) promise gap and decision errors")
    ax_gap.legend(fontsize=6, loc="upper center", ncol=2)
    return save(fig, out_dir, "conflict_detection")


if __name__ == "__main__":
    standalone(plot)
