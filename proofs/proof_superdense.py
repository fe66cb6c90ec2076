"""Derivations: the superdense channel over a Werner pair, its rate and its break-even fidelity.

1. We multiply out the circuit symbolically: Werner state rho_F on (sender, receiver), the
   sender's Pauli ``Z^b1 X^b2``, CNOT(sent -> own), H(sent), and read the diagonal. For every
   sent symbol the decoded distribution is F on the right symbol and (1-F)/3 on each other,
   which gives ``superdense.symbol_error`` and (summing the two wrong symbols that flip a given
   bit) ``superdense.bit_error``.
2. The mutual information of that channel for a uniform input, written from the matrix
   entries, equals ``superdense.rate``.
3. ``superdense.break_even_fidelity`` solves rate = 1; the rate is increasing on (1/4, 1)
   (its derivative is log2(3F/(1-F)) > 0 there), so the root is unique.
4. Words: b/2 independent symbols are all right with probability F^(b/2).
5. Parity check: the XOR of b/2 + 1 iid symbol errors (in Z_2^2) is 0 with probability
   (1/4) sum_s (E chi_s(e))^(b/2+1) over the four characters chi_s(e) = (-1)^(s.e); the error's
   transform is 1 at s = 0 and F - (1-F)/3 = (4F - 1)/3 elsewhere. Minus the error-free case
   F^(b/2+1) this is ``superdense.parity_undetected``; brute-force enumeration for b = 2, 4, 6
   agrees.

``DERIVED`` holds the results (checked against ``ccq.bounds`` by ``tests/test_proofs.py``).
"""

import functools
import itertools

import sympy as sp

from ccq.bounds import superdense

F = sp.Symbol("F", positive=True)
b = sp.Symbol("b", positive=True, integer=True)


@functools.cache
def channel_matrix():
    """P[sent, decoded] from the symbolic circuit on the Werner state."""
    phi = sp.Matrix([1, 0, 0, 1]) / sp.sqrt(2)
    phi_dm = phi * phi.T
    rho = F * phi_dm + (1 - F) / 3 * (sp.eye(4) - phi_dm)
    i2, x, z = sp.eye(2), sp.Matrix([[0, 1], [1, 0]]), sp.Matrix([[1, 0], [0, -1]])
    h = sp.Matrix([[1, 1], [1, -1]]) / sp.sqrt(2)
    cnot = sp.Matrix([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]])
    decode = sp.kronecker_product(h, i2) * cnot
    rows = []
    for gate in (i2, x, z, z * x):
        u = decode * sp.kronecker_product(gate, i2)
        out = u * rho * u.H
        rows.append([sp.simplify(out[k, k]) for k in range(4)])
    return sp.Matrix(rows)


def symbol_error():
    m = channel_matrix()
    return sum(m[0, t] for t in range(1, 4))        # any of the three wrong decodings


def bit_error():
    m = channel_matrix()
    return m[0, 2] + m[0, 3]                        # decodings whose first bit is flipped


def rate():
    m = channel_matrix()
    # uniform input, doubly stochastic channel: I = H(out) - H(out | in) = 2 - H(row)
    return 2 + sum(m[0, t] * sp.log(m[0, t], 2) for t in range(4))


def break_even_fidelity():
    """The root of the derived rate = 1 near 0.81, rounded to 15 digits as the bound states it."""
    root = sp.nsolve(rate() - 1, F, 0.81, prec=30)
    assert abs(sp.im(root)) < 1e-40                 # findroot may leave a round-off imaginary part
    return sp.Float(sp.re(root), 15)


def word_error():
    i = sp.Symbol("i", positive=True, integer=True)
    return 1 - sp.Product(channel_matrix()[0, 0], (i, 1, b / 2)).doit()


def parity_undetected():
    m = channel_matrix()
    errors = [(0, 0), (0, 1), (1, 0), (1, 1)]       # symbol error e = sent XOR decoded, in Z_2^2
    q = {e: m[0, 2 * e[0] + e[1]] for e in errors}
    symbols = b / 2 + 1                             # b/2 data symbols and one check symbol
    transform = [sp.factor(sum(q[e] * (-1) ** (s[0] * e[0] + s[1] * e[1]) for e in errors))
                 for s in errors]
    xor_zero = sum(c**symbols for c in transform) / 4
    return xor_zero - q[(0, 0)] ** symbols          # minus "every symbol right"


DERIVED = {
    "superdense.symbol_error": symbol_error(),
    "superdense.bit_error": bit_error(),
    "superdense.rate": rate(),
    "superdense.break_even_fidelity": break_even_fidelity(),
    "superdense.word_error": word_error(),
    "superdense.parity_undetected": parity_undetected(),
}


def test_channel_is_F_on_the_diagonal_and_uniform_off_it():
    m = channel_matrix()
    for s in range(4):
        for t in range(4):
            want = F if s == t else (1 - F) / 3
            assert sp.simplify(m[s, t] - want) == 0
    assert sp.simplify(m[0, 1] * 3 - superdense.symbol_error.expr) == 0
    # bit b1 of the decoding is wrong for decoded symbols 2 and 3 when 0 was sent
    assert sp.simplify(m[0, 2] + m[0, 3] - superdense.bit_error.expr) == 0
    # bit b2 is wrong for decoded symbols 1 and 3
    assert sp.simplify(m[0, 1] + m[0, 3] - superdense.bit_error.expr) == 0


def test_rate_is_the_mutual_information_for_uniform_input():
    m = channel_matrix()
    # the output is uniform (columns sum to 1), so I = H(out) - H(out | in) = 2 - H(row)
    col = sp.simplify(sum(m[s, 0] for s in range(4)) / 4)
    assert sp.simplify(col - sp.Rational(1, 4)) == 0
    mi = 2 + sum(m[0, t] * sp.log(m[0, t], 2) for t in range(4))
    assert sp.simplify(sp.expand_log(mi - superdense.rate.expr, force=True)) == 0


def test_break_even_fidelity_is_the_unique_root_of_rate_one():
    f0 = float(superdense.break_even_fidelity.expr)
    assert abs(float(superdense.rate.expr.subs(F, f0)) - 1) < 1e-12
    derivative = sp.diff(superdense.rate.expr, F)
    assert sp.simplify(sp.expand_log(derivative - sp.log(3 * F / (1 - F), 2), force=True)) == 0
    for f in (0.3, 0.5, 0.7, 0.8, 0.81, 0.9, 0.99):
        assert float(derivative.subs(F, f)) > 0
        assert (float(superdense.rate.expr.subs(F, f)) > 1) == (f > f0)


def test_word_and_parity_error_probabilities_by_enumeration():
    f = sp.Rational(7, 10)
    q = {0: f, 1: (1 - f) / 3, 2: (1 - f) / 3, 3: (1 - f) / 3}
    for bits in (2, 4, 6):
        k = bits // 2
        errs = itertools.product(range(4), repeat=k + 1)
        wrong_undetected = 0
        for e in errs:
            p = sp.prod([q[x] for x in e])
            xor = 0
            for x in e:
                xor ^= x
            if xor == 0 and any(e):
                wrong_undetected += p
        want = superdense.parity_undetected.expr.subs({F: f, b: bits})
        assert sp.simplify(wrong_undetected - want) == 0
        derived = DERIVED["superdense.parity_undetected"].subs({F: f, b: bits})
        assert sp.simplify(wrong_undetected - derived) == 0
        assert sp.simplify(superdense.word_error.expr.subs({F: f, b: bits}) - (1 - f**k)) == 0
