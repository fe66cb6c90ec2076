"""The three quantum GapIP_tau protocols, each with an exact reduced path and a statevector path.

Geometry shared by all three [reconstruction of arXiv 2606.20344, see docs/gapip.md]: Alice
holds u = (|0>|0^n> + |1>|g>)/sqrt2, Bob v (same with h), on 1 + n qubits. ``x = <u, v> =
(1 + c)/2`` with ``c = <g, h>``; ``phi = arccos x`` in [0, pi/2]; ``a = x^2``. Alice can apply
R_u = 2|u><u| - I, Bob R_v; both fix span{u, v} and act as -I on its complement, so every state
of the protocols below stays in that plane and the whole run is a 2-D rotation: the *reduced*
path computes with 2x2 real matrices (any P), the *statevector* path with the full 2^(1+n)
amplitudes through :mod:`ccq.sim` (small n). Both return exact outcome distributions.

All three threshold an estimate of ``a`` at ``a_mid = (1 + tau^2)/4``, tau/2 from
``a_pm = ((1 pm tau)/2)^2``.
"""

from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp
import numpy as np

from .. import sim

__all__ = [
    "a_mid",
    "swap_acceptance",
    "swap_acceptance_statevector",
    "projective_acceptance",
    "projective_acceptance_statevector",
    "ae_distribution_one_qubit_statevector",
    "ae_distribution",
    "ae_distribution_statevector",
    "ae_decisions",
    "mlae_schedule",
    "mlae_probabilities",
    "mlae_probabilities_statevector",
]

STATEVECTOR_MAX_AMPLITUDES = 2**27     # 1 GiB of complex64


def a_mid(tau: float) -> float:
    """Decision threshold on ``a = <u,v>^2``: the midpoint ``(1 + tau^2)/4`` of ``a_+, a_-``."""
    return (1 + tau**2) / 4


def _x(c, xp):
    return xp.clip((1 + c) / 2, 0.0, 1.0)


# ---------------------------------------------------------------- swap test


def swap_acceptance(c, xp=np):
    """Exact swap-test acceptance ``(1 + a)/2`` on the augmented states (reduced path).

    Examples:
        >>> float(swap_acceptance(0.0))
        0.625
    """
    return (1 + _x(c, xp) ** 2) / 2


@jax.jit
def swap_acceptance_statevector(g, h):
    """The same probability from the full (1+n)-qubit statevectors via :mod:`ccq.sim`."""
    return sim.swap_test_probability(sim.augmented_encode(g), sim.augmented_encode(h))


# ---------------------------------------------------------------- Bob's projection


def projective_acceptance(c, xp=np):
    """Bob knows h, so he measures {|v><v|, I - |v><v|} on each copy of u Alice sends: it
    accepts with ``|<u, v>|^2 = ((1 + c)/2)^2`` (reduced path); the acceptance gap between
    c = +tau and -tau is tau, twice the swap test's tau/2.

    Examples:
        >>> float(projective_acceptance(0.0))
        0.25
    """
    return _x(c, xp) ** 2


@jax.jit
def projective_acceptance_statevector(g, h):
    """The same probability from the full (1+n)-qubit statevectors: ``|<v|u>|^2``."""
    u, v = sim.augmented_encode(g), sim.augmented_encode(h)
    return jnp.abs(jnp.vdot(v, u)) ** 2


# ---------------------------------------------------------------- canonical AE


def _rotation_amplitudes(c, M: int, xp):
    """Q^y u in the basis (u, u_perp) of span{u, v}, for y = 0..M-1 (shape (M, 2))."""
    phi = xp.arccos(_x(c, xp))
    y = xp.arange(M)
    # R_v sends u (angle 0) to angle 2 phi, R_u then to -2 phi: Q = R_u R_v rotates by -2 phi
    return xp.stack([xp.cos(2 * phi * y), -xp.sin(2 * phi * y)], axis=-1)


