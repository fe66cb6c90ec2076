"""Compressors: error-feedback invariant, PowerSGD exactness, start_after, QSGD unbiasedness,
log-codec bound, bit formulas, ring accounting, and the safe result for non-finite input."""

import math

import hypothesis.extra.numpy as hnp
import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccq.collectives import ring_cost
from ccq.compress import (
    as_aggregator,
    bit_count,
    error_feedback,
    gram_schmidt,
    link_bits,
    log_roundtrip,
    log_roundtrip_bound,
    lq_sgd,
    no_compression,
    power_sgd,
    qsgd,
    sign_mv,
    top_k,
)
from ccq.data import linear_regression
from ccq.train import linear_regressor, mlp_classifier, train_data_parallel, tree_size

N = 3
PARAMS = {"w": jnp.zeros((6, 5)), "b": jnp.zeros(5)}


def _all(n=N):
    return [
        no_compression(n_workers=n),
        top_k(7, n_workers=n),
        error_feedback(top_k(7, n_workers=n)),
        qsgd(4, 8, n_workers=n),
        sign_mv(n_workers=n),
        error_feedback(sign_mv(n_workers=n)),
        power_sgd(2, n_workers=n, min_compression_rate=0),
        power_sgd(1, n_workers=n, warm_start=False, feedback=False),
        lq_sgd(2, 4, n_workers=n, min_compression_rate=0),
        lq_sgd(1, 3, n_workers=n, aggregation="float_allreduce"),
    ]


def _grads(key, n=N, scale=1.0):
    k1, k2 = jax.random.split(key)
    return {"w": scale * jax.random.normal(k1, (n, 6, 5)),
            "b": scale * jax.random.normal(k2, (n, 5))}


@pytest.mark.parametrize("tx", [t for t in _all() if t.name in
                                ("top_k7", "qsgd4", "ef_sign_mv", "lqsgd_r2_b4")],
                         ids=lambda t: t.name)
