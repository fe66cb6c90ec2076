"""PowerSGD (Vogels, Karimireddy, Jaggi 2019, arXiv 1905.13727) and LQ-SGD (arXiv 2506.17974).

One power-iteration step per tensor, all workers together. A tensor with ``ndim >= 2`` is viewed
as an ``n x m`` matrix ``M`` (``n = shape[0]``); 1-D tensors and scalars go uncompressed (float
mean). With error feedback (the default, as in the paper) each worker compresses
``M'_w = M_w + E_w``:

1. ``P_w = M'_w Q``; all-reduce ``P = mean_w P_w``; orthogonalise ``P`` (Gram-Schmidt);
2. ``Q_w = M'_w^T P``; all-reduce ``Q = mean_w Q_w``;
3. everyone applies ``M^ = P Q^T``; ``E_w = M'_w - M^``; ``Q`` warm-starts the next step.

A worker sends ``r (n + m)`` floats per matrix instead of ``n m`` (rank ``r`` capped at
``min(n, m)``). Before ``start_after`` steps nothing is compressed (exact float mean, charged
``32 n m`` bits). If an all-reduced ``Q`` is exactly zero (zero gradient) the previous ``Q`` is
kept, so the warm start cannot get stuck at zero.

LQ-SGD quantises each worker's ``P_w`` and ``Q_w`` with the log codec of
:mod:`ccq.compress._logquant` before sending. Log codes are not additive, so the toolkit's
default (``aggregation="gather"``) all-gathers the codes (``b`` bits per entry plus one 32-bit
scale per factor per worker) and every receiver decodes and averages them: per-link cost
``(N - 1) S``. The alternative ``aggregation="float_allreduce"`` dequantises locally and
all-reduces 32-bit floats: ring cost ``2 (N - 1) S / N`` but with ``S`` counted at 32 bits per
entry, so the quantisation then saves nothing on the wire.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp

from .._core import check_finite, check_in_interval, check_int
from ._base import Compressor, _make
from ._logquant import log_levels, log_roundtrip
from ._simple import FLOAT_BITS, error_feedback

__all__ = ["power_sgd", "lq_sgd", "gram_schmidt"]

AGGREGATIONS = ("gather", "float_allreduce")


def gram_schmidt(p, eps: float = 1e-8, rtol: float = 1e-4):
    """Orthonormalise the columns of ``p`` (n x r) in order; dependent columns become zero.

    A column whose residual after projection is below ``rtol`` times its original norm is set
    to zero. Without this rank guard (epfml's version divides by ``norm + eps`` only), a
    rank-deficient ``P`` (rank-r PowerSGD on a gradient of rank < r, e.g. one sample's
    gradient) turns float32 rounding noise into a unit column that is not orthogonal to the
    others, and the decoded gradient is off by the size of the signal (found by ccq).

    Examples:
        >>> q = gram_schmidt(jnp.array([[3.0, 1.0], [4.0, 1.0]]))
        >>> bool(jnp.allclose(q.T @ q, jnp.eye(2), atol=1e-5))
        True
        >>> gram_schmidt(jnp.array([[1.0, 2.0], [1.0, 2.0]]))[:, 1].tolist()
        [0.0, 0.0]
    """
    if jnp.ndim(p) != 2:
        raise ValueError(f"p must be a matrix (rows, columns), got shape {jnp.shape(p)}")
    check_finite(p, "p")
    cols = []
    for i in range(p.shape[1]):
        col = p[:, i]
        start = jnp.sqrt(jnp.sum(col * col))
        for prev in cols:
            col = col - jnp.dot(prev, col) * prev
        norm = jnp.sqrt(jnp.sum(col * col))
        keep = norm > rtol * start
        cols.append(jnp.where(keep, col / (norm + eps), 0.0))
    return jnp.stack(cols, axis=1)


def _is_matrix(leaf) -> bool:
    return len(leaf.shape) >= 2


def _shape2(leaf):
    return leaf.shape[0], math.prod(leaf.shape[1:])


def _lowrank(name, rank, *, n_workers, warm_start, start_after, quantise, entry_bits,
             extra_bits, allreducible, key):
    rank = check_int(rank, "rank", minimum=1)
    start_after = check_int(start_after, "start_after", minimum=0)
    key = jax.random.key(0) if key is None else key

    def ranks(params):
        return [min(rank, *_shape2(x)) if _is_matrix(x) else 0
                for x in jax.tree_util.tree_leaves(params)]

    def phases(params):
        p_bits = q_bits = 0
        for leaf, r in zip(jax.tree_util.tree_leaves(params), ranks(params), strict=True):
            if r:
                n, m = _shape2(leaf)
                p_bits += entry_bits * r * n + extra_bits
                q_bits += entry_bits * r * m + extra_bits
            else:
                p_bits += FLOAT_BITS * math.prod(leaf.shape)
        return [p_bits, q_bits]

    def payload_bits(params):
        return sum(phases(params))

    def init_inner(params):
        return tuple(
            jax.random.normal(jax.random.fold_in(key, i), (_shape2(x)[1], r)) if r
            else jnp.zeros((0,))
            for i, (x, r) in enumerate(zip(jax.tree_util.tree_leaves(params), ranks(params),
                                           strict=True)))

    def round_fn(step_key, worker_updates, inner, count, ste=False):
        leaves, treedef = jax.tree_util.tree_flatten(worker_updates)
        one = [x[0] for x in leaves]
        compress = count >= start_after
        decoded, aggs, qs = [], [], []
        for i, (g, r) in enumerate(zip(leaves, ranks(one), strict=True)):
            exact = jnp.mean(g, axis=0)
            if not r:
                decoded.append(g)
                aggs.append(exact)
                qs.append(inner[i])
                continue
            nw = g.shape[0]
            n, m = _shape2(g[0])
            mat = g.reshape(nw, n, m)
            q0 = inner[i] if warm_start else jax.random.normal(
                jax.random.fold_in(step_key, i), (m, r))
            p_w = quantise(jnp.einsum("wnm,mr->wnr", mat, q0), ste)
            p = gram_schmidt(jnp.mean(p_w, axis=0))
            q_w = quantise(jnp.einsum("wnm,nr->wmr", mat, p), ste)
            q = jnp.mean(q_w, axis=0)
            approx = (p @ q.T).reshape(g.shape[1:])
            agg = jnp.where(compress, approx, exact)
            aggs.append(agg)
            decoded.append(jnp.where(compress, jnp.broadcast_to(approx[None], g.shape), g))
            keep = compress & jnp.any(q != 0)
            qs.append(jnp.where(keep, q, q0) if warm_start else inner[i])
        total = sum(math.prod(x.shape) for x in one) * FLOAT_BITS
        bits = jnp.where(compress, float(payload_bits(one)), float(total))
        return (jax.tree_util.tree_unflatten(treedef, decoded),
                jax.tree_util.tree_unflatten(treedef, aggs), tuple(qs), bits)

    return _make(name, init_inner=init_inner, round_fn=round_fn, allreducible=allreducible,
                 n_workers=n_workers, payload_bits=payload_bits, phases=phases, key=key)


def power_sgd(rank: int = 1, *, n_workers: int = 1, warm_start: bool = True,
              start_after: int = 0, feedback: bool = True, key=None) -> Compressor:
    """PowerSGD: rank-``r`` power iteration with all-reduced float factors (see module doc).

    Args:
        rank: target rank ``r``.
        n_workers: size of the leading worker axis.
        warm_start: reuse the previous step's ``Q`` (the paper's choice) instead of a fresh
            Gaussian ``Q`` every step.
        start_after: steps of uncompressed averaging before compression starts.
        feedback: wrap in :func:`error_feedback` (the paper's algorithm).
        key: PRNG key for the initial (or every, without warm start) ``Q``.

    Examples:
        >>> tx = power_sgd(1)
        >>> params = {"w": jnp.zeros((8, 4)), "b": jnp.zeros(4)}
        >>> tx.payload_bits(params)   # 32 * (1 * (8 + 4)) + 32 * 4
        512
        >>> u, v = jnp.arange(1.0, 9.0), jnp.array([1.0, -1.0, 2.0, 0.5])
        >>> g = {"w": jnp.outer(u, v)[None], "b": jnp.ones((1, 4))}
        >>> agg, _ = tx.update(g, tx.init(params))
        >>> bool(jnp.allclose(agg["w"], jnp.outer(u, v), rtol=1e-4))
        True
    """
    tx = _lowrank(f"powersgd_r{rank}", rank, n_workers=n_workers, warm_start=warm_start,
                  start_after=start_after, quantise=lambda x, ste: x, entry_bits=FLOAT_BITS,
                  extra_bits=0, allreducible=True, key=key)
    return _renamed(error_feedback(tx), tx.name) if feedback else tx


def lq_sgd(rank: int = 1, bits: int = 4, alpha: float = 10.0, *, n_workers: int = 1,
           aggregation: str = "gather", warm_start: bool = True, start_after: int = 0,
           feedback: bool = True, key=None) -> Compressor:
    """LQ-SGD: PowerSGD whose factors ``P_w, Q_w`` are log-quantised to ``bits`` bits.

    Args:
        rank: target rank ``r``.
        bits: code length ``b`` per factor entry (2..16).
        alpha: curvature of the log grid (``alpha -> 0`` is uniform; larger is finer near 0).
        n_workers: size of the leading worker axis.
        aggregation: ``"gather"`` (all-gather the codes; ``b r (n + m) + 64`` bits per matrix
            per worker) or ``"float_allreduce"`` (dequantise, all-reduce 32-bit floats).
        warm_start, start_after, feedback, key: as in :func:`power_sgd`.

    Examples:
        >>> tx = lq_sgd(rank=1, bits=4)
        >>> tx.payload_bits({"w": jnp.zeros((8, 4)), "b": jnp.zeros(4)})  # 4*12 + 2*32 + 32*4
        240
        >>> tx.allreducible
        False
    """
    check_in_interval(alpha, "alpha", 0, float("inf"))
    log_levels(bits)
    if aggregation not in AGGREGATIONS:
        raise ValueError(f"aggregation must be one of {AGGREGATIONS}, got {aggregation!r}")
    gather = aggregation == "gather"

    def quantise(x, ste):   # per worker, per factor: one scale each
        return jax.vmap(lambda t: log_roundtrip(t, bits, alpha, ste))(x)

    tx = _lowrank(f"lqsgd_r{rank}_b{bits}", rank, n_workers=n_workers, warm_start=warm_start,
                  start_after=start_after, quantise=quantise,
                  entry_bits=bits if gather else FLOAT_BITS,
                  extra_bits=FLOAT_BITS if gather else 0, allreducible=not gather, key=key)
    return _renamed(error_feedback(tx), tx.name) if feedback else tx


def _renamed(tx: Compressor, name: str) -> Compressor:
    tx.name = name
    return tx
