"""Exact error law of the b-bit dithered JL sketch for GapIP_tau, and its optimal rows x bits.

The sketch (:mod:`ccq.sketches.gapip`): k shared Gaussian rows; Alice sends each ``z_i = r_i.g``
as a b-bit index of a subtractively dithered uniform quantiser on [-L, L] (L = 4, public dither
``U_i`` uniform on one step); Bob, who keeps his ``w_i = r_i.h`` real, decides on the sign of
``S = sum_i q(z_i, U_i) w_i``. ``(z, w)`` is bivariate normal with correlation c, so
``w = c z + s N`` (s = sqrt(1 - c^2), N independent) and each term has the characteristic
function

    phi_T(t) = E_{z, U}[ exp(i t c q(z, U) z - t^2 s^2 q(z, U)^2 / 2) ],

a two-dimensional integral over (z, U), computed with Gauss-Legendre nodes on each piece of z
where q is constant (breakpoints move with U). ``S`` is a sum of k iid terms, continuous when
|c| < 1, so Gil-Pelaez gives ``P(S < 0) = 1/2 - (1/pi) int_0^inf Im phi_T(t)^k / t dt``
(substituting t = v / sqrt(k); ``phi^k = |phi|^k e^{i k arg phi}``, any branch). This is exact up
to quadrature (checked against 10^5 sampled runs in tests/test_gapip_optimal.py).

Worst case over the promise: the error is evaluated on a grid of c from tau up to where the
mean of S is 8 standard deviations from 0 (beyond it the error is below 1e-9 in the Gaussian
approximation and the oscillating integral is not computed); the reported worst c is the grid
maximum (measured: always c = tau).

:func:`optimal_jl` searches bits b in 1..6 and, for each, the fewest rows k (doubling then
bisection; monotonicity in k checked by a scan in the tests), minimising k b bits.
"""

from __future__ import annotations

import functools
import math
from statistics import NormalDist

import numpy as np
from numpy.polynomial.legendre import leggauss

from .gapip_optimal import Optimum

__all__ = ["jl_term_cf", "jl_error", "jl_worst_error", "optimal_jl", "BITS"]

CLIP = 4.0
BITS = (1, 2, 3, 4, 5, 6)
_U_NODES = 12
_Z_NODES = 160         # per U node, spread over the pieces
_V_NODES = 240


