"""The shape every compressor shares: an optax transformation over worker-stacked gradients.

A compressor is an :class:`optax.GradientTransformationExtraArgs` whose ``update`` takes the
gradients of ``N`` workers stacked on a leading axis and returns the gradient every worker
applies after the communication round (no worker axis). It is therefore the first link of an
optax chain: ``optax.chain(power_sgd(2, n_workers=4), optax.sgd(0.1))``.

Its state (:class:`CompressState`) holds the step count, the PRNG key (stochastic transforms
keep their key, as in optax), the bits each worker put on the wire this step and in total, the
number of skipped steps, and the compressor's own buffers.

Every compressor also exposes ``round(key, worker_updates, inner, count, ste=False)``: the raw
communication round, returning each worker's decoded message (what a receiver reconstructs from
that worker), the aggregate, the new buffers and the payload bits. :func:`error_feedback`
and the adaptive gradient-inversion attacker are built on it; ``ste=True`` replaces rounding,
signs and selections by straight-through versions so an attacker can optimise through them.

Non-finite input (the documented safe result): if any worker's gradient holds NaN or inf, the
step is skipped: the aggregate is zero, all buffers keep their old values, ``skipped`` counts it
and no bits are charged. A compressor never turns a finite gradient into NaN.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax

from .._core import check_int, check_key

__all__ = ["Compressor", "CompressState", "as_aggregator", "worker_axis", "link_bits"]


class CompressState(NamedTuple):
    """State of every compressor.

    Attributes:
        count: steps taken (int32).
        key: PRNG key; step ``t`` uses ``fold_in(key, t)`` unless ``update`` is given a key.
        bits: payload bits each worker sent this step (float32).
        total_bits: cumulative payload bits per worker (float32).
        skipped: steps skipped because some worker's gradient was not finite.
        inner: the compressor's buffers (residuals, warm-start factors).
    """

    count: jax.Array
    key: jax.Array
    bits: jax.Array
    total_bits: jax.Array
    skipped: jax.Array
    inner: Any


class Compressor(optax.GradientTransformationExtraArgs):
    """An optax transformation with a communication round and its accounting.

    Built by the factories of :mod:`ccq.compress`; the attributes are set by :func:`_make`.

    Attributes:
        name: label used in results.
        allreducible: True if the messages of different workers can be summed on the way
            (ring all-reduce, per-link ``2 (N - 1) S / N``); False if receivers need every
            worker's message (all-gather, per-link ``(N - 1) S``).
        n_workers: the size of the leading worker axis ``update`` expects.
        round: the raw communication round (see the module docstring).
        payload_bits: ``payload_bits(params) -> int``, the bits one worker sends in one
            compressed step (static: shapes and hyperparameters only).
        phases: ``phases(params) -> list[int]``, payload bits of each sequential collective
            of one step (PowerSGD: the P round then the Q round).
    """


def worker_axis(tree, n_workers: int) -> int:
    """Check that every leaf of ``tree`` has a leading worker axis of size ``n_workers``."""
    for leaf in jax.tree_util.tree_leaves(tree):
        if leaf.ndim == 0 or leaf.shape[0] != n_workers:
            raise ValueError(
                f"worker_updates must have a leading worker axis of size n_workers={n_workers}, "
                f"got a leaf of shape {leaf.shape}"
            )
    return n_workers


def _finite(tree) -> jax.Array:
    leaves = jax.tree_util.tree_leaves(tree)
    return jnp.all(jnp.stack([jnp.all(jnp.isfinite(x)) for x in leaves]))


def _make(
    name: str,
    *,
    init_inner: Callable,
    round_fn: Callable,
    allreducible: bool,
    n_workers: int,
    payload_bits: Callable,
    phases: Callable | None = None,
    key=None,
) -> Compressor:
    """Wrap a communication round into a :class:`Compressor`."""
    n_workers = check_int(n_workers, "n_workers", minimum=1)
    key = jax.random.key(0) if key is None else check_key(key)

    def init(params):
        zero = jnp.zeros((), jnp.float32)
        return CompressState(jnp.zeros((), jnp.int32), key, zero, zero, jnp.zeros((), jnp.int32),
                             init_inner(params))

    def update(updates, state, params=None, *, key=None, **extra):
        del params, extra
        worker_axis(updates, n_workers)
        k = jax.random.fold_in(state.key, state.count) if key is None else key
        ok = _finite(updates)
        safe = jax.tree_util.tree_map(lambda g: jnp.where(ok, g, jnp.zeros_like(g)), updates)
        _, agg, inner, bits = round_fn(k, safe, state.inner, state.count)
        agg = jax.tree_util.tree_map(lambda a: jnp.where(ok, a, jnp.zeros_like(a)), agg)
        inner = jax.tree_util.tree_map(lambda new, old: jnp.where(ok, new, old), inner,
                                       state.inner)
        bits = jnp.where(ok, jnp.asarray(bits, jnp.float32), 0.0)
        new = CompressState(state.count + 1, state.key, bits, state.total_bits + bits,
                            state.skipped + jnp.where(ok, 0, 1).astype(jnp.int32), inner)
        return agg, new

    tx = Compressor(init, update)
    tx.name = name
    tx.allreducible = allreducible
    tx.n_workers = n_workers
    tx.key = key
    tx.round = round_fn
    tx.init_inner = init_inner
    tx.payload_bits = payload_bits
    tx.phases = phases or (lambda params: [payload_bits(params)])
    return tx


def link_bits(tx: Compressor, params, n_workers: int | None = None) -> int:
    """Bits on one directed ring link per compressed step (``ccq.ring_cost`` per phase).

    All-reducible compressors run a ring all-reduce per phase (``2 (N - 1) ceil(S / N)``);
    the others an all-gather (``(N - 1) S``: the payload grows with N).

    Examples:
        >>> from ccq.compress import top_k
        >>> params = {"w": jnp.zeros(1000)}
        >>> tx = top_k(10, n_workers=4)
        >>> tx.payload_bits(params), link_bits(tx, params)
        (420, 1260)
    """
    from ..collectives import ring_cost

    n = tx.n_workers if n_workers is None else check_int(n_workers, "n_workers", minimum=1)
    phase = "allreduce" if tx.allreducible else "all_gather"
    return sum(ring_cost(n, s, phase=phase).per_link.bits for s in tx.phases(params))


def as_aggregator(tx: Compressor):
    """Adapt a compressor to :class:`ccq.train.Aggregator` for ``train_data_parallel``.

    The stats are ``bits`` (payload bits per worker this step), ``link_bits`` (ring bits per
    directed link this step) and ``skipped``.
    """
    if not isinstance(tx, Compressor):
        raise TypeError(f"tx must be a Compressor, got {type(tx).__name__}")
    from ..train import Aggregator, tree_size

    def init(params):
        state = tx.init(params)
        full = link_bits(tx, params)
        from ..collectives import ring_cost
        plain = ring_cost(tx.n_workers, 32 * tree_size(params)).per_link.bits
        return state, jnp.asarray(full, jnp.float32), jnp.asarray(plain, jnp.float32), \
            jnp.asarray(tx.payload_bits(params), jnp.float32)

    def aggregate(key, worker_grads, state):
        inner, full, plain, payload = state
        grads, inner = tx.update(worker_grads, inner, key=key)
        # before start_after (or when skipped) the payload differs from the compressed one
        compressed = inner.bits == payload
        link = jnp.where(compressed, full, jnp.where(inner.bits > 0, plain, 0.0))
        stats = {"bits": inner.bits, "link_bits": link, "skipped": inner.skipped}
        return grads, (inner, full, plain, payload), stats

    return Aggregator(init, aggregate, name=tx.name)
