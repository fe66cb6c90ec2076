"""Derivation: the swap-test circuit accepts with probability (1 + |<a|b>|^2) / 2.

``DERIVED`` holds the result (checked against ``ccq.bounds`` by ``tests/test_proofs.py``).
We multiply out the 3-qubit circuit H(anc) . CSWAP . H(anc) symbolically on single-qubit states
|a> = (a0, a1), |b> = (b0, b1) with arbitrary complex amplitudes (real and imaginary parts as
real symbols) and get the exact identity P(accept) = (|a|^2 |b|^2 + |<a|b>|^2) / 2, which on unit
vectors is ``ccq.bounds.swap.acceptance``. The n-qubit case follows because CSWAP of registers is
the tensor product of qubit-wise CSWAPs and the derivation uses only <a|b> and the norms.
"""

import sympy as sp

from ccq.bounds import swap


def acceptance_and_inner_product():
    x = sp.symbols("x0:8", real=True)
    a = sp.Matrix([x[0] + sp.I * x[1], x[2] + sp.I * x[3]])
    b = sp.Matrix([x[4] + sp.I * x[5], x[6] + sp.I * x[7]])
    h = sp.Matrix([[1, 1], [1, -1]]) / sp.sqrt(2)
    swap_gate = sp.Matrix([[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]])
    cswap = sp.diag(sp.eye(4), swap_gate)          # the ancilla is the most significant qubit
    hanc = sp.kronecker_product(h, sp.eye(4))
    out = hanc * cswap * hanc * sp.kronecker_product(sp.Matrix([1, 0]), sp.kronecker_product(a, b))
    accept = sp.expand(sum(sp.expand_complex(out[i] * sp.conjugate(out[i])) for i in range(4)))
    inner = (a.H * b)[0]
    overlap = sp.expand(sp.expand_complex(inner * sp.conjugate(inner)))
    norm_a = sp.expand((a.H * a)[0])
    norm_b = sp.expand((b.H * b)[0])
    return accept, overlap, norm_a, norm_b


def acceptance_on_unit_vectors():
    """The derived acceptance with both norms set to 1, in terms of the overlap |<a|b>|^2."""
    accept, overlap, norm_a, norm_b = acceptance_and_inner_product()
    na, nb, o = sp.symbols("norm_a norm_b overlap", nonnegative=True)
    template = (na * nb + o) / 2
    # the circuit's acceptance equals the template identically in the 8 real amplitudes ...
    assert sp.simplify(accept - template.subs({na: norm_a, nb: norm_b, o: overlap})) == 0
    # ... so on unit vectors (norm_a = norm_b = 1) it is a function of the overlap alone
    return template.subs({na: 1, nb: 1})


DERIVED = {"swap.acceptance": acceptance_on_unit_vectors()}


def test_swap_acceptance_derivation_matches_bound():
    accept, overlap, norm_a, norm_b = acceptance_and_inner_product()
    assert sp.simplify(accept - (norm_a * norm_b + overlap) / 2) == 0
    # unit vectors: norm_a = norm_b = 1 gives the bound
    o = sp.Symbol("overlap", nonnegative=True)
    assert sp.simplify(swap.acceptance.expr - (1 * 1 + o) / 2) == 0
