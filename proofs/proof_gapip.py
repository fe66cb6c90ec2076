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
10. Projective: acceptance ((1 + c)/2)^2 moves by tau; threshold_shots at gap tau.
11. Sign sketch: Chernoff with the tangent of the concave log Phi; rate c^2/pi per row.
12. AMS sketch: the per-row second moment of (s.g)(s.h) over +-1 signs, the dithered
    quantiser's range and error variance, and Cantelli's inequality solved for k.
"""

import math

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


def ae_queries():
    """The positive root M of the worst-case (a = 1/2) BHMT error bound = eps."""
    worst = ae.error.expr.subs(ae.a, sp.Rational(1, 2))
    roots = sp.solve(sp.Eq(worst, ae.eps), ae.M)
    positive = [x for x in roots if x.subs(ae.eps, sp.Rational(1, 10)).evalf() > 0]
    assert len(positive) == 1
    return positive[0]


def median_repetitions():
    """Runs r with exp(-2 r (p - 1/2)^2) = delta, p the single-run success probability."""
    p = ae.success_probability.expr
    sol = sp.solve(sp.Eq(sp.exp(-2 * r * (p - sp.Rational(1, 2)) ** 2), ae.delta), r)
    assert len(sol) == 1
    return sol[0]


def swap_shots():
    """threshold_shots at the swap test's acceptance gap tau/2 between <g,h> = +-tau."""
    a = ((1 + c) / 2) ** 2
    acc = (1 + a) / 2
    gap = sp.simplify(acc.subs(c, tau) - acc.subs(c, -tau))
    assert sp.simplify(gap - tau / 2) == 0
    return sampling.threshold_shots.expr.subs({sampling.gap: gap, sampling.delta: delta})


def projective_copies():
    """threshold_shots at the projection's acceptance gap tau (Bob measures |v><v| per copy)."""
    a = ((1 + c) / 2) ** 2
    gap = sp.simplify(a.subs(c, tau) - a.subs(c, -tau))
    assert sp.simplify(gap - tau) == 0
    return sampling.threshold_shots.expr.subs({sampling.gap: gap, sampling.delta: delta})


def sign_bits():
    """Chernoff for the sign sketch. One row gives X = sign(z) w = c|z| + s N (N independent of
    |z|), so E exp(-l X) = exp(l^2 s^2/2) E exp(-l c |z|) = 2 exp(l^2/2) Phi(-l c). log Phi(-x)
    is concave, hence below its tangent at 0: log(1/2) - x sqrt(2/pi). So log E exp(-l X) <=
    l^2/2 - l c sqrt(2/pi), minimised at l = c sqrt(2/pi) with value -c^2/pi; k rows give
    P(sum X <= 0) <= exp(-k c^2/pi) <= delta."""
    lam, x = sp.symbols("lambda x", positive=True)
    Phi = (1 + sp.erf(-x / sp.sqrt(2))) / 2
    # the tangent of log Phi(-x) at 0
    slope = sp.simplify(sp.diff(sp.log(Phi), x).subs(x, 0))
    assert sp.simplify(slope + sp.sqrt(2 / sp.pi)) == 0
    assert sp.simplify(sp.log(Phi).subs(x, 0) - sp.log(sp.Rational(1, 2))) == 0
    # concavity (the normal cdf is log-concave); second derivative checked on a grid, exactly
    d2 = sp.diff(sp.log(Phi), x, 2)
    assert all(d2.subs(x, v).evalf(30) < 0 for v in (0, sp.Rational(1, 10), 1, 3, 10, 30))
    bound = lam**2 / 2 + sp.log(2) + sp.log(sp.Rational(1, 2)) - lam * c * sp.sqrt(2 / sp.pi)
    best = sp.solve(sp.diff(bound, lam), lam)[0]
    rate = sp.simplify(bound.subs(lam, best))
    assert sp.simplify(rate + c**2 / sp.pi) == 0
    k_ = sp.solve(sp.Eq(k * rate.subs(c, tau), sp.log(delta)), k)[0]
    return k_


