"""Per-device compressors inside ``jax.shard_map`` equal the stacked simulation (same keys, same
outputs, same bits) on the 4 forced CPU devices, and the regression tests of issue 18."""

import os
import re
import subprocess
import sys
from pathlib import Path

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

ROOT = Path(__file__).resolve().parents[1]
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


@pytest.mark.parametrize("page", ["compression.md", "ring_allreduce.md"])
def test_the_per_device_training_example_of_the_docs_runs_and_learns(page, tmp_path):
    """The docs' per-device training blocks are whole programs: run each in a fresh
    interpreter from this checkout and check that the loss falls (and, for the compressor,
    that the exact link-bit count is the one the accounting gives: 30 steps of LQ-SGD r=1,
    b=4 on a 16 x 8 matrix plus an 8-vector over 4 devices)."""
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```python\n(.*?)```", text, flags=re.S)
              if "runnable as is" in b]
    assert len(blocks) == 1, page
    script = tmp_path / "example.py"
    script.write_text(blocks[0])
    env = {**{k: v for k, v in os.environ.items() if k != "XLA_FLAGS"},
           "PYTHONPATH": str(ROOT), "JAX_PLATFORMS": "cpu"}
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    got = re.search(r"loss ([\d.]+) -> ([\d.]+)", done.stdout)
    assert got and float(got[2]) < 0.5 * float(got[1]), done.stdout
    if page == "compression.md":
        # per step and directed link: gathered codes (N - 1) (4 * 16 + 32) + (N - 1)
        # (4 * 8 + 32), the raw bias ring-all-reduced 2 (N - 1) ceil(8 / N) 32
        per_step = 3 * (4 * 16 + 32) + 3 * (4 * 8 + 32) + 2 * 3 * 2 * 32
        assert f"{30 * per_step} bits per directed link" in done.stdout, done.stdout
