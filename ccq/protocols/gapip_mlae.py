"""Exact error law of maximum-likelihood AE (ML-AE) for GapIP_tau, and its optimal schedule.

ML-AE measures, for each Grover power m of a *schedule*, ``n`` shots that succeed with
probability ``p_m(phi) = cos^2((2m+1) phi)`` (``cos phi = (1 + c)/2``, see
:mod:`ccq.protocols._gapip_quantum`); Alice maximises the likelihood over a grid of phi split at
the threshold angle and answers with the side of the maximiser (ties -> aligned). The decision
depends only on the count vector ``(k_m)``, so the law is exact by enumeration: all
``(n + 1)^L`` count vectors (L powers) are decided once (:func:`decision_table`, independent of
c) and, at any overlap c, the error is the mass of the wrongly decided vectors under the product
of binomials (a tensor contraction per c, vectorised over many c).

The worst case over the promise |c| in [tau, 1] is found on a grid of 16 points per fringe of
the top power in phi (the error oscillates with that period), refined by a bounded scalar
maximisation around the 3 largest grid values on each side, as for canonical AE.

:func:`optimal_mlae` searches the schedule itself, not only its top power: families
``"textbook"`` (0, 1, 2, 4, ..., powers of 2 below T, then T: every top power T, so the textbook
0, 1, 2, 4, ..., 2^j is the case T = 2^j), ``"shifted"`` (ccq's
:func:`~ccq.protocols._gapip_quantum.mlae_schedule`: every power = 1 mod 3 moved up by one) and
``"linear"`` (0, 1, 2, ..., T), times shots per power n = 1..16, as long as the enumeration
holds at most ``cap`` count vectors (default 2^16). Candidates are tried in increasing cost
``n sum_m (1 + 2m)`` messages (independent of P), each first screened at c = +-tau (a lower
bound on the worst case); the first whose exact worst case is <= delta is the optimum over that
candidate set. The optimum is therefore exact *within the searched families and the cap*; a
schedule outside them (e.g. 16 shots on 6 powers: 17^6 count vectors) is not searched.

Examples:
    >>> opt = optimal_mlae(0.3, 0.05)
    >>> opt.error <= 0.05, opt.knobs["family"] in FAMILIES
    (True, True)
"""

from __future__ import annotations

import functools
import math

import numpy as np
from scipy import optimize, stats

from . import _gapip_quantum as _q
from .gapip_optimal import Optimum

__all__ = ["FAMILIES", "CAP", "family_schedule", "decision_table", "mlae_error",
           "mlae_worst_error", "optimal_mlae", "enumerable"]

FAMILIES = ("textbook", "shifted", "linear")
CAP = 2**16                 # most count vectors enumerated per schedule
SHOTS = tuple(range(1, 17))
T_MAX = 4096
LINEAR_MAX = 15             # 0..15: 16 powers, 2^16 count vectors at one shot


def family_schedule(family: str, top: int) -> tuple[int, ...]:
    """The schedule of a family with largest power ``top``.

    Examples:
        >>> family_schedule("textbook", 8), family_schedule("textbook", 11)
        ((0, 1, 2, 4, 8), (0, 1, 2, 4, 8, 11))
        >>> family_schedule("shifted", 8), family_schedule("linear", 3)
        ((0, 2, 5, 8), (0, 1, 2, 3))
    """
    if family == "textbook":
        low = [0] + [2**i for i in range(top.bit_length()) if 2**i < top]
        return tuple(sorted(set(low + [top])))
    if family == "shifted":
        return _q.mlae_schedule(top)
    if family == "linear":
        return tuple(range(top + 1))
    raise ValueError(f"family must be one of {FAMILIES}, got {family!r}")


def enumerable(schedule, shots: int, cap: int = CAP) -> bool:
    """Whether the exact law enumerates at most ``cap`` count vectors: ``(shots+1)^L <= cap``."""
    return (shots + 1) ** len(schedule) <= cap


def _counts(L: int, n: int) -> np.ndarray:
    """All count vectors in mixed-radix order (last power fastest), shape ((n+1)^L, L)."""
    grids = np.indices((n + 1,) * L).reshape(L, -1).T
    return grids.astype(np.float64)


