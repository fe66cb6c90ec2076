"""Seconds on a network: one-way fibre delay, a teleported qubit, a classical bit.

The wall-clock model of :mod:`ccq.latency` (``docs/noise_time_interop.md``) in three exact
terms, so the calculator can turn a protocol's whole cost into seconds:

    time = rounds * latency.round_seconds + qubits * latency.qubit_seconds
           + bits * latency.bit_seconds

``km`` is the fibre between the parties, ``R`` the entanglement (ebit) rate of the quantum link
and ``B`` the classical bandwidth. A qubit crosses by teleportation: one ebit, at ``R`` per
second, and two classical bits, at ``B`` per second (no network forwards flying qubits between
memories today). The presets of :data:`ccq.calculator.NETWORKS` (= ``ccq.latency.PRESETS``)
cite the experiments each value comes from.

Examples:
    >>> round(float(round_seconds(km=64)), 6), float(bit_seconds(B=1e10))
    (0.00032, 1e-10)
    >>> float(qubit_seconds(R=10.0, B=1e9))           # 0.1 s for the ebit, 2 ns for 2 bits
    0.100000002
"""

from __future__ import annotations

import sympy as sp

from ._bound import Bound

km = sp.Symbol("km", nonnegative=True)
R = sp.Symbol("R", positive=True)
B = sp.Symbol("B", positive=True)

#: metres per second of light in silica fibre (refractive index ~1.5), ccq.latency's value
FIBRE_SPEED_M_S = 200_000_000

round_seconds = Bound(
    "latency.round_seconds",
    km * 1000 / sp.Integer(FIBRE_SPEED_M_S),
    "A sequential one-way message over km kilometres of fibre waits km * 1000 / (2e8 m/s) "
    "seconds of propagation (light in silica, refractive index ~1.5; switching and "
    "processing not counted).",
    "exact",
    "the wall-clock model of ccq.latency (docs/noise_time_interop.md); fibre index ~1.5",
    quantity="seconds",
    ranges={"km": (0, 40_000)},
)

qubit_seconds = Bound(
    "latency.qubit_seconds",
    1 / R + 2 / B,
    "A teleported qubit takes one ebit, delivered at R per second, and two classical bits at "
    "B bits per second: 1/R + 2/B seconds of link time.",
    "exact",
    "the wall-clock model of ccq.latency (docs/noise_time_interop.md); teleportation, "
    "Bennett et al. 1993",
    quantity="seconds",
)

bit_seconds = Bound(
    "latency.bit_seconds",
    1 / B,
    "A classical bit takes 1/B seconds of a link of B bits per second.",
    "exact",
    "the wall-clock model of ccq.latency (docs/noise_time_interop.md)",
    quantity="seconds",
)
