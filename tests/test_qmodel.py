"""Distributed quantum model: dense reference, gradients vs autodiff, costs vs counted messages."""

import math

import jax
import jax.flatten_util
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccq.bounds import qmodel as qb
from ccq.noise import Noise
from ccq.protocols import qmodel as qm

PAULI = {"I": np.eye(2), "X": np.array([[0, 1], [1, 0]]), "Y": np.array([[0, -1j], [1j, 0]]),
         "Z": np.diag([1.0, -1.0])}


# ---------------------------------------------------------------- dense numpy reference


def _op_on(n, q, g):
    mats = [np.eye(2)] * n
    mats[q] = g
    out = np.eye(1)
    for m in mats:
        out = np.kron(out, m)
    return out


def _cnot(n, c, t):
    dim = 2**n
    u = np.zeros((dim, dim))
    for i in range(dim):
        bits = [(i >> (n - 1 - q)) & 1 for q in range(n)]
        if bits[c]:
            bits[t] ^= 1
        j = sum(b << (n - 1 - q) for q, b in enumerate(bits))
        u[j, i] = 1
    return u


def _ry(t):
    return np.array([[np.cos(t / 2), -np.sin(t / 2)], [np.sin(t / 2), np.cos(t / 2)]])


def _rz(t):
    return np.diag([np.exp(-0.5j * t), np.exp(0.5j * t)])


def _hea_dense(theta, n):
    u = np.eye(2**n, dtype=complex)
    for q in range(n):
        u = _op_on(n, q, _rz(theta[q, 1]) @ _ry(theta[q, 0])) @ u
    for q in range(n - 1):
        u = _cnot(n, q, q + 1) @ u
    return u


def _layers_dense(model, params, x):
    """Dense unitaries of the forward pass, in order, with their owners."""
    n, out = model.n_qubits, []
    xp = np.zeros(model.dim)
    xp[: len(x)] = x
    for layer in range(model.layers):
        if model.reupload:
            out.append(("alice", np.diag(np.exp(1j * np.pi * xp))))
        out.append(("alice", _hea_dense(np.asarray(params["alice"][layer], float), n)))
        out.append(("bob", np.diag(np.exp(1j * np.asarray(params["w"][layer], float)))))
        out.append(("bob", _hea_dense(np.asarray(params["bob"][layer], float), n)))
    return out


def _observable_dense(obs):
    out = np.eye(1)
    for c in obs:
        out = np.kron(out, PAULI[c])
    return out


def _dense_state(model, params, x):
    psi = np.zeros(model.dim, complex)
    psi[: len(x)] = x
    psi /= np.linalg.norm(psi)
    for _, u in _layers_dense(model, params, x):
        psi = u @ psi
    return psi


def _model_and_input(seed, n=None, layers=None, reupload=None):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 5)) if n is None else n
    layers = int(rng.integers(1, 4)) if layers is None else layers
    reupload = bool(rng.integers(2)) if reupload is None else reupload
    obs = "".join(rng.choice(list("IXYZ"), n))
    if set(obs) == {"I"}:
        obs = "Z" + obs[1:]
    model = qm.DistributedModel(n, layers, obs, reupload)
    params = qm.init_params(jax.random.key(seed), model)
    x = rng.normal(size=int(rng.integers(1, 2**n + 1)))
    return model, params, x


@pytest.mark.parametrize("seed", range(6))
def test_forward_pass_matches_dense_reference(seed):
    model, params, x = _model_and_input(seed)
    ref = _dense_state(model, params, x)
    ours = np.asarray(qm.state(model, params, jnp.asarray(x, jnp.float32)))
    np.testing.assert_allclose(ours, ref, atol=2e-5)
    f_ref = float(np.real(ref.conj() @ _observable_dense(model.observable) @ ref))
    assert abs(float(qm.expectation(model, params, jnp.asarray(x, jnp.float32))) - f_ref) < 2e-5


def test_forward_is_jittable_and_vmaps_over_inputs():
    model = qm.DistributedModel(4, 2, reupload=True)
    params = qm.init_params(jax.random.key(3), model)
    xs = jax.random.normal(jax.random.key(4), (7, 16))
    batched = jax.jit(jax.vmap(lambda x: qm.expectation(model, params, x)))(xs)
    single = jnp.stack([qm.expectation(model, params, x) for x in xs])
    np.testing.assert_allclose(batched, single, atol=1e-5)


