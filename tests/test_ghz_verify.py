"""Cut-and-choose verification: exact per-copy numbers, the sampling bound, sampled runs."""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccq.bounds import ghz as gb
from ccq.protocols import ghz, ghz_verify

SMALL = st.sampled_from([(2, 2), (3, 2), (2, 3), (3, 3)])
ATTACKS = st.sampled_from(ghz_verify.SOURCES)
LAM = st.floats(0, 1)


def test_honest_source_always_passes_and_leaks_nothing():
    for n, d in [(2, 2), (3, 2), (3, 3), (4, 2)]:
        r = ghz_verify.copy_report("honest", n, d)
        assert r["pass_prob"] == pytest.approx(1, abs=1e-12)
        assert r["leak_bits"] == pytest.approx(0, abs=1e-9)
        assert r["p_correct"] == pytest.approx(1, abs=1e-12)


@given(ATTACKS, SMALL, LAM)
def test_pass_probability_obeys_the_fidelity_bound(name, nd, lam):
    r = ghz_verify.copy_report(name, *nd, lam)
    assert r["pass_prob"] <= gb.pass_upper(F=r["fidelity"]) + 1e-12


@given(ATTACKS, SMALL, LAM)
def test_leakage_never_exceeds_what_the_defect_allows(name, nd, lam):
    n, d = nd
    r = ghz_verify.copy_report(name, n, d, lam)
    dist = gb.copy_trace_distance(eta=r["eta"])
    if d == 2:
        assert r["guess"] - 1 / d <= dist + 1e-12
    if dist == 0:
        assert r["leak_bits"] <= 1e-9
    elif dist < 1:
        assert r["leak_bits"] <= gb.leakage_bits(eta=r["eta"], d=d) + 1e-9


@pytest.mark.parametrize("n,d", [(3, 2), (3, 3), (2, 4)])
def test_closed_forms_of_the_attacks(n, d):
    lam = 0.3
    eve = ghz_verify.copy_report("eavesdropper", n, d, lam)
    assert eve["eta"] == pytest.approx(lam * (1 - 1 / d), abs=1e-12)
    assert eve["leak_bits"] == pytest.approx(lam * math.log2(d), abs=1e-9)
    prod = ghz_verify.copy_report("product", n, d)
    assert prod["eta"] == pytest.approx((1 - d ** -(n - 1)) / 2, abs=1e-12)
    assert prod["leak_bits"] == pytest.approx(math.log2(d), abs=1e-9)   # input fully revealed
    # a finding: Eve as an extra GHZ member randomises the sum but learns no single input
    eg = ghz_verify.copy_report("eve_ghz", n, d, lam)
    assert eg["leak_bits"] == pytest.approx(0, abs=1e-9)
    assert eg["p_correct"] == pytest.approx(1 - lam + lam / d, abs=1e-12)


def test_p_correct_is_the_probability_that_the_announced_sum_is_right():
    n, d, lam = 3, 3, 0.4
    x = (2, 1, 2)
    total = 0.0
    for w, psi in ghz_verify.source_ensemble("eve_ghz", n, d, lam):
        from ccq.protocols import _qudit
        ph = _qudit.apply_phases(psi, [_qudit.clock(d, xi) for xi in x] + [np.ones(psi.shape[-1])])
        p = (np.abs(_qudit.fourier_amplitudes(ph, range(n))) ** 2).sum(axis=-1)
        right = np.indices((d,) * n).sum(axis=0) % d == sum(x) % d
        total += w * p[right].sum()
    assert total == pytest.approx(ghz_verify.copy_report("eve_ghz", n, d, lam)["p_correct"])


def test_measured_failure_never_exceeds_the_bound():
    """Exact P(accept and used copies' mean defect >= f), worst case over how many copies are
    corrupted, against ghz.verification_eps; corruption by every attack at full strength."""
    etas = sorted({round(ghz_verify.copy_report(s, 3, 2)["eta"], 12) for s in ghz_verify.SOURCES}
                  - {0.0}) + [0.02, 1.0]
    for m in (4, 16, 64, 128, 1024):
        for f in (0.02, 0.1, 0.3):
            bound = gb.verification_eps(m=m, f=f)
            for eta_c in etas:
                worst = ghz_verify.worst_corrupted_failure(m, eta_c, f)
                assert worst <= bound
                assert ghz_verify.iid_failure(eta_c, m, f) <= bound


