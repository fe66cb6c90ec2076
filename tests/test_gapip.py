"""GapIP_tau: the front door, the two simulation paths, exact errors, costs, instances, scaling."""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ccq
from ccq.bounds import gapip as bounds
from ccq.fit import minimal_budget
from ccq.protocols import _gapip_quantum as q
from ccq.protocols.gapip import METHODS, register_qubits
from ccq.protocols.gapip_instances import (
    dense_pair,
    gap_hamming_length,
    gap_hamming_pair,
    pair,
    sparse_pair,
)
from ccq.sketches import gapip as classical

FAIL = 1e-6     # failure probability of every statistical assertion


def hoeffding(trials: int) -> float:
    """Half-width of a two-sided Hoeffding band at failure probability FAIL."""
    return math.sqrt(math.log(2 / FAIL) / (2 * trials))


def rates(proto, c, trials, key=0, P=2):
    keys = jax.random.split(jax.random.key(key), trials)
    answers = jax.jit(jax.vmap(lambda k: proto.sample_overlap(k, c, P)))(keys)
    return float(jnp.mean(answers != (1 if c > 0 else -1)))


# ---------------------------------------------------------------- statevector == reduced


@pytest.mark.parametrize("P", [2, 3, 4096])
def test_statevector_and_reduced_paths_have_equal_distributions(P):
    for c in (-0.9, -0.3, -0.05, 0.0, 0.05, 0.4, 1.0):
        g, h = dense_pair(jax.random.key(P), P, c) if P > 2 else (
            jnp.array([1.0, 0.0]), jnp.array([c, math.sqrt(1 - c**2)]))
        cc = float(g @ h)
        # swap: acceptance probability
        sv = float(q.swap_acceptance_statevector(g, h))
        assert abs(sv - float(q.swap_acceptance(cc))) < 2e-6
        # canonical AE: the whole distribution over outcomes, for M powers of two and not
        for M in (2, 3, 8, 13):
            sv = np.asarray(q.ae_distribution_statevector(g, h, M))
            np.testing.assert_allclose(sv, q.ae_distribution(cc, M), atol=2e-5)
            assert abs(sv.sum() - 1) < 1e-4      # float32 drift over 2(M - 1) reflections
        # ML-AE: success probability of Alice's projection per Grover power
        schedule = q.mlae_schedule(5)
        np.testing.assert_allclose(
            np.asarray(q.mlae_probabilities_statevector(g, h, schedule)),
            q.mlae_probabilities(cc, schedule), atol=2e-5)


def test_statevector_path_at_larger_register():
    g, h = dense_pair(jax.random.key(7), 2**16, -0.02)
    cc = float(g @ h)
    np.testing.assert_allclose(np.asarray(q.ae_distribution_statevector(g, h, 16)),
                               q.ae_distribution(cc, 16), atol=5e-5)


def test_swap_probability_matches_the_gate_level_circuit():
    from ccq import sim
    g, h = dense_pair(jax.random.key(3), 2, 0.3)
    u, v = sim.augmented_encode(g), sim.augmented_encode(h)
    assert abs(float(sim.swap_test_circuit(u, v)) - float(q.swap_acceptance(float(g @ h)))) < 1e-5


def test_ae_distribution_golden_values():
    # c = 0: phi = pi/3 and M = 6 puts the whole mass on k = 2 and 4
    np.testing.assert_allclose(q.ae_distribution(0.0, 6), [0, 0, 0.5, 0, 0.5, 0], atol=1e-12)
    # c = 1: u = v, Q = identity on u: all mass on k = 0
    np.testing.assert_allclose(q.ae_distribution(1.0, 8), np.eye(8)[0], atol=1e-12)


@pytest.mark.parametrize("method", ["swap", "ae", "mlae"])
def test_full_path_samples_like_reduced_path(method):
    """Same key, same law: the two paths draw from equal distributions, so their answers agree
    except where float32 rounding moves a draw across a boundary."""
    proto_r = ccq.gapip(method, 0.3, budget=8)
    proto_f = ccq.gapip(method, 0.3, budget=8, path="full")
    g, h = dense_pair(jax.random.key(5), 8, 0.3)
    keys = jax.random.split(jax.random.key(9), 400)
    a = jax.jit(jax.vmap(lambda k: proto_r(k, g, h).answer))(keys)
    b = jax.jit(jax.vmap(lambda k: proto_f(k, g, h).answer))(keys)
    assert float(jnp.mean(a != b)) <= 0.01


# ---------------------------------------------------------------- sampling == exact error


@pytest.mark.parametrize("method,budget,tau", [("swap", 30, 0.3), ("ae", 4, 0.3),
                                               ("simhash", 15, 0.3)])