# ---------------------------------------------------------------- gradients


@pytest.mark.parametrize("seed", range(3))
def test_mass_distribution_gives_autodiff_gradient_exactly(seed):
    model, params, x = _model_and_input(seed + 20)
    x = jnp.asarray(x, jnp.float32)
    grad = jax.grad(lambda p: qm.expectation(model, p, x))(params)
    for layer in range(model.layers):
        p = qm.mass_gradient_distribution(model, params, x, layer)
        assert abs(float(p.sum()) - 1) < 1e-5
        assert float(p.min()) >= -1e-7
        np.testing.assert_allclose(2 * (p[0] - p[1]), grad["w"][layer], atol=5e-5)


def test_mass_distribution_matches_controlled_circuit():
    """The fast path (a and b computed separately) against the faithful n+1 qubit circuit."""
    model, params, x = _model_and_input(7, n=3, layers=2, reupload=True)
    ops = _layers_dense(model, params, x)
    psi = np.zeros(model.dim, complex)
    psi[: len(x)] = x
    psi /= np.linalg.norm(psi)
    for layer in range(model.layers):
        cut = [i for i, (o, u) in enumerate(ops) if o == "bob"][2 * layer]  # D(w_layer)
        a = psi.copy()
        for _, u in ops[: cut + 1]:
            a = u @ a
        v = np.eye(model.dim, dtype=complex)
        for _, u in ops[cut + 1:]:
            v = u @ v
        w = v.conj().T @ _observable_dense(model.observable) @ v
        d = model.dim
        ctrl = np.block([[np.eye(d), np.zeros((d, d))], [np.zeros((d, d)), w]])
        had = np.kron(np.array([[1, 1], [1, -1]]) / math.sqrt(2), np.eye(d))
        sdg = np.kron(np.diag([1, -1j]), np.eye(d))
        full = had @ sdg @ ctrl @ had @ np.kron([1, 0], a)
        probs = np.abs(full.reshape(2, d)) ** 2
        ours = qm.mass_gradient_distribution(model, params, jnp.asarray(x, jnp.float32), layer)
        np.testing.assert_allclose(np.asarray(ours), probs, atol=2e-6)


@pytest.mark.parametrize("select", ["all", "w"])
def test_paramshift_exact_equals_autodiff(select):
    model, params, x = _model_and_input(11, n=3, layers=2)
    x = jnp.asarray(x, jnp.float32)
    grad = jax.grad(lambda p: qm.expectation(model, p, x))(params)
    out = qm.paramshift_gradient(model, 10, select)(jax.random.key(0), params, x)
    for k in params:
        want = grad[k] if (select == "all" or k == "w") else jnp.zeros_like(grad[k])
        np.testing.assert_allclose(out.info["exact"][k], want, atol=5e-5)


def test_sampled_estimators_stay_inside_union_hoeffding_band():
    delta = 1e-6
    model, params, x = _model_and_input(12, n=4, layers=2)
    x = jnp.asarray(x, jnp.float32)
    copies = 4000
    for layer in range(2):
        out = qm.mass_gradient(model, copies, layer)(jax.random.key(layer), params, x)
        band = math.sqrt(8 * math.log(2 * model.dim / delta) / copies)   # qmodel.mass_copies
        assert float(jnp.max(jnp.abs(out.answer - out.info["exact"]))) <= band
    shots = 500
    ps = qm.paramshift_gradient(model, shots)(jax.random.key(5), params, x)
    P = qm.num_params(model)
    band = math.sqrt(2 * math.log(2 * P / delta) / shots)
    err = jax.tree_util.tree_map(lambda a, b: jnp.max(jnp.abs(a - b)), ps.answer,
                                 ps.info["exact"])
    assert max(float(e) for e in jax.tree_util.tree_leaves(err)) <= band


