"""AMS sketch for GapIP_tau: per-row moments, a certified worst-case error and its optimal budget.

Protocol (one-way Alice -> Bob, public coins): k shared rows s_i of independent +-1 signs
(Alon-Matias-Szegedy 1996). Alice computes ``y_i = s_i . g`` and sends each as the b-bit index
of a subtractively dithered uniform quantiser (public dither U_i uniform on one step); Bob
computes ``z_i = s_i . h`` exactly, reconstructs ``q_i = y_i + e_i`` and decides +1 iff
``T = sum_i q_i z_i >= 0``.

Dynamic range. For a unit vector ``|y_i| <= ||g||_1 <= sqrt(P)`` (attained by the flat
vector), so the quantiser covers ``[-L', L']`` with ``L' = sqrt(P)/(1 - 2^-b)``: then
``y_i + U_i`` never leaves the range, the step is ``Delta = 2 sqrt(P)/(2^b - 1)`` and the
error ``e_i`` is uniform on ``[-Delta/2, Delta/2]`` and independent of ``(y_i, z_i)``
(Schuchman 1964), whatever g and h. Nothing is clipped, so nothing here depends on the
vectors being flat; the price is ``b ~ log2 sqrt(P)`` bits per row.

What is exact. The law of T depends on (g, h) beyond ``c = <g, h>``; its first two moments do
not (beyond one vector statistic): per row ``E[q z] = c`` and

    ``Var(q z) = 1 + c^2 - 2 sum_j g_j^2 h_j^2 + Delta^2/12``

(:func:`row_moments`; equal to enumerating all 2^P sign patterns and integrating the dither
exactly, :func:`row_moments_enumerated`, tests/test_gapip_ams.py). The worst case over unit
vectors of this variance is ``V(c) = 1 + c^2 + Delta^2/12`` (approached by flat vectors).
Cantelli's one-sided Chebyshev inequality then bounds the error at every unit pair with
``|<g,h>| = c``: ``P(wrong) <= V(c)/(V(c) + k c^2)`` (:func:`error_bound`), which decreases in
``|c|``, so the certified worst case over the promise sits at ``c = +-tau``. This bound is
rigorous and loose: for dense, flat vectors T is close to Gaussian (CLT; the rows tend to the
bivariate-normal rows of the JL sketch) and the error is about ``Phi(-c sqrt(k / V))``
(:func:`flat_error_normal`, an approximation, not a law), about 7x fewer rows at delta = 0.05
(z^2 = 2.7 against (1 - delta)/delta = 19). A budget can only be certified against the
bound, and :func:`optimal_ams` does exactly that.

Examples:
    >>> opt = optimal_ams(0.1, 0.05, 2**20)
    >>> opt.knobs["bits"], opt.knobs["k"], opt.error <= 0.05
    (11, 2078, True)
"""

from __future__ import annotations

import functools
import itertools
import math

import numpy as np
from scipy import stats

from .._core import check_in_interval, check_int
from .gapip_optimal import Optimum

__all__ = [
    "quantiser_range",
    "quantiser_step",
    "row_moments",
    "row_moments_enumerated",
    "worst_row_variance",
    "error_bound",
    "flat_error_normal",
    "rows_needed",
    "optimal_ams",
    "MAX_BITS",
]

MAX_BITS = 32


def quantiser_range(P: int, bits: int) -> float:
    """Half-width ``L' = sqrt(P)/(1 - 2^-b)`` of the quantiser: ``|y| + Delta/2 <= L'`` for
    every unit g, so the dithered input never overloads.

    Examples:
        >>> quantiser_range(4, 1)
        4.0
    """
    P = check_int(P, "P", minimum=1)
    bits = check_int(bits, "bits", minimum=1, maximum=MAX_BITS)
    return math.sqrt(P) / (1 - 2.0**-bits)


def quantiser_step(P: int, bits: int) -> float:
    """Step ``Delta = 2 sqrt(P)/(2^b - 1)`` of the b-bit quantiser on ``[-L', L']``.

    Examples:
        >>> quantiser_step(4, 2)     # 2 * 2 / 3
        1.3333333333333333
    """
    return 2 * quantiser_range(P, bits) / 2**bits


def row_moments(g, h, P: int | None = None, bits: int | None = None):
    """Exact mean and variance of one row's term ``q z`` (``bits=None``: unquantised ``y z``).

    ``E = <g,h>``, ``Var = 1 + c^2 - 2 sum_j g_j^2 h_j^2 (+ Delta^2/12)`` for unit g, h
    (derivation: proofs/proof_gapip.py, ``ams_row_second_moment``).

    Examples:
        >>> row_moments([1.0, 0.0], [0.6, 0.8])    # c = 0.6, sum g^2 h^2 = 0.36
        (0.6, 0.64)
    """
    g = np.asarray(g, float)
    h = np.asarray(h, float)
    if g.shape != h.shape or g.ndim != 1:
        raise ValueError(f"g and h must be vectors of the same length, got shapes {g.shape} "
                         f"and {h.shape}")
    c = float(g @ h)
    var = float(g @ g) * float(h @ h) + c**2 - 2 * float(np.sum(g**2 * h**2))
    if bits is not None:
        P = g.size if P is None else P
        var += quantiser_step(P, bits) ** 2 / 12 * float(h @ h)
    return c, var


