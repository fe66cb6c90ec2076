"""Per-device compressors inside ``jax.shard_map`` equal the stacked simulation (same keys, same
outputs, same bits) on the 4 forced CPU devices, and the regression tests of issue 18."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.sharding import PartitionSpec as P

from ccq.collectives import classical_link, superdense_link
from ccq.compress import (
    bit_count,
    error_feedback,
    link_bits,
    lq_sgd,
    no_compression,
    power_sgd,
    qsgd,
    sign_mv,
    top_k,
)

PARAMS = {"w": jnp.zeros((12, 10)), "b": jnp.zeros(10), "c": jnp.zeros((4, 3, 2))}
STEPS = 3

FACTORIES = {
    "power_sgd": lambda **kw: power_sgd(2, **kw),
    "power_sgd_start_after": lambda **kw: power_sgd(1, start_after=1, **kw),
    "lq_sgd": lambda **kw: lq_sgd(2, 4, min_compression_rate=0, **kw),
    "lq_sgd_float": lambda **kw: lq_sgd(1, 4, aggregation="float_allreduce", **kw),
    "top_k": lambda **kw: top_k(9, **kw),
    "ef_top_k": lambda **kw: error_feedback(top_k(9, **kw)),
    "qsgd": lambda **kw: qsgd(4, 16, key=jax.random.key(3), **kw),
    "sign_mv": lambda **kw: sign_mv(**kw),
    "sgd": lambda **kw: no_compression(**kw),
    "power_sgd_superdense": lambda **kw: power_sgd(2, link=superdense_link(1.0, bits=16), **kw),
    "power_sgd_fixed8": lambda **kw: power_sgd(1, link=classical_link(bits=8), **kw),
}


# Fixed-point links: a one-ulp difference in x Q / M (XLA fuses the two compilations
# differently) can flip the rounding of one word, one level M / Q = 1.2e-4 M at 16 bits, N = 4
ATOL = {"power_sgd_superdense": 4e-4}


def _grads(n):
    ks = jax.random.split(jax.random.key(7), 3)
    return {k: jax.random.normal(kk, (STEPS, n, *jnp.shape(v)))
            for (k, v), kk in zip(sorted(PARAMS.items()), ks, strict=True)}


def _stacked(tx, grads):
    state, upd = tx.init(PARAMS), jax.jit(tx.update)
    aggs, bits = [], []
    for t in range(STEPS):
        agg, state = upd(jax.tree_util.tree_map(lambda g, t=t: g[t], grads), state)
        aggs.append(agg)
        bits.append((bit_count(state.bits), bit_count(state.link_bits)))
    return aggs, bits, state


def _per_device(tx, grads, mesh):
    def body(g):
        state = tx.init(PARAMS)
        aggs, words = [], []
        for t in range(STEPS):
            agg, state = tx.update(jax.tree_util.tree_map(lambda x, t=t: x[t, 0], g), state)
            aggs.append(agg)
            words.append(jnp.stack([state.bits, state.link_bits]))
        return (jax.tree_util.tree_map(lambda *a: jnp.stack(a)[None], *aggs),
                jnp.stack(words)[None])

    f = jax.jit(jax.shard_map(body, mesh=mesh, in_specs=(P(None, "data"),),
                              out_specs=(P("data"), P("data"))))
    return f(grads)


@pytest.mark.parametrize("name", list(FACTORIES))
def test_per_device_equals_stacked_simulation_on_four_devices(name):
    n = 4
    devices = jax.devices()[:n]
    assert len(devices) == n
    mesh = jax.sharding.Mesh(np.array(devices), ("data",))
    grads = _grads(n)
    stacked = FACTORIES[name](n_workers=n)
    sharded = FACTORIES[name](axis_name="data")
    aggs, bits, _ = _stacked(stacked, grads)
    dev_aggs, dev_words = _per_device(sharded, grads, mesh)
    for t in range(STEPS):
        for key in PARAMS:
            for d in range(n):           # every device applies the same update
                np.testing.assert_allclose(dev_aggs[key][d, t], aggs[t][key], rtol=2e-4,
                                           atol=ATOL.get(name, 2e-5),
                                           err_msg=f"{name} step {t} {key} dev {d}")
        for d in range(n):
            got = (bit_count(dev_words[d, t, 0]), bit_count(dev_words[d, t, 1]))
            assert got == bits[t], (name, t, d)
    if "start_after" not in name:
        assert bits[-1] == (stacked.payload_bits(PARAMS), link_bits(stacked, PARAMS))
