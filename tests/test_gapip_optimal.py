"""Exact optimal GapIP budgets, the new baselines and the one-qubit-control AE.

Property tests (hypothesis) check the four promises of ``budget="optimal"``: never above the
bound-derived budget, exact error <= delta at every overlap drawn from the promise, equal to a
brute-force scan on small cases, and the semiclassical AE equal to the register AE.
"""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

import ccq
from ccq.bounds import gapip as bounds
from ccq.protocols import _gapip_quantum as q
from ccq.protocols import gapip_jl as gj
from ccq.protocols import gapip_mlae as gm
from ccq.protocols import gapip_optimal as go
from ccq.protocols.gapip_instances import dense_pair

SETTINGS = settings(max_examples=6, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
TAUS = st.sampled_from([0.08, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4])
DELTAS = st.sampled_from([0.01, 0.05, 0.1])
LAWS = {"swap": go.swap_probability, "projective": go.projective_probability,
        "simhash": go.simhash_probability}


# ---------------------------------------------------------------- threshold tests


def _brute_threshold(method, tau, delta):
    pp, pm = float(LAWS[method](tau)), float(LAWS[method](-tau))
    for k in range(1, 20000):
        t = np.arange(0, k + 2)
        err = np.maximum(stats.binom.cdf(t - 1, k, pp), stats.binom.sf(t - 1, k, pm))
        if err.min() <= delta:
            return k
    raise AssertionError("no budget")


@SETTINGS
@given(method=st.sampled_from(sorted(LAWS)), tau=st.sampled_from([0.2, 0.3, 0.4, 0.5]),
       delta=DELTAS)
def test_threshold_search_equals_brute_force(method, tau, delta):
    assert go.optimal_threshold_test(method, tau, delta).knobs["k"] == \
        _brute_threshold(method, tau, delta)


@SETTINGS
@given(method=st.sampled_from(["swap", "projective", "simhash", "sign"]), tau=TAUS,
       delta=DELTAS, data=st.data())
def test_optimal_budget_meets_delta_on_the_whole_promise_and_beats_the_bound(
        method, tau, delta, data):
    proto = ccq.gapip(method, tau, delta, budget="optimal")
    default = ccq.gapip(method, tau, delta, "bound")
    assert proto.cost(2**20).communication <= default.cost(2**20).communication
    for _ in range(5):
        c = data.draw(st.floats(tau, 1.0)) * data.draw(st.sampled_from([1, -1]))
        assert proto.error(c) <= delta + 1e-12, c
    assert proto.optimum.error == pytest.approx(proto.error(proto.optimum.c_worst))


def test_projective_doubles_the_swap_gap():
    # acceptance moves by tau (projective) against tau/2 (swap): about 4-5x fewer copies
    sw = go.optimal_threshold_test("swap", 0.01, 0.05).knobs["k"]
    pr = go.optimal_threshold_test("projective", 0.01, 0.05).knobs["k"]
    assert 4.5 < sw / pr < 5.5
    assert pr <= bounds.projective_copies.ceil(tau=0.01, delta=0.05)


def test_projective_statevector_equals_reduced_law():
    for c in (-0.7, -0.1, 0.3, 0.9):
        g, h = dense_pair(jax.random.key(3), 6, c)
        assert float(q.projective_acceptance_statevector(g, h)) == pytest.approx(
            float(q.projective_acceptance(c)), abs=2e-6)


# ---------------------------------------------------------------- sign sketch


def test_sign_error_matches_the_half_normal_mixture():
    # independent check: P(c S + s sqrt(k) N < 0) = E Phi(-c S / (s sqrt k)), S a sum of k
    # half-normals, averaged over 10^6 draws of S (the conditional probability has sd < 0.1,
    # so the average is within 3e-4 of the truth with overwhelming probability)
    c, k = 0.2, 7
    s = np.abs(np.random.default_rng(0).standard_normal((1_000_000, k))).sum(axis=1)
    want = np.mean(stats.norm.cdf(-c * s / math.sqrt(k * (1 - c * c))))
    assert go.sign_error(c, k) == pytest.approx(want, abs=3e-4)
    assert go.sign_error(0.5, 1) == pytest.approx(math.acos(0.5) / math.pi, abs=1e-9)


def test_sign_error_is_monotone_in_k_on_a_full_scan():
    errs = [go.sign_error(0.15, k) for k in range(1, 200)]
    assert all(b <= a + 1e-12 for a, b in zip(errs, errs[1:], strict=False))


def test_sign_paths_agree_with_the_exact_law():
    k, c, n = 25, 0.1, 4000
    keys = jax.random.split(jax.random.key(0), n)
    red = jax.vmap(lambda kk: ccq.gapip("sign", 0.1, budget=k).sample_overlap(kk, c))(keys)
    g, h = dense_pair(jax.random.key(1), 64, c)
    proto = ccq.gapip("sign", 0.1, budget=k, path="full")
    full = jax.vmap(lambda kk: proto(kk, g, h).answer)(keys)
    exact = go.sign_error(c, k)
    for sample in (red, full):
        wrong = float(jnp.mean(sample != 1))
        assert abs(wrong - exact) < 4 * math.sqrt(exact * (1 - exact) / n)


# ---------------------------------------------------------------- canonical AE


@SETTINGS
@given(c=st.floats(-0.99, 0.99).filter(lambda c: abs(c) > 0.01),
       M=st.integers(2, 40), tau=TAUS)
def test_fejer_law_equals_the_fft_distribution(c, M, tau):
    p = q.ae_distribution(c, M)
    dec = q.ae_decisions(M, tau)
    want = p[dec != (1 if c > 0 else -1)].sum()
    assert go.ae_run_error(c, M, tau)[0] == pytest.approx(want, abs=1e-9)


def test_ae_worst_case_is_not_at_the_boundary():
    # the example: r = 1, M = 29, tau = 0.1 errs 0.044 at -tau and 0.104 at c ~ -0.152
    err, c = go.ae_worst_run_error(29, 0.1)
    assert err == pytest.approx(0.1035, abs=5e-4) and c == pytest.approx(-0.152, abs=2e-3)
    assert go.ae_run_error(-0.1, 29, 0.1)[0] == pytest.approx(0.0436, abs=5e-4)


def test_ae_worst_case_grid_matches_a_dense_brute_force():
    for M, tau in ((13, 0.2), (29, 0.1), (40, 0.15)):
        dense = np.concatenate([np.linspace(tau, 1, 20001), -np.linspace(tau, 1, 20001)])
        brute = go.ae_run_error(dense, M, tau).max()
        assert go.ae_worst_run_error(M, tau)[0] >= brute - 1e-9


def _brute_ae(tau, delta, register):
    best = None
    dense = np.concatenate([np.linspace(tau, 1, 4001), -np.linspace(tau, 1, 4001)])
    for M in range(2, 200):
        w = go.ae_run_error(dense, M, tau).max()
        for r in range(1, 30, 2):
            if go.majority_error(r, w) <= delta:
                for control in ("register", "one_qubit"):
                    if control == "one_qubit" and M & (M - 1):
                        continue
                    ctrl = 1 if control == "one_qubit" else max(1, math.ceil(math.log2(M)))
                    cost = r * 2 * (M - 1) * (ctrl + register)
                    if best is None or cost < best:
                        best = cost
                break
    return best


@pytest.mark.parametrize("tau", [0.2, 0.3])
def test_ae_search_equals_brute_force(tau):
    assert go.optimal_ae(tau, 0.05, 11).knobs["qubits"] == _brute_ae(tau, 0.05, 11)


@settings(max_examples=6, deadline=None)
@given(tau=st.sampled_from([0.1, 0.15, 0.2, 0.3]), delta=DELTAS, data=st.data())
def test_optimal_ae_meets_delta_and_beats_the_bound_budget(tau, delta, data):
    proto = ccq.gapip("ae", tau, delta, budget="optimal", P=2**10)
    assert proto.cost(2**10).qubits <= ccq.gapip("ae", tau, delta, "bound").cost(2**10).qubits
    assert proto.optimum.error <= delta
    for _ in range(5):
        c = data.draw(st.floats(tau, 1.0)) * data.draw(st.sampled_from([1, -1]))
        assert proto.error(c) <= delta + 1e-9


@settings(max_examples=5, deadline=None)
@given(m=st.integers(1, 4), P=st.sampled_from([2, 3, 5, 8]), c=st.floats(-0.95, 0.95))
def test_one_qubit_control_equals_register_ae(m, P, c):
    g, h = dense_pair(jax.random.key(7), P, c)
    # renormalise the float32 draws in float64: a vector of norm 1 + d makes each of the 2M
    # reflections non-unitary by ~2d, so float32 inputs alone lose ~4M * 6e-8 of mass
    g64, h64 = (np.asarray(v, np.float64) / np.linalg.norm(np.asarray(v, np.float64))
                for v in (g, h))
    one = q.ae_distribution_one_qubit_statevector(g64, h64, m)
    reg = np.asarray(q.ae_distribution_statevector(g, h, 2**m))
    np.testing.assert_allclose(one, reg, atol=1e-5)
    assert one.sum() == pytest.approx(1.0, abs=1e-9)


def test_one_qubit_control_costs_one_travelling_control_qubit():
    a = ccq.gapip("ae", 0.1, budget=16, repetitions=3, control="one_qubit")
    b = ccq.gapip("ae", 0.1, budget=16, repetitions=3)
    assert a.cost(1024).qubits == 3 * 30 * (1 + 11)
    assert b.cost(1024).qubits == 3 * 30 * (4 + 11)
    with pytest.raises(ValueError, match="power-of-2"):
        ccq.gapip("ae", 0.1, budget=12, control="one_qubit")


def test_optimal_rejects_unknown_budget_words():
    with pytest.raises(ValueError, match="'optimal'"):
        ccq.gapip("swap", 0.1, budget="best")


# ---------------------------------------------------------------- ML-AE: exact law and schedule


def test_mlae_decision_table_equals_the_likelihood_rule():
    # the enumerated table decides every count vector as the float32 grid-likelihood rule does
    schedule, n, tau = (0, 1, 2, 4), 3, 0.2
    table = gm.decision_table(schedule, n, tau)
    grid, aligned = q.mlae_grid(max(schedule), tau)
    m = np.asarray(schedule, float)[:, None]
    p = np.clip(np.cos((2 * m + 1) * grid[None, :]) ** 2, 1e-12, 1 - 1e-12)
    counts = np.indices((n + 1,) * len(schedule)).reshape(len(schedule), -1).T
    ll = counts @ np.log(p) + (n - counts) @ np.log1p(-p)
    direct = ll[:, aligned].max(axis=1) >= ll[:, ~aligned].max(axis=1)
    assert np.array_equal(table, direct)


def test_mlae_exact_error_matches_sampled_runs():
    proto = ccq.gapip("mlae", 0.2, budget=4, shots_per_power=3)
    assert proto.mlae_powers() == q.mlae_schedule(4)
    keys = jax.random.split(jax.random.key(5), 20000)
    for c in (0.2, -0.2, -0.45):
        exact = proto.error(c)
        ans = jax.jit(jax.vmap(lambda k, c=c: proto.sample_overlap(k, c)))(keys)
        wrong = float(np.mean(np.asarray(ans) != (1 if c > 0 else -1)))
        assert abs(wrong - exact) < math.sqrt(math.log(2 / 1e-6) / (2 * 20000)), (c, wrong, exact)


def _brute_mlae(tau, delta, shots, limit):
    for msgs, _fam, n, s in gm._candidates(("textbook",), shots, gm.CAP):
        if msgs > limit:
            break
        if gm.mlae_worst_error(s, n, tau)[0] <= delta:       # no screens: every candidate
            return msgs
    return None


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tau=st.sampled_from([0.3, 0.5]), delta=st.sampled_from([0.1, 0.2]), data=st.data())
def test_mlae_search_equals_brute_force_meets_delta_and_beats_the_default(tau, delta, data):
    shots, limit = (1, 2, 3, 4, 6, 8), 200
    brute = _brute_mlae(tau, delta, shots, limit)
    try:
        opt = gm.optimal_mlae(tau, delta, families=("textbook",), shots=shots,
                              max_messages=limit)
    except ValueError:
        assert brute is None
        return
    assert opt.knobs["messages"] == brute
    s, n = opt.knobs["schedule"], opt.knobs["shots"]
    for _ in range(6):
        c = data.draw(st.floats(tau, 1.0)) * data.draw(st.sampled_from([1, -1]))
        assert gm.mlae_error(c, s, n, tau)[0] <= delta + 1e-12, c
    proto = ccq.gapip("mlae", tau, delta, budget="optimal")
    assert proto.optimum.error <= delta
    assert proto.cost(2**20).qubits <= ccq.gapip("mlae", tau, delta).cost(2**20).qubits
    assert proto.error(proto.optimum.c_worst) == pytest.approx(proto.optimum.error, abs=1e-9)


