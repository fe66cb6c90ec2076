"""Measurement: probabilities, marginals, sampling with an explicit key, expectation values."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from .._core import check_int, check_key, check_unit_vector
from ._gates import _check_qubits, _n_qubits_of, apply_gate

__all__ = ["probabilities", "marginal_probabilities", "sample", "expectation"]


def probabilities(state):
    """Born probabilities ``|amplitude|^2`` of every basis state.

    Examples:
        >>> from ccq.sim import amplitude_encode
        >>> probabilities(amplitude_encode([1.0, 1.0])).tolist()
        [0.5, 0.5]
    """
    check_unit_vector(state, "state")
    return jnp.abs(state) ** 2


def marginal_probabilities(state, qubits):
    """Probabilities of the outcomes of measuring ``qubits`` (in the listed order).

    Examples:
        >>> from ccq.sim import basis_state
        >>> marginal_probabilities(basis_state(1, 2), [1]).tolist()
        [0.0, 1.0]
    """
    n = _n_qubits_of(state)
    qubits = _check_qubits(qubits, n)
    p = probabilities(state).reshape((2,) * n)
    others = tuple(q for q in range(n) if q not in qubits)
    p = jnp.sum(p, axis=others)
    # the remaining axes are in increasing qubit order; permute to the requested order
    order = sorted(qubits)
    p = jnp.transpose(p, [order.index(q) for q in qubits])
    return p.reshape(-1)


def sample(key, state, shots: int, qubits=None):
    """Sample ``shots`` measurement outcomes (basis indices) with an explicit PRNG ``key``.

    Args:
        key: JAX PRNG key; the same key gives the same samples.
        state: flat state vector.
        shots: number of samples (static).
        qubits: measure only these qubits (indices are then over ``2^len(qubits)`` outcomes).

    Examples:
        >>> from ccq.sim import basis_state
        >>> sample(jax.random.key(0), basis_state(3, 2), 4).tolist()
        [3, 3, 3, 3]
    """
    shots = check_int(shots, "shots", minimum=1)
    check_key(key)
    p = probabilities(state) if qubits is None else marginal_probabilities(state, qubits)
    logits = jnp.log(jnp.maximum(p, 0))
    return jax.random.categorical(key, logits, shape=(shots,))


def expectation(state, operator, qubits):
    """``<state| O |state>`` for an operator acting on ``qubits`` (real part for Hermitian O).

    Examples:
        >>> from ccq.sim import basis_state, Z
        >>> float(expectation(basis_state(1, 1), Z, [0]))
        -1.0
    """
    return jnp.vdot(state, apply_gate(state, operator, qubits)).real
