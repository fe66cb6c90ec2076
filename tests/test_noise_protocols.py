"""Common noise (ccq.noise.Noise) in the superdense, GHZ sum, GHZ key and distributed-model
protocols: exact laws == density-matrix simulation == trajectory averages; costs count resends."""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from ccq.noise import Noise, expected_messages_with_restarts, expected_sends
from ccq.protocols import _ghz_copies, _noise_laws, ghz, ghz_key, ghz_key_plan, qmodel
from ccq.protocols import superdense as sd
from ccq.sim import CNOT, I2, X, Z, apply_unitary_dm, bell_state, density_matrix, rx

NOISES = [
    Noise(depolarizing=0.2),
    Noise(dephasing=0.15),
    Noise(amplitude_damping=0.3),
    Noise(memory=0.1),
    Noise(depolarizing=0.1, dephasing=0.05, amplitude_damping=0.2, memory=0.03),
]


# ---------------------------------------------------------------- superdense


@pytest.mark.parametrize("noise", NOISES)
@pytest.mark.parametrize("fidelity,depol", [(1.0, 0.0), (0.85, 0.1)])
def test_superdense_law_equals_density_simulation(noise, fidelity, depol):
    sim = sd.superdense_channel(fidelity, depol, noise)
    law = sd.channel_closed_form(fidelity, depol, noise)
    np.testing.assert_allclose(sim, law, atol=2e-6)


def test_superdense_law_is_not_the_werner_law():
    # amplitude damping and dephasing give non-symmetric errors: a formula for F_eff alone fails
    q = sd.symbol_error_distribution(1.0, noise=Noise(dephasing=0.1))
    assert q[1] == 0 and q[3] == 0 and abs(q[2] - 0.1) < 1e-12
    q = sd.symbol_error_distribution(1.0, noise=Noise(amplitude_damping=0.5))
    assert q[1] == q[3] and q[2] < q[1]


@pytest.mark.parametrize("noise", [NOISES[2], NOISES[4]])
def test_superdense_trajectories_match_density(noise):
    draws = 20_000
    traj = sd.superdense_trajectory_channel(jax.random.key(3), 0.9, 0.0, noise, draws)
    exact = sd.superdense_channel(0.9, 0.0, noise)
    # each entry is a mean of `draws` indicators: 6 sigma of a Bernoulli mean
    assert np.abs(traj - exact).max() < 6 * math.sqrt(0.25 / draws)


def test_superdense_sampled_errors_follow_the_law():
    noise = Noise(dephasing=0.2, amplitude_damping=0.3)
    n = 200_000
    sent = jnp.zeros(n, jnp.uint8)
    got = np.asarray(sd.transmit_symbols(jax.random.key(1), sent, 1.0, 0.0, noise))
    freq = np.bincount(got, minlength=4) / n
    law = sd.symbol_error_distribution(1.0, noise=noise)
    assert np.abs(freq - law).max() < 6 * math.sqrt(0.25 / n)


def test_superdense_legacy_parameters_unchanged():
    # the Werner / depolarizing path draws exactly what it drew before noise= existed
    s = jnp.arange(4, dtype=jnp.uint8).repeat(100)
    a = sd.transmit_symbols(jax.random.key(2), s, 0.8, 0.1)
    b = sd.transmit_symbols(jax.random.key(2), s, 0.8, 0.1, Noise())
    assert np.array_equal(np.asarray(a), np.asarray(b))
    # the legacy depolarizing argument and Noise(depolarizing) are the same channel
    np.testing.assert_allclose(sd.channel_closed_form(0.9, 0.2),
                               sd.channel_closed_form(0.9, 0.0, Noise(depolarizing=0.2)),
                               atol=1e-12)


def test_superdense_erasure_costs_resends():
    out = sd.superdense(noise=Noise(erasure=0.2))(jax.random.key(0), jnp.ones(8, jnp.int32))
    assert out.answer.tolist() == [1] * 8          # heralded: resent until it arrives
    assert out.cost.qubits == pytest.approx(4 * expected_sends(0.2, 1))
    assert out.cost.ebits == out.cost.qubits
    # E[max of 4 geometrics] by simulation of the resend process
    rng = np.random.default_rng(0)
    rounds = rng.geometric(0.8, size=(200_000, 4)).max(axis=1)
    assert abs(rounds.mean() - out.cost.rounds) < 6 * rounds.std() / math.sqrt(len(rounds))
    assert sd.bits_per_qubit(noise=Noise(erasure=0.25)) == pytest.approx(1.5)


