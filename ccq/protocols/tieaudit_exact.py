"""Exact decision probabilities of the TieAudit protocols, and their minimal budgets.

Everything here is sampling-free (numpy/scipy in float64) and depends on an instance only
through ``P``, the number of edges ``m`` and the number of agreeing edges ``agreeing``:

* quantum: each copy hits an edge with probability ``alpha = 2m/P``, uniformly and
  independently; hits ``H ~ Bin(K, alpha)``, agreements among them ``Bin(H, agreeing/m)``;
* two-way: K uniform edges, agreements ``Bin(K, agreeing/m)``;
* twoway_public, bob_to_alice: K public uniform vertices, the quantum law exactly;
* birthday: matched edges inside a uniform s-subset ``C`` (law :func:`internal_edges_pmf`), and
  given ``C = c`` the agreements are ``Hypergeom(m, agreeing, c)`` (the c edges are a uniform
  c-subset of the m edges, by symmetry of the uniform subset);
* exact: the sign of ``2 agreeing - m``.

Bob answers +1 when agreements exceed disagreements, -1 when fewer, a fair coin on ties. The
worst-case error over promise instances is attained on the boundary (the error is monotone in
``agreeing``), so :func:`worst_case_error` evaluates both boundary instances.

Examples:
    >>> round(worst_case_error("quantum", 150, P=2**20, m=2**19, eps=0.1), 5)
    0.00675
    >>> minimal_budget("quantum", eps=0.1, delta=0.05, P=2**20, m=2**19)
    67
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special, stats

from .. import fit
from .tieaudit import METHODS, protocol_cost
from .tieaudit_instances import agreements

__all__ = ["accept_probability", "internal_edges_pmf", "worst_case_error", "minimal_budget",
           "minimal_communication"]

_TAIL = 1e-17      # probability mass we allow to drop when truncating a support



def _binomial_accept(h, p):
    """P(answer +1) when agreements are Bin(h, p) (h an array of counts)."""
    h = np.asarray(h)
    over = stats.binom.sf(h // 2, h, p)                  # P(A > floor(h/2)) = P(2A > h)
    tie = np.where(h % 2 == 0, stats.binom.pmf(h // 2, h, p), 0.0)
    return over + 0.5 * tie


def internal_edges_pmf(s: int, m: int, P: int):
    """Law of the number C of matched edges with both ends in a uniform s-subset of [P].

    With ``u = P - 2m`` unmatched vertices, the matched vertices drawn are ``V ~
    Hypergeom(P, 2m, s)``; given ``V = v`` (a uniform v-subset of the 2m matched vertices),
    ``P(C = c) = C(m, c) C(m - c, v - 2c) 2^(v - 2c) / C(2m, v)``. Supports are truncated where
    the mass is below 1e-17.

    Returns:
        ``(c, pmf)``: arrays of edge counts and their probabilities (summing to 1).

    Examples:
        >>> c, p = internal_edges_pmf(4, 2, 4)        # all of a 2-edge perfect matching
        >>> c.tolist(), p.tolist()
        ([2], [1.0])
        >>> c, p = internal_edges_pmf(2, 2, 4)        # 2 of 4 vertices: an edge w.p. 2/6
        >>> c.tolist(), p.round(6).tolist()
        ([0, 1], [0.666667, 0.333333])
    """
    if 2 * m == P:
        vs, pv = np.array([s]), np.array([1.0])
    else:
        u = P - 2 * m
        lo, hi = max(0, s - u), min(s, 2 * m)
        mean = s * 2 * m / P
        sd = math.sqrt(mean * (u / P) * (P - s) / max(P - 1, 1))
        lo, hi = max(lo, int(mean - 12 * sd - 10)), min(hi, int(mean + 12 * sd + 10))
        vs = np.arange(lo, hi + 1)
        logp = _lbinom(2 * m, vs) + _lbinom(u, s - vs) - _lbinom(P, s)
        pv = np.exp(logp)
        keep = pv > _TAIL
        vs, pv = vs[keep], pv[keep]
    acc: dict[int, float] = {}
    for v, weight in zip(vs.tolist(), pv.tolist(), strict=True):
        c_lo, c_hi = max(0, v - m), v // 2
        mu = v * (v - 1) / (2 * (2 * m - 1)) if m > 0 else 0.0
        c_lo = max(c_lo, int(mu - 12 * math.sqrt(mu) - 20))
        c_hi = min(c_hi, int(mu + 12 * math.sqrt(mu) + 20))
        c = np.arange(c_lo, c_hi + 1)
        logp = (_lbinom(m, c) + _lbinom(m - c, v - 2 * c) + (v - 2 * c) * math.log(2)
                - _lbinom(2 * m, v))
        p = np.exp(logp - logp.max())
        p *= weight / p.sum()
        for ci, pi in zip(c.tolist(), p.tolist(), strict=True):
            acc[ci] = acc.get(ci, 0.0) + pi
    cs = np.array(sorted(acc))
    ps = np.array([acc[c] for c in cs.tolist()])
    return cs, ps / ps.sum()


def _hypergeom_accept(m: int, good: int, c: int) -> float:
    """P(2H > c) + P(2H = c)/2 for H ~ Hypergeom(m, good, c) (log-space, normalised)."""
    if c == 0:
        return 0.5
    mean = c * good / m
    sd = math.sqrt(max(mean * (1 - good / m), 0.0))
    lo = max(0, c - (m - good), int(mean - 12 * sd - 20))
    hi = min(c, good, int(mean + 12 * sd + 20))
    if lo > hi:      # the window missed the support (degenerate good = 0 or m)
        lo, hi = max(0, c - (m - good)), min(c, good)
    k = np.arange(lo, hi + 1)
    logp = _lbinom(good, k) + _lbinom(m - good, c - k)
    p = np.exp(logp - logp.max())
    p /= p.sum()
    return float(np.sum(p[2 * k > c]) + 0.5 * np.sum(p[2 * k == c]))


def _lbinom(n, k):
    n, k = np.asarray(n, float), np.asarray(k, float)
    return special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1)


def accept_probability(method: str, budget: int, *, P: int, m: int, agreeing: int) -> float:
    """Exact probability that the protocol answers +1 on an instance with these counts.

    Args:
        method: one of ``METHODS``.
        budget: K copies (quantum), s coordinates (birthday), K edges (two-way); ignored for
            exact.
        P, m: parameters and matched edges; ``agreeing``: edges with ``x_i x_j = w_e``.

    Examples:
        >>> accept_probability("quantum", 1, P=4, m=2, agreeing=1)
        0.5
        >>> accept_probability("quantum", 1, P=4, m=1, agreeing=1)  # hit w.p. 1/2, else a coin
        0.75
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    a = agreeing / m
    if method == "exact":
        return float(np.sign(2 * agreeing - m) * 0.5 + 0.5)
    if method == "twoway":
        return float(_binomial_accept(budget, a))
    if method in ("quantum", "twoway_public", "bob_to_alice"):
        alpha = 2 * m / P
        if alpha == 1:
            return float(_binomial_accept(budget, a))
        law = stats.binom(budget, alpha)
        h = np.arange(budget + 1)
        ph = law.pmf(h)
        keep = ph > _TAIL
        return float(np.sum(ph[keep] * _binomial_accept(h[keep], a)))
    c, pc = internal_edges_pmf(budget, m, P)
    return float(sum(pi * _hypergeom_accept(m, agreeing, ci)
                     for ci, pi in zip(c.tolist(), pc.tolist(), strict=True)))


