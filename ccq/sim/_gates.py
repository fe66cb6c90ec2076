"""Gates and how to apply them: tensor-reshape kernels on flat states, never 2^n x 2^n matrices.

A k-qubit gate is a ``(2^k, 2^k)`` matrix acting on the listed qubits in the listed order
(the first listed qubit is the most significant bit of the gate's index).
"""

from __future__ import annotations

import math

import jax.numpy as jnp
import numpy as np

from .._core import check_finite, check_int, check_unit_vector
from ._state import complex_dtype

__all__ = [
    "I2", "X", "Y", "Z", "H", "S", "T", "CNOT", "SWAP",
    "rx", "ry", "rz", "phase",
    "apply_gate", "apply_controlled", "reflect_about", "controlled",
]

_s2 = 1 / math.sqrt(2)
I2 = np.eye(2, dtype=np.complex128)
X = np.array([[0, 1], [1, 0]], dtype=np.complex128)
Y = np.array([[0, -1j], [1j, 0]], dtype=np.complex128)
Z = np.array([[1, 0], [0, -1]], dtype=np.complex128)
H = np.array([[_s2, _s2], [_s2, -_s2]], dtype=np.complex128)
S = np.diag([1, 1j]).astype(np.complex128)
T = np.diag([1, np.exp(1j * np.pi / 4)]).astype(np.complex128)
CNOT = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]], dtype=np.complex128)
SWAP = np.array([[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]], dtype=np.complex128)


def rx(theta):
    """exp(-i theta X / 2)."""
    check_finite(theta, "theta")
    c, s = jnp.cos(theta / 2), jnp.sin(theta / 2)
    return jnp.array([[c, -1j * s], [-1j * s, c]], dtype=complex_dtype())


def ry(theta):
    """exp(-i theta Y / 2)."""
    check_finite(theta, "theta")
    c, s = jnp.cos(theta / 2), jnp.sin(theta / 2)
    return jnp.array([[c, -s], [s, c]], dtype=complex_dtype())


def rz(theta):
    """exp(-i theta Z / 2)."""
    check_finite(theta, "theta")
    e = jnp.exp(-0.5j * theta)
    return jnp.array([[e, 0], [0, jnp.conj(e)]], dtype=complex_dtype())


def phase(theta):
    """diag(1, e^{i theta})."""
    check_finite(theta, "theta")
    return jnp.array([[1, 0], [0, jnp.exp(1j * theta)]], dtype=complex_dtype())


def controlled(gate, n_controls: int = 1):
    """The dense matrix of ``gate`` controlled on ``n_controls`` qubits (controls first)."""
    n_controls = check_int(n_controls, "n_controls", minimum=0)
    if np.ndim(gate) != 2 or np.shape(gate)[0] != np.shape(gate)[1]:
        raise ValueError(f"gate must be a square matrix, got shape {np.shape(gate)}")
    gate = np.asarray(gate)
    d = gate.shape[0]
    out = np.eye(d * 2**n_controls, dtype=np.result_type(gate, np.complex64))
    out[-d:, -d:] = gate
    return out


def _n_qubits_of(state) -> int:
    n = int(round(math.log2(state.shape[-1])))
    if 2**n != state.shape[-1]:
        raise ValueError(f"state length must be a power of 2, got {state.shape[-1]}")
    return n


def _check_qubits(qubits, n: int, name="qubits") -> tuple[int, ...]:
    qubits = tuple(int(q) for q in np.atleast_1d(qubits))
    if len(set(qubits)) != len(qubits):
        raise ValueError(f"{name} must be distinct, got {qubits}")
    if any(not 0 <= q < n for q in qubits):
        raise ValueError(f"{name} must lie in [0, {n}), got {qubits}")
    return qubits


def apply_gate(state, gate, qubits):
    """Apply a k-qubit ``gate`` to ``qubits`` of a flat ``n``-qubit ``state``.

    Cost: one contraction over the state, O(2^n * 2^k) work, no 2^n x 2^n matrix.

    Examples:
        >>> from ccq.sim import basis_state
        >>> apply_gate(basis_state(0, 2), X, [1]).real.tolist()
        [0.0, 1.0, 0.0, 0.0]
        >>> apply_gate(basis_state(2, 2), CNOT, [0, 1]).real.tolist()   # |10> -> |11>
        [0.0, 0.0, 0.0, 1.0]
    """
    n = _n_qubits_of(state)
    qubits = _check_qubits(qubits, n)
    k = len(qubits)
    gate = jnp.asarray(gate, dtype=state.dtype)
    if gate.shape != (2**k, 2**k):
        raise ValueError(f"a gate on {k} qubits must have shape {(2**k, 2**k)}, got {gate.shape}")
    psi = state.reshape((2,) * n)
    g = gate.reshape((2,) * (2 * k))
    # contract the gate's input axes with the target axes; the output axes land in front
    out = jnp.tensordot(g, psi, axes=(tuple(range(k, 2 * k)), qubits))
    out = jnp.moveaxis(out, tuple(range(k)), qubits)
    return out.reshape(-1)


def apply_controlled(state, gate, controls, targets, control_values=None):
    """Apply ``gate`` to ``targets`` on the branch where ``controls`` equal ``control_values``.

    Only the controlled slice is touched (O(2^n / 2^c) gate work), the rest is copied.

    Examples:
        >>> from ccq.sim import basis_state
        >>> apply_controlled(basis_state(2, 2), X, [0], [1]).real.tolist()   # CNOT |10>
        [0.0, 0.0, 0.0, 1.0]
        >>> apply_controlled(basis_state(0, 2), X, [0], [1], [0]).real.tolist()  # open control
        [0.0, 1.0, 0.0, 0.0]
    """
    n = _n_qubits_of(state)
    controls = _check_qubits(controls, n, "controls")
    targets = _check_qubits(targets, n, "targets")
    if set(controls) & set(targets):
        raise ValueError(f"controls {controls} and targets {targets} must not overlap")
    values = (1,) * len(controls) if control_values is None else tuple(control_values)
    if len(values) != len(controls) or any(v not in (0, 1) for v in values):
        raise ValueError(f"control_values must be {len(controls)} bits, got {control_values}")
    psi = state.reshape((2,) * n)
    index = tuple(values[controls.index(q)] if q in controls else slice(None) for q in range(n))
    sub = psi[index].reshape(-1)
    # qubit numbering inside the slice: the remaining axes in their original order
    rest = [q for q in range(n) if q not in controls]
    new_sub = apply_gate(sub, gate, [rest.index(t) for t in targets])
    return psi.at[index].set(new_sub.reshape((2,) * len(rest))).reshape(-1)


def reflect_about(state, psi):
    """The reflection ``(2|psi><psi| - I) state`` in O(2^n): one inner product and one axpy.

    Examples:
        >>> from ccq.sim import basis_state
        >>> reflect_about(basis_state(1, 1), basis_state(0, 1)).real.tolist()
        [0.0, -1.0]
    """
    check_unit_vector(psi, "psi")
    psi = jnp.asarray(psi, dtype=state.dtype)
    return 2 * jnp.vdot(psi, state) * psi - state
