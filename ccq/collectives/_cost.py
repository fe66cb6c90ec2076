"""Exact per-link accounting of ring collectives (classical and superdense links).

Ring all-reduce of a payload of S bits over N workers: reduce-scatter (N - 1 steps, each
directed link carries one S/N-bit chunk per step) then all-gather (N - 1 steps, same). Each
directed link carries 2 (N - 1) S / N bits; the critical path is 2 (N - 1) steps (Patarasuk and
Yuan 2009; the nccl-tests bus-bandwidth factors). Chunks are ceil(S / N) bits (padding).

A superdense link [reconstruction, arXiv 2606.20344] sends 2 classical bits per qubit over a
pre-shared Bell pair: online S/2 qubits and S/2 ebits consumed per S bits; distributing the ebits
costs another S/2 qubit transmissions offline, so lifetime channel use is unchanged.
"""

from __future__ import annotations

import dataclasses
import math

from .._core import Cost, check_int

__all__ = ["CODES", "LINKS", "PHASES", "RingCost", "ring_cost"]

LINKS = ("classical", "superdense")
CODES = ("none", "parity", "repetition3")
PHASES = ("allreduce", "reduce_scatter", "all_gather")


@dataclasses.dataclass(frozen=True)
class RingCost:
    """Cost of one ring collective, per directed link.

    Attributes:
        per_link: online cost on one directed link over the whole collective.
        per_step: online cost on one directed link in one step.
        steps: sequential steps on the critical path.
        ebit_distribution_qubits: offline qubit transmissions per link that distributed the
            consumed ebits (0 for classical links).
        side: side information per link outside the payload (the fixed-point scale exchange
            of the collective's quantised links; zero from :func:`ring_cost`).
    """

    per_link: Cost
    per_step: Cost
    steps: int
    ebit_distribution_qubits: int
    side: Cost = Cost()

    @property
    def total(self) -> Cost:
        """Payload plus side information, one after the other."""
        return self.per_link + self.side

    @property
    def lifetime_channel_uses(self) -> int:
        """Online qubits + bits plus the offline ebit distribution, per link."""
        return self.per_link.qubits + self.per_link.bits + self.ebit_distribution_qubits


def ring_cost(n_workers: int, payload_bits: int, link: str = "classical",
              phase: str = "allreduce", *, code: str = "none",
              bits_per_entry: int | None = None) -> RingCost:
    """Per-directed-link cost of a ring collective.

    Args:
        n_workers: ring size N >= 1.
        payload_bits: S, the bits each worker contributes (all-reduce, reduce-scatter) or
            the bits each worker's own block holds (all-gather: every link then carries the
            N - 1 other blocks, so all-gather payloads grow with N).
        link: ``"classical"`` or ``"superdense"``.
        phase: ``"allreduce"``, ``"reduce_scatter"`` or ``"all_gather"``.
        code: symbol code of a superdense link: ``"none"``; ``"parity"`` (one check symbol
            per ``bits_per_entry``-bit word, which must then be given and even);
            ``"repetition3"`` (every symbol three times).
        bits_per_entry: word size b for the parity code.

    Examples:
        >>> ring_cost(4, 1024).per_link
        Cost(qubits=0, bits=1536, ebits=0, rounds=6)
        >>> ring_cost(4, 1024, "superdense").per_link
        Cost(qubits=768, bits=0, ebits=768, rounds=6)
        >>> ring_cost(4, 1024, "superdense", code="parity", bits_per_entry=16).per_link
        Cost(qubits=864, bits=0, ebits=864, rounds=6)
    """
    n = check_int(n_workers, "n_workers", minimum=1)
    s = check_int(payload_bits, "payload_bits", minimum=0)
    if link not in LINKS:
        raise ValueError(f"link must be one of {LINKS}, got {link!r}")
    if phase not in PHASES:
        raise ValueError(f"phase must be one of {PHASES}, got {phase!r}")
    if code not in CODES:
        raise ValueError(f"code must be one of {CODES}, got {code!r}")
    if code != "none" and link != "superdense":
        raise ValueError(f"codes apply to superdense links only, got code={code!r} with "
                         f"link={link!r}")
    if code == "parity":
        if bits_per_entry is None:
            raise ValueError("the parity code needs bits_per_entry (one check symbol per word)")
        b = check_int(bits_per_entry, "bits_per_entry", minimum=2)
        if b % 2:
            raise ValueError(f"bits_per_entry must be even for the parity code, got {b}")
    if n == 1:
        return RingCost(Cost(), Cost(), 0, 0)
    chunk = s if phase == "all_gather" else math.ceil(s / n)
    steps = (n - 1) * (2 if phase == "allreduce" else 1)
    if link == "classical":
        step = Cost(bits=chunk, rounds=1)
        distribution = 0
    else:
        symbols = math.ceil(chunk / 2)  # two bits per qubit; an odd bit is padded
        if code == "parity":
            symbols = math.ceil(chunk / b) * (b // 2 + 1)
        elif code == "repetition3":
            symbols *= 3
        step = Cost(qubits=symbols, ebits=symbols, rounds=1)
        distribution = symbols * steps
    return RingCost(step.repeat_sequential(steps), step, steps, distribution)
