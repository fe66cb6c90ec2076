"""Cut-and-choose verification of GHZ copies: acceptance, leakage and failure vs the bound.

Claim checked: verified GHZ copies give eps-secure aggregation at 2x copies. (a) Acceptance of
2m copies (m tested) when a fraction of them is the product state that reveals its coordinate:
exact lines, sampled markers. (b) Holevo leakage about party 0's input per used coordinate on
accepted runs (N = 3, exact) against the mean test-failure probability of the used copies,
with the bound ghz.leakage_bits ("Holevo leakage bound"). (c) Worst-case P(accept and used
copies' mean test-failure >= f), exact, against ghz.verification_eps (dashed, "verification
bound"); markers never exceed their line (exact values below 1e-12, e.g. 3e-34 at f = 0.2,
m = 512, fall off the plot). Legends sit below the panels so they never cover a point.
"""

from __future__ import annotations

import numpy as np

from ccq.bounds import ghz as gb
from ccq.experiment import columns, load_results

from ._style import BOUND, integer_grid, new_figure, save, series, standalone

REQUIRES = ("ghz_verification",)
SOURCES = {   # (kind, source): what the dishonest source sends, in words
    ("iid", "biased_mixture"): "GHZ or product state (every copy)",
    ("iid", "eavesdropper"): "Eve keeps half of party 0's pair",
    ("iid", "eve_ghz"): "Eve as an extra GHZ member",
    ("fraction", "product"): "a fraction of product-state copies",
}


def _legend_below(ax, ncol=1):
    ax.legend(fontsize=6.5, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=ncol,
              frameon=False)


def plot(results_dir, out_dir):
    rows = load_results(results_dir / "ghz_verification.csv")
    fig, (a, b, c) = new_figure(ncols=3, width=2.4, height=4.2)
    d0 = min(r["d"] for r in rows)
    frac = [r for r in rows if r["kind"] == "fraction" and r["d"] == d0]
    for i, m in enumerate(sorted({r["m"] for r in frac})):
        sub = sorted((r for r in frac if r["m"] == m), key=lambda r: r["strength"])
        f, ex, sa = columns(sub, "strength", "accept_exact", "accept_sampled")
        st = series(i)
        a.plot(f, ex, lw=1.2, color=st["color"], ls=st["ls"], label=f"m = {m}")
        a.plot(f, sa, ls="none", marker=st["marker"], color=st["color"], ms=3.5, mfc="none")
    a.set_yscale("log")
    a.set_ylim(1e-4, 1.5)
    a.set_xlabel("fraction of corrupted copies")
    a.set_ylabel("Pr[accept]")
    a.set_title("(a) acceptance\n(lines: exact; markers: sampled)")
    _legend_below(a, ncol=2)

    for i, ((kind, source), label) in enumerate(SOURCES.items()):
        sub = [r for r in rows if r["kind"] == kind and r["source"] == source and r["d"] == d0]
        if sub:
            x, y = columns(sub, "used_defect", "leak_given_accept")
            st = series(i)
            b.plot(x, y, ls="none", marker=st["marker"], color=st["color"], ms=4, mfc="none",
                   label=label)
    grid = np.linspace(1e-4, 0.5, 300)
    bound = gb.leakage_bits(eta=grid, d=d0)
    bound = np.where(gb.copy_trace_distance(eta=grid) < 1, bound, np.log2(d0))
    b.plot(grid, np.minimum(bound, np.log2(d0)), color=BOUND, lw=1.5,
           label="Holevo leakage bound (capped at $\\log_2 d$)")
    b.set_xlabel("mean test-failure prob. of used copies")
    b.set_ylabel(f"leakage per coordinate (bits, d = {d0})")
    b.set_title("(b) leakage on accepted runs\n(markers: exact, by source)")
    _legend_below(b)

    worst = [r for r in rows if r["kind"] == "worst" and r["d"] == d0]
    ms = integer_grid(4, max([r["m"] for r in worst] + [8]), 100)
    for i, t in enumerate(sorted({r["strength"] for r in worst})):
        sub = sorted((r for r in worst if r["strength"] == t), key=lambda r: r["m"])
        m, fail = columns(sub, "m", "fail_exact")
        st = series(i)
        c.plot(m, np.maximum(fail, 1e-300), ls="none", marker=st["marker"], color=st["color"],
               ms=4, label=f"f = {t}")
        c.plot(ms, np.minimum(gb.verification_eps(m=ms, f=t), 1), "--", color=st["color"], lw=1)
    c.set_xscale("log", base=2)
    c.set_yscale("log")
    c.set_ylim(1e-12, 2)
    c.set_xlabel("used copies m (2m distributed)")
    c.set_ylabel("Pr[accept and mean failure >= f]")
    c.set_title("(c) failure: exact worst case\n(markers), bound (dashed)")
    _legend_below(c, ncol=2)
    return save(fig, out_dir, "ghz_verification")


if __name__ == "__main__":
    standalone(plot)
