"""TieAudit_eps: minimal one-way communication versus the number of parameters P.

Claim checked: an exponential separation, O(eps^-2 log P) qubits (quantum) versus Omega(sqrt P)
bits (one-way classical), which a two-way classical protocol closes. Markers: the smallest
budget whose exact worst-case error is <= delta (eps = 1/8, delta = 0.05) for each method;
lines: the sufficient budgets and the birthday-class lower bound sqrt(2(P-1)(1-2 delta)) from
ccq.bounds.tieaudit (the general Omega(sqrt P) bound has no explicit constant and is not drawn).
"""

from __future__ import annotations

import numpy as np

from ccq.bounds import tieaudit as tb
from ccq.experiment import columns, load_results

from ._style import BOUND, CLASSICAL, PALETTE, QUANTUM, integer_grid, new_figure, save, standalone

REQUIRES = ("tieaudit_scaling",)

STYLE = {"quantum": (QUANTUM, "o", "quantum, one-way (qubits)"),
         "birthday": (CLASSICAL, "s", "birthday, one-way (bits)"),
         "exact": ("#777777", "^", "send all signs (bits)"),
         "twoway": (PALETTE[2], "D", "classical two-way, private coins (bits)"),
         "twoway_public": (PALETTE[4], "v", "classical two-way, public coins (bits)"),
         "bob_to_alice": (PALETTE[3], "x", "classical one-way Bob to Alice (bits)")}


def plot(results_dir, out_dir):
    rows = load_results(results_dir / "tieaudit_scaling.csv")
    fig, (ax,) = new_figure(width=6.2, height=4.2)
    eps = delta = None
    for method, (color, marker, label) in STYLE.items():
        sub = sorted((r for r in rows if r["method"] == method), key=lambda r: r["P"])
        if not sub:
            continue
        P, comm = columns(sub, "P", "communication")
        eps, delta = sub[0]["eps"], sub[0]["delta"]
        ax.plot(P, comm, marker=marker, ls="none", color=color, ms=5, label=label)
    if eps is not None:
        grid = integer_grid(min(r["P"] for r in rows), 2**30, 200)
        ax.plot(grid, tb.quantum_qubits(eps=eps, P=grid, delta=delta), color=QUANTUM, lw=1,
                alpha=0.7, label="quantum sufficient (bound)")
        ax.plot(grid, np.minimum(grid, tb.birthday_bits(eps=eps, P=grid, delta=delta)),
                color=CLASSICAL, lw=1, alpha=0.7, label="birthday sufficient (bound)")
        ax.plot(grid, tb.classical_lower(P=grid, delta=delta), color=BOUND, ls="--", lw=1.2,
                label=r"birthday-class lower $\sqrt{2(P-1)(1-2\delta)}$")
        ax.set_title(f"TieAudit: minimal communication, eps = {eps:g}, delta = {delta:g}")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("parameters P")
    ax.set_ylabel("communication for error <= delta (qubits or bits)")
    ax.legend(fontsize=7, loc="upper left")
    return save(fig, out_dir, "tieaudit_scaling")


if __name__ == "__main__":
    standalone(plot)