def test_sampled_error_matches_exact_error(method, budget, tau):
    proto = ccq.gapip(method, tau, budget=budget, repetitions=1 if method == "ae" else None)
    trials = 4000
    for c in (tau, -tau):
        exact = proto.error(c)
        assert 0.01 < exact < 0.6            # a regime where the comparison means something
        assert abs(rates(proto, c, trials) - exact) <= hoeffding(trials)


def test_simhash_faithful_path_matches_exact_error():
    proto = ccq.gapip("simhash", 0.2, budget=9, path="full")
    g, h = dense_pair(jax.random.key(1), 50, -0.2)
    trials = 3000
    keys = jax.random.split(jax.random.key(2), trials)
    wrong = jnp.mean(jax.jit(jax.vmap(lambda k: proto(k, g, h).answer))(keys) != -1)
    assert abs(float(wrong) - proto.error(float(g @ h))) <= hoeffding(trials)


def test_jl_faithful_and_reduced_paths_agree():
    g, h = dense_pair(jax.random.key(4), 40, 0.15)
    trials = 1500
    keys = jax.random.split(jax.random.key(6), trials)
    full = ccq.gapip("jl", 0.15, budget=20, bits=2, path="full")
    red = ccq.gapip("jl", 0.15, budget=20, bits=2)
    e_full = float(jnp.mean(jax.jit(jax.vmap(lambda k: full(k, g, h).answer))(keys) != 1))
    e_red = rates(red, float(g @ h), trials, key=8)
    assert 0.05 < e_red < 0.5
    assert abs(e_full - e_red) <= 2 * hoeffding(trials)


def test_jl_quantiser_error_is_uniform_and_unbiased():
    z = jax.random.normal(jax.random.key(0), (20000,))
    d = jax.random.uniform(jax.random.key(1), (20000,), minval=-0.25, maxval=0.25)
    err = classical.jl_quantise(z, d, 4) - z          # step 0.5, clip 4: overload ~ 6e-5
    assert abs(float(jnp.mean(err))) < 0.01
    assert abs(float(jnp.var(err)) - 0.5**2 / 12) < 0.003


# ---------------------------------------------------------------- default budgets meet delta


@pytest.mark.parametrize("tau", [0.5, 0.1, 0.02])
@pytest.mark.parametrize("method", ["swap", "ae", "simhash"])
def test_default_budget_meets_delta_exactly(method, tau):
    proto = ccq.gapip(method, tau, delta=0.05)
    assert max(proto.error(tau), proto.error(-tau)) <= 0.05


def test_default_budget_meets_delta_by_sampling():
    tau, trials = 0.1, 1500
    for method in ("mlae", "jl"):
        proto = ccq.gapip(method, tau, delta=0.05)
        for c in (tau, -tau):
            assert rates(proto, c, trials, key=11) <= 0.05 + hoeffding(trials), method


def test_exact_protocol_is_always_right_at_its_default_budget():
    proto = ccq.gapip("exact", 0.01)
    for kind in ("dense", "sparse"):
        for c in (0.01, -0.01):
            g, h = pair(jax.random.key(3), 500, c, kind)
            assert int(proto(jax.random.key(0), g, h).answer) == (1 if c > 0 else -1)
    assert proto.error(0.01, P=500) == 0.0


# ---------------------------------------------------------------- costs


def test_costs_are_exact_and_match_the_bounds():
    P, tau, delta = 2**20, 0.05, 0.05
    n1 = register_qubits(P)
    assert n1 == 21
    swap = ccq.gapip("swap", tau, delta)
    assert swap.cost(P) == ccq.Cost(qubits=swap.budget * n1, rounds=1)
    assert swap.budget == math.ceil(bounds.swap_shots(tau=tau, delta=delta))
    ae = ccq.gapip("ae", tau, delta, "bound")      # None is the exact optimum for ae now
    M, r = ae.budget, ae.repetitions
    assert M == math.ceil(bounds.ae_queries(tau=tau)) and r % 2 == 1
    assert ae.cost(P) == ccq.Cost(qubits=r * 2 * (M - 1) * (math.ceil(math.log2(M)) + n1),
                                  rounds=2 * (M - 1))
    assert ae.cost(P).rounds <= bounds.ae_rounds(tau=tau) + 2      # M rounded up
    # the bound at real-valued M and r; the protocol rounds M up and r up to an odd integer
    assert ae.cost(P).qubits <= bounds.ae_qubits(tau=tau, P=P, delta=delta) * (17 / 15.5) * 1.01
    mlae = ccq.gapip("mlae", tau, delta, budget=6, shots_per_power=3)
    # powers 0, 2, 3, 6: messages 1 + 5 + 7 + 13 = 26 per shot
    assert mlae.cost(P) == ccq.Cost(qubits=3 * 26 * n1, rounds=13)
    sh = ccq.gapip("simhash", tau, delta)
    assert sh.cost(P) == ccq.Cost(bits=sh.budget, rounds=1) and sh.budget % 2 == 1
    jl = ccq.gapip("jl", tau, delta, bits=3)
    assert jl.cost(P) == ccq.Cost(bits=3 * math.ceil(bounds.jl_rows(tau=tau, delta=delta)),
                                  rounds=1)
    ex = ccq.gapip("exact", tau, delta, budget=8)
    assert ex.cost(P) == ccq.Cost(bits=8 * P, rounds=1)


