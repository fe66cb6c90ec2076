"""Derivations for ``ccq.bounds.tieaudit``: the BHM measurement statistics and the budgets.

1. Measurement. ``|psi_x> = P^(-1/2) sum_k x_k |k>``; Bob's basis vector for edge (i, j) is
   ``(|i> +- |j>)/sqrt2``; the amplitude is ``(x_i +- x_j)/sqrt(2P)`` and, with ``x^2 = 1``, the
   probability is ``(1 +- x_i x_j)/P``: edge hit with probability 2/P, parity revealed exactly.
   Checked symbolically and on every sign vector of a P = 4 instance with an explicit unitary.
2. Quantum copies: Hoeffding ``exp(-2 K eps^2) <= delta`` solved for K.
3. Birthday: ``Pr[i, j both in a uniform s-subset] = C(P-2, s-2)/C(P, s) = s(s-1)/(P(P-1))``;
   with m = P/2 edges ``E C = s(s-1)/(2(P-1)) >= (s-1)^2/(2P)``; at the bound's s this is
   ``R = (eps^-2 + 8) ln(2/delta)``, and R/8 >= ln(2/delta) (Chernoff, lower tail at half the
   mean) and (R/2) * 2 eps^2 >= ln(2/delta) (Hoeffding given >= R/2 edges): total error <= delta.
4. Lower bound (birthday class): error >= Pr[C = 0]/2 >= (1 - E C)/2 and E C < s^2/(2(P-1)).
5. Two-way: K edges of 2 ceil(log2 P) bits plus K parity bits.

``DERIVED`` holds the results (checked against ``ccq.bounds`` by ``tests/test_proofs.py``).
"""

import itertools

import sympy as sp
from sympy.codegen.cfunctions import log2

from ccq.bounds import tieaudit as tb

eps, P, delta, parity = tb.eps, tb.P, tb.delta, tb.parity
s, K = sp.symbols("s K", positive=True)


def edge_outcome_probability():
    """|<(i +- j)/sqrt2 | psi_x>|^2 with x_i^2 = x_j^2 = 1, written in parity = x_i x_j."""
    xi, xj = sp.symbols("x_i x_j", real=True)
    amp_plus = (xi / sp.sqrt(P) + xj / sp.sqrt(P)) / sp.sqrt(2)
    plus = sp.expand(amp_plus**2).subs({xi**2: 1, xj**2: 1})
    # x_j = parity x_i (as x_i^2 = 1)
    return sp.expand(plus.subs(xj, parity * xi)).subs(xi**2, 1)


def register_qubits():
    """Qubits of one copy of |psi_x>: the least n with 2^n >= P."""
    return sp.ceiling(log2(P))


def quantum_copies():
    [k] = sp.solve(sp.Eq(sp.exp(-2 * K * eps**2), delta), K)      # Hoeffding, one-sided
    return sp.ceiling(k)


def birthday_bits():
    """The s at which the expected number of matched edges inside the set reaches R."""
    R = (eps**-2 + 8) * sp.log(2 / delta)           # Chernoff at half the mean + Hoeffding
    roots = sp.solve(sp.Eq((s - 1) ** 2 / (2 * P), R), s)        # E C >= (s - 1)^2 / (2P)
    sample = {P: 4, eps: sp.Rational(1, 2), delta: sp.Rational(1, 10)}     # s > 1 (the + root)
    [above_one] = [r for r in roots if (r - 1).subs(sample) > 0]
    return above_one


def classical_lower():
    """s^2 / (2(P - 1)) > E C >= Pr[C >= 1] >= 1 - 2 delta, and s >= 0 in any case."""
    s_squared = sp.Symbol("s_squared", nonnegative=True)
    [needed] = sp.solve(sp.Eq(s_squared / (2 * (P - 1)), 1 - 2 * delta), s_squared)
    return sp.sqrt(sp.Max(0, needed))


DERIVED = {
    "tieaudit.edge_outcome_probability": edge_outcome_probability(),
    "tieaudit.quantum_copies": quantum_copies(),
    "tieaudit.quantum_qubits": register_qubits() * quantum_copies(),
    "tieaudit.birthday_bits": birthday_bits(),
    "tieaudit.classical_lower": classical_lower(),
    # Bob's K edges (two indices each), Alice's K parity bits
    "tieaudit.twoway_bits": quantum_copies() * (2 * register_qubits() + 1),
    # public vertex i: Bob's partner index j (register bits), Alice's parity bit
    "tieaudit.twoway_public_bits": quantum_copies() * (register_qubits() + 1),
}


