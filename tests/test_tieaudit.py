"""TieAudit_eps: the statevector and exact-sampler paths agree, sampling matches the exact
decision probabilities, costs match ccq.bounds, and bad input is rejected with a clear message.

Statistical tolerances: Hoeffding bands at failure probability 1e-9 per assertion, fixed keys.
"""

import itertools
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import ccq
from ccq.bounds import tieaudit as bounds
from ccq.protocols import tieaudit as ta
from ccq.protocols import tieaudit_exact as te
from ccq.protocols.tieaudit_instances import (
    agreement,
    agreements,
    bhm_instance,
    instance,
    matching_size,
    random_matching,
)

FAIL = 1e-9


def band(n):
    return math.sqrt(math.log(2 / FAIL) / (2 * n))


# ---------------------------------------------------------------- the two quantum paths


@pytest.mark.parametrize("P, alpha", [(2, 1.0), (13, 0.5), (64, 1.0), (64, 0.25)])
def test_statevector_distribution_equals_exact_distribution(P, alpha):
    key = jax.random.key(P)
    x = jnp.where(jax.random.bernoulli(key, 0.5, (P,)), 1, -1)
    M = random_matching(jax.random.fold_in(key, 1), P, alpha)
    p_sv, miss_sv = ta.statevector_outcome_distribution(x, M)
    p_ex, miss_ex = ta.outcome_distribution(x, M)
    np.testing.assert_allclose(np.asarray(p_sv), np.asarray(p_ex), atol=1e-6)
    assert abs(float(miss_sv) - float(miss_ex)) < 1e-6
    assert abs(float(jnp.sum(p_ex)) + float(miss_ex) - 1) < 1e-6
    # the Born probabilities agree with an independent numpy projection onto (|i> +- |j>)/sqrt2
    psi = np.asarray(x, float) / math.sqrt(P)
    for e, (i, j) in enumerate(np.asarray(M).tolist()):
        plus, minus = (psi[i] + psi[j]) ** 2 / 2, (psi[i] - psi[j]) ** 2 / 2
        np.testing.assert_allclose(np.asarray(p_sv[e]), [plus, minus], atol=1e-6)


def test_matching_basis_unitary_preserves_norm_at_two_to_the_sixteen():
    x, M, _ = instance(jax.random.key(0), 2**16, 0.25, True, alpha=0.5)
    state = ta.matching_basis_state(x, M)
    assert abs(float(jnp.sum(jnp.abs(state) ** 2)) - 1) < 1e-5
    p_sv, _ = ta.statevector_outcome_distribution(x, M)
    p_ex, _ = ta.outcome_distribution(x, M)
    assert float(jnp.max(jnp.abs(p_sv - p_ex))) < 1e-7


@pytest.mark.parametrize("simulator", ["sampler", "statevector"])
def test_sampled_answers_match_the_exact_accept_probability(simulator):
    P, eps, K, T = 16, 0.25, 3, 20000
    for alpha, consistent in [(0.5, False)]:      # misses, hits and ties all occur
        x, M, w = instance(jax.random.key(7), P, eps, consistent, alpha)
        fn = ccq.tieaudit("quantum", eps, budget=K, simulator=simulator)
        out = jax.vmap(fn, in_axes=(0, None, None, None))(
            jax.random.split(jax.random.key(8), T), x, M, w)
        rate = float(jnp.mean(out.answer == 1))
        m = M.shape[0]
        exact = te.accept_probability("quantum", K, P=P, m=m,
                                      agreeing=agreements(m, eps, consistent))
        assert abs(rate - exact) <= band(T), (alpha, rate, exact)
        assert out.cost == ccq.Cost(qubits=K * 4, rounds=1)


@pytest.mark.parametrize("method, budget", [("birthday", 6), ("twoway", 4), ("exact", None)])
def test_classical_protocols_match_their_exact_accept_probability(method, budget):
    P, eps, T = 12, 1 / 6, 20000
    x, M, w = instance(jax.random.key(11), P, eps, True)
    fn = ccq.tieaudit(method, eps, budget=budget)
    out = jax.vmap(fn, in_axes=(0, None, None, None))(
        jax.random.split(jax.random.key(12), T), x, M, w)
    rate = float(jnp.mean(out.answer == 1))
    exact = te.accept_probability(method, budget, P=P, m=6, agreeing=agreements(6, eps, True))
    assert abs(rate - exact) <= band(T), (rate, exact)


# ---------------------------------------------------------------- exact laws vs enumeration


def _brute_birthday(s, M, P, agree_mask):
    """Exact P(+1) of the birthday protocol by enumerating every s-subset."""
    total = 0.0
    subsets = list(itertools.combinations(range(P), s))
    for S in subsets:
        S = set(S)
        z = sum((1 if agree_mask[e] else -1) for e, (i, j) in enumerate(M) if i in S and j in S)
        total += 1.0 if z > 0 else 0.5 if z == 0 else 0.0
    return total / len(subsets)


