"""GapIP wall-clock time: where in (tau, P) quantum AE would finish before the best sketch.

One panel per network preset (ccq.latency.PRESETS; sources in docs/noise_time_interop.md).
Colour: log10 of the qubit rate canonical AE needs to finish no later than the fastest classical
sketch (simhash / JL / exact) on that link -- ccq.latency.break_even_qubit_rate -- grey where no
rate suffices (AE's O(1/tau) rounds of latency alone exceed the classical time). Dashed contour:
the rate the preset's link delivers (AE finishes first inside it). Hatched: where AE sends
fewer qubits than the best sketch's bits (the communication-count advantage).
"""

from __future__ import annotations

import math

import numpy as np

from ccq.experiment import load_results
from ccq.latency import PRESETS

from ._style import new_figure, save, standalone

REQUIRES = ("latency_gapip",)

#: each ccq.latency preset in words (sources: docs/noise_time_interop.md)
TITLES = {"today_metro": "today, metro fibre", "today_long": "today, long distance",
          "today_lab": "today, laboratory", "tomorrow_datacenter": "tomorrow, data centre",
          "hypothetical_mhz": "hypothetical MHz link"}


def plot(results_dir, out_dir):
    rows = load_results(results_dir / "latency_gapip.csv")
    names = [p for p in PRESETS if any(r["preset"] == p for r in rows)]
    fig, axes = new_figure(ncols=max(1, len(names)), width=3.6, height=3.4)
    image = None
    for ax, name in zip(axes, names, strict=False):
        mine = [r for r in rows if r["preset"] == name]
        taus = sorted({r["tau"] for r in mine})
        logp = sorted({r["log2_P"] for r in mine})
        need = np.full((len(logp), len(taus)), np.nan)
        count = np.zeros_like(need)
        for r in mine:
            i, j = logp.index(r["log2_P"]), taus.index(r["tau"])
            rate = r["ae_break_even_rate"]
            need[i, j] = math.log10(rate) if math.isfinite(rate) and rate > 0 else np.nan
            count[i, j] = float(r["ae_fewer_qubits_than_bits"])
        x = np.log10(taus)
        ax.set_facecolor("#bbbbbb")        # grey: no rate suffices
        image = ax.pcolormesh(x, logp, need, shading="nearest", cmap="viridis", vmin=0,
                              vmax=14)
        have = math.log10(PRESETS[name].qubits_per_s)
        finite = need[np.isfinite(need)]
        if finite.size and finite.min() <= have <= finite.max():
            ax.contour(x, logp, need, levels=[have], colors="white", linestyles="--")
        ax.contourf(x, logp, count, levels=[0.5, 1.5], hatches=["//"], colors="none")
        words = TITLES.get(name, name.replace("_", " ")).replace(", ", ",\n")
        ax.set_title(f"{words}\nlink: {PRESETS[name].qubits_per_s:g} qubits/s", fontsize=7)
        ax.set_xlabel(r"$\log_{10}\tau$")
        ax.set_ylabel(r"$\log_2 P$")
        ax.grid(False)
    if image is not None:
        fig.colorbar(image, ax=axes[-1], label="log10 qubits/s AE needs to finish first")
    return save(fig, out_dir, "latency_gapip")


if __name__ == "__main__":
    standalone(plot)
