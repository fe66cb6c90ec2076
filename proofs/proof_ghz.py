"""Derivations behind ``ccq.bounds.ghz``: the stabilizer test, the sampling bound, the costs.

1. Pass probability. Pi_Z projects onto span{|k...k>} (Z-basis outcomes all equal), Pi_X onto
   Fourier outcomes summing to 0 mod d. <j^N|Pi_X|k^N> = 1/d for all j, k, so
   Pi_Z Pi_X Pi_Z = |GHZ><GHZ|, and then Pi_Z Pi_X = |GHZ><GHZ| (checked exactly below). The
   two projectors commute and Pi_Z + Pi_X = 2G + (Pi_Z - G) + (Pi_X - G) <= I + G, so a state of
   fidelity F passes the random test with probability <= (1 + F)/2, i.e. eta >= (1 - F)/2.
2. Trace distance. For a purification |psi>_AE with <G|rho_A|G> = F, the state
   (G (x) I)|psi>/sqrt(F) = |G> (x) |e> has overlap F with |psi>, so the trace distance to an
   ideal copy is sqrt(1 - F) <= sqrt(2 eta).
3. Sampling. Fix the 2m copies' failure probabilities eta_j (independent copies) and couple
   each with an independent Y_j ~ Bernoulli(eta_j): a tested copy fails iff Y_j = 1. Given the
   Z = sum Y_j would-fail copies, the uniformly random tested half T avoids all of them with
   probability C(2m - Z, m) / C(2m, m) = prod_{i<Z} (m - i)/(2m - i) <= 2^-Z. So
   P(accept) <= E[2^-Z] = prod_j (1 - eta_j/2) <= exp(-A/2), A = sum_j eta_j. Failure needs
   sum_U eta >= m f, hence A >= m f, hence P(accept and failure) <= exp(-m f / 2).
   (The older case split -- either the tested half carries f/2, or Hoeffding without
   replacement at distance f/4 -- gives exp(-m f/2) + exp(-m f^2/8), which is
   ghz.verification_eps_hoeffding.)
4. Copies: 2m with exp(-m f / 2) = eps. Leakage: Winter's continuity bound at distance sqrt(2 eta).

``DERIVED`` holds the results (checked against ``ccq.bounds`` by ``tests/test_proofs.py``).
"""

import itertools

import sympy as sp

from ccq.bounds import ghz

F = sp.Symbol("F", nonnegative=True)
eta = sp.Symbol("eta", nonnegative=True)
m = sp.Symbol("m", positive=True, integer=True)
f, eps = sp.symbols("f eps", positive=True)
d = sp.Symbol("d", positive=True, integer=True)


def pass_upper():
    """pass = (Tr Pi_Z rho + Tr Pi_X rho)/2 <= Tr((I + G) rho)/2, and Tr(G rho) = F."""
    return (1 + F) / 2


def copy_trace_distance():
    """Fidelity from the test (eta >= (1 - F)/2), then the trace distance sqrt(1 - F)."""
    [f_min] = sp.solve(sp.Eq(eta, (1 - F) / 2), F)
    return sp.sqrt(1 - f_min)


def verification_eps():
    """P(accept) <= prod_j E[2^-Y_j] = prod_j (1 - eta_j/2) <= exp(-sum_j eta_j / 2), sum >= m f."""
    eta_j, total, x = sp.symbols("eta_j A x", nonnegative=True)
    half = sp.Rational(1, 2)
    expected_half_power = eta_j * half**1 + (1 - eta_j) * half**0    # Y_j ~ Bernoulli(eta_j)
    assert sp.simplify(expected_half_power - (1 - eta_j / 2)) == 0
    # 1 - x <= exp(-x) for x >= 0: equal at 0, and the gap's derivative 1 - exp(-x) is >= 0
    gap = sp.exp(-x) - (1 - x)
    assert gap.subs(x, 0) == 0 and sp.diff(gap, x) == 1 - sp.exp(-x)
    # so prod_j (1 - eta_j/2) <= exp(-A/2) with A = sum_j eta_j, and A >= m f on failure
    return sp.exp(-total / 2).subs(total, m * f)


def verification_eps_hoeffding():
    tested_bad = sp.exp(-m * (f / 2))               # the tested half carries f/2
    unlucky_split = sp.exp(-2 * m * (f / 4) ** 2)   # Hoeffding without replacement at f/4
    return tested_bad + unlucky_split


def verification_copies():
    used = sp.Symbol("used", positive=True)
    [solved] = sp.solve(sp.Eq(verification_eps().subs(m, used), eps), used)
    return 2 * solved                               # 2m copies: m tested, m used


def leakage_bits():
    D = copy_trace_distance()
    h = lambda p: -p * sp.log(p, 2) - (1 - p) * sp.log(1 - p, 2)  # noqa: E731
    return D * sp.log(d, 2) + (1 + D) * h(D / (1 + D))       # Winter's cq continuity at D


DERIVED = {
    "ghz.pass_upper": pass_upper(),
    "ghz.copy_trace_distance": copy_trace_distance(),
    "ghz.verification_eps": verification_eps(),
    "ghz.verification_eps_hoeffding": verification_eps_hoeffding(),
    "ghz.verification_copies": verification_copies(),
    "ghz.leakage_bits": leakage_bits(),
}


