"""Density matrices: channels, partial trace, fidelity and trace distance."""

import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccq import sim
from tests._reference import embed


def random_rho(rng, n, rank=2):
    z = rng.normal(size=(2**n, rank)) + 1j * rng.normal(size=(2**n, rank))
    rho = z @ z.conj().T
    return rho / np.trace(rho)


@given(st.integers(0, 2**31 - 1), st.integers(1, 4), st.floats(0, 1))
def test_depolarising_channel_matches_reference_and_keeps_trace(seed, n, p):
    rng = np.random.default_rng(seed)
    rho = random_rho(rng, n)
    q = int(rng.integers(n))
    out = np.asarray(sim.apply_kraus(jnp.asarray(rho, jnp.complex64), sim.depolarizing_kraus(p),
                                     [q]))
    ref = sum(embed(k, [q], n) @ rho @ embed(k, [q], n).conj().T for k in sim.depolarizing_kraus(p))
    np.testing.assert_allclose(out, ref, atol=1e-5)
    assert abs(np.trace(out) - 1) < 1e-5


def test_werner_state_fidelity_and_partial_trace():
    for f in (0.25, 0.5, 0.9, 1.0):
        w = sim.werner_state(f)
        assert abs(float(sim.fidelity(w, sim.density_matrix(sim.bell_state()))) - f) < 1e-5
        np.testing.assert_allclose(np.asarray(sim.partial_trace(w, [1])), np.eye(2) / 2, atol=1e-6)
    with pytest.raises(ValueError, match="fidelity"):
        sim.werner_state(1.5)


def test_partial_trace_of_product_state_returns_factor():
    rng = np.random.default_rng(2)
    a, b = random_rho(rng, 1), random_rho(rng, 2)
    rho = jnp.asarray(np.kron(a, b))
    np.testing.assert_allclose(np.asarray(sim.partial_trace(rho, [0])), a, atol=1e-6)
    np.testing.assert_allclose(np.asarray(sim.partial_trace(rho, [1, 2])), b, atol=1e-6)


@given(st.integers(0, 2**31 - 1))
def test_distances_are_consistent(seed):
    rng = np.random.default_rng(seed)
    rho, sigma = jnp.asarray(random_rho(rng, 2)), jnp.asarray(random_rho(rng, 2))
    t = float(sim.trace_distance(rho, sigma))
    f = float(sim.fidelity(rho, sigma))
    assert 0 <= t <= 1 + 1e-6 and -1e-6 <= f <= 1 + 1e-6
    # Fuchs-van de Graaf: 1 - sqrt(F) <= T <= sqrt(1 - F)
    assert 1 - np.sqrt(max(f, 0)) <= t + 1e-4 and t <= np.sqrt(max(1 - f, 0)) + 1e-4
    assert abs(float(sim.trace_distance(rho, rho))) < 1e-5


def test_unitary_on_density_matrix_agrees_with_state():
    rng = np.random.default_rng(3)
    psi = rng.normal(size=8) + 1j * rng.normal(size=8)
    psi /= np.linalg.norm(psi)
    rho = sim.density_matrix(jnp.asarray(psi))
    out = sim.apply_unitary_dm(rho, sim.CNOT, [2, 0])
    ref = sim.density_matrix(sim.apply_gate(jnp.asarray(psi), sim.CNOT, [2, 0]))
    np.testing.assert_allclose(np.asarray(out), np.asarray(ref), atol=1e-6)
