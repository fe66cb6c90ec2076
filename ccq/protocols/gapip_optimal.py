"""Exact minimal GapIP_tau budgets: every knob searched with the exact error law, worst case over
the whole promise |<g,h>| in [tau, 1].

Each ``optimal_*`` function returns an :class:`Optimum`: the chosen knobs, the exact worst-case
error and the overlap ``c`` where it sits. The searches (docs/gapip.md, "Optimal budgets"):

* **threshold tests** (``swap``, ``projective``, ``simhash``): k independent trials accept with
  probability ``p(c)`` increasing in c, so the worst case over the promise is at ``c = +-tau``
  (a binomial is stochastically increasing in p). For each k the best integer threshold t is
  read off the two binomial quantiles (:func:`threshold_window`); k is scanned upwards from 1
  (feasibility is not monotone in k), vectorised in blocks.
* **sign** (1-bit signs of shared Gaussian projections, Bob keeps his real projections): the
  statistic ``sum_i sign(z_i) w_i`` has the exact law of :func:`sign_error` (Gil-Pelaez
  inversion of its characteristic function, one quadrature); worst case at c = +-tau (the
  error is ``E Phi(-c S / sqrt(k (1 - c^2)))``, decreasing in c); k by doubling and bisection
  after checking monotonicity in k by a full scan for small k (tests/test_gapip_optimal.py).
* **canonical AE** (``ae``): knobs r (parallel runs, odd, majority vote), M (Grover
  applications) and where the phase-estimation control lives (``"register"``: ceil(log2 M)
  control qubits travel with every message, any M; ``"one_qubit"``: semiclassical QFT,
  Griffiths-Niu 1996, one control qubit travels, M = 2^m). The one-run error ``w(c, M)`` is a
  sum of Fejer-kernel terms (:func:`ae_run_error`), not monotone in |c| nor in M, so: for each
  M upwards, a cheap lower bound (48 overlaps within 3 outcome bins of the threshold) screens
  M out; a survivor is checked on a grid of 1/16 outcome bin over the whole promise, refined
  by a bounded scalar maximisation around the 3 largest grid points. For each odd r the first
  feasible M (max_c w <= w*(r), w*(r) solving P(Bin(r, w) > r/2) = delta) is taken; r grows
  until r times the cheapest conceivable run exceeds the best cost found.

Cost of the searches (one core): ``ae`` at tau = 0.01 about 0.5 s, tau = 0.002 about 10 s (the
AE candidates at the (tau, delta) of :mod:`.gapip_table` are read from its committed table);
threshold tests scan k in blocks of 2^14 (tau = 0.01: 0.1 s; tau = 0.001: a few s). Results are
cached (``functools.lru_cache``) per (tau, delta, P).
"""

from __future__ import annotations

import dataclasses
import functools
import math

import numpy as np
from scipy import integrate, optimize, special, stats

from . import gapip_table as _table

__all__ = ["Optimum", "threshold_window", "optimal_threshold_test", "ae_run_error",
           "ae_worst_run_error", "majority_tolerance", "optimal_ae", "sign_error",
           "optimal_sign", "swap_probability", "projective_probability", "simhash_probability"]

BLOCK = 2**14
K_MAX = 2**27


@dataclasses.dataclass(frozen=True)
class Optimum:
    """A minimal budget: ``knobs`` (method-specific), its exact worst-case ``error`` over the
    promise and the overlap ``c_worst`` where that error sits."""

    method: str
    knobs: dict
    error: float
    c_worst: float


# ---------------------------------------------------------------- acceptance laws


def swap_probability(c):
    """Swap test of the augmented states accepts with ``(1 + ((1 + c)/2)^2)/2``."""
    return (1 + ((1 + np.asarray(c)) / 2) ** 2) / 2


def projective_probability(c):
    """Bob's projection onto his augmented state v accepts with ``((1 + c)/2)^2``."""
    return ((1 + np.asarray(c)) / 2) ** 2