@functools.lru_cache(maxsize=16)
def _nodes(bits: int, clip: float = CLIP):
    """Quadrature nodes (z, U, weight, q) for E_{z, U}[f(z, q(z, U))]."""
    levels = 2**bits
    step = 2 * clip / levels
    xu, wu = leggauss(_U_NODES)
    us, uw = xu * step / 2, wu / 2                     # U uniform on [-step/2, step/2]
    per = max(8, _Z_NODES // (levels + 1))
    xz, wz = leggauss(per)
    xt, wt = leggauss(32)
    Z, W, Q = [], [], []
    for u, w_u in zip(us, uw, strict=True):
        edges = np.arange(1, levels) * step - clip - u         # idx changes at these z
        for j in range(levels):
            lo = edges[j - 1] if j > 0 else -10.0
            hi = edges[j] if j < levels - 1 else 10.0
            x, w = (xt, wt) if j in (0, levels - 1) else (xz, wz)
            z = (lo + hi) / 2 + (hi - lo) / 2 * x
            dens = np.exp(-z * z / 2) / math.sqrt(2 * math.pi)
            Z.append(z)
            W.append(w * (hi - lo) / 2 * dens * w_u)
            Q.append(np.full_like(z, -clip + (j + 0.5) * step - u))
    return np.concatenate(Z), np.concatenate(W), np.concatenate(Q)


def jl_term_cf(t, c: float, bits: int):
    """Characteristic function of one term ``q(z, U) w`` at the points t (vector).

    Examples:
        >>> abs(complex(jl_term_cf(np.array([0.0]), 0.3, 4)[0]) - 1) < 1e-9
        True
    """
    z, w, q = _nodes(bits)
    s2 = 1 - c * c
    t = np.atleast_1d(np.asarray(t, float))
    out = np.empty(len(t), complex)
    for i in range(0, len(t), 64):
        tt = t[i:i + 64, None]
        out[i:i + 64] = np.exp(1j * tt * c * q * z - tt * tt * s2 * q * q / 2) @ w
    return out


def _moments(c: float, bits: int):
    z, w, q = _nodes(bits)
    mean = float(np.sum(w * c * q * z))
    second = float(np.sum(w * q * q * (c * c * z * z + 1 - c * c)))
    return mean, max(second - mean * mean, 1e-300)


def jl_error(c: float, k: int, bits: int) -> float:
    """Exact error of the k-row, b-bit JL sketch at overlap c (Gil-Pelaez, see module doc).

    Examples:
        >>> 0.3 < jl_error(0.1, 1, 4) < 0.5
        True
    """
    c = float(c)
    a = abs(c)
    if a >= 1:
        return 0.0
    mean, var = _moments(a, bits)
    V = 12 / math.sqrt(var)                     # |phi_T(v/sqrt k)|^k ~ exp(-v^2 var / 2)
    x, wv = leggauss(_V_NODES)
    v = V / 2 * (x + 1)
    phi = jl_term_cf(v / math.sqrt(k), a, bits)
    val = np.sum(wv * V / 2 * np.abs(phi) ** k * np.sin(k * np.angle(phi)) / v)
    return float(min(max(0.5 - val / math.pi, 0.0), 1.0))


def jl_worst_error(k: int, bits: int, tau: float) -> tuple[float, float]:
    """Worst exact error over c in [tau, 1] (grid; see module doc) and where it sits."""
    best = (jl_error(tau, k, bits), tau)
    for c in np.geomspace(tau, 1, 14)[1:-1]:
        mean, var = _moments(c, bits)
        if mean * math.sqrt(k) > 8 * math.sqrt(var):
            break
        e = jl_error(c, k, bits)
        if e > best[0]:
            best = (e, float(c))
    return best


def _min_rows(tau: float, delta: float, bits: int) -> int:
    """Fewest rows with error(tau) <= delta: start at the CLT guess (z sd / mean)^2, gallop to a
    bracket, then bisect (the error decreases in k: scan in the tests)."""
    mean, var = _moments(tau, bits)
    z = float(NormalDist().inv_cdf(1 - delta))
    guess = max(1, math.ceil((z * math.sqrt(var) / mean) ** 2))
    ok = lambda k: jl_error(tau, k, bits) <= delta          # noqa: E731
    step = max(1, guess // 64)
    if ok(guess):
        hi, lo = guess, guess - step
        while lo >= 1 and ok(lo):
            hi, lo, step = lo, lo - 2 * step, 2 * step
        lo = max(lo, 0)
    else:
        lo, hi = guess, guess + step
        while not ok(hi):
            lo, hi, step = hi, hi + 2 * step, 2 * step
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid
    return hi


@functools.lru_cache(maxsize=64)
def optimal_jl(tau: float, delta: float, bits: tuple = BITS) -> Optimum:
    """Fewest bits k b of the JL sketch with worst-case error <= delta.

    Returns knobs ``k`` (rows), ``bits`` (per entry), ``total_bits``.

    Examples:
        >>> opt = optimal_jl(0.3, 0.05, bits=(1, 2))
        >>> opt.error <= 0.05, opt.knobs["total_bits"] == opt.knobs["k"] * opt.knobs["bits"]
        (True, True)
    """
    best = None
    for b in bits:
        k = _min_rows(tau, delta, b)
        while True:                       # worst case inside the promise (measured: at tau)
            err, c = jl_worst_error(k, b, tau)
            if err <= delta:
                break
            k += 1
        if best is None or k * b < best[0]:
            best = (k * b, k, b, err, c)
    total, k, b, err, c = best
    return Optimum("jl", {"k": k, "bits": b, "total_bits": total}, err, c)