def test_sampled_acceptance_matches_the_exact_hypergeometric_value():
    m, k, trials = 8, 5, 20_000
    r = ghz_verify.copy_report("product", 3, 2)
    pz = jnp.where(jnp.arange(2 * m) < k, r["pass_z"], 1.0)
    px = jnp.where(jnp.arange(2 * m) < k, r["pass_x"], 1.0)
    ok, used = jax.jit(jax.vmap(ghz_verify.cut_and_choose, in_axes=(0, None, None)))(
        jax.random.split(jax.random.key(2), trials), pz, px)
    assert (np.asarray(used).sum(axis=1) == m).all()
    exact = ghz_verify.corrupted_exact(m, k, r["eta"], 0.1)["accept"]
    band = math.sqrt(math.log(2 / 1e-9) / (2 * trials))
    assert abs(float(np.mean(ok)) - exact) <= band


def test_copy_overhead_is_two():
    for n, d, m in [(3, 2, 5), (10, 1024, 100)]:
        verified = ghz_verify.verified_cost(n, d, m)
        plain = ghz.ghz_cost(n, d, m)
        assert verified.ebits / plain.ebits == gb.copy_overhead() == 2
    c = ghz_verify.verified_cost(8, 2**10, 1)
    assert c.bits == gb.verified_bits_per_coordinate(N=8, b=7)
    assert c.ebits == gb.ebits_per_coordinate(N=8, b=7)


def test_bad_inputs_raise():
    with pytest.raises(ValueError, match="source must be one of"):
        ghz_verify.copy_report("nice", 3, 2)
    with pytest.raises(ValueError, match="lam must lie"):
        ghz_verify.copy_report("eavesdropper", 3, 2, 1.5)
    with pytest.raises(ValueError, match="d\\*\\*\\(N\\+1\\)"):
        ghz_verify.copy_report("honest", 6, 8)
    with pytest.raises(ValueError, match="k must be"):
        ghz_verify.corrupted_exact(4, 9, 0.5, 0.1)


def test_verified_vector_sum_accepts_honest_and_rejects_a_detectable_source():
    x = jnp.array([[1, 3, 0], [2, 3, 1], [0, 3, 1]])
    fn = ghz_verify.verified_ghz_sum_vector(2, 3)
    out = fn(jax.random.key(0), x)
    assert bool(out.info["accepted"]) and out.answer.tolist() == [3, 9, 2]
    assert int(out.info["copies"]) == 2 * int(out.info["used"]) == 6
    bad = fn(jax.random.key(0), x, pass_z=jnp.zeros(6), pass_x=jnp.zeros(6))
    assert not bool(bad.info["accepted"]) and bad.answer.tolist() == [-1, -1, -1]
    with pytest.raises(ValueError, match="shape \\(2P,\\)"):
        fn(jax.random.key(0), x, pass_z=jnp.ones(5))


# ---------------------------------------------------------------- noise

from ccq.noise import Noise, expected_sends  # noqa: E402
from ccq.protocols import _noise_laws, _qudit  # noqa: E402

NOISES = [Noise(depolarizing=0.2), Noise(dephasing=0.15), Noise(memory=0.1),
          Noise(depolarizing=0.1, dephasing=0.05, memory=0.03, erasure=0.2)]
NOISE = st.sampled_from(NOISES)


def test_noiseless_noise_objects_take_the_old_path_bit_for_bit():
    # Noise() and erasure-only noise leave every copy's state unchanged (erasure is heralded)
    for name in ghz_verify.SOURCES:
        base = ghz_verify.copy_report(name, 3, 2, 0.4)
        for noise in (None, Noise(), Noise(erasure=0.3), Noise(memory=0.2)):
            kw = {"stored_rounds": 0} if noise is not None and noise.memory else {}
            r = ghz_verify.copy_report(name, 3, 2, 0.4, noise, **kw)
            assert r.keys() == base.keys()
            assert all(r[k] == base[k] or (math.isnan(r[k]) and math.isnan(base[k])) for k in r)
    assert ghz_verify.verified_cost(4, 8, 10, Noise()) == ghz_verify.verified_cost(4, 8, 10)
    assert ghz_verify.honest_acceptance(5, 4, 100, Noise()) == 1.0
    assert ghz_verify.corrupted_exact(8, 3, 0.4, 0.1, eta_h=0.0) == \
        ghz_verify.corrupted_exact(8, 3, 0.4, 0.1)
    x = jnp.array([[1, 3, 0], [2, 3, 1], [0, 3, 1]])
    a = ghz_verify.verified_ghz_sum_vector(2, 3)(jax.random.key(5), x)
    b = ghz_verify.verified_ghz_sum_vector(2, 3, Noise())(jax.random.key(5), x)
    assert a.answer.tolist() == b.answer.tolist() and a.cost == b.cost
    assert bool(a.info["accepted"]) == bool(b.info["accepted"])


