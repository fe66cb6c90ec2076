"""Distributed quantum model: dense reference, gradients vs autodiff, costs vs counted messages."""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccq.bounds import qmodel as qb
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
