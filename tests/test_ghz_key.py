"""GHZ key protocol: both samplers agree exactly, sums are right when accepted, bound checks."""

import itertools
import math

import jax
import numpy as np
import pytest
from scipy import stats

from ccq.bounds import ghz_key as gk
from ccq.protocols import _ghz_copies as gc
from ccq.protocols import ghz_key as pk

CASES = [(2, 2), (3, 2), (2, 3), (3, 3)]


@pytest.mark.parametrize("n,d", CASES)
@pytest.mark.parametrize("attack", gc.ATTACKS)
def test_statevector_and_structured_copies_have_the_same_distribution(n, d, attack):
    for noise in (0.0, 0.3):
        for basis in gc.BASES:
            for attacked in (False, True):
                a = gc.statevector_table(n, d, basis, attacked, attack, noise)
                b = gc.structured_table(n, d, basis, attacked, attack, noise)
                np.testing.assert_allclose(a, b, atol=1e-12)


def test_the_table_comparison_has_power():
    a = gc.statevector_table(3, 2, "z", True, "eavesdropper", 0.0)
    b = gc.structured_table(3, 2, "z", False, "eavesdropper", 0.0)
    assert np.abs(a - b).max() > 0.1


@pytest.mark.parametrize("n,d", CASES + [(4, 2)])
def test_noise_error_rates_from_the_circuit_equal_the_formulas(n, d):
    p = 0.17
    tz = gc.statevector_table(n, d, "z", False, "none", p)
    tx = gc.statevector_table(n, d, "fourier", False, "none", p)
    idx = np.indices((d,) * n)
    all_equal = np.all(idx == idx[:1], axis=0)
    zero_sum = idx.sum(axis=0) % d == 0
    assert math.isclose(1 - tz[all_equal].sum(), gk.noise_q_z(p=p, N=n, d=d), abs_tol=1e-12)
    assert math.isclose(1 - tx[zero_sum].sum(), gk.noise_q_x(p=p, N=n, d=d), abs_tol=1e-12)