def simhash_bits():
    """threshold_shots at SimHash's agreement gap 2 asin(tau)/pi."""
    agree = 1 - sp.acos(c) / sp.pi
    gap = agree.subs(c, tau) - agree.subs(c, -tau)
    assert sp.simplify(sp.expand_trig(gap - 2 * sp.asin(tau) / sp.pi).rewrite(sp.asin)) == 0
    return sampling.threshold_shots.expr.subs(
        {sampling.gap: 2 * sp.asin(tau) / sp.pi, sampling.delta: delta})


def exact_entry_bits():
    """b with rounding error sqrt(P) / (2^b - 1) = tau."""
    sol = sp.solve(sp.Eq(sp.sqrt(P) / (2**b - 1), tau), b)
    assert len(sol) == 1
    return sol[0]


def jl_rows():
    """k with the Dasgupta-Gupta tail for two vectors, 4 exp(-k (t^2/2 - t^3/3)/2), = delta."""
    tail = 2 * 2 * sp.exp(-k * (tau**2 / 2 - tau**3 / 3) / 2)
    sol = sp.solve(sp.Eq(tail, delta), k)
    assert len(sol) == 1
    return sol[0]


def ams_row_second_moment():
    """E[(s.g)^2 (s.h)^2] over independent +-1 signs s: the nonzero E[s_a s_b s_c s_d] are the
    three pairings (a=b, c=d), (a=c, b=d), (a=d, b=c), with a=b=c=d counted once in each, so
    E = |g|^2 |h|^2 + 2 <g,h>^2 - 2 sum_j g_j^2 h_j^2. Checked by enumerating all 16 sign
    patterns at P = 4 (every index pattern of four factors occurs at P = 4)."""
    import itertools
    g = sp.symbols("g1:5", real=True)
    h = sp.symbols("h1:5", real=True)
    total = 0
    for s in itertools.product((-1, 1), repeat=4):
        y = sum(si * gi for si, gi in zip(s, g, strict=True))
        zz = sum(si * hi for si, hi in zip(s, h, strict=True))
        total += (y * zz) ** 2
    second = sp.expand(total / 16)
    gg = sum(x**2 for x in g)
    hh = sum(x**2 for x in h)
    cc = sum(x * y for x, y in zip(g, h, strict=True))
    formula = gg * hh + 2 * cc**2 - 2 * sum(x**2 * y**2 for x, y in zip(g, h, strict=True))
    assert sp.expand(second - formula) == 0
    # and the mean: E[(s.g)(s.h)] = <g,h>
    mean = 0
    for s in itertools.product((-1, 1), repeat=4):
        mean += (sum(si * gi for si, gi in zip(s, g, strict=True))
                 * sum(si * hi for si, hi in zip(s, h, strict=True)))
    mean = sp.expand(mean / 16)
    assert sp.expand(mean - cc) == 0
    return formula


def ams_rows():
    """Rows k of the AMS sketch with certified error <= delta for every unit pair.

    Quantiser: range L' = sqrt(P)/(1 - 2^-b), 2^b levels, step D = 2 L'/2^b = 2 sqrt(P)/(2^b - 1);
    |s.g| <= ||g||_1 <= sqrt(P) and the dither is within D/2, so the input stays in
    [-L', L'] (L' - D/2 = sqrt(P)) and the subtractive-dither error is uniform on [-D/2, D/2],
    independent of (y, z): variance D^2/12 = P/(3 (2^b - 1)^2). Row term q z = y z + e z:
    mean c, variance (unit vectors) 1 + c^2 - 2 sum g^2 h^2 + D^2/12 <= V(c) = 1 + c^2 + D^2/12.
    Cantelli: P(T - k c <= -k c) <= k V/(k V + k^2 c^2) = V/(V + k c^2), decreasing in c > 0
    (V/(k c^2) = (1 + q)/(k c^2) + 1/k), so the worst case is c = tau; V(tau)/(V(tau) + k tau^2)
    = delta solved for k."""
    formula = ams_row_second_moment()
    del formula
    bb = sp.Symbol("bb", positive=True)     # 2^b
    Lp = sp.sqrt(P) / (1 - 1 / bb)
    D = sp.simplify(2 * Lp / bb)
    assert sp.simplify(D - 2 * sp.sqrt(P) / (bb - 1)) == 0
    assert sp.simplify(Lp - D / 2 - sp.sqrt(P)) == 0
    u = sp.Symbol("u", real=True)
    var_e = sp.integrate(u**2, (u, -D / 2, D / 2)) / D
    q = sp.simplify(var_e)
    assert sp.simplify(q - P / (3 * (bb - 1) ** 2)) == 0
    V = 1 + c**2 + q
    ratio = V / (k * c**2)
    assert sp.simplify(sp.diff(ratio, c) + 2 * (1 + q) / (k * c**3)) == 0     # < 0
    sol = sp.solve(sp.Eq(V.subs(c, tau) / (V.subs(c, tau) + k * tau**2), delta), k)
    assert len(sol) == 1
    return sol[0].subs(bb, 2**b)