@given(ATTACKS, SMALL, LAM, NOISE)
def test_structured_noisy_report_equals_the_density_matrix(name, nd, lam, noise):
    """Two independent exact paths: GHZ-basis shifts and leakage by convolution, against the
    density matrix with the Pauli channel on every share, projectors and cq-states from it."""
    s = ghz_verify.copy_report(name, *nd, lam, noise)
    dm = ghz_verify.copy_report(name, *nd, lam, noise, method="density")
    for k in s:
        if not (math.isnan(s[k]) and math.isnan(dm[k])):
            assert s[k] == pytest.approx(dm[k], abs=1e-9), k


@pytest.mark.parametrize("n,d", [(2, 2), (3, 2), (4, 2), (2, 3), (3, 3), (2, 5)])
@pytest.mark.parametrize("p", [0.05, 0.3, 1.0])
def test_depolarising_closed_forms_equal_the_density_path(n, d, p):
    """Per-share qudit depolarising p: X^a Z^b with (a, b) uniform w.p. p. The Z test passes
    iff all a_i are equal: a_i = 0 w.p. 1 - p + p/d, each other value w.p. p/d, so
    pass_z = (1 - p + p/d)^N + (d - 1)(p/d)^N. The X test passes iff sum b_i = 0: a hit
    share's b is uniform, so pass_x = (1 - p)^N + (1 - (1 - p)^N)/d. Fidelity: h hit shares
    leave GHZ iff every hit a_i = 0 (all a_i equal when h = N) and sum b = 0, so
    F = (1-p)^N + [(1 - p + p/d)^N - (1-p)^N - (p/d)^N]/d + (p/d)^N."""
    r = ghz_verify.copy_report("honest", n, d, noise=Noise(depolarizing=p), stored_rounds=0,
                               method="density")
    q = 1 - p + p / d
    assert r["pass_z"] == pytest.approx(q**n + (d - 1) * (p / d) ** n, abs=1e-12)
    assert r["pass_x"] == pytest.approx((1 - p) ** n + (1 - (1 - p) ** n) / d, abs=1e-12)
    fid = (1 - p) ** n + (q**n - (1 - p) ** n - (p / d) ** n) / d + (p / d) ** n
    assert r["fidelity"] == pytest.approx(fid, abs=1e-12)
    assert ghz_verify.honest_pass(n, d, Noise(depolarizing=p), stored_rounds=0) == \
        pytest.approx((r["pass_z"], r["pass_x"]), abs=1e-12)
    assert r["leak_bits"] == pytest.approx(0, abs=1e-9)


@pytest.mark.parametrize("noise", NOISES + [Noise(dephasing=0.7, memory=0.2)])
@pytest.mark.parametrize("n,d", [(3, 2), (4, 2), (3, 3), (2, 4)])
def test_honest_pass_closed_form_equals_the_density_path(noise, n, d):
    for rounds in (0, 1, 3):
        r = ghz_verify.copy_report("honest", n, d, noise=noise, stored_rounds=rounds,
                                   method="density")
        pz, px = ghz_verify.honest_pass(n, d, noise, stored_rounds=rounds)
        assert (pz, px) == pytest.approx((r["pass_z"], r["pass_x"]), abs=1e-12)
        assert ghz_verify.honest_acceptance(n, d, 7, noise, stored_rounds=rounds) == \
            pytest.approx(r["pass_prob"] ** 7, rel=1e-10)
    # dephasing never fails a Z test; memory counts per round stored (composed as the qubit
    # dephasing, Noise.memory_after, so two rounds equal two dephasings at d = 2 only)
    assert ghz_verify.honest_pass(n, d, Noise(dephasing=0.3))[0] == 1.0
    if d == 2:
        assert ghz_verify.honest_pass(n, d, Noise(memory=0.1), stored_rounds=2)[1] == \
            pytest.approx(ghz_verify.honest_pass(n, d, Noise(dephasing=0.1, memory=0.1))[1])


