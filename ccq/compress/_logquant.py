"""Logarithmic quantisation of a tensor: b-bit sign-and-log-magnitude codes on a per-tensor scale.

[reconstruction: the LQ-SGD abstract (arXiv 2506.17974) names "log-quantization" without a
formula; ccq uses the form from a secondary source]:
``y = log(1 + alpha |x| / s) / log(1 + alpha)`` in [0, 1] with ``s = max |x|``, code
``c = sign(x) round(L y)`` with ``L = 2^(b-1) - 1`` magnitude levels (so ``2L + 1 <= 2^b`` codes fit
in ``b`` bits), decoded as ``sign(c) s ((1 + alpha)^(|c|/L) - 1) / alpha``. The message is the
codes plus the 32-bit scale.

Round-trip error (derived in the docstring of :func:`log_roundtrip_bound`, tested):
``|x - dec(enc(x))| <= (s / alpha + |x|) ((1 + alpha)^(1/(2L)) - 1)``: small entries are
reproduced finely, large ones with a relative error, which is the point of a log grid.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from .._core import check_finite, check_in_interval, check_int, is_concrete

__all__ = ["log_encode", "log_decode", "log_roundtrip", "log_roundtrip_bound", "log_levels"]


def log_levels(bits: int) -> int:
    """Magnitude levels ``L = 2^(bits-1) - 1`` of a ``bits``-bit code (``bits >= 2``)."""
    bits = check_int(bits, "bits", minimum=2, maximum=16)
    return 2 ** (bits - 1) - 1


def log_encode(x, bits: int, alpha: float = 10.0, ste: bool = False):
    """Codes (integers in ``[-L, L]``, as floats) and the scale ``s = max |x|``.

    With ``ste`` the rounding passes gradients straight through (for adaptive attackers).

    Examples:
        >>> codes, s = log_encode(jnp.array([0.0, 0.5, -1.0]), bits=3)
        >>> codes.tolist(), float(s)
        ([0.0, 2.0, -3.0], 1.0)
    """
    check_finite(x, "x")
    levels = log_levels(bits)
    if is_concrete(alpha):
        check_in_interval(alpha, "alpha", 0, float("inf"))
    x = jnp.asarray(x)
    s = jnp.max(jnp.abs(x))
    safe = jnp.where(s > 0, s, 1.0)
    y = levels * jnp.log1p(alpha * jnp.abs(x) / safe) / jnp.log1p(alpha)
    r = jnp.round(y)
    r = y + jax.lax.stop_gradient(r - y) if ste else r
    return jnp.sign(x) * r, s


def log_decode(codes, scale, bits: int, alpha: float = 10.0):
    """Inverse of :func:`log_encode` up to the rounding of the codes.

    Examples:
        >>> log_decode(jnp.array([0.0, -3.0]), 2.0, bits=3).tolist()
        [0.0, -2.0]
    """
    if is_concrete(scale):
        check_in_interval(scale, "scale", 0, float("inf"), closed="left")
    if is_concrete(alpha):
        check_in_interval(alpha, "alpha", 0, float("inf"))
    levels = log_levels(bits)
    mag = jnp.expm1(jnp.abs(codes) / levels * jnp.log1p(alpha)) / alpha
    return jnp.sign(codes) * scale * mag


def log_roundtrip(x, bits: int, alpha: float = 10.0, ste: bool = False):
    """``log_decode(*log_encode(x))``; zeros map to zeros, a zero tensor to zeros."""
    codes, s = log_encode(x, bits, alpha, ste)
    return log_decode(codes, s, bits, alpha)


def log_roundtrip_bound(x, bits: int, alpha: float = 10.0):
    """Entrywise bound on ``|x - log_roundtrip(x)|``.

    With ``y = log(1 + alpha|x|/s) / log(1 + alpha)`` the code rounds ``L y`` so ``|y' - y| <=
    1/(2L)``; since ``1 + alpha |x|/s = (1 + alpha)^y``, ``| |x'| - |x| | = (s/alpha) (1 + alpha)^y
    |(1 + alpha)^(y' - y) - 1| <= (s/alpha + |x|) ((1 + alpha)^(1/(2L)) - 1)``; a zero code
    (``x' = 0``) is the case ``y' = 0`` of the same inequality.

    Examples:
        >>> x = jnp.linspace(-1, 1, 101)
        >>> bool(jnp.all(jnp.abs(x - log_roundtrip(x, 4)) <= log_roundtrip_bound(x, 4) + 1e-6))
        True
    """
    if is_concrete(alpha):
        check_in_interval(alpha, "alpha", 0, float("inf"))
    levels = log_levels(bits)
    s = jnp.max(jnp.abs(x))
    return (s / alpha + jnp.abs(x)) * jnp.expm1(jnp.log1p(alpha) / (2 * levels))
