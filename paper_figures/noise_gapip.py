"""Noise thresholds of the quantum advantages (experiment ``noise_gapip``).

Channels share colours and markers across panels (legend: middle panel). Left: GapIP, AE
against the best classical sketch (sign or SimHash), both at exact optimal budgets: the
largest noise per message at which AE, with more majority runs if needed, still sends fewer
qubits than the sketch's bits (filled), and at which its noiseless optimal knobs still reach
error 0.05 (open). Per-qubit channels use a rigorous error bound (the threshold is a lower
bound); global depolarising of the register is exact for the control-register AE. Only tau
where AE wins without noise are drawn. Middle: the smallest memory time, in rounds, at which
AE still wins. Right: TieAudit, quantum copies against the best one-way classical protocol
(birthday): the same thresholds per qubit of each copy, over eps.
"""

from __future__ import annotations

import numpy as np

from ccq.experiment import load_results

from ._style import legend_below, new_figure, save, series, standalone

REQUIRES = ("noise_gapip",)
CHANNELS = (("depolarizing", "depolarising per qubit"), ("dephasing", "dephasing per qubit"),
            ("global_depolarizing", "global depolarising"))
SIZES = ((20, "-"), (30, "--"))


def _ticks(ax, values, labels):
    ax.set_xticks(values, labels)
    ax.minorticks_off()


def _draw(ax, rows, part, key_x):
    handles = []
    for i, (ch, label) in enumerate(CHANNELS):
        st = series(i)
        for j, (lp, ls) in enumerate(SIZES):
            mine = sorted((r for r in rows if r["part"] == part and r["channel"] == ch
                           and r["log2_P"] == lp and r["wins_noiseless"]),
                          key=lambda r: r["gap"])
            if not mine:
                continue
            x = np.array([r["gap"] for r in mine])
            (line,) = ax.loglog(x, [r["p_star"] for r in mine], ls, color=st["color"],
                                marker=st["marker"], label=label if j == 0 else None)
            if j == 0:
                handles.append(line)
            fixed = [max(r["p_star_fixed"], 1e-12) for r in mine]
            ax.loglog(x, fixed, "none", marker=st["marker"], mec=st["color"], ls="")
    ax.set_xlabel(key_x)
    ax.set_ylabel("largest noise p* per message")
    return handles


def plot(results_dir, out_dir):
    rows = load_results(results_dir / "noise_gapip.csv")
    fig, (ax_g, ax_m, ax_t) = new_figure(ncols=3, height=3.6)
    handles = _draw(ax_g, rows, "gapip_ae", r"$\tau$")
    ax_g.set_title("GapIP: AE vs best sketch")
    taus = (0.003, 0.005, 0.007, 0.01)
    _ticks(ax_g, taus, [f"{t:g}" for t in taus])
    for j, (lp, ls) in enumerate(SIZES):
        mine = sorted((r for r in rows if r["part"] == "gapip_ae" and r["channel"] == "memory"
                       and r["log2_P"] == lp and r["wins_noiseless"]), key=lambda r: r["gap"])
        if mine:
            st = series(3 + j)
            ax_m.loglog([r["gap"] for r in mine], [r["memory_rounds_star"] for r in mine], ls,
                        color=st["color"], marker=st["marker"], label=f"P = 2^{lp}")
    ax_m.set_xlabel(r"$\tau$")
    ax_m.set_ylabel("smallest memory time T* (rounds)")
    ax_m.set_title("GapIP: AE memory")
    _ticks(ax_m, taus, [f"{t:g}" for t in taus])
    handles = _draw(ax_t, rows, "tieaudit", r"$\epsilon$") or handles
    ax_t.set_title("TieAudit: quantum vs birthday")
    eps = (1 / 64, 1 / 32, 1 / 16, 1 / 8, 1 / 4)
    _ticks(ax_t, eps, ["1/64", "1/32", "1/16", "1/8", "1/4"])
    legend_below(ax_m, handles=ax_m.lines + handles,
                 title="solid: P = 2^20, dashed: 2^30;\nfilled: with mitigation, open: none",
                 title_fontsize=6)
    fig.tight_layout()
    return save(fig, out_dir, "noise_gapip")


if __name__ == "__main__":
    standalone(plot)