def test_superdense_rejects_bad_noise():
    with pytest.raises(TypeError, match="Noise"):
        sd.superdense(noise=0.1)
    with pytest.raises(ValueError, match="erasure"):
        sd.superdense(noise=Noise(erasure=1.0))


def _pair(q):
    paulis = [I2, X, Z, Z @ X]
    bell = np.asarray(density_matrix(bell_state()))
    return sum(qi * np.kron(p, np.eye(2)) @ bell @ np.kron(p, np.eye(2)).conj().T
               for qi, p in zip(q, paulis, strict=True))


@pytest.mark.parametrize("law", [_noise_laws.werner_law(0.8), [0.7, 0.1, 0.15, 0.05],
                                 [0.6, 0.0, 0.4, 0.0]])
def test_dejmps_equals_four_qubit_circuit(law):
    rho = jnp.asarray(np.kron(_pair(law), _pair(law)))        # qubits a1 b1 a2 b2
    for q, ang in [(0, np.pi / 2), (2, np.pi / 2), (1, -np.pi / 2), (3, -np.pi / 2)]:
        rho = apply_unitary_dm(rho, rx(ang), [q])
    rho = apply_unitary_dm(apply_unitary_dm(rho, CNOT, [0, 2]), CNOT, [1, 3])
    r = np.asarray(rho).reshape([2] * 8)
    keep = (r[:, :, 0, 0, :, :, 0, 0] + r[:, :, 1, 1, :, :, 1, 1]).reshape(4, 4)
    ok = np.trace(keep).real
    keep = keep / ok
    paulis = [I2, X, Z, Z @ X]
    bell = np.asarray(density_matrix(bell_state()))
    got = [np.real(np.trace(np.kron(p, np.eye(2)) @ bell @ np.kron(p, np.eye(2)).conj().T
                            @ keep)) for p in paulis]
    want, want_ok = _noise_laws.dejmps(law)
    np.testing.assert_allclose(got, want, atol=1e-5)
    assert abs(ok - want_ok) < 1e-5


def test_purification_raises_fidelity_at_an_ebit_cost():
    r0 = _noise_laws.purify(_noise_laws.werner_law(0.75), 0)
    r3 = _noise_laws.purify(_noise_laws.werner_law(0.75), 3)
    assert r0["ebits_per_pair"] == 1 and r3["law"][0] > 0.95 and r3["ebits_per_pair"] > 8


# ---------------------------------------------------------------- GHZ secure sum

GHZ_NOISES = [Noise(depolarizing=0.2), Noise(dephasing=0.3), Noise(memory=0.1),
              Noise(depolarizing=0.1, dephasing=0.2, memory=0.05)]


@pytest.mark.parametrize("noise", GHZ_NOISES)
@pytest.mark.parametrize("x,d", [([1, 0, 1], 2), ([1, 2], 3), ([3, 1], 4)])
def test_ghz_sum_law_equals_density_simulation(noise, x, d):
    exact = ghz.announcement_distribution(x, d, noise)
    dens = ghz.statevector_distribution(x, d, noise)
    np.testing.assert_allclose(dens, exact, atol=1e-10)
    assert abs(exact.sum() - 1) < 1e-12


def test_ghz_sum_noise_at_d2_is_the_qubit_channel():
    # at d = 2 the qudit channels are the qubit ones: dephasing(p) on one of two shares of
    # (|00> + |11>)/sqrt 2 flips the X-parity w.p. p; depolarizing(p) w.p. p/2
    law = _noise_laws.ghz_sum_error_law(Noise(dephasing=0.1), 2, 2, stored_rounds=0)
    np.testing.assert_allclose(law, [1 - (2 * 0.1 * 0.9), 2 * 0.1 * 0.9])
    law = _noise_laws.ghz_sum_error_law(Noise(depolarizing=0.2), 1 + 1, 2, stored_rounds=0)
    q = 0.2 / 2
    np.testing.assert_allclose(law, [(1 - q) ** 2 + q**2, 2 * q * (1 - q)])