def test_inference_estimate_inside_hoeffding_band_and_unbiased():
    model, params, x = _model_and_input(13, n=3, layers=2)
    x = jnp.asarray(x, jnp.float32)
    shots, trials, delta = 200, 400, 1e-6
    fn = qm.inference(model, shots)
    outs = jax.vmap(lambda k: fn(k, params, x))(jax.random.split(jax.random.key(1), trials))
    exact = float(qm.expectation(model, params, x))
    assert np.allclose(outs.info["exact"], exact, atol=1e-6)
    band = math.sqrt(2 * math.log(2 / delta) / shots)
    assert float(jnp.max(jnp.abs(outs.answer - exact))) <= band
    # the mean of all trials * shots draws
    assert abs(float(outs.answer.mean()) - exact) <= band / math.sqrt(trials)
    assert abs(float(qm.outcome_probability(model, params, x)) - (1 + exact) / 2) < 1e-6


# ---------------------------------------------------------------- costs


@given(n=st.integers(1, 20), layers=st.integers(1, 12), shots=st.integers(1, 10**6),
       reupload=st.booleans())
def test_inference_cost_matches_bound_and_message_log(n, layers, shots, reupload):
    model = qm.DistributedModel(n, layers, reupload=reupload)
    cost = qm.inference_cost(model, shots)
    owners = [o for o, _, _ in qm.forward_ops(
        model, {"alice": np.zeros((layers, n, 2)), "bob": np.zeros((layers, n, 2)),
                "w": np.zeros((layers, 2**n))}, np.ones(1))]
    counted = qm.message_log(owners)
    assert len(counted) == 2 * layers
    assert all(a != b for a, b in counted)
    assert cost.qubits == shots * len(counted) * n
    assert cost.qubits == pytest.approx(shots * qb.inference_qubits(N=2**n, L=layers))
    assert cost.rounds == qb.inference_rounds(L=layers)


@given(n=st.integers(1, 16), layers=st.integers(1, 10), copies=st.integers(1, 10**5))
def test_gradient_costs_match_bounds(n, layers, copies):
    model = qm.DistributedModel(n, layers)
    per_layer = [qm.mass_messages(model, layer) for layer in range(layers)]
    assert per_layer == [4 * layers - 2 * (layer + 1) + 1 for layer in range(layers)]
    assert sum(per_layer) == qb.mass_messages_all_layers(L=layers)
    cost = qm.mass_gradient_cost(model, copies)
    assert cost.qubits == copies * (n + 1) * 3 * layers**2
    assert cost.rounds == max(per_layer)
    ps = qm.paramshift_cost(model, copies)
    assert ps.qubits == pytest.approx(
        2 * qm.num_params(model) * copies * qb.inference_qubits(N=2**n, L=layers))
    assert qm.classical_data_bits(model, 16) == qb.classical_data_bits(N=2**n, b=16)
    assert qm.classical_model_bits(model, 16) == pytest.approx(
        qb.classical_model_bits(N=2**n, L=layers, b=16))


def test_outcome_cost_survives_jit_and_vmap():
    model = qm.DistributedModel(3, 2)
    params = qm.init_params(jax.random.key(0), model)
    fn = qm.mass_gradient(model, 64, 1)
    out = jax.jit(jax.vmap(lambda k: fn(k, params, jnp.ones(8))))(
        jax.random.split(jax.random.key(1), 3))
    assert out.cost == qm.mass_gradient_cost(model, 64, [1])
    assert out.answer.shape == (3, 8)


def test_same_key_same_result():
    model = qm.DistributedModel(3, 1)
    params = qm.init_params(jax.random.key(0), model)
    fn = qm.paramshift_gradient(model, 32, "w")
    a = fn(jax.random.key(9), params, jnp.ones(8)).answer["w"]
    b = fn(jax.random.key(9), params, jnp.ones(8)).answer["w"]
    assert bool(jnp.all(a == b))


@pytest.mark.parametrize("kwargs, match", [
    (dict(n_qubits=0, layers=1), "n_qubits"),
    (dict(n_qubits=2, layers=0), "layers"),
    (dict(n_qubits=2, layers=1, observable="ZZZ"), "observable"),
    (dict(n_qubits=2, layers=1, observable="II"), "identity"),
    (dict(n_qubits=2, layers=1, observable="ZQ"), "observable"),
])
def test_bad_hyperparameters_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        qm.DistributedModel(**kwargs)


