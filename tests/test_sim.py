"""The statevector core against an independent numpy reference, plus its invariants."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ccq import sim
from tests._reference import controlled_matrix, embed

finite = st.floats(-10, 10, allow_nan=False, allow_infinity=False)


def random_unitary(rng, k):
    z = rng.normal(size=(2**k, 2**k)) + 1j * rng.normal(size=(2**k, 2**k))
    q, r = np.linalg.qr(z)
    return q * (np.diag(r) / np.abs(np.diag(r)))


def random_state(rng, n):
    z = rng.normal(size=2**n) + 1j * rng.normal(size=2**n)
    return z / np.linalg.norm(z)


@pytest.mark.parametrize("seed", range(8))
def test_random_circuits_match_dense_kronecker_reference(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 7))
    state = random_state(rng, n)
    ours = jnp.asarray(state, jnp.complex64)
    ref = state.copy()
    for _ in range(12):
        k = int(rng.integers(1, min(n, 3) + 1))
        qubits = [int(q) for q in rng.permutation(n)[:k]]
        u = random_unitary(rng, k)
        if n > k and rng.random() < 0.4:
            control = int(rng.choice([q for q in range(n) if q not in qubits]))
            ours = sim.apply_controlled(ours, u, [control], qubits)
            ref = controlled_matrix(u, [control], qubits, n) @ ref
        else:
            ours = sim.apply_gate(ours, u, qubits)
            ref = embed(u, qubits, n) @ ref
    np.testing.assert_allclose(np.asarray(ours), ref, atol=2e-5)
    np.testing.assert_allclose(np.asarray(sim.probabilities(ours)), np.abs(ref) ** 2, atol=2e-5)


@given(st.integers(0, 2**31 - 1), st.integers(1, 6))
def test_every_gate_preserves_the_norm(seed, n):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(1, min(n, 3) + 1))
    qubits = [int(q) for q in rng.permutation(n)[:k]]
    out = sim.apply_gate(jnp.asarray(random_state(rng, n), jnp.complex64),
                         random_unitary(rng, k), qubits)
    assert abs(float(jnp.linalg.norm(out)) - 1) < 1e-5


@given(st.integers(0, 2**31 - 1), st.integers(1, 5), st.floats(0, 2 * np.pi))
def test_swap_test_probability_formula_circuit_and_global_phase(seed, n, phase):
    rng = np.random.default_rng(seed)
    psi = jnp.asarray(random_state(rng, n), jnp.complex64)
    phi = jnp.asarray(random_state(rng, n), jnp.complex64)
    expected = (1 + abs(np.vdot(np.asarray(psi), np.asarray(phi))) ** 2) / 2
    assert abs(float(sim.swap_test_probability(psi, phi)) - expected) < 1e-5
    assert abs(float(sim.swap_test_circuit(psi, phi)) - expected) < 1e-5
    rotated = psi * np.exp(1j * phase)
    assert abs(float(sim.swap_test_probability(rotated, phi)) - expected) < 1e-5


@given(arrays(np.float64, st.integers(1, 40), elements=finite))
def test_amplitude_encoding_is_normalised_padded_and_idempotent(x):
    if not np.any(x):
        with pytest.raises(ValueError, match="zero vector"):
            sim.amplitude_encode(x)
        return
    psi = sim.amplitude_encode(x)
    n = max(1, int(np.ceil(np.log2(len(x)))))
    assert psi.shape == (2**n,)
    assert abs(float(jnp.linalg.norm(psi)) - 1) < 1e-5
    np.testing.assert_allclose(np.asarray(sim.amplitude_encode(psi)), np.asarray(psi), atol=1e-6)


@pytest.mark.parametrize("bad, message", [
    ([], "empty"),
    ([0.0, 0.0], "zero vector"),
    ([1.0, np.nan], "finite"),
    ([1.0, np.inf], "finite"),
    (np.ones((2, 2, 2)), "vector"),
    (np.ones((3, 2)), "vector"),
])
def test_amplitude_encoding_rejects_bad_input(bad, message):
    with pytest.raises(ValueError, match=message):
        sim.amplitude_encode(np.asarray(bad))


@given(st.integers(0, 2**31 - 1), st.integers(1, 64))
def test_augmented_encoding_maps_inner_product_to_overlap(seed, dim):
    rng = np.random.default_rng(seed)
    g, h = rng.normal(size=dim), rng.normal(size=dim)
    g, h = g / np.linalg.norm(g), h / np.linalg.norm(h)
    u, v = sim.augmented_encode(g), sim.augmented_encode(h)
    assert abs(complex(jnp.vdot(u, v)) - (1 + g @ h) / 2) < 1e-5


def test_reflection_matches_dense_reflection_and_is_an_involution():
    rng = np.random.default_rng(0)
    psi, x = random_state(rng, 5), random_state(rng, 5)
    dense = 2 * np.outer(psi, psi.conj()) - np.eye(32)
    out = sim.reflect_about(jnp.asarray(x), jnp.asarray(psi))
    np.testing.assert_allclose(np.asarray(out), dense @ x, atol=1e-6)
    np.testing.assert_allclose(np.asarray(sim.reflect_about(out, jnp.asarray(psi))), x, atol=1e-6)


def test_sampling_is_keyed_and_matches_probabilities():
    state = sim.amplitude_encode(jnp.array([1.0, 2.0, 0.0, 3.0]))
    key = jax.random.key(3)
    a = sim.sample(key, state, 20000)
    assert jnp.array_equal(a, sim.sample(key, state, 20000))
    freq = np.bincount(np.asarray(a), minlength=4) / 20000
    # 5-sigma binomial tolerance at 20000 shots is below 0.02
    np.testing.assert_allclose(freq, [1 / 14, 4 / 14, 0, 9 / 14], atol=0.02)
    assert freq[2] == 0


def test_marginals_and_expectations():
    rng = np.random.default_rng(1)
    psi = random_state(rng, 3)
    p = np.abs(psi.reshape(2, 2, 2)) ** 2
    np.testing.assert_allclose(
        np.asarray(sim.marginal_probabilities(jnp.asarray(psi), [2, 0])),
        p.sum(axis=1).T.reshape(-1), atol=1e-6)
    ref = np.vdot(psi, embed(np.kron(sim.Z, sim.X), [0, 2], 3) @ psi).real
    assert abs(float(sim.expectation(jnp.asarray(psi), np.kron(sim.Z, sim.X), [0, 2])) - ref) < 1e-6


def test_gate_errors_name_the_problem():
    state = sim.basis_state(0, 2)
    with pytest.raises(ValueError, match="distinct"):
        sim.apply_gate(state, sim.CNOT, [1, 1])
    with pytest.raises(ValueError, match=r"\[0, 2\)"):
        sim.apply_gate(state, sim.X, [2])
    with pytest.raises(ValueError, match="shape"):
        sim.apply_gate(state, sim.CNOT, [0])
    with pytest.raises(ValueError, match="overlap"):
        sim.apply_controlled(state, sim.X, [0], [0])


def test_float32_probabilities_stay_accurate_at_large_n():
    """The anchor's pitfall: naive float32 sums were off by 1e-2 at 2^24 terms."""
    n = 20
    key = jax.random.key(0)
    x = jax.random.normal(key, (2**n,))
    y = x + 0.5 * jax.random.normal(jax.random.fold_in(key, 1), (2**n,))
    p32 = float(sim.swap_test_probability(sim.amplitude_encode(x), sim.amplitude_encode(y)))
    xd, yd = np.asarray(x, np.float64), np.asarray(y, np.float64)
    p64 = (1 + (xd @ yd / np.linalg.norm(xd) / np.linalg.norm(yd)) ** 2) / 2
    assert abs(p32 - p64) < 1e-5


def test_default_precision_is_complex64():
    assert sim.amplitude_encode([1.0, 1.0]).dtype == jnp.complex64
