"""GHZ secure sum: correctness, samplers vs the exact distribution, privacy, input checks."""

import itertools
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ccq
from ccq.protocols import _qudit, ghz

DELTA = 1e-9   # failure probability of every sampled assertion (union-bounded over cells)


# ---------------------------------------------------------------- kernels


def test_fourier_is_unitary_and_clock_is_diagonal_phase():
    for d in (2, 3, 8):
        f = _qudit.fourier(d)
        np.testing.assert_allclose(f @ f.conj().T, np.eye(d), atol=1e-12)
        np.testing.assert_allclose(np.abs(_qudit.clock(d, 3)), 1.0)
        # Z^x F|m> = F|m + x>: the clock shifts the Fourier basis
        z = np.diag(_qudit.clock(d, 1))
        np.testing.assert_allclose(z @ f[:, 0], f[:, 1 % d], atol=1e-12)


def test_density_kernels_match_pure_kernels():
    rng = np.random.default_rng(0)
    psi = rng.normal(size=(3, 3, 3)) + 1j * rng.normal(size=(3, 3, 3))
    psi /= np.linalg.norm(psi)
    rho = _qudit.density(psi)
    np.testing.assert_allclose(
        _qudit.diag_probabilities(_qudit.fourier_dm(rho, [0, 2])),
        np.abs(_qudit.fourier_amplitudes(psi, [0, 2])) ** 2, atol=1e-12)


# ---------------------------------------------------------------- exact distributions


@pytest.mark.parametrize("n,d", [(4, 8), (2, 2), (3, 5), (5, 3)])
def test_statevector_structured_and_formula_agree_exactly(n, d):
    rng = np.random.default_rng(n * 100 + d)
    for _ in range(3):
        x = rng.integers(0, d, n)
        exact = ghz.announcement_distribution(x, d)
        np.testing.assert_allclose(ghz.statevector_distribution(x, d), exact, atol=1e-12)
        np.testing.assert_array_equal(ghz.structured_distribution(x, d), exact)


def _band(n_samples, cells):
    return math.sqrt(math.log(2 * cells / DELTA) / (2 * n_samples))


@pytest.mark.parametrize("method", ghz.METHODS)
def test_sampled_announcements_follow_the_exact_distribution(method):
    n, d, shots = 3, 4, 20_000
    x = jnp.array([1, 3, 2])
    fn = jax.jit(jax.vmap(ghz.ghz_sum(d, method=method), in_axes=(0, None)))
    out = fn(jax.random.split(jax.random.key(7), shots), x)
    m = np.asarray(out.info["announcements"])
    assert (m.sum(axis=1) % d == 6 % d).all() and (np.asarray(out.answer) == 6 % d).all()
    hist = np.zeros((d,) * n)
    np.add.at(hist, tuple(m.T), 1.0 / shots)
    exact = ghz.announcement_distribution(x, d)
    assert np.max(np.abs(hist - exact)) <= _band(shots, exact.size)


def test_statevector_sampler_at_n4_d8_has_uniform_marginals_and_exact_sum():
    n, d, shots = 4, 8, 4000
    x = jnp.array([7, 7, 7, 6])
    out = jax.jit(jax.vmap(ghz.ghz_sum(d, method="statevector"), in_axes=(0, None)))(
        jax.random.split(jax.random.key(3), shots), x)
    m = np.asarray(out.info["announcements"])
    assert (np.asarray(out.answer) == 27 % 8).all()
    marg = np.stack([np.bincount(m[:, i], minlength=d) / shots for i in range(n)])
    assert np.max(np.abs(marg - 1 / d)) <= _band(shots, n * d)


# ---------------------------------------------------------------- correctness


# few distinct shapes: each new shape compiles once
SIZES = st.sampled_from([2, 3, 7, 40])


@given(SIZES, st.integers(2, 2**30), st.integers(0, 2**31 - 1))
def test_sum_is_correct_on_random_inputs(n, d, seed):
    x = np.random.default_rng(seed).integers(0, d, n)
    out = ghz.ghz_sum(d)(jax.random.key(seed), jnp.asarray(x))
    assert int(out.answer) == int(x.sum()) % d
    assert int(np.asarray(out.info["announcements"]).sum()) % d == int(x.sum()) % d
    assert out.cost == ghz.ghz_cost(n, d)


@given(st.sampled_from([(2, 2), (3, 3), (4, 8)]), st.integers(0, 2**31 - 1))
def test_statevector_sum_is_correct_on_random_inputs(nd, seed):
    n, d = nd
    x = np.random.default_rng(seed).integers(0, d, n)
    out = ghz.ghz_sum(d, method="statevector")(jax.random.key(seed), jnp.asarray(x))
    assert int(out.answer) == int(x.sum()) % d


@given(SIZES, st.integers(1, 16), st.sampled_from([1, 33]), st.integers(0, 2**31 - 1))
def test_vector_form_returns_the_integer_sum_without_wraparound(n, b, p, seed):
    x = np.random.default_rng(seed).integers(0, 2**b, (n, p))
    x[:, 0] = 2**b - 1                                   # the largest possible sum
    out = ghz.ghz_sum_vector(b, n)(jax.random.key(seed), jnp.asarray(x))
    np.testing.assert_array_equal(np.asarray(out.answer), x.sum(axis=0))
    d = ghz.aggregation_dimension(b, n)
    assert d > n * (2**b - 1) and d // 2 <= n * (2**b - 1)
    assert out.cost == ghz.ghz_cost(n, d, p)