def test_measurement_statistics_symbolic():
    xi, xj = sp.symbols("x_i x_j", real=True)
    amp_plus = (xi / sp.sqrt(P) + xj / sp.sqrt(P)) / sp.sqrt(2)
    amp_minus = (xi / sp.sqrt(P) - xj / sp.sqrt(P)) / sp.sqrt(2)
    on_signs = {xi**2: 1, xj**2: 1}
    plus = sp.expand(amp_plus**2).subs(on_signs)
    minus = sp.expand(amp_minus**2).subs(on_signs)
    assert sp.simplify(plus - tb.edge_outcome_probability.expr.subs(parity, xi * xj)) == 0
    assert sp.simplify(minus - tb.edge_outcome_probability.expr.subs(parity, -xi * xj)) == 0
    assert sp.simplify(plus + minus - 2 / P) == 0
    for a, b in itertools.product((1, -1), repeat=2):   # the parity is revealed exactly
        wrong = minus if a * b == 1 else plus
        assert wrong.subs({xi: a, xj: b}) == 0


def test_measurement_statistics_explicit_unitary_p4():
    matching = [(0, 2), (1, 3)]
    rows = []
    for i, j in matching:
        for sign in (1, -1):
            v = sp.zeros(1, 4)
            v[i], v[j] = 1 / sp.sqrt(2), sign / sp.sqrt(2)
            rows.append(v)
    U = sp.Matrix.vstack(*rows)
    assert sp.simplify(U * U.T - sp.eye(4)) == sp.zeros(4)
    for x in itertools.product((1, -1), repeat=4):
        probs = (U * sp.Matrix(x) / 2).applyfunc(lambda a: sp.simplify(a**2))
        for e, (i, j) in enumerate(matching):
            par = x[i] * x[j]
            assert probs[2 * e] == tb.edge_outcome_probability.expr.subs({parity: par, P: 4})
            assert probs[2 * e + 1] == tb.edge_outcome_probability.expr.subs(
                {parity: -par, P: 4})


def test_quantum_copies_and_qubits():
    k = sp.solve(sp.Eq(sp.exp(-2 * K * eps**2), delta), K)
    assert len(k) == 1
    assert sp.simplify(sp.ceiling(k[0]) - tb.quantum_copies.expr) == 0
    assert sp.simplify(sp.ceiling(log2(P)) * sp.ceiling(k[0]) - tb.quantum_qubits.expr) == 0


def test_birthday_budget_suffices():
    pair_inside = sp.binomial(P - 2, s - 2) / sp.binomial(P, s)
    assert sp.simplify(sp.combsimp(pair_inside) - s * (s - 1) / (P * (P - 1))) == 0
    mean_edges = (P / 2) * s * (s - 1) / (P * (P - 1))
    # E C >= (s - 1)^2 / (2P): the difference is (s - 1)(P + s - 1)/(2P(P - 1)) >= 0, s >= 1
    gap = sp.factor(mean_edges - (s - 1) ** 2 / (2 * P))
    assert sp.simplify(gap - (s - 1) * (P + s - 1) / (2 * P * (P - 1))) == 0
    L = sp.log(2 / delta)
    R = (eps**-2 + 8) * L
    s0 = tb.birthday_bits.expr
    assert sp.simplify((s0 - 1) ** 2 / (2 * P) - R) == 0
    assert sp.simplify(R / 8 - L - L / (8 * eps**2)) == 0          # Chernoff: R/8 >= L
    assert sp.simplify((R / 2) * 2 * eps**2 - L - 8 * eps**2 * L) == 0  # Hoeffding: >= L


def test_birthday_class_lower_bound():
    mean_edges = s * (s - 1) / (2 * (P - 1))
    assert sp.simplify(s**2 / (2 * (P - 1)) - mean_edges - s / (2 * (P - 1))) == 0
    # error <= delta needs 1 - 2 delta <= Pr[C >= 1] <= E C < s^2 / (2 (P - 1))
    sol = [r for r in sp.solve(sp.Eq(s**2 / (2 * (P - 1)), 1 - 2 * delta), s)]
    inside = sp.sqrt(2 * (P - 1) * (1 - 2 * delta))
    assert any(sp.simplify(r - inside) == 0 for r in sol)
    assert tb.classical_lower.expr == sp.sqrt(sp.Max(0, 2 * (P - 1) * (1 - 2 * delta)))


def test_register_is_the_least_n_with_two_to_the_n_at_least_p():
    for pv in range(2, 70):
        nv = int(register_qubits().subs(P, pv))
        assert 2**nv >= pv > 2 ** (nv - 1)


def test_twoway_bits():
    n = sp.ceiling(log2(P))
    assert sp.simplify(tb.quantum_copies.expr * (2 * n + 1) - tb.twoway_bits.expr) == 0


def test_twoway_public_bits():
    n = sp.ceiling(log2(P))
    assert sp.simplify(tb.quantum_copies.expr * (n + 1) - tb.twoway_public_bits.expr) == 0

