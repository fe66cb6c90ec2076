"""Wall-clock time of a protocol from its :class:`ccq.Cost`, on a network described by a few rates.

Model (every term named; nothing overlaps, so the time is an upper bound for a link that
does one thing at a time and a fair comparison between protocols on the same link):

    time = rounds * latency_s                  (each sequential message waits one one-way delay)
         + qubits / qubit_rate                 (qubits sent by teleportation: one ebit each)
         + ebits / ebit_rate                   (pre-shared entanglement the protocol consumes)
         + (bits + 2 * qubits) / classical_bps  (classical bits; teleportation adds 2 per qubit)

``Cost.rounds`` counts sequential one-way messages, so a round trip is two rounds (the issue's
"rounds x RTT" is rounds x RTT / 2 here). Quantum messages on today's networks are teleported
(no network forwards a flying qubit between memories), so ``qubit_rate`` defaults to the
entanglement rate. Entanglement is generated on demand: distributing it ahead of time would
move its time offline but store it in memory for that long (see :func:`memory_wait_s`).

Presets (:data:`PRESETS`) come with the experiment each number is from; see
docs/noise_time_interop.md for what each number is and is not.
"""

from __future__ import annotations

import dataclasses
import math

from ._core import Cost

__all__ = ["Network", "PRESETS", "FIBRE_SPEED_M_S", "fibre_latency_s", "wall_time",
           "memory_wait_s"]

FIBRE_SPEED_M_S = 2.0e8      # light in silica fibre, refractive index ~1.5


def fibre_latency_s(km: float) -> float:
    """One-way propagation delay of ``km`` of fibre (no switching or processing).

    Examples:
        >>> fibre_latency_s(64)
        0.00032
    """
    if not (math.isfinite(km) and km >= 0):
        raise ValueError(f"km must be finite and >= 0, got {km}")
    return km * 1e3 / FIBRE_SPEED_M_S


@dataclasses.dataclass(frozen=True)
class Network:
    """Rates of one two-party link.

    Args:
        name: preset name.
        latency_s: one-way delay of a message (classical or quantum), seconds.
        classical_bps: classical bandwidth, bits per second.
        ebit_rate: heralded Bell pairs delivered per second.
        qubit_rate: qubits delivered per second (default: teleportation at ``ebit_rate``).
        t2_s: coherence time of the memories holding qubits between rounds, seconds.
        source: where the numbers come from.
    """

    name: str
    latency_s: float
    classical_bps: float
    ebit_rate: float
    t2_s: float
    source: str
    qubit_rate: float | None = None

    def __post_init__(self):
        for field in ("latency_s", "classical_bps", "ebit_rate", "t2_s"):
            v = getattr(self, field)
            if not (isinstance(v, int | float) and v > 0 or (field == "latency_s" and v == 0)):
                raise ValueError(f"Network.{field} must be a positive number, got {v!r}")
        if self.qubit_rate is not None and not self.qubit_rate > 0:
            raise ValueError(f"Network.qubit_rate must be positive, got {self.qubit_rate!r}")

    @property
    def qubits_per_s(self) -> float:
        return self.ebit_rate if self.qubit_rate is None else self.qubit_rate


def wall_time(cost: Cost, net: Network, *, teleported: bool = True) -> float:
    """Seconds one run with ``cost`` takes on ``net`` (the model in the module docstring).

    Args:
        cost: the protocol's exact cost.
        net: the link.
        teleported: qubits cross by teleportation (2 classical bits each); False for a link
            that carries flying qubits directly at ``qubit_rate``.

    Examples:
        >>> net = Network("toy", latency_s=1e-3, classical_bps=1e9, ebit_rate=10.0,
        ...               t2_s=1.0, source="none")
        >>> round(wall_time(Cost(qubits=20, rounds=2), net), 8)      # 2 ms + 20 / 10 Hz
        2.00200004
        >>> wall_time(Cost(bits=10**9, rounds=1), net)               # 1 ms + 1 s
        1.001
    """
    if not isinstance(cost, Cost):
        raise TypeError(f"cost must be a ccq.Cost, got {type(cost).__name__}")
    extra_bits = 2 * cost.qubits if teleported else 0
    return (cost.rounds * net.latency_s + cost.qubits / net.qubits_per_s
            + cost.ebits / net.ebit_rate + (cost.bits + extra_bits) / net.classical_bps)