def test_error_feedback_invariant_and_bits_in_state(tx):
    ef = tx if tx.name.startswith(("ef_", "powersgd_r2", "lqsgd")) else error_feedback(tx)
    state = ef.init(PARAMS)
    rnd, upd = jax.jit(ef.round), jax.jit(ef.update)
    for t in range(3):
        g = _grads(jax.random.key(t))
        residual = state.inner[1][0]
        decoded, _, inner, _ = rnd(jax.random.key(10 + t), g, state.inner, state.count)
        lhs = jax.tree_util.tree_map(jnp.add, g, residual)
        rhs = jax.tree_util.tree_map(jnp.add, decoded, inner[1][0])
        for a, b in zip(jax.tree_util.tree_leaves(lhs), jax.tree_util.tree_leaves(rhs),
                        strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
        _, state = upd(g, state)
    assert bit_count(state.bits) == ef.payload_bits(PARAMS)
    assert bit_count(state.total_bits) == 3 * ef.payload_bits(PARAMS)


@pytest.mark.parametrize("n_workers,n,m,rank", [(1, 2, 7, 1), (4, 5, 5, 1), (2, 9, 6, 2)])
def test_rank_one_gradients_make_powersgd_exact(n_workers, n, m, rank):
    # rank 2 on rank-1 gradients needs the Gram-Schmidt rank guard (float32 noise otherwise)
    tx = power_sgd(rank, n_workers=n_workers, min_compression_rate=0)
    state = tx.init({"w": jnp.zeros((n, m))})

    @jax.jit
    @jax.vmap
    def error(key):
        ku, kv, kq = jax.random.split(key, 3)
        u = jax.random.normal(ku, (n,))
        v = jax.random.normal(kv, (n_workers, m))
        g = {"w": u[None, :, None] * v[:, None, :]}           # worker w: u v_w^T, common u
        fresh = state._replace(inner=((jax.random.normal(kq, (m, rank)),), state.inner[1]))
        agg, _ = tx.update(g, fresh)
        exact = jnp.mean(g["w"], axis=0)
        return jnp.max(jnp.abs(agg["w"] - exact)) / jnp.max(jnp.abs(exact))

    assert float(jnp.max(error(jax.random.split(jax.random.key(n * m), 200)))) < 1e-4


def test_full_rank_powersgd_is_exact_and_lq_sgd_is_close():
    g = _grads(jax.random.key(1), n=1)
    exact = g["w"][0]
    tx = power_sgd(5, min_compression_rate=0)
    agg, _ = jax.jit(tx.update)(g, tx.init(PARAMS))
    np.testing.assert_allclose(agg["w"], exact, atol=1e-4)
    np.testing.assert_allclose(agg["b"], g["b"][0])            # 1-D: uncompressed
    lq = lq_sgd(5, 12, min_compression_rate=0)
    agg, _ = jax.jit(lq.update)(g, lq.init(PARAMS))
    assert float(jnp.max(jnp.abs(agg["w"] - exact))) < 0.05 * float(jnp.max(jnp.abs(exact)))


def test_no_compression_before_start_after():
    tx = power_sgd(1, n_workers=N, start_after=3)
    state, upd = tx.init(PARAMS), jax.jit(tx.update)
    for t in range(5):
        g = _grads(jax.random.key(t))
        agg, state = upd(g, state)
        exact = jax.tree_util.tree_map(lambda x: jnp.mean(x, axis=0), g)
        close = all(bool(jnp.allclose(a, b, atol=1e-6)) for a, b in zip(
            jax.tree_util.tree_leaves(agg), jax.tree_util.tree_leaves(exact), strict=True))
        if t < 3:
            assert close
            assert bit_count(state.bits) == 32 * tree_size(PARAMS)
            assert all(float(jnp.max(jnp.abs(r))) == 0 for r in
                       jax.tree_util.tree_leaves(state.inner[1][0]))
        else:
            assert not close
            assert bit_count(state.bits) == 32 * (1 * (6 + 5) + 5)


def test_qsgd_is_unbiased():
    v = jax.random.normal(jax.random.key(0), (1, 40))
    tx = qsgd(levels=2, bucket=16)
    state = tx.init({"v": v[0]})
    trials = 20000
    keys = jax.random.split(jax.random.key(1), trials)
    draws = jax.jit(jax.vmap(lambda k: tx.update({"v": v}, state, key=k)[0]["v"]))(keys)
    # each draw of entry i lies in an interval of width norm(bucket)/levels: Hoeffding with a
    # union bound over the 40 entries at total failure probability 1e-9
    norms = jnp.repeat(jnp.linalg.norm(jnp.pad(v[0], (0, 8)).reshape(-1, 16), axis=1), 16)[:40]
    width = norms / 2
    band = width * math.sqrt(math.log(2 * 40 / 1e-9) / (2 * trials))
    assert bool(jnp.all(jnp.abs(draws.mean(0) - v[0]) <= band))
    assert not bool(jnp.all(draws[0] == v[0]))                    # it does quantise


@jax.jit
def _codec_check(x, alpha):
    return [(jnp.abs(x - log_roundtrip(x, b, alpha)), log_roundtrip_bound(x, b, alpha),
             log_roundtrip(x, b, alpha)) for b in range(2, 9)]


@given(hnp.arrays(np.float32, 48, elements=st.floats(-1e4, 1e4, width=32)),
       st.floats(0.01, 1000))
def test_log_codec_round_trip_bound(x, alpha):
    for err, bound, out in _codec_check(jnp.asarray(x), alpha):
        _check_codec(jnp.asarray(x), err, bound, out)


def _check_codec(x, err, bound, out):
    scale = float(jnp.max(jnp.abs(x)))
    assert bool(jnp.all(err <= bound + 1e-5 * scale + 1e-30))
    assert bool(jnp.all(jnp.sign(out) * jnp.sign(x) >= 0))


def test_bits_formulas_and_ring_cost():
    params = {"w1": jnp.zeros((64, 32)), "b1": jnp.zeros(32), "w2": jnp.zeros((32, 10)),
              "c": jnp.zeros((4, 3, 3, 2))}                     # a conv kernel: 4 x 18
    d = tree_size(params)
    one_d = 32
    for r in (1, 2, 4):
        expected = 32 * (r * (64 + 32) + r * (32 + 10) + min(r, 4) * (4 + 18)) + 32 * one_d
        assert power_sgd(r, min_compression_rate=0).payload_bits(params) == expected
        lq = lq_sgd(r, 3, min_compression_rate=0)
        assert lq.payload_bits(params) == 3 * (r * (64 + 32) + r * (32 + 10) + min(r, 4) * 22) \
            + 3 * 2 * 32 + 32 * one_d
    assert top_k(100).payload_bits(params) == 100 * (32 + math.ceil(math.log2(d)))
    assert top_k(10**9).payload_bits(params) == d * (32 + math.ceil(math.log2(d)))
    assert qsgd(4, 128).payload_bits(params) == math.ceil(d / 128) * 32 + d * 4
    assert sign_mv().payload_bits(params) == d + 32
    assert no_compression().payload_bits(params) == 32 * d
    for n in (2, 5):
        s = top_k(100, n_workers=n).payload_bits(params)
        assert link_bits(top_k(100, n_workers=n), params) == (n - 1) * s
        tx = power_sgd(2, n_workers=n)
        p_bits, q_bits = tx.phases(params)
        assert p_bits + q_bits == tx.payload_bits(params)
        # the ring pads each phase to N chunks of whole float32 entries
        assert link_bits(tx, params) == sum(2 * (n - 1) * math.ceil(b / 32 / n) * 32
                                            for b in (p_bits, q_bits))
        assert link_bits(tx, params) == sum(ring_cost(n, n * math.ceil(b / 32 / n) * 32)
                                            .per_link.bits for b in (p_bits, q_bits))


@pytest.mark.parametrize("tx", _all(), ids=lambda t: t.name)
def test_zero_and_nonfinite_gradients(tx):
    state, upd = tx.init(PARAMS), jax.jit(tx.update)
    zero = _grads(jax.random.key(0), scale=0.0)
    agg, state = upd(zero, state)
    assert all(bool(jnp.all(x == 0)) for x in jax.tree_util.tree_leaves(agg))
    g = _grads(jax.random.key(1))
    agg, state = upd(g, state)
    assert all(bool(jnp.all(jnp.isfinite(x))) for x in jax.tree_util.tree_leaves(agg))
    if tx.name != "sgd":    # a zero step must not stall the warm start or the feedback
        assert any(bool(jnp.any(x != 0)) for x in jax.tree_util.tree_leaves(agg))
    for bad in (jnp.nan, jnp.inf, -jnp.inf):
        g_bad = {"w": g["w"].at[1, 2, 3].set(bad), "b": g["b"]}
        agg, new = upd(g_bad, state)
        assert all(bool(jnp.all(x == 0)) for x in jax.tree_util.tree_leaves(agg))
        assert int(new.skipped) == int(state.skipped) + 1 and bit_count(new.bits) == 0
        for a, b in zip(jax.tree_util.tree_leaves(new.inner),
                        jax.tree_util.tree_leaves(state.inner), strict=True):
            assert bool(jnp.all(a == b))


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="leading worker axis of size n_workers=3"):
        power_sgd(1, n_workers=3).update({"w": jnp.zeros((2, 4, 4))},
                                          power_sgd(1, n_workers=3).init({"w": jnp.zeros((4, 4))}))
    with pytest.raises(ValueError, match="rank"):
        power_sgd(0)
    with pytest.raises(ValueError, match="bits"):
        lq_sgd(1, bits=1)
    with pytest.raises(ValueError, match="aggregation"):
        lq_sgd(1, aggregation="sum_codes")
    with pytest.raises(ValueError, match="k must be"):
        top_k(0)


