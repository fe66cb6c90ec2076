"""Accuracy, bits and speed of every compressor on three models (matched-budget comparisons).

Question (arXiv 2506.17974): does LQ-SGD keep SGD's accuracy with far fewer bits, and does it
converge fast? Answered at matched budgets: accuracy against total bits on the wire (per directed
ring link, ``ccq.compress`` bit counters through ``as_aggregator``), bits to reach a target
accuracy, and steps and wall time to reach it.

Setup: ``N = 4`` simulated workers, batch 32 per worker, plain SGD on the aggregated gradient
with one learning rate per model for every method (``_compress_setup.model_and_data``), models
``mlp`` / ``cnn`` (digits) and ``synth`` (teacher-student, where compression matters). Each
config trains ``seeds`` runs vectorised with ``jax.vmap`` (one compilation per config), seed
``s`` uses ``jax.random.key(s)`` for init, batches and compressor randomness, so seed ``s`` sees
the same init and batches under every method. DP-SGD rows carry the epsilon of one worker's
messages (``dp_accounting`` RDP, ``delta = 1e-5``). ``sec_per_step`` is the measured compute
time of one training step (the ``seeds`` runs together, after compilation) on this machine.
"""

from __future__ import annotations

import dataclasses
import time

import jax
import jax.numpy as jnp
import numpy as np
import optax

from ccq.attacks import dp_epsilon, dp_message
from ccq.compress import as_aggregator
from ccq.experiment import Experiment

from ._compress_setup import DP_CLIP, DP_DELTA, DP_SIGMA, METHODS, MODELS, make_tx, model_and_data
from ._compress_stats import compress_training_claims as claims


@dataclasses.dataclass(frozen=True)
class Config:
    model: str           # mlp | cnn | synth
    method: str          # a key of _compress_setup.METHODS
    steps: int = 1000
    eval_every: int = 50
    seeds: int = 5
    n_workers: int = 4
    batch: int = 32


def train_curves(c: Config):
    """Rows ``(seed, step, test_accuracy, ...)`` of ``c.seeds`` vectorised runs."""
    model, data, lr = model_and_data(c.model)
    tx = make_tx(c.method, model.init(jax.random.key(0)), c.n_workers)
    agg, opt = as_aggregator(tx), optax.sgd(lr)
    sigma = DP_SIGMA.get(c.method)
    message = dp_message(model, DP_CLIP, sigma) if sigma else None
    worker_grad = jax.vmap(jax.grad(model.loss), in_axes=(None, 0, 0))
    n_train = data.x_train.shape[0]

    def init(seed_key):
        k_init, k_data, k_agg, k_dp = jax.random.split(seed_key, 4)
        params = model.init(k_init)
        return (params, opt.init(params), agg.init(params)), (k_data, k_agg, k_dp)

    def step(carry, t, keys):
        params, opt_state, agg_state = carry
        k_data, k_agg, k_dp = keys
        idx = jax.random.randint(jax.random.fold_in(k_data, t), (c.n_workers, c.batch), 0,
                                 n_train)
        xb, yb = data.x_train[idx], data.y_train[idx]
        if message is None:
            grads = worker_grad(params, xb, yb)
        else:
            wk = jax.random.split(jax.random.fold_in(k_dp, t), c.n_workers)
            grads = jax.vmap(lambda k, x, y: message(k, params, x, y))(wk, xb, yb)
        grads, agg_state, stats = agg.aggregate(jax.random.fold_in(k_agg, t), grads, agg_state)
        updates, opt_state = opt.update(grads, opt_state, params)
        return (optax.apply_updates(params, updates), opt_state, agg_state), \
            (stats["link_bits"], stats["bits"])

    @jax.jit
    @jax.vmap
    def chunk(carry, keys, start):
        carry, (link, bits) = jax.lax.scan(lambda cr, t: step(cr, t, keys), carry,
                                           start + jnp.arange(c.eval_every))
        params = carry[0]
        finite = jnp.all(jnp.stack([jnp.all(jnp.isfinite(x))
                                    for x in jax.tree_util.tree_leaves(params)]))
        return carry, (jnp.sum(link), jnp.sum(bits), finite,
                       model.metric(params, data.x_test, data.y_test),
                       model.loss(params, data.x_test, data.y_test))

    carry, keys = jax.vmap(init)(jnp.stack([jax.random.key(s) for s in range(c.seeds)]))
    link = np.zeros(c.seeds)
    bits = np.zeros(c.seeds)
    rows, timed, timed_steps = [], 0.0, 0
    for start in range(0, c.steps, c.eval_every):
        t0 = time.perf_counter()
        carry, out = chunk(carry, keys, jnp.full((c.seeds,), start))
        out = jax.block_until_ready(out)
        if start:          # the first chunk includes compilation
            timed += time.perf_counter() - t0
            timed_steps += c.eval_every
        link += np.asarray(out[0], np.float64)
        bits += np.asarray(out[1], np.float64)
        step_no = start + c.eval_every
        eps = (dp_epsilon(sigma, c.batch / n_train, step_no, DP_DELTA) if sigma
               else float("inf"))
        for s in range(c.seeds):
            rows.append({"label": METHODS[c.method], "seed": s, "step": step_no,
                         "test_accuracy": float(out[3][s]), "test_loss": float(out[4][s]),
                         "finite": bool(out[2][s]), "link_bits_cum": float(link[s]),
                         "payload_bits_cum": float(bits[s]), "epsilon": eps})
    per_step = timed / timed_steps if timed_steps else float("nan")
    for r in rows:
        r["sec_per_step"] = per_step
    return rows


def run(key, c: Config):
    del key      # seed s is jax.random.key(s) under every method: see the module docstring
    return train_curves(c)


# priority order (the runner resumes in grid order): the paper's comparison first, every model
PRIORITY = ("sgd", "lq_r2_b4", "psgd_r2", "topk10", "qsgd4", "lq_r1_b4", "psgd_r1", "signmv",
            "dp1", "prune90", "lq_r2_b2", "topk1", "lq_r4_b4", "psgd_r4", "lq_r2_b8", "dp05",
            "prune99")
assert sorted(PRIORITY) == sorted(METHODS)
GRID = [Config(m, meth) for meth in PRIORITY for m in MODELS]
QUICK = [Config(m, meth, steps=100, eval_every=50, seeds=2) for m, meth in
         (("mlp", "sgd"), ("mlp", "lq_r2_b4"), ("mlp", "dp1"), ("synth", "sgd"),
          ("synth", "psgd_r1"))]

EXPERIMENT = Experiment(
    name="compress_training",
    run=run,
    grid=GRID,
    quick=QUICK,
    claims=claims,
    version=2,
    description="accuracy vs link bits, steps and time to target: 17 methods x 3 models x 5 seeds",
)