def test_trajectories_average_to_the_exact_noisy_report():
    """Sampled path: draw a branch and a Pauli X^a Z^b per share, apply it to the pure state,
    take the exact pass probabilities of that trajectory; the mean estimates pass_z, pass_x."""
    n, d, lam, draws = 3, 3, 0.3, 6000
    noise = Noise(depolarizing=0.15, dephasing=0.1, memory=0.05)
    ens = ghz_verify.source_ensemble("eavesdropper", n, d, lam)
    comps = _noise_laws.ghz_components(noise)
    k_branch, k_pauli = jax.random.split(jax.random.key(7))
    branch = np.asarray(jax.random.bernoulli(k_branch, lam, (draws,)), int)
    a, b = (np.asarray(v) for v in _noise_laws.sample_paulis(k_pauli, comps, d, (draws, n)))
    equal = np.zeros((d,) * n, bool)
    for k in range(d):
        equal[(k,) * n] = True
    zero_sum = np.indices((d,) * n).sum(axis=0) % d == 0
    pz, px = np.empty(draws), np.empty(draws)
    for t in range(draws):
        psi = ens[branch[t]][1]
        for i in range(n):
            pauli = np.diag(_qudit.clock(d, b[t, i])) @ np.roll(np.eye(d), a[t, i], axis=0)
            psi = _qudit.apply_one(psi, pauli, i)
        pz[t] = np.sum(np.abs(psi[equal]) ** 2)
        px[t] = np.sum(np.abs(_qudit.fourier_amplitudes(psi, range(n))[zero_sum]) ** 2)
    exact = ghz_verify.copy_report("eavesdropper", n, d, lam, noise)
    # 6 standard errors (the per-trajectory values are bounded, the mean is near normal)
    assert abs(pz.mean() - exact["pass_z"]) < 6 * pz.std() / math.sqrt(draws)
    assert abs(px.mean() - exact["pass_x"]) < 6 * px.std() / math.sqrt(draws)
    # the noise is visible: both are below the noiseless values
    clean = ghz_verify.copy_report("eavesdropper", n, d, lam)
    assert exact["pass_z"] < clean["pass_z"] - 0.05 and exact["pass_x"] < clean["pass_x"] - 0.05


@pytest.mark.parametrize("n,d", [(3, 2), (2, 3)])
def test_eavesdropper_leakage_under_noise_has_a_closed_form(n, d):
    """In the attack branch Eve's half of party 0's pair reveals m_0 - x_0 exactly, and the
    noise adds b_0: she learns x_0 + b_0, so chi = lam (log2 d - H(b)), H the entropy of one
    share's Fourier shift; the rest of the view is independent of x_0."""
    lam = 0.7
    for noise in NOISES:
        law_b = _noise_laws.ghz_pauli_table(_noise_laws.ghz_components(noise), d).sum(axis=0)
        h = -sum(q * math.log2(q) for q in law_b if q > 0)
        r = ghz_verify.copy_report("eavesdropper", n, d, lam, noise)
        assert r["leak_bits"] == pytest.approx(lam * (math.log2(d) - h), abs=1e-9)
        assert 0 < r["leak_bits"] < lam * math.log2(d)
        assert ghz_verify.leakage(ghz_verify.source_ensemble("eavesdropper", n, d, lam), n, d,
                                  noise)[0] == pytest.approx(r["leak_bits"], abs=1e-12)


@given(ATTACKS, SMALL, LAM, NOISE)
def test_noisy_copies_obey_the_fidelity_and_leakage_bounds(name, nd, lam, noise):
    n, d = nd
    r = ghz_verify.copy_report(name, n, d, lam, noise)
    assert r["pass_prob"] <= gb.pass_upper(F=r["fidelity"]) + 1e-12
    dist = gb.copy_trace_distance(eta=r["eta"])
    if d == 2:
        assert r["guess"] - 1 / d <= dist + 1e-12
    if 0 < dist < 1:
        assert r["leak_bits"] <= gb.leakage_bits(eta=r["eta"], d=d) + 1e-9


