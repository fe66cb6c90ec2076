"""Ring all-reduce: equals psum on a forced 4-device mesh, any N and length, superdense links,
keys, exact per-link accounting, and a 2-process jax.distributed loopback run."""

import functools
import json
import math
import os
import socket
import subprocess
import sys
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from jax.sharding import NamedSharding
from jax.sharding import PartitionSpec as P

import ccq
from ccq.bounds import ring as ringb
from ccq.bounds import superdense as sdb
from ccq.collectives import classical_link, ring_allreduce, ring_cost, superdense_link

ROOT = Path(__file__).resolve().parents[1]


def _mesh(n):
    return jax.sharding.Mesh(np.array(jax.devices()[:n]), ("w",))


@functools.cache
def _sharded_fn(n, link, outcome):
    mesh = _mesh(n)

    def body(v, k):
        out = ring_allreduce(v[0], "w", link, key=k, return_outcome=outcome)
        if outcome:
            return out.answer[None], out.info["symbol_errors"], out.info["erased_words"]
        return out[None], jax.lax.psum(v[0], "w")[None]

    f = jax.shard_map(body, mesh=mesh, in_specs=(P("w"), P()),
                      out_specs=(P("w"),) * (3 if outcome else 2))
    return jax.jit(f), mesh


def sharded(x, link="classical", key=None, outcome=False):
    """Run ring_allreduce (and psum) per device over the leading axis of x (compiled once per
    worker count, link and shape)."""
    f, mesh = _sharded_fn(x.shape[0], link, outcome)
    xs = jax.device_put(x, NamedSharding(mesh, P("w")))
    return f(xs, key if key is not None else jax.random.key(0))


@functools.cache
def _vmapped_fn(link, noisy):
    if noisy:
        return jax.jit(jax.vmap(lambda v, k: ring_allreduce(v, "w", link, key=k),
                                in_axes=(0, None), axis_name="w"))
    return jax.jit(jax.vmap(lambda v: ring_allreduce(v, "w", link), axis_name="w"))


def vmapped(x, link="classical", key=None):
    if key is None:
        return jax.vmap(lambda v: ring_allreduce(v, "w", link), axis_name="w")(x)
    return _vmapped_fn(link, True)(x, key)


def test_four_forced_devices_are_present():
    assert len(jax.devices()) >= 4


MESH_CASES = [(1, 5), (2, 0), (3, 7), (4, 1), (4, 37)]   # (workers, length): padding and N=1


@pytest.mark.parametrize(("n", "length"), MESH_CASES)
def test_integer_ring_is_bit_exact_psum_on_the_device_mesh(n, length):
    for seed in range(3):
        x = jax.random.randint(jax.random.key(seed), (n, length), -2**20, 2**20, jnp.int32)
        ring, psum = sharded(x)
        assert ring.dtype == jnp.int32
        assert (np.asarray(ring) == np.asarray(psum)).all()
        assert (np.asarray(ring) == np.asarray(x).sum(0)[None]).all()


@given(seed=st.integers(0, 2**16), scale=st.floats(1e-3, 1e3))
def test_float_ring_equals_psum_within_summation_order_tolerance(seed, scale):
    n, shape = 4, (3, 5)
    x = scale * jax.random.normal(jax.random.key(seed), (n, *shape))
    ring, psum = sharded(x)
    assert ring.shape == psum.shape and ring.dtype == jnp.float32
    # n - 1 float32 additions in a different order: error <= 2 (n - 1) eps sum|x|
    tol = 2 * (n - 1) * np.finfo(np.float32).eps * np.abs(np.asarray(x)).sum(0)
    assert (np.abs(np.asarray(ring) - np.asarray(psum)) <= tol).all()


@pytest.mark.parametrize(("n", "length"), [(5, 13), (7, 1), (9, 30)])
def test_any_number_of_workers_under_vmap(n, length):
    x = jax.random.randint(jax.random.key(n), (n, length), -1000, 1000, jnp.int32)
    y = vmapped(x)
    assert (np.asarray(y) == np.asarray(x).sum(0)[None]).all()


@pytest.mark.parametrize(("n", "length", "bits"), [(4, 37, 8), (3, 10, 4), (2, 5, 30),
                                                   (4, 64, 16)])
