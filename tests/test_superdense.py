"""Superdense coding: circuit, density-matrix channel vs closed form, sampling, bounds."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ccq
from ccq.bounds import superdense as sdb
from ccq.protocols.superdense import (
    bits_to_symbols,
    channel_closed_form,
    effective_fidelity,
    mutual_information,
    superdense,
    superdense_channel,
    superdense_statevector,
    symbols_to_bits,
    transmit_symbols,
)
from ccq.sim import probabilities


def test_statevector_circuit_decodes_all_four_messages():
    for s in range(4):
        p = np.asarray(probabilities(superdense_statevector(s)))
        assert np.allclose(p, np.eye(4)[s], atol=1e-6)


def test_lazy_export():
    assert np.allclose(ccq.superdense_channel(1.0), np.eye(4), atol=1e-6)


@given(st.floats(0.0, 1.0), st.sampled_from([0.0, 0.05, 0.5, 1.0]))
def test_density_matrix_channel_equals_closed_form(fidelity, depolarizing):
    sim = superdense_channel(fidelity, depolarizing)
    exact = channel_closed_form(fidelity, depolarizing)
    assert np.allclose(sim, exact, atol=2e-6)  # float32 simulation rounding


@given(st.floats(0.26, 0.9999))   # the rate formula is 0 * log 0 at F = 1 (limit 2)
def test_channel_matches_bounds(fidelity):
    m = superdense_channel(fidelity)
    assert np.allclose(1 - np.diag(m), sdb.symbol_error(F=fidelity), atol=2e-6)
    # per-bit error: b1 wrong on decoded symbols 2,3 from 0; b2 wrong on 1,3
    assert abs(m[0, 2] + m[0, 3] - sdb.bit_error(F=fidelity)) < 2e-6
    assert abs(m[0, 1] + m[0, 3] - sdb.bit_error(F=fidelity)) < 2e-6
    assert abs(mutual_information(m) - sdb.rate(F=fidelity)) < 1e-4


def test_break_even_fidelity_against_simulated_channel():
    f0 = sdb.break_even_fidelity()
    assert 0.81 < f0 < 0.811
    assert mutual_information(superdense_channel(f0 + 2e-3)) > 1
    assert mutual_information(superdense_channel(f0 - 2e-3)) < 1
    assert mutual_information(superdense_channel(1.0)) == pytest.approx(2.0, abs=1e-5)


def test_effective_fidelity_of_depolarised_sent_qubit():
    assert effective_fidelity(1.0, 0.0) == 1.0
    assert effective_fidelity(0.9, 0.2) == pytest.approx(0.9 * 0.85 + 0.1 * 0.05)


def test_pack_unpack_roundtrip():
    bits = jax.random.bernoulli(jax.random.key(3), 0.5, (5, 16)).astype(jnp.uint8)
    assert (symbols_to_bits(bits_to_symbols(bits)) == bits).all()
    with pytest.raises(ValueError, match="even number of bits"):
        bits_to_symbols(jnp.zeros(3))


def test_sampled_channel_frequencies_match_exact_matrix():
    n, fidelity = 200_000, 0.8
    sent = jnp.tile(jnp.arange(4, dtype=jnp.uint8), n // 4)
    got = transmit_symbols(jax.random.key(7), sent, fidelity)
    counts = np.zeros((4, 4))
    np.add.at(counts, (np.asarray(sent), np.asarray(got)), 1)
    freq = counts / counts.sum(axis=1, keepdims=True)
    # Hoeffding at failure probability 1e-9 per cell, n/4 samples per row
    band = np.sqrt(np.log(2 / 1e-9) / (2 * n / 4))
    assert np.abs(freq - channel_closed_form(fidelity)).max() < band


def test_same_key_same_result_and_noise_free_identity():
    s = jax.random.randint(jax.random.key(0), (1000,), 0, 4).astype(jnp.uint8)
    a = transmit_symbols(jax.random.key(1), s, 0.9)
    assert (a == transmit_symbols(jax.random.key(1), s, 0.9)).all()
    assert (transmit_symbols(jax.random.key(1), s, 1.0) == s).all()
    # traced fidelity takes the sampling path and still is the identity at F = 1
    assert (jax.jit(transmit_symbols)(jax.random.key(1), s, 1.0) == s).all()


def test_protocol_factory_cost_and_validation():
    out = superdense(0.5)(jax.random.key(0), jnp.ones(7, jnp.int32))
    assert out.cost == ccq.Cost(qubits=4, ebits=4, rounds=1)
    assert out.answer.shape == (7,)
    with pytest.raises(ValueError, match="fidelity must lie in"):
        superdense(1.5)
    with pytest.raises(ValueError, match="only 0 and 1"):
        superdense(1.0)(jax.random.key(0), jnp.array([0, 2]))
    with pytest.raises(TypeError, match="PRNG key"):
        superdense(1.0)(0, jnp.array([0, 1]))