def test_mlae_textbook_schedule_is_not_blind_only_a_top_power_1_mod_3_is():
    # the cross-check with qiskit-algorithms, re-run with the exact law: at equal
    # shots the textbook powers 0,1,2,4,8 beat ccq's shifted 0,2,5,8 (same 15 Grover calls)
    tb = gm.mlae_worst_error((0, 1, 2, 4, 8), 4, 0.05)[0]
    sh = gm.mlae_worst_error((0, 2, 5, 8), 4, 0.05)[0]
    assert tb < sh


# ---------------------------------------------------------------- JL: exact law, rows x bits


def test_jl_exact_error_matches_sampled_runs():
    from ccq.sketches import gapip as classical
    keys = jax.random.split(jax.random.key(2), 40000)
    for c, k, b in ((0.2, 8, 2), (-0.3, 3, 1)):
        est = jax.jit(jax.vmap(lambda kk, c=c, k=k, b=b:
                               classical.jl_estimate_reduced(kk, c, k, b)))(keys)
        wrong = float(np.mean((np.asarray(est) >= 0) != (c > 0)))
        assert abs(wrong - gj.jl_error(c, k, b)) < math.sqrt(math.log(2 / 1e-6) / 80000)


def test_jl_error_decreases_in_rows_and_search_equals_a_scan():
    errs = [gj.jl_error(0.3, k, 2) for k in range(1, 16)]
    assert all(a >= b - 1e-9 for a, b in zip(errs, errs[1:], strict=False))
    first = next(k for k, e in enumerate(errs, 1) if e <= 0.2)
    assert gj._min_rows(0.3, 0.2, 2) == first
    opt = gj.optimal_jl(0.3, 0.2, bits=(1, 2))
    assert opt.error <= 0.2
    for c in (0.3, 0.5, -0.3, -0.7):
        assert gj.jl_error(c, opt.knobs["k"], opt.knobs["bits"]) <= 0.2
    assert opt.knobs["total_bits"] <= ccq.gapip("jl", 0.3, 0.2).cost(2**20).bits