def test_noise_free_superdense_equals_classical_ring_on_the_quantised_payload(n, length, bits):
    x = jax.random.normal(jax.random.key(n + bits), (n, length)) * 3
    sd, psum = sharded(x, superdense_link(1.0, bits=bits))
    cl, _ = sharded(x, classical_link(bits=bits))
    assert (np.asarray(sd) == np.asarray(cl)).all()
    # quantisation error: each of n words rounds by <= half a step M/Q (+ float32 slack)
    m = float(jnp.max(jnp.abs(x)))
    q = (2 ** (bits - 1) - 1) // n
    tol = n * m / q / 2 * (1 + 1e-5) + 1e-5 * n * m
    assert np.abs(np.asarray(sd) - np.asarray(psum)).max() <= tol


def test_static_scale_clips_and_skips_the_scale_exchange():
    x = jnp.array([[0.5, 3.0], [0.25, -3.0]])
    y, _ = sharded(x, classical_link(bits=10, scale=1.0))
    q = 511 // 2                                # two words each round by <= 1/(2q)
    np.testing.assert_allclose(np.asarray(y)[0], [0.75, 0.0], atol=1 / q)
    # a given scale skips the scale exchange; a 1-bit non-finite vote still travels
    assert classical_link(bits=10, scale=1.0).cost(2, 2).side == ccq.Cost(bits=1, rounds=1)
    assert classical_link(bits=10).cost(2, 2).side == ccq.Cost(bits=32, rounds=1)


NOISY = superdense_link(0.9, bits=8)


@functools.cache
def _vmapped_outcome(link):
    def one(v, k):
        out = ring_allreduce(v, "w", link, key=k, return_outcome=True)
        return out.answer, out.info["symbol_errors"][0], out.info["erased_words"][0]

    return jax.jit(jax.vmap(one, in_axes=(0, None), axis_name="w"))


def test_noisy_link_same_key_same_result_and_independent_of_placement():
    x = jax.random.normal(jax.random.key(0), (4, 2000))
    a, _ = sharded(x, NOISY, jax.random.key(3))
    b, _ = sharded(x, NOISY, jax.random.key(3))
    v = _vmapped_outcome(NOISY)(x, jax.random.key(3))[0]
    c = _vmapped_outcome(NOISY)(x, jax.random.key(4))[0]
    assert (np.asarray(a) == np.asarray(b)).all()
    assert (np.asarray(a) == np.asarray(v)).all()      # device mesh == vmap simulation
    assert not (np.asarray(a) == np.asarray(c)).all()
    with pytest.raises(ValueError, match="needs key="):
        vmapped(x, NOISY, None)


