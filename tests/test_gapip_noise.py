"""GapIP under noise: exact reduced laws equal the density-matrix path; per-qubit bounds hold."""

import jax
import numpy as np
import pytest

import ccq
from ccq.noise import Noise
from ccq.protocols import _gapip_quantum as q
from ccq.protocols import gapip_noise as gn


def _pair(seed, P):
    rng = np.random.default_rng(seed)
    g, h = rng.normal(size=P), rng.normal(size=P)
    return g / np.linalg.norm(g), h / np.linalg.norm(h)


@pytest.mark.parametrize("P", [2, 4])
@pytest.mark.parametrize("M", [4, 5])
def test_global_depolarizing_ae_law_equals_density_path(P, M):
    g, h = _pair(P + M, P)
    c = float(g @ h)
    proto = ccq.gapip("ae", 0.1, budget=M, repetitions=1, noise=gn.GlobalDepolarizing(0.07))
    dens = gn.full_path_probabilities(proto, g, h)
    s = gn.survival(proto.noise, *gn.trial_structure(proto, P)[0])
    exact = s * q.ae_distribution(c, M) + (1 - s) / M
    np.testing.assert_allclose(dens, exact, atol=1e-6)
    # the test can fail: the noiseless law is far from the noisy one
    assert np.abs(dens - q.ae_distribution(c, M)).max() > 1e-2


@pytest.mark.parametrize("method", ["swap", "projective"])
def test_global_depolarizing_one_message_laws_equal_density_path(method):
    g, h = _pair(1, 4)
    c = float(g @ h)
    proto = ccq.gapip(method, 0.1, budget=5, noise=gn.GlobalDepolarizing(0.3))
    law = q.swap_acceptance if method == "swap" else q.projective_acceptance
    lo, hi = gn._acceptance_interval(proto, float(law(c)), 4)
    assert lo == hi
    assert abs(gn.full_path_probabilities(proto, g, h) - lo) < 1e-6


def test_global_depolarizing_mlae_law_equals_density_path():
    g, h = _pair(2, 4)
    c = float(g @ h)
    proto = ccq.gapip("mlae", 0.1, budget=4, noise=gn.GlobalDepolarizing(0.1))
    sched = q.mlae_schedule(4)
    s = np.array([0.9 ** (1 + 2 * m) for m in sched])
    exact = s * q.mlae_probabilities(c, sched) + (1 - s) / 8     # D = 2^(1 + 2)
    np.testing.assert_allclose(gn.full_path_probabilities(proto, g, h), exact, atol=1e-6)


NOISES = [Noise(depolarizing=0.05), Noise(dephasing=0.08), Noise(dephasing=0.02, memory=0.03),
          Noise(amplitude_damping=0.02), Noise(depolarizing=0.02, dephasing=0.01)]


@pytest.mark.parametrize("noise", NOISES)
@pytest.mark.parametrize("seed", [0, 1])
def test_per_qubit_error_bound_holds_on_exact_density_path(noise, seed):
    """error(c, P) for per-qubit noise is a rigorous upper bound: check it against the exact
    error computed from the density matrix, for AE (M = 4, r = 3) and projective (k = 9)."""
    from scipy import stats
    P = 4
    g, h = _pair(10 + seed, P)
    c = float(g @ h)
    sign = 1 if c > 0 else -1
    ae = ccq.gapip("ae", 0.1, budget=4, repetitions=3, noise=noise)
    law = gn.full_path_probabilities(ae, g, h)
    assert abs(law.sum() - 1) < 1e-9
    w = float(law[q.ae_decisions(4, 0.1) != sign].sum())
    exact_err = float(stats.binom.sf(1, 3, w))
    assert exact_err <= ae.error(c, P) + 1e-12
    pr = ccq.gapip("projective", 0.1, budget=9, noise=noise)
    a = gn.full_path_probabilities(pr, g, h)
    t = pr._threshold()
    exact_err = float(stats.binom.cdf(t - 1, 9, a) if c > 0 else stats.binom.sf(t - 1, 9, a))
    assert exact_err <= pr.error(c, P) + 1e-12
    # and the noise does act: the exact noisy law differs from the ideal one
    assert abs(a - float(q.projective_acceptance(c))) > 1e-5


def test_per_qubit_noise_refuses_reduced_sampling_and_full_path_samples():
    g, h = _pair(3, 4)
    proto = ccq.gapip("ae", 0.1, budget=4, noise=Noise(dephasing=0.01))
    with pytest.raises(ValueError, match="no exact law"):
        proto(jax.random.key(0), g, h)
    full = ccq.gapip("ae", 0.1, budget=4, noise=Noise(dephasing=0.01), path="full")
    assert int(full(jax.random.key(0), g, h).answer) in (-1, 1)


def test_erasure_costs_count_resends_and_restarts():
    ae = ccq.gapip("ae", 0.1, budget=4, repetitions=1, noise=Noise(erasure=0.01))
    (qb, R, _), = gn.trial_structure(ae, 4)
    sends = ccq.noise.expected_messages_with_restarts(0.01, qb, R)
    assert ae.cost(4).qubits == pytest.approx(qb * sends)
    assert ae.cost(4).qubits > ccq.gapip("ae", 0.1, budget=4, repetitions=1).cost(4).qubits
    sw = ccq.gapip("swap", 0.1, budget=10, noise=Noise(erasure=0.1))
    assert sw.cost(4).qubits == pytest.approx(10 * 3 / 0.9**3)
    # erasure alone leaves the law ideal (heralded, resent)
    assert sw.error(0.1, 4) == ccq.gapip("swap", 0.1, budget=10).error(0.1, 4)


def test_noisy_optimum_meets_delta_and_costs_more():
    noise = gn.GlobalDepolarizing(1e-3)
    opt = ccq.gapip("projective", 0.1, budget="optimal", noise=noise, P=2**20)
    assert max(opt.error(0.1, 2**20), opt.error(-0.1, 2**20)) <= 0.05
    ideal = ccq.gapip("projective", 0.1, budget="optimal")
    assert opt.budget >= ideal.budget
    # one copy fewer fails (the optimum is minimal in k for its best threshold)
    worse = ccq.gapip("projective", 0.1, budget=opt.budget, threshold=opt.threshold, noise=noise)
    assert worse.error(0.1, 2**20) == pytest.approx(opt.error(0.1, 2**20))
    with pytest.raises(ValueError, match="no budget decides"):
        ccq.gapip("projective", 0.1, budget="optimal", noise=gn.GlobalDepolarizing(1.0))


def test_noisy_ae_optimum_uses_more_runs():
    noise = Noise(dephasing=1e-4)
    opt = ccq.gapip("ae", 0.1, budget="optimal", noise=noise, P=2**10)
    assert opt.optimum.error <= 0.05
    assert opt.repetitions >= ccq.gapip("ae", 0.1, budget="optimal", P=2**10).repetitions
    assert max(opt.error(c, 2**10) for c in (0.1, -0.1, 0.5, -0.5)) <= 0.05


def test_bad_noise_rejected():
    with pytest.raises(ValueError, match="noise must be"):
        ccq.gapip("ae", 0.1, noise=0.1)
    with pytest.raises(ValueError, match="quantum methods"):
        ccq.gapip("simhash", 0.1, noise=Noise(dephasing=0.1))
