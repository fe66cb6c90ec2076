"""Per-worker compressors on the flattened gradient: none, Top-k, QSGD, signSGD with majority vote.

Each worker flattens its gradient pytree to one vector of ``d`` entries, encodes it, and sends
the codes (all-gathered: integer codes, 32-bit floats for values, norms and scales); every
receiver decodes every worker's message. Uncompressed floats are ring all-reduced.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
from jax.flatten_util import ravel_pytree

from .._core import check_int
from ..train import tree_size
from ._base import Compressor, _make, bit_count  # noqa: F401  (doctests)

__all__ = ["no_compression", "top_k", "qsgd", "sign_mv"]

FLOAT_BITS = 32


def _ste(x, fx, ste: bool):
    """``fx`` in the forward pass; with ``ste`` the gradient of the identity (straight through)."""
    return x + jax.lax.stop_gradient(fx - x) if ste else fx


def _code(x, ste: bool, dtype):
    """Codes cross the wire as integers; straight-through codes stay floats (differentiable)."""
    return x if ste else x.astype(dtype)


def no_compression(*, n_workers: int = 1, axis_name=None, link=None) -> Compressor:
    """Plain SGD communication: 32-bit floats, averaged by a ring all-reduce.

    Examples:
        >>> tx = no_compression(n_workers=2)
        >>> g = {"w": jnp.array([[1.0, 2.0], [3.0, 4.0]])}
        >>> agg, state = tx.update(g, tx.init({"w": jnp.zeros(2)}))
        >>> agg["w"].tolist(), bit_count(state.bits)
        ([2.0, 3.0], 64)
    """
    bits = lambda params: FLOAT_BITS * tree_size(params)  # noqa: E731

    def worker_round(key, g, inner, count, comm, ste):
        flat, unravel = ravel_pytree(g)
        return g, unravel(comm.mean(flat)), inner

    return _make("sgd", init_inner=lambda p: ((), ()), worker_round=worker_round,
                 allreducible=True, n_workers=n_workers, payload_bits=bits,
                 axis_name=axis_name, link=link)


def top_k(k: int, *, n_workers: int = 1, axis_name=None, link=None) -> Compressor:
    """Keep the ``k`` largest-magnitude entries of each worker's flattened gradient.

    A message is ``k`` values and ``k`` indices: ``k (32 + ceil(log2 d))`` bits. Supports differ
    between workers, so the messages are all-gathered. Wrap in :func:`error_feedback` to keep
    the discarded mass (Stich et al. 2018, arXiv 1809.07599).

    Args:
        k: entries kept per worker (capped at ``d``).
        n_workers: size of the leading worker axis (stacked simulation).
        axis_name: run per device over this mapped axis instead (see :mod:`ccq.compress`).
        link: ring link of the collectives (default classical).

    Examples:
        >>> tx = top_k(1)
        >>> state = tx.init({"w": jnp.zeros(3)})
        >>> agg, state = tx.update({"w": jnp.array([[0.5, -2.0, 1.0]])}, state)
        >>> agg["w"].tolist(), bit_count(state.bits)
        ([0.0, -2.0, 0.0], 34)
    """
    k = check_int(k, "k", minimum=1)

    def index_bits(d):
        return max(1, math.ceil(math.log2(d)))

    def worker_round(key, g, inner, count, comm, ste):
        v, unravel = ravel_pytree(g)
        d = v.shape[0]
        kk = min(k, d)
        _, idx = jax.lax.top_k(jnp.abs(v), kk)
        mask = jnp.zeros_like(v).at[idx].set(1.0)
        decoded = v * jax.lax.stop_gradient(mask) if ste else v * mask
        vals = comm.gather(v[idx], FLOAT_BITS)
        where = comm.gather(idx.astype(jnp.int32), index_bits(d))
        agg = jnp.zeros_like(v).at[where.reshape(-1)].add(vals.reshape(-1)) / comm.n
        return unravel(decoded), unravel(agg), inner

    def bits(params):
        d = tree_size(params)
        return min(k, d) * (FLOAT_BITS + index_bits(d))

    return _make(f"top_k{k}", init_inner=lambda p: ((), ()), worker_round=worker_round,
                 allreducible=False, n_workers=n_workers, payload_bits=bits,
                 axis_name=axis_name, link=link)


def qsgd(levels: int = 4, bucket: int = 128, *, n_workers: int = 1, key=None, axis_name=None,
         link=None) -> Compressor:
    """QSGD (Alistarh et al. 2017, arXiv 1610.02132): unbiased stochastic rounding to ``levels``.

    Per bucket of ``bucket`` entries with norm ``||v||``: ``Q(v_i) = ||v|| sign(v_i) l_i / s``
    where ``l_i`` rounds ``s |v_i| / ||v||`` up with probability equal to its fractional part,
    so ``E[Q(v)] = v``. Bits (plain fixed-length code, no Elias coding): one 32-bit norm per
    bucket plus ``1 + ceil(log2(s + 1))`` bits per entry. Norms differ per worker: all-gather.
    Worker ``w`` rounds with ``split(key, N)[w]``.

    Examples:
        >>> tx = qsgd(levels=1, bucket=4)
        >>> g = {"w": jnp.array([[3.0, 0.0, -4.0, 0.0]])}
        >>> agg, state = tx.update(g, tx.init({"w": jnp.zeros(4)}))
        >>> sorted(set(agg["w"].tolist())) <= [-5.0, 0.0, 5.0], bit_count(state.bits)
        (True, 40)
    """
    s = check_int(levels, "levels", minimum=1)
    bucket = check_int(bucket, "bucket", minimum=1)
    level_bits = 1 + math.ceil(math.log2(s + 1))

    def worker_round(key, g, inner, count, comm, ste):
        v, unravel = ravel_pytree(g)
        d = v.shape[0]
        k = jax.random.split(key, comm.n)[comm.index]
        pad = (-d) % bucket
        w = jnp.concatenate([v, jnp.zeros(pad, v.dtype)]).reshape(-1, bucket)
        norm = jnp.sqrt(jnp.sum(w * w, axis=1, keepdims=True))
        safe = jnp.where(norm > 0, norm, 1.0)
        scaled = s * jnp.abs(w) / safe
        low = jnp.floor(scaled)
        up = jax.random.uniform(k, w.shape) < (scaled - low)
        signed = jnp.sign(w) * _ste(scaled, low + up.astype(w.dtype), ste)

        def decode(nrm, code):
            return jnp.where(nrm > 0, nrm * code / s, 0.0).reshape(-1)[:d]

        decoded = decode(norm, signed)
        norms = comm.gather(norm, FLOAT_BITS)
        codes = comm.gather(_code(signed.reshape(-1)[:d], ste, jnp.int32), level_bits)
        codes = jnp.pad(codes, ((0, 0), (0, pad))).reshape(comm.n, -1, bucket)
        agg = comm.mean_workers(jax.vmap(decode)(norms, codes.astype(norms.dtype)))
        return unravel(decoded), unravel(agg), inner

    def bits(params):
        d = tree_size(params)
        return math.ceil(d / bucket) * FLOAT_BITS + d * level_bits

    return _make(f"qsgd{s}", init_inner=lambda p: ((), ()), worker_round=worker_round,
                 allreducible=False, n_workers=n_workers, payload_bits=bits, key=key,
                 axis_name=axis_name, link=link)


def sign_mv(*, n_workers: int = 1, axis_name=None, link=None) -> Compressor:
    """signSGD with majority vote (Bernstein et al. 2018, arXiv 1802.04434), scaled.

    Each worker sends ``sign(g)`` (1 bit per entry) and its mean ``|g|`` (one 32-bit float); the
    aggregate is ``mean_scale * sign(sum_w sign(g_w))``. Worker ``w``'s decoded message is
    ``mean|g_w| sign(g_w)`` (the scaled sign of EF-signSGD, arXiv 1901.09847). The vote needs
    every sign (a running sum would need ``log2(N+1)`` bits per entry), so it is all-gathered.

    Examples:
        >>> tx = sign_mv(n_workers=3)
        >>> g = {"w": jnp.array([[1.0, -1.0], [1.0, 1.0], [-1.0, -1.0]])}
        >>> agg, state = tx.update(g, tx.init({"w": jnp.zeros(2)}))
        >>> agg["w"].tolist(), bit_count(state.bits)
        ([1.0, -1.0], 34)
    """

    def worker_round(key, g, inner, count, comm, ste):
        v, unravel = ravel_pytree(g)
        scale = jnp.mean(jnp.abs(v))
        sign = _ste(v, jnp.sign(v), ste)
        signs = comm.gather(_code(sign, ste, jnp.int8), 1)
        scales = comm.gather(scale, FLOAT_BITS)
        agg = jnp.mean(scales) * jnp.sign(comm.sum_workers(signs.astype(v.dtype)))
        return unravel(scale * sign), unravel(agg), inner

    bits = lambda params: tree_size(params) + FLOAT_BITS  # noqa: E731
    return _make("sign_mv", init_inner=lambda p: ((), ()), worker_round=worker_round,
                 allreducible=False, n_workers=n_workers, payload_bits=bits,
                 axis_name=axis_name, link=link)


def error_feedback(tx: Compressor) -> Compressor:
    """Error feedback (Seide et al. 2014; Karimireddy et al. 2019, arXiv 1901.09847).

    Each worker adds its residual ``e_w`` to its gradient before compressing and keeps what the
    message did not carry: ``g_w + e_w = decoded_w + e_w'`` exactly (the invariant tested).
    The residual is the first part of the per-worker buffers: ``state.inner[1][0]``.

    Examples:
        >>> tx = error_feedback(top_k(1))
        >>> state = tx.init({"w": jnp.zeros(2)})
        >>> agg, state = tx.update({"w": jnp.array([[1.0, 0.5]])}, state)
        >>> agg["w"].tolist(), state.inner[1][0]["w"].tolist()
        ([1.0, 0.0], [[0.0, 0.5]])
    """
    if not isinstance(tx, Compressor):
        raise TypeError(f"tx must be a Compressor, got {type(tx).__name__}")

    def init_inner(params):
        shared, local = tx.init_inner(params)
        res = jax.tree_util.tree_map(lambda p: jnp.zeros(jnp.shape(p), jnp.float32), params)
        return shared, (res, local)

    def worker_round(key, g, inner, count, comm, ste):
        shared, (residual, local) = inner
        corrected = jax.tree_util.tree_map(jnp.add, g, residual)
        decoded, agg, (shared, local) = tx.worker_round(key, corrected, (shared, local), count,
                                                        comm, ste)
        residual = jax.tree_util.tree_map(jnp.subtract, corrected, decoded)
        return decoded, agg, (shared, (residual, local))

    return _make(f"ef_{tx.name}", init_inner=init_inner, worker_round=worker_round,
                 allreducible=tx.allreducible, n_workers=tx.n_workers,
                 payload_bits=tx.payload_bits, phases=tx.phases, key=tx.key,
                 axis_name=tx.axis_name, link=tx.link)
