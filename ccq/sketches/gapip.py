"""Classical public-coin protocols for GapIP_tau: SimHash, a dithered b-bit JL sketch, exact.

Model: one-way, Alice -> Bob, public coins (an explicit shared PRNG key); Bob outputs +1
("aligned", <g,h> >= tau) or -1 ("conflict", <g,h> <= -tau). Each protocol has a *faithful*
path that builds the shared random matrix (cost O(k P)) and a *reduced* path that samples the
same distribution from ``c = <g, h>`` alone (any P):

* SimHash: Bob counts agreements between Alice's k sign bits and his own; the k bits agree
  independently with probability ``1 - arccos(c)/pi`` (Charikar 2002), so the count is exactly
  ``Binomial(k, 1 - arccos(c)/pi)``. Decide +1 iff more than half agree (ties -> -1).
* JL: ``(r.g, r.h)`` for a standard Gaussian row r is bivariate normal with correlation c.
  Alice sends each ``r.g`` as a b-bit index of a subtractively dithered uniform quantiser on
  [-L, L] (the dither is public); Bob estimates ``sum_i q_i (r_i.h) / k`` and decides on its sign.
* AMS: k shared rows of +-1 signs; Alice sends each ``s_i.g`` as a b-bit index of a
  subtractively dithered uniform quantiser on ``[-L', L']``, ``L' = sqrt(P)/(1 - 2^-b)`` (never
  overloads for a unit vector); Bob decides on the sign of ``sum_i q_i (s_i.h)``. Its law depends
  on (g, h) beyond c, so it has no reduced path (moments and certified bound:
  :mod:`ccq.protocols.gapip_ams`).
* exact: Alice sends every entry rounded to a uniform grid of 2^b levels on [-1, 1]; Bob
  decides on the sign of ``<q(g), h>`` (deterministic).

Never imports the quantum simulator.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from scipy import stats

from ._linear import gaussian_sketch, simhash

__all__ = [
    "binomial",
    "simhash_agreement",
    "simhash_error",
    "simhash_count_faithful",
    "simhash_count_reduced",
    "sign_statistic_faithful",
    "sign_statistic_reduced",
    "jl_estimate_faithful",
    "jl_estimate_reduced",
    "jl_quantise",
    "exact_quantise",
    "JL_CLIP",
    "ams_statistic_faithful",
]

JL_CLIP = 4.0   # quantiser range [-L, L] in units of the (unit) standard deviation of r.g


def simhash_agreement(c, xp=np):
    """Probability that one SimHash bit of g and h agree: ``1 - arccos(c)/pi``.

    Examples:
        >>> float(simhash_agreement(0.0))
        0.5
    """
    return 1 - xp.arccos(xp.clip(c, -1.0, 1.0)) / xp.pi


def simhash_error(c, k: int) -> float:
    """Exact error probability of the k-bit SimHash majority rule on an instance with
    ``<g,h> = c`` (``c > 0``: P(agreements <= k/2); ``c < 0``: P(agreements > k/2)).

    Examples:
        >>> round(simhash_error(0.5, 1), 4)     # one bit: wrong iff it disagrees
        0.3333
    """
    q = float(simhash_agreement(c))
    half = k // 2
    if c > 0:
        return float(stats.binom.cdf(half, k, q))
    return float(stats.binom.sf(half, k, q))


def simhash_count_faithful(key, g, h, k: int):
    """Agreements between the k shared-hyperplane sign bits of g and of h (O(k P))."""
    return jnp.sum(simhash(key, g, k) == simhash(key, h, k))


BINOMIAL_CHUNK = 2**16


def binomial(key, n: int, p):
    """``Binomial(n, p)`` for a static n, as a sum of draws of at most 2^16 trials each.

    ``jax.random.binomial`` runs in float32 without x64; at n ~ 10^7 its tails are visibly off
    (measured: P(X >= mean + 1.645 sd) = 0.044 instead of 0.050), so large n is split into
    chunks, each well inside float32's exact-integer range, and summed as integers.

    Examples:
        >>> int(binomial(jax.random.key(0), 5, 1.0))
        5
    """
    full, rest = divmod(n, BINOMIAL_CHUNK)
    k_full, k_rest = jax.random.split(key)
    total = jnp.int32(0)
    if full:
        draws = jax.random.binomial(k_full, BINOMIAL_CHUNK, p, shape=(full,))
        total = total + jnp.sum(draws.astype(jnp.int32))
    if rest:
        total = total + jax.random.binomial(k_rest, rest, p).astype(jnp.int32)
    return total


def simhash_count_reduced(key, c, k: int):
    """The same count sampled exactly from ``Binomial(k, 1 - arccos(c)/pi)`` (O(1) in P)."""
    return binomial(key, k, simhash_agreement(c, jnp))


def sign_statistic_faithful(key, g, h, k: int):
    """Sign sketch: Alice sends ``sign(r_i . g)`` (k bits); Bob, who keeps his projections
    real, returns ``sum_i sign(r_i . g) (r_i . h)`` and decides on its sign (O(k P))."""
    zg = gaussian_sketch(key, g, k)
    zh = gaussian_sketch(key, h, k)
    return jnp.sum(jnp.where(zg >= 0, 1.0, -1.0) * zh)


def sign_statistic_reduced(key, c, k: int):
    """The same statistic sampled exactly from ``c``: (r.g, r.h) is bivariate normal with
    correlation c (O(k), independent of P). Exact error law:
    :func:`ccq.protocols.gapip_optimal.sign_error`."""
    k_z, k_w = jax.random.split(key)
    zg = jax.random.normal(k_z, (k,))
    zh = c * zg + jnp.sqrt(jnp.maximum(1 - c**2, 0.0)) * jax.random.normal(k_w, (k,))
    return jnp.sum(jnp.where(zg >= 0, 1.0, -1.0) * zh)


def jl_quantise(z, dither, bits: int, clip: float = JL_CLIP):
    """Subtractively dithered b-bit uniform quantiser on [-clip, clip]: what Bob reconstructs.

    Alice sends ``index = floor((z + dither)/step)`` clipped to ``[0, 2^b)`` (b bits); Bob,
    who knows the public dither, reconstructs ``-clip + (index + 1/2) step - dither``. Inside
    the range the error is uniform on [-step/2, step/2] and independent of z.

    Examples:
        >>> float(jl_quantise(jnp.float32(0.3), jnp.float32(0.0), 3))   # step 1, level 0.5
        0.5
    """
    levels = 2**bits
    step = 2 * clip / levels
    index = jnp.clip(jnp.floor((z + dither + clip) / step), 0, levels - 1)
    return -clip + (index + 0.5) * step - dither


def _dither(key, k: int, bits: int, clip: float):
    step = 2 * clip / 2**bits
    return jax.random.uniform(key, (k,), minval=-step / 2, maxval=step / 2)


def jl_estimate_faithful(key, g, h, k: int, bits: int):
    """Bob's estimate of <g,h> from Alice's k quantised Gaussian projections (O(k P))."""
    k_rows, k_dither = jax.random.split(key)
    zg = gaussian_sketch(k_rows, g, k) * jnp.sqrt(k)
    zh = gaussian_sketch(k_rows, h, k) * jnp.sqrt(k)
    q = jl_quantise(zg, _dither(k_dither, k, bits, JL_CLIP), bits)
    return jnp.mean(q * zh)


def jl_estimate_reduced(key, c, k: int, bits: int):
    """The same estimate sampled exactly from ``c``: (r.g, r.h) is bivariate normal with
    correlation c (O(k), independent of P)."""
    k_z, k_w, k_dither = jax.random.split(key, 3)
    zg = jax.random.normal(k_z, (k,))
    zh = c * zg + jnp.sqrt(jnp.maximum(1 - c**2, 0.0)) * jax.random.normal(k_w, (k,))
    q = jl_quantise(zg, _dither(k_dither, k, bits, JL_CLIP), bits)
    return jnp.mean(q * zh)


def exact_quantise(x, bits: int):
    """Round entries of a unit vector to the uniform grid of 2^b levels on [-1, 1].

    Examples:
        >>> exact_quantise(jnp.array([0.6, -0.8]), 1).tolist()
        [1.0, -1.0]
    """
    step = 2.0 / (2**bits - 1)
    return -1.0 + step * jnp.round((jnp.clip(x, -1.0, 1.0) + 1.0) / step)


def ams_statistic_faithful(key, g, h, k: int, bits: int):
    """AMS sketch: Bob's statistic ``sum_i q_i (s_i.h)`` from k shared rows of +-1 signs,
    Alice's ``s_i.g`` sent at b bits each (dithered, range ``sqrt(P)/(1 - 2^-b)``; O(k P)).

    Examples:
        >>> g = jnp.array([1.0, 0.0]); h = jnp.array([0.6, 0.8])
        >>> bool(ams_statistic_faithful(jax.random.key(0), g, h, 4000, 8) > 0)
        True
    """
    P = g.shape[0]
    k_rows, k_dither = jax.random.split(key)
    signs = jax.random.rademacher(k_rows, (k, P), dtype=jnp.float32)
    y, z = signs @ g, signs @ h
    clip = float(np.sqrt(P)) / (1 - 2.0**-bits)
    q = jl_quantise(y, _dither(k_dither, k, bits, clip), bits, clip)
    return jnp.sum(q * z)
