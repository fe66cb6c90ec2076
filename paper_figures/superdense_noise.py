"""Superdense link under Werner noise: bit error rate and bits per qubit vs fidelity F.

Claims checked: per-bit error 2(1-F)/3 (left, markers: density-matrix simulation and sampled
protocol runs; line: closed form); bits carried per qubit 2 - H(F, (1-F)/3, (1-F)/3, (1-F)/3)
(right). The effective online saving over a classical link is this rate in bits per channel use
(a classical use carries 1 bit); it falls below 1 -- no saving -- at the break-even fidelity
F* ~ 0.8107 (dotted), measured by bisection on the simulated channel.
"""

from __future__ import annotations

import math

import numpy as np

from ccq.bounds import superdense as sdb
from ccq.experiment import load_results

from ._style import BOUND, CLASSICAL, PAGE_WIDTH, QUANTUM, new_figure, save, standalone

REQUIRES = ("superdense_noise",)


def plot(results_dir, out_dir):
    rows = [r for r in load_results(results_dir / "superdense_noise.csv")
            if r["depolarizing"] == 0]
    rows.sort(key=lambda r: r["fidelity"])
    fig, (ax_e, ax_r) = new_figure(ncols=2, width=PAGE_WIDTH / 2, height=2.8)
    f = np.array([r["fidelity"] for r in rows])
    grid = np.linspace(0.25, 1, 200)
    ax_e.plot(grid, sdb.bit_error(F=grid), color=BOUND, label=r"$2(1-F)/3$")
    ax_e.plot(f, [r["bit_error_sim"] for r in rows], "o", color=QUANTUM, mfc="none",
              label="density-matrix simulation")
    ax_e.errorbar(f, [r["bit_error_sampled"] for r in rows],
                  yerr=[r["hoeffding_band"] for r in rows], fmt="x", color=CLASSICAL,
                  capsize=2,
                  label=f"sampled, {rows[0]['bits'] if rows else 0:,} bits (bars: Hoeffding band)")
    ax_e.set_xlabel("Werner fidelity F")
    ax_e.set_ylabel("bit error rate")
    ax_e.set_title("(a) per-bit error")
    ax_e.legend(fontsize=6)
    inner = grid[grid < 1]
    ax_r.plot(inner, sdb.rate(F=inner), color=BOUND, label=r"$2 - H(F, \frac{1-F}{3}, ...)$")
    ax_r.plot(f, [r["rate_sim"] for r in rows], "o", color=QUANTUM,
              label="mutual information, simulated")
    ax_r.axhline(1, color=CLASSICAL, lw=1, label="classical link: 1 bit per use")
    measured = [r["break_even_sim"] for r in rows if not math.isnan(r["break_even_sim"])]
    f_star = measured[0] if measured else sdb.break_even_fidelity()
    ax_r.axvline(f_star, color=BOUND, ls=":", label=f"break-even F* = {f_star:.4f}")
    ax_r.set_xlabel("Werner fidelity F")
    ax_r.set_ylabel("bits per qubit sent")
    ax_r.set_title("(b) effective online rate")
    ax_r.legend(fontsize=6)
    return save(fig, out_dir, "superdense_noise")


if __name__ == "__main__":
    standalone(plot)
