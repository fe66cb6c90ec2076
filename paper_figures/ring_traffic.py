"""Per-link online traffic of ring all-reduce: classical bits vs superdense qubits.

Claim checked (arXiv 2606.20344): superdense coding halves the per-link online communication of
ring all-reduce; total lifetime channel use (online qubits + ebit distribution) is unchanged.
Left: per-directed-link traffic vs the number of workers N for a 10^6-entry 16-bit payload;
right: vs payload size at N = 4. Markers are the costs the collective reports; lines are the
closed forms 2(N-1)S/N (classical, equal to the superdense lifetime use) and (N-1)S/N
(superdense online qubits).
"""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import NullLocator

from ccq.bounds import ring as ringb
from ccq.experiment import load_results

from ._style import (
    BOUND,
    CLASSICAL,
    PAGE_WIDTH,
    QUANTUM,
    integer_grid,
    new_figure,
    save,
    standalone,
)

REQUIRES = ("ring_traffic",)


def _series(rows, link, key, fixed_key, fixed_value):
    sub = sorted((r for r in rows if r["link"] == link and r[fixed_key] == fixed_value),
                 key=lambda r: r[key])
    return sub


def plot(results_dir, out_dir):
    rows = load_results(results_dir / "ring_traffic.csv")
    fig, (ax_n, ax_s) = new_figure(ncols=2, width=PAGE_WIDTH / 2, height=2.8)
    entries = max({r["entries"] for r in rows}, key=lambda e: (e <= 10**6, e))
    ns = sorted({r["n_workers"] for r in rows})
    n_fixed = 4 if 4 in ns else ns[-1]
    for ax, key, fixed_key, fixed in ((ax_n, "n_workers", "entries", entries),
                                      (ax_s, "payload_bits", "n_workers", n_fixed)):
        cl = _series(rows, "classical", key, fixed_key, fixed)
        sd = _series(rows, "superdense", key, fixed_key, fixed)
        x_cl = np.array([r[key] for r in cl], float)
        x_sd = np.array([r[key] for r in sd], float)
        ax.plot(x_cl, [r["online_bits"] for r in cl], "s", color=CLASSICAL,
                label="classical: online bits")
        ax.plot(x_sd, [r["online_qubits"] for r in sd], "o", color=QUANTUM,
                label="superdense: online qubits")
        lifetime = [r["lifetime_uses"] for r in sd]
        same = [r["online_bits"] for r in cl] == lifetime and len(x_cl) == len(x_sd)
        ax.plot(x_sd, lifetime, "x", color=QUANTUM, ms=8,
                label="superdense: online + ebit distribution"
                + ("\n(identical to classical)" if same else ""))
        if len(x_cl):
            grid = integer_grid(x_cl.min(), x_cl.max(), 50, log=key == "payload_bits")
            n = grid if key == "n_workers" else n_fixed
            s = cl[0]["payload_bits"] if key == "n_workers" else grid
            ax.plot(grid, ringb.classical_bits_per_link(N=n, S=s), color=BOUND, lw=1,
                    label="2(N-1)S/N")
            ax.plot(grid, ringb.superdense_qubits_per_link(N=n, S=s), color=BOUND, lw=1,
                    ls="--", label="(N-1)S/N")
        ax.set_yscale("log")
        ax.set_ylabel("channel uses per directed link")
    ax_n.set_xlabel("workers N")
    ax_n.set_xscale("log", base=2)
    ax_n.set_xticks(ns, [str(n) for n in ns])   # counts: ticks at the measured N only
    ax_n.xaxis.set_minor_locator(NullLocator())
    ax_n.set_title(f"(a) payload 10^{round(np.log10(entries))} entries x 16 bits"
                   if entries == 10 ** round(np.log10(entries)) else
                   f"(a) payload {entries} entries x 16 bits")
    ax_s.set_xscale("log")
    ax_s.set_xlabel("payload S per worker (bits)")
    ax_s.set_title(f"(b) N = {n_fixed} workers")
    ax_s.legend(fontsize=6, loc="lower right")   # same series in both panels; (b) has room
    return save(fig, out_dir, "ring_traffic")


if __name__ == "__main__":
    standalone(plot)
