"""The cost model and Outcome pytree, and the input checks."""

import jax
import jax.numpy as jnp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccq import Cost, Outcome
from ccq._core import check_finite, check_in_interval, check_int, check_key, check_unit_vector

costs = st.builds(Cost, st.integers(0, 10**6), st.integers(0, 10**6), st.integers(0, 10**6),
                  st.integers(0, 100))


@given(costs, costs, costs)
def test_sequential_composition_is_associative_and_adds_everything(a, b, c):
    assert (a + b) + c == a + (b + c)
    s = a + b
    assert (s.qubits, s.bits, s.ebits, s.rounds) == (
        a.qubits + b.qubits, a.bits + b.bits, a.ebits + b.ebits, a.rounds + b.rounds)


@given(costs, st.integers(1, 1000))
def test_parallel_repetition_multiplies_communication_not_rounds(a, k):
    r = k * a
    assert r == a * k
    assert (r.qubits, r.bits, r.ebits, r.rounds) == (k * a.qubits, k * a.bits, k * a.ebits,
                                                      a.rounds)
    assert a.repeat_sequential(k).rounds == k * a.rounds


def test_cost_rejects_arrays_and_negative_values():
    with pytest.raises(TypeError, match="static"):
        Cost(qubits=jnp.array(3))
    with pytest.raises(ValueError, match="bits"):
        Cost(bits=-1)
    with pytest.raises(ValueError, match="repetition"):
        Cost(bits=1) * -2


def test_outcome_is_a_pytree_with_static_cost_under_jit_and_vmap():
    cost = Cost(qubits=5, rounds=2)

    @jax.jit
    def protocol(key, x):
        return Outcome(jnp.sign(x + jax.random.normal(key)), cost, {"x": x})

    keys = jax.random.split(jax.random.key(0), 7)
    out = jax.vmap(protocol)(keys, jnp.arange(7.0))
    assert out.cost == cost
    assert out.answer.shape == (7,) and out.info["x"].shape == (7,)
    leaves = jax.tree_util.tree_leaves(out)
    assert len(leaves) == 2   # answer and info["x"]; the cost is not a leaf


def test_same_key_same_outcome():
    def protocol(key):
        return Outcome(jax.random.normal(key, (3,)), Cost(bits=1))

    a, b = protocol(jax.random.key(4)), protocol(jax.random.key(4))
    assert jnp.array_equal(a.answer, b.answer)


def test_checks_name_the_value_and_rule():
    with pytest.raises(ValueError, match=r"delta must lie in \(0, 0.5\), got 0.7"):
        check_in_interval(0.7, "delta", 0, 0.5)
    with pytest.raises(ValueError, match="g must be finite"):
        check_finite(jnp.array([1.0, jnp.nan]), "g")
    with pytest.raises(ValueError, match="unit vector, got norm 2"):
        check_unit_vector(jnp.array([2.0, 0.0]), "g")
    with pytest.raises(ValueError, match="integer"):
        check_int(1.5, "shots")
    with pytest.raises(TypeError, match="PRNG key"):
        check_key(0)
    assert check_in_interval(0.5, "p", 0, 0.5, closed="right") == 0.5
