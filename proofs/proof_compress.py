"""Derivations: PowerSGD/LQ-SGD bit counts and ratio, and the log codec's round-trip bound.

Bits: the messages of one step are the entries of P (n x r) and Q (m x r); we count entries of
symbolic matrices of those shapes. Ratio: 32 n m over the PowerSGD bits. Codec: with
|x| = (s/alpha)((1+alpha)^y - 1) and the decoded |x'| = (s/alpha)((1+alpha)^(y+e) - 1), the
difference is exactly (s/alpha + |x|)((1+alpha)^e - 1), so |e| <= 1/(2L) bounds the error by
(s/alpha + |x|)((1+alpha)^(1/(2L)) - 1) (the function is increasing in e). Link costs: ring
all-reduce moves an S/N chunk per link in each of 2(N - 1) steps; all-gather forwards the N - 1
other S-bit messages.

``DERIVED`` holds the results (checked against ``ccq.bounds`` by ``tests/test_proofs.py``).
"""

import sympy as sp

from ccq.bounds import compress

FLOAT = 32
n, m, r, b = sp.symbols("n m r b", positive=True, integer=True)
N, S = sp.symbols("N S", positive=True, integer=True)


def factor_entries():
    """Entries of the two factors sent per n x m matrix: P is n x r, Q is m x r."""
    p, q = sp.MatrixSymbol("P", n, r), sp.MatrixSymbol("Q", m, r)
    return sp.Mul(*p.shape) + sp.Mul(*q.shape)


def powersgd_bits():
    return FLOAT * factor_entries()


def powersgd_ratio():
    return FLOAT * n * m / powersgd_bits()          # dense 32-bit matrix over the factors


def lq_sgd_bits():
    return b * factor_entries() + 2 * FLOAT         # b-bit codes plus one 32-bit scale per factor


def allreduce_link_bits():
    t = sp.Symbol("t", positive=True, integer=True)
    chunk = S / N                                   # one chunk per link per step
    return sp.summation(chunk, (t, 1, N - 1)) + sp.summation(chunk, (t, 1, N - 1))


def allgather_link_bits():
    t = sp.Symbol("t", positive=True, integer=True)
    return sp.summation(S, (t, 1, N - 1))          # each step forwards one other S-bit message


DERIVED = {
    "compress.powersgd_bits": powersgd_bits(),
    "compress.powersgd_ratio": powersgd_ratio(),
    "compress.lq_sgd_bits": lq_sgd_bits(),
    "compress.allreduce_link_bits": allreduce_link_bits(),
    "compress.allgather_link_bits": allgather_link_bits(),
}


def test_powersgd_bits_and_ratio():
    n, m, r, b = compress.n, compress.m, compress.r, compress.b
    entries = sp.Mul(n, r) + sp.Mul(m, r)        # len(P) + len(Q), P: n x r, Q: m x r
    assert sp.simplify(factor_entries() - entries) == 0   # same symbols (name and assumptions)
    assert sp.simplify(32 * entries - compress.powersgd_bits.expr) == 0
    assert sp.simplify(32 * n * m / compress.powersgd_bits.expr - compress.powersgd_ratio.expr) == 0
    assert sp.simplify(b * entries + 2 * 32 - compress.lq_sgd_bits.expr) == 0
    d = sp.Symbol("d", positive=True)
    assert sp.simplify(compress.powersgd_ratio.expr.subs({n: d, m: d}) - d / (2 * r)) == 0
    # concrete shapes: a 6 x 5 matrix at rank 2 sends 22 floats
    p, q = sp.zeros(6, 2), sp.zeros(5, 2)
    assert 32 * (len(p) + len(q)) == compress.powersgd_bits(n=6, m=5, r=2)


def test_log_codec_error_identity():
    s, alpha, y, e = sp.symbols("s alpha y e", positive=True)
    x_abs = s / alpha * ((1 + alpha) ** y - 1)
    x_dec = s / alpha * ((1 + alpha) ** (y + e) - 1)
    assert sp.simplify(x_dec - x_abs - (s / alpha + x_abs) * ((1 + alpha) ** e - 1)) == 0


def test_link_costs():
    N, S = compress.N, compress.S
    per_step = S / N                              # reduce-scatter and all-gather chunks
    assert sp.simplify(2 * (N - 1) * per_step - compress.allreduce_link_bits.expr) == 0
    assert sp.simplify((N - 1) * S - compress.allgather_link_bits.expr) == 0