def simhash_probability(c):
    """One SimHash bit agrees with probability ``1 - arccos(c)/pi``."""
    return 1 - np.arccos(np.clip(c, -1, 1)) / np.pi


# ---------------------------------------------------------------- threshold tests


def threshold_window(k, p_plus: float, p_minus: float, delta: float):
    """For k trials, the integer thresholds t ("accept iff count >= t") with both errors <= delta.

    Returns ``(t_lo, t_hi)`` (arrays like k): feasible iff ``t_lo <= t_hi``. ``t_lo`` is the
    smallest t with ``P(Bin(k, p_minus) >= t) <= delta``, ``t_hi`` the largest t with
    ``P(Bin(k, p_plus) <= t - 1) <= delta``; both by vectorised bisection on t (the two tails
    are monotone in t), about 2 log2 k evaluations of the binomial cdf.

    Examples:
        >>> threshold_window(np.array([1]), 0.99, 0.01, 0.05)
        (array([1]), array([1]))
    """
    k = np.asarray(k, np.int64)

    def bisect(ok, lo, hi):          # smallest t in [lo, hi] with ok(t) (ok monotone up)
        while np.any(lo < hi):
            mid = (lo + hi) // 2
            good = ok(mid)
            hi = np.where(good, mid, hi)
            lo = np.where(good, lo, mid + 1)
        return lo

    def bracket(p, ok):              # [lo, hi] around the mean, widened until it holds
        sd = np.sqrt(k * p * (1 - p)) + 1
        lo = np.clip(np.floor(k * p - 12 * sd), 0, k + 1).astype(np.int64)
        hi = np.clip(np.ceil(k * p + 12 * sd), 0, k + 1).astype(np.int64)
        lo = np.where(ok(lo), 0, lo)                   # fall back to the full range
        hi = np.where(ok(hi), hi, k + 1)
        return lo, hi

    below = lambda t: stats.binom.sf(t - 1, k, p_minus) <= delta     # noqa: E731
    above = lambda t: stats.binom.cdf(t - 1, k, p_plus) > delta      # noqa: E731
    t_lo = bisect(below, *bracket(p_minus, below))
    # largest t with cdf(t - 1) <= delta  =  (smallest t with cdf(t - 1) > delta) - 1
    t_hi = bisect(above, *bracket(p_plus, above)) - 1
    return t_lo, t_hi


def _threshold_errors(k: int, t: int, p_plus: float, p_minus: float):
    return float(stats.binom.cdf(t - 1, k, p_plus)), float(stats.binom.sf(t - 1, k, p_minus))


@functools.lru_cache(maxsize=256)
def optimal_threshold_test(method: str, tau: float, delta: float) -> Optimum:
    """Fewest trials k (and the best threshold t) of a threshold test with worst-case error
    <= delta; ``method`` in ``swap``, ``projective``, ``simhash``.

    Examples:
        >>> opt = optimal_threshold_test("projective", 0.1, 0.05)
        >>> opt.knobs["k"], opt.error <= 0.05
        (206, True)
    """
    law = {"swap": swap_probability, "projective": projective_probability,
           "simhash": simhash_probability}[method]
    p_plus, p_minus = float(law(tau)), float(law(-tau))
    start, block = 1, 256
    while start <= K_MAX:
        ks = np.arange(start, start + block)
        block = min(2 * block, BLOCK)
        t_lo, t_hi = threshold_window(ks, p_plus, p_minus, delta)
        ok = np.nonzero(t_lo <= t_hi)[0]
        if ok.size:
            k = int(ks[ok[0]])
            lo, hi = int(t_lo[ok[0]]), int(t_hi[ok[0]])
            # among feasible thresholds take the one that balances the two errors
            best = min(range(lo, hi + 1),
                       key=lambda t: max(_threshold_errors(k, t, p_plus, p_minus)))
            e_plus, e_minus = _threshold_errors(k, best, p_plus, p_minus)
            c_worst = tau if e_plus >= e_minus else -tau
            return Optimum(method, {"k": k, "threshold": best}, max(e_plus, e_minus), c_worst)
        start = int(ks[-1]) + 1
    raise ValueError(f"no {method} budget up to {K_MAX} trials reaches delta={delta} at "
                     f"tau={tau}")