def test_gram_schmidt_orthonormal():
    p = jax.random.normal(jax.random.key(0), (10, 4))
    q = gram_schmidt(p)
    np.testing.assert_allclose(q.T @ q, np.eye(4), atol=1e-5)


def test_chains_with_optax_and_trains_in_the_harness():
    data = linear_regression(jax.random.key(0), n=256, d=8, noise=0.01)
    model = linear_regressor(8)
    initial = float(jnp.mean(data.y_test**2))
    for tx in (lq_sgd(1, 4, n_workers=4),):
        rows = train_data_parallel(jax.random.key(1), model, data, aggregator=as_aggregator(tx),
                                   n_workers=4, steps=120, eval_every=40)
        assert rows[-1]["test_loss"] < 0.1 * initial, tx.name
        params = model.init(jax.random.key(0))
        assert rows[-1]["bits_per_worker"] == 120 * tx.payload_bits(params)
        assert rows[-1]["link_bits"] == link_bits(tx, params)
    opt = optax.chain(power_sgd(2, n_workers=2), optax.sgd(0.1))
    p = mlp_classifier(64, 10, (8,)).init(jax.random.key(0))
    state = opt.init(p)
    g = jax.tree_util.tree_map(lambda x: jnp.stack([x, -x]), p)
    upd, state = opt.update(g, state, p)
    assert jax.tree_util.tree_structure(upd) == jax.tree_util.tree_structure(p)


def test_payload_bits_equal_the_bounds():
    from ccq.bounds import compress as cb

    for n, m, r in [(6, 5, 1), (64, 32, 4), (4096, 4096, 2)]:
        w = {"w": jax.ShapeDtypeStruct((n, m), jnp.float32)}
        assert power_sgd(r).payload_bits(w) == cb.powersgd_bits(n=n, m=m, r=r)
        assert lq_sgd(r, 5).payload_bits(w) == cb.lq_sgd_bits(n=n, m=m, r=r, b=5)
        d = n * m
        assert top_k(17).payload_bits(w) == cb.topk_bits(k=17, P=d)
        assert qsgd(4, 64).payload_bits(w) == cb.qsgd_bits(P=d, bucket=64, levels=4)
        assert sign_mv().payload_bits(w) == cb.sign_bits(P=d)


def test_workers_sharded_over_devices_use_a_real_all_reduce():
    # one worker per device: XLA turns PowerSGD's worker means into device all-reduces
    n = len(jax.devices())
    mesh = jax.sharding.Mesh(np.array(jax.devices()), ("workers",))
    spec = jax.sharding.NamedSharding(mesh, jax.sharding.PartitionSpec("workers"))
    g = {"w": jax.random.normal(jax.random.key(0), (n, 16, 8)),
         "b": jax.random.normal(jax.random.key(1), (n, 8))}
    tx = power_sgd(2, n_workers=n)
    state = tx.init({"w": jnp.zeros((16, 8)), "b": jnp.zeros(8)})
    update = jax.jit(tx.update)
    sharded = jax.device_put(g, spec)
    a, _ = update(g, state)
    b, _ = update(sharded, state)
    np.testing.assert_allclose(a["w"], b["w"], atol=1e-5)
    if n > 1:
        assert "all-reduce" in update.lower(sharded, state).compile().as_text()
