"""Data-parallel training with a pluggable gradient aggregation: the one place where classical,
compressed and quantum collectives differ.

N simulated workers each draw a batch, compute a gradient, and hand the stacked gradients
(leading worker axis) to an :class:`Aggregator`, which returns the gradient every worker applies
and what it put on the wire. Everything else (model, data, optimiser, keys) is identical across
runs, so curves differ only by the aggregation.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping

import jax
import jax.numpy as jnp
import numpy as np
import optax

from ._core import check_int, check_key
from .data import Dataset

__all__ = [
    "Model",
    "Aggregator",
    "mlp_classifier",
    "linear_regressor",
    "mean_aggregator",
    "train_data_parallel",
    "tree_size",
]


@dataclasses.dataclass(frozen=True)
class Model:
    """``init(key) -> params``, ``apply(params, x) -> outputs``, ``loss(params, x, y)``,
    ``metric(params, x, y)`` (accuracy for classifiers, negative MSE for regressors)."""

    init: Callable
    apply: Callable
    loss: Callable
    metric: Callable
    metric_name: str


@dataclasses.dataclass(frozen=True)
class Aggregator:
    """How workers combine gradients.

    ``init(params) -> state``; ``aggregate(key, worker_grads, state) -> (grads, state, stats)``
    where ``worker_grads`` has a leading axis of size N and ``stats`` is a dict of scalars,
    ``stats["bits"]`` being the bits each worker sent this step. Must be jittable.
    """

    init: Callable
    aggregate: Callable
    name: str = "aggregator"


def tree_size(tree) -> int:
    """Number of scalars in a pytree."""
    return sum(int(np.prod(leaf.shape)) for leaf in jax.tree_util.tree_leaves(tree))


def mean_aggregator(bits_per_entry: int = 32) -> Aggregator:
    """Exact averaging (what ``psum / N`` computes); each worker sends its full gradient."""

    def aggregate(key, worker_grads, state):
        del key
        grads = jax.tree_util.tree_map(lambda g: jnp.mean(g, axis=0), worker_grads)
        bits = bits_per_entry * tree_size(grads)
        return grads, state, {"bits": jnp.asarray(bits, jnp.float32)}

    return Aggregator(lambda params: (), aggregate, name="mean")


def mlp_classifier(n_features: int, n_classes: int, hidden: tuple[int, ...] = (32,)) -> Model:
    """A tanh MLP with softmax cross-entropy; params are a list of ``{"w", "b"}`` layers.

    Examples:
        >>> m = mlp_classifier(64, 10)
        >>> p = m.init(jax.random.key(0))
        >>> m.apply(p, jnp.zeros((3, 64))).shape
        (3, 10)
    """
    sizes = (n_features, *hidden, n_classes)

    def init(key):
        keys = jax.random.split(key, len(sizes) - 1)
        return [{"w": jax.random.normal(k, (a, b)) / jnp.sqrt(a), "b": jnp.zeros(b)}
                for k, a, b in zip(keys, sizes[:-1], sizes[1:], strict=True)]

    def apply(params, x):
        for layer in params[:-1]:
            x = jnp.tanh(x @ layer["w"] + layer["b"][None, :])
        return x @ params[-1]["w"] + params[-1]["b"][None, :]

    def loss(params, x, y):
        return optax.softmax_cross_entropy_with_integer_labels(apply(params, x), y).mean()

    def metric(params, x, y):
        return jnp.mean(jnp.argmax(apply(params, x), axis=-1) == y)

    return Model(init, apply, loss, metric, "accuracy")


def linear_regressor(n_features: int) -> Model:
    """Least squares ``x @ w + b``; the metric is the negative test MSE."""

    def init(key):
        return {"w": jnp.zeros(n_features), "b": jnp.zeros(())}

    def apply(params, x):
        return x @ params["w"] + params["b"]

    def loss(params, x, y):
        return jnp.mean((apply(params, x) - y) ** 2)

    return Model(init, apply, loss, lambda p, x, y: -loss(p, x, y), "neg_mse")


def train_data_parallel(
    key,
    model: Model,
    data: Dataset,
    *,
    aggregator: Aggregator,
    n_workers: int = 4,
    steps: int = 200,
    batch_size: int = 32,
    optimizer: optax.GradientTransformation | None = None,
    eval_every: int = 20,
) -> list[Mapping[str, float]]:
    """Train ``model`` on ``data`` with ``n_workers`` simulated workers; return tidy log rows.

    Each row: ``step``, ``train_loss`` (mean over the last ``eval_every`` steps), ``test_loss``,
    ``test_<metric>``, ``bits_per_worker`` (cumulative), plus the mean of every other stat the
    aggregator reports. Same key, same rows; the key fixes the init, batches and aggregator
    randomness, so two aggregators compared under one key see identical data.

    Raises:
        FloatingPointError: if the parameters become non-finite (reported with the step),
            instead of silently training on NaN.
    """
    check_key(key)
    n_workers = check_int(n_workers, "n_workers", minimum=1)
    steps = check_int(steps, "steps", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    eval_every = check_int(eval_every, "eval_every", minimum=1)
    optimizer = optimizer or optax.sgd(0.1)
    k_init, k_data, k_agg = jax.random.split(key, 3)
    params = model.init(k_init)
    opt_state = optimizer.init(params)
    agg_state = aggregator.init(params)
    n_train = data.x_train.shape[0]
    worker_grad = jax.vmap(jax.value_and_grad(model.loss), in_axes=(None, 0, 0))

    def step(carry, t):
        params, opt_state, agg_state = carry
        idx = jax.random.randint(jax.random.fold_in(k_data, t), (n_workers, batch_size), 0,
                                 n_train)
        losses, grads = worker_grad(params, data.x_train[idx], data.y_train[idx])
        grads, agg_state, stats = aggregator.aggregate(jax.random.fold_in(k_agg, t), grads,
                                                       agg_state)
        updates, opt_state = optimizer.update(grads, opt_state, params)
        params = optax.apply_updates(params, updates)
        return (params, opt_state, agg_state), {"train_loss": losses.mean(), **stats}

    @jax.jit
    def chunk(carry, start):
        return jax.lax.scan(step, carry, start + jnp.arange(eval_every))

    rows, bits, carry = [], 0.0, (params, opt_state, agg_state)
    for start in range(0, steps, eval_every):
        carry, logs = chunk(carry, start)
        params = carry[0]
        if not all(bool(jnp.all(jnp.isfinite(x))) for x in jax.tree_util.tree_leaves(params)):
            raise FloatingPointError(
                f"parameters became non-finite by step {start + eval_every} with aggregator "
                f"{aggregator.name!r}; lower the learning rate or check the aggregator"
            )
        bits += float(jnp.sum(logs["bits"]))
        extra = {k: float(jnp.mean(v)) for k, v in logs.items() if k not in ("bits",)}
        rows.append({
            "step": start + eval_every,
            **extra,
            "test_loss": float(model.loss(params, data.x_test, data.y_test)),
            f"test_{model.metric_name}": float(model.metric(params, data.x_test, data.y_test)),
            "bits_per_worker": bits,
        })
    return rows
