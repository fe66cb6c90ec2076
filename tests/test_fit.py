"""Power-law fits and minimal-budget search."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccq.fit import fit_power_law, fit_to_bound, minimal_budget


@given(a=st.floats(-3, 3), c=st.floats(0.01, 100))
def test_exact_power_law_is_recovered(a, c):
    x = np.array([2.0, 4.0, 8.0, 16.0, 32.0])
    fit = fit_power_law(x, c * x**a)
    assert fit.exponent == pytest.approx(a, abs=1e-9)
    assert fit.prefactor == pytest.approx(c, rel=1e-9)
    lo, hi = fit.exponent_ci  # exact data: the interval has (almost) zero width
    assert lo - 1e-9 <= a <= hi + 1e-9


def test_interval_covers_true_exponent_at_nominal_rate():
    # 400 noisy fits at level 0.9: coverage ~ Binomial(400, 0.9); 0.84 is 4 sigma below.
    rng = np.random.default_rng(0)
    x = np.geomspace(1, 1000, 8)
    hits = sum(
        fit_power_law(x, 2 * x**0.5 * np.exp(rng.normal(0, 0.2, x.size)), level=0.9)
        .contains_exponent(0.5)
        for _ in range(400)
    )
    assert 0.84 <= hits / 400 <= 0.96


def test_two_points_give_nan_interval_and_fit_to_bound_is_a_ratio():
    fit = fit_power_law([1, 2], [3, 6])
    assert fit.exponent == pytest.approx(1) and all(math.isnan(v) for v in fit.exponent_ci)
    fit = fit_to_bound([10, 20, 40], [1, 2, 4])
    assert fit.exponent == pytest.approx(1) and fit.prefactor == pytest.approx(10)


@pytest.mark.parametrize("x, y, match", [
    ([1, 2, 3], [1, 0, 2], "y must be > 0"),
    ([1, np.nan], [1, 2], "x must be finite"),
    ([1], [1], "at least 2 points"),
    ([2, 2], [1, 3], "two distinct x"),
    ([1, 2, 3], [1, 2], "same length"),
])
def test_fit_bad_input(x, y, match):
    with pytest.raises(ValueError, match=match):
        fit_power_law(x, y)


@given(target=st.integers(1, 10**9))
def test_minimal_budget_finds_the_threshold(target):
    calls = []

    def error_of(b):
        calls.append(b)
        return 0.0 if b >= target else 1.0

    assert minimal_budget(error_of, delta=0.5) == target
    assert len(calls) <= 2 * math.log2(target) + 3


def test_minimal_budget_bad_input():
    with pytest.raises(ValueError, match="even at budget 8"):
        minimal_budget(lambda b: 1.0, delta=0.1, hi=8)
    with pytest.raises(ValueError, match="lo <= hi"):
        minimal_budget(lambda b: 0.0, delta=0.1, lo=5, hi=2)
    with pytest.raises(ValueError, match="delta"):
        minimal_budget(lambda b: 0.0, delta=1.5)
