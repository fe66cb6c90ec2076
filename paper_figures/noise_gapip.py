"""GapIP's canonical AE under global depolarising noise per message: the threshold p*.

Left: the largest depolarising probability per message (whole transmitted register) at which
AE with ccq's default budget (M Grover applications, r runs, majority) still has error <= 0.05
over the whole promise, against tau; the dotted line is 0.27/M (p* M is nearly constant: the
run survives noise-free with probability (1-p)^(2(M-1))); P = 2^20 and 2^30 coincide because
M and r do not depend on P. Right: with more repetitions allowed,
the largest p at which AE still sends fewer qubits than the best classical sketch sends bits
(only where AE wins without noise).
"""

from __future__ import annotations

import numpy as np

from ccq.experiment import load_results

from ._style import BOUND, CLASSICAL, QUANTUM, new_figure, save, standalone

REQUIRES = ("noise_gapip",)


def plot(results_dir, out_dir):
    rows = load_results(results_dir / "noise_gapip.csv")
    fig, (ax_d, ax_m) = new_figure(ncols=2)
    for lp, colour, marker in ((20, QUANTUM, "o"), (30, CLASSICAL, "s")):
        mine = sorted((r for r in rows if r["log2_P"] == lp), key=lambda r: r["tau"])
        if not mine:
            continue
        tau = np.array([r["tau"] for r in mine])
        ax_d.loglog(tau, [r["p_star_default_budget"] for r in mine], marker, color=colour,
                    label=f"P = 2^{lp}")
        wins = [r for r in mine if r["ae_qubits"] < r["classical_bits"]]
        if wins:
            ax_m.loglog([r["tau"] for r in wins], [r["p_star_mitigated"] for r in wins], marker,
                        color=colour, label=f"P = 2^{lp}")
    if rows:
        ref = sorted(rows, key=lambda r: r["tau"])
        ax_d.loglog([r["tau"] for r in ref], [0.27 / r["M"] for r in ref], ":", color=BOUND,
                    label="0.27 / M")
    ax_d.set_xlabel(r"$\tau$")
    ax_d.set_ylabel("p* per message")
    ax_d.set_title("default budget, error <= 0.05")
    ax_d.legend(fontsize=8)
    ax_m.set_xlabel(r"$\tau$")
    ax_m.set_ylabel("p* per message")
    ax_m.set_title("more repetitions, while qubits < sketch bits")
    ax_m.legend(fontsize=8)
    return save(fig, out_dir, "noise_gapip")


if __name__ == "__main__":
    standalone(plot)
