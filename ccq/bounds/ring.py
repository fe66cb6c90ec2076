"""Ring all-reduce per-link accounting: classical bits, superdense qubits and ebits, lifetime.

N workers all-reduce S bits each with a ring (reduce-scatter then all-gather, N - 1 steps each,
one S/N-bit chunk per directed link per step). A superdense link sends the same bits two per
qubit, consuming one pre-shared ebit per qubit; distributing that ebit costs one more qubit
transmission offline, so the lifetime channel use per link is the classical count.
"""

from __future__ import annotations

import sympy as sp

from ._bound import Bound

N = sp.Symbol("N", positive=True, integer=True)
S = sp.Symbol("S", positive=True)

_SOURCE = "Patarasuk-Yuan 2009 (ring all-reduce); arXiv 2606.20344 (superdense links); " \
          "derived in proofs/proof_ring.py"

classical_bits_per_link = Bound(
    "ring.classical_bits_per_link",
    2 * (N - 1) * S / N,
    "Classical ring all-reduce of S bits over N workers sends 2(N-1)S/N bits on each directed "
    "link (S divisible by N; otherwise chunks are ceil(S/N) bits).",
    "exact",
    _SOURCE,
    quantity="bits",
)

superdense_qubits_per_link = Bound(
    "ring.superdense_qubits_per_link",
    (N - 1) * S / N,
    "With superdense links each directed link carries (N-1)S/N qubits online, half the "
    "classical bit count (S/N even).",
    "exact",
    _SOURCE,
    quantity="qubits",
)

ebits_per_link = Bound(
    "ring.ebits_per_link",
    (N - 1) * S / N,
    "Each superdense qubit consumes one pre-shared Bell pair: (N-1)S/N ebits per directed link.",
    "exact",
    _SOURCE,
    quantity="ebits",
)

lifetime_uses_per_link = Bound(
    "ring.lifetime_uses_per_link",
    2 * (N - 1) * S / N,
    "Online qubits plus the qubit transmissions that distributed the consumed ebits: "
    "2(N-1)S/N channel uses per link, the same as the classical ring (lifetime use unchanged).",
    "exact",
    _SOURCE,
    quantity="qubits",
)

critical_path_steps = Bound(
    "ring.critical_path_steps",
    2 * (N - 1),
    "Ring all-reduce takes 2(N-1) sequential steps (N-1 reduce-scatter, N-1 all-gather), "
    "for either link.",
    "exact",
    _SOURCE,
    quantity="rounds",
)

phase_bits_per_link = Bound(
    "ring.phase_bits_per_link",
    (N - 1) * S / N,
    "Reduce-scatter alone (or all-gather of the reduced S/N-bit blocks) sends (N-1)S/N bits per "
    "directed link: the nccl-tests bus-bandwidth factor (N-1)/N.",
    "exact",
    _SOURCE,
    quantity="bits",
)
