"""TieAudit under noise: exact vote laws equal the density matrix; bounds hold; samplers agree."""

import math

import jax
import numpy as np
import pytest

import ccq
from ccq.noise import Noise
from ccq.protocols import tieaudit_noise as tn
from ccq.protocols.gapip_noise import GlobalDepolarizing


def _instance(seed, P):
    rng = np.random.default_rng(seed)
    perm = rng.permutation(P)
    matching = perm.reshape(-1, 2).astype(np.int32)
    x = rng.choice([-1, 1], size=P)
    w = rng.choice([-1, 1], size=P // 2)
    return x, matching, w


def _exact_law(x, matching, w, noise):
    """The module's exact vote law with this instance's own edge weights."""
    P, m = len(x), len(w)
    law = tn.copy_law(noise, ccq.sim.num_qubits(P))
    agree = (x[matching[:, 0]] * x[matching[:, 1]] == w)
    f = tn.flip_probability(law.q_z, tn.edge_weights(matching))
    fa = float(f[agree].mean()) if agree.any() else 0.0
    fd = float(f[~agree].mean()) if (~agree).any() else 0.0
    return tn.vote_probabilities(law, P=P, m=m, agreeing=int(agree.sum()), flip_agree=fa,
                                 flip_disagree=fd, consistent=True)


@pytest.mark.parametrize("noise", [Noise(dephasing=0.13), Noise(dephasing=0.4),
                                   GlobalDepolarizing(0.3)])
@pytest.mark.parametrize("P", [8, 16])
def test_exact_vote_law_equals_density_path(noise, P):
    x, matching, w = _instance(P, P)
    dens = tn.density_vote_law(x, matching, w, noise)
    exact = _exact_law(x, matching, w, noise)
    np.testing.assert_allclose(dens, exact, atol=1e-6)
    # the test can fail: the ideal law differs
    ideal = tn.density_vote_law(x, matching, w, Noise())
    assert max(abs(a - b) for a, b in zip(dens, ideal, strict=True)) > 1e-3


@pytest.mark.parametrize("noise", [Noise(depolarizing=0.1), Noise(amplitude_damping=0.05),
                                   Noise(depolarizing=0.05, dephasing=0.05)])
def test_bounded_vote_law_contains_density_path(noise):
    x, matching, w = _instance(5, 16)
    plus, minus = tn.density_vote_law(x, matching, w, noise)
    for consistent in (True, False):
        P, m = 16, 8
        law = tn.copy_law(noise, 4)
        agree = (x[matching[:, 0]] * x[matching[:, 1]] == w)
        f = tn.flip_probability(law.q_z, tn.edge_weights(matching))
        fa = float(f[agree].mean()) if agree.any() else 0.0
        fd = float(f[~agree].mean()) if (~agree).any() else 0.0
        bp, bm = tn.vote_probabilities(law, P=P, m=m, agreeing=int(agree.sum()), flip_agree=fa,
                                       flip_disagree=fd, consistent=consistent)
        if consistent:       # the bound puts the unknown mass on -1
            assert plus >= bp - 1e-9 and minus <= bm + 1e-9
        else:
            assert minus >= bm - 1e-9 and plus <= bp + 1e-9


def test_worst_matching_bound_covers_every_weight():
    for noise in (Noise(dephasing=0.01), Noise(depolarizing=0.01)):
        worst = tn.worst_case_error(200, P=2**10, m=2**9, eps=0.1, noise=noise)
        for wgt in (1, 5, 10):
            assert tn.worst_case_error(200, P=2**10, m=2**9, eps=0.1, noise=noise,
                                       weights=wgt) <= worst + 1e-12


def _hoeffding(K, failure=1e-9):
    return math.sqrt(2 * math.log(2 / failure) / K)


@pytest.mark.parametrize("simulator", ["sampler", "statevector"])
@pytest.mark.parametrize("noise", [Noise(dephasing=0.3), GlobalDepolarizing(0.5)])
def test_samplers_follow_the_exact_law(simulator, noise):
    """The statistic sum of K votes has mean K (p+ - p-): both samplers, one run of K copies."""
    x, matching, w = _instance(7, 16)
    K = 50_000
    fn = ccq.tieaudit("quantum", eps=0.1, budget=K, noise=noise, simulator=simulator)
    out = fn(jax.random.key(1), x, matching, w)
    plus, minus = _exact_law(x, matching, w, noise)
    band = 2 * _hoeffding(K)       # each vote in [-1, 1]: range 2
    assert abs(float(out.info["statistic"]) / K - (plus - minus)) < band
    ideal_plus, ideal_minus = _exact_law(x, matching, w, None)
    assert abs((ideal_plus - ideal_minus) - (plus - minus)) > 2 * band   # can fail


def test_trajectories_follow_the_density_law_for_depolarizing():
    x, matching, w = _instance(9, 16)
    noise = Noise(depolarizing=0.6)
    K = 20_000
    out = ccq.tieaudit("quantum", eps=0.1, budget=K, noise=noise, simulator="statevector")(
        jax.random.key(2), x, matching, w)
    plus, minus = tn.density_vote_law(x, matching, w, noise)
    assert abs(float(out.info["statistic"]) / K - (plus - minus)) < 2 * _hoeffding(K)
    with pytest.raises(ValueError, match="no exact sampler"):
        ccq.tieaudit("quantum", eps=0.1, budget=5, noise=noise)(jax.random.key(2), x, matching, w)


def test_noisy_optimal_budget_and_erasure_cost():
    from ccq.protocols.tieaudit_instances import instance
    x, M, w = instance(jax.random.key(0), 64, 0.25, consistent=True)
    noise = Noise(dephasing=0.01, erasure=0.1)
    out = ccq.tieaudit("quantum", eps=0.25, budget="optimal", noise=noise)(jax.random.key(1),
                                                                           x, M, w)
    K = tn.minimal_budget(eps=0.25, delta=0.05, P=64, m=32, noise=noise)
    assert tn.worst_case_error(K, P=64, m=32, eps=0.25, noise=noise) <= 0.05
    assert tn.worst_case_error(K - 1, P=64, m=32, eps=0.25, noise=noise) > 0.05
    assert out.cost.qubits == pytest.approx(K * 6 / 0.9**6)
    with pytest.raises(ValueError, match="no budget decides"):
        tn.minimal_budget(eps=0.1, delta=0.05, P=64, m=32, noise=Noise(dephasing=0.5))
    with pytest.raises(ValueError, match="quantum"):
        ccq.tieaudit("birthday", eps=0.1, noise=noise)
