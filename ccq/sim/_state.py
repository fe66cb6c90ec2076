"""States as flat amplitude vectors of length 2^n, and the encodings of classical vectors.

Qubit 0 is the most significant bit of a basis index (big-endian, the axis order of the
``(2,) * n`` tensor view), so ``|q0 q1 ... q_{n-1}>`` has index ``q0 * 2^(n-1) + ... + q_{n-1}``.

Precision is a documented choice: complex64 by default (memory-bandwidth bound kernels run
twice as fast), complex128 whenever JAX's x64 mode is on (``jax.config.update(
"jax_enable_x64", True)``). Reductions are taken over flat arrays, which XLA sums pairwise,
so probabilities stay accurate in float32 even at 2^24 amplitudes (see tests/test_sim.py).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from .._core import check_finite, check_int, check_unit_vector, is_concrete

__all__ = [
    "complex_dtype",
    "real_dtype",
    "num_qubits",
    "basis_state",
    "amplitude_encode",
    "augmented_encode",
]


def complex_dtype():
    """complex128 when JAX x64 is enabled, else complex64."""
    return jnp.complex128 if jax.config.jax_enable_x64 else jnp.complex64


def real_dtype():
    """float64 when JAX x64 is enabled, else float32."""
    return jnp.float64 if jax.config.jax_enable_x64 else jnp.float32


def num_qubits(length: int) -> int:
    """Qubits needed to hold ``length`` amplitudes: ``ceil(log2(length))`` (at least 1).

    Examples:
        >>> num_qubits(1000), num_qubits(1024), num_qubits(1)
        (10, 10, 1)
    """
    length = check_int(length, "length", minimum=1)
    # integer arithmetic: float log2 rounds 2^k + 1 down to k for k >= 53
    return max(1, (int(length) - 1).bit_length())


def basis_state(index: int, n: int):
    """The computational basis state ``|index>`` on ``n`` qubits.

    Examples:
        >>> basis_state(2, 2).tolist()
        [0j, 0j, (1+0j), 0j]
    """
    if not 0 <= index < 2**n:
        raise ValueError(f"index must lie in [0, 2^{n}), got {index}")
    return jnp.zeros(2**n, complex_dtype()).at[index].set(1)


def _check_vector(x, name: str):
    if np.ndim(x) == 2 and 1 in np.shape(x):
        x = jnp.reshape(x, -1)  # accept row or column vectors
    if np.ndim(x) != 1:
        raise ValueError(f"{name} must be a vector (1-D, or 2-D with one row or column), "
                         f"got shape {np.shape(x)}")
    if np.shape(x)[0] == 0:
        raise ValueError(f"{name} must not be empty")
    check_finite(x, name)
    return x


def amplitude_encode(x):
    """Normalise a real or complex vector and zero-pad it to length ``2^ceil(log2 len)``.

    Args:
        x: vector of any length >= 1 (a single row or column of a 2-D array is accepted).

    Returns:
        The state ``x / ||x||`` padded with zeros, of dtype :func:`complex_dtype`.

    Raises:
        ValueError: if ``x`` is empty, zero, non-finite or has more than one non-trivial axis.

    Examples:
        >>> amplitude_encode([3.0, 4.0, 0.0]).round(3).tolist()
        [(0.6+0j), (0.8+0j), 0j, 0j]
    """
    x = _check_vector(x, "x")
    if is_concrete(x):
        # rescale in the input's own precision first: tiny float64 entries would underflow
        # to zero in float32, and their squares underflow even sooner
        host = np.asarray(x)
        scale = np.max(np.abs(host))
        if scale == 0:
            raise ValueError("x must not be the zero vector (it has no direction to encode)")
        x = host / scale
    n = num_qubits(np.shape(x)[0])
    x = jnp.asarray(x).astype(complex_dtype())
    x = x / jnp.max(jnp.abs(x))
    norm = jnp.sqrt(jnp.sum(jnp.abs(x) ** 2))
    return jnp.pad(x / norm, (0, 2**n - x.shape[0]))


def augmented_encode(g):
    """The (1 + n)-qubit state ``u = (|0>|0^n> + |1>|g>) / sqrt 2`` of a unit vector ``g``.

    For unit ``g, h``: ``<u(g), u(h)> = (1 + <g, h>) / 2``, real and in ``[0, 1]``, so the
    signed inner product becomes a monotone function of an overlap (arXiv 2606.20344,
    appendix; a reconstruction, see docs/protocols.md).

    Examples:
        >>> g = jnp.array([1.0, 0.0]); h = jnp.array([0.0, 1.0])
        >>> float(jnp.vdot(augmented_encode(g), augmented_encode(h)).real)
        0.5
    """
    check_unit_vector(g, "g")
    psi = amplitude_encode(g)
    zero = jnp.zeros_like(psi).at[0].set(1)
    return jnp.concatenate([zero, psi]) / jnp.sqrt(jnp.asarray(2.0, real_dtype()))
