"""Noise thresholds of the superdense link and the GHZ key protocol.

Left: bits a superdense qubit carries against the noise per transmitted qubit (memory: per
round, on both stored halves; erasure: heralded, resent), from the density-matrix simulation;
below the dotted line (1 bit, a classical channel use) the link no longer beats a classical
one. Middle: with k rounds of DEJMPS purification of the Werner pairs, the online bits per qubit
against the raw Werner fidelity (the purified pair costs more raw ebits). Right: GHZ copies per
padded coordinate of the GHZ key protocol (d = 2, eps = 1e-9) against depolarising noise per
share; the curves end where the finite-key plan finds no key.
"""

from __future__ import annotations

import math

from ccq.experiment import load_results

from ._style import BOUND, legend_below, new_figure, save, series, standalone

REQUIRES = ("noise_superdense_ghz",)
CHANNELS = ("depolarizing", "dephasing", "amplitude_damping", "memory", "erasure")


def plot(results_dir, out_dir):
    rows = load_results(results_dir / "noise_superdense_ghz.csv")
    fig, axes = new_figure(nrows=3, height=9.2)   # one column: three panels with legends below
    ax_s, ax_p, ax_k = axes[:, 0]
    for i, ch in enumerate(CHANNELS):
        mine = sorted((r for r in rows if r["kind"] == "superdense" and r["channel"] == ch),
                      key=lambda r: r["p"])
        if mine:
            ax_s.plot([r["p"] for r in mine], [r["rate_sim"] for r in mine],
                      label=ch.replace("_", " "), **series(i))
    ax_s.axhline(1.0, color=BOUND, ls=":", label="classical: 1 bit")
    ax_s.set_xlabel("noise per qubit (memory: per round)")
    ax_s.set_ylabel("bits per qubit sent")
    ax_s.set_title("superdense link vs classical")
    legend_below(ax_s, ncol=2)
    for k in range(4):
        mine = sorted((r for r in rows if r["kind"] == "purified" and r["purify_rounds"] == k),
                      key=lambda r: r["fidelity"])
        if mine:
            ax_p.plot([r["fidelity"] for r in mine], [r["online_bits_per_qubit"] for r in mine],
                      label=f"{k} DEJMPS rounds", **series(k))
    ax_p.axhline(1.0, color=BOUND, ls=":")
    ax_p.set_xlabel("raw Werner fidelity F")
    ax_p.set_ylabel("online bits per qubit")
    ax_p.set_title("purified ebits")
    legend_below(ax_p, ncol=2)
    i = 0
    for n in (3, 8):
        for lp in (20, 30):
            mine = sorted((r for r in rows if r["kind"] == "ghz_key_curve"
                           and r["n_parties"] == n and r["log2_P"] == lp
                           and math.isfinite(r["copies_per_coord"])), key=lambda r: r["p"])
            if mine:
                ax_k.semilogy([r["p"] for r in mine], [r["copies_per_coord"] for r in mine],
                              label=f"N = {n}, P = 2^{lp}", **series(i))
            i += 1
    ax_k.set_xlabel("depolarising p per share")
    ax_k.set_ylabel("GHZ copies per coordinate")
    ax_k.set_title("GHZ key: cost until rate zero")
    legend_below(ax_k, ncol=2)
    return save(fig, out_dir, "noise_superdense_ghz")


if __name__ == "__main__":
    standalone(plot)
