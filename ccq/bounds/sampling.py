"""Sampling bounds used to pick budgets: how many shots decide between two probabilities."""

from __future__ import annotations

import sympy as sp

from ._bound import Bound

eps, delta, gap, p = sp.symbols("eps delta gap p", positive=True)

hoeffding_shots = Bound(
    "sampling.hoeffding_shots",
    sp.log(2 / delta) / (2 * eps**2),
    "Shots that estimate a Bernoulli mean within +-eps with probability >= 1 - delta "
    "(two-sided Hoeffding: P(|p_hat - p| >= eps) <= 2 exp(-2 n eps^2)).",
    "sufficient",
    "Hoeffding 1963",
    quantity="shots",
)

hoeffding_halfwidth = Bound(
    "sampling.hoeffding_halfwidth",
    sp.sqrt(sp.log(2 / delta) / (2 * sp.Symbol("n", positive=True))),
    "Half-width eps of a Hoeffding band: an n-shot Bernoulli mean lies within +-eps of its "
    "expectation with probability >= 1 - delta.",
    "sufficient",
    "Hoeffding 1963",
    quantity="error",
)

threshold_shots = Bound(
    "sampling.threshold_shots",
    2 * sp.log(1 / delta) / gap**2,
    "Shots that decide which of two Bernoulli means, `gap` apart, generated the data, by "
    "thresholding the empirical mean at the midpoint, with error <= delta "
    "(one-sided Hoeffding at distance gap/2: exp(-n gap^2 / 2) <= delta).",
    "sufficient",
    "Hoeffding 1963; derived in proofs/proof_sampling.py",
    quantity="shots",
)

normal_halfwidth = Bound(
    "sampling.normal_halfwidth",
    sp.Symbol("z", positive=True) * sp.sqrt(p * (1 - p) / sp.Symbol("n", positive=True)),
    "Normal-approximation half-width of a confidence interval for a Bernoulli mean.",
    "exact",
    "textbook",
    quantity="error",
)
