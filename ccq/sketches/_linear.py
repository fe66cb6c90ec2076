"""Linear public-coin sketches: SimHash sign bits and Gaussian (JL) projections."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from .._core import check_finite, check_int, check_key

__all__ = ["simhash", "gaussian_sketch"]


def _hyperplanes(key, k: int, dim: int, dtype):
    return jax.random.normal(key, (k, dim), dtype)


def simhash(key, x, k: int):
    """``k`` sign bits ``sign(<r_i, x>)`` for shared Gaussian hyperplanes ``r_i``.

    For unit x, y the bits agree with probability ``1 - angle(x, y) / pi`` (Charikar 2002).

    Examples:
        >>> key = jax.random.key(0)
        >>> x = jnp.array([1.0, 0.0, 0.0])
        >>> bool(jnp.all(simhash(key, x, 64) == simhash(key, 2 * x, 64)))
        True
    """
    check_finite(x, "x")
    check_key(key)
    k = check_int(k, "k", minimum=1)
    x = jnp.asarray(x)
    r = _hyperplanes(key, k, x.shape[-1], x.dtype if jnp.issubdtype(x.dtype, jnp.floating)
                     else jnp.float32)
    return (r @ x) >= 0


def gaussian_sketch(key, x, k: int):
    """``R x / sqrt(k)`` with a shared ``k x dim`` standard Gaussian ``R`` (Johnson-Lindenstrauss).

    ``<sketch(x), sketch(y)>`` is an unbiased estimate of ``<x, y>`` with variance
    ``(<x,y>^2 + |x|^2 |y|^2) / k``.

    Examples:
        >>> key = jax.random.key(1)
        >>> gaussian_sketch(key, jnp.ones(5), 3).shape
        (3,)
    """
    check_finite(x, "x")
    check_key(key)
    k = check_int(k, "k", minimum=1)
    x = jnp.asarray(x)
    r = _hyperplanes(key, k, x.shape[-1], x.dtype if jnp.issubdtype(x.dtype, jnp.floating)
                     else jnp.float32)
    return (r @ x) / jnp.sqrt(k)
