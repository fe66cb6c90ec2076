"""Classical secure aggregation: correctness, dropouts, rounds, privacy tests, costs vs bounds."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from ccq.bounds import ghz as gb
from ccq.sketches import secure_agg as sa


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 6), st.integers(1, 12), st.integers(1, 4), st.data())
def test_pairwise_mask_sums_the_survivors_exactly(n, b, p, data):
    seed = data.draw(st.integers(0, 2**31 - 1))
    t = n // 2 + 1
    dropped = data.draw(st.lists(st.integers(0, n - 1), max_size=n - t, unique=True))
    x = np.random.default_rng(seed).integers(0, 2**b, (n, p))
    out = sa.pairwise_mask_aggregate(b, n)(x, round_id=seed, dropped=dropped)
    alive = [u for u in range(n) if u not in dropped]
    np.testing.assert_array_equal(out.answer, x[alive].sum(axis=0))
    assert out.info["survivors"].sum() == len(alive)
    assert out.cost == sa.pairwise_mask_cost(n, p, b)


def _chi2_same(a, b, bins):
    """Two-sample chi-square test of equal distributions on bins 0..bins-1: p-value."""
    table = np.stack([np.bincount(a, minlength=bins), np.bincount(b, minlength=bins)])
    table = table[:, table.sum(axis=0) > 0]
    return stats.chi2_contingency(table)[1]


def _view_code(masked, r):
    return masked[0] + (masked[1] << r) + (masked[2] << 2 * r)   # the server's whole view


def test_server_view_is_independent_of_the_inputs_given_the_sum():
    n, b, p = 3, 1, 20_000
    r = sa.modulus_bits(b, n)                      # R = 4; the view (y0, y1, y2) has 64 values
    f = sa.pairwise_mask_aggregate(b, n)
    xa = np.tile(np.array([[1], [0], [0]]), (1, p))
    xb = np.tile(np.array([[0], [0], [1]]), (1, p))  # same sum, different inputs
    xc = np.tile(np.array([[1], [1], [0]]), (1, p))  # a different sum: the control
    # the server's view after unmasking: masked vectors minus the self-masks it learned
    va, vb, vc = (f(x, round_id=1).info["opened"] for x in (xa, xb, xc))
    assert _chi2_same(_view_code(va, r), _view_code(vb, r), 2 ** (3 * r)) > 1e-6
    assert _chi2_same(_view_code(va, r), _view_code(vc, r), 2 ** (3 * r)) < 1e-6


def test_two_rounds_with_the_same_secrets_give_unrelated_masks():
    n, b, p = 3, 4, 4000
    r = sa.modulus_bits(b, n)
    f = sa.pairwise_mask_aggregate(b, n)
    x1 = np.random.default_rng(0).integers(0, 2**b, (n, p))
    x2 = np.random.default_rng(1).integers(0, 2**b, (n, p))
    seed = b"same long-term secrets"
    m1 = f(x1, round_id=1, seed=seed).info["masked"]
    m2 = f(x2, round_id=2, seed=seed).info["masked"]
    again = f(x1, round_id=1, seed=seed).info["masked"]
    np.testing.assert_array_equal(m1, again)            # the explicit mode is reproducible
    # the old bug: masked_1 - masked_2 == x_1 - x_2. Now the difference is uniform.
    diff = (m1 - m2 - (x1 - x2)) % 2**r
    assert (diff != 0).mean() > 0.9
    freq = np.bincount(diff[0], minlength=2**r) / p
    assert np.abs(freq - 2.0**-r).max() <= math.sqrt(math.log(2 * 2**r / 1e-9) / (2 * p))
    # default mode: fresh OS randomness on every call
    d1 = f(x1, round_id=1).info["masked"]
    d2 = f(x1, round_id=1).info["masked"]
    assert (d1 != d2).mean() > 0.9


def test_otp_rounds_and_seeds():
    f = sa.otp_aggregate(4, 3)
    x = np.random.default_rng(0).integers(0, 16, (3, 500))
    a = f(x, round_id=1, seed=b"s").info["masked"]
    assert np.array_equal(a, f(x, round_id=1, seed=b"s").info["masked"])
    assert (a != f(x, round_id=2, seed=b"s").info["masked"]).mean() > 0.9
    assert (f(x, round_id=1).info["masked"] != f(x, round_id=1).info["masked"]).mean() > 0.9


def test_shamir_rejects_duplicate_and_missing_shares():
    sec = sa.Secrets(b"s")
    shares = sa.shamir_share(123456789, 3, 5, sec)
    assert sa.shamir_reconstruct(shares[:3], 3) == 123456789
    assert sa.shamir_reconstruct(shares[2:], 3) == 123456789
    with pytest.raises(ValueError, match="at least t=3"):
        sa.shamir_reconstruct(shares[:2], 3)
    with pytest.raises(ValueError, match="at least t=1"):
        sa.shamir_reconstruct([], 1)
    with pytest.raises(ValueError, match="distinct x-coordinates"):
        sa.shamir_reconstruct([shares[0], shares[0], shares[1]], 3)
    with pytest.raises(ValueError, match="x-coordinates must lie"):
        sa.shamir_reconstruct([(0, 5), shares[1], shares[2]], 3)


def test_below_threshold_and_bad_round_ids():
    with pytest.raises(ValueError, match="below the threshold"):
        sa.pairwise_mask_aggregate(2, 4)(np.zeros((4, 2), int), round_id=0, dropped=(0, 1))
    with pytest.raises(ValueError, match="round_id"):
        sa.pairwise_mask_aggregate(2, 4)(np.zeros((4, 2), int), round_id=b"")
    with pytest.raises(ValueError, match="seed must be"):
        sa.otp_aggregate(2, 4)(np.zeros((4, 2), int), round_id=0, seed="text")


@given(st.sampled_from([2, 3, 64]), st.integers(1, 16), st.sampled_from([1, 7]),
       st.integers(0, 2**31 - 1))
def test_otp_sums_exactly(n, b, p, seed):
    x = np.random.default_rng(seed).integers(0, 2**b, (n, p))
    out = sa.otp_aggregate(b, n)(x, round_id=seed, seed=b"test")
    np.testing.assert_array_equal(np.asarray(out.answer), x.sum(axis=0))


@st.composite
def same_sum_pair(draw):
    n = draw(st.integers(2, 4))
    R = draw(st.sampled_from([2, 3, 4]))
    x = draw(st.lists(st.integers(0, R - 1), min_size=n, max_size=n))
    coalition = sorted(draw(st.permutations(range(n)))[: draw(st.integers(0, n - 2))])
    free = [i for i in range(n) if i not in coalition]
    y = list(x)
    for i in free[:-1]:
        y[i] = draw(st.integers(0, R - 1))
    y[free[-1]] = (sum(x) - sum(y[i] for i in range(n) if i != free[-1])) % R
    return R, x, y, coalition


@given(same_sum_pair())
def test_otp_view_of_aggregator_and_n_minus_2_users_depends_only_on_the_sum(case):
    R, x, y, coalition = case
    a = sa.otp_view_distribution(x, R, coalition)
    b = sa.otp_view_distribution(y, R, coalition)
    assert a.keys() == b.keys()
    assert all(abs(a[k] - b[k]) < 1e-12 for k in a)


def test_otp_privacy_check_has_power():
    assert sa.otp_view_distribution([0, 0, 0], 4) != sa.otp_view_distribution([1, 0, 0], 4)


@pytest.mark.parametrize("n,p,b", [(2, 1, 1), (16, 1000, 8), (1024, 2**20, 16)])
def test_costs_equal_the_bounds(n, p, b):
    assert sa.pairwise_mask_cost(n, p, b).bits == n * gb.pairwise_mask_bits(N=n, P=p, b=b)
    assert sa.otp_cost(n, p, b).bits == n * gb.otp_bits(N=n, P=p, b=b)
    assert sa.otp_key_bits(n, p, b) == gb.otp_key_bits(N=n, P=p, b=b)
    assert sa.modulus_bits(b, n) == int(gb.share_bits.subs({gb.N: n, gb.b: b}))


def test_bad_inputs_raise():
    f = sa.otp_aggregate(2, 3)
    with pytest.raises(ValueError, match=r"shape \(N=3, P\)"):
        f(np.zeros((2, 4), int), round_id=0)
    with pytest.raises(ValueError, match=r"values must lie in \[0, 4\)"):
        f(np.full((3, 2), 4), round_id=0)
    with pytest.raises(ValueError, match="integers"):
        f(np.zeros((3, 2)), round_id=0)
    with pytest.raises(ValueError, match="dropped user"):
        sa.pairwise_mask_aggregate(2, 3)(np.zeros((3, 1), int), round_id=0, dropped=(5,))
    with pytest.raises(ValueError, match="b must be"):
        sa.otp_aggregate(0, 3)