def _projectors(n, d):
    w = sp.cos(2 * sp.pi / d) + sp.I * sp.sin(2 * sp.pi / d)   # algebraic for d <= 4
    dim = d**n
    fourier = sp.Matrix(d, d, lambda k, j: w ** (j * k) / sp.sqrt(d))
    big = fourier
    for _ in range(n - 1):
        big = sp.kronecker_product(big, fourier)
    basis = list(itertools.product(range(d), repeat=n))
    pz = sp.zeros(dim, dim)
    for k in range(d):
        i = basis.index((k,) * n)
        pz[i, i] = 1
    diag_x = sp.diag(*[1 if sum(m) % d == 0 else 0 for m in basis])
    px = big * diag_x * big.H                       # projector on F|m> with sum m = 0
    g = sp.zeros(dim, 1)
    for k in range(d):
        g[basis.index((k,) * n)] = 1 / sp.sqrt(d)
    return pz, px, g * g.H


def test_stabilizer_projectors_multiply_to_the_ghz_projector():
    for n, d in [(2, 3), (3, 2), (2, 2)]:
        pz, px, gg = _projectors(n, d)
        zero = sp.zeros(d**n, d**n)
        assert (pz * px - gg).applyfunc(lambda e: sp.expand(sp.expand_complex(e))) == zero
        assert (px * pz - gg).applyfunc(lambda e: sp.expand(sp.expand_complex(e))) == zero


def test_pass_probability_bound():
    F = sp.Symbol("F", nonnegative=True)
    # pass = (Tr Pi_Z rho + Tr Pi_X rho)/2 <= (Tr (I + G) rho)/2 = (1 + F)/2
    assert sp.simplify((1 + F) / 2 - ghz.pass_upper.expr.subs(ghz.F, F)) == 0


def test_trace_distance_from_fidelity():
    eta = ghz.eta
    F_min = 1 - 2 * eta                           # from eta >= (1 - F)/2
    assert sp.simplify(sp.sqrt(1 - F_min) - ghz.copy_trace_distance.expr) == 0


def test_random_half_avoids_z_marked_copies_with_probability_at_most_two_to_minus_z():
    m, i = sp.symbols("m i", positive=True)
    # each factor (m - i)/(2m - i) of C(2m-Z, m)/C(2m, m) is <= 1/2 for 0 <= i < m
    assert sp.simplify((m - i) / (2 * m - i) - sp.Rational(1, 2) + i / (2 * (2 * m - i))) == 0
    for mv in range(1, 12):
        for z in range(0, 2 * mv + 1):
            ratio = sp.binomial(2 * mv - z, mv) / sp.binomial(2 * mv, mv)
            assert ratio <= sp.Rational(1, 2**z)


def test_verification_eps_from_the_coupling():
    m, f = ghz.m, ghz.f
    eta = sp.Symbol("eta_j", nonnegative=True)
    expected_half_power = 1 - eta + eta / 2          # E[2^-Y_j] for Y_j ~ Bernoulli(eta_j)
    assert sp.simplify(expected_half_power - (1 - eta / 2)) == 0
    total = m * f                                    # A >= m f on the failure event
    assert sp.simplify(sp.exp(-total / 2) - ghz.verification_eps.expr) == 0


def test_hoeffding_form_from_two_cases():
    m, f = ghz.m, ghz.f
    case_tested_bad = sp.exp(-m * (f / 2))          # prod (1 - eta) <= exp(-sum eta)
    t = f / 4
    case_unlucky_split = sp.exp(-2 * m * t**2)      # Hoeffding without replacement
    assert sp.simplify(case_tested_bad + case_unlucky_split
                       - ghz.verification_eps_hoeffding.expr) == 0


def test_verification_copies_solve_the_bound():
    m, f, eps = ghz.m, ghz.f, ghz.eps
    mm = sp.Symbol("mm", positive=True)
    solved = sp.solve(sp.Eq(sp.exp(-mm * f / 2), eps), mm)
    assert len(solved) == 1
    assert sp.simplify(2 * solved[0] - ghz.verification_copies.expr) == 0
    # the coupling bound is never weaker than the Hoeffding form
    assert sp.simplify(ghz.verification_eps_hoeffding.expr - ghz.verification_eps.expr
                       - sp.exp(-m * f**2 / 8)) == 0


def test_leakage_bound_is_winter_continuity_at_the_trace_distance():
    eta, d = ghz.eta, ghz.d
    D = sp.sqrt(2 * eta)
    h = lambda p: -p * sp.log(p, 2) - (1 - p) * sp.log(1 - p, 2)  # noqa: E731
    assert sp.simplify(D * sp.log(d, 2) + (1 + D) * h(D / (1 + D)) - ghz.leakage_bits.expr) == 0


def test_share_bits_avoid_wraparound():
    for nv in (2, 3, 1024):
        for bv in (1, 8, 16):
            r = int(ghz.share_bits.subs({ghz.N: nv, ghz.b: bv}))
            assert 2**r > nv * (2**bv - 1) >= 2 ** (r - 1)