# ---------------------------------------------------------------- sign sketch


def _halfnormal_cf(u):
    # E exp(i u |Z|) = exp(-u^2/2) + i (2/sqrt(pi)) Dawson(u/sqrt2): stable for every u
    return np.exp(-u**2 / 2) + 1j * (2 / np.sqrt(np.pi)) * special.dawsn(u / np.sqrt(2))


def sign_error(c: float, k: int) -> float:
    """Exact error of the k-row sign sketch at overlap c: ``P(sum_i sign(z_i) w_i < 0)`` for
    c > 0 (mirror image for c < 0), (z_i, w_i) bivariate normal with correlation c.

    ``sign(z) w = c |z| + sqrt(1 - c^2) N`` with N independent of |z|, so the statistic is
    ``c S + sqrt(k (1 - c^2)) N``, S a sum of k half-normals; Gil-Pelaez inversion of its
    characteristic function, one quadrature.

    Examples:
        >>> round(sign_error(0.5, 1), 6) == round(math.acos(0.5) / math.pi, 6)   # k = 1
        True
    """
    c = abs(float(c))
    if c >= 1:
        return 0.0
    s2 = 1 - c * c

    def integrand(v):                    # t = v / sqrt(k)
        t = v / math.sqrt(k)
        phi = _halfnormal_cf(c * t)
        log_mod = k * np.log(np.abs(phi)) - s2 * k * t * t / 2
        return math.exp(log_mod) * math.sin(k * np.angle(phi)) / v

    val, _ = integrate.quad(integrand, 0, 40, limit=400, epsabs=1e-12, epsrel=1e-10)
    return float(min(max(0.5 - val / math.pi, 0.0), 1.0))


@functools.lru_cache(maxsize=256)
def optimal_sign(tau: float, delta: float) -> Optimum:
    """Fewest rows k of the sign sketch with worst-case error <= delta (threshold 0, which is
    minimax: the laws at +tau and -tau are mirror images).

    Examples:
        >>> opt = optimal_sign(0.1, 0.05)
        >>> 400 < opt.knobs["k"] < 460, opt.error <= 0.05
        (True, True)
    """
    lo, hi = 0, 1                        # error(lo) > delta >= error(hi)
    while sign_error(tau, hi) > delta:
        lo, hi = hi, 2 * hi
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if sign_error(tau, mid) <= delta:
            hi = mid
        else:
            lo = mid
    return Optimum("sign", {"k": hi}, sign_error(tau, hi), tau)


# ---------------------------------------------------------------- canonical AE


def _omega(c):
    return np.arccos(np.clip((1 + np.asarray(c, float)) / 2, 0.0, 1.0)) / np.pi


def _wrong_outcomes(M: int, tau: float):
    """Outcomes k decided 'aligned' (threshold a_mid = (1 + tau^2)/4 on cos^2(pi k / M))."""
    k = np.arange(M)
    return np.cos(np.pi * np.minimum(k, M - k) / M) ** 2 >= (1 + tau**2) / 4


def _run_error_omega(omega, M: int, tau: float, conflict):
    """One-run error at phase omega = phi/pi (vector), for the sign given by ``conflict``."""
    aligned = _wrong_outcomes(M, tau)
    k = np.arange(M)
    d = np.asarray(omega)[:, None] - k[None, :] / M
    den = np.sin(np.pi * d)
    num = np.sin(np.pi * M * d)
    with np.errstate(invalid="ignore", divide="ignore"):
        fej = np.where(np.abs(den) < 1e-12, 1.0, (num / np.where(den == 0, 1, den)) ** 2 / M**2)
    wrong = np.where(np.asarray(conflict)[:, None], aligned[None, :], ~aligned[None, :])
    return np.clip(np.sum(fej * wrong, axis=1), 0.0, 1.0)


