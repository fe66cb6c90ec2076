"""Per-worker compressors on the flattened gradient: none, Top-k, QSGD, signSGD with majority vote.

Each worker flattens its gradient pytree to one vector of ``d`` entries, encodes it, and the
receivers decode every worker's message. Floats are 32 bits on the wire.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
from jax.flatten_util import ravel_pytree

from .._core import check_int
from ..train import tree_size
from ._base import Compressor, _make

__all__ = ["no_compression", "top_k", "qsgd", "sign_mv"]

FLOAT_BITS = 32


def _ste(x, fx, ste: bool):
    """``fx`` in the forward pass; with ``ste`` the gradient of the identity (straight through)."""
    return x + jax.lax.stop_gradient(fx - x) if ste else fx


def _flat_round(encode_decode, combine):
    """Round of a per-worker codec on flattened gradients: decode each, then ``combine``."""

    def round_fn(key, worker_updates, inner, count, ste=False):
        del count
        n = jax.tree_util.tree_leaves(worker_updates)[0].shape[0]
        one = jax.tree_util.tree_map(lambda x: x[0], worker_updates)
        _, unravel = ravel_pytree(one)
        flat = jax.vmap(lambda t: ravel_pytree(t)[0])(worker_updates)
        keys = jax.random.split(key, n)
        decoded = jax.vmap(lambda k, v: encode_decode(k, v, ste))(keys, flat)
        agg = combine(decoded, flat)
        return jax.vmap(unravel)(decoded), unravel(agg), inner, None

    return round_fn


def _with_bits(round_fn, bits_fn):
    def wrapped(key, worker_updates, inner, count, ste=False):
        decoded, agg, inner, _ = round_fn(key, worker_updates, inner, count, ste)
        one = jax.tree_util.tree_map(lambda x: x[0], worker_updates)
        return decoded, agg, inner, jnp.asarray(bits_fn(one), jnp.float32)

    return wrapped


def _mean(decoded, flat):
    del flat
    return jnp.mean(decoded, axis=0)


def no_compression(*, n_workers: int = 1) -> Compressor:
    """Plain SGD communication: 32-bit floats, averaged by a ring all-reduce.

    Examples:
        >>> tx = no_compression(n_workers=2)
        >>> g = {"w": jnp.array([[1.0, 2.0], [3.0, 4.0]])}
        >>> agg, state = tx.update(g, tx.init({"w": jnp.zeros(2)}))
        >>> agg["w"].tolist(), float(state.bits)
        ([2.0, 3.0], 64.0)
    """
    bits = lambda params: FLOAT_BITS * tree_size(params)  # noqa: E731
    round_fn = _with_bits(_flat_round(lambda k, v, ste: v, _mean), bits)
    return _make("sgd", init_inner=lambda p: (), round_fn=round_fn, allreducible=True,
                 n_workers=n_workers, payload_bits=bits)


def top_k(k: int, *, n_workers: int = 1) -> Compressor:
    """Keep the ``k`` largest-magnitude entries of each worker's flattened gradient.

    A message is ``k`` values and ``k`` indices: ``k (32 + ceil(log2 d))`` bits. Supports differ
    between workers, so the messages are all-gathered. Wrap in :func:`error_feedback` to keep
    the discarded mass (Stich et al. 2018, arXiv 1809.07599).

    Args:
        k: entries kept per worker (capped at ``d``).
        n_workers: size of the leading worker axis.

    Examples:
        >>> tx = top_k(1)
        >>> agg, state = tx.update({"w": jnp.array([[0.5, -2.0, 1.0]])}, tx.init(None))
        >>> agg["w"].tolist(), float(state.bits)
        ([0.0, -2.0, 0.0], 34.0)
    """
    k = check_int(k, "k", minimum=1)

    def encode_decode(key, v, ste):
        kk = min(k, v.shape[0])
        _, idx = jax.lax.top_k(jnp.abs(v), kk)
        mask = jnp.zeros_like(v).at[idx].set(1.0)
        return v * jax.lax.stop_gradient(mask) if ste else v * mask

    def bits(params):
        d = tree_size(params)
        return min(k, d) * (FLOAT_BITS + max(1, math.ceil(math.log2(d))))

    round_fn = _with_bits(_flat_round(encode_decode, _mean), bits)
    return _make(f"top_k{k}", init_inner=lambda p: (), round_fn=round_fn, allreducible=False,
                 n_workers=n_workers, payload_bits=bits)


def qsgd(levels: int = 4, bucket: int = 128, *, n_workers: int = 1, key=None) -> Compressor:
    """QSGD (Alistarh et al. 2017, arXiv 1610.02132): unbiased stochastic rounding to ``levels``.

    Per bucket of ``bucket`` entries with norm ``||v||``: ``Q(v_i) = ||v|| sign(v_i) l_i / s``
    where ``l_i`` rounds ``s |v_i| / ||v||`` up with probability equal to its fractional part,
    so ``E[Q(v)] = v``. Bits (plain fixed-length code, no Elias coding): one 32-bit norm per
    bucket plus ``1 + ceil(log2(s + 1))`` bits per entry. Norms differ per worker: all-gather.

    Examples:
        >>> tx = qsgd(levels=1, bucket=4)
        >>> agg, state = tx.update({"w": jnp.array([[3.0, 0.0, -4.0, 0.0]])}, tx.init(None))
        >>> sorted(set(agg["w"].tolist())) <= [-5.0, 0.0, 5.0], float(state.bits)
        (True, 40.0)
    """
    s = check_int(levels, "levels", minimum=1)
    bucket = check_int(bucket, "bucket", minimum=1)

    def encode_decode(key, v, ste):
        d = v.shape[0]
        pad = (-d) % bucket
        w = jnp.concatenate([v, jnp.zeros(pad, v.dtype)]).reshape(-1, bucket)
        norm = jnp.sqrt(jnp.sum(w * w, axis=1, keepdims=True))
        safe = jnp.where(norm > 0, norm, 1.0)
        scaled = s * jnp.abs(w) / safe
        low = jnp.floor(scaled)
        up = jax.random.uniform(key, w.shape) < (scaled - low)
        lev = _ste(scaled, low + up.astype(w.dtype), ste)
        out = jnp.where(norm > 0, norm * jnp.sign(w) * lev / s, 0.0)
        return out.reshape(-1)[:d]

    def bits(params):
        d = tree_size(params)
        return math.ceil(d / bucket) * FLOAT_BITS + d * (1 + math.ceil(math.log2(s + 1)))

    round_fn = _with_bits(_flat_round(encode_decode, _mean), bits)
    return _make(f"qsgd{s}", init_inner=lambda p: (), round_fn=round_fn, allreducible=False,
                 n_workers=n_workers, payload_bits=bits, key=key)


def sign_mv(*, n_workers: int = 1) -> Compressor:
    """signSGD with majority vote (Bernstein et al. 2018, arXiv 1802.04434), scaled.

    Each worker sends ``sign(g)`` (1 bit per entry) and its mean ``|g|`` (one 32-bit float); the
    aggregate is ``mean_scale * sign(sum_w sign(g_w))``. Worker ``w``'s decoded message is
    ``mean|g_w| sign(g_w)`` (the scaled sign of EF-signSGD, arXiv 1901.09847). The vote needs
    every sign (a running sum would need ``log2(N+1)`` bits per entry), so it is all-gathered.

    Examples:
        >>> tx = sign_mv(n_workers=3)
        >>> g = {"w": jnp.array([[1.0, -1.0], [1.0, 1.0], [-1.0, -1.0]])}
        >>> agg, state = tx.update(g, tx.init({"w": jnp.zeros(2)}))
        >>> agg["w"].tolist(), float(state.bits)
        ([1.0, -1.0], 34.0)
    """

    def encode_decode(key, v, ste):
        scale = jnp.mean(jnp.abs(v))
        return scale * _ste(v, jnp.sign(v), ste)

    def combine(decoded, flat):
        scale = jnp.mean(jnp.abs(flat))
        return scale * jnp.sign(jnp.sum(jnp.sign(decoded), axis=0))

    bits = lambda params: tree_size(params) + FLOAT_BITS  # noqa: E731
    round_fn = _with_bits(_flat_round(encode_decode, combine), bits)
    return _make("sign_mv", init_inner=lambda p: (), round_fn=round_fn, allreducible=False,
                 n_workers=n_workers, payload_bits=bits)


def error_feedback(tx: Compressor) -> Compressor:
    """Error feedback (Seide et al. 2014; Karimireddy et al. 2019, arXiv 1901.09847).

    Each worker adds its residual ``e_w`` to its gradient before compressing and keeps what the
    message did not carry: ``g_w + e_w = decoded_w + e_w'`` exactly (the invariant tested).

    Examples:
        >>> tx = error_feedback(top_k(1))
        >>> state = tx.init({"w": jnp.zeros(2)})
        >>> agg, state = tx.update({"w": jnp.array([[1.0, 0.5]])}, state)
        >>> agg["w"].tolist(), state.inner[0]["w"].tolist()
        ([1.0, 0.0], [[0.0, 0.5]])
    """
    if not isinstance(tx, Compressor):
        raise TypeError(f"tx must be a Compressor, got {type(tx).__name__}")
    n = tx.n_workers

    def init_inner(params):
        res = jax.tree_util.tree_map(lambda p: jnp.zeros((n, *p.shape), jnp.float32),
                                     params)
        return res, tx.init_inner(params)

    def round_fn(key, worker_updates, inner, count, ste=False):
        residual, sub = inner
        corrected = jax.tree_util.tree_map(jnp.add, worker_updates, residual)
        decoded, agg, sub, bits = tx.round(key, corrected, sub, count, ste)
        residual = jax.tree_util.tree_map(jnp.subtract, corrected, decoded)
        return decoded, agg, (residual, sub), bits

    return _make(f"ef_{tx.name}", init_inner=init_inner, round_fn=round_fn,
                 allreducible=tx.allreducible, n_workers=n, payload_bits=tx.payload_bits,
                 phases=tx.phases, key=tx.key)
