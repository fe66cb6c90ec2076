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
``32 n m`` bits). A column of the all-reduced ``Q`` that is exactly zero (zeroed by the rank
guard of :func:`gram_schmidt`, or a zero gradient) is re-seeded from the step's key for the
warm start: otherwise ``P = M Q`` would zero it again at every step and the compressor would
stay at a lower rank for good. A matrix whose compressed message is not ``min_compression_rate``
times smaller than the raw one is sent raw (torch's rule; default 2), like 1-D tensors.

Per worker (see :mod:`ccq.compress._base`): the P factors of all matrices and the raw tensors
travel in one all-reduce (or the codes in one all-gather), then the Q factors in a second.

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
from ._logquant import log_decode, log_encode, log_levels, log_roundtrip
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


def _lowrank(name, rank, *, n_workers, warm_start, start_after, codec, entry_bits,
             extra_bits, allreducible, key, min_compression_rate, axis_name, link):
    """``codec``: None (float factors), ``("roundtrip", f)`` (quantise locally, all-reduce
    floats) or ``("gather", encode, decode, dtype)`` (all-gather codes and one scale)."""
    rank = check_int(rank, "rank", minimum=1)
    start_after = check_int(start_after, "start_after", minimum=0)
    rate = check_in_interval(min_compression_rate, "min_compression_rate", 0, float("inf"),
                             closed="left")
    key = jax.random.key(0) if key is None else key

    def leaf_rank(x):
        """Rank used for ``x``; 0 sends it uncompressed (a vector, or compression does not pay:
        ``rate * compressed_bits >= raw_bits``, torch's ``min_compression_rate`` rule)."""
        if not _is_matrix(x):
            return 0
        n, m = _shape2(x)
        r = min(rank, n, m)
        compressed = entry_bits * r * (n + m) + 2 * extra_bits
        return r if rate * compressed < FLOAT_BITS * n * m else 0

    def ranks(params):
        return [leaf_rank(x) for x in jax.tree_util.tree_leaves(params)]

    def phases(params):
        p_bits = q_bits = 0
        for leaf, r in zip(jax.tree_util.tree_leaves(params), ranks(params), strict=True):
            if r:
                n, m = _shape2(leaf)
                p_bits += entry_bits * r * n + extra_bits
                q_bits += entry_bits * r * m + extra_bits
            else:
                p_bits += FLOAT_BITS * math.prod(leaf.shape)
        return [p_bits, q_bits] if q_bits else [p_bits]

    def payload_bits(params):
        return sum(phases(params))

    def init_inner(params):
        shared = tuple(
            jax.random.normal(jax.random.fold_in(key, i), (_shape2(x)[1], r)) if r
            else jnp.zeros((0,))
            for i, (x, r) in enumerate(zip(jax.tree_util.tree_leaves(params), ranks(params),
                                           strict=True)))
        return shared, ()

    def exchange(comm, factors, raw, ste):
        """Mean over workers of each factor (through the codec) and of each raw leaf."""
        if codec is not None and codec[0] == "gather":
            _, encode, decode, dtype = codec
            pairs = [encode(f, ste) for f in factors]
            out = []
            if pairs:
                codes = comm.gather(jnp.concatenate(
                    [c.reshape(-1) if ste else c.reshape(-1).astype(dtype) for c, _ in pairs]),
                    entry_bits)
                scales = comm.gather(jnp.stack([sc for _, sc in pairs]), FLOAT_BITS)
                offset = 0
                for j, f in enumerate(factors):
                    c = codes[:, offset:offset + f.size].astype(f.dtype).reshape(-1, *f.shape)
                    offset += f.size
                    out.append(comm.mean_workers(jax.vmap(decode)(c, scales[:, j])))
            floats = []
        else:
            if codec is not None:
                factors = [codec[1](f, ste) for f in factors]
            out, floats = [], factors
        parts = floats + list(raw)
        if parts:
            mean = comm.mean(jnp.concatenate([x.reshape(-1) for x in parts]))
            offset, got = 0, []
            for x in parts:
                got.append(mean[offset:offset + x.size].reshape(x.shape))
                offset += x.size
            out += got[:len(floats)]
            raw_means = got[len(floats):]
        else:
            raw_means = []
        return out, raw_means

    def worker_round(step_key, g, inner, count, comm, ste):
        shared, local = inner
        leaves, treedef = jax.tree_util.tree_flatten(g)
        rs = [leaf_rank(x) for x in leaves]
        mats = [i for i, r in enumerate(rs) if r]
        raws = [i for i, r in enumerate(rs) if not r]

        def fresh(i):
            return jax.random.normal(jax.random.fold_in(step_key, i), (_shape2(leaves[i])[1],
                                                                       rs[i]))

        def compressed(_):
            q0 = {i: shared[i] if warm_start else fresh(i) for i in mats}
            mat = {i: leaves[i].reshape(_shape2(leaves[i])) for i in mats}
            p_means, raw_means = exchange(comm, [mat[i] @ q0[i] for i in mats],
                                          [leaves[i] for i in raws], ste)
            ps = [gram_schmidt(p) for p in p_means]
            q_means, _ = exchange(comm, [mat[i].T @ p for i, p in zip(mats, ps, strict=True)],
                                  [], ste)
            decoded, agg, qs = list(leaves), [None] * len(leaves), list(shared)
            for i, p, q in zip(mats, ps, q_means, strict=True):
                approx = (p @ q.T).reshape(leaves[i].shape)
                decoded[i] = approx
                agg[i] = approx
                if warm_start:
                    # a column zeroed by the rank guard would stay zero in the warm start
                    # forever (P = M Q zeroes it again): re-seed dead columns from the key
                    dead = jnp.all(q == 0, axis=0, keepdims=True)
                    qs[i] = jnp.where(dead, fresh(i), q)
            for i, a in zip(raws, raw_means, strict=True):
                agg[i] = a
            return decoded, agg, tuple(qs)

        def exact(_):
            _, means = exchange(comm, [], leaves, ste)
            return list(leaves), means, tuple(shared)

        if start_after == 0:
            decoded, agg, qs = compressed(None)
        else:
            p0, l0 = comm.payload, comm.link_bits
            counts = []

            def counted(branch):
                def run(x):
                    before = comm.payload, comm.link_bits
                    out = comm.varying(branch(x))
                    counts.append((comm.payload - before[0], comm.link_bits - before[1]))
                    return out
                return run

            decoded, agg, qs = jax.lax.cond(count >= start_after, counted(compressed),
                                            counted(exact), None)
            (pc, lc), (pe, le) = counts
            comm.payload = (count >= start_after, (p0 + pc, l0 + lc), (p0 + pe, l0 + le))
        return (jax.tree_util.tree_unflatten(treedef, decoded),
                jax.tree_util.tree_unflatten(treedef, agg), (qs, local))

    return _make(name, init_inner=init_inner, worker_round=worker_round,
                 allreducible=allreducible, n_workers=n_workers, payload_bits=payload_bits,
                 phases=phases, key=key, axis_name=axis_name, link=link)


def power_sgd(rank: int = 1, *, n_workers: int = 1, warm_start: bool = True,
              start_after: int = 0, feedback: bool = True, key=None,
              min_compression_rate: float = 2.0, axis_name=None, link=None) -> Compressor:
    """PowerSGD: rank-``r`` power iteration with all-reduced float factors (see module doc).

    Args:
        rank: target rank ``r``.
        n_workers: size of the leading worker axis (stacked simulation).
        warm_start: reuse the previous step's ``Q`` (the paper's choice) instead of a fresh
            Gaussian ``Q`` every step.
        start_after: steps of uncompressed averaging before compression starts.
        feedback: wrap in :func:`error_feedback` (the paper's algorithm).
        key: PRNG key for the initial (or every, without warm start) ``Q``.
        min_compression_rate: a matrix is compressed only if its compressed message is this
            many times smaller than the raw one (torch's ``powerSGD_hook`` default, 2);
            otherwise it is sent uncompressed and counted so. 0 compresses every matrix.
        axis_name: run per device over this mapped axis (see :mod:`ccq.compress`).
        link: ring link of the all-reduces (default classical, 32-bit floats).

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
                  start_after=start_after, codec=None, entry_bits=FLOAT_BITS,
                  extra_bits=0, allreducible=True, key=key,
                  min_compression_rate=min_compression_rate, axis_name=axis_name, link=link)
    return _renamed(error_feedback(tx), tx.name) if feedback else tx


def lq_sgd(rank: int = 1, bits: int = 4, alpha: float = 10.0, *, n_workers: int = 1,
           aggregation: str = "gather", warm_start: bool = True, start_after: int = 0,
           feedback: bool = True, key=None, min_compression_rate: float = 2.0,
           axis_name=None, link=None) -> Compressor:
    """LQ-SGD: PowerSGD whose factors ``P_w, Q_w`` are log-quantised to ``bits`` bits.

    Args:
        rank: target rank ``r``.
        bits: code length ``b`` per factor entry (2..16).
        alpha: curvature of the log grid (``alpha -> 0`` is uniform; larger is finer near 0).
        n_workers: size of the leading worker axis.
        aggregation: ``"gather"`` (all-gather the codes; ``b r (n + m) + 64`` bits per matrix
            per worker) or ``"float_allreduce"`` (dequantise, all-reduce 32-bit floats).
        warm_start, start_after, feedback, key, min_compression_rate, axis_name, link: as in
            :func:`power_sgd` (the rate compares bits: ``b r (n + m) + 64`` against ``32 n m``).

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
    if gather:
        codec = ("gather", lambda x, ste: log_encode(x, bits, alpha, ste),
                 lambda c, s: log_decode(c, s, bits, alpha),
                 jnp.int8 if bits <= 8 else jnp.int16)
    else:
        codec = ("roundtrip", lambda x, ste: log_roundtrip(x, bits, alpha, ste))
    tx = _lowrank(f"lqsgd_r{rank}_b{bits}", rank, n_workers=n_workers, warm_start=warm_start,
                  start_after=start_after, codec=codec,
                  entry_bits=bits if gather else FLOAT_BITS,
                  extra_bits=FLOAT_BITS if gather else 0, allreducible=not gather, key=key,
                  min_compression_rate=min_compression_rate, axis_name=axis_name, link=link)
    return _renamed(error_feedback(tx), tx.name) if feedback else tx


def _renamed(tx: Compressor, name: str) -> Compressor:
    tx.name = name
    return tx
