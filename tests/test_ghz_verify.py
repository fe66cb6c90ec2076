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
