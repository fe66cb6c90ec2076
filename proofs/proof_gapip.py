"""Derivations behind ccq.bounds.ae and ccq.bounds.gapip, each checked against the registered
expression (symbolic zero) and, where a limit or rounding is involved, numerically.

1. Augmented overlap: u = (|0>|0> + |1>|g>)/sqrt2 gives <u, v> = (1 + <g,h>)/2, so
   a = <u,v>^2 moves by exactly tau between <g,h> = +-tau (gapip.overlap_gap) and the
   midpoint (1 + tau^2)/4 is tau/2 from either side.
2. Two reflections: R_u R_v restricted to span{u, v} is the rotation by -2 phi, cos phi = <u,v>.
3. BHMT queries: the positive root of pi/M + pi^2/M^2 = eps (ae.error at a(1-a) = 1/4).
4. Median trick: exp(-2 r (8/pi^2 - 1/2)^2) = delta.
5. Swap test: acceptance (1 + a)/2 moves by tau/2; threshold_shots at gap tau/2.
6. SimHash: agreement 1 - arccos(c)/pi moves by 2 asin(tau)/pi; threshold_shots at that gap.
7. ML-AE: the Fisher information of one shot at power m is 4 (2m+1)^2; the margin in phi is
   tau/sqrt3 to first order; z sigma = margin with z = sqrt(2 log 1/delta).
8. Exact: rounding error sqrt(P)/(2^b - 1) = tau solved for b.
9. JL: Dasgupta-Gupta tail 2 exp(-k (eps^2/2 - eps^3/3)/2) per vector, 2 vectors, = delta.
"""

import sympy as sp

from ccq.bounds import ae, gapip, sampling

tau, P, delta, b, shots = sp.symbols("tau P delta b shots", positive=True)
c, phi, M, r, k, m = sp.symbols("c phi M r k m", positive=True)


def test_augmented_overlap_and_gap():
    # u, v in the basis (|0>|0^n>, |1>|g>, |1>|h_perp>) with h = c g + s h_perp
    s = sp.sqrt(1 - c**2)
    u = sp.Matrix([1, 1, 0]) / sp.sqrt(2)
    v = sp.Matrix([1, c, s]) / sp.sqrt(2)
    assert sp.simplify(v.dot(v) - 1) == 0
    x = sp.simplify(u.dot(v))
    assert sp.simplify(x - (1 + c) / 2) == 0
    a = x**2
    assert sp.simplify(a.subs(c, tau) - a.subs(c, -tau) - gapip.overlap_gap.expr) == 0
    assert sp.simplify(gapip.overlap_gap.expr - tau) == 0
    a_mid = (1 + tau**2) / 4
    assert sp.simplify(a.subs(c, tau) - a_mid - tau / 2) == 0
    assert sp.simplify(a_mid - a.subs(c, -tau) - tau / 2) == 0


def test_product_of_reflections_is_a_rotation_by_minus_two_phi():
    u = sp.Matrix([1, 0])
    v = sp.Matrix([sp.cos(phi), sp.sin(phi)])
    ru = 2 * u * u.T - sp.eye(2)
    rv = 2 * v * v.T - sp.eye(2)
    rot = sp.Matrix([[sp.cos(2 * phi), sp.sin(2 * phi)], [-sp.sin(2 * phi), sp.cos(2 * phi)]])
    assert sp.simplify(ru * rv - rot) == sp.zeros(2)


def test_ae_queries_is_the_root_of_the_bhmt_bound():
    eps = ae.eps
    worst = ae.error.expr.subs(ae.a, sp.Rational(1, 2))
    roots = sp.solve(sp.Eq(worst, eps), ae.M)
    positive = [x for x in roots if x.subs(eps, sp.Rational(1, 10)).evalf() > 0]
    assert len(positive) == 1
    assert sp.simplify(positive[0] - ae.queries.expr) == 0
    # a(1-a) <= 1/4, so the worst case covers every a
    a = ae.a
    assert sp.simplify(sp.Rational(1, 4) - a * (1 - a) - (a - sp.Rational(1, 2)) ** 2) == 0
    assert sp.simplify(gapip.ae_queries.expr - ae.queries.expr.subs(eps, tau / 2)) == 0


