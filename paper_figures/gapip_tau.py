"""GapIP_tau: communication needed for worst-case error <= 0.05 versus the margin tau (P = 2^20).

Claim checked (arXiv 2606.20344, reconstruction): quantum amplitude estimation decides the sign
of <g,h> with O~(tau^-1 log P) qubits while classical sketches need Theta(tau^-2) bits; the
one-way quantum protocols (swap test, Bob's projection) are no better than sketches. Markers:
exact optimal budgets, worst case over the whole promise |c| in [tau, 1] (filled; open: ML-AE
and JL, sampled searches at c = +-tau); exact = P entries at the provably sufficient bits;
stars: the HLPS optimal one-way rate; AMS: rows x bits certified by Cantelli over every unit
pair (its law depends on the vectors beyond <g,h>). Lines: sufficient budgets of
ccq.bounds.gapip (dashed) and the classical lower bound min(tau^-2, P) (dotted, constant 1).
"""

from __future__ import annotations

import numpy as np

from ccq.bounds import gapip as bounds
from ccq.experiment import columns, load_results

from ._style import BOUND, CLASSICAL, QUANTUM, new_figure, save, standalone

REQUIRES = ("gapip_scaling",)
P_REF = 2**20
# Okabe-Ito colours (colour-blind safe), one marker per method; open markers: sampled searches
STYLE = {"ae": ("#0072B2", "o", "amplitude estimation, optimal (qubits)"),
         "mlae": ("#56B4E9", "s", "max.-likelihood AE, sampled search (qubits)"),
         "projective": ("#009E73", "D", "one-way projection onto Bob's state (qubits)"),
         "swap": ("#009E73", "^", "one-way swap test (qubits)"),
         "sign": ("#D55E00", "o", "sign sketch, real receiver (bits)"),
         "simhash": ("#E69F00", "v", "SimHash (bits)"),
         "jl": ("#CC79A7", "s", "Gaussian sketch, 4-bit entries, sampled search (bits)"),
         "ams": ("#a0a0a0", "P", "AMS sketch (+-1 rows), certified worst case (bits)"),
         "exact": ("#7a7a7a", "x", "send g, P entries (bits)"),
         "hlps": ("#000000", "*", "optimal one-way bit rate, HLPS constant (bits)")}
OPEN = ("mlae", "jl", "swap")


def plot(results_dir, out_dir):
    rows = load_results(results_dir / "gapip_scaling.csv")
    P = P_REF if any(r["P"] == P_REF for r in rows) else max(r["P"] for r in rows)
    fig, (ax,) = new_figure(width=8.4, height=4.4)
    for method, (color, marker, label) in STYLE.items():
        sub = sorted((r for r in rows if r["method"] == method and r["P"] == P
                      and r["budget"] > 0), key=lambda r: r["tau"])
        if not sub:
            continue
        tau, comm = columns(sub, "tau", "communication")
        ax.loglog(1 / tau, comm, marker=marker, color=color, ls="-", lw=1, ms=5,
                  mfc="none" if method in OPEN else color, label=label)
    taus = np.geomspace(min(r["tau"] for r in rows), max(r["tau"] for r in rows), 60)
    ax.loglog(1 / taus, bounds.ae_qubits(tau=taus, P=P, delta=0.05), color=QUANTUM, ls="--",
              lw=1, alpha=0.6, label="AE sufficient budget (BHMT + median bound)")
    ax.loglog(1 / taus, bounds.sign_bits(tau=taus, delta=0.05), color=CLASSICAL, ls="--",
              lw=1, alpha=0.6, label="sign sketch sufficient budget (Chernoff bound)")
    ax.loglog(1 / taus, [bounds.classical_lower(tau=t, P=P) for t in taus], color=BOUND,
              ls=":", lw=1.5, label=r"classical lower $\min(\tau^{-2}, P)$ (const. 1)")
    ax.set_xlabel(r"inverse margin $1/\tau$")
    ax.set_ylabel("communication for error $\\leq 0.05$ (qubits or bits)")
    ax.set_title(f"GapIP$_\\tau$ at $P = 2^{{{int(np.log2(P))}}}$")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0))
    return save(fig, out_dir, "gapip_tau")


if __name__ == "__main__":
    standalone(plot)
