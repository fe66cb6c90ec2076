"""Derivation: shots that separate two Bernoulli means ``gap`` apart by a midpoint threshold.

Hoeffding: for n i.i.d. shots in [0, 1], P(mean - p >= t) <= exp(-2 n t^2). Thresholding at
the midpoint puts each hypothesis at distance t = gap / 2, so the error is <= exp(-n gap^2 / 2),
and n = 2 ln(1/delta) / gap^2 makes it <= delta. Checked against ``ccq.bounds.sampling``
(``DERIVED``: see tests/test_proofs.py).
"""

import sympy as sp

from ccq.bounds import sampling


def threshold_shots():
    n, gap, delta = sp.symbols("n gap delta", positive=True)
    [root] = sp.solve(sp.Eq(sp.exp(-2 * n * (gap / 2) ** 2), delta), n)
    return root


DERIVED = {"sampling.threshold_shots": threshold_shots()}


def test_threshold_shots_from_hoeffding():
    n, gap, delta = sp.symbols("n gap delta", positive=True)
    error = sp.exp(-2 * n * (gap / 2) ** 2)
    solved = sp.solve(sp.Eq(error, delta), n)
    assert len(solved) == 1
    assert sp.simplify(solved[0] - sampling.threshold_shots.expr) == 0


def test_hoeffding_halfwidth_inverts_hoeffding_shots():
    eps, delta, n = sp.symbols("eps delta n", positive=True)
    shots = sampling.hoeffding_shots.expr
    halfwidth = sampling.hoeffding_halfwidth.expr
    assert sp.simplify(halfwidth.subs(n, shots) - eps) == 0