@pytest.mark.parametrize("method", ["structured", "statevector"])
def test_ghz_sum_samples_follow_the_exact_law(method):
    noise = Noise(depolarizing=0.15, dephasing=0.1)
    d, n, p = 3, 3, 60_000
    x = jnp.asarray(np.tile([[1], [2], [2]], (1, p)), jnp.int32)
    m, total = ghz._announce(jax.random.key(0), x, d, method, noise)
    err = (np.asarray(total) - 5) % d
    freq = np.bincount(err, minlength=d) / p
    law = _noise_laws.ghz_sum_error_law(noise, n, d)
    assert np.abs(freq - law).max() < 6 * math.sqrt(0.25 / p)
    # the joint announcements: histogram of the first coordinate's table against the exact one
    joint = np.zeros((d,) * n)
    np.add.at(joint, tuple(np.asarray(m)), 1.0 / p)
    exact = ghz.announcement_distribution([1, 2, 2], d, noise)
    assert 0.5 * np.abs(joint - exact).sum() < 0.02


def test_ghz_sum_noise_costs_and_rejections():
    f = ghz.ghz_sum(4, noise=Noise(erasure=0.1))
    out = f(jax.random.key(0), jnp.array([1, 2, 3]))
    assert int(out.answer) == 2                                   # heralded: no error
    assert out.cost.ebits == pytest.approx(2 * 2 * expected_sends(0.1, 3 * 2))
    assert ghz.distribution_qubits(3, 4, Noise(erasure=0.1)) == pytest.approx(
        6 * expected_sends(0.1, 6))
    with pytest.raises(ValueError, match="amplitude_damping"):
        ghz.ghz_sum(4, noise=Noise(amplitude_damping=0.1))
    with pytest.raises(TypeError, match="Noise"):
        ghz.ghz_sum_vector(2, 3, noise=0.1)
    # the noiseless default is bit-for-bit the old sampler
    x = jnp.array([[3, 0, 1], [3, 2, 0], [1, 3, 3]])
    a = ghz.ghz_sum_vector(2, 3)(jax.random.key(1), x)
    b = ghz.ghz_sum_vector(2, 3, noise=Noise())(jax.random.key(1), x)
    assert np.array_equal(a.info["announcements"], b.info["announcements"])


# ---------------------------------------------------------------- GHZ key


@pytest.mark.parametrize("noise", [Noise(depolarizing=0.2), Noise(dephasing=0.25, memory=0.05),
                                   Noise(depolarizing=0.1, dephasing=0.1)])
@pytest.mark.parametrize("basis", ["z", "fourier"])
@pytest.mark.parametrize("attacked,attack", [(False, "none"), (True, "intercept_resend")])
def test_ghz_key_copies_density_equals_structured(noise, basis, attacked, attack):
    comps = tuple(_noise_laws.ghz_components(noise))
    for n, d in [(2, 3), (3, 2)]:
        dens = _ghz_copies.statevector_table(n, d, basis, attacked, attack, comps)
        struct = _ghz_copies.structured_table(n, d, basis, attacked, attack, comps)
        np.testing.assert_allclose(dens, struct, atol=1e-10)


@pytest.mark.parametrize("noise", [Noise(depolarizing=0.2), Noise(dephasing=0.3),
                                   Noise(depolarizing=0.1, memory=0.1), 0.15])
def test_ghz_key_error_rates_equal_the_exact_tables(noise):
    for n, d in [(3, 2), (2, 3), (2, 5)]:
        legacy, comps = ghz_key._components(noise, d)
        arg = comps if comps is not None else legacy
        z = _ghz_copies.structured_table(n, d, "z", False, "none", arg)
        f = _ghz_copies.structured_table(n, d, "fourier", False, "none", arg)
        idx = np.indices((d,) * n)
        q_z = 1 - z[np.all(idx == idx[:1], axis=0)].sum()
        q_x = 1 - f[idx.sum(axis=0) % d == 0].sum()
        np.testing.assert_allclose(ghz_key.error_rates(noise, n, d), [q_z, q_x], atol=1e-12)


def test_ghz_key_noise_object_maps_onto_the_legacy_scalar():
    # qudit depolarising p is the legacy scalar p (d^2 - 1) / d^2: same exact tables
    d, n, p = 3, 2, 0.2
    comps = tuple(_noise_laws.ghz_components(Noise(depolarizing=p)))
    for basis in ("z", "fourier"):
        np.testing.assert_allclose(
            _ghz_copies.structured_table(n, d, basis, False, "none", comps),
            _ghz_copies.structured_table(n, d, basis, False, "none", p * (d * d - 1) / d**2),
            atol=1e-12)


