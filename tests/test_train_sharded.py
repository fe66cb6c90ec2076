"""Real data-parallel training (``ccq.train.train_sharded``): one worker per device in one
shard_map, equal to the stacked simulation, and unchanged across 2 jax.distributed processes."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import jax
import numpy as np
import pytest

from ccq.collectives import superdense_link
from ccq.compress import as_aggregator, lq_sgd, power_sgd
from ccq.data import linear_regression
from ccq.train import linear_regressor, mlp_classifier, train_data_parallel, train_sharded

ROOT = Path(__file__).resolve().parents[1]
COMPARED = ("train_loss", "test_loss", "bits_per_worker", "link_bits")


def run_lq_sgd(mesh):
    """LQ-SGD on a small MLP for a few steps (also run by the 2-process worker)."""
    data = linear_regression(jax.random.key(0), n=256, d=8, noise=0.01)
    model = linear_regressor(8)
    tx = lq_sgd(1, 4, axis_name="data", min_compression_rate=0)
    rows = train_sharded(jax.random.key(1), model, data, aggregation=tx, mesh=mesh, steps=6,
                         eval_every=3, batch_size=8)
    return [{k: r[k] for k in COMPARED} for r in rows]


def _mesh(n):
    return jax.sharding.Mesh(np.array(jax.devices()[:n]), ("data",))


def _close(a, b, rtol=1e-4):
    assert len(a) == len(b)
    for ra, rb in zip(a, b, strict=True):
        for k in COMPARED:
            np.testing.assert_allclose(ra[k], rb[k], rtol=rtol, atol=1e-6, err_msg=k)


@pytest.mark.parametrize("name", ["lq_sgd", "power_sgd"])
def test_sharded_training_equals_the_stacked_simulation(name):
    from ccq.data import digits

    data = digits(jax.random.key(0))
    model = mlp_classifier(data.x_train.shape[1], 10, (16,))
    make = {"lq_sgd": lambda **kw: lq_sgd(2, 4, **kw),
            "power_sgd": lambda **kw: power_sgd(2, **kw)}
    kw = dict(steps=8, eval_every=4, batch_size=16)
    sim = train_data_parallel(jax.random.key(3), model, data,
                              aggregator=as_aggregator(make[name](n_workers=4)), n_workers=4,
                              **kw)
    real = train_sharded(jax.random.key(3), model, data,
                         aggregation=make[name](axis_name="data"), mesh=_mesh(4), **kw)
    _close(real, sim, rtol=2e-3)
    assert all(r["replica_disagreement"] == 0 for r in real)


def test_psum_ring_and_superdense_aggregations_agree():
    data = linear_regression(jax.random.key(0), n=256, d=8, noise=0.01)
    model = linear_regressor(8)
    runs = {agg: train_sharded(jax.random.key(1), model, data, aggregation=agg, mesh=_mesh(4),
                               steps=40, eval_every=20)
            for agg in ("psum", "ring", superdense_link(1.0, bits=16))}
    np.testing.assert_allclose(runs["psum"][-1]["test_loss"], runs["ring"][-1]["test_loss"],
                               rtol=1e-5)
    sd = runs[superdense_link(1.0, bits=16)]
    np.testing.assert_allclose(sd[-1]["test_loss"], runs["psum"][-1]["test_loss"], rtol=0.05)
    assert runs["psum"][-1]["test_loss"] < 0.2 * runs["psum"][0]["train_loss"]
    noisy = train_sharded(jax.random.key(1), model, data, aggregation=superdense_link(0.99),
                          mesh=_mesh(4), steps=4, eval_every=4)
    assert noisy[-1]["replica_disagreement"] > 0        # replicas diverge, and it is measured


def test_bad_aggregations_are_clear_errors():
    data = linear_regression(jax.random.key(0), n=64, d=4)
    with pytest.raises(ValueError, match="axis_name='data'"):
        train_sharded(jax.random.key(0), linear_regressor(4), data,
                      aggregation=lq_sgd(1, n_workers=4), mesh=_mesh(4), steps=1)
    with pytest.raises(ValueError, match="aggregation must be"):
        train_sharded(jax.random.key(0), linear_regressor(4), data, aggregation="mean",
                      mesh=_mesh(4), steps=1)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_processes_over_jax_distributed_train_like_one_process_with_two_devices():
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "JAX_PLATFORMS": "cpu"}
    env.pop("XLA_FLAGS", None)
    script = str(ROOT / "tests" / "_train_distributed_worker.py")
    procs = [subprocess.Popen([sys.executable, script, str(i), str(port)], env=env, cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in range(2)]
    outs = []
    for p in procs:
        try:
            stdout, stderr = p.communicate(timeout=300)
        finally:
            p.kill()
        assert p.returncode == 0, stderr[-3000:]
        outs.append(json.loads(stdout.strip().splitlines()[-1]))
    assert [o["devices"] for o in outs] == [2, 2]
    assert outs[0]["rows"] == outs[1]["rows"]
    _close(outs[0]["rows"], run_lq_sgd(_mesh(2)), rtol=1e-5)
