"""Noise laws for protocols between parties: exact structured laws, memory, retransmissions.

The channels themselves (Kraus operators, density and trajectory paths) are in
:mod:`ccq.sim._channels`. This module holds the facts a protocol needs to take noise as a
parameter without simulating 2^(1+n) amplitudes:

* **Global depolarising** of a transmitted D-dimensional register, ``rho -> (1 - p) rho +
  p I/D``, commutes with every unitary (``U I U^dagger = I``). After L noisy messages the final
  state is therefore exactly ``s rho_ideal + (1 - s) I/D_total`` with survival ``s = (1-p)^L``:
  every outcome distribution is the ideal one mixed with the uniform one. This keeps the
  two-dimensional structure of GapIP (:func:`depolarized_distribution`,
  :func:`swap_acceptance_depolarized`); tests check it against the density-matrix simulation.
* **Per-qubit Pauli noise** (depolarising or dephasing on each qubit) is not of that form, but
  a run in which no Pauli error occurred is the ideal run, so the outcome distribution is within
  total variation ``1 - s`` of the ideal one, ``s`` the no-error probability
  (:func:`pauli_survival`).
* **Memory**: a qubit stored for time t in a memory of coherence time T2 dephases with
  ``p = (1 - exp(-t / T2)) / 2`` (coherence ``exp(-t/T2)``, :func:`memory_dephasing`).
* **Heralded loss with retries**: a message of q qubits each lost with probability p arrives
  whole with probability ``s = (1 - p)^q``; a one-message protocol re-prepares and resends
  (expected ``1/s`` sends), a protocol whose state is spread over R sequential messages must
  restart on any loss (:func:`expected_messages_with_restarts`).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

__all__ = [
    "Noise",
    "survival",
    "depolarized_distribution",
    "swap_acceptance_depolarized",
    "pauli_survival",
    "memory_dephasing",
    "compose_dephasing",
    "expected_sends",
    "expected_messages_with_restarts",
]


def _prob(p, name: str) -> float:
    p = float(p)
    if not (math.isfinite(p) and 0.0 <= p <= 1.0):
        raise ValueError(f"{name} must be a probability in [0, 1], got {p}")
    return p


def _count(k, name: str) -> int:
    if isinstance(k, bool) or int(k) != k or k < 0:
        raise ValueError(f"{name} must be an integer >= 0, got {k!r}")
    return int(k)


@dataclasses.dataclass(frozen=True)
class Noise:
    """The noise parameter every quantum protocol takes: channels on each transmitted qubit per
    message, and memory dephasing on each stored qubit per round waited.

    The channels act in the order written (depolarising, dephasing, amplitude damping) on every
    qubit of every message. ``erasure`` is heralded loss of a transmitted qubit: the receiver
    knows, so a protocol resends (one-message protocols) or restarts (protocols whose state is
    spread over several messages) and counts the retransmissions in its Cost
    (:func:`expected_sends`, :func:`expected_messages_with_restarts`). ``memory`` is the
    dephasing probability of a stored qubit per round it waits (T2-style: from a wait time and
    T2 with :func:`memory_dephasing`).

    Examples:
        >>> Noise().ideal
        True
        >>> Noise(depolarizing=0.01).ideal
        False
        >>> Noise(dephasing=1.5)
        Traceback (most recent call last):
        ...
        ValueError: Noise.dephasing must be a probability in [0, 1], got 1.5
        >>> round(Noise(dephasing=0.1, memory=0.1).memory_after(2), 6)  # memory only
        0.18
    """

    depolarizing: float = 0.0
    dephasing: float = 0.0
    amplitude_damping: float = 0.0
    erasure: float = 0.0
    memory: float = 0.0

    def __post_init__(self):
        for f in dataclasses.fields(self):
            _prob(getattr(self, f.name), f"Noise.{f.name}")

    @property
    def ideal(self) -> bool:
        """True when every parameter is zero (the protocol runs its noiseless path)."""
        return all(getattr(self, f.name) == 0.0 for f in dataclasses.fields(self))

    def transmission_kraus(self):
        """Single-qubit Kraus sets applied in order to each transmitted qubit (erasure is not a
        channel here: it is heralded and costs retransmissions)."""
        from .sim import _channels, _density
        out = []
        if self.depolarizing:
            out.append(_density.depolarizing_kraus(self.depolarizing))
        if self.dephasing:
            out.append(_channels.dephasing_kraus(self.dephasing))
        if self.amplitude_damping:
            out.append(_channels.amplitude_damping_kraus(self.amplitude_damping))
        return out

    def memory_after(self, rounds: int) -> float:
        """Dephasing probability of a qubit stored ``rounds`` rounds (composed per round)."""
        return compose_dephasing(*([self.memory] * _count(rounds, "rounds")))


def survival(p: float, messages: int) -> float:
    """``(1 - p)^messages``: weight of the ideal state after that many globally depolarised
    messages.

    Examples:
        >>> survival(0.1, 2)
        0.81
    """
    return (1.0 - _prob(p, "p")) ** _count(messages, "messages")


def depolarized_distribution(ideal, p: float, messages: int, dim: int | None = None):
    """Exact outcome distribution after ``messages`` globally depolarised transmissions.

    Args:
        ideal: the noiseless outcome distribution over the measured register (sums to 1).
        p: depolarising probability per message, ``rho -> (1 - p) rho + p I/D``, the whole
            transmitted register depolarised at once.
        messages: number of noisy transmissions of the register.
        dim: dimension of the measured register when ``ideal`` lists only some outcomes (e.g.
            the probability of one projector of rank 1); default ``len(ideal)``.

    Returns:
        ``s * ideal + (1 - s) / dim`` with ``s = (1 - p)^messages``.

    Examples:
        >>> depolarized_distribution([1.0, 0.0], 0.5, 1).tolist()
        [0.75, 0.25]
        >>> float(depolarized_distribution([0.9], 0.1, 3, dim=8)[0])   # a projector of rank 1
        0.68997...
    """
    ideal = np.asarray(ideal, dtype=float)
    if ideal.ndim != 1 or not np.all(np.isfinite(ideal)) or np.any(ideal < -1e-12):
        raise ValueError(f"ideal must be a 1-D array of probabilities, got {ideal!r}")
    dim = len(ideal) if dim is None else _count(dim, "dim")
    if dim < len(ideal) or dim < 1:
        raise ValueError(f"dim must be >= len(ideal) = {len(ideal)}, got {dim}")
    s = survival(p, messages)
    return s * ideal + (1.0 - s) / dim


def swap_acceptance_depolarized(a: float, dim: int, p_alice: float, p_bob: float = 0.0) -> float:
    """Swap-test acceptance between ``(1 - pA)|u><u| + pA I/D`` and the same for v.

    ``Pr[accept] = (1 + tr(rho sigma)) / 2`` with ``tr(rho sigma) = (1 - pA)(1 - pB) a +
    (1 - (1 - pA)(1 - pB)) / D``, ``a = |<u, v>|^2``: GapIP's swap test with Alice's copy
    depolarised in transit (and Bob's state in memory, if ``p_bob``).

    Examples:
        >>> swap_acceptance_depolarized(1.0, 4, 0.0)
        1.0
        >>> swap_acceptance_depolarized(0.25, 4, 1.0)      # fully mixed: (1 + 1/D)/2
        0.625
    """
    a = float(a)
    if not 0.0 <= a <= 1.0:
        raise ValueError(f"a = |<u,v>|^2 must lie in [0, 1], got {a}")
    dim = _count(dim, "dim")
    if dim < 1:
        raise ValueError(f"dim must be >= 1, got {dim}")
    s = (1 - _prob(p_alice, "p_alice")) * (1 - _prob(p_bob, "p_bob"))
    return (1.0 + s * a + (1.0 - s) / dim) / 2.0


def pauli_survival(p: float, qubits: int, messages: int, kind: str = "depolarizing") -> float:
    """Probability that no Pauli error hits ``qubits`` x ``messages`` qubit transmissions.

    Depolarising(p) applies a non-identity Pauli with probability 3p/4, dephasing(p) with p.
    The outcome distribution is within total variation ``1 - pauli_survival`` of the ideal.

    Examples:
        >>> round(pauli_survival(0.01, 21, 1), 4)
        0.8539
    """
    p = _prob(p, "p")
    per = {"depolarizing": 0.75 * p, "dephasing": p}
    if kind not in per:
        raise ValueError(f"kind must be one of {sorted(per)}, got {kind!r}")
    return (1.0 - per[kind]) ** (_count(qubits, "qubits") * _count(messages, "messages"))


def memory_dephasing(wait_s: float, t2_s: float) -> float:
    """Dephasing probability of a qubit stored ``wait_s`` seconds in a memory of coherence T2.

    Coherences decay as ``exp(-t/T2)`` and dephasing(p) multiplies them by ``1 - 2p``, so
    ``p = (1 - exp(-t/T2)) / 2``.

    Examples:
        >>> round(memory_dephasing(1.0, 1.0), 4)
        0.3161
    """
    wait_s, t2_s = float(wait_s), float(t2_s)
    if not (math.isfinite(wait_s) and wait_s >= 0):
        raise ValueError(f"wait_s must be finite and >= 0, got {wait_s}")
    if not (t2_s > 0):
        raise ValueError(f"t2_s must be > 0 (use math.inf for a perfect memory), got {t2_s}")
    return 0.5 * (1.0 - math.exp(-wait_s / t2_s))


def compose_dephasing(*ps: float) -> float:
    """One dephasing probability for several in sequence: ``1 - 2p = prod(1 - 2p_i)``.

    Examples:
        >>> compose_dephasing(0.5, 0.1)
        0.5
    """
    prod = 1.0
    for p in ps:
        prod *= 1.0 - 2.0 * _prob(p, "p")
    return 0.5 * (1.0 - prod)


def expected_sends(loss: float, qubits: int) -> float:
    """Expected transmissions of a q-qubit message resent until all qubits arrive: ``1/s``.

    Examples:
        >>> round(expected_sends(0.5, 2), 6)
        4.0
    """
    s = (1.0 - _prob(loss, "loss")) ** _count(qubits, "qubits")
    return math.inf if s == 0 else 1.0 / s


def expected_messages_with_restarts(loss: float, qubits: int, messages: int) -> float:
    """Expected messages sent until ``messages`` consecutive q-qubit messages all arrive.

    A loss destroys the entangled state spread over the run, so the run restarts from its first
    message. With per-message success ``s = (1 - loss)^q`` and R messages, the expected count of
    sends is ``(1 - s^R) / ((1 - s) s^R)`` (R consecutive successes; ``R`` when ``s = 1``).

    Examples:
        >>> expected_messages_with_restarts(0.0, 10, 7)
        7.0
        >>> round(expected_messages_with_restarts(0.5, 1, 2), 6)       # (1 - 1/4)/(1/2 * 1/4)
        6.0
    """
    r = _count(messages, "messages")
    s = (1.0 - _prob(loss, "loss")) ** _count(qubits, "qubits")
    if s == 1.0:
        return float(r)
    if s == 0.0:
        return math.inf if r > 0 else 0.0
    return (1.0 - s**r) / ((1.0 - s) * s**r)
