"""Repetition counts: boosting a constant success probability to 1 - delta, and what the
Brassard-Hoyer-Mosca-Tapp (BHMT) amplitude-estimation error bound implies for the query count.

* Median (or majority) boosting: run an estimator that lands in the good interval with probability
  ``p > 1/2`` independently ``k`` times and take the median; the median is bad only if at least
  ``k/2`` runs are bad. Hoeffding gives ``k = ln(1/delta) / (2 (p - 1/2)^2)``; the
  Chernoff-Hoeffding (relative entropy) form gives the smaller ``2 ln(1/delta) / ln(1/(4p(1-p)))``.
  For amplitude estimation ``p = 8/pi^2``.
* BHMT (quant-ph/0005055, Thm 12): with ``M`` queries, ``|a_hat - a| <= 2 pi sqrt(a(1-a))/M +
  pi^2/M^2`` with probability >= 8/pi^2. Solving for ``M`` at additive error ``eps`` gives
  :data:`bhmt_queries`; its maximum over ``a`` (at ``a = 1/2``) is :data:`bhmt_queries_worst`.

All derived in ``proofs/proof_concentration.py`` and ``proofs/proof_ae.py``.

Examples:
    >>> p_ae = 8 / 3.141592653589793**2
    >>> round(median_repetitions(delta=1e-3, p=p_ae), 2)
    35.8
    >>> round(median_repetitions_kl(delta=1e-3, p=p_ae), 2)
    28.34
    >>> round(bhmt_queries_worst(eps=0.01), 2)
    317.27
"""

from __future__ import annotations

import sympy as sp

from ._bound import Bound

delta, eps = sp.symbols("delta eps", positive=True)
p = sp.Symbol("p", positive=True)           # success probability of one run, in (1/2, 1]
a = sp.Symbol("a", nonnegative=True)        # amplitude a = sin^2(theta), in [0, 1]
M = sp.Symbol("M", positive=True)           # BHMT queries (Grover iterations)

_HALF = sp.Rational(1, 2)

median_repetitions = Bound(
    "concentration.median_repetitions",
    sp.log(1 / delta) / (2 * (p - _HALF) ** 2),
    "Independent runs k such that the median of k estimates, each inside the target interval "
    "with probability >= p > 1/2, is inside it with probability >= 1 - delta (Hoeffding on the "
    "number of bad runs: P(#bad >= k/2) <= exp(-2 k (p - 1/2)^2)).",
    "sufficient",
    "Hoeffding 1963; Jerrum-Valiant-Vazirani 1986 median trick; derived in "
    "proofs/proof_concentration.py",
    quantity="repetitions",
    ranges={"p": sp.Interval.Lopen(_HALF, 1)},
)

median_repetitions_kl = Bound(
    "concentration.median_repetitions_kl",
    2 * sp.log(1 / delta) / sp.log(1 / (4 * p * (1 - p))),
    "As concentration.median_repetitions with the relative-entropy (Chernoff-Hoeffding) tail "
    "P(#bad >= k/2) <= exp(-k D(1/2 || 1-p)), D(1/2||q) = -ln(4 q (1-q)) / 2: never larger, by "
    "Pinsker's inequality.",
    "sufficient",
    "Chernoff 1952, Hoeffding 1963 (Thm 1); derived in proofs/proof_concentration.py",
    quantity="repetitions",
    ranges={"p": sp.Interval.open(_HALF, 1)},
)

bhmt_error = Bound(
    "concentration.bhmt_error",
    2 * sp.pi * sp.sqrt(a * (1 - a)) / M + sp.pi**2 / M**2,
    "Canonical amplitude estimation with M queries returns a_hat with |a_hat - a| <= "
    "2 pi sqrt(a(1-a))/M + pi^2/M^2 with probability >= 8/pi^2.",
    "upper",
    "Brassard-Hoyer-Mosca-Tapp 2002 (quant-ph/0005055), Theorem 12",
    quantity="error",
    ranges={"a": (0, 1)},
)

bhmt_queries = Bound(
    "concentration.bhmt_queries",
    sp.pi * (sp.sqrt(a * (1 - a) + eps) + sp.sqrt(a * (1 - a))) / eps,
    "Queries M at which the BHMT error bound equals eps (the positive root of "
    "pi^2 x^2 + 2 pi sqrt(a(1-a)) x = eps in x = 1/M); any M at least this gives additive error "
    "<= eps with probability >= 8/pi^2.",
    "sufficient",
    "Brassard-Hoyer-Mosca-Tapp 2002, Theorem 12; derived in proofs/proof_ae.py",
    quantity="queries",
    ranges={"a": (0, 1)},
)

bhmt_queries_worst = Bound(
    "concentration.bhmt_queries_worst",
    sp.pi * (sp.sqrt(_HALF**2 + eps) + _HALF) / eps,
    "concentration.bhmt_queries maximised over the unknown amplitude a (at a = 1/2): queries "
    "that give additive error <= eps for every a with probability >= 8/pi^2; about pi/eps. "
    "Equal to ae.queries (issue 3); proofs/proof_ae.py checks both.",
    "sufficient",
    "Brassard-Hoyer-Mosca-Tapp 2002, Theorem 12; derived in proofs/proof_ae.py",
    quantity="queries",
)

_P_AE = 8 / sp.pi**2                        # BHMT success probability of one run

ae_boosted_queries_worst = Bound(
    "concentration.ae_boosted_queries_worst",
    bhmt_queries_worst.expr * median_repetitions_kl.expr.subs(p, _P_AE),
    "Queries for additive error <= eps with probability >= 1 - delta, for every amplitude: "
    "the median of k runs of canonical amplitude estimation, each with "
    "concentration.bhmt_queries_worst queries, k = concentration.median_repetitions_kl at "
    "p = 8/pi^2 (k not rounded up to an integer).",
    "sufficient",
    "Brassard-Hoyer-Mosca-Tapp 2002, Theorem 12, with median boosting; derived in "
    "proofs/proof_ae.py",
    quantity="queries",
)