def test_ghz_key_runs_with_noise_and_counts_redistributions():
    gen = ghz_key.ghz_key_generate(2, 3, 20_000, n_test=4000, q_tol=0.1, eps=1e-3,
                                   eps_cor=1e-3)
    noise = Noise(depolarizing=0.02)
    out = gen(jax.random.key(0), noise=noise)
    q_z, _ = ghz_key.error_rates(noise, 3, 2)
    assert abs(out["q_test"] - q_z) < 6 * math.sqrt(q_z / 4000)
    assert out["accepted"] and not np.any(out["keys"].sum(axis=0) % 2)
    f = ghz_key.ghz_key_sum(2, 3, 20_000, n_test=4000, q_tol=0.1, eps=1e-3, eps_cor=1e-3)
    res = f(jax.random.key(0), jnp.ones((3, 4), jnp.int32), noise=Noise(erasure=0.1))
    assert res.cost.qubits == pytest.approx(20_000 * 3 * expected_sends(0.1, 3))
    with pytest.raises(ValueError, match="amplitude_damping"):
        gen(jax.random.key(0), noise=Noise(amplitude_damping=0.1))


def test_ghz_key_plan_takes_noise():
    legacy = ghz_key_plan.plan(2, 3, 2**12, eps=1e-6, noise=0.0075)
    common = ghz_key_plan.plan(2, 3, 2**12, eps=1e-6, noise=Noise(depolarizing=0.01))
    assert legacy["copies"] == common["copies"]
    lossy = ghz_key_plan.plan(2, 3, 2**12, eps=1e-6, noise=Noise(erasure=0.05))
    clean = ghz_key_plan.plan(2, 3, 2**12, eps=1e-6)
    assert lossy["qubits"] == pytest.approx(clean["qubits"] * expected_sends(0.05, 3))


# ---------------------------------------------------------------- distributed quantum model


def _branch_sum(model, params, x, kraus):
    """Sum over every Kraus branch of every qubit of every message (pure states, exact)."""
    from ccq.sim import apply_gate
    n = model.n_qubits
    states = [(1.0, qmodel._encode(model, x))]
    here = qmodel.ALICE
    owners = [o for o, _, _ in qmodel.forward_ops(model, params, x)] + [qmodel.ALICE]
    fns = [f for _, _, f in qmodel.forward_ops(model, params, x)] + [None]
    for owner, fn in zip(owners, fns, strict=True):
        if owner != here:                       # a message: branch on every qubit
            for q in range(n):
                new = []
                for w, s in states:
                    for k in kraus:
                        t = apply_gate(s, jnp.asarray(k, s.dtype), [q])
                        nrm = float(jnp.vdot(t, t).real)
                        if nrm > 1e-15:
                            new.append((w * nrm, t / math.sqrt(nrm)))
                states = new
            here = owner
        if fn is not None:
            states = [(w, fn(s)) for w, s in states]
    return sum(w * float(jnp.vdot(s, qmodel._apply_observable(s, model.observable)).real)
               for w, s in states)


@pytest.mark.parametrize("noise", [Noise(dephasing=0.2), Noise(amplitude_damping=0.3),
                                   Noise(depolarizing=0.3)])
def test_qmodel_density_path_equals_branch_enumeration(noise):
    model = qmodel.DistributedModel(2, 1)
    params = qmodel.init_params(jax.random.key(0), model)
    x = jnp.array([0.3, -1.0, 2.0, 0.5])
    dens = float(qmodel.noisy_expectation(model, params, x, noise))
    exact = _branch_sum(model, params, x, noise.transmission_kraus()[0])
    assert abs(dens - exact) < 1e-5
    assert abs(dens - float(qmodel.expectation(model, params, x))) > 1e-3   # noise matters


def test_qmodel_trajectories_match_density():
    model = qmodel.DistributedModel(3, 2)
    params = qmodel.init_params(jax.random.key(1), model)
    x = jnp.arange(1.0, 9.0)
    noise = Noise(depolarizing=0.05, dephasing=0.05, amplitude_damping=0.05, memory=0.02)
    dens = float(qmodel.noisy_expectation(model, params, x, noise))
    draws = 4000
    traj = float(qmodel.noisy_expectation_trajectories(jax.random.key(2), model, params, x,
                                                       noise, draws))
    assert abs(traj - dens) < 6 / math.sqrt(draws)          # each draw lies in [-1, 1]