def ae_run_error(c, M: int, tau: float):
    """Exact probability that one canonical-AE run decides wrongly at overlap(s) c.

    The outcome law is ``p(k) = F_M(omega - k/M)`` (Fejer kernel ``sin^2(pi M d) / (M^2
    sin^2(pi d))``, omega = arccos((1 + c)/2)/pi; the mirror peak at -omega gives the same
    decision by symmetry), summed over the outcomes on the wrong side of a_mid.

    Examples:
        >>> from ccq.protocols import _gapip_quantum as q
        >>> p = q.ae_distribution(-0.3, 9); dec = q.ae_decisions(9, 0.2)
        >>> bool(np.isclose(ae_run_error(-0.3, 9, 0.2)[0], p[dec == 1].sum()))
        True
    """
    c = np.atleast_1d(np.asarray(c, float))
    return _run_error_omega(_omega(c), M, tau, c < 0)


def _promise_omegas(tau: float):
    """omega ranges of the promise: aligned c in [tau, 1], conflict c in [-1, -tau]."""
    return (0.0, float(_omega(tau))), (float(_omega(-tau)), 0.5)


def _refine(M: int, tau: float, omegas, conflict: bool, lo: float, hi: float, step: float):
    """Bounded scalar maximisation of the one-run error within one ``step`` of each omega."""
    best = (-1.0, 0.0)
    for w0 in omegas:
        a, b = max(lo, w0 - step), min(hi, w0 + step)
        res = optimize.minimize_scalar(
            lambda w: -_run_error_omega(np.array([w]), M, tau, np.array([conflict]))[0],
            bounds=(a, b), method="bounded", options={"xatol": 1e-12})
        if -res.fun > best[0]:
            best = (float(-res.fun), float(res.x))
    return best


def _screen(M: int, tau: float, w_star: float) -> float:
    """Lower bound on the worst one-run error: 48 phases within 3 outcome bins of the
    threshold; when none exceeds ``w_star``, the largest on each side is refined by a bounded
    maximisation (most M are rejected by the 48 phases alone)."""
    sides = []
    for (lo, hi), conflict in zip(_promise_omegas(tau), (False, True), strict=True):
        off = np.linspace(0, 3 / M, 24)
        pts = np.clip(lo + off if conflict else hi - off, lo, hi)
        vals = _run_error_omega(pts, M, tau, np.full(24, conflict))
        if vals.max() > w_star:
            return float(vals.max())
        sides.append((pts[np.argmax(vals)], conflict, lo, hi, off[1], float(vals.max())))
    return max(max(v, _refine(M, tau, [w0], cf, lo, hi, st)[0])
               for w0, cf, lo, hi, st, v in sides)


def ae_worst_run_error(M: int, tau: float) -> tuple[float, float]:
    """Worst one-run error over the whole promise and the overlap c where it sits.

    Grid of 1/16 outcome bin in omega over both promise intervals, then a bounded scalar
    maximisation within one grid step of each of the 3 largest grid values.
    """
    best = (-1.0, 0.0)
    for (lo, hi), conflict in zip(_promise_omegas(tau), (False, True), strict=True):
        n = max(8, int(math.ceil((hi - lo) * 16 * M)) + 1)
        grid = np.linspace(lo, hi, n)
        vals = np.concatenate([_run_error_omega(grid[i:i + 4096], M, tau,
                                                np.full(len(grid[i:i + 4096]), conflict))
                               for i in range(0, n, 4096)])
        step = grid[1] - grid[0]
        top = np.argsort(vals)[-3:]
        for cand in ((float(vals[top[-1]]), float(grid[top[-1]])),
                     _refine(M, tau, grid[top], conflict, lo, hi, step)):
            if cand[0] > best[0]:
                best = cand
    err, w = best
    return err, float(2 * math.cos(math.pi * w) - 1)


