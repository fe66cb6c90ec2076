"""Single-qubit noise channels, applied exactly to density matrices or sampled as trajectories.

Every channel is a list of Kraus operators ``K_k`` (``sum_k K_k^dagger K_k = I``). The density
path applies ``rho -> sum_k K_k rho K_k^dagger`` (:func:`ccq.sim.apply_kraus`); the trajectory
path draws one ``k`` with probability ``||K_k psi||^2`` and keeps ``K_k psi / ||K_k psi||``, so
the average of ``|psi><psi|`` over draws is the density path's output (quantum trajectories,
e.g. Nielsen-Chuang section 8.3; tests/test_noise.py checks the equality). Trajectories are pure
JAX and take an explicit key, so ``jax.vmap`` over keys runs many noise draws at once.

Conventions (probabilities in [0, 1]):

* ``depolarizing_kraus(p)``: ``rho -> (1 - p) rho + p I/2``;
* ``dephasing_kraus(p)``: ``rho -> (1 - p) rho + p Z rho Z`` (coherences shrink by ``1 - 2p``);
* ``amplitude_damping_kraus(gamma)``: ``|1> -> |0>`` with probability ``gamma``;
* ``erasure_replaced_kraus(p)``: a heralded loss whose receiver substitutes ``I/2`` for the
  lost qubit, which as a channel is ``depolarizing_kraus(p)``; protocols that retry after a
  herald instead deliver a clean qubit at a higher cost (:mod:`ccq.noise`).
"""

from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp
import numpy as np

from .._core import check_int, check_key, check_unit_vector
from ._density import apply_kraus, depolarizing_kraus
from ._gates import I2, Z, apply_gate

__all__ = [
    "dephasing_kraus",
    "amplitude_damping_kraus",
    "erasure_replaced_kraus",
    "apply_channel_each",
    "apply_channel_trajectory",
    "channel_trajectory",
    "trajectory_density",
]


def _check_probability(p, name: str) -> float:
    p = float(p)
    if not (math.isfinite(p) and 0.0 <= p <= 1.0):
        raise ValueError(f"{name} must be a probability in [0, 1], got {p}")
    return p


def dephasing_kraus(p: float):
    """Kraus operators of ``rho -> (1 - p) rho + p Z rho Z``.

    Examples:
        >>> from ccq.sim import density_matrix, H, basis_state, apply_gate
        >>> plus = density_matrix(apply_gate(basis_state(0, 1), H, [0]))
        >>> apply_kraus(plus, dephasing_kraus(0.25), [0]).real.round(6).tolist()
        [[0.5, 0.25], [0.25, 0.5]]
    """
    p = _check_probability(p, "dephasing probability p")
    return [math.sqrt(1 - p) * I2, math.sqrt(p) * Z]


def amplitude_damping_kraus(gamma: float):
    """Kraus operators of amplitude damping: ``|1>`` decays to ``|0>`` with probability gamma.

    Examples:
        >>> from ccq.sim import density_matrix, basis_state
        >>> apply_kraus(density_matrix(basis_state(1, 1)), amplitude_damping_kraus(0.3),
        ...             [0]).real.round(6).tolist()
        [[0.3, 0.0], [0.0, 0.7]]
    """
    g = _check_probability(gamma, "damping probability gamma")
    k0 = np.array([[1, 0], [0, math.sqrt(1 - g)]], dtype=np.complex128)
    k1 = np.array([[0, math.sqrt(g)], [0, 0]], dtype=np.complex128)
    return [k0, k1]


def erasure_replaced_kraus(p: float):
    """Heralded loss with probability p, the receiver substituting ``I/2``: depolarising(p)."""
    _check_probability(p, "erasure probability p")
    return depolarizing_kraus(p)


def apply_channel_each(rho, kraus_ops, qubits):
    """The single-qubit channel applied independently to each of ``qubits`` (density path).

    Examples:
        >>> from ccq.sim import density_matrix, bell_state
        >>> rho = apply_channel_each(density_matrix(bell_state()), dephasing_kraus(0.5), [0, 1])
        >>> rho.real.round(6).tolist()[0]
        [0.5, 0.0, 0.0, 0.0]
    """
    for q in np.atleast_1d(qubits):
        rho = apply_kraus(rho, kraus_ops, [int(q)])
    return rho