def overlap_gap():
    """a(+tau) - a(-tau) for a = <u,v>^2 = ((1 + <g,h>)/2)^2."""
    a = ((1 + c) / 2) ** 2
    return a.subs(c, tau) - a.subs(c, -tau)


def mlae_max_power():
    """M with z sigma = tau/sqrt3, sigma from the Fisher information of powers 0, M, M/2, ..., 1."""
    p = sp.cos((2 * m + 1) * phi) ** 2
    fisher = sp.simplify(sp.diff(p, phi) ** 2 / (p * (1 - p)))
    assert sp.simplify(fisher - 4 * (2 * m + 1) ** 2) == 0
    x = sp.Symbol("x", positive=True)  # margin in phi: d phi / d <u,v> at 1/2 times tau/2
    margin = sp.diff(-sp.acos(x), x).subs(x, sp.Rational(1, 2)) * tau / 2
    assert sp.simplify(margin - tau / sp.sqrt(3)) == 0
    j = sp.Symbol("j", integer=True, nonnegative=True)
    K = sp.Symbol("K", integer=True, positive=True)
    total = 1 + sp.summation((2 * 2**j + 1) ** 2, (j, 0, K))
    lead = sp.limit(total / (2**K) ** 2, K, sp.oo)   # sum (2m+1)^2 ~ (16/3) M^2
    assert lead == sp.Rational(16, 3)
    sigma = 1 / sp.sqrt(4 * shots * lead * M**2)
    sol = sp.solve(sp.Eq(sp.sqrt(2 * sp.log(1 / delta)) * sigma, tau / sp.sqrt(3)), M)
    assert len(sol) == 1
    return sol[0]


def _message_counts():
    """Per-protocol message accounting, composed from the derived pieces above.

    The message register of the augmented encoding is 1 + ceil(log2 P) qubits. The swap test
    sends one copy per shot, one round. Canonical AE with M Grover applications at eps = tau/2
    sends the register (plus the ceil(log2 M)-qubit control register) Alice -> Bob and back for
    each of the M - 1 applications after the first preparation: 2 (M - 1) messages, in sequence;
    its r median repetitions run in parallel (more qubits, same rounds).
    """
    register = 1 + sp.ceiling(sp.log(P, 2))
    queries = ae_queries().subs(ae.eps, tau / 2)
    reps = median_repetitions().subs(ae.delta, delta)
    rounds = 2 * (queries - 1)
    return {
        "gapip.overlap_gap": overlap_gap(),
        "gapip.swap_qubits": swap_shots() * register,
        # Bob's projection needs one copy of the register per measurement, one round
        "gapip.projective_qubits": projective_copies() * register,
        "gapip.ae_queries": queries,
        "gapip.ae_repetitions": reps,
        "gapip.ae_rounds": rounds,
        "gapip.ae_qubits": reps * rounds * (sp.ceiling(sp.log(queries, 2)) + register),
        "gapip.jl_bits": b * jl_rows(),
        "gapip.ams_bits": b * ams_rows(),
        "gapip.mlae_max_power": mlae_max_power(),
    }


