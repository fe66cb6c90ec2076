"""An independent dense-matrix reference simulator (numpy Kronecker products), for tests only."""

from __future__ import annotations

import numpy as np


def embed(gate: np.ndarray, qubits: list[int], n: int) -> np.ndarray:
    """The 2^n x 2^n matrix of ``gate`` on ``qubits`` (qubit 0 most significant), by permutation
    of a Kronecker product: gate (x) identity, then reorder the tensor factors."""
    k = len(qubits)
    full = np.kron(gate, np.eye(2 ** (n - k)))
    # full acts on factor order [qubits..., rest...]; permute to [0..n-1]
    order = list(qubits) + [q for q in range(n) if q not in qubits]
    perm = np.argsort(order)
    t = full.reshape((2,) * (2 * n))
    t = np.transpose(t, list(perm) + [n + p for p in perm])
    return t.reshape(2**n, 2**n)


def controlled_matrix(gate: np.ndarray, controls: list[int], targets: list[int], n: int):
    """Dense controlled gate: projector sums with Kronecker products."""
    dim = 2**n
    out = np.zeros((dim, dim), complex)
    for idx in range(dim):
        bits = [(idx >> (n - 1 - q)) & 1 for q in range(n)]
        if all(bits[c] == 1 for c in controls):
            col = np.zeros(dim, complex)
            col[idx] = 1
            out[:, idx] = embed(gate, targets, n) @ col
        else:
            out[idx, idx] = 1
    return out
