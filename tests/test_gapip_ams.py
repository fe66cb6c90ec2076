"""AMS / CountSketch-style baseline for GapIP: moments, certified bound, optimum, explicit path."""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ccq
from ccq.bounds import gapip as bounds
from ccq.protocols import gapip_ams as ams
from ccq.sketches import gapip as classical


def _pair(rng, P, c):
    g = rng.standard_normal(P)
    g /= np.linalg.norm(g)
    w = rng.standard_normal(P)
    w -= (w @ g) * g
    w /= np.linalg.norm(w)
    return g, c * g + math.sqrt(1 - c * c) * w


@pytest.mark.parametrize("P,bits", [(2, None), (3, 1), (5, 2), (8, 3), (9, None), (10, 6)])
def test_row_moments_equal_enumerating_every_sign_pattern(P, bits):
    """Explicit-matrix path: all 2^P sign rows and the dither integrated exactly give the
    closed-form mean c and variance 1 + c^2 - 2 sum g^2 h^2 (+ Delta^2/12)."""
    rng = np.random.default_rng(P)
    for c in (-0.7, -0.1, 0.0, 0.3, 0.95):
        g, h = _pair(rng, P, c)
        m_f, v_f = ams.row_moments(g, h, bits=bits)
        m_e, v_e = ams.row_moments_enumerated(g, h, bits=bits)
        assert abs(m_f - m_e) < 1e-9 and abs(v_f - v_e) < 1e-9, (c, m_f, m_e, v_f, v_e)


def test_variance_depends_on_the_vectors_beyond_c():
    """Same c, different laws: a sparse pair has row variance 1 - c^2, a flat one ~1 + c^2."""
    c = 0.6
    _, v_sparse = ams.row_moments([1.0, 0.0], [c, 0.8])
    P = 256
    g = np.ones(P) / math.sqrt(P)
    w = np.where(np.arange(P) % 2 == 0, 1.0, -1.0) / math.sqrt(P)
    _, v_flat = ams.row_moments(g, c * g + 0.8 * w)
    assert abs(v_sparse - (1 - c * c)) < 1e-12
    assert abs(v_flat - (1 + c * c)) < 0.01
    assert v_flat <= ams.worst_row_variance(c, P, 32) + 1e-12


def test_quantiser_never_overloads_at_the_extreme_input():
    """The flat vector reaches |s.g| = sqrt(P); the dithered input stays inside the range, so
    the reconstruction error is within half a step."""
    P, bits = 64, 3
    L = ams.quantiser_range(P, bits)
    step = ams.quantiser_step(P, bits)
    y = jnp.array([math.sqrt(P), -math.sqrt(P)], jnp.float32)
    for d in (-step / 2, 0.0, step / 2 * 0.999):
        q = classical.jl_quantise(y, jnp.full(2, d, jnp.float32), bits, L)
        assert float(jnp.max(jnp.abs(q - y))) <= step / 2 + 1e-4


def test_faithful_statistic_matches_the_moments():
    """Sampled explicit-matrix statistic T/k: mean and variance within CLT / chi^2 bands."""
    rng = np.random.default_rng(0)
    P, bits, k, c = 16, 3, 8, 0.4
    g, h = _pair(rng, P, c)
    mean, var = ams.row_moments(g, h, bits=bits)
    n = 4000
    keys = jax.random.split(jax.random.key(1), n)
    gj, hj = jnp.asarray(g, jnp.float32), jnp.asarray(h, jnp.float32)
    t = np.asarray(jax.jit(jax.vmap(lambda kk: classical.ams_statistic_faithful(
        kk, gj, hj, k, bits)))(keys), float) / k
    assert abs(t.mean() - mean) <= 5.3 * math.sqrt(var / k / n)
    assert abs(t.var() / (var / k) - 1) < 0.15


def test_certified_bound_holds_for_sampled_worst_looking_pairs():
    """At the optimal budget the sampled error on flat and sparse pairs is below the bound
    (which is loose: the flat error is near the normal approximation, far below delta)."""
    tau, P = 0.3, 16
    proto = ccq.gapip("ams", tau, budget="optimal", P=P)
    assert proto.optimum.error <= 0.05
    g = jnp.ones(P) / 4.0
    w = jnp.where(jnp.arange(P) % 2 == 0, 1.0, -1.0) / 4.0
    keys = jax.random.split(jax.random.key(2), 2000)
    for c in (tau, -tau):
        h = c * g + math.sqrt(1 - c * c) * w
        ans = jax.jit(jax.vmap(lambda kk, h=h: proto(kk, g, h).answer))(keys)
        err = float(jnp.mean(ans != (1 if c > 0 else -1)))
        assert err <= proto.optimum.error
        approx = ams.flat_error_normal(c, proto.budget, proto.bits, P)
        assert abs(err - approx) <= 0.02, (err, approx)