def _dither_moments(y: float, L: float, step: float, levels: int):
    """``E_U[q]`` and ``E_U[q^2]`` of the subtractively dithered quantiser at input y, by exact
    piecewise integration over U uniform on [-step/2, step/2] (q = y + e, e linear in U)."""
    lo, hi = -step / 2, step / 2
    w = (y + L) / step
    cuts = [lo, hi]
    m = math.floor(w + 0.5)                 # the integer crossed inside (w - 1/2, w + 1/2]
    u_star = m * step - y - L
    if lo < u_star < hi:
        cuts = [lo, u_star, hi]
    m1 = m2 = 0.0
    for a, b in itertools.pairwise(cuts):
        j = math.floor((y + (a + b) / 2 + L) / step)
        j = min(max(j, 0), levels - 1)     # the index clip of the real quantiser
        A = -L + (j + 0.5) * step - y       # e(u) = A - u on this piece
        m1 += A * (b - a) - (b * b - a * a) / 2
        m2 += ((A - a) ** 3 - (A - b) ** 3) / 3
    e1, e2 = m1 / step, m2 / step
    return y + e1, y * y + 2 * y * e1 + e2


def row_moments_enumerated(g, h, bits: int | None = None):
    """The same moments from the explicit matrix path: every one of the 2^P sign rows s,
    ``y = s.g``, ``z = s.h``, and (``bits`` given) the dither integrated exactly. O(2^P P).

    Examples:
        >>> [round(x, 12) for x in row_moments_enumerated([1.0, 0.0], [0.6, 0.8])]
        [0.6, 0.64]
    """
    g = np.asarray(g, float)
    h = np.asarray(h, float)
    P = check_int(g.size, "P", minimum=1, maximum=20)
    signs = np.array(list(itertools.product((-1.0, 1.0), repeat=P)))
    ys, zs = signs @ g, signs @ h
    if bits is None:
        first, second = ys * zs, (ys * zs) ** 2
    else:
        L, step = quantiser_range(P, bits), quantiser_step(P, bits)
        mom = np.array([_dither_moments(float(y), L, step, 2**bits) for y in ys])
        first, second = mom[:, 0] * zs, mom[:, 1] * zs**2
    mean = float(np.mean(first))
    return mean, float(np.mean(second)) - mean**2


def worst_row_variance(c, P: int, bits: int) -> float:
    """``V(c) = 1 + c^2 + Delta^2/12``: the supremum over unit pairs with <g,h> = c of the row
    variance (the dropped term ``-2 sum g^2 h^2`` is <= 0 and -> 0 for flat vectors).

    Examples:
        >>> round(worst_row_variance(0.0, 4, 1), 4)     # Delta = 4
        2.3333
    """
    return 1 + float(c) ** 2 + quantiser_step(P, bits) ** 2 / 12


def error_bound(c, k: int, bits: int, P: int) -> float:
    """Certified error at any unit pair with ``|<g,h>| = |c|``: Cantelli,
    ``V(c)/(V(c) + k c^2)`` (1 at c = 0).

    Examples:
        >>> round(error_bound(0.5, 100, 8, 16), 4)
        0.0477
    """
    c = check_in_interval(c, "c = <g, h>", -1, 1, closed="both")
    k = check_int(k, "k", minimum=1)
    v = worst_row_variance(c, P, bits)
    return v / (v + k * c * c)


def flat_error_normal(c, k: int, bits: int, P: int) -> float:
    """Normal approximation ``Phi(-|c| sqrt(k / V(c)))`` of the error for dense, flat vectors
    (CLT over the P coordinates and the k rows); an approximation, not a bound.

    Examples:
        >>> round(flat_error_normal(0.1, 1000, 12, 2**20), 3)
        0.001
    """
    v = worst_row_variance(c, P, bits)
    return float(stats.norm.cdf(-abs(float(c)) * math.sqrt(k / v)))


# Relative slack for float rounding when comparing a certified error with delta: at
# tau = 0.5, delta = 0.25, P = 2, b = 1 the bound at k = 23 is exactly 23/92 = 1/4 but
# evaluates to 0.25000000000000006, and a strict float test would demand a 24th row.
CERTIFY_RTOL = 1e-12


def certifies(error: float, delta: float) -> bool:
    """Whether a certified ``error`` meets ``delta``, up to float rounding (CERTIFY_RTOL).

    Examples:
        >>> certifies(0.25000000000000006, 0.25), certifies(0.2501, 0.25)
        (True, False)
    """
    return error <= delta * (1 + CERTIFY_RTOL)


def rows_needed(tau: float, delta: float, bits: int, P: int) -> int:
    """Fewest rows whose certified worst-case error over the promise is <= delta:
    ``k = ceil((1 - delta) V(tau) / (delta tau^2))`` (the bound decreases in |c|).

    Examples:
        >>> rows_needed(0.5, 0.05, 8, 16)
        96
    """
    tau = check_in_interval(tau, "tau", 0.0, 1.0)
    delta = check_in_interval(delta, "delta", 0.0, 0.5)
    v = worst_row_variance(tau, P, bits)
    k = math.ceil((1 - delta) * v / (delta * tau * tau) - 1e-9)
    while not certifies(error_bound(tau, k, bits, P), delta):    # guard the float rounding
        k += 1
    return k


@functools.lru_cache(maxsize=256)
def optimal_ams(tau: float, delta: float, P: int) -> Optimum:
    """Rows x bits minimising ``k b`` subject to the certified error <= delta (worst case
    over all unit vectors and the whole promise, at c = tau); b = 1..32 scanned.

    Examples:
        >>> optimal_ams(0.1, 0.05, 2**10).knobs
        {'k': 2083, 'bits': 6}
    """
    tau = check_in_interval(tau, "tau", 0.0, 1.0)
    delta = check_in_interval(delta, "delta", 0.0, 0.5)
    P = check_int(P, "P", minimum=1)
    best = None
    for b in range(1, MAX_BITS + 1):
        k = rows_needed(tau, delta, b, P)
        if best is None or k * b < best[0] * best[1]:
            best = (k, b)
    k, b = best
    return Optimum("ams", {"k": k, "bits": b}, error_bound(tau, k, b, P), tau)