def worst_case_error(method: str, budget: int, *, P: int, m: int, eps: float) -> float:
    """Largest error over the two boundary instances of the eps-promise.

    Examples:
        >>> worst_case_error("birthday", 64, P=64, m=32, eps=0.25)   # all signs: no error
        0.0
    """
    yes = accept_probability(method, budget, P=P, m=m, agreeing=agreements(m, eps, True))
    no = accept_probability(method, budget, P=P, m=m, agreeing=agreements(m, eps, False))
    return max(1.0 - yes, no)


def minimal_budget(method: str, *, eps: float, delta: float, P: int, m: int) -> int:
    """Smallest budget with worst-case error <= delta (``ccq.fit.minimal_budget``).

    Birthday budgets are searched in [1, P] (at s = P Bob sees every edge); exact returns P.
    """
    if method == "exact":
        return P
    hi = P if method == "birthday" else 2**40
    return fit.minimal_budget(
        lambda b: worst_case_error(method, b, P=P, m=m, eps=eps), delta, lo=1, hi=hi)


def minimal_communication(method: str, *, eps: float, delta: float, P: int, m: int) -> dict:
    """Minimal budget, its cost (qubits + bits) and its exact worst-case error, as a row."""
    b = minimal_budget(method, eps=eps, delta=delta, P=P, m=m)
    cost = protocol_cost(method, b, P)
    err = 0.0 if method == "exact" else worst_case_error(method, b, P=P, m=m, eps=eps)
    return {"budget": b, "qubits": cost.qubits, "bits": cost.bits, "rounds": cost.rounds,
            "communication": cost.communication, "error": err}