@pytest.mark.parametrize("kind", ["depolarizing", "dephasing", "memory"])
def test_honest_acceptance_decreases_with_noise(kind):
    ps = np.linspace(0, 0.45, 10)          # dephasing beyond (d-1)/d re-phases: not monotone
    for n, d in [(3, 2), (4, 3), (8, 1024)]:
        acc = [ghz_verify.honest_acceptance(n, d, 20, Noise(**{kind: float(p)})) for p in ps]
        assert acc[0] == 1.0
        assert all(b < a for a, b in zip(acc, acc[1:], strict=False)), (n, d, acc)
    # the all-pass rule: for fixed noise, completeness decays exponentially in m
    noise = Noise(**{kind: 0.02})
    accs = [ghz_verify.honest_acceptance(3, 2, m, noise) for m in (10, 100, 1000)]
    assert accs[2] < accs[1] < accs[0] < 1 and accs[2] == pytest.approx(accs[0] ** 100)


def test_sampled_honest_completeness_matches_pass_probability_to_the_m():
    m, trials = 12, 20_000
    noise = Noise(depolarizing=0.05, dephasing=0.02)
    r = ghz_verify.copy_report("honest", 3, 2, noise=noise)
    ok, _ = jax.jit(jax.vmap(ghz_verify.cut_and_choose, in_axes=(0, None, None)))(
        jax.random.split(jax.random.key(11), trials), jnp.full(2 * m, r["pass_z"]),
        jnp.full(2 * m, r["pass_x"]))
    exact = r["pass_prob"] ** m
    assert exact == pytest.approx(ghz_verify.honest_acceptance(3, 2, m, noise), rel=1e-12)
    assert exact < 0.5                               # honest runs do abort
    band = math.sqrt(math.log(2 / 1e-9) / (2 * trials))
    assert abs(float(np.mean(ok)) - exact) <= band
    # attempts until the first accepted batch: geometric with mean 1/exact, as verified_cost
    first = np.argmax(np.asarray(ok).reshape(-1, 50), axis=1)[np.asarray(ok).reshape(
        -1, 50).any(axis=1)] + 1
    assert abs(first.mean() - 1 / exact) < 6 * math.sqrt(1 - exact) / exact / math.sqrt(
        len(first))


def test_verified_cost_counts_restarts_and_redistributions():
    n, d, m = 4, 8, 10
    base = ghz_verify.verified_cost(n, d, m)
    r = math.ceil(math.log2(d))
    # erasure only: every copy is redistributed until all its shares arrive; no restarts
    e = ghz_verify.verified_cost(n, d, m, Noise(erasure=0.05))
    assert e.ebits == pytest.approx(base.ebits * expected_sends(0.05, n * r))
    assert (e.bits, e.rounds) == (base.bits, base.rounds)
    # depolarising: 1/A attempts of distribution, challenge and tests, then one data round
    noise = Noise(depolarizing=0.02, erasure=0.05)
    acc = ghz_verify.honest_acceptance(n, d, m, noise)
    c = ghz_verify.verified_cost(n, d, m, noise)
    assert c.ebits == pytest.approx(e.ebits / acc)
    assert c.rounds == pytest.approx(2 / acc + 1)
    assert c.bits == pytest.approx((m * n * r + 3 * m) / acc + m * n * r)
    assert c.ebits > e.ebits and c.bits > base.bits
    one = ghz_verify.verified_cost(n, d, m, noise, restarts=False)
    assert one.ebits == pytest.approx(e.ebits) and (one.bits, one.rounds) == (base.bits, 3)
    with pytest.raises(ValueError, match="never accepts"):
        ghz_verify.verified_cost(8, 2, 100_000, Noise(depolarizing=0.5))


def test_corrupted_batch_with_noisy_honest_copies():
    m, f = 16, 0.1
    for eta in (0.05, 0.2):
        for k in (0, 5, 32):
            r = ghz_verify.corrupted_exact(m, k, eta, f, eta_h=eta)   # all copies alike
            assert r["accept"] == pytest.approx((1 - eta) ** m, rel=1e-12)
            assert r["fail"] == pytest.approx(ghz_verify.iid_failure(eta, m, f), rel=1e-12)
    # noisy honest copies only lower acceptance (and the bound still holds)
    for k in (0, 4, 12):
        clean = ghz_verify.corrupted_exact(m, k, 0.5, f)
        noisy = ghz_verify.corrupted_exact(m, k, 0.5, f, eta_h=0.02)
        assert noisy["accept"] < clean["accept"]
        assert noisy["fail"] <= gb.verification_eps(m=m, f=f)