@pytest.mark.parametrize("P, m, good", [(6, 3, 2), (7, 2, 1), (8, 4, 3), (8, 3, 3)])
def test_birthday_law_equals_enumeration(P, m, good):
    M = [(2 * e, 2 * e + 1) for e in range(m)]
    mask = [e < good for e in range(m)]
    for s in range(P + 1):
        exact = te.accept_probability("birthday", s, P=P, m=m, agreeing=good) if s else 0.5
        assert abs(exact - _brute_birthday(s, M, P, mask)) < 1e-12, s
        c, pc = te.internal_edges_pmf(s, m, P)
        counts = [sum(1 for i, j in M if i in S and j in S)
                  for S in map(set, itertools.combinations(range(P), s))]
        ref = np.bincount(counts, minlength=int(c.max()) + 1) / len(counts)
        np.testing.assert_allclose(pc, ref[c], atol=1e-12)


def test_quantum_law_equals_enumeration_over_outcomes():
    # K = 3 copies on P = 6 with m = 2 edges (alpha = 2/3), one agreeing edge
    P, m, K = 6, 2, 3
    per_copy = {+1: 1 / P, -1: 1 / P, 0: (P - 2 * m) / P + 0.0}  # agree, disagree, miss (+ pad)
    per_copy[0] = 1 - 2 / P
    total = 0.0
    for zs in itertools.product([1, -1, 0], repeat=K):
        p = math.prod(per_copy[z] for z in zs)
        total += p * (1.0 if sum(zs) > 0 else 0.5 if sum(zs) == 0 else 0.0)
    assert abs(te.accept_probability("quantum", K, P=P, m=m, agreeing=1) - total) < 1e-12


def test_bhm_promise_is_decided_by_one_copy():
    for consistent in (True, False):
        x, M, w = bhm_instance(jax.random.key(3), 64, consistent)
        assert float(agreement(x, M, w)) == (1.0 if consistent else 0.0)
        out = ccq.tieaudit("quantum", 0.5, budget=1)(jax.random.key(4), x, M, w)
        assert int(out.answer) == (1 if consistent else -1)
    assert te.worst_case_error("quantum", 1, P=64, m=32, eps=0.5) == 0.0


# ---------------------------------------------------------------- costs and bounds


@pytest.mark.parametrize("P", [2, 5, 1024, 2**20 + 1, 2**29, 2**30])
def test_costs_equal_the_bounds(P):
    eps, delta = 0.1, 0.05
    m = P // 2
    kw = {"eps": eps, "delta": delta, "P": P}
    K = ta.default_budget("twoway", eps, delta, P, m)
    assert K == bounds.quantum_copies.ceil(eps=eps, delta=delta)
    assert ta.protocol_cost("quantum", K, P).qubits == bounds.quantum_qubits.ceil(**kw)
    assert ta.protocol_cost("twoway", K, P).bits == bounds.twoway_bits.ceil(**kw)
    assert ta.protocol_cost("exact", 0, P).bits == bounds.exact_bits.ceil(P=P)
    if P % 2 == 0:
        s = ta.default_budget("birthday", eps, delta, P, m)
        assert s == min(P, bounds.birthday_bits.ceil(**kw))


def test_gradient_input_uses_signs_and_jit_vmap_keep_the_cost():
    x, M, w = instance(jax.random.key(5), 32, 0.25, True)
    g = x.astype(jnp.float32) * jax.random.uniform(jax.random.key(6), (32,), minval=0.1)
    fn = ccq.tieaudit("exact", 0.25)
    assert int(fn(jax.random.key(0), g, M, w).answer) == 1
    out = jax.jit(jax.vmap(fn, in_axes=(0, None, None, None)))(
        jax.random.split(jax.random.key(1), 3), g, M, w)
    assert out.answer.tolist() == [1, 1, 1] and out.cost == ccq.Cost(bits=32, rounds=1)


# ---------------------------------------------------------------- bad input


def _ok():
    return np.array([1, -1, 1, 1]), np.array([[0, 1], [2, 3]]), np.array([1, -1])