def test_bad_inputs_raise():
    model = qm.DistributedModel(2, 1)
    params = qm.init_params(jax.random.key(0), model)
    with pytest.raises(ValueError, match="x must"):
        qm.state(model, params, jnp.ones(5))
    with pytest.raises(ValueError, match="shots"):
        qm.inference(model, 0)
    with pytest.raises(ValueError, match="layer"):
        qm.mass_gradient(model, 10, 1)
    with pytest.raises(ValueError, match="select"):
        qm.paramshift_gradient(model, 10, "bob")
    with pytest.raises(TypeError, match="PRNG"):
        qm.inference(model, 10)(0, params, jnp.ones(4))


@pytest.mark.parametrize("n", [1, 2, 5])
def test_fused_hea_kernel_equals_gate_by_gate_apply_gate(n):
    theta = jax.random.normal(jax.random.key(n), (n, 2))
    s = jax.random.normal(jax.random.key(9), (2**n,)).astype(jnp.complex64)
    s = s / jnp.linalg.norm(s)
    out = qm._hea(s, theta, n)
    np.testing.assert_allclose(out, qm._hea_reference(s, theta, n), atol=1e-6)
    np.testing.assert_allclose(qm._hea_dag(out, theta, n), s, atol=1e-6)


def test_experiment_claims_tolerate_missing_results():
    from experiments import qmodel_linear, qmodel_scaling, qmodel_training

    for module in (qmodel_scaling, qmodel_linear, qmodel_training):
        rows = module.EXPERIMENT.claims([])
        assert rows and all(c.verdict == "not measured" for c in rows)


# ---------------------------------------------------------------- noisy gradients

MIXED = Noise(depolarizing=0.08, dephasing=0.05, amplitude_damping=0.1, memory=0.03)


def _kraus_np(noise):
    """Independent numpy Kraus sets in the order ccq applies them (memory last)."""
    out = []
    if noise.depolarizing:
        p = noise.depolarizing
        out.append([math.sqrt(1 - 3 * p / 4) * PAULI["I"]]
                   + [math.sqrt(p / 4) * PAULI[c] for c in "XYZ"])
    for p in (noise.dephasing,):
        if p:
            out.append([math.sqrt(1 - p) * PAULI["I"], math.sqrt(p) * PAULI["Z"]])
    if noise.amplitude_damping:
        g = noise.amplitude_damping
        out.append([np.array([[1, 0], [0, math.sqrt(1 - g)]]),
                    np.array([[0, math.sqrt(g)], [0, 0]])])
    if noise.memory:
        p = noise.memory
        out.append([math.sqrt(1 - p) * PAULI["I"], math.sqrt(p) * PAULI["Z"]])
    return out


def _dense_noisy_hadamard_test(model, params, x, layer, noise):
    """The (n+1)-qubit Hadamard test as dense matrices (ancilla = qubit 0), with every qubit of
    every message (counted at each change of owner, and to Bob at the end) through ``noise``."""
    ops = _layers_dense(model, params, x)
    cut = [i for i, (o, _) in enumerate(ops) if o == "bob"][2 * layer]        # D(w_layer)
    lift = lambda u: np.kron(np.eye(2), u)  # noqa: E731
    d = model.dim
    ctrl = np.block([[np.eye(d), np.zeros((d, d))],
                     [np.zeros((d, d)), _observable_dense(model.observable)]])
    basis = np.kron(np.array([[1, 1], [1, -1]]) / math.sqrt(2) @ np.diag([1, -1j]), np.eye(d))
    seq = ([(o, lift(u)) for o, u in ops] + [("alice", ctrl)]
           + [(o, lift(u.conj().T)) for o, u in reversed(ops[cut + 1:])] + [("bob", basis)])
    psi = np.zeros(d, complex)
    psi[: len(x)] = x
    psi = np.kron([1, 1], psi / np.linalg.norm(psi)) / math.sqrt(2)
    rho = np.outer(psi, psi.conj())
    q = model.n_qubits + 1

    def message(r):
        for ks in _kraus_np(noise):
            for j in range(q):
                r = sum(_op_on(q, j, k) @ r @ _op_on(q, j, k).conj().T for k in ks)
        return r

    here, messages = "alice", 0
    for owner, u in seq:
        if owner != here:
            rho, here, messages = message(rho), owner, messages + 1
        rho = u @ rho @ u.conj().T
    if here != "bob":
        rho, messages = message(rho), messages + 1
    return np.real(np.diag(rho)).reshape(2, d), messages