def test_outcome_cost_is_static_under_jit_and_vmap():
    proto = ccq.gapip("ae", 0.2)
    g, h = dense_pair(jax.random.key(0), 64, 0.2)
    run = jax.jit(jax.vmap(lambda k: proto(k, g, h)))
    out = run(jax.random.split(jax.random.key(1), 5))
    assert out.cost == proto.cost(64) and out.answer.shape == (5,)
    again = run(jax.random.split(jax.random.key(1), 5))
    assert bool(jnp.all(out.answer == again.answer))


def test_reduced_path_runs_at_P_2_to_the_30():
    P = 2**30
    # the reduced law depends on <g,h> only; P enters the register size and the cost
    proto = ccq.gapip("ae", 0.1, budget="bound")     # M = 128: 7 control qubits
    assert int(proto.sample_overlap(jax.random.key(0), -0.1, P)) == -1
    assert proto.cost(P).qubits == proto.repetitions * 2 * (proto.budget - 1) * (7 + 31)
    assert register_qubits(P) == 31
    # log2(1 + 2^15 / 0.1) = 18.3: 19 bits per entry
    assert ccq.gapip("exact", 0.1).cost(P).bits == P * 19


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("kwargs,match", [
    (dict(method="grover", tau=0.1), "method"),
    (dict(method="ae", tau=0.0), "tau"),
    (dict(method="ae", tau=1.0), "tau"),
    (dict(method="ae", tau=float("nan")), "tau"),
    (dict(method="ae", tau=0.1, delta=0.5), "delta"),
    (dict(method="ae", tau=0.1, delta=0.0), "delta"),
    (dict(method="swap", tau=0.1, budget=0), "budget"),
    (dict(method="ae", tau=0.1, budget=1), "budget"),
    (dict(method="simhash", tau=0.1, budget=2.5), "budget"),
    (dict(method="swap", tau=0.1, repetitions=3), "repetitions"),
    (dict(method="swap", tau=0.1, path="gpu"), "path"),
])
def test_bad_parameters_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ccq.gapip(**kwargs)


@pytest.mark.parametrize("g,h,match", [
    ([1.0, 1.0], [1.0, 0.0], "g must be a unit vector"),
    ([1.0, 0.0], [0.5, 0.5], "h must be a unit vector"),
    ([float("nan"), 0.0], [1.0, 0.0], "g must be finite"),
    ([1.0, 0.0], [float("inf"), 0.0], "h must be finite"),
    ([1.0, 0.0], [1.0, 0.0, 0.0], "same dimension"),
    ([[1.0, 0.0]], [1.0, 0.0], "1-D"),
    ([1j, 0.0], [1.0, 0.0], "real"),
])
def test_bad_vectors_raise(g, h, match):
    proto = ccq.gapip("simhash", 0.1)
    with pytest.raises(ValueError, match=match):
        proto(jax.random.key(0), np.array(g), np.array(h))


def test_no_closed_form_error_raises():
    # ML-AE at 16 shots on its default schedule has too many count vectors to enumerate
    with pytest.raises(ValueError, match="no closed-form"):
        ccq.gapip("mlae", 0.1).error(0.1)


# ---------------------------------------------------------------- instances


@given(st.integers(0, 2**16), st.sampled_from([0.3, 0.05, 0.003]), st.sampled_from([1, -1]),
       st.sampled_from(["dense", "sparse"]), st.sampled_from([3, 12]))
@settings(max_examples=10)
def test_instances_have_inner_product_exactly_tau(seed, tau, sign, kind, logp):
    g, h = pair(jax.random.key(seed), 2**logp, sign * tau, kind)
    assert abs(float(g @ h) - sign * tau) < 2e-6
    assert abs(float(g @ g) - 1) < 2e-6 and abs(float(h @ h) - 1) < 2e-6


