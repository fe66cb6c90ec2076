"""Cut-and-choose verification of GHZ copies: acceptance, leakage and failure vs the bound.

Claim checked: verified GHZ copies give eps-secure aggregation at 2x copies. (a) Acceptance of
2m copies (m tested) when a fraction of them is the product state that reveals its coordinate:
exact lines, sampled markers. (b) Holevo leakage about party 0's input per used coordinate on
accepted runs (N = 3, exact) against the mean test-failure probability of the used copies,
with the bound ghz.leakage_bits. (c) Worst-case P(accept and used copies' mean test-failure
>= f), exact, against ghz.verification_eps (dashed); markers never exceed their line
(exact values below 1e-12, e.g. 3e-34 at f = 0.2, m = 512, fall off the plot).
"""

from __future__ import annotations

import numpy as np

from ccq.bounds import ghz as gb
from ccq.experiment import columns, load_results

from ._style import BOUND, integer_grid, new_figure, save, standalone

REQUIRES = ("ghz_verification",)


def plot(results_dir, out_dir):
    rows = load_results(results_dir / "ghz_verification.csv")
    fig, (a, b, c) = new_figure(ncols=3, width=4.4, height=3.8)
    d0 = min(r["d"] for r in rows)
    frac = [r for r in rows if r["kind"] == "fraction" and r["d"] == d0]
    for m in sorted({r["m"] for r in frac}):
        sub = sorted((r for r in frac if r["m"] == m), key=lambda r: r["strength"])
        f, ex, sa = columns(sub, "strength", "accept_exact", "accept_sampled")
        line, = a.plot(f, ex, lw=1.2, label=f"m = {m} (exact)")
        a.plot(f, sa, "o", color=line.get_color(), ms=3, mfc="none")
    a.set_yscale("log")
    a.set_ylim(1e-4, 1.5)
    a.set_xlabel("fraction of corrupted copies")
    a.set_ylabel("Pr[accept]")
    a.set_title("(a) acceptance (markers: sampled)")
    a.legend(fontsize=7)

    for kind, source, marker in [("iid", "biased_mixture", "o"), ("iid", "eavesdropper", "s"),
                                 ("iid", "eve_ghz", "^"), ("fraction", "product", "D")]:
        sub = [r for r in rows if r["kind"] == kind and r["source"] == source and r["d"] == d0]
        if sub:
            x, y = columns(sub, "used_defect", "leak_given_accept")
            b.plot(x, y, marker, ms=4, mfc="none", label=f"{source} ({kind})")
    grid = np.linspace(1e-4, 0.5, 300)
    bound = gb.leakage_bits(eta=grid, d=d0)
    bound = np.where(gb.copy_trace_distance(eta=grid) < 1, bound, np.log2(d0))
    b.plot(grid, np.minimum(bound, np.log2(d0)), color=BOUND, lw=1.5,
           label="bound ghz.leakage_bits (capped at log2 d)")
    b.set_xlabel("mean test-failure prob. of used copies")
    b.set_ylabel(f"leakage per coordinate (bits, d = {d0})")
    b.set_title("(b) leakage on accepted runs")
    b.legend(fontsize=6)

    worst = [r for r in rows if r["kind"] == "worst" and r["d"] == d0]
    ms = integer_grid(4, max([r["m"] for r in worst] + [8]), 100)
    for t in sorted({r["strength"] for r in worst}):
        sub = sorted((r for r in worst if r["strength"] == t), key=lambda r: r["m"])
        m, fail = columns(sub, "m", "fail_exact")
        line, = c.plot(m, np.maximum(fail, 1e-300), "o", ms=4, label=f"f = {t} (exact worst)")
        c.plot(ms, np.minimum(gb.verification_eps(m=ms, f=t), 1), "--",
               color=line.get_color(), lw=1)
    c.set_xscale("log", base=2)
    c.set_yscale("log")
    c.set_ylim(1e-12, 2)
    c.set_xlabel("used copies m (2m distributed)")
    c.set_ylabel("Pr[accept and mean failure >= f]")
    c.set_title("(c) failure vs ghz.verification_eps")
    c.legend(fontsize=7)
    return save(fig, out_dir, "ghz_verification")


if __name__ == "__main__":
    standalone(plot)