@pytest.mark.parametrize("noise", [MIXED, Noise(depolarizing=0.3), Noise(memory=0.2)])
def test_noisy_mass_distribution_matches_dense_circuit(noise):
    model, params, x = _model_and_input(31, n=2, layers=2, reupload=True)
    xj = jnp.asarray(x, jnp.float32)
    for layer in range(model.layers):
        ref, messages = _dense_noisy_hadamard_test(model, params, x, layer, noise)
        assert messages == qm.mass_messages(model, layer)
        ours = qm.mass_gradient_distribution(model, params, xj, layer, noise)
        np.testing.assert_allclose(np.asarray(ours), ref, atol=2e-6)
        ideal = qm.mass_gradient_distribution(model, params, xj, layer)
        assert float(jnp.max(jnp.abs(ours - ideal))) > 1e-3          # the noise matters


def test_noisy_mass_trajectories_agree_with_density_within_hoeffding():
    model, params, x = _model_and_input(32, n=2, layers=2)
    x = jnp.asarray(x, jnp.float32)
    draws, delta = 20_000, 1e-6
    # each entry is a mean of `draws` values in [0, 1]; union bound over the 2N entries
    band = math.sqrt(math.log(2 * 2 * model.dim / delta) / (2 * draws))
    for layer in (0,):                     # the longest test: 4L - 1 = 7 messages
        dens = qm.mass_gradient_distribution(model, params, x, layer, MIXED)
        traj = qm.mass_gradient_distribution_trajectories(jax.random.key(layer), model, params, x,
                                                          layer, MIXED, draws)
        ideal = qm.mass_gradient_distribution(model, params, x, layer)
        assert float(jnp.max(jnp.abs(traj - dens))) <= band
        assert float(jnp.max(jnp.abs(ideal - dens))) > 2 * band     # agreement is informative


def test_noisy_shift_rule_is_the_gradient_of_the_noisy_expectation():
    """Under parameter-independent noise the shift rule holds for the noisy expectation: check
    it against central finite differences of noisy_expectation and against autodiff."""
    model, params, x = _model_and_input(33, n=2, layers=2, reupload=True)
    x = jnp.asarray(x, jnp.float32)
    out = qm.paramshift_gradient(model, 10, "all", MIXED)(jax.random.key(0), params, x)
    flat, unravel = jax.flatten_util.ravel_pytree(params)
    f = jax.jit(lambda v: qm._noisy_expectation(model, unravel(v), x, MIXED))
    h = 1e-2
    eye = np.eye(flat.shape[0], dtype=np.float32)
    fd = np.array([(f(flat + h * e) - f(flat - h * e)) / (2 * h) for e in eye])
    shift = np.asarray(jax.flatten_util.ravel_pytree(out.info["noisy"])[0])
    # f is a + b cos + c sin in each coordinate: truncation <= h^2/6, float32 rounding ~1e-5
    np.testing.assert_allclose(shift, fd, atol=1e-3)
    auto = jax.grad(lambda p: qm.noisy_expectation(model, p, x, MIXED))(params)
    for k in params:
        np.testing.assert_allclose(out.info["noisy"][k], auto[k], atol=5e-5)
    noiseless = np.asarray(jax.flatten_util.ravel_pytree(out.info["exact"])[0])
    assert np.max(np.abs(noiseless - shift)) > 1e-2               # and it is not the ideal one
    fp, fm = qm.shift_values(model, params, x, "all", MIXED)
    np.testing.assert_allclose((fp - fm) / 2, shift, atol=1e-6)


@pytest.mark.parametrize("p", [0.05, 0.3])
def test_one_qubit_depolarising_contracts_gradients_by_the_closed_form(p):
    """n = 1: per-qubit depolarising is global, so the noisy expectation is (1-p)^(2L) f and the
    Hadamard test's estimate (1-p)^(2m) g, m its messages (proofs/proof_qmodel.py)."""
    model = qm.DistributedModel(1, 2, "X", reupload=True)
    params = qm.init_params(jax.random.key(34), model)
    x = jnp.array([0.3, -1.2])
    noise = Noise(depolarizing=p)
    out = qm.paramshift_gradient(model, 10, "all", noise)(jax.random.key(0), params, x)
    for k in params:
        np.testing.assert_allclose(out.info["noisy"][k],
                                   (1 - p) ** (2 * model.layers) * out.info["exact"][k],
                                   atol=2e-6)
    for layer in range(model.layers):
        m = qm.mass_messages(model, layer)
        g = lambda q: 2 * (q[0] - q[1])  # noqa: E731
        ideal = g(qm.mass_gradient_distribution(model, params, x, layer))
        noisy = g(qm.mass_gradient_distribution(model, params, x, layer, noise))
        np.testing.assert_allclose(noisy, (1 - p) ** (2 * m) * ideal, atol=2e-6)
        assert float(jnp.max(jnp.abs(ideal))) > 0.05                # a non-trivial check


