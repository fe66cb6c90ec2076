"""Classical secure aggregation: correctness, dropouts, exact OTP privacy, costs vs bounds."""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccq.bounds import ghz as gb
from ccq.sketches import secure_agg as sa


@given(st.integers(2, 6), st.integers(1, 12), st.integers(1, 4), st.data())
def test_pairwise_mask_sums_the_survivors_exactly(n, b, p, data):
    seed = data.draw(st.integers(0, 2**31 - 1))
    t = n // 2 + 1
    dropped = data.draw(st.lists(st.integers(0, n - 1), max_size=n - t, unique=True))
    x = np.random.default_rng(seed).integers(0, 2**b, (n, p))
    out = sa.pairwise_mask_aggregate(b, n)(jax.random.key(seed), x, dropped=dropped)
    alive = [u for u in range(n) if u not in dropped]
    np.testing.assert_array_equal(out.answer, x[alive].sum(axis=0))
    assert out.info["survivors"].sum() == len(alive)
    assert out.cost == sa.pairwise_mask_cost(n, p, b)


def test_pairwise_masked_vectors_look_uniform_and_hide_the_input():
    n, b, p = 3, 1, 20_000
    r = sa.modulus_bits(b, n)                      # R = 4
    for x0 in (0, 1):
        x = np.zeros((n, p), int)
        x[0] = x0
        masked = sa.pairwise_mask_aggregate(b, n)(jax.random.key(9), x).info["masked"][0]
        freq = np.bincount(masked, minlength=2**r) / p
        band = math.sqrt(math.log(2 * 2**r / 1e-9) / (2 * p))
        assert np.max(np.abs(freq - 2.0**-r)) <= band


def test_below_threshold_and_shamir_threshold():
    with pytest.raises(ValueError, match="below the threshold"):
        sa.pairwise_mask_aggregate(2, 4)(jax.random.key(0), np.zeros((4, 2), int),
                                         dropped=(0, 1))
    shares = sa.shamir_share(123456789, 3, 5, b"s")
    assert sa.shamir_reconstruct(shares[:3]) == 123456789
    assert sa.shamir_reconstruct(shares[2:]) == 123456789
    assert sa.shamir_reconstruct(shares[:2]) != 123456789


@given(st.sampled_from([2, 3, 64]), st.integers(1, 16), st.sampled_from([1, 7]),
       st.integers(0, 2**31 - 1))
def test_otp_sums_exactly(n, b, p, seed):
    x = np.random.default_rng(seed).integers(0, 2**b, (n, p))
    out = sa.otp_aggregate(b, n)(jax.random.key(seed), jnp.asarray(x))
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
        f(jax.random.key(0), jnp.zeros((2, 4), int))
    with pytest.raises(ValueError, match=r"values must lie in \[0, 4\)"):
        f(jax.random.key(0), jnp.full((3, 2), 4))
    with pytest.raises(ValueError, match="integers"):
        f(jax.random.key(0), jnp.zeros((3, 2)))
    with pytest.raises(ValueError, match="dropped user"):
        sa.pairwise_mask_aggregate(2, 3)(jax.random.key(0), np.zeros((3, 1), int), dropped=(5,))
    with pytest.raises(ValueError, match="b must be"):
        sa.otp_aggregate(0, 3)