@functools.lru_cache(maxsize=512)
def decision_table(schedule: tuple, shots: int, tau: float) -> np.ndarray:
    """Decision (True = aligned) for every count vector, mixed-radix index
    ``sum_j k_j (n+1)^(L-1-j)``: the side of the grid maximiser of the log-likelihood
    (grid :func:`~ccq.protocols._gapip_quantum.mlae_grid` of the top power, ties -> aligned).

    Examples:
        >>> t = decision_table((0,), 1, 0.2)        # one projective shot: accept -> aligned
        >>> t.tolist()
        [False, True]
    """
    schedule = tuple(int(m) for m in schedule)
    L, n = len(schedule), int(shots)
    grid, aligned = _q.mlae_grid(max(schedule), tau)
    m = np.asarray(schedule, float)[:, None]
    p = np.clip(np.cos((2 * m + 1) * grid[None, :]) ** 2, 1e-12, 1 - 1e-12)
    lp, l1p = np.log(p), np.log1p(-p)
    diff = lp - l1p                                  # (L, G)
    base = n * l1p.sum(axis=0)                       # (G,)
    counts = _counts(L, n)
    out = np.empty(len(counts), bool)
    for i in range(0, len(counts), 4096):
        ll = counts[i:i + 4096] @ diff + base
        out[i:i + 4096] = (ll[:, aligned].max(axis=1) >= ll[:, ~aligned].max(axis=1))
    return out


def _phi(c):
    return np.arccos(np.clip((1 + np.asarray(c, float)) / 2, 0.0, 1.0))


def _wrong_mass(table, schedule, shots, phis, conflict: bool):
    """Mass of the wrongly decided count vectors at each phi (vector): tensor contraction."""
    L, n = len(schedule), shots
    wrong = (table if conflict else ~table).astype(np.float64)
    phis = np.atleast_1d(np.asarray(phis, float))
    m = np.asarray(schedule, float)
    p = np.cos((2 * m[:, None] + 1) * phis[None, :]) ** 2          # (L, nc)
    k = np.arange(n + 1)
    pmf = stats.binom.pmf(k[None, :, None], n, p[:, None, :])      # (L, n+1, nc)
    x = wrong.reshape((n + 1) ** (L - 1), n + 1) @ pmf[L - 1]      # (rest, nc)
    for j in range(L - 2, -1, -1):
        x = x.reshape(-1, n + 1, x.shape[-1])
        x = np.einsum("rkc,kc->rc", x, pmf[j])
    return np.clip(x.reshape(-1), 0.0, 1.0)


def mlae_error(c, schedule, shots: int, tau: float):
    """Exact error probability of ML-AE at overlap(s) c (vector), by enumeration.

    Examples:
        >>> float(mlae_error(0.5, (0,), 1, 0.5)[0]) == 1 - 0.75**2     # wrong iff reject
        True
    """
    schedule = tuple(int(m) for m in schedule)
    if not enumerable(schedule, shots, CAP * 16):
        raise ValueError(f"schedule {schedule} with {shots} shots has "
                         f"{(shots + 1) ** len(schedule)} count vectors, more than {CAP * 16}: "
                         "no exact law here")
    table = decision_table(schedule, shots, float(tau))
    c = np.atleast_1d(np.asarray(c, float))
    out = np.empty(len(c))
    pos = c > 0
    for mask, conflict in ((pos, False), (~pos, True)):
        if mask.any():
            out[mask] = _wrong_mass(table, schedule, shots, _phi(c[mask]), conflict)
    return out


def _sides(tau):
    # aligned: c in [tau, 1] -> phi in [0, phi(tau)]; conflict: c in [-1, -tau]
    return ((0.0, float(_phi(tau)), False), (float(_phi(-tau)), math.pi / 2, True))


