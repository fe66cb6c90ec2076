"""Small density matrices (up to about 12 qubits): Kraus channels, partial trace, distances.

A density matrix on n qubits is a ``(2^n, 2^n)`` array; gates and Kraus operators act on listed
qubits through the same tensor-reshape kernel as states (rows by ``K``, columns by ``K^*``).
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np

from .._core import check_finite, check_unit_vector, clamp_probability, is_concrete
from ._gates import I2, X, Y, Z, _check_qubits, apply_gate
from ._state import complex_dtype

__all__ = [
    "density_matrix",
    "apply_unitary_dm",
    "apply_kraus",
    "depolarizing_kraus",
    "bell_state",
    "werner_state",
    "partial_trace",
    "fidelity",
    "trace_distance",
]


def _n_of(rho) -> int:
    n = int(round(math.log2(rho.shape[0])))
    if rho.ndim != 2 or rho.shape != (2**n, 2**n):
        raise ValueError(f"a density matrix must be square of side 2^n, got shape {rho.shape}")
    return n


def density_matrix(state):
    """``|state><state|``."""
    check_unit_vector(state, "state")
    state = jnp.asarray(state)
    return jnp.outer(state, jnp.conj(state))


def _apply_rows(rho, op, qubits):
    # apply op to the row index of rho: every column is a state
    return jax.vmap(lambda col: apply_gate(col, op, qubits), in_axes=1, out_axes=1)(rho)


def apply_unitary_dm(rho, unitary, qubits):
    """``U rho U^dagger`` with U acting on ``qubits``.

    Examples:
        >>> from ccq.sim import basis_state, X
        >>> rho = density_matrix(basis_state(0, 1))
        >>> apply_unitary_dm(rho, X, [0]).real.tolist()
        [[0.0, 0.0], [0.0, 1.0]]
    """
    n = _n_of(rho)
    qubits = _check_qubits(qubits, n)
    u = jnp.asarray(unitary, rho.dtype)
    left = _apply_rows(rho, u, qubits)
    return jnp.conj(_apply_rows(jnp.conj(left.T), u, qubits)).T


def apply_kraus(rho, kraus_ops, qubits):
    """The channel ``rho -> sum_k K_k rho K_k^dagger`` on ``qubits``.

    Examples:
        >>> from ccq.sim import basis_state
        >>> rho = density_matrix(basis_state(0, 1))
        >>> apply_kraus(rho, depolarizing_kraus(1.0), [0]).real.round(6).tolist()
        [[0.5, 0.0], [0.0, 0.5]]
    """
    if is_concrete(kraus_ops[0]):   # trace preserving: sum_k K^dagger K = I
        total = sum(np.conj(np.asarray(k)).T @ np.asarray(k) for k in kraus_ops)
        if not np.allclose(total, np.eye(total.shape[0]), atol=1e-5):
            raise ValueError("kraus_ops must be trace preserving (sum of K^dagger K = I)")
    return sum(apply_unitary_dm(rho, k, qubits) for k in kraus_ops)


def depolarizing_kraus(p: float):
    """Kraus operators of the single-qubit depolarising channel ``rho -> (1-p) rho + p I/2``.

    Raises:
        ValueError: if ``p`` is outside [0, 4/3] (the range where the map is completely positive).
    """
    if not 0 <= p <= 4 / 3:
        raise ValueError(f"depolarising probability p must lie in [0, 4/3], got {p}")
    return [math.sqrt(1 - 3 * p / 4) * I2] + [math.sqrt(p / 4) * P for P in (X, Y, Z)]


def bell_state():
    """``|Phi+> = (|00> + |11>) / sqrt 2`` as a state vector."""
    return jnp.array([1, 0, 0, 1], complex_dtype()) / np.sqrt(2)


def werner_state(fidelity: float):
    """The two-qubit Werner state ``F |Phi+><Phi+| + (1 - F)/3 (I - |Phi+><Phi+|)``.

    Its fidelity with ``|Phi+>`` is exactly ``F``; ``F = 1/4`` is the maximally mixed state.

    Examples:
        >>> round(float(fidelity(werner_state(0.9), density_matrix(bell_state()))), 6)
        0.9
    """
    if not 0 <= fidelity <= 1:
        raise ValueError(f"fidelity must lie in [0, 1], got {fidelity}")
    phi = density_matrix(bell_state())
    return fidelity * phi + (1 - fidelity) / 3 * (jnp.eye(4, dtype=phi.dtype) - phi)


def partial_trace(rho, keep):
    """Trace out every qubit not in ``keep``; the kept qubits stay in increasing order.

    Examples:
        >>> from ccq.sim import bell_state
        >>> partial_trace(density_matrix(bell_state()), [0]).real.round(6).tolist()
        [[0.5, 0.0], [0.0, 0.5]]
    """
    n = _n_of(rho)
    keep = sorted(_check_qubits(keep, n, "keep"))
    t = rho.reshape((2,) * (2 * n))
    letters = "abcdefghijklmnopqrstuvwxyz"
    if 2 * n > len(letters) + 26:
        raise ValueError(f"partial_trace supports at most 26 qubits, got {n}")
    alphabet = letters + letters.upper()
    rows = [alphabet[i] for i in range(n)]
    cols = [alphabet[n + i] if i in keep else rows[i] for i in range(n)]
    out = "".join(rows[i] for i in keep) + "".join(cols[i] for i in keep)
    r = jnp.einsum("".join(rows) + "".join(cols) + "->" + out, t)
    d = 2 ** len(keep)
    return r.reshape(d, d)


def _clip_noise(w):
    # eigenvalues within rounding noise of zero are zero: in float32 a true 0 comes out as
    # +-1e-8, whose square root (1e-4) would otherwise dominate the fidelity's error
    noise = w.shape[-1] * jnp.finfo(w.dtype).eps * jnp.max(jnp.abs(w))
    return jnp.where(w > noise, w, 0.0)


def _psd_sqrt(m):
    w, v = jnp.linalg.eigh(m)
    return (v * jnp.sqrt(_clip_noise(w))[None, :]) @ jnp.conj(v.T)


def _check_density(rho, name: str):
    """A square matrix of trace 1 (within 1e-4), Hermitian; concrete values only."""
    shape = np.shape(rho)
    if len(shape) != 2 or shape[0] != shape[1] or shape[0] == 0:
        raise ValueError(f"{name} must be a square density matrix, got shape {shape}")
    check_finite(rho, name)
    if is_concrete(rho):
        m = np.asarray(rho, dtype=np.complex128)
        tr = np.trace(m)
        if abs(tr - 1) > 1e-4 or not np.allclose(m, m.conj().T, atol=1e-4):
            raise ValueError(f"{name} must be a Hermitian density matrix of trace 1, got trace "
                             f"{complex(tr):.6g}")


def fidelity(rho, sigma):
    """Uhlmann fidelity ``(tr sqrt(sqrt(rho) sigma sqrt(rho)))^2`` (1 for equal states).

    Eigenvalues within rounding noise of zero are treated as zero (see ``_clip_noise``).

    Examples:
        >>> from ccq.sim import basis_state
        >>> a, b = density_matrix(basis_state(0, 1)), density_matrix(basis_state(1, 1))
        >>> float(fidelity(a, b)), float(fidelity(a, a))
        (0.0, 1.0)
    """
    _check_density(rho, "rho")
    _check_density(sigma, "sigma")
    s = _psd_sqrt(rho)
    w = jnp.linalg.eigvalsh(s @ sigma @ s)
    # clipped: in complex64 the fidelity of a Werner state with itself is 1.0000062
    return clamp_probability(jnp.sum(jnp.sqrt(_clip_noise(w))) ** 2)


def trace_distance(rho, sigma):
    """``||rho - sigma||_1 / 2``, in [0, 1].

    Examples:
        >>> from ccq.sim import basis_state
        >>> a, b = density_matrix(basis_state(0, 1)), density_matrix(basis_state(1, 1))
        >>> float(trace_distance(a, b))
        1.0
    """
    _check_density(rho, "rho")
    _check_density(sigma, "sigma")
    return clamp_probability(0.5 * jnp.sum(jnp.abs(jnp.linalg.eigvalsh(rho - sigma))))
