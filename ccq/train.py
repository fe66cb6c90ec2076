"""Data-parallel training with a pluggable gradient aggregation: the one place where classical,
compressed and quantum collectives differ.

N simulated workers each draw a batch, compute a gradient, and hand the stacked gradients
(leading worker axis) to an :class:`Aggregator`, which returns the gradient every worker applies
and what it put on the wire. Everything else (model, data, optimiser, keys) is identical across
runs, so curves differ only by the aggregation.

:func:`train_sharded` is the real data-parallel path: one worker per device of a mesh, each
device computes the gradient of its own shard of the batch, the parameters are replicated, and
one jitted ``jax.shard_map`` runs the steps, aggregating with ``psum``, ccq's ring (any link) or
a per-device compressor. It runs unchanged on several processes after
``jax.distributed.initialize()`` (the mesh then spans every process's devices). Under the same
key it draws the same batches and keys as :func:`train_data_parallel`, so the two agree.
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
    "train_sharded",
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


def _aggregation(aggregation, axis_name, n: int, params):
    """(init(params) -> state, step(key, g, state) -> (mean, state, payload_bits, link_bits))."""
    from jax.flatten_util import ravel_pytree

    from .collectives import Link, ring_allreduce
    from .compress import Compressor
    from .compress._base import _words_float

    size = tree_size(params)
    if isinstance(aggregation, Compressor):
        if aggregation.axis_name != axis_name:
            raise ValueError(f"the compressor must be built with axis_name={axis_name!r} (per "
                             f"device), got axis_name={aggregation.axis_name!r}")

        def step(key, g, state):
            mean, state = aggregation.update(g, state, key=key)
            return mean, state, _words_float(state.bits), _words_float(state.link_bits)

        return aggregation.init, step
    if aggregation == "psum":
        # counted as a ring all-reduce of float32 entries (what the ring sends, padding included)
        link_cost = Link().cost(n, size, 32).total

        def step(key, g, state):
            flat, unravel = ravel_pytree(g)
            return (unravel(jax.lax.psum(flat, axis_name) / n), state,
                    jnp.float32(32 * size), jnp.float32(link_cost.bits))

        return (lambda p: ()), step
    if aggregation == "ring" or isinstance(aggregation, Link) or aggregation == "superdense":
        link = "classical" if aggregation == "ring" else aggregation
        from .collectives._ring import _as_link
        link = _as_link(link)
        cost = link.cost(n, size, 32)
        per_entry = 32 if link.bits is None else link.bits

        def step(key, g, state):
            flat, unravel = ravel_pytree(g)
            total = ring_allreduce(flat, axis_name, link, key=key)
            return (unravel(total / n), state, jnp.float32(per_entry * size),
                    jnp.float32(cost.total.bits + cost.total.qubits))

        return (lambda p: ()), step
    raise ValueError(f"aggregation must be 'psum', 'ring', 'superdense', a ccq Link or a "
                     f"per-device ccq.compress Compressor, got {aggregation!r}")


def train_sharded(
    key,
    model: Model,
    data: Dataset,
    *,
    aggregation="psum",
    mesh: jax.sharding.Mesh | None = None,
    axis_name: str = "data",
    steps: int = 200,
    batch_size: int = 32,
    optimizer: optax.GradientTransformation | None = None,
    eval_every: int = 20,
) -> list[Mapping[str, float]]:
    """Data-parallel training, one worker per device of ``mesh`` (all devices of all processes
    by default), in one jitted ``shard_map``; return tidy log rows.

    Every device keeps a replica of the parameters and the optimiser state and its own
    aggregation state (a compressor's residuals); at step ``t`` it draws its own
    ``batch_size`` rows (row ``i`` of ``randint(fold_in(k_data, t), (N, batch_size))`` for
    device ``i``: the same batches :func:`train_data_parallel` gives worker ``i``), computes
    the gradient, and the aggregation averages it over the mesh axis.

    Args:
        key: PRNG key (init, batches, aggregation keys: split as in train_data_parallel).
        model, data: as in :func:`train_data_parallel` (the dataset is in every process).
        aggregation: ``"psum"``, ``"ring"`` (ccq's classical ring), ``"superdense"`` or a
            :class:`ccq.collectives.Link` (ccq's ring over that link), or a compressor built
            with ``axis_name=axis_name`` (``lq_sgd(1, 4, axis_name="data")``).
        mesh: a 1-D mesh whose axis is ``axis_name``; default ``jax.make_mesh`` over all
            devices.
        steps, batch_size (per device), optimizer, eval_every: as in train_data_parallel.

    Rows: ``step``, ``train_loss`` (mean over devices and the last ``eval_every`` steps),
    ``test_loss``, ``test_<metric>`` (device 0's replica in this process), ``bits_per_worker``
    (cumulative payload), ``link_bits`` (mean channel uses per directed link and step) and
    ``replica_disagreement`` (max abs(replica - this process's first replica) over the
    parameters: nonzero only with a noisy link).

    Raises:
        FloatingPointError: if the parameters become non-finite.

    Examples:
        >>> from ccq.data import linear_regression
        >>> data = linear_regression(jax.random.key(0), n=128, d=4, noise=0.01)
        >>> rows = train_sharded(jax.random.key(1), linear_regressor(4), data, steps=20,
        ...                      eval_every=10)
        >>> [r["step"] for r in rows], rows[-1]["test_neg_mse"] > -0.5
        ([10, 20], True)
    """
    from jax.sharding import PartitionSpec as P

    from .compress._base import _varying

    check_key(key)
    steps = check_int(steps, "steps", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    eval_every = check_int(eval_every, "eval_every", minimum=1)
    if mesh is None:
        mesh = jax.make_mesh((jax.device_count(),), (axis_name,))
    if tuple(mesh.axis_names) != (axis_name,):
        raise ValueError(f"mesh must be 1-D with axis {axis_name!r}, got {mesh.axis_names}")
    n = mesh.devices.size
    optimizer = optimizer or optax.sgd(0.1)
    k_init, k_data, k_agg = jax.random.split(key, 3)
    template = jax.eval_shape(model.init, k_init)
    agg_init, agg_step = _aggregation(aggregation, axis_name, n, template)
    n_train = data.x_train.shape[0]
    x_train, y_train = jnp.asarray(data.x_train), jnp.asarray(data.y_train)
    value_and_grad = jax.value_and_grad(model.loss)
    local = lambda tree: jax.tree_util.tree_map(lambda x: x[0], tree)  # noqa: E731
    stack = lambda tree: jax.tree_util.tree_map(lambda x: x[None], tree)  # noqa: E731

    def init_body(_):
        params = model.init(k_init)
        return stack((params, optimizer.init(params), agg_init(params)))

    def step(carry, t):
        params, opt_state, agg_state = carry
        i = jax.lax.axis_index(axis_name)
        idx = jax.random.randint(jax.random.fold_in(k_data, t), (n, batch_size), 0, n_train)[i]
        loss, grads = value_and_grad(params, x_train[idx], y_train[idx])
        grads, agg_state, bits, link = agg_step(jax.random.fold_in(k_agg, t), grads, agg_state)
        updates, opt_state = optimizer.update(grads, opt_state, params)
        params = optax.apply_updates(params, updates)
        logs = {"train_loss": jax.lax.pmean(loss, axis_name), "bits": bits, "link_bits": link}
        # the carry entered the map sharded (varying); keep its type for scan
        return _varying((params, opt_state, agg_state), axis_name), logs

    def chunk_body(carry, start):
        carry, logs = jax.lax.scan(step, local(carry), start + jnp.arange(eval_every))
        return stack(carry), stack(logs)

    spec = P(axis_name)
    init_fn = jax.jit(jax.shard_map(init_body, mesh=mesh, in_specs=P(), out_specs=spec))
    chunk = jax.jit(jax.shard_map(chunk_body, mesh=mesh, in_specs=(spec, P()), out_specs=spec))
    carry = init_fn(np.zeros((), np.float32))   # numpy: replicated on every process

    def mine(tree):
        """This process's first replica (multi-process arrays are not fully addressable)."""
        return jax.tree_util.tree_map(lambda a: np.asarray(a.addressable_shards[0].data)[0],
                                      tree)

    rows, bits = [], 0.0
    for start in range(0, steps, eval_every):
        carry, logs = chunk(carry, np.int32(start))
        params = mine(carry[0])
        if not all(bool(np.all(np.isfinite(x))) for x in jax.tree_util.tree_leaves(params)):
            raise FloatingPointError(
                f"parameters became non-finite by step {start + eval_every} with aggregation "
                f"{aggregation!r}; lower the learning rate or check the aggregation")
        logs = mine(logs)
        disagreement = max(
            (float(np.max(np.abs(np.asarray(s.data)[0] - p)))
             for leaf, p in zip(jax.tree_util.tree_leaves(carry[0]),
                                jax.tree_util.tree_leaves(params), strict=True)
             for s in leaf.addressable_shards), default=0.0)
        bits += float(np.sum(logs["bits"], dtype=np.float64))
        rows.append({
            "step": start + eval_every,
            "train_loss": float(np.mean(logs["train_loss"])),
            "link_bits": float(np.mean(logs["link_bits"])),
            "replica_disagreement": disagreement,
            "test_loss": float(model.loss(params, data.x_test, data.y_test)),
            f"test_{model.metric_name}": float(model.metric(params, data.x_test, data.y_test)),
            "bits_per_worker": bits,
        })
    return rows
