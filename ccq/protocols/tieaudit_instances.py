"""TieAudit instances: random matchings, and sign patterns with a prescribed agreement.

An instance is ``(x, matching, w)``: signs ``x`` in {+-1}^P (int8), a matching of shape (m, 2)
(int32, disjoint pairs) and relations ``w`` in {+-1}^m (int8). Its agreement is the fraction of
edges e = (i, j) with ``x_i x_j = w_e``. :func:`instance` makes the agreement as close to the
promise boundary as integrality allows: ``agreements(m, eps, True) = ceil(m (1/2 + eps))`` edges
agree in a consistent instance, ``m - that`` in a violated one (exactly ``1/2 +- eps`` whenever
``m (1/2 + eps)`` is an integer). ``eps = 1/2`` is the Boolean Hidden Matching promise: every
edge agrees (``Mx = w``) or every edge disagrees (``Mx = -w``).
"""

from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp

from .._core import check_in_interval, check_int, check_key

__all__ = ["matching_size", "random_matching", "agreements", "agreement", "instance",
           "instances", "bhm_instance"]

_TOL = 1e-9   # float slack when m (1/2 + eps) is an integer up to rounding


def matching_size(P: int, alpha: float = 1.0) -> int:
    """Edges of an alpha-partial matching on P vertices: ``floor(alpha P / 2)``.

    Raises:
        ValueError: if ``alpha = 1`` (perfect) and P is odd, or if there would be no edge.

    Examples:
        >>> matching_size(16), matching_size(16, 0.5)
        (8, 4)
    """
    P = check_int(P, "P", minimum=2)
    alpha = check_in_interval(alpha, "alpha", 0, 1, closed="right")
    if alpha == 1 and P % 2:
        raise ValueError(f"a perfect matching needs an even number of parameters P, got P={P}")
    m = math.floor(alpha * P / 2 + _TOL)
    if m < 1:
        raise ValueError(f"alpha={alpha} leaves no edge on P={P} vertices (floor(alpha P/2) = 0)")
    return m


def random_matching(key, P: int, alpha: float = 1.0):
    """A uniformly random alpha-partial matching: int32 array of shape (floor(alpha P/2), 2).

    Examples:
        >>> M = random_matching(jax.random.key(0), 8)
        >>> M.shape, sorted(M.ravel().tolist()) == list(range(8))
        ((4, 2), True)
    """
    check_key(key)
    m = matching_size(P, alpha)
    perm = jax.random.permutation(key, P).astype(jnp.int32)
    return perm[: 2 * m].reshape(m, 2)


def agreements(m: int, eps: float, consistent: bool) -> int:
    """Agreeing edges of the boundary instance: ``ceil(m(1/2+eps))`` or ``m - ceil(m(1/2+eps))``.

    Examples:
        >>> agreements(10, 0.1, True), agreements(10, 0.1, False), agreements(7, 0.5, False)
        (6, 4, 0)
    """
    m = check_int(m, "m", minimum=1)
    eps = check_in_interval(eps, "eps", 0, 0.5, closed="right")
    yes = min(m, math.ceil(m * (0.5 + eps) - _TOL))
    return yes if consistent else m - yes


def agreement(x, matching, w):
    """Fraction of edges (i, j) with ``sign(x_i) sign(x_j) = w_e`` (zeros count as +1).

    Examples:
        >>> agreement(jnp.array([1, -1, 1, 1]), jnp.array([[0, 1], [2, 3]]), jnp.array([1, 1]))
        Array(0.5, dtype=float32)
    """
    s = jnp.where(jnp.asarray(x) >= 0, 1, -1)
    par = s[matching[:, 0]] * s[matching[:, 1]]
    return jnp.mean((par == jnp.asarray(w)).astype(jnp.float32))


def instance(key, P: int, eps: float, consistent: bool, alpha: float = 1.0):
    """A random instance ``(x, matching, w)`` on the promise boundary.

    x is uniform in {+-1}^P, the matching uniform (alpha-partial), and a uniformly random set of
    :func:`agreements` edges gets ``w_e = x_i x_j``, the others ``w_e = -x_i x_j``.

    Args:
        key: JAX PRNG key.
        P: number of parameters (>= 2; even when ``alpha = 1``).
        eps: promise gap in (0, 1/2].
        consistent: True for agreement >= 1/2 + eps, False for <= 1/2 - eps.
        alpha: matched fraction of the vertices, in (0, 1].

    Examples:
        >>> x, M, w = instance(jax.random.key(1), 64, 0.25, True)
        >>> float(agreement(x, M, w))
        0.75
    """
    check_key(key)
    m = matching_size(P, alpha)
    a = agreements(m, eps, bool(consistent))
    return _instance(key, jnp.asarray(a), P=P, m=m)


@functools.partial(jax.jit, static_argnames=("P", "m"))
def _instance(key, a, *, P: int, m: int):
    k_x, k_m, k_a = jax.random.split(key, 3)
    x = jnp.where(jax.random.bernoulli(k_x, 0.5, (P,)), 1, -1).astype(jnp.int8)
    # uniformly random orders by sorting uniform keys (one sort: compiles fast under vmap)
    order = jnp.argsort(jax.random.uniform(k_m, (P,))).astype(jnp.int32)
    matching = order[: 2 * m].reshape(m, 2)
    agree = jnp.argsort(jax.random.uniform(k_a, (m,))) < a   # a uniformly random set of a edges
    par = x[matching[:, 0]] * x[matching[:, 1]]
    w = jnp.where(agree, par, -par).astype(jnp.int8)
    return x, matching, w


def instances(key, n: int, P: int, eps: float, consistent: bool, alpha: float = 1.0):
    """``n`` independent :func:`instance` draws, batched on a leading axis (one compilation).

    Examples:
        >>> x, M, w = instances(jax.random.key(0), 3, 16, 0.25, False)
        >>> x.shape, M.shape, w.shape
        ((3, 16), (3, 8, 2), (3, 8))
    """
    check_key(key)
    n = check_int(n, "n", minimum=1)
    m = matching_size(P, alpha)
    a = agreements(m, eps, bool(consistent))
    return _batched(jax.random.split(key, n), jnp.asarray(a), P=P, m=m)


@functools.partial(jax.jit, static_argnames=("P", "m"))
def _batched(keys, a, *, P: int, m: int):
    return jax.vmap(lambda k: _instance(k, a, P=P, m=m))(keys)


def bhm_instance(key, P: int, consistent: bool):
    """Boolean Hidden Matching: a perfect matching with ``w = Mx`` (consistent) or ``w = -Mx``.

    Examples:
        >>> x, M, w = bhm_instance(jax.random.key(2), 64, False)
        >>> float(agreement(x, M, w))
        0.0
    """
    return instance(key, P, 0.5, consistent, 1.0)