def test_median_repetitions():
    p = ae.success_probability.expr
    sol = sp.solve(sp.Eq(sp.exp(-2 * r * (p - sp.Rational(1, 2)) ** 2), ae.delta), r)
    assert len(sol) == 1
    assert sp.simplify(sol[0] - ae.median_repetitions.expr) == 0
    assert sp.simplify(gapip.ae_repetitions.expr - ae.median_repetitions.expr.subs(ae.delta,
                                                                                    delta)) == 0


def test_swap_shots():
    a = ((1 + c) / 2) ** 2
    acc = (1 + a) / 2
    gap = sp.simplify(acc.subs(c, tau) - acc.subs(c, -tau))
    assert sp.simplify(gap - tau / 2) == 0
    shots_expr = sampling.threshold_shots.expr.subs(
        {sampling.gap: tau / 2, sampling.delta: delta})
    assert sp.simplify(shots_expr - gapip.swap_shots.expr) == 0


def test_simhash_bits():
    agree = 1 - sp.acos(c) / sp.pi
    gap = agree.subs(c, tau) - agree.subs(c, -tau)
    assert sp.simplify(sp.expand_trig(gap - 2 * sp.asin(tau) / sp.pi).rewrite(sp.asin)) == 0
    bits = sampling.threshold_shots.expr.subs(
        {sampling.gap: 2 * sp.asin(tau) / sp.pi, sampling.delta: delta})
    assert sp.simplify(bits - gapip.simhash_bits.expr) == 0


def test_mlae_max_power():
    p = sp.cos((2 * m + 1) * phi) ** 2
    fisher = sp.simplify(sp.diff(p, phi) ** 2 / (p * (1 - p)))
    assert sp.simplify(fisher - 4 * (2 * m + 1) ** 2) == 0
    # the margin in phi: d phi / d x at x = 1/2 (phi = pi/3) times tau/2
    x = sp.Symbol("x", positive=True)
    margin = sp.diff(-sp.acos(x), x).subs(x, sp.Rational(1, 2)) * tau / 2
    assert sp.simplify(margin - tau / sp.sqrt(3)) == 0
    # powers 0, 1, 2, ..., M/2, M: sum (2m+1)^2 ~ (16/3) M^2 at large M (leading order)
    j = sp.Symbol("j", integer=True, nonnegative=True)
    K = sp.Symbol("K", integer=True, positive=True)
    total = 1 + sp.summation((2 * 2**j + 1) ** 2, (j, 0, K))
    lead = sp.limit(total / (2**K) ** 2, K, sp.oo)
    assert lead == sp.Rational(16, 3)
    sigma = 1 / sp.sqrt(4 * shots * lead * M**2)
    sol = sp.solve(sp.Eq(sp.sqrt(2 * sp.log(1 / delta)) * sigma, tau / sp.sqrt(3)), M)
    assert len(sol) == 1
    assert sp.simplify(sol[0] - gapip.mlae_max_power.expr) == 0


def test_exact_entry_bits():
    sol = sp.solve(sp.Eq(sp.sqrt(P) / (2**b - 1), tau), b)
    assert len(sol) == 1
    assert sp.simplify(sp.expand_log(sol[0] - gapip.exact_entry_bits.expr, force=True)) == 0


def test_jl_rows():
    eps = tau
    tail = 2 * 2 * sp.exp(-k * (eps**2 / 2 - eps**3 / 3) / 2)
    sol = sp.solve(sp.Eq(tail, delta), k)
    assert len(sol) == 1
    assert sp.simplify(sol[0] - gapip.jl_rows.expr) == 0
    assert sp.simplify(gapip.jl_bits.expr - b * gapip.jl_rows.expr) == 0


def test_quadratic_separation_of_the_bounds():
    # tau * ae_queries -> 2 pi and tau^2 * simhash_bits -> pi^2 log(1/delta)/2 as tau -> 0
    assert sp.limit(tau * gapip.ae_queries.expr, tau, 0) == 2 * sp.pi
    assert sp.simplify(sp.limit(tau**2 * gapip.simhash_bits.expr, tau, 0)
                       - sp.pi**2 * sp.log(1 / delta) / 2) == 0
    assert sp.limit(tau**2 * gapip.swap_shots.expr, tau, 0) == 8 * sp.log(1 / delta)