def test_bound_decreases_in_c_so_the_worst_case_is_tau():
    cs = np.linspace(0.05, 1.0, 40)
    e = [ams.error_bound(x, 500, 6, 1024) for x in cs]
    assert all(a > b for a, b in zip(e, e[1:], strict=False))
    assert ams.error_bound(-0.3, 500, 6, 1024) == ams.error_bound(0.3, 500, 6, 1024)


def test_optimum_is_a_brute_force_minimum_and_matches_the_bound():
    tau, delta, P = 0.2, 0.05, 2**12
    opt = ams.optimal_ams(tau, delta, P)
    best = min((k * b, k, b) for b in range(1, 33) for k in range(1, 3000)
               if ams.certifies(ams.error_bound(tau, k, b, P), delta))
    assert opt.knobs["k"] * opt.knobs["bits"] == best[0]
    b_ = opt.knobs["bits"]
    assert opt.knobs["k"] == math.ceil(bounds.ams_rows(tau=tau, delta=delta, P=P, b=b_) - 1e-9)


def test_protocol_cost_default_and_errors():
    proto = ccq.gapip("ams", 0.1, P=2**20)
    opt = ccq.gapip("ams", 0.1, budget="optimal", P=2**20)
    assert (proto.budget, proto.bits) == (opt.budget, opt.bits)
    assert proto.cost(2**20).bits == opt.budget * opt.bits
    with pytest.raises(ValueError, match="depends on"):
        proto.error(0.1)
    with pytest.raises(ValueError, match="no reduced path"):
        proto.sample_overlap(jax.random.key(0), 0.1)


def test_ams_loses_to_the_sign_sketch():
    """Plain statement of the finding: at every tau the certified AMS budget costs more bits
    than the exact sign-sketch optimum (and even its flat-vector normal estimate does)."""
    for tau in (0.3, 0.1, 0.03):
        a = ccq.gapip("ams", tau, budget="optimal", P=2**20)
        s = ccq.gapip("sign", tau, budget="optimal")
        assert a.cost(2**20).bits > 10 * s.cost(2**20).bits


@settings(max_examples=40, deadline=None)
@given(tau=st.floats(0.01, 0.9), delta=st.floats(0.001, 0.45), log_p=st.integers(1, 40),
       u=st.floats(0.0, 1.0))
def test_optimum_certifies_every_c_in_the_promise_and_beats_fewer_rows(tau, delta, log_p, u):
    """Property: at the optimum the certified error is <= delta at every |c| in [tau, 1], one
    row fewer at the same bits is not certified, and the default budget is never cheaper."""
    P = 2**log_p
    opt = ams.optimal_ams(tau, delta, P)
    k, b = opt.knobs["k"], opt.knobs["bits"]
    c = tau + u * (1 - tau)
    assert ams.certifies(ams.error_bound(c, k, b, P), delta)
    assert ams.certifies(ams.error_bound(-c, k, b, P), delta)
    if k > 1:
        assert not ams.certifies(ams.error_bound(tau, k - 1, b, P), delta)
    default = ccq.gapip("ams", tau, delta, P=P)
    assert default.cost(P).bits >= k * b


@pytest.mark.parametrize("bits", [1, 2, 5])
def test_enumeration_at_the_range_edge_flat_vector(bits):
    """g flat reaches |s.g| = sqrt(P), the edge of the quantiser's range: the exact dither
    integral (with the real quantiser's index clip) still gives the unclipped moments."""
    P = 4
    g = np.ones(P) / 2.0
    h = np.array([0.5, 0.5, 0.5, -0.5])                 # c = 0.5
    assert ams.row_moments_enumerated(g, h, bits=bits) == pytest.approx(
        ams.row_moments(g, h, bits=bits), abs=1e-12)


def test_a_bound_exactly_at_delta_certifies():
    """Regression: at tau = 1/2, delta = 1/4, P = 2, b = 1, V = 1 + 1/4 + 8/12 = 23/12 and 23
    rows give V / (V + 23/4) = 1/4 exactly; float rounding once demanded a 24th row, making the
    'optimum' dearer than the bound-derived default."""
    opt = ams.optimal_ams(0.5, 0.25, 2)
    assert (opt.knobs["k"], opt.knobs["bits"]) == (23, 1)
    assert ccq.gapip("ams", 0.5, 0.25, P=2).cost(2).bits == 23