def ae_distribution(c, M: int, xp=np):
    """Exact distribution of the phase-estimation outcome ``k`` in ``0..M-1`` (reduced path).

    The control register (dimension M) starts uniform, branch y receives Q^y, the inverse
    Fourier transform over Z_M is applied and the register is measured:
    ``p(k) = |sum_y e^{-2 pi i y k / M} Q^y u|^2 / M^2``.

    Examples:
        >>> p = ae_distribution(0.0, 6)       # phi = pi/3: the peak sits exactly on k = 2, 4
        >>> np.round(p, 6).tolist()
        [0.0, 0.0, 0.5, 0.0, 0.5, 0.0]
    """
    amps = _rotation_amplitudes(c, M, xp)
    f = xp.fft.fft(amps, axis=0) / M
    return xp.sum(xp.abs(f) ** 2, axis=-1)


def _qft_probabilities(rows, M: int):
    f = jnp.fft.fft(rows, axis=0) / M
    return jnp.sum(jnp.abs(f) ** 2, axis=1)


@functools.partial(jax.jit, static_argnums=2)
def ae_distribution_statevector(g, h, M: int):
    """The same distribution from the full statevector: an M-dimensional control register
    times the (1+n)-qubit message register, Q = R_u R_v applied with
    :func:`ccq.sim.reflect_about` (M - 1 controlled applications, as in the protocol), then
    the inverse Fourier transform over Z_M of the control register.
    """
    u, v = sim.augmented_encode(g), sim.augmented_encode(h)
    if M * u.shape[0] > STATEVECTOR_MAX_AMPLITUDES:
        raise ValueError(f"statevector path holds M * 2^(1+n) = {M * u.shape[0]} amplitudes, "
                         f"more than {STATEVECTOR_MAX_AMPLITUDES}; use path='reduced'")
    # branch y of the uniform control register holds Q^y u after the M - 1 applications of
    # Q controlled on "y > t", t = 0..M-2: branch y receives exactly y of them, so the
    # branches are built in one pass, each from the previous (O(M 2^n), not O(M^2 2^n))
    def step(state, _):
        return sim.reflect_about(sim.reflect_about(state, v), u), state

    _, rows = jax.lax.scan(step, u, None, length=M)
    return _qft_probabilities(rows, M)


def ae_distribution_one_qubit_statevector(g, h, m: int):
    """Phase estimation with ONE control qubit (semiclassical QFT, Griffiths-Niu 1996), M = 2^m.

    For j = m-1, ..., 0: a fresh control qubit in |+> controls Q^(2^j) on the message register
    (2^j Grover applications, the control travelling with the register), then gets the phase
    correction exp(-2 pi i 2^j (k mod 2^(m-1-j)) / M) from the bits already measured, a
    Hadamard, and is measured: bit k_(m-1-j) of the outcome k. Every branch of outcomes is
    followed on the (1+n)-qubit statevector (numpy, float64), so the result is the exact law
    of k, to compare with :func:`ae_distribution_statevector` (the full M-dim register).

    Examples:
        >>> g = np.array([1.0, 0.0]); h = np.array([0.6, 0.8])
        >>> bool(np.allclose(ae_distribution_one_qubit_statevector(g, h, 3),
        ...                  ae_distribution(0.6, 8)))
        True
    """
    u = np.asarray(sim.augmented_encode(jnp.asarray(g)), np.complex128)
    v = np.asarray(sim.augmented_encode(jnp.asarray(h)), np.complex128)
    # the encoding ran in float32 (x64 off); renormalise so the float64 law keeps its mass
    u, v = u / np.linalg.norm(u), v / np.linalg.norm(v)
    M = 2**m

    def grover(state):          # Q = R_u R_v: Bob reflects about v, then Alice about u
        state = 2 * v * np.vdot(v, state) - state
        return 2 * u * np.vdot(u, state) - state

    probs = np.zeros(M)
    # branch: (unnormalised message state, outcome bits so far as the integer k mod 2^i)
    branches = [(u, 0)]
    for i, j in enumerate(range(m - 1, -1, -1)):
        new = []
        for state, low in branches:
            moved = state
            for _ in range(2**j):
                moved = grover(moved)
            for bit in (0, 1):
                k = low + bit * 2**i
                phase = np.exp(-2j * np.pi * 2**j * k / M)   # <f_k| on this qubit
                new.append(((state + phase * moved) / 2, k))
        branches = new
    for state, k in branches:
        probs[k] = np.real(np.vdot(state, state))
    return probs