def test_full_depolarising_erases_both_gradients():
    model, params, x = _model_and_input(35, n=2, layers=1)
    x = jnp.asarray(x, jnp.float32)
    noise = Noise(depolarizing=1.0)
    out = qm.paramshift_gradient(model, 10, "all", noise)(jax.random.key(0), params, x)
    for leaf in jax.tree_util.tree_leaves(out.info["noisy"]):
        assert float(jnp.max(jnp.abs(leaf))) < 1e-6
    p = qm.mass_gradient_distribution(model, params, x, 0, noise)
    np.testing.assert_allclose(p, 1 / (2 * model.dim), atol=1e-6)


@pytest.mark.parametrize("p", [0.01, 0.05, 0.2])
def test_noisy_gradient_bias_within_the_no_error_bound(p):
    """rho_noisy = s rho_ideal + (1 - s) sigma with s the no-Pauli-error probability, so each
    expectation moves by <= 2 (1 - s) and the distribution by <= (1 - s) in total variation."""
    model, params, x = _model_and_input(36, n=3, layers=1)
    x = jnp.asarray(x, jnp.float32)
    noise = Noise(depolarizing=p)
    out = qm.paramshift_gradient(model, 10, "all", noise)(jax.random.key(0), params, x)
    s = (1 - 3 * p / 4) ** (model.n_qubits * 2 * model.layers)
    bias = max(float(jnp.max(jnp.abs(a - b))) for a, b in zip(
        jax.tree_util.tree_leaves(out.info["noisy"]), jax.tree_util.tree_leaves(out.info["exact"]),
        strict=True))
    assert 0 < bias <= 2 * (1 - s) + 1e-5
    sm = (1 - 3 * p / 4) ** ((model.n_qubits + 1) * qm.mass_messages(model, 0))
    g = lambda q: 2 * (q[0] - q[1])  # noqa: E731
    diff = (g(qm.mass_gradient_distribution(model, params, x, 0, noise))
            - g(qm.mass_gradient_distribution(model, params, x, 0)))
    assert 0 < float(jnp.sum(jnp.abs(diff))) <= 4 * (1 - sm) + 1e-5


def test_noise_to_zero_recovers_noiseless_gradients():
    model, params, x = _model_and_input(37, n=2, layers=2)
    x = jnp.asarray(x, jnp.float32)
    key = jax.random.key(4)
    for noise in (None, Noise(), Noise(erasure=0.1)):   # erasure is heralded: same state
        a = qm.paramshift_gradient(model, 50, "all", noise)(key, params, x)
        b = qm.paramshift_gradient(model, 50, "all")(key, params, x)
        assert all(bool(jnp.all(u == v)) for u, v in zip(jax.tree_util.tree_leaves(a.answer),
                                                         jax.tree_util.tree_leaves(b.answer),
                                                         strict=True))
        assert "noisy" not in a.info
        c = qm.mass_gradient(model, 300, 1, noise)(key, params, x)
        d = qm.mass_gradient(model, 300, 1)(key, params, x)
        assert bool(jnp.all(c.answer == d.answer)) and "noisy" not in c.info
    tiny = Noise(depolarizing=1e-6, dephasing=1e-6, amplitude_damping=1e-6, memory=1e-6)
    out = qm.paramshift_gradient(model, 50, "all", tiny)(key, params, x)
    for u, v in zip(jax.tree_util.tree_leaves(out.info["noisy"]),
                    jax.tree_util.tree_leaves(out.info["exact"]), strict=True):
        np.testing.assert_allclose(u, v, atol=1e-4)
    for layer in range(model.layers):
        np.testing.assert_allclose(qm.mass_gradient_distribution(model, params, x, layer, tiny),
                                   qm.mass_gradient_distribution(model, params, x, layer),
                                   atol=1e-4)


