"""Canonical amplitude estimation (Brassard-Hoyer-Mosca-Tapp): error, queries, median boosting.

Symbols: ``eps`` (additive error on the amplitude ``a``), ``delta`` (failure probability),
``a`` (the amplitude ``|<good|psi>|^2``), ``M`` (applications of the Grover operator, i.e. the
size of the phase-estimation register).
"""

from __future__ import annotations

import sympy as sp

from ._bound import Bound

eps, delta, a, M = sp.symbols("eps delta a M", positive=True)

error = Bound(
    "ae.error",
    2 * sp.pi * sp.sqrt(a * (1 - a)) / M + sp.pi**2 / M**2,
    "Canonical amplitude estimation with M Grover applications returns a' with "
    "|a' - a| <= 2 pi sqrt(a(1-a))/M + pi^2/M^2 with probability >= 8/pi^2.",
    "upper",
    "Brassard-Hoyer-Mosca-Tapp 2002 (quant-ph/0005055), Theorem 12",
    quantity="error",
    ranges={"a": (0, 1)},     # an amplitude |<good|psi>|^2
)

success_probability = Bound(
    "ae.success_probability",
    8 / sp.pi**2,
    "Probability with which one run of canonical amplitude estimation meets ae.error.",
    "lower",
    "Brassard-Hoyer-Mosca-Tapp 2002 (quant-ph/0005055), Theorem 12",
    quantity="probability",
)

queries = Bound(
    "ae.queries",
    sp.pi * (1 + sp.sqrt(1 + 4 * eps)) / (2 * eps),
    "Grover applications M that make ae.error <= eps for every a (worst case a(1-a) = 1/4: "
    "the positive root of eps M^2 - pi M - pi^2 = 0); one run then errs by more than eps "
    "with probability <= 1 - 8/pi^2.",
    "sufficient",
    "Brassard-Hoyer-Mosca-Tapp 2002; derived in proofs/proof_gapip.py",
    quantity="queries",
)

median_repetitions = Bound(
    "ae.median_repetitions",
    sp.log(1 / delta) / (2 * (8 / sp.pi**2 - sp.Rational(1, 2)) ** 2),
    "Independent runs whose median (majority vote of the thresholded runs) fails with "
    "probability <= delta when each run succeeds with probability >= 8/pi^2 (Hoeffding on "
    "the number of failed runs: exp(-2 r (8/pi^2 - 1/2)^2) <= delta).",
    "sufficient",
    "Hoeffding 1963; Jerrum-Valiant-Vazirani median trick; derived in proofs/proof_gapip.py",
    quantity="repetitions",
)