def majority_tolerance(r: int, delta: float) -> float:
    """Largest one-run error w with ``P(Bin(r, w) > r/2) <= delta`` (r odd).

    Examples:
        >>> majority_tolerance(1, 0.05)
        0.05
    """
    if r == 1:
        return delta
    f = lambda w: stats.binom.sf(r // 2, r, w) - delta          # noqa: E731
    return float(optimize.brentq(f, 1e-15, 0.5, xtol=1e-15))


def majority_error(r: int, w: float) -> float:
    """Error of the majority of r (odd) independent runs, each wrong with probability w."""
    return float(stats.binom.sf(r // 2, r, w))


@functools.lru_cache(maxsize=64)
def ae_candidates(tau: float, delta: float, r_max: int = 51) -> tuple:
    """For each odd r and each control placement, the smallest feasible M (independent of P).

    Returns ``((r, M, control, worst_run_error, c_worst), ...)``. r grows until the minimal M of
    both placements equals the smallest M whose worst one-run error is below 1/2: beyond it
    more runs only add cost, whatever the register size.
    """
    screened: dict[int, tuple[float, float]] = {}     # M -> (w_star screened at, bound)
    full: dict[int, tuple[float, float]] = {}

    def worst(M):
        if M not in full:
            full[M] = ae_worst_run_error(M, tau)
        return full[M]

    def first_feasible(w_star, candidates):
        for M in candidates:
            if M in full:
                if full[M][0] <= w_star:
                    return M
                continue
            if M in screened and screened[M][1] > w_star:
                continue
            bound = _screen(M, tau, w_star)
            screened[M] = (w_star, bound)
            if bound <= w_star and worst(M)[0] <= w_star:
                return M
        return None

    floor = {"register": first_feasible(0.5 - 1e-9, range(2, 2**17)),
             "one_qubit": first_feasible(0.5 - 1e-9, [2**m for m in range(1, 18)])}
    out = []
    for r in range(1, r_max + 1, 2):
        w_star = majority_tolerance(r, delta)
        done = True
        for control, cands in (("register", range(floor["register"], 2**17)),
                               ("one_qubit", [2**m for m in range(1, 18)
                                              if 2**m >= floor["one_qubit"]])):
            M = first_feasible(w_star, cands)
            if M is not None:
                out.append((r, M, control) + worst(M))
                done = done and M == floor[control]
            else:
                done = False
        if done:
            break
    return tuple(out)


def optimal_ae(tau: float, delta: float, register: int, r_max: int = 51) -> Optimum:
    """Cheapest canonical AE (qubits) with worst-case error <= delta over the promise.

    Args:
        tau, delta: the margin and target error.
        register: qubits of the message register (1 + ceil(log2 P)): the cost weight.
        r_max: largest number of parallel runs considered (odd).

    Returns:
        knobs ``r``, ``M``, ``control`` (``"register"`` or ``"one_qubit"``), ``qubits``.

    Examples:
        >>> opt = optimal_ae(0.1, 0.05, 21)
        >>> opt.knobs, round(opt.error, 4), round(opt.c_worst, 4)
        ({'r': 3, 'M': 23, 'control': 'register', 'qubits': 3432}, 0.0345, 0.1)
    """
    def cost(r, M, control):
        ctrl = 1 if control == "one_qubit" else max(1, math.ceil(math.log2(M)))
        return r * 2 * (M - 1) * (ctrl + register)

    cands = _table.lookup(tau, delta) if r_max == 51 else None
    if cands is None:
        cands = ae_candidates(tau, delta, r_max)
    q, r, M, control, w, c = min((cost(r, M, ctl), r, M, ctl, w, c)
                                 for r, M, ctl, w, c in cands)
    return Optimum("ae", {"r": r, "M": M, "control": control, "qubits": q},
                   majority_error(r, w), c)