def test_noisy_sampled_estimators_inside_hoeffding_band_of_the_noisy_gradient():
    delta = 1e-6
    model, params, x = _model_and_input(38, n=2, layers=2)
    x = jnp.asarray(x, jnp.float32)
    copies = 4000
    for layer in range(model.layers):
        out = qm.mass_gradient(model, copies, layer, MIXED)(jax.random.key(layer), params, x)
        band = math.sqrt(8 * math.log(2 * model.dim / delta) / copies)
        assert float(jnp.max(jnp.abs(out.answer - out.info["noisy"]))) <= band
        assert out.cost == qm.mass_gradient_cost(model, copies, [layer], MIXED)
    shots = 500
    ps = qm.paramshift_gradient(model, shots, "all", MIXED)(jax.random.key(5), params, x)
    band = math.sqrt(2 * math.log(2 * qm.num_params(model) / delta) / shots)
    err = jax.tree_util.tree_map(lambda a, b: jnp.max(jnp.abs(a - b)), ps.answer,
                                 ps.info["noisy"])
    assert max(float(e) for e in jax.tree_util.tree_leaves(err)) <= band
    assert ps.cost == qm.paramshift_cost(model, shots, noise=MIXED) == qm.paramshift_cost(model,
                                                                                           shots)


def _restart_sends(s, r):
    """Expected sends until r consecutive successes of probability s, from the Markov chain
    E_k = 1 + s E_{k+1} + (1 - s) E_0 (k successes so far), E_r = 0, solved numerically."""
    a, b = np.eye(r), np.ones(r)
    for k in range(r):
        a[k, 0] -= 1 - s
        if k + 1 < r:
            a[k, k + 1] -= s
    return np.linalg.solve(a, b)[0]


@pytest.mark.parametrize("e", [0.01, 0.2])
def test_gradient_costs_count_erasure_restarts(e):
    model = qm.DistributedModel(3, 2)
    noise = Noise(erasure=e, depolarizing=0.01)
    per_layer = [_restart_sends((1 - e) ** (model.n_qubits + 1), qm.mass_messages(model, l))
                 for l in range(model.layers)]
    cost = qm.mass_gradient_cost(model, 7, noise=noise)
    assert cost.qubits == pytest.approx(7 * (model.n_qubits + 1) * sum(per_layer))
    assert cost.rounds == pytest.approx(max(per_layer))
    assert cost.qubits > qm.mass_gradient_cost(model, 7).qubits
    shot = _restart_sends((1 - e) ** model.n_qubits, 2 * model.layers)
    ps = qm.paramshift_cost(model, 5, noise=noise)
    assert ps.qubits == pytest.approx(2 * qm.num_params(model) * 5 * model.n_qubits * shot)
    assert ps.rounds == pytest.approx(shot)
    params = qm.init_params(jax.random.key(0), model)
    out = qm.mass_gradient(model, 7, 1, noise)(jax.random.key(1), params, jnp.ones(8))
    assert out.cost == qm.mass_gradient_cost(model, 7, [1], noise)


def test_noisy_gradients_reject_bad_noise():
    model = qm.DistributedModel(2, 1)
    big = qm.DistributedModel(9, 1)
    with pytest.raises(TypeError, match="noise"):
        qm.paramshift_gradient(model, 10, noise=0.1)
    with pytest.raises(TypeError, match="noise"):
        qm.mass_gradient(model, 10, 0, noise=0.1)
    with pytest.raises(ValueError, match="n_qubits <= 8"):
        qm.paramshift_gradient(big, 10, noise=Noise(dephasing=0.1))
    with pytest.raises(ValueError, match="n_qubits <= 8"):
        qm.mass_gradient(big, 10, 0, noise=Noise(dephasing=0.1))
    with pytest.raises(ValueError, match="erasure"):
        qm.mass_gradient_cost(model, 10, noise=Noise(erasure=1.0))
    with pytest.raises(ValueError, match="erasure"):
        qm.paramshift_cost(model, 10, noise=Noise(erasure=1.0))
    with pytest.raises(ValueError, match="draws"):
        qm.mass_gradient_distribution_trajectories(jax.random.key(0), model,
                                                   qm.init_params(jax.random.key(0), model),
                                                   jnp.ones(4), 0, draws=0)