def test_qmodel_inference_with_noise_and_restarts():
    model = qmodel.DistributedModel(2, 2)
    params = qmodel.init_params(jax.random.key(0), model)
    x = jnp.array([1.0, 2.0, 3.0, 4.0])
    noise = Noise(depolarizing=0.1, erasure=0.05)
    out = qmodel.inference(model, 200_000, noise)(jax.random.key(3), params, x)
    assert abs(float(out.answer) - float(out.info["noisy"])) < 6 / math.sqrt(200_000)
    msgs = expected_messages_with_restarts(0.05, 2, 4)
    assert out.cost.qubits == pytest.approx(200_000 * 2 * msgs)
    assert out.cost.rounds == pytest.approx(msgs)
    with pytest.raises(ValueError, match="n_qubits"):
        qmodel.noisy_expectation(qmodel.DistributedModel(9, 1), None, jnp.ones(4),
                                 Noise(dephasing=0.1))


# ---------------------------------------------------------------- ring superdense link


def test_ring_superdense_link_with_common_noise():
    from ccq.collectives import ring_allreduce, superdense_link
    noise = Noise(dephasing=0.05, amplitude_damping=0.1)
    link = superdense_link(bits=8, noise=noise)
    assert link.noisy and not superdense_link(bits=8, noise=Noise()).noisy

    def one(v, k):
        out = ring_allreduce(v, "w", link, key=k, return_outcome=True)
        return out.info["symbol_errors"][0]

    n, length = 2, 4000
    x = jax.random.normal(jax.random.key(1), (n, length))
    errors = jax.jit(jax.vmap(one, in_axes=(0, None), axis_name="w"))(x, jax.random.key(2))
    received = 2 * (n - 1) * (length // n) * 4
    band = math.sqrt(math.log(2 / 1e-9) / (2 * received))
    want = 1 - sd.symbol_error_distribution(1.0, noise=noise)[0]
    assert np.abs(np.asarray(errors) / received - want).max() < band
    lossy = superdense_link(bits=8, noise=Noise(erasure=0.2)).cost(4, 100)
    clean = superdense_link(bits=8).cost(4, 100)
    assert lossy.per_link.qubits == pytest.approx(clean.per_link.qubits / 0.8)
    assert lossy.per_link.rounds > clean.per_link.rounds


# ---------------------------------------------------------------- the thresholds are edges


def test_experiment_thresholds_are_edges():
    from experiments import noise_superdense_ghz as exp
    r = exp.run(None, exp.Config("superdense", "amplitude_damping", 0.0, find_threshold=True))
    p = r["p_star_law"]
    assert abs(p - r["p_star_sim"]) < 1e-6
    assert sd.bits_per_qubit(noise=Noise(amplitude_damping=p * 0.999)) > 1
    assert sd.bits_per_qubit(noise=Noise(amplitude_damping=min(1, p * 1.001))) < 1
    k = exp.run(None, exp.Config("ghz_key", "depolarizing", n_parties=3, log2_P=20))
    plan = lambda q: ghz_key_plan.plan(2, 3, 2**20, eps=exp.EPS,  # noqa: E731
                                       noise=Noise(depolarizing=q))["copies"]
    assert math.isfinite(plan(k["p_star_finite"])) and not math.isfinite(
        plan(k["p_star_finite"] * 1.01))
    assert k["p_star_finite"] < k["p_star_asymptotic"]
    s = exp.run(None, exp.Config("ghz_sum", "dephasing", n_parties=8, log2_P=20))
    law = lambda q: _noise_laws.ghz_sum_error_law(Noise(dephasing=q), 8, int(s["d"]))[0]  # noqa: E731
    assert law(s["p_star"]) ** 2**20 >= 0.95 > law(s["p_star"] * 1.01) ** 2**20


def test_ghz_key_statevector_path_takes_noise():
    noise = Noise(depolarizing=0.1, dephasing=0.05)
    basis = jnp.asarray(np.arange(40_000) % 2 == 0)
    attacked = jnp.zeros(40_000, bool)
    comps = tuple(_noise_laws.ghz_components(noise))
    q_z, q_x = ghz_key.error_rates(noise, 3, 2)
    for method in ("statevector", "structured"):
        out = np.asarray(_ghz_copies.sample(jax.random.key(5), 3, 2, basis, attacked, "none",
                                            comps, method))
        z, f = out[~np.asarray(basis)], out[np.asarray(basis)]
        band = 6 * math.sqrt(0.25 / 20_000)
        assert abs(np.mean(np.any(z != z[:, :1], axis=1)) - q_z) < band
        assert abs(np.mean(f.sum(axis=1) % 2 != 0) - q_x) < band