def memory_wait_s(cost: Cost, net: Network) -> float:
    """Longest time a qubit of the protocol waits in a memory: the whole run, for protocols
    whose state lives across all rounds (AE, MLAE); the comparison with ``net.t2_s`` (through
    :func:`ccq.noise.memory_dephasing`) says whether the run can stay coherent at all."""
    return wall_time(cost, net)


# --------------------------------------------------------------------------- presets
# Each number is the headline figure of a published experiment, as labelled; the classical
# link is a standard 10/100 Gb/s Ethernet port (IEEE 802.3ae / 802.3ba), an assumption that
# favours neither side (classical time here is latency-dominated for every sketch we compare).

PRESETS = {
    "today_metro": Network(
        "today_metro", latency_s=fibre_latency_s(64), classical_bps=10e9, ebit_rate=7.1,
        t2_s=10.0,
        source="7.1 Hz teleportation of photonic qubits over 64 km of fibre (Shen et al. 2023, "
               "arXiv 2303.13866, 'Hertz-rate metropolitan quantum teleportation'); memory: "
               "remotely entangled trapped-ion memory qubits stored ~10 s (Main et al. 2025, "
               "arXiv 2506.14334); 10 Gb/s Ethernet"),
    "today_long": Network(
        "today_long", latency_s=fibre_latency_s(33), classical_bps=10e9, ebit_rate=0.01,
        t2_s=10.0,
        source="atom-atom entanglement over 33 km of fibre at 0.01 per second, fidelity 0.622 "
               "(van Leent et al. 2022, Nature 607, 69; rate as quoted by Saha et al. 2025, "
               "Nat. Commun., s41467-025-57557-4); memory and classical link as today_metro"),
    "today_lab": Network(
        "today_lab", latency_s=fibre_latency_s(0.002), classical_bps=100e9, ebit_rate=250.0,
        t2_s=10.0,
        source="trapped-ion remote entanglement at 250 per second across a few metres "
               "(O'Reilly et al. 2024, arXiv 2404.16167, as quoted by Saha et al. 2025); "
               "memory as today_metro; 100 Gb/s Ethernet"),
    "tomorrow_datacenter": Network(
        "tomorrow_datacenter", latency_s=fibre_latency_s(0.5), classical_bps=100e9,
        ebit_rate=1e3, t2_s=10.0,
        source="1000 ebits per second: the projected atomic-physics limit of trapped-ion "
               "remote entanglement (Moore et al. 2025, arXiv 2510.27005, 'R_REG well above "
               "10^3 s^-1' under ideal conditions) -- a projection, not a measurement; 500 m "
               "of fibre; memory as today"),
    "hypothetical_mhz": Network(
        "hypothetical_mhz", latency_s=fibre_latency_s(0.5), classical_bps=100e9,
        ebit_rate=1e6, t2_s=10.0,
        source="ASSUMPTION, no experiment: 10^6 ebits per second (1000x the projected limit "
               "above, e.g. by multiplexing), to show where the verdict would flip"),
}


def break_even_qubit_rate(quantum: Cost, classical_time_s: float, net: Network, *,
                          teleported: bool = True) -> float:
    """Smallest qubit rate at which the quantum run finishes no later than ``classical_time_s``.

    Solving ``wall_time(quantum) <= classical_time_s`` for the rate (ebits consumed are served
    at the same rate): ``r* = (qubits + ebits) / (T_c - rounds * latency - bits' / B)``, where
    ``bits'`` are the classical bits of the quantum run including teleportation's. ``inf`` when
    the quantum run's latency and classical bits alone already take longer than ``T_c`` (no
    rate helps); 0 when it sends no qubits or ebits and is already faster.

    Examples:
        >>> net = PRESETS["today_metro"]
        >>> r = break_even_qubit_rate(Cost(qubits=1000, rounds=1), 1.0, net)
        >>> round(r, 1)                   # 1000 qubits in 1 s - 0.32 ms - 2000 bits / 10 Gb/s
        1000.3
        >>> break_even_qubit_rate(Cost(qubits=1, rounds=10**4), 1.0, net)   # 3.2 s of latency
        inf
    """
    extra_bits = 2 * quantum.qubits if teleported else 0
    slack = (classical_time_s - quantum.rounds * net.latency_s
             - (quantum.bits + extra_bits) / net.classical_bps)
    volume = quantum.qubits + quantum.ebits
    if slack <= 0:
        return math.inf
    return volume / slack


__all__ += ["break_even_qubit_rate"]