@pytest.mark.parametrize("args, kwargs, match", [
    (("magic", 0.1), {}, "method must be one of"),
    (("quantum", 0.0), {}, r"eps must lie in \(0, 0.5\]"),
    (("quantum", 0.6), {}, r"eps must lie in \(0, 0.5\]"),
    (("quantum", 0.1, 0.7), {}, "delta must lie in"),
    (("quantum", 0.1, 0.05, 0), {}, "budget must be an integer >= 1"),
    (("exact", 0.1, 0.05, 10), {}, "budget is not used by method 'exact'"),
    (("quantum", 0.1), {"simulator": "gpu"}, "simulator must be one of"),
    (("birthday", 0.1), {"simulator": "statevector"}, "applies to method 'quantum' only"),
])
def test_bad_hyperparameters_raise(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        ccq.tieaudit(*args, **kwargs)


@pytest.mark.parametrize("change, match", [
    ({"x": np.ones((2, 2))}, "x must be a 1-D"),
    ({"x": np.array([1.0, np.nan, 1, 1])}, "x must be finite"),
    ({"matching": np.array([0, 1])}, r"matching must have shape \(m, 2\)"),
    ({"matching": np.array([[0.0, 1.0], [2, 3]])}, "integer indices"),
    ({"matching": np.array([[0, 1], [2, 4]])}, r"must lie in \[0, P\)"),
    ({"matching": np.array([[0, 1], [-1, 3]])}, r"must lie in \[0, P\)"),
    ({"matching": np.array([[0, 1], [1, 3]])}, "vertex 1 appears in 2 pairs"),
    ({"matching": np.array([[0, 1], [2, 2]])}, "vertex 2 appears in 2 pairs"),
    ({"matching": np.array([[0, 1], [2, 3], [0, 2]])}, "at most 2 edges"),
    ({"w": np.array([1, 0])}, r"w must hold relations in \{-1, \+1\}"),
    ({"w": np.array([1, -1, 1])}, r"w must have shape \(m,\)"),
])
def test_bad_instances_raise(change, match):
    inputs = dict(zip(("x", "matching", "w"), _ok(), strict=True)) | change
    if np.shape(inputs["matching"])[-1:] == (2,) and len(np.shape(inputs["matching"])) == 2:
        m = np.shape(inputs["matching"])[0]
        if "w" not in change:
            inputs["w"] = np.ones(m, int)
    with pytest.raises(ValueError, match=match):
        ccq.tieaudit("exact", 0.1)(jax.random.key(0), inputs["x"], inputs["matching"],
                                   inputs["w"])


def test_perfect_matching_rules():
    with pytest.raises(ValueError, match="even number of parameters P, got P=7"):
        matching_size(7)
    with pytest.raises(ValueError, match="even number of parameters P, got P=5"):
        ccq.tieaudit("exact", 0.1, require_perfect=True)(
            jax.random.key(0), np.ones(5), np.array([[0, 1], [2, 3]]), np.ones(2))
    with pytest.raises(ValueError, match="perfect matching on P=6 vertices has 3 edges"):
        ccq.tieaudit("exact", 0.1, require_perfect=True)(
            jax.random.key(0), np.ones(6), np.array([[0, 1], [2, 3]]), np.ones(2))
    with pytest.raises(ValueError, match="statevector' supports P <= 2"):
        ccq.tieaudit("quantum", 0.1, simulator="statevector")(
            jax.random.key(0), np.ones(2**16 + 2), np.array([[0, 1]]), np.ones(1))
    with pytest.raises(ValueError, match="must be <= P=4"):
        ccq.tieaudit("birthday", 0.1, budget=5)(jax.random.key(0), *_ok())
    with pytest.raises(TypeError, match="PRNG key"):
        ccq.tieaudit("exact", 0.1)(0, *_ok())


# ---------------------------------------------------------------- public-coin baselines, optimum


def test_public_coin_methods_have_the_quantum_law_at_n_plus_1_over_n_its_cost():
    P, m = 2**20, 2**19
    qu = te.minimal_communication("quantum", eps=0.1, delta=0.05, P=P, m=m)
    for method, rounds in (("twoway_public", 2), ("bob_to_alice", 1)):
        row = te.minimal_communication(method, eps=0.1, delta=0.05, P=P, m=m)
        assert row["budget"] == qu["budget"] and row["error"] == qu["error"]
        assert row["bits"] == qu["budget"] * 21 and row["rounds"] == rounds
        assert row["bits"] / qu["qubits"] == pytest.approx(21 / 20)


def test_public_coin_sampler_matches_exact_acceptance():
    x, M, w = instance(jax.random.key(5), 64, 0.25, consistent=True, alpha=0.5)
    P, m = 64, M.shape[0]
    agreeing = int(np.sum((np.where(np.asarray(x) >= 0, 1, -1)[np.asarray(M)].prod(1))
                          == np.asarray(w)))
    n = 4000
    fn = ta.tieaudit("bob_to_alice", 0.25, budget=5)
    keys = jax.random.split(jax.random.key(6), n)
    yes = float(np.mean([int(fn(k, x, M, w).answer) == 1 for k in keys[:n]]))
    p = te.accept_probability("bob_to_alice", 5, P=P, m=m, agreeing=agreeing)
    assert abs(yes - p) < 4 * np.sqrt(p * (1 - p) / n)


@pytest.mark.parametrize("method", ["quantum", "twoway", "twoway_public", "bob_to_alice",
                                    "birthday"])
def test_optimal_budget_is_the_brute_force_minimum_and_meets_delta(method):
    P, m, eps, delta = 64, 16, 0.25, 0.1
    brute = next(b for b in range(1, P + 1)
                 if te.worst_case_error(method, b, P=P, m=m, eps=eps) <= delta)
    best = te.minimal_budget(method, eps=eps, delta=delta, P=P, m=m)
    assert best == brute
    assert best <= ta.default_budget(method, eps, delta, P, m)
    x, M, w = instance(jax.random.key(0), P, eps, consistent=True, alpha=2 * m / P)
    out = ta.tieaudit(method, eps, delta, budget="optimal")(jax.random.key(1), x, M, w)
    assert out.cost == ta.protocol_cost(method, best, P)