def mlae_worst_error(schedule, shots: int, tau: float) -> tuple[float, float]:
    """Worst exact error over the whole promise and the overlap c where it sits."""
    schedule = tuple(int(m) for m in schedule)
    table = decision_table(schedule, shots, float(tau))
    fringe = math.pi / (2 * max(schedule) + 1)
    best = (-1.0, 0.0)
    for lo, hi, conflict in _sides(tau):
        n = max(16, int(math.ceil((hi - lo) / fringe * 16)) + 1)
        grid = np.linspace(lo, hi, n)
        vals = _wrong_mass(table, schedule, shots, grid, conflict)
        step = grid[1] - grid[0]
        for i in np.argsort(vals)[-3:]:
            a, b = max(lo, grid[i] - step), min(hi, grid[i] + step)
            res = optimize.minimize_scalar(
                lambda w, cf=conflict: -_wrong_mass(table, schedule, shots, [w], cf)[0],
                bounds=(a, b), method="bounded", options={"xatol": 1e-10})
            for cand in ((float(vals[i]), float(grid[i])), (float(-res.fun), float(res.x))):
                if cand[0] > best[0]:
                    best = cand
    err, w = best
    return err, float(2 * math.cos(w) - 1)


def _test_floor(schedule, shots: int, tau: float) -> float:
    """Lower bound on the larger of the two errors at c = +-tau of ANY decision rule on these
    counts: ``(1 - TV)/2``, TV the total variation between the two product laws (enumerated,
    no likelihood grid: a cheap screen)."""
    k = np.arange(shots + 1)
    diff = np.ones(1)
    plus, minus = np.ones(1), np.ones(1)
    for m in schedule:
        pp = stats.binom.pmf(k, shots, np.cos((2 * m + 1) * _phi(tau)) ** 2)
        pm = stats.binom.pmf(k, shots, np.cos((2 * m + 1) * _phi(-tau)) ** 2)
        plus, minus = np.outer(plus, pp).ravel(), np.outer(minus, pm).ravel()
    diff = 0.5 * float(np.abs(plus - minus).sum())
    return (1 - diff) / 2


def _candidates(families, shots, cap):
    """(messages, family, shots, schedule) for every enumerable candidate, by cost."""
    out, seen = [], set()
    for fam in families:
        tops = range(1, (LINEAR_MAX if fam == "linear" else T_MAX) + 1)
        scheds = sorted({family_schedule(fam, top) for top in tops})
        for n in shots:
            for s in scheds:
                if enumerable(s, n, cap) and (s, n) not in seen:
                    seen.add((s, n))
                    out.append((n * sum(1 + 2 * m for m in s), fam, n, s))
    out.sort()
    return out


def default_messages(tau: float, delta: float) -> int:
    """Messages of the bound-derived default ML-AE protocol (16 shots on
    ``mlae_schedule(4 x the Cramer-Rao power)``): the search's upper end."""
    from ..bounds import gapip as _bounds
    top = max(1, math.ceil(4 * _bounds.mlae_max_power(tau=tau, delta=delta, shots=16)))
    return 16 * sum(1 + 2 * m for m in _q.mlae_schedule(top))


@functools.lru_cache(maxsize=128)
def optimal_mlae(tau: float, delta: float, families: tuple = FAMILIES, shots: tuple = SHOTS,
                 cap: int = CAP, max_messages: int | None = None) -> Optimum:
    """Cheapest ML-AE schedule (messages ``n sum_m (1 + 2m)``, each 1 + ceil(log2 P) qubits)
    with exact worst-case error <= delta over the promise, among the families and shots.

    Candidates cost at most ``max_messages`` (default: :func:`default_messages`, so the
    optimum never costs more than the default protocol); ValueError if none qualifies.

    Returns knobs ``schedule``, ``shots``, ``family``, ``messages``.

    Examples:
        >>> optimal_mlae(0.3, 0.05).knobs
        {'schedule': (0, 1, 2), 'shots': 9, 'family': 'textbook', 'messages': 81}
    """
    limit = default_messages(tau, delta) if max_messages is None else max_messages
    for msgs, fam, n, s in _candidates(families, shots, cap):
        if msgs > limit:
            break
        if _test_floor(s, n, tau) > delta:
            continue
        table = decision_table(s, n, float(tau))
        screen = max(_wrong_mass(table, s, n, [_phi(tau)], False)[0],
                     _wrong_mass(table, s, n, [_phi(-tau)], True)[0])
        if screen > delta:
            continue
        err, c = mlae_worst_error(s, n, tau)
        if err <= delta:
            return Optimum("mlae", {"schedule": s, "shots": n, "family": fam,
                                    "messages": msgs}, err, c)
    raise ValueError(f"no ML-AE schedule in {families} with at most {cap} count vectors and "
                     f"{limit} messages reaches delta={delta} at tau={tau}")