def test_vector_statevector_and_structured_agree_on_the_answer():
    x = jnp.array([[1, 0, 1, 1], [1, 1, 0, 1], [0, 1, 1, 1]])
    for method in ghz.METHODS:
        out = ghz.ghz_sum_vector(1, 3, method=method)(jax.random.key(0), x)
        assert out.answer.tolist() == [2, 2, 2, 3]


def test_plain_python_lists_are_accepted():
    assert int(ghz.ghz_sum(5)(jax.random.key(0), [4, 4, 4]).answer) == 12 % 5
    assert ghz.ghz_sum_vector(1, 2)(jax.random.key(0), [[1, 0], [1, 1]]).answer.tolist() == [2, 1]


def test_same_key_same_result_and_lazy_export():
    x = jnp.arange(5) % 3
    f = ccq.ghz_sum(3)
    a, b = f(jax.random.key(4), x), f(jax.random.key(4), x)
    np.testing.assert_array_equal(a.info["announcements"], b.info["announcements"])
    c = f(jax.random.key(5), x)
    assert not np.array_equal(a.info["announcements"], c.info["announcements"])


# ---------------------------------------------------------------- privacy (exact)


@st.composite
def same_sum_pair(draw, max_n=4, max_d=5):
    n = draw(st.integers(2, max_n))
    d = draw(st.integers(2, max_d))
    x = draw(st.lists(st.integers(0, d - 1), min_size=n, max_size=n))
    k = draw(st.integers(0, n - 2))                       # coalition size, up to N - 2
    coalition = draw(st.permutations(range(n)))[:k]
    y = list(x)
    free = [i for i in range(n) if i not in coalition]
    for i in free[:-1]:
        y[i] = draw(st.integers(0, d - 1))
    y[free[-1]] = (sum(x) - sum(y[i] for i in range(n) if i != free[-1])) % d
    return n, d, np.array(x), np.array(y), sorted(coalition)


@given(same_sum_pair())
def test_inputs_with_the_same_sum_give_identical_public_views(case):
    n, d, x, y, _ = case
    np.testing.assert_allclose(ghz.statevector_distribution(x, d),
                               ghz.statevector_distribution(y, d), atol=1e-12)


@given(same_sum_pair())
def test_a_coalition_of_up_to_n_minus_2_learns_nothing_beyond_the_sum(case):
    """The coalition's quantum shares plus all honest announcements: a cq state that depends
    on the honest inputs only through the sum (x_C fixed), so no measurement reveals more."""
    n, d, x, y, coalition = case
    np.testing.assert_allclose(ghz.coalition_state(x, d, coalition),
                               ghz.coalition_state(y, d, coalition), atol=1e-12)


def test_privacy_checks_have_power_different_sums_differ():
    a, b = np.array([0, 0, 0]), np.array([1, 0, 0])
    view = ghz.statevector_distribution
    assert np.abs(view(a, 3) - view(b, 3)).max() > 0.1
    assert np.abs(ghz.coalition_state(a, 3, [0]) - ghz.coalition_state(b, 3, [0])).max() > 0.01


def test_exhaustive_same_sum_classes_n3_d3():
    views = {}
    for x in itertools.product(range(3), repeat=3):
        p = ghz.statevector_distribution(np.array(x), 3)
        s = sum(x) % 3
        if s in views:
            np.testing.assert_allclose(p, views[s], atol=1e-12)
        views[s] = p
    assert len(views) == 3


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("d", [1, 0, -3, 2.5, 2**31])
def test_bad_dimension_raises(d):
    with pytest.raises(ValueError, match="d must be"):
        ghz.ghz_sum(d)


@pytest.mark.parametrize("x,match", [
    (jnp.array([0, 8, 1]), r"values must lie in \[0, 8\)"),
    (jnp.array([0, -1, 1]), r"values must lie in \[0, 8\)"),
    (jnp.array([[0, 1]]), r"shape \(N,\)"),
    (jnp.array([3]), "at least 2 parties"),
    (jnp.array([0.5, 1.0]), "integers"),
])
def test_bad_values_raise(x, match):
    with pytest.raises(ValueError, match=match):
        ghz.ghz_sum(8)(jax.random.key(0), x)


def test_bad_method_and_too_large_statevector_raise():
    with pytest.raises(ValueError, match="method must be one of"):
        ghz.ghz_sum(4, method="magic")
    with pytest.raises(ValueError, match="d\\*\\*N"):
        ghz.ghz_sum(8, method="statevector")(jax.random.key(0), jnp.zeros(7, int))
    with pytest.raises(ValueError, match="shape \\(N=3, P\\)"):
        ghz.ghz_sum_vector(2, 3)(jax.random.key(0), jnp.zeros((4, 2), int))
    with pytest.raises(ValueError, match="values must lie in \\[0, 4\\)"):
        ghz.ghz_sum_vector(2, 3)(jax.random.key(0), jnp.full((3, 2), 4))
    with pytest.raises(ValueError, match="b must be"):
        ghz.ghz_sum_vector(0, 3)
    with pytest.raises(ValueError, match="coalition indices"):
        ghz.coalition_state([0, 1, 2], 3, [5])
    with pytest.raises(TypeError, match="PRNG key"):
        ghz.ghz_sum(4)(0, jnp.zeros(3, int))
