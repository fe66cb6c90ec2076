"""GHZ key protocol: copies per secured coordinate (finite-key bound) without and with noise.

Claim checked: composably secure GHZ aggregation at 2x GHZ copies. (a) Copies per padded GF(d)
coordinate for P = 2^20 coordinates, no noise, against the number of parties, for eps = 1e-6,
1e-9, 1e-12 and d = 2, 65537 (the dotted line is the claimed 2x). (b) The same at d = 2,
eps = 1e-9 against the depolarising probability per share, for each N; missing points: the
bound certifies no key. Colours: Okabe-Ito (colour-blind safe), with distinct markers.
"""

from __future__ import annotations

import math

from ccq.experiment import load_results

from ._style import new_figure, save, standalone

REQUIRES = ("ghz_key_security",)
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000")
MARKERS = ("o", "s", "^", "D", "v", "P", "X")


def plot(results_dir, out_dir):
    rows = [r for r in load_results(results_dir / "ghz_key_security.csv") if r["kind"] == "plan"]
    p_max = max(r["coords"] for r in rows)
    fig, (a, b) = new_figure(ncols=2, width=4.8, height=3.8)
    series = [(d, e) for d in sorted({r["d"] for r in rows}) if d in (2, 65537)
              for e in sorted({r["eps"] for r in rows}, reverse=True)]
    for i, (d, e) in enumerate(series):
        sub = sorted((r for r in rows if r["d"] == d and r["eps"] == e and r["noise"] == 0
                      and r["coords"] == p_max), key=lambda r: r["n_parties"])
        a.plot([r["n_parties"] for r in sub], [r["copies_per_coord"] for r in sub],
               marker=MARKERS[i % 7], color=OKABE_ITO[i % 7], lw=1.2, ms=5,
               label=f"d = {d}, eps = {e:g}")
    a.axhline(2.0, color="#444444", ls=":", lw=1, label="claimed 2x")
    a.set_xscale("log", base=2)
    a.set_xlabel("parties N")
    a.set_ylabel("GHZ copies per secured coordinate")
    a.set_title(f"(a) no noise, P = 2^{int(math.log2(p_max))} coordinates")
    a.legend(fontsize=7)
    e0 = 1e-9 if any(r["eps"] == 1e-9 for r in rows) else rows[0]["eps"]
    for i, n in enumerate(sorted({r["n_parties"] for r in rows})):
        sub = sorted((r for r in rows if r["d"] == 2 and r["eps"] == e0 and r["noise"] > 0
                      and r["n_parties"] == n and r["coords"] == p_max
                      and math.isfinite(r["copies_per_coord"])), key=lambda r: r["noise"])
        if sub:
            b.plot([r["noise"] for r in sub], [r["copies_per_coord"] for r in sub],
                   marker=MARKERS[i % 7], color=OKABE_ITO[i % 7], lw=1.2, ms=5,
                   label=f"N = {n}")
    b.axhline(2.0, color="#444444", ls=":", lw=1, label="claimed 2x")
    b.set_xscale("log")
    b.set_yscale("log")
    b.set_xlabel("depolarising probability per share p")
    b.set_ylabel("GHZ copies per secured coordinate")
    b.set_title(f"(b) d = 2, eps = {e0:g}; missing: no key")
    b.legend(fontsize=7)
    return save(fig, out_dir, "ghz_key_security")


if __name__ == "__main__":
    standalone(plot)
