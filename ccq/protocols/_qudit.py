"""Small qudit kernels: states as ``(d,) * n`` tensors, one axis per party.

:mod:`ccq.sim` is qubit-only and shared, so the GHZ secure sum keeps its own qudit kernels
here. Every function works on numpy arrays (complex128, for exact distributions and
density matrices) and on JAX arrays (for jitted sampling): the array namespace follows the
input. Party 0 is the leading axis; flattening is row-major (party 0 most significant).

Conventions (``w = exp(2 pi i / d)``):

* ``fourier(d)[k, j] = w^(j k) / sqrt(d)``, i.e. ``F|j> = d^-1/2 sum_k w^(jk) |k>``;
* "measuring party i in the Fourier basis with outcome m" means projecting onto ``F|m>``;
  :func:`fourier_amplitudes` applies ``F^dagger`` to every listed axis, after which the
  computational-basis amplitudes are the Fourier-basis amplitudes;
* ``clock(d, x) = sum_k w^(k x) |k><k|`` is the phase a party applies to encode ``x``.

Examples:
    >>> import numpy as np
    >>> psi = ghz_state(3, 2)
    >>> probs = np.abs(fourier_amplitudes(psi, range(3))) ** 2
    >>> float(probs[0, 0, 0]), float(probs[0, 0, 1])     # outcomes sum to 0 mod 2
    (0.25, 0.0)
"""

from __future__ import annotations

from collections.abc import Iterable

import jax
import jax.numpy as jnp
import numpy as np

__all__ = [
    "ghz_state",
    "fourier",
    "clock",
    "apply_one",
    "apply_phases",
    "fourier_amplitudes",
    "density",
    "apply_one_dm",
    "fourier_dm",
    "diag_probabilities",
]


def _xp(a):
    return jnp if isinstance(a, jax.Array) else np


def ghz_state(n: int, d: int, *, xp=np) -> np.ndarray:
    """``|GHZ_d> = d^-1/2 sum_k |k>^(x)n`` as an ``(d,) * n`` tensor."""
    psi = np.zeros((d,) * n, dtype=np.complex128)
    for k in range(d):
        psi[(k,) * n] = 1.0
    psi /= np.sqrt(d)
    return psi if xp is np else xp.asarray(psi, dtype=jnp.complex64)


def fourier(d: int, *, xp=np) -> np.ndarray:
    """The qudit Fourier matrix ``F[k, j] = w^(jk)/sqrt(d)`` (unitary)."""
    k = np.arange(d)
    f = np.exp(2j * np.pi * np.outer(k, k) / d) / np.sqrt(d)
    return f if xp is np else xp.asarray(f, dtype=jnp.complex64)


def clock(d: int, x, *, xp=np):
    """Diagonal of the clock power ``Z^x``: ``w^(k x)`` for k = 0..d-1 (x may be traced)."""
    k = xp.arange(d)
    return xp.exp(2j * np.pi * ((k * x) % d) / d)


def apply_one(state, u, axis: int):
    """Apply the d x d matrix ``u`` to one party's axis of a pure-state tensor."""
    xp = _xp(state)
    out = xp.tensordot(u, state, axes=([1], [axis]))
    return xp.moveaxis(out, 0, axis)


def apply_phases(state, phases):
    """Multiply party i's axis by the diagonal ``phases[i]`` (shape ``(n, d)``)."""
    xp = _xp(state)
    n = state.ndim
    for i in range(n):
        shape = [1] * n
        shape[i] = state.shape[i]
        state = state * xp.reshape(phases[i], shape)
    return state


def fourier_amplitudes(state, axes: Iterable[int]):
    """Amplitudes in the Fourier basis on ``axes`` (computational basis elsewhere)."""
    xp = _xp(state)
    d = state.shape[0]
    fd = xp.conj(fourier(d, xp=xp)).T
    for a in axes:
        state = apply_one(state, fd, a)
    return state


# ---------------------------------------------------------------- density matrices
# A density matrix of n qudits is a (d,)*n + (d,)*n tensor: ket axes first, bra axes after.


def density(state) -> np.ndarray:
    """``|psi><psi|`` as a ket-axes + bra-axes tensor."""
    xp = _xp(state)
    return xp.tensordot(state, xp.conj(state), axes=0)


def apply_one_dm(rho, u, axis: int):
    """``U rho U^dagger`` with U acting on one subsystem (``axis`` indexes the kets)."""
    xp = _xp(rho)
    n = rho.ndim // 2
    out = xp.moveaxis(xp.tensordot(u, rho, axes=([1], [axis])), 0, axis)
    out = xp.moveaxis(xp.tensordot(xp.conj(u), out, axes=([1], [n + axis])), 0, n + axis)
    return out


def fourier_dm(rho, axes: Iterable[int]):
    """Rotate the listed subsystems so that the computational basis is the Fourier basis."""
    xp = _xp(rho)
    d = rho.shape[0]
    fd = xp.conj(fourier(d, xp=xp)).T
    for a in axes:
        rho = apply_one_dm(rho, fd, a)
    return rho


def diag_probabilities(rho):
    """Computational-basis probabilities of every subsystem: the diagonal as an n-axis tensor."""
    xp = _xp(rho)
    n = rho.ndim // 2
    dims = rho.shape[:n]
    size = int(np.prod(dims))
    return xp.real(xp.diagonal(xp.reshape(rho, (size, size)))).reshape(dims)
