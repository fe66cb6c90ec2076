"""Worst-case GapIP_tau instances: unit pairs with <g, h> exactly +tau or -tau.

* :func:`dense_pair`: Gaussian-random g and a random direction orthogonal to it;
* :func:`sparse_pair`: supports of ``support`` random coordinates (g and h share them);
* :func:`gap_hamming_pair`: the Gap-Hamming embedding g = x/sqrt(n), h = y/sqrt(n) for
  x, y in {+-1}^n at Hamming distance d, so <g, h> = 1 - 2 d / n (Chakrabarti-Regev 2011);
  exactly +-tau when n (1 -+ tau) / 2 is an integer (see :func:`gap_hamming_length`).

All are pure functions of a JAX key (float32 vectors; the inner product is exact up to
float32 rounding, about 1e-7 relative).
"""

from __future__ import annotations

import functools
import math
from fractions import Fraction

import jax
import jax.numpy as jnp

from .._core import check_in_interval, check_int, check_key

__all__ = ["dense_pair", "sparse_pair", "gap_hamming_pair", "gap_hamming_length", "pair"]


def _check(key, P, c):
    check_key(key)
    P = check_int(P, "P", minimum=2)
    c = check_in_interval(c, "c", -1.0, 1.0, closed="both")
    return P, c


def _complete(g, w, c):
    """h = c g + sqrt(1 - c^2) w_perp, w_perp the unit part of w orthogonal to g.

    Gram-Schmidt is applied twice ("twice is enough"): once loses float32 orthogonality when
    w is nearly parallel to g (measured: <g,h> off by 5e-6 in 2 dimensions)."""
    for _ in range(2):
        w = w - jnp.dot(g, w) * g
        w = w / jnp.linalg.norm(w)
    return c * g + jnp.sqrt(1 - c**2) * w


def dense_pair(key, P: int, c: float):
    """Gaussian-random unit g and unit h with ``<g, h> = c``.

    Examples:
        >>> g, h = dense_pair(jax.random.key(0), 64, -0.1)
        >>> round(float(g @ h), 5), round(float(h @ h), 5)
        (-0.1, 1.0)
    """
    P, c = _check(key, P, c)
    return _dense(key, c, P)


@functools.partial(jax.jit, static_argnums=2)
def _dense(key, c, P):
    kg, kw = jax.random.split(key)
    g = jax.random.normal(kg, (P,))
    g = g / jnp.linalg.norm(g)
    return g, _complete(g, jax.random.normal(kw, (P,)), c)


def sparse_pair(key, P: int, c: float, support: int = 2):
    """Unit g, h supported on the same ``support`` random coordinates, ``<g, h> = c``.

    Examples:
        >>> g, h = sparse_pair(jax.random.key(1), 1000, 0.25, support=3)
        >>> int(jnp.sum(g != 0)), round(float(g @ h), 5)
        (3, 0.25)
    """
    P, c = _check(key, P, c)
    support = check_int(support, "support", minimum=2, maximum=P)
    return _sparse(key, c, P, support)


@functools.partial(jax.jit, static_argnums=(2, 3))
def _sparse(key, c, P, support):
    kidx, kg, kw = jax.random.split(key, 3)
    idx = jax.random.choice(kidx, P, (support,), replace=False)
    gs = jax.random.normal(kg, (support,))
    gs = gs / jnp.linalg.norm(gs)
    hs = _complete(gs, jax.random.normal(kw, (support,)), c)
    return jnp.zeros(P).at[idx].set(gs), jnp.zeros(P).at[idx].set(hs)


def gap_hamming_length(tau: float, minimum: int = 1) -> int:
    """The smallest n >= ``minimum`` with n (1 - tau)/2 an integer, for rational tau = p/q.

    Examples:
        >>> gap_hamming_length(0.1), gap_hamming_length(0.1, minimum=400)
        (20, 400)
    """
    tau = check_in_interval(tau, "tau", 0.0, 1.0)
    frac = Fraction(tau).limit_denominator(10**6)
    q = (1 - frac) / 2
    step = q.denominator
    return step * max(1, math.ceil(minimum / step))


def gap_hamming_pair(key, n: int, c: float):
    """The Gap-Hamming embedding at ``<g, h> = 1 - 2 d / n`` with d = round(n (1 - c)/2).

    Returns ``(g, h, exact_c)``; ``exact_c == c`` whenever n (1 - c)/2 is an integer.

    Examples:
        >>> g, h, c = gap_hamming_pair(jax.random.key(2), 20, -0.1)
        >>> c, round(float(g @ h), 5), sorted(set(jnp.abs(g * 20**0.5).round(4).tolist()))
        (-0.1, -0.1, [1.0])
    """
    check_key(key)
    n = check_int(n, "n", minimum=1)
    c = check_in_interval(c, "c", -1.0, 1.0, closed="both")
    d = round(n * (1 - c) / 2)
    g, h = _gap_hamming(key, d, n)
    return g, h, 1 - 2 * d / n


@functools.partial(jax.jit, static_argnums=2)
def _gap_hamming(key, d, n):
    kx, kflip = jax.random.split(key)
    x = jnp.where(jax.random.bernoulli(kx, 0.5, (n,)), 1.0, -1.0)
    flip = (jax.random.permutation(kflip, n) < d).astype(jnp.float32)   # d random positions
    y = x * (1 - 2 * flip)
    s = 1 / math.sqrt(n)
    return x * s, y * s


def pair(key, P: int, c: float, kind: str = "dense"):
    """``(g, h)`` of dimension P with ``<g, h> = c``: ``kind`` in dense, sparse, gap_hamming
    (gap_hamming needs n = P with P (1 - c)/2 an integer, else ValueError)."""
    if kind == "dense":
        return dense_pair(key, P, c)
    if kind == "sparse":
        return sparse_pair(key, P, c)
    if kind == "gap_hamming":
        g, h, exact = gap_hamming_pair(key, P, c)
        if abs(exact - c) > 1e-12:
            raise ValueError(f"gap_hamming cannot hit c = {c} at P = {P}: P (1 - c)/2 must be "
                             f"an integer (closest: {exact})")
        return g, h
    raise ValueError(f"kind must be one of ('dense', 'sparse', 'gap_hamming'), got {kind!r}")