def test_received_symbol_errors_match_the_channel():
    n, length, bits, f = 4, 2000, 8, 0.9
    x = jax.random.normal(jax.random.key(1), (n, length))
    _, errors, erased = _vmapped_outcome(NOISY)(x, jax.random.key(2))
    received = 2 * (n - 1) * (length // n) * (bits // 2)      # symbols into each worker
    band = math.sqrt(math.log(2 / 1e-9) / (2 * received))      # Hoeffding, 1e-9 failure
    rate = np.asarray(errors) / received
    assert np.abs(rate - sdb.symbol_error(F=f)).max() < band
    assert (np.asarray(erased) == 0).all()


def test_parity_code_erases_detected_words_and_repetition_corrects():
    # two workers: fewer unrolled ring steps to compile, the same per-link statistics
    n, length, bits, f = 2, 8000, 8, 0.9
    x = jax.random.normal(jax.random.key(1), (n, length))
    exact = np.asarray(vmapped(x, superdense_link(1.0, bits=bits)))
    outs = {}
    for code in ("none", "parity", "repetition3"):
        y, errors, erased = _vmapped_outcome(superdense_link(f, bits=bits, code=code))(
            x, jax.random.key(2))
        outs[code] = (np.mean(np.asarray(y) != exact), int(np.asarray(erased).sum()))
    assert outs["none"][1] == 0 and outs["repetition3"][1] == 0
    words_in = n * 2 * (n - 1) * (length // n)
    p_detect = sdb.word_error(F=f, b=bits + 2) - sdb.parity_undetected(F=f, b=bits)
    band = math.sqrt(math.log(2 / 1e-9) / (2 * words_in))
    assert abs(outs["parity"][1] / words_in - p_detect) < band
    assert outs["repetition3"][0] < outs["none"][0]


def test_outcome_cost_is_the_link_cost():
    link = superdense_link(1.0, bits=8, code="parity")
    x = jnp.ones((4, 10))
    f = jax.vmap(lambda v: ring_allreduce(v, "w", link, return_outcome=True), axis_name="w")
    out = f(x)
    c = link.cost(4, 10)
    assert out.cost == c.per_link + c.side
    # 3 entries per chunk, 8-bit words: 3 * (4 + 1) symbols per step, 6 steps
    assert c.per_link == ccq.Cost(qubits=90, ebits=90, rounds=6)
    assert c.side == ccq.Cost(bits=96, rounds=3)


# ------------------------------------------------------------------ accounting


@given(n=st.integers(2, 64), chunk=st.integers(1, 10**6))
def test_classical_link_carries_2_n_minus_1_s_over_n_bits(n, chunk):
    s = n * chunk * 2                         # S divisible by 2N: every formula is exact
    c = ring_cost(n, s, "classical")
    assert c.per_link.bits == 2 * (n - 1) * s // n == ringb.classical_bits_per_link(N=n, S=s)
    assert c.per_link.qubits == c.per_link.ebits == c.ebit_distribution_qubits == 0
    assert c.per_step.bits == s // n and c.steps == 2 * (n - 1) == c.per_link.rounds
    sd = ring_cost(n, s, "superdense")
    assert 2 * sd.per_link.qubits == c.per_link.bits                 # half the online uses
    assert sd.per_link.qubits == ringb.superdense_qubits_per_link(N=n, S=s)
    assert sd.per_link.ebits == sd.per_link.qubits == ringb.ebits_per_link(N=n, S=s)
    assert sd.per_link.bits == 0 and sd.steps == c.steps
    assert sd.lifetime_channel_uses == c.lifetime_channel_uses == c.per_link.bits
    assert sd.lifetime_channel_uses == ringb.lifetime_uses_per_link(N=n, S=s)
    for link in ("classical", "superdense"):
        rs = ring_cost(n, s, link, "reduce_scatter")
        ag = ring_cost(n, s // n, link, "all_gather")
        full = ring_cost(n, s, link)
        assert rs.per_link + ag.per_link == full.per_link
        assert rs.steps == ag.steps == n - 1
        assert rs.per_link.communication == ringb.phase_bits_per_link(N=n, S=s) / (
            2 if link == "superdense" else 1)


def test_online_saving_is_exactly_two_and_codes_cost_what_they_add():
    for n, s in [(4, 1024), (8, 2**20), (3, 3 * 16 * 10)]:
        c, sd = ring_cost(n, s), ring_cost(n, s, "superdense")
        assert c.per_link.communication / sd.per_link.communication == 2
    par = ring_cost(4, 4 * 160, "superdense", code="parity", bits_per_entry=16)
    rep = ring_cost(4, 4 * 160, "superdense", code="repetition3")
    assert par.per_step.qubits == 10 * 9 and rep.per_step.qubits == 3 * 80
    with pytest.raises(ValueError, match="bits_per_entry"):
        ring_cost(4, 64, "superdense", code="parity")
    with pytest.raises(ValueError, match="superdense links only"):
        ring_cost(4, 64, "classical", code="repetition3")


def test_bad_links_and_payloads_are_rejected():
    with pytest.raises(ValueError, match="bits must be even"):
        superdense_link(1.0, bits=7)
    with pytest.raises(ValueError, match="code must be one of"):
        superdense_link(1.0, code="hamming")
    with pytest.raises(ValueError, match="link must be"):
        vmapped(jnp.ones((2, 2)), "carrier pigeon")
    with pytest.raises(ValueError, match="floating-point"):
        vmapped(jnp.ones((2, 2), jnp.int32), classical_link(bits=8))
    with pytest.raises(ValueError, match="no fixed-point level"):
        vmapped(jnp.ones((4, 2)), classical_link(bits=2))


def test_lazy_exports():
    assert ccq.ring_allreduce is ring_allreduce and ccq.ring_cost is ring_cost


# ------------------------------------------------------------------ jax.distributed


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_processes_over_jax_distributed_loopback():
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "JAX_PLATFORMS": "cpu"}
    env.pop("XLA_FLAGS", None)
    script = str(ROOT / "tests" / "_ring_distributed_worker.py")
    procs = [subprocess.Popen([sys.executable, script, str(i), str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in range(2)]
    outs = []
    for p in procs:
        try:
            stdout, stderr = p.communicate(timeout=120)
        finally:
            p.kill()
        assert p.returncode == 0, stderr[-3000:]
        outs.append(json.loads(stdout.strip().splitlines()[-1]))
    for o in outs:
        assert o["ring_int"] == o["psum_int"]
        np.testing.assert_allclose(o["ring_float"], o["psum_float"], rtol=1e-6, atol=1e-6)
    # both processes hold the same all-reduced values (each its own shard)
    assert outs[0]["ring_int"] == outs[1]["ring_int"]
    # the noisy link across processes gives exactly what the one-process simulation gives
    # (noise differs per receiving worker, so the two replicas differ from each other)
    x = jnp.stack([jax.random.normal(jax.random.key(pid), (11,)) for pid in range(2)])
    sim = vmapped(x, superdense_link(0.9, bits=12), jax.random.key(5))
    for pid, o in enumerate(outs):
        got = np.asarray(o["superdense_noisy"]).reshape(11)
        assert got.tolist() == np.asarray(sim)[pid].tolist()


# ------------------------------------------------------------------ drop-in training


def test_ring_aggregator_is_a_drop_in_for_the_mean():
    from ccq.collectives import ring_aggregator
    from ccq.data import linear_regression
    from ccq.train import linear_regressor, mean_aggregator, train_data_parallel

    data = linear_regression(jax.random.key(0), n=256, d=6, noise=0.01)
    kw = dict(n_workers=4, steps=40, eval_every=20)
    ref = train_data_parallel(jax.random.key(1), linear_regressor(6), data,
                              aggregator=mean_aggregator(), **kw)
    ring = train_data_parallel(jax.random.key(1), linear_regressor(6), data,
                               aggregator=ring_aggregator("classical"), **kw)
    for a, b in zip(ref, ring, strict=True):
        assert a["test_loss"] == pytest.approx(b["test_loss"], rel=1e-4)
    # (F = 1 superdense == classical 16-bit ring is tested on the collective above and on
    # the digits run in experiments/ring_training.py)
    sd = train_data_parallel(jax.random.key(1), linear_regressor(6), data,
                             aggregator=ring_aggregator(superdense_link(1.0, bits=16)), **kw)
    assert sd[-1]["test_loss"] == pytest.approx(ring[-1]["test_loss"], rel=1e-2)
    # per step: 7 entries -> chunks of 2, 16-bit words in 8 symbols, 6 steps; the 3 x 32-bit
    # scale exchange is classical
    assert sd[-1]["bits_per_worker"] == 40 * (6 * 2 * 8 + 96)
    assert sd[-1]["qubits"] == sd[-1]["ebits"] == 6 * 2 * 8


# ------------------------------------------------------------------ schedules


@pytest.mark.parametrize("link", [classical_link(bits=8), superdense_link(1.0, bits=10),
                                  superdense_link(1.0, bits=8, code="parity"),
                                  classical_link(bits=12, scale=2.0)], ids=str)
@pytest.mark.parametrize("n,length", [(4, 1), (4, 37), (3, 10)])
def test_fused_schedule_gives_the_hop_by_hop_words_exactly(link, n, length):
    x = jax.random.normal(jax.random.key(n * length), (n, length))
    hops = jax.vmap(lambda v: ring_allreduce(v, "w", link, schedule="hops"), axis_name="w")(x)
    fused = jax.vmap(lambda v: ring_allreduce(v, "w", link, schedule="fused"),
                     axis_name="w")(x)
    # the same words (XLA may round the final rescale differently by an ulp)
    np.testing.assert_allclose(hops, fused, rtol=1e-6, atol=1e-7)
    mesh = jax.sharding.Mesh(np.array(jax.devices()[:n]), ("w",))
    on_devices = jax.jit(jax.shard_map(lambda v: ring_allreduce(v[0], "w", link,
                                                                schedule="hops")[None],
                                       mesh=mesh, in_specs=P("w"), out_specs=P("w")))(x)
    np.testing.assert_allclose(on_devices, fused, rtol=1e-6, atol=1e-7)


def test_float_hops_and_fused_agree_and_noisy_links_cannot_fuse():
    x = jax.random.normal(jax.random.key(0), (4, 1001))
    hops = jax.vmap(lambda v: ring_allreduce(v, "w", schedule="hops"), axis_name="w")(x)
    fused = jax.vmap(lambda v: ring_allreduce(v, "w"), axis_name="w")(x)
    np.testing.assert_allclose(hops, fused, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(fused[0], x.sum(0), rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match="schedule='hops'"):
        jax.vmap(lambda v: ring_allreduce(v, "w", superdense_link(0.9), key=jax.random.key(0),
                                          schedule="fused"), axis_name="w")(x)
    with pytest.raises(ValueError, match="schedule must be"):
        jax.vmap(lambda v: ring_allreduce(v, "w", schedule="tree"), axis_name="w")(x)
