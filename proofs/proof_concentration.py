"""Derivation: how many independent runs boost a success probability p > 1/2 to 1 - delta.

The median of k runs is outside the target interval only if at least k/2 runs are. With
X = #bad runs, each bad with probability q = 1 - p < 1/2:

* Hoeffding: P(X/k - q >= t) <= exp(-2 k t^2) at t = 1/2 - q = p - 1/2; setting it to delta
  gives ``concentration.median_repetitions``.
* Chernoff-Hoeffding: P(X/k >= 1/2) <= exp(-k D(1/2 || q)) with the Bernoulli relative entropy
  D(x || q) = x ln(x/q) + (1-x) ln((1-x)/(1-q)); at x = 1/2 it is -ln(4 q (1-q)) / 2, giving
  ``concentration.median_repetitions_kl``. Pinsker (D >= 2 t^2) makes it never larger.
* Two-sided Hoeffding for a Bernoulli mean, 2 exp(-2 n eps^2) = delta, gives
  ``sampling.hoeffding_shots`` (the one-sided midpoint version is in proof_sampling.py).

``DERIVED`` maps bound names to the expressions derived here; ``tests/test_proofs.py`` checks each
against ``ccq.bounds`` symbolically and at hypothesis-drawn points.
"""

import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from ccq.bounds import concentration
from ccq.bounds._bound import symbolically_equal

k, t, delta, n, eps = sp.symbols("k t delta n eps", positive=True)
p = sp.Symbol("p", positive=True)
x, q = sp.symbols("x q", positive=True)


def _solve_for(expr_equal_delta, var):
    [root] = sp.solve(sp.Eq(expr_equal_delta, delta), var)
    return root


def hoeffding_median():
    return _solve_for(sp.exp(-2 * k * t**2), k).subs(t, p - sp.Rational(1, 2))


def bernoulli_kl(x_, q_):
    return x_ * sp.log(x_ / q_) + (1 - x_) * sp.log((1 - x_) / (1 - q_))


def chernoff_median():
    d = sp.simplify(sp.expand_log(bernoulli_kl(sp.Rational(1, 2), q), force=True))
    assert sp.simplify(d - (-sp.log(4 * q * (1 - q)) / 2)) == 0
    return _solve_for(sp.exp(-k * d), k).subs(q, 1 - p)


def two_sided_hoeffding_shots():
    return _solve_for(2 * sp.exp(-2 * n * eps**2), n)


DERIVED = {
    "concentration.median_repetitions": hoeffding_median(),
    "concentration.median_repetitions_kl": chernoff_median(),
    "sampling.hoeffding_shots": two_sided_hoeffding_shots(),
}


def test_median_counts_match_bounds():
    for name in ("median_repetitions", "median_repetitions_kl"):
        bound = getattr(concentration, name)
        assert symbolically_equal(DERIVED[bound.name], bound.expr), name


@given(p_=st.floats(0.5001, 0.9999), d_=st.floats(1e-12, 0.5))
def test_chernoff_count_never_exceeds_hoeffding_count(p_, d_):
    # Pinsker: D(1/2 || 1-p) >= 2 (p - 1/2)^2
    kl = concentration.median_repetitions_kl(delta=d_, p=p_)
    hf = concentration.median_repetitions(delta=d_, p=p_)
    assert kl <= hf * (1 + 1e-12)


def test_binomial_tail_at_the_count_is_below_delta():
    # the exact binomial tail at k = ceil(count) is <= delta (both counts are sufficient)
    from scipy.stats import binom

    for p_, d_ in [(8 / sp.pi.evalf() ** 2, 1e-3), (0.75, 1e-6), (0.6, 0.05)]:
        for bound in (concentration.median_repetitions, concentration.median_repetitions_kl):
            kk = bound.ceil(delta=float(d_), p=float(p_))
            bad = binom.sf(kk / 2 - 1e-9, kk, 1 - float(p_))  # P(#bad >= k/2)
            assert bad <= d_, (bound.name, p_, d_, kk, bad)