DERIVED = {
    "ae.queries": ae_queries(),
    "ae.median_repetitions": median_repetitions(),
    "gapip.swap_shots": swap_shots(),
    "gapip.simhash_bits": simhash_bits(),
    "gapip.projective_copies": projective_copies(),
    "gapip.sign_bits": sign_bits(),
    "gapip.exact_entry_bits": exact_entry_bits(),
    "gapip.jl_rows": jl_rows(),
    "gapip.ams_rows": ams_rows(),
    **_message_counts(),
}


def test_ae_queries_is_the_root_of_the_bhmt_bound():
    assert sp.simplify(DERIVED["ae.queries"] - ae.queries.expr) == 0
    eps = ae.eps
    # a(1-a) <= 1/4, so the worst case covers every a
    a = ae.a
    assert sp.simplify(sp.Rational(1, 4) - a * (1 - a) - (a - sp.Rational(1, 2)) ** 2) == 0
    assert sp.simplify(gapip.ae_queries.expr - ae.queries.expr.subs(eps, tau / 2)) == 0


def test_median_repetitions():
    assert sp.simplify(DERIVED["ae.median_repetitions"] - ae.median_repetitions.expr) == 0
    assert sp.simplify(gapip.ae_repetitions.expr - ae.median_repetitions.expr.subs(ae.delta,
                                                                                    delta)) == 0


def test_swap_shots():
    assert sp.simplify(DERIVED["gapip.swap_shots"] - gapip.swap_shots.expr) == 0


def test_projective_copies():
    assert sp.simplify(DERIVED["gapip.projective_copies"] - gapip.projective_copies.expr) == 0


def test_sign_bits():
    assert sp.simplify(DERIVED["gapip.sign_bits"] - gapip.sign_bits.expr) == 0


def test_sign_bits_is_sufficient_for_the_exact_law():
    from ccq.protocols.gapip_optimal import sign_error
    for t in (0.3, 0.1):
        k_ = math.ceil(gapip.sign_bits(tau=t, delta=0.05))
        assert sign_error(t, k_) <= 0.05


def test_simhash_bits():
    assert sp.simplify(DERIVED["gapip.simhash_bits"] - gapip.simhash_bits.expr) == 0


def test_mlae_max_power():
    assert sp.simplify(DERIVED["gapip.mlae_max_power"] - gapip.mlae_max_power.expr) == 0


def test_exact_entry_bits():
    diff = DERIVED["gapip.exact_entry_bits"] - gapip.exact_entry_bits.expr
    assert sp.simplify(sp.expand_log(diff, force=True)) == 0


def test_jl_rows():
    assert sp.simplify(DERIVED["gapip.jl_rows"] - gapip.jl_rows.expr) == 0
    assert sp.simplify(gapip.jl_bits.expr - b * gapip.jl_rows.expr) == 0


def test_quadratic_separation_of_the_bounds():
    # tau * ae_queries -> 2 pi and tau^2 * simhash_bits -> pi^2 log(1/delta)/2 as tau -> 0
    assert sp.limit(tau * gapip.ae_queries.expr, tau, 0) == 2 * sp.pi
    assert sp.simplify(sp.limit(tau**2 * gapip.simhash_bits.expr, tau, 0)
                       - sp.pi**2 * sp.log(1 / delta) / 2) == 0
    assert sp.limit(tau**2 * gapip.swap_shots.expr, tau, 0) == 8 * sp.log(1 / delta)


def test_ams_rows():
    assert sp.simplify(DERIVED["gapip.ams_rows"] - gapip.ams_rows.expr) == 0
    assert sp.simplify(DERIVED["gapip.ams_bits"] - gapip.ams_bits.expr) == 0


def test_ams_rows_certifies_the_protocol_bound():
    from ccq.protocols.gapip_ams import error_bound
    for t, bits_, p in ((0.3, 4, 2**6), (0.1, 11, 2**20)):
        k_ = math.ceil(gapip.ams_rows(tau=t, delta=0.05, P=p, b=bits_))
        assert error_bound(t, k_, bits_, p) <= 0.05 < error_bound(t, k_ - 2, bits_, p)