def test_noisy_verified_vector_sum_tests_with_the_honest_pass_probabilities():
    x = jnp.array([[1, 3, 0], [2, 3, 1], [0, 3, 1]])
    noise = Noise(depolarizing=0.1)
    fn = ghz_verify.verified_ghz_sum_vector(2, 3, noise)
    d = ghz.aggregation_dimension(2, 3)
    pz, px = ghz_verify.honest_pass(3, d, noise)
    seen = set()
    for s in range(16):
        out = fn(jax.random.key(s), x)
        ref = fn(jax.random.key(s), x, pass_z=jnp.full(6, pz), pass_x=jnp.full(6, px))
        assert bool(out.info["accepted"]) == bool(ref.info["accepted"])
        seen.add(bool(out.info["accepted"]))
        assert out.cost == ghz_verify.verified_cost(3, d, 3, noise, restarts=False)
    # an honest attempt passes w.p. q^3 = 0.41 here (d = 16): both outcomes occur in 16 runs
    assert ghz_verify.honest_acceptance(3, d, 3, noise) == pytest.approx(0.41, abs=0.01)
    assert seen == {True, False}


def test_bad_noise_raises():
    with pytest.raises(TypeError, match="ccq.noise.Noise"):
        ghz_verify.copy_report("honest", 3, 2, noise=0.1)
    with pytest.raises(ValueError, match="amplitude_damping"):
        ghz_verify.copy_report("honest", 3, 2, noise=Noise(amplitude_damping=0.1))
    with pytest.raises(ValueError, match="amplitude_damping"):
        ghz_verify.verified_ghz_sum_vector(2, 3, Noise(amplitude_damping=0.1))
    with pytest.raises(ValueError, match="stored_rounds"):
        ghz_verify.honest_pass(3, 2, Noise(memory=0.1), stored_rounds=-1)
    with pytest.raises(ValueError, match="method must be one of"):
        ghz_verify.copy_report("honest", 3, 2, method="nope")
    with pytest.raises(ValueError, match="d\\*\\*N \\* e <= 256"):
        ghz_verify.copy_report("eavesdropper", 4, 4, method="density")
    with pytest.raises(ValueError, match="erasure must be < 1"):
        ghz_verify.verified_cost(3, 2, 4, Noise(erasure=1.0))
    with pytest.raises(ValueError, match="erasure must be < 1"):
        ghz_verify.verified_ghz_sum_vector(2, 3, Noise(erasure=1.0))
    with pytest.raises(ValueError, match="eta_h"):
        ghz_verify.corrupted_exact(4, 2, 0.5, 0.1, eta_h=1.5)
    with pytest.raises(ValueError, match="restarts"):
        ghz_verify.verified_cost(3, 2, 4, Noise(depolarizing=0.1), restarts=1)


def test_the_documented_honest_thresholds_at_the_verification_setting():
    """docs/secure_aggregation.md: at m = verification_copies(eps=1e-9, f=0.1) = 829 an honest
    batch passes w.p. 1/2 at depolarising p = 5.6e-4 (N=3, d=2), 2.1e-4 (N=8, d=2), 1.05e-4
    (N=8, d=1024); at p = 1e-3 the expected ebits grow 3.5x, 27x and 757x."""
    m = math.ceil(float(gb.verification_copies(eps=1e-9, f=0.1)))
    assert m == 829
    for (n, d), p_half, growth in [((3, 2), 5.6e-4, 3.5), ((8, 2), 2.1e-4, 27),
                                   ((8, 1024), 1.05e-4, 757)]:
        lo = ghz_verify.honest_acceptance(n, d, m, Noise(depolarizing=p_half * 0.99))
        hi = ghz_verify.honest_acceptance(n, d, m, Noise(depolarizing=p_half * 1.01))
        assert hi < 0.5 < lo
        ratio = (ghz_verify.verified_cost(n, d, m, Noise(depolarizing=1e-3)).ebits
                 / ghz_verify.verified_cost(n, d, m).ebits)
        assert ratio == pytest.approx(growth, rel=0.02)