def test_sparse_and_gap_hamming_instances():
    g, h = sparse_pair(jax.random.key(0), 10**5, -0.01, support=4)
    assert int(jnp.sum(g != 0)) == 4 and bool(jnp.all((g != 0) == (h != 0)))
    n = gap_hamming_length(0.02, minimum=4 / 0.02**2)
    assert n >= 10000 and (n * (1 - 0.02) / 2) == int(n * (1 - 0.02) / 2)
    for c in (0.02, -0.02):
        g, h, exact = gap_hamming_pair(jax.random.key(1), n, c)
        assert exact == pytest.approx(c, abs=1e-12)
        assert abs(float(g @ h) - c) < 1e-5
        assert bool(jnp.all(jnp.abs(jnp.abs(g) * math.sqrt(n) - 1) < 1e-5))
    with pytest.raises(ValueError, match="gap_hamming"):
        pair(jax.random.key(0), 7, 0.1, "gap_hamming")


# ---------------------------------------------------------------- scaling properties


def min_budget(method, tau, delta=0.2):
    """Smallest budget b whose exact worst-case error is <= delta for every budget in [b, 2b].

    The AE error is not monotone in M (Fejer-kernel side lobes move across the threshold), so
    the plain first-crossing budget jumps by up to ~50% between neighbouring tau; requiring the
    error to stay below delta up to 2b gives a well-defined minimal budget (exact, no sampling).
    """
    lo = 2 if method == "ae" else 1
    cache = {}

    def err(b):
        if b not in cache:
            proto = ccq.gapip(method, tau, budget=b,
                              repetitions=1 if method == "ae" else None)
            cache[b] = max(proto.error(tau), proto.error(-tau))
        return cache[b]

    b = minimal_budget(err, delta, lo=lo)
    while True:
        bad = [m for m in range(b, 2 * b + 1) if err(m) > delta]
        if not bad:
            return b
        b = bad[-1] + 1


@given(st.floats(0.02, 0.1))
@settings(max_examples=8)
def test_halving_tau_doubles_ae_and_quadruples_simhash(tau):
    """Accepted ranges: AE ratio in [1.4, 2.9] (Heisenberg: 2, with integer budgets),
    SimHash ratio in [3.3, 4.8] (tau^-2: 4; asin(tau) ~ tau)."""
    ratio_ae = min_budget("ae", tau / 2) / min_budget("ae", tau)
    ratio_sh = min_budget("simhash", tau / 2) / min_budget("simhash", tau)
    assert 1.4 <= ratio_ae <= 2.9, ratio_ae
    assert 3.3 <= ratio_sh <= 4.8, ratio_sh


@given(st.floats(0.005, 0.2))
@settings(max_examples=8)
def test_measured_minimal_budgets_respect_the_bounds(tau):
    """At delta = 0.05 the minimal exact budget is below the sufficient bound and within a
    stated constant of it: swap and simhash within 6x (Hoeffding vs the CLT), canonical AE
    (single run, error <= 1 - 8/pi^2) within 8x of ae.queries(tau/2)."""
    for method, bound in (("swap", bounds.swap_shots(tau=tau, delta=0.05)),
                          ("simhash", bounds.simhash_bits(tau=tau, delta=0.05))):
        def err(b, method=method):
            proto = ccq.gapip(method, tau, budget=b)
            return max(proto.error(tau), proto.error(-tau))
        measured = minimal_budget(err, 0.05)
        assert bound / 6 <= measured <= bound + 1, (method, measured, bound)

    def err_ae(M):
        proto = ccq.gapip("ae", tau, budget=max(M, 2), repetitions=1)
        return max(proto.error(tau), proto.error(-tau))
    measured = minimal_budget(err_ae, 1 - 8 / math.pi**2, lo=2)
    bound = bounds.ae_queries(tau=tau)
    assert bound / 8 <= measured <= bound + 1, (measured, bound)


def test_every_method_has_a_default():
    for method in METHODS:
        assert ccq.gapip(method, 0.1).budget_for(1024) >= 1


def test_chunked_binomial_is_exact_at_the_ends_and_unbiased_at_large_n():
    n = 3 * classical.BINOMIAL_CHUNK + 5
    assert int(classical.binomial(jax.random.key(0), n, 1.0)) == n
    assert int(classical.binomial(jax.random.key(0), n, 0.0)) == 0
    draws = 4000
    x = np.asarray(jax.jit(jax.vmap(lambda k: classical.binomial(k, 10**6, 0.6)))(
        jax.random.split(jax.random.key(1), draws)), float)
    sd = math.sqrt(10**6 * 0.6 * 0.4)
    # mean within 5.3 standard errors (two-sided normal tail 1e-7); variance within 15%
    assert abs(x.mean() - 6e5) <= 5.3 * sd / math.sqrt(draws)
    assert abs(x.var() / sd**2 - 1) < 0.15