def ae_estimate(k, M: int, xp=np):
    """``a`` estimated from outcome ``k``: ``cos^2(pi min(k, M - k) / M)``."""
    return xp.cos(xp.pi * xp.minimum(k, M - k) / M) ** 2


def ae_decisions(M: int, tau: float):
    """+1/-1 decision of every outcome k (``a_estimate >= a_mid`` means aligned)."""
    return np.where(ae_estimate(np.arange(M), M) >= a_mid(tau), 1, -1)


# ---------------------------------------------------------------- maximum-likelihood AE


def mlae_schedule(max_power: int) -> tuple[int, ...]:
    """Grover powers: 0, and floor(M / 2^i) for i = 0, 1, ... (while >= 1), each moved up by
    one when it is 1 mod 3, increasing and without repeats.

    Why the shift: the decision threshold c ~ 0 sits at phi = pi/3, where
    ``cos^2((2m+1)(pi/3 +- d))`` is even in d whenever 3 divides 2m + 1, i.e. m = 1 mod 3:
    such powers carry no first-order information on the sign of <g,h> (measured: without the
    shift, M = 16 needs far more shots than M = 17). Every M has floor(log2 M) + 2 levels at
    most, so cost and error move smoothly with M.

    Examples:
        >>> mlae_schedule(6), mlae_schedule(8), mlae_schedule(16)
        ((0, 2, 3, 6), (0, 2, 5, 8), (0, 2, 5, 8, 17))
    """
    powers = {0}
    p = max_power
    while p >= 1:
        powers.add(p + 1 if p % 3 == 1 else p)
        p //= 2
    return tuple(sorted(powers))


def mlae_probabilities(c, schedule, xp=np):
    """Exact probability that Alice's final projection onto u succeeds, per Grover power m.

    Bob prepares v and sends it (1 message); each power applies R_u (Alice) then R_v (Bob),
    2 messages; the state ends at angle (2m + 1) phi from u: ``p_m = cos^2((2m+1) phi)``.

    Examples:
        >>> np.round(mlae_probabilities(1.0, (0, 1, 2)), 6).tolist()
        [1.0, 1.0, 1.0]
    """
    phi = xp.arccos(_x(c, xp))
    m = xp.asarray(schedule)
    return xp.cos((2 * m + 1) * phi) ** 2


@functools.partial(jax.jit, static_argnums=2)
def mlae_probabilities_statevector(g, h, schedule):
    """The same probabilities from the full (1+n)-qubit statevector via :mod:`ccq.sim`."""
    u, v = sim.augmented_encode(g), sim.augmented_encode(h)
    out, state, done = [], v, 0
    for m in schedule:
        for _ in range(m - done):
            state = sim.reflect_about(sim.reflect_about(state, u), v)
        done = m
        out.append(jnp.abs(jnp.vdot(u, state)) ** 2)
    return jnp.stack(out)


def mlae_grid(max_power: int, tau: float, points_per_fringe: int = 16):
    """Candidate angles phi for the likelihood maximisation, split at the threshold angle.

    Returns ``(grid, aligned)``: angles in [0, pi/2] and whether each lies on the aligned side
    (``cos^2 phi >= a_mid``). The spacing resolves every fringe of ``cos^2((2M+1) phi)``.
    """
    phi_mid = math.acos(math.sqrt(a_mid(tau)))
    count = points_per_fringe * (2 * max_power + 1)
    lo = np.linspace(0.0, phi_mid, count // 2 + 2)
    hi = np.linspace(phi_mid, math.pi / 2, count // 2 + 2)[1:]
    grid = np.concatenate([lo, hi])
    return grid, grid <= phi_mid