def apply_channel_trajectory(key, state, kraus_ops, qubit: int):
    """One trajectory step: branch ``k`` with probability ``||K_k psi||^2``, renormalised.

    Examples:
        >>> import jax
        >>> from ccq.sim import basis_state
        >>> out = apply_channel_trajectory(jax.random.key(0), basis_state(1, 1),
        ...                                amplitude_damping_kraus(1.0), 0)
        >>> out.real.round(6).tolist()                   # gamma = 1: certainly decayed
        [1.0, 0.0]
    """
    check_key(key)
    check_unit_vector(state, "state")
    branches = jnp.stack([apply_gate(state, jnp.asarray(k, state.dtype), [qubit])
                          for k in kraus_ops])
    weights = jnp.sum(jnp.abs(branches) ** 2, axis=1)
    # inverse-CDF draw: one uniform per step; a zero-weight branch is never chosen
    cdf = jnp.cumsum(weights)
    u = jax.random.uniform(key, dtype=weights.dtype) * cdf[-1]
    k = jnp.minimum(jnp.searchsorted(cdf, u, side="right"), len(kraus_ops) - 1)
    chosen = branches[k]
    return chosen / jnp.sqrt(weights[k]).astype(state.dtype)


def _structure(steps):
    # static part of a step list: (number of Kraus operators, qubits) per step
    return tuple((len(ops), tuple(int(q) for q in np.atleast_1d(qubits))) for ops, qubits in steps)


def _run_steps(key, state, ops, structure):
    keys = jax.random.split(key, max(1, len(structure)))
    for sub, kraus, (count, qubits) in zip(keys, ops, structure, strict=False):
        if count == 1:
            state = apply_gate(state, kraus[0].astype(state.dtype), qubits)
        else:
            state = apply_channel_trajectory(sub, state, list(kraus), qubits[0])
    return state


def _stack(steps, dtype):
    return tuple(jnp.stack([jnp.asarray(k, dtype) for k in ops]) for ops, _ in steps)


def channel_trajectory(key, state, steps):
    """Apply a sequence of noise steps to a pure state, one sampled Kraus branch per step.

    Args:
        key: JAX PRNG key (one draw per step, split from it).
        state: flat ``2^n`` statevector.
        steps: sequence of ``(kraus_ops, qubit)`` pairs, applied in order; a ``(unitary,
            qubits)`` gate step is written ``([unitary], qubits)`` (one Kraus operator).

    Returns:
        The normalised state after one draw of every channel.
    """
    check_key(key)
    check_unit_vector(state, "state")
    return _run_steps(key, state, _stack(steps, state.dtype), _structure(steps))


@functools.partial(jax.jit, static_argnums=(3, 4))
def _trajectory_density(key, state, ops, structure, draws):
    keys = jax.random.split(key, draws)
    states = jax.vmap(lambda k: _run_steps(k, state, ops, structure))(keys)
    return jnp.einsum("ti,tj->ij", states, jnp.conj(states)) / draws


def trajectory_density(key, state, steps, draws: int):
    """The average of ``|psi><psi|`` over ``draws`` trajectories (``vmap`` over noise keys).

    Its expectation is exactly the density path's output; its entries deviate from it by
    O(1/sqrt(draws)). Compiled once per step structure and draw count (the Kraus matrices are
    arguments, so new noise strengths reuse the compiled program).

    Examples:
        >>> import jax
        >>> from ccq.sim import basis_state
        >>> rho = trajectory_density(jax.random.key(1), basis_state(0, 1),
        ...                          [(depolarizing_kraus(1.0), 0)], 4000)
        >>> abs(float(rho[0, 0].real) - 0.5) < 0.05
        True
    """
    check_key(key)
    draws = check_int(draws, "draws", minimum=1)
    state = check_unit_vector(jnp.asarray(state), "state")
    return _trajectory_density(key, state, _stack(steps, state.dtype), _structure(steps),
                               int(draws))
