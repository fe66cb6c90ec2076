"""The swap test: its exact acceptance probability and the faithful circuit that realises it.

Circuit: ancilla |0>, registers |psi>|phi>; H on the ancilla; controlled-SWAP of qubit i of the
first register with qubit i of the second, for every i; H on the ancilla; accept on outcome 0.
Pr[accept] = (1 + |<psi|phi>|^2) / 2.

Two paths, tested to agree: :func:`swap_test_probability` uses the structure (one inner product,
O(2^n)); :func:`swap_test_circuit` simulates all 2n + 1 qubits gate by gate (O(n 4^n)),
for validation at small n.
"""

from __future__ import annotations

import jax.numpy as jnp

from .._core import check_unit_vector, clamp_probability
from ._gates import SWAP, H, apply_controlled, apply_gate
from ._measure import marginal_probabilities
from ._state import num_qubits

__all__ = ["swap_test_probability", "swap_test_circuit", "swap_test_state"]


def _check_pair(psi, phi):
    if psi.ndim != 1 or phi.ndim != 1 or psi.shape != phi.shape:
        raise ValueError(f"psi and phi must be state vectors of equal length, "
                         f"got shapes {psi.shape} and {phi.shape}")
    check_unit_vector(psi, "psi")           # concrete values only (jit/vmap: traced, skipped)
    check_unit_vector(phi, "phi")


def swap_test_probability(psi, phi):
    """Exact acceptance probability ``(1 + |<psi|phi>|^2) / 2`` of the swap test.

    Examples:
        >>> from ccq.sim import basis_state
        >>> float(swap_test_probability(basis_state(0, 1), basis_state(1, 1)))
        0.5
    """
    psi, phi = jnp.asarray(psi), jnp.asarray(phi)
    _check_pair(psi, phi)
    # clipped: in complex64, |<psi|psi>|^2 rounds to 1.0000001
    return clamp_probability((1 + jnp.abs(jnp.vdot(psi, phi)) ** 2) / 2)


def swap_test_state(psi, phi):
    """The (2n + 1)-qubit state just before the ancilla (qubit 0) is measured."""
    psi, phi = jnp.asarray(psi), jnp.asarray(phi)
    _check_pair(psi, phi)
    n = num_qubits(psi.shape[0])
    anc = jnp.zeros(2, psi.dtype).at[0].set(1)
    state = jnp.kron(anc, jnp.kron(psi, phi))
    state = apply_gate(state, H, [0])
    for i in range(n):
        state = apply_controlled(state, SWAP, [0], [1 + i, 1 + n + i])
    return apply_gate(state, H, [0])


def swap_test_circuit(psi, phi):
    """Acceptance probability from a gate-by-gate simulation of the full swap-test circuit.

    Examples:
        >>> from ccq.sim import amplitude_encode
        >>> psi = amplitude_encode([1.0, 2.0, 3.0, 4.0])
        >>> bool(jnp.allclose(swap_test_circuit(psi, psi), 1.0, atol=1e-6))
        True
    """
    return marginal_probabilities(swap_test_state(psi, phi), [0])[0]