@pytest.mark.parametrize("method", ["structured", "statevector"])
def test_sampled_outcomes_follow_the_exact_table(method):
    n, d, copies = 3, 3, 30_000
    basis = np.arange(copies) % 2 == 0
    attacked = np.arange(copies) % 4 < 2
    out = np.asarray(gc.sample(jax.random.key(3), n, d, jax.numpy.asarray(basis),
                               jax.numpy.asarray(attacked), "eavesdropper", 0.1, method))
    band = math.sqrt(math.log(2 * d**n / 1e-9) / (2 * (copies // 4)))
    for bas in (False, True):
        for att in (False, True):
            sel = (basis == bas) & (attacked == att)
            flat = np.ravel_multi_index(out[sel].T, (d,) * n)
            freq = np.bincount(flat, minlength=d**n) / sel.sum()
            want = gc.statevector_table(n, d, "fourier" if bas else "z", att, "eavesdropper",
                                        0.1).ravel()
            assert np.abs(freq - want).max() <= band


@pytest.mark.parametrize("d", [2, 5, 65537, 2**31 - 1])
def test_toeplitz_fft_hash_equals_the_matrix_product(d):
    rng = np.random.default_rng(d)
    cols, rows = 300, 120
    seed = rng.integers(0, d, rows + cols - 1)
    x = rng.integers(0, d, (cols, 4))
    want = (pk.toeplitz_matrix(seed, rows, cols).astype(object) @ x.astype(object)) % d
    np.testing.assert_array_equal(pk.toeplitz_hash(seed, x, rows, d), want.astype(np.int64))


@pytest.mark.parametrize("method,d,n", [("statevector", 2, 3), ("statevector", 3, 2),
                                        ("structured", 5, 16)])
def test_honest_runs_sum_correctly(method, d, n):
    f = pk.ghz_key_sum(d, n, 6000, n_test=2000, q_tol=0.0, eps=1e-3, eps_cor=1e-3,
                       method=method)
    rng = np.random.default_rng(0)
    x = rng.integers(0, d, (n, 50))
    out = f(jax.random.key(2), x)
    assert out.info["accepted"]
    np.testing.assert_array_equal(out.answer, x.sum(axis=0) % d)
    assert out.cost.qubits == 6000 * n * math.ceil(math.log2(d))


def test_noisy_runs_are_right_whenever_accepted():
    f = pk.ghz_key_sum(2, 3, 100_000, n_test=20_000, q_tol=0.04, eps=1e-6, eps_cor=1e-6)
    x = np.random.default_rng(1).integers(0, 2, (3, 20))
    accepted = 0
    for seed in range(4):
        out = f(jax.random.key(seed), x, noise=0.01)
        if out.info["accepted"]:
            accepted += 1
            np.testing.assert_array_equal(out.answer, x.sum(axis=0) % 2)
        else:
            assert (out.answer == -1).all()
    assert accepted >= 1                  # the noisy regime is not all aborts
    high = f(jax.random.key(0), x, noise=0.2)
    assert not high.info["accepted"] and "test error rate" in high.info["reason"]


def test_keys_are_zero_sum_and_uniform_looking():
    gen = pk.ghz_key_generate(3, 4, 8000, n_test=2000, q_tol=0.0, eps=1e-3, eps_cor=1e-3)
    out = gen(jax.random.key(5))
    keys = out["keys"]
    assert out["accepted"] and keys.shape[0] == 4 and keys.shape[1] == out["key_symbols"]
    assert not (keys.sum(axis=0) % 3).any()
    freq = np.bincount(keys[0], minlength=3) / keys.shape[1]
    assert np.abs(freq - 1 / 3).max() <= math.sqrt(math.log(6 / 1e-9) / (2 * keys.shape[1]))


def test_serfling_tail_bounds_the_exact_hypergeometric_tail():
    for n, k in [(40, 20), (100, 100), (300, 50)]:
        for w in range(0, n + k + 1, 7):
            for mu in (0.05, 0.1, 0.2):
                # lambda_n >= lambda_k + mu  <=>  j (tested flagged) small
                j = np.arange(0, min(w, k) + 1)
                rest = (w - j) / n
                bad = rest >= j / k + mu - 1e-12
                exact = stats.hypergeom.pmf(j, n + k, w, k)[bad].sum()
                bound = math.exp(-2 * mu**2 * n * k**2 / ((n + k) * (k + 1)))
                assert exact <= bound + 1e-12


def test_hamming_ball_volume_is_at_most_two_to_n_h_d():
    for d in (2, 3, 5):
        for n in (5, 10, 20):
            for r in range(0, int(n * (1 - 1 / d)) + 1):
                vol = sum(math.comb(n, j) * (d - 1) ** j for j in range(r + 1))
                x = r / n
                h = 0.0 if x == 0 else (-x * math.log2(x) - (1 - x) * math.log2(1 - x)
                                        + x * math.log2(d - 1))
                assert math.log2(vol) <= n * h + 1e-9


def test_key_length_shrinks_with_errors_and_vanishes_past_the_threshold():
    kw = dict(eps=1e-9, eps_cor=1e-9, leak_bits=0.0)
    lengths = [pk.key_length(2, 8, 10**6, 10**5, q_tol=q, **kw) for q in (0, 0.02, 0.05, 0.49)]
    assert lengths[0] > lengths[1] > lengths[2] > 0 == lengths[3]
    assert pk.key_length(2, 8, 10**6, 10**5, q_tol=0, **kw) > pk.key_length(
        2, 1024, 10**6, 10**5, q_tol=0, **kw)


def test_asymptotic_threshold_is_shor_preskill_at_d_2():
    q = 0.110028
    assert abs(gk.asymptotic_rate(Q_X=q, Q_Z=q, d=2)) < 1e-4


def test_bad_inputs_raise():
    with pytest.raises(ValueError, match="prime"):
        pk.ghz_key_sum(4, 3, 100, n_test=10, q_tol=0.0)
    with pytest.raises(ValueError, match="statevector"):
        pk.ghz_key_sum(5, 4, 100, n_test=10, q_tol=0.0, method="statevector")
    f = pk.ghz_key_sum(2, 3, 100, n_test=10, q_tol=0.0)
    with pytest.raises(ValueError, match=r"shape \(N=3, P\)"):
        f(jax.random.key(0), np.zeros((2, 4), int))
    with pytest.raises(ValueError, match=r"lie in \[0, 2\)"):
        f(jax.random.key(0), np.full((3, 2), 2))
    with pytest.raises(ValueError, match="attack"):
        f(jax.random.key(0), np.zeros((3, 2), int), attack="magic")
    with pytest.raises(ValueError, match="n_test"):
        pk.ghz_key_sum(2, 3, 100, n_test=100, q_tol=0.0)


def test_short_key_aborts_without_revealing_inputs():
    f = pk.ghz_key_sum(2, 2, 200, n_test=50, q_tol=0.0, eps=1e-9, eps_cor=1e-9)
    out = f(jax.random.key(0), np.ones((2, 3), int))
    assert not out.info["accepted"] and (out.info["announcements"] == -1).all()


# ---------------------------------------------------------------- attacks (exact leakage)

from ccq.protocols import ghz_key_attacks as ka  # noqa: E402


def _span_size(a, d):
    rows = np.asarray(a)
    return len({tuple(np.asarray(c) @ rows % d)
                for c in itertools.product(range(d), repeat=rows.shape[0])})


def test_gf_rank_matches_the_size_of_the_row_span():
    rng = np.random.default_rng(0)
    for d in (2, 3, 5):
        for _ in range(30):
            a = rng.integers(0, d, (int(rng.integers(1, 4)), int(rng.integers(1, 6))))
            a[rng.random(a.shape) < 0.4] = 0
            assert d ** ka.gf_rank(a, d) == _span_size(a, d)


def test_hashed_key_leak_equals_the_brute_force_trace_distance():
    rng = np.random.default_rng(1)
    for d, n, ell in [(2, 6, 2), (3, 4, 2), (2, 7, 3)]:
        for _ in range(10):
            seed = rng.integers(0, d, n + ell - 1)
            known = rng.random(n) < 0.5
            t = pk.toeplitz_matrix(seed, ell, n)
            k_known = rng.integers(0, d, n)
            counts = {}
            free = np.flatnonzero(~known)
            for vals in itertools.product(range(d), repeat=len(free)):
                k = k_known.copy()
                k[free] = vals
                out = tuple(t @ k % d)
                counts[out] = counts.get(out, 0) + 1
            total = d ** len(free)
            dist = 0.5 * (sum(abs(c / total - d**-ell) for c in counts.values())
                          + (d**ell - len(counts)) * d**-ell)
            assert math.isclose(ka.hashed_key_leak(seed, ell, n, d, known), dist, abs_tol=1e-12)


@pytest.mark.parametrize("attack", ["eavesdropper", "intercept_resend"])
def test_attacks_on_the_key_protocol_leak_at_most_eps(attack):
    eps = 1e-3
    gen = pk.ghz_key_generate(2, 3, 6000, n_test=2000, q_tol=0.02, eps=eps, eps_cor=1e-3)
    for i, lam in enumerate((1 / 4000, 0.01, 0.05)):
        r = ka.attack_leak(gen, jax.random.key(i), attack, lam)
        assert r["leak"] <= eps
        if r["accepted"]:
            assert r["known"] >= 0 and r["key_symbols"] > 0
    strong = ka.attack_leak(gen, jax.random.key(9), attack, 0.2)
    assert not strong["accepted"]           # 0.2 (1 - 1/2) = 10% > q_tol: caught by the tests
    # power: extracting more than the unknown symbols would leak, and the exact formula says so
    seed = np.random.default_rng(0).integers(0, 2, 200 + 120 - 1)
    known = np.arange(200) < 90
    assert ka.hashed_key_leak(seed, 120, 200, 2, known) >= 1 - 2.0**-9


@pytest.mark.parametrize("d,c", [(2, 2), (2, 3), (2, 4), (3, 2), (3, 3)])
def test_coherent_parity_attack_is_detected_and_within_the_hash_lemma(d, c):
    r = ka.coherent_parity_attack(c, d)
    assert math.isclose(r["p_guess"], float(d) ** (1 - c), rel_tol=1e-9)
    assert math.isclose(r["z_error"], 1 - 1 / d, abs_tol=1e-9)    # every copy disturbed in Z
    assert abs(r["x_error"]) < 1e-9                                  # the sum stays correct
    assert r["leak_avg"] <= r["lhl"] + 1e-12
    assert math.isclose(r["leak_max"], 1 - 1 / d, abs_tol=1e-9)     # t = 0 or t = (1..1)


def test_direct_encoding_leaks_a_coordinate_with_constant_probability():
    for m in (100, 10_000):
        assert ka.direct_encoding_worst(m, 2)[1] == pytest.approx(2 / (3 * math.sqrt(3)),
                                                                  abs=2e-3)
    assert ka.direct_encoding_worst(1000, 3)[1] == pytest.approx(0.326, abs=2e-3)
